"""Percent agreement, Brennan-Prediger and weighted Scott's pi for many raters with missing data.

The coefficients of Gwet (2014, ch. 2-3) that share Fleiss' percent agreement ``p_a`` and
differ only in the chance term ``p_e``:

- `multi_rater_agreement`: ``p_a`` itself (weighted or not), no chance correction;
- `randolph_kappa`: Brennan-Prediger / Randolph's free-marginal kappa, ``p_e = 1/q``;
- `weighted_brennan_prediger`: ``p_e = T_w / q**2`` with ``T_w = sum_kl w_kl``;
- `weighted_scott_pi`: ``p_e = sum_kl w_kl pi_k pi_l`` (weighted Scott's pi for two raters,
  weighted Fleiss' kappa for many; irrCAC ``CAC(weights=...).fleiss``).

Every one is a function of the per-item category-count sums of `fleiss_kappa` and
`gwet_ac2` (`workbench.stats.agreement.count_contributions`: ``[r_ik / r_i (k), P_i,
[r_i >= 2], [r_i >= 1]]``), so they are `Sufficient` entries of kind ``"sum"``
(`SUFFICIENT_MANY_RATERS`) and an item bootstrap resamples those rows.

Conventions are those of `fleiss_kappa` / `gwet_ac2`: an items x raters matrix (2-D array or
DataFrame; NaN/None/pd.NA = missing); ``p_a`` is the mean of ``P_i`` over items rated at
least twice (an item with a single rating is left out of ``p_a``, as irrCAC does), ``pi_k``
the mean of ``r_ik / r_i`` over items rated at least once; with two label arrays instead of
a matrix, items where either side is missing are dropped (as `scott_pi`). Weights are those
of `gwet_ac2` (`weight_matrix`): ``"identity"``, ``"linear"``, ``"quadratic"`` or a k x k
array, from category VALUES when all categories are numbers, else their positions.

All four are tested against irrCAC 0.4.4 (``irrCAC/raw.py``: ``CAC.bp`` and ``CAC.fleiss``,
their ``"pa"`` and ``"coefficient_value"``) to 1e-12 on random matrices with missing data.
One difference: with one category (q = 1), irrCAC sets ``p_e = 1e-15`` in ``CAC.bp`` and
reports 1; here ``1 - p_e = 0`` gives NaN, as for the two-rater `brennan_prediger`.

>>> m = [["a", "a", "a"], ["a", "a", "b"], ["b", "b", "b"], ["b", "a", None]]
>>> round(multi_rater_agreement(m), 4)  # P_i = 1, 1/3, 1, 0: 7/12
0.5833
>>> round(randolph_kappa(m), 4)  # (7/12 - 1/2) / (1/2) = 1/6
0.1667
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .agreement import (
    SUFFICIENT_AGREEMENT,
    Sufficient,
    count_contributions,
    count_patterns,
    count_sums,
    is_identity,
    weight_matrix,
)

__all__ = [
    "SUFFICIENT_MANY_RATERS",
    "multi_rater_agreement",
    "randolph_kappa",
    "weighted_brennan_prediger",
    "weighted_scott_pi",
]

Weights = Literal["identity", "linear", "quadratic"] | npt.ArrayLike

_TINY = 1e-14  # |1 - p_e| below this is a degenerate chance term (as in stats.agreement)


def _resolve(*data: Any, weights: Any = "identity", categories: Any = None) -> dict[str, Any]:
    """Categories from the full data and checked weights (None when unweighted).

    One matrix: the categories of `fleiss_kappa`'s resolve (labels seen, or ``categories``
    checked); two label arrays: those of `scott_pi` (labels of the complete pairs).
    """
    if len(data) not in (1, 2):
        raise ValueError(
            f"expected one items x raters matrix or two label arrays, got {len(data)} arrays"
        )
    base = SUFFICIENT_AGREEMENT["fleiss_kappa" if len(data) == 1 else "scott_pi"]
    cats = base.resolve(*data, categories=categories)["categories"]
    weight_matrix(cats, weights)  # validates the option, the array and the size limit
    return {"categories": cats, "weights": None if is_identity(weights) else weights}


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=np.abs(den) > _TINY)
    return out


def _parts(sums: Any, categories: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, int]:
    """``(pi, p_a, q)`` from summed count contributions of shape ``(..., q + 3)``."""
    q = len(tuple(categories))
    s = np.asarray(sums, dtype=float)
    if s.shape[-1] != q + 3:
        raise ValueError(f"sums must have last axis {q + 3} for {q} categories, got {s.shape}")
    return _ratio(s[..., :q], s[..., -1:]), _ratio(s[..., q], s[..., q + 1]), q


def _agreement_from_sums(sums, *, categories, **_):
    return _parts(sums, categories)[1]


def _bp_from_sums(sums, *, categories, weights=None, **_):
    _, pa, q = _parts(sums, categories)
    t_w = float(q) if weights is None else float(weight_matrix(categories, weights).sum())
    pe = np.full(pa.shape, t_w / q**2)
    return _ratio(pa - pe, 1.0 - pe)


def _scott_from_sums(sums, *, categories, weights=None, **_):
    pi, pa, _q = _parts(sums, categories)
    w = np.eye(pi.shape[-1]) if weights is None else weight_matrix(categories, weights)
    pe = np.einsum("...i,ij,...j->...", pi, w, pi)
    return _ratio(pa - pe, 1.0 - pe)


def _resolve_unweighted(*data: Any, categories: Any = None) -> dict[str, Any]:
    return _resolve(*data, weights=None, categories=categories)


def _resolve_weighted(*data: Any, weights: Any = "quadratic", categories: Any = None):
    return _resolve(*data, weights=weights, categories=categories)


def _entry(statistic, from_sums, resolve=_resolve) -> Sufficient:
    """Entry of a statistic of the per-item category counts (`count_contributions`)."""
    return Sufficient(
        statistic=statistic,
        kind="sum",
        resolve=resolve,
        contributions=count_contributions,
        from_sums=from_sums,
        sums=count_sums,
        patterns=count_patterns,
    )


def _data(rater_1: Any, rater_2: Any) -> tuple[Any, ...]:
    return (rater_1,) if rater_2 is None else (rater_1, rater_2)


def multi_rater_agreement(
    matrix: npt.ArrayLike,
    *,
    weights: Weights = "identity",
    categories: Sequence[Any] | None = None,
) -> float:
    """Percent agreement among many raters: the mean share of agreeing rater pairs per item.

    Parameters
    ----------
    matrix : 2-D array-like or DataFrame, items x raters
        Labels; NaN/None = missing. Items rated fewer than twice are left out.
    weights : {"identity", "linear", "quadratic"} or k x k array, default "identity"
        Agreement weights (`weight_matrix`, as in `gwet_ac2`); "identity" counts exact
        matches only.
    categories : sequence, optional
        The rating scale and its order (default: labels seen); it matters with weights.

    Returns
    -------
    float
        ``p_a = (1 / n_2) sum_{i: r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` with
        ``r*_ik = sum_l w_kl r_il`` and ``n_2`` the number of items rated at least twice; in
        [0, 1]. NaN when no item is rated twice.

    See Also
    --------
    percent_agreement : two raters (with the MT-Bench tie options).
    randolph_kappa, fleiss_kappa, gwet_ac1 : the same p_a corrected for chance.

    Notes
    -----
    Gwet (2014), eq. 2.7 (unweighted) and 3.2 (weighted). Equals irrCAC 0.4.4
    ``CAC(weights=...).bp()["est"]["pa"]`` (``irrCAC/raw.py``; tested to 1e-12).

    References
    ----------
    .. [1] Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., ch. 2-3.
       Advanced Analytics, LLC. ISBN 978-0970806284.

    Examples
    --------
    >>> multi_rater_agreement([["a", "a"], ["a", "b"], ["b", "b"], ["b", None]])  # 2 of 3
    0.6666666666666666
    >>> # linear weights on 1..3: w(1, 2) = w(2, 3) = 1/2, so P_i = (1, 1/2, 1/2)
    >>> multi_rater_agreement([[1, 1], [1, 2], [2, 3]], weights="linear")
    0.6666666666666666
    """
    return SUFFICIENT_MANY_RATERS["multi_rater_agreement"].estimate(
        matrix, weights=weights, categories=categories
    )


def randolph_kappa(matrix: npt.ArrayLike, *, categories: Sequence[Any] | None = None) -> float:
    """Brennan-Prediger coefficient for many raters (Randolph's free-marginal kappa).

    Parameters
    ----------
    matrix : 2-D array-like or DataFrame, items x raters
        Labels; NaN/None = missing. Items rated fewer than twice are left out.
    categories : sequence, optional
        The label set; q is its size. Default: labels seen, so pass the full scale when some
        label was never used (1/q changes).

    Returns
    -------
    float
        ``(p_a - 1/q) / (1 - 1/q)``, ``p_a`` as in `multi_rater_agreement`; in
        [-1/(q-1), 1]. NaN when q = 1 (irrCAC reports 1 there) or no item is rated twice.

    See Also
    --------
    brennan_prediger : two raters.
    weighted_brennan_prediger : with agreement weights.
    fleiss_kappa : chance term from the observed shares (fixed marginals).

    Notes
    -----
    With complete data this is Randolph (2005)'s kappa_free; with missing data Gwet
    (2014)'s generalisation (p_a over items rated at least twice). Equals irrCAC 0.4.4
    ``CAC.bp()`` (``irrCAC/raw.py``; tested to 1e-12 for q >= 2).

    References
    ----------
    .. [1] Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses,
       and alternatives. Educational and Psychological Measurement, 41(3), 687-699.
       https://doi.org/10.1177/001316448104100307
    .. [2] Randolph, J. J. (2005). Free-marginal multirater kappa (multirater kappa_free):
       an alternative to Fleiss' fixed-marginal multirater kappa. Joensuu Learning and
       Instruction Symposium, Joensuu, Finland. ERIC ED490661.
    .. [3] Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., ch. 2.
       Advanced Analytics, LLC. ISBN 978-0970806284.

    Examples
    --------
    >>> m = [["a", "a", "a"], ["a", "a", "b"], ["b", "b", "b"], ["b", "b", "a"]]
    >>> round(randolph_kappa(m), 4)  # p_a = (1 + 1/3 + 1 + 1/3)/4 = 2/3: (2/3 - 1/2)/(1/2)
    0.3333
    """
    return SUFFICIENT_MANY_RATERS["randolph_kappa"].estimate(matrix, categories=categories)


def weighted_brennan_prediger(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike | None = None,
    *,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
) -> float:
    """Weighted Brennan-Prediger coefficient (two raters or an items x raters matrix).

    Parameters
    ----------
    rater_1 : array-like
        An items x raters matrix of ratings (NaN/None = missing), or the first rater's
        labels when ``rater_2`` is given.
    rater_2 : array-like, optional
        The second rater's labels; then only items that both raters rated count.
    weights : {"quadratic", "linear", "identity"} or k x k array, default "quadratic"
        Agreement weights (`weight_matrix`, as in `gwet_ac2`).
    categories : sequence, optional
        The rating scale and its order; q is its size (default: labels seen). Pass the full
        scale when some level is never used: it changes the weights and q.

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with the weighted ``p_a`` of `multi_rater_agreement`
        and ``p_e = T_w / q**2``, ``T_w = sum_kl w_kl``. With identity weights this is
        `randolph_kappa` (and `brennan_prediger` for two arrays). NaN when ``p_e = 1``
        (q = 1) or no item is rated twice.

    See Also
    --------
    randolph_kappa : unweighted.
    gwet_ac2 : chance term from the observed shares.

    Notes
    -----
    Gwet (2014), ch. 3 (weighted Brennan-Prediger). Equals irrCAC 0.4.4
    ``CAC(weights=...).bp()`` (``irrCAC/raw.py``; tested to 1e-12 for q >= 2).

    References
    ----------
    .. [1] Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses,
       and alternatives. Educational and Psychological Measurement, 41(3), 687-699.
       https://doi.org/10.1177/001316448104100307
    .. [2] Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., ch. 3.
       Advanced Analytics, LLC. ISBN 978-0970806284.

    Examples
    --------
    >>> # p_a = (1 + 1 + 1/2)/3 = 5/6; T_w = 3 + 4 * 0.5 = 5, p_e = 5/9: (5/6 - 5/9)/(4/9)
    >>> round(weighted_brennan_prediger([[1, 1], [2, 2], [3, 2]], weights="linear"), 4)  # 5/8
    0.625
    """
    return SUFFICIENT_MANY_RATERS["weighted_brennan_prediger"].estimate(
        *_data(rater_1, rater_2), weights=weights, categories=categories
    )


def weighted_scott_pi(
    rater_1: npt.ArrayLike,
    rater_2: npt.ArrayLike | None = None,
    *,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
) -> float:
    """Weighted Scott's pi (two raters) / weighted Fleiss' kappa (an items x raters matrix).

    Parameters
    ----------
    rater_1 : array-like
        Labels of the first rater, or (when ``rater_2`` is None) an items x raters matrix.
    rater_2 : array-like, optional
        Labels of the second rater; items where either side is missing are dropped. (A
        two-column matrix instead keeps items rated once in ``pi_k``.)
    weights : {"quadratic", "linear", "identity"} or k x k array, default "quadratic"
        Agreement weights (`weight_matrix`, as in `gwet_ac2`).
    categories : sequence, optional
        The rating scale and its order (default: labels seen).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with the weighted ``p_a`` of `multi_rater_agreement`,
        ``pi_k`` the mean over items rated at least once of ``r_ik / r_i`` and
        ``p_e = sum_kl w_kl pi_k pi_l``. With identity weights this is `fleiss_kappa` (and
        `scott_pi` for two arrays). NaN when ``p_e = 1`` (every rating the same label) or
        no item is rated twice.

    See Also
    --------
    scott_pi, fleiss_kappa : unweighted.
    cohen_kappa : ``weights=`` with separate marginals per rater.
    krippendorff_alpha : small-sample correction.

    Notes
    -----
    Gwet (2014), ch. 3 (weighted Scott's pi, weighted Fleiss' generalized kappa). Equals
    irrCAC 0.4.4 ``CAC(weights=...).fleiss()`` (``irrCAC/raw.py``: its ``pe`` is
    ``sum(weights_mat * pi pi')``; tested to 1e-12).

    References
    ----------
    .. [1] Scott, W. A. (1955). Reliability of content analysis: the case of nominal scale
       coding. Public Opinion Quarterly, 19(3), 321-325. https://doi.org/10.1086/266577
    .. [2] Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., ch. 3.
       Advanced Analytics, LLC. ISBN 978-0970806284.

    Examples
    --------
    >>> # p_a = 5/6; pi = (1/3, 1/2, 1/6), p_e = pi' W pi = 23/36: (30 - 23) / (36 - 23)
    >>> round(weighted_scott_pi([[1, 1], [2, 2], [3, 2]], weights="linear"), 4)  # 7/13
    0.5385
    """
    return SUFFICIENT_MANY_RATERS["weighted_scott_pi"].estimate(
        *_data(rater_1, rater_2), weights=weights, categories=categories
    )


SUFFICIENT_MANY_RATERS: dict[str, Sufficient] = {
    "multi_rater_agreement": _entry(multi_rater_agreement, _agreement_from_sums),
    "randolph_kappa": _entry(randolph_kappa, _bp_from_sums, _resolve_unweighted),
    "weighted_brennan_prediger": _entry(
        weighted_brennan_prediger, _bp_from_sums, _resolve_weighted
    ),
    "weighted_scott_pi": _entry(weighted_scott_pi, _scott_from_sums, _resolve_weighted),
}
"""`Sufficient` entries of this module's statistics (count contributions, d = k + 3)."""
