"""Item-clustered bootstrap confidence intervals, vectorised over resamples.

Every agreement statistic in :mod:`workbench.stats` is a function of *sums of
per-item contribution vectors* (a contingency table is the sum of one-hot
cells, a Pearson correlation the sum of ``1, x, y, x², y², xy`` ...). The
bootstrap that resamples whole items therefore only needs to resample those
vectors, and items whose vectors are identical are exchangeable: drawing
``n`` items with replacement is *exactly* (in distribution) drawing how many
times each distinct contribution pattern occurs::

    (N_1, ..., N_m) ~ Multinomial(n; c_1/n, ..., c_m/n),

where ``c_j`` is the number of items showing pattern ``j``. One resample's sums
are then ``N @ patterns`` and its estimate ``from_sums(sums)``, so 2,000
resamples of a million pairwise judgments (at most 9 patterns for a 3×3
table) cost one ``(2000, 9)`` multinomial draw and one matrix product.

Items carrying several rows (both presentation orders, several turns,
several annotators) move together because contributions are summed per item
first (:func:`item_sums`).

Rank statistics (Spearman, Kendall) are not functions of sums; they use
:func:`bootstrap_resample`, which draws item indices and re-evaluates the
statistic per resample.

Intervals: percentile and BCa (Efron 1987), in :mod:`workbench.stats.intervals`.
BCa's acceleration comes from the jackknife, which for sum statistics is also
computed per distinct pattern: leaving out one item of pattern ``j`` gives sums
``total - pattern_j``.

Analytic standard errors are given where a standard one exists
(:func:`analytic_se`, in :mod:`workbench.stats.analytic`): Wilson / binomial for
proportions, Fleiss, Cohen & Everitt (1969) for Cohen's κ (as computed by
statsmodels), and Gwet's linearised variance for Fleiss' κ. :func:`pair_args`
(:mod:`workbench.stats.pairs`) lays out one rater against a reference. This module
re-exports all of these names.

References
----------
Efron, B. (1987). Better bootstrap confidence intervals. *JASA* 82(397),
171-185. https://doi.org/10.1080/01621459.1987.10478410

Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. *JRSS B*
69(3), 369-390. https://doi.org/10.1111/j.1467-9868.2007.00593.x
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .analytic import analytic_se, wilson_interval
from .intervals import BootstrapResult, Method, bootstrap_interval, bootstrap_result
from .pairs import MANY_RATERS as MANY_RATERS
from .pairs import pair_args

__all__ = [
    "BootstrapResult",
    "analytic_se",
    "bootstrap",
    "bootstrap_interval",
    "bootstrap_resample",
    "bootstrap_result",
    "bootstrap_sums",
    "check_resampling",
    "generator",
    "item_sums",
    "ordered_patterns",
    "pair_args",
    "sum_by_code",
    "unique_codes",
    "wilson_interval",
]

_MAX_CELLS = 20_000_000  # elements of one (resamples x patterns) draw block


def check_resampling(n_resamples: Any = 1, confidence_level: Any = 0.95) -> None:
    """Raise ``ValueError`` naming ``n_resamples`` or ``confidence_level`` when out of range.

    ``n_resamples`` is a positive integer (not a bool); ``confidence_level`` a real number
    strictly between 0 and 1 (not a string, not NaN).

    Examples
    --------
    >>> check_resampling(2000, 0.95)
    >>> check_resampling(100, "0.95")
    Traceback (most recent call last):
    ...
    ValueError: confidence_level: expected a number in (0, 1), got '0.95'
    """
    if (
        isinstance(n_resamples, bool)
        or not isinstance(n_resamples, int | np.integer)
        or n_resamples < 1
    ):
        raise ValueError(f"n_resamples: expected a positive integer, got {n_resamples!r}")
    number = isinstance(confidence_level, int | float | np.integer | np.floating)
    if isinstance(confidence_level, bool) or not number or not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level: expected a number in (0, 1), got {confidence_level!r}")


def generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """``numpy.random.default_rng(rng)``, with a ``ValueError`` naming ``name`` for a bad seed.

    Examples
    --------
    >>> int(generator(0).integers(10)) == int(np.random.default_rng(0).integers(10))
    True
    >>> generator(1.5)
    Traceback (most recent call last):
    ...
    ValueError: rng: expected None, a non-negative integer or a numpy Generator, got 1.5
    """
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: expected None, a non-negative integer or a numpy Generator, got {rng!r}"
        ) from None


def _check_options(n_resamples: int, confidence_level: float, method: str) -> None:
    check_resampling(n_resamples, confidence_level)
    if method not in ("percentile", "bca"):
        raise ValueError(f"method: expected 'percentile' or 'bca', got {method!r}")


def unique_codes(ids: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(ids, return_inverse=True)``: sorted distinct values and each one's rank.

    Non-negative integer codes no larger than about twice their number (item codes from a
    factorization) take O(n) with a presence table instead of a sort; anything else goes
    to :func:`numpy.unique`.

    Examples
    --------
    >>> labels, codes = unique_codes(np.array([5, 2, 5, 0]))
    >>> labels.tolist(), codes.tolist()
    ([0, 2, 5], [2, 1, 2, 0])
    """
    ids = np.asarray(ids)
    if ids.ndim == 1 and ids.dtype.kind in "iu" and len(ids) and ids.min() >= 0:
        top = int(ids.max())
        if top <= 2 * len(ids) + 1024:
            present = np.zeros(top + 1, dtype=bool)
            present[ids] = True
            rank = np.cumsum(present) - 1
            return np.flatnonzero(present).astype(ids.dtype), rank[ids]
    labels, codes = np.unique(ids, return_inverse=True)
    return labels, codes.ravel()


def sum_by_code(c: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Sums of the rows of ``c`` (rows, d) per integer code in ``0..n-1``: shape (n, d).

    One weighted :func:`numpy.bincount` per column, adding each code's rows in row order
    (the order a stable sort and ``np.add.reduceat`` add them): no sort.

    >>> sum_by_code(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([1, 0, 1]), 2).tolist()
    [[3.0, 4.0], [6.0, 8.0]]
    """
    out = np.empty((n, c.shape[1]))
    for j in range(c.shape[1]):
        out[:, j] = np.bincount(codes, weights=c[:, j], minlength=n)
    return out


def item_sums(contributions: npt.ArrayLike, items: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Sum row-level contribution vectors within each item.

    Parameters
    ----------
    contributions : array_like, shape (n_rows, d)
        One vector per row (judgment).
    items : array_like, shape (n_rows,)
        Item identifier of each row; rows of one item are resampled together.

    Returns
    -------
    sums : ndarray, shape (n_items, d)
        Per-item contribution vectors, items in sorted order of ``items``.
    labels : ndarray, shape (n_items,)
        The item identifiers, aligned with ``sums``.

    Examples
    --------
    >>> sums, ids = item_sums([[1, 0], [0, 1], [1, 0]], ["q1", "q2", "q1"])
    >>> sums.tolist(), ids.tolist()  # q1 = [1, 0] + [1, 0]
    ([[2.0, 0.0], [0.0, 1.0]], ['q1', 'q2'])
    """
    c = np.asarray(contributions, dtype=float)
    if c.ndim != 2:
        raise ValueError(f"contributions: expected a 2-D array (rows, d), got shape {c.shape}")
    ids = np.asarray(items)
    if ids.shape != (c.shape[0],):
        raise ValueError(
            f"items: expected one identifier per row ({c.shape[0]}), got shape {ids.shape}"
        )
    labels, codes = unique_codes(ids)
    if len(labels) == len(ids):  # one row per item: only reorder
        out = np.empty_like(c)
        out[codes] = c
        return out, labels
    return sum_by_code(c, codes, len(labels)), labels


def bootstrap_sums(
    contributions: npt.ArrayLike,
    from_sums: Callable[[np.ndarray], np.ndarray],
    *,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Method = "bca",
    rng: np.random.Generator | int | None = None,
    counts: npt.ArrayLike | None = None,
) -> BootstrapResult:
    """Bootstrap a statistic that is a function of summed per-item contributions.

    Parameters
    ----------
    contributions : array_like, shape (n_items, d)
        One contribution vector per item (sum rows first with :func:`item_sums`
        when items have several rows).
    from_sums : callable
        ``from_sums(sums)`` maps sums of shape ``(..., d)`` to estimates of
        shape ``(...)`` or ``(..., k)``, vectorised over leading axes.
    n_resamples : int, default 2000
        Number of bootstrap resamples.
    confidence_level : float, default 0.95
        Two-sided coverage of the interval.
    method : {"bca", "percentile"}, default "bca"
        BCa (bias-corrected and accelerated, Efron 1987) or percentile interval.
    rng : Generator, int or None
        Seed or generator (``numpy.random.default_rng(rng)``).
    counts : array_like of int, optional
        If given, ``contributions`` are already the distinct rows and ``counts``
        how many items show each (``Sufficient.distinct_contributions``).

    Returns
    -------
    BootstrapResult
        ``estimate = from_sums(contributions.sum(0))``, ``ci_low``, ``ci_high``,
        ``se`` (bootstrap standard deviation), the bootstrap distribution and
        ``n_items``. Resamples where the statistic is undefined (NaN) are left
        out of the quantiles; a NaN estimate gives a NaN interval.

    Notes
    -----
    Distinct contribution rows ("patterns", with counts ``c_j``) are found
    with ``numpy.unique(axis=0)``; a resample draws the pattern counts from
    ``Multinomial(n, c / n)``, which has exactly the distribution of the
    pattern counts of ``n`` items drawn with replacement. The jackknife for
    the BCa acceleration likewise needs one evaluation per distinct pattern.
    The BCa bias correction uses the mid-rank proportion of resamples below
    the estimate (ties count one half).

    Examples
    --------
    A proportion: 3 of 4 items agree. With a single distinct pattern the
    interval collapses on the estimate.

    >>> agree = [[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0]]  # (agree, 1)
    >>> res = bootstrap_sums(agree, lambda s: s[..., 0] / s[..., 1], rng=0)
    >>> res.estimate  # 3 / 4
    0.75
    >>> bool(res.ci_low < 0.75 < res.ci_high or res.ci_high == 1.0)
    True
    >>> bootstrap_sums([[1.0], [1.0]], lambda s: s[..., 0] / 2, rng=0).ci_low
    1.0
    """
    _check_options(n_resamples, confidence_level, method)
    c = np.asarray(contributions, dtype=float)
    if c.ndim != 2 or c.shape[0] == 0:
        raise ValueError(
            f"contributions: expected a non-empty 2-D array (n_items, d), got shape {c.shape}"
        )
    if not np.all(np.isfinite(c)):
        raise ValueError("contributions: contain NaN or infinite values")
    gen = generator(rng)
    if counts is None:
        patterns, counts = _distinct_rows(c)
    else:
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (c.shape[0],) or (counts < 0).any():
            raise ValueError(
                f"counts: expected {c.shape[0]} non-negative integers, got shape {counts.shape}"
            )
        patterns, counts = c[counts > 0], counts[counts > 0]
    n = int(counts.sum())
    total = counts @ patterns
    theta = np.asarray(from_sums(total), dtype=float)
    m = len(counts)
    p = counts / n
    chunk = max(1, _MAX_CELLS // max(m, 1))
    parts = []
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        draws = gen.multinomial(n, p, size=size).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            parts.append(np.asarray(from_sums(draws @ patterns), dtype=float))
    boot = np.concatenate(parts, axis=0)
    jack = None
    if method == "bca":
        with np.errstate(invalid="ignore", divide="ignore"):
            jack = np.asarray(from_sums(total - patterns), dtype=float)
    lo, hi = bootstrap_interval(theta, boot, jack, counts.astype(float), confidence_level, method)
    return bootstrap_result(theta, boot, lo, hi, n)


def _distinct_rows(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``c`` and their counts (``np.unique(axis=0)``, made fast).

    Rows are keyed by a fixed random projection; the keys are verified to
    reproduce ``c`` exactly, else (a projection collision) ``np.unique(axis=0)``.
    """
    key = c @ np.random.default_rng(20240611).standard_normal(c.shape[1])
    _, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    patterns = c[first]
    if np.array_equal(patterns[inverse], c):
        return patterns, counts
    return np.unique(c, axis=0, return_counts=True)


def ordered_patterns(rows: npt.ArrayLike, counts: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Distinct contribution rows with counts, in the order :func:`bootstrap_sums` finds them.

    ``rows`` (one per group of identical items) with ``counts`` (items per
    group) stand for the ``counts.sum()`` item rows; the result equals what
    :func:`bootstrap_sums` computes from those item rows, so passing it as
    ``bootstrap_sums(patterns, ..., counts=counts)`` gives the same resamples
    (same seed, same numbers) without materialising one row per item.

    Examples
    --------
    >>> p, c = ordered_patterns([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], [2, 1, 3])
    >>> sorted(zip(p.tolist(), c.tolist()))  # [1, 0] twice merged: 2 + 3 items
    [([0.0, 1.0], 1), ([1.0, 0.0], 5)]
    """
    c = np.asarray(rows, dtype=float)
    w = np.asarray(counts, dtype=np.int64)
    if c.ndim != 2 or w.shape != (c.shape[0],):
        raise ValueError(f"rows, counts: expected shapes (m, d) and (m,), got {c.shape}, {w.shape}")
    keep = w > 0
    c, w = c[keep], w[keep]
    key = c @ np.random.default_rng(20240611).standard_normal(c.shape[1])
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    patterns = c[first]
    if not np.array_equal(patterns[inverse], c):
        patterns, inverse = np.unique(c, axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=w, minlength=len(patterns))
    return patterns, merged.astype(np.int64)


def _group_rows(items: np.ndarray | None, n_rows: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows sorted by item, start offsets and sizes per item."""
    if items is None:
        return np.arange(n_rows), np.ones(n_rows, dtype=np.int64), n_rows
    labels, codes = np.unique(np.asarray(items), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=len(labels))
    return order, sizes, len(labels)


def _rows_of(drawn: np.ndarray, order: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Row indices of the drawn items (item-clustered gather)."""
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    lens = sizes[drawn]
    offs = np.repeat(starts[drawn] - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    return order[np.arange(lens.sum()) + offs]


def bootstrap_resample(
    statistic: Callable[..., Any],
    data: Sequence[npt.ArrayLike],
    *,
    items: npt.ArrayLike | None = None,
    vectorized: bool = False,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Method = "bca",
    rng: np.random.Generator | int | None = None,
) -> BootstrapResult:
    """Item-clustered bootstrap for statistics that are not sums (ranks: Spearman, Kendall).

    Parameters
    ----------
    statistic : callable
        ``statistic(*arrays)`` -> float (or ndarray). With ``vectorized=True``
        it must accept ``axis=-1`` and arrays with a leading resample axis.
    data : sequence of array_like
        Row-aligned arrays (e.g. ``(judge_scores, human_scores)``).
    items : array_like, optional
        Item of each row; all rows of a drawn item enter the resample together.
        Default: each row is its own item.
    vectorized : bool, default False
        Evaluate all resamples of a block in one call (only when every item has
        one row).
    n_resamples, confidence_level, method, rng
        As in :func:`bootstrap_sums`.

    Returns
    -------
    BootstrapResult

    Notes
    -----
    BCa needs the leave-one-item-out jackknife: one evaluation per item, so
    prefer ``method="percentile"`` for very large inputs.

    Examples
    --------
    >>> res = bootstrap_resample(np.median, ([1.0, 2.0, 3.0, 4.0, 100.0],), rng=0)
    >>> res.estimate  # the middle value of 1, 2, 3, 4, 100
    3.0
    >>> bool(res.ci_low <= 3.0 <= res.ci_high)
    True
    """
    _check_options(n_resamples, confidence_level, method)
    arrays = [np.asarray(a) for a in data]
    n_rows = len(arrays[0])
    if any(len(a) != n_rows for a in arrays):
        raise ValueError(f"data: arrays have different lengths {[len(a) for a in arrays]}")
    if n_rows == 0:
        raise ValueError("data: no rows")
    gen = generator(rng)
    order, sizes, n = _group_rows(items, n_rows)
    theta = np.asarray(statistic(*arrays), dtype=float)
    one_row = bool(np.all(sizes == 1))
    if vectorized and one_row:
        idx_all = order
        parts = []
        chunk = max(1, _MAX_CELLS // n)
        for start in range(0, n_resamples, chunk):
            size = min(chunk, n_resamples - start)
            idx = idx_all[gen.integers(0, n, size=(size, n))]
            with np.errstate(invalid="ignore", divide="ignore"):
                parts.append(np.asarray(statistic(*[a[idx] for a in arrays], axis=-1), float))
        boot = np.concatenate(parts, axis=0)
    else:
        out = []
        for _ in range(n_resamples):
            rows = _rows_of(gen.integers(0, n, size=n), order, sizes)
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(np.asarray(statistic(*[a[rows] for a in arrays]), dtype=float))
        boot = np.stack(out)
    jack = None
    if method == "bca":
        jack_list = []
        keep = np.ones(n, dtype=bool)
        for i in range(n):
            keep[i] = False
            rows = _rows_of(np.flatnonzero(keep), order, sizes)
            keep[i] = True
            with np.errstate(invalid="ignore", divide="ignore"):
                jack_list.append(np.asarray(statistic(*[a[rows] for a in arrays]), dtype=float))
        jack = np.stack(jack_list)
    lo, hi = bootstrap_interval(theta, boot, jack, np.ones(n), confidence_level, method)
    return bootstrap_result(theta, boot, lo, hi, n)


def bootstrap(
    statistic: str,
    *data: npt.ArrayLike,
    items: npt.ArrayLike | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Method = "bca",
    rng: np.random.Generator | int | None = None,
    **options: Any,
) -> BootstrapResult:
    """Bootstrap confidence interval for a named statistic of :mod:`workbench.stats`.

    Parameters
    ----------
    statistic : str
        A key of :data:`workbench.stats.SUFFICIENT` (``"cohen_kappa"``,
        ``"fleiss_kappa"``, ``"spearman"`` ...).
    *data : array_like
        The statistic's positional data (two label arrays, or one items ×
        raters matrix), one row per judgment.
    items : array_like, optional
        Item of each row: rows of one item are resampled together (both
        presentation orders, several turns). Default: each row is an item.
    n_resamples, confidence_level, method, rng
        As in :func:`bootstrap_sums`.
    **options
        Passed to the statistic (``weights=``, ``level=``, ``ties=`` ...).

    Returns
    -------
    BootstrapResult
        ``estimate`` equals the statistic's public function on the same data.

    Examples
    --------
    >>> human = ["A", "A", "B", "tie", "B", "A"]
    >>> judge = ["A", "B", "B", "tie", "B", "A"]
    >>> res = bootstrap("percent_agreement", human, judge, rng=0)
    >>> round(res.estimate, 4)  # 5 of 6 agree
    0.8333
    """
    from . import SUFFICIENT

    if statistic not in SUFFICIENT:
        raise ValueError(f"statistic: unknown {statistic!r}; known: {sorted(SUFFICIENT)}")
    suff = SUFFICIENT[statistic]
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, rng=rng)
    if suff.kind == "resample":
        return bootstrap_resample(lambda *a: suff.statistic(*a, **options), data, items=items, **kw)
    resolved = suff.resolve(*data, **options)

    def from_sums(s: np.ndarray) -> np.ndarray:
        return suff.from_sums(s, **resolved)

    if items is None:
        rows, counts = suff.distinct_contributions(*data, **resolved)
        return bootstrap_sums(rows, from_sums, counts=counts, **kw)
    contrib, _ = item_sums(suff.contributions(*data, **resolved), items)
    return bootstrap_sums(contrib, from_sums, **kw)
