"""Estimates, bootstrap intervals and standard errors of the statistics on one block of pairs.

A *block* is the pairs of one (slice, judge) or of the ceiling in one slice: arrays ``x``
(judge or annotator values), ``y`` (reference values), the resampling unit of every pair
and, for per-annotator aggregation, the annotator of every pair. Statistics that are
functions of per-item sums (:data:`workbench.stats.SUFFICIENT`, kind ``"sum"``) share one
bootstrap of their contributions; rank statistics are resampled (Kendall and Spearman
through :func:`workbench.agreement.rank_bootstrap.rank_bootstrap`, all resamples at once).
"""

from __future__ import annotations

import inspect
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..stats import SUFFICIENT
from ..stats import bootstrap as boot
from ._frame import quiet
from .rank_bootstrap import rank_bootstrap
from .sums import distinct_cells, sum_statistics

__all__ = [
    "DEFAULT_STATISTICS",
    "MIN_CI_ITEMS",
    "SCORE_STATISTICS",
    "block_seed",
    "distinct_cells",  # from .sums, where it is defined
    "encode_labels",
    "estimate_block",
    "gap_block",
    "gap_reduce",
    "group_rng",
    "mean_reduce",
    "n_distinct",
    "statistic_specs",
]

DEFAULT_STATISTICS: dict[str, tuple[str, ...]] = {
    "pairwise": ("percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1"),
    "binary": ("percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1", "macro_f1"),
    "rating": ("pearson", "spearman", "kendall_tau", "krippendorff_alpha", "icc"),
}
"""Statistics computed by :func:`workbench.agreement.agreement` when ``statistics`` is not given."""

_DEFAULT_OPTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "pairwise": {"krippendorff_alpha": {"level": "nominal"}, "gwet_ac2": {"weights": "identity"}},
    "binary": {"krippendorff_alpha": {"level": "nominal"}, "gwet_ac2": {"weights": "identity"}},
    "rating": {"krippendorff_alpha": {"level": "interval"}, "icc": {"form": "ICC2"}},
}

Estimate = tuple[float, float, float, float, int]
"""(estimate, ci_low, ci_high, se, n_items) of one statistic on one block."""

MIN_CI_ITEMS = 10
"""Fewest resampling units (items or clusters) for a bootstrap interval: below it the
interval and SE are NaN (with a ``note``), not the degenerate [1, 1] of a handful of items."""


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
        if not isinstance(name, str) or name not in SUFFICIENT:
            raise ValueError(f"statistics: unknown {name!r}; known: {sorted(SUFFICIENT)}")
        if opts is not None and not isinstance(opts, Mapping):
            raise ValueError(f"statistics: options of {name!r}: expected a mapping, got {opts!r}")
        out[name] = {**_DEFAULT_OPTIONS[protocol].get(name, {}), **(opts or {})}
        _check_statistic(name, out[name], protocol)
    if not out:
        raise ValueError(f"statistics: expected at least one name, got {statistics!r}")
    return out


SCORE_STATISTICS: tuple[str, ...] = ("pearson", "spearman", "kendall_tau", "icc")
"""Statistics of numeric scores: only for the rating protocol."""

_ORDERED_OPTIONS: dict[str, tuple[str, Any]] = {
    "cohen_kappa": ("weights", (None,)),
    "gwet_ac2": ("weights", ("identity",)),
    "krippendorff_alpha": ("level", ("nominal",)),
}
"""Statistic -> (option, its values that ignore the order of the categories)."""
_ORDER_EXAMPLE = {"pairwise": ["A", "tie", "B"], "binary": ["incorrect", "correct"]}


def _check_statistic(name: str, opts: dict[str, Any], protocol: str) -> None:
    """Reject a statistic or option the protocol's values cannot carry, and unknown options.

    Pairwise and binary labels have no numeric scale and no order of their own (sorted,
    A / B / tie puts ``tie`` last): a score statistic is refused, and an order-dependent
    option (weights, an ordinal or interval level) needs ``categories=`` giving the order.
    """
    params = inspect.signature(SUFFICIENT[name].statistic).parameters.values()
    accepted = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
    unknown = sorted(set(opts) - set(accepted) - {"categories"})
    if unknown:
        raise ValueError(
            f"statistics: {name!r} has no option {unknown[0]!r}; its options are {accepted}"
        )
    if protocol == "rating":
        return
    if name in SCORE_STATISTICS:
        raise ValueError(
            f"statistics: {name!r} needs numeric scores (protocol 'rating'); this table is "
            f"{protocol}: use {list(DEFAULT_STATISTICS[protocol])}"
        )
    option, unordered = _ORDERED_OPTIONS.get(name, (None, ()))
    if option is not None and opts.get(option) not in unordered and opts.get("categories") is None:
        raise ValueError(
            f"statistics: {name!r} with {option}={opts.get(option)!r} depends on the order of "
            f"the {protocol} labels, which have none: pass categories=[...] in that order "
            f"(e.g. {_ORDER_EXAMPLE[protocol]}) or {option}={unordered[0]!r}"
        )


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
    rng: np.random.Generator | int | None,
    item_codes: np.ndarray | None = None,
) -> dict[str, Estimate]:
    """Estimate, CI, SE and items used of every statistic on one (judge, slice) block.

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
    n_resamples, confidence_level, method
        Bootstrap options.
    rng : Generator, int or None
        Seed of the resamples (:func:`block_seed`). Every group of statistics that
        shares one bootstrap (all sum statistics; each rank statistic) draws from its
        own generator made from this seed, and the resampling partition depends only on
        the data: a statistic's interval is the same whichever other statistics are
        requested with it.
    item_codes : ndarray of int, optional
        Item of every pair when ``items`` are clusters: ``n_items`` counts items.

    Returns
    -------
    dict
        Statistic name -> (estimate, ci_low, ci_high, se, n_items). Fewer than
        :data:`MIN_CI_ITEMS` resampling units: the interval and SE are NaN.
    """
    counted = items if item_codes is None else item_codes
    n_all = n_distinct(counted)
    n_items = {
        name: _items_used(name, opts, x, y, counted) if opts.get("ties") == "drop" else n_all
        for name, opts in specs.items()
    }
    if x.dtype.kind in "OUS":
        x, y, specs = encode_labels(x, y, specs, categories)
    base = block_seed(rng)
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method)
    sum_specs = {k: o for k, o in specs.items() if SUFFICIENT[k].kind != "resample"}
    res_specs = {k: o for k, o in specs.items() if k not in sum_specs}
    h_codes = None
    if humans is not None and aggregate == "mean":
        _, h_codes = np.unique(humans, return_inverse=True)
    out: dict[str, tuple[float, float, float, float]] = {}
    if sum_specs:
        n_h = 1 if h_codes is None else int(h_codes.max()) + 1
        out.update(
            sum_statistics(
                x,
                y,
                items,
                h_codes,
                sum_specs,
                n_h,
                mean_reduce(n_h),
                rng=group_rng(base, "sums"),
                **kw,
            )
        )
    for name, opts in res_specs.items():
        gen = group_rng(base, name)
        fast = rank_bootstrap(name, opts, x, y, items, h_codes, rng=gen, **kw)
        out[name] = (
            fast if fast is not None else _resampled(name, opts, x, y, items, h_codes, kw, gen)
        )
    small = n_distinct(items) < MIN_CI_ITEMS
    return {
        name: (e, *((np.nan,) * 3 if small else (lo, hi, se)), n_items[name])
        for name, (e, lo, hi, se) in out.items()
    }


def gap_block(
    judge: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None],
    ceiling: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None],
    specs: dict[str, dict[str, Any]],
    *,
    aggregate: str,
    categories: Sequence[Any] | None = None,
    n_resamples: int,
    confidence_level: float,
    method: boot.Method,
    rng: np.random.Generator | int | None,
) -> dict[str, tuple[float, float, float]]:
    """Judge minus ceiling of every statistic, with a paired, item-clustered bootstrap interval.

    ``judge`` and ``ceiling`` are ``(x, y, units, annotators)`` of the judge's pairs and of
    the ceiling's pairs on the same (item, annotator) keys; ``units`` share one coding.
    One resample of units drives both sides (the pairs of an item move together on
    both), so the interval is that of the paired difference. Returns statistic name ->
    (gap, ci_low, ci_high); fewer than :data:`MIN_CI_ITEMS` units: NaN interval.

    Examples
    --------
    Ten items; the judge agrees with the others' majority on 8 of 10, the annotator on 9:

    >>> y = np.array(list("AAAAABBBBB"), dtype=object)
    >>> xj, xc = y.copy(), y.copy()
    >>> xj[[0, 5]], xc[[1]] = ["B", "A"], "B"
    >>> u = np.arange(10)
    >>> g = gap_block((xj, y, u, None), (xc, y, u, None), {"percent_agreement": {}},
    ...               aggregate="pooled", n_resamples=200, confidence_level=0.95,
    ...               method="percentile", rng=0)
    >>> gap, low, high = g["percent_agreement"]
    >>> round(gap, 2), bool(low <= gap <= high)  # 0.8 - 0.9
    (-0.1, True)
    """
    xj, yj, uj, hj = judge
    xc, yc, uc, hc = ceiling
    x, y = np.concatenate([xj, xc]), np.concatenate([yj, yc])
    units = np.concatenate([uj, uc])
    side = np.repeat([0, 1], [len(xj), len(xc)])
    if x.dtype.kind in "OUS":
        x, y, specs = encode_labels(x.astype(object), y.astype(object), specs, categories)
    else:
        x, y = x.astype(float), y.astype(float)
    n_h = 1
    blocks = side
    if aggregate == "mean" and hj is not None and hc is not None:
        _, h = np.unique(np.concatenate([hj, hc]).astype(str), return_inverse=True)
        n_h = int(h.max()) + 1
        blocks = side * n_h + h
    reduce = gap_reduce(n_h)
    base = block_seed(rng)
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method)
    sum_specs = {k: o for k, o in specs.items() if SUFFICIENT[k].kind != "resample"}
    out: dict[str, tuple[float, float, float, float]] = {}
    if sum_specs:
        out.update(
            sum_statistics(
                x,
                y,
                units,
                blocks,
                sum_specs,
                2 * n_h,
                reduce,
                rng=group_rng(base, "gap:sums"),
                **kw,
            )
        )
    for name, opts in specs.items():
        if name in sum_specs:
            continue
        fn = SUFFICIENT[name].statistic

        def stat(a, b, k, fn=fn, opts=opts, name=name):
            per = np.full(2 * n_h, np.nan)
            for code in np.unique(k):
                mask = k == code
                if mask.sum() >= 2:
                    per[code] = fn(*boot.pair_args(name, a[mask], b[mask]), **opts)
            return reduce(per)

        r = boot.bootstrap_resample(
            stat, (x, y, blocks), items=units, rng=group_rng(base, f"gap:{name}"), **kw
        )
        out[name] = (r.estimate, r.ci_low, r.ci_high, r.se)
    small = n_distinct(units) < MIN_CI_ITEMS
    return {
        name: (float(e), *((np.nan, np.nan) if small else (float(lo), float(hi))))
        for name, (e, lo, hi, _se) in out.items()
    }


def block_seed(rng: np.random.Generator | int | None) -> int:
    """The integer seed a block's generators are made from (one per statistic group).

    An int is used as is; a Generator gives one draw; None a fresh random seed.

    Examples
    --------
    >>> block_seed(7), block_seed(np.random.default_rng(0)) == block_seed(np.random.default_rng(0))
    (7, True)
    """
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng)
    return int(boot.generator(rng).integers(2**63))


def group_rng(base: int, group: str) -> np.random.Generator:
    """Generator of one statistic group of a block: depends on the seed and the group only."""
    return np.random.default_rng([base % 2**63, zlib.crc32(group.encode())])


def mean_reduce(n_h: int) -> Callable[[np.ndarray], np.ndarray]:
    """Per-annotator statistics (..., n_h) -> their NaN-skipping mean (one annotator: itself).

    The numbers of :func:`numpy.nanmean` (NaN set to 0, summed, divided by the count), with
    no warning to silence: no all-NaN "Mean of empty slice" warning, so no change to the
    process-wide warning filters, and safe to call from several threads at once.

    >>> mean_reduce(3)(np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, np.nan]])).tolist()
    [1.5, nan]
    """

    def reduce(per: np.ndarray) -> np.ndarray:
        if n_h == 1:
            return per[..., 0]
        per = np.asarray(per)
        valid = ~np.isnan(per)
        total = np.where(valid, per, 0.0).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / valid.sum(axis=-1, dtype=np.intp)

    return reduce


def gap_reduce(n_h: int) -> Callable[[np.ndarray], np.ndarray]:
    """Statistics per (side, annotator) (..., 2 * n_h) -> judge side minus ceiling side."""
    mean = mean_reduce(n_h)

    def reduce(per: np.ndarray) -> np.ndarray:
        per = np.asarray(per, float)
        sides = mean(per.reshape(*per.shape[:-1], 2, n_h))
        return sides[..., 0] - sides[..., 1]

    return reduce


def _items_used(
    name: str, opts: dict[str, Any], x: np.ndarray, y: np.ndarray, items: np.ndarray
) -> int:
    """Distinct items a statistic uses: all, or for ``percent_agreement(ties="drop")``
    (MT-Bench S2) those with a pair where neither side says tie."""
    if name == "percent_agreement" and opts.get("ties") == "drop":
        tie = opts.get("tie_label", "tie")
        kept = (x != tie) & (y != tie)
        return n_distinct(items[kept])
    return n_distinct(items)


def n_distinct(codes: np.ndarray) -> int:
    """Number of distinct values of ``codes``: O(n) for non-negative integer codes.

    >>> n_distinct(np.array([3, 0, 3, 1])), n_distinct(np.array(["a", "b", "a"]))
    (3, 2)
    """
    codes = np.asarray(codes)
    if codes.dtype.kind in "iu" and (not len(codes) or codes.min() >= 0):
        return int(np.count_nonzero(np.bincount(codes))) if len(codes) else 0
    return int(pd.unique(codes.ravel()).size)


def encode_labels(
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
        codes = labels.get_indexer(pd.Index(np.concatenate([x, y]), dtype=object))
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


def _resampled(
    name: str,
    opts: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    h_codes: np.ndarray | None,
    kw: dict[str, Any],
    rng: np.random.Generator,
) -> tuple[float, float, float, float]:
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
    r = boot.bootstrap_resample(stat, data, items=items, rng=rng, **kw)
    return (r.estimate, r.ci_low, r.ci_high, r.se)
