"""Engines: the agreement table computed by DuckDB or Spark through Ibis (issue #15).

``workbench.agreement(source, engine="duckdb")`` takes a DataFrame, a parquet/CSV path or
glob, or an Ibis table. The engine filters, resolves presentation orders, joins judge to
reference labels and GROUPs BY to per-item-pattern counts; the estimators and the
bootstrap of :mod:`workbench.agreement` run in numpy on those few rows, so the table is the
pandas path's (estimates equal, intervals identical for the same seed).

Files: ``backends.py`` (the DuckDB and Spark connections), ``source.py`` (a source as an Ibis
table with each row's position), ``patterns.py`` (the Ibis queries), ``agreement.py`` (the
entry point and the choice between the pattern path and the projected pandas path).
"""

from .agreement import TEXT_COLUMNS, agreement, explain, plan
from .backends import ENGINES, connect, java_available
from .source import POSITION, files_of, read_frame, table_of

__all__ = [
    "ENGINES",
    "POSITION",
    "TEXT_COLUMNS",
    "agreement",
    "explain",
    "connect",
    "files_of",
    "java_available",
    "plan",
    "read_frame",
    "table_of",
]
