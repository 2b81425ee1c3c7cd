"""One module per paper (notebooks 01-09): its definitions, its published numbers, its figures.

Each paper module holds the paper-specific definitions as documented functions (LLMBar's
accuracy and positional agreement, FastChat's MT-Bench agreement, ICE-Score's example- vs
corpus-level correlations, the CoNaLa aggregation variants, ...), declares every published
number right after the function that computes it (:func:`workbench.papers._base.number`
registers a :class:`Published` in :data:`NUMBERS`), and registers its figure builders at
their definition (:data:`FIGURES`). :mod:`workbench.papers.reproduce` recomputes the numbers
(:func:`~workbench.papers.reproduce.reproduce`) and writes the figures
(:func:`~workbench.papers.reproduce.write`, ``workbench reproduce``).

Importing this package imports the paper modules in the order below; registration order is
the row order of the published-vs-reproduced table (``figures/reproduced.csv``) and the order
of :data:`FIGURES`. The LLMBar processed-subset numbers follow HANNA's, where they have
always stood in that table.

========================  ========  =====================================================
module                    notebook  paper
========================  ========  =====================================================
``llmbar``                01        Zeng et al. 2024 (LLMBar)
``pandalm``               03        Wang et al. 2024 (PandaLM)
``llmeval2``              --        Zhang et al. 2023 (LLMEval², WideDeep)
``judging_the_judges``    02        Thakur et al. 2024 (Judging the Judges)
``hanna``                 04        Chhun et al. 2022 (HANNA)
``ice_score``             05        Zhuo 2024 (ICE-Score)
``llmfao``                06        Ustalov 2023 (LLMFAO)
``arena_judges``          07        Chatzi et al. 2024 (Prediction-Powered Ranking)
``alpaca_eval``           08        AlpacaEval evaluators (figures only)
``mt_bench``              09        Zheng et al. 2023 (MT-Bench)
========================  ========  =====================================================

Examples
--------
>>> from workbench import papers
>>> sorted(papers.FIGURES)[:3]
['alpaca_eval_tradeoffs', 'arena_agreement', 'arena_leaderboards']
>>> papers.NUMBERS["Ustalov 2023 (LLMFAO): crowd votes"].published
8931
"""

from __future__ import annotations

from ._base import FIGURES, NUMBERS, SEED, STATUSES, FigureEntry, Published, load

# Import order = registration order = row order of figures/reproduced.csv.
# isort: off
from . import llmbar
from . import pandalm
from . import llmeval2
from . import judging_the_judges
from . import hanna

llmbar.register_processed_subsets()

from . import ice_score  # noqa: E402
from . import llmfao  # noqa: E402
from . import arena_judges  # noqa: E402
from . import alpaca_eval  # noqa: E402
from . import mt_bench  # noqa: E402
from . import reproduce  # noqa: E402 - its published_numbers figure comes last
from .reproduce import COLUMNS, browser_path, build, write  # noqa: E402
# isort: on

__all__ = [
    "COLUMNS",
    "FIGURES",
    "NUMBERS",
    "SEED",
    "STATUSES",
    "FigureEntry",
    "Published",
    "alpaca_eval",
    "arena_judges",
    "browser_path",
    "build",
    "hanna",
    "ice_score",
    "judging_the_judges",
    "llmbar",
    "llmeval2",
    "llmfao",
    "load",
    "mt_bench",
    "pandalm",
    "reproduce",
    "write",
]
