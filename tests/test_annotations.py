"""Tests of the annotation store (workbench.annotations).

Expected values are hand-written: what was added/edited in the test itself.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from workbench import annotations as ann
from workbench.annotations import CAUSES, CURRENT_COLUMNS, HISTORY_COLUMNS, AnnotationStore
from workbench.schema import LoadError

REPO = Path(__file__).resolve().parent.parent


def _add(store: AnnotationStore, item_id: str = "1", **kw) -> str:
    fields = dict(
        dataset="toy",
        item_id=item_id,
        version="sha-1",
        judge="GPT-4/Vanilla",
        reference="human",
        cause="judge_wrong",
        bias_tags=["position_preference"],
        note="judge picked the longer answer",
        annotator="alice",
    )
    return store.add(**{**fields, **kw})


def _n_events(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


@pytest.fixture
def store(annotation_store) -> AnnotationStore:
    with AnnotationStore(annotation_store) as s:
        yield s


# --------------------------------------------------------------------------- add / current
def test_add_current_has_every_field(store):
    aid = _add(store, bias_tags=["position_preference", "verbosity"])
    cur = store.current()
    assert list(cur.columns) == list(CURRENT_COLUMNS)
    assert len(cur) == 1
    row = cur.iloc[0]
    assert row["annotation_id"] == aid
    expected = {
        "dataset": "toy",
        "item_id": "1",
        "version": "sha-1",
        "judge": "GPT-4/Vanilla",
        "reference": "human",
        "cause": "judge_wrong",
        "bias_tags": "position_preference;verbosity",
        "note": "judge picked the longer answer",
        "annotator": "alice",
        "updated_by": "alice",
        "status": "active",
    }
    assert {k: row[k] for k in expected} == expected
    assert row["created_at"] == row["updated_at"]
    assert (
        str(cur["created_at"].dtype).startswith("datetime64")
        and cur["created_at"].dt.tz is not None
    )
    assert cur["item_id"].dtype == "string" and cur["dataset"].dtype == "string"


def test_add_optional_fields_are_na_and_tags_deduplicated(store):
    store.add(
        dataset="toy",
        item_id="9",
        cause="other",
        annotator="  bob  ",
        bias_tags=[" a ", "b", "a"],
        note=None,
    )
    row = store.current().iloc[0]
    assert pd.isna(row["version"]) and pd.isna(row["judge"]) and pd.isna(row["reference"])
    assert row["bias_tags"] == "a;b"  # stripped, first occurrence kept
    assert row["note"] == ""
    assert row["annotator"] == "bob"  # stripped


def test_add_returns_distinct_uuid_ids(store):
    ids = [_add(store, item_id=str(i)) for i in range(5)]
    assert len(set(ids)) == 5 and all(len(i) == 36 for i in ids)
    assert store.current()["annotation_id"].tolist() == ids  # oldest first


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cause": "judge wrong"}, "cause: 'judge wrong' is not one of"),
        ({"cause": None}, "cause: None is not one of"),
        ({"annotator": ""}, "annotator: empty"),
        ({"annotator": "   "}, "annotator: empty"),
        ({"annotator": None}, "annotator: missing"),
        ({"dataset": ""}, "dataset: empty"),
        ({"item_id": 7}, "item_id: expected a string, got int 7"),
        ({"bias_tags": "verbosity"}, "bias_tags: expected a list of strings, got str"),
        ({"bias_tags": ["a;b"]}, "bias_tags: tag 'a;b'"),
        ({"bias_tags": [""]}, "bias_tags: tag ''"),
        ({"version": 3}, "version: expected a string, got int 3"),
        ({"note": 1.5}, "note: expected a string, got float"),
    ],
)
def test_add_bad_input_raises_and_keeps_store(store, annotation_store, changes, message):
    _add(store)
    before = store.current()
    with pytest.raises(ValueError, match=message) as info:
        _add(store, **{"item_id": "2", **changes})
    assert type(info.value) is ValueError
    pd.testing.assert_frame_equal(store.current(), before)
    assert _n_events(annotation_store) == 1


def test_current_filters_by_dataset_and_item(store):
    a = _add(store, item_id="1")
    b = _add(store, item_id="1", dataset="other")
    c = _add(store, item_id="2")
    d = _add(store, item_id="1", annotator="bob")
    store.withdraw(d, annotator="bob")
    assert store.current(item_id="1")["annotation_id"].tolist() == [a, b]
    assert store.current(dataset="toy", item_id="1")["annotation_id"].tolist() == [a]
    assert store.current(dataset="toy")["annotation_id"].tolist() == [a, c]
    assert store.current(item_id="1", include_withdrawn=True)["annotation_id"].tolist() == [a, b, d]
    assert store.current(item_id="nope").empty
    with pytest.raises(ValueError, match="item_id: expected a string, got int 1"):
        store.current(item_id=1)


# --------------------------------------------------------------------------- edit
def test_edit_changes_fields_and_keeps_previous_in_history(store):
    aid = _add(store)
    store.edit(aid, annotator="bob", cause="label_noise", bias_tags=[], note="mislabelled")
    row = store.current().iloc[0]
    assert (row["cause"], row["bias_tags"], row["note"]) == ("label_noise", "", "mislabelled")
    assert row["annotator"] == "alice" and row["updated_by"] == "bob"
    assert row["updated_at"] >= row["created_at"]

    hist = store.history(aid)
    assert list(hist.columns) == list(HISTORY_COLUMNS)
    edit = hist[hist["action"] == "edit"]
    assert edit[["annotator", "field", "previous", "value"]].values.tolist() == [
        ["bob", "cause", "judge_wrong", "label_noise"],
        ["bob", "bias_tags", "position_preference", ""],
        ["bob", "note", "judge picked the longer answer", "mislabelled"],
    ]
    assert edit["event_id"].nunique() == 1  # one event, three fields
    create = hist[hist["action"] == "create"]
    assert create["field"].tolist() == list(ann.FIELDS)
    assert create["previous"].isna().all()
    assert create.set_index("field").loc["cause", "value"] == "judge_wrong"


def test_edit_only_records_changed_fields(store, annotation_store):
    aid = _add(store)
    store.edit(aid, annotator="bob", cause="judge_wrong", note="new note")  # cause unchanged
    assert store.history(aid).query("action == 'edit'")["field"].tolist() == ["note"]
    store.edit(aid, annotator="bob", cause="judge_wrong", note="new note")  # nothing changes
    assert _n_events(annotation_store) == 2


def test_edit_twice_history_chains_previous_values(store):
    aid = _add(store)
    store.edit(aid, annotator="bob", cause="ambiguous_item")
    store.edit(aid, annotator="carol", cause="both_acceptable")
    hist = store.history(aid).query("field == 'cause'")
    assert hist[["action", "annotator", "previous", "value"]].values.tolist() == [
        ["create", "alice", pd.NA, "judge_wrong"],
        ["edit", "bob", "judge_wrong", "ambiguous_item"],
        ["edit", "carol", "ambiguous_item", "both_acceptable"],
    ]
    assert store.current()["cause"].tolist() == ["both_acceptable"]


@pytest.mark.parametrize(
    ("aid", "kwargs", "message"),
    [
        (
            "nope",
            {"annotator": "bob", "cause": "other"},
            "annotation_id: 'nope' is not in the store",
        ),
        (None, {"annotator": "", "cause": "other"}, "annotator: empty"),
        (None, {"annotator": "bob", "cause": "typo"}, "cause: 'typo' is not one of"),
        (None, {"annotator": "bob", "item_id": "2"}, r"item_id: cannot be edited \(fixed"),
        (None, {"annotator": "bob", "colour": "red"}, "colour: cannot be edited; editable"),
        (None, {"annotator": "bob"}, "changes: nothing to edit"),
    ],
)
def test_edit_bad_input_raises_and_keeps_store(store, annotation_store, aid, kwargs, message):
    real = _add(store)
    before = store.current()
    with pytest.raises(ValueError, match=message):
        store.edit(aid or real, **kwargs)
    pd.testing.assert_frame_equal(store.current(), before)
    assert _n_events(annotation_store) == 1


# --------------------------------------------------------------------------- withdraw
def test_withdraw_hides_from_current_and_keeps_history(store):
    keep = _add(store, item_id="1")
    gone = _add(store, item_id="2")
    store.withdraw(gone, annotator="bob", reason="duplicate of item 1")
    assert store.current()["annotation_id"].tolist() == [keep]
    both = store.current(include_withdrawn=True).set_index("annotation_id")
    assert both.loc[gone, "status"] == "withdrawn" and both.loc[keep, "status"] == "active"
    assert both.loc[gone, "updated_by"] == "bob"
    assert both.loc[gone, "cause"] == "judge_wrong"  # last value kept for the record
    hist = store.history(gone).query("action == 'withdraw'")
    assert hist[["annotator", "field", "previous", "value"]].values.tolist() == [
        ["bob", "status", "active", "withdrawn"],
        ["bob", "reason", pd.NA, "duplicate of item 1"],
    ]


def test_withdraw_without_reason_has_one_history_row(store):
    aid = _add(store)
    store.withdraw(aid, annotator="alice")
    assert store.history(aid)["action"].tolist().count("withdraw") == 1


def test_withdraw_twice_or_edit_after_raises(store, annotation_store):
    aid = _add(store)
    store.withdraw(aid, annotator="alice")
    with pytest.raises(ValueError, match="already withdrawn"):
        store.withdraw(aid, annotator="alice")
    with pytest.raises(ValueError, match="is withdrawn; add a new one"):
        store.edit(aid, annotator="alice", note="x")
    with pytest.raises(ValueError, match="annotation_id: 'zzz' is not in the store"):
        store.withdraw("zzz", annotator="alice")
    with pytest.raises(ValueError, match="annotator: empty"):
        store.withdraw(aid, annotator="")
    assert _n_events(annotation_store) == 2


# --------------------------------------------------------------------------- history
def test_history_all_annotations_in_event_order(store):
    a = _add(store, item_id="1")
    b = _add(store, item_id="2")
    store.edit(a, annotator="bob", note="edited")
    store.withdraw(b, annotator="bob")
    hist = store.history()
    n_fields = len(ann.FIELDS)
    assert len(hist) == 2 * n_fields + 1 + 1  # two creates, one edited field, one status row
    events = hist.drop_duplicates("event_id")
    assert events[["annotation_id", "action"]].values.tolist() == [
        [a, "create"],
        [b, "create"],
        [a, "edit"],
        [b, "withdraw"],
    ]
    assert hist["timestamp"].is_monotonic_increasing


def test_history_unknown_id_raises(store):
    with pytest.raises(ValueError, match="annotation_id: 'x' is not in the store"):
        store.history("x")


def test_history_empty_store_has_columns(store):
    hist = store.history()
    assert hist.empty and list(hist.columns) == list(HISTORY_COLUMNS)
    cur = store.current()
    assert cur.empty and list(cur.columns) == list(CURRENT_COLUMNS)


# --------------------------------------------------------------------------- persistence
def test_store_survives_reopen_and_other_processes(annotation_store):
    store = AnnotationStore(annotation_store)
    aid = _add(store)
    del store  # a kernel restart: no close()
    code = (
        "import sys; from workbench.annotations import AnnotationStore as S; "
        "s = S(sys.argv[1]); s.edit(sys.argv[2], annotator='proc', note='from a subprocess'); "
        "print(s.add(dataset='toy', item_id='2', cause='other', annotator='proc'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(annotation_store), aid],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.strip()
    cur = AnnotationStore(annotation_store).current().set_index("annotation_id")
    assert set(cur.index) == {aid, out}
    assert cur.loc[aid, "note"] == "from a subprocess" and cur.loc[aid, "updated_by"] == "proc"


def test_store_two_handles_see_each_other(annotation_store):
    one, two = AnnotationStore(annotation_store), AnnotationStore(annotation_store)
    aid = _add(one)
    two.edit(aid, annotator="bob", cause="other")
    assert one.current()["cause"].tolist() == ["other"]


def test_store_default_path_and_pragmas(annotation_store):
    store = AnnotationStore()  # the fixture points WORKBENCH_ANNOTATIONS at a temp file
    assert store.path == annotation_store
    _add(store)
    assert annotation_store.is_file()
    with sqlite3.connect(annotation_store) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == ann.SCHEMA_VERSION
    assert store.integrity_check() == ["ok"]
    conn = store._connection()
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert (
        AnnotationStore(annotation_store, synchronous="NORMAL")
        ._connection()
        .execute("PRAGMA synchronous")
        .fetchone()[0]
        == 1
    )


def test_store_events_are_append_only(store, annotation_store):
    _add(store)
    with sqlite3.connect(annotation_store) as conn:
        for sql in ("UPDATE events SET annotator = 'mallory'", "DELETE FROM events"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    assert store.current()["annotator"].tolist() == ["alice"]


def test_store_bad_options_raise(tmp_path):
    with pytest.raises(ValueError, match="synchronous: 'OFF' is not one of"):
        AnnotationStore(tmp_path / "a.sqlite", synchronous="OFF")
    with pytest.raises(ValueError, match="path: .* is a directory"):
        AnnotationStore(tmp_path)


# --------------------------------------------------------------------------- schema version
def test_store_newer_schema_version_refused(annotation_store):
    _add(AnnotationStore(annotation_store))
    with sqlite3.connect(annotation_store) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(
        ValueError, match=r"schema version 99, newer than the 1 .* upgrade workbench"
    ):
        AnnotationStore(annotation_store)
    with sqlite3.connect(annotation_store) as conn:  # left untouched
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_store_older_schema_migrated(annotation_store, monkeypatch):
    aid = _add(AnnotationStore(annotation_store))
    monkeypatch.setattr(ann.sql, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(ann.sql, "MIGRATIONS", {1: "CREATE TABLE extra (x TEXT);"})
    store = AnnotationStore(annotation_store)
    with sqlite3.connect(annotation_store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM extra").fetchone()[0] == 0
    assert store.current()["annotation_id"].tolist() == [aid]


def test_store_older_schema_without_migration_refused(annotation_store, monkeypatch):
    AnnotationStore(annotation_store).close()
    monkeypatch.setattr(ann.sql, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(ann.sql, "MIGRATIONS", {1: "CREATE TABLE extra (x TEXT);"})
    with pytest.raises(ValueError, match="schema version 2; no migration to 3"):
        AnnotationStore(annotation_store)
    with sqlite3.connect(annotation_store) as conn:  # the failed migration rolled back
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        assert "extra" not in names


def test_store_foreign_files_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(ValueError, match=r"not an annotation store .*\['t'\]"):
        AnnotationStore(other)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match="is not a readable SQLite annotation store"):
        AnnotationStore(junk)


# --------------------------------------------------------------------------- export / import
def _populated(path) -> AnnotationStore:
    store = AnnotationStore(path)
    a = _add(store, item_id="1", note='quotes " and ; and\nnewline and ünïcode')
    b = _add(store, item_id="2", bias_tags=[], judge=None, version=None)
    c = _add(store, item_id="3", cause="label_noise")
    store.edit(
        a, annotator="bob", cause="ambiguous_item", bias_tags=["verbosity", "self_enhancement"]
    )
    store.withdraw(b, annotator="carol", reason="wrong item")
    store.edit(c, annotator="alice", note="")
    return store


def test_export_jsonl_import_round_trip_identical(tmp_path):
    src = _populated(tmp_path / "a.sqlite")
    log = src.export(tmp_path / "study" / "annotations.jsonl", format="jsonl")
    dst = AnnotationStore(tmp_path / "b.sqlite")
    assert dst.import_jsonl(log) == len(src.events()) == 6
    for include in (False, True):
        pd.testing.assert_frame_equal(
            dst.current(include_withdrawn=include), src.current(include_withdrawn=include)
        )
    pd.testing.assert_frame_equal(dst.history(), src.history())
    again = dst.export(tmp_path / "again.jsonl", format="jsonl")
    assert again.read_bytes() == log.read_bytes()  # byte-identical re-export


def test_export_jsonl_one_sorted_event_per_line(tmp_path):
    src = _populated(tmp_path / "a.sqlite")
    lines = src.export(tmp_path / "a.jsonl", format="jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 6
    first = json.loads(lines[0])
    assert list(first) == sorted(first)
    assert set(first) == {
        "event_id",
        "annotation_id",
        "action",
        "annotator",
        "timestamp",
        "payload",
    }
    assert first["action"] == "create" and first["payload"]["set"]["item_id"] == "1"
    assert [json.loads(x)["action"] for x in lines] == [
        "create",
        "create",
        "create",
        "edit",
        "withdraw",
        "edit",
    ]


def test_import_jsonl_twice_adds_nothing(tmp_path):
    src = _populated(tmp_path / "a.sqlite")
    log = src.export(tmp_path / "a.jsonl", format="jsonl")
    assert src.import_jsonl(log) == 0  # into its own source
    dst = AnnotationStore(tmp_path / "b.sqlite")
    assert dst.import_jsonl(log) == 6
    assert dst.import_jsonl(log) == 0
    assert len(dst.events()) == 6
    pd.testing.assert_frame_equal(dst.history(), src.history())


def test_import_jsonl_merges_two_teams(tmp_path):
    one = _populated(tmp_path / "one.sqlite")
    two = AnnotationStore(tmp_path / "two.sqlite")
    mine = _add(two, item_id="99", annotator="dave")
    assert two.import_jsonl(one.export(tmp_path / "one.jsonl", format="jsonl")) == 6
    ids = set(two.current(include_withdrawn=True)["annotation_id"])
    assert ids == set(one.current(include_withdrawn=True)["annotation_id"]) | {mine}
    # and back: one now learns only dave's annotation
    assert one.import_jsonl(two.export(tmp_path / "two.jsonl", format="jsonl")) == 1


def _event_lines(tmp_path) -> list[dict]:
    src = _populated(tmp_path / "src.sqlite")
    return src.events()


def _write_lines(path: Path, records: list) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("line", "mutate", "message"),
    [
        (3, lambda e: "{not json", r"line 3: field '\(line\)': not JSON"),
        (2, lambda e: [1, 2], r"line 2: field '\(line\)': expected a JSON object, got list"),
        (
            2,
            lambda e: {k: v for k, v in e.items() if k != "annotator"},
            "line 2: field 'annotator': missing",
        ),
        (2, lambda e: {**e, "extra": 1}, "line 2: field 'extra': unknown field"),
        (1, lambda e: {**e, "event_id": "123"}, "line 1: field 'event_id': '123' is not"),
        (2, lambda e: {**e, "action": "delete"}, "line 2: field 'action': 'delete' is not one of"),
        (2, lambda e: {**e, "annotator": ""}, "line 2: field 'annotator': empty"),
        (2, lambda e: {**e, "timestamp": "yesterday"}, "line 2: field 'timestamp': 'yesterday'"),
        (
            2,
            lambda e: {**e, "payload": {"set": {**e["payload"]["set"], "cause": "bogus"}}},
            "line 2: field 'payload.set.cause': 'bogus' is not one of",
        ),
        (
            2,
            lambda e: {**e, "payload": {"set": {**e["payload"]["set"], "bias_tags": "x"}}},
            "line 2: field 'payload.set.bias_tags': expected a list",
        ),
        (
            2,
            lambda e: {
                **e,
                "payload": {
                    "set": {k: v for k, v in e["payload"]["set"].items() if k != "item_id"}
                },
            },
            "line 2: field 'payload.set.item_id': missing",
        ),
        (
            4,
            lambda e: {**e, "payload": {**e["payload"], "set": {"dataset": "other"}}},
            r"line 4: field 'payload.set.dataset': cannot be edited \(fixed",
        ),
    ],
)
def test_import_jsonl_malformed_line_names_file_line_field(tmp_path, line, mutate, message):
    events = _event_lines(tmp_path)
    events[line - 1] = mutate(events[line - 1])
    bad = _write_lines(tmp_path / "bad.jsonl", events)
    store = AnnotationStore(tmp_path / "dst.sqlite")
    existing = _add(store, item_id="keep")
    with pytest.raises(LoadError, match=f"bad.jsonl: record {message}") as info:
        store.import_jsonl(bad)
    assert isinstance(info.value, ValueError)
    assert info.value.file.endswith("bad.jsonl")
    # all-or-nothing: the earlier good lines were not imported, the existing annotation is intact
    assert store.current()["annotation_id"].tolist() == [existing]
    assert len(store.events()) == 1


def test_import_jsonl_edit_of_unknown_annotation_raises(tmp_path):
    events = _event_lines(tmp_path)
    bad = _write_lines(tmp_path / "orphan.jsonl", [events[3]])  # an edit without its create
    store = AnnotationStore(tmp_path / "dst.sqlite")
    with pytest.raises(
        LoadError, match="orphan.jsonl: record line 1: field 'annotation_id': edit of"
    ):
        store.import_jsonl(bad)
    assert store.events() == []


def test_import_jsonl_conflicting_event_id_raises(tmp_path):
    events = _event_lines(tmp_path)
    store = AnnotationStore(tmp_path / "dst.sqlite")
    store.import_jsonl(_write_lines(tmp_path / "good.jsonl", events))
    events[5] = {**events[5], "annotator": "mallory"}
    with pytest.raises(LoadError, match="record line 6: field 'event_id': .* different content"):
        store.import_jsonl(_write_lines(tmp_path / "tampered.jsonl", events))
    assert store.history()["annotator"].eq("mallory").sum() == 0


def test_import_jsonl_missing_file_raises(tmp_path):
    with pytest.raises(ValueError, match="path: cannot read .*nope.jsonl"):
        AnnotationStore(":memory:").import_jsonl(tmp_path / "nope.jsonl")


def test_export_csv_contents(tmp_path):
    src = _populated(tmp_path / "a.sqlite")
    path = src.export(tmp_path / "a.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(CURRENT_COLUMNS)
    assert back["item_id"].tolist() == ["1", "3"]  # item 2 withdrawn
    assert back["cause"].tolist() == ["ambiguous_item", "label_noise"]
    assert back["bias_tags"].tolist() == ["verbosity;self_enhancement", "position_preference"]
    assert back["note"].tolist() == ['quotes " and ; and\nnewline and ünïcode', ""]
    assert back["updated_by"].tolist() == ["bob", "alice"]
    assert pd.to_datetime(back["created_at"]).tolist() == src.current()["created_at"].tolist()
    everything = pd.read_csv(src.export(tmp_path / "all.csv", include_withdrawn=True), dtype=str)
    assert everything["status"].tolist() == ["active", "withdrawn", "active"]
    assert not list(tmp_path.glob(".*.tmp"))  # the temp file was renamed into place


def test_export_parquet_contents(tmp_path):
    src = _populated(tmp_path / "a.sqlite")
    back = pd.read_parquet(src.export(tmp_path / "a.parquet", format="parquet"))
    expected = src.current()
    assert list(back.columns) == list(CURRENT_COLUMNS)
    assert back["annotation_id"].tolist() == expected["annotation_id"].tolist()
    assert back["bias_tags"].tolist() == ["verbosity;self_enhancement", "position_preference"]
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_export_bad_format_raises(store, tmp_path):
    with pytest.raises(ValueError, match="format: 'xlsx' is not one of"):
        store.export(tmp_path / "a.xlsx", format="xlsx")


# --------------------------------------------------------------------------- load / exclude
def test_load_default_store(annotation_store):
    assert ann.load().empty  # default store not created yet: empty, with columns
    assert list(ann.load().columns) == list(CURRENT_COLUMNS)
    assert not annotation_store.exists()
    aid = _add(AnnotationStore())
    assert ann.load()["annotation_id"].tolist() == [aid]


def test_load_jsonl_and_explicit_paths(tmp_path):
    src = _populated(tmp_path / "a.sqlite")
    log = src.export(tmp_path / "a.jsonl", format="jsonl")
    pd.testing.assert_frame_equal(ann.load(log), src.current())
    pd.testing.assert_frame_equal(ann.load(tmp_path / "a.sqlite"), src.current())
    assert len(ann.load(log, include_withdrawn=True)) == 3
    with pytest.raises(FileNotFoundError, match="no annotation store or export"):
        ann.load(tmp_path / "missing.sqlite")


def _judgments() -> pd.DataFrame:
    # items 1-4 of dataset "toy", human vs judge; the judge agrees on items 2 and 4
    rows = [
        ("toy", "1", "human", "A"),
        ("toy", "1", "judge", "B"),
        ("toy", "2", "human", "A"),
        ("toy", "2", "judge", "A"),
        ("toy", "3", "human", "B"),
        ("toy", "3", "judge", "A"),
        ("toy", "4", "human", "tie"),
        ("toy", "4", "judge", "tie"),
        ("other", "1", "human", "A"),
        ("other", "1", "judge", "B"),
    ]
    df = pd.DataFrame(rows, columns=["dataset", "item_id", "rater", "label"])
    return df.astype("string")


def _agreement(df: pd.DataFrame) -> float:
    wide = df.pivot(index=["dataset", "item_id"], columns="rater", values="label")
    return float((wide["human"] == wide["judge"]).mean())


def test_exclude_label_noise_recomputes_agreement(store):
    judgments = _judgments()
    assert _agreement(judgments) == 2 / 5
    _add(store, item_id="1", cause="label_noise")
    _add(store, item_id="3", cause="judge_wrong")
    withdrawn = _add(store, item_id="2", cause="label_noise")
    store.withdraw(withdrawn, annotator="alice")
    kept = ann.exclude(judgments, ann.load())
    # toy/1 goes (both rows); other/1 has the same item_id but another dataset; toy/2 was withdrawn
    assert kept.index.tolist() == [2, 3, 4, 5, 6, 7, 8, 9]
    assert _agreement(kept) == 2 / 4
    both = ann.exclude(judgments, ann.load(), causes=("label_noise", "judge_wrong"))
    assert sorted(set(both["item_id"])) == ["1", "2", "4"]
    assert _agreement(both) == 2 / 3
    assert (
        ann.exclude(judgments, ann.load(), causes="judge_wrong")["item_id"].tolist().count("3") == 0
    )
    pd.testing.assert_frame_equal(ann.exclude(judgments, ann.load(), causes=("other",)), judgments)


def test_exclude_bad_input_raises():
    with pytest.raises(ValueError, match=r"causes: \['noise'\] not in"):
        ann.exclude(_judgments(), AnnotationStore(":memory:").current(), causes=("noise",))
    with pytest.raises(ValueError, match=r"judgments: missing column\(s\) \['item_id'\]"):
        ann.exclude(pd.DataFrame({"dataset": ["x"]}), AnnotationStore(":memory:").current())
    with pytest.raises(ValueError, match=r"annotations: missing column\(s\) \['cause'\]"):
        ann.exclude(_judgments(), pd.DataFrame({"dataset": ["x"], "item_id": ["1"]}))


def test_causes_vocabulary():
    assert CAUSES == (
        "judge_wrong",
        "human_wrong",
        "ambiguous_item",
        "both_acceptable",
        "label_noise",
        "other",
    )
