"""ICE-Score: GPT-3.5 grades of generated code vs human usefulness (CoNaLa) and execution (HumanEval-X).

Terry Yue Zhuo, "ICE-Score: Instructing Large Language Models to Evaluate
Code", Findings of EACL 2024 (arXiv:2304.14317). Data: ``terryyz/ice-score`` at
commit ``4e45c6dcd0a31cf62488619ce23cecc032263d8b``, every
``experiment_source/original_output/**/*gpt35*.json`` (13 files), MIT license.
The CoNaLa usefulness grades come from Evtikhiev et al., "Out of the BLEU: How
Should We Assess Quality of the Code Generation Models?", JSS 2023
(JetBrains-Research/codegen-metrics); the HumanEval-X samples from CodeGeeX
(Zheng et al., KDD 2023). Code and intent texts are not staged, so
``prompt`` / ``response`` are NA.

Rating protocol. Judge outputs are GPT-3.5-turbo (temperature 0) answers on a
0-4 scale; rater ``"gpt-3.5-turbo/<strategy>"`` with strategy
``"<no_step|with_step>_<no_ref|with_ref>"`` from the file name (``with_step`` =
zero-shot chain of thought, ``with_ref`` = the prompt shows the reference
solution). ``raw`` keeps the answer verbatim; CoT answers are also kept in
``explanation``.

CoNaLa (``subset`` ``"conala"``, criterion ``usefulness``)
    500 intents x 5 systems (``baseline``, ``tranx-annot``, ``best-tranx``,
    ``best-tranx-rerank``, ``codex``) = 2,500 (item, system) pairs per file;
    ``item_id`` = ``"conala/<intent index>/<system>"``, ``model`` = system.
    Human grades: ``grade-<system>`` = {grader id: 0-4} with 2-8 graders per
    snippet (16 graders overall), one row per grade, rater
    ``"human:<grader id>"`` (``human:grader11``), rater_kind ``human``. The four
    files repeat the same grades; they are read from the first and checked
    equal in the others. Judges: all four strategies.
HumanEval-X (``subset`` = ``cpp`` / ``java`` / ``js`` / ``python``)
    161 problems x ~20 sampled solutions; ``item_id`` =
    ``"humaneval-<lang>/<problem index>/<sample id>"``. criterion
    ``functional_correctness`` for both the unit-test outcome (rater
    ``execution``, rater_kind ``gold``, score 0 / 1; identical across a
    language's files, checked) and the judge (``no_step_no_ref`` and
    ``no_step_with_ref``). The extra file
    ``humaneval/cpp/_cpp_humaneval_no_step_with_ref_gpt35.json`` (leading
    underscore in the source) is a second with-reference C++ run on the same
    3,220 samples; its strategy is ``no_step_with_ref_rerun``.

Score parsing (:func:`parse_score`), first rule that applies:

1. the whole answer is one digit 0-4 (``"3"``);
2. the last ``<label>: k`` with label ``Usefulness``, ``Usefulness Score``,
   ``Functional Correctness`` or ``Score`` (``"Usefulness: 2"``, ``"Score: 0\\n\\n..."``);
3. a leading digit followed by ``-``, ``:`` or ``(`` (``"3 - The code ..."``,
   ``"2 (The code ...)"``);
4. the last phrase ``score(s/d) / rate(d) / rating / usefulness ... is | as | of | at k``
   within one sentence, or ``scores (a) k`` / ``rated (as) k`` (``"the usefulness
   score is 3."``, ``"I would rate the usefulness of this code snippet as 2"``,
   ``"the code snippet is very helpful and scores a 4 for usefulness."``).

Ranges (``"0-4"``, ``"0 to 4"``) and decimals never count as a score, nor do
digits outside 0-4. Anything else (``"N/A (code snippet is missing)"``,
``"Option 1: 2\\nOption 2: 4"``, CoT text that never states a number) gets an NA
score with ``raw`` kept.

Unparsed judge answers: 27 of 38,858 (tests count them per file).

Rows (62,710): CoNaLa 4 x 2,500 judge rows + 11,033 human grades; HumanEval-X
(item, sample) pairs x (execution + judge files): cpp 3,220 x 4, java 3,219 x 3,
js 3,160 x 3, python 3,220 x 3.

The paper's CoNaLa correlations use an aggregated human grade from
``data/conala/conala_grade.json`` (not staged; its aggregation is not
documented). With the mean of the per-grader grades here, corpus-level Kendall
tau for ``no_step_no_ref`` is 0.556 vs 0.546 published, so the published
values are not reproduced exactly from this release.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .raw import read_records
from .values import labels, texts

NAME = "ice_score"
PROTOCOL = "rating"
SOURCE = Source(
    folder="ice_score_code",
    base_url="https://raw.githubusercontent.com/terryyz/ice-score/4e45c6dcd0a31cf62488619ce23cecc032263d8b",
    homepage="https://github.com/terryyz/ice-score/tree/4e45c6dcd0a31cf62488619ce23cecc032263d8b",
    license="MIT",
    citation="Zhuo 2024, ICE-Score, Findings of EACL (arXiv:2304.14317)",
)
_ROOT = "experiment_source/original_output"
CONALA_FILES = [
    f"{_ROOT}/conala/conala_{step}_{ref}_gpt35.json"
    for step in ("no_step", "with_step")
    for ref in ("no_ref", "with_ref")
]
LANGUAGES = ["cpp", "java", "js", "python"]
HUMANEVAL_FILES = [
    f"{_ROOT}/humaneval/{lang}/{lang}_humaneval_no_step_{ref}_gpt35.json"
    for lang in LANGUAGES
    for ref in ("no_ref", "with_ref")
]
RERUN = f"{_ROOT}/humaneval/cpp/_cpp_humaneval_no_step_with_ref_gpt35.json"
FILES = CONALA_FILES + HUMANEVAL_FILES + [RERUN]

CONALA_SYSTEMS = ["baseline", "tranx-annot", "best-tranx", "best-tranx-rerank", "codex"]
JUDGE = "gpt-3.5-turbo"
SCALE = (0, 1, 2, 3, 4)
GRADES = {k: float(k) for k in SCALE}
"""Human usefulness grade (a JSON integer 0-4; not ``3.0``, ``"3"`` or ``true``) -> score."""
EXECUTION = {0: 0.0, 1: 1.0}
"""Unit-test outcome (a JSON integer 0 / 1) -> score."""

_NUM = r"([0-4])(?![.,]?\d)(?!\s*(?:-|–|to)\s*\d)"
_ONLY = re.compile(r"\s*([0-4])\s*\.?\s*")
_LABELLED = re.compile(
    rf"\b(?:usefulness(?:\s+score)?|functional\s+correctness|score)\s*(?:\(0-4\))?\s*[:=]\s*\**\s*{_NUM}",
    re.IGNORECASE,
)
_LEADING = re.compile(r"\s*([0-4])\s*(?:[-–—:](?!\s*\d)|\()")
_PHRASE = re.compile(
    rf"\b(?:score[sd]?|rat(?:e|ed|ing)|usefulness)\b[^.\n]{{0,80}}?\b(?:is|as|of|at)\s+\**{_NUM}"
    rf"|\b(?:scores|rated)\s+(?:a\s+|as\s+)?{_NUM}",
    re.IGNORECASE,
)


def strategy_of(path: str) -> str:
    """The judge strategy a file holds.

    >>> strategy_of("experiment_source/original_output/conala/conala_with_step_no_ref_gpt35.json")
    'with_step_no_ref'
    >>> strategy_of(RERUN)
    'no_step_with_ref_rerun'
    """
    name = path.rsplit("/", 1)[-1]
    m = re.search(r"(no_step|with_step)_(no_ref|with_ref)_gpt35\.json$", name)
    if m is None:
        raise ValueError(f"path: not an ICE-Score GPT-3.5 output file: {path!r}")
    return f"{m[1]}_{m[2]}" + ("_rerun" if name.startswith("_") else "")


def parse_score(text: str | None) -> float | None:
    """The 0-4 grade stated in one GPT-3.5 answer, or None (rules in the module docstring).

    >>> [parse_score(t) for t in ["3", "Score: 0\\n\\nExplanation: ...", "2 (fails all tests)"]]
    [3.0, 0.0, 2.0]
    >>> parse_score("Steps ...\\n3. The usefulness score is 4.")
    4.0
    >>> [parse_score(t) for t in ["0-4", "Option 1: 2\\nOption 2: 4", "N/A (no code)", "5"]]
    [None, None, None, None]
    """
    if text is None:
        return None
    if m := _ONLY.fullmatch(text):
        return float(m[1])
    if found := _LABELLED.findall(text):
        return float(found[-1])
    if m := _LEADING.match(text):
        return float(m[1])
    last = None
    for last in _PHRASE.finditer(text):  # noqa: B007 (keep the last match)
        pass
    if last is not None:
        return float(last[1] or last[2])
    return None


def _read_json(path: Path, name: str) -> list[dict]:
    """A JSON array of objects (duplicate keys, invalid JSON and the like raise)."""
    return read_records(path, name)


def _judge_rows(outputs: list, name: str, records: list[str], field: list[str]) -> dict:
    strategy = strategy_of(name)
    texts(outputs, file=name, field=field, records=records)
    return {
        "rater": f"{JUDGE}/{strategy}",
        "rater_kind": "llm",
        "strategy": strategy,
        "score": [parse_score(o) for o in outputs],
        "raw": outputs,
        "explanation": outputs if strategy.startswith("with_step") else None,
    }


def _conala(files: dict[str, Path]) -> list[pd.DataFrame]:
    parts = []
    first = None
    for name in CONALA_FILES:
        data = _read_json(files[name], name)
        if len(data) == 0:
            raise LoadError(name, "-", "-", "no records")
        item_id, system, outputs, records, fields, grades = [], [], [], [], [], []
        for i, rec in enumerate(data):
            for s in CONALA_SYSTEMS:
                for key in (f"grade-{s}", f"gpt3.5-{s}"):
                    if key not in rec:
                        raise LoadError(name, i, key, "missing")
                g = rec[f"grade-{s}"]
                if not isinstance(g, dict) or not g:
                    raise LoadError(name, i, f"grade-{s}", f"expected {{grader: grade}}, got {g!r}")
                item_id.append(f"conala/{i}/{s}")
                system.append(s)
                outputs.append(rec[f"gpt3.5-{s}"])
                records.append(f"{i} (item conala/{i}/{s})")
                fields.append(f"gpt3.5-{s}")
                grades.append(g)
        if first is None:
            first = (name, grades)
            rows = [
                (iid, sys_, f"human:{grader}", v, rec, f"grade-{sys_}")
                for iid, sys_, rec, g in zip(item_id, system, records, grades, strict=True)
                for grader, v in g.items()
            ]
            raw = [r[3] for r in rows]  # a list: a frame column would upcast 1 to 1.0
            human = pd.DataFrame(
                {
                    "item_id": [r[0] for r in rows],
                    "model": [r[1] for r in rows],
                    "rater": [r[2] for r in rows],
                    "score": labels(
                        raw,
                        GRADES,
                        file=name,
                        field=[r[5] for r in rows],
                        records=[r[4] for r in rows],
                    ),
                    "raw": [str(v) for v in raw],
                }
            )
            parts.append(human.assign(rater_kind="human"))
        else:
            ref_name, ref = first
            if len(grades) != len(ref):
                raise LoadError(
                    name, "-", "-", f"{len(grades) // 5} intents, {ref_name} has {len(ref) // 5}"
                )
            for j, (g, r) in enumerate(zip(grades, ref, strict=True)):
                if g != r:
                    raise LoadError(
                        name, records[j], f"grade-{system[j]}", f"differs from {ref_name}"
                    )
        parts.append(
            pd.DataFrame(
                {"item_id": item_id, "model": system, **_judge_rows(outputs, name, records, fields)}
            )
        )
    for p in parts:
        p["subset"] = "conala"
        p["criterion"] = "usefulness"
    return parts


def _humaneval(files: dict[str, Path]) -> list[pd.DataFrame]:
    parts = []
    execution: dict[str, tuple[str, dict]] = {}
    for name in HUMANEVAL_FILES + [RERUN]:
        lang = name.split("/")[-2]
        data = _read_json(files[name], name)
        item_id, outputs, records, fields, executions = [], [], [], [], []
        for i, rec in enumerate(data):
            for key, val in rec.items():
                if not key.startswith("grade-"):
                    raise LoadError(name, i, key, "unexpected key (expected grade-<sample id>)")
                if not isinstance(val, dict):
                    raise LoadError(name, i, key, f"expected an object, got {val!r}")
                for f in ("execution", "raw_output"):
                    if f not in val:
                        raise LoadError(name, i, f"{key}.{f}", "missing")
                iid = f"humaneval-{lang}/{i}/{key.removeprefix('grade-')}"
                rec_name = f"{i} (item {iid})"
                executions.append(val["execution"])
                item_id.append(iid)
                outputs.append(val["raw_output"])
                records.append(rec_name)
                fields.append(f"{key}.raw_output")
        scores = labels(
            executions,
            EXECUTION,
            file=name,
            field=[f.removesuffix(".raw_output") + ".execution" for f in fields],
            records=records,
        )
        exe = {iid: (v, raw) for iid, v, raw in zip(item_id, scores, executions, strict=True)}
        if lang not in execution:
            execution[lang] = (name, exe)
        else:
            ref_name, ref = execution[lang]
            for iid, (v, _) in exe.items():
                if iid in ref and ref[iid][0] != v:
                    raise LoadError(
                        name, iid, "execution", f"{v!r} differs from {ref_name} ({ref[iid][0]!r})"
                    )
                ref.setdefault(iid, exe[iid])
        parts.append(
            pd.DataFrame(
                {"item_id": item_id, **_judge_rows(outputs, name, records, fields)}
            ).assign(subset=lang)
        )
    for lang, (_, exe) in execution.items():
        parts.append(
            pd.DataFrame(
                {
                    "item_id": list(exe),
                    "score": [v for v, _ in exe.values()],
                    "raw": [str(r) for _, r in exe.values()],
                }
            ).assign(subset=lang, rater="execution", rater_kind="gold")
        )
    for p in parts:
        p["criterion"] = "functional_correctness"
    return parts


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the 13 staged files into the tidy table (pure; no I/O besides reading)."""
    out = pd.concat(_conala(files) + _humaneval(files), ignore_index=True)
    out["dataset"] = NAME
    out["protocol"] = "rating"
    out["score"] = out["score"].astype("Float64")
    return validate(conform(out, name=NAME), name=NAME)
