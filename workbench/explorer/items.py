"""The explorer's queue, item viewer and annotation-form callbacks.

:class:`ItemsView` is the part of :class:`~workbench.explorer.view.Explorer` that
lists a bar's items (:meth:`~ItemsView.show_items`), opens one
(:meth:`~ItemsView.open_item`) and binds the annotation form
(:class:`~workbench.explorer.annotate.AnnotationForm`) to its widgets. The queue
itself comes from :meth:`workbench.explorer.selection.ExplorerModel.queue`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from ..annotations import auditor_agreement, cause_conflicts
from .chart import queue_label
from .dataset import (
    CEILING,
    MAX_QUEUE,
    OVERALL,
    rater_reference,
)
from .layout import (
    set_choices,
)
from .model import (
    FLAG_TO_PROBE,
)
from .points import points_figure
from .render import (
    CSS,
    annotations_html,
    auditors_html,
    esc,
    item_html,
    message_html,
    suggestions_html,
)


class ItemsView:
    """Queue, item viewer and annotation form of :class:`~workbench.explorer.view.Explorer`.

    A mixin: it uses the Explorer's widgets (built by :mod:`~workbench.explorer.layout`),
    its ``model``, ``form`` and ``_hold`` flag.

    Examples
    --------
    >>> from workbench.explorer.view import Explorer
    >>> issubclass(Explorer, ItemsView)
    True
    """

    def _on_show_button(self) -> None:
        if self.bar.value is None:
            self.status.value = "<i>No bar to show.</i>"
            return
        slice_value, judge = self.bar.value
        self._show_items_or_say_why(judge=judge, slice_value=slice_value)

    def _on_bar_click(self, trace: Any, points: Any, state: Any = None) -> None:
        """Plotly click on a bar: list the items behind it."""
        if not points.point_inds:
            return
        i = points.point_inds[0]
        slice_value, judge = trace.customdata[i][:2]
        self._show_items_or_say_why(judge=str(judge), slice_value=str(slice_value))

    def _show_items_or_say_why(self, *, judge: str, slice_value: str) -> None:
        """:meth:`show_items` for a click: a failure empties the queue and says why."""
        try:
            self.show_items(judge=judge, slice_value=slice_value)
        except Exception as exc:  # noqa: BLE001 - shown in the UI, never a stale queue
            self._clear_items()
            self.queue_title.value = (
                f"<span style='color:#b00'><b>{esc(self.dataset.value)}</b>: no items for "
                f"{esc(judge)} · {esc(slice_value)}: {esc(type(exc).__name__)}: "
                f"{esc(exc)}</span>"
            )

    def _on_queue(self, change: dict) -> None:
        if change["new"] is not None and not self._hold:
            self.open_item(change["new"])

    # ------------------------------------------------------------------ items
    def _clear_items(self) -> None:
        self.queue = None
        self.selection = None
        self.item_id = None
        self._hold = True
        try:
            set_choices(self.queue_select, [], None)
        finally:
            self._hold = False
        self.queue_title.value = "<b>Items</b>: click a bar (or pick it above and Show items)"
        self.viewer.value = CSS + "<i>No item open.</i>"
        self._draw_points(None)
        self.form.close()
        self._show_form()

    def show_items(self, *, judge: str, slice_value: str = OVERALL) -> pd.DataFrame:
        """List the items where ``judge`` disagrees with the reference, most surprising first.

        This is what a click on a bar does.

        Parameters
        ----------
        judge : str
            A judge rater id (``<judge>/<strategy>``) or ``"human ceiling"``
            (then the queue lists items on which the humans split).
        slice_value : str, default "overall"
            The bar's slice (its x value).

        Returns
        -------
        DataFrame
            The queue: one row per disagreeing item, sorted by ``surprise``
            (descending).
        """
        ceiling = judge.startswith(CEILING)
        queue = self.model.queue(
            self._selection(), judge=judge, slice_value=slice_value, busy=self._busy
        )
        reference = rater_reference(self.reference.value)
        self.queue = queue
        self.selection = (str(slice_value), judge)
        if self.selection in [v for _, v in self.bar.options]:
            self._hold = True
            try:
                self.bar.value = self.selection
            finally:
                self._hold = False
        shown = queue.head(MAX_QUEUE)
        options = [(queue_label(r), str(r["item_id"])) for r in shown.to_dict("records")]
        self._hold = True
        try:
            set_choices(self.queue_select, options, None)
        finally:
            self._hold = False
        what = "humans split" if ceiling else f"{judge} ≠ {reference}"
        if not ceiling and reference != self.reference.value:  # the same footing
            if self.data.protocol == "rating":
                what += f" (the annotators' mean standing in for {vocab.OTHERS_MEAN})"
            else:
                what += f" (the per-item majority standing in for {vocab.OTHERS})"
        more = f" (first {MAX_QUEUE} shown)" if len(queue) > MAX_QUEUE else ""
        self.queue_title.value = (
            f"<b>{len(queue)} items</b>{more} ({esc(what)}; slice {esc(slice_value)}), "
            + (
                "largest gap in standard units first"
                if self.data.protocol == "rating" and not ceiling
                else "most surprising first"
            )
        )
        self._draw_points(queue)
        if options:
            self.queue_select.value = options[0][1]  # opens it
        else:
            self.viewer.value = CSS + "<i>No disagreeing items in this bar.</i>"
        return self.queue

    def _draw_points(self, gaps: pd.DataFrame | None) -> None:
        """A rating judge's items as points (hidden for other bars or when ``gaps`` is None)."""
        old = self.points.children
        shown = (
            gaps is not None
            and self.selection is not None
            and not self.selection[1].startswith(CEILING)
            and self.data.protocol == "rating"
        )
        if not shown:
            self.points.children = []
            self.points_box.layout.display = "none"
        else:
            fig = go.FigureWidget(
                points_figure(
                    gaps,
                    judge=self.selection[1],
                    reference=rater_reference(self.reference.value) or "",
                    view=self.points_view.value,
                )
            )
            for trace in fig.data:
                trace.on_click(self._on_point_click)
            self.points.children = [fig]
            self.points_box.layout.display = "flex"
        for widget in old:
            widget.close()

    def _on_point_click(self, trace: Any, points: Any, state: Any = None) -> None:
        """Plotly click on a point: open that item."""
        if points.point_inds:
            self.open_item(str(trace.customdata[points.point_inds[0]][0]))

    def open_item(self, item_id: str) -> None:
        """Show one item in the viewer and prepare the annotation form for it."""
        self.data.check_item(item_id)
        self.item_id = str(item_id)
        if self.queue_select.value != self.item_id and self.item_id in dict(
            (v, v) for _, v in self.queue_select.options
        ):
            self._hold = True
            try:
                self.queue_select.value = self.item_id
            finally:
                self._hold = False
        self._render_item()
        row = self._queue_row()
        suggested = []
        if row is not None:
            for flag, probe in FLAG_TO_PROBE.items():
                value = row.get(flag)
                if value is not None and not pd.isna(value) and bool(value):
                    suggested.append(probe)
        self.form.open(
            dataset=self.data.name,
            item_id=self.item_id,
            version=self.data.version,
            judge=self._judge_for_annotation(),
            reference=rater_reference(self.reference.value),
            suggested=[t for t in self._tag_options if t in suggested],
        )
        self._show_form()

    def _queue_row(self) -> pd.Series | None:
        if self.queue is None or self.item_id is None or self.queue.empty:
            return None
        hit = self.queue[self.queue["item_id"].astype(str) == self.item_id]
        return None if hit.empty else hit.iloc[0]

    def _render_item(self) -> None:
        if self.item_id is None:
            return
        rows = self.data.item(self.item_id)
        self.viewer.value = CSS + item_html(
            rows,
            judge=self.selection[1] if self.selection else None,
            mode=self.text_mode.value,
            tags=self._queue_row(),
        )

    # ------------------------------------------------------------------ annotations
    def _judge_for_annotation(self) -> str | None:
        if self.selection is None or self.selection[1].startswith(CEILING):
            return None
        return self.selection[1]

    def _read_form(self) -> None:
        """Copy the controls' values into the form model (what the person chose)."""
        self.form.cause = self.cause.value
        self.form.tags = tuple(self.tags.value)
        self.form.note = self.note.value

    def _show_form(self) -> None:
        """Draw the form model: values, suggestions, buttons, message, marks."""
        form = self.form
        self._hold = True
        try:
            extra = [t for t in form.tags if t not in self._tag_options]
            set_choices(self.tags, [*self._tag_options, *extra], tuple(form.tags))
            self.cause.value = form.cause
            self.note.value = form.note
            self.annotator.value = form.annotator
        finally:
            self._hold = False
        open_ = form.item is not None
        self.suggested.value = suggestions_html(form.suggested, form.tags) if open_ else ""
        self.apply_button.disabled = not set(form.suggested) - set(form.tags)
        self.save_button.disabled = not open_
        self.withdraw_button.disabled = not form.can_withdraw
        self.form_status.value = message_html(form.message, form.message_kind)
        self.item_annotations.value = self._item_annotations_html() if open_ else ""
        self.auditors.value = self._auditors_html()
        self._mark_queue()

    def _item_annotations_html(self) -> str:
        """The item's annotations; blind mode hides the others' until this annotator saved one."""
        current = self.form.item_annotations()
        mine = current["annotator"].astype(str) == str(self.form.annotator)
        if self.blind.value and not mine.any() and len(current):
            return (
                f"<small>{len(current)} annotation(s) by others hidden (blind mode): "
                "save yours to see them.</small>"
            )
        return annotations_html(current)

    def _auditors_html(self) -> str:
        """Agreement between annotators on the causes of this dataset's disagreements."""
        try:
            current = self.model.store.current(dataset=self.data.name)
        except Exception:  # noqa: BLE001 - no dataset loaded: nothing to say
            return ""
        return auditors_html(
            auditor_agreement(current, n_resamples=1000, rng=0),
            None if self.blind.value else cause_conflicts(current),
        )

    def _on_annotator(self, change: dict) -> None:
        if self._hold or change["new"].strip() == self.form.annotator:
            return
        self._read_form()
        self.form.set_annotator(change["new"])
        self._show_form()

    def apply_suggestions(self) -> None:
        """Choose the suggested bias tags (what the "Apply suggested tags" button does)."""
        self._read_form()
        self.form.apply_suggestions()
        self._show_form()

    def save(self) -> str:
        """Save the form as an annotation of the open item (:meth:`AnnotationForm.save`).

        The form opens prefilled with this annotator's annotation of the item and
        judge; saving it edits that annotation (the store keeps the previous
        values), and saving it unchanged writes nothing.

        Returns
        -------
        str
            The annotation id.
        """
        self._read_form()
        try:
            ann_id, verb = self.form.save()
        finally:
            self._show_form()
        if self.exclude_noise.value and verb != "unchanged":
            self.refresh()
        return ann_id

    def withdraw(self, *, reason: str | None = None) -> str | None:
        """Withdraw this annotator's current annotation of the open item (and judge)."""
        self._read_form()
        ann_id = self.form.withdraw(reason=reason)
        self._show_form()
        if ann_id is not None and self.exclude_noise.value:
            self.refresh()
        return ann_id

    def _mark_queue(self) -> None:
        """✓ before the queue's items this annotator has a current annotation of."""
        if not self.queue_select.options:
            return
        marked = self.form.annotated(self.data.name, self._judge_for_annotation())
        options = []
        for label, value in self.queue_select.options:
            plain = label.removeprefix("✓ ")
            options.append((f"✓ {plain}" if value in marked else plain, value))
        if options == list(self.queue_select.options):
            return
        self._hold = True
        try:
            set_choices(self.queue_select, options, self.queue_select.value)
        finally:
            self._hold = False
