"""Model rankings from pairwise verdicts: Bradley-Terry and Elo, with an item-clustered bootstrap.

Array level: models are integer codes ``0 .. n_models-1``, outcomes are the
score of model A (``1`` = A wins, ``0`` = B wins, ``0.5`` = tie). Fitting is
delegated to evalica (Ustalov 2025, Apache-2.0), whose Bradley-Terry is the
minorisation-maximisation / Newman (2023) iteration with ties as half wins
(``tie_weight=0.5``) and scores normalised to geometric mean 1; its Elo is the
sequential online update (initial 1000, scale 400, K = 4).

References
----------
Bradley, R. A., & Terry, M. E. (1952). Rank analysis of incomplete block
designs: I. The method of paired comparisons. *Biometrika* 39, 324-345.
https://doi.org/10.2307/2334029

Newman, M. E. J. (2023). Efficient computation of rankings from pairwise
comparisons. *JMLR* 24(238), 1-25.

Elo, A. E. (1978). *The Rating of Chessplayers, Past and Present*. Arco.

Ustalov, D. (2025). Reliable, reproducible, and really fast leaderboards with
Evalica. COLING 2025 System Demonstrations. arXiv:2412.11314.
"""

from __future__ import annotations

from typing import Literal

import evalica
import numpy as np
import numpy.typing as npt
import pandas as pd

from .bootstrap import check_resampling, generator

__all__ = ["bootstrap_scores", "bradley_terry", "elo", "ranks"]

Method = Literal["bradley_terry", "elo"]
_EVALICA_FAILED = 1e-6  # evalica's Bradley-Terry returns this for every model when the MLE fails
_PRIOR = 0.01  # weight of the virtual ties used only when the MLE does not exist
_WIN = {1.0: evalica.Winner.X, 0.0: evalica.Winner.Y, 0.5: evalica.Winner.Draw}


def _check(model_a, model_b, outcome, n_models):
    a = np.asarray(model_a, dtype=np.int64)
    b = np.asarray(model_b, dtype=np.int64)
    o = np.asarray(outcome, dtype=float)
    if not (a.shape == b.shape == o.shape) or a.ndim != 1:
        raise ValueError(
            f"model_a, model_b, outcome: expected 1-D arrays of one length, got shapes "
            f"{a.shape}, {b.shape}, {o.shape}"
        )
    bad = ~np.isin(o, (0.0, 0.5, 1.0))
    if bad.any():
        raise ValueError(f"outcome: expected 1, 0.5 or 0, got {o[bad][0]!r}")
    m = int(max(a.max(initial=-1), b.max(initial=-1)) + 1) if n_models is None else n_models
    if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= m):
        raise ValueError(f"model_a, model_b: codes must lie in 0..{m - 1}")
    return a, b, o, m


def _fit(a, b, o, w, m, method):
    """Scores of the models present (positive weight); NaN for absent models."""
    keep = w > 0
    a, b, o, w = a[keep], b[keep], o[keep], w[keep]
    out = np.full(m, np.nan)
    if a.size == 0:
        return out
    present = np.unique(np.concatenate([a, b]))
    if present.size < 2:
        return out
    remap = np.full(m, -1)
    remap[present] = np.arange(present.size)
    index = pd.Index(range(present.size))
    winners = [_WIN[v] for v in o.tolist()]
    if method == "elo":
        res = evalica.elo(remap[a], remap[b], winners, index=index, weights=w)
        out[present] = res.scores.reindex(index).to_numpy(dtype=float)
        return out
    res = evalica.bradley_terry(remap[a], remap[b], winners, index=index, weights=w)
    scores = res.scores.reindex(index).to_numpy(dtype=float)
    if not np.all(np.isfinite(scores)) or np.all(scores == _EVALICA_FAILED):
        # No finite MLE (a model only wins or only loses, Ford 1957): add a virtual
        # tie of weight _PRIOR between consecutive models, which makes the
        # comparison graph strongly connected and the MLE finite.
        k = present.size
        ring_a, ring_b = np.arange(k), (np.arange(k) + 1) % k
        res = evalica.bradley_terry(
            np.concatenate([remap[a], ring_a]),
            np.concatenate([remap[b], ring_b]),
            winners + [evalica.Winner.Draw] * k,
            index=index,
            weights=np.concatenate([w, np.full(k, _PRIOR)]),
        )
        scores = res.scores.reindex(index).to_numpy(dtype=float)
    out[present] = scores
    return out


def bradley_terry(
    model_a: npt.ArrayLike,
    model_b: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    n_models: int | None = None,
    weights: npt.ArrayLike | None = None,
) -> np.ndarray:
    """Bradley-Terry strengths, ties as half a win for each side.

    Parameters
    ----------
    model_a, model_b : array_like of int
        Model codes of each comparison.
    outcome : array_like of float
        Score of model A: 1 (A wins), 0.5 (tie), 0 (B wins).
    n_models : int, optional
        Number of models (default: largest code + 1).
    weights : array_like, optional
        Non-negative weight per comparison (e.g. bootstrap counts).

    Returns
    -------
    ndarray, shape (n_models,)
        Strengths ``p_i`` with ``P(i beats j) = p_i / (p_i + p_j)``, geometric
        mean 1 over the models that appear; NaN for models without comparisons.

    Notes
    -----
    Fitted by evalica (tolerance 1e-6); tested against a direct maximum
    likelihood fit with scipy. When the MLE does not exist (a model that only
    wins or only loses: Ford's 1957 condition fails; evalica then returns
    1e-6 for every model), the fit is repeated with one virtual tie of weight
    0.01 between consecutive models, which keeps the order of the scores
    meaningful (an all-losing model comes last). This matters mostly for
    bootstrap resamples.

    Examples
    --------
    Model 0 beats model 1 twice and loses once: the MLE odds are 2:1, so
    ``p_0 / p_1 = 2`` and, with geometric mean 1, ``p_0 = sqrt(2)``.

    >>> p = bradley_terry([0, 0, 0], [1, 1, 1], [1, 1, 0])
    >>> round(float(p[0] / p[1]), 4), round(float(p[0]), 4)
    (2.0, 1.4142)
    """
    a, b, o, m = _check(model_a, model_b, outcome, n_models)
    w = np.ones(a.size) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != a.shape or (w < 0).any():
        raise ValueError("weights: expected one non-negative weight per comparison")
    return _fit(a, b, o, w, m, "bradley_terry")


def elo(
    model_a: npt.ArrayLike,
    model_b: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    n_models: int | None = None,
) -> np.ndarray:
    """Online Elo ratings (initial 1000, base 10, scale 400, K = 4), in data order.

    Parameters
    ----------
    model_a, model_b, outcome, n_models
        As in :func:`bradley_terry`.

    Returns
    -------
    ndarray, shape (n_models,)
        Ratings after one pass over the comparisons; NaN for absent models.
        Unlike Bradley-Terry, the result depends on the order of the rows.

    Examples
    --------
    One game, A wins: expected score 0.5, so A gains K * (1 - 0.5) = 2 points.

    >>> elo([0], [1], [1]).tolist()
    [1002.0, 998.0]
    """
    a, b, o, m = _check(model_a, model_b, outcome, n_models)
    return _fit(a, b, o, np.ones(a.size), m, "elo")


def ranks(scores: npt.ArrayLike) -> np.ndarray:
    """Integer ranks, 1 = highest score; equal scores share the smallest rank; NaN stays NaN.

    Examples
    --------
    >>> ranks([0.5, 2.0, 1.0, 2.0]).tolist()
    [4.0, 1.0, 3.0, 1.0]
    """
    s = np.asarray(scores, dtype=float)
    out = pd.DataFrame(s.reshape(-1, s.shape[-1]).T).rank(ascending=False, method="min")
    return out.to_numpy().T.reshape(s.shape)


def bootstrap_scores(
    model_a: npt.ArrayLike,
    model_b: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    items: npt.ArrayLike,
    groups: npt.ArrayLike | None = None,
    n_models: int | None = None,
    method: Method = "bradley_terry",
    n_resamples: int = 1000,
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores per rater group, and their item-clustered bootstrap distribution.

    Parameters
    ----------
    model_a, model_b, outcome, n_models
        As in :func:`bradley_terry`; one row per vote.
    items : array_like
        Item (pair) of each vote. Items are drawn with replacement and every
        vote on a drawn item (all annotators, both orders) enters with it.
    groups : array_like of int, optional
        Rater group code (``0 .. G-1``) of each vote. Every group is refitted on
        the *same* item draw, so differences between groups are paired.
    method : {"bradley_terry", "elo"}, default "bradley_terry"
        Elo resamples are fed in a random order (the Elo of a bootstrap sample
        would otherwise depend on the row order of the sample).
    n_resamples : int, default 1000
    rng : Generator, int or None

    Returns
    -------
    estimate : ndarray, shape (G, n_models)
        Scores on the full data.
    distribution : ndarray, shape (n_resamples, G, n_models)
        Scores per resample (NaN where a model has no comparison in the resample).

    Examples
    --------
    >>> est, boot = bootstrap_scores([0, 0, 0], [1, 1, 1], [1, 1, 0], items=[1, 2, 3],
    ...                              n_resamples=50, rng=0)
    >>> est.shape, boot.shape
    ((1, 2), (50, 1, 2))
    """
    if method not in ("bradley_terry", "elo"):
        raise ValueError(f"method: expected 'bradley_terry' or 'elo', got {method!r}")
    check_resampling(n_resamples)
    a, b, o, m = _check(model_a, model_b, outcome, n_models)
    g = np.zeros(a.size, dtype=np.int64) if groups is None else np.asarray(groups, np.int64)
    if g.shape != a.shape:
        raise ValueError(f"groups: expected {a.size} codes, got shape {g.shape}")
    _, item_code = np.unique(np.asarray(items), return_inverse=True)
    if item_code.shape != a.shape:
        raise ValueError(f"items: expected {a.size} identifiers, got shape {item_code.shape}")
    n_items = int(item_code.max()) + 1 if item_code.size else 0
    n_groups = int(g.max()) + 1 if g.size else 0
    gen = generator(rng)
    est = np.stack(
        [
            _fit(a[g == k], b[g == k], o[g == k], np.ones((g == k).sum()), m, method)
            for k in range(n_groups)
        ]
    )
    boot = np.full((n_resamples, n_groups, m), np.nan)
    # Bradley-Terry depends on the votes only through weighted (a, b, outcome) counts.
    triples = []
    for k in range(n_groups):
        rows = np.flatnonzero(g == k)
        key = np.stack([a[rows], b[rows], (2 * o[rows]).astype(np.int64)], axis=1)
        uniq, code = np.unique(key, axis=0, return_inverse=True)
        triples.append((rows, uniq, code.ravel()))
    for r in range(n_resamples):
        counts = np.bincount(gen.integers(0, n_items, n_items), minlength=n_items).astype(float)
        for k, (rows, uniq, code) in enumerate(triples):
            w = counts[item_code[rows]]
            if method == "bradley_terry":
                wt = np.bincount(code, weights=w, minlength=len(uniq))
                boot[r, k] = _fit(uniq[:, 0], uniq[:, 1], uniq[:, 2] / 2, wt, m, method)
            else:
                rep = np.repeat(rows, w.astype(np.int64))
                rep = rep[gen.permutation(rep.size)]
                boot[r, k] = _fit(a[rep], b[rep], o[rep], np.ones(rep.size), m, method)
    return est, boot
