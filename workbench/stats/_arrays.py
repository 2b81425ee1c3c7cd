"""Array input handling shared by the statistics: label vectors, rating matrices, missing values.

One place for how :mod:`workbench.stats` turns user input into NumPy arrays: 1-D label
vectors and items x raters matrices keep a numeric dtype and hold anything else as
``object``; ``None``, ``NaN`` and ``pd.NA`` are missing; categories default to the sorted
distinct labels; scores become floats with missing entries as NaN.

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
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_float",
    "factorize",
    "infer_categories",
    "matrix_values",
    "missing",
    "numeric_matrix",
    "sort_categories",
    "vector",
]


def vector(x: Any, name: str) -> np.ndarray:
    """1-D array of labels (numeric dtype kept, anything else object)."""
    if isinstance(x, pd.DataFrame):
        raise ValueError(f"{name} must be 1-D labels, got a DataFrame of shape {x.shape}")
    if isinstance(x, pd.Series | pd.Index | pd.Categorical | pd.api.extensions.ExtensionArray):
        arr = np.asarray(pd.Series(x).to_numpy(dtype=object))
    else:
        arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        arr = arr.astype(object)
    return arr


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
    else:
        arr = np.asarray(matrix)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D items x raters array, got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        arr = arr.astype(object)
    return arr


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


def factorize(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` like `pandas.factorize` (-1 = missing); fast for small integers.

    For integer-valued labels in [0, 65536) the "uniques" are simply 0..max (some unused),
    found by direct indexing instead of hashing.
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
    codes, uniques = pd.factorize(flat)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques)


def infer_categories(values: np.ndarray, name: str) -> tuple[Any, ...]:
    """Sorted distinct non-missing labels of ``values`` (any shape)."""
    codes, uniques = factorize(values.ravel())
    used = uniques[np.bincount(codes[codes >= 0], minlength=len(uniques)) > 0]
    if used.dtype.kind in "biuf":
        return tuple(np.sort(used).tolist())
    return sort_categories(used, name)


def as_float(values: np.ndarray, what: str) -> np.ndarray:
    """Float copy of ``values`` with missing entries as NaN; ValueError naming ``what`` otherwise."""
    if values.dtype.kind in "biuf":
        return values.astype(float)
    miss = missing(values)
    out = np.full(values.shape, np.nan)
    try:
        out[~miss] = values[~miss].astype(float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must hold numbers, got {err}") from None
    return out


def numeric_matrix(values: np.ndarray) -> np.ndarray:
    """:func:`as_float` of a rating matrix, for levels that need numbers (interval, ratio)."""
    return as_float(values, "matrix (for this level)")
