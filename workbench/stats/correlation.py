"""Correlation between two raters' scores at item, system or grouped level.

``level="item"`` correlates the paired scores; ``level="system"`` correlates the per-system
MEANS (``systems=`` names the system behind each item); ``level="grouped"`` correlates
within each group (``groups=``, e.g. the source document) and averages the groups'
coefficients, as summarization meta-evaluation does. Pairs with a missing side are dropped.

Pearson is a function of sums over items at every level (registered with kind="sum").
Large finite scores (1e200, near the float maximum) are divided by a power of two before
any square is taken (exact, and every coefficient here is scale-free), so they give
scipy's finite answer instead of an overflow to inf/NaN.
Spearman and Kendall are not: ranks depend on all items at once, so they are registered with
kind="resample" and a bootstrap recomputes them on resampled items.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as _scipy_stats

from ._arrays import (
    as_float,
    check_dense,
    infer_categories,
    label_kind,
    missing,
    pow2_scale,
    vector,
)
from .agreement import Sufficient

__all__ = ["kendall_tau", "pearson", "spearman"]

Level = Literal["item", "system", "grouped"]
_LEVELS = ("item", "system", "grouped")


def _scores(x: Any, name: str) -> np.ndarray:
    return as_float(vector(x, name), name)


def _prepare(rater_1, rater_2, level, systems, groups):
    """Float scores with incomplete pairs as NaN, and the level's label array (or None)."""
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")
    x, y = _scores(rater_1, "rater_1"), _scores(rater_2, "rater_2")
    if x.shape != y.shape:
        raise ValueError(
            f"rater_1 and rater_2 must have the same length, got {x.size} and {y.size}"
        )
    if level != "system" and systems is not None:
        raise ValueError(f"systems= is only used with level='system', got level={level!r}")
    if level != "grouped" and groups is not None:
        raise ValueError(f"groups= is only used with level='grouped', got level={level!r}")
    labels = None
    if level in ("system", "grouped"):
        name = "systems" if level == "system" else "groups"
        given = systems if level == "system" else groups
        if given is None:
            raise ValueError(f"level={level!r} needs {name}= (one label per item)")
        labels = vector(given, name)
        if labels.shape != x.shape:
            raise ValueError(f"{name} must have one label per item ({x.size}), got {labels.size}")
        if missing(labels).any():
            raise ValueError(f"{name} has missing labels")
        label_kind(labels, name)
    bad = np.isnan(x) | np.isnan(y)
    x, y = np.where(bad, np.nan, x), np.where(bad, np.nan, y)
    return x, y, labels


# ---------------------------------------------------------------------------------------
# Pearson from sums
# ---------------------------------------------------------------------------------------


def _resolve_pearson(rater_1, rater_2, *, level="item", systems=None, groups=None):
    x, y, labels = _prepare(rater_1, rater_2, level, systems, groups)
    ok = ~np.isnan(x)
    scale = (pow2_scale(x[ok]), pow2_scale(y[ok]))
    x, y = x / scale[0], y / scale[1]
    center = (float(x[ok].mean()), float(y[ok].mean())) if ok.any() else (0.0, 0.0)
    out: dict[str, Any] = {"level": level, "center": center, "scale": scale}
    if labels is not None:
        key = "systems" if level == "system" else "groups"
        out[f"{key}_set"] = infer_categories(labels, key)
        out[key] = systems if level == "system" else groups
    return out


def pearson_contributions(
    rater_1,
    rater_2,
    *,
    level="item",
    center=(0.0, 0.0),
    scale=(1.0, 1.0),
    systems=None,
    groups=None,
    systems_set=None,
    groups_set=None,
    **_,
) -> np.ndarray:
    """Per-item contributions to Pearson's r (incomplete pairs: zeros).

    Scores are divided by ``scale`` (powers of two, exact) and then centred at ``center``
    (both from `resolve`, on the full data), so squares never overflow.

    item: ``[x, y, x**2, y**2, x*y, 1]`` (d = 6); system: the item's system one-hot times
    ``[x, y, 1]`` (column ``3 * s + j``, d = 3 S); grouped: the group one-hot times the six
    item moments (column ``6 * g + j``, d = 6 G).
    """
    x, y, labels = _prepare(rater_1, rater_2, level, systems, groups)
    ok = ~np.isnan(x)
    xc = np.where(ok, x / scale[0] - center[0], 0.0)
    yc = np.where(ok, y / scale[1] - center[1], 0.0)
    one = ok.astype(float)
    if level == "system":
        parts = np.column_stack([xc, yc, one])
    else:
        parts = np.column_stack([xc, yc, xc * xc, yc * yc, xc * yc, one])
    if level == "item":
        return parts
    label_set = systems_set if level == "system" else groups_set
    codes = pd.Index(list(label_set), dtype=object).get_indexer(labels.astype(object))
    if (codes < 0).any():
        raise ValueError("systems/groups has labels not in the resolved set")
    d = parts.shape[1]
    key = "systems" if level == "system" else "groups"
    check_dense(x.size, d * len(label_set), f"{key} ({len(label_set)} distinct labels)")
    out = np.zeros((x.size, d * len(label_set)))
    cols = codes[:, None] * d + np.arange(d)[None, :]
    np.put_along_axis(out, cols, parts, axis=1)
    return out


def pearson_sums(rater_1, rater_2, **resolved) -> np.ndarray:
    """``pearson_contributions(...).sum(axis=0)`` by `numpy.bincount` per group."""
    level = resolved.get("level", "item")
    if level == "item":
        return pearson_contributions(rater_1, rater_2, **resolved).sum(axis=0)
    x, y, labels = _prepare(
        rater_1, rater_2, level, resolved.get("systems"), resolved.get("groups")
    )
    label_set = resolved["systems_set" if level == "system" else "groups_set"]
    center = resolved.get("center", (0.0, 0.0))
    scale = resolved.get("scale", (1.0, 1.0))
    ok = ~np.isnan(x)
    xc, yc = x[ok] / scale[0] - center[0], y[ok] / scale[1] - center[1]
    codes = pd.Index(list(label_set), dtype=object).get_indexer(labels[ok].astype(object))
    cols = (
        [xc, yc, np.ones_like(xc)]
        if level == "system"
        else [xc, yc, xc * xc, yc * yc, xc * yc, np.ones_like(xc)]
    )
    g = len(label_set)
    return np.column_stack([np.bincount(codes, weights=c, minlength=g) for c in cols]).ravel()


def _r_from_moments(sx, sy, sxx, syy, sxy, n):
    cov = n * sxy - sx * sy
    vx = n * sxx - sx * sx
    vy = n * syy - sy * sy
    den = np.sqrt(np.clip(vx, 0, None) * np.clip(vy, 0, None))
    out = np.full(np.broadcast(cov, den).shape, np.nan)
    # relative threshold: a variance that is rounding noise of the sums means constant input
    ok = (n >= 2) & (vx > 1e-13 * n * np.abs(sxx)) & (vy > 1e-13 * n * np.abs(syy))
    np.divide(cov, den, out=out, where=ok)
    return np.clip(out, -1.0, 1.0)


def _pearson_from_sums(sums, *, level="item", systems_set=None, groups_set=None, **_):
    s = np.asarray(sums, dtype=float)
    if level == "item":
        return _r_from_moments(*(s[..., j] for j in range(6)))
    if level == "grouped":
        g = s.reshape(s.shape[:-1] + (len(groups_set), 6))
        r = _r_from_moments(*(g[..., j] for j in range(6)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN -> NaN
            return np.nanmean(r, axis=-1)
    g = s.reshape(s.shape[:-1] + (len(systems_set), 3))
    n_s = g[..., 2]
    valid = n_s > 0
    mx = np.divide(g[..., 0], n_s, out=np.zeros_like(n_s), where=valid)
    my = np.divide(g[..., 1], n_s, out=np.zeros_like(n_s), where=valid)
    v = valid.astype(float)
    return _r_from_moments(
        (v * mx).sum(-1),
        (v * my).sum(-1),
        (v * mx * mx).sum(-1),
        (v * my * my).sum(-1),
        (v * mx * my).sum(-1),
        v.sum(-1),
    )


def pearson(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    level: Level = "item",
    systems: npt.ArrayLike | None = None,
    groups: npt.ArrayLike | None = None,
) -> float:
    """Pearson's r between two raters' scores, at item, system or grouped level.

    Parameters
    ----------
    rater_1, rater_2 : array-like of numbers, same length
        Scores per item; pairs with a missing side are dropped.
    level : {"item", "system", "grouped"}
        ``"item"``: correlate the pairs. ``"system"``: correlate per-system means (needs
        ``systems=``). ``"grouped"``: correlate within each group (needs ``groups=``) and
        average over the groups whose coefficient is defined (at least two pairs and
        non-constant scores on both sides).
    systems, groups : array-like, optional
        One label per item.

    Returns
    -------
    float
        ``r = cov(x, y) / (sd(x) sd(y))`` in [-1, 1]; NaN when fewer than two pairs (or
        systems, or defined groups) or a side is constant.

    See Also
    --------
    spearman, kendall_tau : rank correlations (robust to monotone rescaling).
    icc : absolute agreement of scores rather than linear association.

    Notes
    -----
    Computed from centred moment sums (``pearson_contributions``). Tested against
    `scipy.stats.pearsonr` at every level.

    References
    ----------
    .. [1] Pearson, K. (1896). Mathematical contributions to the theory of evolution. III.
       Regression, heredity, and panmixia. Phil. Trans. R. Soc. A, 187, 253-318.
       https://doi.org/10.1098/rsta.1896.0007
    .. [2] Deutsch, D., Dror, R., & Roth, D. (2022). Re-examining system-level correlations
       of automatic summarization evaluation metrics. NAACL.
       https://doi.org/10.18653/v1/2022.naacl-main.442 (system vs grouped levels)

    Examples
    --------
    >>> pearson([1, 2, 3], [1, 3, 2])  # cov = 1/2 (n-1 scaled), var = 1: r = 0.5
    0.5
    >>> s = ["s", "s", "t", "t", "u", "u"]  # system means: x = (1.5, 3.5, 5.5), y = (3, 2, 7)
    >>> # deviations x: (-2, 0, 2), y: (-1, -2, 3): r = 8 / sqrt(8 * 14)
    >>> round(pearson([1, 2, 3, 4, 5, 6], [2, 4, 1, 3, 6, 8], level="system", systems=s), 4)
    0.7559
    """
    entry = SUFFICIENT_CORRELATION["pearson"]
    return entry.estimate(rater_1, rater_2, level=level, systems=systems, groups=groups)


# ---------------------------------------------------------------------------------------
# Rank correlations: recomputed, not sum-decomposable
# ---------------------------------------------------------------------------------------


def _levelled(
    rater_1, rater_2, level, systems, groups, corr: Callable[[np.ndarray, np.ndarray], float]
) -> float:
    x, y, labels = _prepare(rater_1, rater_2, level, systems, groups)
    ok = ~np.isnan(x)
    x, y = x[ok], y[ok]
    x, y = x / pow2_scale(x), y / pow2_scale(y)  # exact; system means of 1e308 stay finite

    def safe(a, b):
        if a.size < 2:
            return np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # constant input -> NaN
            return float(corr(a, b))

    if level == "item":
        return safe(x, y)
    codes, _ = pd.factorize(labels[ok])
    if level == "system":
        n = np.bincount(codes)
        return safe(np.bincount(codes, weights=x) / n, np.bincount(codes, weights=y) / n)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    rs = [safe(x[i], y[i]) for i in np.split(order, bounds)]
    rs = [r for r in rs if not np.isnan(r)]
    return float(np.mean(rs)) if rs else float("nan")


def spearman(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    level: Level = "item",
    systems: npt.ArrayLike | None = None,
    groups: npt.ArrayLike | None = None,
) -> float:
    """Spearman's rank correlation (Pearson on average ranks), at item, system or grouped level.

    Parameters
    ----------
    rater_1, rater_2 : array-like of numbers, same length
        Scores per item; pairs with a missing side are dropped.
    level : {"item", "system", "grouped"}
        As in `pearson`: system = ranks of per-system means; grouped = mean over groups of
        the within-group coefficient (undefined groups left out).
    systems, groups : array-like, optional
        One label per item.

    Returns
    -------
    float
        rho in [-1, 1]; NaN when fewer than two pairs or a side is constant.

    See Also
    --------
    kendall_tau : pair-counting rank correlation.
    pearson : linear correlation, sum-decomposable.

    Notes
    -----
    Not a sum over items (registered kind="resample"). Computed with
    `scipy.stats.spearmanr` (ties get average ranks).

    References
    ----------
    .. [1] Spearman, C. (1904). The proof and measurement of association between two
       things. American Journal of Psychology, 15(1), 72-101. https://doi.org/10.2307/1412159

    Examples
    --------
    >>> round(spearman([1, 2, 3, 4], [10, 30, 20, 40]), 4)  # ranks (1, 3, 2, 4): 1 - 6 * 2 / 60
    0.8
    """
    return _levelled(
        rater_1,
        rater_2,
        level,
        systems,
        groups,
        lambda a, b: _scipy_stats.spearmanr(a, b).statistic,
    )


def kendall_tau(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    level: Level = "item",
    systems: npt.ArrayLike | None = None,
    groups: npt.ArrayLike | None = None,
    variant: Literal["b", "c"] = "b",
) -> float:
    """Kendall's tau (tau-b by default, tau-c option), at item, system or grouped level.

    Parameters
    ----------
    rater_1, rater_2 : array-like of numbers, same length
        Scores per item; pairs with a missing side are dropped.
    level : {"item", "system", "grouped"}
        As in `pearson`.
    systems, groups : array-like, optional
        One label per item.
    variant : {"b", "c"}
        tau-b ``(C - D) / sqrt((n0 - n1)(n0 - n2))`` corrects for ties (square tables);
        tau-c (Stuart) ``2 m (C - D) / (n**2 (m - 1))`` suits rectangular tables (m = the
        smaller number of distinct values).

    Returns
    -------
    float
        tau in [-1, 1]; NaN when fewer than two pairs or a side is constant.

    See Also
    --------
    spearman : rank correlation on average ranks.

    Notes
    -----
    Not a sum over items (registered kind="resample"). Computed with
    `scipy.stats.kendalltau`.

    References
    ----------
    .. [1] Kendall, M. G. (1945). The treatment of ties in ranking problems. Biometrika,
       33(3), 239-251. https://doi.org/10.1093/biomet/33.3.239

    Examples
    --------
    >>> round(kendall_tau([1, 2, 3, 4], [10, 30, 20, 40]), 4)  # 5 concordant, 1 discordant: 4/6
    0.6667
    """
    if variant not in ("b", "c"):
        raise ValueError(f"variant must be 'b' or 'c', got {variant!r}")
    return _levelled(
        rater_1,
        rater_2,
        level,
        systems,
        groups,
        lambda a, b: _scipy_stats.kendalltau(a, b, variant=variant).statistic,
    )


def _resolve_passthrough(*data, **options):
    return dict(options)


SUFFICIENT_CORRELATION: dict[str, Sufficient] = {
    "pearson": Sufficient(
        statistic=pearson,
        kind="sum",
        resolve=_resolve_pearson,
        contributions=pearson_contributions,
        from_sums=_pearson_from_sums,
        sums=pearson_sums,
    ),
    "spearman": Sufficient(statistic=spearman, kind="resample", resolve=_resolve_passthrough),
    "kendall_tau": Sufficient(statistic=kendall_tau, kind="resample", resolve=_resolve_passthrough),
}
