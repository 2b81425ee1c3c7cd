"""The event store: :class:`AnnotationStore`, annotations in an append-only SQLite log.

Writes (``add`` / ``edit`` / ``withdraw``) append one event each in a short
``BEGIN IMMEDIATE`` transaction; reads fold the log through the
``current_annotations`` view (:mod:`.sql`), and each commit is followed by a
checkpoint that empties the write-ahead log. Opening the file and translating
SQLite errors live in :mod:`.connect`, field checks in :mod:`.validate`, file
export and import in :mod:`.io`; the package docstring
(:mod:`workbench.annotations`) explains values, durability, errors and files.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .. import paths
from .connect import Opened, checkpoint, open_memory, open_store, sqlite_errors
from .fields import (
    CURRENT_COLUMNS,
    EDITABLE,
    FIELDS,
    HISTORY_COLUMNS,
    MAX_TEXT_LENGTH,
    TAG_SEPARATOR,
    cell,
    now,
    typed,
)
from .io import add_events, export_file, parse_jsonl
from .sql import insert_event
from .validate import check_annotator, check_changes, check_create, check_text, plain_errors

__all__ = ["AnnotationStore"]

_SYNCHRONOUS = ("FULL", "NORMAL")


class AnnotationStore:
    """Annotations of disagreements, in a SQLite event log.

    Parameters
    ----------
    path : str or Path, optional
        SQLite file (created with its directory if missing). Default
        :func:`workbench.paths.annotation_store`. ``":memory:"`` gives a private
        in-memory store (tests, replaying a JSONL file).
    read_only : bool, keyword-only
        Only read: nothing is created, migrated or written (an existing store at
        the current schema version is required). A store whose folder or file is
        not writable is opened read-only without asking; writing to it then
        raises :class:`AnnotationStoreError`.
    synchronous : {"FULL", "NORMAL"}, keyword-only
        SQLite ``synchronous`` setting in WAL mode. ``FULL`` (default) fsyncs the
        log at every commit: an acknowledged annotation survives process crashes
        and power loss. ``NORMAL`` survives process crashes only (see the module
        docstring).
    busy_timeout : float, keyword-only
        Seconds a write waits for another process holding the write lock.

    Raises
    ------
    AnnotationStoreError
        (a ValueError) naming the path and what to do: the file is not SQLite,
        not an annotation store, damaged (its write-ahead log included), of a
        schema version this code cannot read or migrate, or cannot be created.
        Any later SQLite failure (locked, read-only, disk full, I/O error)
        raises it too.

    Notes
    -----
    Every method opens no transaction longer than one write; the object may be
    shared by threads of one process, and a forked child reopens the file.
    Use one store per process (or ``with AnnotationStore(...) as store:``).

    Examples
    --------
    >>> AnnotationStore(":memory:").read_only
    False
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: float = 30.0,
    ):
        if synchronous not in _SYNCHRONOUS:
            raise ValueError(f"synchronous: {synchronous!r} is not one of {list(_SYNCHRONOUS)}")
        if not busy_timeout >= 0:
            raise ValueError(f"busy_timeout: expected seconds >= 0, got {busy_timeout!r}")
        if not isinstance(read_only, bool):
            raise ValueError(f"read_only: expected True or False, got {read_only!r}")
        self.memory = str(path) == ":memory:"
        if self.memory and read_only:
            raise ValueError("read_only: an in-memory store starts empty; there is nothing to read")
        self.path = Path(":memory:") if self.memory else Path(path or paths.annotation_store())
        self.synchronous = synchronous
        self.busy_timeout = float(busy_timeout)
        self._read_only_requested = read_only
        self._lock = threading.RLock()
        self._opened: Opened | None = None
        self._pid = -1
        self._connection()  # open now so a bad file fails at construction

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"AnnotationStore({str(self.path)!r}{mode})"

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (reopened on next use)."""
        with self._lock:
            if self._opened is not None and self._pid == os.getpid():
                self._opened.close()
            self._opened = None

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (``read_only=True``, or a read-only folder or file)."""
        return self._open().read_only is not None

    # ---------------------------------------------------------------- connection
    def _open(self) -> Opened:
        with self._lock:
            if self._opened is not None and (self._pid == os.getpid() or self.memory):
                return self._opened  # (forked: the child has its own copy of memory)
            if self.memory:
                self._opened = open_memory()
            else:
                self._opened = open_store(
                    self.path,
                    read_only=self._read_only_requested,
                    synchronous=self.synchronous,
                    busy_timeout=self.busy_timeout,
                )
            self._pid = os.getpid()
            return self._opened

    def _connection(self) -> sqlite3.Connection:
        return self._open().conn

    def _write(self, fn):
        """Run ``fn(conn)`` in one BEGIN IMMEDIATE transaction, then empty the log.

        SQLite failures raise :class:`AnnotationStoreError` (the transaction is
        rolled back: nothing is written); so does a read-only store.
        """
        with self._lock:
            opened = self._open()
            if opened.read_only is not None:
                raise opened.refuse_write(self.path)
            conn = opened.conn
            with sqlite_errors(self.path, "writing", busy_timeout=self.busy_timeout):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        try:
                            conn.execute("ROLLBACK")
                        except sqlite3.Error:
                            pass  # the connection is broken; SQLite rolls back on reopen
                    raise
            if not self.memory:
                checkpoint(conn, self.busy_timeout)
            return result

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            conn = self._connection()
            with sqlite_errors(self.path, "reading", busy_timeout=self.busy_timeout):
                return conn.execute(sql, params).fetchall()

    _insert = staticmethod(insert_event)

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
        with plain_errors():
            fields = check_create(
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
            who = check_annotator(annotator)
        annotation_id = str(uuid.uuid4())
        self._write(
            lambda conn: self._insert(
                conn, str(uuid.uuid4()), annotation_id, "create", {"set": fields}, who, now()
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
        with plain_errors():
            annotation_id = check_text(annotation_id, "annotation_id")
            who = check_annotator(annotator)
            checked = check_changes(changes)
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
                max(now(), state["updated_at"]),  # never before the event it changes
            )

        self._write(write)

    def withdraw(self, annotation_id: str, *, annotator: str, reason: str | None = None) -> None:
        """Withdraw an annotation: it leaves :meth:`current` but stays in the history.

        Raises
        ------
        ValueError
            Unknown id, or already withdrawn.
        """
        with plain_errors():
            annotation_id = check_text(annotation_id, "annotation_id")
            who = check_annotator(annotator)
            reason = check_text(
                reason, "reason", optional=True, nonempty=False, max_length=MAX_TEXT_LENGTH
            )

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
                max(now(), state["updated_at"]),
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
                with plain_errors():
                    conditions.append(f"{name} = ?")
                    params.append(check_text(value, name))
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
        return typed(df)

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
            with plain_errors():
                annotation_id = check_text(annotation_id, "annotation_id")
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
                records.append((*head, field, cell(previous.get(field)), cell(value)))
        return typed(pd.DataFrame(records, columns=list(HISTORY_COLUMNS)))

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
        return export_file(self, path, format, include_withdrawn=include_withdrawn)

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
            (a ValueError) naming the file, the line and the field: a line longer
            than :data:`~.fields.MAX_LINE_BYTES`, not UTF-8, not JSON (duplicate
            keys and ``NaN`` included) or nested too deeply; a missing or unknown
            field; a bad value (type, NUL, lone surrogate, length, vocabulary,
            id, timestamp format); an event id already in the store or the file
            with different content; an edit or withdrawal of an annotation never
            created, or after its withdrawal; an event dated before its
            annotation's creation or before its previous event in the file.
        AnnotationStoreError
            The store cannot be written (read-only, locked, disk full).
        """
        path = Path(path)
        events = list(parse_jsonl(path))
        return self._write(lambda conn: add_events(conn, path, events))
