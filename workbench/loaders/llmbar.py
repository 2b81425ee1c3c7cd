"""LLMBar: gold-labelled instruction-following pairs with six LLM judges x many strategies.

Zeng et al., "Evaluating Large Language Models at Evaluating Instruction
Following", ICLR 2024 (arXiv:2310.07641). Data: ``princeton-nlp/LLMBar`` at
commit ``900616bff90b6c6c8e1681f7d079250637c55992``, MIT License. The
``Processed/*`` sets are LLMBar's re-processing of FairEval (no license file),
LLMEval² (MIT) and MT-Bench human judgments (CC-BY-4.0): cite the originals.

Two datasets live in this module.

``llmbar`` (pairwise judgment table)
    Every staged ``dataset.json`` (13 sets, 1,200 pairs) and every
    ``evaluators/<judge>/<strategy>/result.json`` (379 files, 31,605 judged
    pairs x 2 presentation orders = 63,210 verdicts), 64,410 rows.

    - ``subset``: the set's path below ``Dataset/`` without the ``LLMBar/``
      folder: ``Natural``, ``Adversarial/Neighbor`` ... ``CaseStudy/Constraint``
      ... ``Processed/FairEval``, ``Processed/LLMEval^2``, ``Processed/MT-Bench``.
    - ``item_id``: ``<subset>/<index in dataset.json>``; every ``result.json``
      record is checked against ``dataset.json`` at the same index (input,
      output_1, output_2, label).
    - Gold rows: rater ``gold`` (rater_kind ``gold``), label ``A`` / ``B`` for
      ``label`` 1 / 2, ``raw`` ``"1"`` / ``"2"``, ``order`` NA.
    - Judge rows: rater ``<judge>/<strategy>`` (``GPT-4/Vanilla_NoRules``),
      rater_kind ``llm``, ``order`` ``AB`` for ``"swap = False"`` (output_1
      shown first) and ``BA`` for ``"swap = True"``. ``label`` from ``winner``,
      which the source already maps back to the original numbering ("1" -> A,
      "2" -> B in both orders); a ``null`` winner (267 of 63,210: the judge's
      output matched none of the parsing patterns) is kept with label NA and
      ``raw`` ``"null"``. ``raw`` is the winner string for comparison
      strategies. ``explanation`` is the completion text; for ``Metrics`` /
      ``Reference`` / ``Metrics_Reference`` the judge's earlier generations
      (its own evaluation questions and/or reference output) are prepended
      under ``[Generated metrics]`` / ``[Generated reference output]``
      headers, the verdict under ``[Verdict]``. A finish reason other than
      ``stop`` or empty (``length``, ``content management policy``) is
      appended as ``[finish_reason: ...]``.
    - ``Rating*`` strategies rate each output alone (``score_1``, ``score_2``)
      and the authors derive both "orders" from the same two scores
      (princeton-nlp/LLMBar ``LLMEvaluator/evaluate.py`` @ caa7bee,
      ``annotate()``, Rating branch: ``swap = False`` -> "1" if s1 > s2 else
      "2"; ``swap = True`` -> "2" if s2 > s1 else "1"). A score tie therefore
      goes to the *second-presented* output in both orders (``AB`` -> "2",
      ``BA`` -> "1": 714 tied pairs in each order in the staged files), and an
      unparsable score (5 empty GPT-4 scores; the ``except`` branch) to the
      *first-presented* one (``AB`` -> "1", ``BA`` -> "2"). Their ``BA`` row is
      thus not a second presentation, and a tie-broken verdict says nothing
      about position (:func:`workbench.bias.position_preference` sets such
      verdicts apart). ``raw`` is the JSON
      ``{"score_1": ..., "score_2": ..., "winner": ...}`` and ``explanation``
      lists the two score texts; ``label`` is the authors' winner.
    - Not staged: ``Swap`` / ``Swap_CoT`` ``result.json`` (size), so those
      strategies appear only in ``llmbar_statistics``.
    - Values are strict (:mod:`workbench.loaders.values`): ``label`` exactly the
      integer 1 or 2 (not ``1.0``, ``"1"``, ``true`` or null), ``winner`` exactly
      ``"1"`` / ``"2"`` or null (the documented unparsable verdict; ``NaN`` is
      not null), item texts strings; a ``result.json`` record must repeat its
      ``dataset.json`` item with the same types.

``llmbar_statistics`` (summary frame, :data:`STATISTICS_COLUMNS`)
    One row per ``statistics.json`` (499, incl. the 120 Swap / Swap_CoT ones):
    the authors' numbers as the paper reports them (README: "reported in our
    paper"). Accuracy ``correct_average`` = mean over the two orders of
    ``winner == label`` (null counts as wrong); agreement ``equal`` = share of
    pairs whose two winners are equal, where **two null winners count as
    equal** (``None == None`` in ``LLMEvaluator/evaluate.py``). The ``kappa_*``
    fields are kept verbatim but are not Cohen's kappa of the verdicts: the
    repository maps "1" -> 1 and everything else -> 0 before comparing with
    labels 1 / 2; recompute from ``llmbar`` instead.

Examples
--------
>>> _subset("Dataset/LLMBar/Adversarial/GPTInst/dataset.json")
'Adversarial/GPTInst'
>>> _subset("Dataset/Processed/LLMEval^2/evaluators/GPT-4/Vanilla_NoRules/result.json")
'Processed/LLMEval^2'
>>> _explanation(["Output (b)", "stop"], [("metrics", ["1. Is it short?", "stop"])])
'[Generated metrics]\\n1. Is it short?\\n\\n[Verdict]\\nOutput (b)'
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..fetch import Source, registry
from ..schema import LoadError, conform, validate
from .raw import read_json, read_records
from .values import labels, texts

NAME = "llmbar"
STATISTICS = "llmbar_statistics"
PROTOCOL = "pairwise"
PROTOCOLS = {NAME: "pairwise", STATISTICS: "summary"}
PARSERS = {NAME: "parse", STATISTICS: "parse_statistics"}
SOURCE = Source(
    folder="llmbar",
    base_url="https://raw.githubusercontent.com/princeton-nlp/LLMBar/900616bff90b6c6c8e1681f7d079250637c55992",
    homepage="https://github.com/princeton-nlp/LLMBar/tree/900616bff90b6c6c8e1681f7d079250637c55992",
    license="MIT",
    citation=(
        "Zeng et al. 2024, Evaluating Large Language Models at Evaluating Instruction "
        "Following, ICLR (arXiv:2310.07641)"
    ),
    notes="Processed/* re-distribute FairEval, LLMEval² (MIT) and MT-Bench (CC-BY-4.0) labels.",
)

_REGISTERED = sorted(registry(SOURCE.folder))
DATASET_FILES = [p for p in _REGISTERED if p.endswith("/dataset.json")]
RESULT_FILES = [p for p in _REGISTERED if p.endswith("/result.json")]
STATISTICS_FILES = [p for p in _REGISTERED if p.endswith("/statistics.json")]
FILES = DATASET_FILES + RESULT_FILES
FILES_BY_NAME = {NAME: FILES, STATISTICS: STATISTICS_FILES}

GOLD_LABELS = {1: "A", 2: "B"}
WINNER_LABELS = {"1": "A", "2": "B"}
ORDERS = {"swap = False": "AB", "swap = True": "BA"}
ITEM_FIELDS = ("input", "output_1", "output_2", "label")
STEP_HEADERS = {"metrics": "[Generated metrics]", "reference": "[Generated reference output]"}

STATISTICS_COLUMNS: dict[str, str] = {
    "subset": "string",
    "judge": "string",
    "strategy": "string",
    "rater": "string",
    "n": "Int64",
    "n_correct_false": "Int64",
    "n_correct_true": "Int64",
    "n_correct_both": "Int64",
    "n_equal": "Int64",
    "correct_false": "Float64",
    "correct_true": "Float64",
    "correct_average": "Float64",
    "correct_both": "Float64",
    "equal": "Float64",
    "kappa_false": "Float64",
    "kappa_true": "Float64",
    "kappa_average": "Float64",
    "kappa_agreement": "Float64",
    "has_result": "boolean",
    "file": "string",
}
"""Columns of ``llmbar_statistics``.

``subset`` / ``judge`` / ``strategy`` from the path; ``rater`` =
``<judge>/<strategy>`` as in ``llmbar``. ``n`` pairs; ``n_correct_false`` /
``n_correct_true`` pairs judged right in the ``AB`` (swap = False) / ``BA``
order; ``n_correct_both`` right in both; ``n_equal`` same winner in both orders
(two nulls count as equal). The float columns are the files' percentages
(0-100, unrounded): ``correct_average`` = Acc., ``equal`` = positional
agreement (Agr.) of the paper. ``kappa_*`` verbatim (not Cohen's kappa, see
module docstring). ``has_result`` says whether the per-instance
``result.json`` is staged (False for Swap / Swap_CoT); ``file`` is the path.
"""

_FRACTION = re.compile(r"(\d+) / (\d+) = ([0-9.eE+-]+)%")
_PERCENT = re.compile(r"([0-9.eE+-]+)%")


def _subset(path: str) -> str:
    """The set of a staged path: below ``Dataset/``, ``LLMBar/`` dropped, up to ``evaluators``."""
    parts = path.split("/")
    end = parts.index("evaluators") if "evaluators" in parts else len(parts) - 1
    parts = parts[1:end]
    if parts and parts[0] == "LLMBar":
        parts = parts[1:]
    return "/".join(parts)


def _dataset_path(result_path: str) -> str:
    return result_path.split("/evaluators/", 1)[0] + "/dataset.json"


def _read_array(path: Path, name: str, required: tuple[str, ...]) -> list[dict]:
    """A JSON array of objects with ``required`` keys; the item texts must be strings."""
    recs = read_records(path, name, required=required, column=True)
    for field in ("input", "output_1", "output_2"):
        texts([rec[field] for rec in recs], file=name, field=field)
    return recs


def _step(value: Any, name: str, i: int, field: str) -> list:
    """A ``[text, finish_reason]`` generation of the source."""
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], str)
    ):
        raise LoadError(name, i, field, f"expected [text, finish_reason], got {value!r:.80}")
    return value


def _explanation(verdict: list, steps: list[tuple[str, list]]) -> str:
    """Completion text, earlier generations prepended under headers, odd finish reasons appended."""
    text, finish = verdict
    if finish not in ("stop", ""):
        text = f"{text}\n\n[finish_reason: {finish}]"
    if not steps:
        return text
    parts = [f"{STEP_HEADERS[kind]}\n{step[0]}" for kind, step in steps]
    return "\n\n".join([*parts, f"[Verdict]\n{text}"])


def _step_kinds(strategy: str) -> list[str]:
    """Earlier generation steps of a strategy, in the order ``results`` stores them."""
    kinds = []
    if "Metrics" in strategy:
        kinds.append("metrics")
    if "Reference" in strategy:
        kinds.append("reference")
    return kinds


def _judgments(records: list[dict], name: str, strategy: str) -> dict[str, list]:
    """Winner, raw and explanation per presentation order of one ``result.json``."""
    rating = strategy.startswith("Rating")
    kinds = _step_kinds(strategy)
    out: dict[str, list] = {k: [] for k in ("winner_AB", "winner_BA", "raw_AB", "raw_BA")}
    out.update(expl_AB=[], expl_BA=[])
    for i, rec in enumerate(records):
        results = rec["results"]
        if not isinstance(results, list) or len(results) != len(kinds) + 1:
            raise LoadError(
                name,
                i,
                "results",
                f"expected a list of {len(kinds) + 1} generation step(s) for strategy "
                f"{strategy!r}, got {results!r:.80}",
            )
        steps = [
            (kind, _step(results[k], name, i, f"results[{k}]")) for k, kind in enumerate(kinds)
        ]
        last = results[-1]
        if not isinstance(last, dict):
            raise LoadError(name, i, "results[-1]", f"expected an object, got {last!r:.80}")
        if rating:
            scores = {}
            for key in ("score_1", "score_2"):
                if key not in last:
                    raise LoadError(name, i, f"results[-1].{key}", "missing")
                scores[key] = _step(last[key], name, i, f"results[-1].{key}")[0]
        for swap, order in ORDERS.items():
            entry = last.get(swap)
            field = f"results[-1][{swap!r}]"
            if not isinstance(entry, dict):
                raise LoadError(name, i, field, f"missing or not an object: {entry!r:.80}")
            if "winner" not in entry:
                raise LoadError(name, i, f"{field}.winner", "missing")
            winner = entry["winner"]
            out[f"winner_{order}"].append(winner)
            if rating:
                out[f"raw_{order}"].append(json.dumps({**scores, "winner": winner}))
                lines = [f"score_1: {scores['score_1']}", f"score_2: {scores['score_2']}"]
                out[f"expl_{order}"].append(_explanation(["\n".join(lines), "stop"], steps))
                continue
            if "completion" not in entry:
                raise LoadError(name, i, f"{field}.completion", "missing")
            completion = _step(entry["completion"], name, i, f"{field}.completion")
            out[f"raw_{order}"].append("null" if winner is None else str(winner))
            out[f"expl_{order}"].append(_explanation(completion, steps))
    return out


def _check_aligned(records: list[dict], items: list[dict], name: str, dataset: str) -> None:
    if len(records) != len(items):
        raise LoadError(
            name,
            min(len(records), len(items)),
            "-",
            f"{len(records)} records but {dataset} has {len(items)}",
        )
    for field in ITEM_FIELDS:
        for i, (rec, item) in enumerate(zip(records, items, strict=True)):
            if type(rec[field]) is not type(item[field]) or rec[field] != item[field]:
                raise LoadError(
                    name, i, field, f"does not match {dataset} record {i}: {rec[field]!r:.60}"
                )


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse ``dataset.json`` and ``result.json`` files into the tidy table.

    Parameters
    ----------
    files : dict
        Staged path (as in :data:`FILES`) -> local file. Any subset of
        :data:`FILES` works, as long as each ``result.json`` comes with its
        set's ``dataset.json``.

    Returns
    -------
    DataFrame
        The tidy judgment table (:data:`workbench.schema.COLUMNS`).

    Raises
    ------
    LoadError
        Naming the file, the record (index in the JSON array) and the field:
        invalid JSON, a missing field, a label or winner outside the scale, a
        ``result.json`` record that differs from ``dataset.json``.
    """
    datasets = sorted(p for p in files if p.endswith("/dataset.json"))
    results = sorted(p for p in files if p.endswith("/result.json"))
    unknown = sorted(set(files) - set(datasets) - set(results))
    if unknown:
        raise LoadError(unknown[0], "-", "-", "not a dataset.json or result.json of LLMBar")

    item_cols: dict[str, list] = {k: [] for k in ("subset", "item_id", *ITEM_FIELDS)}
    first: dict[str, int] = {}  # dataset.json -> position of its first item
    records: dict[str, list[dict]] = {}
    gold: list = []
    for path in datasets:
        recs = _read_array(files[path], path, ITEM_FIELDS)
        subset = _subset(path)
        first[path] = len(item_cols["subset"])
        records[path] = recs
        n = len(recs)
        item_cols["subset"] += [subset] * n
        item_cols["item_id"] += [f"{subset}/{i}" for i in range(n)]
        for field in ITEM_FIELDS:
            item_cols[field] += [rec[field] for rec in recs]
        gold += labels([r["label"] for r in recs], GOLD_LABELS, file=path, field="label")
    items = pd.DataFrame(
        {
            "dataset": NAME,
            "subset": item_cols["subset"],
            "item_id": item_cols["item_id"],
            "protocol": "pairwise",
            "criterion": "overall",
            "prompt": item_cols["input"],
            "response_a": item_cols["output_1"],
            "response_b": item_cols["output_2"],
        }
    )

    take: list[int] = []  # row of items for each judgment
    cols: dict[str, list] = {k: [] for k in ("rater", "strategy", "order", "raw", "explanation")}
    winners: list = []
    for path in results:
        dataset = _dataset_path(path)
        if dataset not in records:
            raise LoadError(path, "-", "-", f"needs {dataset} in files to align its records")
        recs = _read_array(files[path], path, (*ITEM_FIELDS, "results"))
        _check_aligned(recs, records[dataset], path, dataset)
        judge, strategy = path.split("/")[-3:-1]
        got = _judgments(recs, path, strategy)
        n = len(recs)
        for swap, order in ORDERS.items():
            take += range(first[dataset], first[dataset] + n)
            cols["rater"] += [f"{judge}/{strategy}"] * n
            cols["strategy"] += [strategy] * n
            cols["order"] += [order] * n
            cols["raw"] += got[f"raw_{order}"]
            cols["explanation"] += got[f"expl_{order}"]
            winners += labels(
                got[f"winner_{order}"],
                WINNER_LABELS,
                file=path,
                field=f"results[-1][{swap!r}].winner",
                na=(None,),  # null: the judge's output matched no parsing pattern
            )

    gold_rows = items.assign(
        rater="gold",
        rater_kind="gold",
        label=gold if gold else None,
        raw=[str(v) for v in item_cols["label"]],
    )
    judge_rows = items.iloc[take].reset_index(drop=True)
    judge_rows = judge_rows.assign(rater_kind="llm", label=winners, **cols)
    df = pd.concat([gold_rows, judge_rows], ignore_index=True)
    return validate(conform(df, name=NAME), name=NAME)


def _fraction(stats: dict, key: str, name: str) -> tuple[int, int, float]:
    value = stats.get(key)
    if value is None:
        raise LoadError(name, "-", key, "missing")
    m = _FRACTION.fullmatch(str(value))
    if not m:
        raise LoadError(name, "-", key, f"expected 'k / n = x%', got {value!r}")
    k, n, pct = int(m[1]), int(m[2]), float(m[3])
    if n == 0 or abs(100 * k / n - pct) > 1e-9:
        raise LoadError(name, "-", key, f"{k} / {n} is not {pct}%")
    return k, n, pct


def parse_statistics(files: dict[str, Path]) -> pd.DataFrame:
    """Parse ``statistics.json`` files into the ``llmbar_statistics`` summary frame.

    Parameters
    ----------
    files : dict
        Staged path (as in :data:`STATISTICS_FILES`) -> local file.

    Returns
    -------
    DataFrame
        One row per file, columns :data:`STATISTICS_COLUMNS`.

    Raises
    ------
    LoadError
        Naming the file and the field: invalid JSON, a missing field, a
        fraction that does not read ``k / n = x%`` or whose ``x`` is not
        ``100 k / n``, fractions with different ``n``, an average that is not
        the mean of the two orders.
    """
    rows = []
    for path in sorted(files):
        if not path.endswith("/statistics.json"):
            raise LoadError(path, "-", "-", "not a statistics.json of LLMBar")
        stats = read_json(files[path], path, column=True)
        if not isinstance(stats, dict):
            raise LoadError(path, "-", "-", f"expected an object, got {type(stats).__name__}")
        judge, strategy = path.split("/")[-3:-1]
        row: dict[str, Any] = {
            "subset": _subset(path),
            "judge": judge,
            "strategy": strategy,
            "rater": f"{judge}/{strategy}",
        }
        ns = set()
        for key, col in (
            ("correct_False", "correct_false"),
            ("correct_True", "correct_true"),
            ("correct_both", "correct_both"),
            ("equal", "equal"),
        ):
            k, n, pct = _fraction(stats, key, path)
            row[f"n_{col}"], row[col] = k, pct
            ns.add(n)
        if len(ns) != 1:
            raise LoadError(path, "-", "equal", f"fractions have different n: {sorted(ns)}")
        row["n"] = ns.pop()
        m = _PERCENT.fullmatch(str(stats.get("correct_average")))
        if not m:
            raise LoadError(
                path, "-", "correct_average", f"expected 'x%', got {stats.get('correct_average')!r}"
            )
        row["correct_average"] = float(m[1])
        expected = (row["n_correct_false"] + row["n_correct_true"]) / 2 / row["n"] * 100
        if abs(row["correct_average"] - expected) > 1e-9:
            raise LoadError(
                path,
                "-",
                "correct_average",
                f"{row['correct_average']}% is not the mean of the two orders",
            )
        for key in ("kappa_False", "kappa_True", "kappa_average", "kappa_agreement"):
            value = stats.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float | None):
                raise LoadError(path, "-", key, f"expected a number, got {value!r}")
            row[key.lower()] = value
        row["has_result"] = path.replace("/statistics.json", "/result.json") in RESULT_FILES
        row["file"] = path
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(STATISTICS_COLUMNS))
    return out.astype(STATISTICS_COLUMNS)
