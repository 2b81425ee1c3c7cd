"""LLMFAO loader: counts from SOURCE.md, crowd vs full GPT files, bad input, and the download path."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from fixtures_http import serve_directory

import workbench
from workbench.fetch import ChecksumError, fetch, registry, sha256
from workbench.loaders import llmfao
from workbench.schema import LoadError

DATASET = "llmfao"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


@pytest.fixture(scope="module")
def crowd(df):
    return df[df.rater_kind == "human"]


def test_load_llmfao_crowd_workers_votes_pairs(crowd):
    # SOURCE.md / issue 2: 124 distinct workers, 8,931 votes on 2,139 pairs.
    assert crowd["rater"].nunique() == 124
    assert len(crowd) == 8931
    assert crowd["item_id"].nunique() == 2139
    assert crowd["rater"].str.fullmatch(r"human:worker\d+").all()


def test_load_llmfao_votes_per_pair_distribution(crowd):
    # SOURCE.md: votes per pair 5 (998 pairs), 4 (658), 3 (358), 2 (110), 1 (15).
    per_pair = crowd.groupby("item_id").size().value_counts().to_dict()
    assert per_pair == {5: 998, 4: 658, 3: 358, 2: 110, 1: 15}


def test_load_llmfao_crowd_label_counts(crowd):
    # SOURCE.md: crowd labels tie 3,471, left 2,911, right 2,549 (left = A, right = B).
    assert crowd["raw"].value_counts().to_dict() == {"tie": 3471, "left": 2911, "right": 2549}
    assert crowd["label"].value_counts()[["tie", "A", "B"]].tolist() == [3471, 2911, 2549]


def test_load_llmfao_gpt_label_counts_on_crowd_pairs(df, crowd):
    # SOURCE.md: GPT-4 on crowd pairs right 1,130 / left 943 / tie 66;
    # GPT-3.5-Turbo-Instruct left 1,352 / right 593 / tie 194.
    on_crowd = df[df.item_id.isin(set(crowd.item_id))]
    gpt4 = on_crowd[on_crowd.rater == "gpt-4"]["raw"].value_counts().to_dict()
    gpt3 = on_crowd[on_crowd.rater == "gpt-3.5-turbo-instruct"]["raw"].value_counts().to_dict()
    assert gpt4 == {"right": 1130, "left": 943, "tie": 66}
    assert gpt3 == {"left": 1352, "right": 593, "tie": 194}


def test_load_llmfao_gpt_full_files_cover_all_sampled_pairs(df):
    # SOURCE.md: 3,236 pairs in gpt4-/gpt3-comparisons.csv; 1,097 of them without crowd votes.
    # Label counts measured on the staged files (gpt4: right 1,700 / left 1,397 / tie 139;
    # gpt3: left 1,965 / right 958 / tie 313); 1,700 + 1,397 + 139 = 3,236.
    for judge, expected in (
        ("gpt-4", {"right": 1700, "left": 1397, "tie": 139}),
        ("gpt-3.5-turbo-instruct", {"left": 1965, "right": 958, "tie": 313}),
    ):
        rows = df[df.rater == judge]
        assert len(rows) == 3236 and rows["raw"].value_counts().to_dict() == expected
        assert (rows["order"] == "AB").all() and (rows["strategy"] == "gpt-instruction").all()
    crowd_items = set(df.loc[df.rater_kind == "human", "item_id"])
    assert len(set(df.loc[df.rater == "gpt-4", "item_id"]) - crowd_items) == 1097


def test_load_llmfao_texts_and_names(df):
    # SOURCE.md schema examples: pair 0 is prompt 8 (k8s haiku, "reflexion"),
    # Airoboros L2 70B (A) vs Weaver 12k (B); GPT-4 said left, crowd worker 58 said tie.
    pair0 = df[df.item_id == "0"].set_index("rater")
    assert pair0.loc["gpt-4", ["model_a", "model_b", "subset", "label"]].tolist() == [
        "Airoboros L2 70B",
        "Weaver 12k",
        "reflexion",
        "A",
    ]
    assert pair0.loc["human:worker58", "label"] == "tie"
    assert pair0.loc["gpt-4", "prompt"] == (
        "Argue for and against the use of kubernetes in the style of a haiku."
    )
    assert pair0.loc["gpt-4", "response_a"].startswith("For Kubernetes, a plea,")
    # Non-crowd pairs get texts from results.jsonl: none is missing.
    assert df[["prompt", "response_a", "response_b", "model_a", "model_b"]].notna().all().all()
    # The 19 prompts' types: code appears only among the non-crowd pairs.
    assert "code" not in set(df.loc[df.rater_kind == "human", "subset"])
    assert "code" in set(df["subset"])


def test_load_llmfao_training_gold(df):
    # pairs-crowd-training.jsonl: 7 pairs; golden left, right, tie, left, right, tie, left.
    gold = df[df.rater == "gold"].sort_values("item_id")
    assert gold["item_id"].tolist() == [f"training-{k}" for k in range(1, 8)]
    assert gold["label"].tolist() == ["A", "B", "tie", "A", "B", "tie", "A"]
    assert gold["explanation"].iloc[0] == "System A followed the prompt better."


def test_load_llmfao_row_total(df):
    # 8,931 crowd votes + 2 x 3,236 judge verdicts + 7 training pairs = 15,410 rows.
    assert len(df) == 8931 + 2 * 3236 + 7
    assert isinstance(df["label"].dtype, pd.CategoricalDtype)


# -- bad input ---------------------------------------------------------------------------------


def _files(tmp_path, mirror, **edits):
    files = {}
    for p in llmfao.FILES:
        src = mirror / llmfao.SOURCE.folder / p
        out = tmp_path / p
        if p in edits:
            out.write_text(edits[p](src.read_text()))
        else:
            out = src
        files[p] = out
    return files


def test_parse_llmfao_crowd_file_disagrees_with_full_file(tmp_path, mirror):
    def flip(text):
        lines = text.split("\n")
        assert lines[1].startswith("0,8,97,98,left,")
        lines[1] = lines[1].replace(",left,", ",right,", 1)
        return "\n".join(lines)

    with pytest.raises(
        LoadError,
        match=r"gpt4-crowd-comparisons.csv: record line 2 \(id=0\): field 'winner': 'right' differs from gpt4-comparisons.csv \('left'\)",
    ):
        llmfao.parse(_files(tmp_path, mirror, **{"gpt4-crowd-comparisons.csv": flip}))


def test_parse_llmfao_unknown_winner_names_line(tmp_path, mirror):
    def relabel(text):
        lines = text.split("\n")
        lines[5] = (
            lines[5]
            .replace(",tie,", ",both,", 1)
            .replace(",left,", ",both,", 1)
            .replace(",right,", ",both,", 1)
        )
        return "\n".join(lines)

    with pytest.raises(
        LoadError,
        match=r"crowd-comparisons.csv: record line 6 \(id=\d+\): field 'winner': unexpected value 'both'",
    ):
        llmfao.parse(_files(tmp_path, mirror, **{"crowd-comparisons.csv": relabel}))


def test_parse_llmfao_missing_column_names_header(tmp_path, mirror):
    def drop_worker(text):
        return text.replace(
            "id,prompt,model_x,model_y,worker,", "id,prompt,model_x,model_y,annotator,", 1
        )

    with pytest.raises(
        LoadError, match=r"crowd-comparisons.csv: record header: field 'worker': missing column"
    ):
        llmfao.parse(_files(tmp_path, mirror, **{"crowd-comparisons.csv": drop_worker}))


def test_parse_llmfao_truncated_jsonl_names_line(tmp_path, mirror):
    def truncate(text):
        lines = text.split("\n")
        lines[41] = lines[41][: len(lines[41]) // 2]
        return "\n".join(lines)

    with pytest.raises(
        LoadError, match=r"pairs-crowd.jsonl: record line 42: field '-': invalid JSON"
    ):
        llmfao.parse(_files(tmp_path, mirror, **{"pairs-crowd.jsonl": truncate}))


# -- download path (local HTTP server serving a mirror) ----------------------------------------


@pytest.fixture
def no_mirror(tmp_path, monkeypatch):
    """Downloads go to a fresh cache; the mirror variable is unset."""
    monkeypatch.delenv("WORKBENCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_fetch_download_verifies_and_load_parses(mirror, no_mirror, monkeypatch):
    with serve_directory(mirror) as url:
        monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", url)
        df = workbench.load("llmfao", cache=False)
    assert len(df) == 15410
    folder = no_mirror / "raw" / llmfao.SOURCE.folder
    for p in llmfao.FILES:
        assert sha256(folder / p) == registry(llmfao.SOURCE.folder)[p][0]


def test_fetch_download_corrupted_file_raises_checksum_error(
    tmp_path, mirror, no_mirror, monkeypatch
):
    served = tmp_path / "served" / llmfao.SOURCE.folder
    served.mkdir(parents=True)
    text = (mirror / llmfao.SOURCE.folder / "models.jsonl").read_text()
    (served / "models.jsonl").write_text(text.replace("Airoboros", "Airobor0s", 1))
    with serve_directory(served.parent) as url:
        monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", url)
        with pytest.raises(ChecksumError, match=r"models.jsonl: record -: field 'sha256'"):
            fetch(llmfao.SOURCE, "models.jsonl")
    # The bad download is not kept in the cache.
    assert not (no_mirror / "raw" / llmfao.SOURCE.folder / "models.jsonl").exists()


def test_fetch_mirror_corrupted_file_raises_checksum_error(tmp_path, mirror, monkeypatch):
    fake = tmp_path / "mirror" / llmfao.SOURCE.folder
    fake.mkdir(parents=True)
    shutil.copy(mirror / llmfao.SOURCE.folder / "prompts.jsonl", fake / "prompts.jsonl")
    with open(fake / "prompts.jsonl", "a") as f:
        f.write("\n")
    monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(tmp_path / "mirror"))
    with pytest.raises(
        ChecksumError, match=r"prompts.jsonl: record -: field 'sha256': is [0-9a-f]{64}, expected"
    ):
        fetch(llmfao.SOURCE, "prompts.jsonl")
