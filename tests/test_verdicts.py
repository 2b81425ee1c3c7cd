"""Presentation-order resolution rules and majority votes on hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.testing import toy
from workbench.verdicts import majority_vote, resolve_orders


def _games(pairs):
    """pairs: item -> (AB label, BA label); None = missing game, "NA" = unparsable.

    Judge ``j`` plays the games; a human says ``A`` on item ``"1"``."""
    code = {None: ".", "NA": "?"}  # toy's codes: "." no row, "?" a row with an NA label
    ab, ba = ([code.get(labels[k], labels[k]) for labels in pairs.values()] for k in (0, 1))
    human = ["A" if item == "1" else None for item in pairs]
    return toy(pairwise={"j": (ab, ba), "human": human}, item_ids=list(pairs), dataset="t")


CASES = {
    "1": ("A", "A"),
    "2": ("A", "B"),
    "3": ("A", "tie"),
    "4": ("B", "tie"),
    "5": ("tie", "tie"),
    "6": ("A", None),
    "7": ("NA", "B"),
    "8": (None, "B"),
}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # FastChat: consistent -> label, inconsistent -> tie.
        (
            "fastchat",
            {
                "1": "A",
                "2": "tie",
                "3": "tie",
                "4": "tie",
                "5": "tie",
                "6": "A",
                "7": None,
                "8": "B",
            },
        ),
        # Vote sum: A=+1, B=-1, tie=0.
        (
            "vote_sum",
            {"1": "A", "2": "tie", "3": "A", "4": "B", "5": "tie", "6": "A", "7": None, "8": "B"},
        ),
        ("first_order", {"1": "A", "2": "A", "3": "A", "4": "B", "5": "tie", "6": "A", "7": None}),
    ],
)
def test_resolve_orders_rules(rule, expected):
    out = resolve_orders(_games(CASES), rule=rule)
    judge = out[out["rater"] == "j"].set_index("item_id")["label"].astype("object")
    got = {k: (None if pd.isna(v) else v) for k, v in judge.items()}
    assert got == expected
    assert out["order"].isna().all()
    # the human row passes through untouched
    assert out[out["rater"] == "human"]["label"].tolist() == ["A"]


def test_resolve_orders_per_order_is_identity():
    df = _games(CASES)
    out = resolve_orders(df, rule="per_order")
    assert len(out) == len(df)


def test_resolve_orders_raw_records_both_games():
    out = resolve_orders(_games({"1": ("A", "B")}), rule="fastchat")
    assert out[out["rater"] == "j"]["raw"].tolist() == ["AB=A;BA=B"]


def test_resolve_orders_on_the_toy_table(toy_pairwise):
    # judge ABBtBA (order AB) and ABBtAA (order BA): item 4 (B vs A) is inconsistent
    out = resolve_orders(toy_pairwise, rule="fastchat")
    judge = out[out["rater"] == "J/Vanilla"]
    assert judge["label"].tolist() == ["A", "B", "B", "tie", "tie", "A"]
    assert judge["subset"].tolist() == ["math"] * 3 + ["writing"] * 3  # item columns kept
    vote_sum = resolve_orders(toy_pairwise, rule="vote_sum")
    assert vote_sum[vote_sum["rater"] == "J/Vanilla"]["label"].tolist()[4] == "tie"  # B + A = 0


def test_resolve_orders_rejects_unknown_rule():
    with pytest.raises(ValueError, match="rule"):
        resolve_orders(_games(CASES), rule="majority")


def _votes(votes, protocol="pairwise"):
    """votes: (item, annotator, label or score); annotator ``k`` is rater ``human:k``."""
    items = list(dict.fromkeys(item for item, _, _ in votes))
    raters = {f"human:{r}": [None] * len(items) for _, r, _ in votes}
    for item, r, value in votes:
        raters[f"human:{r}"][items.index(item)] = value
    return toy(**{protocol: raters}, item_ids=items, model_a="x", model_b="y", dataset="t")


def test_majority_vote_plurality_and_tie_rules():
    df = _votes(
        [
            ("1", 1, "A"),
            ("1", 2, "B"),
            ("1", 3, "A"),  # A 2-1
            ("2", 1, "A"),
            ("2", 2, "B"),  # 1-1: no majority
            ("3", 1, "tie"),
            ("3", 2, "tie"),
            ("3", 3, "B"),
            ("3", 4, "A"),
        ]
    )  # tie 2
    out = majority_vote(df).set_index("item_id")
    assert out.loc["1", "label"] == "A" and pd.isna(out.loc["2", "label"])
    assert out.loc["3", "label"] == "tie"
    assert out.loc["1", "raw"] == "A:2;B:1"
    assert (out["rater"] == "human:majority").all() and out.loc["1", "model_a"] == "x"
    assert majority_vote(df, on_tie="tie").set_index("item_id").loc["2", "label"] == "tie"


def test_majority_vote_rating_mean():
    df = _votes([("1", 1, 3.0), ("1", 2, 4.0), ("1", 3, 5.0)], protocol="rating")
    assert majority_vote(df)["score"].tolist() == [4.0]


def test_majority_vote_rejects_tie_rule_for_binary():
    df = _votes([("1", 1, "correct"), ("1", 2, "incorrect")], protocol="binary")
    with pytest.raises(ValueError, match="on_tie"):
        majority_vote(df, on_tie="tie")


def test_majority_vote_unknown_rater():
    with pytest.raises(ValueError, match="raters"):
        majority_vote(_votes([("1", 1, "A")]), raters=["human:9"])
