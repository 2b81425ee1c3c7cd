"""Disagreement explorer: where does a judge disagree with people, and why?

All logic lives in plain functions and methods, so tests drive it without a
browser: set a control's ``value``, call :meth:`Explorer.show_items` (what a click
on a bar does), :meth:`Explorer.open_item`, fill the form and ``save_button.click()``.

Layout (readable at 1280x800)::

    [dataset] [judges] [strategy] [human reference] [metric] [slice by] [resolve]
    agreement chart: one bar per (slice, judge) with its CI,   | slice + "Show items"
    grey bar = human-human ceiling on the same items           | item queue (by surprise)
    item viewer: prompt, response A | response B, human labels,| annotation form
    judge verdicts in both orders, explanations                 | (cause, tags, note)

Modules
-------
dataset
    :class:`~workbench.explorer.dataset.Dataset`: one tidy table prepared for
    exploring (judges, references, texts by item); the reference vocabulary.
slices
    Slice dimensions: task category, item factors, bias types.
model
    Computations without widgets: the agreement table of a selection, the
    disagreement queue, annotation seams (store, label-noise exclusion).
annotate
    :class:`~workbench.explorer.annotate.AnnotationForm`: the annotation form's state
    without widgets (open item, annotator, its current annotation, chosen vs
    suggested tags, the message); save = add, edit or nothing; withdraw; marks.
render
    Safe HTML of an item (:func:`render_text`, :func:`item_html`), of the annotation
    form's message, suggestions and item annotations, and the CSS.
chart
    The status line, hover texts and plotly bar traces of an agreement table.
selection
    :class:`~workbench.explorer.selection.ExplorerModel`: a
    :class:`~workbench.explorer.selection.Selection` (what the controls chose) ->
    agreement table and disagreement queue, with the caches; no widgets.
layout
    The widgets (controls, chart, queue, viewer, form), their arrangement, the
    chart's base layout; the only module that imports :mod:`ipywidgets`.
items
    :class:`~workbench.explorer.items.ItemsView`: queue, item viewer and annotation
    form callbacks (``show_items``, ``open_item``, ``save``, ``withdraw``).
view
    :class:`Explorer`: holds the model, reads the controls into a selection, draws.

``workbench.widgets`` re-exports every name it had before the package existed.

Environment variables
---------------------
WORKBENCH_EXPLORER_DATA
    Path of a tidy judgment table (parquet) to explore instead of the
    registered datasets (how ``voila notebooks/explore.ipynb`` opens your own
    data).
WORKBENCH_ANNOTATOR
    Default annotator id of the annotation form (else the annotator of the store's last
    event, so a reload keeps the id; else the login name: :mod:`~.annotate`).
"""

from .dataset import CAUSES, RESOLVE_RULES
from .render import item_html, render_text
from .view import Explorer

__all__ = ["CAUSES", "RESOLVE_RULES", "Explorer", "item_html", "render_text"]
