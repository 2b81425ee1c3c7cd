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

Layout
------
One concern per file: :mod:`~workbench.annotations.fields` (fields, columns,
encodings), :mod:`~workbench.annotations.sql` (SQLite schema and migrations),
:mod:`~workbench.annotations.validate` (field checks of created, edited and
imported records), :mod:`~workbench.annotations.store` (:class:`AnnotationStore`,
the event store), :mod:`~workbench.annotations.io` (CSV / parquet / JSONL export,
JSONL import) and :mod:`~workbench.annotations.analysis` (:func:`load`,
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
    "exclude",
    "load",
]
