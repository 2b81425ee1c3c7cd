"""LLMFAO (notebook 06): crowd and GPT-judge Bradley-Terry leaderboards of 59 models.

The published rank correlations (``leaderboard.ipynb``, cell *Correlations*)
-----------------------------------------------------------------------------
The cell fits one Bradley-Terry model per rater group (crowd votes, GPT-4 and
GPT-3.5-Turbo-Instruct verdicts on the same 2,139 pairs) with evalica, ranks the 59
models and prints ``df_ranks.corr(method='spearman')`` of the three rank columns.

* Crowd vs GPT-4, 0.730918, is registered below and reproduced (Pearson on the ranks
  = Spearman: neither leaderboard has tied scores).
* The two entries involving GPT-3.5-Instruct depend on one **exact tie**: in the
  GPT-3.5-Instruct verdicts, *Claude v1* and *Jurassic 2 Ultra* met the same 39
  opponents (the same multiset) and both scored 20 of 39 (18 wins + 4 ties / 19 wins +
  2 ties). A Bradley-Terry MLE depends only on a model's opponents and its total score,
  so their strengths are mathematically equal. How the tie is ranked decides the
  fourth decimal (and the third):

  ============================================  ================  ================
  tie treatment                                 crowd vs GPT-3.5  GPT-4 vs GPT-3.5
  ============================================  ================  ================
  tied, average rank (Spearman)                 0.715703          0.716843
  Claude v1 ahead (workbench.leaderboard)       0.715780          0.717475
  Jurassic 2 Ultra ahead (evalica 0.4.2, CSVs)  0.715605          0.716189
  tied, smallest rank, Pearson of the ranks     0.716610          0.717136
  ============================================  ================  ================

  Evalica 0.4.2 (installed) iterates in place (Gauss-Seidel) with tolerance 1e-6 and
  stops with the two strengths about 5e-10 apart (relative), so which of them comes
  first is rounding noise; which one depends on the order of the models in the call
  (names as strings vs integer codes in alphabetical order). The executed page
  (dustalov.github.io/llmfao) was built with evalica 0.1.x: its crowd table
  (GPT 4 0.041215, Platypus-2 Instruct (70B) 0.029233, command 0.028852, scores
  summing to 1) is what evalica 0.1.0 and 0.1.3 return, to the printed digits, and not
  evalica 0.2-0.4 (geometric mean 1; versions from the PyPI mirror, unpacked outside
  the project). Evalica 0.1.x updates every strength from the
  previous iterate (Jacobi), so the two tied models keep bit-identical scores and share
  a rank; ``corr(method='spearman')`` then ranks the tie by its average. Tolerance and
  the iteration limit do not matter: with ties as half wins every version converges to
  the same MLE (checked against a Newton fit; evalica 0.1.x's looser stop is within
  1e-6 of it), and only the tie order changes the correlations. Ties as half wins are
  needed for 0.730918 (ignoring ties gives 0.727).

  The stored copy of the executed page that could be read here ends before the
  *Correlations* output, so the printed GPT-3.5-Instruct values were not seen: the
  first row (0.715703, 0.716843) is the cell's definition applied to evalica 0.1.x's
  tied scores, and it is the only treatment that differs from the values quoted
  before (evalica 0.4.2 on the CSVs: 0.715605, 0.716189; notebook 06) in the fourth
  decimal for both entries. They are therefore not registered as published numbers; register them from
  the page once its values are confirmed.

References
----------
Ustalov, D. (2023). LLMFAO: Large Language Model Feedback Analysis and Optimization.
https://github.com/dustalov/llmfao
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import plots
from .._validate import check_columns, check_option
from ._base import figure, leaderboard, load, number

__all__ = [
    "PAPER",
    "TIE_RTOL",
    "crowd_count",
    "llmfao_leaderboards",
    "llmfao_ranks",
    "notebook_rank_correlations",
    "rank_correlations",
    "tied_ranks",
]

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


TIE_RTOL = 1e-6
"""Relative gap below which :func:`notebook_rank_correlations` ranks two strengths as tied.

Evalica's tolerance leaves the exact Claude v1 / Jurassic 2 Ultra tie about 5e-10 apart;
the closest distinct strengths of the three LLMFAO leaderboards are 5.3e-4 apart."""


def tied_ranks(scores: pd.Series, *, rtol: float = TIE_RTOL) -> pd.Series:
    """Average ranks, 1 = highest score; scores within ``rtol`` (relative) of the next share one.

    Examples
    --------
    >>> tied_ranks(pd.Series([3.0, 2.0, 2.0 * (1 + 1e-9), 1.0], index=list("abcd"))).tolist()
    [1.0, 2.5, 2.5, 4.0]
    """
    s = scores.sort_values(ascending=False, kind="stable")
    v = s.to_numpy(float)
    new_group = np.r_[True, v[:-1] > v[1:] * (1 + rtol)]
    group = np.cumsum(new_group)
    position = pd.Series(np.arange(1.0, len(v) + 1), index=s.index)
    return position.groupby(group).transform("mean").reindex(scores.index)


def notebook_rank_correlations(board: pd.DataFrame, *, rtol: float = TIE_RTOL) -> pd.DataFrame:
    """The upstream notebook's *Correlations* cell: Spearman between every two rater groups.

    Each group's Bradley-Terry strengths from ``board`` (:func:`workbench.leaderboard`)
    are ranked with ties kept (:func:`tied_ranks`), then correlated as
    ``df_ranks.corr(method='spearman')``: a square frame indexed by ``rater_group``
    (see the module docstring for why ties matter here).

    Examples
    --------
    The judge ties x and y (ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4): Pearson of the
    ranks = 4.5 / sqrt(5 * 4.5) = 0.9487.

    >>> board = pd.DataFrame({"rater_group": ["human"] * 4 + ["j"] * 4,
    ...                       "model": list("wxyz") * 2,
    ...                       "score": [4.0, 3.0, 2.0, 1.0, 4.0, 2.0, 2.0, 1.0]})
    >>> round(float(notebook_rank_correlations(board).loc["human", "j"]), 4)
    0.9487
    """
    check_columns(board, ["rater_group", "model", "score"], "board")
    ranks = {
        g: tied_ranks(d.set_index("model")["score"], rtol=rtol)
        for g, d in board.groupby("rater_group")
    }
    return pd.DataFrame(ranks).corr(method="spearman")


def rank_correlations(board: pd.DataFrame) -> pd.DataFrame:
    """:func:`workbench.rank_correlation` of a leaderboard, indexed by (judge, statistic)."""
    from .. import tables

    return tables.rank_correlation(board, reference="human").set_index(["judge", "statistic"])


@cache
def _board() -> pd.DataFrame:
    """The LLMFAO leaderboards of the published numbers (100 resamples; scores do not depend on them)."""
    return leaderboard(load("llmfao"), 100)


@cache
def _rank_correlations() -> pd.DataFrame:
    return rank_correlations(_board())


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
