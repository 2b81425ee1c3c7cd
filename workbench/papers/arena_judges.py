"""Chatbot Arena judges (notebook 07): human votes and three LLM judges on 26,919 battles.

References
----------
Chatzi, I. et al. (2024). Prediction-Powered Ranking of Large Language Models. NeurIPS.
arXiv:2402.17826.
"""

from __future__ import annotations

import plotly.graph_objects as go

from .. import plots
from ._base import agreement, figure, leaderboard, load, number

__all__ = [
    "PAPER",
    "arena_agreement",
    "arena_leaderboards",
    "battle_count",
    "model_a_share",
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
