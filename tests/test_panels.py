"""Judge panels (workbench.replace.panels): hand-computed toy tables, errors, real-data curves."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench.replace.panels import CURVE_COLUMNS, curve_summary, panel, panel_curve
from workbench.testing import toy
from workbench.verdicts import majority_vote


def _rows(out: pd.DataFrame, rater: str) -> pd.DataFrame:
    return out[out["rater"] == rater].reset_index(drop=True)


def _labels(out: pd.DataFrame, rater: str) -> list:
    return [None if pd.isna(v) else v for v in _rows(out, rater)["label"]]


# ---------------------------------------------------------------- panel: labels


def test_panel_majority_ties_and_na_verdicts():
    # item 0: A A B -> A; 1: B A ? -> 1-1 tie -> NA; 2: ? ? ? -> no row; 3: t t A -> tie;
    # item 4: B . B (j2 has no row) -> B
    df = toy(pairwise={"human": "ABAAB", "j1": "AB?tB", "j2": "AA?t.", "j3": "B??AB"})
    out = panel(df, judges=["j1", "j2", "j3"])
    p = _rows(out, "panel:j1+j2+j3")
    assert p["item_id"].tolist() == ["0", "1", "3", "4"]
    assert _labels(out, "panel:j1+j2+j3") == ["A", None, "tie", "B"]
    assert p["raw"].tolist() == ["A:2;B:1;tie:0", "A:1;B:1;tie:0", "A:1;B:0;tie:2", "A:0;B:2;tie:0"]
    assert set(p["rater_kind"]) == {"llm"} and set(p["strategy"]) == {"panel"}
    assert p["order"].isna().all()
    assert len(out) == len(df) + 4  # the table plus the panel's rows


def test_panel_on_tie_tie_and_name():
    df = toy(pairwise={"human": "AB", "j1": "AB", "j2": "BB"})
    out = panel(df, judges=["j1", "j2"], name="duo", on_tie="tie")
    assert _labels(out, "panel:duo") == ["tie", "B"]  # A vs B -> tie; B B -> B


def test_panel_binary_majority():
    df = toy(binary={"human": "ccii", "j1": "ciic", "j2": "cic?", "j3": "icii"})
    out = panel(df, judges=["j1", "j2", "j3"])
    # item 0: c c i -> c; 1: i i c -> i; 2: i c i -> i; 3: c ? i -> 1-1 tie -> NA
    assert _labels(out, "panel:j1+j2+j3") == ["correct", "incorrect", "incorrect", None]


def test_panel_per_order_votes_per_presentation_order():
    # j1, j2 asked in both orders; j3 judged without an order votes in each order
    df = toy(pairwise={"human": "AB", "j1": ("AB", "BB"), "j2": ("BB", "BA"), "j3": "AA"})
    out = panel(df, judges=["j1", "j2", "j3"])
    p = _rows(out, "panel:j1+j2+j3")
    got = {(i, o): lab for i, o, lab in p[["item_id", "order", "label"]].itertuples(index=False)}
    # AB games: item 0 A B A -> A, item 1 B B A -> B; BA games: item 0 B B A -> B, item 1 B A A -> A
    assert got == {("0", "AB"): "A", ("1", "AB"): "B", ("0", "BA"): "B", ("1", "BA"): "A"}


def test_panel_of_one_judge_is_that_judge():
    df = toy(pairwise={"human": "ABt", "j1": ("AB?", "BBt")})
    out = panel(df, judges=["j1"])
    mine = _rows(out, "panel:j1")[["item_id", "order", "label"]]
    judge = _rows(out, "j1").dropna(subset=["label"])[["item_id", "order", "label"]]
    pd.testing.assert_frame_equal(
        mine.sort_values(["item_id", "order"]).reset_index(drop=True).astype(object),
        judge.sort_values(["item_id", "order"]).reset_index(drop=True).astype(object),
    )


def test_panel_resolve_first_gives_one_verdict_per_item():
    df = toy(pairwise={"human": "AB", "j1": ("AB", "BB"), "j2": ("AB", "AB"), "j3": ("BB", "BB")})
    out = panel(df, judges=["j1", "j2", "j3"], resolve="fastchat")
    # fastchat: j1 item 0 A/B -> tie, item 1 B; j2 A, B; j3 B, B -> item 0: tie A B -> NA; 1: B
    p = _rows(out, "panel:j1+j2+j3")
    assert p["order"].isna().all()
    assert _labels(out, "panel:j1+j2+j3") == [None, "B"]


# ---------------------------------------------------------------- panel: ratings


def test_panel_mean_of_ratings():
    nan = float("nan")
    df = toy(
        rating={
            "human": [1, 2, 3, 4],
            "j1": [1, 4, None, nan],
            "j2": [3, nan, 5, None],
            "j3": [2, 1, 2, None],
        }
    )
    out = panel(df, judges=["j1", "j2", "j3"], rule="mean")
    p = _rows(out, "panel:j1+j2+j3")
    assert p["item_id"].tolist() == ["0", "1", "2"]  # item 3: no score from anyone
    assert p["score"].tolist() == pytest.approx([2.0, 2.5, 3.5])  # (1+3+2)/3, (4+1)/2, (5+2)/2
    assert p["raw"].tolist() == ["mean of 3", "mean of 2", "mean of 2"]


# ---------------------------------------------------------------- panel: errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"judges": ["j1", "nobody"]}, r"judges: not in the table: \['nobody'\]"),
        ({"judges": []}, "judges: expected a non-empty list"),
        ({"judges": "j1"}, "judges: expected a non-empty list"),
        ({"judges": ["j1", "j1"]}, r"judges: each judge once, got repeats \['j1'\]"),
        ({"judges": ["j1"], "rule": "mean"}, "rule: the judges give labels; expected 'majority'"),
        ({"judges": ["j1"], "rule": "median"}, "rule: expected one of"),
        ({"judges": ["j1"], "resolve": "best"}, "resolve: expected one of"),
        ({"judges": ["j1"], "on_tie": "coin"}, "on_tie: expected one of"),
        ({"judges": ["j1"], "name": "x"}, "name: 'panel:x' is already a rater"),
    ],
)
def test_panel_errors_name_the_argument(kwargs, message):
    df = toy(pairwise={"human": "AB", "j1": "AB", "panel:x": "AA"})
    with pytest.raises(ValueError, match=message):
        panel(df, **kwargs)


def test_panel_majority_on_ratings_and_tie_on_binary_are_errors():
    r = toy(rating={"human": [1, 2], "j": [1, 2]})
    with pytest.raises(ValueError, match="rule: the judges give ratings; expected 'mean'"):
        panel(r, judges=["j"])
    b = toy(binary={"human": "ci", "j": "ci"})
    with pytest.raises(ValueError, match="on_tie: 'tie' needs pairwise judges"):
        panel(b, judges=["j"], on_tie="tie")


def test_panel_bad_table_is_a_schema_error():
    df = toy(pairwise={"human": "AB", "j1": "AB"}).drop(columns="rater")
    with pytest.raises(workbench.schema.SchemaError, match="rater"):
        panel(df, judges=["j1"])


# ---------------------------------------------------------------- panel_curve on a toy table

# 12 items; human and three judges (by hand below)
_HUMAN = "ABABABABABAB"
_J = {"j1": "ABABABABABBB", "j2": "ABABABABAAAA", "j3": "BBABABABABAB"}


def test_panel_curve_three_judges_by_hand():
    df = toy(pairwise={"human": _HUMAN, **_J})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = panel_curve(df, n_resamples=200)
    assert list(c.columns) == list(CURVE_COLUMNS)
    assert c["size"].tolist() == [1, 1, 1, 2, 2, 2, 3]
    assert c["panel"].tolist() == ["j1", "j2", "j3", "j1+j2", "j1+j3", "j2+j3", "j1+j2+j3"]
    # j1 misses item 10 (11/12); j2 misses 9 and 11 (10/12); j3 misses 0 (11/12)
    # j1+j2: ties at 9, 10, 11 -> 9 items, all agree; j1+j3: ties at 0, 10 -> 10/10;
    # j2+j3: ties at 0, 9, 11 -> 9/9; all three: item 0 A A B -> A, 9 B A B -> B, 10 B A A -> A,
    # 11 B A B -> B: 12/12
    expected = [11 / 12, 10 / 12, 11 / 12, 1.0, 1.0, 1.0, 1.0]
    assert c["estimate"].tolist() == pytest.approx(expected)
    assert c["n_items"].tolist() == [12, 12, 12, 9, 10, 9, 12]
    assert (c["statistic"] == "percent_agreement").all()
    ok = c["ci_low"].notna()
    assert ok.any() and (c.loc[ok, "ci_low"] <= c.loc[ok, "estimate"] + 1e-12).all()
    s = curve_summary(c)
    assert s["n_panels"].tolist() == [3, 3, 1]
    assert s["mean"].tolist() == pytest.approx([(11 + 10 + 11) / 36, 1.0, 1.0])
    assert s["min"].tolist() == pytest.approx([10 / 12, 1.0, 1.0])
    assert s["max"].tolist() == pytest.approx([11 / 12, 1.0, 1.0])


def test_panel_curve_sample_when_more_subsets_than_max_panels():
    judges = {f"j{i}": _J["j1"] for i in range(5)}
    df = toy(pairwise={"human": _HUMAN, **judges})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = panel_curve(df, max_panels=4, n_resamples=50, sizes=[1, 2, 5])
        again = panel_curve(df, max_panels=4, n_resamples=50, sizes=[1, 2, 5])
    # C(5,1)=5 > 4 and C(5,2)=10 > 4: four distinct subsets each; C(5,5)=1: all
    assert c.groupby("size")["panel"].nunique().to_dict() == {1: 4, 2: 4, 5: 1}
    assert c["panel"].tolist() == again["panel"].tolist()  # seeded
    assert c["estimate"].tolist() == pytest.approx([11 / 12] * 9)  # identical judges


def test_panel_curve_errors():
    df = toy(pairwise={"human": _HUMAN, **_J})
    with pytest.raises(ValueError, match=r"sizes: expected panel sizes in 1..3, got \[4\]"):
        panel_curve(df, sizes=[1, 4])
    with pytest.raises(ValueError, match="max_panels: expected a positive integer"):
        panel_curve(df, max_panels=0)
    with pytest.raises(ValueError, match=r"judges: not in the table: \['j9'\]"):
        panel_curve(df, judges=["j1", "j9"])


# ---------------------------------------------------------------- real data


def _quiet_curve(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return panel_curve(df, **kw)


def _quiet_agreement(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return workbench.agreement(df, ceiling=False, **kw)


def test_panel_curve_llmbar_vanilla_norules(loaded):
    df = loaded("llmbar")
    judges = sorted(df.loc[df["strategy"] == "Vanilla_NoRules", "rater"].astype(str).unique())
    assert len(judges) == 6
    c = _quiet_curve(df, judges=judges, reference="gold", n_resamples=200)
    assert c.groupby("size").size().tolist() == [math.comb(6, k) for k in range(1, 7)]
    assert len(c) == 63
    # a panel of one judge is the judge: its agreement is the judge's own, game by game
    own = _quiet_agreement(df, judges=judges, reference="gold", statistics=["percent_agreement"])
    one = c[c["size"] == 1].set_index("panel")["estimate"]
    assert one.to_dict() == pytest.approx(own.set_index("judge")["estimate"].to_dict())
    # GPT-4 alone: 0.775 of games; the best pair (GPT-4 + PaLM2) beats every judge alone
    assert one["GPT-4/Vanilla_NoRules"] == pytest.approx(0.7749, abs=5e-4)
    assert c["estimate"].max() > one.max()
    assert (c["ci_low"] < c["estimate"]).all() and (c["estimate"] < c["ci_high"]).all()


def test_panel_judging_the_judges_matches_majority_vote(loaded):
    df = loaded("judging_the_judges")
    judges = ["GPT-4", "Llama3-70B", "Llama-70B", "Mistral-7B", "Gemma-2B"]
    out = panel(df, judges=judges, name="five")
    mine = _rows(out, "panel:five").set_index("item_id")["label"].astype(object)
    oracle = majority_vote(df, raters=judges, name="oracle").set_index("item_id")["label"]
    oracle = oracle.astype(object).dropna()
    mine = mine.dropna()
    assert len(mine) > 6000
    assert mine.sort_index().to_dict() == oracle.sort_index().to_dict()
    c = _quiet_curve(df, judges=judges, n_resamples=200)
    assert len(c) == 31
    full = c[c["size"] == 5]["estimate"].iloc[0]
    own = _quiet_agreement(out, judges=["panel:five"], statistics=["percent_agreement"])
    assert full == pytest.approx(own["estimate"].iloc[0])


def test_panel_curve_hanna_mean_ratings(loaded):
    df = loaded("hanna")
    df = df[df["criterion"] == "coherence"].reset_index(drop=True)
    judges = sorted(
        df.loc[df["rater"].astype(str).str.endswith("/prompt1"), "rater"].astype(str).unique()
    )
    assert len(judges) == 5
    out = panel(df, judges=judges, rule="mean", name="p1")
    p = _rows(out, "panel:p1").set_index("item_id")["score"].astype(float)
    votes = df[df["rater"].isin(judges)]
    oracle = votes.groupby("item_id", observed=True)["score"].mean().astype(float)
    assert np.allclose(p.sort_index(), oracle.reindex(p.sort_index().index))
    c = _quiet_curve(df, judges=judges, rule="mean", n_resamples=200)
    assert c.groupby("size").size().tolist() == [5, 10, 10, 5, 1]
    assert (c["statistic"] == "pearson").all()
    s = curve_summary(c).set_index("size")["mean"]
    assert s.is_monotonic_increasing  # averaging judges' scores helps here: 0.385 .. 0.485
    own = _quiet_agreement(out, judges=["panel:p1"], statistics=["pearson"])
    assert c[c["size"] == 5]["estimate"].iloc[0] == pytest.approx(own["estimate"].iloc[0])
