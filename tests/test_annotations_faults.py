"""Faults of the annotation store: tricky values, bad imports, damaged and read-only files.

Expected values are what each test itself adds, writes or damages. Permission tests
run their reading side in a forked child that cannot override file permissions (as
``nobody`` when the tests run as root, who ignores them), so a read-only folder is
really read-only to SQLite.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from workbench import annotations as ann
from workbench.annotations import AnnotationStore, AnnotationStoreError
from workbench.annotations.connect import explain
from workbench.annotations.fields import MAX_LINE_BYTES, MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from workbench.errors import LoadError

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

# --------------------------------------------------------------------------- helpers


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` with its bytes (to show nothing was changed or created)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _unprivileged(fn, *args, drop_root: bool = True):
    """``fn(*args)`` in a forked child that file permissions apply to; its result or error.

    As root the child becomes ``nobody`` (root ignores permissions); the modules it uses
    are already imported (``nobody`` may not read the interpreter's library).
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            if drop_root and os.geteuid() == 0:
                try:
                    os.setgid(65534)
                    os.setuid(65534)
                except OSError as err:
                    raise _NoNobody(str(err)) from None
            outcome = ("ok", fn(*args))
        except BaseException as err:  # noqa: BLE001 - sent to the parent
            outcome = ("raised", err)
        try:
            data = pickle.dumps(outcome)
        except Exception as err:  # noqa: BLE001
            data = pickle.dumps(("raised", RuntimeError(f"{outcome!r}: {err}")))
        with os.fdopen(write, "wb") as fh:
            fh.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if isinstance(value, _NoNobody):
        pytest.skip(f"running as root and cannot become nobody: {value}")
    if kind == "raised":
        raise value
    return value


class _NoNobody(Exception):
    """The child ran as root and could not drop to ``nobody``."""


@pytest.fixture
def open_dir():
    """A folder the unprivileged child can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="wb-faults-"))
    folder.chmod(0o755)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(folder)


def _populate(path: Path, n: int = 3) -> list[str]:
    with AnnotationStore(path) as store:
        ids = [
            store.add(dataset="toy", item_id=str(i), cause="other", annotator="ann", note=f"n{i}")
            for i in range(n)
        ]
    return ids


_KILLED_WRITER = """
import os, signal, sqlite3, sys
from workbench.annotations import AnnotationStore
path, n, block = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "block"
store = AnnotationStore(path)
if block:  # a reader holding an old snapshot: no checkpoint can copy or empty the log
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
for i in range(n):
    print(store.add(dataset="wal", item_id=str(i), cause="other", annotator="w"), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_writer(path: Path, n: int, block: bool) -> list[str]:
    """Add ``n`` annotations in a process that is then SIGKILLed; the acknowledged ids."""
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(path), str(n), "block" if block else "-"],
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return proc.stdout.split()


@pytest.fixture(scope="module")
def wal_template(tmp_path_factory) -> tuple[Path, list[str]]:
    """A store whose 8 acknowledged annotations sit only in its -wal (the writer died while
    a reader blocked every checkpoint): the case where a damaged log costs data."""
    folder = tmp_path_factory.mktemp("wal")
    acked = _killed_writer(folder / "a.sqlite", 8, block=True)
    wal = folder / "a.sqlite-wal"
    assert wal.stat().st_size > 8 * 4096 and (folder / "a.sqlite-shm").exists()
    return folder, acked


def _copy(template: Path, to: Path) -> Path:
    for p in template.iterdir():
        shutil.copyfile(p, to / p.name)
    return to / "a.sqlite"


# --------------------------------------------------------------------------- values round-trip

TRICKY = {
    "emoji": "👍🏽 family 👨‍👩‍👧 flag 🇩🇪",
    "rtl": "שלום עולם مرحبا \u200f",
    "combining": "e\u0301 a\u0308 Z\u0335\u0321",  # not NFC: kept as given
    "newlines": "a\nb\r\nc\rd",
    "tabs": "a\tb\t c",
    "quotes": "'single' \"double\" `back` \\ slash",
    "html": "<b>bold</b> <script>alert(1)</script> &amp;",
    "csv": 'a,b;c "d",\n',
    "na_words": "NA",
    "null_word": "null",
    "spaces": "  lead and trail  ",
    "numeric": "007",
    "controls": "\x01\x07\x1b\x7f\x0b\x0c",
    "invisible": "\ufeffx\u200b\u2028\u2029\x85y",
    "astral": "\U0010ffff\uffff 𝕏",
    "formula": "=SUM(A1:A9)",
    "long": "ü" * MAX_NAME_LENGTH,
}


def _tricky_store(path: Path, value: str) -> AnnotationStore:
    store = AnnotationStore(path)
    tag = value.replace(";", "").strip() or "tag"
    note = value * (MAX_TEXT_LENGTH // len(value)) if len(value) < 100 else value
    fields = dict(dataset=value, version=value, judge=value, reference=value, cause="other")
    a = store.add(item_id=value, bias_tags=[tag], note=note, annotator=value, **fields)
    b = store.add(item_id="other", note=value, annotator="ann", **fields)
    store.edit(a, annotator="bob", note=value + "!", bias_tags=[tag, "second"])
    store.withdraw(b, annotator="carol", reason=value)
    return store


@pytest.mark.parametrize("value", list(TRICKY.values()), ids=list(TRICKY))
def test_tricky_values_round_trip_through_current_exports_and_import(tmp_path, value):
    store = _tricky_store(tmp_path / "a.sqlite", value)
    cur = store.current(include_withdrawn=True).set_index("item_id")
    row = cur.loc[value]
    for field in ("dataset", "version", "judge", "reference"):
        assert row[field] == value
    assert row["note"] == value + "!"
    assert row["annotator"] == value.strip()  # the one documented change: stripped
    assert row["bias_tags"] == f"{value.replace(';', '').strip() or 'tag'};second"
    history = store.history()
    assert history.loc[history["field"] == "reason", "value"].tolist() == [value]
    expected = store.current(include_withdrawn=True)
    for fmt in ("csv", "parquet", "jsonl"):
        path = store.export(tmp_path / f"out.{fmt}", format=fmt, include_withdrawn=True)
        pd.testing.assert_frame_equal(ann.load(path, include_withdrawn=True), expected)
    log = tmp_path / "out.jsonl"
    fresh = AnnotationStore(tmp_path / "fresh.sqlite")
    assert fresh.import_jsonl(log) == 4  # create a, create b, edit a, withdraw b
    pd.testing.assert_frame_equal(fresh.current(include_withdrawn=True), expected)
    pd.testing.assert_frame_equal(fresh.history(), store.history())
    again = fresh.export(tmp_path / "again.jsonl", format="jsonl")
    assert again.read_bytes() == log.read_bytes()
    # exclude() finds the annotated item by its exact key, and only it
    judgments = pd.DataFrame(
        {"dataset": [value, value, value], "item_id": [value, value + " ", "x"]}
    )
    a = store.current()
    store.edit(a["annotation_id"].iloc[0], annotator="bob", cause="label_noise")
    for fmt in ("csv", "parquet"):
        back = ann.load(store.export(tmp_path / f"noise.{fmt}", format=fmt))
        assert ann.exclude(judgments, back)["item_id"].tolist() == [value + " ", "x"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "a\x00b", r"note: contains a NUL character \(U\+0000\) at position 1"),
        ("item_id", "\x00", "item_id: contains a NUL character"),
        ("judge", "gpt\ud800", r"judge: contains a lone surrogate U\+D800 at position 3"),
        ("note", "\udfff tail", r"note: contains a lone surrogate U\+DFFF at position 0"),
        ("bias_tags", ["ok", "b\ud83d"], r"bias_tags: contains a lone surrogate U\+D83D"),
        ("annotator", "ann\x00", "annotator: contains a NUL character"),
        ("dataset", "d" * (MAX_NAME_LENGTH + 1), "dataset: 1,001 characters; at most 1,000"),
        ("note", "n" * (MAX_TEXT_LENGTH + 1), "note: 100,001 characters; at most 100,000"),
        ("bias_tags", [f"t{i}" for i in range(101)], "bias_tags: more than 100 tags"),
        ("bias_tags", {"a": 1}, "bias_tags: expected a list of strings, got dict"),
        ("version", b"v1", "version: expected a string, got bytes"),
        ("cause", ["other"], r"cause: \['other'\] is not one of"),
    ],
)
def test_values_that_cannot_round_trip_are_refused_and_nothing_is_stored(
    tmp_path, field, value, message
):
    store = AnnotationStore(tmp_path / "a.sqlite")
    kept = store.add(dataset="toy", item_id="1", cause="other", annotator="ann")
    fields = {**dict(dataset="toy", item_id="2", cause="other", annotator="ann"), field: value}
    with pytest.raises(ValueError, match=message) as info:
        store.add(**fields)
    assert type(info.value) is ValueError
    assert [e["annotation_id"] for e in store.events()] == [kept]


def test_edit_withdraw_and_lookups_use_the_same_text_check(tmp_path):
    store = AnnotationStore(tmp_path / "a.sqlite")
    kept = store.add(dataset="toy", item_id="1", cause="other", annotator="ann")
    calls = [
        (lambda: store.edit(kept, annotator="ann", note="a\x00"), "note: contains a NUL"),
        (lambda: store.edit(kept, annotator="ann\ud800", note="x"), "annotator: contains a lone"),
        (lambda: store.edit(5, annotator="ann", note="x"), "annotation_id: expected a string"),
        (lambda: store.withdraw(kept, annotator="ann", reason="a\x00"), "reason: contains a NUL"),
        (
            lambda: store.withdraw(kept, annotator="ann", reason="r" * (MAX_TEXT_LENGTH + 1)),
            "reason: 100,001 characters",
        ),
        (lambda: store.current(item_id="1\x00"), "item_id: contains a NUL"),
        (lambda: store.history("\udc80"), "annotation_id: contains a lone surrogate U\\+DC80"),
    ]
    for call, message in calls:
        with pytest.raises(ValueError, match=message):
            call()
    assert len(store.events()) == 1
    store.withdraw(kept, annotator="ann", reason="r" * MAX_TEXT_LENGTH)  # the limit itself is fine
    assert store.history(kept)["value"].iloc[-1] == "r" * MAX_TEXT_LENGTH


# --------------------------------------------------------------------------- import_jsonl


def _hundred_events(tmp_path: Path) -> list[dict]:
    """100 events in export order: creates of a1..a30 (lines 1-30), first edits of a1..a20
    (31-50), second edits of a1..a20 (51-70), withdrawals of a1..a30 (71-100)."""
    store = AnnotationStore(tmp_path / "src.sqlite")
    ids = [
        store.add(dataset="toy", item_id=str(i), cause="other", annotator="ann") for i in range(30)
    ]
    for note in ("first", "second"):
        for aid in ids[:20]:
            store.edit(aid, annotator="bob", note=note)
    for aid in ids:
        store.withdraw(aid, annotator="carol", reason="done")
    events = store.events()
    assert len(events) == 100 and events[56]["payload"]["set"] == {"note": "second"}
    assert events[56]["annotation_id"] == ids[6] == events[36]["annotation_id"]
    return events


def _line(ev: dict) -> bytes:
    return json.dumps(ev, ensure_ascii=False).encode("utf-8")


def _with(key_path: str, value):
    """A mutation setting ``ev[a][b]... = value`` for ``key_path`` 'a.b...'."""

    def mutate(ev: dict) -> bytes:
        ev = json.loads(json.dumps(ev))
        *heads, last = key_path.split(".")
        target = ev
        for key in heads:
            target = target[key]
        target[last] = value
        return _line(ev)

    return mutate


def _raw(make):
    """A mutation writing line 57 as the bytes ``make(event)`` returns."""
    return make


BAD_LINE_57 = {
    "wrong_type_annotator": (_with("annotator", 5), "annotator", "expected a string, got int"),
    "wrong_type_note": (_with("payload.set.note", 1.5), "payload.set.note", "got float"),
    "bool_cause": (_with("payload.set", {"cause": True}), "payload.set.cause", "True is not"),
    "too_deep": (
        _with("payload.set.note", [[["deep"]]]),
        r"payload.set.note\[0\]",
        "nested 6 levels deep; an event has at most 4",
    ),
    "json_100k_deep": (_raw(lambda ev: b"[" * 100_000), r"\(line\)", "nested too deeply"),
    "nul_escape": (_with("payload.set.note", "a\x00b"), "payload.set.note", "NUL character"),
    "lone_surrogate_escape": (
        _raw(lambda ev: _line(ev).replace(b'"note": "second"', b'"note": "\\ud800"')),
        "payload.set.note",
        "lone surrogate U\\+D800",
    ),
    "note_too_long": (
        _with("payload.set.note", "x" * (MAX_TEXT_LENGTH + 1)),
        "payload.set.note",
        "100,001 characters",
    ),
    "not_utf8": (
        _raw(lambda ev: _line(ev).replace(b"second", b"s\xe9cond")),
        r"\(line\)",
        "not UTF-8: byte 0xe9",
    ),
    "line_too_long": (
        _raw(lambda ev: b" " * (MAX_LINE_BYTES + 1)),
        r"\(line\)",
        "longer than 4,194,304 bytes",
    ),
    "duplicate_key": (
        _raw(lambda ev: _line(ev)[:-1] + b', "annotator": "mallory"}'),
        "annotator",
        "appears twice",
    ),
    "nan": (
        _raw(lambda ev: _line(ev).replace(b'"second"', b"NaN")),
        r"\(line\)",
        "NaN is not a JSON value",
    ),
    "huge_integer": (_raw(lambda ev: b"1" * 5000), r"\(line\)", "not JSON"),
    "before_creation": (
        _with("timestamp", "2000-01-01T00:00:00.000000Z"),
        "timestamp",
        "is before the annotation was created",
    ),
    "out_of_order": (
        None,  # set below: between the annotation's create and its first edit (line 37)
        "timestamp",
        "earlier than this annotation's previous event in the file",
    ),
    "unicode_digits_timestamp": (
        _with("timestamp", "٢٠٢٤-05-01T12:00:00.000000Z"),
        "timestamp",
        "is not a UTC timestamp",
    ),
    "timestamp_newline": (
        _with("timestamp", "2024-05-01T12:00:00.000000Z\n"),
        "timestamp",
        "is not a UTC timestamp",
    ),
    "no_provenance": (
        _with("annotation_id", "00000000-0000-4000-8000-000000000000"),
        "annotation_id",
        "edit of '00000000-0000-4000-8000-000000000000', which no earlier event creates",
    ),
    "previous_mismatch": (
        _with("payload.previous", {}),
        "payload.previous",
        "an edit keeps the previous value of each field it changes",
    ),
    "event_id_reused": (None, "event_id", "is also on line 3, with different content"),
    "withdraw_previous": (
        _with("action", "withdraw"),
        "payload.set",
        "unknown field for a withdraw event",
    ),
}


@pytest.mark.parametrize("case", list(BAD_LINE_57))
def test_import_bad_line_57_of_100_writes_nothing_and_names_line_and_field(tmp_path, case):
    events = _hundred_events(tmp_path)
    mutate, field, problem = BAD_LINE_57[case]
    if case == "out_of_order":
        create, first_edit = events[6]["timestamp"], events[36]["timestamp"]
        assert create < first_edit
        mutate = _with("timestamp", create)  # after its creation, before its first edit
    if case == "event_id_reused":
        mutate = _with("event_id", events[2]["event_id"])
    lines = [_line(ev) for ev in events]
    lines[56] = mutate(events[56])
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    store = AnnotationStore(tmp_path / "dst.sqlite")
    kept = store.add(dataset="toy", item_id="keep", cause="other", annotator="ann")
    before = store.events()
    with pytest.raises(LoadError, match=f"bad.jsonl: record line 57: field '{field}': .*{problem}"):
        store.import_jsonl(bad)
    assert store.events() == before  # all or nothing
    assert store.current()["annotation_id"].tolist() == [kept]
    store.close()
    assert AnnotationStore(tmp_path / "dst.sqlite").integrity_check() == ["ok"]


def test_import_good_hundred_lines_and_history_rules_against_the_store(tmp_path):
    events = _hundred_events(tmp_path)
    good = tmp_path / "good.jsonl"
    good.write_bytes(b"\xef\xbb\xbf" + b"\n".join(_line(ev) for ev in events) + b"\n")  # BOM
    store = AnnotationStore(tmp_path / "dst.sqlite")
    assert store.import_jsonl(good) == 100
    assert store.import_jsonl(good) == 0
    # an edit dated after the store's withdrawal of its annotation is refused
    late = {**events[56], "event_id": str(uuid.uuid4()), "timestamp": "2999-01-01T00:00:00.000000Z"}
    again = {**events[70], "event_id": str(uuid.uuid4())}  # a second withdrawal of a1
    for ev, problem in ((late, "edit of .* which was withdrawn at"), (again, "withdraw of")):
        path = tmp_path / "late.jsonl"
        path.write_bytes(_line(ev) + b"\n")
        with pytest.raises(LoadError, match=f"record line 1: field 'annotation_id': {problem}"):
            store.import_jsonl(path)
    assert len(store.events()) == 100


# --------------------------------------------------------------------------- read-only places


def _read_and_try_to_write(path: str, read_only: bool = False) -> dict:
    """In the child: open, read, try one write; what happened."""
    store = AnnotationStore(path, read_only=read_only)
    out = {"read_only": store.read_only, "current": store.current()}
    try:
        store.add(dataset="toy", item_id="new", cause="other", annotator="ann")
        out["write"] = "written"
    except AnnotationStoreError as err:
        out["write"] = str(err)
    store.close()
    return out


@pytest.mark.parametrize(
    ("what", "reason"),
    [("folder", "its folder .* is not writable"), ("file", "a.sqlite is read-only")],
)
def test_read_only_place_opens_for_reading_and_refuses_writes(open_dir, what, reason):
    path = open_dir / "a.sqlite"
    ids = _populate(path)
    before = _files(open_dir)
    assert list(before) == ["a.sqlite"]  # checkpointed and closed: no -wal / -shm left
    if what == "file":  # the folder stays writable: only the file is read-only
        path.chmod(0o444)
        open_dir.chmod(0o777)
    else:
        open_dir.chmod(0o555)
    out = _unprivileged(_read_and_try_to_write, str(path))
    assert out["read_only"] is True
    assert out["current"]["annotation_id"].tolist() == ids
    assert out["current"]["note"].tolist() == ["n0", "n1", "n2"]
    assert out["write"].startswith(f"path: {path} is open read-only (")
    assert pd.Series([out["write"]]).str.contains(reason).all()
    assert "nothing was written" in out["write"] and "copy the store" in out["write"]
    assert _files(open_dir) == before  # nothing created (no -wal, no -shm) or changed


@pytest.mark.parametrize("shm", [True, False], ids=["with-shm", "without-shm"])
def test_read_only_folder_reads_committed_events_still_in_the_wal(open_dir, wal_template, shm):
    template, acked = wal_template
    path = _copy(template, open_dir)
    if not shm:  # SQLite cannot read this in place: the store reads a private copy
        (open_dir / "a.sqlite-shm").unlink()
    before = _files(open_dir)
    open_dir.chmod(0o555)
    out = _unprivileged(_read_and_try_to_write, str(path))
    assert out["current"]["annotation_id"].tolist() == acked  # all 8, from the log
    assert "is open read-only" in out["write"]
    assert _files(open_dir) == before


def test_read_only_flag_in_writable_place_leaves_no_files(tmp_path):
    path = tmp_path / "a.sqlite"
    ids = _populate(path)
    out = _read_and_try_to_write(str(path), read_only=True)
    assert out["read_only"] and out["current"]["annotation_id"].tolist() == ids
    assert "(opened with read_only=True); nothing was written" in out["write"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sqlite"]
    assert len(ann.load(path)) == 3  # load() reads the same way
    with pytest.raises(AnnotationStoreError, match="does not exist, and read_only=True never"):
        AnnotationStore(tmp_path / "missing.sqlite", read_only=True)
    assert not (tmp_path / "missing.sqlite").exists()


def test_export_into_read_only_folder_raises_naming_the_target(open_dir):
    _populate(open_dir / "a.sqlite")
    out = open_dir / "out"
    out.mkdir(mode=0o555)

    def export(path, target):
        store = AnnotationStore(path)  # read-only to the child: its folder is not writable
        try:
            store.export(target, format="csv")
        except AnnotationStoreError as err:
            return str(err)
        return "exported"

    message = _unprivileged(export, open_dir / "a.sqlite", out / "x.csv")
    assert message.startswith(f"path: {out / 'x.csv'} cannot be written (Permission denied)")
    assert "export to a writable folder" in message
    assert list(out.iterdir()) == []


def test_new_store_in_read_only_folder_is_refused(open_dir):
    open_dir.chmod(0o555)

    def create(path):
        try:
            AnnotationStore(path)
        except AnnotationStoreError as err:
            return type(err).__name__, str(err)
        return "created", ""

    kind, message = _unprivileged(create, str(open_dir / "new.sqlite"))
    assert kind == "AnnotationStoreError"
    assert message.startswith(f"path: {open_dir} is not writable, so no store can be created")
    assert "WORKBENCH_ANNOTATIONS" in message
    assert list(open_dir.iterdir()) == []


# --------------------------------------------------------------------------- damaged files


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _overwrite_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[2 * 4096 : 3 * 4096] = bytes(range(256)) * 16  # page 3: the events table's first
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_garbage, "is not a readable SQLite annotation store while opening .*SQLITE_NOTADB"),
        (_truncate, "is damaged .*(SQLITE_CORRUPT|quick_check)"),
        (_overwrite_page, "is damaged .*(SQLITE_CORRUPT|quick_check)"),
    ],
    ids=["garbage", "truncated", "page-overwritten"],
)
@pytest.mark.parametrize("read_only", [False, True], ids=["rw", "ro"])
def test_damaged_file_raises_one_error_naming_path_and_leaves_it_untouched(
    tmp_path, damage, message, read_only
):
    path = tmp_path / "a.sqlite"
    with AnnotationStore(path) as store:
        for i in range(300):  # about 50 pages
            store.add(dataset="toy", item_id=str(i), cause="other", annotator="a", note="n" * 200)
    damage(path)
    before = _files(tmp_path)
    with pytest.raises(
        AnnotationStoreError, match=f"path: {re.escape(str(path))} {message}"
    ) as info:
        AnnotationStore(path, read_only=read_only)
    assert isinstance(info.value, ValueError)
    assert "backup" in str(info.value) and "JSONL export" in str(info.value)
    assert _files(tmp_path) == before


def test_locked_store_reads_and_a_write_waits_then_raises(tmp_path):
    path = tmp_path / "a.sqlite"
    ids = _populate(path)
    store = AnnotationStore(path, busy_timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert store.current()["annotation_id"].tolist() == ids  # WAL: readers go on
        start = time.perf_counter()
        with pytest.raises(AnnotationStoreError) as info:
            store.add(dataset="toy", item_id="x", cause="other", annotator="ann")
        waited = time.perf_counter() - start
    finally:
        other.execute("ROLLBACK")
        other.close()
    message = str(info.value)
    assert message.startswith(f"path: {path} is locked by another connection for more than ")
    assert "busy_timeout=0.2 s while writing (SQLITE_BUSY: database is locked)" in message
    assert message.endswith("or pass a larger busy_timeout; nothing was written")
    assert 0.15 <= waited < 5
    store.add(dataset="toy", item_id="x", cause="other", annotator="ann")  # released: works
    assert len(store.current()) == 4


def test_full_disk_raises_and_keeps_every_acknowledged_write(tmp_path):
    path = tmp_path / "a.sqlite"  # the file-size limit applies to root too
    AnnotationStore(path).close()
    limit = path.stat().st_size + 64 * 1024

    def fill(path):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        store, acked = AnnotationStore(path), []
        try:
            for i in range(10_000):
                acked.append(
                    store.add(
                        dataset="d", item_id=str(i), cause="other", annotator="a", note="x" * 500
                    )
                )
        except AnnotationStoreError as err:
            return acked, str(err)
        return acked, "no error"

    acked, message = _unprivileged(fill, str(path), drop_root=False)
    assert message.startswith(f"path: {path} ")
    assert "disk is full" in message or "disk I/O error" in message, message
    assert message.endswith("nothing was written")
    assert len(acked) > 10
    store = AnnotationStore(path)
    assert store.integrity_check() == ["ok"]
    assert store.current()["annotation_id"].tolist() == acked


@pytest.mark.parametrize(
    ("name", "what", "todo"),
    [
        ("SQLITE_BUSY", "is locked by another connection", "larger busy_timeout"),
        ("SQLITE_READONLY_DIRECTORY", "cannot be written", "read_only=True"),
        ("SQLITE_NOTADB", "is not a readable SQLite annotation store", "JSONL export"),
        ("SQLITE_CORRUPT_INDEX", "is damaged", ".recover"),
        ("SQLITE_FULL", "cannot be written: the disk is full", "free space"),
        ("SQLITE_IOERR_FSYNC", "hit a disk I/O error", "local file system"),
        ("SQLITE_CANTOPEN", "cannot be opened", "folder exists"),
        ("SQLITE_MISMATCH", "failed", "report the message"),
    ],
)
def test_every_sqlite_error_becomes_one_store_error(name, what, todo):
    err = sqlite3.OperationalError("the SQLite message")
    err.sqlite_errorname = name
    out = explain(err, "/data/a.sqlite", "writing", busy_timeout=1.5)
    assert type(out) is AnnotationStoreError and isinstance(out, ValueError)
    text = str(out)
    assert text.startswith(f"path: /data/a.sqlite {what}")
    assert f"while writing ({name}: the SQLite message); " in text
    assert todo in text and text.endswith("nothing was written")
    assert AnnotationStoreError.__module__ == "workbench.annotations"


# --------------------------------------------------------------------------- the write-ahead log


def _flip_middle(wal: Path) -> None:
    data = bytearray(wal.read_bytes())
    at = 32 + 2 * (24 + 4096) + 100  # inside the page of frame 3
    data[at : at + 64] = bytes(b ^ 0xFF for b in data[at : at + 64])
    wal.write_bytes(bytes(data))


def _cut(wal: Path) -> None:
    wal.write_bytes(wal.read_bytes()[: wal.stat().st_size // 2])


def _header(wal: Path) -> None:
    wal.write_bytes(b"\x00" * 32 + wal.read_bytes()[32:])


def _last_frame(wal: Path) -> None:
    wal.write_bytes(wal.read_bytes()[:-200] + os.urandom(200))


@pytest.mark.parametrize(
    ("damage", "found"),
    [
        (_flip_middle, r"only \d+ of the \d+ committed frames its index \(-shm\) records"),
        (_cut, "is truncated or damaged from frame"),
        (_header, "its header is not a valid write-ahead log header"),
        (_last_frame, "is truncated or damaged from frame"),
    ],
    ids=["garbage-in-frame-3", "truncated", "header", "last-frame"],
)
def test_damaged_wal_with_committed_events_is_refused_not_dropped(
    tmp_path, wal_template, damage, found
):
    template, acked = wal_template
    path = _copy(template, tmp_path)
    damage(tmp_path / "a.sqlite-wal")
    before = _files(tmp_path)
    expected = (
        f"path: {re.escape(str(path))}: its write-ahead log a.sqlite-wal is damaged: .*{found}"
    )
    with pytest.raises(AnnotationStoreError, match=expected) as info:
        AnnotationStore(path)
    assert "no file was changed" in str(info.value) and "read_only=True" in str(info.value)
    assert _files(tmp_path) == before  # SQLite never saw it: nothing reset, nothing lost
    copies = set(Path(tempfile.gettempdir()).glob("workbench-annotations-*"))
    with pytest.warns(UserWarning, match="reading what can be read from a private copy"):
        rescue = AnnotationStore(path, read_only=True)
    readable = rescue.current()["annotation_id"].tolist()
    assert len(readable) < len(acked) and readable == acked[: len(readable)]  # a prefix
    with pytest.raises(
        AnnotationStoreError,
        match=r"private copy of a damaged store\); nothing was written\. Export",
    ):
        rescue.add(dataset="wal", item_id="x", cause="other", annotator="w")
    rescued = rescue.export(tmp_path / "rescue" / "events.jsonl", format="jsonl")
    assert len(rescued.read_text("utf-8").splitlines()) == len(readable)  # one create each
    rescue.close()
    assert set(Path(tempfile.gettempdir()).glob("workbench-annotations-*")) == copies
    assert _files(tmp_path) == before


@pytest.mark.parametrize("tail", ["intact", "torn-last-frame"])
def test_wal_with_committed_events_is_replayed(tmp_path, wal_template, tail):
    template, acked = wal_template
    path = _copy(template, tmp_path)
    wal = tmp_path / "a.sqlite-wal"
    if tail == "torn-last-frame":  # a writer killed while appending a frame: its checksum fails
        data = wal.read_bytes()
        wal.write_bytes(data + data[32 : 32 + 24 + 4096])
    store = AnnotationStore(path)
    assert store.current()["annotation_id"].tolist() == acked
    assert store.integrity_check() == ["ok"]
    assert wal.stat().st_size == 0  # replayed into the file and emptied at open


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted", "shm-deleted-too"])
def test_after_each_write_the_file_holds_everything(tmp_path, damage):
    path = tmp_path / "a.sqlite"
    acked = _killed_writer(path, 8, block=False)  # died right after its last write
    wal, shm = tmp_path / "a.sqlite-wal", tmp_path / "a.sqlite-shm"
    assert wal.stat().st_size == 0  # every commit was checkpointed
    if damage == "garbage":
        wal.write_bytes(os.urandom(3 * 4120))
    elif damage == "truncated":
        wal.write_bytes(b"")
    else:
        wal.unlink()
        if damage == "shm-deleted-too":
            shm.unlink()
    store = AnnotationStore(path)
    assert store.current()["annotation_id"].tolist() == acked
    assert store.integrity_check() == ["ok"]


_DIE_AFTER_COMMIT = """
import os, signal, sys
from workbench.annotations import AnnotationStore, store as store_module
store = AnnotationStore(sys.argv[1])
first = store.add(dataset="crash", item_id="0", cause="other", annotator="w")
def die(conn, busy_timeout):  # committed, not yet (or half) checkpointed
    if sys.argv[2] == "mid-checkpoint":
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    print(first, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
store_module.checkpoint = die
store.add(dataset="crash", item_id="1", cause="other", annotator="w")
"""


@pytest.mark.parametrize("when", ["after-commit", "mid-checkpoint"])
def test_killed_between_commit_and_checkpoint_keeps_the_commit(tmp_path, when):
    path = tmp_path / "a.sqlite"
    proc = subprocess.run(
        [sys.executable, "-c", _DIE_AFTER_COMMIT, str(path), when],
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (tmp_path / "a.sqlite-wal").stat().st_size > 0
    store = AnnotationStore(path)  # the log is healthy: replayed, not refused
    assert store.current()["item_id"].tolist() == ["0", "1"]
    assert store.current()["annotation_id"].iloc[0] == proc.stdout.strip()
    assert store.integrity_check() == ["ok"]
