"""Comparing two judges on the same items: paired bootstrap, McNemar, multiple-testing corrections.

Two judges evaluated against the same human labels on the same items are
*paired*: their errors are correlated through the items, so their agreement
numbers must be compared on common bootstrap draws of items, not as two
independent intervals. :func:`paired_difference` resamples items once and
evaluates both judges' statistic on each draw (same sufficient statistics
machinery as :mod:`workbench.stats.bootstrap`).

References
----------
McNemar, Q. (1947). Note on the sampling error of the difference between
correlated proportions or percentages. *Psychometrika* 12(2), 153-157.
https://doi.org/10.1007/BF02295996

Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scand. J. Statist.* 6(2), 65-70.

Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
*JRSS B* 57(1), 289-300. https://doi.org/10.1111/j.2517-6161.1995.tb02031.x

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*,
ch. 16 (bootstrap hypothesis tests). Chapman & Hall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._validate import check_option
from ..vocab import CORRECTIONS, Correction
from .bootstrap import bootstrap_resample, bootstrap_sums, item_sums, pair_args

__all__ = ["PairedDifference", "adjust_pvalues", "mcnemar", "paired_difference"]


@dataclass(frozen=True)
class PairedDifference:
    """Difference ``statistic(judge_1, reference) - statistic(judge_2, reference)``.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        Difference and its bootstrap interval.
    p_value : float
        Two-sided bootstrap p-value for "no difference".
    estimate_1, estimate_2 : float
        Each judge's statistic.
    n_items : int
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    estimate_1: float
    estimate_2: float
    n_items: int


def _p_value(boot: np.ndarray, estimate: float) -> float:
    """Centred bootstrap p-value: ``(1 + #{|d* - d| >= |d|}) / (B + 1)`` (Efron & Tibshirani 16.4)."""
    d = boot[np.isfinite(boot)]
    if not np.isfinite(estimate) or d.size == 0:
        return float("nan")
    return float((1 + np.sum(np.abs(d - estimate) >= abs(estimate))) / (d.size + 1))


def paired_difference(
    statistic: str,
    judge_1: npt.ArrayLike,
    judge_2: npt.ArrayLike,
    reference: npt.ArrayLike,
    *,
    items: npt.ArrayLike | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Literal["percentile", "bca"] = "bca",
    rng: np.random.Generator | int | None = None,
    **options: Any,
) -> PairedDifference:
    """Paired bootstrap of the difference between two judges' agreement with a reference.

    Parameters
    ----------
    statistic : str
        A two-rater statistic of :data:`workbench.stats.SUFFICIENT`
        (``"cohen_kappa"``, ``"percent_agreement"``, ``"pearson"`` ...).
    judge_1, judge_2, reference : array_like
        Row-aligned labels (or scores): row ``i`` is one judgment of one item by
        both judges, with the reference label of that item.
    items : array_like, optional
        Item of each row (rows of an item are resampled together); default one
        row per item.
    n_resamples, confidence_level, method, rng
        As in :func:`workbench.stats.bootstrap.bootstrap_sums`.
    **options
        Passed to the statistic.

    Returns
    -------
    PairedDifference
        ``p_value`` is the centred bootstrap p-value
        ``(1 + #{|d* - d| >= |d|}) / (B + 1)``.

    Examples
    --------
    Judge 1 agrees with the reference on 5 of 6 items, judge 2 on 3 of 6.

    >>> ref = ["A", "A", "B", "B", "A", "B"]
    >>> j1 = ["A", "A", "B", "B", "A", "A"]
    >>> j2 = ["A", "B", "A", "B", "A", "A"]
    >>> res = paired_difference("percent_agreement", j1, j2, ref, rng=0)
    >>> round(res.estimate, 4)  # 5/6 - 3/6
    0.3333
    """
    from . import SUFFICIENT

    if statistic not in SUFFICIENT:
        raise ValueError(f"statistic: unknown {statistic!r}; known: {sorted(SUFFICIENT)}")
    j1, j2, ref = (np.asarray(a) for a in (judge_1, judge_2, reference))
    if not (len(j1) == len(j2) == len(ref)):
        raise ValueError(
            f"judge_1, judge_2, reference: lengths differ ({len(j1)}, {len(j2)}, {len(ref)})"
        )
    suff = SUFFICIENT[statistic]
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, rng=rng)
    if suff.kind == "resample":
        fn = suff.statistic

        def diff(a, b, r):
            return np.array(
                [
                    fn(*pair_args(statistic, a, r), **options),
                    fn(*pair_args(statistic, b, r), **options),
                ]
            )

        res = bootstrap_resample(
            lambda a, b, r: np.subtract(*diff(a, b, r)), (j1, j2, ref), items=items, **kw
        )
        e1, e2 = diff(j1, j2, ref)
        return PairedDifference(
            res.estimate,
            res.ci_low,
            res.ci_high,
            _p_value(res.bootstrap_distribution, res.estimate),
            float(e1),
            float(e2),
            res.n_items,
        )
    # Both judges' contributions side by side: one item draw serves both.
    # Each judge's options are resolved on its own data (category set), as its
    # public function would.
    o1 = suff.resolve(*pair_args(statistic, j1, ref), **options)
    o2 = suff.resolve(*pair_args(statistic, j2, ref), **options)
    c1 = np.asarray(suff.contributions(*pair_args(statistic, j1, ref), **o1), dtype=float)
    c2 = np.asarray(suff.contributions(*pair_args(statistic, j2, ref), **o2), dtype=float)
    d = c1.shape[1]
    contrib = np.concatenate([c1, c2], axis=1)
    if items is not None:
        contrib, _ = item_sums(contrib, items)

    def both(s):
        return np.stack(
            [suff.from_sums(s[..., :d], **o1), suff.from_sums(s[..., d:], **o2)], axis=-1
        )

    res = bootstrap_sums(contrib, lambda s: both(s)[..., 0] - both(s)[..., 1], **kw)
    e1, e2 = both(contrib.sum(axis=0))
    return PairedDifference(
        res.estimate,
        res.ci_low,
        res.ci_high,
        _p_value(res.bootstrap_distribution, res.estimate),
        float(e1),
        float(e2),
        res.n_items,
    )


def mcnemar(
    judge_1: npt.ArrayLike,
    judge_2: npt.ArrayLike,
    reference: npt.ArrayLike,
    *,
    exact: bool | None = None,
) -> dict[str, float]:
    """McNemar's test that two judges have the same accuracy against a reference.

    Parameters
    ----------
    judge_1, judge_2, reference : array_like
        One label per item each; items where any of the three is missing
        (None, NaN, pd.NA) are left out.
    exact : bool, optional
        Binomial test on the discordant items (default when fewer than 25
        discordant items) or chi-square with continuity correction.

    Returns
    -------
    dict
        ``statistic``, ``p_value``, ``n_discordant`` (``b + c``), ``b`` (only
        judge 1 right), ``c`` (only judge 2 right). Computed by
        ``statsmodels.stats.contingency_tables.mcnemar``.

    Examples
    --------
    >>> ref = ["A"] * 10
    >>> j1 = ["A"] * 9 + ["B"]
    >>> j2 = ["A"] * 3 + ["B"] * 7
    >>> r = mcnemar(j1, j2, ref)  # b = 6 (only judge 1 right), c = 0
    >>> r["b"], r["c"], round(r["p_value"], 4)  # exact: 2 * 0.5**6
    (6, 0, 0.0312)
    """
    from statsmodels.stats.contingency_tables import mcnemar as _mcnemar

    j1, j2, ref = (np.asarray(a) for a in (judge_1, judge_2, reference))
    if not (len(j1) == len(j2) == len(ref)):
        raise ValueError(
            f"judge_1, judge_2, reference: lengths differ ({len(j1)}, {len(j2)}, {len(ref)})"
        )
    # Items where any of the three labels is missing are left out (as the two-rater
    # statistics do): otherwise None == None would count a missing verdict as correct.
    keep = ~(np.asarray(pd.isna(j1)) | np.asarray(pd.isna(j2)) | np.asarray(pd.isna(ref)))
    j1, j2, ref = j1[keep], j2[keep], ref[keep]
    ok1, ok2 = j1 == ref, j2 == ref
    table = np.array(
        [[np.sum(ok1 & ok2), np.sum(ok1 & ~ok2)], [np.sum(~ok1 & ok2), np.sum(~ok1 & ~ok2)]]
    )
    b, c = int(table[0, 1]), int(table[1, 0])
    use_exact = (b + c) < 25 if exact is None else exact
    res = _mcnemar(table, exact=use_exact, correction=True)
    return {
        "statistic": float(res.statistic),
        "p_value": float(res.pvalue),
        "n_discordant": b + c,
        "b": b,
        "c": c,
    }


def adjust_pvalues(p_values: npt.ArrayLike, *, method: Correction = "holm") -> np.ndarray:
    """Holm or Bonferroni (family-wise error) or Benjamini-Hochberg (false discovery rate) adjusted p-values.

    Parameters
    ----------
    p_values : array_like
        Raw p-values; NaN entries are left NaN and not counted in the family.
    method : {"holm", "fdr_bh", "bonferroni"}, default "holm"
        One of :data:`workbench.vocab.CORRECTIONS`, passed to ``statsmodels.stats.multitest.multipletests``.

    Returns
    -------
    ndarray
        Adjusted p-values, same shape.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").tolist()  # 3*.01, 2*.03, max(.06, .04)
    [0.03, 0.06, 0.06]
    >>> [round(float(x), 4) for x in adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh")]  # min(3/k p_(k))
    [0.03, 0.04, 0.04]
    >>> adjust_pvalues([0.01, 0.04, 0.5], method="bonferroni").tolist()  # 3 p, capped at 1
    [0.03, 0.12, 1.0]
    """
    from statsmodels.stats.multitest import multipletests

    check_option("method", method, CORRECTIONS)
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method=method)[1]
    return out
