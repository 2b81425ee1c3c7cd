"""Heatmaps: a value over two categories (optionally faceted) and confusion matrices.

Both use the colour-blind-safe :data:`~workbench.plots.theme.HEATMAP_SCALE` (``cividis``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .._validate import check_columns
from .theme import HEATMAP_SCALE, apply_layout

__all__ = ["confusion_heatmap", "heatmap"]


def heatmap(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str = "estimate",
    facet: str | None = None,
    title: str,
    colorbar_title: str,
    zmin: float | None = None,
    zmax: float | None = None,
    text_format: str = ".1f",
    x_order: Sequence[str] | None = None,
    y_order: Sequence[str] | None = None,
) -> go.Figure:
    """Annotated heatmap of ``value`` over ``y`` x ``x`` (one panel per ``facet`` level).

    Rows are ordered by their mean value (highest on top) unless ``y_order``
    is given; cells without data stay blank.

    Parameters
    ----------
    table : DataFrame
        Long format: one row per (``y``, ``x``[, ``facet``]).
    x, y, value : str
    facet : str, optional
        Column split into side-by-side panels sharing the colour scale.
    title, colorbar_title : str
    zmin, zmax : float, optional
        Colour-scale limits (shared across panels).
    text_format : str, default ".1f"
        d3 format of the cell annotations.
    x_order, y_order : sequence of str, optional

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"judge": ["a", "a", "b", "b"], "subset": ["s", "t", "s", "t"],
    ...                   "estimate": [1.0, 2.0, 3.0, 4.0]})
    >>> fig = heatmap(t, x="subset", y="judge", title="t", colorbar_title="v")
    >>> fig.data[0].z.tolist(), list(fig.data[0].y)  # best row (b) drawn on top = last
    ([[1.0, 2.0], [3.0, 4.0]], ['a', 'b'])
    """
    check_columns(table, [x, y, value] + ([facet] if facet else []), "table")
    df = table.copy()
    for c in (x, y) + ((facet,) if facet else ()):
        df[c] = df[c].astype(str)
    df[value] = pd.to_numeric(df[value], errors="coerce").astype(float)
    if y_order is None:
        y_order = list(df.groupby(y)[value].mean().sort_values(kind="stable").index)
    else:
        y_order = list(y_order)[::-1]
    facets = list(dict.fromkeys(df[facet])) if facet else [None]
    zmin = float(np.nanmin(df[value])) if zmin is None else zmin
    zmax = float(np.nanmax(df[value])) if zmax is None else zmax
    widths = []
    xs_by_facet = []
    for f in facets:
        sub = df if f is None else df[df[facet] == f]
        xs = [v for v in (x_order or dict.fromkeys(sub[x])) if v in set(sub[x])]
        xs_by_facet.append(xs)
        widths.append(max(len(xs), 1))
    fig = make_subplots(
        rows=1,
        cols=len(facets),
        shared_yaxes=True,
        horizontal_spacing=0.02,
        column_widths=[w / sum(widths) for w in widths],
        subplot_titles=[str(f) for f in facets] if facet else None,
    )
    for i, (f, xs) in enumerate(zip(facets, xs_by_facet, strict=True)):
        sub = df if f is None else df[df[facet] == f]
        z = sub.pivot_table(index=y, columns=x, values=value, aggfunc="mean").reindex(
            index=y_order, columns=xs
        )
        fig.add_trace(
            go.Heatmap(
                z=z.to_numpy(float),
                x=xs,
                y=y_order,
                zmin=zmin,
                zmax=zmax,
                colorscale=HEATMAP_SCALE,
                texttemplate=f"%{{z:{text_format}}}",
                textfont={"size": 11},
                showscale=i == 0,
                colorbar={"title": {"text": colorbar_title, "side": "right"}},
                hovertemplate=f"{y}=%{{y}}<br>{x}=%{{x}}<br>{value}=%{{z:{text_format}}}<extra></extra>",
                xgap=1,
                ygap=1,
            ),
            row=1,
            col=i + 1,
        )
    fig.update_xaxes(tickangle=-40)
    fig.update_yaxes(tickmode="array", tickvals=y_order, ticktext=y_order, tickfont={"size": 12})
    n_x = sum(widths)
    return apply_layout(
        fig,
        title=title,
        height=max(360, 170 + 26 * len(y_order)),
        width=max(700, 12 * len(title) + 40, min(1800, 260 + 58 * n_x)),
    )


def confusion_heatmap(
    counts: pd.DataFrame,
    *,
    title: str,
    x_title: str = "judge verdict",
    y_title: str = "human reference",
    normalize: bool = True,
) -> go.Figure:
    """Confusion matrix (reference rows x judge columns) as an annotated heatmap.

    Parameters
    ----------
    counts : DataFrame
        A crosstab: index = reference labels, columns = judge labels, values =
        counts (e.g. ``pd.crosstab(human, judge)``).
    normalize : bool, default True
        Colour by row share (% of each reference label); annotations show the
        count and the row percentage.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> c = pd.DataFrame([[8, 2], [1, 9]], index=["A", "B"], columns=["A", "B"])
    >>> fig = confusion_heatmap(c, title="t")
    >>> fig.data[0].z.tolist()  # row percentages: 8/10, 2/10; 1/10, 9/10
    [[80.0, 20.0], [10.0, 90.0]]
    """
    if not isinstance(counts, pd.DataFrame) or counts.empty:
        raise ValueError("counts: expected a non-empty crosstab DataFrame")
    c = counts.astype(float)
    share = c.div(c.sum(axis=1).replace(0, np.nan), axis=0) * 100
    z = share if normalize else c
    text = [
        [
            f"{int(n)}<br>({p:.0f}%)" if np.isfinite(p) else f"{int(n)}"
            for n, p in zip(rn, rp, strict=True)
        ]
        for rn, rp in zip(c.to_numpy(), share.to_numpy(), strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(float),
            x=[str(v) for v in c.columns],
            y=[str(v) for v in c.index],
            text=text,
            texttemplate="%{text}",
            colorscale=HEATMAP_SCALE,
            zmin=0,
            zmax=100 if normalize else None,
            colorbar={"title": {"text": "% of row" if normalize else "count"}},
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(title=y_title, autorange="reversed")
    fig.update_xaxes(title=x_title, side="bottom")
    return apply_layout(fig, title=title, height=420, width=520)
