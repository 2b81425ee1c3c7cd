"""Paired judge comparisons, McNemar and multiple-testing corrections."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.multitest import multipletests

from workbench.stats.testing import adjust_pvalues, mcnemar, paired_difference


def _three(rng, n, p1, p2):
    ref = rng.integers(0, 3, n)
    j1 = np.where(rng.random(n) < p1, ref, rng.integers(0, 3, n))
    j2 = np.where(rng.random(n) < p2, ref, rng.integers(0, 3, n))
    return ref, j1, j2


def test_paired_difference_estimate_is_difference_of_kappas():
    rng = np.random.default_rng(0)
    ref, j1, j2 = _three(rng, 400, 0.8, 0.6)
    res = paired_difference("cohen_kappa", j1, j2, ref, n_resamples=500, rng=0)
    k1, k2 = cohen_kappa_score(ref, j1), cohen_kappa_score(ref, j2)
    assert res.estimate == pytest.approx(k1 - k2, abs=1e-12)
    assert (res.estimate_1, res.estimate_2) == pytest.approx((k1, k2), abs=1e-12)
    assert res.ci_low > 0 and res.p_value < 0.01


def test_paired_difference_null_p_value_not_small():
    # Same judge twice: difference exactly 0, p-value 1.
    rng = np.random.default_rng(1)
    ref, j1, _ = _three(rng, 200, 0.7, 0.7)
    res = paired_difference("percent_agreement", j1, j1, ref, n_resamples=200, rng=0)
    assert res.estimate == 0 and res.p_value == 1.0


def test_paired_difference_is_narrower_than_unpaired():
    # Two judges that err on the same items: the paired CI of the difference is much narrower
    # than the sum of the two separate bootstrap SEs would suggest.
    rng = np.random.default_rng(2)
    ref = rng.integers(0, 2, 1000)
    hard = rng.random(1000) < 0.3
    j1 = np.where(hard, 1 - ref, ref)
    j2 = j1.copy()
    flip = rng.random(1000) < 0.05
    j2[flip] = 1 - j2[flip]
    res = paired_difference(
        "percent_agreement", j1, j2, ref, n_resamples=1000, rng=0, method="percentile"
    )
    se_unpaired = np.sqrt(2 * 0.7 * 0.3 / 1000)
    assert (res.ci_high - res.ci_low) / 3.92 < 0.5 * se_unpaired


def test_paired_difference_spearman_resample_path():
    rng = np.random.default_rng(3)
    ref = rng.normal(size=80)
    j1 = ref + rng.normal(scale=0.3, size=80)
    j2 = ref + rng.normal(scale=2.0, size=80)
    res = paired_difference("spearman", j1, j2, ref, n_resamples=100, rng=0, method="percentile")
    assert res.estimate > 0 and res.ci_low > 0


def test_paired_difference_rejects_length_mismatch():
    with pytest.raises(ValueError, match="lengths"):
        paired_difference("cohen_kappa", [1, 2], [1], [1, 2])


def test_mcnemar_matches_statsmodels():
    rng = np.random.default_rng(4)
    ref, j1, j2 = _three(rng, 300, 0.8, 0.7)
    r = mcnemar(j1, j2, ref)
    ok1, ok2 = j1 == ref, j2 == ref
    table = [[np.sum(ok1 & ok2), np.sum(ok1 & ~ok2)], [np.sum(~ok1 & ok2), np.sum(~ok1 & ~ok2)]]
    assert r["n_discordant"] >= 25
    assert r["p_value"] == pytest.approx(sm_mcnemar(table, exact=False, correction=True).pvalue)


def test_mcnemar_exact_hand_example():
    # b = 6, c = 0 discordant: exact two-sided binomial p = 2 * 0.5**6 = 0.03125.
    r = mcnemar(["A"] * 9 + ["B"], ["A"] * 3 + ["B"] * 7, ["A"] * 10)
    assert r["p_value"] == pytest.approx(0.03125)


def test_adjust_pvalues_matches_statsmodels_and_skips_nan():
    p = np.array([0.001, 0.02, np.nan, 0.04, 0.3])
    for method in ("holm", "fdr_bh"):
        out = adjust_pvalues(p, method=method)
        assert np.isnan(out[2])
        expected = multipletests(p[~np.isnan(p)], method=method)[1]
        np.testing.assert_allclose(out[~np.isnan(p)], expected)


def test_adjust_pvalues_rejects_unknown_method():
    with pytest.raises(ValueError, match=r"method: expected one of .*'bonferroni'.*got 'sidak-ish'"):
        adjust_pvalues([0.1], method="sidak-ish")
