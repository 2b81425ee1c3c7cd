"""Do the people who annotate disagreements agree on the cause? (auditor agreement)

When two or more annotators annotate the same disagreement (same dataset, item,
data version and judge), their causes form an items × annotators matrix.
:func:`auditor_agreement` gives the share of agreeing pairs
(:func:`workbench.stats.multi_rater_agreement`) and Fleiss' κ
(:func:`workbench.stats.fleiss_kappa`) on it, each with a bootstrap CI over the
disagreements (:func:`workbench.stats.bootstrap.bootstrap`); :func:`cause_conflicts`
lists the disagreements whose annotators named different causes.

Only active annotations count (a withdrawn one is no longer anyone's view), and
a unit needs two or more annotators to tell anything about agreement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validate import check_columns

__all__ = ["UNIT", "auditor_agreement", "cause_conflicts", "cause_matrix"]

UNIT = ["dataset", "item_id", "version", "judge"]
"""What two annotations must share to be about the same disagreement."""

STATISTICS = {"multi_rater_agreement": "agreement", "fleiss_kappa": "Fleiss' κ"}
"""Statistics of :func:`auditor_agreement` -> how they are named on screen."""


def _active(current: pd.DataFrame) -> pd.DataFrame:
    check_columns(current, [*UNIT, "annotator", "cause", "status"], "current")
    cur = current[current["status"].astype(str) == "active"].copy()
    for c in UNIT:
        cur[c] = cur[c].astype("string").fillna("")
    return cur


def cause_matrix(current: pd.DataFrame) -> pd.DataFrame:
    """Causes as a units × annotators matrix, units with two or more annotators only.

    Parameters
    ----------
    current : DataFrame
        :meth:`AnnotationStore.current` (``status`` read: withdrawn rows dropped).

    Examples
    --------
    >>> cur = pd.DataFrame({"dataset": "d", "item_id": ["1", "1", "2"], "version": None,
    ...     "judge": "j", "annotator": ["ann", "bob", "ann"], "cause": ["judge_wrong"] * 3,
    ...     "status": "active"})
    >>> cause_matrix(cur).shape  # item 2 has one annotator: says nothing about agreement
    (1, 2)
    """
    cur = _active(current)
    wide = cur.pivot_table(
        index=UNIT, columns="annotator", values="cause", aggfunc="last", observed=True
    )
    wide = wide.astype("object").where(wide.notna(), None)
    return wide[wide.notna().sum(axis=1) >= 2]


def auditor_agreement(
    current: pd.DataFrame, *, n_resamples: int = 2000, rng: int | None = 0
) -> pd.DataFrame:
    """Agreement between annotators on the cause of the disagreements they share.

    Parameters
    ----------
    current : DataFrame
        :meth:`AnnotationStore.current`.
    n_resamples, rng
        Bootstrap resamples of the disagreements (BCa intervals) and seed.

    Returns
    -------
    DataFrame
        One row per statistic (:data:`STATISTICS`): ``statistic``, ``estimate``,
        ``ci_low``, ``ci_high``, ``n_items`` (shared disagreements),
        ``n_annotators`` and ``note`` (why an estimate or interval is missing:
        nothing shared, or fewer than 10 shared disagreements for an interval).

    Examples
    --------
    >>> cur = pd.DataFrame({"dataset": "d", "item_id": ["1", "1", "2", "2"], "version": None,
    ...     "judge": "j", "annotator": ["ann", "bob"] * 2, "status": "active",
    ...     "cause": ["judge_wrong", "judge_wrong", "label_noise", "ambiguous_item"]})
    >>> t = auditor_agreement(cur, n_resamples=100)
    >>> t[["statistic", "estimate", "n_items", "n_annotators"]].round(4).values.tolist()
    [['multi_rater_agreement', 0.5, 2, 2], ['fleiss_kappa', 0.2, 2, 2]]

    By hand: 1 of 2 items agree (0.5); Fleiss' κ = (0.5 - P_e) / (1 - P_e) with
    P_e = 0.5² + 0.25² + 0.25² = 0.375, so 0.125 / 0.625 = 0.2.
    """
    from ..agreement import MIN_CI_ITEMS
    from ..stats import fleiss_kappa, multi_rater_agreement
    from ..stats.bootstrap import bootstrap

    matrix = cause_matrix(current)
    n = len(matrix)
    rows = []
    for name, fn in (
        ("multi_rater_agreement", multi_rater_agreement),
        ("fleiss_kappa", fleiss_kappa),
    ):
        est, low, high, note = np.nan, np.nan, np.nan, ""
        if n == 0:
            note = "no disagreement annotated by two or more annotators"
        else:
            values = matrix.to_numpy(dtype=object)
            est = float(fn(values))
            if n < MIN_CI_ITEMS:
                note = f"{n} shared disagreements: fewer than {MIN_CI_ITEMS}, no interval"
            else:
                res = bootstrap(name, values, n_resamples=n_resamples, rng=rng)
                low, high = float(res.ci_low), float(res.ci_high)
        rows.append(
            dict(
                statistic=name,
                estimate=est,
                ci_low=low,
                ci_high=high,
                n_items=n,
                n_annotators=int(matrix.shape[1]) if n else 0,
                note=note,
            )
        )
    return pd.DataFrame(rows)


def cause_conflicts(current: pd.DataFrame) -> pd.DataFrame:
    """The shared disagreements whose annotators named different causes.

    Returns
    -------
    DataFrame
        The unit columns (:data:`UNIT`) and ``causes`` (``"ann: judge_wrong; bob:
        label_noise"``), one row per conflicting disagreement.

    Examples
    --------
    >>> cur = pd.DataFrame({"dataset": "d", "item_id": ["1", "1"], "version": None,
    ...     "judge": "j", "annotator": ["ann", "bob"], "status": "active",
    ...     "cause": ["judge_wrong", "label_noise"]})
    >>> cause_conflicts(cur)["causes"].tolist()
    ['ann: judge_wrong; bob: label_noise']
    """
    matrix = cause_matrix(current)
    differ = matrix.apply(lambda r: r.dropna().nunique() > 1, axis=1)
    out = matrix[differ] if len(matrix) else matrix
    causes = ["; ".join(f"{a}: {c}" for a, c in row.dropna().items()) for _, row in out.iterrows()]
    result = out.index.to_frame(index=False)
    result["causes"] = pd.Series(causes, dtype="string")
    return result
