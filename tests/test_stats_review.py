"""Independent review tests of workbench.stats and workbench.tables (laws, edge cases, hand examples).

Written by a reviewer who did not write the code: each expected value is derived here from the
defining formula (cited), a library oracle, or an algebraic law that holds for every input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as ss

from workbench import stats
from workbench.stats import bootstrap as boot
from workbench.stats import testing
from workbench.tables import agreement, compare_judges
from workbench.testing import toy

LABELS = ["A", "B", "tie"]
SYMMETRIC_TWO_RATER = [
    stats.percent_agreement,
    stats.cohen_kappa,
    stats.scott_pi,
    stats.gwet_ac1,
    stats.brennan_prediger,
]


def _same(a: float, b: float, tol: float = 1e-12) -> bool:
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) <= tol


label_pairs = st.lists(
    st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=2, max_size=40
)


# ---------------------------------------------------------------------------------------
# Laws of the two-rater coefficients (hypothesis)
# ---------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(label_pairs, st.randoms(use_true_random=False))
def test_two_rater_coefficients_symmetric_and_item_order_free(pairs, rnd):
    # Cohen (1960) p_o and p_e = sum_k p_k. p_.k, Scott (1955), Gwet (2008) and Brennan &
    # Prediger (1981) are all symmetric in the two raters and sums over items.
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    perm = list(range(len(a)))
    rnd.shuffle(perm)
    pa, pb = [a[i] for i in perm], [b[i] for i in perm]
    for fn in SYMMETRIC_TWO_RATER:
        v = fn(a, b)
        assert _same(fn(b, a), v), fn.__name__
        assert _same(fn(pa, pb), v), fn.__name__
    for w in ("linear", "quadratic"):  # symmetric weights w_kl = w_lk
        assert _same(stats.cohen_kappa(b, a, weights=w), stats.cohen_kappa(a, b, weights=w))
    m = np.array([a, b], dtype=object).T
    assert _same(stats.krippendorff_alpha(m[:, ::-1]), stats.krippendorff_alpha(m))


@settings(max_examples=60, deadline=None)
@given(label_pairs, st.permutations(["x", "y", "z"]))
def test_nominal_coefficients_invariant_to_relabelling(pairs, names):
    # Nominal coefficients only see which labels coincide: renaming categories (which also
    # reorders them, e.g. "A" -> "z") leaves every value unchanged.
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    rename = dict(zip(LABELS, names, strict=True))
    ra, rb = [rename[v] for v in a], [rename[v] for v in b]
    for fn in [*SYMMETRIC_TWO_RATER, stats.accuracy, stats.macro_f1]:
        assert _same(fn(ra, rb), fn(a, b)), fn.__name__
    m, mr = np.array([a, b], dtype=object).T, np.array([ra, rb], dtype=object).T
    for fn in [stats.fleiss_kappa, stats.krippendorff_alpha]:
        assert _same(fn(mr), fn(m)), fn.__name__
    assert _same(stats.gwet_ac1(mr), stats.gwet_ac1(m))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(LABELS), min_size=2, max_size=40))
def test_identical_raters_with_two_categories_agree_perfectly(a):
    # p_o = 1; with >= 2 categories used, p_e < 1, so every chance-corrected coefficient is
    # (1 - p_e) / (1 - p_e) = 1. With one category p_e = 1: kappa/pi undefined (NaN).
    used = len(set(a))
    for fn in [stats.cohen_kappa, stats.scott_pi, stats.brennan_prediger]:
        value = fn(a, a)
        assert (value == pytest.approx(1.0)) if used >= 2 else np.isnan(value), fn.__name__
    assert stats.gwet_ac1(a, a) == pytest.approx(1.0)  # Gwet: p_e = 0 with one category
    m = np.array([a, a], dtype=object).T
    alpha = stats.krippendorff_alpha(m)
    assert (alpha == pytest.approx(1.0)) if used >= 2 else np.isnan(alpha)
    assert stats.percent_agreement(a, a) == 1.0


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_percent_agreement_in_unit_interval_and_drop_equals_filtering(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    with_ties = stats.percent_agreement(a, b)
    assert 0.0 <= with_ties <= 1.0
    # ties="drop" (MT-Bench S2, FastChat ban=["tie"]) = plain agreement on the items where
    # neither side says tie; NaN when no such item is left.
    kept = [(x, y) for x, y in pairs if x != "tie" and y != "tie"]
    dropped = stats.percent_agreement(a, b, ties="drop")
    if kept:
        assert dropped == pytest.approx(np.mean([x == y for x, y in kept]), abs=1e-12)
        assert 0.0 <= dropped <= 1.0
    else:
        assert np.isnan(dropped)


@settings(max_examples=80, deadline=None)
@given(label_pairs)
def test_krippendorff_alpha_nominal_equals_scott_pi_small_sample_corrected(pairs):
    # Two raters, n items, no missing data: N = 2n pairable values. Each disagreeing item adds
    # o_ck = o_kc = 1/(m_u - 1) = 1, so sum_{c != k} o_ck = 2 n (1 - p_o); the pooled shares
    # are Scott's pi_k = n_c / N, so sum_{c != k} n_c n_k = N**2 (1 - p_e). Krippendorff (2011):
    #   alpha = 1 - (N - 1) * 2n (1 - p_o) / (N**2 (1 - p_e)) = 1 - (N - 1)/N * (1 - pi),
    # i.e. alpha = pi + (1 - pi) / (2n).
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    n_values = 2 * len(a)
    pi = stats.scott_pi(a, b)
    alpha = stats.krippendorff_alpha(np.array([a, b], dtype=object).T)
    if np.isnan(pi):
        assert np.isnan(alpha)
    else:
        assert alpha == pytest.approx(1 - (n_values - 1) / n_values * (1 - pi), abs=1e-12)


def test_krippendorff_alpha_scott_pi_relation_by_hand():
    # a = (A, A, B, B), b = (A, B, B, B): p_o = 3/4; pooled shares (3/8, 5/8):
    # p_e = 34/64, pi = (3/4 - 17/32)/(15/32) = 7/15. N = 8: alpha = 1 - 7/8 * 8/15 = 8/15.
    a, b = ["A", "A", "B", "B"], ["A", "B", "B", "B"]
    assert stats.scott_pi(a, b) == pytest.approx(7 / 15, abs=1e-12)
    assert stats.krippendorff_alpha(np.array([a, b], dtype=object).T) == pytest.approx(8 / 15)


# ---------------------------------------------------------------------------------------
# ICC laws (Shrout & Fleiss 1979)
# ---------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(3, 12),
    st.integers(2, 5),
    st.integers(0, 10_000),
)
def test_icc_spearman_brown_and_consistency_laws(n, k, seed):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, 1)) + rng.normal(scale=0.7, size=(n, k))
    icc = {f: stats.icc(m, form=f) for f in ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")}

    # Shrout & Fleiss (1979) eq. for the k-rater forms = Spearman-Brown step-up of the single
    # forms: ICC(1,k) = k ICC(1,1) / (1 + (k - 1) ICC(1,1)), same for ICC(3,.).
    def brown(r):
        return k * r / (1 + (k - 1) * r)

    assert icc["ICC1k"] == pytest.approx(brown(icc["ICC1"]), rel=1e-9, abs=1e-12)
    assert icc["ICC3k"] == pytest.approx(brown(icc["ICC3"]), rel=1e-9, abs=1e-12)
    # ICC(3,k) = (MSR - MSE)/MSR is Cronbach's alpha: k/(k-1) (1 - sum var_j / var(row sums)).
    cronbach = k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1))
    assert icc["ICC3k"] == pytest.approx(cronbach, rel=1e-9, abs=1e-12)
    # Consistency (ICC3) ignores a constant offset per rater; absolute agreement (ICC2) drops
    # when the offset is large.
    shifted = m + rng.normal(scale=5.0, size=(1, k))
    assert stats.icc(shifted, form="ICC3") == pytest.approx(icc["ICC3"], abs=1e-9)
    assert stats.icc(shifted, form="ICC3k") == pytest.approx(icc["ICC3k"], abs=1e-9)
    # Rater and item order do not matter.
    perm_r, perm_i = rng.permutation(k), rng.permutation(n)
    for form, value in icc.items():
        assert stats.icc(m[perm_i][:, perm_r], form=form) == pytest.approx(value, abs=1e-9)


# ---------------------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), min_size=8, max_size=60).filter(lambda v: 0 < sum(v) < len(v)))
def test_bootstrap_percentile_ci_contains_estimate_of_a_proportion(agree):
    # A resampled proportion is Binomial(n, p_hat)/n, whose median is p_hat (n p_hat is an
    # integer): at least half the resamples lie on each side (ties included), so the 2.5% and
    # 97.5% quantiles bracket the estimate.
    a = ["A"] * len(agree)
    b = ["A" if x else "B" for x in agree]
    res = boot.bootstrap("percent_agreement", a, b, method="percentile", rng=1, n_resamples=400)
    assert res.estimate == pytest.approx(np.mean(agree))
    assert res.ci_low <= res.estimate <= res.ci_high


def test_bootstrap_percentile_ci_contains_kappa_on_random_tables():
    rng = np.random.default_rng(5)
    for _ in range(20):
        a = rng.choice(LABELS, size=80)
        b = np.where(rng.random(80) < 0.6, a, rng.choice(LABELS, size=80))
        res = boot.bootstrap("cohen_kappa", a, b, method="percentile", rng=rng, n_resamples=500)
        assert res.estimate == pytest.approx(stats.cohen_kappa(a, b), abs=1e-12)
        assert res.ci_low <= res.estimate <= res.ci_high


def test_bootstrap_categories_fixed_from_full_data():
    # Gwet's AC1 depends on q (number of categories). A resample missing "tie" must still use
    # q = 3: on the full data q = 3, so each bootstrap value must equal AC1 computed with
    # categories=("A", "B", "tie") on the resampled table. Check it on the one resample we
    # can construct exactly: the jackknife-free extreme where every "tie" item is left out.
    entry = stats.SUFFICIENT["gwet_ac1"]
    a = ["A", "A", "B", "B", "tie", "A"]
    b = ["A", "B", "B", "B", "tie", "A"]
    opts = entry.resolve(a, b)
    assert opts["categories"] == ("A", "B", "tie")
    c = entry.contributions(a, b, **opts)
    without_tie = c[[0, 1, 2, 3, 5]].sum(axis=0)
    expected = stats.gwet_ac1(a[:4] + a[5:], b[:4] + b[5:], categories=["A", "B", "tie"])
    q2 = stats.gwet_ac1(a[:4] + a[5:], b[:4] + b[5:])  # what an unfixed set would give
    assert float(entry.from_sums(without_tie, **opts)) == pytest.approx(expected, abs=1e-12)
    assert abs(expected - q2) > 1e-3


def _bca_reference(theta, boot_values, jack, weights, level=0.95):
    """BCa bounds by Efron (1987): z0 from the share below theta (ties half), a from the jackknife."""
    b = boot_values[np.isfinite(boot_values)]
    ok = np.isfinite(jack)
    j, w = jack[ok], weights[ok]
    d = np.average(j, weights=w) - j
    a = (w * d**3).sum() / (6 * ((w * d**2).sum()) ** 1.5)
    z0 = ss.norm.ppf(np.mean(b < theta) + 0.5 * np.mean(b == theta))
    z = ss.norm.ppf([(1 - level) / 2, (1 + level) / 2])
    return np.quantile(b, ss.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z))))


def test_bootstrap_bca_acceleration_ignores_undefined_jackknife_values():
    # Statistic: mean of x, undefined (NaN) unless the marker item (the largest x) is present.
    # Leaving out the marker item gives a NaN jackknife value; the acceleration must come from
    # the other, finite, leave-one-out values (not silently become 0 = plain BC interval).
    rng = np.random.default_rng(3)
    x = np.r_[rng.exponential(size=29), 8.0]
    marker = np.r_[np.zeros(29), 1.0]
    c = np.column_stack([x, marker, np.ones(30)])

    def from_sums(s):
        return np.where(s[..., 1] >= 1, s[..., 0] / s[..., 2], np.nan)

    res = boot.bootstrap_sums(c, from_sums, rng=0, n_resamples=3000, method="bca")
    jack = from_sums(c.sum(axis=0) - c)
    assert np.isnan(jack[-1]) and np.isfinite(jack[:-1]).all()
    expected = _bca_reference(res.estimate, res.bootstrap_distribution, jack, np.ones(30))
    assert [res.ci_low, res.ci_high] == pytest.approx(expected.tolist(), abs=1e-12)


def test_bootstrap_bca_degenerate_cases():
    # All resamples equal the estimate: z0 = Phi^-1(1/2) = 0, a = 0 -> the point itself.
    res = boot.bootstrap("percent_agreement", ["A", "B"] * 4, ["A", "B"] * 4, rng=0)
    assert (res.estimate, res.ci_low, res.ci_high) == (1.0, 1.0, 1.0)
    # Estimate undefined (both raters always "A": p_e = 1): NaN interval, no crash.
    res = boot.bootstrap("cohen_kappa", ["A"] * 6, ["A"] * 6, rng=0)
    assert np.isnan(res.estimate) and np.isnan(res.ci_low) and np.isnan(res.ci_high)
    # Rank statistic with a constant side: NaN estimate, NaN interval.
    res = boot.bootstrap("spearman", [1.0] * 5, [1.0, 2, 3, 4, 5], rng=0, n_resamples=50)
    assert np.isnan(res.estimate) and np.isnan(res.ci_low)


def test_analytic_se_follows_missing_and_tie_policy():
    # Complete pairs: (A, A), (tie, A), (B, B), (A, B); ties="drop" leaves (A, A), (B, B), (A, B):
    # p = 2/3, n = 3 -> sqrt(2/9 / 3). ties="agree": p = 2/4, n = 4 -> sqrt(1/16).
    r1 = ["A", "tie", "B", None, "A"]
    r2 = ["A", "A", "B", "B", "B"]
    assert boot.analytic_se("percent_agreement", r1, r2) == pytest.approx(0.25)
    drop = boot.analytic_se("percent_agreement", r1, r2, ties="drop")
    assert drop == pytest.approx(np.sqrt(2 / 9 / 3))
    # Cohen's kappa SE with a missing label: same as on the complete pairs.
    full = boot.analytic_se("cohen_kappa", ["A", "A", "B", "B"], ["A", "B", "B", "B"])
    assert boot.analytic_se(
        "cohen_kappa", ["A", "A", "B", "B", None], ["A", "B", "B", "B", "A"]
    ) == pytest.approx(full)


# ---------------------------------------------------------------------------------------
# McNemar and multiple testing
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("b", "c"), [(6, 0), (5, 2), (10, 13), (0, 0)])
def test_mcnemar_exact_is_two_sided_binomial_on_discordant_items(b, c):
    # McNemar (1947), exact form: under H0 the b + c discordant items split Binomial(b + c, 1/2);
    # p = min(1, 2 P(X <= min(b, c))) = scipy binomtest two-sided (symmetric null).
    ref = ["A"] * (b + c + 3)
    j1 = ["A"] * b + ["B"] * c + ["A"] * 3
    j2 = ["B"] * b + ["A"] * c + ["A"] * 3
    r = testing.mcnemar(j1, j2, ref, exact=True)
    assert (r["b"], r["c"], r["n_discordant"]) == (b, c, b + c)
    expected = 1.0 if b + c == 0 else ss.binomtest(b, b + c, 0.5).pvalue
    assert r["p_value"] == pytest.approx(expected, abs=1e-12)


def test_mcnemar_drops_items_with_a_missing_label():
    # Item 0 has no reference and item 1 no verdict from judge 2: left out, not "both right".
    ref = [None, "A", "A", "A", "A"]
    j1 = [None, "A", "A", "A", "B"]
    j2 = ["A", None, "B", "A", "A"]
    r = testing.mcnemar(j1, j2, ref, exact=True)
    assert (r["b"], r["c"]) == (1, 1)  # item 2 only judge 1 right, item 4 only judge 2


def test_adjust_pvalues_by_hand_with_nan():
    p = [0.01, np.nan, 0.04, 0.03, 0.002]
    # Holm on the 4 finite p: sorted .002, .01, .03, .04 -> 4*.002, 3*.01, 2*.03, 1*.04,
    # running max: .008, .03, .06, .06.
    holm = testing.adjust_pvalues(p, method="holm")
    assert np.isnan(holm[1])
    assert holm[[4, 0, 3, 2]] == pytest.approx([0.008, 0.03, 0.06, 0.06])
    # BH: m/i * p_(i) = .008, .02, .04, .04, running min from the top: .008, .02, .04, .04.
    bh = testing.adjust_pvalues(p, method="fdr_bh")
    assert bh[[4, 0, 3, 2]] == pytest.approx([0.008, 0.02, 0.04, 0.04])


# ---------------------------------------------------------------------------------------
# Tidy front end: hand-built frames
# ---------------------------------------------------------------------------------------


def test_agreement_two_humans_hand_computed():
    h1 = ["A", "A", "B", "B", "tie", "A"]
    h2 = ["A", "B", "B", "B", "tie", None]  # item 5 has one annotator
    j = ["A", "B", "B", "A", "A", "A"]
    df = toy(pairwise={"human:1": h1, "human:2": h2, "j": j})
    kw = dict(statistics=["percent_agreement", "cohen_kappa"], n_resamples=200)
    t = agreement(df, reference="human", **kw)
    got = {(r.judge, r.statistic): (r.estimate, r.n_items, r.reference) for r in t.itertuples()}
    # Reference = on-the-fly human:majority: item 1 is a 1-1 split -> NA (left out); item 5 has
    # one vote -> A. Items 0, 2, 3, 4, 5: ref (A, B, B, tie, A), judge (A, B, A, A, A).
    # p_o = 3/5; ref shares (2, 2, 1)/5, judge (4, 1, 0)/5: p_e = (8 + 2 + 0)/25 = 2/5;
    # kappa = (3/5 - 2/5) / (3/5) = 1/3.
    assert got[("j", "percent_agreement")] == pytest.approx((3 / 5, 5, "human:majority"))
    assert got[("j", "cohen_kappa")][0] == pytest.approx(1 / 3)
    # Ceiling, 2 annotators: the others' majority is the other annotator; item 5 (one
    # annotator) is left out. Items 0-4: h1 (A, A, B, B, tie), h2 (A, B, B, B, tie):
    # p_o = 4/5; shares h1 (2, 2, 1)/5, h2 (1, 3, 1)/5: p_e = (2 + 6 + 1)/25 = 9/25;
    # kappa = (4/5 - 9/25)/(16/25) = 11/16, the same from either annotator's side (mean).
    assert got[("human ceiling", "percent_agreement")][:2] == pytest.approx((4 / 5, 5))
    assert got[("human ceiling", "cohen_kappa")][0] == pytest.approx(11 / 16)
    assert got[("human ceiling", "cohen_kappa")][2] == "others' majority"
    # The default compares the judge with each annotator's others' majority (here: the other
    # annotator), like the ceiling. h1 faces h2 (A, B, B, B, tie): judge (A, B, B, A, A) 3/5;
    # h2 faces h1 (A, A, B, B, tie): 2/5; item 5 (h1 alone) has no other. Mean 1/2; gap to the
    # ceiling on the same (item, annotator) pairs: 1/2 - 4/5.
    d = agreement(df, **kw)
    row = d[(d["judge"] == "j") & (d["statistic"] == "percent_agreement")].iloc[0]
    assert (row["estimate"], row["n_items"], row["reference"]) == pytest.approx(
        (1 / 2, 5, "others' majority")
    )
    assert row["gap_to_ceiling"] == pytest.approx(1 / 2 - 4 / 5)


def test_agreement_no_ceiling_with_one_annotator_per_item():
    # Each item has a single annotator: nobody to leave one out against -> no ceiling rows.
    df = toy(pairwise={"human:1": "A.B.", "human:2": ".B.A", "j": "ABBB"})  # "." = no vote
    t = agreement(df, statistics=["percent_agreement"], n_resamples=50)
    assert set(t["kind"]) == {"judge"}
    assert t["estimate"].item() == pytest.approx(3 / 4)  # majority = the one vote per item


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_agreement_both_orders_of_an_item_move_together(method):
    # A judge asked in both orders with identical verdicts has, per item, exactly twice the
    # one-order contribution. If the bootstrap resampled games instead of items, the 2n games
    # would give a narrower interval; clustered by item, the interval is the same as with one
    # order (same seed, same multinomial over the same distinct item patterns).
    h = ["A", "A", "B", "tie", "B", "A", "B", "B", "A", "tie"]
    j = ["A", "B", "B", "tie", "B", "A", "A", "B", "A", "B"]
    one = toy(pairwise={"human": h, "j": j}, orders="AB")
    two = toy(pairwise={"human": h, "j": j}, orders=True)  # the same verdicts in AB and BA
    t1 = agreement(one, n_resamples=400, method=method)
    t2 = agreement(two, n_resamples=400, method=method)
    cols = ["statistic", "estimate", "ci_low", "ci_high", "n_items"]
    assert t1[cols].values.tolist() == t2[cols].values.tolist()
    assert (t2["n_items"] == 10).all()


def test_agreement_category_set_is_the_whole_table():
    # Slice "x" has no tie anywhere; the table does (slice "y"). Gwet's AC1 in slice x must use
    # q = 3 (A, B, tie) like every other block, not q = 2.
    h = ["A", "A", "B", "B", "tie", "A"]
    j = ["A", "B", "B", "B", "tie", "B"]
    subset = ["x", "x", "x", "x", "y", "y"]
    df = toy(pairwise={"human": h, "j": j}, subsets=subset)
    t = agreement(df, statistics=["gwet_ac1", "brennan_prediger"], by=["subset"], n_resamples=50)
    x = t[t["subset"] == "x"].set_index("statistic")["estimate"]
    q3 = ["A", "B", "tie"]
    # slice x: p_o = 3/4; pi = (3/8, 5/8, 0): p_e = (15/64 + 15/64 + 0) / 2 = 15/64;
    # AC1 = (3/4 - 15/64) / (49/64) = 33/49; BP = (3/4 - 1/3) / (2/3) = 5/8.
    assert x["gwet_ac1"] == pytest.approx(33 / 49)
    assert x["gwet_ac1"] == pytest.approx(stats.gwet_ac1(h[:4], j[:4], categories=q3))
    assert x["brennan_prediger"] == pytest.approx(5 / 8)
    c = compare_judges(
        pd.concat([df, toy(pairwise={"k": h}, subsets=subset)]),
        "j",
        "k",
        statistics=["gwet_ac1"],
        by=["subset"],
        n_resamples=50,
    )
    assert c[c["subset"] == "x"]["estimate_1"].item() == pytest.approx(33 / 49)


def test_agreement_tie_policy_matches_fastchat_s1_s2():
    # MT-Bench S1 (with ties) and S2 (without ties), FastChat compute_agreement.py ban=[] /
    # ban=["tie"]: h (A, B, tie, tie, A, B), judge (A, tie, tie, B, B, B).
    # S1: A-A, tie-tie, B-B agree -> 3/6; S2: items 0, 4, 5 remain, 2 agree -> 2/3.
    h = ["A", "B", "tie", "tie", "A", "B"]
    j = ["A", "tie", "tie", "B", "B", "B"]
    df = toy(pairwise={"human": h, "j": j})
    s1 = agreement(df, statistics=["percent_agreement"], n_resamples=50, ceiling=False)
    s2 = agreement(df, statistics=["percent_agreement"], n_resamples=50, ties="drop")
    assert s1["estimate"].item() == pytest.approx(1 / 2)
    assert s2["estimate"].item() == pytest.approx(2 / 3)


def test_agreement_user_categories_and_tie_label_survive_label_coding():
    # agreement() codes labels as integers internally; options naming labels must follow.
    h = ["A", "A", "B", "tie", "B", "tie"]
    j = ["tie", "tie", "B", "tie", "A", "B"]
    df = toy(pairwise={"human": h, "j": j})
    scale = ["A", "tie", "B"]  # preference scale: tie in the middle for linear weights
    t = agreement(
        df,
        statistics={"cohen_kappa": {"weights": "linear", "categories": scale}},
        n_resamples=50,
    )
    oracle = stats.cohen_kappa(h, j, weights="linear", categories=scale)
    assert t["estimate"].item() == pytest.approx(oracle, abs=1e-12)
    assert oracle != pytest.approx(stats.cohen_kappa(h, j, weights="linear"))  # order matters
    # ties="drop" with an explicit tie_label: items 2 (B-B) and 4 (B-A) remain -> 1/2
    # (ties counted as labels it would be 2/6: B-B and tie-tie).
    t = agreement(
        df,
        statistics={"percent_agreement": {"ties": "drop", "tie_label": "tie"}},
        n_resamples=50,
    )
    assert t["estimate"].item() == pytest.approx(1 / 2)
