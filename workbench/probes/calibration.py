"""Calibration probe: does the judge know when it is right?

A verdict may come with the judge's probability that it is right (column ``probability``
of :mod:`workbench.schema`: a log-probability turned into a probability, AlpacaEval's
weighted annotators, a stated confidence). Against the human reference, a verdict is
*correct* when it equals the reference's plurality label; calibration compares the stated
confidence with the observed accuracy: expected calibration error, Brier score and its
decomposition (:func:`calibration`), a reliability-diagram table (:func:`reliability_table`)
and accuracy against coverage when only the most confident verdicts are kept
(:func:`coverage_curve`).

Array-level definitions, on a tiny example (two bins, [0, .5) and [.5, 1]):

>>> conf, correct = [0.9, 0.8, 0.6, 0.3], [1, 0, 1, 0]
>>> round(expected_calibration_error(conf, correct, n_bins=2), 4)  # (|2 - 2.3| + |0 - 0.3|) / 4
0.15
>>> round(brier_score(conf, correct), 4)  # (0.01 + 0.64 + 0.16 + 0.09) / 4
0.225
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, proportion, resampling_options, wald
from .registry import probe
from .samples import prepare_sampled, reference_labels

__all__ = [
    "brier_score",
    "calibration",
    "coverage_curve",
    "deferral_curve",
    "expected_calibration_error",
    "reliability_table",
]

RELIABILITY_COLUMNS = [
    "judge",
    "bin",
    "bin_low",
    "bin_high",
    "n_obs",
    "mean_confidence",
    "accuracy",
    "ci_low",
    "ci_high",
]
"""Columns of :func:`reliability_table`."""

COVERAGE_COLUMNS = ["judge", "coverage", "threshold", "n_obs", "accuracy", "ci_low", "ci_high"]
"""Columns of :func:`coverage_curve`."""


def _bins(confidence: np.ndarray, n_bins: int) -> np.ndarray:
    """Equal-width bin of each confidence: [0, 1/n), ..., [(n-1)/n, 1] (1 falls in the last)."""
    return np.minimum((confidence * n_bins).astype(np.int64), n_bins - 1)


def _check(confidence: npt.ArrayLike, correct: npt.ArrayLike, n_bins: int = 10):
    p = np.asarray(confidence, dtype=float)
    y = np.asarray(correct, dtype=float)
    if p.shape != y.shape or p.ndim != 1:
        raise ValueError(
            f"confidence, correct: expected two 1-D arrays of one length, got {p.shape} and {y.shape}"
        )
    if np.any(~((p >= 0) & (p <= 1))):
        raise ValueError("confidence: expected probabilities in [0, 1] (no NaN)")
    if np.any((y != 0) & (y != 1)):
        raise ValueError("correct: expected 0 / 1 (or booleans)")
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins: expected an integer >= 1, got {n_bins!r}")
    return p, y


def expected_calibration_error(
    confidence: npt.ArrayLike, correct: npt.ArrayLike, *, n_bins: int = 10
) -> float:
    """Expected calibration error with equal-width bins.

    Returns
    -------
    float
        ``ECE = sum_b (n_b / N) |acc_b - conf_b| = sum_b |sum_{i in b} (y_i - p_i)| / N``,
        in [0, 1]; NaN for no verdict.

    References
    ----------
    Naeini, M. P., Cooper, G., Hauskrecht, M. (2015). Obtaining Well Calibrated
    Probabilities Using Bayesian Binning. AAAI. Guo, C. et al. (2017). On Calibration of
    Modern Neural Networks. ICML. arXiv:1706.04599.

    Examples
    --------
    >>> round(expected_calibration_error([0.7, 0.7, 0.7], [1, 1, 0], n_bins=1), 4)  # |2/3 - 0.7|
    0.0333
    """
    p, y = _check(confidence, correct, n_bins)
    if not len(p):
        return float("nan")
    b = _bins(p, n_bins)
    gap = np.bincount(b, weights=y - p, minlength=n_bins)
    return float(np.abs(gap).sum() / len(p))


def brier_score(confidence: npt.ArrayLike, correct: npt.ArrayLike) -> float:
    """Brier score ``mean((p_i - y_i)**2)``, in [0, 1] (0 = certain and right); NaN for none.

    References
    ----------
    Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.
    Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    >>> brier_score([1.0, 0.5], [1, 0])  # (0 + 0.25) / 2
    0.125
    """
    p, y = _check(confidence, correct)
    return float(np.mean((p - y) ** 2)) if len(p) else float("nan")


def _verdicts(df: pd.DataFrame, judge: str, ref: pd.Series) -> pd.DataFrame:
    """The judge's rows with a label, a probability and a reference label: p, y, cluster."""
    rows = frame.rater_rows(df, [judge])
    lab = rows["label"].astype("object")
    p = rows["probability"].to_numpy(dtype=float, na_value=np.nan)
    r = ref.reindex(rows["_unit"].to_numpy()).to_numpy(dtype=object)
    ok = lab.notna().to_numpy() & ~np.isnan(p) & pd.notna(r)
    return pd.DataFrame(
        {
            "p": p[ok],
            "y": (lab.to_numpy(dtype=object)[ok] == r[ok]).astype(float),
            "cluster": rows["_cluster"].to_numpy(dtype=object)[ok],
        }
    )


def _contributions(v: pd.DataFrame, n_bins: int) -> np.ndarray:
    """Per verdict: [1, p, y, (p - y)**2, then per bin: in-bin, p in-bin, y in-bin]."""
    p, y = v["p"].to_numpy(), v["y"].to_numpy()
    onehot = np.eye(n_bins)[_bins(p, n_bins)]
    return np.column_stack(
        [np.ones(len(p)), p, y, (p - y) ** 2, onehot, onehot * p[:, None], onehot * y[:, None]]
    )


def _statistics(n_bins: int):
    """Functions of the summed contributions: ECE, overconfidence, Brier and its parts, accuracy."""

    def parts(s: np.ndarray):
        n, sp, sy, sq = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
        nb = s[..., 4 : 4 + n_bins]
        pb = s[..., 4 + n_bins : 4 + 2 * n_bins]
        yb = s[..., 4 + 2 * n_bins :]
        return n, sp, sy, sq, nb, pb, yb

    def ece(s):
        n, _, _, _, _, pb, yb = parts(s)
        return np.abs(yb - pb).sum(-1) / n

    def over(s):
        n, sp, sy, *_ = parts(s)
        return (sp - sy) / n

    def brier(s):
        n, _, _, sq, *_ = parts(s)
        return sq / n

    def reliability(s):
        n, _, _, _, nb, pb, yb = parts(s)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(nb > 0, (pb - yb) ** 2 / np.where(nb > 0, nb, 1), 0).sum(-1) / n

    def resolution(s):
        n, _, sy, _, nb, _, yb = parts(s)
        acc = (sy / n)[..., None]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(nb > 0, nb * (yb / np.where(nb > 0, nb, 1) - acc) ** 2, 0).sum(-1) / n

    def uncertainty(s):
        n, _, sy, *_ = parts(s)
        return (sy / n) * (1 - sy / n)

    def accuracy(s):
        n, _, sy, *_ = parts(s)
        return sy / n

    return {
        "expected calibration error": ece,
        "overconfidence (mean confidence - accuracy)": over,
        "Brier score": brier,
        "Brier reliability (binned)": reliability,
        "Brier resolution (binned)": resolution,
        "Brier uncertainty": uncertainty,
        "accuracy": accuracy,
    }


def _references(df: pd.DataFrame, reference: str | Sequence[str]) -> pd.Series:
    return reference_labels(frame.rater_rows(df, frame.reference_raters(df, reference)))


@probe(
    "calibration",
    protocols=("pairwise", "binary"),
    description="Expected calibration error, overconfidence and Brier score of the judge's stated probability against the reference.",
)
def calibration(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    n_bins: int = 10,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Calibration of each judge's ``probability`` against the reference's label.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise / binary judgments with a ``probability`` column: the judge's
        probability that its verdict is right. Every sample of a judgment counts (a table
        with ``sample``), items are the resampling units.
    judge, reference, by
        See :mod:`workbench.probes`; a verdict is correct when it equals the reference's
        plurality label (units where the reference is split are left out).
    n_bins : int, default 10
        Equal-width confidence bins of the ECE and the Brier decomposition.
    n_resamples, confidence_level, rng
        Cluster-bootstrap settings (BCa, items resampled).

    Returns
    -------
    DataFrame
        :data:`~workbench.probes.RESULT_COLUMNS`; effects (``n_obs`` verdicts):
        ``expected calibration error`` (:func:`expected_calibration_error`; biased upward
        on few verdicts, so a calibrated judge has a small positive ECE);
        ``overconfidence (mean confidence - accuracy)`` (0 for a calibrated judge; Wald z
        test vs 0 with the bootstrap SE); ``Brier score`` (:func:`brier_score`) and its
        binned Murphy decomposition ``reliability - resolution + uncertainty`` (exact when
        the confidence is constant within each bin); ``accuracy``.

    References
    ----------
    Murphy, A. H. (1973). A New Vector Partition of the Probability Score. Journal of
    Applied Meteorology 12(4), 595-600. Guo, C. et al. (2017). On Calibration of Modern
    Neural Networks. ICML. arXiv:1706.04599.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(binary={"human": "cccI", "j": "ccII"})
    >>> t["probability"] = [None] * 4 + [0.9, 0.8, 0.6, 0.3]  # j: right, right, wrong, right
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = calibration(t, reference="human", n_bins=2, n_resamples=50)
    >>> out.set_index("effect")["estimate"].round(4).to_dict()["Brier score"]  # (.01+.04+.36+.49)/4
    0.225
    """
    df = prepare_sampled(df, need=("probability",))
    judges = frame.select_judges(df, judge)
    opts = resampling_options(n_resamples, confidence_level, rng)
    stats = _statistics(n_bins)
    name = frame.reference_name(reference)

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        ref = _references(sub, reference)
        records = []
        for j in judges:
            v = _verdicts(sub, j, ref)
            if v.empty:
                continue
            c = _contributions(v, n_bins)
            for effect, fn in stats.items():
                est, lo, hi, se, k = cluster_boot(c, v["cluster"].to_numpy(), fn, opts)
                z, pv, test = np.nan, np.nan, ""
                if effect.startswith("overconfidence"):
                    z, pv = wald(est, se, 0.0)
                    test = "Wald z vs 0 (cluster-bootstrap SE)"
                records.append(
                    frame.result_record(
                        j, "calibration", effect, Est(est, lo, hi, z, pv, k, len(v), test), name
                    )
                )
        return frame.result_frame(records)

    out = frame.grouped(df, by, one)
    return frame.finish(
        out,
        "calibration",
        judge=judge,
        reference=reference,
        judges=judges,
        effect="expected calibration error",
    )


def reliability_table(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    n_bins: int = 10,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """The reliability diagram as a table: per judge and confidence bin, confidence vs accuracy.

    Parameters
    ----------
    df, judge, reference, n_bins
        As in :func:`calibration`.
    confidence_level : float, default 0.95
        Of the Wilson interval of each bin's accuracy (verdicts taken as independent).

    Returns
    -------
    DataFrame
        :data:`RELIABILITY_COLUMNS`, one row per judge and non-empty bin; a calibrated
        judge's ``accuracy`` follows ``mean_confidence``. Plot ``mean_confidence`` against
        ``accuracy`` (plotly: ``px.scatter(t, "mean_confidence", "accuracy", error_y=...)``).

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(binary={"human": "cccI", "j": "ccII"})
    >>> t["probability"] = [None] * 4 + [0.9, 0.8, 0.6, 0.3]
    >>> r = reliability_table(t, reference="human", n_bins=2)
    >>> r["n_obs"].tolist(), r["accuracy"].round(4).tolist()  # [0, .5): .3 right; [.5, 1]: 2 of 3
    ([1, 3], [1.0, 0.6667])
    """
    df = prepare_sampled(df, need=("probability",))
    judges = frame.select_judges(df, judge)
    ref = _references(df, reference)
    opts = resampling_options(1, confidence_level, 0)
    records = []
    for j in judges:
        v = _verdicts(df, j, ref)
        b = _bins(v["p"].to_numpy(), n_bins)
        for k in np.unique(b):
            inside = v[b == k]
            n, hits = len(inside), int(inside["y"].sum())
            est = proportion(inside["y"].to_numpy(), np.arange(n), opts, null=None)
            records.append(
                [
                    j,
                    int(k),
                    k / n_bins,
                    (k + 1) / n_bins,
                    n,
                    inside["p"].mean(),
                    hits / n,
                    est.ci_low,
                    est.ci_high,
                ]
            )
    return pd.DataFrame(records, columns=RELIABILITY_COLUMNS)


def coverage_curve(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    coverages: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Accuracy against coverage: keep only the judge's most confident verdicts.

    For each coverage c, the ``ceil(c N)`` verdicts with the highest ``probability`` (ties
    kept in table order) and their accuracy against the reference; the verdicts left out
    are the ones to send to people. A judge whose confidence carries information has
    accuracy falling as coverage grows.

    Returns
    -------
    DataFrame
        :data:`COVERAGE_COLUMNS`; ``threshold`` is the lowest kept probability. The CI is
        Wilson's with one verdict per item, else the cluster bootstrap (items).

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(binary={"human": "cccI", "j": "ccII"})
    >>> t["probability"] = [None] * 4 + [0.9, 0.8, 0.6, 0.3]
    >>> coverage_curve(t, reference="human", coverages=[0.5, 1.0])["accuracy"].tolist()
    [1.0, 0.75]
    """
    df = prepare_sampled(df, need=("probability",))
    judges = frame.select_judges(df, judge)
    ref = _references(df, reference)
    opts = resampling_options(n_resamples, confidence_level, rng)
    records = []
    for j in judges:
        v = _verdicts(df, j, ref)
        order = np.argsort(-v["p"].to_numpy(), kind="stable")
        v = v.iloc[order]
        for c in coverages:
            if not 0 < c <= 1:
                raise ValueError(f"coverages: expected values in (0, 1], got {c!r}")
            kept = v.iloc[: int(np.ceil(c * len(v)))]
            if kept.empty:
                est = empty_est()
            else:
                est = proportion(kept["y"].to_numpy(), kept["cluster"].to_numpy(), opts, null=None)
            threshold = kept["p"].min() if len(kept) else np.nan
            records.append(
                [j, float(c), threshold, len(kept), est.estimate, est.ci_low, est.ci_high]
            )
    return pd.DataFrame(records, columns=COVERAGE_COLUMNS)


def deferral_curve(
    df: pd.DataFrame,
    *,
    judge: str,
    reference: str | Sequence[str],
    replacement: str,
    fractions: Sequence[float] = (0.0, 0.1, 0.2, 0.3, 0.5),
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Send the k% least confident verdicts to a person: agreement with the reference after.

    The judge's verdicts with the lowest ``probability`` (a share ``k`` of them, ties in
    table order) are replaced by the ``replacement`` rater's label on the same unit (a
    person who is not part of ``reference``); agreement is the share of the resulting
    verdicts equal to the reference's plurality label, on the units where the judge, the
    replacement and the reference all have a label.

    Returns
    -------
    DataFrame
        ``judge``, ``fraction``, ``n_obs``, ``agreement``, ``ci_low``, ``ci_high``
        (Wilson with one verdict per item, else the cluster bootstrap over items).

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(binary={"human": "cccI", "human:2": "cccI", "j": "ccII"})
    >>> t["probability"] = [None] * 8 + [0.9, 0.8, 0.6, 0.7]  # j's wrong verdict is the least sure
    >>> deferral_curve(t, judge="j", reference="human", replacement="human:2",
    ...                fractions=[0.0, 0.25])["agreement"].tolist()  # 3/4, then 4/4
    [0.75, 1.0]
    """
    df = prepare_sampled(df, need=("probability",))
    refs = frame.reference_raters(df, reference)
    if replacement in refs:
        raise ValueError(
            f"replacement: {replacement!r} is part of the reference; pick another person"
        )
    ref = _references(df, reference)
    other = reference_labels(frame.rater_rows(df, frame.reference_raters(df, replacement)))
    opts = resampling_options(n_resamples, confidence_level, rng)
    rows = frame.rater_rows(df, frame.select_judges(df, judge))
    lab = rows["label"].astype("object").to_numpy(dtype=object)
    p = rows["probability"].to_numpy(dtype=float, na_value=np.nan)
    units = rows["_unit"].to_numpy(dtype=object)
    r = ref.reindex(units).to_numpy(dtype=object)
    h = other.reindex(units).to_numpy(dtype=object)
    ok = pd.notna(lab) & ~np.isnan(p) & pd.notna(r) & pd.notna(h)
    lab, p, r, h = lab[ok], p[ok], r[ok], h[ok]
    clusters = rows["_cluster"].to_numpy(dtype=object)[ok]
    order = np.argsort(p, kind="stable")
    records = []
    for k in fractions:
        if not 0 <= k <= 1:
            raise ValueError(f"fractions: expected values in [0, 1], got {k!r}")
        sent = np.zeros(len(lab), dtype=bool)
        sent[order[: int(np.round(k * len(lab)))]] = True
        final = np.where(sent, h, lab)
        est = proportion(final == r, clusters, opts, null=None) if len(lab) else empty_est()
        records.append([judge, float(k), len(lab), est.estimate, est.ci_low, est.ci_high])
    return pd.DataFrame(
        records, columns=["judge", "fraction", "n_obs", "agreement", "ci_low", "ci_high"]
    )
