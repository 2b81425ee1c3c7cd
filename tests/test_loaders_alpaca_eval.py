"""AlpacaEval evaluator leaderboard: the documented summary frame, published values, bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.loaders import alpaca_eval as ae
from workbench.schema import LoadError

FOLDER = ae.SOURCE.folder


DATASET = "alpaca_eval_evaluators"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


def test_load_alpaca_eval_evaluators_shape_and_dtypes(df):
    # SOURCE.md: 32 evaluator rows + header, including the held-out "humans" row.
    assert len(df) == 32 and df["evaluator"].is_unique
    assert "humans" in set(df["evaluator"])
    assert list(df.columns) == list(ae.COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == {c: t for c, (_, t) in ae.COLUMNS.items()}
    assert set(df["mode"]) == {"minimal", "verified"}


def test_load_alpaca_eval_evaluators_published_row(df):
    # SOURCE.md example (AlpacaEval evaluators leaderboard):
    # alpaca_eval_gpt4,69.17,13.60,1455.4,0.967,0.934,28.40,14.62,0.683,0.730,0.501,2592,minimal
    row = df.set_index("evaluator").loc["alpaca_eval_gpt4"]
    assert round(row["human_agreement"], 2) == 69.17
    assert round(row["price_per_1000"], 2) == 13.60
    assert round(row["time_per_1000"], 1) == 1455.4
    assert (round(row["spearman"], 3), round(row["pearson"], 3)) == (0.967, 0.934)
    assert (round(row["bias"], 2), round(row["variance"], 2)) == (28.40, 14.62)
    assert round(row["proba_prefer_longer"], 3) == 0.683
    assert round(row["proba_prefer_lists"], 3) == 0.730
    assert round(row["proba_prefer_first"], 3) == 0.501
    assert (row["n_parsed"], row["mode"]) == (2592, "minimal")


def test_load_alpaca_eval_evaluators_humans_row(df):
    # The human baseline correlates perfectly with itself and has zero bias by construction.
    humans = df.set_index("evaluator").loc["humans"]
    assert (humans["spearman"], humans["pearson"], humans["bias"]) == (1.0, 1.0, 0.0)
    assert round(humans["human_agreement"], 2) == 65.66  # AlpacaEval README: humans 65.7
    assert humans["n_parsed"] == 2592  # 648 instructions x 4 annotations (SOURCE.md)


def test_load_alpaca_eval_evaluators_missing_values(df):
    # Empty cells -> NA: two open models have no price; 14 single-annotation runs no bias/variance.
    assert df["price_per_1000"].isna().sum() == 2
    assert df["bias"].isna().sum() == 14
    assert (df["bias"].isna() == df["variance"].isna()).all()
    assert (df.loc[df["bias"].isna(), "n_parsed"] <= 648).all()
    assert df["proba_prefer_first"].between(0, 1).all()


# ---- bad input ------------------------------------------------------------------------------


def _write(tmp_path, mirror, edit):
    text = (mirror / FOLDER / ae.LEADERBOARD).read_text()
    out = tmp_path / "evaluators_leaderboard.csv"
    out.write_text(edit(text))
    return {ae.LEADERBOARD: out}


def test_parse_alpaca_eval_unparsable_number(tmp_path, mirror):
    def bad(text):
        return text.replace("0.9666666666666668", "high", 1)  # alpaca_eval_gpt4's Spearman

    with pytest.raises(
        LoadError,
        match=r"evaluators_leaderboard\.csv: record row 2 \(evaluator=alpaca_eval_gpt4\): field 'Spearman corr\.': not a number: 'high'",
    ):
        ae.parse(_write(tmp_path, mirror, bad))


def test_parse_alpaca_eval_unknown_column(tmp_path, mirror):
    def bad(text):
        return text.replace(",mode\n", ",mode,notes\n", 1)

    with pytest.raises(LoadError, match=r"record header: field 'notes': unknown column"):
        ae.parse(_write(tmp_path, mirror, bad))


def test_parse_alpaca_eval_duplicate_evaluator(tmp_path, mirror):
    def bad(text):
        return text.replace("\nclaude,", "\nchatgpt,", 1)

    with pytest.raises(
        LoadError,
        match=r"record row \d+ \(evaluator=chatgpt\): field 'evaluator': duplicate evaluator",
    ):
        ae.parse(_write(tmp_path, mirror, bad))


def test_parse_alpaca_eval_mode_outside_vocabulary(tmp_path, mirror):
    def bad(text):
        return text.replace(",2592,minimal\n", ",2592,maximal\n", 1)

    with pytest.raises(
        LoadError,
        match=r"record row \d+ \(evaluator=\w+\): field 'mode': unexpected value 'maximal'",
    ):
        ae.parse(_write(tmp_path, mirror, bad))


def test_parse_alpaca_eval_non_integer_count(tmp_path, mirror):
    def bad(text):
        return text.replace(",648,verified\n", ",648.5,verified\n", 1)

    with pytest.raises(LoadError, match=r"field '# parsed': not an integer: '648\.5'"):
        ae.parse(_write(tmp_path, mirror, bad))


def test_parse_alpaca_eval_roundtrip_values_exact(df, mirror):
    # Numbers parse to the exact floats written in the file (an independent pandas read as oracle).
    oracle = pd.read_csv(mirror / FOLDER / ae.LEADERBOARD)
    got = df["time_per_1000"].astype(float).to_numpy()
    assert (got == oracle["Time [seconds/1000 examples]"].to_numpy()).all()
