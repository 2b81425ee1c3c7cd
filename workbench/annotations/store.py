"""The annotation store: why does the judge disagree with people on this item?

A researcher labels a disagreement with a *cause* (:data:`CAUSES`), free
*bias tags* (names from the bias registry), and a note. Annotations are kept in
a SQLite file as an append-only event log (``create`` / ``edit`` /
``withdraw``); the current state of every annotation is a SQL view over the log,
so nothing is ever overwritten and every change keeps who made it, when, and the
previous value.

Item key
--------
An annotation is about ``(dataset, item_id, version)``: ``dataset`` and
``item_id`` are the tidy judgment columns (:mod:`workbench.schema`), ``version``
is a string naming the version of the source data (the dataset's pinned source
commit or registry fingerprint), so an annotation made on one release of a
dataset is not silently applied to another. ``judge`` and ``reference`` name
the two raters whose disagreement is annotated (optional).

Durability
----------
The store runs in WAL mode with ``synchronous=FULL`` by default and writes each
change in one short ``BEGIN IMMEDIATE`` transaction. Once :meth:`AnnotationStore.add`
(or ``edit`` / ``withdraw``) returns, the event is in the WAL file:

* a crash of the process (kernel restart, ``SIGKILL``, an exception half-way)
  never loses it -- the WAL is written before ``COMMIT`` returns, and a
  transaction interrupted before its commit record is rolled back on the next
  open, so a crash mid-write leaves the previous state intact;
* with ``FULL`` the WAL is also fsync'ed at every commit, so the event survives
  an operating-system crash or power loss. ``synchronous="NORMAL"`` skips that
  fsync (faster, still safe against process crashes, but the last commits can
  be lost if the machine itself goes down). Annotation happens at human speed,
  so the default pays the fsync.

Several processes (notebook kernels, a Voilà app, a script) may write at the
same time: writers queue on SQLite's write lock (``busy_timeout``, default 30 s).
``tests/test_annotations_durability.py`` kills one of four concurrent writers
with ``SIGKILL`` and checks that every acknowledged write is present.

Files
-----
The default store is :func:`workbench.paths.annotation_store`
(``$WORKBENCH_ANNOTATIONS``, else ``data/annotations.sqlite``). The JSON Lines
export (:meth:`AnnotationStore.export`) is the full event log, one event per
line with a UUID ``event_id``: commit it beside a study; :meth:`~AnnotationStore.import_jsonl`
reads it back losslessly, and importing the same file twice adds nothing.
Recent commits may still sit in the ``-wal`` file beside the store: to copy or
back up a store, export it (or use ``sqlite3 store.sqlite ".backup copy.sqlite"``)
rather than copying the ``.sqlite`` file alone. WAL needs a local file system
(not NFS / SMB).

Examples
--------
>>> store = AnnotationStore(":memory:")
>>> aid = store.add(dataset="llmbar_natural", item_id="7", version="v1", judge="GPT-4",
...                 cause="label_noise", bias_tags=["verbosity"], annotator="ann")
>>> store.edit(aid, annotator="bob", note="both answers are wrong")
>>> cur = store.current()
>>> cur[["item_id", "cause", "bias_tags", "note", "annotator", "updated_by"]].to_dict("records")
[{'item_id': '7', 'cause': 'label_noise', 'bias_tags': 'verbosity', 'note': 'both answers are wrong', 'annotator': 'ann', 'updated_by': 'bob'}]
>>> store.history(aid)[["action", "annotator", "field", "previous", "value"]].tail(2).to_dict("records")
[{'action': 'create', 'annotator': 'ann', 'field': 'note', 'previous': None, 'value': ''}, {'action': 'edit', 'annotator': 'bob', 'field': 'note', 'previous': '', 'value': 'both answers are wrong'}]
>>> store.withdraw(aid, annotator="ann", reason="duplicate")
>>> len(store.current()), len(store.current(include_withdrawn=True))
(0, 1)
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .. import paths
from ..schema import LoadError
from ..vocab import CAUSES

__all__ = [
    "CAUSES",
    "CURRENT_COLUMNS",
    "EDITABLE",
    "HISTORY_COLUMNS",
    "SCHEMA_VERSION",
    "AnnotationStore",
    "exclude",
    "load",
]

SCHEMA_VERSION = 1
"""Schema version of the SQLite file (``PRAGMA user_version``)."""

KEY_FIELDS: tuple[str, ...] = ("dataset", "item_id", "version", "judge", "reference")
"""Fields fixed at creation (what the annotation is about)."""

EDITABLE: tuple[str, ...] = ("cause", "bias_tags", "note")
"""Fields :meth:`AnnotationStore.edit` may change."""

FIELDS = KEY_FIELDS + EDITABLE

CURRENT_COLUMNS: tuple[str, ...] = (
    "annotation_id",
    *FIELDS,
    "annotator",
    "created_at",
    "updated_by",
    "updated_at",
    "status",
)
"""Columns of :meth:`AnnotationStore.current` and :func:`load`."""

HISTORY_COLUMNS: tuple[str, ...] = (
    "event_id",
    "annotation_id",
    "action",
    "annotator",
    "timestamp",
    "field",
    "previous",
    "value",
)
"""Columns of :meth:`AnnotationStore.history`: one row per field an event changed."""

ACTIONS = ("create", "edit", "withdraw")
TAG_SEPARATOR = ";"
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
_SYNCHRONOUS = ("FULL", "NORMAL")

# Ordering of events: timestamp first (so logs merged from several stores replay
# in time order), local insertion order (seq) to break ties.
_SCHEMA_V1 = """
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

_MIGRATIONS: dict[int, str] = {}
"""SQL script taking a store from version ``v`` to ``v + 1`` (none yet: version 1 is the first)."""


class _FieldError(ValueError):
    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


# --------------------------------------------------------------------------- validation
def _text(value: Any, field: str, *, optional: bool = False, nonempty: bool = True) -> str | None:
    if value is None or (optional and value is pd.NA):
        if optional:
            return None
        raise _FieldError(field, "missing (None); expected a non-empty string")
    if not isinstance(value, str):
        raise _FieldError(field, f"expected a string, got {type(value).__name__} {value!r}")
    if nonempty and not value.strip():
        raise _FieldError(field, f"empty ({value!r}); expected a non-empty string")
    return value


def _cause(value: Any, field: str = "cause") -> str:
    if value not in CAUSES:
        raise _FieldError(field, f"{value!r} is not one of {list(CAUSES)}")
    return value


def _tags(value: Any, field: str = "bias_tags") -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _FieldError(
            field, f"expected a list of strings, got {type(value).__name__} {value!r}"
        )
    tags = []
    for tag in value:
        if not isinstance(tag, str) or not tag.strip() or TAG_SEPARATOR in tag:
            raise _FieldError(
                field,
                f"tag {tag!r}: expected a non-empty string without {TAG_SEPARATOR!r}",
            )
        tag = tag.strip()
        if tag not in tags:
            tags.append(tag)
    return tags


def _note(value: Any, field: str = "note") -> str:
    if value is None:
        return ""
    return _text(value, field, nonempty=False)


def _annotator(value: Any) -> str:
    return _text(value, "annotator").strip()


def _check_create(fields: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise _FieldError(f"{prefix}{unknown[0]}", f"unknown field; expected one of {list(FIELDS)}")
    return {
        "dataset": _text(fields.get("dataset"), f"{prefix}dataset"),
        "item_id": _text(fields.get("item_id"), f"{prefix}item_id"),
        "version": _text(fields.get("version"), f"{prefix}version", optional=True),
        "judge": _text(fields.get("judge"), f"{prefix}judge", optional=True),
        "reference": _text(fields.get("reference"), f"{prefix}reference", optional=True),
        "cause": _cause(fields.get("cause"), f"{prefix}cause"),
        "bias_tags": _tags(fields.get("bias_tags"), f"{prefix}bias_tags"),
        "note": _note(fields.get("note"), f"{prefix}note"),
    }


def _check_changes(changes: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            fixed = " (fixed at creation; withdraw and add a new one)" if key in KEY_FIELDS else ""
            raise _FieldError(
                f"{prefix}{key}", f"cannot be edited{fixed}; editable fields are {list(EDITABLE)}"
            )
        check = {"cause": _cause, "bias_tags": _tags, "note": _note}[key]
        out[key] = check(value, f"{prefix}{key}")
    return out


@contextmanager
def _plain_errors():
    """Raise validation failures of the public API as plain ValueError."""
    try:
        yield
    except _FieldError as err:
        raise ValueError(str(err)) from None


def _now() -> str:
    return datetime.now(UTC).strftime(_TIMESTAMP_FORMAT)


def _timestamp(value: Any, field: str = "timestamp") -> str:
    if not isinstance(value, str) or not _TIMESTAMP_RE.match(value):
        raise _FieldError(
            field, f"{value!r} is not a UTC timestamp like '2024-05-01T12:00:00.000000Z'"
        )
    try:
        datetime.strptime(value, _TIMESTAMP_FORMAT)
    except ValueError as err:
        raise _FieldError(field, f"{value!r}: {err}") from None
    return value


def _uuid(value: Any, field: str) -> str:
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return value
    except ValueError:
        pass
    raise _FieldError(field, f"{value!r} is not a lower-case hyphenated UUID")


# --------------------------------------------------------------------------- the store
class AnnotationStore:
    """Annotations of disagreements, in a SQLite event log.

    Parameters
    ----------
    path : str or Path, optional
        SQLite file (created with its directory if missing). Default
        :func:`workbench.paths.annotation_store`. ``":memory:"`` gives a private
        in-memory store (tests, replaying a JSONL file).
    synchronous : {"FULL", "NORMAL"}, keyword-only
        SQLite ``synchronous`` setting in WAL mode. ``FULL`` (default) fsyncs the
        log at every commit: an acknowledged annotation survives process crashes
        and power loss. ``NORMAL`` survives process crashes only (see the module
        docstring).
    busy_timeout : float, keyword-only
        Seconds a write waits for another process holding the write lock.

    Raises
    ------
    ValueError
        The file is not SQLite, is not an annotation store, or has a schema
        version this code cannot read or migrate.

    Notes
    -----
    Every method opens no transaction longer than one write; the object may be
    shared by threads of one process, and a forked child reopens the file.
    Use one store per process (or ``with AnnotationStore(...) as store:``).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: float = 30.0,
    ):
        if synchronous not in _SYNCHRONOUS:
            raise ValueError(f"synchronous: {synchronous!r} is not one of {list(_SYNCHRONOUS)}")
        if not busy_timeout >= 0:
            raise ValueError(f"busy_timeout: expected seconds >= 0, got {busy_timeout!r}")
        self.memory = str(path) == ":memory:"
        self.path = Path(":memory:") if self.memory else Path(path or paths.annotation_store())
        self.synchronous = synchronous
        self.busy_timeout = float(busy_timeout)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._connection()  # open now so a bad file fails at construction

    def __repr__(self) -> str:
        return f"AnnotationStore({str(self.path)!r})"

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (reopened on next use)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    # ---------------------------------------------------------------- connection
    def _connection(self) -> sqlite3.Connection:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                return self._conn
            if self.memory:
                if self._conn is not None:  # forked: the child has its own copy of memory
                    return self._conn
                conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            else:
                if self.path.exists() and self.path.is_dir():
                    raise ValueError(f"path: {self.path} is a directory, expected a SQLite file")
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path,
                    isolation_level=None,  # autocommit; transactions are explicit
                    timeout=self.busy_timeout,
                    check_same_thread=False,
                )
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
                if not self.memory:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if mode.lower() != "wal":
                        raise ValueError(
                            f"path: {self.path}: cannot switch the store to WAL mode "
                            f"(journal_mode is {mode!r}); is it on a network file system?"
                        )
                conn.execute(f"PRAGMA synchronous = {self.synchronous}")
                conn.execute("PRAGMA foreign_keys = ON")
                self._init_schema(conn)
            except sqlite3.DatabaseError as err:
                conn.close()
                raise ValueError(
                    f"path: {self.path} is not a readable SQLite annotation store ({err})"
                ) from None
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, os.getpid()
            return conn

    def _init_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")  # another process may be initialising too
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')"
                )
            }
            if version == 0 and not tables:
                for statement in _split_sql(_SCHEMA_V1):
                    conn.execute(statement)
                version = 1
            elif version == 0:
                raise ValueError(
                    f"path: {self.path} is a SQLite file but not an annotation store "
                    f"(user_version 0, tables {sorted(tables)}); pick another path"
                )
            if version > SCHEMA_VERSION:
                raise ValueError(
                    f"path: {self.path} has annotation schema version {version}, newer than "
                    f"the {SCHEMA_VERSION} this workbench understands; upgrade workbench "
                    "(the file is left untouched)"
                )
            while version < SCHEMA_VERSION:
                if version not in _MIGRATIONS:
                    raise ValueError(
                        f"path: {self.path} has annotation schema version {version}; no "
                        f"migration to {SCHEMA_VERSION} is known (the file is left untouched)"
                    )
                for statement in _split_sql(_MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _write(self, fn):
        """Run ``fn(conn)`` in one BEGIN IMMEDIATE transaction."""
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._connection().execute(sql, params).fetchall()

    @staticmethod
    def _insert(conn, event_id, annotation_id, action, payload, annotator, timestamp) -> None:
        conn.execute(
            "INSERT INTO events (event_id, annotation_id, action, payload, annotator, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (event_id, annotation_id, action, _dumps(payload), annotator, timestamp),
        )

    @staticmethod
    def _state(conn: sqlite3.Connection, annotation_id: str) -> dict[str, Any]:
        cols = ", ".join(CURRENT_COLUMNS)
        row = conn.execute(
            f"SELECT {cols} FROM current_annotations WHERE annotation_id = ?", (annotation_id,)
        ).fetchone()
        if row is None:
            raise ValueError(f"annotation_id: {annotation_id!r} is not in the store")
        state = dict(zip(CURRENT_COLUMNS, row, strict=True))
        state["bias_tags"] = json.loads(state["bias_tags"])
        return state

    # ---------------------------------------------------------------- writes
    def add(
        self,
        *,
        dataset: str,
        item_id: str,
        cause: str,
        annotator: str,
        version: str | None = None,
        judge: str | None = None,
        reference: str | None = None,
        bias_tags: Iterable[str] = (),
        note: str = "",
    ) -> str:
        """Record a new annotation and return its id.

        Parameters
        ----------
        dataset, item_id : str
            The annotated item, as in the tidy judgments.
        cause : str
            One of :data:`CAUSES`.
        annotator : str
            Who annotates (non-empty).
        version : str, optional
            Version of the source data (source commit, registry fingerprint).
        judge, reference : str, optional
            The judge rater and the reference rater whose disagreement this is.
        bias_tags : list of str
            Bias names (free vocabulary; the bias registry's probe names).
        note : str
            Free text.

        Returns
        -------
        str
            The new annotation id (a UUID), durable once returned.

        Examples
        --------
        >>> store = AnnotationStore(":memory:")
        >>> aid = store.add(dataset="toy", item_id="1", cause="ambiguous_item", annotator="ann")
        >>> len(aid), store.current()["cause"].tolist()
        (36, ['ambiguous_item'])
        >>> store.add(dataset="toy", item_id="1", cause="wrong", annotator="ann")
        Traceback (most recent call last):
        ...
        ValueError: cause: 'wrong' is not one of ['judge_wrong', 'human_wrong', 'ambiguous_item', 'both_acceptable', 'label_noise', 'other']
        """
        with _plain_errors():
            fields = _check_create(
                dict(
                    dataset=dataset,
                    item_id=item_id,
                    version=version,
                    judge=judge,
                    reference=reference,
                    cause=cause,
                    bias_tags=bias_tags,
                    note=note,
                )
            )
            who = _annotator(annotator)
        annotation_id = str(uuid.uuid4())
        self._write(
            lambda conn: self._insert(
                conn, str(uuid.uuid4()), annotation_id, "create", {"set": fields}, who, _now()
            )
        )
        return annotation_id

    def edit(self, annotation_id: str, *, annotator: str, **changes: Any) -> None:
        """Change ``cause``, ``bias_tags`` and/or ``note`` of an annotation.

        The event keeps the previous values. Fields given with their current
        value are not recorded; an edit that changes nothing writes nothing.

        Parameters
        ----------
        annotation_id : str
        annotator : str
            Who edits (may differ from the creator).
        **changes
            ``cause=``, ``bias_tags=``, ``note=``.

        Raises
        ------
        ValueError
            Unknown id, withdrawn annotation, unknown or fixed field, bad value.
        """
        with _plain_errors():
            who = _annotator(annotator)
            checked = _check_changes(changes)
        if not checked:
            raise ValueError(f"changes: nothing to edit; give one of {list(EDITABLE)}")

        def write(conn):
            state = self._state(conn, annotation_id)
            if state["status"] == "withdrawn":
                raise ValueError(f"annotation_id: {annotation_id!r} is withdrawn; add a new one")
            new = {k: v for k, v in checked.items() if v != state[k]}
            if not new:
                return
            previous = {k: state[k] for k in new}
            self._insert(
                conn,
                str(uuid.uuid4()),
                annotation_id,
                "edit",
                {"set": new, "previous": previous},
                who,
                max(_now(), state["updated_at"]),  # never before the event it changes
            )

        self._write(write)

    def withdraw(self, annotation_id: str, *, annotator: str, reason: str | None = None) -> None:
        """Withdraw an annotation: it leaves :meth:`current` but stays in the history.

        Raises
        ------
        ValueError
            Unknown id, or already withdrawn.
        """
        with _plain_errors():
            who = _annotator(annotator)
            reason = _text(reason, "reason", optional=True, nonempty=False)

        def write(conn):
            state = self._state(conn, annotation_id)
            if state["status"] == "withdrawn":
                raise ValueError(f"annotation_id: {annotation_id!r} is already withdrawn")
            self._insert(
                conn,
                str(uuid.uuid4()),
                annotation_id,
                "withdraw",
                {"reason": reason, "previous": {"status": "active"}},
                who,
                max(_now(), state["updated_at"]),
            )

        self._write(write)

    # ---------------------------------------------------------------- reads
    def current(
        self,
        *,
        dataset: str | None = None,
        item_id: str | None = None,
        include_withdrawn: bool = False,
    ) -> pd.DataFrame:
        """Current state of every annotation, one row each, oldest first.

        Parameters
        ----------
        dataset, item_id : str, optional, keyword-only
            Only annotations of this dataset / item (``item_id`` is indexed: a
            widget showing one item's annotations stays fast in a large store).
        include_withdrawn : bool, keyword-only
            Also return withdrawn annotations (``status == "withdrawn"``).

        Returns
        -------
        DataFrame
            Columns :data:`CURRENT_COLUMNS`: ``annotation_id``, the item key
            (``dataset``, ``item_id``, ``version``), ``judge``, ``reference``,
            ``cause``, ``bias_tags`` (tags joined by ``";"``, ``""`` if none),
            ``note``, ``annotator`` / ``created_at`` (creation),
            ``updated_by`` / ``updated_at`` (last event), ``status``
            (``active`` / ``withdrawn``). Text columns are ``string`` dtype,
            timestamps UTC datetimes.
        """
        conditions, params = [], []
        for name, value in (("dataset", dataset), ("item_id", item_id)):
            if value is not None:
                with _plain_errors():
                    conditions.append(f"{name} = ?")
                    params.append(_text(value, name))
        if not include_withdrawn:
            conditions.append("status = 'active'")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._read(
            f"SELECT {', '.join(CURRENT_COLUMNS)} FROM current_annotations {where}"
            " ORDER BY created_at, annotation_id",
            tuple(params),
        )
        df = pd.DataFrame(rows, columns=list(CURRENT_COLUMNS))
        df["bias_tags"] = [TAG_SEPARATOR.join(json.loads(t)) for t in df["bias_tags"]]
        return _typed(df)

    def history(self, annotation_id: str | None = None) -> pd.DataFrame:
        """Every change, one row per field an event set, in event order.

        Parameters
        ----------
        annotation_id : str, optional
            Only this annotation's history (ValueError if unknown).

        Returns
        -------
        DataFrame
            Columns :data:`HISTORY_COLUMNS`. ``create`` has a row per field
            (``previous`` NA); ``edit`` a row per changed field with the value it
            replaced; ``withdraw`` a ``status`` row (``active`` -> ``withdrawn``)
            and a ``reason`` row if a reason was given. ``bias_tags`` values are
            joined by ``";"``.
        """
        params: tuple = ()
        where = ""
        if annotation_id is not None:
            if not self._read("SELECT 1 FROM events WHERE annotation_id = ?", (annotation_id,)):
                raise ValueError(f"annotation_id: {annotation_id!r} is not in the store")
            where, params = "WHERE annotation_id = ?", (annotation_id,)
        events = self._read(
            "SELECT event_id, annotation_id, action, annotator, timestamp, payload FROM events "
            f"{where} ORDER BY timestamp, seq",
            params,
        )
        records = []
        for event_id, aid, action, who, ts, payload in events:
            head = (event_id, aid, action, who, ts)
            payload = json.loads(payload)
            if action == "withdraw":
                records.append((*head, "status", "active", "withdrawn"))
                if payload.get("reason") is not None:
                    records.append((*head, "reason", None, payload["reason"]))
                continue
            previous = payload.get("previous", {})
            for field in sorted(payload["set"], key=FIELDS.index):
                value = payload["set"][field]
                records.append((*head, field, _cell(previous.get(field)), _cell(value)))
        return _typed(pd.DataFrame(records, columns=list(HISTORY_COLUMNS)))

    def events(self) -> list[dict[str, Any]]:
        """The raw event log in event order (what :meth:`export` writes as JSONL)."""
        rows = self._read(
            "SELECT event_id, annotation_id, action, annotator, timestamp, payload FROM events"
            " ORDER BY timestamp, seq"
        )
        return [
            {
                "event_id": e,
                "annotation_id": a,
                "action": act,
                "annotator": who,
                "timestamp": ts,
                "payload": json.loads(p),
            }
            for e, a, act, who, ts, p in rows
        ]

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` of the file: ``["ok"]`` when healthy."""
        return [r[0] for r in self._read("PRAGMA integrity_check")]

    # ---------------------------------------------------------------- files
    def export(
        self,
        path: str | os.PathLike[str],
        format: Literal["csv", "parquet", "jsonl"] = "csv",
        *,
        include_withdrawn: bool = False,
    ) -> Path:
        """Write the annotations to a file (atomically: a temp file renamed into place).

        Parameters
        ----------
        path : str or Path
        format : {"csv", "parquet", "jsonl"}
            ``csv`` / ``parquet``: :meth:`current`. ``jsonl``: the full event log,
            one JSON object per line (keys sorted, UTF-8) -- the file to commit
            beside a study and to :meth:`import_jsonl` elsewhere.
        include_withdrawn : bool, keyword-only
            Also write withdrawn annotations (csv / parquet; the JSONL log always
            has every event).

        Returns
        -------
        Path
            ``path``.
        """
        if format not in ("csv", "parquet", "jsonl"):
            raise ValueError(f"format: {format!r} is not one of ['csv', 'parquet', 'jsonl']")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            if format == "jsonl":
                with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                    for event in self.events():
                        fh.write(_dumps(event) + "\n")
            else:
                df = self.current(include_withdrawn=include_withdrawn)
                if format == "csv":
                    df.to_csv(tmp, index=False)
                else:
                    df.to_parquet(tmp, index=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def import_jsonl(self, path: str | os.PathLike[str]) -> int:
        """Add the events of a JSONL export; return how many were new.

        Lossless (the events keep their ids, annotators, timestamps and
        payloads) and idempotent: events already in the store are skipped, so
        importing a file twice, or a colleague's export that contains yours,
        adds nothing twice. All-or-nothing: the file is validated completely and
        written in one transaction, so a bad line leaves the store as it was.

        Raises
        ------
        workbench.schema.LoadError
            (a ValueError) naming the file, the line and the field: malformed
            JSON, missing or unknown field, bad value, an event id already in the
            store with different content, or an edit of an annotation never
            created.
        """
        path = Path(path)
        events = list(_parse_jsonl(path))

        def write(conn):
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
                self._insert(
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

        return self._write(write)


# --------------------------------------------------------------------------- helpers
def _split_sql(script: str) -> list[str]:
    """Split a schema script into statements (triggers keep their inner ';')."""
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


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _cell(value: Any) -> str | None:
    if isinstance(value, list):
        return TAG_SEPARATOR.join(value)
    return value


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col in ("created_at", "updated_at", "timestamp"):
            df[col] = pd.to_datetime(df[col], format=_TIMESTAMP_FORMAT, utc=True)
        else:
            df[col] = df[col].astype("string")
    return df


_EVENT_KEYS = ("event_id", "annotation_id", "action", "annotator", "timestamp", "payload")


def _parse_jsonl(path: Path):
    """Yield ``(line number, event)`` from a JSONL export, validating every field."""
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
                yield lineno, _check_event(ev)
            except _FieldError as err:
                raise LoadError(str(path), f"line {lineno}", err.field, err.problem) from None


def _check_event(ev: Any) -> dict[str, Any]:
    if not isinstance(ev, dict):
        raise _FieldError("(line)", f"expected a JSON object, got {type(ev).__name__}")
    for key in _EVENT_KEYS:
        if key not in ev:
            raise _FieldError(key, "missing")
    unknown = sorted(set(ev) - set(_EVENT_KEYS))
    if unknown:
        raise _FieldError(unknown[0], f"unknown field; expected {list(_EVENT_KEYS)}")
    _uuid(ev["event_id"], "event_id")
    _uuid(ev["annotation_id"], "annotation_id")
    if ev["action"] not in ACTIONS:
        raise _FieldError("action", f"{ev['action']!r} is not one of {list(ACTIONS)}")
    if _annotator(ev["annotator"]) != ev["annotator"]:
        raise _FieldError("annotator", f"{ev['annotator']!r} has surrounding whitespace")
    _timestamp(ev["timestamp"])
    payload = ev["payload"]
    if not isinstance(payload, dict):
        raise _FieldError("payload", f"expected a JSON object, got {payload!r}")
    allowed = {"create": {"set"}, "edit": {"set", "previous"}, "withdraw": {"reason", "previous"}}
    unknown = sorted(set(payload) - allowed[ev["action"]])
    if unknown:
        raise _FieldError(f"payload.{unknown[0]}", f"unknown field for a {ev['action']} event")
    if ev["action"] == "create":
        fields = payload.get("set")
        if not isinstance(fields, dict):
            raise _FieldError("payload.set", f"expected a JSON object, got {fields!r}")
        missing = [f for f in FIELDS if f not in fields]
        if missing:
            raise _FieldError(f"payload.set.{missing[0]}", "missing")
        if _check_create(fields, "payload.set.") != fields:
            raise _FieldError("payload.set", "not in canonical form (tags deduplicated, strings)")
    elif ev["action"] == "edit":
        for key in ("set", "previous"):
            if not isinstance(payload.get(key), dict):
                raise _FieldError(
                    f"payload.{key}", f"expected a JSON object, got {payload.get(key)!r}"
                )
        if not payload["set"]:
            raise _FieldError("payload.set", "empty: an edit changes at least one field")
        if _check_changes(payload["set"], "payload.set.") != payload["set"]:
            raise _FieldError("payload.set", "not in canonical form (tags deduplicated, strings)")
        _check_changes(payload["previous"], "payload.previous.")
    else:
        if "reason" in payload:
            _text(payload["reason"], "payload.reason", optional=True, nonempty=False)
    return ev


# --------------------------------------------------------------------------- analysis helpers
def load(
    path: str | os.PathLike[str] | None = None, *, include_withdrawn: bool = False
) -> pd.DataFrame:
    """Current annotations as a DataFrame that joins the tidy judgments on (dataset, item_id).

    Parameters
    ----------
    path : str or Path, optional
        A SQLite store (default :func:`workbench.paths.annotation_store`) or a
        ``.jsonl`` export (replayed in memory, the file is only read).
    include_withdrawn : bool, keyword-only

    Returns
    -------
    DataFrame
        :data:`CURRENT_COLUMNS`. Empty (with those columns) when the default
        store does not exist yet; an explicit path that does not exist raises
        FileNotFoundError.

    See Also
    --------
    exclude : drop annotated items from a judgment table.
    """
    if path is None:
        path = paths.annotation_store()
        if not Path(path).exists():
            return AnnotationStore(":memory:").current()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: no annotation store or export at {path}")
    if path.suffix == ".jsonl":
        store = AnnotationStore(":memory:")
        store.import_jsonl(path)
    else:
        store = AnnotationStore(path)
    with store:
        return store.current(include_withdrawn=include_withdrawn)


def exclude(
    judgments: pd.DataFrame,
    annotations: pd.DataFrame,
    *,
    causes: Iterable[str] | str = ("label_noise",),
) -> pd.DataFrame:
    """Drop every judgment of an item annotated with one of ``causes``.

    An item is identified by ``(dataset, item_id)``; all its rows (every rater,
    order, criterion) go, so agreement can be recomputed on the remaining items.
    Withdrawn annotations (``status == "withdrawn"``) do not count.

    Parameters
    ----------
    judgments : DataFrame
        Tidy judgments (:mod:`workbench.schema`), at least ``dataset``, ``item_id``.
    annotations : DataFrame
        :func:`load` / :meth:`AnnotationStore.current`.
    causes : str or iterable of str, keyword-only
        Causes (from :data:`CAUSES`) whose items are dropped.

    Returns
    -------
    DataFrame
        ``judgments`` without those rows (original index and dtypes kept).

    Notes
    -----
    The annotation's ``version`` is not compared (the tidy table carries no
    version); filter ``annotations`` on ``version`` first when a store holds
    annotations of several releases of one dataset.

    Examples
    --------
    >>> judgments = pd.DataFrame({"dataset": ["d"] * 4, "item_id": ["1", "1", "2", "3"],
    ...                           "rater": ["human", "GPT-4", "human", "human"]})
    >>> notes = pd.DataFrame({"dataset": ["d", "d"], "item_id": ["1", "3"],
    ...                       "cause": ["label_noise", "judge_wrong"], "status": ["active"] * 2})
    >>> exclude(judgments, notes)["item_id"].tolist()  # item 1 is label noise: both its rows go
    ['2', '3']
    """
    causes = (causes,) if isinstance(causes, str) else tuple(causes)
    bad = [c for c in causes if c not in CAUSES]
    if bad:
        raise ValueError(f"causes: {bad!r} not in {list(CAUSES)}")
    for name, df, cols in (
        ("judgments", judgments, ("dataset", "item_id")),
        ("annotations", annotations, ("dataset", "item_id", "cause")),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {missing}; has {list(df.columns)}")
    keep = annotations["cause"].astype("string").isin(causes)
    if "status" in annotations:
        keep &= annotations["status"].astype("string").eq("active").fillna(False)
    flagged = annotations.loc[keep.fillna(False), ["dataset", "item_id"]].astype(str)
    keys = set(zip(flagged["dataset"], flagged["item_id"], strict=True))
    if not keys:
        return judgments
    mine = pd.MultiIndex.from_arrays(
        [judgments["dataset"].astype(str), judgments["item_id"].astype(str)]
    )
    return judgments[~mine.isin(list(keys))]
