"""Array-level agreement statistics, each computed from sums over items.

Two raters: `percent_agreement`, `cohen_kappa`, `scott_pi`, `gwet_ac1`, `brennan_prediger`,
`accuracy`, `macro_f1` (labels); `pearson`, `spearman`, `kendall_tau` (scores, at item,
system or grouped level). Many raters (items x raters matrix, NaN = missing):
`fleiss_kappa`, `krippendorff_alpha`, `gwet_ac1`, `gwet_ac2`, `icc`, `multi_rater_agreement`,
`randolph_kappa`; two or many raters: `weighted_scott_pi`, `weighted_brennan_prediger`
(`workbench.stats.many_raters`). Each returns a float.

`SUFFICIENT` maps each statistic's name to a `Sufficient`: how it decomposes into per-item
contribution vectors whose SUM determines it. A bootstrap uses it as::

    entry = SUFFICIENT["cohen_kappa"]
    opts = entry.resolve(human, judge, weights="quadratic")  # fixes categories on ALL data
    c = entry.contributions(human, judge, **opts)  # (n_items, d), one row per item
    counts = rng.multinomial(n, np.full(n, 1 / n), size=2000)  # (2000, n_items)
    estimates = entry.from_sums(counts @ c, **opts)  # (2000,)

or, faster, on ``entry.distinct_contributions(...)`` (distinct rows and their counts).

Limits: unweighted statistics take any number k of categories (O(n + k)); what needs a
k x k matrix (weights, ordinal/ratio alpha) refuses more than ``MAX_CATEGORIES`` (2,000),
and a dense contribution array (the bootstrap's input) more than ``MAX_DENSE_CELLS``
elements, with a ValueError naming the option and k. Labels of one kind only (numbers,
strings or booleans; ``workbench.stats._arrays``); large finite scores are rescaled exactly.
Entries with ``kind == "resample"`` (Spearman, Kendall) have no sums: recompute
``entry.statistic`` on resampled items.

>>> from workbench import stats
>>> human, judge = ["A", "B", "tie", "A"], ["A", "B", "B", "B"]
>>> entry = stats.SUFFICIENT["percent_agreement"]
>>> opts = entry.resolve(human, judge)
>>> opts["categories"]
('A', 'B', 'tie')
>>> entry.from_sums(entry.contributions(human, judge, **opts).sum(axis=0), **opts)  # 2 of 4
array(0.5)
"""

from __future__ import annotations

from ._arrays import MAX_CATEGORIES, MAX_DENSE_CELLS
from .agreement import (
    SUFFICIENT_AGREEMENT,
    Sufficient,
    accuracy,
    brennan_prediger,
    cohen_kappa,
    distinct_rows,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    macro_f1,
    percent_agreement,
    scott_pi,
    weight_matrix,
)
from .correlation import SUFFICIENT_CORRELATION, kendall_tau, pearson, spearman
from .icc import SUFFICIENT_ICC, icc
from .many_raters import (
    SUFFICIENT_MANY_RATERS,
    multi_rater_agreement,
    randolph_kappa,
    weighted_brennan_prediger,
    weighted_scott_pi,
)

SUFFICIENT: dict[str, Sufficient] = {
    **SUFFICIENT_AGREEMENT,
    **SUFFICIENT_CORRELATION,
    **SUFFICIENT_ICC,
    **SUFFICIENT_MANY_RATERS,
}

__all__ = [
    "MAX_CATEGORIES",
    "MAX_DENSE_CELLS",
    "SUFFICIENT",
    "SUFFICIENT_MANY_RATERS",
    "Sufficient",
    "accuracy",
    "brennan_prediger",
    "cohen_kappa",
    "distinct_rows",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "icc",
    "kendall_tau",
    "krippendorff_alpha",
    "macro_f1",
    "multi_rater_agreement",
    "pearson",
    "percent_agreement",
    "randolph_kappa",
    "scott_pi",
    "spearman",
    "weight_matrix",
    "weighted_brennan_prediger",
    "weighted_scott_pi",
]
