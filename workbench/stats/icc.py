"""Intraclass correlation (Shrout & Fleiss 1979) from per-item sums.

The six forms come from the two-way ANOVA of an items x raters matrix of scores. Items with
any missing score are dropped (listwise, as pingouin's ``nan_policy="omit"``). Every mean
square is a function of sums over items of ``[S_i**2, Q_i, x_i1 .. x_ik, 1]`` (``S_i`` the
item's row sum, ``Q_i`` its sum of squares, both after dividing by a power of two (exact;
the ICC is scale-free, and scores near the float maximum then square without overflow) and
centring at the grand mean of the complete rows), so the same code gives the point
estimate and the bootstrap.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._arrays import matrix_values, numeric_matrix, pow2_scale
from .agreement import Sufficient

__all__ = ["icc"]

Form = Literal["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")


def _scores(matrix: Any) -> np.ndarray:
    x = numeric_matrix(matrix_values(matrix))
    if x.shape[1] < 2:
        raise ValueError(f"matrix must have at least 2 rater columns, got shape {x.shape}")
    return x


def _resolve_icc(matrix, *, form="ICC2"):
    if form not in _FORMS:
        raise ValueError(f"form must be one of {_FORMS}, got {form!r}")
    x = _scores(matrix)
    complete = x[~np.isnan(x).any(axis=1)]
    scale = pow2_scale(complete)
    center = float((complete / scale).mean()) if complete.size else 0.0
    return {"form": form, "n_raters": x.shape[1], "center": center, "scale": scale}


def icc_contributions(
    matrix: Any, *, center: float = 0.0, scale: float = 1.0, **_: Any
) -> np.ndarray:
    """Per-item ``[S_i**2, Q_i, y_i1, ..., y_ik, 1]``, ``y = x / scale - center`` (complete rows; others zeros)."""
    x = _scores(matrix)
    complete = ~np.isnan(x).any(axis=1)
    y = np.where(complete[:, None], x / scale - center, 0.0)
    row = y.sum(axis=1)
    return np.column_stack([row * row, (y * y).sum(axis=1), y, complete.astype(float)])


def _icc_from_sums(sums, *, form="ICC2", n_raters, **_):
    s = np.asarray(sums, dtype=float)
    k = n_raters
    if s.shape[-1] != k + 3:
        raise ValueError(f"sums must have last axis {k + 3} for {k} raters, got {s.shape}")
    n = s[..., -1]
    col = s[..., 2 : 2 + k]
    total = col.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        correction = total * total / (n * k)
        ss_total = s[..., 1] - correction
        ss_rows = s[..., 0] / k - correction
        ss_cols = (col * col).sum(-1) / n - correction
        ss_err = ss_total - ss_rows - ss_cols
        msr = ss_rows / (n - 1)
        msc = ss_cols / (k - 1)
        mse = ss_err / ((n - 1) * (k - 1))
        msw = (ss_cols + ss_err) / (n * (k - 1))
        num, den = {
            "ICC1": (msr - msw, msr + (k - 1) * msw),
            "ICC2": (msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n),
            "ICC3": (msr - mse, msr + (k - 1) * mse),
            "ICC1k": (msr - msw, msr),
            "ICC2k": (msr - mse, msr + (msc - mse) / n),
            "ICC3k": (msr - mse, msr),
        }[form]
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    # a zero mean square up to rounding of the sums is degenerate (e.g. every score equal)
    scale = np.abs(s[..., 1]) + 1.0
    ok = (n >= 2) & np.isfinite(den) & (np.abs(den) > 1e-13 * scale)
    np.divide(num, den, out=out, where=ok)
    return out


def icc(matrix: npt.ArrayLike, *, form: Form = "ICC2") -> float:
    """Intraclass correlation coefficient, one of the six Shrout & Fleiss (1979) forms.

    Parameters
    ----------
    matrix : 2-D array-like or DataFrame, items (targets) x raters (judges)
        Scores; items with any missing score are dropped.
    form : {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}, default "ICC2"
        ICC1 = ICC(1,1): one-way random, each item rated by different raters.
        ICC2 = ICC(2,1): two-way random, absolute agreement of single raters (the usual
        choice for "does this judge give the same scores as people").
        ICC3 = ICC(3,1): two-way mixed, consistency (rater offsets ignored).
        The ``k`` forms: reliability of the mean of the k raters.

    Returns
    -------
    float
        With BMS/MSR (items), JMS/MSC (raters), EMS/MSE (residual), WMS/MSW (within items):
        ICC1 = (MSR - MSW) / (MSR + (k-1) MSW); ICC2 = (MSR - MSE) / (MSR + (k-1) MSE +
        k (MSC - MSE) / n); ICC3 = (MSR - MSE) / (MSR + (k-1) MSE); ICC1k = (MSR - MSW) /
        MSR; ICC2k = (MSR - MSE) / (MSR + (MSC - MSE) / n); ICC3k = (MSR - MSE) / MSR.
        At most 1, may be negative. NaN when fewer than two complete items or the
        denominator is zero (e.g. every score identical).

    See Also
    --------
    pearson : linear association only.
    krippendorff_alpha : ``level="interval"`` uses incomplete items too.

    Notes
    -----
    Tested against pingouin ``intraclass_corr`` (all six forms, random data) and Shrout &
    Fleiss (1979) Table 2 (6 targets x 4 judges: ICC(1,1) = .17, ICC(2,1) = .29,
    ICC(3,1) = .71, ICC(1,4) = .44, ICC(2,4) = .62, ICC(3,4) = .91).

    References
    ----------
    .. [1] Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
       rater reliability. Psychological Bulletin, 86(2), 420-428.
       https://doi.org/10.1037/0033-2909.86.2.420
    .. [2] McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
       correlation coefficients. Psychological Methods, 1(1), 30-46.
       https://doi.org/10.1037/1082-989X.1.1.30

    Examples
    --------
    >>> m = [[1, 2], [2, 3], [3, 4]]  # rater 2 = rater 1 + 1
    >>> icc(m, form="ICC3")  # consistency ignores the offset
    1.0
    >>> # MSR = 2, MSC = 1.5, MSE = 0: ICC2 = 2 / (2 + 2 * 1.5 / 3) = 2/3
    >>> round(icc(m, form="ICC2"), 4)
    0.6667
    """
    return SUFFICIENT_ICC["icc"].estimate(matrix, form=form)


SUFFICIENT_ICC: dict[str, Sufficient] = {
    "icc": Sufficient(
        statistic=icc,
        kind="sum",
        resolve=_resolve_icc,
        contributions=icc_contributions,
        from_sums=_icc_from_sums,
    ),
}
