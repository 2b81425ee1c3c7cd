"""Paper figures and ``workbench reproduce`` (compatibility module).

Each figure builder ``(n_resamples) -> Figure`` now lives in its paper's module under
:mod:`workbench.papers`, registered in :data:`FIGURES` at its definition; building and
writing is :mod:`workbench.papers.reproduce`. This module keeps the names notebooks, the
CLI and tests use: ``figures.llmbar_heatmap(n_resamples)``, ``figures.build(...)``,
``figures.reproduce(out_dir, ...)`` (:func:`workbench.papers.reproduce.write`).

Examples
--------
>>> sorted(FIGURES)[:3]
['alpaca_eval_tradeoffs', 'arena_agreement', 'arena_leaderboards']
"""

from __future__ import annotations

from .papers import FIGURES, SEED
from .papers.alpaca_eval import alpaca_eval_tradeoffs
from .papers.arena_judges import (
    arena_agreement,
    arena_leaderboards,
    arena_rank_set_sizes,
    arena_rank_sets,
)
from .papers.hanna import hanna_correlations
from .papers.ice_score import ice_humaneval
from .papers.judging_the_judges import jtj_kappa, jtj_percent_vs_kappa
from .papers.llmbar import llmbar_heatmap, llmbar_subsets
from .papers.llmfao import llmfao_leaderboards, llmfao_ranks
from .papers.pandalm import pandalm_confusion, pandalm_kappa
from .papers.reproduce import browser_path, build, published_numbers
from .papers.reproduce import write as reproduce

__all__ = [
    "FIGURES",
    "SEED",
    "alpaca_eval_tradeoffs",
    "arena_agreement",
    "arena_leaderboards",
    "arena_rank_set_sizes",
    "arena_rank_sets",
    "browser_path",
    "build",
    "hanna_correlations",
    "ice_humaneval",
    "jtj_kappa",
    "jtj_percent_vs_kappa",
    "llmbar_heatmap",
    "llmbar_subsets",
    "llmfao_leaderboards",
    "llmfao_ranks",
    "pandalm_confusion",
    "pandalm_kappa",
    "published_numbers",
    "reproduce",
]
