"""The look every figure shares: palette, fonts, layout, CI error bars, the human ceiling.

Each figure family (:mod:`~workbench.plots.agreement`, :mod:`~workbench.plots.heatmaps`,
:mod:`~workbench.plots.ranks`, :mod:`~workbench.plots.tradeoffs`,
:mod:`~workbench.plots.published`) draws with these names only, so a change of colour,
font or ceiling style is made once, here.

Examples
--------
>>> PALETTE[0] == OKABE_ITO["blue"], HUMAN_COLOUR
(True, '#000000')
>>> ceiling_triplet(0.8)  # no CI given: the band is not drawn
(0.8, nan, nan)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "CEILING_FILL",
    "FONT",
    "HEATMAP_SCALE",
    "HUMAN_COLOUR",
    "OKABE_ITO",
    "PALETTE",
    "Ceiling",
    "apply_layout",
    "ceiling_triplet",
    "ci_error_bars",
    "draw_ceiling",
]

OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
"""The eight Okabe-Ito colours (Okabe and Ito 2008)."""

PALETTE: list[str] = [
    OKABE_ITO[c]
    for c in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "sky_blue",
        "reddish_purple",
        "yellow",
    )
]
"""Categorical colour order: Okabe-Ito without black (reserved for humans and ceilings)."""

HUMAN_COLOUR = OKABE_ITO["black"]
"""Humans, ceilings and reference lines."""
CEILING_FILL = "rgba(0, 0, 0, 0.10)"
"""The shaded CI band of a human ceiling."""
HEATMAP_SCALE = "cividis"
"""Perceptually uniform, colour-blind-safe continuous scale (Nuñez et al. 2018)."""
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 14}
"""Font of every figure."""

Ceiling = float | tuple[float, float, float] | Mapping[str, float] | pd.Series | None
"""A human ceiling: an estimate, ``(estimate, ci_low, ci_high)``, or a row with those keys."""


def apply_layout(
    fig: go.Figure, *, title: str, height: int, width: int = 900, **kw: Any
) -> go.Figure:
    """Give ``fig`` the shared template, title placement, font, size and margins.

    Extra keyword arguments go to :meth:`plotly.graph_objects.Figure.update_layout`.

    Examples
    --------
    >>> fig = apply_layout(go.Figure(), title="t", height=300, showlegend=False)
    >>> fig.layout.title.x, fig.layout.width, fig.layout.font.size, fig.layout.showlegend
    (0.01, 900, 14, False)
    """
    fig.update_layout(
        template="simple_white",
        title={"text": title, "x": 0.01, "xanchor": "left"},
        font=FONT,
        height=height,
        width=width,
        margin={"l": 10, "r": 20, "t": 70, "b": 60},
        **kw,
    )
    return fig


def ceiling_triplet(ceiling: Ceiling) -> tuple[float, float, float] | None:
    """(estimate, ci_low, ci_high) of a ceiling spec; CI bounds NaN when not given.

    Raises
    ------
    ValueError
        A tuple that is not a 3-tuple, or a value of another type.

    Examples
    --------
    >>> ceiling_triplet({"estimate": 0.9, "ci_low": 0.85, "ci_high": 0.95})
    (0.9, 0.85, 0.95)
    >>> ceiling_triplet(None) is None
    True
    >>> ceiling_triplet((0.1, 0.2))
    Traceback (most recent call last):
    ...
    ValueError: ceiling: expected (estimate, ci_low, ci_high), got (0.1, 0.2)
    """
    if ceiling is None:
        return None
    if isinstance(ceiling, int | float | np.floating):
        return float(ceiling), np.nan, np.nan
    if isinstance(ceiling, tuple):
        if len(ceiling) != 3:
            raise ValueError(f"ceiling: expected (estimate, ci_low, ci_high), got {ceiling!r}")
        return tuple(float(v) for v in ceiling)  # type: ignore[return-value]
    if isinstance(ceiling, Mapping | pd.Series):
        get = ceiling.get
        return (
            float(get("estimate")),
            float(get("ci_low", np.nan) if get("ci_low") is not None else np.nan),
            float(get("ci_high", np.nan) if get("ci_high") is not None else np.nan),
        )
    raise ValueError(
        f"ceiling: expected a float, a 3-tuple or a mapping, got {type(ceiling).__name__}"
    )


def ci_error_bars(df: pd.DataFrame, value: str) -> dict[str, Any] | None:
    """Asymmetric error bars (``error_x`` or ``error_y``) from ``ci_low`` / ``ci_high``.

    ``None`` when ``df`` has no CI columns; a missing bound draws no bar on that side.

    Examples
    --------
    >>> t = pd.DataFrame({"estimate": [0.5], "ci_low": [0.4], "ci_high": [0.8]})
    >>> e = ci_error_bars(t, "estimate")
    >>> e["array"].round(2).tolist(), e["arrayminus"].round(2).tolist()  # 0.8-0.5, 0.5-0.4
    ([0.3], [0.1])
    >>> ci_error_bars(t[["estimate"]], "estimate") is None
    True
    """
    if "ci_low" not in df.columns or "ci_high" not in df.columns:
        return None
    lo = pd.to_numeric(df["ci_low"], errors="coerce").to_numpy(float)
    hi = pd.to_numeric(df["ci_high"], errors="coerce").to_numpy(float)
    est = pd.to_numeric(df[value], errors="coerce").to_numpy(float)
    return {
        "type": "data",
        "symmetric": False,
        "array": np.nan_to_num(hi - est),
        "arrayminus": np.nan_to_num(est - lo),
        "thickness": 1.5,
        "width": 4,
    }


def draw_ceiling(
    fig: go.Figure, trip: tuple[float, float, float], *, label: str, axis: str = "x", **where: Any
) -> None:
    """Draw a human ceiling on ``fig``: a dashed line at the estimate over its shaded CI band.

    ``axis="x"`` draws a vertical line (dot plots), ``"y"`` a horizontal one (bar charts);
    the band is left out when a CI bound is not finite. ``where`` goes to plotly's
    ``add_vline`` / ``add_vrect`` (e.g. ``row=``, ``col=``).

    Examples
    --------
    >>> fig = go.Figure()
    >>> draw_ceiling(fig, (0.9, 0.85, 0.95), label="humans")
    >>> [(s.type, s.x0) for s in fig.layout.shapes]
    [('rect', 0.85), ('line', 0.9)]
    """
    est, lo, hi = trip
    if np.isfinite(lo) and np.isfinite(hi):
        rect = fig.add_vrect if axis == "x" else fig.add_hrect
        rect(lo, hi, fillcolor=CEILING_FILL, line_width=0, layer="below", **where)
    line = fig.add_vline if axis == "x" else fig.add_hline
    line(
        est,
        line={"color": HUMAN_COLOUR, "dash": "dash", "width": 1.5},
        annotation_text=label,
        annotation_position="top" if axis == "x" else "top left",
        annotation_font_size=12,
        **where,
    )
