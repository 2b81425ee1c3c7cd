"""Published numbers and the workbench computations that reproduce them (compatibility module).

The definitions, the published values and their computations now live in one module per
paper under :mod:`workbench.papers` (each number declared beside the function computing it);
the table is built by :func:`workbench.papers.reproduce.reproduce`. This module keeps the
names notebooks, tests and scripts use: ``published.reproduce(paper="LLMBar")``,
``published.llmbar_scores(df)``, ...

:data:`REGISTRY` is a list snapshot of :data:`workbench.papers.NUMBERS` (registration
order); :func:`reproduce` without arguments reads the registry itself.

Examples
--------
>>> entry = Published("Toy", "Tab. 1", "two", 2.0, 0.05, lambda: 2.01, "1 + 1.01")
>>> entry.status(2.01)
('reproduced', '')
>>> len(REGISTRY) == len(set((e.paper, e.quantity) for e in REGISTRY))
True
"""

from __future__ import annotations

from .papers import NUMBERS
from .papers._base import Published
from .papers.hanna import rating_correlations
from .papers.ice_score import (
    CONALA_AGGREGATIONS,
    aggregate_grades,
    conala_variants,
    ice_correlations,
)
from .papers.llmbar import ADVERSARIAL, llmbar_scores
from .papers.mt_bench import MT_BENCH_PUBLISHED, fastchat_agreement, mt_bench_agreement_table
from .papers.pandalm import pandalm_table2_variants
from .papers.reproduce import COLUMNS, reproduce

__all__ = [
    "ADVERSARIAL",
    "COLUMNS",
    "CONALA_AGGREGATIONS",
    "MT_BENCH_PUBLISHED",
    "REGISTRY",
    "Published",
    "aggregate_grades",
    "conala_variants",
    "fastchat_agreement",
    "ice_correlations",
    "llmbar_scores",
    "mt_bench_agreement_table",
    "pandalm_table2_variants",
    "rating_correlations",
    "reproduce",
]

REGISTRY: list[Published] = list(NUMBERS.values())
"""Every published number the workbench checks, in table order (see :func:`reproduce`)."""
