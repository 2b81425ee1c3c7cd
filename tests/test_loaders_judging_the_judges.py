"""Judging the Judges loader: row counts and label counts (SOURCE.md), a csv-module oracle, bad input."""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from workbench.loaders import judging_the_judges as jtj
from workbench.schema import LoadError

FOLDER = jtj.SOURCE.folder


DATASET = "judging_the_judges"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


def _csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_load_judging_the_judges_row_counts(df):
    # SOURCE.md: both files 3,600 rows; V1 has 9 LLM judges + EM + Contains + human,
    # V2 9 LLM judges + human. One tidy row per (CSV row, rater).
    sizes = df.groupby(["subset", "rater"], observed=True).size()
    assert set(sizes.loc["V1"]) == {3600} and len(sizes.loc["V1"]) == 12
    assert set(sizes.loc["V2"]) == {3600} and len(sizes.loc["V2"]) == 10
    assert len(df) == 3600 * 12 + 3600 * 10
    assert df.groupby("subset")["item_id"].nunique().to_dict() == {"V1": 3600, "V2": 3600}


def test_load_judging_the_judges_human_label_counts(df):
    human = df[df.rater == "human"]
    v1 = human[human.subset == "V1"]["label"].value_counts(dropna=False)
    v2 = human[human.subset == "V2"]["label"].value_counts(dropna=False)
    # SOURCE.md: V1 HumanJudgement 2,507 True / 1,093 False.
    assert (v1["correct"], v1["incorrect"]) == (2507, 1093)
    # SOURCE.md: V2 Human-Eval True 2,039 / False 1,161 / NaN 400.
    assert (v2["correct"], v2["incorrect"], v2[pd.NA]) == (2039, 1161, 400)


def test_load_judging_the_judges_v2_confidence_kept_in_raw(df):
    # SOURCE.md: Human-Eval_Confidence is True for all 3,200 labelled rows.
    raw = df[(df.rater == "human") & (df.subset == "V2")]["raw"].value_counts(dropna=False)
    assert raw.to_dict() == {"True|conf=True": 2039, "False|conf=True": 1161, pd.NA: 400}


def test_load_judging_the_judges_v2_gpt4t_unlabelled_rows(df):
    # SOURCE.md: V2 exam-taker gpt-4t has 800 rows, 400 of which carry no judge/human labels.
    v2 = df[df.subset == "V2"]
    gpt4t = v2[v2.model == "gpt-4t"]
    assert gpt4t["item_id"].nunique() == 800
    unlabelled = gpt4t.groupby("item_id")["label"].apply(lambda s: s.isna().all())
    assert unlabelled.sum() == 400
    assert v2.loc[v2.label.isna(), "model"].eq("gpt-4t").all()


def test_load_judging_the_judges_rater_kinds_and_vocabulary(df):
    kinds = df.drop_duplicates(["subset", "rater"]).set_index(["subset", "rater"])["rater_kind"]
    assert kinds.loc[("V1", "EM")] == "metric" and kinds.loc[("V1", "Contains")] == "metric"
    assert kinds.loc[("V1", "human")] == "human" and kinds.loc[("V2", "human")] == "human"
    llm = {r for (_, r), k in kinds.items() if k == "llm"}
    assert llm == set(jtj.LLM_JUDGES)
    assert set(df["label"].dropna().unique()) == {"correct", "incorrect"}
    assert df["protocol"].eq("binary").all() and df["order"].isna().all()
    # NA label <=> NA raw (an empty cell), for judges and metrics
    judges = df[df.rater != "human"]
    assert (judges["label"].isna() == judges["raw"].isna()).all()


def test_load_judging_the_judges_judge_labels_match_csv_oracle(df, mirror):
    # Independent count with the csv module: "True" -> correct, "False" -> incorrect, "" -> NA.
    for name, subset in ((jtj.V1, "V1"), (jtj.V2, "V2")):
        rows = _csv_rows(mirror / FOLDER / name)
        for col in jtj.LLM_JUDGES + jtj.METRICS[name]:
            expected = Counter(r[col] for r in rows)
            got = df[(df.subset == subset) & (df.rater == col)]["label"].value_counts(dropna=False)
            assert (got.get("correct", 0), got.get("incorrect", 0), got.get(pd.NA, 0)) == (
                expected["True"],
                expected["False"],
                expected[""],
            ), (name, col)


def test_load_judging_the_judges_texts_follow_rows(df, mirror):
    rows = _csv_rows(mirror / FOLDER / jtj.V2)
    item = df[(df.item_id == "V2/1234") & (df.rater == "GPT-4")].iloc[0]
    assert item["model"] == rows[1234]["model"]
    assert item["prompt"] == rows[1234]["question"]
    assert item["reference"] == rows[1234]["references"]
    # The file's `response` column is the exam-taker's few-shot input, not its answer: not carried.
    assert pd.isna(item["response"])


# ---- bad input: each error names file, record and field -------------------------------------


def _files(tmp_path, mirror, name, edit):
    files = {p: mirror / FOLDER / p for p in jtj.FILES}
    table = pd.read_csv(files[name], dtype=str, keep_default_na=False)
    table = edit(table)
    out = tmp_path / name
    table.to_csv(out, index=False)
    files[name] = out
    return files


def test_parse_judging_the_judges_label_outside_scale(tmp_path, mirror):
    def bad(t):
        t.loc[17, "GPT-4"] = "Maybe"
        return t

    with pytest.raises(
        LoadError,
        match=r"HumanJudgement_V1\.csv: record row 17 \(item V1/17\): field 'GPT-4': unexpected value 'Maybe'",
    ):
        jtj.parse(_files(tmp_path, mirror, jtj.V1, bad))


def test_parse_judging_the_judges_missing_column(tmp_path, mirror):
    with pytest.raises(
        LoadError,
        match=r"HumanJudgement_V2\.csv: record header: field 'Human-Eval': missing column",
    ):
        jtj.parse(_files(tmp_path, mirror, jtj.V2, lambda t: t.drop(columns=["Human-Eval"])))


def test_parse_judging_the_judges_bad_confidence_value(tmp_path, mirror):
    def bad(t):
        t.loc[5, "Human-Eval_Confidence"] = "high"
        return t

    with pytest.raises(
        LoadError, match=r"V2\.csv: record row 5 \(item V2/5\): field 'Human-Eval_Confidence'"
    ):
        jtj.parse(_files(tmp_path, mirror, jtj.V2, bad))


def test_parse_judging_the_judges_truncated_csv(tmp_path, mirror):
    files = {p: mirror / FOLDER / p for p in jtj.FILES}
    text = files[jtj.V1].read_bytes()
    out = tmp_path / jtj.V1
    out.write_bytes(text[: len(text) // 2])  # cut inside a multi-line quoted response
    files[jtj.V1] = out
    # pandas reports the row where the unterminated quoted field starts
    with pytest.raises(
        LoadError, match=r"HumanJudgement_V1\.csv: record row \d+: field '-': unreadable CSV"
    ):
        jtj.parse(files)
