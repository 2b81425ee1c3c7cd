"""How people spell verdicts, mapped to the tidy labels: one visible table, overridable per call.

Your own judge runs say ``"model_a"``, ``"1"``, ``"A>B"``, ``"[[B]]"`` or ``"tie (bothbad)"``
where the tidy table (:mod:`workbench.schema`) says ``A`` / ``B`` / ``tie`` (pairwise) or
``correct`` / ``incorrect`` (binary). :data:`LABEL_SPELLINGS` lists every spelling the
workbench understands, per protocol; the targets are the names of :mod:`workbench.vocab`
(checked when this module is imported), and a spelling that maps to ``None`` is a known
"no verdict" (FastChat's ``"error"``): the row is kept with an NA label and its ``raw`` value.

Spellings are matched after :func:`normalize` (strip, lower case, an integral number written
without its decimal point: ``1.0`` -> ``"1"``, ``True`` -> ``"true"``). Pass ``overrides``
(spelling -> label, same normalization) to change or add a spelling for one call.
:func:`map_labels` maps several columns at once and, when anything does not map, raises one
:class:`~workbench.errors.SchemaError` listing every (column, row, value) it could not map.

Examples
--------
>>> LABEL_SPELLINGS["pairwise"]["model_a"], LABEL_SPELLINGS["pairwise"]["tie (bothbad)"]
('A', 'tie')
>>> spellings("pairwise", {"left": "A"})["left"]
'A'
>>> map_labels({"j": ["A>B", "2", None]}, "pairwise", name="t.csv")["j"]
['A', 'B', None]
>>> map_labels({"j": ["A", "A>>>B"], "h": ["maybe", "B"]}, "pairwise", name="t.csv")
Traceback (most recent call last):
...
workbench.schema.SchemaError: t.csv: 2 value(s) could not be mapped to pairwise labels ['A', 'B', 'tie']: column 'j', row 1: 'A>>>B'; column 'h', row 0: 'maybe'. Pass labels={spelling: label} to add a spelling (known: see workbench.byo.LABEL_SPELLINGS['pairwise']).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..vocab import BINARY_LABELS, PAIRWISE_LABELS

__all__ = ["LABEL_SPELLINGS", "map_labels", "normalize", "spellings"]

_A, _B, _TIE = PAIRWISE_LABELS
_CORRECT, _INCORRECT = BINARY_LABELS


def _pairwise() -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    first = ["a", "model_a", "model_1", "1", "response_a", "response_1", "output_1", "a>b"]
    first += ["a>>b", "b<a", "[[a]]", "assistant a", "first", "win", "a_better"]
    second = ["b", "model_b", "model_2", "2", "response_b", "response_2", "output_2", "b>a"]
    second += ["b>>a", "a<b", "[[b]]", "assistant b", "second", "loss", "b_better"]
    tie = ["tie", "c", "[[c]]", "0", "1.5", "a=b", "draw", "equal", "same"]
    tie += ["tie (bothbad)", "tie(bothbad)", "tie (both bad)", "both_bad", "both bad"]
    tie += ["both_good", "both good", "tie (inconsistent)"]
    none = ["error", "garbage", "invalid", "unparsable", "n/a", "none", "null", "nan", ""]
    for words, label in ((first, _A), (second, _B), (tie, _TIE), (none, None)):
        table.update(dict.fromkeys(words, label))
    return table


def _binary() -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    yes = ["correct", "1", "true", "yes", "y", "pass", "passed", "right", "c", "acceptable"]
    no = ["incorrect", "0", "false", "no", "n", "fail", "failed", "wrong", "i", "unacceptable"]
    none = ["error", "invalid", "unparsable", "n/a", "none", "null", "nan", ""]
    for words, label in ((yes, _CORRECT), (no, _INCORRECT), (none, None)):
        table.update(dict.fromkeys(words, label))
    return table


LABEL_SPELLINGS: dict[str, dict[str, str | None]] = {"pairwise": _pairwise(), "binary": _binary()}
"""Protocol -> normalized spelling -> tidy label (``None``: a known "no verdict", NA label).

Targets are :data:`workbench.vocab.PAIRWISE_LABELS` / :data:`~workbench.vocab.BINARY_LABELS`;
``tests/test_from_wide.py`` checks every entry. Pairwise spellings are in the item's canonical
numbering: ``"1"`` / ``"model_a"`` / ``"A>B"`` mean the item's first response won."""

_TARGETS = {"pairwise": PAIRWISE_LABELS, "binary": BINARY_LABELS}


def normalize(value: Any) -> str | None:
    """The key a raw value is looked up by; ``None`` for a missing value (NA, NaN, None).

    >>> normalize(" Model_A "), normalize(2.0), normalize(True), normalize(float("nan"))
    ('model_a', '2', 'true', None)
    """
    value = value.item() if isinstance(value, np.generic) else value
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip().lower()


def spellings(
    protocol: str, overrides: Mapping[Any, str | None] | None = None
) -> dict[str, str | None]:
    """The spelling table of ``protocol`` with ``overrides`` applied (keys normalized).

    Raises
    ------
    ValueError
        ``protocol`` has no labels (``rating``: scores are numbers), or an override maps to
        something that is not a label of the protocol.
    """
    if protocol not in LABEL_SPELLINGS:
        raise ValueError(
            f"protocol: expected one of {list(LABEL_SPELLINGS)} for labels, got {protocol!r}"
        )
    table = dict(LABEL_SPELLINGS[protocol])
    for key, label in (overrides or {}).items():
        if label is not None and label not in _TARGETS[protocol]:
            raise ValueError(
                f"labels: {key!r} -> {label!r}: expected one of {list(_TARGETS[protocol])} "
                "or None (no verdict)"
            )
        key = normalize(key)
        table["" if key is None else key] = label
    return table


def map_labels(
    columns: Mapping[str, Sequence[Any]],
    protocol: str,
    *,
    name: str,
    overrides: Mapping[Any, str | None] | None = None,
    rows: Sequence[Any] | None = None,
    limit: int = 10,
) -> dict[str, list[str | None]]:
    """Map each column's raw values to tidy labels; list everything unmapped in one error.

    Parameters
    ----------
    columns : mapping of column name -> values
        Raw values; a missing value (NA, NaN, None) maps to ``None``.
    protocol : {"pairwise", "binary"}
    name : str
        The file or table named in the error.
    overrides : mapping, optional
        Spelling -> label for this call (:func:`spellings`).
    rows : sequence, optional
        Locator per position, as the error should name it (``"line 7"``); default
        ``"row <0-based position>"``.
    limit : int, default 10
        At most this many unmapped values are listed (the count is always given).

    Returns
    -------
    dict
        Column name -> list of labels (``None`` = no verdict).

    Raises
    ------
    SchemaError
        Naming, for every value that could not be mapped, its column, row and value.
    """
    table = spellings(protocol, overrides)
    out: dict[str, list[str | None]] = {}
    bad: list[str] = []
    for col, values in columns.items():
        mapped = []
        for i, value in enumerate(values):
            key = normalize(value)
            if key is None:
                mapped.append(None)
            elif key in table:
                mapped.append(table[key])
            else:
                mapped.append(None)
                where = f"row {i}" if rows is None else str(rows[i])
                bad.append(f"column {col!r}, {where}: {value!r}")
        out[col] = mapped
    if bad:
        shown = "; ".join(bad[:limit]) + ("; ..." if len(bad) > limit else "")
        raise SchemaError(
            f"{name}: {len(bad)} value(s) could not be mapped to {protocol} labels "
            f"{list(_TARGETS[protocol])}: {shown}. Pass labels={{spelling: label}} to add a "
            f"spelling (known: see workbench.byo.LABEL_SPELLINGS[{protocol!r}])."
        )
    return out
