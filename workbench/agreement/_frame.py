"""Tidy-table helpers shared by the modules of :mod:`workbench.agreement`.

How the package reads a tidy judgment table: its protocol, its individual annotators, the
rows and value column of some raters, integer item codes, order resolution that keeps the
slicing columns, and the resampling unit (item or cluster) of every row. Internal to the
package (hence the leading underscore of the module); the names are public so that its
modules share them without importing each other's private names.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from .. import verdicts, vocab
from .._validate import check_option, check_table, factorize
from ..errors import SchemaError
from ..schema import COLUMNS as SCHEMA_COLUMNS
from ..schema import KEY

__all__ = [
    "ITEM",
    "ITEM_CODE",
    "as_column",
    "check_by",
    "cluster_index",
    "individual_humans",
    "item_codes",
    "label_set",
    "protocol_of",
    "quiet",
    "rater_positions",
    "resolved_table",
    "rows_of",
    "unit_codes",
    "values",
    "with_item_codes",
    "xy",
]

ITEM = ["dataset", "item_id", "criterion"]
"""Columns of the item key: all raters and both presentation orders of an item share it."""
ITEM_CODE = "_item_code"
"""Internal column: integer code of the item key, made once per table (:func:`with_item_codes`)."""


def protocol_of(df: pd.DataFrame, *, check: bool = True) -> str:
    """The one protocol of ``df``, after checking the table (:func:`workbench._validate.check_table`).

    Every public entry point of the package calls this first, so a bad table raises
    :class:`~workbench.errors.SchemaError` naming the column, row and value before any
    work. ``check=False`` skips the table check (the caller has just done it).
    """
    if check:
        check_table(df)
    if not len(df):
        raise SchemaError("df: the table has no rows; nothing to compare")
    # unique first, then object: no conversion of every row of a categorical / string column
    protocols = pd.Series(df["protocol"].dropna().unique()).astype("object").tolist()
    if len(protocols) != 1:
        raise SchemaError(f"df: expected one protocol, got {sorted(protocols)}; filter first")
    return protocols[0]


def check_by(df: pd.DataFrame, by: Sequence[str] | None, *, criterion: bool = True) -> list[str]:
    """``by`` as a list of columns of ``df`` (one name may be given as a string).

    ``criterion``: put ``criterion`` first when ``df`` has several criteria (the agreement
    table never pools criteria).
    """
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise ValueError(f"by: columns {missing} not in the table")
    twice = sorted({c for c in by if by.count(c) > 1})
    if twice:
        raise ValueError(f"by: column(s) {twice} listed more than once")
    # distinct values first, then object: no conversion of every row of a string column
    several = pd.Series(df["criterion"].dropna().unique()).nunique() > 1
    if criterion and several and "criterion" not in by:
        by = ["criterion", *by]
    return by


def individual_humans(df: pd.DataFrame) -> list[str]:
    """Sorted ``human:<id>`` raters of kind ``human`` (not ``human:majority``)."""
    raters = df["rater"][df["rater_kind"].isin(["human"]).to_numpy()].dropna().unique().tolist()
    return sorted(
        r for r in raters if isinstance(r, str) and r.startswith("human:") and r != "human:majority"
    )


def rater_positions(df: pd.DataFrame, raters: Sequence[str]) -> np.ndarray:
    """Positions of the rows of ``raters``, in table order (from the shared factorization
    of ``rater``: no string comparison per row).

    >>> rater_positions(pd.DataFrame({"rater": ["a", "b", "a", None]}), ["a"]).tolist()
    [0, 2]
    """
    codes, uniques = factorize(df["rater"])
    wanted = np.isin(uniques, np.asarray(list(raters), dtype=object))
    if not wanted.any():
        return np.zeros(0, dtype=np.int64)
    hit = np.append(wanted, False)  # code -1 (NA) indexes the last entry
    return np.flatnonzero(hit[codes])


def rows_of(df: pd.DataFrame, raters: Sequence[str], cols: Sequence[str]) -> pd.DataFrame:
    """Rows of ``raters`` with only the columns ``cols`` (those present) and the value columns.

    Columns first: filtering the whole table would copy every text column (prompts,
    responses) for a handful of key columns.
    """
    keep = [c for c in dict.fromkeys([*cols, "rater", "label", "score"]) if c in df.columns]
    return df[keep][df["rater"].isin(list(raters)).to_numpy()]


def values(rows: pd.DataFrame, protocol: str) -> pd.Series:
    """The value column of ``rows``: ``score`` as ``Float64`` for ratings, else ``label``."""
    if protocol == "rating":
        return rows["score"].astype("Float64")
    return rows["label"].astype("object")


def as_column(a: np.ndarray, index: pd.Index) -> pd.Series:
    """Array ``a`` as a column on ``index``; an object array (labels) stays ``object``.

    Assigning an object array of strings directly would make pandas infer an Arrow string
    column (a copy of every label) that :func:`xy` turns back into objects.
    """
    return pd.Series(a, index=index, dtype=object if a.dtype == object else None)


def xy(block: pd.DataFrame, protocol: str) -> tuple[np.ndarray, np.ndarray]:
    """(judge or annotator value ``x``, reference value ``y``) of a block of pairs as arrays."""
    if protocol == "rating":
        return block["x"].to_numpy(float), block["y"].to_numpy(float)
    # labels stay Python strings (object): no fixed-width unicode copy of every label
    return block["x"].to_numpy(object), block["y"].to_numpy(object)


def label_set(df: pd.DataFrame, protocol: str) -> list[str] | None:
    """Sorted labels used anywhere in the table (None for ratings): one scale for every block."""
    if protocol == "rating":
        return None
    return sorted({str(v) for v in df["label"].dropna().unique()})


def item_codes(block: pd.DataFrame) -> np.ndarray:
    """Item of every row, numbered in order of first appearance in ``block``."""
    if ITEM_CODE in block.columns:  # integer item key made once per call (see with_item_codes)
        return pd.factorize(block[ITEM_CODE].to_numpy())[0]
    return block.groupby(ITEM, sort=False).ngroup().to_numpy()


def with_item_codes(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` plus an integer column coding its item key (dataset, item_id, criterion).

    Codes 0, 1, ... in order of first appearance (as ``groupby(ITEM, sort=False).ngroup()``),
    from the column factorizations :func:`workbench._validate.check_table` made (shared).
    """
    coded = {col: factorize(df[col]) for col in ITEM}
    varying = [c for c in ITEM if len(coded[c][1]) > 1 or (coded[c][0] < 0).any()]
    if len(varying) == 1:  # one column varies (item_id): its codes may be the item codes
        codes = coded[varying[0]][0]
        first_seen = not isinstance(df[varying[0]].dtype, pd.CategoricalDtype)
        if first_seen and (codes >= 0).all():
            return df.assign(**{ITEM_CODE: codes.astype(np.int64)})
    combined = np.zeros(len(df), dtype=np.int64)
    for codes, uniques in coded.values():
        combined = combined * (len(uniques) + 1) + (codes.astype(np.int64) + 1)
    if len(df) and combined.max() >= 2**62:  # cannot happen for < 2**20 values per column
        return df.assign(**{ITEM_CODE: df.groupby(ITEM, sort=False).ngroup().to_numpy()})
    return df.assign(**{ITEM_CODE: pd.factorize(combined)[0]})


# ----------------------------------------------------------------- order resolution


def _restore_columns(
    original: pd.DataFrame, resolved: pd.DataFrame, cols: list[str]
) -> pd.DataFrame:
    """Bring non-schema columns back after :func:`workbench.verdicts.resolve_orders` dropped them.

    Each resolved row takes the values of the original row with its key
    (dataset, item_id, rater, order, criterion); a row whose two orders were
    resolved into one takes them from its ``AB`` row (else ``BA``), like the
    schema columns do. Rows made later (an on-the-fly majority) get NA.
    """
    if not cols:
        return resolved

    def index(frame: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
        return pd.MultiIndex.from_frame(frame[key].astype("object").fillna("-"))

    orig = original.reset_index(drop=True)
    first = orig.assign(_o=(orig["order"].astype("object") != "AB").to_numpy())
    first = first.sort_values("_o", kind="stable")
    full = index(orig, KEY)
    pos = full[~full.duplicated()].get_indexer(index(resolved, KEY))
    rows = np.flatnonzero(~full.duplicated())
    pos = np.where(pos >= 0, rows[np.maximum(pos, 0)], -1)
    group = ["dataset", "item_id", "rater", "criterion"]
    gidx = index(first, group)
    keep = ~gidx.duplicated()
    gpos = gidx[keep].get_indexer(index(resolved, group))
    grows = first.index.to_numpy()[keep]
    pos = np.where(pos >= 0, pos, np.where(gpos >= 0, grows[np.maximum(gpos, 0)], -1))
    out = resolved.copy()
    for c in cols:
        vals = orig[c].astype("object").to_numpy()[np.maximum(pos, 0)]
        out[c] = pd.Series(np.where(pos >= 0, vals, None), index=out.index, dtype="object")
    return out


def _schema_only(df: pd.DataFrame) -> pd.DataFrame:
    """The schema's columns of ``df`` (factor columns etc. would fail ``schema.conform``)."""
    extra = [c for c in df.columns if c not in SCHEMA_COLUMNS]
    return df.drop(columns=extra) if extra else df


def resolved_table(df: pd.DataFrame, resolve: vocab.Rule, by: Sequence[str] = ()) -> pd.DataFrame:
    """``df`` with each judge's presentation orders resolved by the rule ``resolve``.

    :func:`workbench.verdicts.resolve_orders` on the schema's columns; the non-schema
    columns named in ``by`` (factor bins, ...) are carried over from the original rows.
    """
    check_option("resolve", resolve, vocab.RULES)
    extra = [c for c in by if c not in SCHEMA_COLUMNS]
    return _restore_columns(df, verdicts.resolve_orders(_schema_only(df), rule=resolve), extra)


# ----------------------------------------------------------------- resampling units


def cluster_index(
    df: pd.DataFrame, cluster: str | Callable[[str], Hashable] | None
) -> pd.Series | None:
    """Cluster code per item (index: the item key), or None for item-level resampling."""
    if cluster is None:
        return None
    items = df[ITEM].astype("object").reset_index(drop=True)
    if isinstance(cluster, str):
        if cluster not in df.columns:
            raise ValueError(f"cluster: column {cluster!r} not in the table")
        values = pd.Series(df[cluster].astype("object").to_numpy())
    elif callable(cluster):
        ids = items["item_id"]
        mapping = {i: cluster(i) for i in pd.unique(ids)}
        unhashable = next((v for v in mapping.values() if not isinstance(v, Hashable)), None)
        if unhashable is not None:
            raise ValueError(
                f"cluster: the function returned an unhashable {type(unhashable).__name__} "
                f"({unhashable!r}); return a string or number per item"
            )
        values = ids.map(mapping)
    else:
        raise ValueError(
            f"cluster: expected None, a column name or a function, got {type(cluster).__name__}"
        )
    if values.isna().any():
        bad = items["item_id"][values.isna().to_numpy()].iloc[0]
        raise ValueError(f"cluster: no cluster for item {bad!r} ({int(values.isna().sum())} rows)")
    t = items.assign(_cluster=values.to_numpy()).drop_duplicates()
    several = t.duplicated(ITEM, keep=False)
    if several.any():
        bad = t[several].iloc[0]
        raise ValueError(
            f"cluster: item {bad['item_id']!r} has several cluster values "
            f"{sorted(map(str, t[several & (t['item_id'] == bad['item_id'])]['_cluster']))}"
        )
    codes = t.groupby(["dataset", "_cluster"], sort=False).ngroup().to_numpy()
    return pd.Series(codes, index=pd.MultiIndex.from_frame(t[ITEM]))


def unit_codes(block: pd.DataFrame, clusters: pd.Series | None) -> np.ndarray:
    """Resampling unit of every row: its item, or its item's cluster."""
    if clusters is None:
        return item_codes(block)
    idx = pd.MultiIndex.from_frame(block[ITEM].astype("object"))
    return clusters.to_numpy()[clusters.index.get_indexer(idx)]


@contextmanager
def quiet() -> Iterator[None]:
    """Silence numpy's empty-slice / invalid-value ``RuntimeWarning`` inside a block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
