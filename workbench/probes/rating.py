"""Rating-scale probe: mean offset, Bland-Altman limits of agreement and scale compression of a
judge's ratings against people's (Bland & Altman 1986).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, resampling_options, wald
from .registry import probe

MAIN = "mean difference (judge - reference)"
PROBE = "rating_offset"


def _has_scores(j: str, rows: pd.DataFrame) -> str | None:
    """Reason a judge cannot be scored: every rating row lacks a score, else None."""
    if rows["score"].notna().any():
        return None
    return "no scores: 'score' is NA on every rating row of this judge"


def _moments(s):
    """Variances of x, y and their covariance from summed (1, x, y, x², y², xy) columns."""
    m = s[..., 0]
    vx = s[..., 3] / m - (s[..., 1] / m) ** 2
    vy = s[..., 4] / m - (s[..., 2] / m) ** 2
    cxy = s[..., 5] / m - s[..., 1] * s[..., 2] / m**2
    return vx, vy, cxy


def _sd_ratio(s):
    """``sd(x) / sd(y)`` from summed moment columns."""
    vx, vy, _ = _moments(s)
    return np.sqrt(vx / vy)


def _slope(s):
    """OLS slope of x on y from summed moment columns."""
    _, vy, cxy = _moments(s)
    return cxy / vy


def _paired_scores(jc: pd.DataFrame, rs: pd.Series):
    """Judge scores ``x``, reference means ``y`` and clusters over units with both finite."""
    js = jc.groupby(["_unit", "_cluster"])["score"].mean().astype(float).dropna()
    y = rs.reindex(js.index.get_level_values("_unit")).to_numpy()
    x = js.to_numpy()
    ok = np.isfinite(x) & np.isfinite(y)
    clusters = js.index.get_level_values("_cluster").to_numpy()[ok]
    return x[ok], y[ok], clusters


def _too_few(x: np.ndarray, y: np.ndarray) -> Est:
    """The mean-difference estimate when fewer than 3 paired units exist (no CI, a note)."""
    n = len(x)
    why = f"{n} item(s) scored by both the judge and the reference; the rating offset needs at least 3"
    est = replace(empty_est(note=why), n_items=n, n_obs=n)
    if n:
        est.estimate = float(np.mean(x - y))
    return est


def _difference_ests(d: np.ndarray, clusters: np.ndarray, q: float) -> list[tuple[str, Est]]:
    """Mean difference (t test vs 0) and the two Bland-Altman limits of agreement with CIs."""
    n = len(d)
    m = len(np.unique(clusters))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant differences
        tt = sps.ttest_1samp(d, 0.0)
        ci = tt.confidence_interval(q)
    out = [
        (
            MAIN,
            Est(
                float(d.mean()),
                ci.low,
                ci.high,
                float(tt.statistic),
                float(tt.pvalue),
                m,
                n,
                "one-sample t vs 0",
            ),
        )
    ]
    sd = d.std(ddof=1)
    half = sps.t.ppf((1 + q) / 2, n - 1) * np.sqrt(3 * sd**2 / n)
    for eff, loa in (
        ("lower limit of agreement", d.mean() - 1.96 * sd),
        ("upper limit of agreement", d.mean() + 1.96 * sd),
    ):
        out.append((eff, Est(float(loa), loa - half, loa + half, np.nan, np.nan, m, n, "")))
    return out


def _scale_ests(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, opts) -> list[tuple[str, Est]]:
    """SD ratio (Pitman-Morgan test) and slope (Wald vs 1), both with cluster-bootstrap CIs."""
    n = len(x)
    contrib = np.column_stack([np.ones(n), x, y, x * x, y * y, x * y])
    est, lo, hi, _, m = cluster_boot(contrib, clusters, _sd_ratio, opts)
    pm = sps.pearsonr(x + y, x - y) if np.std(x + y) > 0 and np.std(x - y) > 0 else None
    stat = float(pm.statistic) if pm else np.nan
    pval = float(pm.pvalue) if pm else np.nan
    ratio = Est(est, lo, hi, stat, pval, m, n, "Pitman-Morgan (corr of x+y, x-y)")
    est, lo, hi, se, m = cluster_boot(contrib, clusters, _slope, opts)
    z, p = wald(est, se, 1.0)
    slope = Est(est, lo, hi, z, p, m, n, "Wald z vs 1 (cluster-bootstrap SE)")
    return [("SD ratio (judge / reference)", ratio), ("slope (judge on reference)", slope)]


def _criterion_ests(x, y, clusters, q: float, opts) -> list[tuple[str, Est]]:
    """All (effect, estimate) pairs of one judge on one criterion."""
    if len(x) < 3:
        return [(MAIN, _too_few(x, y))]
    return _difference_ests(x - y, clusters, q) + _scale_ests(x, y, clusters, opts)


def _offset_frame(sub, scored, refs, ref_name, q, opts) -> pd.DataFrame:
    """Result rows of every scored judge and criterion within one ``by`` group."""
    rows = frame.rater_rows(sub, scored)
    rrows = frame.rater_rows(sub, refs)
    rs = rrows.groupby("_unit")["score"].mean().astype(float)
    records = []
    for j in scored:
        jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
        for crit, jc in jr.groupby(jr["criterion"].astype("object"), sort=True):
            x, y, clusters = _paired_scores(jc, rs)
            for eff, est in _criterion_ests(x, y, clusters, q, opts):
                records.append(frame.result_record(j, PROBE, eff, est, ref_name, criterion=crit))
    return frame.result_frame(records, extra=["criterion"])


@probe(
    "rating_offset",
    protocols=("rating",),
    description="Mean offset, Bland-Altman limits of agreement and scale compression vs people.",
)
def rating_offset(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Rating offset and scale compression of a judge against people (Bland-Altman).

    Per judge and ``criterion``, over units rated by both: ``x`` = the judge's
    score (mean over its rows), ``y`` = the reference's mean score, ``d = x - y``.

    ``mean difference (judge - reference)``
        ``mean(d)`` (Bland-Altman bias), t interval and one-sample t test vs 0
        (:func:`scipy.stats.ttest_1samp`).
    ``lower limit of agreement``, ``upper limit of agreement``
        ``mean(d) -/+ 1.96 sd(d)``; CI ``+/- t sqrt(3 sd(d)^2 / n)`` (Bland &
        Altman 1986, section 5). No test.
    ``SD ratio (judge / reference)``
        ``sd(x) / sd(y)``: below 1 = the judge compresses the scale.
        Cluster-bootstrap CI; Pitman-Morgan test of equal variances
        (Pearson correlation of ``x + y`` with ``x - y``, ``statistic`` = r).
    ``slope (judge on reference)``
        OLS slope of ``x`` on ``y`` = ``r * sd(x) / sd(y)``; bootstrap CI and
        Wald test vs 1 (bootstrap SE). Attenuated by the reference's own noise.

    Parameters
    ----------
    df : DataFrame
        Tidy rating judgments (``score``).
    judge, reference, by
        See the module docstring; ``reference="humans"`` averages HANNA's three
        raters per story.
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``criterion``.

    References
    ----------
    Bland, J. M., Altman, D. G. (1986). *Lancet* 327(8476), 307-310.
    https://doi.org/10.1016/S0140-6736(86)90837-8. Pitman, E. J. G. (1939).
    *Biometrika* 31, 9-12; Morgan, W. A. (1939). *Biometrika* 31, 13-19.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> scores = [(1, 2), (2, 3), (3, 3), (4, 4)]  # (human, judge)
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="rating", criterion="overall", rater=r,
    ...              rater_kind=k, score=s) for i, (h, j) in enumerate(scores)
    ...         for r, k, s in [("j", "llm", j), ("human", "human", h)]]
    >>> res = rating_offset(conform(pd.DataFrame(rows)), reference="human", rng=0).set_index("effect")
    >>> float(res.loc["mean difference (judge - reference)", "estimate"])  # (1 + 1 + 0 + 0) / 4
    0.5
    """
    df = frame.prepare_table(df)
    opts = resampling_options(n_resamples, confidence_level, rng)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    ref_name = frame.reference_name(reference)
    reasons = frame.unscorable_judges(df, judges, PROBE, ("rating",), _has_scores)
    scored = [j for j in judges if j not in reasons]
    rating = df[(df["protocol"].astype("object") == "rating").to_numpy()]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        return _offset_frame(sub, scored, refs, ref_name, confidence_level, opts)

    lacking = frame.lacking_rows(reasons, PROBE, MAIN, ref_name, ["criterion"])
    out = frame.grouped(rating, by, one, lacking)
    return frame.finish(
        out, PROBE, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=MAIN
    )
