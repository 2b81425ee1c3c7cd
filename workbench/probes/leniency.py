"""Leniency probe: false-positive / false-negative rates of a binary judge on correctness and the
exam-taker ranking it implies (Thakur et al. 2024).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from .._validate import check_option
from ..engines.projected import accepts_sources
from ..stats.bootstrap import (
    bootstrap_resample,
)
from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, resampling_options, wilson
from .registry import probe


def binary_pairs(
    df: pd.DataFrame, judges: list[str], refs: list[str]
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Judge rows with a parsed binary label, and per unit the reference plurality (True = correct) and share."""
    rows = frame.rater_rows(df, judges)
    rrows = frame.rater_rows(df, refs)
    lab = rrows["label"].astype("object")
    ok = lab.isin(["correct", "incorrect"]).to_numpy()
    c = pd.Series((lab[ok] == "correct").to_numpy(dtype=float), index=rrows["_unit"].to_numpy()[ok])
    share = c.groupby(level=0).mean()
    ref = share.map(lambda s: True if s > 0.5 else False if s < 0.5 else None)
    rows = rows[rows["label"].astype("object").isin(["correct", "incorrect"]).to_numpy()]
    return rows, ref, share


@probe(
    "leniency",
    protocols=("binary",),
    description="False-positive / false-negative rates on correctness and exam-taker ranking (Thakur et al. 2024).",
)
@accepts_sources(keep=("prompt",))
def leniency(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "human",
    by: str | Sequence[str] | None = None,
    ranking: bool = True,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Leniency on binary correctness: false positives, false negatives and exam-taker rankings.

    With ``J`` = the judge says ``correct`` and ``H`` = the reference (plurality)
    says ``correct``, over units where both have a label:

    ``false-positive rate``
        ``P(J | not H)``: share of answers the reference marks incorrect that the
        judge accepts. Wilson CI (:func:`scipy.stats.binomtest`).
    ``false-negative rate``
        ``P(not J | H)``. Wilson CI.
    ``acceptance shift (judge - reference)``
        ``P(J) - P(H)`` = (FP - FN) / n, cluster-bootstrap CI; exact McNemar
        test (binomial test of FP among FP + FN discordant units, ``statistic`` =
        FP), :func:`statsmodels.stats.contingency_tables.mcnemar`.
    ``Spearman(model accuracy: judge vs reference)``
        With ``ranking`` and a ``model`` column (exam-takers): the Spearman
        correlation between the exam-takers' accuracies as scored by the judge
        and by the reference; percentile bootstrap CI resampling questions
        (``prompt``; all exam-takers' answers to a question move together);
        ``p_value`` from :func:`scipy.stats.spearmanr` (few models: low power).

    Rows are ordered by judge, judges by decreasing false-positive rate.

    Parameters
    ----------
    df : DataFrame
        Tidy binary judgments.
    judge, reference, by
        See the module docstring.
    ranking : bool, default True
        Add the Spearman ranking row.
    n_resamples, confidence_level, rng
        Bootstrap settings.
    engine : {"pandas", "duckdb", "spark"}, default "pandas"
        With ``"duckdb"`` / ``"spark"`` the engine reads ``df`` (a DataFrame, a
        parquet/CSV path or glob, or an Ibis table) without the text columns (it keeps ``prompt``, the questions of the ranking) and
        this runs in pandas on that projection (:func:`workbench.engines.projected`): the
        same result.

    References
    ----------
    Thakur, A. S. et al. (2024). Judging the Judges: Evaluating Alignment and
    Vulnerabilities in LLMs-as-Judges. arXiv:2406.12624 (false positives /
    negatives of judges on TriviaQA; exam-taker rankings by judge vs humans).
    McNemar, Q. (1947). *Psychometrika* 12(2), 153-157. https://doi.org/10.1007/BF02295996

    Examples
    --------
    >>> from workbench.schema import conform
    >>> pairs = [("correct", "correct"), ("correct", "incorrect"), ("correct", "incorrect"),
    ...          ("incorrect", "incorrect"), ("incorrect", "correct")]
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="binary", criterion="overall", rater=r,
    ...              rater_kind=k, label=lab) for i, (jl, hl) in enumerate(pairs)
    ...         for r, k, lab in [("j", "llm", jl), ("human", "human", hl)]]
    >>> res = leniency(conform(pd.DataFrame(rows)), ranking=False, rng=0).set_index("effect")["estimate"]
    >>> res.round(4).to_dict()  # FP 2 of 3 human-incorrect; FN 1 of 2 human-correct; (2 - 1) / 5
    {'false-positive rate': 0.6667, 'false-negative rate': 0.5, 'acceptance shift (judge - reference)': 0.2}
    """
    df = frame.prepare_table(df)
    opts = resampling_options(n_resamples, confidence_level, rng)
    check_option("ranking", ranking, (True, False))
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    ref_name = frame.reference_name(reference)
    probe = "leniency"
    reasons = frame.unscorable_judges(df, judges, probe, ("binary",))
    scored = [j for j in judges if j not in reasons]
    binary = df[(df["protocol"].astype("object") == "binary").to_numpy()]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows, ref, _ = binary_pairs(sub, scored, refs)
        records, fpr = [], {}
        has_models = "model" in sub.columns
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            recs, fp_rate = _judge_records(j, jr, ref, ref_name, opts, ranking, has_models)
            records.extend(recs)
            if fp_rate is not None:
                fpr.setdefault(j, fp_rate)
        return _order_by_fpr(frame.result_frame(records), fpr)

    main = SHIFT
    lacking = frame.lacking_rows(reasons, probe, main, ref_name)
    out = frame.grouped(binary, by, one, lacking)
    return frame.finish(
        out,
        probe,
        judge=judge,
        reference=reference,
        unscorable=reasons,
        default_reference="human",
        judges=judges,
        effect=main,
    )


SHIFT = "acceptance shift (judge - reference)"
SPEARMAN = "Spearman(model accuracy: judge vs reference)"


def _judge_records(
    j: str,
    jr: pd.DataFrame,
    ref: pd.Series,
    ref_name: str | None,
    opts: dict[str, Any],
    ranking: bool,
    has_models: bool,
) -> tuple[list[dict], float | None]:
    """Result records of one judge (FP and FN rates, acceptance shift, ranking) and its FP rate.

    The FP rate is None when no unit has both labels.
    """
    h = ref.reindex(jr["_unit"]).to_numpy(dtype=object)
    ok = pd.notna(h)
    if not ok.any():
        why = "no answer that both the judge and the reference labelled (reference: a majority)"
        return [frame.result_record(j, "leniency", SHIFT, empty_est(note=why), ref_name)], None
    jc = (jr["label"].astype("object") == "correct").to_numpy()[ok]
    hc = h[ok].astype(bool)
    fp, fn = int(np.sum(jc & ~hc)), int(np.sum(~jc & hc))
    records, rates = [], []
    for eff, k, n, none in (
        ("false-positive rate", fp, int(np.sum(~hc)), "incorrect"),
        ("false-negative rate", fn, int(np.sum(hc)), "correct"),
    ):
        e = wilson(k, n, opts, note="" if n else f"the reference marks no answer {none}")
        records.append(frame.result_record(j, "leniency", eff, e, ref_name))
        rates.append(e.estimate)
    shift = _acceptance_shift(jc, hc, jr["_cluster"].to_numpy()[ok], opts)
    records.append(frame.result_record(j, "leniency", SHIFT, shift, ref_name))
    if ranking:
        if has_models and jr["model"].notna().any():
            records.append(_ranking(j, jr[ok], hc, ref_name, opts))
        else:
            why = "no exam-taker models: 'model' is absent or NA on this judge's rows"
            records.append(
                frame.result_record(j, "leniency", SPEARMAN, empty_est(note=why), ref_name)
            )
    return records, rates[0]


def _acceptance_shift(
    jc: np.ndarray, hc: np.ndarray, clusters: np.ndarray, opts: dict[str, Any]
) -> Est:
    """``P(J) - P(H)`` with a cluster-bootstrap CI and the exact McNemar test."""
    from statsmodels.stats.contingency_tables import mcnemar

    fp, fn = int(np.sum(jc & ~hc)), int(np.sum(~jc & hc))
    contrib = np.column_stack([jc.astype(float) - hc.astype(float), np.ones(len(jc))])
    est, lo, hi, _, m = cluster_boot(contrib, clusters, lambda s: s[..., 0] / s[..., 1], opts)
    table = np.array([[np.sum(jc & hc), fp], [fn, np.sum(~jc & ~hc)]])
    p = float(mcnemar(table, exact=True).pvalue) if fp + fn else np.nan
    shift = Est(est, lo, hi, float(fp), p, m, len(jc), "McNemar exact")
    if not fp + fn:
        shift.note = "no discordant answer: McNemar test undefined"
    return shift


def _order_by_fpr(out: pd.DataFrame, fpr: dict[str, float]) -> pd.DataFrame:
    """Rows ordered (stably) by decreasing false-positive rate of their judge; NaN / none last."""
    rank = out["judge"].map(
        lambda j: -fpr.get(j, -np.inf) if np.isfinite(fpr.get(j, np.nan)) else np.inf
    )
    return (
        out.assign(_r=rank.to_numpy())
        .sort_values("_r", kind="stable")
        .drop(columns="_r")
        .reset_index(drop=True)
    )


def _ranking(
    judge: str, jr: pd.DataFrame, hc: np.ndarray, ref_name: str | None, opts: dict[str, Any]
) -> dict:
    models, mcode = np.unique(
        jr["model"].astype("object").fillna("").to_numpy(dtype=object), return_inverse=True
    )
    jc = (jr["label"].astype("object") == "correct").to_numpy(dtype=float)
    hcf = hc.astype(float)
    k = len(models)

    def spearman(code, j, h):
        n = np.bincount(code, minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.bincount(code, weights=j, minlength=k) / n
            b = np.bincount(code, weights=h, minlength=k) / n
        ok = n > 0
        if ok.sum() < 3:
            return np.nan
        return sps.spearmanr(a[ok], b[ok]).statistic

    question = (
        jr["prompt"].astype("object").fillna(jr["item_id"].astype("object")).to_numpy(dtype=object)
        if "prompt" in jr
        else jr["_cluster"].to_numpy()
    )
    question = np.asarray(
        [
            f"{d}{frame.KEY_SEP}{q}"
            for d, q in zip(jr["dataset"].astype(str), question, strict=True)
        ],
        dtype=object,
    )
    if k < 3:
        return frame.result_record(
            judge,
            "leniency",
            "Spearman(model accuracy: judge vs reference)",
            empty_est(note=f"{k} exam-taker model(s): a rank correlation needs at least 3"),
            ref_name,
        )
    res = bootstrap_resample(
        spearman,
        (mcode, jc, hcf),
        items=question,
        method="percentile",
        n_resamples=opts["n_resamples"],
        confidence_level=opts["confidence_level"],
        rng=opts["rng"],
    )
    n = np.bincount(mcode, minlength=k)
    a = np.bincount(mcode, weights=jc, minlength=k) / n
    b = np.bincount(mcode, weights=hcf, minlength=k) / n
    p = float(sps.spearmanr(a, b).pvalue)
    return frame.result_record(
        judge,
        "leniency",
        "Spearman(model accuracy: judge vs reference)",
        Est(
            float(res.estimate),
            float(res.ci_low),
            float(res.ci_high),
            float(res.estimate),
            p,
            res.n_items,
            len(jc),
            f"Spearman test over {k} models (scipy)",
        ),
        ref_name,
    )
