"""Tests of workbench.alt_test (issue #12 item 1): the Alternative Annotator Test.

Sources of truth: an independent plain-Python implementation of the procedure as the paper
and its reference implementation define it (``nitaytech/AltTest``, ``alt_test_example.ipynb``
at commit 13eada270fed73be2dfba64392a14b905df65e27: loops over annotators and instances,
``scipy.stats.ttest_1samp(..., alternative="less")``, Benjamini–Yekutieli via statsmodels),
small cases computed by hand, and the staged datasets.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from workbench import schema
from workbench.errors import SchemaError
from workbench.replace import AltTestWarning, alt_test
from workbench.testing import toy

# ----------------------------------------------------------------- independent oracle


def oracle(df, judge, *, epsilon, q, scoring, min_items):
    """The procedure with dicts and loops, from the paper's definitions."""
    value = "score" if scoring == "neg_rmse" else "label"
    humans, llm = {}, {}
    for row in df.itertuples(index=False):
        v = getattr(row, value)
        if pd.isna(v):
            continue
        key = (row.item_id, row.criterion)
        if row.rater == judge:
            llm[key] = v
        elif row.rater_kind == "human" and row.rater.startswith("human:"):
            if row.rater != "human:majority":
                humans.setdefault(row.rater, {})[key] = v

    def score(pred, anns):
        if scoring == "accuracy":
            return sum(pred == a for a in anns) / len(anns)
        return -math.sqrt(sum((pred - a) ** 2 for a in anns) / len(anns))

    per = {}
    for h in sorted(humans):
        w_f, w_h = [], []
        for key, mine in humans[h].items():
            others = [humans[o][key] for o in humans if o != h and key in humans[o]]
            if not others or key not in llm:
                continue
            s_f, s_h = score(llm[key], others), score(mine, others)
            w_f.append(1.0 if s_f >= s_h else 0.0)
            w_h.append(1.0 if s_h >= s_f else 0.0)
        if len(w_f) < min_items:
            continue
        d = [a - b for a, b in zip(w_h, w_f, strict=True)]
        p = stats.ttest_1samp(d, epsilon, alternative="less").pvalue
        per[h] = {"rho_judge": sum(w_f) / len(w_f), "p": p, "n": len(w_f)}
    if not per:
        return None, None, per
    reject = multipletests([per[h]["p"] for h in per], alpha=q, method="fdr_by")[0]
    for h, r in zip(per, reject, strict=True):
        per[h]["won"] = bool(r)
    omega = sum(reject) / len(per)
    rho = sum(per[h]["rho_judge"] for h in per) / len(per)
    return omega, rho, per


def synthetic(protocol, seed, n_items=120, n_humans=6):
    """Annotators that skip items at random (one annotates few), two judges with NA verdicts."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n_items)
    raters = {}
    for k in range(n_humans):
        noise = rng.random(n_items) < 0.15 + 0.08 * k
        x = np.where(noise, rng.integers(0, 3, n_items), truth)
        seen = rng.random(n_items) < (0.2 if k == n_humans - 1 else 0.75)
        raters[f"human:{k}"] = [v if s else None for v, s in zip(x, seen, strict=True)]
    for name, noise_p in (("good", 0.1), ("poor", 0.5)):
        noise = rng.random(n_items) < noise_p
        x = np.where(noise, rng.integers(0, 3, n_items), truth)
        raters[name] = [np.nan if rng.random() < 0.05 else v for v in x]
    if protocol == "rating":
        rated = {r: [None if v is None else float(v) + 1 for v in xs] for r, xs in raters.items()}
        rated["good"] = [v + 0.5 * (i % 2) for i, v in enumerate(rated["good"])]
        return toy(rating=rated)
    letters = np.array(["A", "B", "tie"])
    labels = {
        r: [None if v is None else (np.nan if pd.isna(v) else letters[int(v)]) for v in xs]
        for r, xs in raters.items()
    }
    return toy(
        pairwise={
            r: ["." if v is None else ("?" if v is np.nan else v) for v in xs]
            for r, xs in labels.items()
        }
    )


@pytest.mark.parametrize("protocol", ["pairwise", "rating"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("epsilon", [0.1, 0.2])
def test_alt_test_equals_independent_implementation(protocol, seed, epsilon):
    df = synthetic(protocol, seed)
    scoring = "neg_rmse" if protocol == "rating" else "accuracy"
    out = alt_test(df, epsilon=epsilon, q=0.05).set_index("judge")
    detail = alt_test(df, epsilon=epsilon, detail=True)
    assert sorted(out.index) == ["good", "poor"]
    for judge in out.index:
        omega, rho, per = oracle(df, judge, epsilon=epsilon, q=0.05, scoring=scoring, min_items=30)
        assert out.at[judge, "winning_rate"] == pytest.approx(omega, abs=1e-9)
        assert out.at[judge, "advantage_probability"] == pytest.approx(rho, abs=1e-9)
        assert out.at[judge, "n_annotators"] == len(per) == 5  # human:5 has ~24 items < 30
        mine = detail[(detail["judge"] == judge) & detail["p_value"].notna()]
        mine = mine.set_index("annotator")
        assert sorted(mine.index) == sorted(per)
        for h, want in per.items():
            assert mine.at[h, "p_value"] == pytest.approx(want["p"], abs=1e-9)
            assert mine.at[h, "rho_judge"] == pytest.approx(want["rho_judge"], abs=1e-9)
            assert mine.at[h, "n_items"] == want["n"]
            assert bool(mine.at[h, "won"]) is want["won"]


def test_alt_test_synthetic_cases_discriminate():
    """The oracle comparison is not vacuous: judges differ, some annotators are won, some not."""
    df = synthetic("pairwise", 0)
    out = alt_test(df, epsilon=0.2).set_index("judge")
    assert out.at["good", "advantage_probability"] > out.at["poor", "advantage_probability"]
    assert 0 < out.at["good", "winning_rate"] and out.at["poor", "winning_rate"] < 1
    left = alt_test(df, epsilon=0.2, detail=True).query("annotator == 'human:5'")
    assert left["note"].str.startswith("left out:").all() and left["won"].isna().all()


# ----------------------------------------------------------------- hand-computed case

# item:     0    1    2    3    4 (judge unparsed)
HAND = {
    "human:1": ["A", "B", "A", "tie", "A"],
    "human:2": ["A", "B", "B", "A", "A"],
    "human:3": ["B", "B", ".", "A", "A"],
    "j": ["A", "A", "B", "A", "?"],
}


def test_alt_test_hand_computed():
    # human:1, items 0-3: S_j vs S_h = (1/2,1/2) (0,1) (1,0) (1,0) -> W_j 1,0,1,1; W_h 1,1,0,0
    #   d = [0, 1, -1, -1]: mean -1/4, sd sqrt(11/12), t = (-1/4 - eps) / (sd / 2)
    # human:2: (1/2,1/2) (0,1) (0,0) (1/2,1/2) -> W_j 1,0,1,1; W_h 1,1,1,1; d = [0,1,0,0]
    #   mean 1/4, sd 1/2, t = (1/4 - eps) / (1/4)
    # human:3, items 0,1,3: (1,0) (0,1) (1/2,1/2) -> W_j 1,0,1; W_h 0,1,1; d = [-1, 1, 0]
    #   mean 0, sd 1, t = -eps / (1/sqrt(3))
    eps, q = 0.9, 0.2
    t1 = (-0.25 - eps) / (math.sqrt(11 / 12) / 2)
    t2 = (0.25 - eps) / 0.25
    t3 = -eps / (1 / math.sqrt(3))
    p = {
        "human:1": stats.t.cdf(t1, 3),
        "human:2": stats.t.cdf(t2, 3),
        "human:3": stats.t.cdf(t3, 2),
    }
    # p = 0.0478, 0.0402, 0.1297; BY thresholds q / (1 + 1/2 + 1/3) * k / 3 = .0364, .0727, .1091:
    # step-up: rank 2 (0.0478 <= .0727) is the largest passing rank -> human:2, human:1 won
    detail = alt_test(toy(pairwise=HAND), epsilon=eps, q=q, min_items=2, detail=True)
    detail = detail.set_index("annotator")
    assert detail["n_items"].to_dict() == {"human:1": 4, "human:2": 4, "human:3": 3}
    assert detail["rho_judge"].tolist() == pytest.approx([3 / 4, 3 / 4, 2 / 3], abs=1e-12)
    assert detail["rho_annotator"].tolist() == pytest.approx([1 / 2, 1, 2 / 3], abs=1e-12)
    for h, want in p.items():
        assert detail.at[h, "p_value"] == pytest.approx(want, abs=1e-12)
    assert detail["won"].tolist() == [True, True, False]
    out = alt_test(toy(pairwise=HAND), epsilon=eps, q=q, min_items=2)
    assert out.loc[0, "winning_rate"] == pytest.approx(2 / 3, abs=1e-12)
    assert out.loc[0, "advantage_probability"] == pytest.approx((3 / 4 + 3 / 4 + 2 / 3) / 3)
    assert bool(out.loc[0, "passed"]) and out.loc[0, "n_items"] == 4  # item 4: judge NA
    # at the default epsilon 0.2 and q 0.05 nobody is won (p = 0.21, 0.58, 0.38)
    assert alt_test(toy(pairwise=HAND), min_items=2).loc[0, "winning_rate"] == 0.0


def test_alt_test_rating_hand_computed():
    # items 0-1, neg RMSE; human:1 against human:2 only (and vice versa, two annotators):
    # item 0: h1 1, h2 3, j 2: S_j = -1 vs S_h1 = -2 -> W_j 1, W_h 0 (same for h2)
    # item 1: h1 4, h2 4, j 5: S_j = -1 vs S_h = 0 -> W_j 0, W_h 1
    # item 2: h1 2, h2 2, j 2: tie -> both 1
    df = toy(rating={"human:1": [1, 4, 2], "human:2": [3, 4, 2], "j": [2, 5, 2]})
    detail = alt_test(df, min_items=2, detail=True)
    assert detail["rho_judge"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert detail["rho_annotator"].tolist() == pytest.approx([2 / 3, 2 / 3])
    want = stats.ttest_1samp([-1, 1, 0], 0.2, alternative="less").pvalue
    assert detail["p_value"].tolist() == pytest.approx([want, want], abs=1e-12)
    # accuracy on ratings compares exact scores: item 2 only is a judge match
    acc = alt_test(df, min_items=2, scoring="accuracy", detail=True)
    assert acc["rho_judge"].tolist() == pytest.approx([2 / 3, 2 / 3])  # items 0 (0 = 0) and 2


# ----------------------------------------------------------------- edge cases


def test_alt_test_too_few_annotators_is_nan_with_note():
    same = "AB" * 20
    # human:2 saw 10 items, so each of the two annotators has 10 usable items < 30
    df = toy(pairwise={"human:1": same, "human:2": same[:10] + "." * 30, "j": same})
    with pytest.warns(AltTestWarning, match="could not be tested"):
        out = alt_test(df)
    assert out["judge"].tolist() == ["j"]
    assert np.isnan(out.loc[0, "winning_rate"]) and np.isnan(out.loc[0, "advantage_probability"])
    assert out["passed"].isna().all() and out.loc[0, "n_annotators"] == 0
    assert (
        "min_annotators=2" in out.loc[0, "note"]
        and "2 of 2 annotators left out" in out.loc[0, "note"]
    )
    assert alt_test(df, min_items=10).loc[0, "winning_rate"] == 1.0
    # three full annotators, min_annotators=4: tested against 3 < 4
    three = toy(pairwise={"human:1": same, "human:2": same, "human:3": same, "j": same})
    with pytest.warns(AltTestWarning):
        out = alt_test(three, min_annotators=4)
    assert out.loc[0, "n_annotators"] == 3 and np.isnan(out.loc[0, "winning_rate"])
    assert out.loc[0, "note"] == "3 annotators with >= 30 usable items < min_annotators=4"


def test_alt_test_judge_na_verdicts_leave_items_out():
    df = synthetic("pairwise", 3)
    na = (df["rater"] == "good") & df["label"].isna()
    assert na.sum() > 0
    with_na = alt_test(df, judge="good", detail=True)
    without = alt_test(df[~na], judge="good", detail=True)
    pd.testing.assert_frame_equal(with_na, without)
    full = alt_test(df.assign(label=df["label"].fillna("A")), judge="good", detail=True)
    assert (full["n_items"] >= with_na["n_items"]).all() and (
        full["n_items"] > with_na["n_items"]
    ).any()


def test_alt_test_majority_is_never_an_annotator():
    df = toy(pairwise={**HAND, "human:majority": ["A", "B", "A", "A", "A"], "human": "ABAAA"})
    detail = alt_test(df, min_items=2, detail=True)
    assert detail["annotator"].tolist() == ["human:1", "human:2", "human:3"]
    pd.testing.assert_frame_equal(detail, alt_test(toy(pairwise=HAND), min_items=2, detail=True))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epsilon": 1.5}, "epsilon: expected a number"),
        ({"epsilon": 1.0}, "epsilon: expected a number"),
        ({"q": 0}, "q: expected a number"),
        ({"min_items": 1}, "min_items: expected an integer"),
        ({"min_annotators": 0.5}, "min_annotators: expected an integer"),
        ({"scoring": "rmse"}, "scoring: expected one of"),
        ({"scoring": "neg_rmse"}, "scoring: 'neg_rmse' needs ratings"),
        ({"judge": "nobody"}, "judge: expected judges of the table, got \\['nobody'\\]"),
        ({"judge": "human:1"}, "judge: expected judges"),
    ],
)
def test_alt_test_bad_options_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        alt_test(toy(pairwise=HAND), **kwargs)


def test_alt_test_bad_tables():
    with pytest.raises(SchemaError, match="missing column"):
        alt_test(toy(pairwise=HAND).drop(columns="rater_kind"))
    with pytest.raises(SchemaError, match="no individual annotators"):
        alt_test(toy(pairwise={"human": "AB", "j": "AB"}))
    with pytest.raises(SchemaError, match="resolve_orders"):
        alt_test(toy(pairwise={"human:1": "AB", "human:2": "AB", "j": ("AB", "AB")}))
    two = pd.concat([toy(pairwise=HAND), toy(pairwise=HAND, dataset="other")])
    with pytest.raises(SchemaError, match="expected one dataset"):
        alt_test(schema.conform(two))


# ----------------------------------------------------------------- staged datasets


def test_alt_test_pandalm(loaded):
    df = loaded("pandalm")
    out = alt_test(df).set_index("judge")
    assert out["n_annotators"].tolist() == [3, 3]
    # 25 unparsed GPT-3.5 verdicts leave 974 of 999 items
    assert out["n_items"].to_dict() == {"gpt-3.5-turbo": 974, "pandalm-7b": 999}
    for judge in out.index:
        omega, rho, _ = oracle(df, judge, epsilon=0.2, q=0.05, scoring="accuracy", min_items=30)
        assert out.at[judge, "winning_rate"] == pytest.approx(omega, abs=1e-9) == 0.0
        assert out.at[judge, "advantage_probability"] == pytest.approx(rho, abs=1e-9)
    assert out.at["gpt-3.5-turbo", "advantage_probability"] == pytest.approx(0.758, abs=1e-3)


def test_alt_test_llmfao_crowd(loaded):
    df = loaded("llmfao")
    detail = alt_test(df, epsilon=0.1, detail=True)
    tested = detail[detail["p_value"].notna()]
    # 124 workers, 49 with >= 30 usable pairs; the gold rater is not an annotator
    assert detail["annotator"].nunique() == 124 and tested["annotator"].nunique() == 49
    out = alt_test(df, epsilon=0.1).set_index("judge")
    for judge in out.index:
        omega, rho, per = oracle(df, judge, epsilon=0.1, q=0.05, scoring="accuracy", min_items=30)
        assert len(per) == out.at[judge, "n_annotators"] == 49
        assert out.at[judge, "winning_rate"] == pytest.approx(omega, abs=1e-9)
        assert out.at[judge, "advantage_probability"] == pytest.approx(rho, abs=1e-9)
    assert not out["passed"].any()  # GPT-4 wins against 3 of 49 workers


def test_alt_test_hanna_ratings(loaded):
    df = loaded("hanna")
    df = df[df["criterion"] == "coherence"]
    out = alt_test(df, epsilon=0.15).set_index("judge")
    assert len(out) == 20 and (out["n_annotators"] == 3).all()
    judge = "ChatGPT/prompt1"
    omega, rho, _ = oracle(df, judge, epsilon=0.15, q=0.05, scoring="neg_rmse", min_items=30)
    assert out.at[judge, "winning_rate"] == pytest.approx(omega, abs=1e-9)
    assert out.at[judge, "advantage_probability"] == pytest.approx(rho, abs=1e-9)
