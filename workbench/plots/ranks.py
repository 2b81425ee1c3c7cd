"""Leaderboards and ranks: model scores per rater group, and one group's ranks against another's.

Both take :func:`workbench.leaderboard` output (``rater_group``, ``model``, ``score``, ``rank``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from .._validate import check_columns
from .theme import HUMAN_COLOUR, PALETTE, apply_layout, ci_error_bars

__all__ = ["leaderboard_plot", "rank_scatter"]


def leaderboard_plot(
    board: pd.DataFrame,
    *,
    reference: str = "human",
    groups: Sequence[str] | None = None,
    title: str,
    x_title: str = "Bradley-Terry strength, log scale (95% CI)",
    log_x: bool = True,
) -> go.Figure:
    """Model leaderboards side by side: one coloured series per rater group.

    Models are ordered by the ``reference`` group's score (best on top), so a
    judge's dots falling off the diagonal order show where it ranks differently.

    Parameters
    ----------
    board : DataFrame
        :func:`workbench.leaderboard` output: ``rater_group``, ``model``,
        ``score``, optionally ``ci_low``/``ci_high``.
    reference : str, default "human"
        Group that fixes the model order (drawn in black).
    groups : sequence of str, optional
        Groups to show (default: all, reference first).
    log_x : bool, default True
        Logarithmic x axis: Bradley-Terry strengths are odds, so ratios (not
        differences) are comparable, and bootstrap intervals are skewed.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> b = pd.DataFrame({"rater_group": ["human"] * 2 + ["gpt"] * 2, "model": ["m1", "m2"] * 2,
    ...                   "score": [0.2, 0.8, 0.6, 0.4]})
    >>> fig = leaderboard_plot(b, title="t")
    >>> [tr.name for tr in fig.data], list(fig.layout.yaxis.categoryarray)
    (['human', 'gpt'], ['m1', 'm2'])
    """
    check_columns(board, ["rater_group", "model", "score"], "board")
    df = board.copy()
    df["rater_group"] = df["rater_group"].astype(str)
    df["model"] = df["model"].astype(str)
    present = list(dict.fromkeys(df["rater_group"]))
    if reference not in present:
        raise ValueError(f"reference: {reference!r} not among rater groups {present}")
    groups = (
        list(groups) if groups is not None else [reference] + [g for g in present if g != reference]
    )
    ref = df[df["rater_group"] == reference].set_index("model")["score"].astype(float)
    order = list(ref.sort_values(kind="stable").index)
    order += sorted(set(df["model"]) - set(order))
    fig = go.Figure()
    colours = iter(PALETTE)
    for g in groups:
        sub = df[df["rater_group"] == g]
        fig.add_trace(
            go.Scatter(
                x=sub["score"].astype(float),
                y=sub["model"],
                mode="markers",
                name=g,
                marker={
                    "color": HUMAN_COLOUR if g == reference else next(colours),
                    "size": 8,
                    "symbol": "diamond" if g == reference else "circle",
                },
                error_x=ci_error_bars(sub.rename(columns={"score": "estimate"}), "estimate"),
            )
        )
    fig.update_layout(scattermode="group", scattergap=0.3)
    fig.update_yaxes(
        categoryorder="array", categoryarray=order, title=None, showgrid=True, tickfont={"size": 11}
    )
    fig.update_xaxes(title=x_title, showgrid=True, type="log" if log_x else "linear")
    return apply_layout(
        fig,
        title=title,
        height=max(420, 150 + 17 * len(order) * max(1.0, 0.5 * len(groups))),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )


def rank_scatter(
    board: pd.DataFrame,
    *,
    x_group: str,
    y_group: str,
    title: str,
    annotate: int = 5,
    correlation: float | None = None,
) -> go.Figure:
    """Rank of each model by one rater group against another, with the y = x line.

    Parameters
    ----------
    board : DataFrame
        :func:`workbench.leaderboard` output with ``rater_group``, ``model``, ``rank``.
    x_group, y_group : str
    annotate : int, default 5
        Label the ``annotate`` models whose ranks differ most.
    correlation : float, optional
        Shown in the title (e.g. the Pearson correlation of the ranks).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> b = pd.DataFrame({"rater_group": ["h"] * 3 + ["j"] * 3, "model": ["a", "b", "c"] * 2,
    ...                   "rank": [1, 2, 3, 3, 2, 1]})
    >>> fig = rank_scatter(b, x_group="h", y_group="j", title="t", annotate=1)
    >>> fig.data[1].x.tolist(), fig.data[1].y.tolist()
    ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0])
    """
    check_columns(board, ["rater_group", "model", "rank"], "board")
    w = board.pivot_table(index="model", columns="rater_group", values="rank", aggfunc="first")
    for g, arg in ((x_group, "x_group"), (y_group, "y_group")):
        if g not in w.columns:
            raise ValueError(f"{arg}: {g!r} not among rater groups {list(w.columns)}")
    w = w[[x_group, y_group]].dropna().astype(float).sort_values(x_group)
    n = len(w)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[1, n],
            y=[1, n],
            mode="lines",
            line={"color": HUMAN_COLOUR, "dash": "dash", "width": 1},
            name="same rank",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=w[x_group],
            y=w[y_group],
            mode="markers",
            text=w.index,
            name="model",
            marker={"color": PALETTE[0], "size": 8},
            hovertemplate="%{text}<br>"
            + x_group
            + ": %{x}<br>"
            + y_group
            + ": %{y}<extra></extra>",
        )
    )
    gap = (w[y_group] - w[x_group]).abs().sort_values(ascending=False, kind="stable")
    for m in gap.index[:annotate]:
        fig.add_annotation(
            x=w.loc[m, x_group],
            y=w.loc[m, y_group],
            text=str(m),
            showarrow=True,
            arrowhead=0,
            ax=20,
            ay=-20,
            font={"size": 11},
        )
    if correlation is not None:
        title = f"{title} (Pearson r of ranks = {correlation:.3f})"
    fig.update_xaxes(title=f"rank by {x_group} (1 = best)", range=[n + 1, 0], showgrid=True)
    fig.update_yaxes(
        title=f"rank by {y_group} (1 = best)", range=[n + 1, 0], showgrid=True, scaleanchor="x"
    )
    return apply_layout(fig, title=title, height=640, width=700, showlegend=False)
