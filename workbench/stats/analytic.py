"""Closed-form intervals and large-sample standard errors.

:func:`wilson_interval` for a binomial proportion; :func:`analytic_se` where a standard
formula exists: binomial for proportions, Fleiss, Cohen & Everitt (1969) for Cohen's
kappa (as computed by statsmodels), and Gwet's linearised variance for Fleiss' kappa.
The bootstrap alternatives are in :mod:`workbench.stats.bootstrap`, which re-exports
these names.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from ._arrays import check_category_count, factorize, label_kind, matrix_values, vector
from ._sparse import item_counts

__all__ = ["analytic_se", "wilson_interval"]


def wilson_interval(
    successes: float, n: float, *, confidence_level: float = 0.95
) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n : float
        Number of successes (e.g. agreeing items) and of trials.
    confidence_level : float, default 0.95

    Returns
    -------
    (low, high) : tuple of float
        NaN when ``n == 0``.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *JASA* 22(158), 209-212. https://doi.org/10.2307/2276774

    Examples
    --------
    >>> lo, hi = wilson_interval(8, 10)
    >>> round(lo, 4), round(hi, 4)  # matches statsmodels proportion_confint(8, 10, method="wilson")
    (0.4902, 0.9433)
    """
    if n <= 0:
        return (np.nan, np.nan)
    z = stats.norm.isf((1 - confidence_level) / 2)
    p = successes / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return (float(centre - half), float(centre + half))


def _table(r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
    cats, codes = np.unique(np.concatenate([r1, r2]), return_inverse=True)
    k = len(cats)
    check_category_count(k, "analytic_se('cohen_kappa')")
    t = np.zeros((k, k))
    np.add.at(t, (codes[: len(r1)], codes[len(r1) :]), 1)
    return t


def _fleiss_linearised_se(matrix: Any) -> float:
    """Gwet's linearised (non-null) standard error of Fleiss' kappa; NaN = missing rating.

    Per-item category counts are sparse (`item_counts`), so many categories cost O(n R).
    """
    values = matrix_values(matrix)
    codes = factorize(values.ravel(), "matrix")[0].reshape(values.shape)
    item, cat, cnt = item_counts(codes)
    r = np.bincount(item, weights=cnt, minlength=values.shape[0])
    keep = r >= 2
    n = int(keep.sum())
    if n < 2:
        return np.nan
    kept = keep[item]
    item, cat, cnt = (np.cumsum(keep) - 1)[item[kept]], cat[kept], cnt[kept]
    r = r[keep]
    share = cnt / r[item]
    pi = np.bincount(cat, weights=share) / n
    pe = float(np.sum(pi**2))
    pa_i = np.bincount(item, weights=cnt * (cnt - 1), minlength=n) / (r * (r - 1))
    pa = float(pa_i.mean())
    if pe == 1:
        return np.nan
    kappa = (pa - pe) / (1 - pe)
    pe_i = np.bincount(item, weights=pi[cat] * share, minlength=n)
    kappa_i = (pa_i - pe) / (1 - pe) - 2 * (1 - kappa) * (pe_i - pe) / (1 - pe)
    return float(np.sqrt(np.sum((kappa_i - kappa) ** 2) / (n * (n - 1))))


def _complete_pairs(r1: npt.ArrayLike, r2: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays without the items where either side is missing (None/NaN/pd.NA)."""
    a, b = vector(r1, "rater_1").astype(object), vector(r2, "rater_2").astype(object)
    label_kind(a, "rater_1")
    label_kind(b, "rater_2")
    if a.shape != b.shape:
        raise ValueError(f"data: expected two 1-D arrays of one length, got {a.shape}, {b.shape}")
    keep = ~(np.asarray(pd.isna(a)) | np.asarray(pd.isna(b)))
    return a[keep], b[keep]


def analytic_se(statistic: str, *data: npt.ArrayLike, **options: Any) -> float:
    """Large-sample standard error where a standard formula exists.

    Parameters
    ----------
    statistic : {"percent_agreement", "accuracy", "cohen_kappa", "fleiss_kappa"}
        ``percent_agreement`` / ``accuracy``: binomial ``sqrt(p (1 - p) / n)``
        (one judgment per item; items with a missing side, and with
        ``ties="drop"`` items where either side says ``tie_label``, are left
        out of ``p`` and ``n`` as in the statistic). ``cohen_kappa``: Fleiss, Cohen & Everitt
        (1969) asymptotic variance as computed by
        ``statsmodels.stats.inter_rater.cohens_kappa`` (``std_kappa``; pass
        ``weights="linear"``/``"quadratic"`` for the weighted form).
        ``fleiss_kappa``: Gwet's linearised variance (Gwet 2014, ch. 5), the
        non-null analogue of Fleiss (1971)'s null variance.
    *data : array_like
        Two label arrays (``percent_agreement``, ``accuracy``, ``cohen_kappa``) or
        an items × raters matrix with NaN/None for missing (``fleiss_kappa``).
    **options
        ``weights`` for ``cohen_kappa``; ``ties`` / ``tie_label`` for
        ``percent_agreement``.

    Returns
    -------
    float
        NaN when undefined (fewer than two items, a degenerate table).

    References
    ----------
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard
    errors of kappa and weighted kappa. *Psychological Bulletin* 72(5), 323-327.
    https://doi.org/10.1037/h0028106

    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
    the presence of high agreement. *BJMSP* 61(1), 29-48.
    https://doi.org/10.1348/000711006X126600

    Examples
    --------
    >>> round(analytic_se("percent_agreement", [1, 1, 1, 0], [1, 1, 1, 1]), 4)  # sqrt(.75*.25/4)
    0.2165
    """
    if statistic in ("percent_agreement", "accuracy"):
        r1, r2 = _complete_pairs(*data)
        if statistic == "percent_agreement" and options.get("ties", "agree") == "drop":
            tie = options.get("tie_label", "tie")
            keep = np.array([not (a == tie or b == tie) for a, b in zip(r1, r2, strict=True)])
            r1, r2 = r1[keep], r2[keep]
        if not len(r1):
            return np.nan
        p = float(np.mean(r1 == r2))
        return float(np.sqrt(p * (1 - p) / len(r1)))
    if statistic == "cohen_kappa":
        from statsmodels.stats.inter_rater import cohens_kappa

        r1, r2 = _complete_pairs(*data)
        t = _table(r1, r2)
        weights = options.get("weights")
        kind = {None: None, "linear": "linear", "quadratic": "quadratic"}
        if weights not in kind:
            raise ValueError(f"weights: expected None, 'linear' or 'quadratic', got {weights!r}")
        with np.errstate(invalid="ignore", divide="ignore"):
            res = cohens_kappa(t, wt=weights) if weights else cohens_kappa(t)
        return float(res["std_kappa"])
    if statistic == "fleiss_kappa":
        return _fleiss_linearised_se(data[0])
    raise ValueError(
        "statistic: analytic SE available for 'percent_agreement', 'accuracy', "
        f"'cohen_kappa', 'fleiss_kappa'; got {statistic!r}"
    )
