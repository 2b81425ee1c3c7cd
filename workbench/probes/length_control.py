"""Length-controlled leaderboards: model strengths from a rater's pairwise verdicts with and
without a term for the length difference of the two responses (Dubois et al. 2024,
AlpacaEval LC), and how each leaderboard's ranking correlates with the people's.

The model (a logistic GLM, as AlpacaEval's length-controlled win rates):
``P(A wins) = sigmoid(theta_a - theta_b + gamma * tanh(d / sd(d)))`` with ``d`` the
length difference in characters (A minus B); ties count as half a win for each side.
The plain leaderboard is the same fit without ``gamma`` (Bradley-Terry). The
length-controlled strengths are the ``theta`` of the fit with ``gamma``: what a model's
verdicts would be at equal length.

Examples
--------
>>> a, b = np.array([0, 0, 1, 1]), np.array([1, 2, 2, 0])
>>> y = np.array([1.0, 1.0, 1.0, 0.0])  # 0 beats 1 (twice), 0 beats 2, 1 beats 2
>>> theta, gamma = fit_strengths(a, b, y, np.ones(4), 3)
>>> bool(theta[0] > theta[1] > theta[2]), bool(np.isnan(gamma))
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize

from ..agreement.ranking import bias_corrected_interval
from ..stats import spearman
from . import frame
from .estimate import Rng, resampling_options

__all__ = ["fit_strengths", "length_controlled_leaderboard"]

RIDGE = 1e-3
"""L2 penalty on the strengths: identifies them (mean 0) and keeps a model that only wins finite."""


def fit_strengths(
    a: np.ndarray,
    b: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    n_models: int,
    length: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Penalised logistic fit of strengths ``theta`` (mean 0) and, with ``length``, its slope.

    ``y`` is A's score (1, 0.5, 0), ``w`` a weight per comparison; ``start`` the initial
    parameters (theta, then gamma); returns (theta, gamma), gamma NaN without ``length``.
    """
    k = n_models + (length is not None)

    def loss(p: np.ndarray) -> tuple[float, np.ndarray]:
        theta = p[:n_models]
        z = theta[a] - theta[b] + (p[-1] * length if length is not None else 0.0)
        s = 1 / (1 + np.exp(-z))
        ll = w * (y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
        r = w * (s - y)
        grad = np.zeros(k)
        grad[:n_models] = np.bincount(a, r, n_models) - np.bincount(b, r, n_models)
        if length is not None:
            grad[-1] = np.sum(r * length)
        grad[:n_models] += 2 * RIDGE * theta
        return float(ll.sum() + RIDGE * np.sum(theta**2)), grad

    x0 = np.zeros(k) if start is None else start
    res = optimize.minimize(loss, x0, jac=True, method="L-BFGS-B")
    theta = res.x[:n_models] - res.x[:n_models].mean()
    return theta, float(res.x[-1]) if length is not None else float("nan")


def _comparisons(rows: pd.DataFrame, models: pd.Index) -> pd.DataFrame:
    lab = rows["label"].astype("object")
    ok = lab.isin(["A", "B", "tie"]).to_numpy().copy()
    ok &= rows["model_a"].notna().to_numpy() & rows["model_b"].notna().to_numpy()
    r = rows[ok]
    la = r["response_a"].astype("object").fillna("").astype(str).str.len().to_numpy(float)
    lb = r["response_b"].astype("object").fillna("").astype(str).str.len().to_numpy(float)
    return pd.DataFrame(
        {
            "a": models.get_indexer(r["model_a"].astype("object")),
            "b": models.get_indexer(r["model_b"].astype("object")),
            "y": r["label"].astype("object").map({"A": 1.0, "B": 0.0, "tie": 0.5}).to_numpy(),
            "d": la - lb,
            "cluster": r["_cluster"].to_numpy(dtype=object),
        }
    )


def length_controlled_leaderboard(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    n_resamples: int = 200,
    confidence_level: float = 0.95,
    rng: Rng = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plain and length-controlled leaderboards per judge, and their rank correlation with people's.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with ``model_a`` / ``model_b`` and ``response_a`` /
        ``response_b`` (LLMFAO).
    judge : str, list of str or None
        Judges (default: every ``llm`` rater).
    reference : str, list of str or "humans", default "humans"
        People whose pooled votes give the reference leaderboard (plain, not
        length-controlled: the people's preferences are the target).
    n_resamples, confidence_level, rng
        Item bootstrap (every fit refitted on each resample) for the correlations'
        intervals: bias-corrected percentile (:func:`workbench.agreement.bias_corrected_interval`;
        resampled leaderboards are noisier, so resampled correlations sit low).

    Returns
    -------
    board : DataFrame
        ``rater``, ``model``, ``score_plain``, ``score_lc`` (log-strengths, mean 0),
        ``rank_plain``, ``rank_lc`` (1 = best), ``length_slope`` (gamma of the rater).
    correlation : DataFrame
        ``judge``, ``leaderboard`` (``plain``, ``length-controlled`` and the paired
        difference ``length-controlled - plain``), ``statistic``
        (Spearman's rho with the people's plain scores over the models both rank),
        ``estimate``, ``ci_low``, ``ci_high``, ``n_models``.

    References
    ----------
    Dubois, Y., Galambosi, B., Liang, P., Hashimoto, T. B. (2024). Length-Controlled
    AlpacaEval: A Simple Way to Debias Automatic Evaluators. arXiv:2404.04475.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(pairwise={"human": "AAB", "j": "AAA"}, models=(["x", "x", "y"], ["y", "z", "z"]),
    ...         texts=(["a", "a", "a"], ["bb", "bb", "bb"]))
    >>> board, corr = length_controlled_leaderboard(t, n_resamples=20)
    >>> board[board["rater"] == "humans"].sort_values("rank_plain")["model"].tolist()
    ['x', 'z', 'y']
    """
    df = frame.prepare_table(df, need=("model_a", "model_b", "response_a", "response_b"))
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    opts = resampling_options(n_resamples, confidence_level, rng)
    models = pd.Index(
        pd.unique(pd.concat([df["model_a"], df["model_b"]]).dropna().astype("object"))
    )
    name = frame.reference_name(reference)
    comps = {j: _comparisons(frame.rater_rows(df, [j]), models) for j in judges}
    human = _comparisons(frame.rater_rows(df, refs), models)
    d_all = np.concatenate([c["d"].to_numpy() for c in [human, *comps.values()]])
    scale = float(np.std(d_all)) or 1.0
    clusters = pd.Index(pd.unique(np.concatenate([c["cluster"] for c in [human, *comps.values()]])))

    def fits(weights: dict[str, np.ndarray] | None):
        out = {}
        for r, c in [(name, human), *comps.items()]:
            w = np.ones(len(c)) if weights is None else weights[r]
            a, b, y = c["a"].to_numpy(), c["b"].to_numpy(), c["y"].to_numpy()
            x = np.tanh(c["d"].to_numpy() / scale)
            start = (None, None) if weights is None else starts[r]
            plain, _ = fit_strengths(a, b, y, w, len(models), start=start[0])
            lc, gamma = fit_strengths(a, b, y, w, len(models), x, start=start[1])
            seen = np.zeros(len(models), bool)
            seen[np.concatenate([a[w > 0], b[w > 0]])] = True
            out[r] = (np.where(seen, plain, np.nan), np.where(seen, lc, np.nan), gamma)
        return out

    def correlations(f) -> dict[tuple[str, str], float]:
        ref = f[name][0]
        out = {}
        for j in judges:
            out[(j, "plain")] = spearman(f[j][0], ref)
            out[(j, "length-controlled")] = spearman(f[j][1], ref)
            out[(j, "length-controlled - plain")] = (
                out[(j, "length-controlled")] - out[(j, "plain")]
            )
        return out

    base = fits(None)
    starts = {r: (np.nan_to_num(p), np.r_[np.nan_to_num(lc), g]) for r, (p, lc, g) in base.items()}
    point = correlations(base)
    draws = {key: [] for key in point}
    rng = opts["rng"]
    codes = {r: clusters.get_indexer(c["cluster"]) for r, c in [(name, human), *comps.items()]}
    for _ in range(opts["n_resamples"]):
        counts = rng.multinomial(len(clusters), np.full(len(clusters), 1 / len(clusters)))
        f = fits({r: counts[k].astype(float) for r, k in codes.items()})
        for key, v in correlations(f).items():
            draws[key].append(v)
    rows = []
    for (j, kind), est in point.items():
        level = opts["confidence_level"]
        lo, hi, _ = bias_corrected_interval(est, draws[(j, kind)], confidence_level=level)
        k = 0 if kind == "plain" else 1  # the difference: models of the length-controlled fit
        n = int(np.sum(np.isfinite(base[j][k]) & np.isfinite(base[name][0])))
        rows.append([j, kind, "spearman", est, float(lo), float(hi), n])
    corr = pd.DataFrame(
        rows,
        columns=["judge", "leaderboard", "statistic", "estimate", "ci_low", "ci_high", "n_models"],
    )
    board = []
    for r, (plain, lc, gamma) in base.items():
        part = pd.DataFrame(
            {
                "rater": r,
                "model": models,
                "score_plain": plain,
                "score_lc": lc,
                "length_slope": gamma,
            }
        )
        part = part[np.isfinite(plain)]
        part["rank_plain"] = part["score_plain"].rank(ascending=False, method="min").astype(int)
        part["rank_lc"] = part["score_lc"].rank(ascending=False, method="min").astype(int)
        board.append(part)
    cols = ["rater", "model", "score_plain", "score_lc", "rank_plain", "rank_lc", "length_slope"]
    return pd.concat(board, ignore_index=True)[cols], corr
