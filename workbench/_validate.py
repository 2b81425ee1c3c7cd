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

from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVar

import pandas as pd

from .errors import SchemaError

__all__ = ["check_columns", "check_frame", "check_option", "check_options"]

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
