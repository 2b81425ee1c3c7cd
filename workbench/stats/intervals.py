"""Bootstrap confidence intervals and results: the interval step shared by every resampling engine.

:func:`bootstrap_interval` turns bootstrap (and, for BCa, jackknife) estimates into
percentile or BCa bounds (Efron 1987); :func:`bootstrap_result` bundles them into a
:class:`BootstrapResult`. The engines that draw the resamples live in
:mod:`workbench.stats.bootstrap`, which re-exports these names.

References
----------
Efron, B. (1987). Better bootstrap confidence intervals. *JASA* 82(397),
171-185. https://doi.org/10.1080/01621459.1987.10478410
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import special

__all__ = ["BootstrapResult", "Method", "bootstrap_interval", "bootstrap_result"]

Method = Literal["percentile", "bca"]


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimate, confidence interval and bootstrap distribution.

    Attributes
    ----------
    estimate : float or ndarray
        The statistic on the original data.
    ci_low, ci_high : float or ndarray
        Interval bounds (NaN when the estimate is NaN).
    se : float or ndarray
        Standard deviation of the finite bootstrap estimates.
    bootstrap_distribution : ndarray
        Shape ``(n_resamples, *estimate.shape)``; resamples where the
        statistic is undefined are NaN.
    n_items : int
        Number of resampled units (items).
    """

    estimate: Any
    ci_low: Any
    ci_high: Any
    se: Any
    bootstrap_distribution: np.ndarray
    n_items: int


def bootstrap_interval(
    theta: np.ndarray,
    boot: np.ndarray,
    jack: np.ndarray | None,
    jack_weights: np.ndarray | None,
    confidence_level: float,
    method: Method,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile or BCa interval bounds from bootstrap and jackknife estimates.

    The interval step of :func:`~workbench.stats.bootstrap.bootstrap_sums` and
    :func:`~workbench.stats.bootstrap.bootstrap_resample`, for
    callers that draw the resamples themselves (with the same draws, the same bounds).

    Parameters
    ----------
    theta : ndarray, shape k
        The estimate(s) on the original data (``k`` may be ``()``).
    boot : ndarray, shape (B, \\*k)
        Bootstrap estimates; non-finite values are ignored.
    jack : ndarray, shape (m, \\*k), optional
        Leave-one-unit-out estimates, for BCa's acceleration (None: percentile).
    jack_weights : ndarray, shape (m,), optional
        How many units each jackknife row stands for (ones when every unit is a row).
    confidence_level : float
        In (0, 1).
    method : {"percentile", "bca"}
        BCa (Efron 1987) needs ``jack``; its bias correction counts resamples equal to the
        estimate as half below (scipy's strict ``<`` when there are no ties).

    Returns
    -------
    ci_low, ci_high : ndarray, shape k
        NaN where the estimate is not finite or no bootstrap estimate is.

    Examples
    --------
    >>> boot = np.arange(1.0, 101.0)  # 1, 2, ..., 100
    >>> lo, hi = bootstrap_interval(np.asarray(50.0), boot, None, None, 0.9, "percentile")
    >>> round(float(lo), 4), round(float(hi), 4)  # numpy's 5% and 95% quantiles of 1..100
    (5.95, 95.05)
    """
    alpha = (1 - confidence_level) / 2
    probs = np.array([alpha, 1 - alpha])
    finite = np.isfinite(boot)
    if method == "bca" and jack is not None:
        # Bias correction: mid-rank proportion of resamples below the estimate
        # (equals scipy's strict '<' when there are no ties; ties are common
        # for statistics of small discrete tables).
        n_fin = finite.sum(axis=0)
        less = np.sum(finite & (boot < theta), axis=0)
        equal = np.sum(finite & (boot == theta), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            z0 = special.ndtri((less + 0.5 * equal) / n_fin)
            # Acceleration from the finite jackknife values only: leaving out one item can
            # make the statistic undefined (e.g. kappa when the last item of a category
            # goes), and one NaN would otherwise void the whole acceleration.
            w = jack_weights.reshape((-1,) + (1,) * (jack.ndim - 1)) * np.isfinite(jack)
            jf = np.where(np.isfinite(jack), jack, 0.0)
            mean = np.sum(w * jf, axis=0) / np.sum(w, axis=0)
            d = np.where(w > 0, mean - jf, 0.0)
            num = np.sum(w * d**3, axis=0)
            den = 6.0 * np.sum(w * d**2, axis=0) ** 1.5
            a = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
            a = np.where(np.isfinite(a), a, 0.0)
            z = special.ndtri(probs).reshape((2,) + (1,) * theta.ndim)
            adj = special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
        adj = np.where(np.isfinite(adj), adj, probs.reshape((2,) + (1,) * theta.ndim))
    else:
        adj = np.broadcast_to(probs.reshape((2,) + (1,) * theta.ndim), (2, *theta.shape))
    lo = np.full(theta.shape, np.nan)
    hi = np.full(theta.shape, np.nan)
    flat_b = boot.reshape(boot.shape[0], -1)
    flat_a = adj.reshape(2, -1)
    lo_f, hi_f = lo.reshape(-1), hi.reshape(-1)
    for j in range(flat_b.shape[1]):
        col = flat_b[:, j]
        col = col[np.isfinite(col)]
        if col.size == 0 or not np.isfinite(theta.reshape(-1)[j]):
            continue
        lo_f[j], hi_f[j] = np.quantile(col, np.clip(flat_a[:, j], 0, 1))
    return lo, hi


def bootstrap_result(
    theta: np.ndarray, boot: np.ndarray, lo: np.ndarray, hi: np.ndarray, n: int
) -> BootstrapResult:
    """Bundle estimate, bounds and bootstrap estimates into a :class:`BootstrapResult`.

    ``se`` is the standard deviation (``ddof=1``) of the finite bootstrap estimates, NaN
    with fewer than two; a 0-d ``theta`` gives float fields. ``n`` is the number of
    resampled units.

    Examples
    --------
    >>> r = bootstrap_result(np.asarray(0.5), np.array([0.4, 0.6, np.nan]), 0.4, 0.6, 3)
    >>> r.estimate, round(r.se, 4), r.n_items  # sd of (0.4, 0.6), the NaN left out
    (0.5, 0.1414, 3)
    """
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(boot)
        cnt = finite.sum(axis=0)
        b0 = np.where(finite, boot, 0.0)
        mean = b0.sum(axis=0) / np.maximum(cnt, 1)
        se = np.sqrt(np.where(finite, (boot - mean) ** 2, 0.0).sum(axis=0) / np.maximum(cnt - 1, 1))
        se = np.where(cnt > 1, se, np.nan)
    if theta.ndim == 0:
        return BootstrapResult(float(theta), float(lo), float(hi), float(se), boot, n)
    return BootstrapResult(theta, lo, hi, se, boot, n)
