"""Self-consistency probe: does a judge agree with itself across repeated runs (``sample``)?

Judges are sampled: asked the same question twice, they may answer differently (MT-Bench
scores move by 0.16-0.2 between runs, FastChat issues #2969 and #3018). This probe reads a
table with several samples per judgment (:mod:`workbench.schema`, column ``sample``) and
reports, per judge, the flip rate between samples, Krippendorff's alpha across samples and,
with a reference, agreement of one sample and of the majority of samples with intervals that
include the between-sample variation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..stats import SUFFICIENT
from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, resampling_options
from .registry import MIN_ITEMS, probe
from .samples import (
    label_code,
    prepare_sampled,
    reference_labels,
    sample_matrix,
    two_stage_bootstrap,
)

__all__ = ["majority_of_samples", "self_consistency"]

N_PAIRWISE = 3  # codes 0, 1, 2 of LABELS are A, B, tie


def majority_of_samples(matrix: np.ndarray) -> np.ndarray:
    """Plurality label code per row of a judgments x samples matrix of label codes.

    Top-count ties: ``tie`` (code 2) when the row holds pairwise codes, else NaN; rows with
    no value: NaN. The rule of :func:`workbench.schema.resolve_samples`.

    Examples
    --------
    >>> majority_of_samples(np.array([[0, 0, 1], [0, 1, np.nan], [3, 4, np.nan]])).tolist()
    [0.0, 2.0, nan]
    """
    counts = np.stack([(matrix == k).sum(axis=1) for k in range(5)], axis=1)
    top = counts.max(axis=1)
    unique = (counts == top[:, None]).sum(axis=1) == 1
    pairwise = counts[:, :N_PAIRWISE].sum(axis=1) > 0
    out = np.where(unique, counts.argmax(axis=1), np.where(pairwise, 2, np.nan)).astype(float)
    return np.where(top > 0, out, np.nan)


def _flip_contributions(matrix: np.ndarray) -> np.ndarray:
    """Per judgment with >= 2 samples: [share of its sample pairs that differ, 1]; else zeros."""
    m = (~np.isnan(matrix)).sum(axis=1).astype(float)
    same = np.zeros(len(matrix))
    for v in np.unique(matrix[~np.isnan(matrix)]):
        n_v = (matrix == v).sum(axis=1)
        same += n_v * (n_v - 1)
    pairs = m * (m - 1)
    ok = pairs > 0
    share = np.divide(pairs - same, pairs, out=np.zeros(len(m)), where=ok)
    return np.column_stack([share, ok.astype(float)]) * ok[:, None]


def _agreement(which: str) -> Callable[[np.ndarray, np.ndarray], float]:
    """fn(matrix with a last column = reference code, weights) -> agreement with the reference."""

    def fn(x: np.ndarray, w: np.ndarray) -> float:
        ref, samples = x[:, -1], x[:, :-1]
        if which == "majority":
            agree = (majority_of_samples(samples) == ref).astype(float)
            ok = ~np.isnan(majority_of_samples(samples))
        else:
            n = (~np.isnan(samples)).sum(axis=1)
            agree = np.divide(
                (samples == ref[:, None]).sum(axis=1), n, out=np.zeros(len(n)), where=n > 0
            )
            ok = n > 0
        den = np.sum(w * ok)
        return float(np.sum(w * agree * ok) / den) if den > 0 else np.nan

    return fn


def _judge_rows(
    rows: pd.DataFrame, ref: pd.Series | None, opts: dict, judge: str, reference: str | None
) -> list[dict]:
    labels = rows["protocol"].astype("object").ne("rating").any()
    if labels:
        values = label_code(rows["label"])
    else:
        values = rows["score"].to_numpy(dtype=float, na_value=np.nan)
    keys, matrix = sample_matrix(rows, values)
    clusters = keys["_cluster"].to_numpy(dtype=object)
    n_samples = (~np.isnan(matrix)).sum(axis=1)
    several = n_samples >= 2
    out = []
    note = "" if several.any() else "no judgment with two or more parsed samples"

    def record(effect: str, est: Est, test: str = "") -> None:
        est.test = test
        out.append(frame.result_record(judge, "self_consistency", effect, est, reference))

    if several.any():
        contrib = _flip_contributions(matrix[several])
        est, lo, hi, _, k = cluster_boot(
            contrib, clusters[several], lambda s: s[..., 0] / s[..., 1], opts
        )
        record(
            "flip rate between samples", Est(est, lo, hi, np.nan, np.nan, k, int(several.sum()), "")
        )
        entry = SUFFICIENT["krippendorff_alpha"]
        level = "nominal" if labels else "interval"
        sub = matrix[several]
        sub = np.where(np.isnan(sub), None, sub).astype(object) if labels else sub
        kw = entry.resolve(sub, level=level)
        c = entry.contributions(sub, **kw)
        est, lo, hi, _, k = cluster_boot(
            c, clusters[several], lambda s: entry.from_sums(s, **kw), opts
        )
        record(
            f"Krippendorff's alpha across samples ({level})",
            Est(est, lo, hi, np.nan, np.nan, k, int(several.sum()), ""),
        )
    else:
        record("flip rate between samples", empty_est(note=note))
    if ref is not None and labels:
        code = label_code(ref.reindex(keys["_unit"].to_numpy()).reset_index(drop=True))
        ok = ~np.isnan(code) & (n_samples > 0)
        x = np.column_stack([matrix[ok], code[ok]])
        for which, effect in (
            ("one", "agreement with reference (one sample)"),
            ("majority", "agreement with reference (majority of samples)"),
        ):
            if not ok.any():
                record(effect, empty_est(note="no judgment on an item the reference labelled"))
                continue
            cl = clusters[ok]
            n_items = len(np.unique(cl))
            fn = _agreement(which)
            if n_items < MIN_ITEMS:
                est, lo, hi = fn(x, np.ones(len(x))), np.nan, np.nan
            else:
                est, lo, hi = two_stage_bootstrap(x, cl, fn, opts, fixed=1)
                lo, hi = max(lo, 0.0), min(hi, 1.0)  # a share: the shifted interval stays in [0, 1]
            record(
                effect,
                Est(est, lo, hi, np.nan, np.nan, n_items, int(ok.sum()), ""),
                "two-stage bootstrap (items, then samples), bias-shifted percentile",
            )
    return out


@probe(
    "self_consistency",
    protocols=("pairwise", "binary", "rating"),
    description="Flip rate and Krippendorff's alpha between a judge's repeated samples; agreement of one sample and of the majority of samples.",
)
def self_consistency(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Self-consistency of each judge across its repeated samples (column ``sample``).

    Parameters
    ----------
    df : DataFrame
        Tidy judgments with a ``sample`` column (a table without one is a single run:
        every judge then gets a NaN row saying so).
    judge, by
        See :mod:`workbench.probes`.
    reference : str, list of str or "humans", optional
        With it (label protocols), the agreement effects are added.
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`~workbench.probes.RESULT_COLUMNS`; a judgment is (item, criterion, turn,
        presentation order); effects:

        ``flip rate between samples``
            Mean over judgments with two or more parsed samples of the share of their
            sample pairs that differ (labels, or scores compared exactly). With two
            samples that flip independently with probability f it is ``2 f (1 - f)``.
            Cluster-bootstrap BCa CI (items).
        ``Krippendorff's alpha across samples (nominal|interval)``
            Samples as the raters of each judgment (nominal for labels, interval for
            scores; :func:`workbench.stats.krippendorff_alpha`). Cluster-bootstrap CI.
        ``agreement with reference (one sample)``
            The expected agreement of a single run: per judgment, the share of its
            samples equal to the reference's plurality label, averaged.
        ``agreement with reference (majority of samples)``
            The majority of samples (:func:`majority_of_samples`) against the reference.

        The two agreement CIs resample items, then the samples within each judgment
        (two-stage bootstrap, bias-shifted percentile interval,
        :func:`~workbench.probes.samples.two_stage_bootstrap`), so they include the between-sample
        variation an item-only bootstrap of one run leaves out.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
    for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

    Zheng, L. et al. (2023). Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena.
    NeurIPS Datasets and Benchmarks. arXiv:2306.05685.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> runs = [toy(pairwise={"human": "AABB", "j": v}).assign(sample=k)
    ...         for k, v in enumerate(["AABB", "ABBB"])]
    >>> both = pd.concat([runs[0], runs[1][runs[1]["rater"] == "j"]], ignore_index=True)
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = self_consistency(both, judge="j", reference="human", n_resamples=50)
    >>> est = out.set_index("effect")["estimate"].round(4)
    >>> est["flip rate between samples"]  # item 1 flips (A, B); items 0, 2, 3 do not: 1/4
    np.float64(0.25)
    >>> est["Krippendorff's alpha across samples (nominal)"]  # n_A = 3, n_B = 5: 1 - 7*2/(2*3*5)
    np.float64(0.5333)
    >>> est["agreement with reference (one sample)"]  # (1 + 1/2 + 1 + 1) / 4
    np.float64(0.875)
    >>> est["agreement with reference (majority of samples)"]  # item 1: A vs B -> tie
    np.float64(0.75)
    """
    df = prepare_sampled(df)
    judges = frame.select_judges(df, judge)
    ref_raters = frame.reference_raters(df, reference) if reference is not None else None
    opts = resampling_options(n_resamples, confidence_level, rng)

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        ref = None
        if ref_raters is not None:
            ref = reference_labels(frame.rater_rows(sub, ref_raters))
        records = []
        name = frame.reference_name(reference)
        for j in judges:
            rows = frame.rater_rows(sub, [j])
            if rows.empty:
                continue
            records += _judge_rows(rows, ref, opts, j, name)
        return frame.result_frame(records)

    out = frame.grouped(df, by, one)
    return frame.finish(
        out,
        "self_consistency",
        judge=judge,
        reference=reference,
        default_reference=None,
        judges=judges,
        effect="flip rate between samples",
    )
