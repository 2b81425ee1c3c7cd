"""Bring your own judgments: wide tables and tidy files into the workbench's tidy table.

- :func:`from_wide` (:mod:`~workbench.byo.wide`): one row per item, one column per rater.
- :func:`read` (:mod:`~workbench.byo.files`): a tidy table saved as CSV, JSONL or parquet.
- :data:`LABEL_SPELLINGS` (:mod:`~workbench.byo.spellings`): the label spellings both
  understand, per protocol, overridable per call (``labels=``).

Foreign formats (FastChat, AlpacaEval, Inspect logs) are read by :mod:`workbench.importers`.
"""

from .files import read
from .spellings import LABEL_SPELLINGS, map_labels, normalize, spellings
from .wide import ITEM_COLUMNS, from_wide

__all__ = [
    "ITEM_COLUMNS",
    "LABEL_SPELLINGS",
    "from_wide",
    "map_labels",
    "normalize",
    "read",
    "spellings",
]
