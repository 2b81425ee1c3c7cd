"""Item-clustered bootstrap of Kendall's tau-b and Spearman's rho, all resamples at once.

:func:`rank_bootstrap` gives the draws, estimate and interval of
:func:`workbench.stats.bootstrap.bootstrap_resample` for item-level Kendall / Spearman
(with the per-annotator mean of :func:`workbench.agreement.estimate.estimate_block`),
without one scipy call per resample and per jackknife item: a resample is a vector of row
multiplicities and the statistic comes from matrix products. With few distinct values
(ratings) the pairwise matrices shrink to per-item contingency tables of value levels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..stats import bootstrap as boot
from ._frame import quiet

__all__ = [
    "RANK_MAX_CELLS",
    "RANK_MAX_ROWS",
    "rank_bootstrap",
    "rank_matrices",
    "rank_table_values",
    "rank_values",
]

RANK_MAX_ROWS = 4000
"""Largest (annotator) block whose rank statistics use the pairwise matrices of rank_values."""


def rank_matrices(name: str, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Pairwise matrices whose weighted products give Kendall's or Spearman's statistic.

    Kendall: ``sign(x_j - x_k) sign(y_j - y_k)``, ``|sign(x_j - x_k)|``, ``|sign(y_j - y_k)|``;
    Spearman: ``[x_k < x_j] + [x_k == x_j] / 2`` (transposed, for ``w @ K``) and the same for y.
    """
    if name == "kendall_tau":
        sx = np.sign(x[:, None] - x[None, :])
        sy = np.sign(y[:, None] - y[None, :])
        return [sx * sy, np.abs(sx), np.abs(sy)]
    return [
        np.ascontiguousarray(((v[None, :] < v[:, None]) + 0.5 * (v[None, :] == v[:, None])).T)
        for v in (x, y)
    ]


def rank_values(name: str, w: np.ndarray, products: list[np.ndarray]) -> np.ndarray:
    """Kendall's tau-b or Spearman's rho of the multisets of rows given by weights ``w`` (m, n).

    Row ``k`` enters resample ``i`` ``w[i, k]`` times; ``products`` are ``w @ K`` for the
    matrices of :func:`rank_matrices`. Counts and average ranks are sums of integers (and
    halves), exact in float64, so tau-b is scipy's ``con_minus_dis / sqrt(tot - xtie) /
    sqrt(tot - ytie)`` to the bit and rho is Pearson on scipy's average ranks (the copies
    of a row tie with each other). NaN for fewer than two rows or a constant side.
    """
    size = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "kendall_tau":
            cmd, px, py = (np.einsum("ij,ij->i", p, w) / 2 for p in products)
            r = np.clip(cmd / np.sqrt(px) / np.sqrt(py), -1.0, 1.0)
            undefined = (px == 0) | (py == 0)
        else:
            rx, ry = (p + 0.5 for p in products)
            n = np.maximum(size, 1)[:, None]
            dx = rx - (w * rx).sum(axis=1, keepdims=True) / n
            dy = ry - (w * ry).sum(axis=1, keepdims=True) / n
            sxx, syy = (w * dx * dx).sum(axis=1), (w * dy * dy).sum(axis=1)
            r = np.clip((w * dx * dy).sum(axis=1) / np.sqrt(sxx * syy), -1.0, 1.0)
            undefined = (sxx == 0) | (syy == 0)
    return np.where(undefined | (size < 2), np.nan, r)


def rank_table_values(name: str, t: np.ndarray) -> np.ndarray:
    """Kendall's tau-b or Spearman's rho from contingency tables ``t`` (m, U, V) of level pairs.

    ``t[i, a, b]`` counts the rows of resample ``i`` whose first value is the a-th smallest
    level and whose second is the b-th. Concordant minus discordant pairs, tie counts and
    average ranks are integer (half-integer) sums, exact in float64: tau-b is scipy's
    ``con_minus_dis / sqrt(tot - xtie) / sqrt(tot - ytie)`` to the bit; rho is Pearson on
    scipy's average ranks. NaN for fewer than two rows or a constant side.
    """
    size = t.sum(axis=(1, 2))
    cx, cy = t.sum(axis=2), t.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "kendall_tau":
            below = np.cumsum(t[:, ::-1], axis=1)[:, ::-1] - t  # rows with a larger first value
            higher = np.cumsum(below[:, :, ::-1], axis=2)[:, :, ::-1] - below
            lower = np.cumsum(below, axis=2) - below
            cmd = (t * (higher - lower)).sum(axis=(1, 2))
            tot = size * (size - 1) / 2
            px = tot - (cx * (cx - 1) / 2).sum(axis=1)
            py = tot - (cy * (cy - 1) / 2).sum(axis=1)
            r = np.clip(cmd / np.sqrt(px) / np.sqrt(py), -1.0, 1.0)
            undefined = (px == 0) | (py == 0)
        else:
            rx = np.cumsum(cx, axis=1) - cx + (cx + 1) / 2
            ry = np.cumsum(cy, axis=1) - cy + (cy + 1) / 2
            n = np.maximum(size, 1)[:, None]
            dx = rx - (cx * rx).sum(axis=1, keepdims=True) / n
            dy = ry - (cy * ry).sum(axis=1, keepdims=True) / n
            sxx, syy = (cx * dx * dx).sum(axis=1), (cy * dy * dy).sum(axis=1)
            sxy = np.einsum("iab,ia,ib->i", t, dx, dy)
            r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
            undefined = (sxx == 0) | (syy == 0)
    return np.where(undefined | (size < 2), np.nan, r)


RANK_MAX_CELLS = 8_000_000
"""Largest items x levels x levels table of :func:`rank_bootstrap`'s per-item contingency tables."""


def rank_bootstrap(
    name: str,
    opts: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    h_codes: np.ndarray | None,
    *,
    n_resamples: int,
    confidence_level: float,
    method: boot.Method,
    rng: np.random.Generator,
) -> tuple[float, float, float, float] | None:
    """Item-clustered bootstrap of item-level Kendall's tau-b / Spearman's rho, all resamples at once.

    The draws, estimate and interval of :func:`workbench.stats.bootstrap.bootstrap_resample`
    (with the per-annotator mean of :func:`workbench.agreement.estimate.estimate_block` when
    ``h_codes`` is given), without one scipy call per resample and per jackknife item: a
    resample is a vector of row multiplicities and the statistic comes from pairwise sign /
    rank matrices by matrix products (leave-one-item-out: column sums minus the item's rows).
    With few distinct values (ratings) the matrices shrink to per-item contingency tables of
    value levels. None when this does not apply (other statistics or options, too large
    blocks: :data:`RANK_MAX_CELLS`, :data:`RANK_MAX_ROWS`); ``rng`` is then not drawn from.

    Returns
    -------
    tuple or None
        (estimate, ci_low, ci_high, se).

    Notes
    -----
    Kendall's tau-b is scipy's to the bit (integer counts, the same final formula).
    Spearman's rho agrees with scipy's to rounding (1e-16); only where the estimate is
    mathematically equal to bootstrap values (tiny blocks) can BCa's bias correction,
    which counts ties with the estimate, differ: here equal values compare equal, before
    scipy's rounding decided. Tested against the per-resample scipy loop in
    ``tests/test_tables_rank_bootstrap.py``.
    """
    if name not in ("kendall_tau", "spearman") or x.dtype.kind not in "fiu":
        return None
    if any((k, v) not in (("level", "item"), ("variant", "b")) for k, v in opts.items()):
        return None
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.isnan(x).any() or np.isnan(y).any():
        return None
    if h_codes is None:
        groups = [np.arange(len(x))]
    else:
        groups = [np.flatnonzero(h_codes == k) for k in range(int(h_codes.max()) + 1)]
    _, codes = np.unique(items, return_inverse=True)
    n = int(codes.max()) + 1
    # statistic(reference, judge) as in pair_args; both statistics are symmetric anyway
    levels = [
        (np.unique(y[g], return_inverse=True), np.unique(x[g], return_inverse=True)) for g in groups
    ]
    by_table = all(n * len(a[0]) * len(b[0]) <= RANK_MAX_CELLS for a, b in levels)
    if not by_table and max(len(g) for g in groups) > RANK_MAX_ROWS:
        return None  # before drawing: the fallback draws from ``rng`` itself
    # bootstrap_resample's draws: n items with replacement per resample, as counts per item
    draws = [np.bincount(rng.integers(0, n, size=n), minlength=n) for _ in range(n_resamples)]
    draws = np.vstack([np.ones(n), *draws])  # row 0: the original data
    if by_table:
        est, jack = _by_tables(name, groups, levels, codes, n, draws, bca=method == "bca")
    else:
        est, jack = _by_matrices(name, groups, x, y, codes, n, draws, bca=method == "bca")
    theta, boots = np.asarray(est[0]), est[1:]
    lo, hi = boot.bootstrap_interval(theta, boots, jack, np.ones(n), confidence_level, method)
    r = boot.bootstrap_result(theta, boots, lo, hi, n)
    return r.estimate, r.ci_low, r.ci_high, r.se


def _mean_over_annotators(per: list[np.ndarray]) -> np.ndarray:
    """The one group's values, or the NaN-skipping mean over the annotators' groups."""
    if len(per) == 1:
        return per[0]
    with quiet():
        return np.nanmean(np.stack(per, axis=1), axis=1)


def _by_tables(
    name: str,
    groups: list[np.ndarray],
    levels: list[tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]],
    codes: np.ndarray,
    n: int,
    draws: np.ndarray,
    *,
    bca: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(statistic per draw row, jackknife values or None) from per-item contingency tables.

    Few distinct values (ratings): per-item contingency tables of (reference, judge)
    levels; a resample's table is the draw counts times them, a jackknife's the total
    minus the item's.
    """
    tables = []
    for g, ((ua, ia), (ub, ib)) in zip(groups, levels, strict=True):
        u, v = len(ua), len(ub)
        cell = codes[g] * (u * v) + ia * v + ib
        tables.append(np.bincount(cell, minlength=n * u * v).reshape(n, u * v).astype(float))

    def table_values(pick: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        per = []
        for t, ((ua, _), (ub, _)) in zip(tables, levels, strict=True):
            per.append(rank_table_values(name, pick(t).reshape(-1, len(ua), len(ub))))
        return _mean_over_annotators(per)

    width = max(len(a[0]) * len(b[0]) for a, b in levels)
    chunk = max(1, 4_000_000 // width)
    est = np.concatenate(
        [table_values(lambda t, i=i: draws[i : i + chunk] @ t) for i in range(0, len(draws), chunk)]
    )
    jack = table_values(lambda t: t.sum(axis=0)[None, :] - t) if bca else None
    return est, jack


def _by_matrices(
    name: str,
    groups: list[np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    codes: np.ndarray,
    n: int,
    draws: np.ndarray,
    *,
    bca: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(statistic per draw row, jackknife values or None) from pairwise sign / rank matrices."""
    mats = [rank_matrices(name, y[g], x[g]) for g in groups]

    def values(w: np.ndarray, product) -> np.ndarray:
        """Statistic per weight row; per annotator, then the mean over annotators."""
        per = []
        for g, ks in zip(groups, mats, strict=True):
            wg = w[:, g]
            v = rank_values(name, wg, [product(wg, g, k) for k in ks])
            per.append(np.where(wg.sum(axis=1) >= 2, v, np.nan))
        return _mean_over_annotators(per)

    def dense(wg, g, k):
        return wg @ k

    w = draws[:, codes].astype(float)
    chunk = max(1, 4_000_000 // len(x))
    est = np.concatenate([values(w[i : i + chunk], dense) for i in range(0, len(w), chunk)])
    if not bca:
        return est, None
    left_out = np.ones((n, len(x)))
    left_out[codes, np.arange(len(x))] = 0.0

    def minus_item(wg, g, k):
        order = np.argsort(codes[g], kind="stable")
        it = codes[g][order]
        starts = np.flatnonzero(np.r_[True, it[1:] != it[:-1]])
        per_item = np.zeros((n, k.shape[1]))
        if len(starts) == len(it):  # one row per item
            per_item[it] = k[order]
        else:
            per_item[it[starts]] = np.add.reduceat(k[order], starts, axis=0)
        return k.sum(axis=0)[None, :] - per_item

    return est, values(left_out, minus_item)
