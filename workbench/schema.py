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
    How the item is judged: a choice between two responses (``label`` A / B / tie),
    a correct / incorrect verdict, or a numeric rating (``score``).
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

Optional columns (:data:`OPTIONAL_COLUMNS`; absent from most sources, never added by
:func:`conform`, checked by :func:`validate` when present):

sample : Int64
    Which of several runs of the same judgment this row is (0, 1, ...; a table without
    the column is one run, sample 0). Part of the key (:func:`key_columns`): two rows
    differing only in ``sample`` are two samples, not a duplicate. :func:`resolve_samples`
    turns the samples of each judgment into one row (majority of samples).
probability : Float64
    The judge's probability that its own verdict (``label``) is right: its confidence,
    in [0, 1] (a log-probability turned into a probability, a stated confidence);
    NA when it gave none.

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

import numpy as np
import pandas as pd

from .errors import LoadError, SchemaError
from .vocab import BINARY_LABELS, ORDERS, PAIRWISE_LABELS, PROTOCOLS, RATER_KINDS

__all__ = [
    "BINARY_LABELS",
    "COLUMNS",
    "KEY",
    "LoadError",
    "OPTIONAL_COLUMNS",
    "PAIRWISE_LABELS",
    "SAMPLE_KEY",
    "SAMPLE_RULES",
    "SchemaError",
    "TEXT_COLUMNS",
    "check_optional",
    "conform",
    "empty",
    "judge_name",
    "key_columns",
    "map_values",
    "resolve_samples",
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

TEXT_COLUMNS: tuple[str, ...] = (
    "prompt",
    "response_a",
    "response_b",
    "response",
    "reference",
    "explanation",
    "raw",
)
"""The free-text columns: no statistic reads them unless named (``by``, ``cluster``); the
engines leave them out of what they read, the explorer out of what it filters."""

KEY = ["dataset", "item_id", "rater", "order", "criterion"]
"""Columns that identify a row; duplicates are an error."""

OPTIONAL_COLUMNS: dict[str, Any] = {"sample": "Int64", "probability": "Float64"}
"""Optional columns (repeated runs, the judge's confidence) -> dtype; kept by :func:`conform`
and checked by :func:`validate` only when the table has them."""

SAMPLE_KEY = [*KEY, "sample"]
"""The key of a table with a ``sample`` column."""

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
    unknown = [c for c in df.columns if c not in COLUMNS and c not in OPTIONAL_COLUMNS]
    if unknown:
        raise SchemaError(
            f"{name}: unknown columns {unknown}; the schema has {list(COLUMNS)} "
            f"and the optional {list(OPTIONAL_COLUMNS)}"
        )
    out: dict[str, pd.Series] = {}
    blank: dict[str, Any] = {}
    n = len(df)
    for col, dtype in COLUMNS.items():
        if col not in df:
            if str(dtype) not in blank:  # one all-NA array per dtype, shared (copy on write)
                blank[str(dtype)] = _all_na(dtype, n)
            out[col] = pd.Series(blank[str(dtype)], index=df.index, copy=False)
            continue
        s = df[col]
        if isinstance(dtype, pd.CategoricalDtype):
            _check_vocabulary(df, col, tuple(dtype.categories), name)
            s = _as_category(s, dtype)
        elif isinstance(s.dtype, pd.CategoricalDtype):  # its distinct values cast, then taken
            cats = s.cat.categories.astype(dtype).array
            s = pd.Series(cats.take(s.cat.codes.to_numpy(), allow_fill=True), index=s.index)
        elif s.dtype != pd.Series(dtype=dtype).dtype:
            s = s.astype(dtype)
        out[col] = s
    for col in OPTIONAL_COLUMNS:
        if col in df:
            out[col] = _optional_column(df, col, name)
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def _all_na(dtype: Any, n: int) -> Any:
    """An all-NA array of ``n`` values of ``dtype`` (a take, not a list of ``n`` NAs)."""
    return pd.array([], dtype=dtype).take(np.full(n, -1, dtype=np.intp), allow_fill=True)


def _as_category(s: pd.Series, dtype: pd.CategoricalDtype) -> pd.Series:
    """``s`` (its values already checked against ``dtype``'s categories) cast to ``dtype``.

    A categorical column is recoded (its codes mapped, no string per row); anything else
    goes through ``object`` so that every NA kind (None, NaN, pd.NA) becomes NA.
    """
    if isinstance(s.dtype, pd.CategoricalDtype) and all(
        isinstance(c, str) for c in s.cat.categories
    ):
        return s.cat.set_categories(list(dtype.categories)).astype(dtype)
    return s.astype("object").where(s.notna(), None).astype(dtype)


def _optional_column(df: pd.DataFrame, col: str, name: str) -> pd.Series:
    """``sample`` / ``probability`` of ``df`` checked and cast (an NA sample becomes 0)."""
    s = df[col]
    if pd.api.types.is_bool_dtype(s.dtype):
        raise SchemaError(f"{name}: field {col!r}: dtype {s.dtype}, expected numbers")
    x = pd.to_numeric(s.astype("object"), errors="coerce").astype("Float64")
    bad = (x.isna() & s.notna()).to_numpy()
    if bad.any():
        i = int(bad.nonzero()[0][0])
        raise SchemaError(f"{name}: row {i}: field {col!r}: {s.iloc[i]!r} is not a number")
    if col == "sample":
        x = x.fillna(0)
    _check_optional(x, col, name)
    return x.astype(OPTIONAL_COLUMNS[col])


def _check_optional(x: pd.Series, col: str, name: str) -> None:
    """``sample``: integers >= 0, never NA; ``probability``: in [0, 1] or NA."""
    v = x.to_numpy(dtype=float, na_value=np.nan)
    if col == "sample":
        bad = ~np.isfinite(v) | (v < 0) | (v != np.round(v))
        why = "is not an integer >= 0 (the run number of a repeated judgment)"
    else:
        bad = ~np.isnan(v) & ~((v >= 0) & (v <= 1))
        why = "is not a probability in [0, 1] (NA marks a missing one)"
    if bad.any():
        i = int(bad.nonzero()[0][0])
        shown = "NA" if np.isnan(v[i]) else f"{v[i]:g}"
        raise SchemaError(f"{name}: row {i}: field {col!r}: {shown} {why}")


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
    for col, dtype in OPTIONAL_COLUMNS.items():
        if col in df.columns:
            if str(df[col].dtype) != str(pd.Series(dtype=dtype).dtype):
                raise SchemaError(f"{name}: field {col!r}: dtype {df[col].dtype}, expected {dtype}")
            _check_optional(df[col], col, name)
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
    cols = key_columns(df)
    dup = df.duplicated(cols, keep=False).to_numpy()
    if dup.any():
        rows = dup.nonzero()[0][:2].tolist()
        key = {k: df[k].iloc[rows[0]] for k in cols}
        raise SchemaError(f"{name}: rows {rows}: duplicate key {key}")
    return df


def check_optional(df: pd.DataFrame, *, name: str = "df") -> pd.DataFrame:
    """``df`` with its optional columns (:data:`OPTIONAL_COLUMNS`) checked and cast.

    ``sample`` becomes ``Int64`` (NA -> 0), ``probability`` ``Float64`` in [0, 1] or NA;
    a table without them is returned as it is (the same object).

    Raises
    ------
    SchemaError
        Naming the row and the field: a sample that is not an integer >= 0, a probability
        outside [0, 1], a value that is not a number.

    Examples
    --------
    >>> check_optional(pd.DataFrame({"probability": [0.5, 1.5]}), name="t")
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: t: row 1: field 'probability': 1.5 is not a probability in [0, 1] (NA marks a missing one)
    """
    present = [c for c in OPTIONAL_COLUMNS if c in df.columns]
    if not present:
        return df
    return df.assign(**{c: _optional_column(df, c, name).to_numpy() for c in present}).astype(
        {c: OPTIONAL_COLUMNS[c] for c in present}
    )


def key_columns(df: pd.DataFrame) -> list[str]:
    """The key of ``df``: :data:`KEY`, plus ``sample`` when the table has that column.

    >>> key_columns(pd.DataFrame(columns=["dataset", "sample"]))[-2:]
    ['criterion', 'sample']
    """
    return list(SAMPLE_KEY) if "sample" in df.columns else list(KEY)


SAMPLE_RULES: tuple[str, ...] = ("majority", "first")
"""Rules of :func:`resolve_samples` (kept here, beside the column they resolve)."""


def resolve_samples(
    df: pd.DataFrame, rule: str = "majority", *, name: str | None = None
) -> pd.DataFrame:
    """One row per judgment from a table with several samples (runs) of each; drop ``sample``.

    A table without a ``sample`` column is returned as it is (the same object).

    Parameters
    ----------
    df : DataFrame
        Tidy table with a ``sample`` column (integers >= 0; NA is sample 0, as in
        :func:`conform`).
    rule : {"majority", "first"}, default "majority"
        ``majority``: per judgment (:data:`KEY`), the label most samples gave; when
        several labels share the top count, ``tie`` for a pairwise judgment (the samples
        are undecided) and NA for a binary one; ``score`` is the mean of the samples'
        scores; ``probability`` the mean over the samples that gave the resolved label
        (over all samples when the label is NA); the other columns come from the
        lowest-numbered sample. NA labels (unparsed samples) do not vote.
        ``first``: the lowest-numbered sample of each judgment.
    name : str, optional
        Named in the errors (default: the dataset).

    Returns
    -------
    DataFrame
        Same columns without ``sample``, one row per judgment, in first-appearance order.

    Raises
    ------
    SchemaError
        A ``sample`` that is negative or fractional, or two rows with the same key and
        sample (a true duplicate), naming the rows and the key.

    Examples
    --------
    >>> rows = [{"dataset": "t", "item_id": "1", "protocol": "pairwise", "criterion": "overall",
    ...          "rater": "j", "rater_kind": "llm", "label": lab, "sample": k}
    ...         for k, lab in enumerate(["A", "B", "A"])]
    >>> resolve_samples(pd.DataFrame(rows))["label"].tolist()  # 2 of 3 samples say A
    ['A']
    >>> resolve_samples(pd.DataFrame(rows[:2]))["label"].tolist()  # 1 A, 1 B: undecided
    ['tie']
    >>> resolve_samples(pd.DataFrame(rows), rule="first")["label"].tolist()
    ['A']
    """
    if "sample" not in df.columns:
        return df
    if rule not in SAMPLE_RULES:
        raise ValueError(f"rule: expected one of {list(SAMPLE_RULES)}, got {rule!r}")
    if name is None:
        name = str(df["dataset"].iloc[0]) if "dataset" in df and len(df) else "table"
    sample = _optional_column(df, "sample", name)
    key = [c for c in KEY if c in df.columns]
    frame = df.reset_index(drop=True).assign(sample=sample.to_numpy())
    keys = frame[key].astype("object").where(frame[key].notna(), "\x00NA")
    group = keys.groupby(key, sort=False).ngroup().to_numpy()
    dup = pd.DataFrame({"g": group, "s": frame["sample"].to_numpy()}).duplicated(keep=False)
    if dup.any():
        rows = dup.to_numpy().nonzero()[0][:2].tolist()
        shown = {k: frame[k].iloc[rows[0]] for k in [*key, "sample"]}
        raise SchemaError(f"{name}: rows {rows}: duplicate key {shown}")
    order = np.lexsort((frame["sample"].to_numpy(dtype=np.int64), group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]]
    first = np.sort(first)  # first-appearance order of the judgments
    out = frame.iloc[first].drop(columns="sample").reset_index(drop=True)
    if rule == "first" or len(out) == len(frame):
        return out
    g = pd.factorize(group)[0]  # group number in first-appearance order = row of ``out``
    if "label" in frame.columns:
        out["label"] = _majority_labels(frame, g, len(out))
    if "score" in frame.columns:
        score = pd.to_numeric(frame["score"].astype("object"), errors="coerce").astype(float)
        mean = score.groupby(g).mean().reindex(range(len(out)))
        out["score"] = mean.to_numpy()
        out["score"] = out["score"].astype(frame["score"].dtype)
    if "probability" in frame.columns:
        p = frame["probability"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        lab = frame["label"].astype("object") if "label" in frame.columns else None
        if lab is not None:
            resolved = out["label"].astype("object").to_numpy()[g]
            voted = (lab.to_numpy() == resolved) | pd.isna(resolved)
            p = np.where(voted, p, np.nan)
        mean = pd.Series(p).groupby(g).mean().reindex(range(len(out)))
        out["probability"] = mean.astype("Float64").to_numpy()
    return out


def _majority_labels(frame: pd.DataFrame, group: np.ndarray, n: int) -> pd.Series:
    """Plurality label per judgment; top-count ties: ``tie`` (pairwise) or NA (binary)."""
    labels = list(PAIRWISE_LABELS + BINARY_LABELS)
    lab = frame["label"].astype("object")
    code = lab.map({v: k for k, v in enumerate(labels)}).to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(code)
    counts = np.zeros((n, len(labels)), dtype=np.int64)
    np.add.at(counts, (group[ok], code[ok].astype(np.int64)), 1)
    top = counts.max(axis=1)
    unique = (counts == top[:, None]).sum(axis=1) == 1
    best = np.array(labels, dtype=object)[counts.argmax(axis=1)]
    pairwise = counts[:, : len(PAIRWISE_LABELS)].sum(axis=1) > 0
    value = np.where(unique, best, np.where(pairwise, "tie", None))
    value = np.where(top > 0, value, None)
    dtype = frame["label"].dtype
    return pd.Series(value, dtype=dtype if isinstance(dtype, pd.CategoricalDtype) else "object")


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
