"""Rank-sets: each model's set of plausible ranks by method, and their sizes and coverage.

:func:`rank_set_plot` takes :func:`workbench.rank_sets` tables stacked with a ``group``
column (e.g. ``"human only"``, ``"PPR (gpt-4)"``); :func:`rank_set_size_plot` takes a
summary with one row per (judge, method): ``mean_size``, optional ``sd_size`` and
``coverage``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._validate import check_columns
from .theme import HUMAN_COLOUR, PALETTE, apply_layout

__all__ = ["rank_set_plot", "rank_set_size_plot"]


def rank_set_plot(
    sets: pd.DataFrame,
    *,
    title: str,
    truth: Mapping[str, float] | pd.Series | None = None,
    truth_name: str = "all humans",
) -> go.Figure:
    """Each model's rank-set (a bar from ``rank_low`` to ``rank_high``), one colour per group.

    Models are ordered by ``truth`` (best on top) when given, else by the first group's
    midpoint; ``truth`` is drawn as black diamonds, so a bar that misses its diamond is a
    rank-set that does not cover that ranking.

    Parameters
    ----------
    sets : DataFrame
        Stacked :func:`workbench.rank_sets` tables with ``group``, ``model``, ``rank_low``,
        ``rank_high``.
    truth : mapping or Series, optional
        A reference rank per model (e.g. from all human labels).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["h", "h"], "model": ["x", "y"],
    ...                   "rank_low": [1, 1], "rank_high": [2, 2]})
    >>> fig = rank_set_plot(s, title="t", truth={"x": 2, "y": 1})
    >>> [tr.name for tr in fig.data], list(fig.layout.yaxis.ticktext)  # best on top
    (['h', 'all humans'], ['y', 'x'])
    >>> list(fig.data[0].x)  # each rank-set a bar from rank_low - 0.4 to rank_high + 0.4
    [0.6, 2.4, None, 0.6, 2.4, None]
    """
    check_columns(sets, ["group", "model", "rank_low", "rank_high"], "sets")
    df = sets.assign(model=sets["model"].astype(str), group=sets["group"].astype(str))
    groups = list(dict.fromkeys(df["group"]))
    if truth is not None:
        ref = pd.Series(truth, dtype=float)
    else:
        first = df[df["group"] == groups[0]]
        ref = first.set_index("model")["rank_low"] + first.set_index("model")["rank_high"]
    order = list(ref.sort_values(kind="stable").index.astype(str))
    order += sorted(set(df["model"]) - set(order))
    n = len(order)
    row = {m: n - i for i, m in enumerate(order)}  # best on top
    step = 0.6 / max(len(groups), 1)
    fig = go.Figure()
    for i, (colour, g) in enumerate(zip(PALETTE, groups, strict=False)):
        sub = df[df["group"] == g]
        y0 = sub["model"].map(row).to_numpy(float) + 0.3 - step * (i + 0.5)
        xs, ys = [], []
        for lo, hi, y in zip(sub["rank_low"], sub["rank_high"], y0, strict=True):
            xs += [lo - 0.4, hi + 0.4, None]
            ys += [y, y, None]
        fig.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", name=g, line={"color": colour, "width": 5})
        )
    if truth is not None:
        fig.add_trace(
            go.Scatter(
                x=ref.to_numpy(float),
                y=[row[str(m)] for m in ref.index],
                mode="markers",
                name=truth_name,
                marker={"color": HUMAN_COLOUR, "size": 9, "symbol": "diamond"},
            )
        )
    fig.update_yaxes(
        tickmode="array",
        tickvals=[row[m] for m in order],
        ticktext=order,
        range=[0.5, n + 0.5],
        title=None,
        showgrid=True,
    )
    fig.update_xaxes(title="rank (1 = best)", range=[0.4, n + 0.6], dtick=1, showgrid=True)
    return apply_layout(
        fig,
        title=title,
        height=max(420, 170 + 26 * n * max(1.0, 0.4 * len(groups))),
        legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0, "xanchor": "left"},
    )


def rank_set_size_plot(
    summary: pd.DataFrame, *, title: str, target: float | None = None
) -> go.Figure:
    """Mean rank-set size per judge and method (bars, ±1 sd), with each bar's coverage.

    Parameters
    ----------
    summary : DataFrame
        One row per (``judge``, ``method``) with ``mean_size``, optional ``sd_size`` and
        ``coverage`` (share of draws whose rank-sets contain the reference ranking, printed
        above the bar).
    target : float, optional
        The nominal coverage ``1 - alpha``, named in the x-axis title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> s = pd.DataFrame({"judge": ["g", "g"], "method": ["human", "ppr"],
    ...                   "mean_size": [6.4, 6.1], "coverage": [1.0, 0.95]})
    >>> fig = rank_set_size_plot(s, title="t")
    >>> [tr.name for tr in fig.data], list(fig.data[1].text)
    (['human', 'ppr'], ['95%'])
    """
    check_columns(summary, ["judge", "method", "mean_size"], "summary")
    fig = go.Figure()
    methods = list(dict.fromkeys(summary["method"].astype(str)))
    for colour, m in zip(PALETTE, methods, strict=False):
        sub = summary[summary["method"].astype(str) == m]
        text = None
        if "coverage" in sub.columns:
            text = [f"{c:.0%}" if np.isfinite(c) else "" for c in sub["coverage"].astype(float)]
        err = None
        if "sd_size" in sub.columns:
            err = {"type": "data", "array": sub["sd_size"].fillna(0).to_numpy(float)}
        fig.add_trace(
            go.Bar(
                x=sub["judge"].astype(str),
                y=sub["mean_size"].astype(float),
                name=m,
                marker_color=colour,
                text=text,
                textposition="outside",
                error_y=err,
            )
        )
    cover = "coverage of the reference ranking above each bar"
    if target is not None:
        cover += f" (target ≥ {target:.0%})"
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="mean rank-set size (ranks)", rangemode="tozero", showgrid=True)
    fig.update_xaxes(title=f"judge; {cover}")
    return apply_layout(fig, title=title, height=460)
