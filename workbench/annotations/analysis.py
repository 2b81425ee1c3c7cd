"""Annotations in analysis: read them as a table (:func:`load`), drop annotated items (:func:`exclude`).

Examples
--------
>>> store = AnnotationStore(":memory:")
>>> _ = store.add(dataset="d", item_id="1", cause="label_noise", annotator="ann")
>>> judgments = pd.DataFrame({"dataset": ["d", "d"], "item_id": ["1", "2"]})
>>> exclude(judgments, store.current())["item_id"].tolist()
['2']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .. import paths
from .._validate import check_columns
from ..vocab import CAUSES
from .io import read_table
from .store import AnnotationStore

__all__ = ["exclude", "load"]


def load(
    path: str | os.PathLike[str] | None = None, *, include_withdrawn: bool = False
) -> pd.DataFrame:
    """Current annotations as a DataFrame that joins the tidy judgments on (dataset, item_id).

    Parameters
    ----------
    path : str or Path, optional
        A SQLite store (default :func:`workbench.paths.annotation_store`; opened
        read-only, so a store in a read-only folder loads too), a ``.jsonl``
        export (replayed in memory, the file is only read), or a ``.csv`` /
        ``.parquet`` export (read back exactly, :func:`~.io.read_table`).
    include_withdrawn : bool, keyword-only

    Returns
    -------
    DataFrame
        :data:`CURRENT_COLUMNS`. Empty (with those columns) when the default
        store does not exist yet; an explicit path that does not exist raises
        FileNotFoundError.

    See Also
    --------
    exclude : drop annotated items from a judgment table.
    """
    if path is None:
        path = paths.annotation_store()
        if not Path(path).exists():
            return AnnotationStore(":memory:").current()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: no annotation store or export at {path}")
    if path.suffix in (".csv", ".parquet"):
        table = read_table(path)
        if not include_withdrawn:
            table = table[table["status"].eq("active")].reset_index(drop=True)
        return table
    if path.suffix == ".jsonl":
        store = AnnotationStore(":memory:")
        store.import_jsonl(path)
    else:
        store = AnnotationStore(path, read_only=True)
    with store:
        return store.current(include_withdrawn=include_withdrawn)


def exclude(
    judgments: pd.DataFrame,
    annotations: pd.DataFrame,
    *,
    causes: Iterable[str] | str = ("label_noise",),
) -> pd.DataFrame:
    """Drop every judgment of an item annotated with one of ``causes``.

    An item is identified by ``(dataset, item_id)``; all its rows (every rater,
    order, criterion) go, so agreement can be recomputed on the remaining items.
    Withdrawn annotations (``status == "withdrawn"``) do not count.

    Parameters
    ----------
    judgments : DataFrame
        Tidy judgments (:mod:`workbench.schema`), at least ``dataset``, ``item_id``.
    annotations : DataFrame
        :func:`load` / :meth:`AnnotationStore.current`.
    causes : str or iterable of str, keyword-only
        Causes (from :data:`CAUSES`) whose items are dropped.

    Returns
    -------
    DataFrame
        ``judgments`` without those rows (original index and dtypes kept).

    Notes
    -----
    The annotation's ``version`` is not compared (the tidy table carries no
    version); filter ``annotations`` on ``version`` first when a store holds
    annotations of several releases of one dataset.

    Examples
    --------
    >>> judgments = pd.DataFrame({"dataset": ["d"] * 4, "item_id": ["1", "1", "2", "3"],
    ...                           "rater": ["human", "GPT-4", "human", "human"]})
    >>> notes = pd.DataFrame({"dataset": ["d", "d"], "item_id": ["1", "3"],
    ...                       "cause": ["label_noise", "judge_wrong"], "status": ["active"] * 2})
    >>> exclude(judgments, notes)["item_id"].tolist()  # item 1 is label noise: both its rows go
    ['2', '3']
    """
    causes = (causes,) if isinstance(causes, str) else tuple(causes)
    bad = [c for c in causes if c not in CAUSES]
    if bad:
        raise ValueError(f"causes: {bad!r} not in {list(CAUSES)}")
    check_columns(judgments, ("dataset", "item_id"), "judgments")
    check_columns(annotations, ("dataset", "item_id", "cause"), "annotations")
    keep = annotations["cause"].astype("string").isin(causes)
    if "status" in annotations:
        keep &= annotations["status"].astype("string").eq("active").fillna(False)
    flagged = annotations.loc[keep.fillna(False), ["dataset", "item_id"]].astype(str)
    keys = set(zip(flagged["dataset"], flagged["item_id"], strict=True))
    if not keys:
        return judgments
    mine = pd.MultiIndex.from_arrays(
        [judgments["dataset"].astype(str), judgments["item_id"].astype(str)]
    )
    return judgments[~mine.isin(list(keys))]
