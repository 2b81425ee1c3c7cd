"""A source of judgments (DataFrame, parquet/CSV path or glob, Ibis table) as an Ibis table.

Every table made here carries :data:`POSITION`, the row's position in the source (file by
file in sorted path order, then row by row), so that an engine can reproduce the
order-dependent parts of the pandas path (the order of item patterns in the bootstrap,
hence the same intervals for the same seed).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["POSITION", "columns_of", "files_of", "is_path", "read_frame", "table_of"]

POSITION = "_position"
"""Column holding each row's position in its source (file index * 2**40 + row in file)."""

_FILE = 2**40


def is_path(source: Any) -> bool:
    """Whether ``source`` names files (a str or path, or a sequence of them).

    >>> is_path("logs/*.parquet"), is_path(pd.DataFrame())
    (True, False)
    """
    if isinstance(source, (str, os.PathLike)):
        return True
    return (
        isinstance(source, (list, tuple))
        and bool(source)
        and all(isinstance(s, (str, os.PathLike)) for s in source)
    )


def files_of(source: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    """The files a path, glob, directory or list of them names, sorted, each checked to exist.

    A directory stands for the parquet files under it. Only ``.parquet`` / ``.pq`` and
    ``.csv`` (optionally ``.gz``) files, of one format.
    """
    paths = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    files: list[str] = []
    for p in map(str, paths):
        if os.path.isdir(p):
            found = sorted(glob.glob(os.path.join(p, "**", "*.parquet"), recursive=True))
        elif glob.has_magic(p):
            found = sorted(glob.glob(p, recursive=True))
        else:
            found = [p] if os.path.exists(p) else []
        if not found:
            raise FileNotFoundError(f"source: no file matches {p!r}")
        files += found
    kinds = {_kind(f) for f in files}
    if len(kinds) != 1:
        raise ValueError(f"source: expected parquet or CSV files of one format, got {files[:5]}")
    return [str(Path(f)) for f in files]


def _kind(path: str) -> str:
    name = path.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    raise ValueError(f"source: {path!r} is neither parquet (.parquet) nor CSV (.csv)")


def read_frame(source: Any, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The pandas table of a path source (files concatenated in sorted order) or an Ibis table."""
    if is_path(source):
        files = files_of(source)
        if _kind(files[0]) == "parquet":
            parts = [pd.read_parquet(f, columns=_present(f, columns)) for f in files]
        else:
            parts = [pd.read_csv(f, usecols=_csv_cols(f, columns)) for f in files]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if not hasattr(source, "to_pandas"):  # neither a path nor an Ibis table: say what it is
        from ..errors import SchemaError

        raise SchemaError(f"df: expected a pandas DataFrame, got {type(source).__name__}")
    return source.to_pandas() if columns is None else source.select(*columns).to_pandas()


def _present(file: str, columns: Sequence[str] | None) -> list[str] | None:
    if columns is None:
        return None
    import pyarrow.parquet as pq

    names = set(pq.read_schema(file).names)
    return [c for c in columns if c in names]


def _csv_cols(file: str, columns: Sequence[str] | None):
    if columns is None:
        return None
    wanted = set(columns)
    return lambda c: c in wanted


def columns_of(source: Any, con: Any) -> list[str]:
    """The column names of ``source`` (a path source: of its first file, read by ``con``)."""
    if isinstance(source, pd.DataFrame):
        return list(source.columns)
    if is_path(source):
        f = files_of(source)[0]
        t = con.read_parquet(f) if _kind(f) == "parquet" else con.read_csv(f)
        return list(t.columns)
    return list(source.columns)


def table_of(source: Any, con: Any, columns: Sequence[str]) -> Any:
    """``source`` as an Ibis table of backend ``con``: the ``columns`` it has, plus :data:`POSITION`.

    Examples
    --------
    >>> from workbench.engines.backends import connect
    >>> t = table_of(pd.DataFrame({"rater": ["a", "b"], "x": [1, 2]}), connect("duckdb"), ["rater"])
    >>> t.to_pandas().values.tolist()
    [['a', 0], ['b', 1]]
    """
    import ibis

    if isinstance(source, pd.DataFrame):
        import pyarrow as pa

        cols = [c for c in columns if c in source.columns]
        arrow = pa.Table.from_pandas(source[cols], preserve_index=False)
        arrow = pa.table(
            {
                f.name: (
                    arrow[f.name].cast(f.type.value_type)
                    if pa.types.is_dictionary(f.type)
                    else arrow[f.name]
                )
                for f in arrow.schema
            }
        ).append_column(POSITION, pa.array(np.arange(len(source), dtype=np.int64)))
        return ibis.memtable(arrow)
    if is_path(source):
        files = files_of(source)
        if _kind(files[0]) == "parquet" and con.name == "duckdb":
            t = con.read_parquet(files, filename=True, file_row_number=True)
            index = t.filename.substitute({f: i for i, f in enumerate(files)}, else_=-1)
            t = t.mutate(**{POSITION: index.cast("int64") * _FILE + t.file_row_number})
            return t.select(*[c for c in columns if c in t.columns], POSITION)
        parts = []
        for i, f in enumerate(files):
            t = con.read_parquet(f) if _kind(f) == "parquet" else con.read_csv(f)
            t = t.select(*[c for c in columns if c in t.columns])
            parts.append(t.mutate(**{POSITION: ibis.row_number().cast("int64") + i * _FILE}))
        return parts[0] if len(parts) == 1 else ibis.union(*parts)
    if isinstance(source, ibis.Table):
        t = source.select(*[c for c in columns if c in source.columns])
        return t.mutate(**{POSITION: ibis.row_number().cast("int64")})
    raise TypeError(
        "source: expected a DataFrame, a parquet/CSV path or glob, or an Ibis table, "
        f"got {type(source).__name__}"
    )
