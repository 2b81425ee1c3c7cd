"""Baseline judges (workbench.baselines): hand-computed verdicts on toy tables, the skip /
raise rules, the new rater kind through validation and agreement(), and plausible numbers
on LLMBar, PandaLM and Judging the Judges."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench import schema, vocab
from workbench._validate import check_table
from workbench.baselines import BASELINES, BaselineWarning, add_baseline_judges
from workbench.testing import toy

# Word counts A / B: 3-1, 1-2, 2-2, 0-1 -> longer A, B, tie, B.
TEXTS = (["a b c", "a", "x  y", ""], ["a", "a b", "p q", "z"])


def labels(df: pd.DataFrame, rater: str) -> list:
    return df.loc[df["rater"] == rater, "label"].astype("object").tolist()


@pytest.fixture
def pairs() -> pd.DataFrame:
    return toy(pairwise={"human": "ABtA"}, texts=TEXTS, models=("m1", "m2"), subsets="s")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("longer", ["A", "B", "tie", "B"]),
        ("shorter", ["B", "A", "tie", "A"]),
        ("first_shown", ["A", "A", "A", "A"]),
        ("always_a", ["A"] * 4),
        ("always_b", ["B"] * 4),
        ("always_tie", ["tie"] * 4),
    ],
)
def test_add_baseline_judges_pairwise_verdicts(pairs, name, expected):
    out = add_baseline_judges(pairs, baselines=[name])
    assert labels(out, f"baseline:{name}") == expected
    rows = out[out["rater"] == f"baseline:{name}"]
    assert rows["rater_kind"].astype("object").eq("baseline").all()
    assert rows["strategy"].eq(name).all()
    assert rows["order"].isna().all()
    assert rows[["model_a", "model_b", "subset"]].drop_duplicates().values.tolist() == [
        ["m1", "m2", "s"]
    ]
    assert rows["response_a"].tolist() == TEXTS[0]
    schema.validate(out)


def test_add_baseline_judges_first_shown_follows_the_recorded_order():
    # item 1: every human row says BA -> B; item 2: AB and BA disagree -> A (canonical).
    df = toy(pairwise={"human:1": "ABtA", "human:2": "ABtA"}, texts=TEXTS)
    df["order"] = df["order"].astype("object")
    df.loc[df["item_id"] == "1", "order"] = "BA"
    df.loc[(df["item_id"] == "2") & (df["rater"] == "human:1"), "order"] = "BA"
    df.loc[(df["item_id"] == "2") & (df["rater"] == "human:2"), "order"] = "AB"
    df = schema.conform(df)
    out = add_baseline_judges(df, baselines=["first_shown"])
    assert labels(out, "baseline:first_shown") == ["A", "B", "A", "A"]


def test_add_baseline_judges_random_is_a_seeded_coin():
    df = toy(pairwise={"human": "A" * 200})
    out = add_baseline_judges(df, baselines=["random"], rng=7)
    heads = np.random.default_rng(7).integers(0, 2, size=200).astype(bool)
    assert labels(out, "baseline:random") == np.where(heads, "A", "B").tolist()
    again = add_baseline_judges(df, baselines=["random"], rng=7)
    assert labels(again, "baseline:random") == labels(out, "baseline:random")
    other = add_baseline_judges(df, baselines=["random"], rng=8)
    assert labels(other, "baseline:random") != labels(out, "baseline:random")


def test_add_baseline_judges_binary_verdicts():
    # contains: case and whitespace ignored; one alias per reference line; an empty
    # reference (item 3) and an NA response (item 4) give no verdict.
    texts = ["The  answer is\nPARIS.", "tin-tin", "Rome", "x", None]
    refs = ["paris", "Tintin\nTin-Tin", "Milan", "", "y"]
    df = toy(binary={"human": "ccici"}, texts=texts, reference=refs)
    out = add_baseline_judges(df, rng=3)
    assert labels(out, "baseline:contains") == ["correct", "correct", "incorrect"]
    assert out.loc[out["rater"] == "baseline:contains", "item_id"].tolist() == ["0", "1", "2"]
    assert labels(out, "baseline:always_correct") == ["correct"] * 5
    assert labels(out, "baseline:always_incorrect") == ["incorrect"] * 5
    heads = np.random.default_rng(3).integers(0, 2, size=5).astype(bool)
    assert labels(out, "baseline:random") == np.where(heads, "correct", "incorrect").tolist()
    assert not set(out["rater"]) & {f"baseline:{b}" for b in ("longer", "always_a")}


def test_add_baseline_judges_registry_entries_are_typed():
    assert set(BASELINES) == {
        "longer", "shorter", "first_shown", "always_a", "always_b", "always_tie",
        "always_correct", "always_incorrect", "random", "contains",
    }  # fmt: skip
    for entry in BASELINES.values():
        assert isinstance(entry.protocols, tuple) and set(entry.protocols) <= {"pairwise", "binary"}
        assert isinstance(entry.needs, tuple) and entry.description
    assert BASELINES["random"].protocols == ("pairwise", "binary")
    assert BASELINES["contains"].needs == ("response", "reference")


def test_add_baseline_judges_skips_with_one_warning():
    df = toy(pairwise={"human": "AB"})  # no texts
    with pytest.warns(BaselineWarning) as caught:
        out = add_baseline_judges(df)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "longer on toy" in message and "shorter on toy" in message
    assert "column 'response_a' is all NA" in message
    added = set(out.loc[out["rater_kind"] == "baseline", "rater"])
    assert added == {f"baseline:{b}" for b in ("first_shown", "always_a", "always_b")} | {
        "baseline:always_tie",
        "baseline:random",
    }


def test_add_baseline_judges_named_baseline_raises_naming_the_column():
    df = toy(pairwise={"human": "AB"})
    with pytest.raises(
        ValueError, match="'longer' cannot run on dataset 'toy': column 'response_a'"
    ):
        add_baseline_judges(df, baselines=["longer"])
    with pytest.raises(ValueError, match="no column 'response_b'"):
        add_baseline_judges(
            df.assign(response_a="x").drop(columns="response_b"), baselines=["shorter"]
        )
    with pytest.raises(ValueError, match=r"no rows of the protocols these judge: \{'contains'"):
        add_baseline_judges(df, baselines=["contains"])
    with pytest.raises(ValueError, match="baselines: expected values from"):
        add_baseline_judges(df, baselines=["longest"])
    with pytest.raises(ValueError, match="listed more than once"):
        add_baseline_judges(df, baselines=["always_a", "always_a"])


def test_add_baseline_judges_does_not_duplicate_existing_raters():
    df = toy(binary={"human": "ci", "Contains": "ci"}, kinds={"Contains": "metric"},
             texts=["a", "b"], reference=["a", "c"])  # fmt: skip
    with pytest.warns(BaselineWarning, match="the table already has rater 'Contains'"):
        out = add_baseline_judges(df)
    assert "baseline:contains" not in set(out["rater"])
    with pytest.warns(BaselineWarning, match="skipped 4:.*random on toy \\(the table already has"):
        twice = add_baseline_judges(out.drop(columns="reference"))
    assert len(twice) == len(out)


def test_add_baseline_judges_keeps_rating_rows_and_extra_columns():
    r = toy(rating={"human": [1, 2], "j": [2, 2]})
    with pytest.warns(BaselineWarning, match="no pairwise or binary rows"):
        out = add_baseline_judges(r)
    pd.testing.assert_frame_equal(out, r)
    df = toy(pairwise={"human": "AB"}).assign(length_bin=["short", "long"])
    out = add_baseline_judges(df, baselines=["always_b"])
    assert list(out.columns) == list(df.columns)
    assert out["length_bin"].iloc[:2].tolist() == ["short", "long"]
    assert out["length_bin"].iloc[2:].isna().all()
    assert str(out["rater_kind"].dtype) == "category"


def test_baseline_rater_kind_is_in_the_vocabulary_and_accepted():
    assert "baseline" in vocab.RATER_KINDS
    out = add_baseline_judges(toy(pairwise={"human": "AB"}), baselines=["always_a"])
    assert schema.validate(out) is out
    assert check_table(out) is out


def test_agreement_default_judges_include_baselines():
    df = toy(pairwise={"human": "ABtA", "j": "AAtA"}, texts=TEXTS)
    out = add_baseline_judges(df, baselines=["longer", "always_a"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 4 items: no intervals
        table = workbench.agreement(out, statistics=["percent_agreement"], reference="human")
    got = table.set_index("judge")["estimate"].to_dict()
    # human ABtA; longer ABtB: 3/4; always_a AAAA: 2/4; j AAtA: 3/4
    assert got == {"baseline:always_a": 0.5, "baseline:longer": 0.75, "j": 0.75}


# --------------------------------------------------------------------------- real data


def agree(df: pd.DataFrame, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = workbench.agreement(df, statistics=["percent_agreement"], n_resamples=200, **kw)
    return table[table["kind"] == "judge"].set_index("judge")


def test_add_baseline_judges_on_llmbar(loaded):
    df = loaded("llmbar")
    out = add_baseline_judges(df)
    table = agree(out, reference="gold")
    gold = df.loc[df["rater"] == "gold", "label"].astype("object")
    share_a = float((gold == "A").mean())  # 596 / 1200
    assert table.loc["baseline:always_a", "estimate"] == pytest.approx(share_a, abs=1e-12)
    assert table.loc["baseline:always_b", "estimate"] == pytest.approx(1 - share_a, abs=1e-12)
    assert table.loc["baseline:always_tie", "estimate"] == 0.0  # LLMBar gold has no ties
    assert table.loc["baseline:first_shown", "estimate"] == share_a
    assert 0.35 < table.loc["baseline:longer", "estimate"] < 0.47  # measured 0.410
    assert 0.45 < table.loc["baseline:random", "estimate"] < 0.55
    assert table.loc["GPT-4/Vanilla", "estimate"] > table.loc["baseline:longer", "estimate"] + 0.3
    adversarial = out[out["subset"].str.startswith("Adversarial").fillna(False)]
    longer = agree(adversarial, reference="gold", judges=["baseline:longer"])
    assert longer.loc["baseline:longer", "estimate"] < 0.3  # measured 0.200 on 319 items


def test_add_baseline_judges_on_pandalm(loaded):
    table = agree(add_baseline_judges(loaded("pandalm")))
    assert table.loc["baseline:longer", "reference"] == vocab.OTHERS
    # Longer beats every constant and the coin against the annotators (measured 0.622).
    assert 0.57 < table.loc["baseline:longer", "estimate"] < 0.67
    constants = [f"baseline:{b}" for b in ("always_a", "always_b", "always_tie", "random")]
    assert table.loc[constants, "estimate"].max() < 0.5
    assert table.loc["baseline:shorter", "estimate"] < 0.35


def test_add_baseline_judges_on_judging_the_judges(loaded):
    df = loaded("judging_the_judges")
    with pytest.warns(BaselineWarning, match="contains on judging_the_judges"):
        out = add_baseline_judges(df)
    assert "baseline:contains" not in set(out["rater"])
    table = agree(out, reference="human")
    human = df.loc[df["rater"] == "human", "label"].dropna().astype("object")
    share = float((human == "correct").mean())  # 4546 / 6800
    assert table.loc["baseline:always_correct", "estimate"] == pytest.approx(share, abs=1e-12)
    assert table.loc["baseline:always_incorrect", "estimate"] == pytest.approx(1 - share)
    assert 0.47 < table.loc["baseline:random", "estimate"] < 0.53
    assert table.loc["Contains", "estimate"] > table.loc["baseline:always_correct", "estimate"]
