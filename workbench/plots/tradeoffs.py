"""Trade-offs: one point per rater on two summary columns (agreement vs price, bias, ...)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._validate import check_columns
from .theme import HUMAN_COLOUR, PALETTE, apply_layout

__all__ = ["tradeoff_scatter"]


def tradeoff_scatter(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    label: str,
    title: str,
    x_title: str,
    y_title: str,
    ceiling_label: str | None = None,
    log_x: bool = False,
    annotate: Sequence[str] | None = None,
) -> go.Figure:
    """One point per rater (e.g. evaluator) on two summary columns.

    The row whose ``label`` equals ``ceiling_label`` (e.g. ``humans``) is drawn
    as a black diamond and a dashed horizontal line at its ``y``: the ceiling.

    Parameters
    ----------
    table : DataFrame
        One row per rater with ``label``, ``x``, ``y``.
    log_x : bool, default False
        Logarithmic x axis (price, time); rows with ``x <= 0`` are left out.
    annotate : sequence of str, optional
        Labels to write beside their point (default: the top 2 by ``y`` and the extremes of ``x``).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"evaluator": ["a", "b", "humans"], "agree": [70.0, 60.0, 65.0],
    ...                   "longer": [0.7, 0.6, 0.64]})
    >>> fig = tradeoff_scatter(t, x="longer", y="agree", label="evaluator", title="t",
    ...                        x_title="P(prefer longer)", y_title="agreement (%)", ceiling_label="humans")
    >>> fig.layout.shapes[0].y0
    65.0
    """
    check_columns(table, [x, y, label], "table")
    df = table.copy()
    df[label] = df[label].astype(str)
    df = df.dropna(subset=[x, y])
    if log_x:  # a log axis cannot show zero or negative values (e.g. a free evaluator)
        df = df[pd.to_numeric(df[x], errors="coerce") > 0]
    is_ceiling = df[label] == ceiling_label if ceiling_label else pd.Series(False, index=df.index)
    fig = go.Figure()
    judges = df[~is_ceiling]
    fig.add_trace(
        go.Scatter(
            x=judges[x].astype(float),
            y=judges[y].astype(float),
            mode="markers",
            text=judges[label],
            name="evaluators",
            marker={"color": PALETTE[0], "size": 9, "opacity": 0.85},
            hovertemplate="%{text}<br>"
            + x_title
            + ": %{x}<br>"
            + y_title
            + ": %{y}<extra></extra>",
        )
    )
    if is_ceiling.any():
        h = df[is_ceiling].iloc[0]
        fig.add_trace(
            go.Scatter(
                x=[float(h[x])],
                y=[float(h[y])],
                mode="markers",
                name=str(ceiling_label),
                marker={"color": HUMAN_COLOUR, "size": 13, "symbol": "diamond"},
            )
        )
        fig.add_hline(
            float(h[y]),
            line={"color": HUMAN_COLOUR, "dash": "dash", "width": 1.5},
            annotation_text=f"{ceiling_label} (ceiling)",
            annotation_position="bottom right",
        )
    if annotate is None:  # the best by y and the extremes of x
        annotate = list(judges.sort_values(y, ascending=False)[label].head(2))
        annotate += [
            judges.loc[judges[x].astype(float).idxmax(), label],
            judges.loc[judges[x].astype(float).idxmin(), label],
        ]
    for name in annotate:
        r = df[df[label] == name]
        if r.empty:
            continue
        r = r.iloc[0]
        fig.add_annotation(
            x=np.log10(float(r[x])) if log_x else float(r[x]),
            y=float(r[y]),
            text=name,
            showarrow=False,
            yshift=12,
            font={"size": 10},
        )
    fig.update_xaxes(title=x_title, type="log" if log_x else "linear", showgrid=True)
    fig.update_yaxes(title=y_title, showgrid=True)
    return apply_layout(fig, title=title, height=520, legend={"orientation": "h", "y": -0.18})
