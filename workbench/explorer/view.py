"""The explorer: :class:`Explorer` binds its controls to the computations.

:class:`Explorer` reads its controls into a :class:`~workbench.explorer.selection.Selection`
and draws what its :class:`~workbench.explorer.selection.ExplorerModel` computes (helped
by :mod:`workbench.explorer.model`, :mod:`~workbench.explorer.dataset`,
:mod:`~workbench.explorer.slices`); widgets are built in :mod:`~workbench.explorer.layout`
(the only module that imports :mod:`ipywidgets`), the queue, viewer and form callbacks
live in :mod:`~workbench.explorer.items`, HTML in :mod:`~workbench.explorer.render` and
:mod:`~workbench.explorer.chart`.
"""

from __future__ import annotations

import gc
import html
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import schema, vocab
from .annotate import AnnotationForm
from .annotate import login as login  # re-exported by workbench.widgets
from .chart import MAX_SERIES, bar_summary, bar_traces, fmt, judge_series, plotly_text, some
from .dataset import (
    MAJORITY,
    OVERALL,
    PROTOCOLS,
    RESOLVE_RULES,
    SAME_FOOTING,
    SAME_FOOTING_HELP,
    Dataset,
    reference_title,
)
from .items import ItemsView
from .layout import (
    arrange,
    base_layout,
    build_chart_and_items,
    build_controls,
    build_form,
    set_choices,
)
from .model import (
    empty_table,
    probe_names,
    statistics,
)
from .render import esc
from .selection import ExplorerModel, Selection, dataset_names, reference_help

_FROZEN = False


def freeze_imports() -> None:
    """Move the objects alive now (the imports) out of the garbage collector's scans; once.

    plotly's ``FigureWidget`` imports nbformat, whose JSON-schema checks build a grammar
    of some 200,000 objects that live as long as the process. Every full collection then
    walked them: about 0.1 s, landing inside a click or a re-slice now and then (7 times
    in one ``bench_widgets`` run). :func:`gc.freeze` after a :func:`gc.collect` (nothing
    collectable is frozen) leaves them to reference counting, as every object is; later
    objects, the explorer's tables included, are collected as usual.
    """
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()


class Explorer(ItemsView):
    """Agreement chart, item queue, item viewer and annotation form in one widget.

    Parameters
    ----------
    data : DataFrame or mapping of name -> DataFrame, optional
        Tidy judgment tables to explore. Default: the table named by
        ``WORKBENCH_EXPLORER_DATA``, else the registered judgment datasets
        (loaded with :func:`workbench.load` when selected).
    dataset : str, optional
        Dataset selected first (default: the first one).
    datasets : sequence of str, optional
        Registered dataset names to offer when ``data`` is None.
    judges : sequence of str, optional
        Judge models selected first (default: the first judge).
    reference : str, optional
        Human reference. Default: ``"others"`` (each annotator's others' majority, the
        ceiling's own footing, as :func:`workbench.agreement.agreement`'s default) when
        items have two or more individual ``human:<id>`` annotators; else the first of
        ``human:majority``, ``human``, ``gold`` that shares items with the judges. The
        queue and reference-based slices use ``human:majority`` for ``"others"``.
    statistic : str, default "percent_agreement"
    slice_by : str, default "overall"
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "per_order"
    store : AnnotationStore or path, optional
        Where annotations go (default: :func:`workbench.paths.annotation_store`).
    annotator : str, optional
        Annotator id. Default: ``WORKBENCH_ANNOTATOR``, else the annotator of the
        store's last event (so a reload keeps the id), else the login name
        (:class:`~workbench.explorer.annotate.AnnotationForm`).
    n_resamples : int, default 1000
        Bootstrap resamples for the CIs.
    rng : int, default 0
        Seed of the bootstrap.
    progress_after : float, default 1.0
        Seconds after which a running computation shows the progress indicator.

    Examples
    --------
    >>> ex = Explorer(dataset="pandalm")  # doctest: +SKIP
    >>> ex.slice_by.value = "task category"  # doctest: +SKIP
    >>> ex.show_items(judge="gpt-3.5-turbo", slice_value="bloom-7b_llama-7b")  # doctest: +SKIP
    >>> ex.cause.value = "judge_wrong"; ex.save_button.click()  # doctest: +SKIP
    """

    def __init__(
        self,
        data: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
        *,
        dataset: str | None = None,
        datasets: Sequence[str] | None = None,
        judges: Sequence[str] | None = None,
        reference: str | None = None,
        statistic: str = "percent_agreement",
        slice_by: str = OVERALL,
        resolve: str = "per_order",
        store: Any = None,
        annotator: str | None = None,
        n_resamples: int = 1000,
        rng: int = 0,
        progress_after: float = 1.0,
    ):
        known = {s for p in PROTOCOLS for s in statistics(p)}
        if statistic not in known:
            raise ValueError(f"statistic: expected one of {sorted(known)}, got {statistic!r}")
        if resolve not in RESOLVE_RULES:
            raise ValueError(f"resolve: expected one of {list(RESOLVE_RULES)}, got {resolve!r}")
        if n_resamples < 1:
            raise ValueError(f"n_resamples: expected a positive integer, got {n_resamples!r}")
        tables, names, from_env = dataset_names(data, datasets)
        self._tables: dict[str, pd.DataFrame] = tables
        if from_env and dataset not in names:
            dataset = None  # the env table replaces the registry, notebook parameters included
        if dataset is not None and dataset not in names:
            raise ValueError(f"dataset: {dataset!r} is not one of {names}")

        self.model = ExplorerModel(self._tables, store=store, n_resamples=n_resamples, rng=rng)
        self._tables = self.model.tables
        self.progress_after = float(progress_after)
        self._hold = False
        self.table: pd.DataFrame | None = None
        self.queue: pd.DataFrame | None = None
        self.selection: tuple[str, str] | None = None
        self.item_id: str | None = None
        self.progress_events: list[str] = []
        self.timings: dict[str, float] = {}

        self._tag_options: list[str] = []
        self.form = AnnotationForm(self.store, annotator=annotator)
        self._build(names, statistic, slice_by, resolve)
        self._hold = True
        self.dataset.value = dataset or names[0]
        self._hold = False
        self._on_dataset(
            judges=judges, reference=reference, slice_by=slice_by, statistic=statistic, strict=True
        )

    # ------------------------------------------------------------------ widgets
    def _build(self, names, statistic, slice_by, resolve) -> None:
        build_controls(self, names, statistic, resolve)
        build_chart_and_items(self)
        freeze_imports()
        build_form(self)
        self._wire()
        arrange(self)

    def _wire(self) -> None:
        """Bind the controls and buttons to the callbacks."""
        for control in (
            self.exclude_noise,
            self.judges,
            self.strategy,
            self.reference,
            self.statistic,
            self.slice_by,
            self.resolve,
        ):
            control.observe(self._on_control, names="value")
        self.dataset.observe(lambda _: self._on_dataset(), names="value")
        self.show_button.on_click(lambda _: self._on_show_button())
        self.queue_select.observe(self._on_queue, names="value")
        self.text_mode.observe(lambda _: self._render_item(), names="value")
        self.blind.observe(lambda _: self._show_form(), names="value")
        self.points_view.observe(lambda _: self._draw_points(self.queue), names="value")
        self.save_button.on_click(lambda _: self.save())
        self.withdraw_button.on_click(lambda _: self.withdraw())
        self.apply_button.on_click(lambda _: self.apply_suggestions())
        self.annotator.observe(self._on_annotator, names="value")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @staticmethod
    def _base_layout() -> dict:
        return base_layout()

    # ------------------------------------------------------------------ state
    @property
    def data(self) -> Dataset:
        """The prepared dataset currently selected."""
        return self.model.data(self.dataset.value)

    @property
    def n_resamples(self) -> int:
        """Bootstrap resamples of the CIs (the model's)."""
        return self.model.n_resamples

    @n_resamples.setter
    def n_resamples(self, value: int) -> None:
        self.model.n_resamples = int(value)

    @property
    def rng(self) -> Any:
        """Seed of the bootstrap (the model's)."""
        return self.model.rng

    @rng.setter
    def rng(self, value: Any) -> None:
        self.model.rng = value

    @property
    def judgments(self) -> pd.DataFrame:
        """The tidy judgment table of the selected dataset (texts included)."""
        return self.data.full

    @property
    def store(self) -> Any:
        """The annotation store (opened on first use)."""
        return self.model.store

    def _selection(self) -> Selection:
        """The controls' choice, as the model reads it."""
        return Selection(
            dataset=self.dataset.value,
            raters=tuple(self.selected_raters()),
            reference=self.reference.value,
            statistic=self.statistic.value,
            slice_by=self.slice_by.value,
            resolve=self.resolve.value,
            exclude_noise=bool(self.exclude_noise.value),
        )

    def selected_raters(self) -> list[str]:
        """Judge raters (``<judge>/<strategy>`` ids) chosen by the judge and strategy controls."""
        models = set(self.judges.value)
        strategy = self.strategy.value
        return [
            rater
            for rater in self.data.judges
            if schema.judge_name(rater) in models
            and (strategy == "(all)" or strategy in self.data.strategy_of.get(rater, ()))
        ]

    # ------------------------------------------------------------------ callbacks
    def _on_dataset(
        self, *, judges=None, reference=None, slice_by=None, statistic=None, strict=False
    ) -> None:
        """Switch to the selected dataset: reset everything first, then load and draw.

        Nothing of the previous dataset survives the first lines: chart, bar list,
        queue, item, judges and references are cleared before anything can fail. A
        dataset that cannot be loaded (missing files, ``LoadError``, ``SchemaError``,
        a protocol the explorer does not show) leaves an empty chart titled with its
        name and the reason in :attr:`status`. ``strict`` (the constructor, for tables
        passed in and bad arguments) raises instead.
        """
        if self._hold:
            return
        name = self.dataset.value
        self._reset_selection(name)
        try:
            with self._busy(f"loading {name}"):
                data = self.data
        except Exception as exc:  # noqa: BLE001 - any failure is shown, never a stale chart
            if strict and name in self._tables:
                raise
            self._fail(exc, loading=True)
            return
        if reference is not None and reference not in data.references:
            if reference in data.omitted_references:
                why = "shares no item with the judges"
            elif reference == SAME_FOOTING:
                why = "needs items with two or more individual human:<id> annotators"
            else:
                why = "is not a human or gold rater of the dataset"
            raise ValueError(f"reference: {reference!r} {why}; expected one of {data.references}")
        self._hold = True
        try:
            stats = statistics(data.protocol)
            keep = statistic or self.statistic.value
            set_choices(self.statistic, stats, keep if keep in stats else stats[0])
            self._tag_options = probe_names(data.protocol)
            set_choices(self.tags, self._tag_options, ())
            self.tags.rows = max(2, min(len(self.tags.options), 6))
            self.resolve.disabled = not data.two_orders
            models = data.judge_models()
            first = data.default_model()
            chosen = [j for j in (judges or []) if j in models] or ([first] if first else [])
            set_choices(self.judges, models, tuple(chosen))
            self._update_strategies(reset=True)
            set_choices(
                self.reference,
                [(reference_title(r, data.protocol), r) for r in data.references],
                reference or data.default_reference(data.raters_of(chosen)),
            )
            self.reference.tooltip = reference_help(data)
            set_choices(
                self.slice_by, list(data.slices), slice_by if slice_by in data.slices else OVERALL
            )
        finally:
            self._hold = False
        self.refresh()

    def _reset_selection(self, name: str) -> None:
        """Clear every control and view that belongs to a dataset (before loading ``name``)."""
        self._clear_items()
        self._hold = True
        try:
            set_choices(self.judges, [], ())
            set_choices(self.strategy, ["(all)"], "(all)")
            set_choices(self.reference, [], None)
            set_choices(self.slice_by, [OVERALL], OVERALL)
        finally:
            self._hold = False
        self.table = empty_table()
        self.draw(self.table, title=f"{name}: loading…")
        self.status.value = f"<i>Loading <b>{esc(name)}</b>…</i>"

    def _fail(self, exc: BaseException | str, *, loading: bool = False) -> None:
        """Show why nothing is drawn for the selected dataset: empty chart, no bars, no queue."""
        name = self.dataset.value
        what = "cannot be loaded" if loading else "no chart for this choice"
        reason = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        self._clear_items()
        self.table = empty_table()
        why = "cannot be loaded; " if loading else ""
        self.draw(self.table, title=f"{name}: no chart ({why}see the status line)")
        self.status.value = (
            f"<span style='color:#b00'><b>{esc(name)}</b>: {esc(what)}: {esc(reason)}</span>"
        )

    def _update_strategies(self, *, reset: bool = False) -> None:
        """Offer the strategies of the chosen judges; keep the choice unless ``reset``."""
        models = set(self.judges.value)
        raters = [r for r in self.data.judges if schema.judge_name(r) in models]
        strategies = self.data.strategies(raters)
        options = ["(all)", *strategies] if len(strategies) > 1 else ["(all)"]
        keep = None if reset else self.strategy.value
        if keep not in options and len(options) == 1:
            keep = options[0]
        elif keep not in options:
            preferred = [s for s in ("Vanilla", "Vanilla_NoRules") if s in strategies]
            keep = preferred[0] if preferred else options[-1] if len(strategies) > 3 else "(all)"
        set_choices(self.strategy, options, keep)

    def _on_control(self, change: dict) -> None:
        if self._hold:
            return
        owner = change["owner"]
        if owner in (self.judges, self.strategy, self.reference):
            self._clear_items()  # the queue belongs to the previous judge/reference
        if owner is self.judges:
            self._hold = True
            try:
                self._update_strategies()
            finally:
                self._hold = False
        self.refresh()

    # ------------------------------------------------------------------ computations
    @contextmanager
    def _busy(self, what: str):
        """Show the progress indicator if the block runs longer than ``progress_after`` s."""

        def show() -> None:
            self.progress.value = f"<span style='color:#a60'>⏳ {html.escape(what)}…</span>"
            self.progress.layout.visibility = "visible"
            self.progress_events.append(what)

        timer = threading.Timer(self.progress_after, show)
        timer.daemon = True
        if self.progress_after <= 0:
            show()
        else:
            timer.start()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            timer.cancel()
            if timer.is_alive():
                timer.join()
            self.timings[what.split(" ")[0]] = time.perf_counter() - t0
            self.progress.layout.visibility = "hidden"

    def slice_map(self, judge: str | None = None) -> pd.Series | None:
        """``item_id -> slice value`` of the current slice dimension (None when overall)."""
        return self.model.slice_map(self._selection(), judge)

    def compute(self) -> pd.DataFrame:
        """The agreement table for the current controls (:meth:`ExplorerModel.compute`).

        Returns
        -------
        DataFrame
            Rows of :func:`workbench.tables.agreement` plus ``slice`` (the bar's
            x value, ``overall`` when not sliced) and ``is_ceiling`` (the
            human-human rows; their ``judge`` is ``"human ceiling"``). Judge raters
            that share no item with the reference are left out (the status line
            names them); when none is left, ValueError says so.
        """
        return self.model.compute(self._selection())

    def _unpaired_raters(self) -> list[str]:
        """Chosen judge raters without a labelled item in common with the reference."""
        return self.model.unpaired_raters(self._selection())

    def refresh(self) -> None:
        """Recompute (or fetch from cache) the agreement table and redraw the chart.

        Any failure (no overlap between judge and reference, a bad combination, an
        error of the computation) clears the chart, the bar list and the queue and
        shows the reason with the dataset's name in :attr:`status`; the chart never
        keeps bars of an earlier selection.
        """
        if self._hold:
            return
        try:
            with self._busy("computing agreement with bootstrap CIs"):
                table = self.compute()
        except Exception as exc:  # noqa: BLE001 - shown in the UI: a bad choice must not kill the app
            self._fail(exc)
            return
        if table.empty:
            self._fail(self._why_empty())
            return
        self.table = table
        t0 = time.perf_counter()
        self.draw(table)
        self.timings["draw"] = time.perf_counter() - t0
        self.status.value = self._describe(table)

    def _why_empty(self) -> str:
        """Why :meth:`compute` has no row for the current controls."""
        data = self.data
        if not data.judges:
            return "no LLM or metric judge in this dataset: nothing to compare with people"
        if not self.selected_raters():
            return "no judge rater for the chosen judges and strategy; pick a judge"
        if self.reference.value is None:
            return "no human or gold reference that shares items with the judges"
        return "no comparable judgments"

    def _reference_name(self, *, short: bool = False) -> str:
        """The chosen reference as shown on screen (ratings: the others' *mean*)."""
        try:
            protocol = self.data.protocol
        except Exception:  # noqa: BLE001 - a dataset that failed to load has no protocol
            protocol = None
        if short and self.reference.value == SAME_FOOTING:
            return vocab.OTHERS_MEAN if protocol == "rating" else vocab.OTHERS
        return reference_title(self.reference.value, protocol)

    def _describe(self, table: pd.DataFrame) -> str:
        """The status line: dataset, reference, each bar's number (NaN: an em dash and why)."""
        judges = table[~table["is_ceiling"]]
        n = judges["n_items"].max() if len(judges) else np.nan
        reference = self.reference.value
        unpaired = self._unpaired_raters()
        drawn = [r for r in self.selected_raters() if r not in unpaired]
        ceiling = (
            "grey = human-human ceiling"
            if table["is_ceiling"].any()
            else "no human ceiling (fewer than two individual annotators)"
        )
        footing = (
            f" <span title='{esc(SAME_FOOTING_HELP)}'>(same footing as the ceiling; "
            f"queue: {MAJORITY})</span>"
            if reference == SAME_FOOTING
            else ""
        )
        head = (
            f"<b>{esc(self.data.name)}</b> · {len(drawn)} judge rater(s) vs "
            f"<b>{esc(self._reference_name(short=True))}</b>{footing} · up to "
            f"{fmt(n, 0)} items per bar · 95% bootstrap CI ({self.n_resamples} resamples) · "
            f"{ceiling}"
        )
        _, left_out = judge_series(table)
        if left_out:
            head += (
                f"<br><span style='color:#b00'>not drawn (more than {MAX_SERIES} judge raters: "
                f"colours would repeat; narrow Judges or Strategy): {esc(some(left_out))}</span>"
            )
        if unpaired:
            head += (
                f"<br><span style='color:#b00'>not drawn (no item in common with the "
                f"reference): {esc(some(unpaired))}</span>"
            )
        return f"<small>{head}<br>{bar_summary(table)}</small>"

    # ------------------------------------------------------------------ drawing
    def draw(self, table: pd.DataFrame, *, title: str | None = None) -> None:
        """Redraw the chart from an agreement table: one bar trace per judge + the ceiling.

        The title names the dataset (``title`` replaces it, e.g. for an empty chart).
        """
        traces = bar_traces(table)
        layout = self._base_layout()
        statistic = self.statistic.value or ""
        layout["yaxis"]["title"] = dict(text=statistic.replace("_", " "))
        if self.slice_by.value not in (OVERALL, None):
            layout["xaxis"]["title"] = dict(text=plotly_text(self.slice_by.value, 60))
        if title is None:
            title = f"{self.dataset.value}: agreement with {self._reference_name()}"
        layout["title"] = dict(
            text=plotly_text(title, 90),
            font=dict(size=14),
            x=0.01,
            y=0.98,
        )
        if not traces:  # no axes that look like data: say there is nothing to show
            layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
            layout["annotations"] = [
                dict(
                    text="no bars: see the status line above",
                    showarrow=False,
                    xref="paper",
                    yref="paper",
                    x=0.5,
                    y=0.5,
                    font=dict(size=13, color="#777"),
                )
            ]
        # A new FigureWidget per draw: a FigureWidget nested in a Box only ships the
        # traces it had when it was created, and creating one costs ~10 ms.
        old = self.chart.children
        self.figure = go.FigureWidget(data=traces, layout=layout)
        self.figure._config = {"responsive": True}  # width follows the container (CSS: wb-chart)
        for trace in self.figure.data:
            trace.on_click(self._on_bar_click)
        self.chart.children = [self.figure, self.fit]
        for widget in old:
            if widget is not self.fit:  # the fit widget stays (explorer.fit)
                widget.close()
        options = []
        for trace in traces:
            for sv, judge in trace.customdata:
                options.append((f"{sv} · {judge}", (sv, judge)))
        self._hold = True
        try:
            set_choices(self.bar, options, options[0][1] if options else None)
        finally:
            self._hold = False
