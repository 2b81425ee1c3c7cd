"""Prediction-powered estimates (workbench.replace.ppi), issue #12 item 2.

Sources of truth: ``ppi-python`` 0.2.3 as a test-only oracle (``ppi_mean_pointestimate``,
``ppi_mean_ci``, ``classical_mean_ci``), hand-computed values, a coverage simulation, and the
PandaLM test set (human:majority of three annotators, GPT-3.5 verdicts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.errors import SchemaError
from workbench.replace.ppi import (
    COLUMNS,
    PPIWarning,
    human_only_mean,
    ppi_estimate,
    ppi_mean,
    ppi_proportion,
)
from workbench.testing import toy

ppi_py = pytest.importorskip("ppi_py")


def _synthetic(rng: np.random.Generator, n: int, big_n: int, *, p: float, accuracy: float):
    """0/1 outcomes with mean ``p``; the judge gives the outcome with prob. ``accuracy``."""
    y = rng.random(n + big_n) < p
    right = rng.random(n + big_n) < accuracy
    yhat = np.where(right, y, ~y).astype(float)
    return y[:n].astype(float), yhat[:n], yhat[n:]


def _continuous(rng: np.random.Generator, n: int, big_n: int):
    """Real outcomes and a noisy, biased prediction of them."""
    y = rng.normal(1.0, 2.0, n + big_n)
    yhat = 0.7 * y + 0.5 + rng.normal(0, 1.0, n + big_n)
    return y[:n], yhat[:n], yhat[n:]


CASES = [
    ("binary informative", lambda r: _synthetic(r, 50, 400, p=0.3, accuracy=0.9)),
    ("binary weak", lambda r: _synthetic(r, 30, 100, p=0.6, accuracy=0.55)),
    ("binary anti-informative", lambda r: _synthetic(r, 40, 200, p=0.5, accuracy=0.2)),
    ("continuous", lambda r: _continuous(r, 80, 1000)),
    ("continuous n > N", lambda r: _continuous(r, 300, 50)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("confidence_level", [0.95, 0.9])
def test_ppi_mean_equals_ppi_python(case, confidence_level):
    y, yhat, yhat_u = case[1](np.random.default_rng(7))
    alpha = 1 - confidence_level
    for lam in (None, 1.0):
        ours = ppi_mean(y, yhat, yhat_u, confidence_level=confidence_level, lam=lam)
        point = ppi_py.ppi_mean_pointestimate(y, yhat, yhat_u, lam=lam)
        low, high = ppi_py.ppi_mean_ci(y, yhat, yhat_u, alpha=alpha, lam=lam)
        assert ours.estimate == pytest.approx(float(np.squeeze(point)), abs=1e-9)
        assert ours.ci_low == pytest.approx(float(np.squeeze(low)), abs=1e-9)
        assert ours.ci_high == pytest.approx(float(np.squeeze(high)), abs=1e-9)
        assert 0 <= ours.lam <= 1
    # power_tuning=False is classical PPI, lam = 1
    assert ppi_mean(y, yhat, yhat_u, power_tuning=False).lam == 1.0


def test_ppi_mean_anti_informative_judge_clips_lam_to_zero():
    # A judge right 20% of the time has Cov(Y, Ŷ) < 0: the tuned lam is clipped to 0.
    y, yhat, yhat_u = _synthetic(np.random.default_rng(7), 40, 200, p=0.5, accuracy=0.2)
    assert ppi_mean(y, yhat, yhat_u).lam == 0.0


def test_human_only_mean_equals_ppi_python_classical():
    y, _, _ = _synthetic(np.random.default_rng(3), 60, 1, p=0.4, accuracy=1)
    ours = human_only_mean(y, confidence_level=0.9)
    low, high = ppi_py.classical_mean_ci(y, alpha=0.1)
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), abs=1e-12)
    assert (ours.lam, ours.n_labelled, ours.n_unlabelled) == (0.0, 60, 0)
    # lam = 0 in ppi_mean gives the same interval
    same = ppi_mean(y, y, np.ones(5), lam=0, confidence_level=0.9)
    assert (same.ci_low, same.ci_high) == pytest.approx((low, high), abs=1e-12)


def test_ppi_mean_hand_computed():
    # Module docstring: Cov = 0.25, Var(all 8 predictions) = 15/56, lam = 7/15.
    r = ppi_mean([1, 0, 1, 0], [1, 0, 1, 0], [1, 1, 1, 0])
    assert r.lam == pytest.approx(7 / 15, abs=1e-12)
    assert r.estimate == pytest.approx(0.5 + 7 / 15 * 0.25, abs=1e-12)
    # se^2 = Var(lam Ŷ_u)/N + Var(Y - lam Ŷ)/n = (7/15)^2 * 3/16 / 4 + (8/15)^2 * 0.25 / 4
    se = np.sqrt((7 / 15) ** 2 * 3 / 16 / 4 + (8 / 15) ** 2 * 0.25 / 4)
    assert r.se == pytest.approx(se, abs=1e-12)
    assert r.ci_high - r.estimate == pytest.approx(1.959963984540054 * se, abs=1e-9)


def _simulate(accuracy: float, n_datasets: int = 500, n: int = 200, big_n: int = 2000):
    rng = np.random.default_rng(20231103)
    p = 0.6
    cover, width, human_width, lams = [], [], [], []
    for _ in range(n_datasets):
        y, yhat, yhat_u = _synthetic(rng, n, big_n, p=p, accuracy=accuracy)
        r, h = ppi_proportion(y, yhat, yhat_u), human_only_mean(y)
        cover.append(r.ci_low <= p <= r.ci_high)
        width.append(r.ci_high - r.ci_low)
        human_width.append(h.ci_high - h.ci_low)
        lams.append(r.lam)
    return np.mean(cover), np.mean(width), np.mean(human_width), np.mean(lams)


def test_ppi_proportion_coverage_and_width_informative_judge():
    # 500 seeded datasets, n = 200 labelled, N = 2000 unlabelled, judge right 85% of the time.
    coverage, width, human_width, lam = _simulate(accuracy=0.85)
    assert coverage >= 0.93
    # measured: coverage 0.944, mean width 0.101 vs 0.135 (human-only), mean lam 0.62
    assert width < 0.85 * human_width
    assert 0.3 < lam < 0.7


def test_ppi_proportion_non_informative_judge_matches_human_only():
    # A coin-flip judge: Cov(Y, Ŷ) ~ 0, so lam ~ 0 and the interval is the human-only one.
    coverage, width, human_width, lam = _simulate(accuracy=0.5)
    assert lam < 0.05  # measured: coverage 0.952, width 0.1351 vs 0.1353, mean lam 0.023
    assert width == pytest.approx(human_width, rel=0.01)
    assert coverage >= 0.93


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (([1.0], [1.0], [0.0, 1.0]), "y_labelled"),
        (([1.0, 0.0], [1.0], [0.0, 1.0]), "yhat_labelled"),
        (([1.0, 0.0], [1.0, 0.0], []), "yhat_unlabelled"),
        (([1.0, np.nan], [1.0, 0.0], [0.0]), "y_labelled"),
        (([1.0, 0.0], [1.0, 0.0], [0.0, np.nan]), "yhat_unlabelled"),
        (([1.0, 0.0], [[1.0, 0.0]], [0.0]), "yhat_labelled"),
        ((["a", "b"], [1.0, 0.0], [0.0]), "y_labelled"),
    ],
)
def test_ppi_mean_bad_input_names_argument(args, name):
    with pytest.raises(ValueError, match=name):
        ppi_mean(*args)


def test_ppi_mean_bad_options():
    with pytest.raises(ValueError, match="confidence_level"):
        ppi_mean([1, 0], [1, 0], [1], confidence_level=95)
    with pytest.raises(ValueError, match="lam"):
        ppi_mean([1, 0], [1, 0], [1], lam=np.nan)
    with pytest.raises(ValueError, match="yhat_unlabelled: expected 0/1 values, got 0.5"):
        ppi_proportion([1, 0], [1, 0], [1, 0.5])


def test_ppi_mean_constant_labels_nan_interval_with_note():
    # Constant labels: Cov = 0, lam = 0, se = sd(Y)/sqrt(n) = 0 -> no interval.
    r = ppi_mean([1, 1, 1, 1], [1, 0, 1, 0], [0, 1, 1])
    assert (r.estimate, r.lam, r.se) == (1.0, 0.0, 0.0)
    assert np.isnan(r.ci_low) and np.isnan(r.ci_high)
    assert "standard error 0" in r.note
    # Constant predictions: Var(Ŷ) = 0, lam = 0, the human-only estimate
    r = ppi_mean([1, 0, 1, 1], [1, 1, 1, 1], [1, 1])
    assert r.lam == 0.0 and r.estimate == 0.75 and r.note == ""
    assert human_only_mean([0, 0, 0]).note != ""


def test_ppi_estimate_toy_matches_arrays():
    # Items 0-9; labelled 0-4: Y = 1,1,0,1,1 (A = 1); judge = people except item 9 (tie).
    df = toy(pairwise={"human": "AABAABABBA", "j": "AABAABABBt"})
    out = ppi_estimate(df, judge="j", labelled_items=["0", "1", "2", "3", "4"])
    assert list(out.columns) == COLUMNS
    y = np.array([1, 1, 0, 1, 1.0])
    want = ppi_mean(y, y, [0, 1, 0, 0, 0.5])
    got = out.iloc[0]
    assert (got["estimate"], got["ci_low"], got["lam"]) == pytest.approx(
        (want.estimate, want.ci_low, want.lam), abs=1e-12
    )
    assert got["human_only_estimate"] == pytest.approx(0.8)
    assert (got["n_labelled"], got["n_unlabelled"], got["reference"]) == (5, 5, "human")


def test_ppi_estimate_bad_arguments():
    df = toy(pairwise={"human": "AABAABABBA", "j": "AABAABABBt"})
    with pytest.raises(ValueError, match="labelled_items, n_labelled"):
        ppi_estimate(df, judge="j", labelled_items=["0"], n_labelled=3)
    with pytest.raises(ValueError, match=r"n_labelled: expected an integer in \[1, 10\]"):
        ppi_estimate(df, judge="j", n_labelled=11)
    with pytest.raises(ValueError, match="labelled_items: item"):
        ppi_estimate(df, judge="j", labelled_items=["0", "99"])
    with pytest.raises(ValueError, match="judge: rater 'x'"):
        ppi_estimate(df, judge="x")
    with pytest.raises(ValueError, match="target: 'accuracy' needs a binary table"):
        ppi_estimate(df, judge="j", target="accuracy")
    with pytest.raises(ValueError, match="other: target='agreement'"):
        ppi_estimate(df, judge="j", target="agreement")
    with pytest.raises(ValueError, match="target"):
        ppi_estimate(df, judge="j", target="kappa")
    with pytest.raises(SchemaError, match="criterion"):
        ppi_estimate(df.assign(criterion=["a", "b"] * 10), judge="j")
    with pytest.warns(PPIWarning, match="1 labelled and 9 unlabelled"):
        out = ppi_estimate(df, judge="j", labelled_items=["0"])
    assert np.isnan(out.loc[0, "estimate"]) and "no PPI estimate" in out.loc[0, "note"]


def test_ppi_estimate_binary_accuracy():
    # Six items, people: c c i c i c; judge: c c i c c c; labelled 0-3 (Y = Ŷ = 1,1,0,1).
    df = toy(binary={"human": "ccicic", "j": "cciccc"})
    out = ppi_estimate(df, judge="j", target="accuracy", labelled_items=["0", "1", "2", "3"])
    y = np.array([1, 1, 0, 1.0])
    # Cov = Var(Y) = 0.1875; Var of the six predictions (five ones, divisor 5) = 1/6;
    # lam = 0.1875 / ((1 + 4/2) * 1/6) = 0.375; estimate = 0.375 * 1 + (0.75 - 0.375 * 0.75)
    want = ppi_mean(y, y, [1, 1.0])
    assert (want.lam, want.estimate) == pytest.approx((0.375, 0.84375), abs=1e-12)
    assert out.loc[0, "estimate"] == pytest.approx(want.estimate, abs=1e-12)
    assert out.loc[0, "human_only_estimate"] == pytest.approx(0.75)


def _pandalm_arrays(df: pd.DataFrame, judge: str, labelled: pd.Index):
    """Independent construction of Y / Ŷ from the PandaLM table (A = 1, tie = 0.5, B = 0)."""
    code = {"A": 1.0, "tie": 0.5, "B": 0.0}
    wide = df.pivot(index="item_id", columns="rater", values="label").astype("object")
    y = wide["human:majority"].map(code)
    yhat = wide[judge].map(code).dropna()
    rest = yhat.index.difference(labelled)
    return y[labelled].to_numpy(), yhat[labelled].to_numpy(), yhat[rest].to_numpy(), y


def test_ppi_estimate_pandalm_100_labelled(loaded):
    df = loaded("pandalm")
    df = df[df["rater"].isin(["human:majority", "gpt-3.5-turbo"])]
    out = ppi_estimate(df, judge="gpt-3.5-turbo", n_labelled=100, rng=0).iloc[0]
    assert (out["n_labelled"], out["reference"]) == (100, "human:majority")
    # 999 items; 25 GPT-3.5 verdicts NA (974 with a verdict) -> 874 unlabelled
    assert out["n_unlabelled"] == 874
    # measured: estimate 0.4836 [0.4078, 0.5593], lam 0.503; human-only 0.505 [0.4136, 0.5964]
    assert out["ci_high"] - out["ci_low"] < 0.9 * (
        out["human_only_ci_high"] - out["human_only_ci_low"]
    )
    assert 0.3 < out["lam"] < 0.7
    # the same numbers from an independent construction of the arrays, and from ppi_py
    wide = df.pivot(index="item_id", columns="rater", values="label").astype("object")
    both = wide.dropna().index.sort_values()
    pick = np.sort(np.random.default_rng(0).choice(len(both), size=100, replace=False))
    y, yhat, yhat_u, y_all = _pandalm_arrays(df, "gpt-3.5-turbo", both[pick])
    low, high = ppi_py.ppi_mean_ci(y, yhat, yhat_u, alpha=0.05)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((low[0], high[0]), abs=1e-9)
    # the mean over every item with a human label lies in the interval
    assert out["ci_low"] <= y_all.dropna().mean() <= out["ci_high"]
