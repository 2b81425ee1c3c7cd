"""Chatbot Arena judges (notebooks 07, 10): human votes and three LLM judges on 26,919 battles.

Besides the counts and leaderboards of notebook 07, the paper's own experiment
(notebook 10): prediction-powered rank-sets of the 12 models from a random draw of human
votes plus one judge's verdicts on every battle, against human-only and judge-only
rank-sets, over repeated draws (:func:`rank_set_experiment`, :func:`rank_set_summary`;
figures ``arena_rank_sets`` and ``arena_rank_set_sizes``).

References
----------
Chatzi, I. et al. (2024). Prediction-Powered Ranking of Large Language Models. NeurIPS.
arXiv:2402.17826.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..loaders.arena_judges import JUDGES
from ..replace.rank_sets import Battles, battles, covers, rank_sets_of
from ._base import SEED, agreement, figure, leaderboard, load, number

__all__ = [
    "EXPERIMENT_COLUMNS",
    "METHOD_NAMES",
    "PAPER",
    "all_humans_ranking",
    "arena_agreement",
    "arena_leaderboards",
    "arena_rank_set_sizes",
    "arena_rank_sets",
    "battle_count",
    "model_a_share",
    "rank_set_example",
    "rank_set_experiment",
    "rank_set_summary",
]

PAPER = "Chatzi et al. 2024 (Prediction-Powered Ranking, NeurIPS)"


def battle_count(*, paper_models: bool = False) -> float:
    """Distinct battles with a human vote; ``paper_models``: only those among the paper's 12 models."""
    df = load("arena_judges")
    keep = df["rater"] == "human"
    if paper_models:
        keep &= df["subset"] == "paper_12_models"
    return float(df.loc[keep, "item_id"].nunique())


def model_a_share(judge: str) -> float:
    """Share (%) of battles whose ``judge`` verdict is ``model_a`` (label ``A``)."""
    df = load("arena_judges")
    return float((df.loc[df["rater"] == judge, "label"] == "A").mean() * 100)


number(
    PAPER,
    "data/*.json (SOURCE.md counts)",
    "battles with human + 3 judge verdicts",
    26919,
    0,
    battle_count,
    "distinct battles with a human vote",
)
number(
    PAPER,
    "scripts/config.json (12 models)",
    "battles among the paper's 12 models",
    14947,
    0,
    lambda: battle_count(paper_models=True),
    "battles whose two models are both among the 12 of config.json",
)
number(
    PAPER,
    "data/gpt-3.5-turbo.json (23,176 / 26,919)",
    "GPT-3.5-turbo answers model_a (%)",
    86.1,
    0.05,
    lambda: model_a_share("gpt-3.5-turbo"),
    "share of battles whose GPT-3.5-turbo verdict is model_a",
)


@figure("arena_leaderboards")
def arena_leaderboards(n_resamples: int) -> go.Figure:
    """Chatbot Arena battles (the paper's 12 models): human vs judge leaderboards."""
    df = load("arena_judges")
    board = leaderboard(df[df["subset"] == "paper_12_models"], n_resamples)
    return plots.leaderboard_plot(
        board,
        title="Chatbot Arena (12 models): Bradley-Terry leaderboards, humans vs LLM judges (95% CI)",
    )


@figure("arena_agreement")
def arena_agreement(n_resamples: int) -> go.Figure:
    """Arena: judge-human percent agreement with CIs (ties kept as a label)."""
    t = agreement(
        load("arena_judges"), n_resamples, reference="human", statistics=["percent_agreement"]
    )
    t = t.assign(**{c: t[c] * 100 for c in ("estimate", "ci_low", "ci_high")})
    return plots.agreement_plot(
        t,
        statistic="percent_agreement",
        title="Chatbot Arena: judge agreement with the human vote (ties as a label, 95% CI)",
        x_title="agreement with the human vote (%)",
    )


EXPERIMENT_COLUMNS = ["judge", "draw", "method", "covered", "mean_size", "n_human"]
"""Columns of :func:`rank_set_experiment`, one row per (judge, draw, method)."""

METHOD_NAMES = {"ppr": "PPR", "human": "human only", "judge": "judge only"}
"""Display names of the rank-set methods in figures."""


@cache
def _battles(judge: str) -> Battles:
    """The battles among the paper's 12 models with the human vote and ``judge``'s verdict."""
    df = load("arena_judges")
    return battles(df[(df["subset"] == "paper_12_models").to_numpy()], judge=judge)


def all_humans_ranking(*, ties: str = "loss") -> pd.Series:
    """Rank (1 = best) of each of the 12 models by its win rate over all human votes."""
    full = rank_sets_of(_battles(next(iter(JUDGES))), method="human", ties=ties)
    return full.set_index("model")["estimate"].rank(ascending=False, method="min")


def rank_set_experiment(
    *,
    judges: Sequence[str] = tuple(JUDGES),
    n_draws: int = 20,
    n_human: int = 1000,
    alpha: float = 0.1,
    construction: str = "bonferroni",
    ties: str = "loss",
    seed: int = SEED,
) -> pd.DataFrame:
    """The paper's experiment on the staged Arena battles (its 12 models; 14,947 battles).

    For each judge and each of ``n_draws`` draws (seeds ``seed``, ``seed + 1``, ...) of
    ``n_human`` human-labelled battles: PPR rank-sets (the drawn human votes plus the
    judge's verdicts on all battles) and human-only rank-sets from the same battles; and
    the judge-only rank-sets (every battle, no human), the same in every draw. Each is
    scored by whether it contains the all-humans ranking (:func:`all_humans_ranking`: the
    models' win rates over all 14,947 human votes) and by its mean size
    (``rank_high - rank_low + 1`` averaged over the 12 models).

    Returns
    -------
    DataFrame
        :data:`EXPERIMENT_COLUMNS`: ``judge``, ``draw``, ``method`` (``ppr`` / ``human`` /
        ``judge``), ``covered`` (bool), ``mean_size``, ``n_human``.

    Examples
    --------
    >>> t = rank_set_experiment(judges=["gpt-4-0125-preview"], n_draws=2)
    >>> bool(t["covered"].all())  # every rank-set contains the all-humans ranking
    True
    >>> t.groupby("method", sort=False)["mean_size"].mean().round(3).to_dict()
    {'ppr': 6.25, 'human': 6.417, 'judge': 2.667}
    """
    truth = all_humans_ranking(ties=ties)
    rows = []
    kw = dict(alpha=alpha, construction=construction, ties=ties)
    for judge in judges:
        b = _battles(judge)
        only = rank_sets_of(b, method="judge", **kw)
        for draw in range(n_draws):
            for method in ("ppr", "human"):
                sets = rank_sets_of(b, method=method, n_human=n_human, rng=seed + draw, **kw)
                rows.append((judge, draw, method, covers(sets, truth), _size(sets), n_human))
            rows.append((judge, draw, "judge", covers(only, truth), _size(only), 0))
    return pd.DataFrame(rows, columns=EXPERIMENT_COLUMNS)


def _size(sets: pd.DataFrame) -> float:
    return float((sets["rank_high"] - sets["rank_low"] + 1).mean())


def rank_set_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per judge and method: ``coverage`` (share of draws), ``mean_size``, ``sd_size``, ``draws``.

    Examples
    --------
    >>> r = pd.DataFrame({"judge": ["g"] * 2, "draw": [0, 1], "method": ["ppr"] * 2,
    ...                   "covered": [True, False], "mean_size": [6.0, 5.0], "n_human": 9})
    >>> rank_set_summary(r)[["judge", "method", "coverage", "mean_size", "draws"]]
      judge method  coverage  mean_size  draws
    0     g    ppr       0.5        5.5      2
    """
    g = results.groupby(["judge", "method"], sort=False)
    out = g.agg(
        coverage=("covered", "mean"),
        mean_size=("mean_size", "mean"),
        sd_size=("mean_size", "std"),
        draws=("draw", "nunique"),
    )
    return out.reset_index()


def rank_set_example(
    judge: str = "gpt-4-0125-preview", *, n_human: int = 1000, alpha: float = 0.1, draw: int = 0
) -> pd.DataFrame:
    """One draw's rank-sets stacked (``group`` column): human only, PPR and judge only.

    Examples
    --------
    >>> rank_set_example()["group"].unique().tolist()
    ['human only', 'PPR (gpt-4-0125-preview)', 'judge only (gpt-4-0125-preview)']
    """
    b = _battles(judge)
    parts = []
    for method in ("human", "ppr", "judge"):
        n = None if method == "judge" else n_human
        sets = rank_sets_of(b, method=method, n_human=n, rng=SEED + draw, alpha=alpha)
        name = METHOD_NAMES[method] + ("" if method == "human" else f" ({judge})")
        parts.append(sets.assign(group=name))
    return pd.concat(parts, ignore_index=True)


@figure("arena_rank_sets")
def arena_rank_sets(n_resamples: int) -> go.Figure:
    """One draw of 1,000 human votes: rank-sets of the 12 models, human only vs PPR vs GPT-4."""
    return plots.rank_set_plot(
        rank_set_example(),
        truth=all_humans_ranking(),
        title="Chatbot Arena, 12 models: 90% rank-sets from 1,000 human votes (one draw)",
    )


@figure("arena_rank_set_sizes")
def arena_rank_set_sizes(n_resamples: int) -> go.Figure:
    """20 draws of 1,000 human votes: mean rank-set size and coverage per judge and method."""
    summary = rank_set_summary(rank_set_experiment())
    summary["method"] = summary["method"].map(METHOD_NAMES)
    return plots.rank_set_size_plot(
        summary,
        target=0.9,
        title="Chatbot Arena: rank-set size and coverage (20 draws of 1,000 human votes)",
    )
