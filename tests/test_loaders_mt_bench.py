"""MT-Bench human judgments loader, run on a generated fixture in the published parquet schema.

Expected values are counted by hand from the rows listed in ``workbench/loaders/mt_bench_demo.py``
(``HUMAN_ROWS`` numbered 1-24, ``GPT4_ROWS``).
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from fixtures_http import serve_directory

import workbench
from workbench.fetch import ChecksumError, sha256
from workbench.loaders import mt_bench
from workbench.loaders.mt_bench_demo import (
    QUESTIONS,
    SCHEMA,
    answer,
    gpt4_records,
    human_records,
    registry,
    write_fixture,
    write_records,
)
from workbench.schema import LoadError


@pytest.fixture
def fixture_mirror(tmp_path, monkeypatch):
    """The fixture as the mirror, with its checksums registered and a private cache."""
    root = write_fixture(tmp_path / "mirror")
    monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(root))
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("workbench.fetch.registry", registry(root))
    return root


@pytest.fixture(scope="module")
def df(tmp_path_factory):
    root = write_fixture(tmp_path_factory.mktemp("mt_bench"))
    folder = root / mt_bench.SOURCE.folder
    return mt_bench.parse({p: folder / p for p in mt_bench.FILES})


def _row(df, item_id, rater, order=None):
    sel = (df.item_id == item_id) & (df.rater == rater)
    sel &= df["order"].isna() if order is None else (df["order"] == order)
    assert sel.sum() == 1
    return df[sel].iloc[0]


def test_write_fixture_uses_published_schema(tmp_path):
    root = write_fixture(tmp_path)
    for p in mt_bench.FILES:
        assert pq.read_schema(root / mt_bench.SOURCE.folder / p).equals(SCHEMA)
    assert pq.read_metadata(root / mt_bench.SOURCE.folder / mt_bench.HUMAN).num_rows == 24
    assert pq.read_metadata(root / mt_bench.SOURCE.folder / mt_bench.GPT4).num_rows == 12


def test_parse_mt_bench_row_counts(df):
    # 12 GPT-4 verdicts (one per item) + 24 human votes minus 2 collapsed repeats (rows 7, 10) = 34.
    assert (df.rater == "gpt-4").sum() == 12
    assert (df.rater_kind == "human").sum() == 22
    assert len(df) == 34
    # 12 GPT-4 items + 3 human-only items (rows 21, 23, 24).
    assert df["item_id"].nunique() == 15
    assert df.groupby("turn").size().to_dict() == {1: 19, 2: 15}


def test_parse_mt_bench_gpt4_combined_verdicts(df):
    gpt = df[df.rater == "gpt-4"]
    # GPT4_ROWS: 4 model_a, 4 model_b, 2 tie + 2 "tie (inconsistent)" -> A 4, B 4, tie 4.
    assert gpt["label"].value_counts()[["A", "B", "tie"]].tolist() == [4, 4, 4]
    assert (gpt["raw"] == "tie (inconsistent)").sum() == 2
    assert set(gpt.loc[gpt.raw == "tie (inconsistent)", "label"]) == {"tie"}
    # Combined over both orders: no presentation order, strategy = the source's judge value.
    assert gpt["order"].isna().all() and set(gpt["strategy"]) == {"gpt4_pair"}
    assert (gpt["rater_kind"] == "llm").all()


def test_parse_mt_bench_item_ids_and_canonical_order(df):
    # GPT4_ROWS[6] lists (alpaca-13b, gpt-4): that order is canonical, not the alphabetical one.
    assert "111/alpaca-13b/gpt-4/t1" in set(df.item_id)
    # Human-only item: the first human row (row 21, claude-v1 vs alpaca-13b) sets the order.
    assert "121/claude-v1/alpaca-13b/t1" in set(df.item_id)
    assert df["item_id"].str.fullmatch(r"\d+/[^/]+/[^/]+/t[12]").all()
    assert (
        df.groupby("item_id")[["model_a", "model_b", "prompt", "response_a"]].nunique().max().max()
        == 1
    )


def test_parse_mt_bench_reversed_human_rows_relabelled(df):
    # Row 3: author_0 saw (claude-v1, gpt-4) and chose model_b = gpt-4, canonical A.
    r3 = _row(df, "81/gpt-4/claude-v1/t1", "human:author_0", "BA")
    assert (r3["label"], r3["raw"]) == ("A", "model_b")
    assert r3["response_a"] == answer("gpt-4", 81, 1)
    # Row 16: expert_1 saw (vicuna, claude-v1) and chose model_a = vicuna, canonical B.
    r16 = _row(df, "121/claude-v1/vicuna-13b-v1.2/t1", "human:expert_1", "BA")
    assert (r16["label"], r16["raw"]) == ("B", "model_a")
    # Rows 12-13: one person, both orders, same choice (gpt-4 = canonical B) -> two rows.
    assert _row(df, "111/alpaca-13b/gpt-4/t1", "human:expert_2", "AB")["label"] == "B"
    assert _row(df, "111/alpaca-13b/gpt-4/t1", "human:expert_2", "BA")["label"] == "B"


def test_parse_mt_bench_repeated_votes_collapsed(df):
    # Rows 6-7: expert_0 twice model_b -> one row, label B, both raw votes kept.
    rep = _row(df, "81/vicuna-13b-v1.2/alpaca-13b/t1", "human:expert_0", "AB")
    assert (rep["label"], rep["raw"]) == ("B", "model_b; model_b")
    # Rows 9-10: expert_3 model_a then model_b -> conflicting: label NA, raw keeps both.
    conflict = _row(df, "111/gpt-4/claude-v1/t1", "human:expert_3", "AB")
    assert conflict["raw"] == "model_a; model_b"
    assert conflict["label"] is None or conflict["label"] != conflict["label"]


def test_parse_mt_bench_turn_texts_and_category(df):
    t2 = _row(df, "81/gpt-4/claude-v1/t2", "gpt-4")
    assert t2["prompt"] == QUESTIONS[81][1]
    assert (t2["response_a"], t2["response_b"]) == (
        answer("gpt-4", 81, 2),
        answer("claude-v1", 81, 2),
    )
    assert t2["turn"] == 2 and t2["subset"] == "writing"
    assert df.groupby("subset")["item_id"].nunique().to_dict() == {
        "coding": 5,
        "math": 5,
        "writing": 5,
    }


def test_parse_mt_bench_agreement_by_plain_pandas(df):
    # Human vs GPT-4 on shared items, one pair per (item, human row) with a label, ties included.
    gpt = df[df.rater == "gpt-4"].set_index("item_id")["label"]
    human = df[(df.rater_kind == "human") & df.label.notna() & df.item_id.isin(gpt.index)]
    same = (
        human["label"].astype(str).to_numpy() == gpt.loc[human["item_id"]].astype(str).to_numpy()
    ).sum()
    # By hand over the 17 labelled human rows on GPT-4 items:
    # 81/g4/c1/t1 A: rows 1,2,3 A -> 3;  t2 tie: row 4 tie, row 5 B -> 1;  81/v/a/t1 B: row 6-7 B -> 1;
    # 81/v/a/t2 tie: row 8 tie -> 1;  111/g4/c1/t2 A: row 11 A -> 1;  111/a/g4/t1 B: rows 12,13 B -> 2;
    # 111/a/g4/t2 B: row 14 tie -> 0;  121/c1/v/t1 A: row 15 A, row 16 B -> 1;  t2 tie: row 17 -> 1;
    # 121/g4/a/t1 A: row 18 A -> 1;  t2 B: row 19 B, row 20 tie -> 1.  Total 13 of 17.
    assert (len(human), int(same)) == (17, 13)


# -- bad input ---------------------------------------------------------------------------------


def _parse(tmp_path, human=None, gpt=None):
    files = {
        mt_bench.HUMAN: write_records(tmp_path / "human.parquet", human or human_records()),
        mt_bench.GPT4: write_records(tmp_path / "gpt4.parquet", gpt or gpt4_records()),
    }
    return mt_bench.parse(files)


def test_parse_mt_bench_unknown_winner_names_row(tmp_path):
    human = human_records()
    human[4]["winner"] = "model_c"
    with pytest.raises(
        LoadError,
        match=r"human-00000-of-00001-25f4910818759289.parquet: record row 4: field 'winner': unexpected value 'model_c'",
    ):
        _parse(tmp_path, human=human)


def test_parse_mt_bench_inconsistent_tie_is_gpt4_only(tmp_path):
    human = human_records()
    human[0]["winner"] = "tie (inconsistent)"
    with pytest.raises(
        LoadError, match=r"record row 0: field 'winner': unexpected value 'tie \(inconsistent\)'"
    ):
        _parse(tmp_path, human=human)


def test_parse_mt_bench_missing_column_names_file(tmp_path):
    path = tmp_path / "gpt4.parquet"
    pq.write_table(pq.read_table(write_records(path, gpt4_records())).drop(["judge"]), path)
    files = {
        mt_bench.HUMAN: write_records(tmp_path / "human.parquet", human_records()),
        mt_bench.GPT4: path,
    }
    with pytest.raises(
        LoadError,
        match=r"gpt4_pair-00000-of-00001-c0b431264a82ddc0.parquet: record header: field 'judge': missing column",
    ):
        mt_bench.parse(files)


def test_parse_mt_bench_texts_differ_across_rows(tmp_path):
    human = human_records()
    human[1]["conversation_a"][1]["content"] = "a different turn-1 answer"
    with pytest.raises(
        LoadError,
        match=r"record row 1: field 'conversation_a': turn 1 text differs from another row of item 81/gpt-4/claude-v1/t1",
    ):
        _parse(tmp_path, human=human)


def test_parse_mt_bench_duplicate_gpt4_item(tmp_path):
    gpt = gpt4_records()
    twin = dict(
        gpt[0],
        model_a=gpt[0]["model_b"],
        model_b=gpt[0]["model_a"],
        conversation_a=gpt[0]["conversation_b"],
        conversation_b=gpt[0]["conversation_a"],
    )
    with pytest.raises(
        LoadError,
        match=r"record row 12: field 'model_a': second verdict on item 81/gpt-4/claude-v1/t1",
    ):
        _parse(tmp_path, gpt=[*gpt, twin])


def test_parse_mt_bench_short_conversation_and_bad_turn(tmp_path):
    human = human_records()
    human[3]["conversation_b"] = human[3]["conversation_b"][:2]  # row 4 is turn 2
    with pytest.raises(
        LoadError, match=r"record row 3: field 'conversation_b': no turn 2 user/assistant messages"
    ):
        _parse(tmp_path, human=human)
    gpt = gpt4_records()
    gpt[2]["turn"] = 3
    with pytest.raises(LoadError, match=r"record row 2: field 'turn': expected 1 or 2, got 3"):
        _parse(tmp_path, gpt=gpt)


def test_parse_mt_bench_truncated_parquet(tmp_path):
    path = write_records(tmp_path / "human.parquet", human_records())
    path.write_bytes(path.read_bytes()[:500])
    files = {
        mt_bench.HUMAN: path,
        mt_bench.GPT4: write_records(tmp_path / "g.parquet", gpt4_records()),
    }
    with pytest.raises(
        LoadError,
        match=r"human-00000-of-00001-25f4910818759289.parquet: record -: field '-': not a readable parquet file",
    ):
        mt_bench.parse(files)


# -- data access: mirror, pinned checksums, download -------------------------------------------


def test_load_mt_bench_from_mirror_and_parquet_cache(fixture_mirror, df):
    first = workbench.load("mt_bench")
    again = workbench.load("mt_bench")  # second call reads the parsed-table cache
    assert len(first) == 34
    assert first.equals(again)
    assert first.equals(df)


def test_load_mt_bench_fixture_fails_pinned_checksums(tmp_path, monkeypatch):
    # Without the fixture's registry the hub's pinned sha256 apply, and the fixture does not match.
    root = write_fixture(tmp_path / "mirror")
    monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(root))
    with pytest.raises(
        ChecksumError,
        match=r"human-00000-of-00001-25f4910818759289.parquet: record -: field 'sha256'.*expected 4877bc46",
    ):
        workbench.load("mt_bench", cache=False)


def test_load_mt_bench_missing_from_staged_mirror(mirror, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(mirror))
    # the mirror lacks the file: the fallback download goes to a refused local port, never out
    monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(
        FileNotFoundError, match=r"mt_bench_human_judgments/data/human-00000-of-00001"
    ):
        workbench.load("mt_bench", cache=False)


def test_source_mt_bench_url_pinned_to_revision(monkeypatch):
    monkeypatch.delenv("WORKBENCH_DATA_BASE_URL", raising=False)
    assert mt_bench.SOURCE.url(mt_bench.HUMAN) == (
        "https://huggingface.co/datasets/lmsys/mt_bench_human_judgments/resolve/"
        "f7d2896d2cc5d80f8b55c2bbc722613555233c25/data/human-00000-of-00001-25f4910818759289.parquet"
    )


def test_load_mt_bench_download_path(tmp_path, monkeypatch, df):
    root = write_fixture(tmp_path / "served")
    monkeypatch.delenv("WORKBENCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    fake = registry(root)
    monkeypatch.setattr("workbench.fetch.registry", fake)
    with serve_directory(root) as url:
        monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", url)
        got = workbench.load("mt_bench", cache=False)
    assert got.equals(df)
    for p in mt_bench.FILES:
        local = tmp_path / "cache" / "raw" / mt_bench.SOURCE.folder / p
        assert sha256(local) == fake(mt_bench.SOURCE.folder)[p][0]
