"""The SQLite schema of the annotation store, its migrations, and the one INSERT.

The ``events`` table is the append-only log (triggers refuse ``UPDATE`` and
``DELETE``); the ``current_annotations`` view folds it into the current state of
every annotation. ``PRAGMA user_version`` holds :data:`SCHEMA_VERSION`;
:func:`init_schema` creates the schema in an empty file and runs
:data:`MIGRATIONS` on an older one; :func:`check_schema` checks the version of a
file opened read-only.

Examples
--------
>>> import sqlite3
>>> conn = sqlite3.connect(":memory:", isolation_level=None)
>>> init_schema(conn, ":memory:")
>>> conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
True
>>> insert_event(conn, "e1", "a1", "create", {"set": {"item_id": "7"}}, "ann",
...              "2024-05-01T12:00:00.000000Z")
>>> conn.execute("SELECT item_id, annotator FROM current_annotations").fetchall()
[('7', 'ann')]
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from ..errors import AnnotationStoreError
from .fields import EDITABLE, dumps

__all__ = [
    "MIGRATIONS",
    "SCHEMA_V1",
    "SCHEMA_VERSION",
    "check_schema",
    "init_schema",
    "insert_event",
    "schema_problem",
    "split_sql",
]

SCHEMA_VERSION = 1
"""Schema version of the SQLite file (``PRAGMA user_version``)."""

# Ordering of events: timestamp first (so logs merged from several stores replay
# in time order), local insertion order (seq) to break ties.
SCHEMA_V1 = """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    annotation_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'edit', 'withdraw')),
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    annotator TEXT NOT NULL CHECK (length(annotator) > 0),
    timestamp TEXT NOT NULL
);
CREATE INDEX events_by_annotation ON events (annotation_id, timestamp, seq);
CREATE UNIQUE INDEX one_create_per_annotation ON events (annotation_id) WHERE action = 'create';
CREATE INDEX creates_by_item ON events (json_extract(payload, '$.set.item_id'))
WHERE action = 'create';
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'annotation events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'annotation events are append-only'); END;
CREATE VIEW current_annotations AS
SELECT
    c.annotation_id AS annotation_id,
    json_extract(c.payload, '$.set.dataset') AS dataset,
    json_extract(c.payload, '$.set.item_id') AS item_id,
    json_extract(c.payload, '$.set.version') AS version,
    json_extract(c.payload, '$.set.judge') AS judge,
    json_extract(c.payload, '$.set.reference') AS reference,
{editable}
    c.annotator AS annotator,
    c.timestamp AS created_at,
    (SELECT e.annotator FROM events e WHERE e.annotation_id = c.annotation_id
     ORDER BY e.timestamp DESC, e.seq DESC LIMIT 1) AS updated_by,
    (SELECT e.timestamp FROM events e WHERE e.annotation_id = c.annotation_id
     ORDER BY e.timestamp DESC, e.seq DESC LIMIT 1) AS updated_at,
    CASE WHEN EXISTS (SELECT 1 FROM events w WHERE w.annotation_id = c.annotation_id
                      AND w.action = 'withdraw') THEN 'withdrawn' ELSE 'active' END AS status
FROM events c
WHERE c.action = 'create';
""".replace(
    "{editable}",
    "\n".join(
        f"""    (SELECT json_extract(e.payload, '$.set.{f}') FROM events e
     WHERE e.annotation_id = c.annotation_id AND e.action IN ('create', 'edit')
       AND json_type(e.payload, '$.set.{f}') IS NOT NULL
     ORDER BY e.timestamp DESC, e.seq DESC LIMIT 1) AS {f},"""
        for f in EDITABLE
    ),
)
"""SQL script creating schema version 1 in an empty file."""

MIGRATIONS: dict[int, str] = {}
"""SQL script taking a store from version ``v`` to ``v + 1`` (none yet: version 1 is the first)."""


def split_sql(script: str) -> list[str]:
    """Split a schema script into statements (triggers keep their inner ';').

    Examples
    --------
    >>> split_sql("CREATE TABLE t (x);\\nCREATE TRIGGER g BEFORE DELETE ON t\\n"
    ...           "BEGIN SELECT 1; END;")
    ['CREATE TABLE t (x);', 'CREATE TRIGGER g BEFORE DELETE ON t\\nBEGIN SELECT 1; END;']
    """
    out, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            out.append(text)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out


def schema_problem(
    path: str | os.PathLike[str], version: int, tables: set[str], *, writable: bool
) -> str | None:
    """Why the file at ``path`` cannot be used as a store of :data:`SCHEMA_VERSION`, or ``None``.

    ``version``: its ``PRAGMA user_version``; ``tables``: its tables and views;
    ``writable``: whether the schema may be created or migrated.

    Examples
    --------
    >>> schema_problem("a.sqlite", 0, {"t"}, writable=True)
    "path: a.sqlite is a SQLite file but not an annotation store (user_version 0, tables ['t']); pick another path"
    >>> schema_problem("a.sqlite", 0, set(), writable=True) is None  # empty: the schema is created
    True
    """
    if version == SCHEMA_VERSION or (version == 0 and not tables and writable):
        return None
    if version == 0 and not tables:
        return (
            f"path: {path} is empty (no annotation schema yet); open it once without "
            "read_only=True to create the schema"
        )
    if version == 0:
        return (
            f"path: {path} is a SQLite file but not an annotation store "
            f"(user_version 0, tables {sorted(tables)}); pick another path"
        )
    if version > SCHEMA_VERSION:
        return (
            f"path: {path} has annotation schema version {version}, newer than "
            f"the {SCHEMA_VERSION} this workbench understands; upgrade workbench "
            "(the file is left untouched)"
        )
    if not writable:
        return (
            f"path: {path} has annotation schema version {version}, older than "
            f"{SCHEMA_VERSION}; open it once without read_only=True to migrate it"
        )
    missing = [v for v in range(version, SCHEMA_VERSION) if v not in MIGRATIONS]
    if missing:
        return (
            f"path: {path} has annotation schema version {missing[0]}; no "
            f"migration to {SCHEMA_VERSION} is known (the file is left untouched)"
        )
    return None


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {
        r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")
    }


def check_schema(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> None:
    """Refuse a file a read-only store cannot read: not at :data:`SCHEMA_VERSION`.

    Raises
    ------
    AnnotationStoreError
        :func:`schema_problem` with ``writable=False``.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        problem = schema_problem(path, version, _tables(conn), writable=False)
        raise AnnotationStoreError(problem)


def init_schema(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> None:
    """Bring the file behind ``conn`` to :data:`SCHEMA_VERSION`, in one transaction.

    An empty file gets :data:`SCHEMA_V1`; an older store runs :data:`MIGRATIONS`.

    Raises
    ------
    AnnotationStoreError
        (a ValueError) naming ``path``: a SQLite file that is not an annotation
        store, a newer schema version, or an older one with no known migration
        (:func:`schema_problem`). The file is left untouched (the transaction is
        rolled back).
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")  # another process may be initialising too
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        problem = schema_problem(path, version, _tables(conn), writable=True)
        if problem is not None:
            raise AnnotationStoreError(problem)
        if version == 0:
            for statement in split_sql(SCHEMA_V1):
                conn.execute(statement)
            version = 1
        while version < SCHEMA_VERSION:
            for statement in split_sql(MIGRATIONS[version]):
                conn.execute(statement)
            version += 1
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def insert_event(
    conn: sqlite3.Connection,
    event_id: str,
    annotation_id: str,
    action: str,
    payload: Any,
    annotator: str,
    timestamp: str,
) -> None:
    """Append one event to the log (``payload`` stored as canonical JSON, :func:`dumps`)."""
    conn.execute(
        "INSERT INTO events (event_id, annotation_id, action, payload, annotator, timestamp)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (event_id, annotation_id, action, dumps(payload), annotator, timestamp),
    )
