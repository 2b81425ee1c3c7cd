"""Strict value parsing shared by the loaders: labels, integer ids, finite numbers, texts.

A reader (:mod:`workbench.loaders.raw`) checks a file's *structure*; these functions check
its *values*. A loader passes every column it turns into a label, an id, a score or a text
through one of them, and gets either clean Python values or a
:class:`~workbench.schema.LoadError` naming the file, the record and the field.

Rules (the same for every dataset):

- **Types are exact.** JSON ``true`` is not the label ``1``, the float ``1.0`` is not the
  id ``1`` and the string ``"1"`` is not the integer ``1`` (Python's ``True == 1 == 1.0``
  would let all three through a dict lookup). A float where an integer is expected is
  rejected even when it is integral (``3.0``): every upstream file writes integers without
  a decimal point, so ``3.0`` means the file was rewritten by a tool that changed types,
  and normalizing it would hide that.
- **Missing values are opt-in.** JSON ``null``, ``NaN`` or an empty CSV cell is accepted
  only when the loader names it as the dataset's documented NA (``na=``); anywhere else
  it raises.
- **Numbers are finite.** ``nan`` / ``inf`` / ``Infinity`` raise; numbers read from text
  must be plain decimal literals (:data:`NUMBER`: no ``"1_000"``, ``" 3"`` or ``"0x1f"``).

Record locators (``records=``) are a sequence (one per value), a callable ``i -> locator``
or ``None`` (the 0-based position); ``field=`` is one name, or one per value when the
values come from several fields.

Examples
--------
>>> labels([1, 2, 0], {0: "tie", 1: "A", 2: "B"}, file="f.json", field="annotator1")
['A', 'B', 'tie']
>>> labels([1, True], {0: "tie", 1: "A", 2: "B"}, file="f.json", field="annotator1")
Traceback (most recent call last):
...
workbench.schema.LoadError: f.json: record 1: field 'annotator1': unexpected value true (a bool where the file has int; expected one of [0, 1, 2])
>>> labels(["1", None], {"1": "A", "2": "B"}, file="r.json", field="winner", na=(None,))
['A', None]
>>> integers([0, 3.0], file="h.json", field="num", records=["line 1", "line 2"])
Traceback (most recent call last):
...
workbench.schema.LoadError: h.json: record line 2: field 'num': expected an integer, got 3.0 (a float)
>>> integers(["12", "-3"], file="c.csv", field="id", from_text=True)
[12, -3]
>>> numbers(["1.5", "2"], file="c.csv", field="score", from_text=True)
[1.5, 2.0]
>>> numbers([1.5, float("inf")], file="s.json", field="score")
Traceback (most recent call last):
...
workbench.schema.LoadError: s.json: record 1: field 'score': expected a finite number, got inf
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import LoadError

__all__ = ["NUMBER", "integers", "labels", "number_list", "numbers", "show", "texts", "unique"]

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
"""A plain decimal literal (``3``, ``-0.5``, ``1e-05``); what numbers read from text must match."""

_NUMBER = re.compile(NUMBER)
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER_LIST = re.compile(rf"\[\s*(?:{NUMBER}(?:\s*,\s*{NUMBER})*)?\s*\]")

Records = Sequence | Callable[[int], object] | None
Fields = str | Sequence[str]


def _where(records: Records, i: int) -> object:
    if records is None:
        return i
    if callable(records):
        return records(i)
    return records[i]


def _field(field: Fields, i: int) -> str:
    return field if isinstance(field, str) else field[i]


def show(value: Any) -> str:
    """A raw value as errors name it: JSON spelling for null and booleans, long texts cut.

    >>> show(None), show(True), show(float("nan")), show("x" * 70)[-5:]
    ('null', 'true', 'NaN', "x'...")
    """
    value = value.item() if isinstance(value, np.generic) else value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:60]) + "..."
    return repr(value)


def _native(value: Any) -> Any:
    """numpy scalars as the Python values they hold (``np.int64(3)`` -> ``3``)."""
    return value.item() if isinstance(value, np.generic) else value


def _key(value: Any) -> tuple[type, Hashable]:
    """A lookup key that tells ``True``, ``1`` and ``1.0`` apart (and matches NaN to NaN)."""
    kind = type(value)
    if kind is str or kind is int:  # the common case, first
        return (kind, value)
    value = _native(value)
    if isinstance(value, float) and math.isnan(value):
        return (float, "nan")
    try:
        hash(value)
    except TypeError:
        return (type(value), id(value))  # lists, dicts: never a label
    return (type(value), value)


def labels(
    values: Iterable,
    table: Mapping[Any, Any],
    *,
    file: str,
    field: Fields,
    records: Records = None,
    na: Iterable = (),
) -> list:
    """Map raw values through an explicit table with exact types; ``na`` values map to None.

    Parameters
    ----------
    values : iterable
        Raw values, as the reader returned them.
    table : mapping
        Raw value -> label (a value of ``None`` is a documented unparsable verdict).
    file : str
        Named in errors.
    field : str or sequence of str
        Named in errors (one per value when the values come from several fields).
    records : sequence or callable, optional
        Record locator per value (default: the 0-based position).
    na : iterable
        Raw values that are the dataset's documented NA (``None`` for JSON null, ``""``
        for an empty CSV cell); anything else outside ``table`` raises.

    Returns
    -------
    list
        One label (or None) per value.

    Raises
    ------
    LoadError
        A value outside ``table`` and ``na``, including one equal to a key but of another
        type (``True`` or ``1.0`` for ``1``).
    """
    typed = {_key(k): v for k, v in table.items()}
    missing = {_key(v) for v in na}
    out = []
    for i, raw in enumerate(values):
        key = _key(raw)
        if key in typed:
            out.append(typed[key])
        elif key in missing:
            out.append(None)
        else:
            raise LoadError(file, _where(records, i), _field(field, i), _unexpected(raw, table, na))
    return out


def _unexpected(raw: Any, table: Mapping, na: Iterable) -> str:
    expected = f"expected one of {list(table)}"
    na = list(na)
    if na:
        expected += f" or {', '.join(show(v) for v in na)} (NA)"
    value = _native(raw)
    same = [k for k in table if _equal_untyped(k, value)]
    if same:
        hint = f"a {type(value).__name__} where the file has {type(same[0]).__name__}; "
        return f"unexpected value {show(raw)} ({hint}{expected})"
    return f"unexpected value {show(raw)} ({expected})"


def _equal_untyped(key: Any, value: Any) -> bool:
    try:
        return bool(key == value)
    except Exception:  # noqa: BLE001 - exotic values never equal a label
        return False


def integers(
    values: Iterable, *, file: str, field: Fields, records: Records = None, from_text: bool = False
) -> list[int]:
    """Integers (ids, counts, integer-coded values), exact: no booleans, floats or nulls.

    ``from_text=True`` reads CSV cells: each must be an ASCII integer literal (``-?[0-9]+``).

    Raises
    ------
    LoadError
        A boolean, a float (also an integral one such as ``3.0``), null / NaN, or a text
        that is not an integer literal.
    """
    out = []
    fast = str if from_text else int
    match = _INTEGER.fullmatch
    for i, raw in enumerate(values):
        if type(raw) is fast and (not from_text or match(raw)):  # the common case, first
            out.append(int(raw))
            continue
        value = _native(raw)
        if from_text:
            if isinstance(value, str) and _INTEGER.fullmatch(value):
                out.append(int(value))
                continue
            problem = f"not an integer: {show(raw)}"
        elif type(value) is int:
            out.append(value)
            continue
        else:
            kind = type(value).__name__ if value is not None else "null"
            problem = f"expected an integer, got {show(raw)} (a {kind})"
            if value is None or (isinstance(value, float) and math.isnan(value)):
                problem = f"expected an integer, got {show(raw)}"
        raise LoadError(file, _where(records, i), _field(field, i), problem)
    return out


def numbers(
    values: Iterable,
    *,
    file: str,
    field: Fields,
    records: Records = None,
    from_text: bool = False,
    na: Iterable = (),
) -> list[float | None]:
    """Finite numbers as floats; ``na`` values (e.g. ``""`` for an empty cell) map to None.

    ``from_text=True`` reads CSV cells: each must match :data:`NUMBER`.

    Raises
    ------
    LoadError
        A boolean, null, a string (unless ``from_text``), ``nan`` / ``inf``, or a text
        that is not a plain decimal literal.
    """
    missing = {_key(v) for v in na}
    out: list[float | None] = []
    for i, raw in enumerate(values):
        if missing and _key(raw) in missing:
            out.append(None)
            continue
        value = _native(raw)
        if from_text:
            ok = isinstance(value, str) and _NUMBER.fullmatch(value) is not None
            number = float(value) if ok else math.nan
            problem = f"not a number: {show(raw)}" if not ok else f"not a finite number: {raw!r}"
        else:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            number = float(value) if ok else math.nan
            problem = f"expected a finite number, got {show(raw)}"
        if math.isfinite(number):
            out.append(number)
            continue
        raise LoadError(file, _where(records, i), _field(field, i), problem)
    return out


def number_list(
    text: str, *, file: str, record: object, field: str, size: int | None = None
) -> tuple[np.ndarray, list[str]]:
    """A bracketed list of decimal numbers held in one CSV cell (``"[1, 2.5, -1.0]"``).

    Returns
    -------
    (ndarray, list of str)
        The values as floats and their tokens verbatim.

    Raises
    ------
    LoadError
        Not a list of :data:`NUMBER` literals (``nan`` and ``inf`` are not), a value that
        overflows to infinity, or not ``size`` numbers.

    Examples
    --------
    >>> number_list("[1, 2.5]", file="f.csv", record="row 0", field="x")
    (array([1. , 2.5]), ['1', '2.5'])
    >>> number_list("[1, nan]", file="f.csv", record="row 0", field="x")
    Traceback (most recent call last):
    ...
    workbench.schema.LoadError: f.csv: record row 0: field 'x': expected a list of numbers, got '[1, nan]' (the first bad token: 'nan')
    """
    body = text.strip()
    if not _NUMBER_LIST.fullmatch(body):
        if not (body.startswith("[") and body.endswith("]")):
            raise LoadError(file, record, field, f"expected a list of numbers, got {show(text)}")
        bad = next((t for t in _tokens(body) if not _NUMBER.fullmatch(t)), "")
        raise LoadError(
            file,
            record,
            field,
            f"expected a list of numbers, got {show(text)} (the first bad token: {bad!r})",
        )
    tokens = _tokens(body)
    if size is not None and len(tokens) != size:
        raise LoadError(file, record, field, f"expected {size} numbers, got {len(tokens)}")
    values = np.array([float(t) for t in tokens], dtype=float)
    inf = ~np.isfinite(values)
    if inf.any():
        bad = tokens[int(inf.nonzero()[0][0])]
        raise LoadError(file, record, field, f"not a finite number: {bad!r}")
    return values, tokens


def _tokens(body: str) -> list[str]:
    inner = body[1:-1].strip()
    return [t.strip() for t in inner.split(",")] if inner else []


def texts(
    values: Iterable,
    *,
    file: str,
    field: Fields,
    records: Records = None,
    nullable: bool = False,
    booleans: bool = False,
) -> list[str | None]:
    """Texts, exact: a number, a list or null where a text is expected raises.

    Parameters
    ----------
    nullable : bool
        JSON null is the field's documented "no text" (returned as None).
    booleans : bool
        JSON ``true`` / ``false`` are read as the texts ``"True"`` / ``"False"`` (a
        documented upstream quirk: a model's answer "True" serialized as a boolean).

    Raises
    ------
    LoadError
        A value that is not a string (nor null / a boolean where allowed).
    """
    out: list[str | None] = []
    for i, raw in enumerate(values):
        if type(raw) is str:  # the common case, first
            out.append(raw)
            continue
        value = _native(raw)
        if isinstance(value, str):
            out.append(value)
        elif value is None and nullable:
            out.append(None)
        elif isinstance(value, bool) and booleans:
            out.append(str(value))
        else:
            raise LoadError(
                file, _where(records, i), _field(field, i), f"expected a text, got {show(raw)}"
            )
    return out


def unique(
    values: Sequence, *, file: str, field: str, records: Records = None, what: str = "id"
) -> None:
    """Raise on the first value seen twice (exact types: ``1`` and ``1.0`` are different).

    >>> unique([3, 4, 3], file="f.json", field="idx")
    Traceback (most recent call last):
    ...
    workbench.schema.LoadError: f.json: record 2: field 'idx': duplicate id 3 (first at record 0)
    """
    first: dict[tuple, int] = {}
    for i, raw in enumerate(values):
        key = _key(raw)
        if key in first:
            raise LoadError(
                file,
                _where(records, i),
                field,
                f"duplicate {what} {show(raw)} (first at record {_where(records, first[key])})",
            )
        first[key] = i
