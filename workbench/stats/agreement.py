"""Chance-corrected agreement on categorical labels, computed from sufficient statistics.

Two raters (`percent_agreement`, `cohen_kappa`, `scott_pi`, `gwet_ac1`, `brennan_prediger`,
`accuracy`, `macro_f1`) take two label arrays; many raters (`fleiss_kappa`, `gwet_ac1`,
`gwet_ac2`, `krippendorff_alpha`) take an items x raters matrix (2-D array or DataFrame,
NaN/None/pd.NA = missing). Every statistic is a function of a SUM OVER ITEMS of per-item
contribution vectors, registered as a `Sufficient` in `workbench.stats.SUFFICIENT`:

- two-rater table statistics: one-hot of the item's (rater_1, rater_2) cell of the k x k
  contingency table (d = k**2);
- Fleiss kappa, Gwet AC1/AC2: the item's share of ratings per category r_ik / r_i, its pairwise
  agreement term, and indicators "rated at least twice" / "rated at least once" (d = k + 3);
- Krippendorff alpha: the item's part of the coincidence matrix, in its smallest exact form
  for each level (see `krippendorff_contributions`).

Missing data: two-rater functions drop items where either side is missing (the item then
contributes a zero row); matrix functions use every rating that has a partner in its item.

Many categories: point estimates never build a k x k or items x k array for unweighted
statistics (two raters: the table's margins and diagonal; many raters: each item's occupied
categories, `workbench.stats._sparse`), so 30,000 distinct labels cost O(n + k). Weights and
ordinal/ratio alpha need a k x k matrix and refuse more than ``MAX_CATEGORIES`` (2,000)
categories; per-item contribution arrays (the bootstrap's input) refuse more than
``MAX_DENSE_CELLS`` (50 million) elements; both with a ValueError naming the option and k.

Categories: fixed from the full data by ``Sufficient.resolve`` (or given as ``categories=``),
so every bootstrap resample uses the same k x k table. Default order: numbers numerically,
strings lexicographically (``"A" < "B" < "tie"``); ordinal weights use category VALUES when
all categories are numbers, else their POSITIONS in ``categories`` (pass
``categories=["A", "tie", "B"]`` for a preference scale).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._arrays import (
    check_category_count,
    check_dense,
    factorize,
    infer_categories,
    label_kind,
    matrix_values,
    missing,
    numeric_matrix,
    pow2_scale,
    same_kind,
    vector,
)
from ._sparse import item_counts, pair_margins, within_pairs

__all__ = [
    "Sufficient",
    "accuracy",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "krippendorff_alpha",
    "macro_f1",
    "percent_agreement",
    "scott_pi",
]

_TINY = 1e-14  # |1 - p_e| below this is a degenerate chance term: the coefficient is NaN


# ----------------------------------------------------------------------------------------
# The sufficient-statistic contract
# ----------------------------------------------------------------------------------------


class Sufficient(NamedTuple):
    """How a statistic decomposes into a sum over items (see `workbench.stats.SUFFICIENT`).

    Attributes
    ----------
    statistic : callable
        The public float function (``statistic(*data, **options) -> float``).
    kind : {"sum", "resample"}
        ``"sum"``: the statistic is ``from_sums(contributions(...).sum(axis=0))``.
        ``"resample"``: not sum-decomposable (rank statistics); recompute `statistic` on
        resampled data. Then `contributions` and `from_sums` are None.
    resolve : callable
        ``resolve(*data, **options) -> dict``: validates the user's options and fixes every
        data-dependent one (categories, numeric centring) FROM THE FULL DATA. Pass the
        returned dict to `contributions`, `from_sums`, `sums` and `patterns`, so that all
        resamples share one category set.
    contributions : callable or None
        ``contributions(*data, **resolved) -> ndarray (n_items, d)``, one row per input item
        in input order (items that cannot contribute, e.g. with a missing side, get a zero
        row).
    from_sums : callable or None
        ``from_sums(sums, **resolved) -> ndarray`` for ``sums`` of shape ``(..., d)``,
        vectorised over the leading axes (pass ``(n_resamples, d)``, get ``n_resamples``
        estimates). NaN where the statistic is undefined.
    sums : callable or None
        Fast path equal to ``contributions(...).sum(axis=0)`` without materialising the
        (n_items, d) array (e.g. `numpy.bincount` for contingency tables).
    patterns : callable or None
        Fast path for ``distinct_contributions``.
    direct : callable or None
        ``direct(*data, **resolved) -> float``: the point estimate without the d-wide sums,
        for statistics whose d grows as k**2 (two-rater tables: from the margins, O(k)).
        `estimate` uses it when set; it equals ``from_sums(total(...))``.
    """

    statistic: Callable[..., float]
    kind: Literal["sum", "resample"]
    resolve: Callable[..., dict[str, Any]]
    contributions: Callable[..., np.ndarray] | None = None
    from_sums: Callable[..., np.ndarray] | None = None
    sums: Callable[..., np.ndarray] | None = None
    patterns: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None
    direct: Callable[..., Any] | None = None

    def total(self, *data: Any, **resolved: Any) -> np.ndarray:
        """Return ``contributions(*data, **resolved).sum(axis=0)`` (by the fast path if any)."""
        if self.sums is not None:
            return self.sums(*data, **resolved)
        return self.contributions(*data, **resolved).sum(axis=0)

    def distinct_contributions(self, *data: Any, **resolved: Any) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(rows, counts)``: the distinct contribution rows and how many items have each.

        ``counts @ rows == total(...)``. Items with identical contributions are exchangeable,
        so an item bootstrap can draw multinomial counts over these rows instead of items.
        """
        if self.patterns is not None:
            return self.patterns(*data, **resolved)
        return distinct_rows(self.contributions(*data, **resolved))

    def estimate(self, *data: Any, **options: Any) -> float:
        """Point estimate through resolve -> sums -> from_sums (what the public functions do)."""
        resolved = self.resolve(*data, **options)
        if self.direct is not None:
            return float(self.direct(*data, **resolved))
        return float(self.from_sums(self.total(*data, **resolved), **resolved))


def distinct_rows(contributions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a contribution matrix and their multiplicities (exact, by bytes)."""
    c = np.ascontiguousarray(contributions, dtype=float) + 0.0  # + 0.0 turns -0.0 into 0.0
    if c.shape[0] == 0:
        return c, np.zeros(0, dtype=np.int64)
    keys = c.view(np.dtype((np.void, c.dtype.itemsize * c.shape[1]))).ravel()
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    return c[first], counts


def _merge_rows(rows: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge identical rows of ``rows``, adding their ``counts``."""
    distinct, first = distinct_rows(rows)
    if distinct.shape[0] == rows.shape[0]:
        return rows, np.asarray(counts, dtype=np.int64)
    c = np.ascontiguousarray(rows, dtype=float) + 0.0
    keys = c.view(np.dtype((np.void, c.dtype.itemsize * c.shape[1]))).ravel()
    _, inverse = np.unique(keys, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=counts).astype(np.int64)
    return distinct, merged


def _code_patterns(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of an (n, R) code matrix (-1 = missing) and how many items have each.

    Rows are keyed as base-(k+1) integers and counted with `numpy.bincount` when
    ``(k+1)**R`` is small, else by `numpy.unique`.
    """
    n, r = codes.shape
    base = k + 1
    if r and base**r <= 1 << 22:
        key = np.zeros(n, dtype=np.int64)
        for j in range(r):
            key = key * base + (codes[:, j] + 1)
        counts = np.bincount(key, minlength=1)
        present = np.flatnonzero(counts)
        patterns = np.empty((present.size, r), dtype=np.int64)
        rest = present.copy()
        for j in reversed(range(r)):
            patterns[:, j] = rest % base - 1
            rest //= base
        return patterns, counts[present]
    patterns, counts = np.unique(codes, axis=0, return_counts=True)
    return patterns, counts


# ----------------------------------------------------------------------------------------
# Category codes (array input: workbench.stats._arrays)
# ----------------------------------------------------------------------------------------


def _lookup(uniques: Any, categories: tuple[Any, ...], name: str) -> np.ndarray:
    """Position of each of ``uniques`` in ``categories``; labels outside raise."""
    uniques = np.asarray(uniques)
    if len(uniques) == 0:
        return np.zeros(0, dtype=np.int64)
    # pandas would match True with 1: labels and categories must be of one kind
    cats = np.asarray(list(categories), dtype=object)
    same_kind([(label_kind(uniques, name), name), (label_kind(cats, "categories"), "categories")])
    index = pd.Index(list(categories), dtype=object)
    lut = index.get_indexer(pd.Index(uniques.astype(object), dtype=object)).astype(np.int64)
    if (lut < 0).any():
        bad = uniques[lut < 0][:5].tolist()
        raise ValueError(f"{name} has labels not in categories {list(categories)}: {bad}")
    return lut


def _check_categories(categories: Any, name: str = "categories") -> tuple[Any, ...]:
    cats = (
        tuple(np.asarray(categories, dtype=object).ravel().tolist())
        if not isinstance(categories, tuple | list)
        else tuple(categories)
    )
    if len(cats) == 0:
        raise ValueError(f"{name} must list at least one category, got {categories!r}")
    as_array = np.empty(len(cats), dtype=object)
    as_array[:] = cats
    if missing(as_array).any():
        raise ValueError(f"{name} must not contain a missing value, got {categories!r}")
    label_kind(as_array, name)
    if len(set(cats)) != len(cats):
        raise ValueError(f"{name} has duplicates: {categories!r}")
    return cats


def _codes(values: np.ndarray, categories: tuple[Any, ...], name: str) -> np.ndarray:
    """Integer codes (index into ``categories``), -1 for missing; unknown labels raise.

    One hashing pass (`pandas.factorize`, which also flags None/NaN/pd.NA as missing),
    then a lookup of the few distinct labels.
    """
    raw, uniques = factorize(values.ravel(), name)
    return np.take(_lut(raw, uniques, categories, name), raw).reshape(values.shape)


def _lut(raw: np.ndarray, uniques: np.ndarray, categories, name: str) -> np.ndarray:
    """Lookup table from factorized codes to category codes; its last slot maps -1 to -1."""
    used = np.bincount(raw + 1, minlength=len(uniques) + 1)[1:] > 0
    lut = np.full(len(uniques) + 1, -1, dtype=np.int64)
    lut[:-1][used] = _lookup(uniques[used], categories, name)
    return lut


def _category_positions(categories: tuple[Any, ...]) -> np.ndarray:
    """Category values when all are real numbers, else positions 0..k-1."""
    if all(isinstance(c, numbers.Real) and not isinstance(c, bool) for c in categories):
        return np.asarray(categories, dtype=float)
    return np.arange(len(categories), dtype=float)


def weight_matrix(
    categories: Sequence[Any],
    weights: Literal["identity", "linear", "quadratic"] | None | npt.ArrayLike,
    *,
    name: str = "weights",
) -> np.ndarray:
    """Agreement weights w_kl in [0, 1] with w_kk = 1 (Cohen 1968; Gwet 2014, ch. 3).

    ``None``/``"identity"``: 1 on the diagonal, 0 elsewhere. ``"linear"``:
    ``1 - |x_k - x_l| / (x_max - x_min)``; ``"quadratic"``: ``1 - (x_k - x_l)**2 /
    (x_max - x_min)**2``, where x are the category values if all categories are numbers,
    else their positions 0..k-1 in ``categories``. A k x k array is checked (finite,
    symmetric, in [0, 1], ones on the diagonal: ValueError naming the first offending cell)
    and used as given. More than ``MAX_CATEGORIES`` categories raise ValueError.

    >>> weight_matrix([1, 2, 3], "linear")  # 1 - |k - l| / 2
    array([[1. , 0.5, 0. ],
           [0.5, 1. , 0.5],
           [0. , 0.5, 1. ]])
    >>> weight_matrix(["a", "b"], [[1, 0.5], [0.4, 1]])
    Traceback (most recent call last):
    ...
    ValueError: weights must be symmetric: weights[0, 1] = 0.5 but weights[1, 0] = 0.4
    """
    cats = tuple(categories)
    k = len(cats)
    if isinstance(weights, str) and weights not in ("identity", "linear", "quadratic"):
        raise ValueError(
            f"{name} must be None, 'identity', 'linear', 'quadratic' or a k x k array, "
            f"got {weights!r}"
        )
    shown = f"{name}={weights!r}" if weights is None or isinstance(weights, str) else name
    check_category_count(k, shown)
    if is_identity(weights):
        return np.eye(k)
    if isinstance(weights, str):
        x = _category_positions(cats)
        if not np.isfinite(x).all():
            bad = cats[int(np.flatnonzero(~np.isfinite(x))[0])]
            raise ValueError(
                f"{shown} needs finite category values, got {bad!r} (NaN or None marks a "
                "missing label)"
            )
        x = x / pow2_scale(x)  # exact; keeps x_max - x_min finite for values near float max
        span = x.max() - x.min() if k > 1 else 1.0
        d = np.abs(x[:, None] - x[None, :]) / span
        return 1.0 - (d if weights == "linear" else d**2)
    return _checked_weights(weights, k, name)


def is_identity(weights: Any) -> bool:
    """Whether ``weights`` means unweighted (None or "identity")."""
    return weights is None or (isinstance(weights, str) and weights == "identity")


def _checked_weights(weights: Any, k: int, name: str) -> np.ndarray:
    """A user's k x k weight matrix: finite, in [0, 1], symmetric, ones on the diagonal."""
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a {k} x {k} array of numbers, got {weights!r}") from None
    if w.shape != (k, k):
        raise ValueError(f"{name} must be a {k} x {k} array for {k} categories, got {w.shape}")
    checks = (
        (~np.isfinite(w), "must be finite"),
        ((w < 0) | (w > 1), "must be in [0, 1]"),
        (np.eye(k, dtype=bool) & (w != 1), "must have ones on the diagonal"),
    )
    for bad, rule in checks:
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(f"{name} {rule}: {name}[{i}, {j}] = {float(w[i, j])!r}")
    asym = np.abs(w - w.T) > 1e-12
    if asym.any():
        i, j = np.argwhere(asym)[0]
        raise ValueError(
            f"{name} must be symmetric: {name}[{i}, {j}] = {float(w[i, j])!r} but "
            f"{name}[{j}, {i}] = {float(w[j, i])!r}"
        )
    return w


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.full(num.shape, np.nan)
    ok = np.abs(den) > _TINY
    np.divide(num, den, out=out, where=ok)
    return out


# ----------------------------------------------------------------------------------------
# Two raters: contingency-table contributions
# ----------------------------------------------------------------------------------------


def _pair_codes(
    rater_1: Any,
    rater_2: Any,
    categories: tuple[Any, ...] | None,
    names: tuple[str, str] = ("rater_1", "rater_2"),
):
    """Codes of both raters (-1 where either side is missing) and the category set.

    Without ``categories``, the set is the labels used in complete pairs.
    """
    a, b = vector(rater_1, names[0]), vector(rater_2, names[1])
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got {a.shape[0]} and {b.shape[0]}"
        )
    if _already_codes(a, b, categories):  # labels coded 0..k-1 with categories range(k)
        return a.astype(np.int64), b.astype(np.int64), categories
    ra, ua = factorize(a, names[0])
    rb, ub = factorize(b, names[1])
    keep = (ra >= 0) & (rb >= 0)
    # only complete pairs count: a label seen only beside a missing value is dropped with
    # its item (it neither enters the inferred category set nor is checked against it)
    ra, rb = np.where(keep, ra, -1), np.where(keep, rb, -1)
    if categories is None:
        used_a = ua[np.bincount(ra + 1, minlength=len(ua) + 1)[1:] > 0]
        used_b = ub[np.bincount(rb + 1, minlength=len(ub) + 1)[1:] > 0]
        # concatenating would cast booleans to numbers: the two sides must be of one kind
        same_kind(
            [(label_kind(used_a, names[0]), names[0]), (label_kind(used_b, names[1]), names[1])]
        )
        categories = infer_categories(
            np.concatenate([used_a.astype(object), used_b.astype(object)]),
            f"{names[0]}/{names[1]}",
        )
    ca = np.where(keep, np.take(_lut(ra, ua, categories, names[0]), ra), -1)
    cb = np.where(keep, np.take(_lut(rb, ub, categories, names[1]), rb), -1)
    return ca, cb, categories


def _already_codes(a: np.ndarray, b: np.ndarray, categories: tuple[Any, ...] | None) -> bool:
    """Whether ``a`` and ``b`` are integer codes in ``0..k-1`` of ``categories == range(k)``
    (each value its own code: nothing to factorize)."""
    if categories is None or a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        return False
    k = len(categories)
    if any(type(c) is not int for c in categories) or categories != tuple(range(k)):
        return False
    return not len(a) or (min(a.min(), b.min()) >= 0 and max(a.max(), b.max()) < k)


def _resolve_pair(rater_1: Any, rater_2: Any, *, categories: Any = None, **options: Any):
    if categories is not None:
        categories = _check_categories(categories)
    _, _, cats = _pair_codes(rater_1, rater_2, categories)
    return {"categories": cats, **options}


def table_contributions(
    rater_1: Any, rater_2: Any, *, categories: Sequence[Any], **_: Any
) -> np.ndarray:
    """One-hot of each item's (rater_1, rater_2) cell in the k x k table, shape (n, k*k).

    Cell ``(i, j)`` (rater_1 said ``categories[i]``, rater_2 ``categories[j]``) is column
    ``i * k + j``. Items with a missing side get a zero row.
    """
    cats = tuple(categories)
    k = len(cats)
    ca, cb, _ = _pair_codes(rater_1, rater_2, cats)
    check_dense(ca.shape[0], k * k, f"rater_1/rater_2 ({k} categories, k x k table)")
    out = np.zeros((ca.shape[0], k * k))
    ok = ca >= 0
    out[np.flatnonzero(ok), ca[ok] * k + cb[ok]] = 1.0
    return out


def table_sums(rater_1: Any, rater_2: Any, *, categories: Sequence[Any], **_: Any) -> np.ndarray:
    """The flattened k x k contingency table by `numpy.bincount` (= contributions summed)."""
    cats = tuple(categories)
    k = len(cats)
    check_dense(1, k * k, f"rater_1/rater_2 ({k} categories, k x k table)")
    ca, cb, _ = _pair_codes(rater_1, rater_2, cats)
    cell = np.where(ca >= 0, ca * k + cb, k * k)  # k * k collects the dropped items
    return np.bincount(cell, minlength=k * k + 1)[: k * k].astype(float)


def table_patterns(rater_1: Any, rater_2: Any, *, categories: Sequence[Any], **_: Any):
    """Distinct contribution rows of the table statistics: the occupied cells' unit vectors."""
    table = table_sums(rater_1, rater_2, categories=categories)
    cells = np.flatnonzero(table)
    k = len(tuple(categories))
    check_dense(cells.size, table.size, f"rater_1/rater_2 ({k} categories, k x k table)")
    rows = np.zeros((cells.size, table.size))
    rows[np.arange(cells.size), cells] = 1.0
    return rows, table[cells].astype(np.int64)


def _table(sums: np.ndarray, categories: Sequence[Any]) -> np.ndarray:
    k = len(tuple(categories))
    sums = np.asarray(sums, dtype=float)
    if sums.shape[-1] != k * k:
        raise ValueError(f"sums must have last axis {k * k} for {k} categories, got {sums.shape}")
    return sums.reshape(sums.shape[:-1] + (k, k))


def _margins(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row margins, column margins and diagonal of (..., k, k) tables."""
    return t.sum(-1), t.sum(-2), np.diagonal(t, axis1=-2, axis2=-1)


def _via_table(from_margins: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """``from_sums`` of a statistic of the margins: flattened k x k tables -> margins."""

    def from_sums(sums, *, categories, **options):
        t = _table(sums, categories)
        return from_margins(*_margins(t), categories=categories, **options)

    return from_sums


def _via_codes(from_margins: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """``direct`` point estimate of a statistic of the margins: O(n + k), no k x k table."""

    def direct(rater_1, rater_2, *, categories, **options):
        cats = tuple(categories)
        ca, cb, _ = _pair_codes(rater_1, rater_2, cats)
        return from_margins(*pair_margins(ca, cb, len(cats)), categories=cats, **options)

    return direct


def _shares(rows, cols, diag):
    """``(p_k., p_.k, p_o, n)`` from the margins (NaN shares when n = 0)."""
    n = rows.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return rows / n[..., None], cols / n[..., None], diag.sum(-1) / n, n


def _agreement_from_margins(rows, cols, diag, *, categories, ties="agree", tie_label="tie", **_):
    agree = diag.sum(-1)
    total = rows.sum(-1)
    cats = tuple(categories)
    if ties == "drop" and tie_label in cats:
        i = cats.index(tie_label)
        agree = agree - diag[..., i]
        total = total - rows[..., i] - cols[..., i] + diag[..., i]
    return _safe_ratio(agree, total)


def _kappa_from_margins(rows, cols, diag, **_):
    pr, pc, po, n = _shares(rows, cols, diag)
    pe = (pr * pc).sum(-1)
    return np.where(n > 0, _safe_ratio(po - pe, 1.0 - pe), np.nan)


def _weighted_kappa(t, categories, weights):
    n = t.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = t / n[..., None, None]
    w = weight_matrix(categories, weights)
    po = (w * p).sum(axis=(-2, -1))
    pe = np.einsum("...i,ij,...j->...", p.sum(-1), w, p.sum(-2))
    return np.where(n > 0, _safe_ratio(po - pe, 1.0 - pe), np.nan)


def _kappa_from_sums(sums, *, categories, weights=None, **_):
    t = _table(sums, categories)
    if is_identity(weights):
        return _kappa_from_margins(*_margins(t))
    return _weighted_kappa(t, categories, weights)


def _kappa_direct(rater_1, rater_2, *, categories, weights=None, **_):
    if is_identity(weights):
        return _via_codes(_kappa_from_margins)(rater_1, rater_2, categories=categories)
    t = table_sums(rater_1, rater_2, categories=categories)
    return _weighted_kappa(_table(t, categories), categories, weights)


def _scott_from_margins(rows, cols, diag, **_):
    pr, pc, po, n = _shares(rows, cols, diag)
    pe = (((pr + pc) / 2) ** 2).sum(-1)
    return np.where(n > 0, _safe_ratio(po - pe, 1.0 - pe), np.nan)


def _bp_from_margins(rows, cols, diag, *, categories, **_):
    _, _, po, n = _shares(rows, cols, diag)
    if not len(tuple(categories)):  # no pair with both labels: no category at all
        return np.full_like(po, np.nan)
    pe = 1.0 / len(tuple(categories))
    return np.where(n > 0, _safe_ratio(po - pe, np.full_like(po, 1.0 - pe)), np.nan)


def _macro_f1_from_margins(rows, cols, diag, **_):
    support = rows + cols  # reference count + prediction count per class
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(support > 0, 2 * diag / support, np.nan)
    used = (support > 0).sum(-1)
    return _safe_ratio(np.nansum(f1, axis=-1), used)


def _estimate(entry: Sufficient, *data: Any, **options: Any) -> float:
    return entry.estimate(*data, **options)


def _resolve_agreement(rater_1, rater_2, *, categories=None, ties="agree", tie_label="tie"):
    if ties not in ("agree", "drop"):
        raise ValueError(f"ties must be 'agree' or 'drop', got {ties!r}")
    return _resolve_pair(rater_1, rater_2, categories=categories, ties=ties, tie_label=tie_label)


def percent_agreement(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    ties: Literal["agree", "drop"] = "agree",
    tie_label: Any = "tie",
    categories: Sequence[Any] | None = None,
) -> float:
    """Share of items on which two raters give the same label.

    Parameters
    ----------
    rater_1, rater_2 : array-like of labels, same length
        Items where either side is missing (None, NaN, pd.NA) are dropped.
    ties : {"agree", "drop"}, default "agree"
        ``"agree"``: a tie is an ordinary label, agreeing only with a tie (MT-Bench setup
        S1, "with tie"; FastChat ``compute_agreement.py`` with ``ban=[]``).
        ``"drop"``: items where either side says ``tie_label`` are dropped (MT-Bench setup
        S2, "without tie"; FastChat ``ban=["tie"]``). FastChat's human-human agreement
        averages over annotator pairs: pass those pairs as items.
    tie_label : default "tie"
        The label that means a tie.
    categories : sequence, optional
        The label set (default: labels seen in the complete pairs).

    Returns
    -------
    float
        ``sum_k n_kk / n`` in [0, 1]; NaN when no item is left.

    See Also
    --------
    cohen_kappa : corrects this for chance agreement.

    Notes
    -----
    Sufficient statistic: the k x k contingency table (see `table_contributions`).

    References
    ----------
    .. [1] Zheng, L. et al. (2023). Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena.
       NeurIPS Datasets and Benchmarks. https://doi.org/10.48550/arXiv.2306.05685 (Table 2
       setups S1/S2; FastChat fastchat/llm_judge/compute_agreement.py).

    Examples
    --------
    >>> human = ["A", "B", "tie", "tie", "A"]
    >>> judge = ["A", "tie", "tie", "B", "B"]
    >>> percent_agreement(human, judge)  # A-A and tie-tie agree: 2/5
    0.4
    >>> percent_agreement(human, judge, ties="drop")  # only items 1 and 5 are left: 1/2
    0.5
    """
    return _estimate(
        SUFFICIENT_AGREEMENT["percent_agreement"],
        rater_1,
        rater_2,
        ties=ties,
        tie_label=tie_label,
        categories=categories,
    )


def _resolve_kappa(rater_1, rater_2, *, categories=None, weights=None):
    if weights is not None and not (
        isinstance(weights, str) and weights in ("linear", "quadratic")
    ):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    resolved = _resolve_pair(rater_1, rater_2, categories=categories)
    if weights is not None:
        check_category_count(len(resolved["categories"]), f"weights={weights!r}")
    return {**resolved, "weights": weights}


def cohen_kappa(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    weights: Literal["linear", "quadratic"] | None = None,
    categories: Sequence[Any] | None = None,
) -> float:
    """Cohen's kappa (weighted: Cohen 1968) between two raters.

    Parameters
    ----------
    rater_1, rater_2 : array-like of labels, same length
        Items where either side is missing are dropped.
    weights : {None, "linear", "quadratic"}
        Agreement weights ``w_kl`` (see `weight_matrix`): computed from the category VALUES
        when all categories are numbers, else from their POSITIONS in ``categories``.
        scikit-learn uses positions among the labels seen, so the two differ when numeric
        levels are unequally spaced or a middle level is never used; pass ``categories=``
        (the full scale) to make them agree.
    categories : sequence, optional
        The label set AND its order (default: labels seen in the complete pairs, numbers
        numerically, strings lexicographically: ``"A" < "B" < "tie"``).

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)`` with ``p_o = sum w_kl p_kl`` and
        ``p_e = sum w_kl p_k. p_.l``; in [-1, 1]. NaN when ``p_e = 1`` (both raters give one
        and the same label to every item) or no item is left.

    See Also
    --------
    scott_pi : pooled marginals (one rating process assumed for both raters).
    gwet_ac1 : stable under skewed prevalence (the "kappa paradox").
    krippendorff_alpha : many raters, missing data, other measurement levels.

    Notes
    -----
    Tested against scikit-learn ``cohen_kappa_score`` (all weights), statsmodels
    ``cohens_kappa`` and Gwet (2014)'s abstractors table.

    References
    ----------
    .. [1] Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
       Psychological Measurement, 20(1), 37-46. https://doi.org/10.1177/001316446002000104
    .. [2] Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70(4), 213-220.
       https://doi.org/10.1037/h0026256

    Examples
    --------
    >>> human = ["A", "A", "B", "tie", "B", "A"]
    >>> judge = ["A", "B", "B", "tie", "B", "A"]
    >>> round(cohen_kappa(human, judge), 4)  # (5/6 - 13/36) / (1 - 13/36) = 17/23
    0.7391
    >>> # p_o = (1 + 1 + 1/2)/3 = 5/6, p_e = (2/3 + 5/6 + 1/3)/3 = 11/18: (15 - 11)/(18 - 11)
    >>> round(cohen_kappa([1, 2, 3], [1, 2, 2], weights="linear"), 4)  # 4/7
    0.5714
    """
    return _estimate(
        SUFFICIENT_AGREEMENT["cohen_kappa"],
        rater_1,
        rater_2,
        weights=weights,
        categories=categories,
    )


def scott_pi(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Scott's pi between two raters (chance agreement from the pooled label shares).

    Parameters
    ----------
    rater_1, rater_2 : array-like of labels, same length
        Items where either side is missing are dropped.
    categories : sequence, optional
        The label set (default: labels seen in the complete pairs).

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)``, ``p_e = sum_k pi_k**2``, ``pi_k = (p_k. + p_.k) / 2``.
        NaN when both raters give one and the same label everywhere, or no item is left.

    See Also
    --------
    cohen_kappa : separate marginals per rater.
    fleiss_kappa : the same coefficient for many raters.

    Notes
    -----
    Equals `fleiss_kappa` on the two-column matrix. Tested against statsmodels
    ``fleiss_kappa`` and Gwet (2014)'s abstractors table (pi = 0.7962397).

    References
    ----------
    .. [1] Scott, W. A. (1955). Reliability of content analysis: the case of nominal scale
       coding. Public Opinion Quarterly, 19(3), 321-325. https://doi.org/10.1086/266577

    Examples
    --------
    >>> scott_pi(["a", "a", "b", "b"], ["a", "b", "b", "b"])  # pi = (3/8, 5/8): (3/4 - 17/32) / (15/32)
    0.4666666666666667
    """
    return _estimate(SUFFICIENT_AGREEMENT["scott_pi"], rater_1, rater_2, categories=categories)


def brennan_prediger(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Brennan-Prediger coefficient (chance agreement 1/q, free marginals).

    Parameters
    ----------
    rater_1, rater_2 : array-like of labels, same length
        Items where either side is missing are dropped.
    categories : sequence, optional
        The label set; q is its size. Default: labels seen in the complete pairs, so pass
        the full scale (e.g. ``["A", "B", "tie"]``) when some label was never used.

    Returns
    -------
    float
        ``(p_o - 1/q) / (1 - 1/q)``; NaN when q = 1 or no item is left.

    See Also
    --------
    percent_agreement : the uncorrected share.
    gwet_ac1 : chance term from the observed shares.

    Notes
    -----
    Tested against irrCAC ``CAC.bp`` (when it imports) and hand computation.

    References
    ----------
    .. [1] Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses,
       and alternatives. Educational and Psychological Measurement, 41(3), 687-699.
       https://doi.org/10.1177/001316448104100307

    Examples
    --------
    >>> brennan_prediger(["a", "a", "b", "b"], ["a", "b", "b", "b"])  # (3/4 - 1/2) / (1/2)
    0.5
    """
    return _estimate(
        SUFFICIENT_AGREEMENT["brennan_prediger"], rater_1, rater_2, categories=categories
    )


def accuracy(
    reference: npt.ArrayLike,
    prediction: npt.ArrayLike,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Share of items where ``prediction`` equals ``reference``.

    Parameters
    ----------
    reference, prediction : array-like of labels, same length
        Reference first (e.g. the human label; not necessarily ground truth). Items where
        either side is missing are dropped.
    categories : sequence, optional
        The label set (default: labels seen in the complete pairs).

    Returns
    -------
    float
        ``sum_k n_kk / n`` in [0, 1]; NaN when no item is left. Same value as
        `percent_agreement` with ``ties="agree"``.

    See Also
    --------
    macro_f1 : per-class balance.

    Notes
    -----
    Tested against scikit-learn ``accuracy_score``.

    Examples
    --------
    >>> accuracy(["A", "B", "B", None], ["A", "A", "B", "B"])  # 2 of the 3 complete pairs
    0.6666666666666666
    """
    return _estimate(SUFFICIENT_AGREEMENT["accuracy"], reference, prediction, categories=categories)


def macro_f1(
    reference: npt.ArrayLike,
    prediction: npt.ArrayLike,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Unweighted mean over classes of F1 = 2 TP / (2 TP + FP + FN).

    Parameters
    ----------
    reference, prediction : array-like of labels, same length
        Reference first. Items where either side is missing are dropped.
    categories : sequence, optional
        The label set (default: labels seen in the complete pairs).

    Returns
    -------
    float
        Mean of ``2 n_kk / (n_k. + n_.k)`` over the classes that the reference or the
        prediction uses (a class that neither uses is 0/0 and is left out: scikit-learn
        would count it as 0 if passed in ``labels=``). NaN when no item is left.

    See Also
    --------
    accuracy : the plain share of exact matches.

    Notes
    -----
    Tested against scikit-learn ``f1_score(average="macro")``.

    Examples
    --------
    >>> macro_f1(["a", "a", "b", "b"], ["a", "b", "b", "b"])  # F1_a = 2/3, F1_b = 4/5
    0.7333333333333334
    """
    return _estimate(SUFFICIENT_AGREEMENT["macro_f1"], reference, prediction, categories=categories)


# ----------------------------------------------------------------------------------------
# Many raters: per-item category counts (Fleiss, Gwet)
# ----------------------------------------------------------------------------------------


def _matrix_codes(data: tuple[Any, ...], categories: tuple[Any, ...] | None):
    """Codes (n_items, n_raters) from one matrix or from two label arrays."""
    if len(data) == 1:
        values = matrix_values(data[0])
        if categories is None:
            categories = infer_categories(values, "matrix")
        return _codes(values, categories, "matrix"), categories
    if len(data) == 2:
        ca, cb, categories = _pair_codes(data[0], data[1], categories)
        return np.column_stack([ca, cb]), categories
    raise ValueError(
        f"expected one items x raters matrix or two label arrays, got {len(data)} arrays"
    )


def _counts(codes: np.ndarray, k: int) -> np.ndarray:
    """Per-item category counts r_ik, shape (n_items, k), by `numpy.bincount`."""
    n = codes.shape[0]
    flat = np.where(codes >= 0, np.arange(n)[:, None] * k + codes, n * k)
    return np.bincount(flat.ravel(), minlength=n * k + 1)[: n * k].reshape(n, k).astype(float)


def _resolve_counts(*data, categories=None, weights=None, _weights_name="weights"):
    if categories is not None:
        categories = _check_categories(categories)
    _, cats = _matrix_codes(data, categories)
    if not is_identity(weights):
        weight_matrix(cats, weights, name=_weights_name)  # validates (and the size limit)
    elif isinstance(weights, str):
        weights = None
    return {"categories": cats, "weights": weights}


def _weights_or_none(categories, weights) -> np.ndarray | None:
    """The weight matrix, or None when unweighted (no k x k identity is built)."""
    return None if is_identity(weights) else weight_matrix(categories, weights)


def _count_rows(codes: np.ndarray, k: int, w: np.ndarray | None) -> np.ndarray:
    check_dense(codes.shape[0], k + 3, f"matrix ({k} categories)")
    r_ik = _counts(codes, k)
    r_i = r_ik.sum(axis=1)
    if w is None:
        agree = (r_ik * (r_ik - 1.0)).sum(axis=1)
    else:
        agree = (r_ik * (r_ik @ w.T - 1.0)).sum(axis=1)
    pairs = r_i * (r_i - 1.0)
    p_i = np.divide(agree, pairs, out=np.zeros_like(agree), where=r_i >= 2)
    share = np.divide(r_ik, r_i[:, None], out=np.zeros_like(r_ik), where=r_i[:, None] >= 1)
    return np.column_stack([share, p_i, r_i >= 2, r_i >= 1]).astype(float)


def count_contributions(
    *data: Any, categories: Sequence[Any], weights=None, **_: Any
) -> np.ndarray:
    """Per-item ``[r_ik / r_i (k), P_i, [r_i >= 2], [r_i >= 1]]``, shape (n, k + 3).

    ``r_ik``: ratings of item i in category k; ``r_i = sum_k r_ik``;
    ``P_i = sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` with ``r*_ik = sum_l w_kl r_il`` is
    the share of agreeing (weighted) ordered rater pairs (0 when ``r_i < 2``).
    """
    cats = tuple(categories)
    codes, _ = _matrix_codes(data, cats)
    return _count_rows(codes, len(cats), _weights_or_none(cats, weights))


def count_patterns(*data: Any, categories: Sequence[Any], weights=None, **_: Any):
    """Distinct rows of `count_contributions` and their counts (computed per code pattern)."""
    cats = tuple(categories)
    codes, _ = _matrix_codes(data, cats)
    patterns, counts = _code_patterns(codes, len(cats))
    return _merge_rows(_count_rows(patterns, len(cats), _weights_or_none(cats, weights)), counts)


def _sparse_patterns(*data: Any, categories: Sequence[Any]):
    """Distinct code patterns, their counts and their occupied (pattern, category) cells."""
    cats = tuple(categories)
    codes, _ = _matrix_codes(data, cats)
    patterns, counts = _code_patterns(codes, len(cats))
    return counts.astype(float), item_counts(patterns), patterns.shape[0]


def count_sums(*data: Any, categories: Sequence[Any], weights=None, **_: Any) -> np.ndarray:
    """``count_contributions(...).sum(axis=0)`` from sparse per-pattern counts (O(n R + k)).

    Per distinct code pattern only its occupied categories are counted (`item_counts`);
    weighted agreement sums ``r_ik w_kl r_il`` over the pattern's pairs of cells.
    """
    cats = tuple(categories)
    k = len(cats)
    mult, (item, cat, cnt), m = _sparse_patterns(*data, categories=cats)
    r = np.bincount(item, weights=cnt, minlength=m)
    shares = np.bincount(cat, weights=mult[item] * cnt / r[item], minlength=k)
    w = _weights_or_none(cats, weights)
    if w is None:
        agree = np.bincount(item, weights=cnt * cnt, minlength=m) - r
    else:
        a, b = within_pairs(item)
        agree = np.bincount(item[a], weights=cnt[a] * w[cat[a], cat[b]] * cnt[b], minlength=m) - r
    p_i = np.divide(agree, r * (r - 1.0), out=np.zeros(m), where=r >= 2)
    return np.concatenate([shares, [mult @ p_i, mult @ (r >= 2), mult @ (r >= 1)]])


def _count_parts(sums, categories):
    k = len(tuple(categories))
    s = np.asarray(sums, dtype=float)
    if s.shape[-1] != k + 3:
        raise ValueError(f"sums must have last axis {k + 3} for {k} categories, got {s.shape}")
    pi = _safe_ratio(s[..., :k], s[..., -1:])
    pa = _safe_ratio(s[..., k], s[..., k + 1])
    return pi, pa, k


def _fleiss_from_sums(sums, *, categories, weights=None, **_):
    pi, pa, _k = _count_parts(sums, categories)
    w = _weights_or_none(categories, weights)
    pe = (pi * pi).sum(-1) if w is None else np.einsum("...i,ij,...j->...", pi, w, pi)
    return _safe_ratio(pa - pe, 1.0 - pe)


def _gwet_from_sums(sums, *, categories, weights=None, **_):
    pi, pa, k = _count_parts(sums, categories)
    if k >= 2:
        w = _weights_or_none(categories, weights)
        t_w = float(k) if w is None else w.sum()
        pe = t_w / (k * (k - 1)) * (pi * (1.0 - pi)).sum(-1)
    else:  # one category: Gwet's p_e -> 0 convention (irrCAC), so AC1 = p_a = 1
        pe = np.zeros(pa.shape)
    return _safe_ratio(pa - pe, 1.0 - pe)


def fleiss_kappa(matrix: npt.ArrayLike, *, categories: Sequence[Any] | None = None) -> float:
    """Fleiss' kappa among many raters (items x raters matrix of labels, missing allowed).

    Parameters
    ----------
    matrix : 2-D array-like or DataFrame, items x raters
        Labels (numbers or strings); NaN/None = missing. Raters need not be the same
        people across items (Fleiss' design).
    categories : sequence, optional
        The label set (default: labels seen).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_a`` the mean over items rated at least twice of
        ``P_i = sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))``, ``pi_k`` the mean over items rated
        at least once of ``r_ik / r_i`` and ``p_e = sum_k pi_k**2``. With no missing data
        this is Fleiss (1971) exactly; with missing data it is Gwet (2014)'s generalisation
        (irrCAC ``CAC.fleiss``). NaN when every rating is the same label or no item is rated
        twice.

    See Also
    --------
    krippendorff_alpha : small-sample correction and other measurement levels.
    gwet_ac1 : stable under skewed prevalence.

    Notes
    -----
    Tested against statsmodels ``fleiss_kappa`` (complete data), irrCAC ``CAC.fleiss``
    (missing data) and Fleiss (1971)'s 30 patients x 6 psychiatrists example (kappa = .430).

    References
    ----------
    .. [1] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
       Psychological Bulletin, 76(5), 378-382. https://doi.org/10.1037/h0031619
    .. [2] Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed. Advanced
       Analytics, LLC. ISBN 978-0970806284.

    Examples
    --------
    >>> m = [["a", "a", "a"], ["a", "a", "b"], ["b", "b", "b"], ["b", "a", "b"]]
    >>> round(fleiss_kappa(m), 4)  # p_a = (1 + 1/3 + 1 + 1/3)/4 = 2/3, p_e = 1/2: (2/3 - 1/2)/(1/2)
    0.3333
    """
    return _estimate(SUFFICIENT_AGREEMENT["fleiss_kappa"], matrix, categories=categories)


def gwet_ac1(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike | None = None,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Gwet's AC1: chance-corrected agreement that stays stable under skewed prevalence.

    Parameters
    ----------
    rater_1 : array-like
        Labels of the first rater, or (when ``rater_2`` is None) an items x raters matrix.
    rater_2 : array-like, optional
        Labels of the second rater. With two arrays, items where either side is missing are
        dropped; with a matrix, every item rated at least once counts in the chance term
        (Gwet 2014), so the two calls differ when data are missing.
    categories : sequence, optional
        The label set; q is its size (default: labels seen).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)``, ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)``, ``p_a`` and
        ``pi_k`` as in `fleiss_kappa`. With one category p_e = 0 and AC1 = 1 (Gwet's
        convention, as in irrCAC). NaN when no item is rated twice.

    See Also
    --------
    gwet_ac2 : weighted (ordinal) version.
    cohen_kappa, fleiss_kappa : chance term from the squared shares.

    Notes
    -----
    Tested against irrCAC ``CAC.gwet`` (when it imports) and Gwet (2014)'s abstractors
    table.

    References
    ----------
    .. [1] Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
       presence of high agreement. British Journal of Mathematical and Statistical
       Psychology, 61(1), 29-48. https://doi.org/10.1348/000711006X126600

    Examples
    --------
    >>> gwet_ac1(["a", "a", "b", "b"], ["a", "b", "b", "b"])  # pi = (3/8, 5/8): p_e = 15/32
    0.5294117647058824
    """
    data = (rater_1,) if rater_2 is None else (rater_1, rater_2)
    return _estimate(SUFFICIENT_AGREEMENT["gwet_ac1"], *data, categories=categories)


def gwet_ac2(
    matrix: npt.ArrayLike,
    *,
    weights: Literal["identity", "linear", "quadratic"] | npt.ArrayLike = "quadratic",
    categories: Sequence[Any] | None = None,
) -> float:
    """Gwet's AC2: weighted AC1 for ordinal or interval ratings (items x raters matrix).

    Parameters
    ----------
    matrix : 2-D array-like or DataFrame, items x raters
        Ratings; NaN/None = missing.
    weights : {"quadratic", "linear", "identity"} or k x k array, default "quadratic"
        Agreement weights (`weight_matrix`): from category VALUES when all categories are
        numbers (as irrCAC and Gwet 2014), else from positions in ``categories``.
    categories : sequence, optional
        The rating scale AND its order. Pass the full scale when some level is never used:
        it changes the weights' range and q.

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``P_i = sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))``,
        ``r*_ik = sum_l w_kl r_il`` and ``p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k)``,
        ``T_w = sum_kl w_kl``. NaN when no item is rated twice.

    See Also
    --------
    gwet_ac1 : unweighted (``weights="identity"``).
    krippendorff_alpha : ``level="interval"`` for the same kind of data.

    Notes
    -----
    Tested against irrCAC ``CAC(weights=...).gwet`` (when it imports).

    References
    ----------
    .. [1] Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., ch. 3 and 4.
       Advanced Analytics, LLC. ISBN 978-0970806284.

    Examples
    --------
    >>> m = [[1, 1], [2, 2], [3, 2]]
    >>> # P_i = (1, 1, 1/2): p_a = 5/6; pi = (1/3, 1/2, 1/6); T_w = 3 + 4 * 0.5 = 5;
    >>> # p_e = 5/6 * (2/9 + 1/4 + 5/36) = 110/216; AC2 = (180 - 110) / (216 - 110) = 35/53
    >>> round(gwet_ac2(m, weights="linear"), 4)
    0.6604
    """
    return _estimate(
        SUFFICIENT_AGREEMENT["gwet_ac2"], matrix, weights=weights, categories=categories
    )


# ----------------------------------------------------------------------------------------
# Krippendorff's alpha
# ----------------------------------------------------------------------------------------

_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _resolve_alpha(matrix, *, level="nominal", categories=None):
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")
    values = matrix_values(matrix)
    if level == "interval":
        x = numeric_matrix(values)
        pairable = (~np.isnan(x)).sum(axis=1) >= 2
        vals = x[pairable][~np.isnan(x[pairable])]
        scale = pow2_scale(vals)  # exact: alpha is scale-free, squares of 1e200 stay finite
        center = float((vals / scale).mean()) if vals.size else 0.0
        return {"level": level, "center": center, "scale": scale}
    if categories is not None:
        categories = _check_categories(categories)
    else:
        categories = infer_categories(values, "matrix")
    if level == "ratio" and not all(
        isinstance(c, numbers.Real) and not isinstance(c, bool) for c in categories
    ):
        raise ValueError(
            f"level='ratio' needs numeric ratings, got categories {list(categories)[:5]}"
        )
    if level in ("ordinal", "ratio"):
        check_category_count(len(categories), f"level={level!r}")
    return {"level": level, "categories": categories}


def _ratio_values(categories) -> np.ndarray:
    """Category values over a power of two (exact; ratio deltas are scale-free)."""
    x = np.asarray(categories, dtype=float)
    return x / pow2_scale(x)


def _ratio_delta2(categories) -> np.ndarray:
    x = _ratio_values(categories)
    s = x[:, None] + x[None, :]
    d = np.divide(x[:, None] - x[None, :], s, out=np.zeros((x.size, x.size)), where=s != 0)
    return d**2


def _kripp_rows(codes: np.ndarray, level: str, cats: tuple[Any, ...]) -> np.ndarray:
    k = len(cats)
    check_dense(codes.shape[0], k * k if level == "ordinal" else k + 1, f"matrix ({k} categories)")
    n_uc = _counts(codes, k)
    m = n_uc.sum(axis=1)
    pair = m >= 2
    inv = np.divide(1.0, m - 1, out=np.zeros_like(m), where=pair)
    n_uc = n_uc * pair[:, None]
    if level == "nominal":
        agree = (n_uc * (n_uc - 1)).sum(axis=1) * inv
        return np.column_stack([n_uc, agree])
    if level == "ratio":
        within = ((n_uc @ _ratio_delta2(cats)) * n_uc).sum(axis=1) * inv
        return np.column_stack([n_uc, within])
    o = (n_uc[:, :, None] * n_uc[:, None, :]) * inv[:, None, None]
    idx = np.arange(k)
    o[:, idx, idx] -= n_uc * inv[:, None]
    return o.reshape(n_uc.shape[0], k * k)


def krippendorff_contributions(
    matrix: Any, *, level: str, categories=None, center: float = 0.0, scale: float = 1.0, **_
) -> np.ndarray:
    """Per-item contributions to Krippendorff's alpha, by level (pairable items only).

    With ``n_uc`` the item's count of value c and ``m_u = sum_c n_uc >= 2`` (items with
    fewer values contribute zeros), the item's coincidences are
    ``o_uck = (n_uc n_uk - [c = k] n_uc) / (m_u - 1)``. Smallest exact forms:

    - nominal: ``[n_uc (k), sum_c o_ucc]``, d = k + 1;
    - ordinal: ``o_u`` flattened, d = k * k (the metric depends on the pooled marginals);
    - interval: ``[sum_ck o_uck (c - k)**2, m_u, sum x, sum x**2]``, d = 4 (x divided by
      ``scale``, a power of two, then centred at ``center``), so continuous scores need no
      category set;
    - ratio: ``[n_uc (k), sum_ck o_uck ((c - k) / (c + k))**2]``, d = k + 1.
    """
    values = matrix_values(matrix)
    if level == "interval":
        x = numeric_matrix(values) / scale - center
        ok = ~np.isnan(x)
        m = ok.sum(axis=1).astype(float)
        s1 = np.where(ok, x, 0.0).sum(axis=1)
        s2 = np.where(ok, x * x, 0.0).sum(axis=1)
        pair = m >= 2
        within = np.divide(2 * m * s2 - 2 * s1 * s1, m - 1, out=np.zeros_like(m), where=pair)
        return np.column_stack([within, m, s1, s2]) * pair[:, None]
    cats = tuple(categories)
    return _kripp_rows(_codes(values, cats, "matrix"), level, cats)


def _krippendorff_patterns(matrix: Any, *, level: str, categories=None, center=0.0, scale=1.0, **_):
    if level == "interval":
        return distinct_rows(
            krippendorff_contributions(matrix, level=level, center=center, scale=scale)
        )
    cats = tuple(categories)
    patterns, counts = _code_patterns(_codes(matrix_values(matrix), cats, "matrix"), len(cats))
    return _merge_rows(_kripp_rows(patterns, level, cats), counts)


def krippendorff_sums(matrix: Any, **resolved: Any) -> np.ndarray:
    """``krippendorff_contributions(...).sum(axis=0)`` from sparse per-pattern counts.

    Only the categories each distinct code pattern uses are counted (O(n R + k) memory for
    nominal and ratio, k x k for ordinal's coincidence matrix).
    """
    level = resolved.get("level")
    if level == "interval":
        return krippendorff_contributions(matrix, **resolved).sum(axis=0)
    cats = tuple(resolved["categories"])
    k = len(cats)
    mult, (item, cat, cnt), m = _sparse_patterns(matrix, categories=cats)
    m_u = np.bincount(item, weights=cnt, minlength=m)
    # an item's coincidences are weighted by 1 / (m_u - 1); unpairable items (m_u < 2) drop
    per_item = np.divide(mult, m_u - 1.0, out=np.zeros(m), where=m_u >= 2)
    keep = m_u[item] >= 2
    item, cat, cnt = item[keep], cat[keep], cnt[keep]
    w = per_item[item]
    n_c = np.bincount(cat, weights=mult[item] * cnt, minlength=k)
    if level == "nominal":
        return np.concatenate([n_c, [np.sum(w * cnt * (cnt - 1.0))]])
    a, b = within_pairs(item)
    if level == "ratio":
        x = _ratio_values(cats)
        xa, xb = x[cat[a]], x[cat[b]]
        s = xa + xb
        d = np.divide(xa - xb, s, out=np.zeros(a.size), where=s != 0)
        return np.concatenate([n_c, [np.sum(w[a] * cnt[a] * cnt[b] * d * d)]])
    o = np.bincount(cat[a] * k + cat[b], weights=w[a] * cnt[a] * cnt[b], minlength=k * k)
    return o - np.bincount(cat * (k + 1), weights=w * cnt, minlength=k * k)


def _alpha_from_sums(sums, *, level, categories=None, **_):
    s = np.asarray(sums, dtype=float)
    if level == "interval":
        within, n, s1, s2 = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
        expected = 2 * n * s2 - 2 * s1 * s1  # sum over all pairable value pairs of (x - x')**2
        return np.where(n > 1, 1.0 - _safe_ratio((n - 1) * within, expected), np.nan)
    k = len(tuple(categories))
    if level in ("nominal", "ratio"):
        n_c, d = s[..., :k], s[..., k]
        n = n_c.sum(-1)
        if level == "nominal":
            observed = n - d  # sum_{c != k} o_ck
            expected = n * n - (n_c**2).sum(-1)
        else:
            observed = d
            expected = np.einsum("...i,ij,...j->...", n_c, _ratio_delta2(categories), n_c)
        return np.where(n > 1, 1.0 - _safe_ratio((n - 1) * observed, expected), np.nan)
    o = s.reshape(s.shape[:-1] + (k, k))
    n_c = o.sum(-1)
    n = n_c.sum(-1)
    mid = np.cumsum(n_c, axis=-1) - n_c / 2  # ordinal delta_ck = mid_k - mid_c (Krippendorff)
    observed = 2 * (n_c * mid**2).sum(-1) - 2 * np.einsum("...i,...ij,...j->...", mid, o, mid)
    expected = 2 * n * (n_c * mid**2).sum(-1) - 2 * (n_c * mid).sum(-1) ** 2
    return np.where(n > 1, 1.0 - _safe_ratio((n - 1) * observed, expected), np.nan)


def krippendorff_alpha(
    matrix: npt.ArrayLike,
    *,
    level: Literal["nominal", "ordinal", "interval", "ratio"] = "nominal",
    categories: Sequence[Any] | None = None,
) -> float:
    """Krippendorff's alpha for any number of raters, missing data and measurement level.

    Parameters
    ----------
    matrix : 2-D array-like or DataFrame, ITEMS x RATERS
        Values; NaN/None = missing. (The `krippendorff` package takes raters x items.)
    level : {"nominal", "ordinal", "interval", "ratio"}
        Difference function: nominal ``[c != k]``; ordinal
        ``(sum_{g=c}^{k} n_g - (n_c + n_k)/2)**2``; interval ``(c - k)**2``; ratio
        ``((c - k)/(c + k))**2`` (0 when c = k = 0).
    categories : sequence, optional
        Nominal/ordinal/ratio: the value set; for ordinal also its ORDER (default: sorted
        values, so pass e.g. ``["low", "mid", "high"]`` for string scales). Ignored for
        interval.

    Returns
    -------
    float
        ``1 - D_o / D_e = 1 - (n - 1) sum_ck o_ck delta_ck / sum_ck n_c n_k delta_ck`` over
        the n pairable values (items with at least two values). NaN when fewer than two
        pairable values or no expected disagreement (every pairable value identical).

    See Also
    --------
    fleiss_kappa : no small-sample correction.
    icc : interval ratings with complete rows.

    Notes
    -----
    Tested against the `krippendorff` package (all levels, missing data) and Krippendorff
    (2011)'s 4 observers x 12 units example (nominal .743, ordinal .815, interval .849,
    ratio .797).

    References
    ----------
    .. [1] Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg
       School for Communication, University of Pennsylvania.
       https://repository.upenn.edu/asc_papers/43
    .. [2] Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
       reliability measure for coding data. Communication Methods and Measures, 1(1),
       77-89. https://doi.org/10.1080/19312450709336664

    Examples
    --------
    >>> m = [["a", "a"], ["a", "b"], ["b", "b"], ["b", None]]
    >>> krippendorff_alpha(m)  # n = 6, n_a = n_b = 3, one disagreeing pair: 1 - 5 * 2 / 18
    0.4444444444444444
    """
    return _estimate(
        SUFFICIENT_AGREEMENT["krippendorff_alpha"], matrix, level=level, categories=categories
    )


def _resolve_ac2(matrix, *, weights="quadratic", categories=None):
    return _resolve_counts(matrix, categories=categories, weights=weights)


def _resolve_ac1(*data, categories=None):
    if len(data) == 2:  # two label arrays: the k x k table (fast path)
        return {**_resolve_pair(*data, categories=categories), "layout": "table"}
    return {**_resolve_counts(*data, categories=categories, weights=None), "layout": "counts"}


def _gwet_from_margins(rows, cols, diag, *, categories, **_):
    pr, pc, po, n = _shares(rows, cols, diag)
    k = len(tuple(categories))
    pi = (pr + pc) / 2
    pe = (pi * (1.0 - pi)).sum(-1) / (k - 1) if k >= 2 else np.zeros(po.shape)
    return np.where(n > 0, _safe_ratio(po - pe, 1.0 - pe), np.nan)


def _gwet_counts_direct(*data, **resolved):
    return _gwet_from_sums(count_sums(*data, **resolved), **resolved)


def _by_layout(table_fn, counts_fn):
    def dispatch(*args, layout="counts", **resolved):
        return (table_fn if layout == "table" else counts_fn)(*args, **resolved)

    return dispatch


def _resolve_fleiss(matrix, *, categories=None):
    return _resolve_counts(matrix, categories=categories, weights=None)


def _resolve_accuracy(reference, prediction, *, categories=None):
    return _resolve_pair(reference, prediction, categories=categories)


def _table_entry(statistic, from_margins, resolve=_resolve_pair, **fns) -> Sufficient:
    """Entry of a two-rater table statistic; its point estimate comes from the margins."""
    return Sufficient(
        statistic=statistic,
        kind="sum",
        resolve=resolve,
        contributions=table_contributions,
        from_sums=fns.get("from_sums", _via_table(from_margins)),
        sums=table_sums,
        patterns=table_patterns,
        direct=fns.get("direct", _via_codes(from_margins)),
    )


def _counts_entry(statistic, from_sums, resolve) -> Sufficient:
    """Entry of a many-rater statistic of the per-item category counts."""
    return Sufficient(
        statistic=statistic,
        kind="sum",
        resolve=resolve,
        contributions=count_contributions,
        from_sums=from_sums,
        sums=count_sums,
        patterns=count_patterns,
    )


SUFFICIENT_AGREEMENT: dict[str, Sufficient] = {
    "percent_agreement": _table_entry(
        percent_agreement, _agreement_from_margins, _resolve_agreement
    ),
    "cohen_kappa": _table_entry(
        cohen_kappa,
        _kappa_from_margins,
        _resolve_kappa,
        from_sums=_kappa_from_sums,
        direct=_kappa_direct,
    ),
    "scott_pi": _table_entry(scott_pi, _scott_from_margins),
    "brennan_prediger": _table_entry(brennan_prediger, _bp_from_margins),
    "accuracy": _table_entry(accuracy, _agreement_from_margins, _resolve_accuracy),
    "macro_f1": _table_entry(macro_f1, _macro_f1_from_margins, _resolve_accuracy),
    "fleiss_kappa": _counts_entry(fleiss_kappa, _fleiss_from_sums, _resolve_fleiss),
    "gwet_ac1": Sufficient(
        statistic=gwet_ac1,
        kind="sum",
        resolve=_resolve_ac1,
        contributions=_by_layout(table_contributions, count_contributions),
        from_sums=_by_layout(_via_table(_gwet_from_margins), _gwet_from_sums),
        sums=_by_layout(table_sums, count_sums),
        patterns=_by_layout(table_patterns, count_patterns),
        direct=_by_layout(_via_codes(_gwet_from_margins), _gwet_counts_direct),
    ),
    "gwet_ac2": _counts_entry(gwet_ac2, _gwet_from_sums, _resolve_ac2),
    "krippendorff_alpha": Sufficient(
        statistic=krippendorff_alpha,
        kind="sum",
        resolve=_resolve_alpha,
        contributions=krippendorff_contributions,
        from_sums=_alpha_from_sums,
        sums=krippendorff_sums,
        patterns=_krippendorff_patterns,
    ),
}
