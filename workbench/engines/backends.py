"""The Ibis backends behind ``engine="duckdb"`` and ``engine="spark"``.

DuckDB runs embedded, in memory, spilling to a temporary directory when a query needs
more than its memory limit (so a parquet log larger than memory is aggregated, not loaded).
Spark runs through Ibis's ``pyspark`` backend on the active ``SparkSession``; without one,
a local session (``local[*]``) is started, which needs Java (``java`` on ``PATH`` or
``JAVA_HOME``). To use a cluster, create the session first
(``SparkSession.builder.remote("sc://host:15002").getOrCreate()`` or ``.master("spark://...")``)
and pass ``engine="spark"``: the active session is used as is.
"""

from __future__ import annotations

import functools
import os
import shutil
from typing import Any

from .._validate import check_option

__all__ = ["DUCKDB_MEMORY_LIMIT", "ENGINES", "backend_of", "connect", "java_available"]

ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")
"""Engines of :func:`workbench.agreement` (``engine=``)."""


def java_available() -> bool:
    """Whether a Java runtime is found (``JAVA_HOME/bin/java`` or ``java`` on ``PATH``).

    >>> isinstance(java_available(), bool)
    True
    """
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def backend_of(source: Any, engine: str) -> Any:
    """The Ibis backend that runs ``source`` on ``engine``: an Ibis table's own backend
    (which must be ``engine``'s), else :func:`connect` of ``engine``.

    Raises TypeError for a source that is neither a DataFrame, a path nor an Ibis table.
    """
    import ibis
    import pandas as pd

    from .source import is_path

    if isinstance(source, ibis.Table) and not isinstance(source, pd.DataFrame):
        try:
            con = source._find_backend(use_default=False)  # noqa: SLF001 - Ibis' own lookup
        except Exception:  # an unbound memtable: any backend runs it
            return connect(engine)
        own = {"duckdb": "duckdb", "pyspark": "spark"}.get(con.name, con.name)
        if own != engine:
            raise ValueError(
                f"engine: {engine!r}, but the Ibis table belongs to the {con.name} backend; "
                f"pass engine={own!r} or build the table on the {engine} backend"
            )
        return con
    if not isinstance(source, pd.DataFrame) and not is_path(source):
        raise TypeError(
            "source: expected a DataFrame, a parquet/CSV path or glob, or an Ibis table, "
            f"got {type(source).__name__}"
        )
    return connect(engine)


def connect(engine: str) -> Any:
    """The Ibis backend of ``engine`` (``"duckdb"`` or ``"spark"``), made once per process.

    Examples
    --------
    >>> con = connect("duckdb")
    >>> con.name, connect("duckdb") is con
    ('duckdb', True)
    """
    check_option("engine", engine, ENGINES[1:])
    return _duckdb() if engine == "duckdb" else _spark()


DUCKDB_MEMORY_LIMIT = "2GB"
"""DuckDB's memory limit unless ``WORKBENCH_DUCKDB_MEMORY_LIMIT`` sets another: queries past
it spill to a temporary directory (DuckDB's own default, 80% of RAM, let a 50M-row log
reach 15 GiB of peak RSS on a 24 GiB machine)."""


@functools.cache
def _duckdb() -> Any:
    import tempfile

    import ibis

    return ibis.duckdb.connect(
        memory_limit=os.environ.get("WORKBENCH_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT),
        temp_directory=os.path.join(tempfile.gettempdir(), "workbench-duckdb"),
        preserve_insertion_order=False,  # POSITION carries the order the results need
    )


@functools.cache
def _spark() -> Any:
    import ibis

    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - pyspark is in the engines extra
        raise ImportError("engine: 'spark' needs pyspark (pip install 'workbench[engines]')") from e
    session = SparkSession.getActiveSession()
    if session is None:
        if not java_available():
            raise RuntimeError(
                "engine: 'spark' starts a local Spark session, which needs Java: install a "
                "Java runtime (Debian: apt-get install default-jre-headless) or set JAVA_HOME, "
                "or create a SparkSession for your cluster before calling"
            )
        session = (
            SparkSession.builder.master("local[*]")
            .appName("workbench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    return ibis.pyspark.connect(session)
