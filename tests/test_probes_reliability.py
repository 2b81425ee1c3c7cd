"""Reliability probes (issue #13): repeated samples, calibration, consistency, mitigations.

Planted effects are recovered on synthetic judges whose true value is derived in each test's
comment (the interval covers it; a clean judge shows no effect); ECE and Brier are checked
on inputs small enough to compute by hand; a table with ``sample`` and ``probability``
round-trips through ``schema.validate``, the parquet cache and ``agreement()``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import agreement, probes, schema, verdicts
from workbench.errors import SchemaError
from workbench.loaders import parsed_cache
from workbench.testing import toy

BOOT = {"n_resamples": 400, "rng": 0}


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def row(out: pd.DataFrame, effect: str, **where) -> pd.Series:
    sel = out["effect"] == effect
    for k, v in where.items():
        sel &= out[k] == v
    assert sel.sum() == 1, (effect, where, out[["judge", "effect"]])
    return out[sel].iloc[0]


def covers(r: pd.Series, truth: float) -> bool:
    return bool(r["ci_low"] <= truth <= r["ci_high"])


def table(records: list[dict], protocol: str = "pairwise") -> pd.DataFrame:
    base = {"dataset": "syn", "protocol": protocol, "criterion": "overall"}
    df = pd.DataFrame([{**base, **r} for r in records])
    df["rater_kind"] = np.where(df["rater"].str.startswith("human"), "human", "llm")
    df.loc[df["rater"] == "gold", "rater_kind"] = "gold"
    return df


# ------------------------------------------------------------------------------ schema


def sampled_table() -> pd.DataFrame:
    """3 items; judge j with 3 samples each (majority A, A, B), a human reference."""
    human = [{"item_id": str(i), "rater": "human", "label": lab} for i, lab in enumerate("AAB")]
    runs = {0: "AAB", 1: "ABA", 2: "BAB"}  # item 0: A A B; item 1: A B A; item 2: B A B
    judge = [
        {"item_id": str(i), "rater": "j", "label": lab, "sample": k, "probability": 0.5 + 0.1 * k}
        for k, labs in runs.items()
        for i, lab in enumerate(labs)
    ]
    return table(human + judge)


def test_schema_sample_and_probability_round_trip(tmp_path):
    df = schema.validate(schema.conform(sampled_table()))
    assert list(df.columns[-2:]) == ["sample", "probability"]
    assert str(df["sample"].dtype) == "Int64" and str(df["probability"].dtype) == "Float64"
    assert df["sample"].fillna(-1).tolist()[:3] == [0, 0, 0]  # humans: one run, sample 0
    target = tmp_path / "syn-0.parquet"
    parsed_cache.write(target, df)
    back = schema.validate(schema.conform(parsed_cache.read(target)))
    pd.testing.assert_frame_equal(back, df)


def test_schema_without_optional_columns_is_unchanged():
    df = toy(pairwise={"human": "AB", "j": "AA"})
    assert list(schema.conform(df).columns) == list(schema.COLUMNS)
    assert schema.key_columns(df) == schema.KEY
    assert schema.resolve_samples(df) is df
    with pytest.raises(SchemaError, match=r"duplicate key"):
        schema.validate(pd.concat([df, df.iloc[[0]]], ignore_index=True))


def test_schema_second_sample_is_not_a_duplicate_but_a_repeat_is():
    df = schema.conform(sampled_table())
    assert schema.validate(df) is df
    twice = pd.concat([df, df.iloc[[6]]], ignore_index=True)  # sample 1 of item 0, again
    with pytest.raises(SchemaError, match=r"rows \[6, 12\]: duplicate key .*'sample'"):
        schema.validate(twice)
    with pytest.raises(SchemaError, match=r"rows \[6, 12\]: duplicate key"):
        schema.resolve_samples(twice)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("probability", 1.5, r"row 4: field 'probability': 1.5 is not a probability in \[0, 1\]"),
        ("probability", "high", r"row 4: field 'probability': 'high' is not a number"),
        ("sample", -1, r"row 4: field 'sample': -1 is not an integer >= 0"),
        ("sample", 0.5, r"row 4: field 'sample': 0.5 is not an integer >= 0"),
    ],
)
def test_schema_bad_optional_value_names_row_and_field(column, value, message):
    df = sampled_table().astype({column: "object"})
    df.loc[4, column] = value
    with pytest.raises(SchemaError, match=message):
        schema.conform(df)


def test_resolve_samples_majority_by_hand():
    out = schema.resolve_samples(schema.conform(sampled_table()))
    j = out[out["rater"] == "j"]
    assert j["label"].astype(str).tolist() == ["A", "A", "B"]  # AAB, ABA, BAB -> A, A, B
    # probability: mean over the samples that gave the majority label
    # item 0: samples 0, 1 (0.5, 0.6) -> 0.55; item 1: 0, 2 -> 0.6; item 2: 0, 2 -> 0.6
    assert np.allclose(j["probability"].to_numpy(dtype=float), [0.55, 0.6, 0.6])
    assert "sample" not in out.columns and len(out) == 6
    binary = table(
        [
            {"item_id": "0", "rater": "j", "label": lab, "sample": k}
            for k, lab in enumerate(["correct", "incorrect"])
        ],
        protocol="binary",
    )
    assert schema.resolve_samples(binary)["label"].isna().all()  # 1 vs 1: undecided -> NA
    scores = table(
        [
            {"item_id": "0", "rater": "j", "score": s, "sample": k}
            for k, s in enumerate([1.0, 2.0, 6.0])
        ],
        protocol="rating",
    )
    assert schema.resolve_samples(scores)["score"].tolist() == [3.0]


def test_agreement_reads_the_majority_of_samples():
    df = schema.conform(sampled_table())
    got = agreement(schema.resolve_samples(df), statistics=["percent_agreement"], n_resamples=50)
    assert got["estimate"].tolist() == [1.0]  # majorities A, A, B = human A, A, B
    with pytest.raises(SchemaError, match="duplicate key"):  # one run of several: refused
        agreement(df.drop(columns="sample"), statistics=["percent_agreement"], n_resamples=50)


def test_agreement_resolves_samples_itself():
    df = schema.conform(sampled_table())
    got = agreement(df, statistics=["percent_agreement"], n_resamples=50)
    assert got["estimate"].tolist() == [1.0]


# ------------------------------------------------------------------- self-consistency


def noisy_runs(n: int, f: float, n_samples: int, seed: int) -> pd.DataFrame:
    """Binary items; the human gives the latent truth; each judge sample flips it w.p. f."""
    rng = np.random.default_rng(seed)
    truth = rng.random(n) < 0.5
    recs = [
        {"item_id": str(i), "rater": "human", "label": "correct" if t else "incorrect"}
        for i, t in enumerate(truth)
    ]
    for k in range(n_samples):
        flip = rng.random(n) < f
        recs += [
            {
                "item_id": str(i),
                "rater": "j",
                "label": "correct" if (t != fl) else "incorrect",
                "sample": k,
            }
            for i, (t, fl) in enumerate(zip(truth, flip, strict=True))
        ]
    return table(recs, protocol="binary")


def test_self_consistency_recovers_planted_sample_noise():
    f = 0.15
    out = quiet(probes.self_consistency, noisy_runs(600, f, 3, seed=1), reference="human", **BOOT)
    # two samples differ with probability 2 f (1 - f) = 0.255
    assert covers(row(out, "flip rate between samples"), 2 * f * (1 - f))
    # alpha = 1 - D_o / D_e with D_o = 2 f (1 - f), D_e = 1/2 (balanced labels): 0.49
    assert covers(row(out, "Krippendorff's alpha across samples (nominal)"), 1 - 4 * f * (1 - f))
    # one sample right w.p. 1 - f; the majority of 3: (1 - f)^3 + 3 f (1 - f)^2 = 0.93925
    assert covers(row(out, "agreement with reference (one sample)"), 1 - f)
    assert covers(
        row(out, "agreement with reference (majority of samples)"),
        (1 - f) ** 3 + 3 * f * (1 - f) ** 2,
    )


def test_self_consistency_clean_judge_never_flips():
    out = quiet(probes.self_consistency, noisy_runs(200, 0.0, 2, seed=2), reference="human", **BOOT)
    assert row(out, "flip rate between samples")["estimate"] == 0.0
    assert row(out, "Krippendorff's alpha across samples (nominal)")["estimate"] == 1.0
    assert row(out, "agreement with reference (majority of samples)")["estimate"] == 1.0


# ------------------------------------------------------------------------- calibration


def test_ece_and_brier_by_hand():
    conf, correct = [0.9, 0.8, 0.6, 0.3], [1, 0, 1, 0]
    # bins [0, .5): {.3: wrong} -> |0 - .3|; [.5, 1]: {.9, .8, .6}: |2 - 2.3|; / 4
    assert probes.expected_calibration_error(conf, correct, n_bins=2) == pytest.approx(0.15)
    # (.01 + .64 + .16 + .09) / 4
    assert probes.brier_score(conf, correct) == pytest.approx(0.225)
    # 10 bins: every verdict alone in its bin: (.1 + .8 + .4 + .3) / 4
    assert probes.expected_calibration_error(conf, correct) == pytest.approx(0.4)
    with pytest.raises(ValueError, match=r"confidence: expected probabilities in \[0, 1\]"):
        probes.brier_score([1.2], [1])


def confident_judge(n: int, shift: float, seed: int) -> pd.DataFrame:
    """Binary items; the judge is right w.p. u ~ U(.5, 1) and states min(u + shift, 1)."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.5, 1.0, n)
    right = rng.random(n) < u
    recs = [{"item_id": str(i), "rater": "human", "label": "correct"} for i in range(n)]
    recs += [
        {
            "item_id": str(i),
            "rater": "j",
            "label": "correct" if r else "incorrect",
            "probability": min(p + shift, 1.0),
        }
        for i, (r, p) in enumerate(zip(right, u, strict=True))
    ]
    return table(recs, protocol="binary")


def test_calibration_recovers_planted_overconfidence():
    out = quiet(probes.calibration, confident_judge(2000, 0.15, seed=4), reference="human", **BOOT)
    # E[min(u + .15, 1)] - E[u] = 2 [(.85^2 - .5^2) / 2 + .15 * .35 + .15 * .15] - .75 = 0.1275
    over = row(out, "overconfidence (mean confidence - accuracy)")
    assert covers(over, 0.1275) and over["p_value"] < 1e-6
    assert row(out, "expected calibration error")["ci_low"] > 0.08


def test_calibration_clean_judge_and_brier_decomposition():
    out = quiet(probes.calibration, confident_judge(2000, 0.0, seed=5), reference="human", **BOOT)
    assert covers(row(out, "overconfidence (mean confidence - accuracy)"), 0.0)
    assert row(out, "expected calibration error")["estimate"] < 0.05
    est = out.set_index("effect")["estimate"]
    # Murphy: Brier ~= reliability - resolution + uncertainty (binned; within-bin spread small)
    parts = (
        est["Brier reliability (binned)"]
        - est["Brier resolution (binned)"]
        + est["Brier uncertainty"]
    )
    assert parts == pytest.approx(est["Brier score"], abs=0.01)
    # a calibrated judge's Brier is E[u (1 - u)] = E[u] - E[u^2] = 3/4 - 7/12 = 1/6
    assert covers(row(out, "Brier score"), 1 / 6)


def test_reliability_table_and_coverage_curve_by_hand():
    t = toy(binary={"human": "cccI", "j": "ccII"})
    t["probability"] = [None] * 4 + [0.9, 0.8, 0.6, 0.3]  # j: right, right, wrong, right
    rel = probes.reliability_table(t, reference="human", n_bins=2)
    assert rel["mean_confidence"].round(4).tolist() == [0.3, 0.7667]  # (.9 + .8 + .6) / 3
    assert rel["accuracy"].round(4).tolist() == [1.0, 0.6667]
    cov = probes.coverage_curve(t, reference="human", coverages=[0.25, 0.75, 1.0])
    assert cov["n_obs"].tolist() == [1, 3, 4] and cov["threshold"].tolist() == [0.9, 0.6, 0.3]
    assert cov["accuracy"].round(4).tolist() == [1.0, 0.6667, 0.75]


# ------------------------------------------------------------------------- consistency


def tournaments(n_prompts: int, n_models: int, e: float, seed: int) -> pd.DataFrame:
    """Every pair of models per prompt judged once; the judge flips the true order w.p. e."""
    rng = np.random.default_rng(seed)
    recs = []
    for p in range(n_prompts):
        for a in range(n_models):
            for b in range(a + 1, n_models):
                flip = rng.random() < e  # model a is truly better
                item = f"{p}/{a}-{b}"
                common = {
                    "item_id": item,
                    "prompt": f"prompt {p}",
                    "model_a": f"m{a}",
                    "model_b": f"m{b}",
                }
                recs.append({**common, "rater": "j", "label": "B" if flip else "A"})
                recs.append({**common, "rater": "clean", "label": "A"})
                recs.append({**common, "rater": "human", "label": "A"})
    return table(recs)


def test_circular_triads_recovers_planted_intransitivity():
    out = quiet(probes.circular_triads, tournaments(40, 6, 0.2, seed=6), **BOOT)
    # a triad is circular iff exactly the (best, worst) edge flips, or exactly the other two:
    # e (1 - e)^2 + e^2 (1 - e) = e (1 - e) = 0.16
    j = out[out["judge"] == "j"].iloc[0]
    assert covers(j, 0.16) and j["n_items"] == 40 and j["n_obs"] == 40 * 20
    assert out[out["judge"] == "clean"]["estimate"].tolist() == [0.0]
    assert out[out["judge"] == "humans"]["estimate"].tolist() == [0.0]


def test_triad_counts_by_hand():
    cycle = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)
    assert probes.triad_counts(cycle) == (1.0, 1.0)
    assert probes.triad_counts(np.triu(np.ones((4, 4)), 1)) == (0.0, 4.0)  # a total order


def test_implied_preferences_by_hand():
    t = toy(rating={"human": [1, 2, 3, 3], "j": [1, 3, 2, 2], "same": [2, 4, 6, 6]})
    out = quiet(
        probes.implied_preferences, t, judge=["j", "same"], reference="human", group=None, **BOOT
    )
    # pairs 01 02 03 12 13 23: human - - - - - =, j - - - + + =: 4 of 6 agree
    assert row(out, "implied preference agreement", judge="j")["estimate"] == pytest.approx(4 / 6)
    assert row(out, "agreement where both prefer", judge="j")["estimate"] == pytest.approx(3 / 5)
    assert row(out, "judge tie rate", judge="j")["estimate"] == pytest.approx(1 / 6)
    assert row(out, "implied preference agreement", judge="same")["estimate"] == 1.0


# ------------------------------------------------------------------------- mitigations


def position_biased(n: int, q: float, b: float, seed: int) -> pd.DataFrame:
    """Gold R; the judge's own verdict is R w.p. q; each game answers first-shown w.p. b."""
    rng = np.random.default_rng(seed)
    truth = np.where(rng.random(n) < 0.5, "A", "B")
    own = np.where(rng.random(n) < q, truth, np.where(truth == "A", "B", "A"))
    recs = [{"item_id": str(i), "rater": "gold", "label": t} for i, t in enumerate(truth)]
    for order, first in (("AB", "A"), ("BA", "B")):
        biased = rng.random(n) < b
        recs += [
            {"item_id": str(i), "rater": "j", "order": order, "label": first if bi else v}
            for i, (v, bi) in enumerate(zip(own, biased, strict=True))
        ]
    return table(recs)


def test_mitigation_removes_planted_position_bias():
    q, b = 0.8, 0.4
    out = quiet(
        probes.mitigation_effects, position_biased(1500, q, b, seed=7), reference="gold", **BOOT
    )
    for m in ("bpc", "swap_and_tie"):
        # before: b / 2 + (1 - b) q = 0.68; after: q (1 - b) = 0.48; decisive after: q = 0.8
        assert covers(row(out, "agreement before (every game)", mitigation=m), b / 2 + (1 - b) * q)
        assert covers(row(out, "agreement after", mitigation=m), q * (1 - b))
        assert covers(row(out, "agreement on decisive verdicts after", mitigation=m), q)
        change = row(out, "change on decisive verdicts (after - before)", mitigation=m)
        assert covers(change, q - (b / 2 + (1 - b) * q)) and change["p_value"] < 1e-3


def test_mitigation_clean_judge_changes_nothing():
    out = quiet(
        probes.mitigation_effects, position_biased(300, 0.8, 0.0, seed=8), reference="gold", **BOOT
    )
    change = out[out["effect"] == "change in agreement (after - before)"]["estimate"]
    assert change.tolist() == [0.0, 0.0]


def test_mitigation_after_matches_resolve_orders():
    # oracle: agreement of workbench.verdicts.resolve_orders' fastchat / vote_sum verdicts
    df = position_biased(200, 0.7, 0.3, seed=9)
    df.loc[df.index[-5:], "label"] = "tie"  # ties make vote_sum and fastchat differ
    out = quiet(probes.mitigation_effects, df, reference="gold", **BOOT)
    gold = df[df["rater"] == "gold"].set_index("item_id")["label"]
    for m, rule in (("swap_and_tie", "fastchat"), ("bpc", "vote_sum")):
        res = verdicts.resolve_orders(schema.conform(df[df["rater"] == "j"]), rule=rule)
        expect = (
            res.set_index("item_id")["label"].astype(str) == gold.reindex(res["item_id"]).to_numpy()
        ).mean()
        assert row(out, "agreement after", mitigation=m)["estimate"] == pytest.approx(expect)


def test_new_probes_are_registered():
    for name, protocols in {
        "self_consistency": ("pairwise", "binary", "rating"),
        "calibration": ("pairwise", "binary"),
        "circular_triads": ("pairwise",),
        "implied_preferences": ("rating",),
        "mitigation_effects": ("pairwise",),
    }.items():
        assert probes.PROBES[name].protocols == protocols


def length_biased(n: int, slope: float, seed: int) -> pd.DataFrame:
    """8 models of known strength; the judge adds ``slope * tanh(d / sd)`` for length; people do not."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(-1.5, 1.5, 8)
    a, b = rng.integers(0, 8, n), rng.integers(0, 8, n)
    keep = a != b
    a, b = a[keep], b[keep]
    la, lb = rng.integers(50, 1500, len(a)), rng.integers(50, 1500, len(a))
    d = la - lb
    recs = []
    for rater, g in (("human", 0.0), ("j", slope)):
        z = theta[a] - theta[b] + g * np.tanh(d / d.std())
        wins = rng.random(len(a)) < 1 / (1 + np.exp(-z))
        recs += [
            {
                "item_id": str(i),
                "rater": rater,
                "label": "A" if w else "B",
                "model_a": f"m{x}",
                "model_b": f"m{y}",
                "response_a": "x" * p,
                "response_b": "x" * q,
            }
            for i, (w, x, y, p, q) in enumerate(zip(wins, a, b, la, lb, strict=True))
        ]
    return table(recs)


def test_length_controlled_leaderboard_recovers_planted_length_slope():
    board, corr = probes.length_controlled_leaderboard(
        length_biased(4000, 2.0, seed=10), n_resamples=20
    )
    slope = board.groupby("rater")["length_slope"].first()
    # the judge's planted slope 2 is recovered; the people have none (the pooled lengths' sd
    # differs a little from the simulation's, hence the tolerance)
    assert slope["j"] == pytest.approx(2.0, abs=0.3) and abs(slope["humans"]) < 0.2
    lc = board[board["rater"] == "j"].sort_values("model")["rank_lc"].tolist()
    assert lc == [8, 7, 6, 5, 4, 3, 2, 1]  # m0 is the weakest
    diff = corr[corr["leaderboard"] == "length-controlled - plain"].iloc[0]
    assert diff["estimate"] >= 0


def test_deferral_curve_recovers_the_value_of_informative_confidence():
    from workbench.probes import synthetic

    t = synthetic.stated_confidence(n_items=3000, overconfidence=0.0, seed=11)
    t = t[t["rater"] != "overconfident"]
    second = t[t["rater"] == "human"].assign(rater="human:2")  # a second person, always right
    shuffled = t[t["rater"] == "calibrated"].assign(rater="shuffled")
    shuffled["probability"] = np.random.default_rng(12).permutation(
        shuffled["probability"].to_numpy()
    )
    t = pd.concat([t, second, shuffled], ignore_index=True)
    kw = {"reference": "human", "replacement": "human:2", "fractions": [0.0, 0.5], **BOOT}
    good = probes.deferral_curve(t, judge="calibrated", **kw).set_index("fraction")
    blind = probes.deferral_curve(t, judge="shuffled", **kw).set_index("fraction")
    # accuracy E[u] = 3/4; deferring the least sure half keeps u ~ U(.75, 1): .5 * .875 + .5 = .9375
    assert covers(good.loc[0.5].rename({"agreement": "estimate"}), 0.9375)
    # confidence without information: a random half goes to the person: .75 + .5 * .25 = .875
    assert covers(blind.loc[0.5].rename({"agreement": "estimate"}), 0.875)
    assert covers(good.loc[0.0], 0.75) and good.loc[0.0, "n_obs"] == 3000
