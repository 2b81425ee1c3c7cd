"""``agreement(source, engine=...)``: the agreement table computed by DuckDB or Spark through Ibis.

Two ways through, chosen from the options and a small summary of the table (one GROUP BY
over protocol, criterion, rater, kind, order and label):

*Patterns* (the scalable path): a judge against one reference rater (``gold``, ``human``,
``human:majority`` or a named rater), labels (pairwise, binary), statistics of kind
``"sum"``, ``resolve`` ``"per_order"`` or ``"first_order"``, no clusters, and no human
ceiling to compute (fewer than two individual annotators, or ``ceiling=False``). The engine
joins judge to reference labels and GROUPs BY to per-pattern counts
(:mod:`workbench.engines.patterns`); numpy estimates and bootstraps those
(:func:`workbench.agreement.patterns.estimate_patterns`). Memory is that of the engine's
aggregation, not of the table.

*Projected* (everything else: ``reference="others"``, the ceiling, ratings, rank
statistics, clusters, ``fastchat`` / ``vote_sum``): the engine reads only the columns the
table needs (no prompts, responses, explanations), in source order, and the pandas path
runs on that. Same numbers; memory of the projected table.

Both give the pandas path's table: estimates equal, intervals identical for the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option
from ..agreement.estimate import block_seed, statistic_specs
from ..agreement.pairs import ceiling_note, judge_names
from ..agreement.patterns import coded_specs, estimate_patterns
from ..agreement.prepared import ceiling_options
from ..agreement.rows import block_rows, finish_table, unpaired_rows
from ..errors import SchemaError
from ..schema import REQUIRED
from ..stats import SUFFICIENT
from .backends import ENGINES, backend_of
from .patterns import cell_columns, pattern_counts, reference_rows, resolved_rows
from .projected import TEXT_COLUMNS, like_source
from .source import POSITION, columns_of, read_frame, table_of

__all__ = ["TEXT_COLUMNS", "agreement", "explain", "plan"]

_SUMMARY = ["protocol", "criterion", "rater", "rater_kind", "order", "label"]


def agreement(
    source: Any,
    *,
    engine: str = "duckdb",
    judges: Sequence[str] | None = None,
    reference: str | None = None,
    statistics: Sequence[str] | Mapping[str, Mapping[str, Any]] | None = None,
    by: Sequence[str] | None = None,
    resolve: vocab.Rule = "per_order",
    ceiling: bool | str = True,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: str = "bca",
    rng: np.random.Generator | int | None = 0,
    ties: str | None = None,
    aggregate: str | None = None,
    ceiling_items: str = "judged",
    cluster: str | Callable[[str], Hashable] | None = None,
) -> pd.DataFrame:
    """:func:`workbench.agreement.agreement` of ``source`` computed by ``engine``.

    Parameters
    ----------
    source : DataFrame, str, path, list of paths or Ibis table
        The tidy judgment table: in memory, parquet or CSV files (a path, glob or
        directory; files are read in sorted order), or an Ibis table (its own backend
        computes; ``engine`` must name it).
    engine : {"pandas", "duckdb", "spark"}, default "duckdb"
        ``"pandas"``: read the source into memory and run the pandas path.
    judges, reference, statistics, by, resolve, ceiling, n_resamples, confidence_level, \
method, rng, ties, aggregate, ceiling_items, cluster
        As in :func:`workbench.agreement.agreement`; the result is the same table.

    Returns
    -------
    DataFrame
        The agreement table (:data:`workbench.agreement.COLUMNS` after ``by``).

    Examples
    --------
    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "AABtBAAB", "j": "ABBtBAAB"})
    >>> t = agreement(df, engine="duckdb", statistics=["percent_agreement"], n_resamples=50)
    >>> t[["judge", "estimate", "n_items"]].values.tolist()  # 7 of 8 items agree
    [['j', 0.875, 8]]
    """
    how, t, con, summary = _prepared(
        source,
        engine,
        options := dict(
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
        ),
    )
    from ..agreement.table import agreement as pandas_agreement

    if how == "pandas":
        df = source if isinstance(source, pd.DataFrame) else read_frame(source)
        return pandas_agreement(df, **options)
    if how == "projected":
        df = con.to_pandas(t.order_by(POSITION)).drop(columns=POSITION)
        return pandas_agreement(like_source(df, source), **options)
    return _patterns_table(t, con, summary, source, **options)


def explain(source: Any, *, engine: str = "duckdb", **options: Any) -> str:
    """Which way :func:`agreement` takes: ``"patterns"``, ``"projected"`` or ``"pandas"``.

    ``"patterns"``: the engine aggregates to item patterns (memory of the aggregation);
    ``"projected"``: the pandas path on the engine's projection (memory of the table
    without its text columns); ``"pandas"``: ``engine="pandas"``.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "AABtBA", "j": "ABBtBA"})
    >>> explain(df), explain(df, statistics=["percent_agreement"], cluster="item_id")
    ('patterns', 'projected')
    """
    return _prepared(source, engine, {**_DEFAULTS, **options})[0]


_DEFAULTS: dict[str, Any] = dict(
    judges=None,
    reference=None,
    statistics=None,
    by=None,
    resolve="per_order",
    ceiling=True,
    n_resamples=2000,
    confidence_level=0.95,
    method="bca",
    rng=0,
    ties=None,
    aggregate=None,
    ceiling_items="judged",
    cluster=None,
)


def _prepared(source: Any, engine: str, options: dict[str, Any]) -> tuple[str, Any, Any, Any]:
    """(way, Ibis table, backend, summary of the table) of one call."""
    check_option("engine", engine, ENGINES)
    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        raise TypeError(f"agreement: unknown option(s) {unknown}")
    if engine == "pandas":
        return "pandas", None, None, None
    con = backend_of(source, engine)
    by = options["by"]
    by_list = [by] if isinstance(by, str) else list(by or [])
    names = columns_of(source, con)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SchemaError(f"source: missing required column(s) {missing}")
    cluster = options["cluster"]
    keep = [c for c in names if c not in TEXT_COLUMNS or c in by_list or c == cluster]
    t = table_of(source, con, keep)
    summary, how = _summary(t, con)
    if how is None:
        how = plan(summary, names, **options)
    return how, t, con, summary


def _summary(t: Any, con: Any) -> tuple[pd.DataFrame, str | None]:
    """Rows per (protocol, criterion, rater, kind, order, label): small, read once."""
    import ibis

    if "order" not in t.columns:
        t = t.mutate(order=ibis.null().cast("string"))
    if "label" not in t.columns:
        t = t.mutate(label=ibis.null().cast("string"))
    nulls = t.aggregate(**{c: t[c].isnull().sum() for c in REQUIRED})
    na = con.to_pandas(nulls).iloc[0]
    bad = [c for c in REQUIRED if na[c] > 0]
    if bad:  # the pandas path names the row: let it
        return pd.DataFrame(columns=[*_SUMMARY, "_n"]), "projected"
    s = t.group_by(_SUMMARY).agg(_n=t.count())
    frame = con.to_pandas(s)
    for c in _SUMMARY:
        frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    checks = [
        ("protocol", vocab.PROTOCOLS),
        ("rater_kind", vocab.RATER_KINDS),
        ("order", (*vocab.ORDERS, None)),
        ("label", (*vocab.LABELS, None)),
    ]
    for col, allowed in checks:
        wrong = sorted(set(frame[col]) - set(allowed), key=str)
        if wrong:
            return frame, "projected"  # the pandas path names row and value
    return frame, None


def plan(summary: pd.DataFrame, columns: Sequence[str], **options: Any) -> str:
    """``"patterns"`` when the engine can GROUP BY to item patterns, else ``"projected"``.

    ``summary``: rows per (protocol, criterion, rater, rater_kind, order, label); ``options``
    those of :func:`agreement`.
    """
    protocols = sorted(set(summary["protocol"]))
    if len(protocols) != 1 or protocols[0] not in ("pairwise", "binary"):
        return "projected"
    if "sample" in columns or "label" not in columns:
        return "projected"
    if options["resolve"] not in ("per_order", "first_order") or options["cluster"] is not None:
        return "projected"
    try:
        specs = statistic_specs(options["statistics"], protocols[0])
    except ValueError:
        return "projected"  # the pandas path raises the error
    if any(SUFFICIENT[name].kind != "sum" for name in specs):
        return "projected"
    want_ceiling, _ = ceiling_options(options["ceiling"], options["aggregate"])
    humans = _humans(summary)
    if len(humans) >= 2 and (want_ceiling or options["reference"] in (None, "others")):
        return "projected"
    return "patterns" if _reference(summary, options["reference"]) else "projected"


def _humans(summary: pd.DataFrame) -> list[str]:
    r = summary.loc[summary["rater_kind"] == "human", "rater"]
    return sorted({x for x in r if x.startswith("human:") and x != "human:majority"})


def _reference(summary: pd.DataFrame, reference: str | None) -> str | None:
    """The one reference rater the pandas path would pick, or None (it needs other work)."""
    raters = set(summary["rater"])
    if reference not in (None, "human"):
        return reference if reference in raters and reference != "others" else None
    for name in ("human:majority", "human"):
        if name in raters:
            return name
    if _humans(summary):
        return None  # majority of the annotators computed on the fly
    return "gold" if "gold" in raters else None


def _patterns_table(
    t: Any, con: Any, summary: pd.DataFrame, source: Any, **options: Any
) -> pd.DataFrame:
    """The agreement table from per-pattern counts (:func:`plan` said ``"patterns"``)."""
    import ibis

    protocol = summary["protocol"].iloc[0]
    by = _check_by(summary, options["by"], t.columns)
    resolve = options["resolve"]
    if "order" not in t.columns:
        t = t.mutate(order=ibis.null().cast("string"))
    rows = resolved_rows(t, resolve, by)
    kept = summary if resolve == "per_order" else summary[summary["order"] != "BA"]
    specs = statistic_specs(options["statistics"], protocol)
    if options["ties"] is not None and "percent_agreement" in specs:
        specs["percent_agreement"] = {**specs["percent_agreement"], "ties": options["ties"]}
    labels = sorted({str(v) for v in kept["label"] if v is not None})
    given = {tuple(o["categories"]) for o in specs.values() if o.get("categories") is not None}
    if len(given) > 1:
        raise ValueError(f"statistics: pass one categories= for all statistics, got {given}")
    if given:
        labels = list(given.pop())
    want_ceiling, _ = ceiling_options(options["ceiling"], options["aggregate"])
    kinds = kept[["rater", "rater_kind"]].drop_duplicates().reset_index(drop=True)
    named = options["judges"] is not None
    judges = judge_names(kinds, kinds["rater"], options["judges"])
    ref = _reference(summary, options["reference"])
    note = ceiling_note(kinds, _humans(summary), want_ceiling, False, False)
    y = reference_rows(rows, con, ref, labels)
    counts = pattern_counts(rows, con, y, judges, by, labels)
    if len(counts) and counts["_bad"].sum() > 0:
        used = sorted(set(kept["label"].dropna()) - set(labels))
        raise ValueError(f"categories: labels {used} are not in {labels}")
    if isinstance(source, pd.DataFrame):
        counts = counts.astype({c: source[c].dtype for c in by if c in source.columns})
    coded = coded_specs(specs, labels)
    tie_label = specs.get("percent_agreement", {}).get("tie_label", "tie")
    tie = labels.index(tie_label) if tie_label in labels else -1
    kw = dict(
        n_resamples=options["n_resamples"],
        confidence_level=options["confidence_level"],
        method=options["method"],
        rng=block_seed(options["rng"]),  # one seed for every block, as PreparedPairs.emit
    )
    records: list[dict[str, Any]] = []
    unpaired = []
    for judge in judges:
        mine = counts[counts["rater"] == judge]
        if not len(mine):
            if named:
                raise ValueError(
                    f"judges: {judge!r} has no verdict on an item the reference {ref!r} has "
                    "(no pair to compare); check the judge's items or pick another reference"
                )
            unpaired.append(judge)
            continue
        groups = mine.groupby(by, sort=True, dropna=False) if by else [((), mine)]
        for key, block in groups:
            key = key if isinstance(key, tuple) else (key,)
            block = block.sort_values("_first", kind="stable")
            cells = block[cell_columns(len(labels))].to_numpy(np.int64)
            est = estimate_patterns(
                cells, block["_items"].to_numpy(np.int64), len(labels), coded, tie=tie, **kw
            )
            n_units = int(block["_items"].sum())
            records += block_rows(key, by, judge, ref, "judge", est, {}, n_units, note)
    for judge in unpaired:
        records += unpaired_rows(judge, ref, by, specs)
    return finish_table(records, by)


def _check_by(summary: pd.DataFrame, by: Sequence[str] | None, columns: Sequence[str]) -> list:
    """``by`` as :func:`workbench.agreement._frame.check_by` makes it (criterion first when
    the table has several)."""
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in by if c not in columns]
    if missing:
        raise ValueError(f"by: columns {missing} not in the table")
    twice = sorted({c for c in by if by.count(c) > 1})
    if twice:
        raise ValueError(f"by: column(s) {twice} listed more than once")
    if summary["criterion"].nunique() > 1 and "criterion" not in by:
        by = ["criterion", *by]
    return by
