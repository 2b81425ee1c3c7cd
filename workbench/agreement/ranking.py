"""How well judges' model rankings agree with people's: rank correlations with intervals.

:func:`rank_correlation` correlates each judge group's leaderboard
(:func:`workbench.agreement.leaderboard.leaderboard`) with the reference group's, with
intervals over the paired leaderboard bootstrap (basic by default; see its Notes for why)
or Fisher-z intervals over models; :func:`bias_corrected_interval` is Efron's (1981)
bias-corrected percentile interval.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._validate import check_columns, check_option
from ..errors import SchemaError
from ..stats import ranking
from ..stats.bootstrap import check_resampling
from ._frame import quiet
from .rows import warn_nan_rows

__all__ = [
    "RANK_INTERVAL_METHODS",
    "RankIntervalMethod",
    "bias_corrected_interval",
    "rank_correlation",
]


RankIntervalMethod = Literal["bc", "percentile", "basic"]
RANK_INTERVAL_METHODS: tuple[str, ...] = ("bc", "percentile", "basic")
"""Bootstrap intervals of :func:`rank_correlation`: bias-corrected percentile (default),
percentile, or basic (reverse percentile); :func:`rank_correlation` defaults to basic."""

_CI_NAMES = {"bc": "bias-corrected percentile", "percentile": "percentile", "basic": "basic"}


def bias_corrected_interval(
    estimate: float, resamples: npt.ArrayLike, *, confidence_level: float = 0.95
) -> tuple[float, float, float]:
    """Bias-corrected percentile (BC) interval of Efron (1981) from bootstrap values.

    ``z0 = Phi^-1(p)`` with ``p`` the share of resamples below the estimate (a resample
    equal to it counts half); the interval is the ``Phi(2 z0 + z_{alpha/2})`` and
    ``Phi(2 z0 + z_{1-alpha/2})`` quantiles of the resamples (numpy's linear
    interpolation). With ``z0 = 0`` (half the resamples below) it is the percentile
    interval; when the resamples sit below the estimate (``z0 > 0``) both levels move
    up. It is BCa (Efron 1987) with acceleration 0.

    Parameters
    ----------
    estimate : float
        The statistic on the original data.
    resamples : array_like
        Its bootstrap values; non-finite values are ignored.
    confidence_level : float, default 0.95

    Returns
    -------
    (ci_low, ci_high, z0) : tuple of float
        NaN when the estimate or every resample is non-finite, and when no resample
        lies on one side of the estimate (``p`` = 0 or 1: ``z0`` is infinite and the
        resamples cannot place the interval).

    Notes
    -----
    The interval contains the estimate exactly when ``|z0| <= z_{1-alpha/2}``, i.e.
    when the percentile interval does: the correction re-centres the interval on the
    estimate's side of the bootstrap distribution; it cannot bring in an estimate that
    lies beyond the central ``confidence_level`` of the resamples (it then lies
    entirely beyond the estimate, as the bootstrap's bias says the truth does).

    References
    ----------
    Efron, B. (1981). Nonparametric standard errors and confidence intervals.
    *Canadian Journal of Statistics* 9(2), 139-158. https://doi.org/10.2307/3314608

    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*,
    Section 14.3 (the BCa interval; BC is its case a = 0). Chapman & Hall.

    Examples
    --------
    Ten resamples 0.1, 0.2, ..., 1.0 and an estimate of 0.85: 8 of 10 lie below,
    so ``z0 = Phi^-1(0.8) = 0.8416``; at 90% the levels are
    ``Phi(2 * 0.8416 -+ 1.6449) = 0.5153`` and ``0.99956``.

    >>> lo, hi, z0 = bias_corrected_interval(0.85, np.arange(1, 11) / 10, confidence_level=0.9)
    >>> round(z0, 4), round(lo, 4), round(hi, 4)  # 0.1 + 0.9 * level
    (0.8416, 0.5638, 0.9996)
    """
    from scipy import special

    v = np.asarray(resamples, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or not np.isfinite(estimate):
        return np.nan, np.nan, np.nan
    p = (np.sum(v < estimate) + 0.5 * np.sum(v == estimate)) / v.size
    z0 = float(special.ndtri(p))
    if not np.isfinite(z0):
        return np.nan, np.nan, z0
    alpha = (1 - confidence_level) / 2
    levels = special.ndtr(2 * z0 + special.ndtri([alpha, 1 - alpha]))
    lo, hi = np.quantile(v, levels)
    return float(lo), float(hi), z0


def rank_correlation(
    leaderboard_df: pd.DataFrame,
    *,
    reference: str = "human",
    confidence_level: float = 0.95,
    method: RankIntervalMethod = "basic",
) -> pd.DataFrame:
    """Correlation of each judge group's model ranking with the reference group's.

    Parameters
    ----------
    leaderboard_df : DataFrame
        Output of :func:`leaderboard` (columns ``rater_group``, ``model``, ``score``,
        ``rank``; its ``attrs["bootstrap"]`` gives the bootstrap intervals).
    reference : str, default "human"
        The ``rater_group`` the others are compared with.
    confidence_level : float, default 0.95
    method : {"basic", "bc", "percentile"}, default "basic"
        Interval over the paired leaderboard bootstrap: the basic bootstrap interval
        ``[2 r - q_{1-alpha/2}, 2 r - q_{alpha/2}]`` (Davison & Hinkley 1997, eq. 5.6),
        clipped to [-1, 1], which reflects the resamples' downward bias around the
        estimate; the bias-corrected percentile interval (:func:`bias_corrected_interval`,
        Efron 1981); or the plain percentile interval (the interval of the first release).

    Returns
    -------
    DataFrame
        One row per (judge group, statistic): ``judge``, ``reference``,
        ``statistic`` (``pearson_rank`` = Pearson on the integer ranks,
        ``spearman`` and ``kendall_tau`` on the scores), ``estimate``,
        ``ci_low``, ``ci_high``, ``n_models`` (models ranked by both),
        ``ci_method``, ``note`` (``""``, or why the interval is NaN or does not
        contain the estimate). Intervals come from the paired leaderboard
        bootstrap (``leaderboard_df.attrs["bootstrap"]``, same item draws for both
        groups) when present, else Fisher-z intervals over models
        (``pearson_rank``, ``spearman``; Kendall's with the Fieller et al. 1957 SE).

    Notes
    -----
    Why the basic interval by default: a resample refits both leaderboards on resampled
    votes, which adds noise to both rankings and lowers their correlation, so the
    bootstrap distribution sits below the estimate (on LLMFAO 92-98% of the resamples
    lie below it) and the percentile interval is centred below it, often ending below
    it. The BC interval moves both ends up by the measured bias (``z0``); it contains
    the estimate exactly when the percentile interval does (see
    :func:`bias_corrected_interval`), and otherwise lies above it (the bootstrap then
    says the estimate is attenuated by more than the interval's half-width; ``note``
    says so). Resampling cannot resolve a level beyond ``1 - 1 / n_resamples``: the
    ``note`` then says that the end is the most extreme resample (on LLMFAO the upper
    BC level is above 0.9999 for every judge, so ``ci_high`` is the largest resample).

    None of the three intervals reaches its nominal coverage when the bias is this large:
    in a simulation of LLMFAO's design (crowd and judge votes drawn on the same pairs
    from the fitted leaderboards, ties at the observed rates; 40 data sets x 200
    resamples per judge), the 95% intervals covered the true rank correlation in
    5-35% (``percentile``), 25-48% (``bc``) and 67-90% (``basic``) of the data sets:
    ``basic`` comes closest, hence the default; treat all three as optimistic here.
    The estimate itself is attenuated by vote noise (true 0.716 -> mean estimate 0.622
    for GPT-3.5-Instruct), more than resampling reproduces.

    Published check: on LLMFAO, Pearson on Bradley-Terry ranks from crowd votes
    vs GPT-4 verdicts on the crowd pairs = 0.730918 (Ustalov's leaderboard
    notebook), reproduced in ``tests/test_tables.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> lb = pd.DataFrame({"rater_group": ["human"] * 4 + ["j"] * 4, "model": list("wxyz") * 2,
    ...                    "score": [4.0, 3, 2, 1, 4, 3, 1, 2], "rank": [1, 2, 3, 4, 1, 2, 4, 3]})
    >>> t = rank_correlation(lb)
    >>> t[["statistic", "estimate"]].round(4).values.tolist()  # 1 - 6*2/(4*15); tau = (5-1)/6
    [['pearson_rank', 0.8], ['spearman', 0.8], ['kendall_tau', 0.6667]]
    """
    from scipy import stats as ss

    lb = check_columns(leaderboard_df, ["rater_group", "model", "score", "rank"], "leaderboard_df")
    check_option("method", method, RANK_INTERVAL_METHODS)
    check_resampling(1, confidence_level)
    dup = lb.duplicated(["rater_group", "model"]).to_numpy()
    if dup.any():
        j = int(np.flatnonzero(dup)[0])
        key = (lb["rater_group"].iloc[j], lb["model"].iloc[j])
        i = int(np.flatnonzero((lb["rater_group"] == key[0]) & (lb["model"] == key[1]))[0])
        raise SchemaError(
            f"leaderboard_df: rows {i} and {j}: duplicate (rater_group, model) = {key!r}; "
            "one row per model and group"
        )
    if reference not in set(lb["rater_group"]):
        raise ValueError(f"reference: rater_group {reference!r} not in the leaderboard")
    if lb["rater_group"].nunique() < 2:
        raise ValueError(
            f"leaderboard_df: only the reference group {reference!r}; no judge group to "
            "correlate with it"
        )
    boot = lb.attrs.get("bootstrap")
    ref = lb[lb["rater_group"] == reference].set_index("model")
    records = []
    for judge in [g for g in lb["rater_group"].unique() if g != reference]:
        j = lb[lb["rater_group"] == judge].set_index("model")
        common = ref.index.intersection(j.index)
        n = len(common)
        rx, ry = ref.loc[common, "rank"].to_numpy(float), j.loc[common, "rank"].to_numpy(float)
        sx, sy = ref.loc[common, "score"].to_numpy(float), j.loc[common, "score"].to_numpy(float)
        est = {
            "pearson_rank": ss.pearsonr(rx, ry)[0] if n > 2 else np.nan,
            "spearman": ss.spearmanr(sx, sy)[0] if n > 2 else np.nan,
            "kendall_tau": ss.kendalltau(sx, sy)[0] if n > 2 else np.nan,
        }
        if boot is not None and reference in boot["groups"] and judge in boot["groups"]:
            ci_method = f"paired bootstrap {_CI_NAMES[method]}"
            vals = _resampled_correlations(boot, reference, judge, common)
            cis = {
                k: _bootstrap_interval(r, vals[k], confidence_level, method) for k, r in est.items()
            }
        else:
            ci_method = "fisher z"
            cis = {k: (*_fisher_interval(k, r, n, confidence_level), "") for k, r in est.items()}
        few = f"{n} models ranked by both: fewer than 3, no correlation" if n < 3 else ""
        for k, r in est.items():
            undefined = ""
            if not few and not np.isfinite(r):
                undefined = "no correlation: a ranking (or score) is constant or NaN on both sides"
            records.append(
                {
                    "judge": judge,
                    "reference": reference,
                    "statistic": k,
                    "estimate": float(r),
                    "ci_low": float(cis[k][0]),
                    "ci_high": float(cis[k][1]),
                    "n_models": n,
                    "ci_method": ci_method,
                    "note": few or undefined or cis[k][2],
                }
            )
    out = pd.DataFrame.from_records(records)
    warn_nan_rows(out, (out["estimate"].isna() | out["ci_low"].isna()).to_numpy())
    return out


def _resampled_correlations(
    boot: dict, reference: str, judge: str, common: pd.Index
) -> dict[str, np.ndarray]:
    """Each rank correlation on every paired bootstrap resample (models finite in both).

    The same scipy functions as the estimate, so that a resample equal to the estimate
    compares equal (BC counts it half below).
    """
    from scipy import stats as ss

    cols = pd.Index(boot["models"]).get_indexer(common)
    s = boot["scores"][:, :, cols]
    bx = s[:, boot["groups"].index(reference)]
    by_ = s[:, boot["groups"].index(judge)]
    vals: dict[str, list[float]] = {"pearson_rank": [], "spearman": [], "kendall_tau": []}
    with quiet():  # a constant resampled ranking gives NaN (dropped), not a warning
        for u, v in zip(bx, by_, strict=True):
            ok = np.isfinite(u) & np.isfinite(v)
            if ok.sum() < 3:
                continue
            ru, rv = ranking.ranks(u[ok]), ranking.ranks(v[ok])
            vals["pearson_rank"].append(ss.pearsonr(ru, rv)[0])  # as the estimate
            vals["spearman"].append(ss.spearmanr(u[ok], v[ok])[0])
            vals["kendall_tau"].append(ss.kendalltau(u[ok], v[ok])[0])
    return {k: np.asarray(v, float) for k, v in vals.items()}


def _bootstrap_interval(
    estimate: float, values: np.ndarray, confidence_level: float, method: str
) -> tuple[float, float, str]:
    """(ci_low, ci_high, note) of one statistic from its resampled values."""
    from scipy import special

    v = values[np.isfinite(values)]
    if not np.isfinite(estimate):
        return np.nan, np.nan, ""
    if v.size == 0:
        return np.nan, np.nan, "no resample has 3 models ranked by both"
    alpha = (1 - confidence_level) / 2
    if method != "bc":
        lo, hi = np.quantile(v, [alpha, 1 - alpha])
        if method == "basic":
            lo, hi = np.clip([2 * estimate - hi, 2 * estimate - lo], -1.0, 1.0)
        note = ""
        if not lo <= estimate <= hi:
            below = float(np.mean(v < estimate))
            note = (
                f"{below:.1%} of the resamples lie below the estimate: the {method} interval "
                "does not contain it (the estimate is attenuated by resampling noise)"
            )
        return float(lo), float(hi), note
    lo, hi, z0 = bias_corrected_interval(estimate, v, confidence_level=confidence_level)
    below = float(np.mean(v < estimate))
    if not np.isfinite(z0):
        side = "below" if z0 > 0 else "above"
        return lo, hi, f"every resample lies {side} the estimate: no bias-corrected interval"
    notes = []
    if not lo <= estimate <= hi:
        notes.append(
            f"{below:.1%} of the resamples lie below the estimate: the bias-corrected "
            "interval lies beyond it (the estimate is attenuated by resampling noise)"
        )
    levels = special.ndtr(2 * z0 + special.ndtri([alpha, 1 - alpha]))
    if levels.max() > 1 - 1 / v.size or levels.min() < 1 / v.size:
        notes.append(
            f"bias-corrected levels {levels[0]:.4f}, {levels[1]:.4f} exceed what "
            f"{v.size} resamples resolve: an end is the most extreme resample"
        )
    return lo, hi, "; ".join(notes)


def _fisher_interval(
    statistic: str, r: float, n: int, confidence_level: float
) -> tuple[float, float]:
    """Fisher-z interval over ``n`` models (Kendall's with the Fieller et al. 1957 SE)."""
    from scipy import stats as ss

    z = ss.norm.isf((1 - confidence_level) / 2)
    se = (
        np.sqrt(0.437 / (n - 4))
        if statistic == "kendall_tau" and n > 4
        else 1 / np.sqrt(n - 3)
        if n > 3
        else np.nan
    )
    with quiet():
        return (
            float(np.tanh(np.arctanh(r) - z * se)),
            float(np.tanh(np.arctanh(r) + z * se)),
        )
