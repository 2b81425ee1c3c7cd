"""The explorer's selection -> agreement table and queue, without widgets.

:class:`ExplorerModel` holds the datasets (loaded on first use), the annotation
store and the caches; :class:`Selection` is what the controls chose. The view
(:class:`~workbench.explorer.view.Explorer`) reads its controls into a
:class:`Selection` and draws what the model returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import model, surprise
from .chart import some
from .dataset import (
    CEILING,
    MAJORITY,
    PROTOCOLS,
    SAME_FOOTING,
    SAME_FOOTING_HELP,
    Dataset,
    data_version,
    rater_reference,
    read_env_data,
    reference_title,
)
from .slices import PER_JUDGE


@dataclass(frozen=True)
class Selection:
    """What the explorer's controls chose (one dataset, judge raters, reference, ...).

    Examples
    --------
    >>> Selection("toy", ("J/Vanilla",), "human", "percent_agreement").slice_by
    'overall'
    """

    dataset: str
    raters: tuple[str, ...]
    reference: str | None
    statistic: str
    slice_by: str = "overall"
    resolve: str = "per_order"
    exclude_noise: bool = False


class ExplorerModel:
    """Agreement tables and disagreement queues of a :class:`Selection`, cached.

    Parameters
    ----------
    tables : mapping of name -> DataFrame
        Tidy judgment tables passed in; other names are loaded with
        :func:`workbench.loaders.load` on first use.
    store : AnnotationStore or path, optional
        The annotation store (opened on first use).
    n_resamples, rng
        Bootstrap resamples and seed of the CIs.

    Examples
    --------
    >>> from workbench.testing import toy_pairwise  # doctest: +SKIP
    >>> m = ExplorerModel({"toy": toy_pairwise()}, n_resamples=50)  # doctest: +SKIP
    >>> m.compute(Selection("toy", ("J/Vanilla",), "human", "percent_agreement"))  # doctest: +SKIP
    """

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        store: Any = None,
        n_resamples: int = 1000,
        rng: Any = 0,
    ):
        self.tables: dict[str, pd.DataFrame] = dict(tables)
        self.n_resamples = int(n_resamples)
        self.rng = rng
        self._store_arg = store
        self._store: Any = None
        self._prepared: dict[str, Dataset] = {}
        self._cache: dict[tuple, pd.DataFrame] = {}
        # judge/reference pairs per selection, shared by every slicing and statistic
        self._pairs_cache: dict[tuple, Any] = {}

    def data(self, name: str) -> Dataset:
        """The prepared dataset ``name`` (loaded and prepared once)."""
        if name not in self._prepared:
            df = self.tables.get(name)
            passed_in = df is not None
            if df is None:
                from .. import loaders

                df = loaders.load(name)
                version = data_version(name)
            else:
                version = None
            self._prepared[name] = Dataset(name, df, version=version, check=passed_in)
        return self._prepared[name]

    @property
    def store(self) -> Any:
        """The annotation store (opened on first use)."""
        if self._store is None:
            self._store = model.open_store(self._store_arg)
        return self._store

    def slice_map(self, sel: Selection, judge: str | None = None) -> pd.Series | None:
        """``item_id -> slice value`` of ``sel.slice_by`` (None when overall)."""
        data = self.data(sel.dataset)
        dim = data.slices.get(sel.slice_by)
        if dim is None:
            return None
        if not callable(dim):
            return dim.astype("string").fillna("(none)")
        # per (dimension, reference, judge): the judgments of a dataset do not change
        reference = rater_reference(sel.reference)
        key = (sel.slice_by, reference, judge)
        out = data.slice_maps.get(key)
        if out is None:
            out = dim(data.judgments, reference, judge)
            out = data.slice_maps[key] = out.astype("string").fillna("(none)")
        return out.copy()

    def agreement_for(
        self,
        sel: Selection,
        raters: list[str],
        slicer: pd.Series | None,
        noise: frozenset = frozenset(),
        *,
        only: str | None = None,
    ) -> pd.DataFrame:
        """``tables.agreement`` of ``raters`` (+ the humans), sliced by ``slicer`` (items).

        ``only``: the agreement of that one rater alone (as if the other raters'
        judgments were not in the table), from the pairs prepared for ``raters``.
        """
        data = self.data(sel.dataset)
        exclude = bool(sel.exclude_noise)
        key = (data.name, tuple(raters), sel.reference, sel.resolve, exclude, noise)
        prepared = self._pairs_cache.get(key)
        if prepared is None:
            df = data.judgments
            keep = df["rater"].isin(raters) | df["rater_kind"].astype(str).isin(["human", "gold"])
            df = df[keep]
            if exclude:
                df = model.exclude_noise_items(df, self.store)
            prepared = model.prepare_pairs(
                df, judges=raters, reference=sel.reference, resolve=sel.resolve
            )
            self._pairs_cache[key] = prepared
        if only is not None:
            prepared = model.one_judge(prepared, only)
        table, by = model.agreement_prepared(
            prepared,
            slicer=slicer,
            statistic=sel.statistic,
            n_resamples=self.n_resamples,
            rng=self.rng,
        )
        return model.normalize_table(table, by=by)

    def compute(self, sel: Selection) -> pd.DataFrame:
        """The agreement table of ``sel`` (cached per selection).

        Returns
        -------
        DataFrame
            Rows of :func:`workbench.tables.agreement` plus ``slice`` (the bar's
            x value, ``overall`` when not sliced) and ``is_ceiling`` (the
            human-human rows; their ``judge`` is ``"human ceiling"``). Judge raters
            that share no item with the reference are left out
            (:meth:`unpaired_raters`); when none is left, ValueError says so.
        """
        raters = list(sel.raters)
        reference = sel.reference
        noise = self.noise_items(sel.dataset) if sel.exclude_noise else frozenset()
        key = (
            noise,
            sel.dataset,
            tuple(raters),
            reference,
            sel.statistic,
            sel.slice_by,
            sel.resolve,
            self.n_resamples,
            self.rng,
        )
        if key in self._cache:
            return self._cache[key]
        if not raters or reference is None:
            return model.empty_table()
        unpaired = self.unpaired_raters(sel)
        raters = [r for r in raters if r not in unpaired]
        if not raters:
            raise ValueError(
                f"no chosen judge rater shares an item with the reference "
                f"{reference_title(reference, self.data(sel.dataset).protocol)} ({some(unpaired)}); pick another judge or "
                "reference"
            )
        if sel.slice_by in PER_JUDGE:
            parts = []
            for rater in raters:
                part = self.agreement_for(
                    sel, raters, self.slice_map(sel, rater), noise, only=rater
                )
                if len(raters) > 1:  # the ceiling is on this judge's slices: name it so
                    part.loc[part["is_ceiling"], "judge"] = f"{CEILING} · {rater}"
                parts.append(part)
            table = pd.concat(parts, ignore_index=True)
        else:
            table = self.agreement_for(sel, raters, self.slice_map(sel), noise)
        self._cache[key] = table
        return table

    def unpaired_raters(self, sel: Selection) -> list[str]:
        """Chosen judge raters without a labelled item in common with the reference."""
        data = self.data(sel.dataset)
        return [r for r in sel.raters if not data.overlap(sel.reference, [r])]

    def noise_items(self, name: str) -> frozenset:
        """Items of ``name`` currently annotated as label noise (part of the cache key)."""
        cur = self.store.current(dataset=self.data(name).name)
        return frozenset(cur.loc[cur["cause"].astype(str) == "label_noise", "item_id"].astype(str))

    def queue(
        self,
        sel: Selection,
        *,
        judge: str,
        slice_value: str,
        busy: Callable[[str], AbstractContextManager] = lambda what: nullcontext(),
    ) -> pd.DataFrame:
        """The items of one bar where ``judge`` disagrees with the reference, most surprising first.

        ``judge``: a judge rater or ``"human ceiling"`` (``"human ceiling · <rater>"``
        for per-judge slices; then the items on which the humans split). One row per
        item, most surprising first (:mod:`workbench.explorer.surprise`: the
        documented score, the evidence breaking ties, and a ``why`` line; for ratings
        the judge-reference gap in standard units). ``busy(what)`` wraps the search
        (the view's progress indicator).
        """
        data = self.data(sel.dataset)
        ceiling = judge.startswith(CEILING)
        # the judge's disagreements need the texts only for the length factor, when the
        # per-item factors do not have it already (then joined once, not per click)
        lengths_known = "words_diff" in data.factors and data.factors.index.is_unique
        lean = not ceiling and data.protocol != "rating" and lengths_known
        df = data.without_texts if lean else data.full
        if len(data.criteria) > 1:  # the bar's x value names its criterion
            slice_value, criterion = model.split_criterion(str(slice_value), data.criteria)
            if criterion is not None:
                df = df[df["criterion"].astype(str) == criterion]
        if not ceiling and judge not in data.judges:
            raise ValueError(f"judge: {judge!r} is not a judge of {data.name!r}")
        if ceiling:  # per-judge slices of the ceiling follow the judge named in the bar
            own = judge.removeprefix(CEILING).removeprefix(" · ")
            raters = sel.raters
            slicer = self.slice_map(sel, own or (raters[0] if raters else None))
        else:
            slicer = self.slice_map(sel, judge)
        if slicer is not None:
            items = slicer.index[slicer == str(slice_value)]
            if not len(items):
                raise ValueError(
                    f"slice_value: {str(slice_value)!r} is not a bar of {sel.slice_by!r}; its "
                    f"bars are {some(sorted(slicer.unique()))}"
                )
            df = df[df["item_id"].isin(items)]
        reference = rater_reference(sel.reference)
        with busy("finding disagreements"):
            if ceiling:
                queue = model.human_splits(df)
            elif data.protocol == "rating":
                queue = surprise.rating_gaps(df, judge=judge, reference=reference)
            else:
                # the same footing's stand-in is one rater; the annotators themselves
                # say how unanimous people were (the surprise score's first factor)
                refs: str | list[str] = reference
                if sel.reference == SAME_FOOTING:
                    refs = [r for r in data.annotators if r in set(df["rater"].astype(str))]
                rows = df[df["rater"].isin([judge, *([refs] if isinstance(refs, str) else refs)])]
                if lengths_known:
                    diff = data.factors["words_diff"].reindex(rows["item_id"].astype(str))
                    rows = rows.assign(words_diff=diff.to_numpy())
                queue = surprise.order_disagreements(
                    model.disagreements(rows, judge=judge, reference=refs)
                )
        if "surprise" in queue and "why" not in queue:
            queue = queue.sort_values("surprise", ascending=False, kind="stable")
        # one entry per item (multi-turn / multi-criterion items have several units)
        return queue.drop_duplicates("item_id").reset_index(drop=True)


def dataset_names(
    data: pd.DataFrame | Mapping[str, pd.DataFrame] | None,
    datasets: Sequence[str] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[str], bool]:
    """The explorer's ``data`` argument as (tables passed in, dataset names, from the env).

    ``data`` None: the table named by ``WORKBENCH_EXPLORER_DATA``, else ``datasets``,
    else the registered pairwise, binary and rating datasets. A table is split by its
    ``dataset`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> tables, names, from_env = dataset_names(pd.DataFrame({"dataset": ["a", "b", "a"]}))
    >>> names, len(tables["a"]), from_env
    (['a', 'b'], 2, False)
    >>> dataset_names(None, ["x"])[1:]  # doctest: +SKIP
    (['x'], False)
    """
    tables: dict[str, pd.DataFrame] = {}
    from_env = False
    if data is None:
        data = read_env_data()
        from_env = data is not None
    if isinstance(data, pd.DataFrame):
        if "dataset" not in data:
            raise ValueError("data: the table has no 'dataset' column")
        for name, part in data.groupby("dataset", sort=False, observed=True):
            tables[str(name)] = part
    elif isinstance(data, Mapping):
        tables.update({str(k): v for k, v in data.items()})
    elif data is not None:
        raise ValueError(f"data: expected a DataFrame or a mapping, got {type(data).__name__}")
    if tables:
        names = list(tables)
    elif datasets is not None:
        names = list(datasets)
    else:
        from .. import loaders

        reg = loaders.datasets(counts=False)
        names = reg.loc[reg["protocol"].isin(list(PROTOCOLS)), "name"].tolist()
    if not names:
        raise ValueError("data: nothing to explore (no dataset)")
    return tables, names, from_env


def reference_help(data: Dataset) -> str:
    """Tooltip of the reference control: what ``others`` means, what is not offered.

    Examples
    --------
    >>> import workbench  # doctest: +SKIP
    >>> reference_help(Dataset("pandalm", workbench.load("pandalm")))[:20]  # doctest: +SKIP
    """
    parts = [SAME_FOOTING_HELP] if data.same_footing else []
    if data.majority_added:
        parts.append(f"{MAJORITY} is computed from the individual annotators (ties: no majority).")
    if data.omitted_references:
        parts.append(
            "Not offered (no item in common with the judges): "
            + ", ".join(data.omitted_references[:5])
            + (" …" if len(data.omitted_references) > 5 else "")
        )
    if data.unpaired_judges:
        parts.append(
            "Judges not offered (no item in common with any reference): "
            + ", ".join(data.unpaired_judges[:5])
            + (f" … ({len(data.unpaired_judges)} in all)" if len(data.unpaired_judges) > 5 else "")
        )
    return " ".join(parts) or "The human (or gold) labels the judges are compared with."
