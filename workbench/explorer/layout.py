"""The explorer's widgets and their arrangement (no callbacks, no computations).

Each function creates a group of :class:`~workbench.explorer.view.Explorer`'s
widgets as its attributes (``ex.dataset``, ``ex.figure``, ...); :func:`arrange`
lays them out in ``ex.widget``. :func:`base_layout` is the chart's plotly layout,
:func:`set_choices` replaces a selection widget's options and value at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import plotly.graph_objects as go

from .dataset import OVERALL, RESOLVE_RULES, SAME_FOOTING_HELP
from .fit import FitWidth
from .model import causes
from .render import CSS

DESC = {"description_width": "initial"}
FULL = "calc(100% - 4px)"
"""Width of a control that fills its column: ipywidgets adds a 2 px margin on each side."""


def build_controls(ex: Any, names: list[str], statistic: str, resolve: str) -> None:
    """The selection controls: dataset, judges, strategy, reference, metric, slices, resolve."""
    lay, desc = W.Layout, DESC
    ex.dataset = W.Dropdown(
        options=names, description="Dataset", style=desc, layout=lay(width="210px")
    )
    ex.judges = W.SelectMultiple(
        options=[], description="Judges", rows=4, style=desc, layout=lay(width="250px")
    )
    ex.strategy = W.Dropdown(
        options=["(all)"], description="Strategy", style=desc, layout=lay(width="230px")
    )
    ex.reference = W.Dropdown(
        options=[], description="Human reference", style=desc, layout=lay(width="340px")
    )
    ex.reference.tooltip = SAME_FOOTING_HELP
    ex.statistic = W.Dropdown(
        options=[statistic],
        value=statistic,
        description="Metric",
        style=desc,
        layout=lay(width="230px"),
    )
    ex.slice_by = W.Dropdown(
        options=[OVERALL],
        value=OVERALL,
        description="Slice by",
        style=desc,
        layout=lay(width="250px"),
    )
    ex.resolve = W.Dropdown(
        options=list(RESOLVE_RULES),
        value=resolve,
        description="Resolve orders",
        style=desc,
        layout=lay(width="230px"),
    )
    ex.exclude_noise = W.Checkbox(
        value=False,
        description="exclude items annotated as label noise",
        indent=False,
        layout=lay(width="auto"),
    )
    ex.progress = W.HTML("", layout=lay(visibility="hidden", margin="0 8px"))
    ex.status = W.HTML("")


def build_chart_and_items(ex: Any) -> None:
    """The chart, the bar list and its queue, the item viewer."""
    lay, desc = W.Layout, DESC
    ex.figure = go.FigureWidget(layout=base_layout())
    # the plot fills the box from the first draw (explorer.fit); not laid out itself
    ex.fit = FitWidth(layout=lay(display="none"))
    ex.chart = W.Box(
        [ex.figure, ex.fit], layout=lay(flex="1 1 auto", min_width="0", width="auto")
    )
    ex.chart.add_class("wb-chart")  # the plot fills it (render.CSS)

    ex.bar = W.Dropdown(options=[], description="Bar", style=desc, layout=lay(width=FULL))
    ex.show_button = W.Button(
        description="☰ Show items",
        tooltip="List the disagreeing items behind the selected bar",
    )
    ex.queue_select = W.Select(options=[], rows=9, layout=lay(width=FULL))
    ex.queue_title = W.HTML("<b>Items</b>: click a bar (or pick it above and Show items)")

    ex.text_mode = W.ToggleButtons(
        options=[("plain text", "plain"), ("rendered (sanitized)", "markdown")],
        value="plain",
        style={"button_width": "150px"},
    )
    ex.viewer = W.HTML(CSS + "<i>No item open.</i>", layout=lay(width=FULL))
    # rating datasets: the clicked judge's items as points (explorer.points)
    ex.points_view = W.ToggleButtons(
        options=[("judge vs people", "scatter"), ("Bland–Altman", "bland_altman")],
        value="scatter",
        style={"button_width": "130px"},
        tooltip="Scatter: scores per item (jittered). Bland–Altman: difference vs mean, "
        "with the judge's bias and 95% limits of agreement",
    )
    ex.points = W.Box([], layout=lay(width=FULL))
    ex.points_box = W.VBox([ex.points_view, ex.points], layout=lay(display="none"))


def build_form(ex: Any) -> None:
    """The annotation form's widgets (values from ``ex.form``)."""
    lay, desc = W.Layout, DESC
    ex.cause = W.RadioButtons(options=list(causes()), value=None, description="Cause", style=desc)
    probes: list[str] = []
    ex.tags = W.SelectMultiple(
        options=probes,
        rows=min(max(len(probes), 2), 6),
        description="Bias tags",
        style=desc,
        layout=lay(width=FULL),
    )
    ex.note = W.Textarea(
        placeholder="Why do judge and human disagree?", layout=lay(width=FULL, height="70px")
    )
    ex.suggested = W.HTML("")
    ex.apply_button = W.Button(
        description="+ Apply suggested tags",
        layout=lay(width="auto"),
        disabled=True,
        tooltip="Add the tags the disagreement flags suggest to the chosen bias tags",
    )
    # continuous_update off: the form follows a new id once typed (Enter or leaving the field)
    ex.annotator = W.Text(
        value=ex.form.annotator,
        description="Annotator",
        continuous_update=False,
        style=desc,
        layout=lay(width=FULL),
    )
    ex.save_button = W.Button(
        description="✓ Save annotation", button_style="primary", disabled=True
    )
    ex.withdraw_button = W.Button(description="↶ Withdraw", disabled=True)
    ex.form_status = W.HTML("")
    ex.item_annotations = W.HTML("")
    ex.blind = W.Checkbox(
        value=False,
        description="blind: others' annotations hidden until I save",
        indent=False,
        layout=lay(width="auto"),
    )
    ex.auditors = W.HTML("")


def arrange(ex: Any) -> None:
    """Lay the widgets out in ``ex.widget`` (readable at 1280x800)."""
    lay = W.Layout
    controls = W.VBox(
        [
            W.HBox(
                [
                    W.VBox([ex.dataset, ex.strategy, ex.statistic]),
                    W.VBox([ex.judges]),
                    W.VBox([ex.reference, ex.slice_by, ex.resolve]),
                ],
                layout=lay(flex_flow="row wrap", align_items="flex-start"),
            ),
            W.HBox(
                [ex.exclude_noise, ex.progress, ex.status],
                layout=lay(align_items="center", flex_flow="row wrap"),
            ),
        ]
    )
    side = W.VBox(
        [
            W.HTML("<b>Slice × judge</b>"),
            ex.bar,
            ex.show_button,
            ex.queue_title,
            ex.queue_select,
        ],
        layout=lay(flex="0 0 370px", width="370px", padding="0 0 0 8px"),
    )
    top = W.HBox([ex.chart, side])
    form = W.VBox(
        [
            W.HTML("<b>Annotate this disagreement</b>"),
            ex.cause,
            ex.tags,
            W.HBox([ex.suggested, ex.apply_button], layout=lay(flex_flow="row wrap")),
            ex.note,
            ex.annotator,
            W.HBox([ex.save_button, ex.withdraw_button]),
            ex.form_status,
            ex.item_annotations,
            ex.blind,
            ex.auditors,
        ],
        layout=lay(flex="0 0 330px", width="330px", padding="0 0 0 10px"),
    )
    item = W.VBox(
        [ex.points_box, ex.text_mode, ex.viewer],
        layout=lay(flex="1 1 auto", min_width="0", width="auto"),
    )
    ex.widget = W.VBox(
        [controls, top, W.HBox([item, form])],
        # the output area is padded: 100% of it would overflow the window by the padding
        layout=lay(width="calc(100% - 24px)", max_width="1400px"),
    )


def base_layout() -> dict:
    """The chart's plotly layout before titles (styled by hand: no template)."""
    return dict(
        barmode="group",
        margin=dict(l=55, r=36, t=30, b=40),
        # upright on the right edge (in the right margin): a long title no longer runs
        # under the tool icons
        modebar=dict(orientation="v"),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, font=dict(size=11)),
        template="none",  # a named template costs ~10 ms per FigureWidget: style by hand
        plot_bgcolor="white",
        paper_bgcolor="white",
        font=dict(family="sans-serif", size=12, color="#333"),
        yaxis=dict(gridcolor="#e5e5e5", zerolinecolor="#999", automargin=True),
        xaxis=dict(automargin=True, linecolor="#999"),
        clickmode="event",
        hovermode="closest",
        height=340,
        autosize=True,  # with the responsive config: the width follows the container
    )


def set_choices(widget: Any, options: Sequence[Any], value: Any) -> None:
    """Replace a selection widget's options and value in one message to the page.

    Set one after the other, ipywidgets sends the new option labels and the new
    index in separate messages, and the page applies the old index to the new
    options ("Error setting state: Cannot set properties of undefined (setting
    'selected')" in the browser console). ``hold_sync`` sends both at once.
    """
    with widget.hold_sync():
        widget.options = options
        widget.value = value
