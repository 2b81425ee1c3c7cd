"""Prediction-powered rank-sets (workbench.replace.rank_sets; Chatzi et al., NeurIPS 2024).

Sources of truth: hand-computed rank-sets on toy tables; ``ppi-python`` 0.2.3 (test-only
oracle) for each model's PPI++ / classical estimate and interval at the Bonferroni level
``alpha / k``; a coverage simulation on synthetic Bradley-Terry battles whose true win rates
are known in closed form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, norm

from workbench.errors import SchemaError
from workbench.replace.rank_sets import (
    COLUMNS,
    Battles,
    battles,
    covers,
    rank_sets,
    rank_sets_of,
)
from workbench.testing import toy

ppi_py = pytest.importorskip("ppi_py")

# Six battles, each won by its model A: x wins 3 of 4, y 3 of 4, z 0 of 4.
MODELS = (["x", "x", "y", "y", "x", "y"], ["y", "z", "z", "x", "z", "z"])


def test_rank_sets_hand_computed_bonferroni():
    df = toy(pairwise={"human": "AAAAAA"}, models=MODELS)
    out = rank_sets(df, method="human", alpha=0.1)
    assert list(out.columns) == COLUMNS
    assert out["model"].tolist() == ["x", "y", "z"]
    assert out["estimate"].tolist() == [0.75, 0.75, 0.0]
    # se = sqrt(0.75 * 0.25 / 4) (divisor n), z_{1 - 0.1 / (2 * 3)}
    half = norm.ppf(1 - 0.1 / 6) * np.sqrt(0.75 * 0.25 / 4)
    np.testing.assert_allclose(out["ci_low"], [0.75 - half, 0.75 - half, 0.0], atol=1e-12)
    np.testing.assert_allclose(out["ci_high"], [0.75 + half, 0.75 + half, 0.0], atol=1e-12)
    assert out["rank_low"].tolist() == [1, 1, 3]
    assert out["rank_high"].tolist() == [2, 2, 3]
    assert out["n_human"].tolist() == [6, 6, 6]
    assert set(out["method"]) == {"human"}


def test_rank_sets_ties_half_and_loss():
    # x vs y: A, tie, tie, B -> x: (1 + 0 + 0 + 0) / 4 with ties lost, (1 + .5 + .5 + 0) / 4 halved
    df = toy(pairwise={"human": "AttB"}, models=(["x"] * 4, ["y"] * 4))
    loss = rank_sets(df, method="human").set_index("model")["estimate"]
    half = rank_sets(df, method="human", ties="half").set_index("model")["estimate"]
    assert loss.to_dict() == {"x": 0.25, "y": 0.25}
    assert half.to_dict() == {"x": 0.5, "y": 0.5}


def _battle_table(seed: int, n: int = 400, k: int = 4, flip: float = 0.2, skill=None):
    """A pairwise toy table: uniform random pairs, Bradley-Terry humans, a noisy judge."""
    rng = np.random.default_rng(seed)
    skill = np.linspace(1.5, -1.5, k) if skill is None else np.asarray(skill)
    a = rng.integers(k, size=n)
    b = (a + rng.integers(1, k, size=n)) % k
    p_a = 1 / (1 + np.exp(skill[b] - skill[a]))
    human = np.where(rng.random(n) < p_a, "A", "B")
    judge = np.where(rng.random(n) < flip, np.where(human == "A", "B", "A"), human)
    names = np.array([f"m{i}" for i in range(k)])
    return human, judge, names[a], names[b], skill


def test_rank_sets_ppr_equals_ppi_python_per_model():
    human, judge, ma, mb, _ = _battle_table(1)
    df = toy(pairwise={"human": list(human), "j": list(judge)}, models=(list(ma), list(mb)))
    out = rank_sets(df, judge="j", n_human=120, rng=7, alpha=0.1).set_index("model")
    b = battles(df, judge="j")
    lab = b.draw(120, 7)
    unl = np.setdiff1d(np.arange(len(b.a)), lab)
    w = lambda labels, side: (labels == side).astype(float)  # noqa: E731
    k = len(b.models)
    assert k == 4 and set(out["n_human"]) == {120}
    for m, name in enumerate(b.models):
        # model m's outcome on each of its battles: it wins when the verdict names its side
        def outcome(rows, labels, m=m):
            rows_a, rows_b = rows[b.a[rows] == m], rows[b.b[rows] == m]
            la, lb = labels[b.a[rows] == m], labels[b.b[rows] == m]
            order = np.argsort(np.concatenate([rows_a, rows_b]), kind="stable")
            return np.concatenate([w(la, "A"), w(lb, "B")])[order]

        y = outcome(lab, b.human[lab])
        yhat = outcome(lab, b.judge[lab])
        yhat_u = outcome(unl, b.judge[unl])
        point = ppi_py.ppi_mean_pointestimate(y, yhat, yhat_u, lam=None)
        low, high = ppi_py.ppi_mean_ci(y, yhat, yhat_u, alpha=0.1 / k, lam=None)
        row = out.loc[name]
        assert abs(row["estimate"] - float(np.ravel(point)[0])) < 1e-9
        assert abs(row["ci_low"] - float(np.ravel(low)[0])) < 1e-9
        assert abs(row["ci_high"] - float(np.ravel(high)[0])) < 1e-9
        # the human-only intervals on the same drawn battles: ppi-python's classical interval
        hum = rank_sets(df, judge="j", method="human", n_human=120, rng=7).set_index("model")
        c_low, c_high = ppi_py.classical_mean_ci(y, alpha=0.1 / k)
        assert abs(hum.loc[name, "estimate"] - y.mean()) < 1e-12
        assert abs(hum.loc[name, "ci_low"] - float(np.ravel(c_low)[0])) < 1e-9
        assert abs(hum.loc[name, "ci_high"] - float(np.ravel(c_high)[0])) < 1e-9


def test_rank_sets_ellipsoid_hand_computed():
    # human-only, the paper's ellipsoid: intervals are the shadow sqrt(chi2_k * var) on each
    # axis; x and z are ordered when |0.75 - 0| > sqrt(chi2 * (var_x + var_z - 2 cov_xz))
    df = toy(pairwise={"human": "AAAAAA"}, models=MODELS)
    out = rank_sets(df, method="human", construction="ellipsoid").set_index("model")
    c = np.sqrt(chi2.ppf(0.9, 3))
    var = 0.75 * 0.25 / 4
    assert abs(out.loc["x", "ci_high"] - (0.75 + c * np.sqrt(var))) < 1e-12
    # z has no variance and no battle varies it: x - z is ordered when .75 > c * sqrt(var_x)
    assert 0.75 > c * np.sqrt(var)  # 0.75 > 2.500 * 0.2165 = 0.541; x and y tie: not ordered
    assert out["rank_low"].to_dict() == {"x": 1, "y": 1, "z": 3}
    assert out["rank_high"].to_dict() == {"x": 2, "y": 2, "z": 3}


def test_rank_sets_ellipsoid_pair_rule():
    # two models, 40 battles x beats y in 30: theta_x = .75, theta_y = .25 = 1 - theta_x, so
    # var(x - y) = 4 var(x) and the rule is |.5| > sqrt(chi2_2(.9) * 4 * .75 * .25 / 40)
    df = toy(pairwise={"human": "A" * 30 + "B" * 10}, models=(["x"] * 40, ["y"] * 40))
    out = rank_sets(df, method="human", construction="ellipsoid", alpha=0.1)
    assert 0.5 > np.sqrt(chi2.ppf(0.9, 2) * 4 * 0.75 * 0.25 / 40)
    assert out["rank_low"].tolist() == [1, 2] and out["rank_high"].tolist() == [1, 2]
    # at 8 battles (6 - 2) the same shares are not separable: .5 < sqrt(4.605 * .09375)
    small = toy(pairwise={"human": "AAAAAABB"}, models=(["x"] * 8, ["y"] * 8))
    out = rank_sets(small, method="human", construction="ellipsoid", alpha=0.1)
    assert 0.5 < np.sqrt(chi2.ppf(0.9, 2) * 4 * 0.75 * 0.25 / 8)
    assert out["rank_low"].tolist() == [1, 1] and out["rank_high"].tolist() == [2, 2]


def test_rank_sets_judge_only_and_unparsable_verdicts_left_out():
    df = toy(pairwise={"human": "AAAAAA", "j": "AA?ABB"}, models=MODELS)
    out = rank_sets(df, judge="j", method="judge").set_index("model")
    # battle 2 (y vs z) is unparsed: y plays 0 (B: lost), 3 (A: won), 5 (B: lost) -> 1/3
    assert abs(out.loc["y", "estimate"] - 1 / 3) < 1e-12
    assert set(out["n_human"]) == {0}
    hum = rank_sets(df, judge="j", method="human")
    assert set(hum["n_human"]) == {5}  # the unparsed battle is left out for humans too
    assert rank_sets(df, method="human")["n_human"].iloc[0] == 6  # no judge named: all six


def test_rank_sets_individual_annotators_use_their_majority():
    votes = {"human:1": "AABAAA", "human:2": "AAABAA", "human:3": "ABAAAA"}
    df = toy(pairwise=votes, models=MODELS)
    single = toy(pairwise={"human": "AAAAAA"}, models=MODELS)
    a = rank_sets(df, method="human")
    pd.testing.assert_frame_equal(a, rank_sets(single, method="human"))


def test_rank_sets_draw_is_seeded_and_shared_by_methods():
    human, judge, ma, mb, _ = _battle_table(2)
    df = toy(pairwise={"human": list(human), "j": list(judge)}, models=(list(ma), list(mb)))
    one = rank_sets(df, judge="j", n_human=100, rng=3)
    pd.testing.assert_frame_equal(one, rank_sets(df, judge="j", n_human=100, rng=3))
    assert not one.equals(rank_sets(df, judge="j", n_human=100, rng=4))
    b = battles(df, judge="j")
    assert np.array_equal(b.draw(100, 3), b.draw(100, 3))


def _synthetic_battles(seed: int, n: int, k: int, flip: float, skill=None):
    human, judge, ma, mb, skill = _battle_table(seed, n=n, k=k, flip=flip, skill=skill)
    frame = pd.DataFrame(
        {"item_id": [str(i) for i in range(n)], "model_a": ma, "model_b": mb}
    ).assign(human=human, judge=judge)
    # true win rate of m: pairs are uniform, so theta_m = mean over m' != m of P(m beats m')
    p = 1 / (1 + np.exp(skill[None, :] - skill[:, None]))
    theta = pd.Series((p.sum(axis=1) - 0.5) / (k - 1), index=[f"m{i}" for i in range(k)])
    return Battles(frame, "j"), theta


def test_rank_sets_coverage_simulation():
    # 200 synthetic tables (5 close models, 3,000 battles, 300 human-labelled, judge wrong
    # 20%), alpha = 0.1: the five Bonferroni intervals cover the five true win rates at once
    # in about 1 - alpha of the tables (measured: 183 PPR, 180 human-only), the rank-sets
    # cover the true ranking at least as often, and PPR's rank-sets are smaller on average
    skill = np.linspace(0.4, -0.4, 5)
    hits = {"ppr": 0, "human": 0}
    joint = {"ppr": 0, "human": 0}
    size = {"ppr": [], "human": []}
    for seed in range(200):
        b, theta = _synthetic_battles(seed, n=3000, k=5, flip=0.2, skill=skill)
        for method in hits:
            out = rank_sets_of(b, method=method, n_human=300, rng=seed, alpha=0.1)
            hits[method] += covers(out, theta.rank(ascending=False))
            size[method].append((out["rank_high"] - out["rank_low"] + 1).mean())
            iv = out.set_index("model").reindex(theta.index)
            joint[method] += bool(((iv["ci_low"] <= theta) & (theta <= iv["ci_high"])).all())
    for method in hits:
        assert 0.87 <= joint[method] / 200 <= 0.97, joint
        assert hits[method] >= joint[method]
    assert np.mean(size["ppr"]) < np.mean(size["human"]) - 0.2, size


def test_rank_sets_uninformative_judge_does_not_widen():
    # a judge that flips a fair coin: per-model tuning keeps lam near 0, so every PPR
    # interval is at most 2% wider than the human-only one on the same battles
    b, _ = _synthetic_battles(5, n=3000, k=5, flip=0.5)
    ppr = rank_sets_of(b, method="ppr", n_human=300, rng=1).set_index("model")
    hum = rank_sets_of(b, method="human", n_human=300, rng=1).set_index("model")
    ratio = (ppr["ci_high"] - ppr["ci_low"]) / (hum["ci_high"] - hum["ci_low"])
    assert (ratio <= 1.02).all(), ratio


def test_covers():
    sets = pd.DataFrame({"model": ["x", "y"], "rank_low": [1, 1], "rank_high": [2, 2]})
    assert covers(sets, pd.Series({"x": 2, "y": 1}))
    with pytest.raises(ValueError, match="no rank"):
        covers(sets, pd.Series({"x": 1}))


PAIRS = toy(pairwise={"human": "AAAAAA", "j": "AAAABB", "k": "BBBBAA"}, models=MODELS)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(method="ppr"), ValueError, r"judge: name one of the table's judges \['j', 'k'\]"),
        (dict(judge="nope"), ValueError, "'nope' is not a judge"),
        (dict(judge="human"), ValueError, "'human' is not a judge"),
        (dict(judge="j", n_human=7), ValueError, r"n_human: expected an integer in \[2, 6\]"),
        (dict(judge="j", n_human=2.5), ValueError, "n_human"),
        (dict(judge="j", method="judge", n_human=3), ValueError, "uses no human labels"),
        (dict(judge="j", method="best"), ValueError, "method: expected one of"),
        (dict(judge="j", construction="x"), ValueError, "construction: expected one of"),
        (dict(judge="j", ties="x"), ValueError, "ties: expected one of"),
        (dict(judge="j", alpha=1.5), ValueError, r"alpha: expected a number in \(0, 1\)"),
        (dict(judge="j", n_human=2, rng=0), ValueError, "need at least 2"),
    ],
)
def test_rank_sets_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        rank_sets(PAIRS, **kwargs)


def test_rank_sets_bad_tables():
    no_humans = toy(pairwise={"j": "AAAAAA"}, models=MODELS)
    with pytest.raises(SchemaError, match="no human labels"):
        rank_sets(no_humans, judge="j")
    no_models = toy(pairwise={"human": "AAAAAA", "j": "AAAAAA"})
    with pytest.raises(SchemaError, match="model_a"):
        rank_sets(no_models, judge="j")
    binary = toy(binary={"human": "cc", "j": "ci"})
    with pytest.raises(SchemaError, match="protocol"):
        rank_sets(binary, judge="j")
    na_model = PAIRS.copy()
    na_model.loc[na_model["item_id"] == "3", "model_b"] = pd.NA
    with pytest.raises(SchemaError, match="item '3'.*NA"):
        rank_sets(na_model, judge="j")
    one_model = toy(pairwise={"human": "AA"}, models=(["x", "x"], ["x", "x"]))
    with pytest.raises(ValueError, match="need at least 2 to rank"):
        rank_sets(one_model, method="human")
