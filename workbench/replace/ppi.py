"""Prediction-powered estimates: few human labels plus many judge verdicts, valid intervals.

A small set of ``n`` *labelled* items carries a human outcome ``Y`` and the judge's
prediction ``Ŷ`` of it; a large set of ``N`` *unlabelled* items carries only ``Ŷ``.
Prediction-powered inference (PPI; Angelopoulos et al., Science 2023) estimates the mean of
``Y`` from the judge's mean on the unlabelled items, corrected by the judge's average error
on the labelled ones (the *rectifier*); PPI++ (Angelopoulos, Duchi & Zrnic 2023) weights the
judge by a power-tuning parameter ``λ`` chosen to minimise the variance:

- estimate ``θ̂_λ = λ · mean(Ŷ_unlabelled) + mean(Y - λ Ŷ)_labelled``;
- standard error ``se = sqrt( sd(λ Ŷ_unlabelled)² / N + sd(Y - λ Ŷ)²_labelled / n )``
  (``sd`` with divisor ``N`` / ``n``), and the normal-approximation interval
  ``θ̂_λ ± z_{1-α/2} se``;
- the optimal ``λ̂ = Cov(Y, Ŷ) / ((1 + n/N) Var(Ŷ))``, clipped to ``[0, 1]``, where
  ``Cov`` is taken on the labelled items (divisor ``n``) and ``Var(Ŷ)`` on the labelled and
  unlabelled predictions together (divisor ``n + N - 1``), as ``ppi-python`` does.
  ``λ = 1`` is classical PPI; ``λ = 0`` is the human-only (classical) mean and interval, so a
  judge that carries no information cannot make the interval much wider than people alone.

Functions:

- :func:`ppi_mean`: the array-level estimate; :func:`ppi_proportion` for 0/1 outcomes;
  :func:`human_only_mean`: the classical interval from the labelled outcomes alone.
- :func:`ppi_estimate`: the tidy front end. On a judgment table, the human reference
  (``human:majority`` / ``human`` / ``gold``, by
  :func:`workbench.agreement.pairs.resolve_reference`) of a labelled subset of items and the
  judge's verdict on every item estimate a ``win_rate`` (pairwise: share of items on which
  response A is preferred, a tie counting one half), an ``accuracy`` (binary: share of items
  judged ``correct``) or the ``agreement`` of another rater with people (share of items on
  which rater ``other`` gives the human label; the judge's agreement with ``other`` is the
  prediction).

The formulas follow ``ppi-python`` 0.2.3 (``ppi_py/ppi.py``: ``ppi_mean_pointestimate``,
``ppi_mean_ci`` and ``_calc_lam_glm`` with the identity inverse Hessian and ``clip=True``);
the tests check equality with it to 1e-9 (``ppi-python`` is a test-only dependency).

References
----------
Angelopoulos, A. N., Bates, S., Fannjiang, C., Jordan, M. I. & Zrnic, T. (2023).
Prediction-powered inference. Science 382(6671), 669–674. doi:10.1126/science.adi6000

Angelopoulos, A. N., Duchi, J. C. & Zrnic, T. (2023). PPI++: Efficient prediction-powered
inference. arXiv:2311.01453.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm

from .. import verdicts, vocab
from .._validate import check_option, check_table
from ..agreement.pairs import resolve_reference
from ..errors import SchemaError

__all__ = [
    "COLUMNS",
    "TARGETS",
    "PPIResult",
    "PPIWarning",
    "human_only_mean",
    "ppi_estimate",
    "ppi_mean",
    "ppi_proportion",
]

Target = Literal["win_rate", "accuracy", "agreement"]
TARGETS: tuple[str, ...] = ("win_rate", "accuracy", "agreement")
"""Estimands of :func:`ppi_estimate`."""

COLUMNS = [
    "judge",
    "target",
    "reference",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "human_only_estimate",
    "human_only_ci_low",
    "human_only_ci_high",
    "n_labelled",
    "n_unlabelled",
    "lam",
    "note",
]
"""Columns of the table :func:`ppi_estimate` returns, in order."""

_WIN = {"A": 1.0, "tie": 0.5, "B": 0.0}
_CORRECT = {"correct": 1.0, "incorrect": 0.0}


class PPIWarning(UserWarning):
    """An estimate could not be computed (NaN with a note) by :func:`ppi_estimate`."""


class PPIResult(NamedTuple):
    """A prediction-powered (or human-only) estimate of a mean with its interval.

    ``lam`` is the power-tuning parameter used (0 for the human-only estimate);
    ``n_unlabelled`` is 0 for the human-only estimate; ``note`` says why the interval is
    NaN when it is (empty otherwise).
    """

    estimate: float
    ci_low: float
    ci_high: float
    se: float
    lam: float
    n_labelled: int
    n_unlabelled: int
    note: str = ""


def _vector(x: npt.ArrayLike, name: str, *, min_size: int) -> np.ndarray:
    """``x`` as a finite 1-D float array of at least ``min_size`` values, else ValueError."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers, got {np.asarray(x).dtype} values") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{name}: NaN or infinite value at position {int(bad[0])}; drop it first")
    if arr.size < min_size:
        raise ValueError(f"{name}: expected at least {min_size} values, got {arr.size}")
    return arr


def _z(confidence_level: float) -> float:
    if not isinstance(confidence_level, (int, float)) or not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level: expected a number in (0, 1), got {confidence_level!r}")
    return float(norm.ppf(0.5 + confidence_level / 2))


def _result(est: float, se: float, z: float, lam: float, n: int, big_n: int) -> PPIResult:
    if se > 0:
        return PPIResult(est, est - z * se, est + z * se, se, lam, n, big_n)
    note = (
        "standard error 0 (constant labelled outcomes and predictions?): "
        "no normal-approximation interval"
    )
    return PPIResult(est, np.nan, np.nan, se, lam, n, big_n, note)


def ppi_mean(
    y_labelled: npt.ArrayLike,
    yhat_labelled: npt.ArrayLike,
    yhat_unlabelled: npt.ArrayLike,
    *,
    confidence_level: float = 0.95,
    power_tuning: bool = True,
    lam: float | None = None,
) -> PPIResult:
    """Prediction-powered estimate of the mean of ``Y`` with a normal-approximation interval.

    Parameters
    ----------
    y_labelled : array_like, shape (n,)
        Human outcomes of the labelled items (n >= 2, finite).
    yhat_labelled : array_like, shape (n,)
        The judge's predictions on the same items, in the same order.
    yhat_unlabelled : array_like, shape (N,)
        The judge's predictions on the unlabelled items (N >= 1).
    confidence_level : float, default 0.95
        Two-sided coverage of the interval.
    power_tuning : bool, default True
        Choose ``λ`` by PPI++ (see the module docstring); ``False``: classical PPI (``λ = 1``).
        Ignored when ``lam`` is given.
    lam : float, optional
        A fixed power-tuning parameter (``1``: PPI, ``0``: human-only estimate).

    Returns
    -------
    PPIResult
        ``estimate = λ mean(Ŷ_unlabelled) + mean(Y - λ Ŷ_labelled)``, ``ci_low``, ``ci_high``,
        ``se``, ``lam``, ``n_labelled``, ``n_unlabelled``, ``note``. The interval is NaN (with
        a note) when the standard error is 0. When the predictions are constant,
        ``Var(Ŷ) = 0`` and the tuned ``λ`` is 0 (every ``λ`` gives the same estimate).

    Raises
    ------
    ValueError
        An argument has NaN or infinite values, too few values, or the labelled arrays
        differ in length; ``confidence_level`` outside (0, 1); ``lam`` not finite.

    See Also
    --------
    ppi_proportion : the same for 0/1 outcomes, with a check that they are 0/1.
    human_only_mean : the classical interval from the labelled outcomes alone.

    Notes
    -----
    Tested against ``ppi-python`` 0.2.3 (``ppi_mean_pointestimate``, ``ppi_mean_ci`` with
    ``lam=None`` and ``lam=1``) to 1e-9, and by a coverage simulation.

    References
    ----------
    Angelopoulos, Duchi & Zrnic (2023), PPI++, arXiv:2311.01453 (the optimal ``λ`` for the
    mean); Angelopoulos et al. (2023), Science, doi:10.1126/science.adi6000.

    Examples
    --------
    A judge that is right on the four labelled items: ``Cov(Y, Ŷ) = 0.25`` (divisor 4),
    ``Var(Ŷ) = 15/56`` over all eight predictions (five ones, divisor 7), so
    ``λ = 0.25 / ((1 + 4/4) · 15/56) = 7/15``:

    >>> r = ppi_mean([1, 0, 1, 0], [1, 0, 1, 0], [1, 1, 1, 0])
    >>> round(r.lam, 4), round(r.estimate, 4)  # 7/15 * 0.75 + (0.5 - 7/15 * 0.5) = 0.6167
    (0.4667, 0.6167)
    >>> round(ppi_mean([1, 0, 1, 0], [1, 0, 1, 0], [1, 1, 1, 0], lam=1).estimate, 4)
    0.75
    """
    y = _vector(y_labelled, "y_labelled", min_size=2)
    yhat = _vector(yhat_labelled, "yhat_labelled", min_size=2)
    yhat_u = _vector(yhat_unlabelled, "yhat_unlabelled", min_size=1)
    if y.size != yhat.size:
        raise ValueError(
            f"yhat_labelled: expected as many values as y_labelled ({y.size}), got {yhat.size}"
        )
    z = _z(confidence_level)
    n, big_n = y.size, yhat_u.size
    if lam is None:
        lam = _tuned_lam(y, yhat, yhat_u) if power_tuning else 1.0
    elif not np.isfinite(lam):
        raise ValueError(f"lam: expected a finite number, got {lam!r}")
    lam = float(lam)
    est = float(lam * yhat_u.mean() + (y - lam * yhat).mean())
    se = float(np.sqrt((lam * yhat_u).var() / big_n + (y - lam * yhat).var() / n))
    return _result(est, se, z, lam, n, big_n)


def _tuned_lam(y: np.ndarray, yhat: np.ndarray, yhat_u: np.ndarray) -> float:
    """PPI++'s variance-minimising ``λ`` for the mean, clipped to [0, 1] (0 if Var(Ŷ) = 0)."""
    n, big_n = y.size, yhat_u.size
    cov = float(np.mean((y - y.mean()) * (yhat - yhat.mean())))
    var = float(np.var(np.concatenate([yhat, yhat_u]), ddof=1))
    if var == 0:
        return 0.0
    return float(np.clip(cov / ((1 + n / big_n) * var), 0.0, 1.0))


def _binary(x: npt.ArrayLike, name: str, min_size: int) -> np.ndarray:
    arr = _vector(x, name, min_size=min_size)
    bad = np.flatnonzero((arr != 0) & (arr != 1))
    if bad.size:
        raise ValueError(
            f"{name}: expected 0/1 values, got {float(arr[bad[0]])!r} at position {int(bad[0])}"
        )
    return arr


def ppi_proportion(
    y_labelled: npt.ArrayLike,
    yhat_labelled: npt.ArrayLike,
    yhat_unlabelled: npt.ArrayLike,
    *,
    confidence_level: float = 0.95,
    power_tuning: bool = True,
    lam: float | None = None,
) -> PPIResult:
    """Prediction-powered estimate of a proportion: :func:`ppi_mean` of 0/1 outcomes.

    Parameters and returns as :func:`ppi_mean`; every value must be 0 or 1 (or bool),
    else ValueError naming the argument and the first offending position. The estimate
    may fall slightly outside [0, 1] (the rectifier is unbounded); it is not clipped.

    See Also
    --------
    ppi_mean : any real outcomes (e.g. a win rate with ties as 0.5).

    Examples
    --------
    >>> r = ppi_proportion([True, False, True, False], [1, 0, 1, 0], [1, 1, 1, 0], lam=0)
    >>> r.estimate, r.lam  # lam = 0: the share of labelled ones, 2/4
    (0.5, 0.0)
    """
    return ppi_mean(
        _binary(y_labelled, "y_labelled", 2),
        _binary(yhat_labelled, "yhat_labelled", 2),
        _binary(yhat_unlabelled, "yhat_unlabelled", 1),
        confidence_level=confidence_level,
        power_tuning=power_tuning,
        lam=lam,
    )


def human_only_mean(y_labelled: npt.ArrayLike, *, confidence_level: float = 0.95) -> PPIResult:
    """The classical interval from the labelled outcomes alone: ``mean(Y) ± z sd(Y)/sqrt(n)``.

    ``sd`` has divisor ``n`` (as ``ppi-python``'s ``classical_mean_ci``); this is
    :func:`ppi_mean` with ``λ = 0``. ``lam`` is 0 and ``n_unlabelled`` 0 in the result.

    Examples
    --------
    >>> r = human_only_mean([1, 0, 1, 0])
    >>> r.estimate, round(r.se, 4)  # sd = 0.5, se = 0.5 / 2
    (0.5, 0.25)
    """
    y = _vector(y_labelled, "y_labelled", min_size=2)
    z = _z(confidence_level)
    return _result(float(y.mean()), float(y.std() / np.sqrt(y.size)), z, 0.0, y.size, 0)


def _per_item(df: pd.DataFrame, rater: str) -> pd.Series:
    """The label of ``rater`` per item_id (one row per item), NA labels dropped."""
    rows = df[(df["rater"] == rater).to_numpy()]
    if rows["item_id"].duplicated().any():
        dup = rows.loc[rows["item_id"].duplicated(), "item_id"].iloc[0]
        raise ValueError(
            f"rater {rater!r} has several rows for item {dup!r} (presentation orders?); "
            "pick a resolve rule other than 'per_order'"
        )
    out = pd.Series(rows["label"].astype("object").to_numpy(), index=rows["item_id"].to_numpy())
    return out[out.notna()]


def _outcomes(
    df: pd.DataFrame, protocol: str, target: str, judge: str, ref: str, other: str | None
) -> tuple[pd.Series, pd.Series]:
    """Human outcome ``Y`` per item (labelled candidates) and the judge's ``Ŷ`` per item."""
    human, pred = _per_item(df, ref), _per_item(df, judge)
    if target == "agreement":
        if other is None:
            raise ValueError(
                "other: target='agreement' needs the rater whose agreement to estimate"
            )
        theirs = _per_item(df, other)
        human = (human == theirs.reindex(human.index)).astype(float)[human.index.isin(theirs.index)]
        pred = (pred == theirs.reindex(pred.index)).astype(float)[pred.index.isin(theirs.index)]
        return human, pred
    need = {"win_rate": "pairwise", "accuracy": "binary"}[target]
    if protocol != need:
        raise ValueError(f"target: {target!r} needs a {need} table, got protocol {protocol!r}")
    codes = _WIN if target == "win_rate" else _CORRECT
    return human.map(codes).astype(float), pred.map(codes).astype(float)


def _labelled_ids(
    candidates: pd.Index,
    labelled_items: Sequence[str] | None,
    n_labelled: int | None,
    rng: int | np.random.Generator | None,
) -> pd.Index:
    if labelled_items is not None and n_labelled is not None:
        raise ValueError("labelled_items, n_labelled: give one of them, not both")
    if labelled_items is not None:
        return candidates.intersection(pd.Index([str(i) for i in labelled_items]))
    if n_labelled is None:
        return candidates
    if not isinstance(n_labelled, (int, np.integer)) or not 0 < n_labelled <= len(candidates):
        raise ValueError(
            f"n_labelled: expected an integer in [1, {len(candidates)}] (items with a human "
            f"label and a judge verdict), got {n_labelled!r}"
        )
    pick = np.random.default_rng(rng).choice(len(candidates), size=int(n_labelled), replace=False)
    return candidates.sort_values()[np.sort(pick)]


def ppi_estimate(
    df: pd.DataFrame,
    *,
    judge: str,
    target: Target = "win_rate",
    other: str | None = None,
    reference: str = "human",
    resolve: vocab.Rule = "fastchat",
    labelled_items: Sequence[str] | None = None,
    n_labelled: int | None = None,
    rng: int | np.random.Generator | None = 0,
    confidence_level: float = 0.95,
    power_tuning: bool = True,
) -> pd.DataFrame:
    """Prediction-powered estimate of a human win rate, accuracy or agreement on a tidy table.

    The human reference labels a subset of the items; the judge's verdicts on every item
    power the estimate (see the module docstring). The labelled items are those of
    ``labelled_items``, or ``n_labelled`` drawn at random (``rng``) from the items that have
    both a human label and a judge verdict, or by default every such item; the *unlabelled*
    items are the other items with a judge verdict. Items whose judge verdict is NA
    (unparsable) are left out, as are labelled candidates whose human label is NA (a tied
    majority): the estimand is the mean over items that have a human label.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table of one protocol and one criterion (:mod:`workbench.schema`).
    judge : str
        The rater whose verdicts predict the human outcome.
    target : {"win_rate", "accuracy", "agreement"}, default "win_rate"
        ``win_rate`` (pairwise): the share of items on which people prefer response A
        (``A`` = 1, ``tie`` = 0.5, ``B`` = 0). ``accuracy`` (binary): the share judged
        ``correct``. ``agreement``: the share of items on which rater ``other`` gives the
        human label (prediction: ``other`` equals the judge's label).
    other : str, optional
        The rater of ``target="agreement"``.
    reference : str, default "human"
        The human side, resolved by :func:`workbench.agreement.pairs.resolve_reference`
        (``human:majority``, else ``human``, else the majority of ``human:<id>``, else ``gold``).
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "fastchat"
        How a judge's two presentation orders become one verdict
        (:func:`workbench.verdicts.resolve_orders`).
    labelled_items, n_labelled, rng
        The labelled subset (see above); give at most one of ``labelled_items``, ``n_labelled``.
    confidence_level, power_tuning
        As :func:`ppi_mean`.

    Returns
    -------
    DataFrame
        One row with :data:`COLUMNS`: the PPI(++) ``estimate``, ``ci_low``, ``ci_high``,
        ``se``; the human-only estimate and interval on the same labelled items;
        ``n_labelled``, ``n_unlabelled``, ``lam`` and ``note``. Fewer than two labelled items
        or no unlabelled item give NaN with a note and one :class:`PPIWarning`.

    Raises
    ------
    SchemaError
        ``df`` is not a valid table, or has several protocols or criteria.
    ValueError
        ``judge`` / ``other`` not raters of ``df``; ``target`` unknown or not for this
        protocol; both or bad ``labelled_items`` / ``n_labelled``.

    See Also
    --------
    ppi_mean : the array-level estimate.

    Examples
    --------
    Ten items (ids ``0``-``9``); the judge differs from people on the last two. Items
    ``6``-``9`` are labelled: ``Y = 1, 0, 0, 1`` (A = 1), ``Ŷ = 1, 0, 1, 0``, so
    ``Cov(Y, Ŷ) = 0``, ``λ = 0`` and the estimate is the human-only one, 2/4:

    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "AABAABABBA", "j": "AABAABABAB"})
    >>> out = ppi_estimate(df, judge="j", labelled_items=["6", "7", "8", "9"])
    >>> out[["estimate", "lam", "human_only_estimate", "n_labelled", "n_unlabelled"]]
       estimate  lam  human_only_estimate  n_labelled  n_unlabelled
    0       0.5  0.0                  0.5           4             6
    """
    check_option("target", target, TARGETS)
    check_table(df)
    for col in ("protocol", "criterion"):
        seen = pd.Series(df[col].dropna().unique()).astype("object").tolist()
        if len(seen) != 1:
            raise SchemaError(f"df: expected one {col}, got {sorted(map(str, seen))}; filter first")
    protocol = str(df["protocol"].dropna().iloc[0])
    if df["dataset"].nunique() != 1:
        raise SchemaError("df: expected one dataset; filter first")
    for name, rater in (("judge", judge), ("other", other)):
        if rater is not None and not (df["rater"] == rater).any():
            raise ValueError(f"{name}: rater {rater!r} not in the table")
    table, ref = resolve_reference(df, reference)
    table = verdicts.resolve_orders(table, rule=resolve)
    human, pred = _outcomes(table, protocol, target, judge, ref, other)
    candidates = human.index.intersection(pred.index)
    if labelled_items is not None:
        unknown = sorted(set(map(str, labelled_items)) - set(df["item_id"].astype("object")))
        if unknown:
            raise ValueError(f"labelled_items: item(s) {unknown[:5]} not in the table")
    labelled = _labelled_ids(candidates, labelled_items, n_labelled, rng)
    unlabelled = pred.index.difference(labelled)
    row = dict(judge=judge, target=target, reference=ref, n_labelled=len(labelled))
    row["n_unlabelled"] = len(unlabelled)
    if len(labelled) < 2 or len(unlabelled) < 1:
        note = f"{len(labelled)} labelled and {len(unlabelled)} unlabelled items: no PPI estimate"
        warnings.warn(note, PPIWarning, stacklevel=2)
        return pd.DataFrame([row | {"lam": np.nan, "note": note}]).reindex(columns=COLUMNS)
    y, yhat = human.loc[labelled].to_numpy(), pred.loc[labelled].to_numpy()
    kw = dict(confidence_level=confidence_level)
    res = ppi_mean(y, yhat, pred.loc[unlabelled].to_numpy(), power_tuning=power_tuning, **kw)
    base = human_only_mean(y, **kw)
    notes = ["PPI++ (tuned lam)" if power_tuning else "PPI (lam = 1)", res.note, base.note]
    row |= dict(estimate=res.estimate, ci_low=res.ci_low, ci_high=res.ci_high, se=res.se)
    row |= dict(lam=res.lam, human_only_estimate=base.estimate)
    row |= dict(human_only_ci_low=base.ci_low, human_only_ci_high=base.ci_high)
    row["note"] = "; ".join(n for n in notes if n)
    return pd.DataFrame([row], columns=COLUMNS)
