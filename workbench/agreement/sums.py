"""Per-item contribution sums of the sum statistics, and one bootstrap of them per block.

The statistics of :data:`workbench.stats.SUFFICIENT` of kind ``"sum"`` are functions of
summed per-item contributions. :func:`sum_statistics` computes every requested one on a
block of pairs with one shared bootstrap: contributions per row, summed per item (one
column group per block: annotators, judge and ceiling sides), items grouped into
distinct patterns (:func:`item_patterns`: by the pairs' values, so that the resampling
partition is the same whichever statistics are requested), then multinomial resamples of
the pattern counts (:func:`bootstrap_patterns`, a sparse product when items fill few of
many blocks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..stats import SUFFICIENT
from ..stats import bootstrap as boot

__all__ = [
    "CELL_KEY_LIMIT",
    "block_sums",
    "bootstrap_patterns",
    "cell_groups",
    "cell_patterns",
    "contribution_groups",
    "distinct_cells",
    "group_spans",
    "group_starts",
    "groups_by_first",
    "item_groups",
    "item_patterns",
    "mix64",
    "stacked_from_sums",
    "sum_statistics",
]


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


def sum_statistics(
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    blocks: np.ndarray | None,
    sum_specs: dict[str, dict[str, Any]],
    n_blocks: int,
    reduce: Callable[[np.ndarray], np.ndarray],
    **kw: Any,
) -> dict[str, tuple[float, float, float, float]]:
    """One bootstrap of the per-item contribution sums of every sum statistic.

    ``blocks`` (codes < ``n_blocks``) splits the pairs into blocks (annotators; judge and
    ceiling sides) whose contributions sit in separate columns; each statistic is computed
    per block and ``reduce`` maps the per-block values (..., n_blocks) to the reported one.
    The resampling partition (distinct items) is found from the values themselves, not
    from the contributions, so it is the same whichever statistics are requested.
    """
    # One row per item, integer label codes, no blocks: a row's contributions depend
    # only on its (x, y) cell, so compute them for one representative row per distinct
    # cell and count the cells.
    cells = distinct_cells(x, y, items) if blocks is None else None
    if cells is not None:  # cells in order of their first item, as item_patterns orders groups
        by_first = np.argsort(cells[0], kind="stable")
        cells = (cells[0][by_first], cells[1][by_first])
    # Several rows per item (e.g. both presentation orders), integer codes, no blocks:
    # items group exactly by their counts of (x, y) cells; contributions are needed only
    # for the rows of one representative item per group.
    grouped = cell_patterns(x, y, items) if blocks is None and cells is None else None
    reps = cells[0] if cells is not None else None if grouped is None else grouped[0]
    resolved, out_blocks, group_of = contribution_groups(x, y, sum_specs, rows=reps)
    spans = group_spans([c.shape[1] for c in out_blocks], group_of, n_blocks)
    from_sums = stacked_from_sums(list(sum_specs), spans, resolved, n_blocks, reduce)
    if cells is not None:
        r = boot.bootstrap_sums(
            np.concatenate(out_blocks, axis=1), from_sums, counts=cells[1], **kw
        )
    elif grouped is not None:
        _, pattern, counts = grouped
        patterns = np.concatenate([block_sums(c, pattern, None, 1) for c in out_blocks], axis=1)
        r = bootstrap_patterns(patterns, counts, from_sums, sparse=False, **kw)
    else:
        contrib = np.concatenate(
            [block_sums(c, items, blocks, n_blocks) for c in out_blocks], axis=1
        )
        patterns, counts = item_patterns(contrib, x, y, blocks, items)
        r = bootstrap_patterns(patterns, counts, from_sums, sparse=n_blocks > 4, **kw)
    return {
        name: (r.estimate[i], r.ci_low[i], r.ci_high[i], r.se[i])
        for i, name in enumerate(sum_specs)
    }


def contribution_groups(
    x: np.ndarray,
    y: np.ndarray,
    sum_specs: dict[str, dict[str, Any]],
    *,
    rows: np.ndarray | None = None,
) -> tuple[dict[str, dict[str, Any]], list[np.ndarray], dict[str, int]]:
    """Resolved options, row contributions and the contribution group of every statistic.

    Statistics of one contingency table share their contributions: each distinct
    (contributions function, layout, categories) is computed once, on the pairs ``x, y``
    (only at ``rows`` when given; options are resolved on all pairs). Returns
    ``(resolved, contributions, group_of)``: ``contributions[group_of[name]]`` is the
    (pairs, d) array of statistic ``name``.
    """
    resolved: dict[str, dict[str, Any]] = {}
    out: list[np.ndarray] = []
    seen: dict[tuple, int] = {}
    group_of: dict[str, int] = {}
    for name, opts in sum_specs.items():
        suff = SUFFICIENT[name]
        data = boot.pair_args(name, x, y)
        resolved[name] = suff.resolve(*data, **opts)
        key = (suff.contributions, len(data), repr(resolved[name].get("categories")))
        if key not in seen:
            args = data if rows is None else boot.pair_args(name, x[rows], y[rows])
            seen[key] = len(out)
            out.append(np.asarray(suff.contributions(*args, **resolved[name]), float))
        group_of[name] = seen[key]
    return resolved, out, group_of


def group_starts(widths: Sequence[int], n_blocks: int) -> np.ndarray:
    """First column of every contribution group (and the total width, last) in the stacked
    layout: groups follow each other, a group holding ``n_blocks`` blocks of its d columns.

    >>> group_starts([4, 2], 3).tolist()
    [0, 12, 18]
    """
    return np.cumsum([0] + [n_blocks * d for d in widths])


def group_spans(
    widths: Sequence[int], group_of: dict[str, int], n_blocks: int
) -> dict[str, tuple[int, int]]:
    """Statistic -> (first column, d) of its group in the stacked layout of ``n_blocks`` blocks.

    ``widths``: d of every group (:func:`group_starts`).

    >>> group_spans([4, 2], {"a": 0, "b": 1, "c": 0}, 3)
    {'a': (0, 4), 'b': (12, 2), 'c': (0, 4)}
    """
    starts = group_starts(widths, n_blocks)
    return {name: (int(starts[g]), int(widths[g])) for name, g in group_of.items()}


def block_sums(
    c: np.ndarray, items: np.ndarray, blocks: np.ndarray | None, n_blocks: int
) -> np.ndarray:
    """Per-item sums of row contributions ``c`` (n, d), one group of d columns per block.

    Items in sorted order of ``items`` (as :func:`workbench.stats.bootstrap.item_sums`);
    column ``b * d + j`` holds contribution ``j`` of block ``b``. No (rows x blocks) array.
    """
    if blocks is None:
        return boot.item_sums(c, items)[0]
    _, codes = boot.unique_codes(items)
    n_items, d = int(codes.max()) + 1, c.shape[1]
    key = codes.ravel() * n_blocks + blocks
    return boot.sum_by_code(c, key, n_items * n_blocks).reshape(n_items, n_blocks * d)


def bootstrap_patterns(
    patterns: np.ndarray,
    counts: np.ndarray,
    from_sums: Callable[[np.ndarray], np.ndarray],
    *,
    sparse: bool,
    n_resamples: int,
    confidence_level: float,
    method: boot.Method,
    rng: np.random.Generator,
) -> boot.BootstrapResult:
    """:func:`workbench.stats.bootstrap.bootstrap_sums` of distinct item patterns with counts.

    ``sparse``: the patterns have many blocks of which an item fills few (one column
    group per annotator): resampled sums come from a sparse product, with the same
    multinomial draws of pattern counts as ``bootstrap_sums``.
    """
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, rng=rng)
    if not sparse:
        return boot.bootstrap_sums(patterns, from_sums, counts=counts, **kw)
    from scipy import sparse as sp

    keep = counts > 0
    patterns, counts = patterns[keep], counts[keep]
    n, m = int(counts.sum()), len(counts)
    total = counts @ patterns
    theta = np.asarray(from_sums(total), dtype=float)
    csc = sp.csr_matrix(patterns).T.tocsr()  # (width, m)
    chunk = max(1, 2_000_000 // max(m, 1))
    parts = []
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        draws = rng.multinomial(n, counts / n, size=size).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            parts.append(np.asarray(from_sums(np.asarray(csc @ draws.T).T), dtype=float))
    boots = np.concatenate(parts, axis=0)
    jack = None
    if method == "bca":
        with np.errstate(invalid="ignore", divide="ignore"):
            jack = np.asarray(from_sums(total - patterns), dtype=float)
    lo, hi = boot.bootstrap_interval(
        theta, boots, jack, counts.astype(float), confidence_level, method
    )
    return boot.bootstrap_result(theta, boots, lo, hi, n)


CELL_KEY_LIMIT = 20_000_000
"""Largest items x cells count matrix :func:`cell_patterns` builds (else the hash path)."""


def cell_patterns(
    x: np.ndarray, y: np.ndarray, items: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Items grouped exactly by the multiset of their (x, y) cells, or None when not applicable.

    Applies to integer label codes (>= 0), any number of rows per item: an item's pattern
    is its vector of counts per cell, encoded as one integer (mixed radix), so two items
    share a group exactly when their rows are the same multiset of cells. Groups are in
    order of their first item (items in sorted order of ``items``), as
    :func:`item_patterns` orders them. None when the count matrix or the code would be too
    large (:data:`CELL_KEY_LIMIT`, 63 bits): :func:`item_patterns` then hashes.

    Returns
    -------
    rows : ndarray of int
        The rows of each group's first item, in row order.
    group : ndarray of int
        The group of each of those rows (0..m-1).
    counts : ndarray of int, shape (m,)
        Items per group.

    Examples
    --------
    Items 0 and 2 both have cells (0, 0) and (1, 0); item 1 has (0, 0) twice:

    >>> rows, group, counts = cell_patterns(
    ...     np.array([0, 1, 0, 0, 1, 0]), np.array([0, 0, 0, 0, 0, 0]), np.array([0, 0, 1, 1, 2, 2]))
    >>> rows.tolist(), group.tolist(), counts.tolist()
    ([0, 1, 2, 3], [0, 0, 1, 1], [2, 1])
    """
    grouped = cell_groups(x, y, items)
    if grouped is None:
        return None
    first, group, codes = grouped
    counts = np.bincount(group, minlength=len(first)).astype(np.int64)
    is_rep = np.zeros(len(group), dtype=bool)
    is_rep[first] = True
    rows = np.flatnonzero(is_rep[codes])
    return rows, group[codes[rows]], counts


def cell_groups(
    x: np.ndarray, y: np.ndarray, items: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(first item of each group, group of each item, item of each row), exactly, or None.

    The grouping of :func:`cell_patterns` (items with the same multiset of (x, y) cells;
    items in sorted order of ``items``, groups in order of their first item), for every
    item rather than for the representatives' rows. None where it does not apply.

    >>> first, group, item = cell_groups(
    ...     np.array([0, 1, 0, 0, 1, 0]), np.array([0, 0, 0, 0, 0, 0]), np.array([0, 0, 1, 1, 2, 2]))
    >>> first.tolist(), group.tolist(), item.tolist()
    ([0, 1], [0, 1, 0], [0, 0, 1, 1, 2, 2])
    """
    if x.dtype.kind not in "iu" or y.dtype.kind not in "iu" or not len(x):
        return None
    if x.min() < 0 or y.min() < 0:
        return None
    _, codes = boot.unique_codes(items)
    n_items = int(codes.max()) + 1
    k = int(max(x.max(), y.max())) + 1
    width = k * k
    if n_items * width > CELL_KEY_LIMIT:
        return None
    cell = x.astype(np.int64) * k + y
    if len(codes) == n_items:  # one row per item: its cell is its pattern
        key = np.empty(n_items, dtype=np.int64)
        key[codes] = cell
    else:
        per_item = np.bincount(codes * width + cell, minlength=n_items * width)
        per_item = per_item.reshape(n_items, width)
        used = np.flatnonzero(per_item.any(axis=0))
        base = int(per_item.max()) + 1
        if len(used) * np.log2(base) >= 62:
            return None
        key = per_item[:, used] @ (base ** np.arange(len(used), dtype=np.int64))
    first, group = groups_by_first(key)
    return first, group, codes


def groups_by_first(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first position of each distinct key, group of each position), groups numbered in
    order of their first position. O(n) for small non-negative integer keys, else a sort.

    >>> first, group = groups_by_first(np.array([7, 3, 7, 5, 3]))
    >>> first.tolist(), group.tolist()
    ([0, 1, 3], [0, 1, 0, 2, 1])
    """
    n = len(key)
    if n and key.dtype.kind in "iu" and key.min() >= 0 and key.max() < 4 * n + 1024:
        at = np.full(int(key.max()) + 1, n, dtype=np.int64)
        np.minimum.at(at, key, np.arange(n))
        present = np.flatnonzero(at < n)
        first = at[present]
        by_first = np.argsort(first, kind="stable")
        rank = np.empty(len(at), dtype=np.int64)
        rank[present[by_first]] = np.arange(len(present))
        return first[by_first], rank[key]
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return np.sort(first), rank[group.ravel()]


def item_patterns(
    contrib: np.ndarray, x: np.ndarray, y: np.ndarray, blocks: np.ndarray | None, items: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(one contribution row per group of items with identical pairs, items per group).

    Items are grouped by a hash of the multiset of their (x, y, block) rows, so the
    groups depend on the data only; items of one group have equal contributions for
    every statistic (checked: a hash collision falls back to one group per item).
    """
    first, group = item_groups(x, y, blocks, items)
    patterns = contrib[first]
    if not np.array_equal(patterns[group], contrib):
        return contrib, np.ones(len(contrib), dtype=np.int64)
    return patterns, np.bincount(group, minlength=len(first)).astype(np.int64)


def item_groups(
    x: np.ndarray, y: np.ndarray, blocks: np.ndarray | None, items: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(first item of each group, group of each item): items grouped by their pairs.

    Items (in sorted order of ``items``) are grouped by a hash of the multiset of their
    (x, y, block) rows, groups numbered in order of their first item. Callers check that
    the items of a group have equal contributions (a hash collision would merge two).
    """
    _, codes = boot.unique_codes(items)
    cols = [np.asarray(x, float), np.asarray(y, float)]
    if blocks is not None:
        cols.append(np.asarray(blocks, float))
    h = np.zeros(len(codes), dtype=np.uint64)
    for col in cols:
        h = mix64(h ^ mix64(np.ascontiguousarray(col).view(np.uint64)))
    key = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(key, codes, h)  # per item, wrapping modulo 2**64: a multiset hash
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    # groups in order of their first item (not of the hash): the order of the single-item
    # table when each cluster repeats one item
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return np.sort(first), rank[group.ravel()]


def mix64(v: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, elementwise on uint64 (wrapping arithmetic)."""
    v = v.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        v += np.uint64(0x9E3779B97F4A7C15)
        v = (v ^ (v >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        v = (v ^ (v >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return v ^ (v >> np.uint64(31))


def stacked_from_sums(
    names: list[str],
    spans: dict[str, tuple[int, int]],
    resolved: dict[str, dict[str, Any]],
    n_blocks: int,
    reduce: Callable[[np.ndarray], np.ndarray],
) -> Callable[[np.ndarray], np.ndarray]:
    """Every statistic from summed contributions ``s`` (..., width): the last axis stacked."""

    def from_sums(s):
        res = []
        for name in names:
            start, d = spans[name]
            part = s[..., start : start + d * n_blocks]
            g = SUFFICIENT[name].from_sums
            if n_blocks == 1:
                res.append(np.asarray(g(part, **resolved[name]), float))
            else:
                per = np.asarray(
                    g(part.reshape(*part.shape[:-1], n_blocks, d), **resolved[name]), float
                )
                with np.errstate(invalid="ignore"):  # reduce warns of nothing else
                    res.append(reduce(per))
        return np.stack(res, axis=-1)

    return from_sums
