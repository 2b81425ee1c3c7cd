"""PandaLM human-annotated pairwise test set with GPT-3.5-turbo and PandaLM-7B verdicts.

Wang et al., "PandaLM: An Automatic Evaluation Benchmark for LLM Instruction
Tuning Optimization", ICLR 2024 (arXiv:2306.05087). Data: ``WeOpenML/PandaLM``
at commit ``3871806e72b4832f815ecafd24d3503c73403f48``, Apache-2.0.

Rows: 999 items x (3 annotators + majority + 2 judges) = 5,994. Labels 1 / 2 /
0 (humans, PandaLM) and "1" / "2" / "Tie" (GPT-3.5) map to A / B / tie;
GPT-3.5's 25 "garbage" outputs stay as rows with NA label. ``subset`` is the
10 model pairs' ``cmp_key``; the motivating app is kept in ``raw`` of the
majority row only through ``subset``-level slicing (see ``factors``).
Judges saw one presentation order (response1 first): ``order`` = ``AB``.

Values are strict (:mod:`workbench.loaders.values`): ``idx`` an integer (not ``3.0``,
``true`` or null), labels exactly 0 / 1 / 2 (integers) or the GPT strings, texts strings.
One upstream quirk is kept: six responses are the JSON boolean ``true`` (a model that
answered "True", e.g. ``idx`` 157 ``response1``); they are read as the text ``"True"``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .raw import read_records
from .values import integers, labels, texts, unique

NAME = "pandalm"
PROTOCOL = "pairwise"
SOURCE = Source(
    folder="pandalm_testset",
    base_url="https://raw.githubusercontent.com/WeOpenML/PandaLM/3871806e72b4832f815ecafd24d3503c73403f48",
    homepage="https://github.com/WeOpenML/PandaLM/tree/3871806e72b4832f815ecafd24d3503c73403f48",
    license="Apache-2.0",
    citation="Wang et al. 2024, PandaLM, ICLR (arXiv:2306.05087)",
)
TESTSET = "data/testset-v1.json"
GPT = "data/gpt-3.5-turbo-testset-v1.json"
PANDALM = "data/pandalm-7b-testset-v1.json"
FILES = [TESTSET, GPT, PANDALM]

HUMAN_LABELS = {0: "tie", 1: "A", 2: "B"}
GPT_LABELS = {"1": "A", "2": "B", "Tie": "tie", "garbage": None}
PANDALM_LABELS = {0: "tie", 1: "A", 2: "B"}
TEXTS = {
    TESTSET: ["instruction", "input", "response1", "response2", "cmp_key"],
    GPT: ["gpt_reason", "gpt_reference"],
    PANDALM: ["pandalm_reason", "pandalm_reference"],
}
"""Text fields per file (checked to be strings)."""
BOOLEAN_TEXTS = ("response1", "response2")
"""Fields where JSON ``true`` stands for the answer text "True" (6 records upstream)."""


def _frame(
    path: Path, name: str, required: list[str], optional: tuple[str, ...] = ()
) -> pd.DataFrame:
    """One file's records: strict integer ids and texts; label fields kept raw (object dtype).

    ``optional`` fields may be absent (NA); when present they follow the same rules.
    """
    records = read_records(path, name, required=required, id_key="idx")
    where = [f"{i} (idx={rec['idx']!r})" for i, rec in enumerate(records)]
    idx = integers([r["idx"] for r in records], file=name, field="idx", records=where)
    unique(idx, file=name, field="idx")
    columns = {"idx": idx}
    for key in [*required[1:], *optional]:
        column = [rec.get(key) for rec in records]
        if key in TEXTS[name]:
            column = texts(
                column,
                file=name,
                field=key,
                records=where,
                nullable=key in optional,
                booleans=key in BOOLEAN_TEXTS,
            )
        columns[key] = pd.Series(column, dtype=object)  # no int -> float upcast of raw labels
    return pd.DataFrame(columns)


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the three staged files into the tidy table (pure; no I/O besides reading)."""
    test = _frame(
        files[TESTSET],
        TESTSET,
        ["idx", "instruction", "input", "response1", "response2", "cmp_key"]
        + ["annotator1", "annotator2", "annotator3"],
    )
    gpt = _frame(files[GPT], GPT, ["idx", "gpt_result", "gpt_reason"], ("gpt_reference",))
    panda = _frame(
        files[PANDALM],
        PANDALM,
        ["idx", "pandalm_result", "pandalm_reason"],
        ("pandalm_reference",),
    )
    for other, name in ((gpt, GPT), (panda, PANDALM)):
        if len(other) != len(test):
            raise LoadError(
                name,
                min(len(other), len(test)),
                "idx",
                f"{len(other)} records, {TESTSET} has {len(test)}",
            )
        if not other["idx"].equals(test["idx"]):
            bad = int((other["idx"].to_numpy() != test["idx"].to_numpy()).nonzero()[0][0])
            raise LoadError(name, bad, "idx", f"does not align with {TESTSET}")

    prompt = test["instruction"].where(
        test["input"].fillna("").eq(""), test["instruction"] + "\n\n" + test["input"]
    )
    models = test["cmp_key"].str.split("_", n=1, expand=True)
    base = pd.DataFrame(
        {
            "dataset": NAME,
            "subset": test["cmp_key"],
            "item_id": test["idx"].astype(str),
            "protocol": "pairwise",
            "criterion": "overall",
            "prompt": prompt,
            "response_a": test["response1"],
            "response_b": test["response2"],
            "model_a": models[0],
            "model_b": models[1],
        }
    )
    parts = []
    votes = []
    for k in (1, 2, 3):
        col = f"annotator{k}"
        lab = labels(test[col], HUMAN_LABELS, file=TESTSET, field=col)
        votes.append(lab)
        parts.append(
            base.assign(
                rater=f"human:annotator{k}",
                rater_kind="human",
                label=lab,
                raw=test[col].astype(str),
            )
        )
    majority = [_majority(t, i) for i, t in enumerate(zip(*votes, strict=True))]
    parts.append(
        base.assign(
            rater="human:majority",
            rater_kind="human",
            label=majority,
            raw=[
                ",".join(map(str, t))
                for t in zip(*(test[f"annotator{k}"] for k in (1, 2, 3)), strict=True)
            ],
        )
    )
    parts.append(
        base.assign(
            rater="gpt-3.5-turbo",
            rater_kind="llm",
            strategy="pandalm_prompt",
            order="AB",
            label=labels(gpt["gpt_result"], GPT_LABELS, file=GPT, field="gpt_result"),
            raw=gpt["gpt_result"].astype(str),
            explanation=gpt["gpt_reason"],
            reference=gpt["gpt_reference"],
        )
    )
    parts.append(
        base.assign(
            rater="pandalm-7b",
            rater_kind="llm",
            strategy="pandalm_prompt",
            order="AB",
            label=labels(
                panda["pandalm_result"], PANDALM_LABELS, file=PANDALM, field="pandalm_result"
            ),
            raw=panda["pandalm_result"].astype(str),
            explanation=panda["pandalm_reason"],
            reference=panda["pandalm_reference"],
        )
    )
    return validate(conform(pd.concat(parts, ignore_index=True), name=NAME), name=NAME)


def _majority(votes: tuple, i: int) -> str | None:
    """Majority of three votes; NA when all three differ (never happens in the release)."""
    label, n = Counter(votes).most_common(1)[0]
    return label if n >= 2 else None
