"""The pairs of an agreement table prepared once, then sliced and estimated many times.

:func:`~workbench.agreement.pairing.prepare` does everything of
:func:`workbench.agreement.agreement` that does not depend on the statistics, the bootstrap or
the seed: resolving presentation orders and the reference, pairing every judge with it, and
building the human-ceiling pairs. The result, a :class:`PreparedPairs`, is immutable; :meth:`PreparedPairs.with_slice` adds an item-level
slicing column, :meth:`PreparedPairs.one_judge` keeps one judge as if the others were not in
the table, and :meth:`PreparedPairs.emit` computes the agreement table. The explorer
prepares once per selection and emits for every slicing and statistic::

    prepare(df, judges=js, reference=r).with_slice("subset", f).one_judge(j).emit(["cohen_kappa"])

``agreement(df, **options)`` is ``prepare(df, ...).emit(statistics, ...)``, number for number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option
from ..stats.bootstrap import Method
from ._frame import (
    ITEM,
    ITEM_CODE,
    item_codes,
    unit_codes,
    xy,
)
from .estimate import (
    block_seed,
    estimate_block,
    gap_block,
    n_distinct,
    statistic_specs,
)
from .pairs import (
    paired_rows,
)
from .rows import (
    COLUMNS,
    AgreementWarning,
    block_rows,
    finish_table,
    unpaired_rows,
    warn_nan_rows,
)
from .sliced import BlockPatterns, estimate_slices, frame_patterns, item_slices

__all__ = [
    "AGGREGATES",
    "CEILING_ITEMS",
    "COLUMNS",  # COLUMNS, AgreementWarning, warn_nan_rows: from .rows, where defined
    "AgreementWarning",
    "warn_nan_rows",
    "Aggregate",
    "CeilingItems",
    "JudgePairs",
    "PreparedPairs",
    "ceiling_options",
]

Aggregate = Literal["mean", "pooled"]
AGGREGATES: tuple[str, ...] = ("mean", "pooled")
"""How comparisons with individual annotators are combined (ceiling, ``reference="others"``)."""
CeilingItems = Literal["judged", "compared", "all"]
CEILING_ITEMS: tuple[str, ...] = ("judged", "compared", "all")
"""Items the human ceiling is computed on (see :mod:`workbench.agreement`)."""


class JudgePairs(NamedTuple):
    """The pairs of one judge."""

    judge: str
    """Rater id."""
    pairs: pd.DataFrame
    """One row per compared judgment: item key, item code, slicing columns, ``x``, ``y``."""
    annotator_column: str | None
    """Column naming the annotator of each pair when the statistic is averaged over
    annotators (``reference="others"`` with ``aggregate="mean"``), else None."""


def ceiling_options(
    ceiling: bool | Aggregate, aggregate: Aggregate | None
) -> tuple[bool, Aggregate]:
    """(ceiling rows wanted, aggregation) from the ``ceiling`` and ``aggregate`` arguments.

    A string ``ceiling`` names the aggregation too; ``aggregate`` must then agree.

    Examples
    --------
    >>> ceiling_options("pooled", None), ceiling_options(False, None)
    ((True, 'pooled'), (False, 'mean'))
    """
    check_option("ceiling", ceiling, (True, False, *AGGREGATES))
    check_option("aggregate", aggregate, (None, *AGGREGATES))
    named = ceiling if isinstance(ceiling, str) else None
    if aggregate is not None and named is not None and aggregate != named:
        raise ValueError(f"aggregate: {aggregate!r} contradicts ceiling={ceiling!r}")
    return bool(ceiling), aggregate or named or "mean"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class PreparedPairs:
    """Judge/reference and ceiling pairs of one table, before any statistic.

    Made by :func:`~workbench.agreement.pairing.prepare`.

    Immutable: :meth:`with_slice` and :meth:`one_judge` return new instances (the pair
    frames are shared, never modified). Compared by identity (the fields hold frames).
    """

    protocol: str
    """``pairwise``, ``binary`` or ``rating``."""
    reference: str
    """The reference rater of the judge rows (``human:majority``, ``gold``, ``others' majority``...)."""
    aggregate: Aggregate
    """How per-annotator comparisons are combined (ceiling, ``reference="others"``)."""
    clusters: pd.Series | None
    """Cluster code per item key (None: items are the resampling units)."""
    categories: list[str] | None
    """Label set shared by every judge, slice and the ceiling (None for ratings)."""
    judges: tuple[JudgePairs, ...]
    """Pairs of every judge with at least one comparison, in the order of ``judge_names``."""
    ceiling: pd.DataFrame | None
    """Ceiling pairs on ``ceiling_items`` (column ``rater`` = the annotator); None: no ceiling rows."""
    ceiling_items: CeilingItems
    """Which items the ceiling uses."""
    ceiling_all: pd.DataFrame | None
    """Ceiling pairs on all items (for :meth:`one_judge`)."""
    judged_by: Mapping[str, np.ndarray]
    """Item codes each judge gave a verdict on (``ceiling_items="judged"``)."""
    labels_by: Mapping[str, frozenset[str]]
    """Labels each rater used (label protocols; for :meth:`one_judge`'s category set)."""
    judge_names: tuple[str, ...]
    """The judges asked for (some may have no pairs)."""
    by: tuple[str, ...] = ()
    """Slicing columns the pairs carry: :meth:`emit`'s default ``by``."""
    same_footing: bool = False
    """Judges are compared with the ceiling's own reference (``reference="others"``):
    judge rows then carry the paired gap to the ceiling."""
    ceiling_note: str = ""
    """Why judge rows have no gap to the ceiling (no ceiling possible, other footing...)."""
    unpaired: tuple[str, ...] = ()
    """Judges (not named by the caller) that share no item with the reference."""
    _patterns: dict[Hashable, BlockPatterns | None] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Item patterns of the blocks (:meth:`_block_patterns`), found once: the pairs never
    change, and :meth:`with_slice` (the same pairs, one column more) shares them."""
    _one_judges: dict[str, PreparedPairs] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """:meth:`one_judge` results of this instance (not shared: a slice changes them)."""

    def __repr__(self) -> str:
        pairs = {j.judge: len(j.pairs) for j in self.judges}
        ceiling = 0 if self.ceiling is None else len(self.ceiling)
        return (
            f"PreparedPairs(protocol={self.protocol!r}, reference={self.reference!r}, "
            f"pairs={pairs}, ceiling_pairs={ceiling}, aggregate={self.aggregate!r}, by={self.by})"
        )

    def with_slice(self, column: str, values: Callable[[pd.Series], pd.Series]) -> PreparedPairs:
        """The pairs with an item-level column ``column = values(item_id)``, added to ``by``.

        Equivalent to preparing a table that carries that column on every row: a
        pair takes it from its judge's (ceiling: annotator's) row, i.e. from its item.
        ``values`` is called once per frame of pairs with the item id of each distinct
        item (a Series), and must return one value per id.
        """

        def add(pairs: pd.DataFrame) -> pd.DataFrame:
            codes, first = _distinct_items(pairs)
            ids = pairs["item_id"].iloc[first].reset_index(drop=True)
            got = values(ids)
            if np.ndim(got) != 1 or len(got) != len(ids):
                raise ValueError(
                    f"values: expected one value per item ({len(ids)}), got "
                    f"{np.shape(got)} from {getattr(values, '__name__', 'values')}"
                )
            return pairs.assign(**{column: pd.Series(got).array.take(codes)})

        out = dataclasses.replace(
            self,
            judges=tuple(j._replace(pairs=add(j.pairs)) for j in self.judges),
            ceiling=None if self.ceiling is None else add(self.ceiling),
            ceiling_all=None if self.ceiling_all is None else add(self.ceiling_all),
            by=self.by if column in self.by else (*self.by, column),
        )
        object.__setattr__(out, "_patterns", self._patterns)  # same pairs: same patterns
        return out

    def one_judge(self, judge: str) -> PreparedPairs:
        """The pairs as prepared from the same table without the other judges' rows.

        The judge's pairs are unchanged; the ceiling is restricted to the items this
        judge judged and the label set to the labels of this judge and the non-judges.

        Examples
        --------
        Judge ``j`` says tie, which ``k`` never does; ``k`` alone has labels A, B only:

        >>> votes = {"human": ["A", "A", "B"], "j": ["A", "tie", "B"], "k": ["A", "B", "B"]}
        >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
        ...              rater=r, rater_kind="human" if r == "human" else "llm", label=lab)
        ...         for r, labels in votes.items() for i, lab in enumerate(labels)]
        >>> df = pd.DataFrame(rows)
        >>> from workbench.agreement import prepare
        >>> one = prepare(df, judges=["j", "k"]).one_judge("k")
        >>> one.categories, [p.judge for p in one.judges]
        (['A', 'B'], ['k'])
        >>> from workbench.agreement import agreement
        >>> a = one.emit(["gwet_ac1"], n_resamples=50, method="percentile", rng=0)
        >>> b = agreement(df[df["rater"] != "j"], statistics=["gwet_ac1"], n_resamples=50,
        ...               method="percentile")
        >>> a.equals(b)  # same numbers as the table without j's rows
        True
        """
        if judge not in self.judge_names:
            raise ValueError(f"judge: {judge!r} is not one of {list(self.judge_names)}")
        if judge not in self._one_judges:
            self._one_judges[judge] = self._one_judge(judge)
        return self._one_judges[judge]

    def _one_judge(self, judge: str) -> PreparedPairs:
        out = self._without_others(judge)
        if out.categories == self.categories:  # the judge's pairs, coded alike: same patterns
            for key, plan in self._patterns.items():
                if key[:2] == ("judge", judge):
                    out._patterns[key] = plan
        return out

    def _without_others(self, judge: str) -> PreparedPairs:
        judges = tuple(j for j in self.judges if j.judge == judge)
        cp = self.ceiling_all
        if cp is not None and len(cp) and self.ceiling_items != "all":
            if self.ceiling_items == "judged":
                seen = self.judged_by[judge]
            else:
                seen = np.concatenate([j.pairs[ITEM_CODE].to_numpy() for j in judges] or [[]])
            if len(seen):
                cp = cp[np.isin(cp[ITEM_CODE].to_numpy(), seen)]
        categories = self.categories
        if categories is not None:
            labels = set(self.labels_by.get(judge, ()))
            for rater in set(self.labels_by) - set(self.judge_names):
                labels |= self.labels_by[rater]
            categories = sorted(labels)
        return dataclasses.replace(
            self,
            judges=judges,
            judge_names=(judge,),
            ceiling=cp if cp is not None and len(cp) else None,
            categories=categories,
        )

    def emit(
        self,
        statistics: Sequence[str] | Mapping[str, Mapping[str, Any]] | None = None,
        *,
        by: Sequence[str] | None = None,
        ties: str | None = None,
        n_resamples: int = 2000,
        confidence_level: float = 0.95,
        method: Method = "bca",
        rng: np.random.Generator | int | None = 0,
    ) -> pd.DataFrame:
        """The agreement table of these pairs, sliced by ``by`` (default: :attr:`by`).

        ``statistics``, ``ties`` and the bootstrap options are those of
        :func:`workbench.agreement.agreement`, which returns exactly this table.
        """
        specs = statistic_specs(statistics, self.protocol)
        if ties is not None and "percent_agreement" in specs:
            specs["percent_agreement"] = {**specs["percent_agreement"], "ties": ties}
        by = list(self.by if by is None else by)
        base = block_seed(rng)  # every block draws from generators made from this seed
        kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method)
        records: list[dict[str, Any]] = []
        for judge in self.judges:
            pairs, humans = judge.pairs, judge.annotator_column
            records += self._records(pairs, judge.judge, "judge", humans, specs, by, rng=base, **kw)
        for judge in self.unpaired:
            records += unpaired_rows(judge, self.reference, by, specs)
        if self.ceiling is not None:
            humans = "rater" if self.aggregate == "mean" else None
            pairs = self.ceiling
            records += self._records(
                pairs, vocab.CEILING, "ceiling", humans, specs, by, rng=base, **kw
            )
        return finish_table(records, by)

    def _records(
        self,
        pairs: pd.DataFrame,
        judge: str,
        kind: str,
        humans_col: str | None,
        specs: dict[str, dict[str, Any]],
        by: list[str],
        **kw: Any,
    ) -> list[dict[str, Any]]:
        """The table rows of one judge (or the ceiling), per slice and statistic."""
        gaps = kind == "judge" and self.same_footing and self.ceiling_all is not None
        reference = self.reference if kind == "judge" else self.others

        def rows(key: tuple, est: Mapping, gap: Mapping, n_units: int) -> list[dict[str, Any]]:
            return block_rows(key, by, judge, reference, kind, est, gap, n_units, self.ceiling_note)

        plans = self._sliced(pairs, judge, kind, humans_col, specs, by, gaps)
        if plans is not None:
            keys, slice_of, plan, gap_plan = plans
            done = estimate_slices(plan, gap_plan, slice_of, len(keys), **kw)
            return [row for key, out in zip(keys, done, strict=True) for row in rows(key, *out)]
        records = []
        groups = pairs.groupby(by, sort=True, dropna=False) if by else [((), pairs)]
        for key, block in groups:
            key = key if isinstance(key, tuple) else (key,)
            x, y = xy(block, self.protocol)
            items = item_codes(block)
            units = items if self.clusters is None else unit_codes(block, self.clusters)
            humans = block[humans_col].to_numpy(object).astype(str) if humans_col else None
            opts = dict(aggregate=self.aggregate, categories=self.categories, **kw)
            est = estimate_block(x, y, units, humans, specs, item_codes=items, **opts)
            gap = self._gap(block, x, y, specs, **opts) if gaps else {}
            records += rows(key, est, gap, n_distinct(units))
        return records

    def _sliced(
        self,
        pairs: pd.DataFrame,
        judge: str,
        kind: str,
        humans_col: str | None,
        specs: dict[str, dict[str, Any]],
        by: list[str],
        gaps: bool,
    ) -> tuple[list[tuple], np.ndarray, BlockPatterns, BlockPatterns | None] | None:
        """(slice keys, slice of every pair, the block's item patterns, its gap's), or None.

        None when the patterns do not apply (:mod:`workbench.agreement.sliced`) or ``by``
        splits an item's pairs between slices: :meth:`_records` then estimates each slice
        from its pairs. The patterns are found once per block and kept for the pairs'
        other slicings (:meth:`with_slice` shares them).
        """
        if self.clusters is not None or ITEM_CODE not in pairs.columns:
            return None
        keys, slice_of = item_slices(pairs, by)
        if slice_of is None:
            return None
        plans = [
            self._block_patterns(pairs, judge, kind, humans_col, specs, gap=gap)
            for gap in ((False, True) if gaps else (False,))
        ]
        if any(plan is None for plan in plans):
            return None
        return keys, slice_of, plans[0], plans[1] if gaps else None

    def _block_patterns(
        self,
        pairs: pd.DataFrame,
        judge: str,
        kind: str,
        humans_col: str | None,
        specs: dict[str, dict[str, Any]],
        *,
        gap: bool,
    ) -> BlockPatterns | None:
        """:func:`~workbench.agreement.sliced.frame_patterns` of one block, found once."""
        memo_key = (kind, judge, gap, repr(specs))
        if memo_key not in self._patterns:
            per = humans_col is not None and self.aggregate == "mean"
            self._patterns[memo_key] = frame_patterns(
                pairs,
                self.protocol,
                specs,
                categories=self.categories,
                annotators=humans_col if per else None,
                ceiling=self.ceiling_all if gap else None,
            )
        return self._patterns[memo_key]

    @property
    def others(self) -> str:
        """Name of the ceiling's reference: the others' majority (ratings: the others' mean)."""
        return vocab.OTHERS_MEAN if self.protocol == "rating" else vocab.OTHERS

    def _gap(
        self,
        block: pd.DataFrame,
        x: np.ndarray,
        y: np.ndarray,
        specs: dict[str, dict[str, Any]],
        **kw: Any,
    ) -> dict[str, tuple[float, float, float]]:
        """Judge minus ceiling on the judge's own (item, annotator) pairs of this block."""
        cp = self.ceiling_all
        assert cp is not None
        mine = cp[paired_rows(block, cp)]
        if mine.empty:
            return {}
        cx, cy = xy(mine, self.protocol)
        if self.clusters is None:
            uj, uc = block[ITEM_CODE].to_numpy(), mine[ITEM_CODE].to_numpy()
        else:
            uj, uc = unit_codes(block, self.clusters), unit_codes(mine, self.clusters)
        per = self.aggregate == "mean"
        hj = block["_annotator"].to_numpy(object).astype(str) if per else None
        hc = mine["rater"].to_numpy(object).astype(str) if per else None
        return gap_block((x, y, uj, hj), (cx, cy, uc, hc), specs, **kw)


def _distinct_items(pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(distinct item of every pair, first pair of every distinct item), items in order of
    first appearance (by their integer item code when the pairs carry one)."""
    if ITEM_CODE in pairs.columns:
        codes = pd.factorize(pairs[ITEM_CODE].to_numpy())[0]
    else:
        codes = pairs.groupby(ITEM, sort=False, dropna=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    return codes, first
