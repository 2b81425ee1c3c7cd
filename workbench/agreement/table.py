"""The agreement table: each judge against the reference, with bootstrap CIs and the human ceiling."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option
from ..schema import resolve_samples
from ..stats.bootstrap import Method
from ._frame import check_by, protocol_of
from .estimate import statistic_specs
from .pairing import prepare
from .prepared import CEILING_ITEMS, Aggregate, CeilingItems, ceiling_options

__all__ = ["agreement"]


def agreement(
    df: pd.DataFrame | Any,
    *,
    engine: str = "pandas",
    judges: Sequence[str] | None = None,
    reference: str | None = None,
    statistics: Sequence[str] | Mapping[str, Mapping[str, Any]] | None = None,
    by: Sequence[str] | None = None,
    resolve: vocab.Rule = "per_order",
    ceiling: bool | Aggregate = True,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Method = "bca",
    rng: np.random.Generator | int | None = 0,
    ties: str | None = None,
    aggregate: Aggregate | None = None,
    ceiling_items: CeilingItems = "judged",
    cluster: str | Callable[[str], Hashable] | None = None,
) -> pd.DataFrame:
    """Agreement of each judge with the human reference, with bootstrap CIs and the human ceiling.

    Parameters
    ----------
    df : DataFrame, str, path or Ibis table
        Tidy judgment table of one protocol (pairwise, binary or rating); or a parquet /
        CSV path, glob or directory, or an Ibis table (:mod:`workbench.engines`).
    engine : {"pandas", "duckdb", "spark"}, default "pandas"
        Who computes: pandas in memory, or DuckDB / Spark through Ibis
        (:func:`workbench.engines.agreement`; the same table).
    judges : sequence of str, optional
        Raters to compare with the reference. Default: every rater of kind
        ``llm`` or ``metric``.
    reference : str, optional
        Default (None): ``"others"`` when the table has items with two or more
        individual ``human:<id>`` annotators (judge and ceiling on the same
        footing, with the paired gap), else ``"human"``. ``"others"``: per
        annotator, the majority of the item's other annotators (ratings: their
        mean), the ceiling's own reference; ``"human"``: ``human:majority``,
        else ``human``, ... (:mod:`workbench.agreement`); or an explicit rater id.
    statistics : sequence of str or mapping name -> options, optional
        Names in :data:`workbench.stats.SUFFICIENT`. Default
        :data:`DEFAULT_STATISTICS` of the protocol (Krippendorff's α is
        nominal for labels, interval for ratings; ICC is ``ICC2``).
    by : sequence of str, optional
        Slicing columns, any columns of ``df`` (``subset``, ``order``,
        ``turn``, ``model``, factor bins from :func:`workbench.slicing.add_bins`
        ...), taken from the judge's row (ceiling rows: from the annotator's
        row). ``criterion`` is added when the table has several.
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "per_order"
        How a judge's two presentation orders become verdicts
        (:func:`workbench.verdicts.resolve_orders`).
    ceiling : bool or {"mean", "pooled"}, default True
        Add human-ceiling rows, when the table has at least two individual
        ``human:<id>`` annotators. A string also sets ``aggregate``.
    n_resamples : int, default 2000
        Bootstrap resamples (items are resampled, all rows of an item together).
    confidence_level : float, default 0.95
    method : {"bca", "percentile"}, default "bca"
    rng : Generator, int or None, default 0
        Seed: the default makes the table reproducible.
    ties : str, optional
        Tie policy passed to ``percent_agreement`` (``ties=``); None uses its default.
    aggregate : {"mean", "pooled"}, optional
        How comparisons with individual annotators are combined, for the
        ceiling and for ``reference="others"``: ``"mean"`` = the statistic per
        annotator, then the unweighted mean over annotators; ``"pooled"`` =
        once on all (value, others' majority) pairs. Default: ``ceiling`` when
        it is a string, else ``"mean"``.
    ceiling_items : {"judged", "compared", "all"}, default "judged"
        Items the ceiling is computed on (:mod:`workbench.agreement`): those with a
        verdict of at least one judge, those where at least one judge was
        compared with the reference, or all.
    cluster : str or callable, optional
        Resample clusters of items instead of items: a column of ``df`` (one
        value per item) or a function ``item_id -> cluster id``
        (:mod:`workbench.agreement`; MT-Bench: ``lambda i: i.rsplit("/t", 1)[0]`` keeps both
        turns of a conversation together). Estimates and ``n_items`` are
        unchanged.

    Returns
    -------
    DataFrame
        One row per (slice, judge, statistic) plus ceiling rows; columns
        ``[*by, "judge", "reference", "statistic", "estimate", "ci_low",
        "ci_high", "se", "n_items", "kind", "gap_to_ceiling", "gap_ci_low",
        "gap_ci_high", "note"]`` (``kind`` is ``"judge"`` or ``"ceiling"``;
        ``n_items`` counts distinct items compared). ``gap_to_ceiling``: on
        judge rows compared on the ceiling's footing, judge minus ceiling of the
        same statistic on the judge's own (item, annotator) pairs, with an
        item-clustered paired bootstrap interval (one resample of items drives
        both); it equals ``estimate`` minus the ceiling row's estimate when the
        judge covers the ceiling's items. ``note`` says why a value is NaN: no
        ceiling possible (and why), another footing, fewer than
        :data:`~workbench.agreement.estimate.MIN_CI_ITEMS` items (no interval),
        an undefined statistic, a judge with no item in common with the
        reference (judges not named in ``judges``; a named one is an error).
        Pairs whose judge or reference value is NA (unparsable output, tied
        majority) are left out. An :class:`AgreementWarning` is emitted once
        when rows have NaN estimates or intervals.

    See Also
    --------
    prepare : the pairs of this table without the statistics, to slice and estimate
        several times (``agreement(df, **kw)`` is ``prepare(df, ...).emit(...)``).
    compare_judges : the difference between two judges, paired over common items.

    Examples
    --------
    Six items, a judge that agrees with the human on five:

    >>> import pandas as pd
    >>> human = ["A", "A", "B", "tie", "B", "A"]
    >>> judge = ["A", "B", "B", "tie", "B", "A"]
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, label=lab)
    ...         for r, k, labels in [("human", "human", human), ("j", "llm", judge)]
    ...         for i, lab in enumerate(labels)]
    >>> t = agreement(pd.DataFrame(rows), statistics=["percent_agreement", "cohen_kappa"],
    ...               n_resamples=200)
    >>> t[["judge", "statistic", "n_items"]].values.tolist()
    [['j', 'percent_agreement', 6], ['j', 'cohen_kappa', 6]]
    >>> [round(v, 4) for v in t["estimate"]]  # 5/6; (5/6 - 13/36) / (1 - 13/36) = 17/23
    [0.8333, 0.7391]

    Two annotators who split on item 1 leave it without a majority. By default the
    judge faces, for each annotator, the other annotators' majority, exactly as the
    ceiling does, so it is scored on item 1 too, and the table gives the paired gap:

    >>> votes = {"human:1": ["A", "A", "B"], "human:2": ["A", "B", "B"], "j": ["A", "A", "B"]}
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind="llm" if r == "j" else "human", label=lab)
    ...         for r, labels in votes.items() for i, lab in enumerate(labels)]
    >>> t = agreement(pd.DataFrame(rows), statistics=["percent_agreement"], n_resamples=50)
    >>> t[["judge", "reference", "n_items"]].values.tolist()
    [['j', "others' majority", 3], ['human ceiling', "others' majority", 3]]
    >>> [round(v, 4) for v in t["estimate"]]  # judge vs h2 (A, B, B): 2/3, vs h1: 3/3; (2/3 + 2/3) / 2
    [0.8333, 0.6667]
    >>> round(float(t["gap_to_ceiling"].iloc[0]), 4)  # 5/6 - 2/3 on the same (item, annotator) pairs
    0.1667

    Against ``human:majority`` the judge is scored only on the two items with a majority,
    and the rows are not comparable (no gap):

    >>> t = agreement(pd.DataFrame(rows), statistics=["percent_agreement"], n_resamples=50,
    ...               reference="human")
    >>> t[["judge", "reference", "estimate", "n_items"]].values.tolist()  # 2/2; (2/3 + 2/3) / 2
    [['j', 'human:majority', 1.0, 2], ['human ceiling', "others' majority", 0.6666666666666666, 3]]
    >>> "no paired gap" in t["note"].iloc[0]
    True
    """

    if engine != "pandas" or not isinstance(df, pd.DataFrame):
        from ..engines import agreement as on_engine

        return on_engine(
            df,
            engine=engine,
            judges=judges,
            reference=reference,
            statistics=statistics,
            by=by,
            resolve=resolve,
            ceiling=ceiling,
            n_resamples=n_resamples,
            confidence_level=confidence_level,
            method=method,
            rng=rng,
            ties=ties,
            aggregate=aggregate,
            ceiling_items=ceiling_items,
            cluster=cluster,
        )
    df = resolve_samples(df)  # repeated runs -> the majority of samples (none counts twice)
    protocol = protocol_of(df)
    by = check_by(df, by)
    want_ceiling, aggregate = ceiling_options(ceiling, aggregate)
    check_option("ceiling_items", ceiling_items, CEILING_ITEMS)
    specs = statistic_specs(statistics, protocol)  # bad names fail before any work
    prep = prepare(
        df,
        judges=judges,
        reference=reference,
        by=by,
        resolve=resolve,
        ceiling=want_ceiling,
        aggregate=aggregate,
        ceiling_items=ceiling_items,
        cluster=cluster,
        check=False,  # protocol_of above checked the table
    )
    return prep.emit(
        specs,
        by=by,
        ties=ties,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        method=method,
        rng=rng,
    )
