"""The engine's share of the agreement table: per-item patterns counted by GROUP BY, in Ibis.

For a judge compared with one reference rater, every statistic of kind ``"sum"`` and its
bootstrap depend on the pairs only through the *item patterns*: per item, how many of its
(judge, reference) pairs fall in each cell ``x * k + y`` of the coded labels. This module
builds that as Ibis expressions (any backend: DuckDB, Spark):

1. :func:`resolved_rows`: order resolution (``per_order``: all rows; ``first_order``: the
   ``AB`` row of an ordered judgment);
2. :func:`reference_rows`: the reference's coded label per item (one row per item, checked);
3. :func:`pattern_counts`: judge rows joined with the reference on the item key, grouped
   per (judge, slice, item) into cell counts, then per (judge, slice, pattern) into the
   number of items and the source position of the first, which is all
   :func:`workbench.agreement.patterns.estimate_patterns` needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..agreement._frame import ITEM
from ..errors import SchemaError
from .source import POSITION

__all__ = ["cell_columns", "pattern_counts", "reference_rows", "resolved_rows"]


def cell_columns(k: int) -> list[str]:
    """Names of the cell-count columns for ``k`` label codes.

    >>> cell_columns(2)
    ['_c0', '_c1', '_c2', '_c3']
    """
    return [f"_c{i}" for i in range(k * k)]


def resolved_rows(t: Any, resolve: str, by: Sequence[str]) -> Any:
    """The rows of ``t`` after order resolution (``per_order`` or ``first_order``)."""
    if resolve == "per_order":
        return t
    if resolve != "first_order":
        raise ValueError(f"resolve: {resolve!r} is not computed by an engine here")
    import ibis

    t = t.filter(t.order.isnull() | (t.order == "AB"))
    if "order" in t.columns:
        t = t.mutate(order=ibis.null().cast("string"))
    return t


def _code(column: Any, labels: Sequence[str]) -> Any:
    return column.substitute({lab: i for i, lab in enumerate(labels)}, else_=-1).cast("int64")


def reference_rows(rows: Any, con: Any, reference: str, labels: Sequence[str]) -> Any:
    """The reference's coded label ``_y`` per item; raises when it has several rows per item."""
    ref = rows.filter(rows.rater == reference)
    several = ref.group_by(ITEM).agg(_n=ref.count()).filter(lambda s: s._n > 1).limit(1)
    if len(con.to_pandas(several)):
        raise ValueError(
            f"reference: rater {reference!r} has several rows per item (presentation orders?); "
            "resolve them first (resolve='fastchat' etc.) or pick another reference"
        )
    ref = ref.filter(ref.label.notnull())
    return ref.select(*ITEM, _y=_code(ref.label, labels))


def pattern_counts(
    rows: Any,
    con: Any,
    ref: Any,
    judges: Sequence[str],
    by: Sequence[str],
    labels: Sequence[str],
) -> pd.DataFrame:
    """One row per (judge, slice, item pattern): cell counts, ``_items``, ``_first``.

    ``_first`` is the smallest source position of a judge row of the pattern's items;
    ``_bad`` counts pairs whose label is not in ``labels``; ``_dup`` is positive when a
    (judge, item, order) key repeats.
    """
    k = len(labels)
    extra = [c for c in by if c not in ITEM]
    j = rows.filter(rows.rater.isin(list(judges)) & rows.label.notnull())
    keep = ["rater", *ITEM, *extra, *(["order"] if "order" not in extra else [])]
    j = j.select(*keep, POSITION, _x=_code(j.label, labels))
    p = j.join(ref, list(ITEM))
    cell = p._x * k + p._y
    order = p.order.fill_null("")
    group = ["rater", *by]
    per_item = p.group_by([*group, *[c for c in ITEM if c not in by]]).agg(
        _first=p[POSITION].min(),
        _bad=((p._x < 0) | (p._y < 0)).sum(),
        _dup=sum(((order == o).sum() > 1).cast("int64") for o in ("AB", "BA", "")),
        **{c: (cell == i).sum() for i, c in enumerate(cell_columns(k))},
    )
    cells = cell_columns(k)
    out = per_item.group_by([*group, *cells]).agg(
        _items=per_item.count(),
        _first=per_item._first.min(),
        _bad=per_item._bad.sum(),
        _dup=per_item._dup.sum(),
    )
    frame = con.to_pandas(out)
    if len(frame) and frame["_dup"].sum() > 0:
        raise SchemaError(
            "source: duplicate key (dataset, item_id, rater, order, criterion) in a judge's "
            "rows; each judgment must appear once"
        )
    return frame
