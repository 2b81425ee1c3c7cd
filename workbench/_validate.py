"""The one place that checks arguments and columns and words the error messages.

Every public function checks its options with :func:`check_option` and its input table
with :func:`check_columns` (or :func:`check_frame`), so the messages read the same
everywhere: ``"<argument>: expected <what>, got <value>"``.

Examples
--------
>>> check_option("resolve", "fastchat", ("per_order", "fastchat"))
'fastchat'
>>> check_option("resolve", "fast", ("per_order", "fastchat"))
Traceback (most recent call last):
...
ValueError: resolve: expected one of ['per_order', 'fastchat'], got 'fast'
"""

from __future__ import annotations

import collections
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .errors import SchemaError
from .schema import KEY, REQUIRED

__all__ = [
    "TABLE_KEY",
    "TABLE_REQUIRED",
    "check_columns",
    "check_frame",
    "check_option",
    "check_options",
    "check_table",
    "factorize",
]

T = TypeVar("T")


def check_option(name: str, value: T, allowed: Collection[Any]) -> T:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError`` naming ``name``.

    Parameters
    ----------
    name : str
        The argument's name as the caller spells it.
    value : object
        What the caller passed.
    allowed : collection
        Accepted values (a vocabulary of :mod:`workbench.vocab`, or a literal tuple).
    """
    try:
        ok = value in allowed
    except TypeError:  # unhashable value against a set/dict
        ok = False
    if not ok:
        raise ValueError(f"{name}: expected one of {list(allowed)}, got {value!r}")
    return value


def check_options(name: str, values: Iterable[T], allowed: Collection[Any]) -> list[T]:
    """Check every element of ``values`` with :func:`check_option`; return them as a list."""
    out = list(values)
    bad = [v for v in out if v not in allowed]
    if bad:
        raise ValueError(f"{name}: expected values from {list(allowed)}, got {bad!r}")
    return out


def check_frame(df: Any, arg: str = "df") -> pd.DataFrame:
    """Return ``df`` if it is a DataFrame, else raise :class:`SchemaError` naming ``arg``.

    (:class:`SchemaError` is a ``ValueError``, as the first release raised.)
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{arg}: expected a pandas DataFrame, got {type(df).__name__}")
    return df


def check_columns(df: Any, columns: Sequence[str], arg: str = "df") -> pd.DataFrame:
    """Check that ``df`` is a DataFrame holding every name in ``columns``.

    Raises
    ------
    SchemaError
        ``df`` is not a DataFrame, or a column is missing; the message names the
        missing columns and the columns present.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"a": [1]}), ["a", "b"], arg="table")
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: table: missing column(s) ['b']; has ['a']
    """
    check_frame(df, arg)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{arg}: missing column(s) {missing}; has {list(df.columns)}")
    return df


# ---------------------------------------------------------------- tidy judgment tables

TABLE_KEY: tuple[str, ...] = (*KEY, "sample")
"""Columns that identify a row of a tidy judgment table (:data:`workbench.schema.KEY`, and
``sample`` for repeated runs: each key column only where the table has it)."""

TABLE_REQUIRED: tuple[str, ...] = tuple(REQUIRED)
"""Columns :func:`check_table` requires by default, never NA (:data:`workbench.schema.REQUIRED`)."""

_NOT_NA = TABLE_REQUIRED


def _where(df: pd.DataFrame, i: int) -> str:
    """``row <position>``, plus the index label when it differs from the position."""
    label = df.index[i]
    return f"row {i}" if label == i else f"row {i} (index {label!r})"


def _show(value: Any) -> str:
    """A cell value for a message: its repr, or NA."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return "NA"
    return repr(value.item() if isinstance(value, np.generic) else value)


_FACTORIZED: collections.OrderedDict[int, tuple[Any, np.ndarray, np.ndarray]] = (
    collections.OrderedDict()
)
"""The last few factorizations of Arrow-backed columns, by the identity of their (immutable)
Arrow array: validation and the agreement tables then factorize a column once per call."""
_FACTORIZED_SIZE = 8


def factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per row (-1 = NA, first-appearance order) and the distinct values.

    Categorical columns use their codes; Arrow-backed columns (pandas' default ``str``
    and ``string`` dtypes) are factorized once and remembered by the identity of their
    Arrow array, which is immutable, so :func:`check_table` and the agreement tables that
    follow it share the work. Do not modify the returned arrays.

    Examples
    --------
    >>> codes, uniques = factorize(pd.Series(["b", "a", None, "b"], dtype="string"))
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, -1, 0], ['b', 'a'])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), np.asarray(values.cat.categories, dtype=object)
    arrow = getattr(values.array, "__arrow_array__", None)
    key = None
    if arrow is not None:
        data = arrow()
        key = id(data)
        hit = _FACTORIZED.get(key)
        if hit is not None and hit[0] is data:
            _FACTORIZED.move_to_end(key)
            return hit[1], hit[2]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.asarray(codes), np.asarray(uniques, dtype=object)
    if key is not None:
        _FACTORIZED[key] = (data, *out)  # holds the array, so its id is not reused
        while len(_FACTORIZED) > _FACTORIZED_SIZE:
            _FACTORIZED.popitem(last=False)
    return out


_codes = factorize


def _vocabulary(
    df: pd.DataFrame, col: str, allowed: Collection[str], arg: str, what: str = ""
) -> np.ndarray:
    """Codes of ``df[col]`` after checking every non-NA value is in ``allowed``; -1 for NA.

    Returns codes into ``allowed`` (in its order), so callers can index small lookup tables.
    """
    codes, uniques = _codes(df[col])
    allowed = list(allowed)
    pos = {v: k for k, v in enumerate(allowed)}
    lookup = np.array([pos.get(v, -2) for v in uniques] + [-1], dtype=np.int64)
    out = lookup[codes]  # code -1 (NA) picks the trailing -1
    bad = out == -2
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SchemaError(
            f"{arg}: {_where(df, i)}: field {col!r}: {df[col].iloc[i]!r} is not one of "
            f"{allowed}{what}"
        )
    return out


def _check_labels(df: pd.DataFrame, protocol: np.ndarray | None, arg: str) -> None:
    """Labels from the vocabulary, and each the right kind for its row's protocol."""
    from .vocab import BINARY_LABELS, LABELS, PAIRWISE_LABELS, PROTOCOLS

    label = _vocabulary(df, "label", LABELS, arg)
    if protocol is None:
        return
    # fits[protocol code, label code]: may a row of that protocol carry that label?
    fits = np.zeros((len(PROTOCOLS), len(LABELS) + 1), dtype=bool)
    fits[:, -1] = True  # NA label: an unparsed output, or a rating row
    for p, allowed in (("pairwise", PAIRWISE_LABELS), ("binary", BINARY_LABELS)):
        for lab in allowed:
            fits[PROTOCOLS.index(p), LABELS.index(lab)] = True
    ok = protocol >= 0
    bad = np.zeros(len(df), dtype=bool)
    bad[ok] = ~fits[protocol[ok], label[ok]]
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        proto = PROTOCOLS[protocol[i]]
        if proto == "rating":
            problem = "rating rows carry 'score', not 'label'"
        else:
            allowed = PAIRWISE_LABELS if proto == "pairwise" else BINARY_LABELS
            problem = f"{df['label'].iloc[i]!r} is not a {proto} label {list(allowed)}"
        raise SchemaError(f"{arg}: {_where(df, i)}: field 'label': {problem}")


def _check_scores(df: pd.DataFrame, arg: str) -> None:
    """Scores are numbers; NA is the missing-score convention, infinities are not."""
    s = df["score"]
    if pd.api.types.is_bool_dtype(s.dtype):
        raise SchemaError(f"{arg}: field 'score': dtype {s.dtype}, expected numbers")
    if pd.api.types.is_numeric_dtype(s.dtype):
        x = s.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(x)
    else:
        x = pd.to_numeric(s.astype("object"), errors="coerce").to_numpy(dtype=float)
        bad = (np.isnan(x) & s.notna().to_numpy()) | np.isinf(x)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SchemaError(
            f"{arg}: {_where(df, i)}: field 'score': {s.iloc[i]!r} is not a finite number "
            "(NA marks a missing score)"
        )


def _check_key_values(
    df: pd.DataFrame, col: str, codes: np.ndarray, uniques: np.ndarray, arg: str
) -> None:
    """A key column holds values of one type (``"3"`` never equals ``3``) and no empty string."""
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    bad = None
    if kind.startswith("mixed"):
        first = type(uniques[0])
        k = next(k for k, v in enumerate(uniques) if type(v) is not first)
        bad = (
            f"{uniques[k]!r} ({type(uniques[k]).__name__}) beside {uniques[0]!r} "
            f"({first.__name__}): a key column holds one type, or its values never match "
            "(convert it, e.g. astype(str))"
        )
    elif kind == "string":
        empty = np.flatnonzero(uniques == "")
        if len(empty):
            k = int(empty[0])
            bad = "empty string; a key field names its value (NA is an error too)"
    if bad is not None:
        i = int(np.flatnonzero(codes == k)[0])
        raise SchemaError(f"{arg}: {_where(df, i)}: field {col!r}: {bad}")


def _check_duplicates(df: pd.DataFrame, cols: list[str], arg: str) -> None:
    """No two rows share the key ``cols``; name both rows, the key and whether they conflict."""
    combined = np.zeros(len(df), dtype=np.int64)
    span = 1
    for c in cols:
        codes, uniques = _codes(df[c])
        if c != "order":
            _check_key_values(df, c, codes, uniques, arg)
        width = len(uniques) + 1  # NA (-1) becomes 0
        if span * width >= 2**62:  # re-number the combined key before it could overflow
            combined = pd.factorize(combined)[0].astype(np.int64)
            span = int(combined.max()) + 1 if len(combined) else 1
        combined = combined * width + (codes.astype(np.int64) + 1)
        span *= width
    if not len(df):
        return
    if span <= 4 * len(df) + 1024:
        if np.bincount(combined, minlength=1).max() < 2:
            return
    elif not pd.Series(combined).duplicated().any():  # sparse key space: one hash pass
        return
    dup = pd.Series(combined).duplicated(keep="first").to_numpy()
    j = int(np.flatnonzero(dup)[0])
    i = int(np.flatnonzero(combined == combined[j])[0])
    key = ", ".join(f"{c}={_show(df[c].iloc[i])}" for c in cols)
    what = "identical repeats"
    for c in ("label", "score"):
        if c in df.columns:
            a, b = df[c].iloc[i], df[c].iloc[j]
            if not ((pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b)):
                what = f"conflicting {c}s {_show(a)} and {_show(b)}"
                break
    raise SchemaError(
        f"{arg}: rows {i} and {j}: duplicate key ({key}): {what}; "
        "each (dataset, item_id, rater, order, criterion) may occur once"
    )


def check_table(
    df: Any,
    *,
    protocols: Collection[str] | None = None,
    need: Sequence[str] = TABLE_REQUIRED,
    arg: str = "df",
) -> pd.DataFrame:
    """Check a tidy judgment table at a public entry point; return it unchanged.

    The fast, vectorised counterpart of :func:`workbench.schema.validate` for tables that
    come from users: it does not demand every schema column or dtype, only what the caller
    reads, and words every error as ``"<arg>: row <i>: field '<column>': <value> ..."``.
    Row numbers are positions (the index label is added when it differs).

    Checks, in order (columns that are absent and not in ``need`` are skipped):

    1. ``df`` is a DataFrame holding every column of ``need``; rows of a pairwise or
       binary protocol need ``label``, rating rows need ``score``.
    2. ``protocol`` is one of :data:`workbench.vocab.PROTOCOLS` and, when ``protocols``
       is given, one of those.
    3. No NA in ``dataset``, ``item_id``, ``rater``, ``criterion``, ``protocol`` or
       ``rater_kind``; ``rater_kind`` from :data:`workbench.vocab.RATER_KINDS`.
    4. ``order`` is ``AB`` / ``BA`` / NA, and only pairwise rows have one.
    5. ``label`` from :data:`workbench.vocab.LABELS`, and of the row's protocol (no
       pairwise label on a binary row, no label on a rating row).
    6. ``score`` numeric and finite where present (NA is a missing score).
    7. No duplicate key (:data:`TABLE_KEY`, the key columns present; needs at least
       ``dataset``, ``item_id`` and ``rater``), whether the repeats conflict or not; each
       key column holds values of one type (not ``"3"`` beside ``3``) and no empty string.

    Parameters
    ----------
    df : DataFrame
        The table.
    protocols : collection of str, optional
        Protocols the caller handles; a row of another (valid) protocol is an error.
        Default: any of :data:`workbench.vocab.PROTOCOLS`.
    need : sequence of str, default :data:`TABLE_REQUIRED`
        Columns that must be present.
    arg : str, default "df"
        The argument's name, as the caller spells it, for the messages.

    Returns
    -------
    DataFrame
        ``df`` itself (not a copy).

    Raises
    ------
    SchemaError
        Naming the column, the row and the value (for a duplicate: both rows and the key).

    Notes
    -----
    Cost is a few vectorised passes: categorical columns are checked on their codes,
    other columns are factorised once; 1,000,000 rows take a fraction of a second.

    Examples
    --------
    >>> t = pd.DataFrame({"dataset": "t", "item_id": ["1", "1"], "protocol": "binary",
    ...                   "criterion": "overall", "rater": "j", "rater_kind": "llm",
    ...                   "label": ["correct", "A"]})
    >>> check_table(t.iloc[:1]) is not None
    True
    >>> check_table(t)
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: df: row 1: field 'label': 'A' is not a binary label ['correct', 'incorrect']
    >>> check_table(t.assign(label="correct"))
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: df: rows 0 and 1: duplicate key (dataset='t', item_id='1', rater='j', criterion='overall'): identical repeats; each (dataset, item_id, rater, order, criterion) may occur once
    >>> check_table(t.drop(columns="protocol"), arg="table")
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: table: missing column(s) ['protocol']; has ['dataset', 'item_id', 'criterion', 'rater', 'rater_kind', 'label']
    """
    from .vocab import ORDERS, PROTOCOLS, RATER_KINDS

    check_columns(df, list(need), arg=arg)
    protocol = None
    if "protocol" in df.columns:
        protocol = _vocabulary(df, "protocol", PROTOCOLS, arg)
        if protocols is not None:
            handled = np.array([p in protocols for p in PROTOCOLS] + [True])
            off = ~handled[protocol]
            if off.any():
                i = int(np.flatnonzero(off)[0])
                raise SchemaError(
                    f"{arg}: {_where(df, i)}: field 'protocol': {df['protocol'].iloc[i]!r} is "
                    f"not handled here (expected one of {list(protocols)})"
                )
        present = np.bincount(protocol[protocol >= 0], minlength=len(PROTOCOLS)) > 0
        wants = []
        if present[PROTOCOLS.index("pairwise")] or present[PROTOCOLS.index("binary")]:
            wants.append("label")
        if present[PROTOCOLS.index("rating")]:
            wants.append("score")
        check_columns(df, wants, arg=arg)
    for col in _NOT_NA:
        if col in df.columns:
            na = df[col].isna().to_numpy()
            if na.any():
                i = int(np.flatnonzero(na)[0])
                raise SchemaError(f"{arg}: {_where(df, i)}: field {col!r}: missing (NA)")
    if "rater_kind" in df.columns:
        _vocabulary(df, "rater_kind", RATER_KINDS, arg)
    if "order" in df.columns:
        order = _vocabulary(df, "order", ORDERS, arg, " or NA")
        if protocol is not None:
            bad = (order >= 0) & (protocol >= 0) & (protocol != PROTOCOLS.index("pairwise"))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise SchemaError(
                    f"{arg}: {_where(df, i)}: field 'order': {df['order'].iloc[i]!r} on a "
                    f"{PROTOCOLS[protocol[i]]} row; only pairwise rows have an order"
                )
    if "label" in df.columns:
        _check_labels(df, protocol, arg)
    if "score" in df.columns:
        _check_scores(df, arg)
    if {"dataset", "item_id", "rater"} <= set(df.columns):
        _check_duplicates(df, [c for c in TABLE_KEY if c in df.columns], arg)
    return df
