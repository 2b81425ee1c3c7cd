"""agreement's vectorised Kendall / Spearman bootstrap against the per-resample scipy loop it replaces;
rank_correlation's bias-corrected interval over the paired leaderboard bootstrap.

``workbench.agreement.rank_bootstrap.rank_bootstrap`` evaluates all resamples and jackknife items at once (per-item
contingency tables of value levels, or pairwise sign / rank matrices). Setting its size limits to 0
sends the same call through ``workbench.stats.bootstrap.bootstrap_resample`` with one scipy
``kendalltau`` / ``spearmanr`` call per resample: the oracle. Same seed, same draws, so the tables
must agree to rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.agreement.rank_bootstrap as rank_module
from workbench.agreement.leaderboard import bias_corrected_interval
from workbench.errors import SchemaError
from workbench.tables import agreement, leaderboard, rank_correlation

NUMBERS = ["estimate", "ci_low", "ci_high", "se"]


def _ratings(*, n_items: int, continuous: bool, seed: int) -> pd.DataFrame:
    """3 annotators (15% of votes missing) and 2 judges per item."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_items):
        for rater, kind in [("human:1", "human"), ("human:2", "human"), ("human:3", "human")] + [
            ("j1", "llm"),
            ("j2", "llm"),
        ]:
            if kind == "human" and rng.random() < 0.15:
                continue
            score = rng.normal() if continuous else float(rng.integers(1, 6))
            rows.append(
                dict(
                    dataset="toy",
                    item_id=f"q{i // 3}/i{i}",
                    protocol="rating",
                    criterion="overall",
                    rater=rater,
                    rater_kind=kind,
                    score=round(score, 1),
                )
            )
    return pd.DataFrame(rows)


def _both(monkeypatch, df, **kw):
    fast = agreement(df, statistics=["kendall_tau", "spearman"], n_resamples=99, **kw)
    monkeypatch.setattr(rank_module, "RANK_MAX_CELLS", 0)
    monkeypatch.setattr(rank_module, "RANK_MAX_ROWS", 0)
    loop = agreement(df, statistics=["kendall_tau", "spearman"], n_resamples=99, **kw)
    return fast, loop


@pytest.mark.parametrize("continuous", [False, True])
@pytest.mark.parametrize("aggregate", ["mean", "pooled"])
@pytest.mark.parametrize("reference", ["human", "others"])
def test_agreement_rank_bootstrap_matches_scipy_loop(monkeypatch, continuous, aggregate, reference):
    df = _ratings(n_items=60, continuous=continuous, seed=3)
    fast, loop = _both(monkeypatch, df, aggregate=aggregate, reference=reference, rng=1)
    pd.testing.assert_frame_equal(fast.drop(columns=NUMBERS), loop.drop(columns=NUMBERS))
    np.testing.assert_allclose(fast[NUMBERS], loop[NUMBERS], rtol=0, atol=1e-12)
    assert fast["ci_low"].lt(fast["ci_high"]).all()  # real intervals, not NaN or degenerate


def test_agreement_rank_bootstrap_matrix_path_matches_scipy_loop(monkeypatch):
    # Continuous scores with the table path switched off: the n x n sign / rank matrices.
    df = _ratings(n_items=45, continuous=True, seed=4)
    monkeypatch.setattr(rank_module, "RANK_MAX_CELLS", 0)
    fast, loop = _both(monkeypatch, df, method="percentile", rng=2)
    np.testing.assert_allclose(fast[NUMBERS], loop[NUMBERS], rtol=0, atol=1e-12)


def test_agreement_rank_bootstrap_clusters_match_scipy_loop(monkeypatch):
    # Clusters of three items (the "q<k>/" prefix): several rows per resampling unit.
    df = _ratings(n_items=60, continuous=False, seed=5)
    fast, loop = _both(monkeypatch, df, cluster=lambda i: i.split("/")[0], rng=3)
    np.testing.assert_allclose(fast[NUMBERS], loop[NUMBERS], rtol=0, atol=1e-12)


# ----------------------------------------------------------------- rank_correlation's interval


def test_bias_corrected_interval_hand_z0():
    # Resamples 0.4, 0.6, 0.6, 0.8, 1.0 and an estimate of 0.8: 3 below, 1 equal (counts half),
    # so p = 3.5 / 5 = 0.7 and z0 = Phi^-1(0.7) = 0.5244 (normal table). 95% levels:
    # Phi(2 * 0.5244 - 1.96) = Phi(-0.9112) = 0.1811 and Phi(2 * 0.5244 + 1.96) = Phi(3.0088)
    # = 0.99869; numpy's linear quantiles of the 5 sorted values at those levels:
    # 0.4 + (4 * 0.1811) * 0.2 = 0.5449 and 0.8 + (4 * 0.99869 - 3) * 0.2 = 0.9990.
    lo, hi, z0 = bias_corrected_interval(0.8, [1.0, 0.8, 0.6, 0.6, 0.4])
    assert z0 == pytest.approx(0.5244, abs=1e-4)
    assert (lo, hi) == pytest.approx((0.5449, 0.9990), abs=1e-4)
    assert lo <= 0.8 <= hi
    # Half the resamples below: z0 = 0 and BC is the percentile interval.
    lo, hi, z0 = bias_corrected_interval(3.0, [1.0, 2.0, 4.0, 5.0], confidence_level=0.5)
    assert z0 == 0.0 and (lo, hi) == pytest.approx(tuple(np.quantile([1, 2, 4, 5], [0.25, 0.75])))


def test_bias_corrected_interval_is_nan_without_resamples_on_both_sides():
    lo, hi, z0 = bias_corrected_interval(2.0, [0.5, 1.0, 1.5])  # every resample below
    assert np.isnan(lo) and np.isnan(hi) and z0 == np.inf
    assert all(np.isnan(bias_corrected_interval(np.nan, [0.5, 1.0])))
    assert all(np.isnan(bias_corrected_interval(1.0, [np.nan, np.inf])))


def _toy_board() -> pd.DataFrame:
    """4 models; the judge swaps y and z (Pearson of ranks 1 - 6 * 2 / 60 = 0.8), with five
    synthetic paired resamples whose rank correlations are 1.0, 0.8, 0.6, 0.6, 0.4."""
    human, judge = [4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 1.0, 2.0]
    lb = pd.DataFrame(
        {
            "rater_group": ["human"] * 4 + ["j"] * 4,
            "model": list("wxyz") * 2,
            "score": human + judge,
            "rank": [1, 2, 3, 4, 1, 2, 4, 3],
        }
    )
    # Judge resample ranks (1,2,3,4), (1,2,4,3), (2,1,4,3) twice, (2,3,1,4): sum of squared
    # rank differences 0, 2, 4, 4, 6 -> rho = 1 - d2 / 10 = 1.0, 0.8, 0.6, 0.6, 0.4.
    judge_boot = [[4, 3, 2, 1], [4, 3, 1, 2], [3, 4, 1, 2], [3, 4, 1, 2], [3, 2, 4, 1]]
    scores = np.array([[human, j] for j in judge_boot], dtype=float)
    lb.attrs["bootstrap"] = {"groups": ["human", "j"], "models": list("wxyz"), "scores": scores}
    return lb


def test_rank_correlation_bc_toy_contains_estimate():
    lb = _toy_board()
    bc = rank_correlation(lb, method="bc").set_index("statistic")
    pct = rank_correlation(lb, method="percentile").set_index("statistic")
    basic = rank_correlation(lb).set_index("statistic")  # the default
    # z0 = Phi^-1(0.7) as in test_bias_corrected_interval_hand_z0: [0.5449, 0.9990].
    assert bc.loc["pearson_rank", ["estimate", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [0.8, 0.5449, 0.9990], abs=1e-4
    )
    # Percentile: numpy's 2.5% / 97.5% quantiles 0.4 + 0.1 * 0.2 = 0.42, 0.8 + 0.9 * 0.2 = 0.98;
    # basic: 2 * 0.8 - 0.98 = 0.62 and 2 * 0.8 - 0.42 = 1.18, clipped to 1.
    assert pct.loc["pearson_rank", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.42, 0.98])
    assert basic.loc["pearson_rank", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.62, 1.0])
    assert (bc["ci_method"] == "paired bootstrap bias-corrected percentile").all()
    assert (basic["ci_method"] == "paired bootstrap basic").all()
    assert (pct["ci_method"] == "paired bootstrap percentile").all()
    # Kendall: estimate (5 - 1) / 6 = 2/3; resamples 1, 2/3, 1/3, 1/3, 1/3 -> also p = 0.7.
    assert bc.loc["kendall_tau", "estimate"] == pytest.approx(2 / 3)
    assert (bc["ci_low"] <= bc["estimate"]).all() and (bc["estimate"] <= bc["ci_high"]).all()


def test_rank_correlation_checks_its_arguments():
    lb = _toy_board()
    with pytest.raises(
        ValueError, match=r"method: expected one of \['bc', 'percentile', 'basic'\]"
    ):
        rank_correlation(lb, method="bca")
    with pytest.raises(SchemaError, match=r"leaderboard_df: missing column\(s\) \['rank'\]"):
        rank_correlation(lb.drop(columns=["rank"]))


def test_rank_correlation_llmfao_bc_interval_contains_estimate(loaded):
    # LLMFAO (Ustalov 2023): the paired leaderboard bootstrap sits below every estimate
    # (resampling adds noise to both rankings); with 200 resamples (seed 0) the percentile
    # interval of crowd vs GPT-3.5-Instruct Kendall's tau ends below its estimate 0.5406.
    lb = leaderboard(loaded("llmfao"), n_resamples=200, rng=0)
    bc = rank_correlation(lb, reference="human", method="bc")
    pct = rank_correlation(lb, reference="human", method="percentile")
    basic = rank_correlation(lb, reference="human")  # the default
    pd.testing.assert_series_equal(bc["estimate"], pct["estimate"])
    # basic = the percentile interval reflected about the estimate: where the percentile
    # interval ends below the estimate, the basic one starts above it, and the note says so
    outside = (basic["ci_low"] > basic["estimate"]) | (basic["estimate"] > basic["ci_high"])
    assert outside.tolist() == (pct["ci_high"] < pct["estimate"]).tolist()
    assert outside.any() and basic.loc[outside, "note"].str.contains("estimate").all()
    np.testing.assert_allclose(
        basic["ci_low"], np.maximum(2 * pct["estimate"] - pct["ci_high"], -1), atol=1e-12
    )
    gpt35_tau = (pct["judge"] == "gpt-3.5-turbo-instruct") & (pct["statistic"] == "kendall_tau")
    assert (pct.loc[gpt35_tau, "ci_high"] < pct.loc[gpt35_tau, "estimate"]).all()
    assert (bc["ci_low"] <= bc["estimate"]).all() and (bc["estimate"] <= bc["ci_high"]).all()
    assert (bc["ci_low"] > pct["ci_low"]).all() and (bc["ci_high"] > pct["ci_high"]).all()
    # The upper BC level is beyond what 200 resamples resolve; the note says so.
    assert bc["note"].str.contains("most extreme resample").all()
