"""Arena (prediction-powered ranking) loader: counts from SOURCE.md, row alignment, bad input."""

from __future__ import annotations

import json

import pytest

from workbench.loaders import arena_judges
from workbench.schema import LoadError

DATASET = "arena_judges"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


def test_load_arena_judges_rows_per_rater(df):
    # SOURCE.md / issue 2: 26,919 battles in each of the four files, one row per battle and rater.
    assert df.groupby("rater").size().to_dict() == {
        "claude-3-opus-20240229": 26919,
        "gpt-3.5-turbo": 26919,
        "gpt-4-0125-preview": 26919,
        "human": 26919,
    }
    assert df["item_id"].nunique() == 26919


def test_load_arena_judges_label_counts(df):
    # SOURCE.md table: winner counts per file (model_a / model_b / tie [/ tie (bothbad)]).
    counts = df.groupby("rater")["raw"].value_counts().unstack(fill_value=0)
    assert counts.loc["human"].to_dict() == {
        "model_a": 9516,
        "model_b": 9391,
        "tie": 2880,
        "tie (bothbad)": 5132,
    }
    assert counts.loc["gpt-4-0125-preview", ["model_a", "model_b", "tie"]].tolist() == [
        10732,
        8734,
        7453,
    ]
    assert counts.loc["claude-3-opus-20240229", ["model_a", "model_b", "tie"]].tolist() == [
        7507,
        11488,
        7924,
    ]
    assert counts.loc["gpt-3.5-turbo", ["model_a", "model_b", "tie"]].tolist() == [23176, 3691, 52]
    # Both tie kinds are ties in the label; 2,880 + 5,132 = 8,012.
    assert (df[df.rater == "human"]["label"] == "tie").sum() == 8012


def test_load_arena_judges_orders_and_kinds(df):
    human = df[df.rater == "human"]
    judges = df[df.rater != "human"]
    assert human["order"].isna().all() and (human["rater_kind"] == "human").all()
    assert (judges["order"] == "AB").all() and (judges["rater_kind"] == "llm").all()
    assert df["prompt"].isna().all() and df["model_a"].notna().all()


def test_load_arena_judges_paper_subset(df):
    # SOURCE.md: battles between two of the paper's 12 models (scripts/config.json): 14,947.
    human = df[df.rater == "human"]
    assert len(arena_judges.PAPER_MODELS) == 12
    assert (human["subset"] == "paper_12_models").sum() == 14947
    both = human["model_a"].isin(arena_judges.PAPER_MODELS) & human["model_b"].isin(
        arena_judges.PAPER_MODELS
    )
    assert ((human["subset"] == "paper_12_models") == both).all()


def test_load_arena_judges_first_battle(df):
    # First line of every file: num 0, chatglm-6b vs koala-13b, human model_b.
    first = df[df.item_id == "0"].set_index("rater")
    assert first.loc["human", ["model_a", "model_b", "label"]].tolist() == [
        "chatglm-6b",
        "koala-13b",
        "B",
    ]
    assert first.loc["gpt-4-0125-preview", "raw"] == "model_b"


def _files(tmp_path, mirror, edits):
    files = {}
    for p in arena_judges.FILES:
        lines = (mirror / arena_judges.SOURCE.folder / p).read_text().splitlines()
        if p in edits:
            lines = edits[p](lines)
        out = tmp_path / p.replace("/", "_")
        out.write_text("\n".join(lines) + "\n")
        files[p] = out
    return files


def _set(lineno, key, value):
    def edit(lines):
        rec = json.loads(lines[lineno - 1])
        rec[key] = value
        lines[lineno - 1] = json.dumps(rec)
        return lines

    return edit


def test_parse_arena_judges_misaligned_model_names_file_line_field(tmp_path, mirror):
    edits = {"data/claude-3-opus-20240229.json": _set(101, "model_b", "gpt-4")}
    with pytest.raises(
        LoadError,
        match=r"claude-3-opus-20240229.json: record line 101: field 'model_b': 'gpt-4' does not align with data/human.json",
    ):
        arena_judges.parse(_files(tmp_path, mirror, edits))


def test_parse_arena_judges_misaligned_rows_dropped_line(tmp_path, mirror):
    def drop(lines):
        return lines[:50] + lines[51:] + [lines[50]]  # move line 51 to the end

    with pytest.raises(LoadError, match=r"gpt-3.5-turbo.json: record line 51: field 'num'"):
        arena_judges.parse(_files(tmp_path, mirror, {"data/gpt-3.5-turbo.json": drop}))


def test_parse_arena_judges_unknown_winner_names_file_line(tmp_path, mirror):
    # "tie (bothbad)" exists only in the human file; in a judge file it is unexpected.
    edits = {"data/gpt-4-0125-preview.json": _set(7, "winner", "tie (bothbad)")}
    with pytest.raises(
        LoadError,
        match=r"gpt-4-0125-preview.json: record line 7: field 'winner': unexpected value 'tie \(bothbad\)'",
    ):
        arena_judges.parse(_files(tmp_path, mirror, edits))


def test_parse_arena_judges_missing_field_and_truncated_line(tmp_path, mirror):
    def drop_key(lines):
        rec = json.loads(lines[2])
        del rec["question_id"]
        lines[2] = json.dumps(rec)
        return lines

    with pytest.raises(
        LoadError, match=r"data/human.json: record line 3: field 'question_id': missing"
    ):
        arena_judges.parse(_files(tmp_path, mirror, {arena_judges.HUMAN: drop_key}))

    def truncate(lines):
        lines[-1] = lines[-1][:40]
        return lines

    with pytest.raises(
        LoadError, match=r"data/human.json: record line 26919: field '-': invalid JSON"
    ):
        arena_judges.parse(_files(tmp_path, mirror, {arena_judges.HUMAN: truncate}))
