"""Category counts without dense category arrays: O(k) margins and per-item sparse counts.

With k categories, a k x k contingency table or an items x k count matrix grows with k**2 or
n k; 30,000 distinct labels would need gigabytes. The statistics need much less:

- two-rater unweighted coefficients need only the table's margins and diagonal
  (`pair_margins`, three length-k vectors by `numpy.bincount`);
- many-rater coefficients need, per item, the counts of the categories it actually uses
  (`item_counts`: one row per occupied (item, category) cell, at most raters per item), and
  weighted ones the ordered pairs of those cells within each item (`within_pairs`).

Codes are integer category indices with -1 for missing, as `workbench.stats.agreement`
builds them.

Examples
--------
>>> rows, cols, diag = pair_margins(np.array([0, 0, 1, -1]), np.array([0, 1, 1, 0]), 3)
>>> rows.tolist(), cols.tolist(), diag.tolist()  # the item with a missing side is dropped
([2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [1.0, 1.0, 0.0])
>>> item, cat, count = item_counts(np.array([[0, 0, 1], [2, -1, 2]]))
>>> item.tolist(), cat.tolist(), count.tolist()  # item 0: two 0s, one 1; item 1: two 2s
([0, 0, 1], [0, 1, 2], [2.0, 1.0, 2.0])
"""

from __future__ import annotations

import numpy as np

__all__ = ["item_counts", "pair_margins", "within_pairs"]


def pair_margins(
    codes_1: np.ndarray, codes_2: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row margins, column margins and diagonal of the k x k table of two code vectors.

    Pairs where either code is -1 are left out. Each result has length ``k`` (floats), so
    the table itself (k**2 cells) is never built.
    """
    ok = (codes_1 >= 0) & (codes_2 >= 0)
    a, b = codes_1[ok], codes_2[ok]
    rows = np.bincount(a, minlength=k).astype(float)
    cols = np.bincount(b, minlength=k).astype(float)
    diag = np.bincount(a[a == b], minlength=k).astype(float)
    return rows, cols, diag


def item_counts(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Occupied (item, category) cells of an (n, R) code matrix and their counts.

    Returns ``(item, category, count)``, sorted by item then category; only categories an
    item uses appear (at most R per item), so memory is O(n R) whatever k is.
    """
    n, r = codes.shape
    present = codes >= 0
    item = np.broadcast_to(np.arange(n)[:, None], (n, r))[present]
    cat = codes[present].astype(np.int64)
    if item.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    width = int(cat.max()) + 1
    keys, count = np.unique(item.astype(np.int64) * width + cat, return_counts=True)
    return keys // width, keys % width, count.astype(float)


def within_pairs(item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(a, b)`` of every ordered pair of cells of one item (``a == b`` included).

    ``item`` is sorted (as `item_counts` returns it). An item with t cells gives t**2
    pairs: ``sum_k sum_l r_ik w_kl r_il`` is ``sum over pairs of count[a] w[cat[a], cat[b]]
    count[b]``.

    >>> a, b = within_pairs(np.array([0, 0, 1]))
    >>> a.tolist(), b.tolist()
    ([0, 0, 1, 1, 2], [0, 1, 0, 1, 2])
    """
    if item.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
    sizes = np.diff(np.r_[starts, item.size])
    per_cell = np.repeat(sizes, sizes)  # size of the cell's item, per cell
    first = np.repeat(starts, sizes)  # index of the item's first cell, per cell
    a = np.repeat(np.arange(item.size), per_cell)
    offset = np.arange(a.size) - np.repeat(np.cumsum(per_cell) - per_cell, per_cell)
    return a, np.repeat(first, per_cell) + offset
