"""How surprising a disagreement is, and why: the order of the explorer's item queue.

Plain pandas (no widgets). Two queues, one documented score each:

* **pairwise and binary** (:func:`order_disagreements`): the rows of
  :func:`workbench.bias.disagreements` (``surprise = reference_share *
  judge_disagree_share``) ordered by that score, then by the number of reference
  votes (three unanimous annotators are stronger evidence than one), then by the
  number of the judge's verdicts that went the other way (both orders beat one).
  Ties left after that keep item order. :func:`why` says it in words.
* **ratings** (:func:`rating_gaps`): per item and criterion, the judge's score and
  the reference's score in standard units (z-scores over the items both rated, per
  criterion); ``surprise`` is the absolute difference ``|z_judge - z_reference|``,
  so a judge that rates on another scale is not penalised for the scale, only for
  the order it puts items in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["order_disagreements", "rating_gaps", "why"]


def _labels(judge_labels: object) -> list[str]:
    """The judge's verdicts of ``judge_labels`` (``"AB=A;BA=B"`` or ``"A;A"``), orders dropped.

    >>> _labels("AB=A;BA=B"), _labels(None)
    (['A', 'B'], [])
    """
    if judge_labels is None or pd.isna(judge_labels):
        return []
    return [v.rsplit("=", 1)[-1] for v in str(judge_labels).split(";") if v]


def _n_against(judge_labels: object, reference_label: object) -> int:
    """How many of the judge's verdicts differ from the reference label."""
    return sum(1 for v in _labels(judge_labels) if v != str(reference_label))


def order_disagreements(table: pd.DataFrame) -> pd.DataFrame:
    """The disagreement rows by decreasing surprise, evidence breaking ties; adds ``why``.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`workbench.bias.disagreements` (``surprise``, ``n_reference``,
        ``judge_labels``, ``reference_label``, ``reference_share``).

    Returns
    -------
    DataFrame
        The rows, sorted by ``surprise``, then ``n_reference``, then the number of
        the judge's verdicts against the reference (all descending; stable), with
        a ``why`` column (:func:`why`).

    Examples
    --------
    >>> t = pd.DataFrame({"item_id": ["1", "2", "3"], "surprise": [1.0, 1.0, 0.5],
    ...     "n_reference": [1, 3, 2], "reference_share": [1.0, 1.0, 0.5],
    ...     "judge_labels": ["A", "A;A", "B"], "reference_label": ["B", "B", "A"]})
    >>> order_disagreements(t)["item_id"].tolist()
    ['2', '1', '3']
    >>> order_disagreements(t)["why"].iloc[0]
    'all 3 reference votes say B; the judge said A in 2 of 2 verdicts'
    """
    out = table.copy()
    against = [
        _n_against(j, r) for j, r in zip(out["judge_labels"], out["reference_label"], strict=True)
    ]
    out["_against"] = np.asarray(against, dtype=int)
    out["_n_ref"] = pd.to_numeric(out["n_reference"], errors="coerce").fillna(0).to_numpy()
    out = out.sort_values(["surprise", "_n_ref", "_against"], ascending=False, kind="stable").drop(
        columns=["_against", "_n_ref"]
    )
    out["why"] = [why(r) for r in out.to_dict("records")]  # dicts: no Series per row
    return out.reset_index(drop=True)


def why(row: Mapping[str, Any]) -> str:
    """One line saying why a disagreement is (or is not very) surprising.

    Examples
    --------
    >>> why(pd.Series({"n_reference": 3, "reference_share": 2 / 3, "reference_label": "A",
    ...                "judge_labels": "AB=B;BA=A"}))
    '2 of 3 reference votes say A; the judge said B in 1 of 2 verdicts'
    >>> why(pd.Series({"z_gap": -1.5, "judge_score": 2.0, "reference_score": 4.5}))
    'the judge scored 2 where the reference gave 4.5: 1.5 SD lower than the people, in standard units'
    """
    if "z_gap" in row and pd.notna(row.get("z_gap")):
        gap = float(row["z_gap"])
        side = "higher" if gap > 0 else "lower"
        return (
            f"the judge scored {float(row['judge_score']):.3g} where the reference gave "
            f"{float(row['reference_score']):.3g}: {abs(gap):.2g} SD {side} than the people, "
            "in standard units"
        )
    n = row.get("n_reference")
    n = 0 if n is None or pd.isna(n) else int(n)
    share = row.get("reference_share")
    ref = row.get("reference_label")
    labels = _labels(row.get("judge_labels"))
    against = [v for v in labels if v != str(ref)]
    if n <= 1:
        people = f"the reference says {ref}"
    else:
        agree = int(round(float(share) * n)) if share is not None and pd.notna(share) else n
        people = (
            f"all {n} reference votes say {ref}"
            if agree == n
            else f"{agree} of {n} reference votes say {ref}"
        )
    said = "/".join(dict.fromkeys(against)) or "—"
    return f"{people}; the judge said {said} in {len(against)} of {len(labels)} verdicts"


def _scores(df: pd.DataFrame, rater: str) -> pd.Series:
    """Mean score of ``rater`` per (item_id, criterion) (orders and turns averaged)."""
    rows = df[df["rater"].astype(str) == rater]
    score = pd.to_numeric(rows["score"], errors="coerce")
    keys = [rows["item_id"].astype(str), rows["criterion"].astype("string").fillna("")]
    return score.groupby(keys).mean().dropna()


def _standard(values: pd.Series) -> pd.Series:
    """z-scores per criterion (level 1 of the index); NaN where the spread is 0."""
    g = values.groupby(level=1)
    sd = g.transform("std", ddof=0)
    return (values - g.transform("mean")) / sd.where(sd > 0)


def rating_gaps(df: pd.DataFrame, *, judge: str, reference: str) -> pd.DataFrame:
    """Per item and criterion: the judge's and the reference's score, and their gap in SD.

    Parameters
    ----------
    df : DataFrame
        Tidy rating judgments (``score``) with rows of ``judge`` and ``reference``.
    judge, reference : str
        Rater ids (``reference`` e.g. ``human:majority``, the annotators' mean).

    Returns
    -------
    DataFrame
        ``item_id``, ``criterion``, ``judge_score``, ``reference_score``, ``z_judge``,
        ``z_reference``, ``z_gap`` (``z_judge - z_reference``), ``surprise``
        (``|z_gap|``) and ``why``, sorted by decreasing surprise; items either did
        not score, or where a criterion has no spread, are left out.

    Examples
    --------
    >>> rows = [dict(item_id=str(i), criterion="c", rater=r, score=s)
    ...         for i, (j, h) in enumerate([(1, 1), (2, 2), (3, 5)])
    ...         for r, s in (("j", j), ("h", h))]
    >>> t = rating_gaps(pd.DataFrame(rows), judge="j", reference="h")
    >>> t["item_id"].tolist(), t["surprise"].round(3).tolist()  # by hand: z_j = (-1.225, 0, 1.225),
    (['1', '0', '2'], [0.392, 0.244, 0.148])

    (z_h = (-0.981, -0.392, 1.373): gaps -0.244, 0.392, -0.148.)
    """
    for name, rater in (("judge", judge), ("reference", reference)):
        if not df["rater"].astype(str).eq(rater).any():
            raise ValueError(f"{name}: rater {rater!r} has no rows in the table")
    both = pd.concat(
        {"judge_score": _scores(df, judge), "reference_score": _scores(df, reference)},
        axis=1,
        join="inner",
    )
    both.index.names = ["item_id", "criterion"]
    both["z_judge"] = _standard(both["judge_score"])
    both["z_reference"] = _standard(both["reference_score"])
    both["z_gap"] = both["z_judge"] - both["z_reference"]
    both["surprise"] = both["z_gap"].abs()
    out = both.dropna(subset=["surprise"]).reset_index()
    out = out.sort_values("surprise", ascending=False, kind="stable").reset_index(drop=True)
    out["why"] = [why(r) for r in out.to_dict("records")]  # dicts: no Series per row
    return out
