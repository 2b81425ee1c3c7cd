"""Reward-model scores on chosen / rejected pairs -> the tidy judgment table.

Any preference dataset with two responses and a label, scored by a reward model: the label
(which response people or the benchmark preferred) is the reference, the reward model's
verdict is the response it scores higher. Default column names follow RewardBench's output
(allenai/reward-bench, ``scripts/run_rm.py`` at commit
``2560a78c8d026302205f057678c38e53887e25e9``: the dataset's ``prompt``, ``chosen``,
``rejected`` with ``id`` and ``subset``, plus ``scores_chosen``, ``scores_rejected`` and
``results`` = 1 when ``scores_chosen > scores_rejected`` else 0); pass other names for other
files.

Tidy rows
---------
Per pair, a ``gold`` row (the label) and a judge row (``rater`` = ``judge``): ``A`` when
response A scores higher, ``B`` when lower, ``tie`` when the two scores are within
``tie_margin`` (default 0: equal). The item's numbering (``numbering=``): ``"chosen_first"``
puts ``chosen`` as response A (every gold label is then A, so only percent agreement =
RewardBench's accuracy is defined, not kappa); ``"hashed"`` (default) puts ``chosen`` first or
second by the parity of the sha256 of the item id, so the gold labels are balanced and
chance-corrected statistics are defined, deterministically. ``raw`` of the judge row is
``"<score A> <score B>"``; ``order`` is NA (a reward model scores each response alone). When
the file has ``results`` it must agree with the scores (else an error naming the row).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .._validate import check_option
from ..errors import LoadError
from ..loaders.raw import read_json, read_jsonl, read_text
from ..schema import conform, validate

__all__ = ["NUMBERINGS", "reward_pairs"]

NUMBERINGS: tuple[str, ...] = ("hashed", "chosen_first")
"""How :func:`reward_pairs` numbers a pair's responses."""


def _frame(source: Any) -> tuple[str, pd.DataFrame]:
    if isinstance(source, pd.DataFrame):
        return "pairs", source.reset_index(drop=True)
    path = Path(source)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return name, pd.DataFrame(read_jsonl(read_text(path, name).splitlines(), name))
    if suffix == ".json":
        data = read_json(path, name)
        if not isinstance(data, list):
            raise LoadError(name, "-", "-", f"expected a JSON array, got {type(data).__name__}")
        return name, pd.DataFrame(data)
    if suffix == ".parquet":
        return name, pd.read_parquet(path)
    if suffix == ".csv":
        return name, pd.read_csv(path)
    raise LoadError(name, "-", "-", "expected a .jsonl, .json, .parquet or .csv file")


def _number(value: Any, name: str, i: int, field: str) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value):
        raise LoadError(name, i, field, f"expected a finite number, got {value!r}")
    return float(value)


def reward_pairs(
    source: str | Path | pd.DataFrame,
    *,
    judge: str,
    chosen: str = "chosen",
    rejected: str = "rejected",
    scores: tuple[str, str] = ("scores_chosen", "scores_rejected"),
    prompt: str | None = "prompt",
    id: str | None = "id",  # noqa: A002 - RewardBench's column name
    subset: str | None = "subset",
    numbering: str = "hashed",
    tie_margin: float = 0.0,
    dataset: str = "reward_pairs",
) -> pd.DataFrame:
    """Read reward-model scores on (chosen, rejected) pairs.

    Parameters
    ----------
    source : path (.jsonl, .json, .parquet, .csv) or DataFrame
        One row per pair.
    judge : str
        The reward model's rater id.
    chosen, rejected : str
        Columns of the preferred and the other response.
    scores : (str, str)
        Columns of the reward model's scores of ``chosen`` and ``rejected``.
    prompt, id, subset : str or None
        Optional columns (``id`` default: the row number).
    numbering : {"hashed", "chosen_first"}, default "hashed"
        Which response is A (module docstring).
    tie_margin : float, default 0.0
        Score differences up to this are a tie.
    dataset : str, default "reward_pairs"

    Returns
    -------
    DataFrame
        The validated tidy table; ``workbench.agreement(df, reference="gold")`` gives the
        reward model's accuracy (percent agreement) with its CI.

    Raises
    ------
    LoadError
        A missing column, a score that is not a finite number, or ``results`` that contradict
        the scores, naming the file, row and field.

    Examples
    --------
    >>> pairs = pd.DataFrame({"id": [1, 2], "prompt": ["q1", "q2"], "chosen": ["good", "fine"],
    ...                       "rejected": ["bad", "worse"], "scores_chosen": [2.0, -1.0],
    ...                       "scores_rejected": [0.5, 0.0]})
    >>> t = reward_pairs(pairs, judge="rm", numbering="chosen_first")
    >>> t.groupby("rater")["label"].apply(list).to_dict()  # rm prefers "worse" on pair 2
    {'gold': ['A', 'A'], 'rm': ['A', 'B']}
    """
    check_option("numbering", numbering, NUMBERINGS)
    name, df = _frame(source)
    for col in [chosen, rejected, *scores]:
        if col not in df.columns:
            raise LoadError(name, "-", col, f"missing column; the file has {list(df.columns)}")
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        item = str(rec[id]) if id and id in df.columns else str(i)
        sc = _number(rec[scores[0]], name, i, scores[0])
        sr = _number(rec[scores[1]], name, i, scores[1])
        if "results" in df.columns and rec["results"] is not None:
            if int(rec["results"]) != int(sc > sr):
                raise LoadError(
                    name, i, "results", f"{rec['results']!r} contradicts the scores {sc} and {sr}"
                )
        flip = numbering == "hashed" and hashlib.sha256(item.encode()).digest()[0] % 2 == 1
        a, b = (rec[rejected], rec[chosen]) if flip else (rec[chosen], rec[rejected])
        score_a, score_b = (sr, sc) if flip else (sc, sr)
        diff = score_a - score_b
        verdict = "tie" if abs(diff) <= tie_margin else "A" if diff > 0 else "B"
        base = {
            "dataset": dataset,
            "subset": rec.get(subset) if subset and subset in df.columns else None,
            "item_id": item,
            "protocol": "pairwise",
            "criterion": "overall",
            "prompt": rec.get(prompt) if prompt and prompt in df.columns else None,
            "response_a": a,
            "response_b": b,
        }
        rows.append(
            {
                **base,
                "rater": "gold",
                "rater_kind": "gold",
                "label": "B" if flip else "A",
                "raw": "chosen",
            }
        )
        rows.append(
            {
                **base,
                "rater": judge,
                "rater_kind": "llm",
                "label": verdict,
                "raw": f"{score_a:g} {score_b:g}",
            }
        )
    if not rows:
        raise LoadError(name, "-", "-", "no pairs")
    return validate(conform(pd.DataFrame(rows), name=dataset), name=dataset)
