"""Opening the SQLite file of an annotation store; the one place SQLite errors are translated.

:func:`sqlite_errors` turns every ``sqlite3.Error`` the store meets (locked,
read-only, not a database, damaged, disk full, I/O error, ...) into one
:class:`~workbench.errors.AnnotationStoreError` that names the path, what
happened and what to do. :func:`open_store` opens a file:

* writable (the default when the folder and the files are writable): WAL mode,
  the schema created or migrated (:func:`~.sql.init_schema`), the write-ahead
  log emptied into the file (:func:`checkpoint`);
* read-only (``read_only=True``, or a read-only folder or file): nothing is
  created or changed. In a read-only place SQLite's ``mode=ro`` is used, or
  ``immutable=1`` when no write-ahead log holds anything (SQLite cannot read a
  WAL-mode file read-only without creating its ``-shm`` file otherwise); a log
  that cannot be read in place is read from a private copy.

Before SQLite touches the files, :func:`~.wal.wal_damage` checks the write-ahead
log: a damaged log is refused for writing (SQLite would drop the committed
transactions after the damage and then reset the log), and read from a private
copy (with a warning) for reading, so the original files stay as they are.
Every open runs ``PRAGMA quick_check``, so a damaged file is reported when it is
opened, not as a wrong answer later.

Examples
--------
>>> import sqlite3
>>> err = sqlite3.OperationalError("database is locked")
>>> err.sqlite_errorname = "SQLITE_BUSY"
>>> print(explain(err, "a.sqlite", "writing", busy_timeout=0.1))  # doctest: +ELLIPSIS
path: a.sqlite is locked by another connection for more than busy_timeout=0.1 s while writing (SQLITE_BUSY: database is locked); another process ... nothing was written
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import AnnotationStoreError
from .sql import check_schema, init_schema
from .wal import wal_damage

__all__ = [
    "DAMAGED",
    "REQUESTED",
    "RESTORE",
    "Opened",
    "checkpoint",
    "explain",
    "open_memory",
    "open_store",
    "sqlite_errors",
]

REQUESTED = "opened with read_only=True"
"""Why a store in a writable place is read-only."""

DAMAGED = "reading a private copy of a damaged store"
"""Why a store with a damaged write-ahead log is read-only."""

RESTORE = (
    "restore the store from a backup or from its JSONL export (AnnotationStore.import_jsonl "
    "into a new file); the sqlite3 shell's `.recover` command may salvage events"
)
"""What to do with a damaged store."""

_ACTIONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("SQLITE_BUSY", "SQLITE_LOCKED"),
        "is locked by another connection{wait}",
        "another process (a notebook kernel, the explorer app, a script, the sqlite3 shell) "
        "holds a write transaction: let it finish or close it and retry, or pass a larger "
        "busy_timeout",
    ),
    (
        ("SQLITE_READONLY",),
        "cannot be written: the file, its folder or its file system is read-only",
        "reading still works (AnnotationStore(path, read_only=True)); to annotate, make the "
        "folder and the files writable, or copy the store to a writable folder and open the "
        "copy (path= or WORKBENCH_ANNOTATIONS)",
    ),
    (
        ("SQLITE_NOTADB",),
        "is not a readable SQLite annotation store",
        "pick another path, or " + RESTORE,
    ),
    (("SQLITE_CORRUPT",), "is damaged", RESTORE),
    (("SQLITE_FULL",), "cannot be written: the disk is full", "free space and retry"),
    (
        ("SQLITE_IOERR",),
        "hit a disk I/O error",
        "check the disk and its free space (the store needs a local file system, not NFS or "
        "SMB), then retry",
    ),
    (
        ("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"),
        "cannot be opened",
        "check that its folder exists and that you may read it",
    ),
    (
        ("SQLITE_PROTOCOL",),
        "file locking failed",
        "use a local file system (the store's write-ahead log needs one)",
    ),
)

# Error names for exceptions that carry none (raised by Python code, or older builds).
_BY_MESSAGE = (
    ("locked", "SQLITE_BUSY"),
    ("readonly", "SQLITE_READONLY"),
    ("not a database", "SQLITE_NOTADB"),
    ("malformed", "SQLITE_CORRUPT"),
    ("disk is full", "SQLITE_FULL"),
    ("disk i/o", "SQLITE_IOERR"),
    ("unable to open", "SQLITE_CANTOPEN"),
)


def explain(
    err: sqlite3.Error,
    path: str | os.PathLike[str],
    doing: str,
    *,
    busy_timeout: float | None = None,
) -> AnnotationStoreError:
    """The :class:`AnnotationStoreError` for ``err``, met on ``path`` while ``doing``.

    The message is ``"path: <path> <what happened> while <doing> (<SQLite error>); <what
    to do>"``; a failed write adds that nothing was written (its transaction is rolled
    back).
    """
    name = getattr(err, "sqlite_errorname", None)
    if not name:
        text = str(err).lower()
        name = next((n for key, n in _BY_MESSAGE if key in text), "SQLITE_ERROR")
    what, action = "failed", "retry; if it persists, copy the store aside and report the message"
    for prefixes, message, todo in _ACTIONS:
        if name.startswith(prefixes):
            wait = (
                f" for more than busy_timeout={busy_timeout:g} s"
                if busy_timeout is not None
                else ""
            )
            what, action = message.format(wait=wait), todo
            break
    if doing == "writing":
        action += "; nothing was written"
    return AnnotationStoreError(f"path: {path} {what} while {doing} ({name}: {err}); {action}")


@contextmanager
def sqlite_errors(
    path: str | os.PathLike[str], doing: str, *, busy_timeout: float | None = None
) -> Iterator[None]:
    """Raise every ``sqlite3.Error`` inside the block as :func:`explain`'s error."""
    try:
        yield
    except sqlite3.Error as err:
        raise explain(err, path, doing, busy_timeout=busy_timeout) from err


@dataclass
class Opened:
    """An open store file: the connection, why it is read-only (``None``: writable), and
    the folder of the private copy it reads, if any (removed by :meth:`close`, or when the
    object is collected, by the process that made it: a forked child leaves it alone)."""

    conn: sqlite3.Connection
    read_only: str | None = None
    snapshot: Path | None = None

    def __post_init__(self) -> None:
        if self.snapshot is not None:
            weakref.finalize(self, _remove, self.snapshot, os.getpid())

    def refuse_write(self, path: Path) -> AnnotationStoreError:
        """The error a write to this read-only store raises: why, and how to annotate."""
        if self.read_only == REQUESTED:
            todo = "To annotate, open it without read_only=True"
        elif self.read_only and self.read_only.endswith(DAMAGED):
            todo = (
                "Export what it holds (format='jsonl'), move the damaged files aside and "
                "import the export into a new store"
            )
        else:
            todo = (
                "To annotate, make the folder and the files writable, or copy the store to a "
                "writable folder and open the copy (path= or WORKBENCH_ANNOTATIONS)"
            )
        return AnnotationStoreError(
            f"path: {path} is open read-only ({self.read_only}); nothing was written. {todo}"
        )

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.snapshot is not None:
                _remove(self.snapshot, os.getpid())


def _remove(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def checkpoint(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Move the write-ahead log into the file and empty it, if no other connection is busy.

    A ``PASSIVE`` checkpoint copies the log into the file without waiting; when it
    copied every frame, ``TRUNCATE`` empties the log (busy timeout 0 meanwhile, so
    neither step ever waits). A committed event then lives in the file itself, and a
    damaged or deleted ``-wal`` cannot cost it. While other connections write or
    read, the log may stay as it is (the next write or the last close empties it);
    truncating only when the log is fully copied keeps concurrent writers from
    queueing behind each other's truncation. Never raises: the commit it follows
    stands.
    """
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if not busy and log == done:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass
    finally:
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        except sqlite3.Error:
            pass


def open_memory() -> Opened:
    """A private in-memory store with the schema."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    init_schema(conn, ":memory:")
    return Opened(conn)


def open_store(path: Path, *, read_only: bool, synchronous: str, busy_timeout: float) -> Opened:
    """Open the store file ``path`` for writing, or for reading only; see the module docstring.

    Raises
    ------
    AnnotationStoreError
        Naming ``path``: a directory; a missing file with ``read_only=True`` or in a
        folder that cannot be created or written; a damaged write-ahead log (for
        writing); a file that is not SQLite, not an annotation store, damaged, locked
        while its schema is set up, or of an unknown schema version.
    """
    if path.is_dir():
        raise AnnotationStoreError(
            f"path: {path} is a directory, expected a SQLite file; pick a file path"
        )
    if not path.exists():
        if read_only:
            raise AnnotationStoreError(
                f"path: {path} does not exist, and read_only=True never creates a store; "
                "check the path, or open it without read_only=True to create it"
            )
        _make_folder(path.parent)
    reason = _unwritable(path)
    if read_only and reason is None:
        reason = REQUESTED
    damage = wal_damage(path)
    if damage is not None:
        return _open_damaged(path, damage, reason)
    with sqlite_errors(path, "opening", busy_timeout=busy_timeout):
        if reason is None:
            return _open_writable(path, synchronous, busy_timeout)
        return _open_read_only(path, reason, busy_timeout)


def _open_damaged(path: Path, damage: str, reason: str | None) -> Opened:
    """A store whose write-ahead log is damaged: refused for writing, else read from a copy."""
    where = f"path: {path}: its write-ahead log {path.name}-wal is damaged: {damage}"
    if reason is None:
        raise AnnotationStoreError(
            f"{where}. The store was not opened and no file was changed, so nothing more is "
            "lost. To go on: export what can be read (AnnotationStore(path, read_only=True)"
            ".export(..., format='jsonl')), move the store and its -wal and -shm files aside "
            "(keep them: the sqlite3 shell's `.recover` may salvage more), then import the "
            "export into a new store"
        )
    warnings.warn(
        f"{where}; reading what can be read from a private copy (the files are left as they are)",
        UserWarning,
        stacklevel=6,  # the AnnotationStore(...) call
    )
    return _open_snapshot(path, f"{reason}; {DAMAGED}")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise AnnotationStoreError(
            f"path: {folder} cannot be created as the store's folder ({err.strerror}); "
            "choose a writable path (path= or WORKBENCH_ANNOTATIONS)"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise AnnotationStoreError(
            f"path: {folder} is not writable, so no store can be created in it; choose a "
            "writable path (path= or WORKBENCH_ANNOTATIONS)"
        )


def _unwritable(path: Path) -> str | None:
    """Why SQLite could not write the store at ``path`` (``None``: it can)."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"its folder {path.parent} is not writable"
    for file in (path, *_companions(path)):
        if file.exists() and not os.access(file, os.W_OK):
            return f"{file.name} is read-only"
    return None


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _connect(target: str, busy_timeout: float, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target,
        isolation_level=None,  # autocommit; transactions are explicit
        timeout=busy_timeout,
        check_same_thread=False,
        uri=uri,
    )
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    return conn


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        found = "; ".join(" ".join(p.split()) for p in problems)
        raise AnnotationStoreError(f"path: {path} is damaged (quick_check: {found}); {RESTORE}")


def _guarded(conn: sqlite3.Connection, steps) -> sqlite3.Connection:
    """Run ``steps(conn)``; close ``conn`` if they raise."""
    try:
        steps(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_writable(path: Path, synchronous: str, busy_timeout: float) -> Opened:
    def steps(conn: sqlite3.Connection) -> None:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise AnnotationStoreError(
                f"path: {path} cannot be switched to WAL mode (journal_mode is {mode!r}); "
                "is it on a network file system? Use a local disk"
            )
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        init_schema(conn, path)
        _quick_check(conn, path)
        checkpoint(conn, busy_timeout)

    return Opened(_guarded(_connect(str(path), busy_timeout), steps))


def _open_read_only(path: Path, reason: str, busy_timeout: float) -> Opened:
    """Read ``path`` without writing or creating anything (see the module docstring)."""

    def steps(conn: sqlite3.Connection) -> None:
        check_schema(conn, path)
        _quick_check(conn, path)

    if reason == REQUESTED:  # a writable place: ordinary locking
        return Opened(_guarded(_connect(str(path), busy_timeout), steps), reason)
    wal, shm = _companions(path)
    logged = wal.exists() and wal.stat().st_size > 0
    option = "mode=ro" if logged else "immutable=1"
    try:
        conn = _guarded(
            _connect(f"{path.resolve().as_uri()}?{option}", busy_timeout, uri=True), steps
        )
    except sqlite3.OperationalError as err:
        name = getattr(err, "sqlite_errorname", "")
        if not logged or not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
            raise
        # a log without its -shm in a read-only folder: SQLite cannot read it in place
        return _open_snapshot(path, f"{reason}; reading a private copy")
    return Opened(conn, reason)


def _open_snapshot(path: Path, reason: str) -> Opened:
    """Read a private copy of ``path`` and its write-ahead log (the originals stay untouched)."""
    folder = Path(tempfile.mkdtemp(prefix="workbench-annotations-"))
    copy = folder / path.name
    try:
        try:
            shutil.copyfile(path, copy)
            wal = _companions(path)[0]
            if wal.exists():
                shutil.copyfile(wal, _companions(copy)[0])
        except OSError as err:
            raise AnnotationStoreError(
                f"path: {path} cannot be read ({err.strerror}); check that you may read the "
                "store and its -wal file"
            ) from None

        def steps(conn: sqlite3.Connection) -> None:
            check_schema(conn, path)
            _quick_check(conn, path)

        with sqlite_errors(path, "opening"):
            conn = _guarded(_connect(str(copy), 0.0), steps)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Opened(conn, reason, folder)
