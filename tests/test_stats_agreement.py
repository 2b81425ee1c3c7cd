"""Tests for workbench.stats.agreement: published examples, oracles, invariances, contract."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from workbench import stats
from workbench.stats import (
    SUFFICIENT,
    accuracy,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    macro_f1,
    percent_agreement,
    scott_pi,
)

TWO_RATER = [percent_agreement, cohen_kappa, scott_pi, gwet_ac1, brennan_prediger]
SYMMETRIC = [percent_agreement, cohen_kappa, scott_pi, gwet_ac1, brennan_prediger]

# ---------------------------------------------------------------------------------------
# Published worked examples
# ---------------------------------------------------------------------------------------

# Fleiss (1971), Psychological Bulletin 76(5), 378-382, Table 1: 30 patients x 6 psychiatrists,
# 5 diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other).
# Raw form as in R irr::diagnoses and statsmodels' test_inter_rater.py.
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip

# Wikipedia "Fleiss' kappa" worked example: 10 subjects x 14 raters, counts per category.
WIKIPEDIA_FLEISS_COUNTS = np.array(
    [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
)  # fmt: skip

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", p. 3: 4 observers x 12
# units with missing values, shown here as ITEMS x RATERS (transposed).
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
).T

# Gwet (2014) Handbook of Inter-Rater Reliability, 4th ed.: 100 pregnancies classified by 2
# abstractors (Ectopic, AIU, NIU); irrCAC dataset `cont3x3abstractors`.
ABSTRACTORS = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])

# Gwet (2014): 4 raters x 12 subjects, 5 categories, missing ratings; irrCAC `cac.raw4raters`.
GWET_4RATERS = np.array(
    [
        [1, 1, np.nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [np.nan, 5, 5, 5], [np.nan, np.nan, 1, 1],
        [np.nan, np.nan, 3, np.nan],
    ]
)  # fmt: skip


def _from_table(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two label arrays (codes 0..k-1) reproducing a k x k contingency table."""
    k = table.shape[0]
    rows, cols = np.divmod(np.arange(k * k), k)
    return np.repeat(rows, table.ravel()), np.repeat(cols, table.ravel())


def _from_counts(counts: np.ndarray) -> np.ndarray:
    """Items x raters matrix from a subjects x categories count table."""
    return np.array([np.repeat(np.arange(counts.shape[1]), row) for row in counts])


def test_fleiss_kappa_fleiss_1971_example():
    # Fleiss (1971) p. 381: overall kappa = .430 on the 30 x 6 diagnoses table.
    assert round(fleiss_kappa(FLEISS_1971), 3) == 0.430


def test_fleiss_kappa_wikipedia_example():
    # Wikipedia "Fleiss' kappa" worked example: P-bar = 0.378, P_e-bar = 0.213, kappa = 0.210.
    assert round(fleiss_kappa(_from_counts(WIKIPEDIA_FLEISS_COUNTS)), 3) == 0.210


@pytest.mark.parametrize(
    ("level", "published"),
    # Krippendorff (2011) pp. 3-6 (nominal .743, ordinal .815, interval .849, ratio .797).
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_krippendorff_2011_example(level, published):
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == published


def test_krippendorff_alpha_nominal_example_exact():
    # Krippendorff (2011) p. 4, by hand: n = 40 pairable values with n_c = (9, 13, 10, 5, 3);
    # sum_{c != k} o_ck = 8 (4 in each direction), sum_{c != k} n_c n_k = 40**2 - 384 = 1216:
    # alpha = 1 - (n - 1) * 8 / 1216 = 0.7434...
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(1 - 39 * 8 / 1216, abs=1e-12)


def test_cohen_kappa_gwet_2014_abstractors():
    r1, r2 = _from_table(ABSTRACTORS)
    # irrCAC (R) reference manual, kappa2.table(cont3x3abstractors): 0.7964094; with
    # quadratic.weights(1:3): 0.8921569.
    assert cohen_kappa(r1, r2) == pytest.approx(0.7964094, abs=5e-8)
    assert cohen_kappa(r1, r2, weights="quadratic") == pytest.approx(0.8921569, abs=5e-8)


def test_scott_pi_gwet_2014_abstractors():
    r1, r2 = _from_table(ABSTRACTORS)
    # irrCAC (R) vignette, scott2.table(cont3x3abstractors): 0.7962397.
    assert scott_pi(r1, r2) == pytest.approx(0.7962397, abs=5e-8)


def test_gwet_ac1_gwet_2014_abstractors_by_hand():
    r1, r2 = _from_table(ABSTRACTORS)
    # By hand: p_a = 89/100; pi = ((13+13)/200, (27+24)/200, (60+63)/200) = (.13, .255, .615);
    # p_e = sum pi (1 - pi) / (q - 1) = (.1131 + .189975 + .236775) / 2 = .269925.
    pe = (0.13 * 0.87 + 0.255 * 0.745 + 0.615 * 0.385) / 2
    assert gwet_ac1(r1, r2) == pytest.approx((0.89 - pe) / (1 - pe), abs=1e-12)
    assert round(gwet_ac1(r1, r2), 7) == 0.8493305
    # Brennan-Prediger by hand: (0.89 - 1/3) / (2/3) = 0.835.
    assert brennan_prediger(r1, r2) == pytest.approx(0.835, abs=1e-12)
    assert percent_agreement(r1, r2) == pytest.approx(0.89, abs=1e-12)


def test_gwet_ac1_gwet_2014_four_raters():
    # Gwet (2014) 4 raters x 12 subjects (irrCAC cac.raw4raters), irrCAC vignette:
    # gwet.ac1.raw AC1 = 0.7754 (p_a = 0.8182, p_e = 0.1903), fleiss.kappa.raw = 0.7612,
    # krippen.alpha.raw = 0.7434.
    assert round(gwet_ac1(GWET_4RATERS), 4) == 0.7754
    assert round(fleiss_kappa(GWET_4RATERS), 4) == 0.7612
    assert round(krippendorff_alpha(GWET_4RATERS), 4) == 0.7434


def test_percent_agreement_tie_policies_by_hand():
    human = ["A", "B", "tie", "tie", "A", "B"]
    judge = ["A", "tie", "tie", "B", "B", "B"]
    # agree: A-A, tie-tie, B-B -> 3/6; drop: items 1, 5, 6 remain, A-A and B-B agree -> 2/3.
    assert percent_agreement(human, judge) == 0.5
    assert percent_agreement(human, judge, ties="drop") == pytest.approx(2 / 3)
    # another tie label
    assert percent_agreement([0, 2, 2], [0, 2, 1], ties="drop", tie_label=2) == 1.0


def _fastchat_agreement(votes_1, votes_2, ban):
    """FastChat fastchat/llm_judge/compute_agreement.py (get_mt_bench_agreement) logic."""
    agree = total = 0
    for v1, v2 in zip(votes_1, votes_2, strict=True):
        if ("tie" if "tie" in v1 else v1) in ban or ("tie" if "tie" in v2 else v2) in ban:
            continue
        total += 1
        agree += ("tie" in v1 and "tie" in v2) or v1 == v2
    return agree / total


def test_percent_agreement_matches_fastchat_setups():
    rng = np.random.default_rng(7)
    labels = np.array(["model_a", "model_b", "tie", "tie (bothbad)"], dtype=object)
    a, b = labels[rng.integers(0, 4, 300)], labels[rng.integers(0, 4, 300)]
    # FastChat folds "tie (bothbad)" into "tie" (convertvote); do the same before calling us.
    a2 = np.where(pd.Series(a).str.startswith("tie"), "tie", a)
    b2 = np.where(pd.Series(b).str.startswith("tie"), "tie", b)
    # S1 (with tie, ban=[]) is ties="agree"; S2 (without tie, ban=["tie"]) is ties="drop".
    assert percent_agreement(a2, b2) == pytest.approx(_fastchat_agreement(a, b, []), abs=1e-12)
    assert percent_agreement(a2, b2, ties="drop") == pytest.approx(
        _fastchat_agreement(a, b, ["tie"]), abs=1e-12
    )


# ---------------------------------------------------------------------------------------
# Oracles on random data
# ---------------------------------------------------------------------------------------


def _random_pairs(rng, n_max=40, k_max=5, missing=0.0):
    k = int(rng.integers(1, k_max + 1))
    n = int(rng.integers(2, n_max))
    a = rng.integers(0, k, n).astype(float)
    b = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, n)).astype(float)
    if missing:
        a[rng.random(n) < missing] = np.nan
        b[rng.random(n) < missing] = np.nan
    return a, b, k


def _both_nan_or_close(ours, ref, tol=1e-9):
    if np.isnan(ref):
        return np.isnan(ours)
    return abs(ours - ref) <= tol


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_sklearn(weights):
    rng = np.random.default_rng(0)
    for _ in range(150):
        a, b, k = _random_pairs(rng, missing=0.15)
        ok = ~(np.isnan(a) | np.isnan(b))
        if not ok.any():
            continue
        labels = list(range(k))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = cohen_kappa_score(a[ok], b[ok], weights=weights, labels=labels)
        ours = cohen_kappa(a, b, weights=weights, categories=labels)
        assert _both_nan_or_close(ours, ref), (a, b, weights, ours, ref)


def test_cohen_kappa_matches_statsmodels_table():
    rng = np.random.default_rng(1)
    for _ in range(50):
        k = int(rng.integers(2, 5))
        table = rng.integers(0, 15, (k, k)) + np.eye(k, dtype=int) * 10
        r1, r2 = _from_table(table)
        for wt, weights in [(None, None), ("linear", "linear"), ("quadratic", "quadratic")]:
            ref = cohens_kappa(table, wt=wt).kappa
            assert cohen_kappa(r1, r2, weights=weights) == pytest.approx(ref, abs=1e-9)


def test_cohen_kappa_string_labels_match_sklearn():
    rng = np.random.default_rng(2)
    labels = np.array(["A", "B", "tie"], dtype=object)
    a, b = labels[rng.integers(0, 3, 200)], labels[rng.integers(0, 3, 200)]
    # sklearn sorts string labels the same way (A < B < tie): weighted kappas agree too.
    for w in (None, "linear", "quadratic"):
        assert cohen_kappa(a, b, weights=w) == pytest.approx(
            cohen_kappa_score(a, b, weights=w), abs=1e-12
        )


def test_cohen_kappa_weights_use_numeric_values_not_positions():
    # Labels {1, 2, 5}: sklearn weights by position (0, 1, 2); we weight by value (1, 2, 5).
    a, b = [1, 2, 5, 5, 2, 1], [1, 5, 5, 2, 2, 2]
    ours = cohen_kappa(a, b, weights="linear")
    by_position = cohen_kappa(
        [0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 1], weights="linear"
    )  # the same data recoded to positions
    assert by_position == pytest.approx(cohen_kappa_score(a, b, weights="linear"), abs=1e-12)
    # By value, with w_kl = 1 - |x_k - x_l| / 4 on x = (1, 2, 5): p_o and p_e by hand.
    w = 1 - np.abs(np.subtract.outer([1, 2, 5], [1, 2, 5])) / 4
    t = np.array([[1, 1, 0], [0, 1, 1], [0, 1, 1]]) / 6
    po, pe = (w * t).sum(), t.sum(1) @ w @ t.sum(0)
    assert ours == pytest.approx((po - pe) / (1 - pe), abs=1e-12)
    assert ours != pytest.approx(by_position, abs=1e-3)


def test_accuracy_and_macro_f1_match_sklearn():
    rng = np.random.default_rng(3)
    for _ in range(100):
        a, b, _k = _random_pairs(rng, missing=0.1)
        ok = ~(np.isnan(a) | np.isnan(b))
        if not ok.any():
            continue
        assert accuracy(a, b) == pytest.approx(accuracy_score(a[ok], b[ok]), abs=1e-12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = f1_score(a[ok], b[ok], average="macro")
        assert macro_f1(a, b) == pytest.approx(ref, abs=1e-12)


def test_fleiss_kappa_matches_statsmodels():
    rng = np.random.default_rng(4)
    for _ in range(100):
        k, n, r = int(rng.integers(2, 6)), int(rng.integers(3, 30)), int(rng.integers(2, 7))
        truth = rng.integers(0, k, (n, 1))
        m = np.where(rng.random((n, r)) < 0.6, truth, rng.integers(0, k, (n, r)))
        table, _ = aggregate_raters(m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm_fleiss_kappa(table)
        assert _both_nan_or_close(fleiss_kappa(m), ref)


def test_scott_pi_equals_fleiss_on_two_columns():
    rng = np.random.default_rng(5)
    for _ in range(50):
        a, b, _k = _random_pairs(rng)
        table, _ = aggregate_raters(np.column_stack([a, b]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm_fleiss_kappa(table)  # Fleiss with 2 raters is Scott's pi
        assert _both_nan_or_close(scott_pi(a, b), ref)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_alpha_matches_package(level):
    rng = np.random.default_rng(6)
    for _ in range(80):
        k, n, r = int(rng.integers(2, 6)), int(rng.integers(3, 30)), int(rng.integers(2, 6))
        truth = rng.integers(1, k + 1, (n, 1))
        m = np.where(rng.random((n, r)) < 0.5, truth, rng.integers(1, k + 1, (n, r)))
        m = m.astype(float)
        m[rng.random((n, r)) < 0.3] = np.nan
        ref = krippendorff.alpha(m.T, level_of_measurement=level)  # package: raters x units
        assert _both_nan_or_close(krippendorff_alpha(m, level=level), ref)


def test_krippendorff_alpha_continuous_interval_matches_package():
    rng = np.random.default_rng(8)
    m = rng.normal(50, 10, (60, 3)) + rng.normal(0, 10, (60, 1))
    m[rng.random(m.shape) < 0.2] = np.nan
    ref = krippendorff.alpha(m.T, level_of_measurement="interval")
    assert krippendorff_alpha(m, level="interval") == pytest.approx(ref, abs=1e-9)


def test_krippendorff_alpha_string_ordinal_matches_package():
    # Ordinal alpha depends only on the order of the values: a string scale in `categories`
    # order gives the package's value on the numeric codes.
    scale = ["very low", "low", "mid", "high", "very high"]
    names = np.array([None, *scale], dtype=object)
    m = names[np.nan_to_num(KRIPPENDORFF_2011, nan=0).astype(int)]
    ref = krippendorff.alpha(KRIPPENDORFF_2011.T, level_of_measurement="ordinal")
    assert krippendorff_alpha(m, level="ordinal", categories=scale) == pytest.approx(ref, abs=1e-12)


# irrCAC pins pandas < 3 in its metadata; installed with --no-deps it still works with
# pandas 3 as long as `categories=` is passed (it otherwise sorts NaN together with labels).
irrCAC = pytest.importorskip("irrCAC.raw", reason="irrCAC not installed (test-only oracle)")


def _irr(m, categories, method, weights="identity"):
    cac = irrCAC.CAC(pd.DataFrame(m), weights=weights, categories=categories, digits=15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(getattr(cac, method)()["est"]["coefficient_value"])


def _random_matrix(rng, missing=0.2):
    k, n, r = int(rng.integers(2, 6)), int(rng.integers(4, 30)), int(rng.integers(2, 6))
    truth = rng.integers(1, k + 1, (n, 1))
    m = np.where(rng.random((n, r)) < 0.5, truth, rng.integers(1, k + 1, (n, r))).astype(float)
    m[rng.random((n, r)) < missing] = np.nan
    m = m[(~np.isnan(m)).sum(axis=1) >= 1]  # irrCAC drops unrated subjects first
    return m, list(range(1, k + 1))


def test_gwet_ac1_and_fleiss_match_irrcac_with_missing_data():
    rng = np.random.default_rng(9)
    for _ in range(60):
        m, cats = _random_matrix(rng)
        assert gwet_ac1(m, categories=cats) == pytest.approx(_irr(m, cats, "gwet"), abs=1e-9)
        if np.unique(m[~np.isnan(m)]).size > 1:  # see the p_e = 1 note below
            assert fleiss_kappa(m, categories=cats) == pytest.approx(
                _irr(m, cats, "fleiss"), abs=1e-9
            )
        assert krippendorff_alpha(m, categories=cats) == pytest.approx(
            _irr(m, cats, "krippendorff"), abs=1e-9
        )


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_gwet_ac2_matches_irrcac(weights):
    rng = np.random.default_rng(10)
    for _ in range(60):
        m, cats = _random_matrix(rng)
        ref = _irr(m, cats, "gwet", weights=weights)
        assert gwet_ac2(m, weights=weights, categories=cats) == pytest.approx(ref, abs=1e-9)


def test_two_rater_chance_corrected_match_irrcac():
    rng = np.random.default_rng(11)
    for _ in range(60):
        a, b, k = _random_pairs(rng, k_max=4)
        k = max(k, 2)
        cats = list(range(k))
        m = np.column_stack([a, b])
        assert gwet_ac1(a, b, categories=cats) == pytest.approx(_irr(m, cats, "gwet"), abs=1e-9)
        assert brennan_prediger(a, b, categories=cats) == pytest.approx(
            _irr(m, cats, "bp"), abs=1e-9
        )
        # irrCAC returns 1.0 where p_e = 1 (both raters constant on one label); we return NaN
        # as statsmodels and scikit-learn do, so those cases are compared to NaN instead.
        ours = scott_pi(a, b, categories=cats)
        if np.unique(m[~np.isnan(m)]).size == 1:
            assert np.isnan(ours)
        else:
            assert ours == pytest.approx(_irr(m, cats, "fleiss"), abs=1e-9)


# ---------------------------------------------------------------------------------------
# Constant raters and other degenerate cases: defined, documented behaviour
# ---------------------------------------------------------------------------------------


def test_cohen_kappa_constant_raters():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_same = cohen_kappa_score([1, 1, 1], [1, 1, 1])
        ref_diff = cohen_kappa_score([1, 1, 1], [2, 2, 2])
    assert np.isnan(cohen_kappa([1, 1, 1], [1, 1, 1])) and np.isnan(ref_same)  # p_e = 1
    assert cohen_kappa([1, 1, 1], [2, 2, 2]) == ref_diff == 0.0  # p_o = p_e = 0
    # one constant rater against a varying one: p_e < 1, defined
    assert cohen_kappa([1, 1, 1, 1], [1, 2, 1, 2]) == pytest.approx(
        cohen_kappa_score([1, 1, 1, 1], [1, 2, 1, 2]), abs=1e-12
    )


def test_gwet_ac1_single_category_is_one():
    # Gwet's convention (irrCAC): with one category p_e = 0, so AC1 = p_a = 1.
    assert gwet_ac1(["x"] * 4, ["x"] * 4) == 1.0
    assert gwet_ac1(np.ones((4, 3))) == 1.0
    # declared two-category scale, one used: p_e = 0 too (the "paradox-resistant" behaviour)
    assert gwet_ac1(["x"] * 4, ["x"] * 4, categories=["x", "y"]) == 1.0


def test_many_rater_constant_matrix_is_nan():
    m = np.ones((5, 3))
    assert np.isnan(fleiss_kappa(m))  # p_e = 1 (statsmodels: nan too)
    assert np.isnan(krippendorff_alpha(m))  # no expected disagreement (package raises)
    assert np.isnan(krippendorff_alpha(m, level="interval"))
    assert np.isnan(brennan_prediger([1, 1], [1, 1]))  # q = 1


def test_statistics_nan_when_no_complete_pair():
    for fn in [percent_agreement, cohen_kappa, scott_pi, brennan_prediger, accuracy, macro_f1]:
        assert np.isnan(fn(["A", None], [None, "B"], categories=["A", "B"]))
    assert np.isnan(krippendorff_alpha([[1, np.nan], [np.nan, 2]]))


# ---------------------------------------------------------------------------------------
# Invariances
# ---------------------------------------------------------------------------------------


def test_two_rater_statistics_are_symmetric_and_order_free():
    rng = np.random.default_rng(12)
    for _ in range(30):
        a, b, _k = _random_pairs(rng, missing=0.1)
        perm = rng.permutation(a.size)
        for fn in SYMMETRIC:
            value = fn(a, b)
            assert _both_nan_or_close(fn(b, a), value, 1e-12), fn.__name__
            assert _both_nan_or_close(fn(a[perm], b[perm]), value, 1e-12), fn.__name__
        assert _both_nan_or_close(
            cohen_kappa(b, a, weights="quadratic"), cohen_kappa(a, b, weights="quadratic"), 1e-12
        )


def test_nominal_statistics_invariant_under_relabelling():
    rng = np.random.default_rng(13)
    names = np.array(["cat", "dog", "emu", "fox", "gnu"], dtype=object)
    for _ in range(30):
        a, b, _k = _random_pairs(rng)
        relabel = rng.permutation(5)
        ra, rb = names[relabel[a.astype(int)]], names[relabel[b.astype(int)]]
        for fn in [*TWO_RATER, accuracy, macro_f1]:
            assert _both_nan_or_close(fn(ra, rb), fn(a, b), 1e-12), fn.__name__
        m, mr = np.column_stack([a, b, a]), np.column_stack([ra, rb, ra])
        for fn in [fleiss_kappa, krippendorff_alpha, gwet_ac1]:
            assert _both_nan_or_close(fn(mr), fn(m), 1e-12), fn.__name__


def test_many_rater_statistics_invariant_to_rater_and_item_order():
    rng = np.random.default_rng(14)
    m, _cats = _random_matrix(rng)
    rows, cols = rng.permutation(m.shape[0]), rng.permutation(m.shape[1])
    shuffled = m[rows][:, cols]
    for fn in [fleiss_kappa, gwet_ac1, gwet_ac2]:
        assert fn(shuffled) == pytest.approx(fn(m), abs=1e-12)
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        assert krippendorff_alpha(shuffled, level=level) == pytest.approx(
            krippendorff_alpha(m, level=level), abs=1e-12
        )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["A", "B", "tie"]), st.sampled_from(["A", "B", "tie"])),
             min_size=1, max_size=30)
)  # fmt: skip
def test_kappa_family_bounds_and_perfect_agreement(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    for fn in TWO_RATER:
        value = fn(a, b)
        assert np.isnan(value) or -1 - 1e-12 <= value <= 1 + 1e-12
    assert percent_agreement(a, a) == 1.0
    assert np.isnan(cohen_kappa(a, a)) or cohen_kappa(a, a) == pytest.approx(1.0)


def test_dataframe_and_missing_markers_accepted():
    df = pd.DataFrame(
        {"r1": ["A", "B", None, "A"], "r2": pd.array(["A", "B", "B", pd.NA], dtype="string")}
    )
    arr = np.array([["A", "A"], ["B", "B"], [None, "B"], ["A", None]], dtype=object)
    assert fleiss_kappa(df) == fleiss_kappa(arr) == 1.0
    assert cohen_kappa(df["r1"], df["r2"]) == 1.0  # incomplete pairs dropped
    assert krippendorff_alpha(df) == krippendorff_alpha(arr)


# ---------------------------------------------------------------------------------------
# The sufficient-statistic contract (what the bootstrap relies on)
# ---------------------------------------------------------------------------------------

_HUMAN = np.array(["A", "B", "tie", "A", None, "B", "A", "tie", "B", "A"], dtype=object)
_JUDGE = np.array(["A", "tie", "tie", "B", "A", "B", "A", "A", "B", None], dtype=object)
_MATRIX = np.array(
    [[1, 2, 2], [3, 3, np.nan], [1, 1, 1], [2, np.nan, np.nan], [4, 4, 3], [2, 2, 1], [1, 2, 3]]
)
CASES = {
    "percent_agreement": ((_HUMAN, _JUDGE), {"ties": "drop"}),
    "cohen_kappa": ((_HUMAN, _JUDGE), {"weights": "linear"}),
    "scott_pi": ((_HUMAN, _JUDGE), {}),
    "brennan_prediger": ((_HUMAN, _JUDGE), {}),
    "accuracy": ((_HUMAN, _JUDGE), {}),
    "macro_f1": ((_HUMAN, _JUDGE), {}),
    "gwet_ac1": ((_HUMAN, _JUDGE), {}),
    "fleiss_kappa": ((_MATRIX,), {}),
    "gwet_ac2": ((_MATRIX,), {"weights": "quadratic"}),
    "krippendorff_alpha": ((_MATRIX,), {"level": "ordinal"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sufficient_contract(name):
    data, options = CASES[name]
    entry = SUFFICIENT[name]
    assert entry.kind == "sum"
    opts = entry.resolve(*data, **options)
    c = entry.contributions(*data, **opts)
    assert c.shape[0] == len(data[0])  # one row per input item, in order
    total = c.sum(axis=0)
    np.testing.assert_allclose(entry.total(*data, **opts), total, atol=1e-12)
    rows, counts = entry.distinct_contributions(*data, **opts)
    np.testing.assert_allclose(counts @ rows, total, atol=1e-12)
    public = entry.statistic(*data, **options)
    assert float(entry.from_sums(total, **opts)) == pytest.approx(public, abs=1e-12)
    # vectorised over leading axes: three resamples at once = three separate calls
    rng = np.random.default_rng(0)
    w = rng.multinomial(c.shape[0], np.full(c.shape[0], 1 / c.shape[0]), size=(3,))
    batch = entry.from_sums(w @ c, **opts)
    assert batch.shape == (3,)
    for i in range(3):
        one = entry.from_sums(w[i] @ c, **opts)
        assert _both_nan_or_close(float(batch[i]), float(one), 1e-12)


def test_sufficient_categories_fixed_from_full_data():
    entry = SUFFICIENT["cohen_kappa"]
    opts = entry.resolve(_HUMAN, _JUDGE)
    assert opts["categories"] == ("A", "B", "tie")
    # a resample lacking "tie" still uses the 3 x 3 table: d stays 9
    sub = entry.contributions(_HUMAN[:2], _JUDGE[:2], **opts)
    assert sub.shape == (2, 9)


def test_registry_lists_every_public_statistic():
    assert set(SUFFICIENT) == {
        "percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1", "brennan_prediger",
        "accuracy", "macro_f1", "fleiss_kappa", "krippendorff_alpha", "gwet_ac2", "icc",
        "pearson", "spearman", "kendall_tau",
        "multi_rater_agreement", "randolph_kappa", "weighted_scott_pi", "weighted_brennan_prediger",
    }  # fmt: skip
    for name, entry in SUFFICIENT.items():
        assert entry.statistic is getattr(stats, name)
        assert entry.kind in ("sum", "resample")


# ---------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cohen_kappa([1, 2], [1]), "same length"),
        (lambda: cohen_kappa([1, 2], [1, 2], weights="cubic"), "weights"),
        (lambda: percent_agreement([1], [1], ties="half"), "ties"),
        (lambda: cohen_kappa(["A", "C"], ["A", "B"], categories=["A", "B"]), "rater_1.*'C'"),
        (lambda: cohen_kappa(np.array(["A", 1], dtype=object), ["A", "B"]), "mixes label types"),
        (lambda: krippendorff_alpha([[1, 2]], level="cardinal"), "level"),
        (lambda: krippendorff_alpha([["a", "b"]], level="ratio"), "numeric"),
        (lambda: krippendorff_alpha([["a", "b"]], level="interval"), "numbers"),
        (lambda: fleiss_kappa([1, 2, 3]), "2-D"),
        (lambda: cohen_kappa([[1, 2]], [[1, 2]]), "1-D"),
        (lambda: gwet_ac2([[1, 2]], weights=np.eye(3)), "2 x 2"),
        (lambda: cohen_kappa([1, 2], [1, 2], categories=[1, 1]), "duplicates"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
