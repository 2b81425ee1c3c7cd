"""Many-rater percent agreement, Randolph's kappa, weighted Scott's pi and Brennan-Prediger.

Sources of truth: irrCAC 0.4.4 (``irrCAC/raw.py``, ``CAC.bp`` / ``CAC.fleiss``, test-only
oracle) on random items x raters matrices with missing data; hand-computed tiny examples;
identities with the unweighted statistics of `workbench.stats.agreement`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import stats
from workbench.stats import (
    SUFFICIENT_MANY_RATERS,
    brennan_prediger,
    fleiss_kappa,
    multi_rater_agreement,
    randolph_kappa,
    scott_pi,
    weighted_brennan_prediger,
    weighted_scott_pi,
)
from workbench.stats.bootstrap import bootstrap_sums

irrCAC = pytest.importorskip("irrCAC.raw", reason="irrCAC not installed (test-only oracle)")

WEIGHTS = ["identity", "linear", "quadratic"]


def _irr(m, categories, method, weights="identity", field="coefficient_value"):
    """irrCAC's unrounded (digits=15) value of ``method`` on an items x raters array."""
    cac = irrCAC.CAC(pd.DataFrame(m), weights=weights, categories=categories, digits=15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(getattr(cac, method)()["est"][field])


def _random_matrix(rng, missing=0.25):
    """2-6 raters, 2-5 categories (1..k), 5-40 items, NaN = missing; every item rated once."""
    k, n, r = int(rng.integers(2, 6)), int(rng.integers(5, 41)), int(rng.integers(2, 7))
    truth = rng.integers(1, k + 1, (n, 1))
    m = np.where(rng.random((n, r)) < 0.6, truth, rng.integers(1, k + 1, (n, r))).astype(float)
    m[rng.random((n, r)) < missing] = np.nan
    m = m[(~np.isnan(m)).sum(axis=1) >= 1]  # irrCAC drops unrated subjects first
    return m, list(range(1, k + 1))


def _cases(seed, count=40):
    rng = np.random.default_rng(seed)
    return [_random_matrix(rng) for _ in range(count)]


# ---------------------------------------------------------------------------------------
# irrCAC 0.4.4 as the oracle (1e-12)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("weights", WEIGHTS)
def test_multi_rater_agreement_matches_irrcac_pa(weights):
    for m, cats in _cases(1):
        ours = multi_rater_agreement(m, weights=weights, categories=cats)
        assert ours == pytest.approx(_irr(m, cats, "bp", weights, "pa"), abs=1e-12)
        assert ours == pytest.approx(_irr(m, cats, "fleiss", weights, "pa"), abs=1e-12)


def test_randolph_kappa_matches_irrcac_bp():
    for m, cats in _cases(2):
        assert randolph_kappa(m, categories=cats) == pytest.approx(_irr(m, cats, "bp"), abs=1e-12)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_weighted_brennan_prediger_matches_irrcac_bp(weights):
    for m, cats in _cases(3):
        ours = weighted_brennan_prediger(m, weights=weights, categories=cats)
        assert ours == pytest.approx(_irr(m, cats, "bp", weights), abs=1e-12)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_weighted_scott_pi_matches_irrcac_fleiss(weights):
    checked = 0
    for m, cats in _cases(4):
        ours = weighted_scott_pi(m, weights=weights, categories=cats)
        if np.unique(m[~np.isnan(m)]).size == 1:  # p_e = 1: NaN here (irrCAC: 0/0 or 1)
            assert np.isnan(ours)
            continue
        assert ours == pytest.approx(_irr(m, cats, "fleiss", weights), abs=1e-12)
        checked += 1
    assert checked >= 35


@pytest.mark.parametrize("weights", WEIGHTS)
def test_two_rater_arrays_match_irrcac_on_complete_pairs(weights):
    rng = np.random.default_rng(5)
    for _ in range(40):
        m, cats = _random_matrix(rng)
        a, b = m[:, 0], m[:, 1]
        complete = m[~np.isnan(a) & ~np.isnan(b)][:, :2]  # two arrays drop incomplete pairs
        if complete.shape[0] == 0:
            assert np.isnan(weighted_brennan_prediger(a, b, weights=weights, categories=cats))
            continue
        assert weighted_brennan_prediger(a, b, weights=weights, categories=cats) == (
            pytest.approx(_irr(complete, cats, "bp", weights), abs=1e-12)
        )
        ours = weighted_scott_pi(a, b, weights=weights, categories=cats)
        if np.unique(complete).size == 1:
            assert np.isnan(ours)
        else:
            assert ours == pytest.approx(_irr(complete, cats, "fleiss", weights), abs=1e-12)


def test_gwet_4_raters_example_matches_irrcac():
    # Gwet (2014) 4 raters x 12 subjects, 5 categories with missing ratings (irrCAC
    # datasets.raw_4raters; its doctest prints pa = 0.81818 for fleiss and gwet).
    from irrCAC.datasets import raw_4raters

    data = raw_4raters()
    m, cats = data.to_numpy(dtype=float), [1.0, 2.0, 3.0, 4.0, 5.0]
    assert multi_rater_agreement(m) == pytest.approx(0.81818, abs=5e-6)
    assert multi_rater_agreement(m) == pytest.approx(9 / 11, abs=1e-12)  # 11 items rated twice
    # all five categories are used, so q = 5 and p_e = 1/5
    assert randolph_kappa(m) == pytest.approx((9 / 11 - 0.2) / 0.8, abs=1e-12)
    for w in ("linear", "quadratic"):
        assert weighted_scott_pi(m, weights=w) == pytest.approx(
            _irr(m, cats, "fleiss", w), abs=1e-12
        )
        assert weighted_brennan_prediger(m, weights=w) == pytest.approx(
            _irr(m, cats, "bp", w), abs=1e-12
        )


def test_custom_weight_matrix_matches_irrcac():
    rng = np.random.default_rng(6)
    w = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.3], [0.1, 0.3, 1.0]])
    for _ in range(10):
        m = rng.integers(1, 4, (20, 4)).astype(float)
        m[rng.random(m.shape) < 0.3] = np.nan
        m = m[(~np.isnan(m)).sum(axis=1) >= 1]
        cats = [1, 2, 3]
        assert weighted_scott_pi(m, weights=w, categories=cats) == pytest.approx(
            _irr(m, cats, "fleiss", w), abs=1e-12
        )
        assert weighted_brennan_prediger(m, weights=w, categories=cats) == pytest.approx(
            _irr(m, cats, "bp", w), abs=1e-12
        )


# ---------------------------------------------------------------------------------------
# Hand-computed values and identities
# ---------------------------------------------------------------------------------------


def test_hand_computed_three_raters_with_missing():
    m = [["a", "a", "a"], ["a", "a", "b"], ["b", "b", "b"], ["b", "a", None], ["a", None, None]]
    # P_i over the 4 items rated twice: 1, 2/6, 1, 0 -> p_a = 7/12 (item 5 is left out)
    assert multi_rater_agreement(m) == pytest.approx(7 / 12, abs=1e-15)
    assert randolph_kappa(m) == pytest.approx((7 / 12 - 1 / 2) / (1 / 2), abs=1e-15)
    # pi over the 5 rated items: a = (1 + 2/3 + 0 + 1/2 + 1)/5 = 19/30, b = 11/30;
    # p_e = (19**2 + 11**2)/900 = 482/900; identity weights: Fleiss' kappa
    pe = 482 / 900
    expected = (7 / 12 - pe) / (1 - pe)
    assert weighted_scott_pi(m, weights="identity") == pytest.approx(expected, abs=1e-15)
    assert fleiss_kappa(m) == pytest.approx(expected, abs=1e-15)


def test_hand_computed_weighted_ordinal():
    m = [[1, 1], [2, 2], [3, 2]]
    # linear weights on 1..3: w = 1 - |k - l|/2; P_i = 1, 1, 1/2 -> p_a = 5/6
    assert multi_rater_agreement(m, weights="linear") == pytest.approx(5 / 6, abs=1e-15)
    # quadratic: w(2, 3) = 1 - 1/4 = 3/4 -> P_3 = 3/4, p_a = 11/12; T_w = 3 + 2 * 3/4 + 2 * 0
    # + 2 * 3/4 = 6 -> p_e = 6/9
    assert multi_rater_agreement(m, weights="quadratic") == pytest.approx(11 / 12, abs=1e-15)
    assert weighted_brennan_prediger(m) == pytest.approx((11 / 12 - 2 / 3) / (1 / 3), abs=1e-14)
    # pi = (1/3, 1/2, 1/6); linear: p_e = pi' W pi = 23/36 -> (5/6 - 23/36)/(13/36) = 7/13
    assert weighted_scott_pi(m, weights="linear") == pytest.approx(7 / 13, abs=1e-14)
    # a missing middle level changes q and the weights: categories 1..4, linear w = 1 - |d|/3
    # P_3 = 2/3 -> p_a = 8/9; T_w = 4 + 2 * (3 * 2/3 + 2 * 1/3) = 28/3 -> p_e = 28/48
    ours = weighted_brennan_prediger(m, weights="linear", categories=[1, 2, 3, 4])
    assert ours == pytest.approx((8 / 9 - 7 / 12) / (5 / 12), abs=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_identity_weights_equal_unweighted_statistics(seed):
    m, cats = _random_matrix(np.random.default_rng(100 + seed))
    assert weighted_brennan_prediger(m, weights="identity", categories=cats) == pytest.approx(
        randolph_kappa(m, categories=cats), abs=1e-14
    )
    kappa = fleiss_kappa(m, categories=cats)
    pi = weighted_scott_pi(m, weights="identity", categories=cats)
    assert (np.isnan(pi) and np.isnan(kappa)) or pi == pytest.approx(kappa, abs=1e-14)
    a, b = m[:, 0], m[:, 1]
    if (~np.isnan(a) & ~np.isnan(b)).any():
        assert weighted_brennan_prediger(a, b, weights="identity", categories=cats) == (
            pytest.approx(brennan_prediger(a, b, categories=cats), abs=1e-14)
        )
        s = scott_pi(a, b, categories=cats)
        ours = weighted_scott_pi(a, b, weights="identity", categories=cats)
        assert (np.isnan(s) and np.isnan(ours)) or ours == pytest.approx(s, abs=1e-14)


def test_item_and_rater_order_do_not_matter():
    m, cats = _random_matrix(np.random.default_rng(7))
    shuffled = m[::-1][:, ::-1]
    for f in (weighted_scott_pi, weighted_brennan_prediger):
        assert f(shuffled, weights="linear", categories=cats) == pytest.approx(
            f(m, weights="linear", categories=cats), abs=1e-14
        )
    assert randolph_kappa(shuffled) == pytest.approx(randolph_kappa(m), abs=1e-14)


# ---------------------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------------------


def test_all_missing_is_nan():
    m = np.full((3, 4), np.nan)
    for f in (multi_rater_agreement, randolph_kappa):
        assert np.isnan(f(m, categories=[1, 2]))
    for f in (weighted_scott_pi, weighted_brennan_prediger):
        assert np.isnan(f(m, categories=[1, 2]))
        assert np.isnan(f([1, None], [None, 2], categories=[1, 2]))  # no complete pair


def test_only_single_ratings_are_left_out():
    # each item has one rating: no item is rated twice, so p_a (and everything) is NaN
    m = [[1, None], [None, 2], [2, None]]
    assert np.isnan(multi_rater_agreement(m))
    assert np.isnan(randolph_kappa(m))
    # adding single-rated items leaves p_a unchanged (irrCAC: same pa); pi changes
    base = np.array([[1, 1, 2], [2, 2, 2], [1, 2, 1]], dtype=float)
    extra = np.vstack([base, [[3, np.nan, np.nan], [3, np.nan, np.nan]]])
    cats = [1, 2, 3]
    assert multi_rater_agreement(extra, categories=cats) == pytest.approx(
        multi_rater_agreement(base, categories=cats), abs=1e-15
    )
    assert multi_rater_agreement(extra, categories=cats) == pytest.approx(
        _irr(extra, cats, "bp", field="pa"), abs=1e-12
    )
    assert weighted_scott_pi(extra, weights="linear", categories=cats) == pytest.approx(
        _irr(extra, cats, "fleiss", "linear"), abs=1e-12
    )


def test_one_category():
    m = [[1, 1], [1, 1], [1, None]]
    assert multi_rater_agreement(m) == 1.0
    # q = 1: 1 - p_e = 0, NaN (as the two-rater brennan_prediger); irrCAC's bp sets
    # p_e = 1e-15 and reports 1
    assert np.isnan(randolph_kappa(m))
    assert np.isnan(weighted_brennan_prediger(m))
    assert _irr(np.asarray(m, dtype=float), [1], "bp") == pytest.approx(1.0)
    assert np.isnan(weighted_scott_pi(m))  # pi = (1,), p_e = 1
    # the full scale given: q = 2, p_e = 1/2 -> (1 - 1/2)/(1/2) = 1
    assert randolph_kappa(m, categories=[1, 2]) == 1.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: weighted_scott_pi([[1, 2]], weights="cubic"), "weights"),
        (lambda: weighted_brennan_prediger([[1, 2]], weights=np.eye(3)), "2 x 2"),
        (lambda: multi_rater_agreement([[1, 2]], weights=[[1, 0.5], [0.4, 1]]), "symmetric"),
        (lambda: randolph_kappa([["a", "c"]], categories=["a", "b"]), "'c'"),
        (lambda: randolph_kappa([1, 2, 3]), "2-D"),
        (lambda: weighted_scott_pi([1, 2], [1]), "same length"),
        (lambda: SUFFICIENT_MANY_RATERS["randolph_kappa"].resolve([1], [1], [1]), "3 arrays"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------------------------------
# Sufficient-statistic contract and bootstrap
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SUFFICIENT_MANY_RATERS))
def test_sufficient_contract(name):
    m, cats = _random_matrix(np.random.default_rng(8))
    options = {} if name == "randolph_kappa" else {"weights": "linear"}
    entry = SUFFICIENT_MANY_RATERS[name]
    assert entry.kind == "sum" and entry.statistic is getattr(stats, name)
    opts = entry.resolve(m, **options)
    assert opts["categories"] == tuple(float(c) for c in cats if c in m)
    c = entry.contributions(m, **opts)
    assert c.shape == (m.shape[0], len(opts["categories"]) + 3)
    np.testing.assert_allclose(entry.total(m, **opts), c.sum(axis=0), atol=1e-12)
    rows, counts = entry.distinct_contributions(m, **opts)
    np.testing.assert_allclose(counts @ rows, c.sum(axis=0), atol=1e-12)
    assert float(entry.from_sums(c.sum(axis=0), **opts)) == pytest.approx(
        entry.statistic(m, **options), abs=1e-14
    )
    draws = np.random.default_rng(0).multinomial(len(c), np.full(len(c), 1 / len(c)), size=3)
    batch = entry.from_sums(draws @ c, **opts)
    assert batch.shape == (3,)
    for i in range(3):  # each resample = the public function on the resampled items
        resampled = np.repeat(m, draws[i], axis=0)
        assert batch[i] == pytest.approx(
            entry.statistic(resampled, categories=opts["categories"], **options), abs=1e-12
        )


def test_resolve_defaults_match_public_defaults():
    m = [[1, 2], [2, 3], [3, 3], [1, 1]]
    for name in ("weighted_scott_pi", "weighted_brennan_prediger"):
        entry = SUFFICIENT_MANY_RATERS[name]
        assert entry.estimate(m) == entry.statistic(m) == entry.statistic(m, weights="quadratic")
    entry = SUFFICIENT_MANY_RATERS["multi_rater_agreement"]
    assert entry.estimate(m) == multi_rater_agreement(m) == 0.5  # exact matches only


def test_bootstrap_ci_of_randolph_kappa_matches_item_resampling():
    # The pattern-multinomial bootstrap (what stats.bootstrap.bootstrap runs on a registered
    # entry) against a naive item bootstrap of the public function: SEs agree within 10 %
    # (sampling error of an SE with B = 2000 is about 1.6 %).
    rng = np.random.default_rng(12)
    truth = rng.integers(1, 4, (300, 1))
    m = np.where(rng.random((300, 4)) < 0.6, truth, rng.integers(1, 4, (300, 4))).astype(float)
    m[rng.random(m.shape) < 0.2] = np.nan
    entry = SUFFICIENT_MANY_RATERS["randolph_kappa"]
    opts = entry.resolve(m)
    rows, counts = entry.distinct_contributions(m, **opts)
    res = bootstrap_sums(rows, lambda s: entry.from_sums(s, **opts), counts=counts, rng=0)
    assert res.estimate == pytest.approx(randolph_kappa(m), abs=1e-12)
    assert res.ci_low < res.estimate < res.ci_high
    naive = [
        randolph_kappa(m[rng.integers(0, 300, 300)], categories=opts["categories"])
        for _ in range(2000)
    ]
    assert res.se == pytest.approx(np.std(naive, ddof=1), rel=0.10)
