"""LLMFAO (notebook 06): crowd and GPT-judge Bradley-Terry leaderboards of 59 models.

References
----------
Ustalov, D. (2023). LLMFAO: Large Language Model Feedback Analysis and Optimization.
https://github.com/dustalov/llmfao
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from .. import plots
from .._validate import check_option
from ._base import figure, leaderboard, load, number

__all__ = ["PAPER", "crowd_count", "llmfao_leaderboards", "llmfao_ranks", "rank_correlations"]

PAPER = "Ustalov 2023 (LLMFAO)"

CROWD_COUNTS: tuple[str, ...] = ("workers", "votes", "pairs")
"""What :func:`crowd_count` counts."""


def crowd_count(what: Literal["workers", "votes", "pairs"]) -> float:
    """Distinct crowd workers, crowd votes (rows), or pairs with a crowd vote in the staged table."""
    check_option("what", what, CROWD_COUNTS)
    crowd = load("llmfao")
    crowd = crowd[crowd["rater_kind"] == "human"]
    return float(
        {
            "workers": crowd["rater"].nunique(),
            "votes": len(crowd),
            "pairs": crowd["item_id"].nunique(),
        }[what]
    )


for what, quantity, count, definition in (
    ("workers", "distinct crowd workers", 124, "distinct human:<worker> raters"),
    ("votes", "crowd votes", 8931, "rows with a human rater"),
    ("pairs", "pairs with crowd votes", 2139, "distinct items with a human rater"),
):
    number(
        PAPER,
        "README / crowd-comparisons.csv",
        quantity,
        count,
        0,
        lambda what=what: crowd_count(what),
        definition,
    )
del what, quantity, count, definition


def rank_correlations(board: pd.DataFrame) -> pd.DataFrame:
    """:func:`workbench.rank_correlation` of a leaderboard, indexed by (judge, statistic)."""
    from .. import tables

    return tables.rank_correlation(board, reference="human").set_index(["judge", "statistic"])


@cache
def _rank_correlations() -> pd.DataFrame:
    return rank_correlations(leaderboard(load("llmfao"), 100))


number(
    PAPER,
    "leaderboard notebook",
    "Pearson of BT ranks, crowd vs GPT-4",
    0.730918,
    0.0000005,
    lambda: float(_rank_correlations().loc[("gpt-4", "pearson_rank"), "estimate"]),
    "Bradley-Terry (ties = half wins) on the 2,139 crowd pairs per rater group; "
    "Pearson on integer ranks of 59 models",
)


@figure("llmfao_leaderboards")
def llmfao_leaderboards(n_resamples: int) -> go.Figure:
    """LLMFAO: Bradley-Terry scores from the crowd and each GPT judge, 59 models."""
    return plots.leaderboard_plot(
        leaderboard(load("llmfao"), n_resamples),
        title="LLMFAO: Bradley-Terry leaderboards, crowd vs GPT judges (95% CI)",
    )


@figure("llmfao_ranks")
def llmfao_ranks(n_resamples: int) -> go.Figure:
    """LLMFAO: crowd vs GPT-4 ranks (published Pearson 0.730918)."""
    board = leaderboard(load("llmfao"), n_resamples)
    r = rank_correlations(board)
    return plots.rank_scatter(
        board,
        x_group="human",
        y_group="gpt-4",
        title="LLMFAO: model ranks, crowd vs GPT-4",
        correlation=float(r.loc[("gpt-4", "pearson_rank"), "estimate"]),
    )
