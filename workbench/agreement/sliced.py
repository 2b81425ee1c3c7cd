"""Item patterns of a block of pairs found once; the estimates of every slice from them.

A *block* is the pairs of one judge, of the human ceiling, or of a judge's paired gap to
the ceiling (:mod:`workbench.agreement.estimate`). With slices that are item-level (every
pair of an item in the same slice) and items as the resampling units, what the bootstrap
of the sum statistics needs from one slice depends only on the slice's items: each item's
summed contributions, the grouping of items with identical pairs into *patterns*, and the
order of the patterns (of their first item). :func:`block_patterns` computes those once for
all the items of a block; :meth:`BlockPatterns.estimate` then gives, for the items of one
slice, the numbers :func:`~workbench.agreement.estimate.estimate_block` (or
:func:`~workbench.agreement.estimate.gap_block`) computes from that slice's pairs. It uses
the same patterns in the same order and the same per-annotator column blocks, and draws
the same multinomial resamples from the same generator, so the numbers are the same, bit
for bit. A re-slice then costs a count of patterns and the resamples, not a pass over the
pairs.

Applies to labels (pairwise, binary) on a fixed label set, statistics of kind ``"sum"``
whose options do not depend on the pairs, and items as the resampling units. Elsewhere
:func:`block_patterns` returns None and the caller estimates each slice from its pairs.
Rank statistics, ratings, Krippendorff's interval alpha and clusters are left to that
path: rank statistics are not sums, the interval alpha's centre and scale are resolved
on each slice's own values, and a cluster may span slices.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..stats import SUFFICIENT
from ..stats import bootstrap as boot
from ._frame import ITEM_CODE, xy
from .estimate import (
    MIN_CI_ITEMS,
    Estimate,
    encode_labels,
    gap_reduce,
    group_rng,
    mean_reduce,
)
from .pairs import paired_rows
from .sums import (
    block_sums,
    bootstrap_patterns,
    cell_groups,
    contribution_groups,
    group_spans,
    group_starts,
    groups_by_first,
    item_groups,
    stacked_from_sums,
)
from .threads import map_blocks

__all__ = ["BlockPatterns", "block_patterns", "estimate_slices", "frame_patterns", "item_slices"]


@dataclasses.dataclass(frozen=True, eq=False)
class BlockPatterns:
    """The items of one block with their patterns (:func:`block_patterns`).

    Items are in the block's item order: of first appearance in its pairs, or (``gap``)
    of item code, the orders :func:`~workbench.agreement.estimate.estimate_block` and
    :func:`~workbench.agreement.estimate.gap_block` number items in.
    """

    gap: bool
    """Judge minus ceiling (two sides of column blocks) rather than one block."""
    first_row: np.ndarray
    """Row of each item's first pair in the frame the block was made from (its slice)."""
    pattern: np.ndarray
    """Pattern of each item, patterns numbered in order of their first item."""
    rows: np.ndarray
    """(patterns, width): summed contributions of one item per pattern; column blocks of
    every side and annotator, in the layout of :func:`~workbench.agreement.sums.group_spans`."""
    uses: np.ndarray | None
    """(patterns, annotators): the annotators each pattern has pairs of (None: one block)."""
    has_ceiling: np.ndarray | None
    """Gap: items with a ceiling pair (a slice without one has no gap)."""
    widths: tuple[int, ...]
    """d of every contribution group."""
    group_of: dict[str, int]
    resolved: dict[str, dict[str, Any]]
    kept: dict[str, np.ndarray]
    """Statistics with ``ties="drop"``: items with a pair where neither side says tie."""

    def estimate(
        self,
        member: np.ndarray,
        *,
        n_resamples: int,
        confidence_level: float,
        method: boot.Method,
        rng: int,
    ) -> dict[str, Estimate] | dict[str, tuple[float, float, float]]:
        """The estimates of the items ``member`` (bool per item), as on their own pairs.

        Returns what ``estimate_block`` (``gap``: ``gap_block``) returns on the pairs of
        those items: statistic -> (estimate, ci_low, ci_high, se, n_items), or for a gap
        statistic -> (gap, ci_low, ci_high); ``{}`` for a gap without ceiling pairs.
        """
        if self.gap and not self.has_ceiling[member].any():
            return {}
        pid = self.pattern[member]
        n_units = len(pid)
        first, _ = groups_by_first(pid)  # patterns in order of their first item here
        order = pid[first]
        counts = np.bincount(pid, minlength=len(self.rows))[order].astype(np.int64)
        sides = 2 if self.gap else 1
        if self.uses is None:
            annotators = np.zeros(1, dtype=np.int64)
            n_all = 1
        else:
            annotators = np.flatnonzero(self.uses[order].any(axis=0))
            n_all = self.uses.shape[1]
        n_h = len(annotators)
        # the slice's layout: the column blocks of its sides x annotators, group by group
        blocks = (np.arange(sides)[:, None] * n_all + annotators[None, :]).ravel()
        starts = group_starts(self.widths, sides * n_all)[:-1]
        cols = np.concatenate(
            [
                (s + blocks[:, None] * d + np.arange(d)[None, :]).ravel()
                for s, d in zip(starts, self.widths, strict=True)
            ]
        )
        patterns = self.rows[np.ix_(order, cols)]
        n_blocks = sides * n_h
        spans = group_spans(self.widths, self.group_of, n_blocks)
        reduce = gap_reduce(n_h) if self.gap else mean_reduce(n_h)
        names = list(self.group_of)
        from_sums = stacked_from_sums(names, spans, self.resolved, n_blocks, reduce)
        r = bootstrap_patterns(
            patterns,
            counts,
            from_sums,
            sparse=n_blocks > 4,
            n_resamples=n_resamples,
            confidence_level=confidence_level,
            method=method,
            rng=group_rng(rng, "gap:sums" if self.gap else "sums"),
        )
        small = n_units < MIN_CI_ITEMS
        if self.gap:
            return {
                name: (
                    float(r.estimate[i]),
                    *((np.nan, np.nan) if small else (float(r.ci_low[i]), float(r.ci_high[i]))),
                )
                for i, name in enumerate(names)
            }
        return {
            name: (
                r.estimate[i],
                *((np.nan,) * 3 if small else (r.ci_low[i], r.ci_high[i], r.se[i])),
                int(self.kept[name][member].sum()) if name in self.kept else n_units,
            )
            for i, name in enumerate(names)
        }


def block_patterns(
    x: np.ndarray,
    y: np.ndarray,
    keys: np.ndarray,
    annotators: np.ndarray | None,
    specs: dict[str, dict[str, Any]],
    *,
    categories: Sequence[Any] | None,
    ceiling: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None] | None = None,
) -> BlockPatterns | None:
    """The patterns of every item of a block, or None where :mod:`this path <.sliced>` does not apply.

    Parameters
    ----------
    x, y : ndarray of object
        Labels of the block's pairs (judge or annotator, reference).
    keys : ndarray of int
        Item code of every pair (:data:`workbench.agreement._frame.ITEM_CODE`).
    annotators : ndarray, optional
        Annotator of every pair when statistics are per annotator and averaged.
    specs : dict
        :func:`~workbench.agreement.estimate.statistic_specs`.
    categories : sequence, optional
        The table's label set (None: not applicable).
    ceiling : tuple, optional
        ``(x, y, keys, annotators)`` of the ceiling pairs on the block's (item,
        annotator) keys: the block is then the judge's paired gap to the ceiling.
    """
    if categories is None or x.dtype != object or not len(x):
        return None
    if any(SUFFICIENT[name].kind != "sum" for name in specs):
        return None
    gap = ceiling is not None
    n_judge = len(x)
    if gap:
        cx, cy, ckeys, cann = ceiling
        x, y = np.concatenate([x, cx]).astype(object), np.concatenate([y, cy]).astype(object)
        keys = np.concatenate([keys, ckeys])
        if (annotators is None) != (cann is None):
            return None
        if annotators is not None:
            annotators = np.concatenate([annotators, cann])
    kept = {}  # items counted by n_items (a gap reports none)
    for name, opts in specs.items():
        if not gap and name == "percent_agreement" and opts.get("ties") == "drop":
            tie = opts.get("tie_label", "tie")
            kept[name] = (x != tie) & (y != tie)
    x, y, coded = encode_labels(x, y, specs, categories)
    item, first_row = _numbered(keys, n_judge, by_code=gap)
    n_items = int(item.max()) + 1
    n_all, blocks = 1, None
    if annotators is not None:
        _, h = np.unique(annotators.astype(str), return_inverse=True)
        h = h.ravel()
        n_all = int(h.max()) + 1
        blocks = h
        on = np.zeros((n_items, n_all), dtype=bool)
        on[item, h] = True
    if gap:
        side = np.repeat([0, 1], [n_judge, len(x) - n_judge])
        blocks = side * n_all + (0 if blocks is None else blocks)
    grouped = _grouped(x, y, item, blocks, (2 if gap else 1) * n_all, coded)
    if grouped is None:  # a hash collision: estimate per slice
        return None
    first, group, rows, resolved, contributions, group_of = grouped
    if not _options_free_of_pairs(x, y, coded, resolved):  # each slice resolves its own
        return None
    has_ceiling = None
    if gap:
        has_ceiling = np.zeros(n_items, dtype=bool)
        has_ceiling[item[n_judge:]] = True
    return BlockPatterns(
        gap=gap,
        first_row=first_row,
        pattern=group,
        rows=rows,
        uses=None if annotators is None else on[first],
        has_ceiling=has_ceiling,
        widths=tuple(c.shape[1] for c in contributions),
        group_of=group_of,
        resolved=resolved,
        kept={name: np.bincount(item[k], minlength=n_items) > 0 for name, k in kept.items()},
    )


def _numbered(keys: np.ndarray, n_judge: int, *, by_code: bool) -> tuple[np.ndarray, np.ndarray]:
    """(item of every pair, first of the first ``n_judge`` pairs of every item).

    Items numbered by item code (``by_code``: as gap_block's units) or in order of first
    appearance (as :func:`~workbench.agreement._frame.item_codes`).
    """
    if by_code:
        _, item = boot.unique_codes(keys)
        first_row = np.full(int(item.max()) + 1, len(item), dtype=np.int64)
        np.minimum.at(first_row, item[:n_judge], np.arange(n_judge))
        return item, first_row
    item = pd.factorize(keys)[0]
    # first-appearance codes: a pair starts its item where its code exceeds all before it
    seen = np.maximum.accumulate(np.concatenate([[-1], item[:-1]]))
    return item, np.flatnonzero(item > seen)


def _grouped(
    x: np.ndarray,
    y: np.ndarray,
    item: np.ndarray,
    blocks: np.ndarray | None,
    n_blocks: int,
    specs: dict[str, dict[str, Any]],
) -> tuple | None:
    """(first item of every pattern, pattern of every item, patterns' summed contributions,
    resolved options, contributions, group of every statistic); None on a hash collision.

    One block: items grouped exactly by their cells, contributions of one item per group
    (as :func:`~workbench.agreement.sums.sum_statistics`); column blocks: all pairs'
    contributions summed per item and block, items grouped by a hash of their pairs.
    """
    cells = cell_groups(x, y, item) if blocks is None else None
    if cells is not None:
        first, group, _ = cells
        is_first = np.zeros(len(group), dtype=bool)
        is_first[first] = True
        reps = np.flatnonzero(is_first[item])
        resolved, contributions, group_of = contribution_groups(x, y, specs, rows=reps)
        rep_group = group[item[reps]]
        rows = np.concatenate([block_sums(c, rep_group, None, 1) for c in contributions], axis=1)
        return first, group, rows, resolved, contributions, group_of
    resolved, contributions, group_of = contribution_groups(x, y, specs)
    sums = np.concatenate([block_sums(c, item, blocks, n_blocks) for c in contributions], axis=1)
    first, group = item_groups(x, y, blocks, item)
    rows = sums[first]
    if not np.array_equal(rows[group], sums):
        return None
    return first, group, rows, resolved, contributions, group_of


def frame_patterns(
    pairs: pd.DataFrame,
    protocol: str,
    specs: dict[str, dict[str, Any]],
    *,
    categories: Sequence[Any] | None,
    annotators: str | None,
    ceiling: pd.DataFrame | None = None,
) -> BlockPatterns | None:
    """:func:`block_patterns` of a frame of pairs (column ``annotators``: per-annotator).

    ``ceiling``: the ceiling's pairs on all items; the block is then the judge's paired
    gap to the ceiling, on the ceiling pairs of the judge's (item, annotator) keys.
    """
    x, y = xy(pairs, protocol)
    humans = None if annotators is None else pairs[annotators].to_numpy(object)
    mine = None
    if ceiling is not None:
        matched = ceiling[paired_rows(pairs, ceiling)]
        if matched.empty:
            return None
        cx, cy = xy(matched, protocol)
        who = None if annotators is None else matched["rater"].to_numpy(object)
        mine = (cx, cy, matched[ITEM_CODE].to_numpy(), who)
    return block_patterns(
        x, y, pairs[ITEM_CODE].to_numpy(), humans, specs, categories=categories, ceiling=mine
    )


def estimate_slices(
    plan: BlockPatterns,
    gap_plan: BlockPatterns | None,
    slice_of: np.ndarray,
    n_slices: int,
    **kw: Any,
) -> list[tuple[dict, dict, int]]:
    """(estimates, gaps, items) of every slice ``0..n_slices-1`` of a block's pairs.

    ``slice_of``: the slice of every pair of the frame the plans were made from. The
    slices' estimates (and gaps) run on :func:`~workbench.agreement.threads.map_blocks`.
    """
    members = [slice_of[plan.first_row] == s for s in range(n_slices)]
    tasks = [(plan, m) for m in members]
    if gap_plan is not None:
        of_gap_item = slice_of[gap_plan.first_row]
        tasks += [(gap_plan, of_gap_item == s) for s in range(n_slices)]
    done = map_blocks(lambda task: task[0].estimate(task[1], **kw), tasks)
    gaps = done[n_slices:] if gap_plan is not None else [{}] * n_slices
    return [(e, g, int(m.sum())) for e, g, m in zip(done[:n_slices], gaps, members, strict=True)]


def _options_free_of_pairs(
    x: np.ndarray,
    y: np.ndarray,
    specs: dict[str, dict[str, Any]],
    resolved: dict[str, dict[str, Any]],
) -> bool:
    """Whether every statistic's resolved options are the same on no pairs as on ``x, y``.

    A statistic whose options are worked out from the pairs themselves (Krippendorff's
    interval alpha: the centre and scale of the values) is resolved on each slice's own
    pairs, so one block's contributions do not serve its slices.
    """
    for name, opts in specs.items():
        try:
            none = SUFFICIENT[name].resolve(*boot.pair_args(name, x[:0], y[:0]), **opts)
        except (ValueError, TypeError, ZeroDivisionError):
            return False
        if not _same_options(none, resolved[name]):
            return False
    return True


def _same_options(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        other = b[key]
        if isinstance(value, np.ndarray) or isinstance(other, np.ndarray):
            if not np.array_equal(np.asarray(value), np.asarray(other)):
                return False
        elif type(value) is not type(other) or value != other:
            return False
    return True


def item_slices(pairs: pd.DataFrame, by: Sequence[str]) -> tuple[list[tuple], np.ndarray | None]:
    """(slice keys in sorted order, slice of every pair), or (keys, None) when ``by`` splits an item.

    The slices are the groups of ``pairs.groupby(by, sort=True, dropna=False)``; no
    ``by``: one slice, key ``()``.

    >>> t = pd.DataFrame({"_item_code": [0, 0, 1], "subset": ["b", "b", "a"]})
    >>> item_slices(t, ["subset"])
    ([('a',), ('b',)], array([1, 1, 0]))
    >>> item_slices(t.assign(subset=["a", "b", "a"]), ["subset"])[1] is None
    True
    """
    if not by:
        return [()], np.zeros(len(pairs), dtype=np.int64)
    groups = pairs.groupby(list(by), sort=True, dropna=False)
    codes = groups.ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    keys = [tuple(k) for k in pairs[list(by)].iloc[first].itertuples(index=False, name=None)]
    item = pd.factorize(pairs[ITEM_CODE].to_numpy())[0]
    _, first_pair = np.unique(item, return_index=True)
    if not np.array_equal(codes[first_pair][item], codes):  # each pair in its item's slice
        return keys, None
    return keys, codes
