"""Former home of the tidy front end, now :mod:`workbench.agreement`; these names stay importable.

``from workbench.tables import agreement, compare_judges, leaderboard, rank_correlation`` (and
``workbench.tables.agreement(...)``) keep working: they are the functions of the package. The
definitions (reference resolution, the human ceiling, ceiling items, clusters, the category
set) are documented in :mod:`workbench.agreement`.

>>> import workbench.agreement
>>> from workbench import tables
>>> tables.agreement is workbench.agreement.agreement
True
"""

from __future__ import annotations

from .agreement import (
    CEILING,
    COLUMNS,
    DEFAULT_STATISTICS,
    OTHERS,
    PreparedPairs,
    agreement,
    compare_judges,
    leaderboard,
    prepare,
    rank_correlation,
)

__all__ = [
    "CEILING",
    "COLUMNS",
    "DEFAULT_STATISTICS",
    "OTHERS",
    "PreparedPairs",
    "agreement",
    "compare_judges",
    "leaderboard",
    "prepare",
    "rank_correlation",
]
