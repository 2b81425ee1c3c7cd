"""Chatbot Arena battles with one human vote and three LLM-judge verdicts each (PPR files).

Chatzi, Straitouri, Thejaswi, Gomez-Rodriguez, "Prediction-Powered Ranking of
Large Language Models", NeurIPS 2024 (arXiv:2402.17826). Data:
``Networks-Learning/prediction-powered-ranking`` at commit
``af64521891fda0057d3b8766b830142a9fa54414``, MIT License. The human votes are
the ``winner`` field of LMSYS ``chatbot_arena_conversations`` (Zheng et al.
2023, CC BY 4.0). The files hold ids only: no prompt or response text.

Four JSON Lines files, 26,919 battles each, aligned row by row (``num``,
``question_id``, ``model_a``, ``model_b`` must agree; a mismatch raises
:class:`~workbench.schema.LoadError` naming the file, the line and the field).
One row per battle and rater (107,676 rows):

- ``human``: the Arena user who wrote the prompt and voted (one anonymous
  person per battle; no annotator id), ``order`` NA (the side each model was
  shown on is not recorded here);
- ``gpt-4-0125-preview``, ``claude-3-opus-20240229``, ``gpt-3.5-turbo``
  (``rater_kind`` ``llm``), ``order`` = ``AB``.

Presentation order of the judges: the paper's appendix could not be consulted
from here; the files carry one verdict per battle (no swapped run), and the
verdicts themselves show a strong fixed-position effect (GPT-3.5-turbo picks
``model_a`` in 23,176 of 26,919 battles with 52 ties, Claude-3-Opus picks
``model_b`` 11,488 vs 7,507), which a swap-and-reconcile protocol or a random
side per call would not produce. We therefore record ``model_a`` as shown
first (``AB``); treat this as an inference from the data, not a quoted fact.

Labels: ``model_a`` -> ``A``, ``model_b`` -> ``B``, ``tie`` -> ``tie``, and the
human-only ``tie (bothbad)`` -> ``tie`` with ``raw`` = ``"tie (bothbad)"`` so
it stays distinguishable (SOURCE.md: treat both as ties against the judges).
Values are strict (:mod:`workbench.loaders.values`): ``num`` an integer (not ``3.0``,
``true`` or null), ids and model names texts, ``winner`` exactly one of the labels
(null is not a vote); every file must hold :data:`RECORDS` lines.

``item_id`` = ``str(num)`` (row index in the Arena release; ``question_id`` is
not unique: 26,910 distinct). ``subset`` = ``paper_12_models`` when both models
are in :data:`PAPER_MODELS` (the 12 models the paper ranks, repository
``scripts/config.json``: 14,947 battles), else ``other``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .raw import read_jsonl_file
from .values import integers, labels, texts, unique

NAME = "arena_judges"
PROTOCOL = "pairwise"
COMMIT = "af64521891fda0057d3b8766b830142a9fa54414"
SOURCE = Source(
    folder="ppr_chatbot_arena_judges",
    base_url=f"https://raw.githubusercontent.com/Networks-Learning/prediction-powered-ranking/{COMMIT}",
    homepage=f"https://github.com/Networks-Learning/prediction-powered-ranking/tree/{COMMIT}",
    license="MIT",
    citation="Chatzi et al. 2024, Prediction-Powered Ranking of Large Language Models, NeurIPS (arXiv:2402.17826)",
    notes="Human votes from LMSYS chatbot_arena_conversations (Zheng et al. 2023, CC BY 4.0).",
)
HUMAN = "data/human.json"
JUDGES = {
    "gpt-4-0125-preview": "data/gpt-4-0125-preview.json",
    "claude-3-opus-20240229": "data/claude-3-opus-20240229.json",
    "gpt-3.5-turbo": "data/gpt-3.5-turbo.json",
}
FILES = [HUMAN, *JUDGES.values()]

PAPER_MODELS = (
    "vicuna-13b",
    "koala-13b",
    "gpt-3.5-turbo",
    "gpt-4",
    "oasst-pythia-12b",
    "alpaca-13b",
    "claude-v1",
    "RWKV-4-Raven-14B",
    "chatglm-6b",
    "fastchat-t5-3b",
    "palm-2",
    "claude-instant-v1",
)
"""The 12 answering models ranked in the paper (repository ``scripts/config.json``)."""

HUMAN_LABELS = {"model_a": "A", "model_b": "B", "tie": "tie", "tie (bothbad)": "tie"}
JUDGE_LABELS = {"model_a": "A", "model_b": "B", "tie": "tie"}
KEYS = ["num", "question_id", "model_a", "model_b"]
FIELDS = [*KEYS, "winner"]


RECORDS = 26919
"""Battles per file (SOURCE.md); another count raises (a truncated or altered file)."""


def _read(path: Path, name: str) -> pd.DataFrame:
    """One file: integer ``num``, text ids and model names, raw ``winner`` (mapped later)."""
    records = read_jsonl_file(path, name, required=FIELDS, rows=RECORDS)
    lines = [f"line {i + 1}" for i in range(len(records))]
    out = {"num": integers([r["num"] for r in records], file=name, field="num", records=lines)}
    for key in ("question_id", "model_a", "model_b"):
        out[key] = texts([r[key] for r in records], file=name, field=key, records=lines)
    out["winner"] = pd.Series([r["winner"] for r in records], dtype=object)
    return pd.DataFrame(out)


def _check_aligned(human: pd.DataFrame, other: pd.DataFrame, name: str) -> None:
    if len(other) != len(human):
        raise LoadError(name, "-", "-", f"{len(other)} records, {HUMAN} has {len(human)}")
    for key in KEYS:
        diff = (other[key].to_numpy() != human[key].to_numpy()).nonzero()[0]
        if len(diff):
            i = int(diff[0])
            raise LoadError(
                name,
                f"line {i + 1}",
                key,
                f"{other[key].iloc[i]!r} does not align with {HUMAN} ({human[key].iloc[i]!r})",
            )


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the four staged files into the tidy table (pure; reads only ``files``)."""
    human = _read(files[HUMAN], HUMAN)
    lines = [f"line {i + 1}" for i in range(len(human))]
    unique(human["num"].tolist(), file=HUMAN, field="num", records=lines)
    in_paper = human["model_a"].isin(PAPER_MODELS) & human["model_b"].isin(PAPER_MODELS)
    base = pd.DataFrame(
        {
            "dataset": NAME,
            "subset": in_paper.map({True: "paper_12_models", False: "other"}),
            "item_id": human["num"].astype(str),
            "protocol": "pairwise",
            "criterion": "overall",
            "model_a": human["model_a"],
            "model_b": human["model_b"],
        }
    )
    parts = [
        base.assign(
            rater="human",
            rater_kind="human",
            label=labels(human["winner"], HUMAN_LABELS, file=HUMAN, field="winner", records=lines),
            raw=human["winner"],
        )
    ]
    for judge, name in JUDGES.items():
        df = _read(files[name], name)
        _check_aligned(human, df, name)
        parts.append(
            base.assign(
                rater=judge,
                rater_kind="llm",
                order="AB",
                label=labels(df["winner"], JUDGE_LABELS, file=name, field="winner", records=lines),
                raw=df["winner"],
            )
        )
    return validate(conform(pd.concat(parts, ignore_index=True), name=NAME), name=NAME)
