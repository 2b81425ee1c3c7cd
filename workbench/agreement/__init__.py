"""Tidy front end: judge-human agreement tables with CIs and the human ceiling, leaderboards, judge comparisons.

Every function takes a tidy judgment table (:mod:`workbench.schema`) and
returns a tidy DataFrame with fixed columns and no rounding; the numbers come
from the array-level statistics in :mod:`workbench.stats`.

Same footing by default
    With ``reference`` left at its default, a table whose items have two or
    more individual ``human:<id>`` annotators compares every judge with the
    reference the human ceiling uses (``reference="others"`` below): the same
    reference, the same (item, annotator) pairs and the same aggregation, and
    each judge row carries the **paired gap to the ceiling**
    (``gap_to_ceiling``, ``gap_ci_low``, ``gap_ci_high``: judge minus ceiling,
    one item-clustered bootstrap resample driving both). This follows
    AlpacaEval's human baseline (each annotator against the mode of the other
    annotators, Dubois et al. 2023, https://arxiv.org/abs/2305.14387, Sec. 3)
    and MT-Bench's human-human agreement on the same votes (Zheng et al.
    2023, https://arxiv.org/abs/2306.05685, Sec. 4.2). Without such items (one
    aggregated ``human`` label, ``gold`` only, one annotator per item) the
    default is ``"human"`` and judge rows carry a ``note`` saying why no
    ceiling is possible. Published-number checks (:mod:`workbench.papers`)
    pass their paper's reference explicitly.

Reference resolution (``reference="human"``)
    ``human:majority`` if the table has it; else the single aggregated
    ``human`` rater; else, when the table has individual ``human:<id>``
    raters, their majority computed on the fly with
    :func:`workbench.verdicts.majority_vote` (ties -> NA, i.e. the item is left
    out; ratings -> mean score); else ``gold``. Any other string is taken as an
    explicit rater id.

Reference ``"others"`` (the ceiling's footing)
    ``reference="others"`` compares the judge, for every annotator ``h`` of
    item ``i``, with exactly the reference the ceiling uses for ``h``: the
    majority of the *other* annotators of ``i`` (ratings: their mean). One
    judge verdict thus gives one pair per (item, annotator) whose others'
    majority is defined, and the pairs are combined like the ceiling's
    (``aggregate="mean"``: the statistic per annotator, then the unweighted
    mean over annotators; ``"pooled"``: once on all pairs). Judge and ceiling
    rows then share the reference, the (item, annotator) pairs and the
    aggregation, and are directly comparable. This is AlpacaEval's human
    baseline (each annotator against the mode of the other annotators) and
    MT-Bench's pooling of all (judge, human) vote pairs (Zheng et al. 2023,
    https://arxiv.org/abs/2306.05685, Sec. 4.2). With ``human:majority``
    instead, a two-annotator split has no majority and the item is left out
    for the judge, while the ceiling keeps it (each annotator faces the other
    one): the judge is scored on the easier items.

Human ceiling
    The same statistic between humans on the same data: each individual
    ``human:<id>`` annotator against the majority of the *other* annotators
    of the item (leave-one-annotator-out; items need at least two
    annotators, and the others' majority must not be tied). ``"mean"``
    averages the statistic over annotators (unweighted, annotators whose
    statistic is undefined are skipped); ``"pooled"`` computes it once on all
    (annotator, others' majority) pairs. Ceiling rows have
    ``judge = "human ceiling"`` and ``kind = "ceiling"``.

Ceiling items (``ceiling_items``)
    ``"judged"`` (default): the ceiling uses only items on which at least one
    of the ``judges`` has a non-NA verdict (after ``resolve``), so human items
    no judge saw do not move it; with ``reference="others"`` and one judge (or
    judges covering the same items) its (item, annotator) pairs are then
    exactly the judge's. ``"compared"``: only items on which at least one
    judge was actually compared with the reference (with ``human:majority``
    this also drops items whose majority is tied). ``"all"``: every item with
    at least two annotators. When no judge has any verdict (or comparison),
    the ceiling uses all items.

Clusters (``cluster=``)
    By default the bootstrap resamples items (``dataset``, ``item_id``,
    ``criterion``): all raters and both presentation orders of an item move
    together. ``cluster`` names a column (one value per item) or a function
    ``item_id -> cluster id``; whole clusters are then resampled (within a
    dataset: clusters never span datasets). The per-item contributions of a
    cluster are summed into one row (the statistics are functions of sums, so
    this is exact), and BCa's jackknife leaves out one cluster at a time.
    Estimates and ``n_items`` do not change, only the intervals. Recipe for
    MT-Bench, whose loader writes ``"<question_id>/<model_a>/<model_b>/t<turn>"``
    item ids, so that both turns of a conversation move together::

        agreement(df, cluster=lambda item_id: item_id.rsplit("/t", 1)[0])

Category set
    Label statistics use the labels seen anywhere in the (order-resolved) table as
    their category set, for every judge, slice and the ceiling: Gwet's AC1 and
    Brennan-Prediger depend on the number of categories q, so a slice in which
    nobody said ``tie`` still has q = 3 when the table has ties elsewhere.

Modules
    :mod:`~workbench.agreement.pairs` (reference resolution; judge, ceiling and
    others' pairs), :mod:`~workbench.agreement.prepared` (:func:`prepare` and the
    typed :class:`PreparedPairs`: pairs once, sliced and estimated many times),
    :mod:`~workbench.agreement.estimate` (one block's estimates and bootstrap; the paired
    gap to the ceiling), :mod:`~workbench.agreement.sums` (contribution sums of the sum
    statistics and their one shared bootstrap),
    :mod:`~workbench.agreement.rank_bootstrap` (Kendall / Spearman resamples at once),
    :mod:`~workbench.agreement.table` (:func:`agreement`),
    :mod:`~workbench.agreement.compare` (:func:`compare_judges`),
    :mod:`~workbench.agreement.leaderboard` (:func:`leaderboard`),
    :mod:`~workbench.agreement.ranking` (:func:`rank_correlation`).
    The package itself is callable: ``workbench.agreement(df, ...)`` is :func:`agreement`.
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Any

import pandas as pd

from ..vocab import CEILING, OTHERS
from .compare import compare_judges
from .estimate import DEFAULT_STATISTICS, MIN_CI_ITEMS
from .leaderboard import leaderboard, rank_correlation
from .pairing import prepare
from .prepared import COLUMNS, AgreementWarning, JudgePairs, PreparedPairs
from .table import agreement

__all__ = [
    "CEILING",
    "COLUMNS",
    "DEFAULT_STATISTICS",
    "MIN_CI_ITEMS",
    "AgreementWarning",
    "OTHERS",
    "JudgePairs",
    "PreparedPairs",
    "agreement",
    "compare_judges",
    "leaderboard",
    "prepare",
    "rank_correlation",
]


class _CallableModule(types.ModuleType):
    """This package, callable as its :func:`agreement` function.

    ``workbench.agreement`` was a function before it became this package; once the
    package is imported, Python binds the name to the module, so the module forwards
    calls to keep ``workbench.agreement(df, ...)`` working.
    """

    def __call__(self, df: pd.DataFrame, /, **kwargs: Any) -> pd.DataFrame:
        return agreement(df, **kwargs)


_CallableModule.__call__.__doc__ = agreement.__doc__
sys.modules[__name__].__class__ = _CallableModule
__signature__ = inspect.signature(agreement)
