"""The tidy judgment table: the one contract every loader produces and every analysis reads.

One row per (dataset, item_id, rater, order, criterion). Columns, dtypes and
vocabularies are defined once here (:data:`COLUMNS`) and checked by
:func:`validate` at the end of every loader.

Columns
-------
dataset : string
    Registry name of the dataset (``workbench.datasets()``).
subset : string
    Task category as the source defines it (LLMBar ``Adversarial/Neighbor``,
    LLMEval² source set, LLMFAO prompt type ...). NA when the source has none.
item_id : string
    Stable identifier, unique within the dataset. All raters, orders, turns and
    criteria of one item share it.
protocol : {"pairwise", "binary", "rating"}
criterion : string
    What is judged: ``overall`` unless the source rates several criteria
    (HANNA's six, ICE-Score's usefulness / execution).
rater : string
    ``human:<id>``, ``human:majority``, ``gold``, ``<judge>/<strategy>`` or a
    metric name.
rater_kind : {"human", "gold", "llm", "metric", "baseline"}
    ``gold`` is a curated reference label (LLMBar), not one person's vote;
    ``metric`` is a non-LLM automatic score (EM, BLEU, unit-test execution);
    ``baseline`` a trivial judge (always the longer response, ...:
    :func:`workbench.baselines.add_baseline_judges`).
strategy : string
    Judge prompting strategy (``Vanilla_NoRules``, ``prompt1`` ...), NA for humans.
order : {"AB", "BA"}
    Presentation order of a pairwise judgment: ``AB`` = response A shown first.
    NA when unknown or not pairwise.
turn : Int64
    Conversation turn (MT-Bench), NA otherwise.
label : {"A", "B", "tie", "correct", "incorrect"}
    Pairwise labels are always in the item's canonical numbering (A = the
    source's first response), whatever the presentation order. Binary
    judgments use ``correct`` / ``incorrect``. NA for ratings and for judge
    outputs that could not be parsed (their ``raw`` is kept).
score : Float64
    Numeric rating (rating protocol); NA otherwise.
raw : string
    The source's original value, verbatim, so nothing is lost.
prompt, response_a, response_b, response, reference, explanation : string
    Texts needed to show an item: the instruction, the two responses of a pair,
    the single response of a binary/rating item, a reference answer, and the
    judge's explanation where the source has one.
model_a, model_b, model : string
    The systems that produced ``response_a`` / ``response_b`` / ``response``.

Examples
--------
>>> import pandas as pd
>>> row = {"dataset": "toy", "item_id": "1", "protocol": "pairwise", "criterion": "overall",
...        "rater": "gold", "rater_kind": "gold", "order": None, "label": "A", "raw": "1"}
>>> df = conform(pd.DataFrame([row]))
>>> validate(df) is df
True
>>> conform(pd.DataFrame([{**row, "label": "first"}]))
Traceback (most recent call last):
...
workbench.schema.SchemaError: toy: row 0: field 'label': 'first' is not one of ['A', 'B', 'tie', 'correct', 'incorrect']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .errors import LoadError, SchemaError
from .vocab import BINARY_LABELS, ORDERS, PAIRWISE_LABELS, PROTOCOLS, RATER_KINDS

__all__ = [
    "BINARY_LABELS",
    "COLUMNS",
    "KEY",
    "LoadError",
    "PAIRWISE_LABELS",
    "SchemaError",
    "conform",
    "empty",
    "judge_name",
    "map_values",
    "validate",
]


COLUMNS: dict[str, Any] = {
    "dataset": "string",
    "subset": "string",
    "item_id": "string",
    "protocol": pd.CategoricalDtype(list(PROTOCOLS)),
    "criterion": "string",
    "rater": "string",
    "rater_kind": pd.CategoricalDtype(list(RATER_KINDS)),
    "strategy": "string",
    "order": pd.CategoricalDtype(list(ORDERS)),
    "turn": "Int64",
    "label": pd.CategoricalDtype(list(PAIRWISE_LABELS + BINARY_LABELS)),
    "score": "Float64",
    "raw": "string",
    "prompt": "string",
    "response_a": "string",
    "response_b": "string",
    "response": "string",
    "reference": "string",
    "explanation": "string",
    "model_a": "string",
    "model_b": "string",
    "model": "string",
}
"""Column name -> pandas dtype of the tidy judgment table, in column order."""

KEY = ["dataset", "item_id", "rater", "order", "criterion"]
"""Columns that identify a row; duplicates are an error."""

REQUIRED = ["dataset", "item_id", "protocol", "criterion", "rater", "rater_kind"]
"""Columns that may never be NA."""


def empty() -> pd.DataFrame:
    """An empty tidy table with every column and dtype."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})


def _check_vocabulary(df: pd.DataFrame, col: str, allowed: tuple[str, ...], name: str) -> None:
    values = df[col]
    if isinstance(values.dtype, pd.CategoricalDtype):
        extra = set(values.cat.categories) - set(allowed)
        if not extra:
            return
    mask = values.notna() & ~values.astype("object").isin(allowed)
    if mask.any():
        i = mask.to_numpy().nonzero()[0][0]
        raise SchemaError(
            f"{name}: row {i}: field {col!r}: {values.iloc[i]!r} is not one of {list(allowed)}"
        )


def conform(df: pd.DataFrame, *, name: str | None = None) -> pd.DataFrame:
    """Return ``df`` with every schema column, in schema order and dtype.

    Missing optional columns are added as NA. Values are checked against the
    vocabularies *before* casting to categoricals, so an unknown value raises
    :class:`SchemaError` instead of silently becoming NA.
    """
    name = name or (str(df["dataset"].iloc[0]) if "dataset" in df and len(df) else "table")
    unknown = [c for c in df.columns if c not in COLUMNS]
    if unknown:
        raise SchemaError(f"{name}: unknown columns {unknown}; the schema has {list(COLUMNS)}")
    out = {}
    n = len(df)
    for col, dtype in COLUMNS.items():
        if col not in df:
            out[col] = pd.Series([pd.NA] * n, index=df.index, dtype=dtype)
            continue
        s = df[col]
        if isinstance(dtype, pd.CategoricalDtype):
            _check_vocabulary(df, col, tuple(dtype.categories), name)
            s = s.astype("object").where(s.notna(), None).astype(dtype)
        else:
            s = s.astype(dtype)
        out[col] = s
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def validate(df: pd.DataFrame, *, name: str | None = None) -> pd.DataFrame:
    """Check a tidy table against the schema and return it unchanged.

    Raises
    ------
    SchemaError
        Naming the dataset, the row and the field: a missing column, a wrong
        dtype, a value outside a vocabulary, a required field that is NA, a
        label that does not fit the row's protocol, or a duplicate key.
    """
    name = name or (str(df["dataset"].iloc[0]) if "dataset" in df and len(df) else "table")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"{name}: missing column(s) {missing}")
    for col, dtype in COLUMNS.items():
        if str(df[col].dtype) != str(pd.Series(dtype=dtype).dtype):
            raise SchemaError(f"{name}: field {col!r}: dtype {df[col].dtype}, expected {dtype}")
    _check_vocabulary(df, "protocol", PROTOCOLS, name)
    _check_vocabulary(df, "rater_kind", RATER_KINDS, name)
    _check_vocabulary(df, "order", ORDERS, name)
    for col in REQUIRED:
        na = df[col].isna().to_numpy()
        if na.any():
            raise SchemaError(f"{name}: row {na.nonzero()[0][0]}: field {col!r}: missing (NA)")
    protocol = df["protocol"].astype("object").to_numpy()
    label = df["label"].astype("object")
    for proto, allowed in (("pairwise", PAIRWISE_LABELS), ("binary", BINARY_LABELS)):
        bad = (protocol == proto) & label.notna().to_numpy() & ~label.isin(allowed).to_numpy()
        if bad.any():
            i = bad.nonzero()[0][0]
            raise SchemaError(
                f"{name}: row {i}: field 'label': {label.iloc[i]!r} is not a {proto} label "
                f"{list(allowed)}"
            )
    bad = (protocol == "rating") & label.notna().to_numpy()
    if bad.any():
        raise SchemaError(
            f"{name}: row {bad.nonzero()[0][0]}: field 'label': rating rows carry 'score', not 'label'"
        )
    bad = (protocol != "pairwise") & df["order"].notna().to_numpy()
    if bad.any():
        raise SchemaError(
            f"{name}: row {bad.nonzero()[0][0]}: field 'order': only pairwise rows have an order"
        )
    dup = df.duplicated(KEY, keep=False).to_numpy()
    if dup.any():
        rows = dup.nonzero()[0][:2].tolist()
        key = {k: df[k].iloc[rows[0]] for k in KEY}
        raise SchemaError(f"{name}: rows {rows}: duplicate key {key}")
    return df


def judge_name(rater: str) -> str:
    """The judge model of a ``<judge>/<strategy>`` rater id.

    >>> judge_name("GPT-4/Vanilla_NoRules")
    'GPT-4'
    >>> judge_name("human:majority")
    'human:majority'
    """
    return rater.split("/", 1)[0]


def map_values(
    values: pd.Series, table: Mapping[Any, Any], *, file: str, field: str, records: Any = None
) -> pd.Series:
    """Map raw values through an explicit table; raise :class:`LoadError` on anything unmapped.

    Parameters
    ----------
    values : Series
        Raw values.
    table : mapping
        Raw value -> schema value. NA raw values map to NA.
    file, field : str
        Named in the error.
    records : sequence, optional
        Record locator per value (defaults to the Series index).

    >>> map_values(pd.Series(["1", "2"]), {"1": "A", "2": "B"}, file="f.json", field="winner").tolist()
    ['A', 'B']
    >>> map_values(pd.Series(["1", "3"]), {"1": "A", "2": "B"}, file="f.json", field="winner")
    Traceback (most recent call last):
    ...
    workbench.schema.LoadError: f.json: record 1: field 'winner': unexpected value '3' (expected one of ['1', '2'])
    """
    obj = values.astype("object")
    notna = obj.notna()
    known = obj.isin(list(table))
    bad = (notna & ~known).to_numpy()
    if bad.any():
        i = bad.nonzero()[0][0]
        rec = records[i] if records is not None else values.index[i]
        raise LoadError(
            file, rec, field, f"unexpected value {obj.iloc[i]!r} (expected one of {list(table)})"
        )
    return obj.map(lambda v: table[v] if v is not None and not pd.isna(v) else None)
