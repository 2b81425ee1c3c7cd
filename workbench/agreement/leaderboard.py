"""Model leaderboards per rater group from pairwise verdicts, and how well judges' rankings agree."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import vocab
from .._validate import check_columns, check_option
from ..errors import SchemaError
from ..stats import ranking
from ..stats.bootstrap import check_resampling
from ._frame import (
    ITEM,
    cluster_index,
    individual_humans,
    protocol_of,
    quiet,
    resolved_table,
    unit_codes,
)
from .estimate import MIN_CI_ITEMS
from .prepared import AgreementWarning

__all__ = [
    "LEADERBOARD_ITEMS",
    "RANK_INTERVAL_METHODS",
    "LeaderboardItems",
    "RankIntervalMethod",
    "bias_corrected_interval",
    "leaderboard",
    "rank_correlation",
]

LeaderboardItems = Literal["human", "all"]
LEADERBOARD_ITEMS: tuple[str, ...] = ("human", "all")
"""Items each rater group's leaderboard is fitted on (see :func:`leaderboard`)."""


def _rater_groups(df: pd.DataFrame) -> pd.Series:
    """Rater group per row: pooled humans -> "human", every judge its own group."""
    r = df["rater"].astype("object")
    kind = df["rater_kind"].astype("object")
    individuals = individual_humans(df)
    group = r.copy()
    if individuals:
        human = r.isin(individuals)
    elif (r == "human:majority").any():
        human = r == "human:majority"
    else:
        human = r == "human"
    group[kind == "human"] = None
    group[human] = "human"
    group[kind == "metric"] = None
    return group


def leaderboard(
    df: pd.DataFrame,
    *,
    method: ranking.Method = "bradley_terry",
    items: LeaderboardItems = "human",
    resolve: vocab.Rule = "per_order",
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = 0,
    cluster: str | Callable[[str], Hashable] | None = None,
) -> pd.DataFrame:
    """Model leaderboard per rater group from pairwise verdicts, with bootstrap CIs on scores and ranks.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise table with ``model_a`` / ``model_b``.
    method : {"bradley_terry", "elo"}, default "bradley_terry"
        Bradley-Terry with ties as half wins (evalica; see
        :func:`workbench.stats.ranking.bradley_terry`) or online Elo.
    items : {"human", "all"}, default "human"
        ``"human"``: every group is fitted on the items the human group judged
        (so leaderboards are comparable; groups without such items are
        dropped); ``"all"``: each group on everything it judged.
    resolve : str, default "per_order"
        Presentation-order rule (:func:`workbench.verdicts.resolve_orders`).
    n_resamples : int, default 1000
        Item-clustered bootstrap resamples, one common item draw for all groups.
    confidence_level : float, default 0.95
        Percentile intervals.
    rng : Generator, int or None, default 0
    cluster : str or callable, optional
        Resample clusters of items (as in :func:`agreement`).

    Returns
    -------
    DataFrame
        One row per (rater_group, model): ``rater_group`` (all human raters
        pooled as ``"human"``: every ``human:<id>`` vote counts, else
        ``human:majority``, else ``human``; each judge its own group; ``gold``
        its own group), ``model``, ``score``, ``ci_low``, ``ci_high``,
        ``rank`` (1 = best by descending score; equal scores share the
        smallest rank), ``rank_ci_low``, ``rank_ci_high``, ``n_comparisons``,
        ``method``, ``note`` (why the intervals are NaN: a group with fewer than
        :data:`~workbench.agreement.estimate.MIN_CI_ITEMS` items, e.g. a single vote,
        or resamples without variation, e.g. every vote a tie). ``attrs["bootstrap"]`` holds the paired bootstrap scores
        (``groups``, ``models``, ``scores`` of shape (n_resamples, groups,
        models)) used by :func:`rank_correlation`.

    Examples
    --------
    Model x beats y twice and loses once; the BT odds are 2:1.

    >>> import pandas as pd
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater="human", rater_kind="human", label=lab, model_a="x", model_b="y")
    ...         for i, lab in enumerate(["A", "A", "B"])]
    >>> lb = leaderboard(pd.DataFrame(rows), n_resamples=50)
    >>> lb[["rater_group", "model", "rank"]].values.tolist()
    [['human', 'x', 1], ['human', 'y', 2]]
    >>> round(float(lb["score"].iloc[0] / lb["score"].iloc[1]), 4)  # 2 / 1
    2.0
    """
    if protocol_of(df) != "pairwise":
        raise ValueError("df: leaderboard needs the pairwise protocol")
    check_option("items", items, LEADERBOARD_ITEMS)
    check_resampling(n_resamples, confidence_level)
    _check_battles(df)
    clusters = cluster_index(df, cluster)
    df = resolved_table(df, resolve)
    d, key = _votes(df, items)
    groups = sorted(d["_group"].unique(), key=lambda g: (g != "human", g))
    models = sorted(set(d["model_a"].astype(str)) | set(d["model_b"].astype(str)))
    midx = pd.Index(models)
    a = midx.get_indexer(d["model_a"].astype(str))
    b = midx.get_indexer(d["model_b"].astype(str))
    o = d["label"].astype("object").map({"A": 1.0, "B": 0.0, "tie": 0.5}).to_numpy(float)
    g = pd.Index(groups).get_indexer(d["_group"])
    units = pd.factorize(key)[0] if clusters is None else unit_codes(d, clusters)
    est, boot = ranking.bootstrap_scores(
        a,
        b,
        o,
        items=units,
        groups=g,
        n_models=len(models),
        method=method,
        n_resamples=n_resamples,
        rng=rng,
    )
    out = _board(groups, models, g, a, b, est, boot, confidence_level, method, units)
    out.attrs["bootstrap"] = {"groups": groups, "models": models, "scores": boot}
    _warn_nan(out, out["ci_low"].isna().to_numpy())
    return out


def _warn_nan(out: pd.DataFrame, nan: np.ndarray) -> None:
    """One :class:`AgreementWarning` when rows of ``out`` have NaN values (``note`` says why)."""
    if nan.any():
        warnings.warn(
            f"{int(nan.sum())} of {len(out)} rows have no estimate or no interval; see the "
            f"note column (e.g. {out.loc[nan, 'note'].iloc[0]!r})",
            AgreementWarning,
            stacklevel=3,
        )


def _check_battles(df: pd.DataFrame) -> None:
    """Both model columns present, and no labelled row comparing a model with itself."""
    check_columns(df, ["model_a", "model_b"])
    a, b = df["model_a"].astype("object"), df["model_b"].astype("object")
    same = (df["label"].notna() & a.notna() & (a == b)).to_numpy(dtype=bool)
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise SchemaError(
            f"df: row {i}: field 'model_b': {df['model_b'].iloc[i]!r} is also model_a; a "
            "model compared with itself is no battle (drop such rows first)"
        )


def _votes(df: pd.DataFrame, items: LeaderboardItems) -> tuple[pd.DataFrame, pd.Series]:
    """Labelled rows with both models and a rater group (``_group``), and their item keys.

    ``items="human"``: only the items the human group judged (when it judged any).
    """
    group = _rater_groups(df)
    keep = group.notna() & df["label"].notna() & df["model_a"].notna() & df["model_b"].notna()
    d = df[keep.to_numpy()].assign(_group=group[keep].to_numpy())
    if d.empty:
        raise ValueError("df: no labelled pairwise rows with model_a / model_b")
    key = d[ITEM].astype("object").apply(tuple, axis=1)
    if items == "human" and (d["_group"] == "human").any():
        human_items = set(key[d["_group"] == "human"])
        inside = key.isin(human_items).to_numpy()
        d, key = d[inside], key[inside]
    return d, key


def _board(
    groups: list[str],
    models: list[str],
    g: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    est: np.ndarray,
    boot: np.ndarray,
    confidence_level: float,
    method: str,
    units: np.ndarray,
) -> pd.DataFrame:
    """The leaderboard rows: scores, ranks and their percentile intervals per (group, model).

    A group with fewer than :data:`MIN_CI_ITEMS` resampling units gets NaN intervals, and an
    interval whose resamples all agree (every vote a tie, one vote) is NaN; ``note`` says so.
    """
    alpha = (1 - confidence_level) / 2
    rk = ranking.ranks(est)
    brk = ranking.ranks(boot)
    with quiet():
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        rlo, rhi = np.nanquantile(brk, [alpha, 1 - alpha], axis=0)
    records = []
    for k, name in enumerate(groups):
        sel = g == k
        n_cmp = np.bincount(a[sel], minlength=len(models)) + np.bincount(
            b[sel], minlength=len(models)
        )
        n_units = len(np.unique(units[sel]))
        for m, model in enumerate(models):
            if n_cmp[m] == 0:
                continue
            interval = (lo[k, m], hi[k, m], rlo[k, m], rhi[k, m])
            note = ""
            if n_units < MIN_CI_ITEMS:
                note = f"{n_units} items: fewer than {MIN_CI_ITEMS}, no interval"
            elif np.isfinite(lo[k, m]) and lo[k, m] == hi[k, m]:
                note = "no interval: the resamples show no variation"
            if note:
                interval = (np.nan,) * 4
            records.append(
                {
                    "rater_group": name,
                    "model": model,
                    "score": est[k, m],
                    "ci_low": interval[0],
                    "ci_high": interval[1],
                    "rank": rk[k, m],
                    "rank_ci_low": interval[2],
                    "rank_ci_high": interval[3],
                    "n_comparisons": int(n_cmp[m]),
                    "method": method,
                    "note": note,
                }
            )
    out = pd.DataFrame.from_records(records)
    out["rank"] = out["rank"].astype("int64")
    out = out.sort_values(
        ["rater_group", "rank", "model"],
        key=lambda s: s.map(lambda v: (v != "human", v)) if s.name == "rater_group" else s,
        kind="stable",
    ).reset_index(drop=True)
    return out


RankIntervalMethod = Literal["bc", "percentile", "basic"]
RANK_INTERVAL_METHODS: tuple[str, ...] = ("bc", "percentile", "basic")
"""Bootstrap intervals of :func:`rank_correlation`: bias-corrected percentile (default),
percentile, or basic (reverse percentile)."""

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
    _warn_nan(out, (out["estimate"].isna() | out["ci_low"].isna()).to_numpy())
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
