"""Judge vs ceiling on the same footing (reference="others", ceiling_items), item clusters, by= columns.

Every expected value is worked out by hand in the comment beside it, or comes from an oracle
(scikit-learn's cohen_kappa_score on the explicit pairs) or an invariance (a twin item clustered
with its original is the original item counted twice: ratio statistics and the multinomial over
distinct patterns are unchanged).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from workbench import slicing
from workbench.loaders.mt_bench_demo import load_demo
from workbench.tables import OTHERS, agreement, compare_judges, leaderboard


def _rows(raters, ids=None, **columns):
    """raters: name -> list of labels per item (None = no vote); kind from the name."""
    out = []
    for rater, values in raters.items():
        kind = "human" if rater.startswith("human") else "llm"
        for i, v in enumerate(values):
            if v is None:
                continue
            out.append(
                dict(
                    dataset="toy",
                    item_id=ids[i] if ids else str(i),
                    protocol="pairwise",
                    criterion="overall",
                    rater=rater,
                    rater_kind=kind,
                    label=v,
                    **{k: c[i] for k, c in columns.items()},
                )
            )
    return pd.DataFrame(out)


# Three annotators, a judge, five items. Leave-one-annotator-out references (others' majority):
#   item 0: h1 A, h2 A, h3 A -> every annotator faces A
#   item 1: h1 A, h2 B       -> h1 faces B, h2 faces A (human:majority is a 1-1 tie: NA)
#   item 2: h1 B, h2 B, h3 A -> h1, h2 face a 1-1 tie (NA, left out); h3 faces B
#   item 3: h1 B, h2 B       -> both face B
#   item 4: h1 A, h2 B, h3 B -> h1 faces B; h2, h3 face a tie; the judge has no verdict
VOTES = {
    "human:1": ["A", "A", "B", "B", "A"],
    "human:2": ["A", "B", "B", "B", "B"],
    "human:3": ["A", None, "A", None, "B"],
    "j": ["A", "A", "B", "B", None],
}
PA = ["percent_agreement"]


def _est(t, kind):
    return t[t["kind"] == kind]["estimate"].item()


def test_agreement_reference_others_hand_example():
    df = _rows(VOTES)
    # Ceiling pairs on the judged items 0-3 (value, others' majority):
    #   h1: (A,A) (A,B) (B,B) -> 2/3;  h2: (A,A) (B,A) (B,B) -> 2/3;  h3: (A,A) (A,B) -> 1/2
    #   mean (2/3 + 2/3 + 1/2) / 3 = 11/18; pooled 5 of 8.
    # Judge (A, A, B, B) against the same references:
    #   h1: items 0 A-A, 1 A-B, 3 B-B -> 2/3;  h2: 0 A-A, 1 A-A, 3 B-B -> 1;  h3: 0 A-A, 2 B-B -> 1
    #   mean (2/3 + 1 + 1) / 3 = 8/9; pooled 7 of 8.
    mean = agreement(df, reference="others", statistics=PA, n_resamples=100)
    pooled = agreement(df, reference="others", statistics=PA, n_resamples=100, aggregate="pooled")
    assert _est(mean, "judge") == pytest.approx(8 / 9)
    assert _est(mean, "ceiling") == pytest.approx(11 / 18)
    assert _est(pooled, "judge") == pytest.approx(7 / 8)
    assert _est(pooled, "ceiling") == pytest.approx(5 / 8)
    assert set(mean["reference"]) == {OTHERS}  # judge and ceiling rows share the reference
    assert mean["n_items"].tolist() == [4, 4]
    # ceiling="pooled" sets the aggregation of both, as aggregate="pooled" does
    via_ceiling = agreement(
        df, reference="others", statistics=PA, n_resamples=100, ceiling="pooled"
    )
    assert via_ceiling["estimate"].tolist() == pytest.approx([7 / 8, 5 / 8])
    # Against human:majority (items 0, 2, 3: A, B, B; item 1 tied) the judge scores 3/3 on the
    # three easy items, while the ceiling (same default items 0-3) stays 11/18.
    legacy = agreement(df, reference="human", statistics=PA, n_resamples=100)
    assert _est(legacy, "judge") == pytest.approx(1.0)
    assert legacy[legacy["kind"] == "judge"]["n_items"].item() == 3
    assert _est(legacy, "ceiling") == pytest.approx(11 / 18)


def test_agreement_reference_others_kappa_matches_sklearn_on_explicit_pairs():
    df = _rows(VOTES)
    # (judge, others' majority) and (annotator, others' majority) pairs on items 0-3, per annotator
    judge = {"1": (["A", "A", "B"], ["A", "B", "B"]), "2": (["A", "A", "B"], ["A", "A", "B"])}
    judge["3"] = (["A", "B"], ["A", "B"])
    ceil = {"1": (["A", "A", "B"], ["A", "B", "B"]), "2": (["A", "B", "B"], ["A", "A", "B"])}
    ceil["3"] = (["A", "A"], ["A", "B"])
    kw = dict(reference="others", statistics=["cohen_kappa"], n_resamples=100)
    for aggregate in ("pooled", "mean"):
        t = agreement(df, aggregate=aggregate, **kw)
        for kind, pairs in (("judge", judge), ("ceiling", ceil)):
            if aggregate == "pooled":
                x = sum((p[0] for p in pairs.values()), [])
                y = sum((p[1] for p in pairs.values()), [])
                expected = cohen_kappa_score(x, y)
            else:  # per annotator, then the unweighted mean (h3's ceiling: p_o = p_e = 1/2 -> 0)
                vals = [cohen_kappa_score(a, b) for a, b in pairs.values()]
                expected = float(np.nanmean(vals))
            assert _est(t, kind) == pytest.approx(expected, abs=1e-12), (aggregate, kind)


def test_agreement_ceiling_items_rules():
    df = _rows(VOTES)
    kw = dict(statistics=PA, n_resamples=100)
    # "all": item 4 adds h1's (A, B) disagreement: h1 2/4 -> mean (1/2 + 2/3 + 1/2)/3 = 5/9;
    # pooled 5 of 9.
    t = agreement(df, ceiling_items="all", **kw)
    assert _est(t, "ceiling") == pytest.approx(5 / 9)
    t = agreement(df, ceiling_items="all", ceiling="pooled", **kw)
    assert _est(t, "ceiling") == pytest.approx(5 / 9)
    # "compared" with human:majority: the judge was compared on items 0, 2, 3 only.
    # h1: 0 (A,A), 3 (B,B) -> 1; h2: same -> 1; h3: 0 (A,A), 2 (A,B) -> 1/2; mean 5/6.
    t = agreement(df, ceiling_items="compared", reference="human", **kw)
    assert _est(t, "ceiling") == pytest.approx(5 / 6)
    assert t[t["kind"] == "ceiling"]["n_items"].item() == 3
    # with reference="others" the judge is compared on items 0-3: same as "judged" (11/18)
    t = agreement(df, ceiling_items="compared", reference="others", **kw)
    assert _est(t, "ceiling") == pytest.approx(11 / 18)
    # no judge verdict anywhere: the ceiling falls back to all items
    t = agreement(df[df["rater"] != "j"], **kw)
    assert _est(t, "ceiling") == pytest.approx(5 / 9)


def test_agreement_ceiling_leaves_out_every_vote_of_the_annotator():
    # h1 voted twice on item 0 (both orders, A and A); h2 once (B). Leaving one *vote* out
    # would let h1's second vote outvote... tie 1-1 instead; leaving h1 out entirely, h1 faces
    # h2's B (disagree) for both of its votes, h2 faces A (h1's two votes): 0 of 3 pooled.
    rows = _rows({"human:1": ["A", "B"], "human:2": ["B", "B"], "j": ["A", "B"]})
    extra = rows.iloc[[0]].assign(order="BA")
    rows.loc[0, "order"] = "AB"
    df = pd.concat([rows, extra], ignore_index=True)
    t = agreement(df, statistics=PA, n_resamples=50, ceiling="pooled")
    # item 0: 0 of 3 pairs agree; item 1: h1 (B,B), h2 (B,B) agree -> 2 of 5
    assert _est(t, "ceiling") == pytest.approx(2 / 5)
    # the judge against the others' majority gets one pair per annotator vote, like the ceiling:
    # item 0: A vs B (h1, twice), A vs A (h2); item 1: B-B twice -> 3 of 5
    t = agreement(df, statistics=PA, n_resamples=50, reference="others", aggregate="pooled")
    assert _est(t, "judge") == pytest.approx(3 / 5)


def test_agreement_reference_others_rejects_bad_input():
    df = _rows(VOTES)
    with pytest.raises(ValueError, match="reference: 'others'"):
        agreement(df[~df["rater"].isin(["human:2", "human:3"])], reference="others")
    with pytest.raises(ValueError, match="aggregate"):
        agreement(df, aggregate="pooled", ceiling="mean")
    with pytest.raises(ValueError, match="aggregate"):
        agreement(df, aggregate="median")
    with pytest.raises(ValueError, match="ceiling_items"):
        agreement(df, ceiling_items="some")
    with pytest.raises(ValueError, match="reference"):
        compare_judges(df.assign(), "j", "j", reference="others")


# --------------------------------------------------------------------------------- clusters


def _twins(seed=0, n=15):
    """A table of n items and the same table with every item split into two identical turns."""
    rng = np.random.default_rng(seed)
    lab = ["A", "B", "tie"]
    h1 = rng.choice(lab, n).tolist()
    h2 = [v if rng.random() < 0.7 else rng.choice(lab) for v in h1]
    j = [v if rng.random() < 0.6 else rng.choice(lab) for v in h1]
    k = [v if rng.random() < 0.4 else rng.choice(lab) for v in h1]
    votes = {"human:1": h1, "human:2": h2, "j": j, "k": k}
    one = _rows(votes, ids=[f"q{i}" for i in range(n)])
    ids = [f"q{i}/t{t}" for i in range(n) for t in (1, 2)]
    two = _rows({r: [v for v in vs for _ in (1, 2)] for r, vs in votes.items()}, ids=ids)
    two["conversation"] = two["item_id"].str.split("/").str[0]
    return one, two


def _strip_turn(item_id):
    return item_id.rsplit("/t", 1)[0]


@pytest.mark.parametrize("reference", ["human", "others"])
def test_agreement_cluster_twin_items_equal_the_single_item(reference):
    # A clustered pair of identical twins contributes exactly 2x the single item's sums: same
    # estimate, and (same seed, same distinct patterns with the same counts) the same interval.
    # Unclustered, the 2n twins look like 2n independent items: a narrower interval.
    one, two = _twins()
    stats_ = ["percent_agreement", "cohen_kappa", "gwet_ac1"]
    kw = dict(statistics=stats_, n_resamples=400, reference=reference)
    t1 = agreement(one, **kw)
    t2 = agreement(two, cluster=_strip_turn, **kw)
    t3 = agreement(two, cluster="conversation", **kw)
    t_free = agreement(two, **kw)
    cols = ["estimate", "ci_low", "ci_high", "se"]
    np.testing.assert_allclose(t2[cols].to_numpy(float), t1[cols].to_numpy(float), atol=1e-12)
    np.testing.assert_allclose(t3[cols].to_numpy(float), t1[cols].to_numpy(float), atol=1e-12)
    assert (t2["n_items"] == 2 * t1["n_items"]).all()  # n_items still counts items
    np.testing.assert_allclose(t_free["estimate"], t1["estimate"], atol=1e-12)
    width1 = (t1["ci_high"] - t1["ci_low"]).to_numpy()
    width_free = (t_free["ci_high"] - t_free["ci_low"]).to_numpy()
    wide = width1 > 1e-9  # a judge that matches its reference everywhere has a 0-width interval
    assert wide.sum() >= 6 and (width_free[wide] < width1[wide]).all()


def test_compare_judges_and_leaderboard_cluster_twins():
    one, two = _twins(seed=3, n=20)
    kw = dict(statistics=["percent_agreement", "cohen_kappa"], n_resamples=300)
    c1 = compare_judges(one, "j", "k", **kw)
    c2 = compare_judges(two, "j", "k", cluster=_strip_turn, **kw)
    c_free = compare_judges(two, "j", "k", **kw)
    cols = ["estimate", "ci_low", "ci_high", "p_value"]
    boot = c1["test"] == "paired bootstrap"
    boot2 = c2["test"] == "paired bootstrap"
    np.testing.assert_allclose(c2[boot2][cols].to_numpy(float), c1[boot][cols].to_numpy(float))
    assert not np.allclose(c_free[boot2]["ci_low"], c1[boot]["ci_low"])
    models = dict(model_a="m1", model_b="m2")
    lb1 = leaderboard(one.assign(**models), n_resamples=100)
    lb2 = leaderboard(two.assign(**models), n_resamples=100, cluster="conversation")
    cols = ["score", "ci_low", "ci_high"]
    np.testing.assert_allclose(lb2[cols].to_numpy(float), lb1[cols].to_numpy(float), rtol=1e-6)


def test_agreement_cluster_mt_bench_turns_move_together():
    # Demo MT-Bench: 12 items = 6 conversations x 2 turns ("<qid>/<model_a>/<model_b>/t<turn>").
    df = load_demo()
    kw = dict(statistics=["percent_agreement", "cohen_kappa"], n_resamples=500, ceiling=False)
    free = agreement(df, **kw)
    clustered = agreement(df, cluster=_strip_turn, **kw)
    assert clustered["estimate"].tolist() == free["estimate"].tolist()
    assert clustered["n_items"].tolist() == free["n_items"].tolist()
    assert not np.allclose(clustered["ci_low"], free["ci_low"]) or not np.allclose(
        clustered["ci_high"], free["ci_high"]
    )


def test_agreement_cluster_rejects_bad_input():
    one, two = _twins(n=4)
    with pytest.raises(ValueError, match="cluster: column 'nope'"):
        agreement(two, cluster="nope")
    with pytest.raises(ValueError, match="cluster: expected"):
        agreement(two, cluster=3)
    bad = two.assign(conversation=np.where(two["rater"] == "j", "x", two["conversation"]))
    with pytest.raises(ValueError, match="several cluster values"):
        agreement(bad, cluster="conversation")
    with pytest.raises(ValueError, match="no cluster"):
        agreement(two, cluster=lambda i: None)


# --------------------------------------------------------------------------------- by= columns


def test_agreement_by_any_column_including_factor_bins_and_resolved_orders():
    # A non-schema item column survives order resolution: judge j answers item 0 in both orders
    # (A, A) and item 1 (A, B); fastchat gives A and tie. Bins: item 0 "short", items 1-2 "long".
    # short: item 0 A-A -> 1; long: item 1 tie vs B (0), item 2 B-B (1) -> 1/2.
    rows = []
    for i, o, lab in [
        (0, "AB", "A"),
        (0, "BA", "A"),
        (1, "AB", "A"),
        (1, "BA", "B"),
        (2, "AB", "B"),
    ]:
        rows.append(dict(item_id=str(i), rater="j", rater_kind="llm", order=o, label=lab))
    for i, lab in enumerate(["A", "B", "B"]):
        rows.append(dict(item_id=str(i), rater="human", rater_kind="human", order=None, label=lab))
    df = pd.DataFrame(rows).assign(dataset="toy", protocol="pairwise", criterion="overall")
    df["bin"] = df["item_id"].map({"0": "short", "1": "long", "2": "long"})
    t = agreement(df, by=["bin"], statistics=PA, resolve="fastchat", n_resamples=50)
    assert t.set_index("bin")["estimate"].to_dict() == pytest.approx({"long": 0.5, "short": 1.0})
    # per_order: long = item 1 AB (A vs B: 0), BA (B: 1), item 2 (1) -> 2/3
    t = agreement(df, by=["bin"], statistics=PA, n_resamples=50)
    assert t.set_index("bin")["estimate"]["long"] == pytest.approx(2 / 3)
    # factor bins from workbench.slicing.add_bins: |words(a) - words(b)| = 0 or 20
    df["response_a"] = df["item_id"].map({"0": "x", "1": "x " * 21, "2": "x"})
    df["response_b"] = "x"
    binned = slicing.add_bins(df)
    t = agreement(binned, by=["words_diff_bin"], statistics=PA, resolve="fastchat", n_resamples=50)
    # [0, 10): items 0 (1) and 2 (1); [10, 50): item 1 (tie vs B: 0)
    assert t.set_index("words_diff_bin")["estimate"].to_dict() == pytest.approx(
        {"[0, 10)": 1.0, "[10, 50)": 0.0}
    )
