"""Toy tidy tables for doctests, tests and notebooks: a few letters per rater become a valid table.

:func:`toy` writes one rater's verdicts as a string of codes, one per item, and returns a table
that passes :func:`workbench.schema.validate`, so a hand-computed example fits on one line:

>>> df = toy(pairwise={"human": "AABtBA", "j": "ABBtBA"})
>>> df.groupby("rater")["label"].apply(list).to_dict()
{'human': ['A', 'A', 'B', 'tie', 'B', 'A'], 'j': ['A', 'B', 'B', 'tie', 'B', 'A']}

Codes (one character per item; a list of labels works too):

==========  ==========================================================
pairwise    ``A``, ``B``, ``t`` (= ``tie``)
binary      ``c`` (= ``correct``), ``i`` or ``I`` (= ``incorrect``)
all         ``?`` a row whose label is NA (an unparsed judge output);
            ``.`` no row (the rater did not judge that item)
==========  ==========================================================

Rater kinds follow the rater id: ``human`` and ``human:<id>`` are ``human``, ``gold`` is ``gold``,
anything else is an ``llm`` judge whose ``strategy`` is the part after ``/``
(``"GPT-4/Vanilla"`` -> ``Vanilla``); ``kinds=`` overrides (``{"bleu": "metric"}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import schema
from ._validate import check_option

__all__ = ["toy"]

_CODES = {
    "pairwise": {"A": "A", "B": "B", "t": "tie", "tie": "tie"},
    "binary": {"c": "correct", "i": "incorrect", "I": "incorrect"}
    | {"correct": "correct", "incorrect": "incorrect"},
}
"""Code (or full label) -> label, per protocol."""
_UNPARSED, _ABSENT = "?", "."

Labels = str | Sequence[Any]
"""One rater's verdicts: a string of codes, or a sequence (``None`` = no row)."""


def toy(
    pairwise: Mapping[str, Labels | tuple[Labels, Labels]] | None = None,
    *,
    binary: Mapping[str, Labels] | None = None,
    rating: Mapping[str, Sequence[float | None]] | None = None,
    orders: bool | Literal["AB", "BA"] = False,
    kinds: Mapping[str, str] | None = None,
    item_ids: Sequence[str] | None = None,
    subsets: str | Sequence[str | None] | None = None,
    texts: Any = None,
    models: Any = None,
    dataset: str = "toy",
    criterion: str | Sequence[str] = "overall",
    **columns: Any,
) -> pd.DataFrame:
    """A valid tidy judgment table from a few verdicts per rater.

    Parameters
    ----------
    pairwise, binary : mapping of rater -> codes, optional
        Verdicts per item as codes (see the module docstring) or a list / array of labels or
        codes (``None`` = no row). A pairwise judge may give a *tuple* ``(verdicts in order
        AB, verdicts in order BA)``: one row per presentation order. Exactly one of
        ``pairwise``, ``binary``, ``rating`` is given.
    rating : mapping of rater -> sequence of float, optional
        Scores per item; ``None`` = no row, NaN = a row with an NA score.
    orders : bool or {"AB", "BA"}, default False
        Presentation order of the judges' (``llm``) pairwise rows whose verdicts are not a
        pair: ``False`` none (NA), ``True`` both orders with the same verdicts, ``"AB"`` /
        ``"BA"`` that one order. Other raters' rows have no order.
    kinds : mapping of rater -> rater_kind, optional
        Overrides the kind inferred from the rater id.
    item_ids : sequence of str, optional
        Default ``"0"``, ``"1"``, ...
    subsets : str or sequence, optional
        ``subset`` of every item, or one per item.
    texts : pair of (str or sequence), or str or sequence, optional
        Pairwise: ``(response_a, response_b)``; binary / rating: ``response``. A string is
        every item's text, a sequence one text per item.
    models : same shapes as ``texts``, optional
        Pairwise: ``(model_a, model_b)``; binary / rating: ``model``.
    dataset : str, default "toy"
    criterion : str or sequence, default "overall"
    **columns
        Any other schema column (``prompt``, ``turn``, ``reference`` ...): one value for
        every item or a sequence with one value per item.

    Returns
    -------
    DataFrame
        Conformed and validated (:func:`workbench.schema.validate`); rows ordered by rater
        (in the mapping's order), then item, then presentation order.

    Raises
    ------
    ValueError
        An unknown code, raters with different numbers of items, a per-item column of the
        wrong length, or not exactly one protocol.

    Examples
    --------
    A judge asked in both presentation orders (canonical labels), with an unparsed game:

    >>> df = toy(pairwise={"human": "AB", "J/Vanilla": ("AB", "A?")})
    >>> print(df[["rater", "rater_kind", "strategy", "item_id", "order", "label"]].to_string(index=False))
        rater rater_kind strategy item_id order label
        human      human     <NA>       0   NaN     A
        human      human     <NA>       1   NaN     B
    J/Vanilla        llm  Vanilla       0    AB     A
    J/Vanilla        llm  Vanilla       0    BA     A
    J/Vanilla        llm  Vanilla       1    AB     B
    J/Vanilla        llm  Vanilla       1    BA   NaN

    Binary verdicts with the answering model, and ratings with a missing vote:

    >>> b = toy(binary={"human": "cci", "j": "cII"}, models=["m1", "m2", "m1"])
    >>> b[b["rater"] == "j"][["model", "label"]].values.tolist()
    [['m1', 'correct'], ['m2', 'incorrect'], ['m1', 'incorrect']]
    >>> r = toy(rating={"human:1": [1, 2, 3], "human:2": [2, None, 3], "j": [1.5, 2, 2.5]})
    >>> r.groupby("rater", sort=False)["score"].sum().to_dict()
    {'human:1': 6.0, 'human:2': 5.0, 'j': 6.0}

    Both orders with the same verdicts, a metric rater, per-item columns:

    >>> t = toy(pairwise={"gold": "AB", "j": "AA", "bleu": "BB"}, orders=True,
    ...         kinds={"bleu": "metric"}, subsets="math", turn=[1, 2])
    >>> t.groupby("rater", sort=False)["order"].apply(lambda o: o.isna().sum()).to_dict()
    {'gold': 2, 'j': 0, 'bleu': 2}
    >>> t[["rater_kind", "subset", "turn"]].drop_duplicates().values.tolist()
    [['gold', 'math', 1], ['gold', 'math', 2], ['llm', 'math', 1], ['llm', 'math', 2], ['metric', 'math', 1], ['metric', 'math', 2]]
    >>> toy(pairwise={"human": "AX"})
    Traceback (most recent call last):
    ...
    ValueError: pairwise['human']: expected codes from ['.', '?', 'A', 'B', 't', 'tie'], got 'X'
    """
    given = {"pairwise": pairwise, "binary": binary, "rating": rating}
    chosen = [p for p, v in given.items() if v is not None]
    if len(chosen) != 1:
        raise ValueError(f"pairwise/binary/rating: expected exactly one, got {chosen or 'none'}")
    protocol = chosen[0]
    verdicts = given[protocol]
    if protocol != "pairwise" and orders is not False:
        raise ValueError(f"orders: only pairwise rows have an order, got {orders!r}")
    check_option("orders", orders, (False, True, "AB", "BA"))
    per_rater = {r: _games(protocol, r, v, orders, _kind(r, kinds)) for r, v in verdicts.items()}
    n = _n_items(per_rater)
    ids = [str(i) for i in range(n)] if item_ids is None else [str(i) for i in item_ids]
    if len(ids) != n:
        raise ValueError(f"item_ids: expected {n} ids, got {len(ids)}")
    item_cols = _item_columns(protocol, n, subsets, texts, models, criterion, columns)
    rows = []
    for rater, games in per_rater.items():
        kind = _kind(rater, kinds)
        strategy = rater.split("/", 1)[1] if kind == "llm" and "/" in rater else None
        for i in range(n):
            for order, values in games:
                if values[i] is _ABSENT:
                    continue
                row = {"dataset": dataset, "item_id": ids[i], "protocol": protocol}
                row |= {"rater": rater, "rater_kind": kind, "strategy": strategy, "order": order}
                row["score" if protocol == "rating" else "label"] = values[i]
                row |= {c: v[i] for c, v in item_cols.items()}
                rows.append(row)
    return schema.validate(schema.conform(pd.DataFrame(rows)))


def _kind(rater: str, kinds: Mapping[str, str] | None) -> str:
    if kinds and rater in kinds:
        return kinds[rater]
    if rater == "human" or rater.startswith("human:"):
        return "human"
    return "gold" if rater == "gold" else "llm"


def _games(
    protocol: str, rater: str, value: Any, orders: bool | str, kind: str
) -> list[tuple[str | None, list[Any]]]:
    """``[(order, values per item)]`` of one rater (``_ABSENT`` marks an item without a row)."""
    if protocol == "pairwise" and isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"pairwise[{rater!r}]: expected a pair (AB, BA), got {value!r}")
        return [
            ("AB", _decode(protocol, rater, value[0])),
            ("BA", _decode(protocol, rater, value[1])),
        ]
    values = _decode(protocol, rater, value)
    if protocol != "pairwise" or kind != "llm" or orders is False:
        return [(None, values)]
    return [(o, values) for o in (("AB", "BA") if orders is True else (orders,))]


def _decode(protocol: str, rater: str, value: Any) -> list[Any]:
    if protocol == "rating":
        return [_ABSENT if v is None else float(v) for v in value]
    codes = _CODES[protocol]
    out = []
    for v in value:
        if v is None or v == _ABSENT:
            out.append(_ABSENT)
        elif v == _UNPARSED or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        elif v in codes:
            out.append(codes[v])
        else:
            allowed = sorted({*codes, _UNPARSED, _ABSENT})
            raise ValueError(f"{protocol}[{rater!r}]: expected codes from {allowed}, got {v!r}")
    return out


def _n_items(per_rater: Mapping[str, list[tuple[Any, list[Any]]]]) -> int:
    lengths = {r: len(v) for r, games in per_rater.items() for _, v in games}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"raters: expected the same number of items each, got {lengths}")
    return next(iter(lengths.values()), 0)


def _item_columns(
    protocol: str,
    n: int,
    subsets: Any,
    texts: Any,
    models: Any,
    criterion: Any,
    columns: Mapping[str, Any],
) -> dict[str, list[Any]]:
    """Per-item column values (one list of length ``n`` per column)."""
    wanted: dict[str, Any] = {"criterion": criterion}
    if subsets is not None:
        wanted["subset"] = subsets
    for arg, value, col in (("texts", texts, "response"), ("models", models, "model")):
        if value is None:
            continue
        if protocol == "pairwise":
            if not (isinstance(value, tuple | list) and len(value) == 2):
                raise ValueError(f"{arg}: expected a pair ({col}_a, {col}_b), got {value!r}")
            wanted[f"{col}_a"], wanted[f"{col}_b"] = value
        else:
            wanted[col] = value
    unknown = sorted(set(columns) - set(schema.COLUMNS))
    if unknown:
        raise ValueError(f"columns: not schema columns: {unknown}")
    wanted |= columns
    out = {}
    for col, value in wanted.items():
        if isinstance(value, str) or np.ndim(value) == 0:
            out[col] = [value] * n
        elif len(value) != n:
            raise ValueError(f"{col}: expected one value per item ({n}), got {len(value)}")
        else:
            out[col] = list(value)
    return out
