"""Statistics at the edges (issue #10, item 7): many categories, weight matrices, mixed label
kinds, large finite scores. Oracles: scikit-learn, statsmodels, scipy, krippendorff, pingouin
and hand computations with pandas value counts; memory bounds by tracemalloc peaks."""

from __future__ import annotations

import tracemalloc
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from workbench import stats
from workbench.stats import MAX_CATEGORIES, MAX_DENSE_CELLS, SUFFICIENT
from workbench.stats.bootstrap import analytic_se, bootstrap

MB = 1_000_000


def _peak(call):
    """(result, peak traced bytes) of ``call()``."""
    tracemalloc.start()
    try:
        out = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return out, peak


def _many_labels(k=30_000, n=60_000, seed=0):
    """Two raters over k distinct string labels; the second copies the first half the time."""
    rng = np.random.default_rng(seed)
    labels = np.array([f"L{i:05d}" for i in range(k)], dtype=object)
    a = labels[rng.integers(0, k, n)]
    b = np.where(rng.random(n) < 0.5, a, labels[rng.integers(0, k, n)])
    return a, b


def _hand_two_rater(a, b):
    """p_o, Cohen's p_e, Scott's p_e, Gwet's p_e and q from pandas value counts (no k x k)."""
    n = len(a)
    pa = pd.Series(a).value_counts() / n
    pb = pd.Series(b).value_counts() / n
    cats = pa.index.union(pb.index)
    pa, pb = pa.reindex(cats, fill_value=0.0), pb.reindex(cats, fill_value=0.0)
    pi = (pa + pb) / 2
    q = len(cats)
    return {
        "p_o": float(np.mean(a == b)),
        "cohen": float((pa * pb).sum()),
        "scott": float((pi**2).sum()),
        "gwet": float((pi * (1 - pi)).sum() / (q - 1)),
        "q": q,
    }


# ---------------------------------------------------------------------------------------
# Many categories: O(k) point estimates, documented refusals
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many():
    a, b = _many_labels()
    return a, b, _hand_two_rater(a, b)


def _chance(h, pe):
    return (h["p_o"] - pe) / (1 - pe)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("percent_agreement", lambda h: h["p_o"]),
        ("accuracy", lambda h: h["p_o"]),
        ("cohen_kappa", lambda h: _chance(h, h["cohen"])),
        ("scott_pi", lambda h: _chance(h, h["scott"])),
        ("gwet_ac1", lambda h: _chance(h, h["gwet"])),
        ("brennan_prediger", lambda h: _chance(h, 1 / h["q"])),
    ],
)
def test_thirty_thousand_labels_two_raters_small_memory(many, name, expected):
    a, b, hand = many
    value, peak = _peak(lambda: getattr(stats, name)(a, b))
    assert value == pytest.approx(expected(hand), abs=1e-12)
    assert peak < 200 * MB  # a dense 30,000 x 30,000 table alone would be 7.2 GB


def test_thirty_thousand_labels_macro_f1_matches_sklearn(many):
    a, b, _ = many
    value, peak = _peak(lambda: stats.macro_f1(a, b))
    assert peak < 200 * MB
    assert value == pytest.approx(f1_score(a, b, average="macro"), abs=1e-12)


def test_many_labels_fleiss_alpha_gwet_matrix_match_hand_computation():
    a, b = _many_labels(k=30_000, n=60_000, seed=1)
    c = np.roll(a, 1)
    m = np.column_stack([a, b, c])
    # complete 3-rater rows: P_i = (agreeing unordered pairs) / 3; pi_k = share of all 3n
    p_a = float(np.mean(((a == b).astype(int) + (a == c) + (b == c)) / 3))
    shares = pd.Series(m.ravel()).value_counts() / m.size
    p_e = float((shares**2).sum())
    fleiss, peak = _peak(lambda: stats.fleiss_kappa(m))
    assert peak < 200 * MB
    assert fleiss == pytest.approx((p_a - p_e) / (1 - p_e), abs=1e-12)
    q = len(shares)
    p_e_gwet = float((shares * (1 - shares)).sum() / (q - 1))
    assert stats.gwet_ac1(m) == pytest.approx((p_a - p_e_gwet) / (1 - p_e_gwet), abs=1e-12)
    # nominal alpha: 1 - (N - 1) D_o / D_e with N = 3n pairable values
    big_n = m.size
    counts = shares * big_n
    observed = big_n * (1 - p_a)  # sum of off-diagonal coincidences
    expected_d = big_n**2 - float((counts**2).sum())
    alpha, peak = _peak(lambda: stats.krippendorff_alpha(m))
    assert peak < 200 * MB
    assert alpha == pytest.approx(1 - (big_n - 1) * observed / expected_d, abs=1e-12)


def test_several_hundred_labels_match_sklearn_statsmodels_krippendorff():
    rng = np.random.default_rng(2)
    k, n = 400, 3000
    a = rng.integers(0, k, n)
    b = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, n))
    assert stats.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    assert stats.accuracy(a, b) == pytest.approx(accuracy_score(a, b), abs=1e-12)
    m = np.column_stack([a, b, a[::-1]])
    table, _ = aggregate_raters(m)
    assert stats.fleiss_kappa(m) == pytest.approx(sm_fleiss_kappa(table), abs=1e-12)
    # the krippendorff package is slow in k: 100 categories, 20% missing
    c = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, n)).astype(float)
    c[rng.random(n) < 0.2] = np.nan
    with_missing = np.column_stack([a % 100, b % 100, c % 100])[:800].astype(float)
    ref = krippendorff.alpha(with_missing.T, level_of_measurement="nominal")
    assert stats.krippendorff_alpha(with_missing) == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "option"),
    [
        (lambda a, b: stats.cohen_kappa(a, b, weights="linear"), "weights='linear'"),
        (lambda a, b: stats.cohen_kappa(a, b, weights="quadratic"), "weights='quadratic'"),
        (lambda a, b: stats.gwet_ac2(np.column_stack([a, b])), "weights='quadratic'"),
        (lambda a, b: stats.krippendorff_alpha(np.column_stack([a, b]), level="ordinal"), "level='ordinal'"),
        (lambda a, b: stats.krippendorff_alpha(np.column_stack([a, b]), level="ratio"), "level='ratio'"),
        (lambda a, b: stats.weight_matrix(np.unique(a), "linear"), "weights='linear'"),
    ],
)  # fmt: skip
def test_k_by_k_statistics_refuse_more_than_max_categories(call, option):
    k = MAX_CATEGORIES + 1
    a = np.arange(k)  # numbers, so ratio alpha gets as far as the size check
    b = np.roll(a, 1)
    with pytest.raises(ValueError, match=rf"{option}.*{k} categories exceed MAX_CATEGORIES"):
        call(a, b)


def test_k_by_k_statistics_accept_max_categories():
    a = np.arange(MAX_CATEGORIES)
    b = np.where(np.arange(MAX_CATEGORIES) % 2 == 0, a, np.roll(a, 1))
    ref = cohen_kappa_score(a, b, weights="quadratic")
    assert stats.cohen_kappa(a, b, weights="quadratic") == pytest.approx(ref, abs=1e-12)


def test_bootstrap_over_many_categories_refuses_with_the_count(many):
    a, b, _ = many
    k = _hand_two_rater(a, b)["q"]
    with pytest.raises(ValueError, match=rf"{k} categories.*MAX_DENSE_CELLS"):
        bootstrap("cohen_kappa", a, b, n_resamples=10)
    assert MAX_DENSE_CELLS == 50_000_000


def test_bootstrap_patterns_no_longer_build_an_identity_of_k_squared():
    # 60 categories: the old np.eye(k**2) alone was 3600 x 3600 floats = 104 MB
    rng = np.random.default_rng(3)
    a = rng.integers(0, 60, 500)
    b = np.where(rng.random(500) < 0.7, a, rng.integers(0, 60, 500))
    res, peak = _peak(lambda: bootstrap("cohen_kappa", a, b, n_resamples=50, rng=0))
    assert peak < 60 * MB
    assert res.estimate == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_pearson_with_many_groups_point_estimate_small_bootstrap_refused():
    rng = np.random.default_rng(10)
    n = 200_000
    groups = rng.integers(0, 50_000, n)
    x = rng.normal(size=n)
    y = x + rng.normal(size=n)
    value, peak = _peak(lambda: stats.pearson(x, y, level="grouped", groups=groups))
    assert peak < 200 * MB  # the dense (n, 6 G) contributions would be 480 GB
    assert -1 <= value <= 1
    three = np.flatnonzero(np.bincount(groups) >= 3)[:3]  # groups with a defined r
    small = np.isin(groups, three)
    ref = np.mean([scipy_stats.pearsonr(x[groups == g], y[groups == g]).statistic for g in three])
    got = stats.pearson(x[small], y[small], level="grouped", groups=groups[small])
    assert got == pytest.approx(ref, abs=1e-12)
    with pytest.raises(ValueError, match=r"groups \(\d+ distinct labels\).*MAX_DENSE_CELLS"):
        bootstrap("pearson", x, y, level="grouped", groups=groups, n_resamples=10)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("fleiss_kappa", {}),
        ("gwet_ac1", {}),
        ("gwet_ac2", {"weights": "linear"}),
        ("gwet_ac2", {"weights": "quadratic"}),
        ("krippendorff_alpha", {"level": "nominal"}),
        ("krippendorff_alpha", {"level": "ordinal"}),
        ("krippendorff_alpha", {"level": "ratio"}),
    ],
)
def test_sparse_sums_equal_dense_contributions_with_missing(name, options):
    rng = np.random.default_rng(4)
    truth = rng.integers(1, 8, (200, 1))
    m = np.where(rng.random((200, 5)) < 0.5, truth, rng.integers(1, 8, (200, 5))).astype(float)
    m[rng.random(m.shape) < 0.35] = np.nan
    entry = SUFFICIENT[name]
    opts = entry.resolve(m, **options)
    dense = entry.contributions(m, **opts).sum(axis=0)
    np.testing.assert_allclose(entry.total(m, **opts), dense, rtol=1e-12, atol=1e-9)
    assert entry.statistic(m, **options) == pytest.approx(
        float(entry.from_sums(dense, **opts)), abs=1e-12
    )


@pytest.mark.parametrize("level", ["nominal", "ordinal", "ratio"])
def test_sparse_krippendorff_matches_package_with_missing(level):
    rng = np.random.default_rng(5)
    truth = rng.integers(1, 12, (300, 1))
    m = np.where(rng.random((300, 6)) < 0.5, truth, rng.integers(1, 12, (300, 6))).astype(float)
    m[rng.random(m.shape) < 0.5] = np.nan
    ref = krippendorff.alpha(m.T, level_of_measurement=level)
    assert stats.krippendorff_alpha(m, level=level) == pytest.approx(ref, abs=1e-12)


def test_analytic_se_fleiss_many_categories_and_pd_na():
    rng = np.random.default_rng(6)
    m = rng.integers(0, 5, (50, 3)).astype(object)
    with_na = m.copy()
    with_na[0, 0] = pd.NA
    with_nan = m.copy()
    with_nan[0, 0] = np.nan
    # pd.NA is missing like NaN (it used to count as a category of its own)
    assert analytic_se("fleiss_kappa", with_na) == pytest.approx(
        analytic_se("fleiss_kappa", with_nan), abs=1e-15
    )
    a, b = _many_labels(k=20_000, n=40_000, seed=7)
    se, peak = _peak(lambda: analytic_se("fleiss_kappa", np.column_stack([a, b])))
    assert peak < 200 * MB and 0 < se < 0.01


# ---------------------------------------------------------------------------------------
# Weight matrices passed by users
# ---------------------------------------------------------------------------------------

_M = [[1, 1, 2], [2, 2, 2], [3, 2, 1], [1, 1, 1]]  # ratings 1..3


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (np.eye(2), r"3 x 3 array for 3 categories, got \(2, 2\)"),
        (np.ones((3, 2)), r"3 x 3 array for 3 categories, got \(3, 2\)"),
        ([[1, 0.5, "x"], [0.5, 1, 0.5], [0, 0.5, 1]], "array of numbers"),
        ([[1, 0.5, np.nan], [0.5, 1, 0.5], [0, 0.5, 1]], r"finite: weights\[0, 2\] = nan"),
        ([[1, 0.5, 0], [0.5, 1, np.inf], [0, 0.5, 1]], r"finite: weights\[1, 2\] = inf"),
        ([[1, 0.5, -0.1], [0.5, 1, 0.5], [-0.1, 0.5, 1]], r"\[0, 1\]: weights\[0, 2\] = -0.1"),
        ([[1, 1.5, 0], [1.5, 1, 0.5], [0, 0.5, 1]], r"\[0, 1\]: weights\[0, 1\] = 1.5"),
        ([[1, 0.5, 0], [0.5, 0.9, 0.5], [0, 0.5, 1]], r"diagonal: weights\[1, 1\] = 0.9"),
        (
            [[1, 0.5, 0], [0.4, 1, 0.5], [0, 0.5, 1]],
            r"symmetric: weights\[0, 1\] = 0.5 but weights\[1, 0\] = 0.4",
        ),
    ],
)
def test_gwet_ac2_rejects_bad_weight_matrix_naming_the_cell(weights, match):
    with pytest.raises(ValueError, match=match):
        stats.gwet_ac2(_M, weights=weights)


def test_valid_weight_matrix_equals_named_weights():
    w = stats.weight_matrix([1, 2, 3], "linear")
    assert stats.gwet_ac2(_M, weights=w) == pytest.approx(
        stats.gwet_ac2(_M, weights="linear"), abs=1e-15
    )
    assert stats.gwet_ac2(_M, weights=np.eye(3)) == pytest.approx(stats.gwet_ac1(_M), abs=1e-15)


# ---------------------------------------------------------------------------------------
# Mixed label kinds: one rule for lists, object arrays, Series and DataFrames
# ---------------------------------------------------------------------------------------

CONTAINERS = {
    "list": list,
    "object array": lambda v: np.array(v, dtype=object),
    "Series": lambda v: pd.Series(v, dtype=object),
}


@pytest.mark.parametrize("container", sorted(CONTAINERS))
@pytest.mark.parametrize(
    ("labels", "kinds"),
    [
        ([1, "1", 1.0, True], "number 1 .* string '1'"),
        ([True, 1, 0, False], "boolean True .* number 1"),
        (["a", "b", 2.5, "a"], "string 'a' .* number 2.5"),
        ([None, "yes", True, "no"], "string 'yes' .* boolean True"),
    ],
)
@pytest.mark.parametrize("name", ["percent_agreement", "cohen_kappa", "spearman"])
def test_mixed_label_kinds_raise_the_same_error_for_every_container(container, labels, kinds, name):
    other = [1, 1, 0, 0]
    with pytest.raises(ValueError, match=f"rater_1 mixes label types: {kinds}"):
        getattr(stats, name)(CONTAINERS[container](labels), other)


@pytest.mark.parametrize(
    "matrix",
    [
        [[1, "1"], [2, 2]],
        np.array([[True, 1], [0, 0]], dtype=object),
        pd.DataFrame({"r1": [1, 2], "r2": ["1", "2"]}),
        pd.DataFrame({"r1": [True, False], "r2": [1, 0]}),
    ],
)
@pytest.mark.parametrize("name", ["fleiss_kappa", "krippendorff_alpha", "gwet_ac1"])
def test_mixed_label_kinds_in_a_matrix_raise(matrix, name):
    with pytest.raises(ValueError, match="matrix mixes label types"):
        getattr(stats, name)(matrix)


@pytest.mark.parametrize("na", [None, np.nan, pd.NA, pd.NaT])
@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_every_missing_marker_is_missing_in_every_container(na, container):
    human = CONTAINERS[container](["A", na, "B", "tie", "A"])
    judge = ["A", "B", "B", "A", "A"]
    # the item with the missing label is dropped: 3 of the other 4 agree
    assert stats.percent_agreement(human, judge) == 0.75
    ref = cohen_kappa_score(["A", "B", "tie", "A"], ["A", "B", "A", "A"])
    assert stats.cohen_kappa(human, judge) == pytest.approx(ref, abs=1e-12)


def test_nan_in_a_list_of_strings_is_not_the_string_nan():
    # np.asarray(["a", np.nan]) would hold the string "nan", a label of its own
    m = [["a", np.nan], ["a", "a"], ["b", "b"]]
    assert stats.krippendorff_alpha(m) == stats.krippendorff_alpha(pd.DataFrame(m)) == 1.0
    args = stats.bootstrap.pair_args("fleiss_kappa", ["a", np.nan], ["a", "b"])[0]
    assert args[1, 0] == "b" and pd.isna(args[1, 1])  # columns: reference, rater


@pytest.mark.parametrize("labels", [[[1, 2], [3]], [{"a": 1}, {"b": 2}]])
def test_unhashable_labels_raise_naming_the_argument(labels):
    with pytest.raises(ValueError, match=r"rater_2 holds (list|dict) values .* position 0"):
        stats.cohen_kappa(["a", "b"], labels)


def test_numbers_of_mixed_width_are_one_kind():
    ints, floats = [1, 2, 2, 3], [1.0, 2.0, 2.0, 3.0]
    assert stats.cohen_kappa([1, 2.0, 2, 3.0], ints) == stats.cohen_kappa(floats, floats) == 1.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: stats.cohen_kappa([True, False], [1, 0]), "rater_1 holds boolean labels but rater_2 holds number"),
        (lambda: stats.cohen_kappa(["a", "b"], [1, 0]), "rater_1 holds string labels but rater_2 holds number"),
        (lambda: stats.cohen_kappa([True, False], [True, True], categories=[0, 1]), "rater_1 holds boolean labels but categories holds number"),
        (lambda: stats.cohen_kappa([1, 2], [1, 2], categories=[1, "2"]), "categories mixes label types"),
    ],
)  # fmt: skip
def test_label_kinds_must_agree_across_raters_and_categories(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------------------------------
# Large finite values: scale before squaring, as scipy does
# ---------------------------------------------------------------------------------------

_X = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 4.0])
_Y = np.array([1.0, 3.0, 2.0, 7.0, 6.0, 5.0])
_FMAX = np.finfo(float).max


@pytest.mark.parametrize(
    ("x", "y", "divisor"),
    [
        (_X * 1e200, _Y, 1.0),
        (_X * 1e-200, _Y * 1e200, 1.0),
        (np.array([-1e300, 1e300, 5e299, 0.0, 2e299, -3e299]), _Y, 1.0),
        (_X + 1e10, _Y, 1.0),  # large offset, small spread
        # scipy's own x - mean overflows at +-float max: its oracle gets x / 2**1000 (exact)
        (np.array([-_FMAX, _FMAX, _FMAX / 2, 0.0, -_FMAX / 3, _FMAX / 4]), _Y, 2.0**1000),
    ],
)
@pytest.mark.parametrize(
    ("ours", "scipy_fn"),
    [
        (stats.pearson, lambda a, b: scipy_stats.pearsonr(a, b).statistic),
        (stats.spearman, lambda a, b: scipy_stats.spearmanr(a, b).statistic),
        (stats.kendall_tau, lambda a, b: scipy_stats.kendalltau(a, b).statistic),
    ],
)
def test_correlations_of_large_finite_values_match_scipy(x, y, divisor, ours, scipy_fn):
    ref = scipy_fn(x / divisor, y)
    assert np.isfinite(ref)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
        assert ours(x, y) == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("factor", [1e300, 1e-300, 2.0**1000])
def test_pearson_levels_are_scale_free_at_the_float_edges(factor):
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    y = np.array([2.0, 1, 4, 3, 6, 8, 5, 7])
    groups = np.array(["g", "g", "g", "h", "h", "h", "h", "g"])
    for level, kw in [
        ("item", {}),
        ("system", {"systems": groups}),
        ("grouped", {"groups": groups}),
    ]:
        base = stats.pearson(x, y, level=level, **kw)
        assert stats.pearson(x * factor, y, level=level, **kw) == pytest.approx(base, abs=1e-12)
    ref = stats.spearman(x, y, level="system", systems=groups)
    big = stats.spearman(x * factor, y, level="system", systems=groups)
    assert big == pytest.approx(ref, abs=1e-12)


def test_icc_and_interval_alpha_of_large_values_equal_their_unscaled_values():
    rng = np.random.default_rng(9)
    m = rng.normal(size=(12, 3)) + rng.normal(0, 2, (12, 1))
    for factor in (1e300, 1e-300):
        for form in ("ICC1", "ICC2", "ICC3k"):
            assert stats.icc(m * factor, form=form) == pytest.approx(
                stats.icc(m, form=form), abs=1e-12
            )
        ref = krippendorff.alpha(m.T, level_of_measurement="interval")
        got = stats.krippendorff_alpha(m * factor, level="interval")
        assert got == pytest.approx(ref, abs=1e-12)


def test_weighted_kappa_with_category_values_near_float_max():
    big = [_FMAX, -_FMAX, 0.0, _FMAX, 0.0]
    small = [1.0, -1.0, 0.0, 1.0, 0.0]
    other_big = [_FMAX, 0.0, 0.0, 0.0, 0.0]
    other_small = [1.0, 0.0, 0.0, 0.0, 0.0]
    for weights in ("linear", "quadratic"):
        ref = cohen_kappa_score(small, other_small, weights=weights)
        assert stats.cohen_kappa(big, other_big, weights=weights) == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.pearson(np.full(5, 1e300), _X[:5]),
        lambda: stats.spearman(np.full(5, -1e300), _X[:5]),
        lambda: stats.icc(np.full((5, 2), 1e300)),
    ],
)
def test_constant_large_input_is_nan(call):
    assert np.isnan(call())


def test_bootstrap_pearson_of_large_values_is_finite():
    res = bootstrap("pearson", _X * 1e300, _Y, n_resamples=200, rng=0)
    assert res.estimate == pytest.approx(scipy_stats.pearsonr(_X, _Y).statistic, abs=1e-12)
    assert np.isfinite(res.ci_low) and np.isfinite(res.ci_high)
