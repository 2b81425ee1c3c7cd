"""Published vs reproduced: every published number against the workbench's reproduction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._validate import check_columns
from .theme import HUMAN_COLOUR, OKABE_ITO, apply_layout

__all__ = ["published_plot"]


def published_plot(
    reproduced: pd.DataFrame, *, title: str = "Published vs reproduced numbers"
) -> go.Figure:
    """Each published number against its reproduction, relative to the published scale.

    Points are ``reproduced / published`` (1 = identical) per quantity, coloured by
    status (``reproduced`` / ``differs``; ``not computed`` rows at 0 with their reason on
    hover), so differences across papers with
    different units share one axis.

    Parameters
    ----------
    reproduced : DataFrame
        :func:`workbench.papers.reproduce.reproduce` output: ``paper``,
        ``quantity``, ``published``, ``reproduced``, ``status``.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> r = pd.DataFrame({"paper": ["p", "p"], "quantity": ["q1", "q2"], "published": [2.0, 4.0],
    ...                   "reproduced": [2.0, 3.0], "status": ["reproduced", "differs"]})
    >>> [t.x.tolist() for t in published_plot(r).data]  # 2/2 and 3/4
    [[1.0], [0.75]]
    """
    check_columns(
        reproduced, ["paper", "quantity", "published", "reproduced", "status"], "reproduced"
    )
    df = reproduced.copy()
    pub = pd.to_numeric(df["published"], errors="coerce").astype(float)
    rep = pd.to_numeric(df["reproduced"], errors="coerce").astype(float)
    df["ratio"] = np.where(pub != 0, rep / pub, np.nan)
    df["row"] = df["paper"].astype(str) + ": " + df["quantity"].astype(str)
    df = df.iloc[::-1]
    fig = go.Figure()
    colours = {
        "reproduced": OKABE_ITO["bluish_green"],
        "differs": OKABE_ITO["vermillion"],
        "not computed": HUMAN_COLOUR,
    }
    symbols = {"reproduced": "circle", "differs": "x", "not computed": "circle-open"}
    for status in ("reproduced", "differs", "not computed"):
        sub = df[df["status"] == status]
        if sub.empty:
            continue
        why = sub["reason"] if "reason" in sub else pd.Series("", index=sub.index)
        fig.add_trace(
            go.Scatter(
                # a number that could not be computed has no ratio: drawn at 0, its reason on hover
                x=sub["ratio"] if status != "not computed" else np.zeros(len(sub)),
                y=sub["row"],
                mode="markers",
                name=status,
                marker={"color": colours[status], "size": 9, "symbol": symbols[status]},
                customdata=np.stack(
                    [
                        sub["published"].astype(str),
                        sub["reproduced"].astype(str),
                        why.fillna("").astype(str).str.slice(0, 120),
                    ],
                    axis=1,
                ),
                hovertemplate="%{y}<br>published %{customdata[0]}<br>reproduced %{customdata[1]}"
                "<br>%{customdata[2]}<extra></extra>",
            )
        )
    fig.add_vline(1.0, line={"color": HUMAN_COLOUR, "dash": "dash", "width": 1})
    fig.update_yaxes(
        categoryorder="array", categoryarray=list(df["row"]), title=None, tickfont={"size": 10}
    )
    fig.update_xaxes(title="reproduced / published (1 = identical)", showgrid=True)
    return apply_layout(
        fig,
        title=title,
        height=max(420, 120 + 19 * len(df)),
        width=1100,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
