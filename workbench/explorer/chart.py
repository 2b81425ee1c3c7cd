"""The agreement chart in words and bars: status line, hover texts, plotly traces.

Numbers render as an em dash when NaN; every data value shown by plotly is
escaped (:func:`plotly_text`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .dataset import CEILING
from .render import esc


def some(names: Sequence[str], limit: int = 3) -> str:
    """A short list of names for a message.

    >>> some(["a", "b"]), some(["a", "b", "c", "d", "e"])
    ('a, b', 'a, b, c and 2 more')
    """
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def fmt(value: object, digits: int = 3) -> str:
    """A number for the status line and the hover: an em dash when it is NaN or missing.

    >>> fmt(0.71234), fmt(float("nan")), fmt(None), fmt(-0.05, 2), fmt(974.0, 0)
    ('0.712', '—', '—', '−0.05', '974')
    """
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    if not np.isfinite(x):
        return "—"
    return f"{x:.{digits}f}".replace("-", "−")


def interval(low: object, high: object) -> str:
    """``[low, high]``, or ``no interval`` when an end is NaN.

    >>> interval(0.1, 0.25), interval(float("nan"), 0.3)
    ('[0.100, 0.250]', 'no interval')
    """
    if fmt(low) == "—" or fmt(high) == "—":
        return "no interval"
    return f"[{fmt(low)}, {fmt(high)}]"


def row_text(row: Mapping[str, Any]) -> str:
    """One bar in words: estimate, interval, n, the gap to the ceiling, the note.

    >>> row_text({"estimate": 0.7, "ci_low": 0.6, "ci_high": 0.8, "n_items": 50,
    ...            "gap_to_ceiling": -0.1, "gap_ci_low": -0.2, "gap_ci_high": 0.0, "note": ""})
    '0.700 [0.600, 0.800], n=50; gap to ceiling −0.100 [−0.200, 0.000]'
    >>> row_text({"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
    ...            "n_items": 3, "note": "estimate undefined on these pairs"})
    '— (no interval), n=3 — estimate undefined on these pairs'
    """

    def ci(low: object, high: object) -> str:
        text = interval(low, high)
        return "(no interval)" if text == "no interval" else text

    out = f"{fmt(row.get('estimate'))} {ci(row.get('ci_low'), row.get('ci_high'))}"
    out += f", n={fmt(row.get('n_items'), 0)}"
    if fmt(row.get("gap_to_ceiling")) != "—":
        gap = ci(row.get("gap_ci_low"), row.get("gap_ci_high"))
        out += f"; gap to ceiling {fmt(row.get('gap_to_ceiling'))} {gap}"
    note = row.get("note")
    if isinstance(note, str) and note:
        out += f" — {note}"
    return out


def common_note(table: pd.DataFrame) -> str:
    """The parts of ``note`` shared by every judge row (said once in the status line).

    >>> t = pd.DataFrame({"is_ceiling": [False, False], "note": ["a; x", "b; x"]})
    >>> common_note(t)
    'x'
    """
    notes = table.loc[~table["is_ceiling"], "note"].fillna("").astype(str)
    parts = [set(filter(None, n.split("; "))) for n in notes]
    if not parts:
        return ""
    common = set.intersection(*parts)
    return "; ".join(p for p in notes.iloc[0].split("; ") if p in common)


def bar_summary(table: pd.DataFrame, limit: int = 4) -> str:
    """The status line's numbers (HTML): each judge's bar, or how many bars lack a value.

    NaN values show as an em dash with the row's note; a note every judge row shares
    is said once at the end.
    """
    common = common_note(table)
    shared = set(common.split("; ")) if common else set()

    def own(row: dict) -> dict:
        note = row.get("note")
        parts = str(note).split("; ") if isinstance(note, str) and note else []
        return {**row, "note": "; ".join(p for p in parts if p not in shared)}

    judges = table[~table["is_ceiling"]]
    if table["slice"].nunique() == 1:
        lines = [
            f"{esc(r['judge'])}: {esc(row_text(own(r)))}"
            for r in judges.head(limit).to_dict("records")
        ]
        ceiling = table[table["is_ceiling"]].head(1).to_dict("records")
        lines += [f"{CEILING}: {esc(row_text(own(r)))}" for r in ceiling]
        out = " · ".join(lines)
        if len(judges) > limit:
            out += f" (+{len(judges) - limit} more in the chart)"
    else:
        nan = table["estimate"].isna() | table["ci_low"].isna()
        out = f"{len(table)} bars over {table['slice'].nunique()} slices (numbers in the hover)"
        if nan.any():
            notes = [own(r)["note"] for r in table[nan].to_dict("records")]
            notes = [n for n in notes if n]
            why = f" (e.g. {notes[0]})" if notes else ""
            out += f"; {int(nan.sum())} without an estimate or interval (—){why}"
        out = esc(out)
    if common:
        out += f"<br><i>{esc(common)}</i>"
    return out


PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)

MAX_SERIES = len(PALETTE)
"""Judge series drawn at most: one colour each, never repeated (the others are named)."""


FEW_ITEMS = 10
"""Bars from fewer items are hatched (no interval: :data:`workbench.agreement.MIN_CI_ITEMS`)."""


def judge_series(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(judge series drawn, judge series not drawn): at most :data:`MAX_SERIES` judges.

    >>> t = pd.DataFrame({"judge": [f"j{i}" for i in range(12)] + ["human ceiling"],
    ...                   "is_ceiling": [False] * 12 + [True]})
    >>> drawn, left = judge_series(t)
    >>> len(drawn), drawn[-1], left
    (11, 'human ceiling', ['j10', 'j11'])
    """
    judges = list(dict.fromkeys(table.loc[~table["is_ceiling"], "judge"].astype(str)))
    ceilings = list(dict.fromkeys(table.loc[table["is_ceiling"], "judge"].astype(str)))
    return judges[:MAX_SERIES] + ceilings, judges[MAX_SERIES:]


def bar_traces(table: pd.DataFrame) -> list[go.Bar]:
    """One ``go.Bar`` per judge (and one grey for the ceiling), error bars = CI.

    Each bar shows its number of items at its foot; a bar from fewer than
    :data:`FEW_ITEMS` items is hatched. At most :data:`MAX_SERIES` judges are drawn
    (:func:`judge_series`), so that no two share a colour.
    """
    if table.empty:
        return []
    slices = list(dict.fromkeys(table["slice"].astype(str)))
    ticks = unique_labels(slices, 32)
    traces = []
    judges, _ = judge_series(table)
    for i, judge in enumerate(judges):
        part = table[table["judge"].astype(str) == judge]
        part = part.set_index(part["slice"].astype(str)).reindex(
            [s for s in slices if s in set(part["slice"].astype(str))]
        )
        est = part["estimate"].to_numpy(dtype=float)
        lo = part["ci_low"].to_numpy(dtype=float)
        hi = part["ci_high"].to_numpy(dtype=float)
        color = "#9e9e9e" if judge.startswith(CEILING) else PALETTE[i]
        n = pd.to_numeric(part["n_items"], errors="coerce").fillna(0).astype(int).to_numpy()
        traces.append(
            go.Bar(
                x=[ticks[v] for v in part.index],
                y=est,
                name=plotly_text(judge, 48),
                marker=dict(
                    color=color,
                    pattern=dict(shape=["/" if k < FEW_ITEMS else "" for k in n], solidity=0.4),
                ),
                text=[f"n={k}" for k in n],
                textposition="inside",
                insidetextanchor="start",
                textangle=0,
                textfont=dict(size=9),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=np.nan_to_num(hi - est),
                    arrayminus=np.nan_to_num(est - lo),
                    thickness=1.2,
                    width=3,
                ),
                customdata=[[s, judge] for s in part.index],
                hovertemplate="%{fullData.name}<br>%{x}: %{hovertext}<extra></extra>",
                hovertext=[hover(r) for r in part.to_dict("records")],
            )
        )
    return traces


def hover(row: Mapping[str, Any]) -> str:
    """Hover text of one bar (plotly-safe): the number, CI, n, gap to ceiling, note.

    >>> hover({"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
    ...         "n_items": 0, "note": "no item in common with the reference <gold>"})
    '—<br>95% CI: no interval; n=0<br>no item in common with the reference &lt;gold&gt;'
    """
    text = (
        f"{fmt(row.get('estimate'))}<br>95% CI: {interval(row.get('ci_low'), row.get('ci_high'))}"
    )
    text += f"; n={fmt(row.get('n_items'), 0)}"
    if fmt(row.get("gap_to_ceiling")) != "—":
        gap = interval(row.get("gap_ci_low"), row.get("gap_ci_high"))
        text += f"<br>gap to ceiling: {fmt(row.get('gap_to_ceiling'))} {gap}"
    note = row.get("note")
    if isinstance(note, str) and note:
        text += "<br>" + "<br>".join(plotly_text(part, 90) for part in note.split("; "))
    return text


def plotly_text(value: str, width: int) -> str:
    """Escape a data value for plotly text (which renders a subset of HTML), shortened.

    >>> plotly_text('<img src=x onerror="f()">', 12)  # first 11 characters + ellipsis
    '&lt;img src=x …'
    """
    short = value if len(value) <= width else value[: width - 1] + "…"
    return html.escape(short, quote=False)  # plotly shows &quot; literally; quotes are inert


def unique_labels(values: list[str], width: int) -> dict[str, str]:
    """Plotly-safe, shortened, still distinct axis labels for ``values``."""
    out: dict[str, str] = {}
    for v in values:
        label = plotly_text(v, width)
        while label in out.values():
            label += "\u200b"  # an invisible suffix keeps two long names apart
        out[v] = label
    return out


def queue_label(row: Mapping[str, Any]) -> str:
    parts = []
    if "surprise" in row and pd.notna(row["surprise"]):
        parts.append(f"{float(row['surprise']):.2f}")
    parts.append(str(row["item_id"]))
    for col, short in (("judge_labels", "judge"), ("reference_label", "ref")):
        if col in row and pd.notna(row[col]):
            parts.append(f"{short} {row[col]}")
    return " · ".join(parts)
