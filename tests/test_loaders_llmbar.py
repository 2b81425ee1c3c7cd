"""LLMBar loader: row counts (SOURCE.md), published numbers from the tidy table, authors' statistics.

Published numbers: Zeng et al. 2024, "Evaluating Large Language Models at Evaluating
Instruction Following", ICLR (arXiv:2310.07641), results tables of §4 (LLMBar Natural /
Adversarial, Acc. and Agr. per evaluator), as quoted in issue #2. Accuracy and agreement
are recomputed here with plain pandas from the tidy table, never with loader code.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.loaders import llmbar
from workbench.schema import LoadError

NATURAL = "Dataset/LLMBar/Natural/dataset.json"
NATURAL_GPT4 = "Dataset/LLMBar/Natural/evaluators/GPT-4/Vanilla_NoRules/result.json"
NATURAL_GPT4_MR = "Dataset/LLMBar/Natural/evaluators/GPT-4/Metrics_Reference/result.json"
NATURAL_GPT4_RATING = "Dataset/LLMBar/Natural/evaluators/GPT-4/Rating/result.json"
NATURAL_GPT4_STATS = "Dataset/LLMBar/Natural/evaluators/GPT-4/Vanilla_NoRules/statistics.json"
ADVERSARIAL = [
    "Adversarial/Neighbor",
    "Adversarial/GPTInst",
    "Adversarial/GPTOut",
    "Adversarial/Manual",
]


DATASET = "llmbar"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


@pytest.fixture(scope="module")
def stats(loaded):
    return loaded("llmbar_statistics")


@pytest.fixture(scope="module")
def scores(df):
    """Per (subset, rater, item): gold, AB and BA verdicts, in plain pandas."""
    gold = df.loc[df["rater"] == "gold", ["item_id", "label"]].rename(columns={"label": "gold"})
    judges = df[df["rater_kind"] == "llm"]
    wide = (
        judges.astype({"order": "object", "label": "object"})
        .set_index(["subset", "rater", "item_id", "order"])["label"]
        .unstack("order")
        .reset_index()
    )
    wide = wide.merge(gold, on="item_id", validate="many_to_one")
    for col in ("AB", "BA", "gold"):
        wide[col] = wide[col].astype("object")
    # Unparsable verdict (NA) = wrong.
    wide["correct_AB"] = (wide["AB"] == wide["gold"]).fillna(False).astype(bool)
    wide["correct_BA"] = (wide["BA"] == wide["gold"]).fillna(False).astype(bool)
    # Strict reading: both verdicts parsed and equal.
    wide["agree_strict"] = (wide["AB"] == wide["BA"]).fillna(False).astype(bool)
    # LLMBar's reading (statistics.json): two unparsable verdicts also agree (None == None).
    wide["agree_llmbar"] = wide["agree_strict"] | (wide["AB"].isna() & wide["BA"].isna())
    return wide


def _summary(scores: pd.DataFrame) -> pd.DataFrame:
    g = scores.groupby(["subset", "rater"])
    out = pd.DataFrame(
        {
            "n": g.size(),
            "n_correct_false": g["correct_AB"].sum(),
            "n_correct_true": g["correct_BA"].sum(),
            "n_correct_both": (scores["correct_AB"] & scores["correct_BA"])
            .groupby([scores["subset"], scores["rater"]])
            .sum(),
            "n_equal": g["agree_llmbar"].sum(),
            "n_equal_strict": g["agree_strict"].sum(),
        }
    )
    out["accuracy"] = (out["n_correct_false"] + out["n_correct_true"]) / 2 / out["n"] * 100
    out["agreement"] = out["n_equal"] / out["n"] * 100
    out["agreement_strict"] = out["n_equal_strict"] / out["n"] * 100
    return out


@pytest.fixture(scope="module")
def summary(scores):
    return _summary(scores)


# --- files and row counts -------------------------------------------------------------


def test_files_llmbar_match_source_md():
    # SOURCE.md: 13 dataset.json, 379 result.json, 499 statistics.json staged.
    assert (len(llmbar.DATASET_FILES), len(llmbar.RESULT_FILES)) == (13, 379)
    assert len(llmbar.STATISTICS_FILES) == 499


def test_load_llmbar_gold_rows_per_set(df):
    # SOURCE.md file table: pairs per dataset.json.
    gold = df[df["rater"] == "gold"]
    assert gold.groupby("subset").size().to_dict() == {
        "Natural": 100,
        "Adversarial/Neighbor": 134,
        "Adversarial/GPTInst": 92,
        "Adversarial/GPTOut": 47,
        "Adversarial/Manual": 46,
        "CaseStudy/Constraint": 89,
        "CaseStudy/Negation": 59,
        "CaseStudy/Normal": 59,
        "CaseStudy/Base_9": 54,
        "CaseStudy/Base_10": 54,
        "Processed/FairEval": 66,
        "Processed/LLMEval^2": 200,
        "Processed/MT-Bench": 200,
    }
    # SOURCE.md: Natural label 1: 42, 2: 58.
    natural = gold[gold["subset"] == "Natural"]["label"].value_counts()
    assert (natural["A"], natural["B"]) == (42, 58)
    assert gold["order"].isna().all() and (gold["rater_kind"] == "gold").all()
    assert gold["item_id"].str.fullmatch(r".+/\d+").all()
    assert gold.loc[gold["subset"] == "Adversarial/Neighbor", "item_id"].iloc[-1] == (
        "Adversarial/Neighbor/133"
    )


def test_load_llmbar_judge_rows_cover_every_result_file(df):
    judges = df[df["rater_kind"] == "llm"]
    sizes = df[df["rater"] == "gold"].groupby("subset").size()
    per_file = judges.groupby(["subset", "rater", "order"], observed=True).size()
    # One row per pair per order for each of the 379 result.json files.
    assert len(per_file) == 379 * 2
    assert (
        per_file.to_numpy() == sizes.loc[per_file.index.get_level_values("subset")].to_numpy()
    ).all()
    # SOURCE.md: 63,210 winners, 267 null (kept as NA label with raw "null").
    assert len(judges) == 63_210
    assert judges["label"].isna().sum() == 267
    assert set(judges.loc[judges["label"].isna(), "raw"]) == {"null"}
    assert len(df) == 63_210 + 1_200
    # Processed/* have only Vanilla_NoRules and Metrics_Reference for four judges (SOURCE.md).
    processed = judges[judges["subset"].str.startswith("Processed/")]
    assert sorted(processed["rater"].unique()) == sorted(
        f"{j}/{s}"
        for j in ("GPT-4", "ChatGPT", "LLaMA2", "PaLM2")
        for s in ("Vanilla_NoRules", "Metrics_Reference")
    )


def test_load_llmbar_strategy_is_rater_suffix(df):
    judges = df[df["rater_kind"] == "llm"]
    assert (judges["rater"].str.split("/").str[1] == judges["strategy"]).all()
    assert df.loc[df["rater"] == "gold", "strategy"].isna().all()


# --- published numbers from the tidy table alone ----------------------------------------


def test_load_llmbar_gpt4_natural_accuracy_and_agreement(summary):
    row = summary.loc[("Natural", "GPT-4/Vanilla_NoRules")]
    assert row["accuracy"] == pytest.approx(93.5)  # Zeng et al. 2024, GPT-4 Vanilla, Natural Acc.
    # Agr. 97.0 in the paper; this file has no unparsable verdict, so both readings agree.
    assert row["agreement"] == pytest.approx(97.0)
    assert row["agreement_strict"] == pytest.approx(97.0)


def test_load_llmbar_gpt4_adversarial_mean(summary):
    acc = summary["accuracy"]
    vanilla = acc.loc[[(s, "GPT-4/Vanilla_NoRules") for s in ADVERSARIAL]].mean()
    assert round(vanilla, 1) == 73.1  # Zeng et al. 2024, GPT-4 Vanilla, Adversarial average
    best = acc.loc[[(s, "GPT-4/Metrics_Reference") for s in ADVERSARIAL]].mean()
    assert round(best, 1) == 82.8  # Zeng et al. 2024, GPT-4 Rules+Metrics+Reference, Adv. average


def test_load_llmbar_chatgpt_natural(summary):
    row = summary.loc[("Natural", "ChatGPT/Vanilla_NoRules")]
    assert row["accuracy"] == pytest.approx(79.0)  # Zeng et al. 2024, ChatGPT Vanilla, Natural Acc.
    assert row["agreement"] == pytest.approx(68.0)  # ... Natural Agr.


def test_load_llmbar_agreement_readings_differ_on_double_nulls(summary, stats):
    # GPT-4 Vanilla_NoRules on Processed/LLMEval^2: 5 pairs with both verdicts unparsable.
    # statistics.json `equal` counts them as agreeing (None == None in evaluate.py).
    row = summary.loc[("Processed/LLMEval^2", "GPT-4/Vanilla_NoRules")]
    assert row["n_equal"] - row["n_equal_strict"] == 5
    authors = stats.set_index(["subset", "rater"]).loc[
        ("Processed/LLMEval^2", "GPT-4/Vanilla_NoRules")
    ]
    assert row["n_equal"] == authors["n_equal"]
    assert row["agreement"] == pytest.approx(authors["equal"])
    assert row["agreement_strict"] == pytest.approx(authors["equal"] - 5 / 200 * 100)


def test_load_llmbar_every_file_matches_authors_statistics(summary, stats):
    # Every judge x strategy x set with a result.json: recomputed counts equal statistics.json.
    authors = stats[stats["has_result"]].set_index(["subset", "rater"]).sort_index()
    ours = summary.sort_index()
    assert ours.index.equals(authors.index)
    for col in ("n", "n_correct_false", "n_correct_true", "n_correct_both", "n_equal"):
        mismatch = ours.index[ours[col].to_numpy() != authors[col].to_numpy()].tolist()
        assert mismatch == [], col
    assert ours["accuracy"].to_numpy() == pytest.approx(authors["correct_average"].to_numpy())
    assert ours["agreement"].to_numpy() == pytest.approx(authors["equal"].to_numpy())


# --- label conventions -------------------------------------------------------------------


def test_load_llmbar_order_mapping_canonical(df):
    # GPT-4 Vanilla answers "Output (a)" / "Output (b)" = the first / second *shown* output;
    # in the BA order the first shown is response_b, so "Output (a)" must be label B.
    rows = df[
        (df["rater"] == "GPT-4/Vanilla_NoRules")
        & df["explanation"].isin(["Output (a)", "Output (b)"])
    ]
    shown_first = rows["explanation"] == "Output (a)"
    expected = (shown_first == (rows["order"] == "AB")).map({True: "A", False: "B"})
    assert len(rows) > 1000
    assert (rows["label"].astype(object) == expected).all()


def test_load_llmbar_rating_winner_rule(df):
    # evaluate.py: AB winner "1" if score_1 > score_2 else "2"; BA "2" if score_2 > score_1 else "1".
    rating = df[df["strategy"].str.startswith("Rating").fillna(False)]
    raw = pd.DataFrame([json.loads(r) for r in rating["raw"]], index=rating.index)
    ok = raw["score_1"].str.fullmatch(r"\d+") & raw["score_2"].str.fullmatch(r"\d+")
    s1 = pd.to_numeric(raw["score_1"].where(ok), errors="coerce")
    s2 = pd.to_numeric(raw["score_2"].where(ok), errors="coerce")
    ab = rating["order"] == "AB"
    expected = pd.Series("B", index=rating.index)
    expected[ab & (s1 > s2)] = "A"
    expected[~ab & ~(s2 > s1)] = "A"
    expected[~ok] = ab[~ok].map({True: "A", False: "B"})  # unparsable: first shown wins
    assert (~ok).sum() == 10  # 5 empty GPT-4 scores x 2 orders
    assert (rating["label"].astype(object) == expected).all()
    assert (raw["winner"].map({"1": "A", "2": "B"}) == rating["label"].astype(object)).all()


def test_load_llmbar_explanation_has_generated_steps(df):
    rows = df[df["rater"] == "GPT-4/Metrics_Reference"]["explanation"]
    assert rows.str.startswith("[Generated metrics]\n").all()
    assert rows.str.contains("\n\n[Generated reference output]\n", regex=False).all()
    assert rows.str.contains("\n\n[Verdict]\n", regex=False).all()
    plain = df[df["rater"] == "GPT-4/Vanilla_NoRules"]["explanation"]
    assert not plain.str.contains("[Verdict]", regex=False).any()


def test_load_llmbar_statistics_frame(stats):
    assert len(stats) == 499  # SOURCE.md: one row per statistics.json
    assert list(stats.columns) == list(llmbar.STATISTICS_COLUMNS)
    no_result = stats[~stats["has_result"]]
    assert len(no_result) == 120  # SOURCE.md: Swap / Swap_CoT result.json left out
    assert set(no_result["strategy"]) == {"Swap", "Swap_CoT"}
    row = stats.set_index("file").loc[NATURAL_GPT4_STATS]
    # statistics.json: "92 / 100 = 92.0%", "95 / 100 = 95.0%", "93.5%", "92 / 100", "97 / 100".
    assert (row["n"], row["n_correct_false"], row["n_correct_true"]) == (100, 92, 95)
    assert (row["correct_average"], row["correct_both"], row["equal"]) == (93.5, 92.0, 97.0)
    assert str(stats["correct_average"].dtype) == "Float64"


# --- bad input ----------------------------------------------------------------------------


def _files(tmp_path, mirror, paths, **edits):
    """Copy real files to tmp_path, editing the parsed JSON of some; returns parse()'s dict."""
    files = {}
    for p in paths:
        data = json.loads((mirror / "llmbar" / p).read_text())
        if p in edits:
            data = edits[p](data)
        out = tmp_path / p.replace("/", "_")
        out.write_text(json.dumps(data))
        files[p] = out
    return files


def test_parse_llmbar_small_real_subset(tmp_path, mirror):
    out = llmbar.parse(_files(tmp_path, mirror, [NATURAL, NATURAL_GPT4]))
    assert out.groupby("rater").size().to_dict() == {"GPT-4/Vanilla_NoRules": 200, "gold": 100}


def test_parse_llmbar_truncated_json(tmp_path, mirror):
    files = _files(tmp_path, mirror, [NATURAL, NATURAL_GPT4])
    text = files[NATURAL_GPT4].read_text()
    files[NATURAL_GPT4].write_text(text[: len(text) // 2])
    with pytest.raises(
        LoadError,
        match=r"Vanilla_NoRules/result.json: record line 1 col \d+: field '-': invalid JSON",
    ):
        llmbar.parse(files)


def _set(path, value):
    """An edit of parsed JSON: set ``data[path[0]][path[1]]... = value``."""

    def edit(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    return edit


def _delete(path):
    def edit(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return data

    return edit


def _drop_first_step(data):
    data[9]["results"] = data[9]["results"][1:]  # Metrics_Reference without its generated metrics
    return data


BAD_INPUTS = {
    "winner_outside_scale": (
        NATURAL_GPT4,
        _set([7, "results", -1, "swap = True", "winner"], "3"),
        r"GPT-4/Vanilla_NoRules/result.json: record 7: "
        r"field \"results\[-1\]\['swap = True'\].winner\": unexpected value '3'",
    ),
    "misaligned_record": (
        NATURAL_GPT4,
        _set([12, "output_2"], "Something else."),
        r"Vanilla_NoRules/result.json: record 12: field 'output_2': "
        r"does not match Dataset/LLMBar/Natural/dataset.json record 12",
    ),
    "missing_results": (
        NATURAL_GPT4,
        _delete([5, "results"]),
        r"Vanilla_NoRules/result.json: record 5: field 'results': missing",
    ),
    "missing_completion": (
        NATURAL_GPT4,
        _delete([3, "results", -1, "swap = False", "completion"]),
        r"record 3: field \"results\[-1\]\['swap = False'\].completion\": missing",
    ),
    "gold_label_outside_scale": (
        NATURAL,
        _set([4, "label"], 0),
        r"Natural/dataset.json: record 4: field 'label': unexpected value 0",
    ),
    "missing_generation_step": (
        NATURAL_GPT4_MR,
        _drop_first_step,
        r"Metrics_Reference/result.json: record 9: field 'results': expected a list of 3",
    ),
    "rating_missing_score": (
        NATURAL_GPT4_RATING,
        _delete([2, "results", -1, "score_2"]),
        r"Rating/result.json: record 2: field 'results\[-1\].score_2': missing",
    ),
    "record_count_mismatch": (
        NATURAL_GPT4,
        lambda data: data[:-1],
        r"Vanilla_NoRules/result.json: record 99: field '-': 99 records but .*dataset.json has 100",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_parse_llmbar_bad_input_names_file_record_field(tmp_path, mirror, case):
    target, edit, message = BAD_INPUTS[case]
    paths = [NATURAL] if target == NATURAL else [NATURAL, target]
    with pytest.raises(LoadError, match=message):
        llmbar.parse(_files(tmp_path, mirror, paths, **{target: edit}))


def test_parse_llmbar_result_without_dataset(tmp_path, mirror):
    files = _files(tmp_path, mirror, [NATURAL_GPT4])
    with pytest.raises(
        LoadError,
        match=r"Vanilla_NoRules/result.json: record -: field '-': needs .*Natural/dataset.json",
    ):
        llmbar.parse(files)


def test_parse_statistics_llmbar_inconsistent_fraction(tmp_path, mirror):
    files = _files(
        tmp_path,
        mirror,
        [NATURAL_GPT4_STATS],
        **{NATURAL_GPT4_STATS: _set(["equal"], "97 / 100 = 79.0%")},
    )
    with pytest.raises(
        LoadError,
        match=r"Vanilla_NoRules/statistics.json: record -: field 'equal': 97 / 100 is not 79.0%",
    ):
        llmbar.parse_statistics(files)
