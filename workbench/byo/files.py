"""Read a tidy judgment table saved as CSV, JSONL (or a JSON list of records) or parquet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import LoadError, SchemaError
from ..schema import COLUMNS, REQUIRED, conform, validate

__all__ = ["FORMATS", "read"]

FORMATS: tuple[str, ...] = (".csv", ".jsonl", ".json", ".parquet")
"""File suffixes :func:`read` understands."""

_NUMERIC = {"score": "Float64", "turn": "Int64"}
_INFERRED = "rater_kind inferred from rater"


def _kind(rater: str) -> str:
    """``human`` / ``human:<id>`` -> human, ``gold`` -> gold, anything else -> llm."""
    if rater == "gold":
        return "gold"
    return "human" if rater == "human" or rater.startswith("human:") else "llm"


def _frame(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":  # every cell as text first: item ids such as "007" stay as written
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    if suffix == ".parquet":
        return pd.read_parquet(path)
    text = path.read_text(encoding="utf-8")
    if suffix == ".json" and text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as err:
            raise LoadError(str(path), f"char {err.pos}", "-", f"not JSON: {err.msg}") from None
    else:
        records = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise LoadError(str(path), f"line {n}", "-", f"not JSON: {err.msg}") from None
    bad = [i for i, r in enumerate(records) if not isinstance(r, dict)]
    if bad:
        raise LoadError(str(path), bad[0], "-", "expected an object (one record per line)")
    return pd.DataFrame.from_records(records)


def _numbers(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``score`` and ``turn`` as numbers (CSV cells are text); a cell that is not one raises."""
    for col, dtype in _NUMERIC.items():
        if col not in df.columns or pd.api.types.is_numeric_dtype(df[col].dtype):
            continue
        x = pd.to_numeric(df[col].astype("object"), errors="coerce")
        bad = (x.isna() & df[col].notna()).to_numpy().copy()
        if dtype == "Int64":
            bad |= (x.notna() & (x % 1 != 0)).to_numpy()
        if bad.any():
            i = int(bad.nonzero()[0][0])
            what = "an integer" if dtype == "Int64" else "a number"
            raise SchemaError(f"{name}: row {i}: field {col!r}: {df[col].iloc[i]!r} is not {what}")
        df[col] = x.astype(dtype)
    return df


def read(path: str | Path, *, dataset: str | None = None) -> pd.DataFrame:
    """Read a tidy judgment table from a file and validate it.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (a header row, empty cell = NA), ``.jsonl`` (one JSON object per line),
        ``.json`` (a list of objects, or one object per line) or ``.parquet``, with the
        columns of :data:`workbench.schema.COLUMNS` (absent optional columns are NA).
    dataset : str, optional
        The ``dataset`` of every row when the file has no ``dataset`` column.

    Returns
    -------
    DataFrame
        The table in schema order and dtypes (:func:`workbench.schema.conform`), validated.
        Without a ``rater_kind`` column the kind follows the rater id: ``human`` and
        ``human:<id>`` are people, ``gold`` is gold, anything else an ``llm`` judge.

    Raises
    ------
    LoadError
        The file cannot be parsed (naming the line).
    SchemaError
        The table breaks the schema; the message starts with the file name and names the
        row and the field (a missing column, an unknown label, a duplicate key ...).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = p.write_text("item_id,protocol,rater,label\\n1,pairwise,human:a,A\\n1,pairwise,j,B\\n")
    >>> read(p, dataset="mine")[["rater", "rater_kind", "label"]].values.tolist()
    [['human:a', 'human', 'A'], ['j', 'llm', 'B']]
    >>> _ = p.write_text("item_id,protocol,rater,label\\n1,pairwise,j,first\\n")
    >>> read(p, dataset="mine")
    Traceback (most recent call last):
    ...
    workbench.schema.SchemaError: mine.csv: row 0: field 'label': 'first' is not one of ['A', 'B', 'tie', 'correct', 'incorrect']
    """
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise LoadError(str(path), "-", "-", f"unknown format; expected one of {list(FORMATS)}")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    name = path.name
    df = _frame(path)
    if "dataset" not in df.columns:
        if dataset is None:
            raise SchemaError(
                f"{name}: missing column 'dataset'; add it, or pass dataset='<name>' to read()"
            )
        df["dataset"] = dataset
    if "criterion" not in df.columns:
        df["criterion"] = "overall"
    if "rater_kind" not in df.columns and "rater" in df.columns:
        df["rater_kind"] = df["rater"].map(lambda r: _kind(str(r)) if pd.notna(r) else None)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        hint = ""
        if "rater" in missing:
            hint = (
                " (one column per rater? that is a wide table: read it with pandas and pass it "
                "to workbench.from_wide)"
            )
        raise SchemaError(
            f"{name}: missing column(s) {missing}; the schema has {list(COLUMNS)}{hint}"
        )
    df = _numbers(df, name)
    try:
        return validate(conform(df, name=name), name=name)
    except SchemaError as err:
        text = str(err)
        raise SchemaError(text if text.startswith(name) else f"{name}: {text}") from None
