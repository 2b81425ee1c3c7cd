"""Small estimators shared by the probes: proportions, sign tests, cluster bootstrap, Wald tests.

Each returns an :class:`Est` (estimate, interval, statistic, p-value, counts, test, note);
:func:`reportable` applies the reporting rules of :mod:`workbench.probes` (below
:data:`~workbench.probes.registry.MIN_ITEMS` items: no interval or test).

Examples
--------
>>> opts = resampling_options(200, 0.95, 0)
>>> est = sign_test(7, 10, opts, "sign test")
>>> est.estimate, est.n_items  # 7 of 10
(0.7, 10)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import stats as sps

from ..stats.bootstrap import (
    bootstrap_sums,
    check_resampling,
    generator,
    item_sums,
)
from .registry import MIN_ITEMS

Rng = np.random.Generator | int | None


@dataclass
class Est:
    estimate: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    n_items: int
    n_obs: int
    test: str
    note: str = ""


def empty_est(test: str = "", note: str = "") -> Est:
    return Est(np.nan, np.nan, np.nan, np.nan, np.nan, 0, 0, test, note)


def reportable(est: Est) -> Est:
    """Apply the reporting rules: NaN estimate -> a note; fewer than :data:`MIN_ITEMS`
    items or a zero-width interval -> NaN interval and test, with a note."""
    notes = [est.note] if est.note else []
    no_test = {"ci_low": np.nan, "ci_high": np.nan, "statistic": np.nan, "p_value": np.nan}
    if not np.isfinite(est.estimate):
        if not notes:
            notes.append("no items to estimate this effect on")
        return replace(est, **no_test, note="; ".join(notes))
    if est.n_items < MIN_ITEMS:
        notes.append(f"{est.n_items} items: fewer than {MIN_ITEMS}, no interval or test")
        return replace(est, **no_test, note="; ".join(notes))
    if np.isfinite(est.ci_low) and est.ci_low == est.ci_high:
        notes.append("no interval: the resamples show no variation")
        return replace(est, ci_low=np.nan, ci_high=np.nan, note="; ".join(notes))
    if not (np.isfinite(est.ci_low) and np.isfinite(est.ci_high)) and not notes:
        notes.append("no interval: the data show no variation")
    return replace(est, note="; ".join(notes))


def cluster_boot(
    contrib: np.ndarray,
    clusters: np.ndarray,
    fn: Callable[[np.ndarray], np.ndarray],
    opts: dict[str, Any],
) -> tuple[float, float, float, float, int]:
    """Cluster bootstrap of ``fn(sums)``: (estimate, low, high, se, n_clusters).

    Below :data:`MIN_ITEMS` clusters no resampling is done (interval and SE NaN).
    """
    sums, _ = item_sums(contrib, clusters)
    if len(sums) < MIN_ITEMS:
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate = float(np.asarray(fn(sums.sum(axis=0))))
        return estimate, np.nan, np.nan, np.nan, len(sums)
    res = bootstrap_sums(sums, fn, method="bca", **opts)
    return float(res.estimate), float(res.ci_low), float(res.ci_high), float(res.se), len(sums)


def wald(estimate: float, se: float, null: float) -> tuple[float, float]:
    if not np.isfinite(se) or se <= 0 or not np.isfinite(estimate):
        return np.nan, np.nan
    z = (estimate - null) / se
    return float(z), float(2 * sps.norm.sf(abs(z)))


def proportion(
    success: np.ndarray, clusters: np.ndarray, opts: dict[str, Any], *, null: float | None = 0.5
) -> Est:
    """Share of ``success`` (bool per judgment) with a CI and a test against ``null``."""
    success = np.asarray(success, dtype=float)
    n = len(success)
    if n == 0:
        return empty_est()
    k = int(success.sum())
    n_clusters = len(np.unique(clusters))
    if n_clusters == n:
        res = sps.binomtest(k, n, 0.5 if null is None else null)
        ci = res.proportion_ci(confidence_level=opts["confidence_level"], method="wilson")
        if null is None:
            return Est(k / n, ci.low, ci.high, np.nan, np.nan, n, n, "")
        return Est(
            k / n, ci.low, ci.high, float(k), float(res.pvalue), n, n, f"binomial exact vs {null:g}"
        )
    contrib = np.column_stack([success, np.ones(n)])
    est, lo, hi, se, m = cluster_boot(contrib, clusters, lambda s: s[..., 0] / s[..., 1], opts)
    if null is None:
        return Est(est, lo, hi, np.nan, np.nan, m, n, "")
    z, p = wald(est, se, null)
    return Est(est, lo, hi, z, p, m, n, f"Wald z vs {null:g} (cluster-bootstrap SE)")


def sign_test(k: int, n: int, opts: dict[str, Any], test: str) -> Est:
    """Exact binomial (sign) test of k successes in n independent units against 1/2."""
    if n == 0:
        return empty_est(test)
    res = sps.binomtest(k, n, 0.5)
    ci = res.proportion_ci(confidence_level=opts["confidence_level"], method="wilson")
    return Est(k / n, ci.low, ci.high, float(k), float(res.pvalue), n, n, test)


def resampling_options(n_resamples: int, confidence_level: float, rng: Rng) -> dict[str, Any]:
    check_resampling(n_resamples, confidence_level)
    return {
        "n_resamples": int(n_resamples),
        "confidence_level": float(confidence_level),
        "rng": generator(rng),
    }


def wilson(k: int, n: int, opts: dict[str, Any], n_obs: int | None = None, note: str = "") -> Est:
    """Share ``k / n`` with its Wilson interval, no test (NaN when ``n == 0``)."""
    if n == 0:
        return empty_est(note=note)
    ci = sps.binomtest(k, n).proportion_ci(
        confidence_level=opts["confidence_level"], method="wilson"
    )
    return Est(k / n, ci.low, ci.high, np.nan, np.nan, n, n if n_obs is None else n_obs, "", note)
