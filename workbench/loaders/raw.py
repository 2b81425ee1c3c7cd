"""Raw-format readers shared by the loaders: every error names the file, the record and the field.

Each reader checks the file before its records:

- an **empty** file (no bytes, or only whitespace) raises;
- the bytes must be **UTF-8** (strict; the error names the line of the first bad byte);
- no text field may be longer than :data:`MAX_FIELD` characters (checked only when the
  file is larger than that, so it costs nothing on ordinary files);
- **truncation**: a JSON file that ends inside a value says so; a CSV file must end with a
  line end (a cut inside the last record's last field is otherwise invisible); a JSON
  Lines file whose last line is cut fails as invalid JSON on that line; and where the
  loader knows the published number of records (``rows=``, from the dataset's
  ``SOURCE.md``), any other count raises;
- JSON objects with a **duplicate key** raise (Python's ``json`` would keep the last one).

Values inside the records are checked by :mod:`workbench.loaders.values`.

>>> read_jsonl(['{"a": 1}', '', '{"a": 2}'], "f.jsonl", required=["a"])
[{'a': 1}, {'a': 2}]
>>> read_jsonl(['{"a": 1}', '{"b": 2}'], "f.jsonl", required=["a"])
Traceback (most recent call last):
...
workbench.schema.LoadError: f.jsonl: record line 2: field 'a': missing
>>> read_jsonl(['{"a": 1, "a": 2}'], "f.jsonl")
Traceback (most recent call last):
...
workbench.schema.LoadError: f.jsonl: record line 1: field 'a': duplicate key
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import LoadError

__all__ = [
    "MAX_FIELD",
    "check_rows",
    "decode",
    "jsonl_records",
    "read_csv",
    "read_json",
    "read_jsonl",
    "read_jsonl_file",
    "read_records",
    "read_text",
]

MAX_FIELD = 10 * 1024 * 1024
"""Longest text field a reader accepts, in characters (10 MiB). The longest field of the
staged datasets has 9,122 characters (an LLMEval² response); a field this large is a
damaged or hostile file, not data."""

_DUP = "\x00duplicate key"


def read_text(path: Path, name: str) -> str:
    """A file's text: non-empty and strict UTF-8 (:func:`decode`)."""
    return decode(Path(path).read_bytes(), name)


def decode(data: bytes, name: str) -> str:
    """Bytes as text, refusing an empty file and anything that is not UTF-8.

    Raises
    ------
    LoadError
        ``record -`` for an empty file; ``record line <n>`` for the first byte that is not
        UTF-8.

    Examples
    --------
    >>> decode(b"a\\n\\xff\\n", "f.csv")
    Traceback (most recent call last):
    ...
    workbench.schema.LoadError: f.csv: record line 2: field '-': invalid UTF-8: byte 0xff at column 1 (invalid start byte)
    """
    if not data.strip():
        what = "empty file" if not data else f"empty file ({len(data)} bytes of whitespace)"
        raise LoadError(name, "-", "-", what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            name,
            f"line {line}",
            "-",
            f"invalid UTF-8: byte 0x{data[exc.start]:02x} at column {col} ({exc.reason})",
        ) from None


def check_rows(
    name: str, n: int, expected: int | None, *, unit: str = "row", start: int = 0
) -> None:
    """Raise unless a file holds the ``expected`` number of records (None: not known).

    The error names the first missing (or first extra) record: ``<unit> <start + k>``,
    where ``start`` is the locator of the first record (0 for CSV rows, 1 for lines).

    >>> check_rows("f.csv", 31, 32)
    Traceback (most recent call last):
    ...
    workbench.schema.LoadError: f.csv: record row 31: field '-': 31 records, SOURCE.md documents 32 (truncated or altered file?)
    """
    if expected is None or n == expected:
        return
    raise LoadError(
        name,
        f"{unit} {start + min(n, expected)}",
        "-",
        f"{n} records, SOURCE.md documents {expected} (truncated or altered file?)",
    )


def _pairs(found: list) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict:
        out = dict(pairs)
        if len(out) < len(pairs):
            seen: set[str] = set()
            out[_DUP] = next(k for k, _ in pairs if k in seen or seen.add(k))
            found.append(True)
        return out

    return hook


def _find(obj: Any, hit, path: tuple = ()) -> tuple | None:
    """Path (keys / indices) to the first node where ``hit(node)`` is true, depth first."""
    if hit(obj):
        return path
    if isinstance(obj, dict):
        items: Iterable = obj.items()
    elif isinstance(obj, list):
        items = enumerate(obj)
    else:
        return None
    for key, value in items:
        if (found := _find(value, hit, (*path, key))) is not None:
            return found
    return None


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "-"


def _check_parsed(data: Any, name: str, *, found: list, size: int, record: object = None) -> None:
    """Duplicate keys and huge fields of parsed JSON (``record`` given: one JSON Lines record)."""
    where = (lambda path: (record, path)) if record is not None else _split
    if found:
        path = _find(data, lambda node: isinstance(node, dict) and _DUP in node)
        node = data
        for key in path:
            node = node[key]
        rec, rest = where(path)
        raise LoadError(name, rec, _dotted((*rest, node[_DUP])), "duplicate key")
    if size > MAX_FIELD:
        path = _find(data, lambda node: isinstance(node, str) and len(node) > MAX_FIELD)
        if path is not None:
            node = data
            for key in path:
                node = node[key]
            rec, rest = where(path)
            raise LoadError(name, rec, _dotted(rest), _huge(len(node)))


def _split(path: tuple) -> tuple[object, tuple]:
    """(record, field path) of a path into a JSON document (a top-level array: its index)."""
    if path and isinstance(path[0], int):
        return path[0], path[1:]
    return "-", path


def _huge(n: int) -> str:
    return f"field of {n:,} characters exceeds the limit of {MAX_FIELD:,} (damaged file?)"


def read_json(path: Path, name: str, *, column: bool = False) -> Any:
    """A parsed JSON document (:func:`read_text` checks first, then duplicate keys, huge fields).

    Parameters
    ----------
    column : bool
        Name the column as well as the line of a syntax error (``line 3 col 17``).

    Raises
    ------
    LoadError
        Invalid JSON (``record line <n>``; a file that ends inside a value says
        "truncated"), a duplicate key or a huge field (record = index in a top-level
        array, field = the key path).
    """
    text = read_text(path, name)
    found: list = []
    try:
        data = json.loads(text, object_pairs_hook=_pairs(found))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}" + (f" col {exc.colno}" if column else "")
        # An unterminated string runs to the end of the file by definition.
        ends = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        cut = " (the file ends inside a value: truncated?)" if ends else ""
        raise LoadError(name, where, "-", f"invalid JSON: {exc.msg}{cut}") from None
    _check_parsed(data, name, found=found, size=len(text))
    return data


def read_records(
    path: Path,
    name: str,
    *,
    required: Iterable[str] = (),
    id_key: str | None = None,
    column: bool = False,
) -> list[dict]:
    """A JSON array of objects, each with the ``required`` keys (:func:`read_json` checks first).

    ``id_key`` adds that key's value to the locator of a missing key (``12 (idx=12)``).
    """
    data = read_json(path, name, column=column)
    if not isinstance(data, list):
        raise LoadError(name, "-", "-", f"expected a JSON array, got {type(data).__name__}")
    required = list(required)
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise LoadError(name, i, "-", f"expected an object, got {type(rec).__name__}")
        for key in required:
            if key not in rec:
                where = f"{i} ({id_key}={rec.get(id_key)})" if id_key else i
                raise LoadError(name, where, key, "missing")
    return data


def read_jsonl(
    lines: Iterable[str], name: str, *, required: Iterable[str] = (), id_key: str | None = None
) -> list[dict]:
    """Parse JSON Lines into dicts, checking that each record is an object with ``required`` keys.

    Parameters
    ----------
    lines : iterable of str
        The file's lines; blank lines are skipped.
    name : str
        File name used in errors.
    required : iterable of str
        Keys every record must have.
    id_key : str, optional
        A key whose value is added to the record locator of errors (``line 7 (id=12)``).

    Raises
    ------
    LoadError
        Invalid JSON, a record that is not an object, a duplicate or missing key, a huge
        field.
    """
    required = list(required)
    records = []
    found: list = []
    decoder = json.JSONDecoder(object_pairs_hook=_pairs(found))  # one per file: cheap lines
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = decoder.decode(line)
        except json.JSONDecodeError as exc:
            raise LoadError(name, f"line {lineno}", "-", f"invalid JSON: {exc.msg}") from exc
        if not isinstance(rec, dict):
            raise LoadError(
                name, f"line {lineno}", "-", f"expected an object, got {type(rec).__name__}"
            )
        _check_parsed(rec, name, found=found, size=len(line), record=f"line {lineno}")
        for key in required:
            if key not in rec:
                where = f"line {lineno}" + (f" ({id_key}={rec.get(id_key)})" if id_key else "")
                raise LoadError(name, where, key, "missing")
        records.append(rec)
    return records


def read_jsonl_file(
    path: Path,
    name: str,
    *,
    required: Iterable[str] = (),
    id_key: str | None = None,
    rows: int | None = None,
) -> list[dict]:
    """A JSON Lines file (:func:`read_text` checks first, then :func:`jsonl_records`)."""
    return jsonl_records(read_text(path, name), name, required=required, id_key=id_key, rows=rows)


def jsonl_records(
    text: str,
    name: str,
    *,
    required: Iterable[str] = (),
    id_key: str | None = None,
    rows: int | None = None,
) -> list[dict]:
    """The records of a JSON Lines text (lines end at ``\\n`` only, as the writers wrote them).

    ``rows``: the published number of records; another count raises (truncated file). A
    last line that is invalid JSON and has no line end is reported as cut.
    """
    lines = text.split("\n")
    try:
        records = read_jsonl(lines, name, required=required, id_key=id_key)
    except LoadError as exc:
        last = max((i for i, line in enumerate(lines, start=1) if line.strip()), default=0)
        cut = exc.problem.startswith("invalid JSON") and exc.record == f"line {last}"
        if cut and not text.endswith("\n"):
            problem = f"{exc.problem} (the last line is cut: truncated?)"
            raise LoadError(name, exc.record, exc.field, problem) from None
        raise
    check_rows(name, len(records), rows, unit="line", start=1)
    return records


@contextmanager
def _field_limit() -> Iterator[None]:
    """Let :mod:`csv` read fields of any size (huge ones are then reported by column)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_csv(
    path: Path,
    name: str,
    *,
    required: Iterable[str] = (),
    header: list[str] | None = None,
    rows: int | None = None,
) -> tuple[pd.DataFrame, list[int]]:
    """A CSV file as a frame of strings, with the first line number of each record.

    Every cell is kept as text ('' for an empty cell). Record locators of errors are
    ``row <i>`` (0-based data row); the message adds the line where the record starts
    (records may span lines inside quoted fields).

    Parameters
    ----------
    required : iterable of str
        Columns the header must have.
    header : list of str, optional
        The exact header (names and order) the file must have.
    rows : int, optional
        The published number of data rows; another count raises.

    Returns
    -------
    (DataFrame, list of int)
        The table (columns exactly as the header names them) and, per row, the line
        number where its record starts (1-based; the header is line 1).

    Raises
    ------
    LoadError
        Beyond :func:`read_text`'s checks: a quoting error or a file that ends inside a
        quoted field, a duplicate or missing header column, a row with fewer or more
        fields than the header (``field`` = the first missing column), a missing final
        line end, a huge field, a row count other than ``rows``.
    """
    text = read_text(path, name)
    body: list[list[str]] = []
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    with _field_limit():
        try:
            columns = next(reader)
            line = reader.line_num
            for record in reader:
                starts.append(line + 1)
                body.append(record)
                line = reader.line_num
        except csv.Error as exc:
            cut = (
                " (the file ends inside a quoted field: truncated?)"
                if "end of data" in str(exc)
                else ""
            )
            raise LoadError(
                name, f"row {len(body)}", "-", f"unreadable CSV at line {line + 1}: {exc}{cut}"
            ) from None
    _check_header(columns, name, required, header)
    width = len(columns)
    for i, record in enumerate(body):
        if len(record) != width:
            at = f"line {starts[i]}: {len(record)} fields, the header has {width}"
            if len(record) < width:
                raise LoadError(
                    name,
                    f"row {i}",
                    columns[len(record)],
                    f"row ends early ({at}; truncated file?)",
                )
            raise LoadError(name, f"row {i}", "-", f"row too long ({at})")
    if not text.endswith("\n"):
        raise LoadError(
            name,
            f"row {max(len(body) - 1, 0)}",
            columns[-1],
            "the last line has no line end: the file may be cut inside it (truncated?)",
        )
    if len(text) > MAX_FIELD:
        for i, record in enumerate(body):
            for col, cell in zip(columns, record, strict=True):
                if len(cell) > MAX_FIELD:
                    raise LoadError(name, f"row {i}", col, f"{_huge(len(cell))} (line {starts[i]})")
    check_rows(name, len(body), rows)
    frame = (
        pd.DataFrame(body, columns=columns, dtype=object)
        if body
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )
    return frame, starts


def _check_header(
    columns: list[str], name: str, required: Iterable[str], header: list[str] | None
) -> None:
    if header is not None and columns != header:
        extra = [h for h in columns if h not in header]
        missing = [h for h in header if h not in columns]
        field = (extra or missing or ["-"])[0]
        what = (
            "unknown column" if extra else "missing column" if missing else "columns out of order"
        )
        raise LoadError(name, "header", field, f"{what}; expected {header}, got {columns}")
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            raise LoadError(name, "header", col, "duplicate column")
        seen.add(col)
    for col in required:
        if col not in seen:
            raise LoadError(name, "header", col, f"missing column (header: {columns})")
