"""workbench.importers: each foreign format read from a fixture written in that format.

Fixtures (tests/fixtures/importers/): fastchat/*.jsonl in FastChat llm_judge's
model_judgment format; alpaca_eval/*.json in AlpacaEval's annotations format; judgebench/*
in JudgeBench's outputs format; inspect/*
written by inspect_ai's own API (make_log.py). Expected values are read off the fixtures.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import workbench
from workbench.byo import from_wide
from workbench.errors import LoadError, SchemaError
from workbench.importers import (
    IMPORTERS,
    alpaca_eval,
    fastchat,
    inspect_log,
    judgebench,
    prometheus,
    reward_pairs,
)
from workbench.schema import resolve_samples, validate

FIX = Path(__file__).parent / "fixtures" / "importers"
PAIR = FIX / "fastchat" / "gpt-4_pair.jsonl"
SINGLE = FIX / "fastchat" / "gpt-4_single.jsonl"
ALPACA = FIX / "alpaca_eval" / "annotations.json"
ALPACA_HUMANS = FIX / "alpaca_eval" / "human_annotations.json"


def _agreement(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fixtures are below 10 items: no intervals
        return workbench.agreement(df, statistics=["percent_agreement"], n_resamples=50, **kw)


def _labels(df, rater, **where):
    sel = df["rater"] == rater
    for col, value in where.items():
        sel &= df[col] == value
    return [None if pd.isna(x) else x for x in df.loc[sel, "label"].astype(object)]


# ---------------------------------------------------------------- FastChat


def test_fastchat_pairwise_rows_field_by_field():
    t = fastchat(PAIR)
    validate(t)
    records = [json.loads(line) for line in PAIR.read_text().splitlines()]
    assert len(t) == 2 * len(records) == 10  # one row per game (g1, g2)
    assert t["item_id"].unique().tolist() == [
        "81/alpaca-13b/vicuna-13b/t1",
        "81/alpaca-13b/vicuna-13b/t2",
        "82/alpaca-13b/llama-13b/t1",
        "82/alpaca-13b/llama-13b/t2",
        "83/alpaca-13b/vicuna-13b/t1",
    ]
    # q81: model_1 = vicuna = the item's B (names sorted), so g1 (vicuna shown first) is BA,
    # and winner model_1 is B. q82/q83: model_1 = alpaca = A, g1 is AB.
    assert t[["order", "label", "raw"]].astype(object).where(t.notna(), None).values.tolist() == [
        ["BA", "B", "model_1"],
        ["AB", "B", "model_1"],
        ["BA", "tie", "tie"],
        ["AB", "A", "model_2"],
        ["AB", "A", "model_1"],
        ["BA", None, "error"],  # FastChat's unparsed verdict: NA label, row kept
        ["AB", "B", "model_2"],
        ["BA", "B", "model_2"],
        ["AB", "B", "model_2"],
        ["BA", "A", "model_1"],
    ]
    assert t["turn"].tolist() == [1, 1, 2, 2, 1, 1, 2, 2, 1, 1]
    assert t["strategy"].tolist()[:4] == ["pair-v2", "pair-v2"] + ["pair-v2-multi-turn"] * 2
    assert set(t["rater"]) == {"gpt-4"} and set(t["rater_kind"].astype(str)) == {"llm"}
    assert t["explanation"].iloc[0] == records[0]["g1_judgment"]
    assert t["explanation"].iloc[1] == records[0]["g2_judgment"]
    assert (t["model_a"].iloc[0], t["model_b"].iloc[0]) == ("alpaca-13b", "vicuna-13b")


def test_fastchat_single_scores():
    t = fastchat(SINGLE)
    assert t["protocol"].astype(str).tolist() == ["rating"] * 3
    assert t["item_id"].tolist() == ["81/vicuna-13b/t1", "81/alpaca-13b/t1", "82/llama-13b/t2"]
    assert t["score"].tolist()[:2] == [8.0, 4.0] and pd.isna(t["score"].iloc[2])  # -1: failed
    assert t["raw"].tolist() == ["8", "4", "-1"]
    assert t["model"].tolist() == ["vicuna-13b", "alpaca-13b", "llama-13b"]
    assert t["strategy"].tolist() == ["single-v1", "single-v1", "single-v1-multi-turn"]


def test_fastchat_round_trip_through_agreement():
    judge = fastchat(PAIR)
    items = judge["item_id"].unique().tolist()
    people = from_wide(
        pd.DataFrame({"item_id": items, "human": ["B", "A", "A", "B", "A"]}),
        item="item_id",
        humans=["human"],
        judges=[],
        protocol="pairwise",
        dataset="fastchat",
    )
    res = _agreement(pd.concat([judge, people], ignore_index=True))
    # Judge verdicts per order vs the human (B, A, A, B, A): item 81/t1 B,B: 2/2; 81/t2
    # tie, A: 1/2; 82/t1 A (BA error): 1/1; 82/t2 B, B: 2/2; 83/t1 B, A: 1/2 -> 7 of 9.
    assert res[["judge", "reference", "n_items"]].values.tolist() == [["gpt-4", "human", 5]]
    assert res["estimate"].iloc[0] == pytest.approx(7 / 9)


def test_fastchat_bad_inputs_name_file_line_field():
    with pytest.raises(
        SchemaError, match=r"bad_winner.jsonl: .*column 'g2_winner', line 2: 'model_3'"
    ):
        fastchat(FIX / "fastchat" / "bad_winner.jsonl")
    with pytest.raises(LoadError, match=r"bad_missing.jsonl: record line 1: field 'g1_winner'"):
        fastchat(FIX / "fastchat" / "bad_missing.jsonl")


# ---------------------------------------------------------------- AlpacaEval


def test_alpaca_eval_rows_field_by_field():
    t = alpaca_eval(ALPACA)
    records = json.loads(ALPACA.read_text())
    assert len(t) == len(records) == 4
    assert t["raw"].tolist() == ["1.7312", "1.0421", "2", "1.5"]
    assert _labels(t, "weighted_alpaca_eval_gpt4_turbo") == ["B", "A", "B", "tie"]
    # the weight of the chosen side for fractional preferences only: 1.7312 - 1, 2 - 1.0421
    assert t["probability"].iloc[:2].tolist() == pytest.approx([0.7312, 0.9579])
    assert t["probability"].iloc[2:].isna().all()
    assert t["prompt"].tolist() == [r["instruction"] for r in records]
    assert t["response_a"].tolist() == [r["output_1"] for r in records]
    assert t["response_b"].tolist() == [r["output_2"] for r in records]
    assert set(t["model_a"]) == {"gpt4_turbo"} and set(t["model_b"]) == {"my_model"}
    assert json.loads(t["explanation"].iloc[0]) == records[0]["raw_completion"]
    assert t["order"].isna().all() and t["item_id"].nunique() == 4


def test_alpaca_eval_humans_share_items_and_round_trip():
    t = alpaca_eval([ALPACA, ALPACA_HUMANS], humans=["alice", "bob"])
    assert len(t) == 12 and t["item_id"].nunique() == 4
    items = t["item_id"].unique().tolist()
    # bob's haiku record lists the outputs reversed: his preference 1 is the item's B.
    assert _labels(t, "human:bob", item_id=items[1]) == ["B"]
    assert _labels(t, "human:alice") == ["B", "A", "B", "tie"]  # 0 is the old draw spelling
    assert _labels(t, "human:bob") == ["B", "B", "A", None]  # null preference: NA, row kept
    res = _agreement(t)
    # Items 1-3 (item 4: bob gave no verdict, so one annotator only). alice faces bob's
    # (B, B, A): the judge (B, A, B) agrees 1/3; bob faces alice's (B, A, B): 3/3 -> 2/3.
    # Ceiling: alice vs bob agree on item 1 only: 1/3 each way.
    assert res[["judge", "n_items"]].values.tolist() == [
        ["weighted_alpaca_eval_gpt4_turbo", 3],
        ["human ceiling", 3],
    ]
    assert res["estimate"].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_alpaca_eval_bad_preference_names_record_and_field():
    with pytest.raises(
        LoadError, match=r"bad_preference.json: record 0: field 'preference'.*got 3"
    ):
        alpaca_eval(FIX / "alpaca_eval" / "bad_preference.json")


# ---------------------------------------------------------------- Inspect


@pytest.mark.parametrize("log", ["graded.json", "graded.eval"])
def test_inspect_log_samples_scorers_epochs(log):
    t = inspect_log(
        FIX / "inspect" / log, target="human", labels={"P": None}, kinds={"match": "metric"}
    )
    # 3 samples x 2 epochs = 6 items; rows: human target + 2 scorers per item = 18.
    assert len(t) == 18 and t["item_id"].nunique() == 6
    assert set(t["dataset"]) == {"grader_fixture"} and set(t["model"]) == {"openai/gpt-4o-mini"}
    grader = t[t["rater"] == "model_graded_qa"]
    assert grader["item_id"].tolist() == [
        "1/epoch1",
        "2/epoch1",
        "3/epoch1",
        "1/epoch2",
        "2/epoch2",
        "3/epoch2",
    ]
    assert _labels(t, "model_graded_qa") == [
        "correct",
        "incorrect",
        "correct",
        "correct",
        "correct",
        None,
    ]  # "P" read as no verdict
    assert grader["raw"].tolist() == ["C", "I", "C", "C", "C", "P"]
    assert _labels(t, "match") == [
        "correct",
        "incorrect",
        "correct",
        "incorrect",
        "correct",
        "incorrect",
    ]
    assert _labels(t, "human") == ["correct", "incorrect", "correct"] * 2
    kinds = t.groupby("rater")["rater_kind"].first().astype(str).to_dict()
    assert kinds == {"human": "human", "match": "metric", "model_graded_qa": "llm"}
    assert grader["response"].tolist() == ["4", "Quito", "Jupiter", "4.", "Lima", "Saturn"]
    assert grader["prompt"].iloc[1] == "Capital of Peru?"
    assert grader["explanation"].iloc[0] == "GRADE: C"
    res = _agreement(t, reference="human")
    # grader vs human: epoch 1 3/3, epoch 2: C=C, C vs I, P (NA) -> 4 of 5 items;
    # match: epoch 1 3/3, epoch 2 0/3 -> 3/6.
    got = res.set_index("judge")[["estimate", "n_items"]]
    assert got.loc["model_graded_qa"].tolist() == [pytest.approx(4 / 5), 5]
    assert got.loc["match"].tolist() == [pytest.approx(3 / 6), 6]


def test_inspect_log_epochs_as_samples_and_dict_scores():
    t = inspect_log(
        FIX / "inspect" / "graded.eval", target="human", labels={"P": None}, epochs="samples"
    )
    assert t["item_id"].nunique() == 3 and len(t) == 3 + 2 * 6
    assert t[t["rater"] == "match"]["sample"].tolist() == [0, 0, 0, 1, 1, 1]
    one = resolve_samples(t, rule="first")
    assert _labels(one, "model_graded_qa") == ["correct", "incorrect", "correct"]
    r = inspect_log(FIX / "inspect" / "rubric.json")
    assert r["criterion"].tolist() == ["rubric/fluency"] * 3 + ["rubric/coherence"] * 3
    assert r["score"].tolist() == [4.0, 2.5, 5.0, 3.0, 1.5, 4.0]
    assert set(r["protocol"].astype(str)) == {"rating"}


def test_inspect_log_unknown_value_names_scorer_and_sample():
    with pytest.raises(SchemaError, match=r"column 'model_graded_qa', sample '3/epoch2': 'P'"):
        inspect_log(FIX / "inspect" / "graded.json", target="human")


def test_importers_registry_names_the_three_formats():
    assert IMPORTERS == {
        "fastchat": fastchat,
        "alpaca_eval": alpaca_eval,
        "inspect": inspect_log,
        "judgebench": judgebench,
        "prometheus": prometheus,
    }


# ---------------------------------------------------------------- JudgeBench

JUDGEBENCH = FIX / "judgebench" / "judge_name=arena_hard,judge_model=o1-mini-2024-09-12.jsonl"


def test_judgebench_gold_and_both_orders_field_by_field():
    t = judgebench(JUDGEBENCH)
    records = [json.loads(line) for line in JUDGEBENCH.read_text().splitlines()]
    # 4 gold rows + 7 games (p-4's second game is null: a row with an NA label)
    assert len(t) == 4 + 8 and t["item_id"].unique().tolist() == ["p-1", "p-2", "p-3", "p-4"]
    assert _labels(t, "gold") == ["A", "A", "B", "B"]
    # game 2 showed response_B first: its shown-order decision is flipped (B>A -> A).
    assert _labels(t, "o1-mini-2024-09-12", order="AB") == ["A", "B", "B", "tie"]
    assert _labels(t, "o1-mini-2024-09-12", order="BA") == ["A", "A", "B", None]
    judge = t[t["rater"] == "o1-mini-2024-09-12"]
    assert judge["raw"].astype(object).fillna("null").tolist() == [
        "A>B",
        "B>A",
        "B>A",
        "B>A",
        "B>A",
        "A>B",
        "A=B",
        "null",
    ]
    assert set(judge["strategy"]) == {"arena_hard"}
    assert t["subset"].unique().tolist() == ["mmlu-pro-law", "livebench-math", "livecodebench"]
    assert t["prompt"].iloc[0] == records[0]["question"]
    assert judge["explanation"].iloc[0] == records[0]["judgments"][0]["judgment"]["response"]
    res = _agreement(t, reference="gold")
    # per order vs gold: p-1 2/2, p-2 1/2, p-3 2/2, p-4 0/1 (tie vs B; null game left out)
    assert res[["judge", "reference", "n_items"]].values.tolist() == [
        ["o1-mini-2024-09-12", "gold", 4]
    ]
    assert res["estimate"].iloc[0] == pytest.approx(5 / 7)


def test_judgebench_bad_decision_names_line_and_field():
    with pytest.raises(SchemaError, match=r"column 'judgments\[0\].decision', line 2: 'A>>>B'"):
        judgebench(FIX / "judgebench" / "bad_decision.jsonl")


# ---------------------------------------------------------------- prometheus-eval


def test_prometheus_absolute_and_relative_field_by_field():
    t = prometheus(FIX / "prometheus" / "absolute.jsonl")
    assert t["item_id"].tolist() == ["t1", "t2", "t3"]
    assert t["protocol"].astype(str).tolist() == ["rating"] * 3
    assert t["score"].tolist()[:2] == [5.0, 1.0] and pd.isna(t["score"].iloc[2])  # unparsed
    assert set(t["criterion"]) == {"helpfulness"} and set(t["rater"]) == {"prometheus-7b-v2.0"}
    assert t["explanation"].iloc[1] == "A common misconception. [RESULT] 1"
    assert t["reference"].iloc[0] == "Short wavelengths scatter more (Rayleigh)."
    r = prometheus(FIX / "prometheus" / "relative.json", judge="prometheus-8x7b-v2.0")
    assert _labels(r, "prometheus-8x7b-v2.0") == ["A", "B"]
    assert r["order"].astype(str).tolist() == ["AB", "AB"] and r["raw"].tolist() == ['"A"', '"B"']
    # round trip: people's labels on the same items, the judge agrees on both
    people = from_wide(
        pd.DataFrame({"id": ["p1", "p2"], "human": ["A", "B"]}),
        item="id",
        humans=["human"],
        judges=[],
        protocol="pairwise",
        dataset="prometheus",
    )
    res = _agreement(pd.concat([r, people], ignore_index=True))
    assert res[["estimate", "n_items"]].values.tolist() == [[1.0, 2]]


def test_prometheus_bad_score_names_record_and_field():
    with pytest.raises(LoadError, match=r"bad_score.json: record 0: field 'score'.*got 7"):
        prometheus(FIX / "prometheus" / "bad_score.json")
    with pytest.raises(SchemaError, match=r"column 'score', record 0: 'maybe'"):
        prometheus([{"instruction": "q", "response_A": "a", "response_B": "b", "score": "maybe"}])


# ---------------------------------------------------------------- reward-model pairs

REWARD = FIX / "reward_pairs" / "rewardbench.jsonl"


def test_reward_pairs_hashed_numbering_field_by_field():
    t = reward_pairs(REWARD, judge="Skywork-Reward")
    records = [json.loads(line) for line in REWARD.read_text().splitlines()]
    assert len(t) == 2 * len(records) and t["item_id"].unique().tolist() == [
        "30",
        "31",
        "4001",
        "450",
    ]
    # sha256(id)[0] parity: 30 even (chosen is A), 31 odd (chosen is B), 4001 even, 450 odd.
    assert _labels(t, "gold") == ["A", "B", "A", "B"]
    # scores (A, B): 30 (3.25, -1.5) A; 31 (1.75 Sydney, 0.5 Canberra) A; 4001 (2, 1) A;
    # 450 (0, 0) tie -- RewardBench counts 31 and 450 as errors (results 0).
    assert _labels(t, "Skywork-Reward") == ["A", "A", "A", "tie"]
    judge = t[t["rater"] == "Skywork-Reward"]
    assert judge["raw"].tolist() == ["3.25 -1.5", "1.75 0.5", "2 1", "0 0"]
    assert judge["response_a"].tolist()[:2] == ["Simmer it for 9 minutes.", "Sydney."]
    assert t["subset"].unique().tolist() == ["alpacaeval-easy", "hep-python", "math-prm"]
    res = _agreement(t, reference="gold")
    # accuracy = RewardBench's mean of results: (1 + 0 + 1 + 0) / 4
    assert res["estimate"].iloc[0] == pytest.approx(sum(r["results"] for r in records) / 4)
    first = reward_pairs(REWARD, judge="rm", numbering="chosen_first")
    assert _labels(first, "gold") == ["A"] * 4 and _labels(first, "rm") == ["A", "B", "A", "tie"]


def test_reward_pairs_bad_results_and_missing_column():
    with pytest.raises(
        LoadError, match=r"bad_results.jsonl: record 0: field 'results': 0 contradicts"
    ):
        reward_pairs(FIX / "reward_pairs" / "bad_results.jsonl", judge="rm")
    with pytest.raises(LoadError, match=r"field 'score_a': missing column"):
        reward_pairs(REWARD, judge="rm", scores=("score_a", "score_b"))
