"""Files of the annotation store: CSV / parquet / JSONL export, JSONL import.

:meth:`AnnotationStore.export <workbench.annotations.AnnotationStore.export>`
and :meth:`~workbench.annotations.AnnotationStore.import_jsonl` call these
functions. An export is written to a temporary file renamed into place, so a
crash never leaves half a file. An import parses and checks the whole file first
(:func:`parse_jsonl`: sizes, encoding, JSON, nesting, every field), then, inside the
store's single write transaction, :func:`plan_import` checks every event against the
store and the rest of the file (conflicting ids, provenance, time order) before
:func:`add_events` writes any. :func:`read_table` reads a CSV or parquet export back
into exactly the table :meth:`~workbench.annotations.AnnotationStore.current` gave.

Examples
--------
>>> from pathlib import Path
>>> from tempfile import TemporaryDirectory
>>> from workbench.annotations import AnnotationStore
>>> store = AnnotationStore(":memory:")
>>> _ = store.add(dataset="toy", item_id="1", cause="other", annotator="ann")
>>> with TemporaryDirectory() as tmp:
...     path = export_file(store, Path(tmp) / "log.jsonl", "jsonl")
...     [ev["action"] for _, ev in parse_jsonl(path)]
['create']
"""

from __future__ import annotations

import codecs
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ..errors import AnnotationStoreError, LoadError
from .fields import CURRENT_COLUMNS, MAX_DEPTH, MAX_LINE_BYTES, OPTIONAL, dumps, typed
from .sql import insert_event
from .validate import FieldError, check_event, check_follows

if TYPE_CHECKING:
    from .store import AnnotationStore

__all__ = [
    "EXPORT_FORMATS",
    "add_events",
    "export_file",
    "parse_jsonl",
    "plan_import",
    "read_table",
]

EXPORT_FORMATS = ("csv", "parquet", "jsonl")
"""Formats of :func:`export_file`."""


def export_file(
    store: AnnotationStore,
    path: str | os.PathLike[str],
    format: Literal["csv", "parquet", "jsonl"] = "csv",
    *,
    include_withdrawn: bool = False,
) -> Path:
    """Write ``store`` to ``path`` atomically; see :meth:`AnnotationStore.export`.

    Raises
    ------
    AnnotationStoreError
        Naming ``path``: its folder cannot be created or written, or the disk is full
        (no partial file is left).
    """
    if format not in EXPORT_FORMATS:
        raise ValueError(f"format: {format!r} is not one of {list(EXPORT_FORMATS)}")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as err:
        raise _unwritable_export(path, err) from None
    try:
        if format == "jsonl":
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                for event in store.events():
                    fh.write(dumps(event) + "\n")
        else:
            df = store.current(include_withdrawn=include_withdrawn)
            if format == "csv":
                df.to_csv(tmp, index=False, encoding="utf-8")
            else:
                df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise _unwritable_export(path, err) from None
        raise
    return path


def _unwritable_export(path: Path, err: OSError) -> AnnotationStoreError:
    return AnnotationStoreError(
        f"path: {path} cannot be written ({err.strerror or err}); export to a writable folder "
        "with free space (nothing was written there)"
    )


def parse_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, event)`` from a JSONL export, validating every field.

    Each line is read as bytes (at most :data:`~.fields.MAX_LINE_BYTES`), decoded as
    strict UTF-8 (a byte-order mark at the start of the file is skipped), parsed as
    JSON without duplicate keys or ``NaN`` / ``Infinity``, and checked by
    :func:`~.validate.check_event`. Blank lines are skipped.

    Raises
    ------
    ValueError
        ``path`` cannot be read.
    workbench.errors.LoadError
        Naming the file, the line and the field: too long, not UTF-8, not JSON,
        nested too deeply, or a bad field (:func:`~.validate.check_event`).
    """
    try:
        fh = open(path, "rb")
    except OSError as err:
        raise ValueError(f"path: cannot read {path}: {err.strerror}") from None
    with fh:
        lineno = 0
        while True:
            try:
                raw = fh.readline(MAX_LINE_BYTES + 1)
            except OSError as err:
                raise ValueError(f"path: cannot read {path}: {err.strerror}") from None
            if not raw:
                return
            lineno += 1
            try:
                ev = check_event(_decode(raw, first=lineno == 1))
            except FieldError as err:
                raise LoadError(str(path), f"line {lineno}", err.field, err.problem) from None
            if ev is not None:
                yield lineno, ev


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise FieldError(str(key), "appears twice in one JSON object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> None:
    raise FieldError("(line)", f"{name} is not a JSON value")


def _decode(raw: bytes, *, first: bool) -> Any:
    """One line of bytes as a JSON value (``None`` for a blank line)."""
    if len(raw) > MAX_LINE_BYTES:
        raise FieldError(
            "(line)", f"longer than {MAX_LINE_BYTES:,} bytes; no valid event is that long"
        )
    if first and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FieldError(
            "(line)",
            f"not UTF-8: byte {raw[err.start]:#04x} at byte {err.start + 1} ({err.reason}); "
            "save the file as UTF-8",
        ) from None
    if not line.strip():
        return None
    try:
        return json.loads(line, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except FieldError:
        raise
    except RecursionError:
        raise FieldError(
            "(line)", f"nested too deeply; an event has at most {MAX_DEPTH} levels"
        ) from None
    except ValueError as err:  # JSONDecodeError, or an integer of more than 4,300 digits
        raise FieldError("(line)", f"not JSON: {err}") from None


def add_events(
    conn: sqlite3.Connection, path: Path, events: list[tuple[int, dict[str, Any]]]
) -> int:
    """Insert the parsed ``events`` of ``path`` not yet in the store; return how many.

    Runs inside the caller's write transaction and checks every event before
    inserting any (:func:`plan_import`), so a bad one raises
    :class:`~workbench.errors.LoadError` (naming file, line and field) with
    nothing written.
    """
    new = plan_import(conn, path, events)
    for ev in new:
        insert_event(
            conn,
            ev["event_id"],
            ev["annotation_id"],
            ev["action"],
            ev["payload"],
            ev["annotator"],
            ev["timestamp"],
        )
    return len(new)


def plan_import(
    conn: sqlite3.Connection, path: Path, events: list[tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The events of ``path`` not yet in the store, each checked against the store and the file.

    An event id already present (in the store or earlier in the file) with the same
    content is skipped; with different content it is refused. Every new event must
    follow its annotation's history (:func:`~.validate.check_follows`: created
    first, in time order, nothing after a withdrawal), and every event of the file
    must come in time order per annotation.

    Raises
    ------
    workbench.errors.LoadError
        Naming the file, the line and the field.
    """
    seen: dict[str, tuple[int, dict[str, Any]]] = {}
    known: dict[str, dict[str, str | None]] = {}  # annotation -> created, withdrawn, previous
    new = []
    for lineno, ev in events:
        try:
            if _known_event(conn, seen, lineno, ev):
                state = known.setdefault(ev["annotation_id"], _stored(conn, ev["annotation_id"]))
                if state["previous"] is not None and ev["timestamp"] < state["previous"]:
                    raise FieldError(
                        "timestamp",
                        f"{ev['timestamp']!r} is earlier than this annotation's previous event "
                        f"in the file ({state['previous']!r}); an export lists each "
                        "annotation's events in time order",
                    )
                state["previous"] = ev["timestamp"]
                continue
            state = known.setdefault(ev["annotation_id"], _stored(conn, ev["annotation_id"]))
            check_follows(ev, **state)
        except FieldError as err:
            raise LoadError(str(path), f"line {lineno}", err.field, err.problem) from None
        key = {"create": "created", "withdraw": "withdrawn"}.get(ev["action"])
        if key:
            state[key] = ev["timestamp"]
        state["previous"] = ev["timestamp"]
        new.append(ev)
    return new


def _known_event(
    conn: sqlite3.Connection,
    seen: dict[str, tuple[int, dict[str, Any]]],
    lineno: int,
    ev: dict[str, Any],
) -> bool:
    """Whether ``ev`` is already in the store or earlier in the file (identical), else False."""
    eid = ev["event_id"]
    if eid in seen:
        line, earlier = seen[eid]
        if earlier != ev:
            raise FieldError("event_id", f"{eid!r} is also on line {line}, with different content")
        return True
    seen[eid] = (lineno, ev)
    row = conn.execute(
        "SELECT annotation_id, action, annotator, timestamp, payload FROM events"
        " WHERE event_id = ?",
        (eid,),
    ).fetchone()
    if row is None:
        return False
    mine = (ev["annotation_id"], ev["action"], ev["annotator"], ev["timestamp"])
    if row[:4] != mine or json.loads(row[4]) != ev["payload"]:
        raise FieldError("event_id", f"{eid!r} is already in the store with different content")
    return True


def _stored(conn: sqlite3.Connection, annotation_id: str) -> dict[str, str | None]:
    """When the store's events created and withdrew ``annotation_id`` (None: not yet)."""
    state: dict[str, str | None] = {"created": None, "withdrawn": None, "previous": None}
    for action, stamp in conn.execute(
        "SELECT action, timestamp FROM events WHERE annotation_id = ? AND action != 'edit'",
        (annotation_id,),
    ):
        state["created" if action == "create" else "withdrawn"] = stamp
    return state


def read_table(path: Path) -> pd.DataFrame:
    """A CSV or parquet export read back exactly as :meth:`AnnotationStore.current` returned it.

    CSV has no missing value: an empty cell is read as ``""``, except in the
    :data:`~.fields.OPTIONAL` key columns (``version``, ``judge``, ``reference``),
    which are never empty strings, so there an empty cell is NA.

    Raises
    ------
    workbench.errors.LoadError
        Naming the file and the missing column.
    """
    if path.suffix == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
        for col in OPTIONAL:
            if col in df:
                df[col] = df[col].mask(df[col].eq(""))
        for col in ("created_at", "updated_at"):
            if col in df:
                df[col] = pd.to_datetime(df[col], format="ISO8601", utc=True)
    else:
        df = pd.read_parquet(path)
    missing = [c for c in CURRENT_COLUMNS if c not in df.columns]
    if missing:
        raise LoadError(
            str(path),
            "header",
            missing[0],
            f"missing column; an export has {list(CURRENT_COLUMNS)}",
        )
    return typed(df[list(CURRENT_COLUMNS)].reset_index(drop=True))
