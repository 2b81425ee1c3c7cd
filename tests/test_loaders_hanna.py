"""HANNA loaders: row counts (SOURCE.md / COLING paper), derived columns recomputed, user study, bad input."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.loaders import hanna
from workbench.schema import LoadError

FOLDER = hanna.SOURCE.folder


DATASET = "hanna"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


@pytest.fixture(scope="module")
def study(loaded):
    return loaded("hanna_user_study")


@pytest.fixture(scope="module")
def raw_table():
    """The staged CSV read independently: column -> (11 x 96) array, plus the source names."""
    p = Path(os.environ["WORKBENCH_DATA_MIRROR"]) / FOLDER / hanna.SCORES
    with open(p, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cols = {
        c: np.array([json.loads(r[c]) for r in rows], dtype=float) for c in rows[0] if c != "Model"
    }
    return [r["Model"] for r in rows], cols


def _wide(df, rater_kind, value="score"):
    """(item, criterion) x rater table of one rater kind."""
    sub = df[df.rater_kind == rater_kind]
    return sub.pivot(index=["item_id", "criterion"], columns="rater", values=value)


def test_load_hanna_row_counts(df):
    # SOURCE.md / COLING paper: 1,056 stories (11 sources x 96 prompts), 3 raters x 6 criteria
    # = 19,008 human ratings; 72 automatic metrics; 5 LLMs x 4 prompts x 6 criteria.
    assert df["item_id"].nunique() == 1056
    assert df.groupby("model")["item_id"].nunique().eq(96).all() and df["model"].nunique() == 11
    kinds = df.groupby("rater_kind", observed=True).size().to_dict()
    assert kinds == {"human": 19008, "llm": 5 * 4 * 6 * 1056, "metric": 72 * 1056}
    humans = df[df.rater_kind == "human"]
    assert humans.groupby("rater").size().to_dict() == {f"human:{k}": 6336 for k in (1, 2, 3)}
    assert humans.groupby("criterion").size().to_dict() == {
        c: 3168 for c in hanna.CRITERIA.values()
    }
    assert df[df.rater_kind == "metric"]["rater"].nunique() == 72


def test_load_hanna_vocabularies(df):
    humans = df[df.rater_kind == "human"]
    assert set(humans["score"].unique()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    llm = df[df.rater_kind == "llm"]
    assert set(llm["rater"].unique()) == {f"{j}/prompt{k}" for j in hanna.LLMS for k in range(1, 5)}
    assert (llm["rater"] == llm["rater"].str.split("/").str[0] + "/" + llm["strategy"]).all()
    assert set(df.loc[df.rater_kind != "metric", "criterion"]) == set(hanna.CRITERIA.values())
    metrics = df[df.rater_kind == "metric"]
    assert metrics["criterion"].eq("overall").all()
    assert set(metrics["strategy"]) == set(hanna.METRIC_TAGS)
    assert not metrics["rater"].str.contains("Ξ|¤").any()
    assert df["label"].isna().all() and df["protocol"].eq("rating").all()


def test_load_hanna_llm_out_of_scale_means_are_na_with_raw_kept(df):
    llm = df[df.rater_kind == "llm"]
    raw = pd.to_numeric(llm["raw"])
    na = llm["score"].isna()
    # 1,051 of 126,720 LLM cells lie outside 1-5 (counted from the staged file).
    assert na.sum() == 1051
    assert ((raw < 1) | (raw > 5))[na].all() and raw[~na].between(1, 5).all()
    assert np.allclose(llm.loc[~na, "score"].astype(float), raw[~na])


def test_load_hanna_staged_means_equal_mean_of_three_human_slots(df, raw_table):
    # The file's "Relevance" ... "Complexity" columns (skipped by the loader) are the mean
    # of the three human slots; recompute them from the tidy rows.
    sources, cols = raw_table
    wide = _wide(df, "human")
    means = wide[["human:1", "human:2", "human:3"]].mean(axis=1)
    for criterion in hanna.CRITERIA.values():
        staged = cols[criterion.capitalize()]
        ids = [f"{s}/{p}" for s in sources for p in range(96)]
        got = means.xs(criterion, level="criterion").loc[ids].to_numpy(dtype=float)
        np.testing.assert_allclose(got, staged.ravel(), rtol=0, atol=1e-12)


def test_load_hanna_human_avg_k_is_leave_one_out_mean(df, raw_table):
    # "Human Avg k <crit>" (skipped) = mean of the two slots other than k (docstring claim).
    sources, cols = raw_table
    wide = _wide(df, "human")
    ids = [f"{s}/{p}" for s in sources for p in range(96)]
    for ab, criterion in hanna.CRITERIA.items():
        w = wide.xs(criterion, level="criterion").loc[ids].astype(float)
        for k in (1, 2, 3):
            others = [f"human:{j}" for j in (1, 2, 3) if j != k]
            np.testing.assert_allclose(
                w[others].mean(axis=1).to_numpy(), cols[f"Human Avg {k} {ab}"].ravel(), atol=1e-12
            )


def test_load_hanna_llm_avg_is_mean_of_six_criteria(df, raw_table):
    # "<LLM> AVG k" (skipped) = mean of the six criteria under prompt k, on the file's values.
    sources, cols = raw_table
    llm = df[df.rater_kind == "llm"].assign(value=lambda d: pd.to_numeric(d["raw"]))
    avg = llm.groupby(["rater", "item_id"])["value"].mean()
    ids = [f"{s}/{p}" for s in sources for p in range(96)]
    for j in ("ChatGPT", "OrcaPlatypus"):
        for k in (1, 4):
            got = avg.loc[f"{j}/prompt{k}"].loc[ids].to_numpy()
            np.testing.assert_allclose(got, cols[f"{j} AVG {k}"].ravel(), atol=1e-12)


def test_load_hanna_values_follow_source_rows(df, raw_table):
    sources, cols = raw_table
    i = sources.index("GPT-2 (tag)")
    row = df[
        (df.item_id == "GPT-2 (tag)/17")
        & (df.rater == "Beluga-13B/prompt3")
        & (df.criterion == "empathy")
    ]
    assert float(row["score"].iloc[0]) == cols["Beluga-13B EM 3"][i, 17]
    row = df[(df.item_id == "GPT-2 (tag)/17") & (df.rater == "BERTScore F1")]
    assert row["strategy"].iloc[0] == "Ξε"
    assert float(row["score"].iloc[0]) == cols["BERTScore F1 Ξε"][i, 17]


# ---- user study -------------------------------------------------------------------------------


def test_load_hanna_user_study_row_counts(study, mirror):
    # SOURCE.md: user_study.csv has 300 rows, 59 distinct stories; 3 workers per explanation.
    with open(mirror / FOLDER / hanna.USER_STUDY, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 300
    assert len(study) == 300 * 6
    assert study["item_id"].str.split("/").str[0].nunique() == 59
    assert study["item_id"].nunique() == 100
    assert study.groupby("item_id")["rater"].nunique().eq(3).all()
    assert set(study["criterion"]) == set(hanna.USER_STUDY_FLAGS.values())
    # flag sums against an independent csv-module count
    for col, criterion in hanna.USER_STUDY_FLAGS.items():
        expected = sum(int(r[col]) for r in rows)
        assert study.loc[study.criterion == criterion, "score"].sum() == expected
    assert set(study["score"].unique()) == {0.0, 1.0}


def test_load_hanna_user_study_flag_counts(study):
    # Counted from the staged file: guidelines set on 282 of 300 rows, incorrectness never.
    sums = study.groupby("criterion")["score"].sum().astype(int).to_dict()
    assert sums == {
        "guidelines": 282,
        "syntax": 5,
        "superfluous": 48,
        "incorrectness": 0,
        "unsubstantiated": 67,
        "incoherence": 25,
    }


# ---- bad input ------------------------------------------------------------------------------


def _scores_file(tmp_path, mirror, edit):
    table = pd.read_csv(mirror / FOLDER / hanna.SCORES, dtype=str, keep_default_na=False)
    out = tmp_path / hanna.SCORES
    edit(table).to_csv(out, index=False)
    return {hanna.SCORES: out}


def test_parse_hanna_human_rating_outside_scale(tmp_path, mirror):
    def bad(t):
        values = json.loads(t.loc[2, "Human 2 CH"])
        values[5] = 7
        t.loc[2, "Human 2 CH"] = json.dumps(values)
        return t

    with pytest.raises(
        LoadError,
        match=r"hanna_metric_scores_llm\.csv: record row 2 \(Model=CTRL\) story 5: field 'Human 2 CH': rating '7' is not an integer 1-5",
    ):
        hanna.parse(_scores_file(tmp_path, mirror, bad))


def test_parse_hanna_duplicate_story_source(tmp_path, mirror):
    def bad(t):
        t.loc[4, "Model"] = "GPT"
        return t

    with pytest.raises(
        LoadError, match=r"record row 4: field 'Model': duplicate story source 'GPT'"
    ):
        hanna.parse(_scores_file(tmp_path, mirror, bad))


def test_parse_hanna_missing_column(tmp_path, mirror):
    with pytest.raises(
        LoadError, match=r"record header: field 'OrcaPlatypus SU 2': missing column"
    ):
        hanna.parse(_scores_file(tmp_path, mirror, lambda t: t.drop(columns=["OrcaPlatypus SU 2"])))


def test_parse_hanna_short_list(tmp_path, mirror):
    def bad(t):
        t.loc[0, "BLEU Ξ§"] = json.dumps(json.loads(t.loc[0, "BLEU Ξ§"])[:95])
        return t

    with pytest.raises(
        LoadError,
        match=r"record row 0 \(Model=Human\): field 'BLEU Ξ§': expected 96 numbers, got 95",
    ):
        hanna.parse(_scores_file(tmp_path, mirror, bad))


def test_parse_hanna_user_study_flag_outside_scale(tmp_path, mirror):
    table = pd.read_csv(mirror / FOLDER / hanna.USER_STUDY, dtype=str, keep_default_na=False)
    table.loc[10, "Answer.a-2-syntax.1"] = "2"
    out = tmp_path / hanna.USER_STUDY
    table.to_csv(out, index=False)
    with pytest.raises(
        LoadError,
        match=r"user_study\.csv: record row 10 \(item \d+/[0-9a-f]{10}\): field 'Answer\.a-2-syntax\.1': unexpected value '2'",
    ):
        hanna.parse_user_study({hanna.USER_STUDY: out})
