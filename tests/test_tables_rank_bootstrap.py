"""agreement's vectorised Kendall / Spearman bootstrap against the per-resample scipy loop it replaces.

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
from workbench.tables import agreement

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
