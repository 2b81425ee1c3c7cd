"""The rows of an agreement table: its columns, one row per block and statistic, the notes.

:meth:`workbench.agreement.PreparedPairs.emit` (pairs) and
:func:`workbench.engines.agreement` (item patterns counted by an engine) build the same
table; both word its rows and notes here, so a table reads the same whichever path
computed it.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .estimate import MIN_CI_ITEMS

__all__ = [
    "COLUMNS",
    "AgreementWarning",
    "block_rows",
    "finish_table",
    "row_note",
    "unpaired_rows",
    "warn_nan_rows",
]

COLUMNS = [
    "judge",
    "reference",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "n_items",
    "kind",
    "gap_to_ceiling",
    "gap_ci_low",
    "gap_ci_high",
    "note",
]
"""Columns of :func:`workbench.agreement.agreement` after the ``by`` columns."""

_NO_GAP = (np.nan, np.nan, np.nan)


def block_rows(
    key: tuple,
    by: Sequence[str],
    judge: str,
    reference: str,
    kind: str,
    estimates: Mapping[str, tuple],
    gaps: Mapping[str, tuple],
    n_units: int,
    ceiling_note: str = "",
) -> list[dict[str, Any]]:
    """The rows of one (judge or ceiling, slice) block, one per statistic.

    ``estimates``: statistic -> (estimate, ci_low, ci_high, se, n_items); ``gaps``:
    statistic -> (gap, ci_low, ci_high) for judge rows on the ceiling's footing.

    >>> rows = block_rows(("a",), ["subset"], "j", "human", "judge",
    ...                   {"cohen_kappa": (0.5, 0.4, 0.6, 0.05, 30)}, {}, 30)
    >>> rows[0]["subset"], rows[0]["estimate"], rows[0]["note"]
    ('a', 0.5, "no ceiling pairs on this judge's items")
    """
    out = []
    for name, (e, lo, hi, se, n_used) in estimates.items():
        g = gaps.get(name, _NO_GAP)
        out.append(
            {
                **dict(zip(by, key, strict=True)),
                "judge": judge,
                "reference": reference,
                "statistic": name,
                "estimate": float(e),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "se": float(se),
                "n_items": n_used,
                "kind": kind,
                "gap_to_ceiling": g[0],
                "gap_ci_low": g[1],
                "gap_ci_high": g[2],
                "note": row_note(kind, e, lo, hi, n_units, g, ceiling_note),
            }
        )
    return out


def unpaired_rows(
    judge: str, reference: str, by: Sequence[str], statistics: Iterable[str]
) -> list[dict[str, Any]]:
    """NaN rows of a judge that shares no item with the reference, one per statistic."""
    return [
        {
            **dict.fromkeys(by, pd.NA),
            "judge": judge,
            "reference": reference,
            "statistic": name,
            **dict.fromkeys(["estimate", "ci_low", "ci_high", "se"], np.nan),
            "n_items": 0,
            "kind": "judge",
            **dict.fromkeys(["gap_to_ceiling", "gap_ci_low", "gap_ci_high"], np.nan),
            "note": f"no item in common with the reference {reference}",
        }
        for name in statistics
    ]


def row_note(
    kind: str,
    estimate: float,
    ci_low: float,
    ci_high: float,
    n_units: int,
    gap: tuple = _NO_GAP,
    ceiling_note: str = "",
) -> str:
    """Why a row has NaN (or degenerate) values; empty when it has none.

    ``ceiling_note``: why judge rows have no gap to the ceiling (no ceiling possible,
    another footing...); without one, a judge row with an estimate and no gap says
    that no ceiling pair falls on its items.

    >>> row_note("ceiling", 0.8, np.nan, np.nan, 4)
    '4 items: fewer than 10, no interval'
    """
    notes = []
    if np.isnan(estimate):
        notes.append(
            "estimate undefined on these pairs (e.g. a single category or constant scores)"
        )
    elif np.isnan(ci_low) and n_units < MIN_CI_ITEMS:
        notes.append(f"{n_units} items: fewer than {MIN_CI_ITEMS}, no interval")
    elif ci_low == ci_high:
        notes.append("zero-width interval: every resample gives the same value")
    if kind == "judge":
        if ceiling_note:
            notes.append(ceiling_note)
        elif np.isnan(gap[0]) and not np.isnan(estimate):
            notes.append("no ceiling pairs on this judge's items")
    return "; ".join(notes)


def finish_table(records: list[dict[str, Any]], by: Sequence[str]) -> pd.DataFrame:
    """The table of ``records`` in :data:`COLUMNS` order (after ``by``), with one
    :class:`AgreementWarning` when rows have no estimate or no interval."""
    out = pd.DataFrame.from_records(records, columns=[*by, *COLUMNS])
    out["n_items"] = out["n_items"].astype("int64")
    out["note"] = out["note"].astype("string")
    warn_nan_rows(out, (out["estimate"].isna() | out["ci_low"].isna()).to_numpy())
    return out


class AgreementWarning(UserWarning):
    """Some rows of an agreement table are NaN (no estimate or no interval); see ``note``."""


def warn_nan_rows(out: pd.DataFrame, nan: np.ndarray, *, stacklevel: int | None = None) -> None:
    """One :class:`AgreementWarning` when rows of ``out`` have NaN values (``note`` says why).

    The warning points at the first caller outside the ``workbench`` package (the user's
    line), however many package frames lie between; ``stacklevel`` overrides that.
    """
    if nan.any():
        warnings.warn(
            f"{int(nan.sum())} of {len(out)} rows have no estimate or no interval; see the "
            f"note column (e.g. {out.loc[nan, 'note'].iloc[0]!r})",
            AgreementWarning,
            stacklevel=stacklevel or _outside_package(),
        )


def _outside_package() -> int:
    """``stacklevel`` of the first frame outside the ``workbench`` package, for warnings.warn
    called by the function that calls this one."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(2), 1  # 2: skip this function and warn_nan_rows' frame
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level + 1
