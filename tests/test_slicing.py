"""Tests for workbench.slicing: per-slice probes with Holm / BH correction checked against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from workbench import slicing
from workbench.stats.testing import adjust_pvalues
from workbench.testing import toy


def sliced_position_table(seed: int = 0) -> pd.DataFrame:
    """Four subsets of 150 items judged in both orders; only subset 'biased' prefers the first-shown."""
    rng = np.random.default_rng(seed)
    subsets, items, human, games = [], [], [], {"AB": [], "BA": []}
    for s, p_first in (("biased", 0.85), ("fair1", 0.5), ("fair2", 0.5), ("fair3", 0.5)):
        for i in range(150):
            subsets.append(s)
            items.append(f"{s}-{i}")
            human.append(rng.choice(["A", "B"]))
            for order, first, second in (("AB", "A", "B"), ("BA", "B", "A")):
                games[order].append(first if rng.random() < p_first else second)
    verdicts = {"human": human, "j": (games["AB"], games["BA"])}
    return toy(pairwise=verdicts, item_ids=items, subsets=subsets, dataset="sim")


def test_adjust_matches_statsmodels_within_families():
    t = pd.DataFrame(
        {
            "judge": ["a", "a", "a", "b", "b"],
            "effect": ["e"] * 5,
            "p_value": [0.01, 0.02, np.nan, 0.04, 0.001],
        }
    )
    for method in ("holm", "fdr_bh"):
        out = slicing.adjust(t, correction=method)
        a = multipletests([0.01, 0.02], method=method)[1]
        b = multipletests([0.04, 0.001], method=method)[1]
        assert out["p_adjusted"].tolist()[:2] == pytest.approx(a.tolist())
        assert np.isnan(out["p_adjusted"].iloc[2])  # no test, no adjustment
        assert out["p_adjusted"].tolist()[3:] == pytest.approx(b.tolist())
        assert set(out["correction"]) == {method}


def test_adjust_is_adjust_pvalues_per_family_and_bonferroni_matches_statsmodels():
    p = [0.01, 0.02, np.nan, 0.04, 0.001, 0.3]
    t = pd.DataFrame({"judge": ["a", "a", "a", "b", "b", "b"], "p_value": p})
    for method in ("holm", "fdr_bh"):
        out = slicing.adjust(t, correction=method)["p_adjusted"].to_numpy()
        np.testing.assert_array_equal(out[:3], adjust_pvalues(p[:3], method=method))
        np.testing.assert_array_equal(out[3:], adjust_pvalues(p[3:], method=method))
    out = slicing.adjust(t, correction="bonferroni")["p_adjusted"]
    # Bonferroni: min(1, m p) with m = 2 finite p-values in family a, 3 in family b
    assert out.tolist()[:2] == pytest.approx([0.02, 0.04]) and np.isnan(out.iloc[2])
    assert out.tolist()[3:] == pytest.approx([0.12, 0.003, 0.9])
    assert out.tolist()[3:] == pytest.approx(multipletests(p[3:], method="bonferroni")[1].tolist())


def test_adjust_bad_input():
    with pytest.raises(ValueError, match="correction"):
        slicing.adjust(pd.DataFrame({"p_value": [0.1]}), correction="sidak-ish")
    with pytest.raises(ValueError, match="p_value"):
        slicing.adjust(pd.DataFrame({"x": [0.1]}))


def test_slice_probe_flags_only_the_biased_slice_after_holm():
    t = slicing.slice_probe(
        sliced_position_table(), "position_preference", by="subset", n_resamples=200, rng=0
    )
    rows = t[t["effect"] == "P(prefer first-presented | orders disagree)"].set_index("subset")
    assert list(rows.index) == ["biased", "fair1", "fair2", "fair3"]
    # Holm over the 4 slices, checked against statsmodels
    assert rows["p_adjusted"].tolist() == pytest.approx(
        multipletests(rows["p_value"], method="holm")[1].tolist()
    )
    assert (rows["p_adjusted"] >= rows["p_value"]).all()
    assert rows.loc["biased", "p_adjusted"] < 0.001
    assert (rows.drop(index="biased")["p_adjusted"] > 0.05).all()
    assert {"p_value", "p_adjusted", "correction"} <= set(t.columns)


def test_slice_probe_unknown_probe():
    with pytest.raises(ValueError, match="probe"):
        slicing.slice_probe(sliced_position_table(), "verbosity")


def test_add_bins_on_length_difference():
    df = pd.DataFrame(
        {
            "dataset": ["t"] * 3,
            "item_id": ["1", "2", "3"],
            "response_a": [" ".join(["w"] * 60), "a", "a b"],
            "response_b": ["w", " ".join(["w"] * 12), "c d"],
        }
    )
    out = slicing.add_bins(df)
    assert out["words_diff_bin"].tolist() == ["[50, 150)", "[10, 50)", "[0, 10)"]  # |59|, |-11|, 0
    signed = slicing.add_bins(df, edges=[-np.inf, -1, 1, np.inf], absolute=False, name="sign")
    assert signed["sign"].tolist() == ["[1, inf)", "[-inf, -1)", "[-1, 1)"]


def test_slice_agreement_tests_each_slice_against_the_rest():
    rng = np.random.default_rng(1)
    subsets, items, verdicts = [], [], {"human": [], "j": []}
    for s, p_agree in (("easy", 0.9), ("hard", 0.5), ("mid", 0.7)):
        for i in range(200):
            human = rng.choice(["A", "B"])
            judge = human if rng.random() < p_agree else ("B" if human == "A" else "A")
            subsets.append(s)
            items.append(f"{s}{i}")
            verdicts["human"].append(human)
            verdicts["j"].append(judge)
    df = toy(pairwise=verdicts, item_ids=items, subsets=subsets, dataset="sim")
    t = slicing.slice_agreement(
        df, by="subset", reference="human", n_resamples=300, rng=0
    ).set_index("subset")
    # percent agreement per slice and on the other two slices (plain pandas)
    w = df.assign(label=df["label"].astype(object)).pivot(
        index="item_id", columns="rater", values="label"
    )
    agree = (w["human"] == w["j"]).groupby(w.index.str.rstrip("0123456789")).agg(["sum", "count"])
    for s in ("easy", "hard", "mid"):
        rest = agree.drop(index=s).sum()
        assert t.loc[s, "estimate"] == pytest.approx(agree.loc[s, "sum"] / agree.loc[s, "count"])
        assert t.loc[s, "estimate_rest"] == pytest.approx(rest["sum"] / rest["count"])
    assert t.loc["easy", "p_adjusted"] < 0.001 and t.loc["hard", "p_adjusted"] < 0.001
    assert (t["correction"] == "holm").all()
