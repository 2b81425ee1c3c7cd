"""The Alternative Annotator Test: may this judge replace the human annotators?

Calderon, Reichart & Dror (2025) ask, for every human annotator in turn, whether the judge
represents the *remaining* annotators at least as well as the excluded annotator does, and
let the judge pass when it wins against at least half of the annotators.

Definitions (the paper's Sec. 3, and its reference implementation: repository
``nitaytech/AltTest``, ``alt_test_example.ipynb`` at commit
``13eada270fed73be2dfba64392a14b905df65e27``, functions ``alt_test``, ``accuracy``,
``neg_rmse``, ``ttest``, ``by_procedure``):

- An *instance* is an (item, criterion) of one dataset; it is kept when it has at least two
  human annotators and a judge verdict (the judge's unparsable, NA, verdicts leave their
  instances out).
- For annotator ``j`` and each instance ``i`` that ``j`` annotated, with ``H_i`` the other
  annotators of ``i``: the alignment score ``S(f, i)`` of the judge ``f`` and ``S(j, i)`` of
  ``j`` with ``H_i``. ``accuracy``: the share of ``H_i`` whose label equals the rater's;
  ``neg_rmse`` (ratings): ``-sqrt(mean_{h in H_i} (x - x_h)^2)``.
- Indicators ``W_f(i) = 1[S(f, i) >= S(j, i)]`` and ``W_j(i) = 1[S(j, i) >= S(f, i)]``
  (a tie counts for both); ``rho_f = mean W_f`` is the judge's *advantage share* against
  ``j``, ``rho_j = mean W_j``.
- ``H0: rho_f <= rho_j - epsilon`` against ``H1: rho_f > rho_j - epsilon``: a one-sided
  one-sample t-test that the mean of ``d = W_j - W_f`` is below ``epsilon``
  (``scipy.stats.ttest_1samp(d, epsilon, alternative="less")``).
- The p-values of all annotators are corrected by Benjamini–Yekutieli at level ``q``
  (``statsmodels`` ``multipletests(method="fdr_by")``, the same step-up rule as the
  reference's ``by_procedure``); the judge *wins* against ``j`` when ``j``'s null is rejected.
- Winning rate ``omega`` = share of annotators won against; the judge **passes** when
  ``omega >= 0.5``. Advantage probability ``rho`` = mean of ``rho_f`` over annotators (the
  probability that the judge is as good as or better than a random annotator); use it to
  rank judges.

Choosing epsilon (the cost-benefit margin; the paper's rule of thumb, Sec. 3.3 and the
reference README's FAQ): **0.2** for expert annotators (reliable but expensive), **0.15**
for skilled annotators (trained workers, students), **0.1** for crowd workers; use a
smaller value when inter-annotator agreement is low. The paper asks for at least 30
instances per annotator (the t-test's normality) and recommends 50–100, and at least three
annotators (with two, the test only asks which of them the judge resembles more).

Examples
--------
Three annotators agree everywhere and a judge copies them on 30 items: every indicator is
1 for both sides, ``d = 0`` and the t-test against ``epsilon = 0.2`` rejects (a constant
sample below ``epsilon`` has p = 0), so the judge wins against all three:

>>> from workbench.testing import toy
>>> same = "AB" * 15
>>> df = toy(pairwise={"human:1": same, "human:2": same, "human:3": same, "j": same})
>>> alt_test(df)[["judge", "winning_rate", "advantage_probability", "passed", "n_annotators"]]
  judge  winning_rate  advantage_probability  passed  n_annotators
0     j           1.0                    1.0    True             3

A judge that always says ``A`` is as good as an annotator on the 15 ``A`` items and worse on
the 15 ``B`` items (``rho_f = 0.5``, ``rho_j = 1``, mean ``d = 0.5 > 0.2``), so it loses:

>>> out = alt_test(toy(pairwise={"human:1": same, "human:2": same, "j": "A" * 30}), detail=True)
>>> out[["annotator", "n_items", "rho_judge", "rho_annotator", "won"]]
  annotator  n_items  rho_judge  rho_annotator    won
0   human:1       30        0.5            1.0  False
1   human:2       30        0.5            1.0  False

References
----------
Calderon, N., Reichart, R. & Dror, R. (2025). The Alternative Annotator Test for
LLM-as-a-Judge: How to Statistically Justify Replacing Human Annotators with LLMs. ACL 2025,
16051–16081. arXiv:2501.10970. https://aclanthology.org/2025.acl-long.782/

Benjamini, Y. & Yekutieli, D. (2001). The control of the false discovery rate in multiple
testing under dependency. Annals of Statistics 29(4), 1165–1188.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import ttest_1samp
from statsmodels.stats.multitest import multipletests

from .._validate import check_option, check_table
from ..errors import SchemaError

__all__ = ["COLUMNS", "DETAIL_COLUMNS", "SCORINGS", "AltTestWarning", "alt_test"]

Scoring = Literal["auto", "accuracy", "neg_rmse"]
SCORINGS: tuple[str, ...] = ("auto", "accuracy", "neg_rmse")
"""Alignment scores: ``auto`` = ``accuracy`` for labels, ``neg_rmse`` for ratings."""

COLUMNS = ["judge", "winning_rate", "advantage_probability", "passed", "n_annotators", "n_items"]
COLUMNS += ["note"]
"""Columns of :func:`alt_test` (one row per judge)."""
DETAIL_COLUMNS = ["judge", "annotator", "n_items", "rho_judge", "rho_annotator", "p_value"]
DETAIL_COLUMNS += ["p_adjusted", "won", "note"]
"""Columns of ``alt_test(..., detail=True)`` (one row per judge and annotator)."""

_INSTANCE = ["item_id", "criterion"]


class AltTestWarning(UserWarning):
    """Some judges could not be tested (NaN rows); see ``note``."""


def _number(name: str, value: object, low: float, high: float, *, integer: bool = False):
    """``value`` if it is a (whole) number in ``[low, high]``, else ValueError naming ``name``."""
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool) and low <= value <= high
    if not ok:
        what = "an integer" if integer else "a number"
        raise ValueError(f"{name}: expected {what} in [{low}, {high}], got {value!r}")
    return value


def _matrix(df: pd.DataFrame, col: str, raters: list[str]) -> pd.DataFrame:
    """Instances x raters table of ``col`` (NA = no usable judgment), one judgment per cell."""
    rows = df.loc[df["rater"].isin(raters), [*_INSTANCE, "rater", col]]
    rows = rows[rows[col].notna()]
    twice = rows.duplicated([*_INSTANCE, "rater"])
    if twice.any():
        i = rows.index[np.flatnonzero(twice.to_numpy())[0]]
        raise SchemaError(
            f"df: rater {df.at[i, 'rater']!r} judged item {df.at[i, 'item_id']!r} more than once "
            "(two presentation orders?); resolve them first, e.g. "
            "workbench.verdicts.resolve_orders(df, rule='fastchat')"
        )
    wide = rows.pivot(index=_INSTANCE, columns="rater", values=col)
    return wide.reindex(columns=raters)


def _indicators(judge: np.ndarray, x: np.ndarray, h: int, scoring: str):
    """(W_judge, W_annotator) on the rows where annotator ``h``, the judge and >= 1 other
    annotator are present; ``x`` is instances x annotators (NaN missing)."""
    present = ~np.isnan(x)
    others = present.copy()
    others[:, h] = False
    keep = present[:, h] & ~np.isnan(judge) & others.any(axis=1)
    xo, f, own = x[keep], judge[keep], x[keep, h]
    mask, n = others[keep], others[keep].sum(axis=1)
    if scoring == "accuracy":
        s_f = np.where(mask, xo == f[:, None], False).sum(axis=1) / n
        s_h = np.where(mask, xo == own[:, None], False).sum(axis=1) / n
    else:
        s_f = -np.sqrt(np.where(mask, (f[:, None] - xo) ** 2, 0.0).sum(axis=1) / n)
        s_h = -np.sqrt(np.where(mask, (own[:, None] - xo) ** 2, 0.0).sum(axis=1) / n)
    return (s_f >= s_h).astype(float), (s_h >= s_f).astype(float), keep


def _one_judge(judge, x, names, *, epsilon, scoring, min_items):
    """The detail rows of one judge (all annotators) and the instances the test used."""
    rows, used = [], np.zeros(len(x), dtype=bool)
    for h, name in enumerate(names):
        w_f, w_h, keep = _indicators(judge, x, h, scoring)
        row = {"annotator": name, "n_items": len(w_f), "rho_judge": np.nan}
        row |= {"rho_annotator": np.nan, "p_value": np.nan, "note": ""}
        if len(w_f) < min_items:
            row["note"] = f"left out: {len(w_f)} usable items < min_items={min_items}"
        else:
            with warnings.catch_warnings():  # constant d: scipy warns, p is 0, 1 or NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                p = ttest_1samp(w_h - w_f, epsilon, alternative="less").pvalue
            row |= {"rho_judge": w_f.mean(), "rho_annotator": w_h.mean(), "p_value": float(p)}
            used |= keep
        rows.append(row)
    return pd.DataFrame(rows), used


def _correct(detail: pd.DataFrame, q: float) -> pd.DataFrame:
    """Benjamini–Yekutieli over the tested annotators; a NaN p-value (d constant and equal to
    epsilon) counts as 1: never rejected, yet one of the m tests, as in the reference."""
    tested = detail["note"].eq("").to_numpy()
    detail["p_adjusted"] = np.nan
    detail["won"] = pd.array([pd.NA] * len(detail), dtype="boolean")
    if tested.any():
        p = detail.loc[tested, "p_value"].fillna(1.0).to_numpy()
        reject, adjusted, _, _ = multipletests(p, alpha=q, method="fdr_by")
        detail.loc[tested, "p_adjusted"] = adjusted
        detail.loc[tested, "won"] = reject
    return detail


def alt_test(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    epsilon: float = 0.2,
    q: float = 0.05,
    scoring: Scoring = "auto",
    min_items: int = 30,
    min_annotators: int = 2,
    detail: bool = False,
) -> pd.DataFrame:
    """The Alternative Annotator Test of each judge against the individual annotators.

    Parameters
    ----------
    df : DataFrame
        A tidy judgment table (:mod:`workbench.schema`) of one dataset and one protocol, with
        individual annotators ``human:<id>`` (rater kind ``human``; ``human:majority`` and the
        aggregated ``human`` are never annotators). Each rater gives at most one judgment per
        (item, criterion): resolve a judge's two presentation orders first
        (:func:`workbench.verdicts.resolve_orders`). Criteria are pooled: each (item,
        criterion) is one instance, as the paper does for multi-aspect tasks; filter ``df``
        to test one criterion.
    judge : str or sequence of str, optional
        Judges to test; default every rater of kind ``llm``.
    epsilon : float, default 0.2
        Cost-benefit margin in [0, 1): 0.2 for experts, 0.15 for skilled annotators, 0.1 for
        crowd workers (the paper's guidance).
    q : float, default 0.05
        Benjamini–Yekutieli false-discovery-rate level, in (0, 1).
    scoring : {"auto", "accuracy", "neg_rmse"}, default "auto"
        Alignment score: ``accuracy`` (labels; on a rating table, exact score matches) or
        ``neg_rmse`` (ratings only); ``auto`` picks ``accuracy`` for pairwise and binary
        tables and ``neg_rmse`` for ratings.
    min_items : int, default 30
        An annotator with fewer usable instances is left out (the detail row says so).
    min_annotators : int, default 2
        A judge tested against fewer annotators gets a NaN row with a note (and one
        :class:`AltTestWarning`).
    detail : bool, default False
        Return the per-annotator table instead.

    Returns
    -------
    DataFrame
        One row per judge (:data:`COLUMNS`): ``winning_rate`` (omega in [0, 1]),
        ``advantage_probability`` (rho in [0, 1]), ``passed`` (omega >= 0.5),
        ``n_annotators`` (annotators tested), ``n_items`` (instances in at least one test),
        ``note``. With ``detail=True`` one row per judge and annotator
        (:data:`DETAIL_COLUMNS`): usable ``n_items``, ``rho_judge`` (the judge's advantage
        share), ``rho_annotator``, ``p_value``, BY-adjusted ``p_adjusted``, ``won``; NaN /
        NA with a ``note`` for annotators left out.

    Raises
    ------
    SchemaError
        A bad table, several datasets or protocols, no individual annotators, or a rater
        with two judgments of one instance.
    ValueError
        An option outside its range or vocabulary, naming the argument.

    See Also
    --------
    workbench.agreement : agreement with the human ceiling on the same footing.

    Notes
    -----
    Tested against an independent loop implementation of the reference procedure
    (``tests/test_alt_test.py``). On ratings the scores are compared as the reference does
    (``-sqrt`` of the mean squared difference), so judges should use the annotators' scale.
    """
    check_table(df)
    check_option("scoring", scoring, SCORINGS)
    _number("epsilon", epsilon, 0.0, 1.0)
    if epsilon == 1.0:
        raise ValueError("epsilon: expected a number in [0.0, 1.0), got 1.0")
    _number("q", q, 1e-12, 1.0 - 1e-12)
    _number("min_items", min_items, 2, np.iinfo(np.int64).max, integer=True)
    _number("min_annotators", min_annotators, 1, np.iinfo(np.int64).max, integer=True)
    for col, what in (("dataset", "dataset"), ("protocol", "protocol")):
        seen = sorted(pd.Series(df[col].unique()).dropna().astype(str))
        if len(seen) != 1:
            raise SchemaError(f"df: expected one {what}, got {seen}; filter first")
    protocol = str(df["protocol"].iloc[0])
    if scoring == "auto":
        scoring = "neg_rmse" if protocol == "rating" else "accuracy"
    elif scoring == "neg_rmse" and protocol != "rating":
        raise ValueError(f"scoring: 'neg_rmse' needs ratings, got a {protocol} table")
    raters = df["rater"].astype(str)
    kind = df["rater_kind"].astype(str)
    humans = sorted(
        set(raters[(kind == "human") & raters.str.startswith("human:")]) - {"human:majority"}
    )
    if not humans:
        raise SchemaError("df: no individual annotators (rater 'human:<id>'); nothing to test")
    if judge is None:
        judges = sorted(set(raters[kind == "llm"]))
    else:
        judges = [judge] if isinstance(judge, str) else list(judge)
        unknown = sorted(set(judges) - set(raters) | set(judges) & set(humans))
        if unknown or not judges:
            raise ValueError(f"judge: expected judges of the table, got {unknown or judges}")
    col = "score" if protocol == "rating" else "label"
    wide = _matrix(df, col, humans + judges)
    if col == "label":
        codes = {v: k for k, v in enumerate(pd.unique(wide.stack().astype(str)))}
        wide = wide.apply(lambda s: s.map(codes, na_action="ignore"))
    values = wide.to_numpy(dtype=float, na_value=np.nan)
    x = values[:, : len(humans)]
    summary, details = [], []
    for k, name in enumerate(judges):
        one, used = _one_judge(
            values[:, len(humans) + k],
            x,
            humans,
            epsilon=epsilon,
            scoring=scoring,
            min_items=min_items,
        )
        one = _correct(one, q)
        details.append(one.assign(judge=name))
        tested = one[one["note"].eq("")]
        left = len(one) - len(tested)
        note = f"{left} of {len(one)} annotators left out (< {min_items} items)" if left else ""
        row = {"judge": name, "n_annotators": len(tested), "n_items": int(used.sum())}
        if len(tested) < min_annotators:
            why = f"{len(tested)} annotators with >= {min_items} usable items < min_annotators"
            row |= {"winning_rate": np.nan, "advantage_probability": np.nan, "passed": pd.NA}
            row["note"] = f"{why}={min_annotators}" + (f"; {note}" if note else "")
        else:
            omega = float(tested["won"].astype(bool).mean())
            row |= {"winning_rate": omega, "passed": omega >= 0.5, "note": note}
            row["advantage_probability"] = float(tested["rho_judge"].mean())
        summary.append(row)
    if detail:
        out = pd.concat(details, ignore_index=True) if details else pd.DataFrame()
        return out.reindex(columns=DETAIL_COLUMNS)
    out = pd.DataFrame(summary).reindex(columns=COLUMNS)
    out["passed"] = out["passed"].astype("boolean")
    nan = out["winning_rate"].isna().to_numpy()
    if nan.any():
        warnings.warn(
            f"{int(nan.sum())} of {len(out)} judges could not be tested; see the note column "
            f"(e.g. {out.loc[nan, 'note'].iloc[0]!r})",
            AltTestWarning,
            stacklevel=2,
        )
    return out
