"""Estimates and bootstrap intervals from item patterns and their counts, not from pairs.

An engine (DuckDB, Spark: :mod:`workbench.engines`) reduces millions of pairs to a few
*item patterns*: the multiset of (judge code, reference code) cells of one item, how many
items show it, and the position of the first of them in the table. :func:`estimate_patterns`
turns those into the numbers :func:`workbench.agreement.estimate.estimate_block` gives on
the pairs themselves (same estimates, same intervals for the same seed): contributions of
one representative item per pattern, summed per pattern, patterns in order of their first
item, then the multinomial bootstrap of pattern counts of
:func:`workbench.agreement.sums.bootstrap_patterns`.

Only statistics of kind ``"sum"`` with integer label codes and one block (no per-annotator
averaging) take this path; others need the pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..stats import SUFFICIENT
from ..stats import bootstrap as boot
from .estimate import MIN_CI_ITEMS, Estimate, block_seed, group_rng
from .sums import (
    block_sums,
    bootstrap_patterns,
    contribution_groups,
    group_spans,
    stacked_from_sums,
)

__all__ = ["coded_specs", "estimate_patterns"]


def coded_specs(
    specs: dict[str, dict[str, Any]], labels: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """``specs`` for labels coded 0..k-1 in the order of ``labels`` (as the pairs path codes them).

    Categories become ``range(k)``; ``percent_agreement``'s ``tie_label`` becomes the code
    of its label (-1 when absent).

    >>> coded_specs({"percent_agreement": {}}, ["A", "B", "tie"])
    {'percent_agreement': {'categories': (0, 1, 2), 'tie_label': 2}}
    """
    labels = list(labels)
    out = {k: {**o, "categories": tuple(range(len(labels)))} for k, o in specs.items()}
    if "percent_agreement" in out:
        name = out["percent_agreement"].get("tie_label", "tie")
        out["percent_agreement"]["tie_label"] = labels.index(name) if name in labels else -1
    return out


def estimate_patterns(
    cells: np.ndarray,
    counts: np.ndarray,
    k: int,
    specs: dict[str, dict[str, Any]],
    *,
    n_resamples: int,
    confidence_level: float,
    method: boot.Method,
    rng: np.random.Generator | int | None,
    tie: int = -1,
) -> dict[str, Estimate]:
    """Estimate, CI, SE and items used of every statistic from item patterns.

    Parameters
    ----------
    cells : ndarray of int, shape (m, k * k)
        One row per pattern, in order of the first item showing it: how many pairs of
        the item fall in cell ``x * k + y`` (``x`` the judge's code, ``y`` the reference's).
    counts : ndarray of int, shape (m,)
        Items per pattern.
    k : int
        Number of label codes.
    specs : dict
        :func:`coded_specs` of :func:`workbench.agreement.estimate.statistic_specs`;
        every statistic of kind ``"sum"``.
    n_resamples, confidence_level, method, rng
        As in :func:`workbench.agreement.estimate.estimate_block` (same seed, same interval).
    tie : int, default -1
        Code of the tie label, for ``percent_agreement(ties="drop")``'s item count.

    Returns
    -------
    dict
        Statistic name -> (estimate, ci_low, ci_high, se, n_items), as ``estimate_block``.

    Examples
    --------
    Ten items, one pair each: 8 agree on code 0, 2 disagree (judge 1, reference 0):

    >>> cells = np.array([[1, 0, 0, 0], [0, 0, 1, 0]])  # cell 0 = (0, 0), cell 2 = (1, 0)
    >>> est = estimate_patterns(cells, np.array([8, 2]), 2, {"percent_agreement":
    ...     {"categories": (0, 1)}}, n_resamples=100, confidence_level=0.95,
    ...     method="percentile", rng=0)
    >>> float(est["percent_agreement"][0]), est["percent_agreement"][4]
    (0.8, 10)
    """
    cells = np.asarray(cells, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    per_row = cells.ravel()
    rep_item = np.repeat(np.repeat(np.arange(len(cells)), cells.shape[1]), per_row)
    rep_cell = np.repeat(np.tile(np.arange(cells.shape[1]), len(cells)), per_row)
    x, y = rep_cell // k, rep_cell % k
    n_all = int(counts.sum())
    for name in specs:
        if SUFFICIENT[name].kind != "sum":
            raise ValueError(f"statistics: {name!r} is not a sum of per-item contributions")
    resolved, contributions, group_of = contribution_groups(x, y, specs)
    blocks = [block_sums(c, rep_item, None, 1) for c in contributions]
    spans = group_spans([c.shape[1] for c in contributions], group_of, 1)
    from_sums = stacked_from_sums(list(specs), spans, resolved, 1, lambda v: v[..., 0])
    gen = group_rng(block_seed(rng), "sums")  # the generator estimate_block's sums use
    r = bootstrap_patterns(
        np.concatenate(blocks, axis=1),
        counts,
        from_sums,
        sparse=False,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        method=method,
        rng=gen,
    )
    small = n_all < MIN_CI_ITEMS
    out = {}
    for i, (name, opts) in enumerate(specs.items()):
        n_items = n_all
        if name == "percent_agreement" and opts.get("ties") == "drop":
            kept = (x != tie) & (y != tie)
            n_items = int(counts[np.unique(rep_item[kept])].sum())
        interval = (np.nan,) * 3 if small else (r.ci_low[i], r.ci_high[i], r.se[i])
        out[name] = (r.estimate[i], *interval, n_items)
    return out
