"""Files of the annotation store: CSV / parquet / JSONL export, JSONL import.

:meth:`AnnotationStore.export <workbench.annotations.AnnotationStore.export>`
and :meth:`~workbench.annotations.AnnotationStore.import_jsonl` call these
functions. An export is written to a temporary file renamed into place, so a
crash never leaves half a file. An import parses and checks the whole file first
(:func:`parse_jsonl`), then :func:`add_events` writes the new events inside the
store's single write transaction.

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

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import LoadError
from .fields import dumps
from .sql import insert_event
from .validate import FieldError, check_event

if TYPE_CHECKING:
    from .store import AnnotationStore

__all__ = ["EXPORT_FORMATS", "add_events", "export_file", "parse_jsonl"]

EXPORT_FORMATS = ("csv", "parquet", "jsonl")
"""Formats of :func:`export_file`."""


def export_file(
    store: AnnotationStore,
    path: str | os.PathLike[str],
    format: Literal["csv", "parquet", "jsonl"] = "csv",
    *,
    include_withdrawn: bool = False,
) -> Path:
    """Write ``store`` to ``path`` atomically; see :meth:`AnnotationStore.export`."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"format: {format!r} is not one of {list(EXPORT_FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if format == "jsonl":
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                for event in store.events():
                    fh.write(dumps(event) + "\n")
        else:
            df = store.current(include_withdrawn=include_withdrawn)
            if format == "csv":
                df.to_csv(tmp, index=False)
            else:
                df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def parse_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, event)`` from a JSONL export, validating every field.

    Raises
    ------
    ValueError
        ``path`` cannot be read.
    workbench.errors.LoadError
        Naming the file, the line and the field (:func:`~.validate.check_event`).
    """
    try:
        fh = open(path, encoding="utf-8")
    except OSError as err:
        raise ValueError(f"path: cannot read {path}: {err.strerror}") from None
    with fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                ev = json.loads(line)
            except json.JSONDecodeError as err:
                raise LoadError(str(path), f"line {lineno}", "(line)", f"not JSON: {err}") from None
            except UnicodeDecodeError as err:
                raise LoadError(
                    str(path), f"line {lineno}", "(line)", f"not UTF-8: {err}"
                ) from None
            try:
                yield lineno, check_event(ev)
            except FieldError as err:
                raise LoadError(str(path), f"line {lineno}", err.field, err.problem) from None


def add_events(
    conn: sqlite3.Connection, path: Path, events: list[tuple[int, dict[str, Any]]]
) -> int:
    """Insert the parsed ``events`` of ``path`` not yet in the store; return how many.

    Runs inside the caller's write transaction: an event id already present with
    the same content is skipped; one with different content, a second create of
    an annotation, or an edit / withdraw of an annotation never created raises
    :class:`~workbench.errors.LoadError` (naming file, line and field), and the
    caller rolls the whole import back.
    """
    created = set()
    added = 0
    for lineno, ev in events:
        row = conn.execute(
            "SELECT annotation_id, action, annotator, timestamp, payload FROM events"
            " WHERE event_id = ?",
            (ev["event_id"],),
        ).fetchone()
        mine = (ev["annotation_id"], ev["action"], ev["annotator"], ev["timestamp"])
        if row is not None:
            if row[:4] != mine or json.loads(row[4]) != ev["payload"]:
                raise LoadError(
                    str(path),
                    f"line {lineno}",
                    "event_id",
                    f"{ev['event_id']!r} is already in the store with different content",
                )
            if ev["action"] == "create":
                created.add(ev["annotation_id"])
            continue
        aid = ev["annotation_id"]
        exists = (
            aid in created
            or conn.execute(
                "SELECT 1 FROM events WHERE annotation_id = ? AND action = 'create'", (aid,)
            ).fetchone()
        )
        if ev["action"] == "create" and exists:
            raise LoadError(
                str(path),
                f"line {lineno}",
                "annotation_id",
                f"{aid!r} is already created by another event",
            )
        if ev["action"] != "create" and not exists:
            raise LoadError(
                str(path),
                f"line {lineno}",
                "annotation_id",
                f"{ev['action']} of {aid!r}, which no earlier event creates",
            )
        if ev["action"] == "create":
            created.add(aid)
        insert_event(
            conn,
            ev["event_id"],
            aid,
            ev["action"],
            ev["payload"],
            ev["annotator"],
            ev["timestamp"],
        )
        added += 1
    return added
