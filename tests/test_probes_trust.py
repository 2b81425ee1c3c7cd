"""Bias probes, disagreements, slicing and factors: right, or explicit about why they cannot answer.

Every expected value is counted by hand from the toy table built in the test (comments give the
arithmetic); messages are matched on the column, the row and the value they must name.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import bias, factors, slicing, verdicts
from workbench._validate import check_table
from workbench.errors import SchemaError
from workbench.testing import toy

BOOT = {"n_resamples": 50, "rng": 0}


def effect(table: pd.DataFrame, name: str, judge: str | None = None) -> pd.Series:
    t = table[table["effect"] == name]
    if judge is not None:
        t = t[t["judge"] == judge]
    assert len(t) == 1, (name, judge, t)
    return t.iloc[0]


def probe_warnings(fn, *args, **kwargs) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
    """Call ``fn`` and return its result and the ProbeWarnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [w for w in caught if issubclass(w.category, bias.ProbeWarning)]


# --------------------------------------------------------------- the tables each probe reads

PAIRWISE = toy(
    pairwise={"human": "AABBA", "gpt-4/v": ("ABBAA", "ABBBA")},
    texts=("one two three", "four"),
    models=("gpt-4", "vicuna-13b"),
)
BINARY = toy(
    binary={"human": "ccIcI", "gpt-4/v": "ccccI"}, models=["gpt-4", "m2", "m1", "m2", "m1"]
)
RATING = toy(rating={"human": [1, 2, 4, 5], "gpt-4/v": [2, 3, 5, 5]})

CALLS = {  # probe -> (table, keyword arguments)
    "position_preference": (PAIRWISE, {}),
    "self_consistency": (PAIRWISE, {"reference": "human"}),
    "calibration": (PAIRWISE.assign(probability=0.7), {"reference": "human"}),
    "circular_triads": (PAIRWISE, {}),
    "implied_preferences": (RATING, {"reference": "human", "group": None}),
    "mitigation_effects": (PAIRWISE, {"reference": "human"}),
    "length_preference": (PAIRWISE, {"reference": "human"}),
    "style_preference": (PAIRWISE, {"reference": "human"}),
    "length_regression": (PAIRWISE, {"reference": "human"}),
    "style_regression": (PAIRWISE, {"reference": "human"}),
    "self_preference": (PAIRWISE, {"reference": "human"}),
    "leniency": (BINARY, {"reference": "human"}),
    "rating_offset": (RATING, {"reference": "human"}),
    "disagreements": (PAIRWISE, {"reference": "human"}),
}


def call(name: str, df: pd.DataFrame, **kwargs):
    fn = bias.disagreements if name == "disagreements" else bias.PROBES[name].function
    base = dict(CALLS[name][1])
    if name not in ("disagreements", "length_regression", "style_regression"):
        base |= BOOT
    return fn(df, **(base | kwargs))


def test_every_probe_is_covered():
    assert set(bias.PROBES) | {"disagreements"} == set(CALLS)


# ------------------------------------------------------------------- (2) schema errors


@pytest.mark.parametrize("name", sorted(CALLS))
def test_probe_missing_column_names_it(name):
    df = CALLS[name][0].drop(columns="rater")
    with pytest.raises(SchemaError, match=r"df: missing column\(s\) \['rater'\]"):
        call(name, df)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_probe_unknown_protocol_names_row_and_value(name):
    df = CALLS[name][0].astype({"protocol": "object"})
    df.loc[1, "protocol"] = "ranking"
    with pytest.raises(SchemaError, match=r"row 1: field 'protocol': 'ranking' is not one of"):
        call(name, df)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_probe_na_key_field_names_row(name):
    df = CALLS[name][0].copy()
    df.loc[2, "item_id"] = pd.NA
    with pytest.raises(SchemaError, match=r"row 2: field 'item_id': missing \(NA\)"):
        call(name, df)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_probe_conflicting_duplicate_key_names_both_rows(name):
    df = CALLS[name][0]
    repeat = df.iloc[[0]].copy()
    column = "score" if name in ("rating_offset", "implied_preferences") else "label"
    old = df[column].iloc[0]
    if column == "score":
        repeat["score"] = old + 1  # human item 0: 1 then 2
        what = r"conflicting scores 1\.0 and 2\.0"
    else:
        new = "B" if old == "A" else ("incorrect" if old == "correct" else "A")
        repeat["label"] = new
        what = f"conflicting labels '{old}' and '{new}'"
    bad = pd.concat([df, repeat], ignore_index=True)
    with pytest.raises(SchemaError, match=rf"rows 0 and {len(df)}: duplicate key .*{what}"):
        call(name, bad)


def test_identical_duplicate_key_is_an_error_too():
    df = pd.concat([BINARY, BINARY.iloc[[3]]], ignore_index=True)
    with pytest.raises(
        SchemaError, match=r"rows 3 and 10: .*item_id='3', rater='human'.*identical"
    ):
        bias.leniency(df, reference="human", **BOOT)


def test_pairwise_label_on_a_binary_row():
    df = BINARY.astype({"label": "object"})
    df.loc[4, "label"] = "A"
    with pytest.raises(SchemaError, match=r"row 4: field 'label': 'A' is not a binary label"):
        bias.leniency(df, reference="human", **BOOT)
    with pytest.raises(SchemaError, match=r"row 4: field 'label': 'A' is not a binary label"):
        check_table(df)


def test_label_outside_the_vocabulary_and_order_on_a_binary_row():
    df = PAIRWISE.astype({"label": "object"})
    df.loc[0, "label"] = "first"
    with pytest.raises(SchemaError, match=r"row 0: field 'label': 'first' is not one of"):
        bias.position_preference(df)
    b = BINARY.astype({"order": "object"})
    b.loc[3, "order"] = "AB"
    with pytest.raises(SchemaError, match=r"row 3: field 'order': 'AB' on a binary row"):
        check_table(b)


def test_check_table_reports_index_label_and_unhandled_protocol():
    df = RATING.set_index(pd.Index([f"r{i}" for i in range(len(RATING))]))
    scores = df["score"].astype("object")
    scores.iloc[5] = np.inf
    with pytest.raises(SchemaError, match=r"row 5 \(index 'r5'\): field 'score': inf"):
        check_table(df.assign(score=scores))
    with pytest.raises(SchemaError, match=r"row 0: field 'protocol': 'rating' is not handled"):
        check_table(RATING, protocols=("pairwise", "binary"))
    assert check_table(RATING, protocols=("rating",)) is RATING


# ----------------------------------------------------------------- (3) never silently empty


def test_length_probes_without_texts_note_or_raise():
    df = PAIRWISE.drop(columns=["response_a", "response_b"])
    for name in ("length_preference", "style_preference", "length_regression", "style_regression"):
        out, caught = probe_warnings(call, name, df, judge=None)
        assert len(caught) == 1, name  # exactly one warning per call
        row = out.iloc[0]
        assert len(out) == 1 and row["judge"] == "gpt-4/v" and np.isnan(row["estimate"])
        assert row["note"].startswith("no response texts") and name in row["note"]
        with pytest.raises(ValueError, match=rf"{name}: judge 'gpt-4/v': no response texts"):
            call(name, df, judge="gpt-4/v")


def test_position_without_orders_notes_or_raises():
    df = toy(pairwise={"human": "AB", "j": "AA", "k": "BB"}, orders=False)
    df.loc[df["rater"] == "k", "order"] = "AB"  # k has orders, j none
    out, caught = probe_warnings(bias.position_preference, df, **BOOT)
    assert len(caught) == 1
    j = out[out["judge"] == "j"].iloc[0]
    assert np.isnan(j["estimate"]) and "no presentation order" in j["note"]
    k = effect(out, "P(prefer first-presented | decisive)", "k")
    assert k["estimate"] == 0.0  # k says B twice in order AB: the second-presented response
    with pytest.raises(ValueError, match=r"position_preference: judge 'j': no presentation order"):
        bias.position_preference(df, judge="j")


def test_self_preference_without_models_or_family():
    df = PAIRWISE.drop(columns=["model_a", "model_b"])
    out, caught = probe_warnings(bias.self_preference, df, reference="human", **BOOT)
    assert len(caught) == 1 and out["note"].iloc[0].startswith("no model columns: model_a, model_b")
    assert out["family"].iloc[0] == "openai"  # the judge's family is known (gpt-4)
    with pytest.raises(ValueError, match=r"self_preference: judge 'gpt-4/v': no model columns"):
        bias.self_preference(df, judge="gpt-4/v", reference="human")
    nobody = toy(pairwise={"human": "AB", "zz-9": "AB"}, models=("gpt-4", "llama-2"))
    out, caught = probe_warnings(bias.self_preference, nobody, reference="human", **BOOT)
    assert len(caught) == 1 and "family is unknown" in out["note"].iloc[0]


def test_probe_of_another_protocol_notes_or_raises():
    out, caught = probe_warnings(bias.leniency, PAIRWISE, reference="human", **BOOT)
    assert len(caught) == 1 and len(out) == 1
    assert out["note"].iloc[0] == "leniency handles binary judgments; this judge has pairwise rows"
    with pytest.raises(ValueError, match=r"leniency: judge 'gpt-4/v': leniency handles binary"):
        bias.leniency(PAIRWISE, judge="gpt-4/v", reference="human")
    # a hand-made pairwise table without a score column: the same note, not a missing column
    out, caught = probe_warnings(bias.rating_offset, PAIRWISE.drop(columns="score"), **BOOT)
    assert len(caught) == 1
    assert out["note"].tolist() == [
        "rating_offset handles rating judgments; this judge has pairwise rows"
    ]


def test_no_overlap_with_the_reference():
    # the judge labels items 0-2, the people items 3-5: nothing in common
    df = toy(binary={"human": "...cIc", "human:2": "...ccc", "j": "cIc..."})
    out, caught = probe_warnings(bias.leniency, df, ranking=False, **BOOT)  # default "human"
    assert len(caught) == 1 and np.isnan(out["estimate"]).all()
    assert "no answer that both the judge and the reference labelled" in out["note"].iloc[0]
    with pytest.raises(ValueError, match=r"leniency: reference 'human:2': no answer that both"):
        bias.leniency(df, reference="human:2", ranking=False)
    with pytest.raises(ValueError, match=r"disagreements: judge 'j': no item with both"):
        bias.disagreements(df, judge="j", reference="human")
    _, caught = probe_warnings(bias.disagreements, df)
    assert len(caught) == 1


def test_rating_offset_below_three_items_is_a_noted_row():
    df = toy(rating={"human": [1, 2, None], "j": [2, 4, 3]})
    out, caught = probe_warnings(bias.rating_offset, df, reference="human", **BOOT)
    assert len(caught) == 1 and len(out) == 1
    row = out.iloc[0]
    assert row["estimate"] == 1.5  # ((2 - 1) + (4 - 2)) / 2 on the two items both scored
    assert np.isnan(row["ci_low"]) and "2 item(s) scored by both" in row["note"]


def test_tiny_sample_keeps_estimate_drops_interval(toy_pairwise):
    out, caught = probe_warnings(bias.position_preference, toy_pairwise, **BOOT)
    assert len(caught) == 1
    row = effect(out, "P(prefer first-presented | decisive)")
    # decisive games 5 per order; first-presented picks A at items 0, 5 (AB), B at 1, 2 (BA)
    assert row["estimate"] == pytest.approx(4 / 10) and row["n_items"] == 5
    assert np.isnan(row[["ci_low", "ci_high", "statistic", "p_value"]].astype(float)).all()
    assert row["note"] == f"5 items: fewer than {bias.MIN_ITEMS}, no interval or test"


def test_enough_items_give_an_interval_and_an_empty_note():
    # 12 items judged A in order AB and B in order BA: the first-presented response every time
    df = toy(pairwise={"j": ("A" * 12, "B" * 12)})
    out, caught = probe_warnings(bias.position_preference, df, **BOOT)
    disagree = effect(out, "P(prefer first-presented | orders disagree)")
    assert disagree["estimate"] == 1.0 and disagree["note"] == ""
    assert disagree["p_value"] == pytest.approx(2 * 0.5**12)  # exact sign test, 12 of 12
    assert disagree["ci_low"] < 1.0  # Wilson: not the degenerate [1, 1]
    # every bootstrap resample gives 1.0: no interval rather than [1, 1]
    overall = effect(out, "P(prefer first-presented | decisive)")
    assert overall["estimate"] == 1.0 and np.isnan(overall["ci_low"])
    assert overall["note"] == "no interval: the resamples show no variation"
    assert len(caught) == 1


def test_one_warning_per_call_across_by_groups():
    df = toy(pairwise={"j": ("ABAB", "ABAB")}, subsets=["x", "x", "y", "y"])
    out, caught = probe_warnings(bias.position_preference, df, by="subset", **BOOT)
    assert set(out["subset"]) == {"x", "y"} and (out["note"] != "").all()
    assert len(caught) == 1


def test_regression_without_a_fit_says_why():
    texts = (["a b", "a", "a b c", "a"], "a")
    ties = toy(pairwise={"human": "ABAB", "j": "tttt"}, texts=texts)  # no decisive verdict
    out, caught = probe_warnings(bias.length_regression, ties)
    assert len(out) == 1 and np.isnan(out["estimate"].iloc[0]) and len(caught) == 1
    assert out["note"].iloc[0] == "no decisive verdict with a reference label and every covariate"
    assert list(out.columns) == bias.REGRESSION_COLUMNS
    # the judge copies the human: perfect separation; statsmodels' warnings become notes
    copy = toy(pairwise={"human": "ABAB" * 3, "j": "ABAB" * 3}, texts=(texts[0] * 3, "a"))
    with warnings.catch_warnings(record=True) as every:
        warnings.simplefilter("always")
        out = bias.length_regression(copy)
    assert [w.category for w in every] == [bias.ProbeWarning]
    assert out["note"].str.contains("statsmodels: ").all()


def test_self_preference_binary_only_own_family_is_noted():
    df = toy(binary={"human": "ccI", "gpt-4/v": "ccc"}, models="gpt-4-0613")
    out, caught = probe_warnings(bias.self_preference, df, **BOOT)  # reference "humans"
    assert len(caught) == 1 and len(out) == 1
    why = "every answer both labelled is of the judge's family: nothing to compare it with"
    assert out["note"].iloc[0] == why
    with pytest.raises(ValueError, match=rf"self_preference: reference 'human': {why}"):
        bias.self_preference(df, reference="human", **BOOT)


# ------------------------------------------------------------------ (4) tie-break verdicts

# 15 items rated separately, as LLMBar's Rating strategies do: items 0-4 score A higher, 5-9
# score B higher, 10-13 tie (the upstream rule gives the second-presented response: B in
# order AB, A in order BA), item 14 has an empty score (the first-presented response wins).
SCORES = [(8, 6)] * 5 + [(5, 9)] * 5 + [(7, 7)] * 4 + [("", 6)]
AB = "AAAAA" + "BBBBB" + "BBBB" + "A"
BA = "AAAAA" + "BBBBB" + "AAAA" + "B"


def rated(with_raw: bool = True) -> pd.DataFrame:
    df = toy(pairwise={"gold": "AAAAABBBBBABABA", "GPT-4/Rating": (AB, BA)})
    if with_raw:
        judge = (df["rater"] == "GPT-4/Rating").to_numpy()
        raw = [json.dumps({"score_1": str(a), "score_2": str(b)}) for a, b in SCORES]
        item = df["item_id"].astype(int).to_numpy()
        df.loc[judge, "raw"] = np.asarray(raw, dtype=object)[item[judge]]
    return df


def test_tie_break_verdicts_look_like_a_position_effect_without_their_scores():
    out, _ = probe_warnings(bias.position_preference, rated(with_raw=False), **BOOT)
    # orders disagree on items 10-14: second-presented twice on 10-13, first twice on 14
    disagree = effect(out, "P(prefer first-presented | orders disagree)")
    assert disagree["estimate"] == pytest.approx(1 / 5)
    assert effect(out, "swap consistency")["estimate"] == pytest.approx(10 / 15)


def test_position_probe_leaves_out_tie_break_verdicts():
    out, caught = probe_warnings(bias.position_preference, rated(), **BOOT)
    assert len(caught) == 1
    share = effect(out, "items with a tie-break verdict (left out)")
    assert share["estimate"] == pytest.approx(5 / 15) and share["n_items"] == 15
    assert (
        "5 of 15 items left out" in share["note"]
        and "4 equal scores, 1 unparsable" in share["note"]
    )
    cons = effect(out, "swap consistency")
    assert (cons["estimate"], cons["n_items"]) == (1.0, 10)  # items 0-9 only
    decisive = effect(out, "P(prefer first-presented | decisive)")
    assert decisive["estimate"] == 0.5  # each consistent item: one first, one second pick
    disagree = effect(out, "P(prefer first-presented | orders disagree)")
    assert np.isnan(disagree["estimate"]) and disagree["n_items"] == 0
    assert "not two presentations" in disagree["note"]


def test_verdict_basis_from_raw_and_from_the_column():
    df = rated()
    basis = verdicts.verdict_basis(df[df["rater"] == "GPT-4/Rating"])
    assert basis.value_counts().to_dict() == {"scores": 20, "score_tie": 8, "unparsed_score": 2}
    assert verdicts.verdict_basis(df[df["rater"] == "gold"]).eq("choice").all()
    marked = rated(with_raw=False)
    item = marked["item_id"].astype(int)
    judge = marked["rater"] == "GPT-4/Rating"
    marked["verdict_basis"] = np.where(judge & (item >= 10), "score_tie", None)
    out, _ = probe_warnings(bias.position_preference, marked, **BOOT)
    assert effect(out, "items with a tie-break verdict (left out)")["estimate"] == pytest.approx(
        1 / 3
    )
    marked.loc[0, "verdict_basis"] = "coin"
    with pytest.raises(SchemaError, match=r"row 0: field 'verdict_basis': 'coin'"):
        verdicts.verdict_basis(marked)


def test_disagreements_do_not_flag_tie_breaks_as_position_effects():
    t = bias.disagreements(rated(), reference="gold").set_index("item_id")
    # gold A on item 10, judge AB=B, BA=A (tie): disagrees in one order, but no position flag
    assert pd.isna(t.loc["10", "picked_first_presented"]) and pd.isna(
        t.loc["10", "swap_inconsistent"]
    )
    plain = bias.disagreements(rated(with_raw=False), reference="gold").set_index("item_id")
    assert plain.loc["10", "swap_inconsistent"] == True  # noqa: E712 - boolean NA-aware column


# --------------------------------------------------------------------- slicing and factors


def test_slicing_entry_points_name_the_missing_column():
    with pytest.raises(SchemaError, match=r"by: missing column\(s\) \['task'\]"):
        slicing.slice_probe(PAIRWISE, "position_preference", by="task")
    with pytest.raises(ValueError, match=r"by: column 'subset' has 1 distinct value"):
        slicing.slice_agreement(PAIRWISE.assign(subset="all"), by="subset", reference="human")
    with pytest.raises(SchemaError, match=r"df: missing column\(s\) \['item_id'\]"):
        slicing.add_bins(PAIRWISE.drop(columns="item_id"))


def test_factors_check_their_tables():
    df = PAIRWISE.copy()
    df.loc[3, "dataset"] = pd.NA
    with pytest.raises(SchemaError, match=r"row 3: field 'dataset': missing \(NA\)"):
        factors.item_factors(df)
    bad = pd.DataFrame({"label": ["A", "B"], "order": ["AB", "CD"]})
    with pytest.raises(SchemaError, match=r"row 1: field 'order': 'CD' is not one of"):
        factors.picked_first(bad)
    with pytest.raises(SchemaError, match=r"missing column\(s\) \['words_diff'\]"):
        factors.length_diff_bins(pd.DataFrame({"x": [1]}))
