"""Regression probes: logit of the judge's pick on the reference label, presentation position,
length and style differences, with item-clustered standard errors.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from .._validate import check_option
from ..stats.bootstrap import (
    check_resampling,
)
from . import frame
from .estimate import Est, empty_est
from .length_style import with_texts
from .registry import RESULT_COLUMNS, probe


def preference_regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    covariates: dict[str, float] | Sequence[str] = {"words_diff": 100.0},  # noqa: B006
    by: str | Sequence[str] | None = None,
    pooled: bool = False,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Logistic regression of the judge's pick on the human label, position and item factors.

    Model, one observation per decisive judge verdict (``A`` or ``B``)::

        logit P(judge picks A) = b0 + b_ref * ref_code + b_pos * position
                                 + sum_k b_k * x_k / scale_k  [+ judge effects]

    ``ref_code`` = (votes A - votes B) / votes of the reference on the item (+1
    when the reference picked A, -1 for B, 0 for a tie or an even split);
    ``position`` = +1 when A was shown first (``AB``), -1 when second (``BA``), 0
    unknown; ``x_k`` the A-minus-B factor differences of
    :mod:`workbench.factors` divided by ``scale_k`` (``words_diff / 100``: the
    coefficient is the log-odds change per 100 extra words). Fit by
    :class:`statsmodels.discrete.discrete_model.Logit` with cluster-robust
    (sandwich) standard errors clustered by item. Terms without variation (e.g.
    ``position`` when every verdict is ``AB``) are dropped.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with response texts.
    judge, reference, by
        See the module docstring.
    covariates : dict or sequence of str
        ``{factor_diff_column: scale}``; a sequence means scale 1.
    pooled : bool, default False
        One model per judge (False) or one model over all judges with judge
        fixed effects (``judge[<name>]`` terms; the reported ``judge`` is ``"pooled"``).
    confidence_level : float, default 0.95
        Wald intervals from the clustered covariance.

    Returns
    -------
    DataFrame
        ``[*by, "judge", "probe", "effect", "term", "estimate", "ci_low",
        "ci_high", "statistic" (z), "p_value", "n_items", "n_obs", "test",
        "reference", "note"]`` (:data:`REGRESSION_COLUMNS`); ``effect`` describes the
        term's unit. A judge without a fit (too few verdicts, perfect separation, a
        singular design) gets one NaN row whose ``note`` says why; warnings of
        statsmodels become notes.

    See Also
    --------
    length_regression, style_regression

    References
    ----------
    Cameron, A. C., Miller, D. L. (2015). A Practitioner's Guide to
    Cluster-Robust Inference. *J. Human Resources* 50(2), 317-372.
    https://doi.org/10.3368/jhr.50.2.317
    """
    return _regression(
        df,
        judge=judge,
        reference=reference,
        covariates=covariates,
        by=by,
        pooled=pooled,
        confidence_level=confidence_level,
        probe="preference_regression",
    )


REGRESSION_COLUMNS = ["judge", "probe", "effect", "term", *RESULT_COLUMNS[3:]]
"""Columns of :func:`preference_regression` (and the length / style regressions)."""


def _regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None,
    reference: str | Sequence[str],
    covariates: dict[str, float] | Sequence[str],
    by: str | Sequence[str] | None,
    pooled: bool,
    confidence_level: float,
    probe: str,
) -> pd.DataFrame:
    """:func:`preference_regression`, its rows named ``probe``."""
    df = frame.prepare_table(df)
    check_resampling(1, confidence_level)
    check_option("pooled", pooled, (True, False))
    if isinstance(covariates, str):
        covariates = [covariates]
    scales = dict(covariates) if isinstance(covariates, dict) else {c: 1.0 for c in covariates}
    if not scales:
        raise ValueError("covariates: expected at least one factor column, got none")
    for name, scale in scales.items():
        number = isinstance(scale, int | float | np.integer | np.floating)
        if isinstance(scale, bool) or not number or not np.isfinite(scale) or scale <= 0:
            raise ValueError(
                f"covariates: scale of {name!r}: expected a positive number (the unit of one "
                f"step), got {scale!r}"
            )
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    ref_name = frame.reference_name(reference)
    with_f, reasons = with_texts(df, judges, probe, list(scales), "covariates")
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows = frame.rater_rows(sub, scored)
        ref = frame.pairwise_reference(frame.rater_rows(sub, refs))
        records = []
        if pooled:
            if scored:
                records = _fit(
                    probe, "pooled", rows, ref, scales, pooled, ref_name, confidence_level
                )
        else:
            for j in scored:
                jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
                if not jr.empty:
                    records.extend(
                        _fit(probe, j, jr, ref, scales, pooled, ref_name, confidence_level)
                    )
        return frame.result_frame(records, extra=["term"])[REGRESSION_COLUMNS]

    main = "log-odds(judge picks A)"
    lacking = frame.lacking_rows(reasons, probe, main, ref_name, ["term"])
    out = frame.grouped(with_f, by, one, lacking[REGRESSION_COLUMNS])
    return frame.finish(
        out,
        probe,
        judge=None if pooled else judge,
        reference=reference,
        unscorable=reasons,
        judges=() if pooled else judges,
        effect=main,
    )


def _fit(
    probe: str,
    j: str,
    jr: pd.DataFrame,
    ref: pd.DataFrame,
    scales: dict[str, float],
    pooled: bool,
    ref_name: str | None,
    confidence_level: float,
) -> list[dict]:
    """One logistic fit (module docstring of :func:`preference_regression`): a record per term,
    or one NaN record saying why there is no fit."""
    import statsmodels.api as sm

    lab = jr["label"].astype("object").to_numpy(dtype=object)
    code = ref["ref_code"].reindex(jr["_unit"]).to_numpy(dtype=float)
    X = {"ref_code": code}
    order = jr["order"].astype("object").to_numpy(dtype=object)
    X["position"] = np.where(order == "AB", 1.0, np.where(order == "BA", -1.0, 0.0))
    for c, s in scales.items():
        X[c] = pd.to_numeric(jr[c]).astype("Float64").to_numpy(dtype=float, na_value=np.nan) / s
    if pooled and jr["rater"].nunique() > 1:
        dummies = pd.get_dummies(
            jr["rater"].astype("object"), prefix="judge", prefix_sep="[", dtype=float
        )
        for c in list(dummies.columns)[1:]:
            X[c + "]"] = dummies[c].to_numpy()
    X = pd.DataFrame(X)
    ok = np.isin(lab, ["A", "B"]) & X.notna().all(axis=1).to_numpy()
    X, y, groups = X[ok], (lab[ok] == "A").astype(float), jr["_cluster"].to_numpy()[ok]
    X = X.loc[:, X.std() > 0]
    X.insert(0, "const", 1.0)
    n_items = len(np.unique(groups))

    def failed(why: str) -> list[dict]:
        est = replace(empty_est(note=why), n_items=n_items, n_obs=len(y))
        return [frame.result_record(j, probe, "log-odds(judge picks A)", est, ref_name, term=None)]

    if not ok.any():
        return failed("no decisive verdict with a reference label and every covariate")
    if len(y) <= X.shape[1] or n_items < 2:
        return failed(f"{len(y)} verdicts on {n_items} items: too few for {X.shape[1]} terms")
    _, gcodes = np.unique(groups, return_inverse=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": gcodes})
        except Exception as exc:  # noqa: BLE001 - perfect separation, singular design
            return failed(f"the logistic fit failed: {type(exc).__name__}: {exc}"[:300])
    fit_note = "; ".join(sorted({f"statsmodels: {w.message}"[:200] for w in caught}))
    ci = res.conf_int(alpha=1 - confidence_level)
    records = []
    for term in X.columns:
        unit = f" per {scales[term]:g}" if term in scales and scales[term] != 1 else ""
        est = Est(
            float(res.params[term]),
            float(ci.loc[term, 0]),
            float(ci.loc[term, 1]),
            float(res.tvalues[term]),
            float(res.pvalues[term]),
            n_items,
            len(y),
            "Wald z (cluster-robust by item)",
            fit_note,
        )
        effect = f"log-odds(judge picks A): {term}{unit}"
        records.append(frame.result_record(j, probe, effect, est, ref_name, term=term))
    return records


@probe(
    "length_regression",
    protocols=("pairwise",),
    description="Logit of the judge's pick on the human label, position and length per 100 words (clustered SEs).",
)
def length_regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    pooled: bool = False,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Judge's pick on reference label, position and length difference per 100 words.

    :func:`preference_regression` with ``covariates={"words_diff": 100}``: the
    ``words_diff`` coefficient is the change in log-odds of picking ``A`` per 100
    words that A is longer than B, holding the reference's verdict and the
    presentation position fixed. ``probe`` is ``"length_regression"``.

    References
    ----------
    Dubois, Y. et al. (2024). Length-Controlled AlpacaEval: A Simple Way to
    Debias Automatic Evaluators. arXiv:2404.04475 (a GLM of the judge's
    preference with a length term).
    """
    return _regression(
        df,
        judge=judge,
        reference=reference,
        covariates={"words_diff": 100.0},
        by=by,
        pooled=pooled,
        confidence_level=confidence_level,
        probe="length_regression",
    )


STYLE_COVARIATES = {
    "words_diff": 100.0,
    "list_items_diff": 1.0,
    "headings_diff": 1.0,
    "bold_diff": 1.0,
    "refusal_diff": 1.0,
}
"""Covariates of :func:`style_regression` (factor column -> scale)."""


@probe(
    "style_regression",
    protocols=("pairwise",),
    description="Logit of the judge's pick on the human label, position, length and markdown/refusal differences.",
)
def style_regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    covariates: dict[str, float] = STYLE_COVARIATES,  # noqa: B006
    pooled: bool = False,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Judge's pick on reference label, position, length and markdown / refusal differences.

    :func:`preference_regression` with :data:`STYLE_COVARIATES`: one
    coefficient per extra list item, heading, bold span, refusal (A minus B),
    plus length per 100 words. ``probe`` is ``"style_regression"``.

    References
    ----------
    Li, J. et al. (2024). Dissecting Human and LLM Preferences. ACL.
    arXiv:2402.11296.
    """
    return _regression(
        df,
        judge=judge,
        reference=reference,
        covariates=covariates,
        by=by,
        pooled=pooled,
        confidence_level=confidence_level,
        probe="style_regression",
    )
