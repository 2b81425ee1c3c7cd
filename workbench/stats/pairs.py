"""Positional data for comparing one rater with a reference under a named statistic.

Two-rater statistics take two label arrays, many-rater statistics one items x raters
matrix; :func:`pair_args` builds whichever the statistic takes (re-exported by
:mod:`workbench.stats.bootstrap`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._arrays import vector

__all__ = ["MANY_RATERS", "pair_args"]

MANY_RATERS = frozenset(
    {
        "fleiss_kappa",
        "krippendorff_alpha",
        "gwet_ac2",
        "icc",
        "multi_rater_agreement",
        "randolph_kappa",
    }
)
"""Statistics taking one items × raters matrix instead of two rater arrays."""


def pair_args(statistic: str, rater: npt.ArrayLike, reference: npt.ArrayLike) -> tuple:
    """Positional data for comparing ``rater`` with ``reference`` under ``statistic``.

    Two-rater statistics take ``(reference, rater)`` (the reference plays
    scikit-learn's ``y_true`` for ``accuracy`` / ``macro_f1``); many-rater
    statistics take the two-column matrix ``[reference, rater]``.

    Examples
    --------
    >>> pair_args("icc", [1, 2], [3, 4])[0].tolist()
    [[3, 1], [4, 2]]
    >>> pair_args("cohen_kappa", ["A"], ["B"])
    (['B'], ['A'])
    """
    if statistic in MANY_RATERS:  # read as label vectors: no "nan" strings, no mixed kinds
        return (np.column_stack([vector(reference, "reference"), vector(rater, "rater")]),)
    return (reference, rater)
