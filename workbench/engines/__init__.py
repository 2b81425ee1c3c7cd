"""Engines: the agreement table computed by DuckDB or Spark through Ibis (issue #15).

``workbench.agreement(source, engine="duckdb")`` takes a DataFrame, a parquet/CSV path or
glob, or an Ibis table. The engine filters, resolves presentation orders, joins judge to
reference labels and GROUPs BY to per-item-pattern counts; the estimators and the
bootstrap of :mod:`workbench.agreement` run in numpy on those few rows, so the table is the
pandas path's (estimates equal, intervals identical for the same seed).

The leaderboard and the position and leniency probes take the same sources and ``engine=``:
the engine reads the columns they use (:func:`projected`) and they run in pandas on that.

Files: ``backends.py`` (the DuckDB and Spark connections), ``source.py`` (a source as an Ibis
table with each row's position), ``projected.py`` (a source's projection without its texts,
and the decorator that gives a function of a DataFrame ``engine=``), ``patterns.py`` (the
Ibis queries), ``agreement.py`` (the entry point and the choice between the pattern path
and the projected pandas path).
"""

from .agreement import agreement, explain, plan
from .backends import ENGINES, connect, java_available
from .projected import TEXT_COLUMNS, accepts_sources, projected
from .source import POSITION, files_of, read_frame, table_of

__all__ = [
    "ENGINES",
    "POSITION",
    "TEXT_COLUMNS",
    "accepts_sources",
    "agreement",
    "explain",
    "connect",
    "files_of",
    "java_available",
    "plan",
    "projected",
    "read_frame",
    "table_of",
]
