"""One row per item, one column per rater -> the tidy judgment table.

:func:`from_wide` is the short way in for your own judge runs: a spreadsheet with an item id,
one column per person (``human_1``, ``human_2``) and one per judge run (``gpt4_ab``,
``gpt4_ba``) becomes a validated tidy table (:mod:`workbench.schema`) that
:func:`workbench.agreement` reads, with the human ceiling when there are two or more people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .._validate import check_columns, check_frame, check_option
from ..errors import SchemaError
from ..schema import conform, validate
from ..vocab import ORDERS, OVERALL, PROTOCOLS
from .spellings import map_labels

__all__ = ["ITEM_COLUMNS", "from_wide"]

ITEM_COLUMNS: tuple[str, ...] = (
    "subset",
    "turn",
    "prompt",
    "response_a",
    "response_b",
    "response",
    "reference",
    "model_a",
    "model_b",
    "model",
)
"""Schema columns that describe an item (the same for all its raters); ``texts=`` fills them."""

_HUMAN = re.compile(r"^human(?:[_:\- ]+(?P<id>.+))?$", re.IGNORECASE)

Raters = Sequence[str] | Mapping[str, str]


def _human_id(col: str) -> str:
    """``human_1`` -> ``human:1``, ``human`` -> ``human``, ``alice`` -> ``human:alice``."""
    m = _HUMAN.match(col)
    if m is None:
        return f"human:{col}"
    return "human" if m["id"] is None else f"human:{m['id']}"


def _raters(raters: Raters, arg: str, default: Any) -> dict[str, str]:
    if isinstance(raters, str):
        raise SchemaError(f"{arg}: expected a list of column names or a mapping, got {raters!r}")
    if isinstance(raters, Mapping):
        return {str(c): str(r) for c, r in raters.items()}
    return {str(c): default(str(c)) for c in raters}


def _orders(order: Any, judges: dict[str, str]) -> dict[str, str | None]:
    if order is None or isinstance(order, str):
        if order is not None:
            check_option("order", order, ORDERS)
        return dict.fromkeys(judges, order)
    unknown = [c for c in order if c not in judges]
    if unknown:
        raise SchemaError(f"order: {unknown} are not judge columns {list(judges)}")
    for col, o in order.items():
        check_option(f"order[{col!r}]", o, ORDERS)
    return {c: order.get(c) for c in judges}


def from_wide(
    df: pd.DataFrame,
    *,
    item: str,
    humans: Raters,
    judges: Raters,
    protocol: str,
    criterion: str | None = None,
    order: str | Mapping[str, str] | None = None,
    dataset: str = "mine",
    texts: Mapping[str, str] | None = None,
    labels: Mapping[Any, str | None] | None = None,
) -> pd.DataFrame:
    """The tidy judgment table of a wide table (one row per item, one column per rater).

    Parameters
    ----------
    df : DataFrame
        One row per item (per criterion, when ``criterion`` names a column).
    item : str
        Column holding the item id (unique per row; read as text, ``7`` -> ``"7"``).
    humans : list of str or mapping column -> rater id
        People's columns. A list names the raters after the columns: ``human_1`` ->
        ``human:1``, ``alice`` -> ``human:alice``, ``human`` -> ``human`` (one aggregated
        label), ``gold`` -> ``gold`` (a curated label, ``rater_kind`` ``gold``). Two or more
        individual ``human:<id>`` raters give :func:`workbench.agreement` its human ceiling.
    judges : list of str or mapping column -> rater id
        Judges' columns (``rater_kind`` ``llm``); a list keeps the column names as rater ids.
        Two columns may share one rater id when ``order`` gives them different orders
        (``{"gpt4_ab": "gpt-4", "gpt4_ba": "gpt-4"}``).
    protocol : {"pairwise", "binary", "rating"}
        Pairwise and binary cells are mapped through
        :data:`workbench.byo.LABEL_SPELLINGS` (``"model_a"``, ``"1"``, ``"A>B"``,
        ``"tie (bothbad)"`` ...); pairwise labels are in the item's canonical numbering
        (A = the item's first response) whatever order a judge saw. Rating cells are numbers.
    criterion : str, optional
        A column of ``df`` holding the criterion per row, or one criterion for all rows;
        default ``"overall"``.
    order : {"AB", "BA"} or mapping judge column -> order, optional
        Presentation order of the judges' verdicts (people's rows have none); pairwise only.
    dataset : str, default "mine"
        The ``dataset`` value of every row.
    texts : mapping schema column -> column of ``df``, optional
        Item columns (:data:`ITEM_COLUMNS`: ``prompt``, ``response_a``, ``response_b``,
        ``model_a``, ``subset``, ``turn`` ...). Default: the columns of ``df`` already named
        like them.
    labels : mapping spelling -> label, optional
        Extra or changed spellings for this call (``{"left": "A", "skip": None}``).

    Returns
    -------
    DataFrame
        A tidy table that passes :func:`workbench.schema.validate`; ``raw`` keeps each cell
        as written. An empty cell (NA) is no row: that rater did not judge that item. A cell
        that spells "no verdict" (``"error"``) is a row with an NA label.

    Raises
    ------
    SchemaError
        A missing column, a duplicate item, or cells that could not be mapped: the message
        lists each one's column, row and value.

    Examples
    --------
    >>> wide = pd.DataFrame({"id": [1, 2, 3], "human_1": ["A", "B", "tie"],
    ...                      "human_2": ["model_a", "model_b", "model_b"],
    ...                      "gpt4": ["A>B", "B>A", "tie (bothbad)"]})
    >>> t = from_wide(wide, item="id", humans=["human_1", "human_2"], judges=["gpt4"],
    ...               protocol="pairwise")
    >>> t.groupby("rater")["label"].apply(list).to_dict()
    {'gpt4': ['A', 'B', 'tie'], 'human:1': ['A', 'B', 'tie'], 'human:2': ['A', 'B', 'B']}
    >>> from_wide(wide.assign(gpt4=["A", "?", "B"]), item="id", humans=["human_1"],
    ...           judges=["gpt4"], protocol="pairwise")
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: from_wide: 1 value(s) could not be mapped to pairwise labels ['A', 'B', 'tie']: column 'gpt4', row 1: '?'. Pass labels={spelling: label} to add a spelling (known: see workbench.byo.LABEL_SPELLINGS['pairwise']).
    """
    check_frame(df)
    check_option("protocol", protocol, PROTOCOLS)
    people = _raters(humans, "humans", _human_id)
    machines = _raters(judges, "judges", lambda c: c)
    both = sorted(set(people) & set(machines))
    if both:
        raise SchemaError(f"from_wide: column(s) {both} are in both humans and judges")
    if protocol != "pairwise" and order is not None:
        raise SchemaError(f"order: only pairwise judgments have an order, protocol is {protocol!r}")
    orders = _orders(order, machines)
    items = dict(texts) if texts is not None else {c: c for c in ITEM_COLUMNS if c in df.columns}
    wrong = [c for c in items if c not in ITEM_COLUMNS]
    if wrong:
        raise SchemaError(f"texts: {wrong} are not item columns; expected some of {ITEM_COLUMNS}")
    by_criterion = criterion is not None and criterion in df.columns
    need = [item, *people, *machines, *items.values()] + ([criterion] if by_criterion else [])
    check_columns(df, need)
    frame = df.reset_index(drop=True)
    na = frame[item].isna().to_numpy()
    if na.any():
        raise SchemaError(f"from_wide: row {int(na.nonzero()[0][0])}: field {item!r}: missing (NA)")
    ids = frame[item].astype(str)
    crit = (
        frame[criterion].astype(str)
        if by_criterion
        else pd.Series(criterion or OVERALL, index=frame.index)
    )
    dup = pd.DataFrame({"i": ids, "c": crit}).duplicated(keep=False).to_numpy()
    if dup.any():
        rows = dup.nonzero()[0][:2].tolist()
        raise SchemaError(
            f"from_wide: rows {rows}: field {item!r}: duplicate item {ids[rows[0]]!r}"
        )
    base = pd.DataFrame(
        {"dataset": dataset, "item_id": ids, "protocol": protocol, "criterion": crit}
    )
    for col, source in items.items():
        base[col] = frame[source].to_numpy()
    raters = {**people, **machines}
    values = _values(frame, raters, protocol, labels)
    parts = []
    for col, rater in raters.items():
        keep = frame[col].notna().to_numpy()
        kind = "gold" if rater == "gold" else "human" if col in people else "llm"
        part = base.assign(
            rater=rater,
            rater_kind=kind,
            order=orders.get(col),
            raw=frame[col].astype("string"),
            **values[col],
        )
        parts.append(part[keep])
    return validate(conform(pd.concat(parts, ignore_index=True)), name=dataset)


def _values(
    frame: pd.DataFrame, raters: dict[str, str], protocol: str, labels: Mapping | None
) -> dict[str, dict[str, Any]]:
    """Per rater column: ``{"label": ...}`` or ``{"score": ...}``; every bad cell in one error."""
    if protocol == "rating":
        bad, out = [], {}
        for col in raters:
            x = pd.to_numeric(frame[col].astype("object"), errors="coerce")
            wrong = (x.isna() & frame[col].notna()).to_numpy().nonzero()[0]
            bad += [f"column {col!r}, row {i}: {frame[col].iloc[i]!r}" for i in wrong]
            out[col] = {"score": x.astype("Float64")}
        if bad:
            raise SchemaError(
                f"from_wide: {len(bad)} value(s) are not numbers (ratings): "
                + "; ".join(bad[:10])
                + ("; ..." if len(bad) > 10 else "")
            )
        return out
    mapped = map_labels(
        {c: frame[c].tolist() for c in raters}, protocol, name="from_wide", overrides=labels
    )
    return {c: {"label": pd.Series(v, dtype="object")} for c, v in mapped.items()}
