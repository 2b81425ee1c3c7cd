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

Values
------
Every value comes back exactly as it was given -- through :meth:`~AnnotationStore.current`,
:func:`exclude`, every export (CSV, parquet, JSONL) and :func:`load` of each -- except
that ``annotator`` and bias tags are stripped of surrounding whitespace. Unicode is
kept as given (emoji, right-to-left text, combining marks are not normalized), so
are tabs, newlines, quotes and markup. What cannot be kept exactly is refused at input
with a ``ValueError`` naming the field (on import, a
:class:`~workbench.errors.LoadError` naming file, line and field), never stored
altered:

* a NUL character (U+0000): SQLite's text functions cut a string at it, and most
  CSV readers stop at it;
* a lone surrogate (``"\\ud800"``, e.g. from bytes decoded with
  ``errors="surrogateescape"``): not Unicode text, UTF-8 cannot encode it;
* text longer than :data:`~.fields.MAX_NAME_LENGTH` (1,000) characters for a name
  (``dataset``, ``item_id``, ``version``, ``judge``, ``reference``, ``annotator``, a
  tag) or :data:`~.fields.MAX_TEXT_LENGTH` (100,000) for a ``note`` or a withdrawal
  reason; more than :data:`~.fields.MAX_TAGS` (100) tags.

CSV has no missing value: :func:`load` reads an empty cell of ``version``, ``judge``
or ``reference`` (never an empty string) as NA, and ``""`` elsewhere.

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

After each commit the store copies the WAL into the ``.sqlite`` file and empties it
(a checkpoint that never waits: while other connections are busy, the next write or
the last close does it). So between writes the ``.sqlite`` file holds everything,
and a damaged, truncated or deleted ``-wal`` file costs nothing. Should a damaged
WAL still hold committed events (a checkpoint was blocked by a reader when the
process died), SQLite would silently drop every transaction after the damage and
then reset the log; the store reads the ``-wal`` and ``-shm`` files itself before
SQLite does (:mod:`~.wal`), refuses to open such a store for writing (an
:class:`AnnotationStoreError` that says how to rescue it) and, with
``read_only=True``, reads what can be read from a private copy, leaving the
files untouched. Every open runs SQLite's ``quick_check``, so a damaged file is
reported when it is opened, not as a wrong answer later.

Several processes (notebook kernels, a Voilà app, a script) may write at the
same time: writers queue on SQLite's write lock (``busy_timeout``, default 30 s).
``tests/test_annotations_durability.py`` kills one of four concurrent writers
with ``SIGKILL`` and checks that every acknowledged write is present;
``tests/test_annotations_faults.py`` damages the files in every way listed here.

Errors
------
Every failure of the file raises one :class:`AnnotationStoreError` (a ``ValueError``)
that names the path, what happened and what to do (:mod:`~.connect`, the one place
SQLite errors are translated): a file that is not SQLite, not an annotation store or
damaged; a damaged write-ahead log; a store locked by another connection for longer
than ``busy_timeout``; a full disk or an I/O error (the write is rolled back: nothing
is written); a write to a read-only store. A store in a read-only folder, or a
read-only file, is opened read-only (SQLite's ``mode=ro``, or ``immutable=1`` when no
WAL holds anything, so no file is created): reading works, writing raises.
``AnnotationStore(path, read_only=True)`` does the same anywhere, and :func:`load`
always reads that way. Bad values raise a plain ``ValueError`` naming the field.

Files
-----
The default store is :func:`workbench.paths.annotation_store`
(``$WORKBENCH_ANNOTATIONS``, else ``data/annotations.sqlite``). The JSON Lines
export (:meth:`AnnotationStore.export`) is the full event log, one event per
line with a UUID ``event_id``: commit it beside a study; :meth:`~AnnotationStore.import_jsonl`
reads it back losslessly, and importing the same file twice adds nothing. The
import checks the whole file before writing anything (all or nothing): line
length, UTF-8, JSON (no duplicate keys, no ``NaN``), nesting depth, every field
as above, ids, timestamps (UTC, each annotation's events in time order, none
before its creation or after its withdrawal) and provenance (every edit and
withdrawal of an annotation created in the store or earlier in the file). To copy
or back up a store, export it (or use ``sqlite3 store.sqlite ".backup copy.sqlite"``);
copying the ``.sqlite`` file alone is safe only while no process has it open. WAL
needs a local file system (not NFS / SMB).

Layout
------
One concern per file: :mod:`~workbench.annotations.fields` (fields, columns,
encodings, limits), :mod:`~workbench.annotations.sql` (SQLite schema and migrations),
:mod:`~workbench.annotations.validate` (field checks of created, edited and
imported records), :mod:`~workbench.annotations.wal` (is the write-ahead log
damaged?), :mod:`~workbench.annotations.connect` (opening the file, read-only
modes, SQLite errors -> :class:`AnnotationStoreError`),
:mod:`~workbench.annotations.store` (:class:`AnnotationStore`, the event store),
:mod:`~workbench.annotations.io` (CSV / parquet / JSONL export, JSONL import,
reading exports back) and :mod:`~workbench.annotations.analysis` (:func:`load`,
:func:`exclude`). Everything public is importable from here.

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

# `X as X`: public here as in the single-module version, though not in __all__
# (the record vocabulary, and the error import_jsonl raises).
from ..errors import AnnotationStoreError
from ..errors import LoadError as LoadError
from ..vocab import CAUSES
from .analysis import exclude, load
from .auditors import auditor_agreement, cause_conflicts
from .fields import ACTIONS as ACTIONS
from .fields import CURRENT_COLUMNS, EDITABLE, HISTORY_COLUMNS
from .fields import FIELDS as FIELDS
from .fields import KEY_FIELDS as KEY_FIELDS
from .fields import TAG_SEPARATOR as TAG_SEPARATOR
from .sql import SCHEMA_VERSION
from .store import AnnotationStore

__all__ = [
    "CAUSES",
    "CURRENT_COLUMNS",
    "EDITABLE",
    "HISTORY_COLUMNS",
    "SCHEMA_VERSION",
    "AnnotationStore",
    "AnnotationStoreError",
    "auditor_agreement",
    "cause_conflicts",
    "exclude",
    "load",
]
