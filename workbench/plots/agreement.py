"""Agreement and CI charts: estimates with confidence intervals against the human ceiling.

:func:`forest` (a dot per judge with its CI), :func:`agreement_plot` (one statistic of
:func:`workbench.agreement`, human rows moved to the ceiling) and :func:`bar_ci` (grouped bars
with CI error bars, e.g. accuracy per subset per judge).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._validate import check_columns
from ..vocab import CEILING
from .theme import PALETTE, Ceiling, apply_layout, ceiling_triplet, ci_error_bars, draw_ceiling

__all__ = ["agreement_plot", "bar_ci", "forest"]


def forest(
    table: pd.DataFrame,
    *,
    label: str,
    value: str = "estimate",
    color: str | None = None,
    ceiling: Ceiling = None,
    ceiling_label: str = CEILING,
    title: str,
    x_title: str,
    x_range: tuple[float, float] | None = None,
    sort: bool = True,
) -> go.Figure:
    """Horizontal dot plot of estimates with CI error bars, one row per ``label``.

    Parameters
    ----------
    table : DataFrame
        One row per label (per label x ``color`` when ``color`` is given), with
        ``value`` and optionally ``ci_low`` / ``ci_high``.
    label : str
        Column naming the rows (e.g. ``judge``).
    value : str, default "estimate"
    color : str, optional
        Column whose levels become separately coloured series (dodged).
    ceiling : float, (estimate, ci_low, ci_high) or mapping, optional
        Human ceiling, drawn as a dashed vertical line and a shaded CI band.
    title, x_title : str
        Figure and x-axis titles (put the unit in ``x_title``).
    x_range : (float, float), optional
    sort : bool, default True
        Order rows by their mean ``value`` (highest on top); otherwise keep
        the table's order (first row on top).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"judge": ["x", "y", "z"], "estimate": [0.2, 0.9, 0.5],
    ...                   "ci_low": [0.1, 0.8, 0.4], "ci_high": [0.3, 1.0, 0.6]})
    >>> fig = forest(t, label="judge", ceiling=(0.8, 0.75, 0.85), title="t", x_title="x")
    >>> list(fig.layout.yaxis.categoryarray)  # bottom to top: worst ... best
    ['x', 'z', 'y']
    >>> [s.type for s in fig.layout.shapes]  # ceiling band + ceiling line
    ['rect', 'line']
    """
    check_columns(table, [label, value] + ([color] if color else []), "table")
    df = table.copy()
    df[label] = df[label].astype(str)
    if sort:
        means = df.groupby(label, sort=False)[value].mean().astype(float)
        order = list(means.sort_values(kind="stable").index)
    else:
        order = list(dict.fromkeys(df[label]))[::-1]
    fig = go.Figure()
    groups = [(None, df)] if color is None else list(df.groupby(color, sort=False))
    for i, (name, g) in enumerate(groups):
        fig.add_trace(
            go.Scatter(
                x=g[value].astype(float),
                y=g[label],
                mode="markers",
                name=str(name) if name is not None else value,
                marker={"color": PALETTE[i % len(PALETTE)], "size": 9, "symbol": "circle"},
                error_x=ci_error_bars(g, value),
                showlegend=color is not None,
                hovertemplate=f"%{{y}}: %{{x:.3f}}<extra>{name or ''}</extra>",
            )
        )
    if color is not None:
        fig.update_layout(scattermode="group", scattergap=0.4)
    trip = ceiling_triplet(ceiling)
    if trip is not None:
        draw_ceiling(fig, trip, label=ceiling_label)
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None, showgrid=True)
    fig.update_xaxes(title=x_title, range=list(x_range) if x_range else None, showgrid=True)
    return apply_layout(
        fig,
        title=title,
        height=max(320, 140 + 28 * len(order) * (1 if color is None else 1.3)),
        legend={"orientation": "h", "y": -0.12},
    )


def agreement_plot(
    table: pd.DataFrame,
    *,
    statistic: str,
    label: str = "judge",
    human_prefix: str = "human",
    ceiling: Ceiling = None,
    title: str | None = None,
    x_title: str | None = None,
    x_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Judge-vs-human agreement of one statistic with CIs, against the human ceiling.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`workbench.agreement`: ``statistic``, ``estimate``,
        ``ci_low``, ``ci_high`` and the ``label`` column.
    statistic : str
        Which statistic's rows to plot (e.g. ``"cohen_kappa"``).
    label : str, default "judge"
    human_prefix : str, default "human"
        Rows whose label starts with this are the human-human ceiling: they are
        drawn as the dashed line and band instead of a dot (their mean if several).
    ceiling : optional
        An explicit ceiling (overrides rows found by ``human_prefix``).
    title, x_title : str, optional
        Defaults name the statistic.
    x_range : (float, float), optional

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"judge": ["j1", "j2", "human"], "statistic": "cohen_kappa",
    ...                   "estimate": [0.3, 0.6, 0.8], "ci_low": [0.2, 0.5, 0.7],
    ...                   "ci_high": [0.4, 0.7, 0.9]})
    >>> fig = agreement_plot(t, statistic="cohen_kappa")
    >>> list(fig.data[0].y), fig.layout.shapes[1].x0
    (['j1', 'j2'], 0.8)
    """
    check_columns(table, ["statistic", "estimate", label], "table")
    rows = table[table["statistic"] == statistic]
    if rows.empty:
        seen = sorted(table["statistic"].astype(str).unique())
        raise ValueError(f"statistic: {statistic!r} not in table; has {seen}")
    is_human = rows[label].astype(str).str.startswith(human_prefix)
    if ceiling is None and is_human.any():
        h = rows[is_human]
        ceiling = tuple(
            float(pd.to_numeric(h[c], errors="coerce").mean()) if c in h else np.nan
            for c in ("estimate", "ci_low", "ci_high")
        )  # type: ignore[assignment]
    nice = statistic.replace("_", " ")
    return forest(
        rows[~is_human],
        label=label,
        ceiling=ceiling,
        title=title or f"Judge-human agreement: {nice} (95% CI)",
        x_title=x_title or nice,
        x_range=x_range,
    )


def bar_ci(
    table: pd.DataFrame,
    *,
    x: str,
    color: str | None = None,
    value: str = "estimate",
    ceiling: Ceiling = None,
    ceiling_label: str = CEILING,
    title: str,
    y_title: str,
    y_range: tuple[float, float] | None = None,
    x_order: Sequence[str] | None = None,
    color_order: Sequence[str] | None = None,
) -> go.Figure:
    """Grouped vertical bars with CI error bars (e.g. accuracy per subset per judge).

    Parameters
    ----------
    table : DataFrame
        ``x``, ``value`` and optionally ``color``, ``ci_low``, ``ci_high``.
    x, color : str
        Category on the x axis, and the column of the coloured series.
    ceiling : optional
        Drawn as a dashed horizontal line with its CI band.
    x_order, color_order : sequence of str, optional
        Explicit orders; by default x follows the table and colours are ordered
        by their mean value (highest first).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"subset": ["s1", "s1", "s2", "s2"], "judge": ["a", "b", "a", "b"],
    ...                   "estimate": [0.5, 0.9, 0.4, 0.8]})
    >>> fig = bar_ci(t, x="subset", color="judge", title="t", y_title="accuracy (%)")
    >>> [tr.name for tr in fig.data]  # judge with the higher mean first
    ['b', 'a']
    """
    check_columns(table, [x, value] + ([color] if color else []), "table")
    df = table.copy()
    df[x] = df[x].astype(str)
    xs = list(x_order) if x_order is not None else list(dict.fromkeys(df[x]))
    if color is None:
        groups = [(value, df)]
    else:
        df[color] = df[color].astype(str)
        if color_order is None:
            color_order = list(
                df.groupby(color)[value]
                .mean()
                .astype(float)
                .sort_values(ascending=False, kind="stable")
                .index
            )
        groups = [(c, df[df[color] == c]) for c in color_order]
    fig = go.Figure()
    for i, (name, g) in enumerate(groups):
        err = ci_error_bars(g, value)
        fig.add_trace(
            go.Bar(
                x=g[x],
                y=g[value].astype(float),
                name=str(name),
                marker_color=PALETTE[i % len(PALETTE)],
                error_y=err,
                showlegend=color is not None,
            )
        )
    trip = ceiling_triplet(ceiling)
    if trip is not None:
        draw_ceiling(fig, trip, label=ceiling_label, axis="y")
    fig.update_xaxes(categoryorder="array", categoryarray=xs, title=None)
    fig.update_yaxes(title=y_title, range=list(y_range) if y_range else None, showgrid=True)
    return apply_layout(
        fig, title=title, height=480, barmode="group", legend={"orientation": "h", "y": -0.18}
    )
