"""Estimates, bootstrap intervals and standard errors of the statistics on one block of pairs.

A *block* is the pairs of one (slice, judge) or of the ceiling in one slice: arrays ``x``
(judge or annotator values), ``y`` (reference values), the resampling unit of every pair
and, for per-annotator aggregation, the annotator of every pair. Statistics that are
functions of per-item sums (:data:`workbench.stats.SUFFICIENT`, kind ``"sum"``) share one
bootstrap of their contributions; rank statistics are resampled (Kendall and Spearman
through :func:`workbench.agreement.rank_bootstrap.rank_bootstrap`, all resamples at once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..stats import SUFFICIENT
from ..stats import bootstrap as boot
from ._frame import quiet
from .rank_bootstrap import rank_bootstrap

__all__ = ["DEFAULT_STATISTICS", "distinct_cells", "estimate_block", "statistic_specs"]

DEFAULT_STATISTICS: dict[str, tuple[str, ...]] = {
    "pairwise": ("percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1"),
    "binary": ("percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1", "macro_f1"),
    "rating": ("pearson", "spearman", "kendall_tau", "krippendorff_alpha", "icc"),
}
"""Statistics computed by :func:`workbench.agreement.agreement` when ``statistics`` is not given."""

_DEFAULT_OPTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "pairwise": {"krippendorff_alpha": {"level": "nominal"}},
    "binary": {"krippendorff_alpha": {"level": "nominal"}},
    "rating": {"krippendorff_alpha": {"level": "interval"}, "icc": {"form": "ICC2"}},
}

Estimate = tuple[float, float, float, float]
"""(estimate, ci_low, ci_high, se) of one statistic on one block."""


def statistic_specs(
    statistics: str | Sequence[str] | Mapping[str, Mapping[str, Any] | None] | None,
    protocol: str,
) -> dict[str, dict[str, Any]]:
    """Statistic name -> options, with the protocol's defaults filled in.

    ``statistics``: a name, names, or a mapping name -> options (None: the
    protocol's :data:`DEFAULT_STATISTICS`). Names must be in
    :data:`workbench.stats.SUFFICIENT`. Resolving a resolved mapping again
    returns it unchanged.

    Examples
    --------
    >>> statistic_specs(["percent_agreement", "krippendorff_alpha"], "rating")
    {'percent_agreement': {}, 'krippendorff_alpha': {'level': 'interval'}}
    """
    if statistics is None:
        statistics = DEFAULT_STATISTICS[protocol]
    if isinstance(statistics, str):
        statistics = (statistics,)
    items = statistics.items() if isinstance(statistics, Mapping) else ((s, {}) for s in statistics)
    out = {}
    for name, opts in items:
        if name not in SUFFICIENT:
            raise ValueError(f"statistics: unknown {name!r}; known: {sorted(SUFFICIENT)}")
        out[name] = {**_DEFAULT_OPTIONS[protocol].get(name, {}), **(opts or {})}
    return out


def distinct_cells(
    x: np.ndarray, y: np.ndarray, items: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(one row index per distinct (x, y) cell, its count), or None when not applicable.

    Applies to integer label codes (>= 0) with one row per item; the resampled
    units are then the rows, and rows of one cell have equal contributions.

    Examples
    --------
    >>> distinct_cells(np.array([0, 1, 0, 1]), np.array([0, 1, 0, 0]), np.arange(4))
    (array([0, 3, 1]), array([2, 1, 1]))
    """
    if x.dtype.kind not in "iu" or y.dtype.kind not in "iu" or not len(x):
        return None
    if x.min() < 0 or y.min() < 0:
        return None
    n_items = int(items.max()) + 1 if len(items) else 0
    if n_items != len(items) or np.bincount(items, minlength=n_items).max() != 1:
        return None
    k = int(max(x.max(), y.max())) + 1
    cell = x.astype(np.int64) * k + y
    counts = np.bincount(cell, minlength=k * k)
    present = np.flatnonzero(counts)
    first = np.full(k * k, len(cell), dtype=np.int64)
    np.minimum.at(first, cell, np.arange(len(cell)))
    return first[present], counts[present]


def estimate_block(
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    humans: np.ndarray | None,
    specs: dict[str, dict[str, Any]],
    *,
    aggregate: str,
    categories: Sequence[Any] | None = None,
    n_resamples: int,
    confidence_level: float,
    method: boot.Method,
    rng: np.random.Generator,
) -> dict[str, Estimate]:
    """Estimate, CI and SE of every statistic on one (judge, slice) block.

    Parameters
    ----------
    x, y : ndarray
        Compared and reference values of every pair (labels or scores).
    items : ndarray of int
        Resampling unit of every pair (item or cluster code).
    humans : ndarray, optional
        Annotator of every pair; with ``aggregate="mean"`` the statistic is computed per
        annotator and averaged (unweighted, undefined annotators skipped).
    specs : dict
        :func:`statistic_specs`.
    aggregate : {"mean", "pooled"}
    categories : sequence, optional
        The label set of the whole table (sorted), so that every judge, slice and the
        ceiling share one scale (Gwet's AC1 and Brennan-Prediger depend on its size q);
        default: the labels of this block.
    n_resamples, confidence_level, method, rng
        Bootstrap options; ``rng`` is drawn from in the order of ``specs``.

    Returns
    -------
    dict
        Statistic name -> (estimate, ci_low, ci_high, se).
    """
    if x.dtype.kind in "OUS":
        x, y, specs = _encode_labels(x, y, specs, categories)
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, rng=rng)
    sum_specs = {k: o for k, o in specs.items() if SUFFICIENT[k].kind != "resample"}
    res_specs = {k: o for k, o in specs.items() if k not in sum_specs}
    h_codes = None
    if humans is not None and aggregate == "mean":
        _, h_codes = np.unique(humans, return_inverse=True)
    out: dict[str, Estimate] = {}
    if sum_specs:
        out.update(_sum_statistics(x, y, items, h_codes, sum_specs, **kw))
    for name, opts in res_specs.items():
        fast = rank_bootstrap(name, opts, x, y, items, h_codes, **kw)
        out[name] = fast if fast is not None else _resampled(name, opts, x, y, items, h_codes, kw)
    return out


def _encode_labels(
    x: np.ndarray,
    y: np.ndarray,
    specs: dict[str, dict[str, Any]],
    categories: Sequence[Any] | None,
) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, Any]]]:
    """Labels -> integer codes in sorted label order, with the category set passed explicitly.

    The same numbers as on the labels, without re-hashing strings. A ``categories=``
    option given by the user (e.g. ``["A", "tie", "B"]`` for ordinal weights) fixes the
    ORDER of the codes, so positions-based weights follow it.
    """
    given = {tuple(o["categories"]) for o in specs.values() if o.get("categories") is not None}
    if len(given) > 1:
        raise ValueError(f"statistics: pass one categories= for all statistics, got {given}")
    if given:
        categories = list(given.pop())
    if categories is None:
        codes, labels = pd.factorize(np.concatenate([x, y]), sort=True)
    else:
        labels = pd.Index(list(categories), dtype=object)
        codes = labels.get_indexer(np.concatenate([x, y]).astype(object))
        if (codes < 0).any():
            bad = sorted(set(np.concatenate([x, y])[codes < 0].tolist()))
            raise ValueError(f"categories: labels {bad} are not in {list(labels)}")
    x, y = codes[: len(x)], codes[len(x) :]
    labels = list(labels)
    specs = {k: {**o, "categories": tuple(range(len(labels)))} for k, o in specs.items()}
    if "percent_agreement" in specs:
        name = specs["percent_agreement"].get("tie_label", "tie")
        tie = labels.index(name) if name in labels else -1
        specs["percent_agreement"] = {**specs["percent_agreement"], "tie_label": tie}
    return x, y, specs


def _sum_statistics(
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    h_codes: np.ndarray | None,
    sum_specs: dict[str, dict[str, Any]],
    **kw: Any,
) -> dict[str, Estimate]:
    """One bootstrap of the per-item contribution sums of every sum statistic."""
    n_h = 1 if h_codes is None else int(h_codes.max()) + 1
    # One row per item, integer label codes, no per-annotator blocks: a row's
    # contributions depend only on its (x, y) cell, so compute them for one
    # representative row per distinct cell and count the cells (exactly the
    # patterns and counts the full (n, d) matrix would give, in the same order).
    cells = distinct_cells(x, y, items) if h_codes is None else None
    reps = None if cells is None else cells[0]
    blocks, resolved, seen, spans = [], {}, {}, {}
    width = 0
    for name, opts in sum_specs.items():
        suff = SUFFICIENT[name]
        data = boot.pair_args(name, x, y)
        resolved[name] = suff.resolve(*data, **opts)
        # Statistics of one contingency table share their contributions: compute once.
        key = (suff.contributions, len(data), repr(resolved[name].get("categories")))
        if key not in seen:
            rows = data if reps is None else boot.pair_args(name, x[reps], y[reps])
            c = np.asarray(suff.contributions(*rows, **resolved[name]), float)
            d = c.shape[1]
            if h_codes is not None:  # one block of d columns per annotator
                wide = np.zeros((len(c), n_h * d))
                np.put_along_axis(wide, h_codes[:, None] * d + np.arange(d), c, axis=1)
                c = wide
            seen[key] = (width, d)
            blocks.append(c)
            width += c.shape[1]
        spans[name] = seen[key]
    from_sums = _from_sums(list(sum_specs), spans, resolved, n_h, per_annotator=h_codes is not None)
    wide = np.concatenate(blocks, axis=1)
    if cells is None:
        contrib, _ = boot.item_sums(wide, items)
        r = boot.bootstrap_sums(contrib, from_sums, **kw)
    else:
        patterns, counts = boot.ordered_patterns(wide, cells[1])
        r = boot.bootstrap_sums(patterns, from_sums, counts=counts, **kw)
    return {
        name: (r.estimate[i], r.ci_low[i], r.ci_high[i], r.se[i])
        for i, name in enumerate(sum_specs)
    }


def _from_sums(
    names: list[str],
    spans: dict[str, tuple[int, int]],
    resolved: dict[str, dict[str, Any]],
    n_h: int,
    *,
    per_annotator: bool,
) -> Callable[[np.ndarray], np.ndarray]:
    """Every statistic from summed contributions ``s`` (..., width): the last axis stacked."""

    def from_sums(s):
        res = []
        for name in names:
            start, d = spans[name]
            part = s[..., start : start + d * n_h]
            g = SUFFICIENT[name].from_sums
            if not per_annotator:
                res.append(np.asarray(g(part, **resolved[name]), float))
            else:
                per = np.asarray(
                    g(part.reshape(*part.shape[:-1], n_h, d), **resolved[name]),
                    float,
                )
                with np.errstate(invalid="ignore"), quiet():
                    res.append(np.nanmean(per, axis=-1))
        return np.stack(res, axis=-1)

    return from_sums


def _resampled(
    name: str,
    opts: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    h_codes: np.ndarray | None,
    kw: dict[str, Any],
) -> Estimate:
    """Bootstrap of a statistic that is not a function of sums: recomputed per resample."""
    fn = SUFFICIENT[name].statistic
    if h_codes is None:

        def stat(a, b):
            return fn(*boot.pair_args(name, a, b), **opts)

        data = (x, y)
    else:

        def stat(a, b, h):
            vals = [
                fn(*boot.pair_args(name, a[h == k], b[h == k]), **opts)
                for k in np.unique(h)
                if (h == k).sum() >= 2
            ]
            with quiet():
                return np.nanmean(vals) if vals else np.nan

        data = (x, y, h_codes)
    r = boot.bootstrap_resample(stat, data, items=items, **kw)
    return (r.estimate, r.ci_low, r.ci_high, r.se)
