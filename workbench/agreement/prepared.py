"""The pairs of an agreement table prepared once, then sliced and estimated many times.

:func:`prepare` does everything of :func:`workbench.agreement.agreement` that does not
depend on the statistics, the bootstrap or the seed: resolving presentation orders and the
reference, pairing every judge with it, and building the human-ceiling pairs. The result,
a :class:`PreparedPairs`, is immutable; :meth:`PreparedPairs.with_slice` adds an item-level
slicing column, :meth:`PreparedPairs.one_judge` keeps one judge as if the others were not in
the table, and :meth:`PreparedPairs.emit` computes the agreement table. The explorer
prepares once per selection and emits for every slicing and statistic::

    prepare(df, judges=js, reference=r).with_slice("subset", f).one_judge(j).emit(["cohen_kappa"])

``agreement(df, **options)`` is ``prepare(df, ...).emit(statistics, ...)``, number for number.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import warnings
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option
from ..schema import resolve_samples
from ..stats.bootstrap import Method
from ._frame import (
    ITEM,
    ITEM_CODE,
    check_by,
    cluster_index,
    individual_humans,
    item_codes,
    label_set,
    protocol_of,
    resolved_table,
    unit_codes,
    with_item_codes,
    xy,
)
from .estimate import (
    MIN_CI_ITEMS,
    block_seed,
    estimate_block,
    gap_block,
    n_distinct,
    statistic_specs,
)
from .pairs import (
    ceiling_note,
    ceiling_pairs,
    ceiling_seen,
    judge_names,
    judge_pairs,
    labels_by,
    others_pairs,
    reference_values,
    resolve_reference,
)
from .sliced import BlockPatterns, block_patterns, item_slices
from .threads import map_blocks

__all__ = [
    "AGGREGATES",
    "CEILING_ITEMS",
    "COLUMNS",
    "AgreementWarning",
    "warn_nan_rows",
    "Aggregate",
    "CeilingItems",
    "JudgePairs",
    "PreparedPairs",
    "ceiling_options",
    "prepare",
]

Aggregate = Literal["mean", "pooled"]
AGGREGATES: tuple[str, ...] = ("mean", "pooled")
"""How comparisons with individual annotators are combined (ceiling, ``reference="others"``)."""
CeilingItems = Literal["judged", "compared", "all"]
CEILING_ITEMS: tuple[str, ...] = ("judged", "compared", "all")
"""Items the human ceiling is computed on (see :mod:`workbench.agreement`)."""

COLUMNS = [
    "judge",
    "reference",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "n_items",
    "kind",
    "gap_to_ceiling",
    "gap_ci_low",
    "gap_ci_high",
    "note",
]
"""Columns of :func:`workbench.agreement.agreement` after the ``by`` columns."""


class AgreementWarning(UserWarning):
    """Some rows of an agreement table are NaN (no estimate or no interval); see ``note``."""


def warn_nan_rows(out: pd.DataFrame, nan: np.ndarray, *, stacklevel: int | None = None) -> None:
    """One :class:`AgreementWarning` when rows of ``out`` have NaN values (``note`` says why).

    The warning points at the first caller outside the ``workbench`` package (the user's
    line), however many package frames lie between; ``stacklevel`` overrides that.
    """
    if nan.any():
        warnings.warn(
            f"{int(nan.sum())} of {len(out)} rows have no estimate or no interval; see the "
            f"note column (e.g. {out.loc[nan, 'note'].iloc[0]!r})",
            AgreementWarning,
            stacklevel=stacklevel or _outside_package(),
        )


def _outside_package() -> int:
    """``stacklevel`` of the first frame outside the ``workbench`` package, for warnings.warn
    called by the function that calls this one."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(2), 1  # 2: skip this function and warn_nan_rows' frame
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level + 1


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
    """Judge/reference and ceiling pairs of one table, before any statistic (:func:`prepare`).

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
            records += [
                {
                    **dict.fromkeys(by, pd.NA),
                    "judge": judge,
                    "reference": self.reference,
                    "statistic": name,
                    "estimate": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "se": np.nan,
                    "n_items": 0,
                    "kind": "judge",
                    "gap_to_ceiling": np.nan,
                    "gap_ci_low": np.nan,
                    "gap_ci_high": np.nan,
                    "note": f"no item in common with the reference {self.reference}",
                }
                for name in specs
            ]
        if self.ceiling is not None:
            humans = "rater" if self.aggregate == "mean" else None
            pairs = self.ceiling
            records += self._records(
                pairs, vocab.CEILING, "ceiling", humans, specs, by, rng=base, **kw
            )
        out = pd.DataFrame.from_records(records, columns=[*by, *COLUMNS])
        out["n_items"] = out["n_items"].astype("int64")
        out["note"] = out["note"].astype("string")
        warn_nan_rows(out, (out["estimate"].isna() | out["ci_low"].isna()).to_numpy())
        return out

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
        sliced = self._sliced(pairs, judge, kind, humans_col, specs, by, gaps)
        if sliced is not None:
            return [
                row
                for key, est, gap, n_units in sliced(**kw)
                for row in self._rows(key, by, judge, kind, est, gap, n_units)
            ]
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
            records += self._rows(key, by, judge, kind, est, gap, n_distinct(units))
        return records

    def _rows(
        self,
        key: tuple,
        by: list[str],
        judge: str,
        kind: str,
        est: Mapping[str, tuple],
        gap: Mapping[str, tuple],
        n_units: int,
    ) -> list[dict[str, Any]]:
        """The table rows of one (judge, slice) block, one per statistic."""
        out = []
        for name, (e, lo, hi, se, n_used) in est.items():
            g = gap.get(name, (np.nan, np.nan, np.nan))
            out.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "judge": judge,
                    "reference": self.reference if kind == "judge" else self.others,
                    "statistic": name,
                    "estimate": float(e),
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "se": float(se),
                    "n_items": n_used,
                    "kind": kind,
                    "gap_to_ceiling": g[0],
                    "gap_ci_low": g[1],
                    "gap_ci_high": g[2],
                    "note": self._note(kind, e, lo, hi, n_units, g),
                }
            )
        return out

    def _sliced(
        self,
        pairs: pd.DataFrame,
        judge: str,
        kind: str,
        humans_col: str | None,
        specs: dict[str, dict[str, Any]],
        by: list[str],
        gaps: bool,
    ) -> Callable[..., Iterator[tuple[tuple, dict, dict, int]]] | None:
        """Every slice's estimates from the block's item patterns (:mod:`.sliced`), or None.

        None when that path does not apply (see :mod:`workbench.agreement.sliced`) or
        ``by`` splits an item's pairs between slices: :meth:`_records` then estimates
        each slice from its pairs. The patterns are found once per block and kept for the
        pairs' other slicings (:meth:`with_slice` shares them).
        """
        if self.clusters is not None or ITEM_CODE not in pairs.columns:
            return None
        keys, slice_of = item_slices(pairs, by)
        if slice_of is None:
            return None
        plan = self._block_patterns(pairs, judge, kind, humans_col, specs, gap=False)
        gplan = (
            self._block_patterns(pairs, judge, kind, humans_col, specs, gap=True) if gaps else None
        )
        if plan is None or (gaps and gplan is None):
            return None

        def estimates(**kw: Any) -> Iterator[tuple[tuple, dict, dict, int]]:
            members = [slice_of[plan.first_row] == s for s in range(len(keys))]
            tasks = [(plan, m) for m in members]
            if gplan is not None:
                of_gap_item = slice_of[gplan.first_row]
                tasks += [(gplan, of_gap_item == s) for s in range(len(keys))]
            done = map_blocks(lambda task: task[0].estimate(task[1], **kw), tasks)
            gap = done[len(keys) :] if gplan is not None else [{}] * len(keys)
            for key, est, g, m in zip(keys, done[: len(keys)], gap, members, strict=True):
                yield key, est, g, int(m.sum())

        return estimates

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
        """:func:`~workbench.agreement.sliced.block_patterns` of one block, found once."""
        memo_key = (kind, judge, gap, repr(specs))
        if memo_key in self._patterns:
            return self._patterns[memo_key]
        x, y = xy(pairs, self.protocol)
        per = humans_col is not None and self.aggregate == "mean"
        humans = pairs[humans_col].to_numpy(object) if per else None
        ceiling = None
        if gap:
            cp = self.ceiling_all
            assert cp is not None
            mine = cp[self._paired_rows(pairs, cp)]
            if mine.empty:
                self._patterns[memo_key] = None
                return None
            cx, cy = xy(mine, self.protocol)
            mine_humans = mine["rater"].to_numpy(object) if per else None
            ceiling = (cx, cy, mine[ITEM_CODE].to_numpy(), mine_humans)
            per_pair = pairs["_annotator"].to_numpy(object) if per else None
            humans = per_pair
        plan = block_patterns(
            x,
            y,
            pairs[ITEM_CODE].to_numpy(),
            humans,
            specs,
            categories=self.categories,
            ceiling=ceiling,
        )
        self._patterns[memo_key] = plan
        return plan

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
        mine = cp[self._paired_rows(block, cp)]
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

    @staticmethod
    def _paired_rows(block: pd.DataFrame, cp: pd.DataFrame) -> np.ndarray:
        """Ceiling pairs ``cp`` on the (item, annotator) keys of judge pairs ``block`` (a mask)."""
        # (item code, annotator code) as one integer per pair: no MultiIndex of strings
        names = np.concatenate([block["_annotator"].to_numpy(object), cp["rater"].to_numpy(object)])
        who, distinct = pd.factorize(names)
        k = np.int64(max(len(distinct), 1))
        jkey = block[ITEM_CODE].to_numpy().astype(np.int64) * k + who[: len(block)]
        ckey = cp[ITEM_CODE].to_numpy().astype(np.int64) * k + who[len(block) :]
        return pd.Index(ckey).isin(jkey)

    def _note(
        self, kind: str, estimate: float, ci_low: float, ci_high: float, n_units: int, gap: tuple
    ) -> str:
        """Why a row has NaN (or degenerate) values; empty when it has none."""
        notes = []
        if np.isnan(estimate):
            notes.append(
                "estimate undefined on these pairs (e.g. a single category or constant scores)"
            )
        elif np.isnan(ci_low) and n_units < MIN_CI_ITEMS:
            notes.append(f"{n_units} items: fewer than {MIN_CI_ITEMS}, no interval")
        elif ci_low == ci_high:
            notes.append("zero-width interval: every resample gives the same value")
        if kind == "judge":
            if self.ceiling_note:
                notes.append(self.ceiling_note)
            elif np.isnan(gap[0]) and not np.isnan(estimate):
                notes.append("no ceiling pairs on this judge's items")
        return "; ".join(notes)


def _distinct_items(pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(distinct item of every pair, first pair of every distinct item), items in order of
    first appearance (by their integer item code when the pairs carry one)."""
    if ITEM_CODE in pairs.columns:
        codes = pd.factorize(pairs[ITEM_CODE].to_numpy())[0]
    else:
        codes = pairs.groupby(ITEM, sort=False, dropna=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    return codes, first


def prepare(
    df: pd.DataFrame,
    *,
    judges: Sequence[str] | None = None,
    reference: str | None = None,
    by: Sequence[str] = (),
    resolve: vocab.Rule = "per_order",
    ceiling: bool | Aggregate = True,
    aggregate: Aggregate | None = None,
    ceiling_items: CeilingItems = "judged",
    cluster: str | Callable[[str], Hashable] | None = None,
    check: bool = True,
) -> PreparedPairs:
    """The (judge, reference) and ceiling pairs of :func:`workbench.agreement.agreement`.

    Parameters
    ----------
    df, judges, reference, by, resolve, ceiling, aggregate, ceiling_items, cluster
        As in :func:`workbench.agreement.agreement` (``criterion`` is added to ``by``
        when the table has several). Independent of the statistics, the bootstrap
        and the seed: a caller slicing the same selection several ways (the
        explorer) prepares once and adds an item-level slice column with
        :meth:`PreparedPairs.with_slice`.
    check : bool, default True
        Check the table first (:func:`workbench._validate.check_table`: missing columns,
        unknown protocols or labels, NA or duplicate keys raise ``SchemaError`` naming the
        column, row and value); False when the caller has just checked it.

    Returns
    -------
    PreparedPairs

    Examples
    --------
    >>> votes = {"human": ["A", "A", "B"], "j": ["A", "B", "B"]}
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind="human" if r == "human" else "llm", label=lab)
    ...         for r, labels in votes.items() for i, lab in enumerate(labels)]
    >>> prep = prepare(pd.DataFrame(rows))
    >>> prep  # one human rater: no ceiling
    PreparedPairs(protocol='pairwise', reference='human', pairs={'j': 3}, ceiling_pairs=0, \
aggregate='mean', by=())
    >>> t = prep.emit(["percent_agreement"], n_resamples=50)
    >>> t[["judge", "estimate", "n_items"]].values.tolist()  # 2 of 3 items agree
    [['j', 0.6666666666666666, 3]]
    """
    df = resolve_samples(df)  # repeated runs -> the majority of samples (none counts twice)
    protocol = protocol_of(df, check=check)
    by = check_by(df, by)
    want_ceiling, aggregate = ceiling_options(ceiling, aggregate)
    check_option("ceiling_items", ceiling_items, CEILING_ITEMS)
    clusters = cluster_index(df, cluster)
    df = resolved_table(df, resolve, by)
    humans = individual_humans(df)  # an on-the-fly majority adds no individual annotator
    loo = None
    if reference in (None, "others"):
        df = with_item_codes(df)
        loo = ceiling_pairs(df, protocol, [], humans)
        if loo.empty and reference == "others":
            raise ValueError(
                "reference: 'others' needs items with at least two individual human:<id> "
                f"annotators; found {humans[:10]}"
            )
    if loo is not None and not loo.empty:
        ref = vocab.OTHERS_MEAN if protocol == "rating" else vocab.OTHERS
    else:
        loo = None
        coded = df
        df, ref = resolve_reference(df, "human" if reference is None else reference)
        if df is not coded or ITEM_CODE not in df.columns:  # rows added (a majority): recode
            df = with_item_codes(df)
    raters = df["rater"]
    named = judges is not None
    judges = judge_names(df, raters, judges)
    ref_values = reference_values(df, ref, protocol) if loo is None else None
    pairs, unpaired = [], []
    for judge in judges:
        if loo is None:
            p = judge_pairs(df, judge, ref_values, protocol, by)
        else:
            p = others_pairs(df, judge, loo, protocol, by)
        if len(p):
            per_annotator = loo is not None and aggregate == "mean"
            pairs.append(JudgePairs(judge, p, "_annotator" if per_annotator else None))
        elif named:
            raise ValueError(
                f"judges: {judge!r} has no verdict on an item the reference {ref!r} has "
                "(no pair to compare); check the judge's items or pick another reference"
            )
        else:
            unpaired.append(judge)
    cp = cp_all = None
    judged_by: dict[str, np.ndarray] = {}
    if want_ceiling:
        cp = cp_all = ceiling_pairs(df, protocol, by, humans)
        if len(cp) and ceiling_items != "all":
            seen, judged_by = ceiling_seen(df, raters, judges, pairs, protocol, ceiling_items)
            if len(seen):
                cp = cp[np.isin(cp[ITEM_CODE].to_numpy(), seen)]
        if not len(cp):
            cp = cp_all = None
    return PreparedPairs(
        protocol=protocol,
        reference=ref,
        aggregate=aggregate,
        clusters=clusters,
        categories=label_set(df, protocol),
        judges=tuple(pairs),
        ceiling=cp,
        ceiling_items=ceiling_items,
        ceiling_all=cp_all,
        judged_by=judged_by,
        labels_by=labels_by(df, protocol),
        judge_names=tuple(judges),
        by=tuple(by),
        same_footing=loo is not None and cp_all is not None,
        ceiling_note=ceiling_note(df, humans, want_ceiling, cp_all is not None, loo is not None),
        unpaired=tuple(unpaired),
    )
