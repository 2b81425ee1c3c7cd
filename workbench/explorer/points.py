"""Rating datasets item by item: judge score vs the people's, as a scatter or Bland–Altman.

Plain plotly (no widgets): :func:`points_figure` draws the rows of
:func:`workbench.explorer.surprise.rating_gaps` (one point per item and
criterion; ``customdata`` carries the item id, so a click can open it).

* ``"scatter"``: the reference's score (x) against the judge's (y), both jittered
  by at most a fifth of the scale's smallest step so that tied scores stay
  visible; the diagonal marks equal scores.
* ``"bland_altman"``: the mean of the two scores (x) against their difference,
  judge minus reference (y), with the mean difference (the judge's bias) and the
  95% limits of agreement, mean ± 1.96 SD (Bland & Altman, Lancet 1986).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..plots.theme import PALETTE
from .chart import plotly_text
from .layout import base_layout

VIEWS = ("scatter", "bland_altman")
"""The two item-level views of a rating judge."""

__all__ = ["VIEWS", "jitter", "limits_of_agreement", "points_figure"]


def jitter(values: pd.Series, *, seed: int = 0) -> np.ndarray:
    """``values`` plus uniform noise of at most a fifth of their smallest step (seeded).

    Examples
    --------
    >>> out = jitter(pd.Series([1.0, 2.0, 2.0, 3.0]))
    >>> bool(np.all(np.abs(out - [1, 2, 2, 3]) <= 0.2))
    True
    """
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    steps = np.diff(np.unique(v[np.isfinite(v)]))
    step = float(steps.min()) if len(steps) else 1.0
    rng = np.random.default_rng(seed)
    return v + rng.uniform(-step / 5, step / 5, size=len(v))


def limits_of_agreement(diff: pd.Series) -> tuple[float, float, float]:
    """Bland–Altman mean difference and 95% limits (mean ± 1.96 SD, ddof=1).

    Examples
    --------
    >>> limits_of_agreement(pd.Series([0.0, 1.0, 2.0]))
    (1.0, -0.96, 2.96)
    """
    d = pd.to_numeric(diff, errors="coerce").dropna()
    if len(d) < 2:
        return (float(d.mean()) if len(d) else np.nan, np.nan, np.nan)
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    return mean, mean - 1.96 * sd, mean + 1.96 * sd


def points_figure(
    gaps: pd.DataFrame, *, judge: str, reference: str, view: str = "scatter"
) -> go.Figure:
    """The items of a rating judge as points (see the module docstring for the views).

    Parameters
    ----------
    gaps : DataFrame
        Rows of :func:`~workbench.explorer.surprise.rating_gaps` (``item_id``,
        ``criterion``, ``judge_score``, ``reference_score``, ``why``).
    judge, reference : str
        Named in the title and axes.
    view : {"scatter", "bland_altman"}

    Examples
    --------
    >>> g = pd.DataFrame({"item_id": ["1", "2", "3"], "criterion": ["c"] * 3,
    ...     "judge_score": [1.0, 2.0, 4.0], "reference_score": [1.0, 3.0, 4.0], "why": [""] * 3})
    >>> fig = points_figure(g, judge="j", reference="h", view="bland_altman")
    >>> [s["y0"] for s in fig.layout.shapes][:1] == [limits_of_agreement(g.judge_score - g.reference_score)[0]]
    True
    """
    from .._validate import check_option

    check_option("view", view, VIEWS)
    fig = go.Figure(layout=base_layout())
    j = pd.to_numeric(gaps["judge_score"], errors="coerce")
    r = pd.to_numeric(gaps["reference_score"], errors="coerce")
    criteria = gaps["criterion"].astype("string").fillna("").astype(str)
    for i, criterion in enumerate(dict.fromkeys(criteria)):
        m = (criteria == criterion).to_numpy()
        if view == "scatter":
            x, y = jitter(r[m], seed=i), jitter(j[m], seed=100 + i)
        else:
            x, y = ((j[m] + r[m]) / 2).to_numpy(), (j[m] - r[m]).to_numpy()
        fig.add_trace(
            go.Scattergl(
                x=x,
                y=y,
                mode="markers",
                name=plotly_text(criterion or "(no criterion)", 30),
                marker=dict(size=6, opacity=0.6, color=PALETTE[i % len(PALETTE)]),
                customdata=np.stack(
                    [gaps["item_id"].astype(str).to_numpy()[m], gaps["why"].astype(str)[m]],
                    axis=1,
                ),
                hovertemplate="item %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    who = f"{plotly_text(judge, 40)} vs {plotly_text(reference, 30)}"
    if view == "scatter":
        lo = float(np.nanmin([j.min(), r.min()])) if len(gaps) else 0.0
        hi = float(np.nanmax([j.max(), r.max()])) if len(gaps) else 1.0
        fig.add_shape(type="line", x0=lo, y0=lo, x1=hi, y1=hi, line=dict(dash="dot", color="#999"))
        fig.update_layout(
            title=dict(text=f"{who}: score per item (jittered)", font=dict(size=13)),
            xaxis_title=plotly_text(reference, 40),
            yaxis_title=plotly_text(judge, 40),
        )
    else:
        mean, low, high = limits_of_agreement(j - r)
        for value, dash in ((mean, "solid"), (low, "dash"), (high, "dash")):
            if np.isfinite(value):
                fig.add_hline(y=value, line=dict(dash=dash, color="#555", width=1))
        fig.update_layout(
            title=dict(
                text=f"{who}: Bland–Altman (bias {mean:.2f}, 95% limits {low:.2f} to {high:.2f})",
                font=dict(size=13),
            ),
            xaxis_title="mean of the two scores",
            yaxis_title="judge − reference",
        )
    fig.update_layout(height=320, showlegend=len(set(criteria)) > 1)
    return fig
