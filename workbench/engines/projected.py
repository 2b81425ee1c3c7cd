"""Any function of a tidy table run on an engine's projection of a source.

:func:`projected` reads a source (DataFrame, parquet/CSV path or glob, Ibis table) through
DuckDB or Spark: every column except the text columns (:data:`TEXT_COLUMNS`) the function
does not read, in source order, as pandas. :func:`accepts_sources` turns a function of a
DataFrame into one of any source with an ``engine=`` keyword (the leaderboard and the
position and leniency probes use it). The function then runs in pandas on that projection:
the same numbers as on the DataFrame, in the memory of the table without its texts.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"item_id": ["1", "2"], "rater": ["h", "h"], "prompt": ["p", "q"]})
>>> projected(df, "duckdb").columns.tolist()
['item_id', 'rater']
>>> projected(df, "duckdb", keep=["prompt"])["prompt"].tolist()
['p', 'q']
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from .._validate import check_option
from ..schema import TEXT_COLUMNS
from .backends import ENGINES, backend_of
from .source import POSITION, columns_of, read_frame, table_of

__all__ = [
    "TEXT_COLUMNS",  # from workbench.schema, where it is defined
    "accepts_sources",
    "like_source",
    "projected",
]


def projected(source: Any, engine: str, *, keep: Sequence[str] = ()) -> pd.DataFrame:
    """``source`` read by ``engine``: its columns but the unkept :data:`TEXT_COLUMNS`, in source order.

    ``engine="pandas"`` reads the whole source (a DataFrame is returned as it is).
    A DataFrame source keeps its dtypes (:func:`like_source`).
    """
    check_option("engine", engine, ENGINES)
    if engine == "pandas":
        return source if isinstance(source, pd.DataFrame) else read_frame(source)
    con = backend_of(source, engine)
    names = columns_of(source, con)
    cols = [c for c in names if c not in TEXT_COLUMNS or c in keep]
    t = table_of(source, con, cols)
    df = con.to_pandas(t.order_by(POSITION)).drop(columns=POSITION)
    return like_source(df, source)


def like_source(df: pd.DataFrame, source: Any) -> pd.DataFrame:
    """``df`` with the source DataFrame's dtypes (a round trip through Arrow turns
    categoricals and nullable integers into plain columns); other sources unchanged."""
    if isinstance(source, pd.DataFrame):
        return df.astype({c: source[c].dtype for c in df.columns if c in source.columns})
    return df


def _named(value: Any) -> list[str]:
    """Column names an option names: a str, or the str entries of a sequence."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def accepts_sources(
    keep: Sequence[str] = (), *, options: Sequence[str] = ("by", "cluster")
) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Decorator: ``fn(df, ...)`` becomes ``fn(source, ..., engine="pandas")``.

    ``source`` is a DataFrame, a parquet/CSV path or glob, or an Ibis table; with
    ``engine`` ``"duckdb"`` or ``"spark"`` the engine reads it (:func:`projected`), keeping
    the text columns in ``keep`` and those the keyword ``options`` name (``by``,
    ``cluster``). A DataFrame with ``engine="pandas"`` goes to ``fn`` untouched.
    """

    def wrap(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        @functools.wraps(fn)
        def on_source(source: Any, *args: Any, engine: str = "pandas", **kwargs: Any):
            if engine == "pandas" and isinstance(source, pd.DataFrame):
                return fn(source, *args, **kwargs)
            named = [c for o in options for c in _named(kwargs.get(o))]
            return fn(projected(source, engine, keep=[*keep, *named]), *args, **kwargs)

        sig = inspect.signature(fn)
        param = inspect.Parameter(
            "engine", inspect.Parameter.KEYWORD_ONLY, default="pandas", annotation="str"
        )
        on_source.__signature__ = sig.replace(parameters=[*sig.parameters.values(), param])
        return on_source

    return wrap
