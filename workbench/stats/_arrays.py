"""Array input handling shared by the statistics: label vectors, rating matrices, missing values.

One place for how :mod:`workbench.stats` turns user input into NumPy arrays: 1-D label
vectors and items x raters matrices keep a numeric dtype and hold anything else as
``object``; ``None``, ``NaN``, ``pd.NA`` and ``NaT`` are missing; categories default to the
sorted distinct labels; scores become floats with missing entries as NaN.

Label kinds. The labels of one array (and the categories compared with it) are all numbers,
all strings or all booleans (`label_kind`, applied by `factorize` to labels and by
`as_float` to scores, so by every statistic); a mix (``[1, "1"]``, ``[True, 1]``) raises
ValueError, whether it comes as a list, an object array, a Series or a DataFrame, instead of
being merged (``True == 1``) or stringified (``np.asarray(["a", np.nan])`` holds ``"nan"``).
Lists are read element by element (``np.asarray(x, dtype=object)``) so NumPy's own coercion
never decides: a list, an object array and a Series of the same values give the same result
or the same error.

Size limits. Unweighted statistics need O(k) numbers for k categories and have no limit.
What needs a k x k matrix (agreement weights, ordinal/ratio coincidences) refuses more than
`MAX_CATEGORIES` categories, and a dense per-item contribution array (the bootstrap's
input) of more than `MAX_DENSE_CELLS` elements is refused (`check_dense`), with a ValueError
that names the option and the count, instead of allocating gigabytes.

Examples
--------
>>> vector(["A", "B", None], "rater_1").dtype
dtype('O')
>>> missing(vector(["A", None], "rater_1")).tolist()
[False, True]
>>> infer_categories(vector(["tie", "B", "A", "B"], "rater_1"), "rater_1")
('A', 'B', 'tie')
>>> as_float(matrix_values([[1, None], [2.5, 3]]), "matrix").tolist()
[[1.0, nan], [2.5, 3.0]]
>>> missing(vector(["A", float("nan")], "rater_1")).tolist()  # NaN stays missing, not "nan"
[False, True]
>>> infer_categories(vector([1, "1"], "rater_1"), "rater_1")
Traceback (most recent call last):
...
ValueError: rater_1 mixes label types: number 1 (position 0) and string '1' (position 1); ...
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_CATEGORIES",
    "MAX_DENSE_CELLS",
    "as_float",
    "check_category_count",
    "check_dense",
    "factorize",
    "infer_categories",
    "label_kind",
    "matrix_values",
    "missing",
    "numeric_matrix",
    "pow2_scale",
    "same_kind",
    "sort_categories",
    "vector",
]

MAX_CATEGORIES = 2_000
"""Most categories of a statistic that needs a k x k matrix (weights, coincidences): 32 MB."""

MAX_DENSE_CELLS = 50_000_000
"""Most elements (400 MB of float64) of one dense array built from categories."""

# pandas.api.types.infer_dtype results -> label kind
_KINDS = {
    "string": "string",
    "integer": "number",
    "floating": "number",
    "mixed-integer-float": "number",
    "decimal": "number",
    "boolean": "boolean",
}


def _value_kind(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "boolean"
    if isinstance(v, numbers.Number):
        return "number"
    if isinstance(v, str):
        return "string"
    return type(v).__name__


def label_kind(values: np.ndarray, name: str) -> str | None:
    """Kind of the non-missing labels: "number", "string", "boolean", another type, or None.

    None when every value is missing. Numbers and booleans are different kinds (``True ==
    1`` would merge them silently), as are numbers and strings (``1`` and ``"1"``); a mix
    raises ValueError naming ``name`` and the first value of each kind.

    >>> label_kind(np.array([1, 2.5, None], dtype=object), "rater_1")
    'number'
    >>> label_kind(np.array([True, 1], dtype=object), "rater_1")
    Traceback (most recent call last):
    ...
    ValueError: rater_1 mixes label types: boolean True (position 0) and number 1 (position 1); ...
    """
    if values.dtype.kind == "b":
        return "boolean"
    if values.dtype.kind in "iuf":
        return "number"
    if values.dtype.kind in "US":
        return "string"
    flat = values.ravel()
    inferred = pd.api.types.infer_dtype(flat, skipna=True)
    if inferred in _KINDS:
        return _KINDS[inferred]
    if inferred == "empty":
        return None
    if inferred not in ("mixed", "mixed-integer"):  # one other type: bytes, datetime, ...
        return inferred
    seen: dict[str, int] = {}
    for i in np.flatnonzero(~np.asarray(pd.isna(flat))):
        seen.setdefault(_value_kind(flat[i]), int(i))
        if len(seen) == 2:
            (k1, i1), (k2, i2) = seen.items()
            raise ValueError(
                f"{name} mixes label types: {k1} {flat[i1]!r} (position {i1}) and {k2} "
                f"{flat[i2]!r} (position {i2}); labels must be all numbers, all strings or all "
                "booleans (None, NaN, pd.NA and NaT are missing): convert them first, e.g. "
                "with astype(str)"
            )
    if seen:
        ((kind, i),) = seen.items()
        if not isinstance(flat[i], Hashable):
            raise ValueError(
                f"{name} holds {kind} values (e.g. {flat[i]!r} at position {i}); labels must "
                "be numbers, strings or booleans"
            )
        return kind
    return None


def same_kind(kinds: Sequence[tuple[str | None, str]]) -> None:
    """Raise unless the ``(kind, name)`` pairs agree (None, all missing, agrees with any).

    >>> same_kind([("number", "rater_1"), (None, "rater_2"), ("number", "categories")])
    >>> same_kind([("number", "rater_1"), ("boolean", "rater_2")])
    Traceback (most recent call last):
    ...
    ValueError: rater_1 holds number labels but rater_2 holds boolean labels; ...
    """
    known = [(k, n) for k, n in kinds if k is not None]
    for k, n in known[1:]:
        if k != known[0][0]:
            raise ValueError(
                f"{known[0][1]} holds {known[0][0]} labels but {n} holds {k} labels; "
                "pass labels of one kind (all numbers, all strings or all booleans)"
            )


def check_category_count(k: int, what: str) -> None:
    """Raise when ``k`` categories exceed `MAX_CATEGORIES` for ``what`` (the option asking).

    >>> check_category_count(30_000, "weights='quadratic'")
    Traceback (most recent call last):
    ...
    ValueError: weights='quadratic' needs a 30000 x 30000 matrix: 30000 categories exceed MAX_CATEGORIES = 2000; ...
    """
    if k > MAX_CATEGORIES:
        raise ValueError(
            f"{what} needs a {k} x {k} matrix: {k} categories exceed MAX_CATEGORIES = "
            f"{MAX_CATEGORIES}; use the unweighted / nominal statistic (no limit) or merge "
            "categories"
        )


def check_dense(n_rows: int, width: int, what: str) -> None:
    """Raise when an ``n_rows x width`` dense array would exceed `MAX_DENSE_CELLS` elements.

    >>> check_dense(60_000, 30_000**2, "categories (30000)")
    Traceback (most recent call last):
    ...
    ValueError: categories (30000): would need a dense 60000 x 900000000 array (5.40e+13 cells ...
    """
    if n_rows * width > MAX_DENSE_CELLS:
        raise ValueError(
            f"{what}: would need a dense {n_rows} x {width} array ({n_rows * width:.2e} "
            f"cells > MAX_DENSE_CELLS = {MAX_DENSE_CELLS:,}); unweighted point estimates do "
            "not, bootstrap contributions do: merge rare categories first"
        )


def pow2_scale(values: np.ndarray) -> float:
    """Power of two ``s`` with ``max|finite values| / s`` in [1, 2); 1.0 when all are 0.

    Dividing by a power of two is exact, so a statistic invariant to scale gives the same
    bits on ``values / s``, and squares of values near the float maximum do not overflow.

    >>> pow2_scale(np.array([3.0, -5.0, np.nan]))  # 5 = 1.25 * 2**2
    4.0
    >>> float(np.finfo(float).max / pow2_scale(np.array([np.finfo(float).max])))  # < 2
    1.9999999999999998
    """
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    top = float(v.max()) if v.size else 0.0
    if top == 0.0:
        return 1.0
    return float(np.ldexp(1.0, int(np.frexp(top)[1]) - 1))


def _from_sequence(x: Any) -> np.ndarray:
    """Array of a non-NumPy, non-pandas input read element by element.

    NumPy would turn ``["a", np.nan]`` into strings and ``[True, 1]`` into integers; reading
    as objects first lets `label_kind` see the values. Homogeneous numbers or booleans then
    get NumPy's numeric dtype as before (numbers with missing values: floats with NaN).
    """
    obj = np.asarray(x, dtype=object)
    if obj.size == 0:
        return np.asarray(x)
    flat = obj.ravel()
    kind = pd.api.types.infer_dtype(flat, skipna=True)
    if kind not in ("integer", "floating", "mixed-integer-float", "boolean"):
        return obj
    miss = np.asarray(pd.isna(flat))
    if not miss.any():
        return np.asarray(x)
    if kind == "boolean":
        return obj
    out = np.full(flat.shape, np.nan)
    out[~miss] = flat[~miss].astype(float)
    return out.reshape(obj.shape)


def _checked(arr: np.ndarray) -> np.ndarray:
    return arr if arr.dtype.kind in "biuf" else arr.astype(object)


def vector(x: Any, name: str) -> np.ndarray:
    """1-D array of labels (numeric dtype kept, anything else object)."""
    if isinstance(x, pd.DataFrame):
        raise ValueError(f"{name} must be 1-D labels, got a DataFrame of shape {x.shape}")
    if isinstance(x, pd.Series | pd.Index | pd.Categorical | pd.api.extensions.ExtensionArray):
        arr = np.asarray(pd.Series(x).to_numpy(dtype=object))
    elif isinstance(x, np.ndarray):
        arr = x
    else:
        arr = _from_sequence(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}")
    return _checked(arr)


def matrix_values(matrix: Any, name: str = "matrix") -> np.ndarray:
    """2-D items x raters array (numeric dtype kept, anything else object)."""
    if isinstance(matrix, pd.DataFrame):
        numeric = all(
            pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
            for t in matrix.dtypes
        )
        arr = (
            matrix.to_numpy(dtype=float, na_value=np.nan)
            if numeric and matrix.shape[1]
            else matrix.to_numpy(dtype=object)
        )
    elif isinstance(matrix, np.ndarray):
        arr = matrix
    else:
        arr = _from_sequence(matrix)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D items x raters array, got shape {arr.shape}")
    return _checked(arr)


def missing(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the missing entries (``None``, ``NaN``, ``pd.NA``); none for integers."""
    if values.dtype.kind in "biu":
        return np.zeros(values.shape, dtype=bool)
    return np.asarray(pd.isna(values))


def sort_categories(values: Sequence[Any], name: str) -> tuple[Any, ...]:
    """``values`` sorted (numbers numerically, strings lexicographically); mixed types raise."""
    vals = list(values)
    if all(isinstance(v, numbers.Real) for v in vals):
        return tuple(sorted(vals))
    if all(isinstance(v, str) for v in vals):
        return tuple(sorted(vals))
    kinds = sorted({type(v).__name__ for v in vals})
    raise ValueError(f"{name} mixes label types {kinds}; pass categories= to fix their order")


_SMALL = 1 << 16  # labels that are integers in [0, _SMALL) are coded by direct indexing


def factorize(flat: np.ndarray, name: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` like `pandas.factorize` (-1 = missing); fast for small integers.

    For integer-valued labels in [0, 65536) the "uniques" are simply 0..max (some unused),
    found by direct indexing instead of hashing. With ``name``, object labels must be of one
    kind (`label_kind`, ValueError naming ``name``); the check reads only the uniques unless
    a boolean and a 0 or 1 could have been merged by hashing (``True == 1``).

    >>> factorize(np.array(["b", "a", None, "b"], dtype=object), "rater_1")[0].tolist()
    [0, 1, -1, 0]
    >>> factorize(np.array([1, "1"], dtype=object), "rater_1")
    Traceback (most recent call last):
    ...
    ValueError: rater_1 mixes label types: number 1 (position 0) and string '1' (position 1); ...
    """
    kind = flat.dtype.kind
    if kind in "iuf" and flat.size:
        nan = np.isnan(flat) if kind == "f" else None
        v = np.where(nan, 0, flat) if nan is not None else flat
        lo, hi = v.min(), v.max()
        if lo >= 0 and hi < _SMALL:
            codes = v.astype(np.int64)
            if kind != "f" or (codes == v).all():
                if nan is not None:
                    codes[nan] = -1
                return codes, np.arange(int(hi) + 1).astype(flat.dtype)
    try:
        codes, uniques = pd.factorize(flat)
    except TypeError:  # unhashable labels (lists, dicts)
        if name is not None:
            label_kind(flat, name)
        raise
    uniques = np.asarray(uniques)
    if name is not None and flat.dtype == object:
        _check_uniques(flat, uniques, name)
    return np.asarray(codes, dtype=np.int64), uniques


def _check_uniques(flat: np.ndarray, uniques: np.ndarray, name: str) -> None:
    """`label_kind` of ``flat`` from its factorized ``uniques`` where that is enough."""
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    if kind in ("string", "empty"):
        return  # strings hash apart from every other kind
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        u = uniques.astype(float)
        if not ((u == 0) | (u == 1)).any():
            return  # no 0 or 1 that a boolean could hide behind
    elif kind not in ("boolean", "mixed", "mixed-integer"):
        return  # one other type (bytes, datetime, ...)
    label_kind(flat, name)


def infer_categories(values: np.ndarray, name: str) -> tuple[Any, ...]:
    """Sorted distinct non-missing labels of ``values`` (any shape)."""
    codes, uniques = factorize(values.ravel(), name)
    used = uniques[np.bincount(codes[codes >= 0], minlength=len(uniques)) > 0]
    if used.dtype.kind in "biuf":
        return tuple(np.sort(used).tolist())
    return sort_categories(used, name)


def as_float(values: np.ndarray, what: str) -> np.ndarray:
    """Float copy of ``values`` with missing entries as NaN; ValueError naming ``what`` otherwise.

    Scores are finite: NaN (None, pd.NA) marks a missing score, an infinity is refused
    (naming its position) rather than turned into a NaN statistic or a rank at the end.
    """
    if values.dtype.kind in "biuf":
        out = values.astype(float)
    else:
        label_kind(values, what)  # no booleans among numbers, no "1" beside 1
        miss = missing(values)
        out = np.full(values.shape, np.nan)
        try:
            out[~miss] = values[~miss].astype(float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{what} must hold numbers, got {err}") from None
    inf = np.isinf(out)
    if inf.any():
        where = tuple(int(i) for i in np.argwhere(inf)[0])
        at = where[0] if len(where) == 1 else list(where)
        raise ValueError(
            f"{what}: {out[where]} at position {at} is not a finite score "
            "(NaN or None marks a missing score)"
        )
    return out


def numeric_matrix(values: np.ndarray) -> np.ndarray:
    """:func:`as_float` of a rating matrix, for levels that need numbers (interval, ratio)."""
    return as_float(values, "matrix (for this level)")
