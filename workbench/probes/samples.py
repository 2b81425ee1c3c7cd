"""Shared core of the reliability probes: tables with repeated runs (``sample``) and the judge's
confidence (``probability``), the per-unit reference label, and the two-stage bootstrap.

:func:`prepare_sampled` checks a table that may hold several samples of a judgment (the key
then includes ``sample``, :func:`workbench.schema.key_columns`); :func:`reference_labels` is
the plurality label of the reference raters per judgment unit (NA when two labels share the
top count, as in every probe); :func:`sample_matrix` lays a judge's samples out as a
judgments x samples matrix; :func:`two_stage_bootstrap` resamples items, then the samples
of each judgment, so an interval includes the between-sample variation.

Examples
--------
>>> from workbench.testing import toy
>>> df = prepare_sampled(toy(pairwise={"human": "AB", "j": "AA"}))
>>> df["sample"].tolist()  # one run: sample 0
[0, 0, 0, 0]
>>> reference_labels(frame.rater_rows(df, ["human"])).tolist()
['A', 'B']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..vocab import LABELS
from . import frame

__all__ = [
    "label_code",
    "prepare_sampled",
    "reference_labels",
    "sample_matrix",
    "two_stage_bootstrap",
]


def prepare_sampled(df: Any, need: Sequence[str] = ()) -> pd.DataFrame:
    """Check a tidy table that may hold several samples per judgment; add ``sample`` = 0 if absent.

    The samples are checked by :func:`workbench.schema.resolve_samples` (``sample`` an
    integer >= 0, no two rows with the same key and sample), ``probability`` by
    :func:`workbench.schema.check_optional`, everything else by
    :func:`workbench.probes.frame.prepare_table` on the first sample of each judgment.
    """
    if not isinstance(df, pd.DataFrame) or "sample" not in df.columns:
        out = frame.prepare_table(df, need)
        return schema.check_optional(out, name="df").assign(sample=0)
    out = schema.check_optional(df.reset_index(drop=True), name="df")
    first = schema.resolve_samples(out, rule="first", name="df")
    checked = frame.prepare_table(first, need)  # every check but the key's sample part
    add = {c: checked[c].iloc[:0].reindex(out.index) for c in checked if c not in out}
    if "score" in out.columns and not pd.api.types.is_numeric_dtype(out["score"].dtype):
        add["score"] = pd.to_numeric(out["score"].astype("object")).astype("Float64")
    return out.assign(**add) if add else out


def label_code(labels: pd.Series) -> np.ndarray:
    """Code of each label in :data:`workbench.vocab.LABELS` (float; NaN = NA / unparsed)."""
    lookup = {v: float(k) for k, v in enumerate(LABELS)}
    return labels.astype("object").map(lookup).to_numpy(dtype=float, na_value=np.nan)


def reference_labels(ref: pd.DataFrame) -> pd.Series:
    """Plurality label of the reference rows per ``_unit`` (NA when two labels share the top count).

    ``ref`` are rows of :func:`workbench.probes.frame.rater_rows` (all their samples and
    orders vote).
    """
    code = label_code(ref["label"])
    ok = ~np.isnan(code)
    units, inv = np.unique(ref["_unit"].to_numpy(dtype=object)[ok], return_inverse=True)
    counts = np.zeros((len(units), len(LABELS)), dtype=np.int64)
    np.add.at(counts, (inv, code[ok].astype(np.int64)), 1)
    top = counts.max(axis=1, initial=0)
    unique = (counts == top[:, None]).sum(axis=1) == 1
    best = np.array(LABELS, dtype=object)[counts.argmax(axis=1)] if len(units) else []
    return pd.Series(np.where(unique, best, None), index=units, dtype="object")


def sample_matrix(rows: pd.DataFrame, values: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Judgments x samples matrix of ``values`` (NaN-padded), with one row of keys per judgment.

    A judgment is (``_unit``, ``order``) of one rater; its samples fill the columns in
    ``sample`` order (a rank, so judgments with fewer samples are padded with NaN).

    Returns
    -------
    keys : DataFrame
        ``_unit``, ``_cluster``, ``order`` (object, None when NA), one row per judgment.
    matrix : ndarray, shape (n_judgments, max samples)
    """
    order = rows["order"].astype("object")
    key = pd.DataFrame(
        {
            "_unit": rows["_unit"].to_numpy(dtype=object),
            "_cluster": rows["_cluster"].to_numpy(dtype=object),
            "order": order.where(order.notna(), None).to_numpy(dtype=object),
            "_sample": rows["sample"].to_numpy(dtype=np.int64),
        }
    )
    group = key.groupby(["_unit", "order"], sort=False, dropna=False).ngroup().to_numpy()
    rank = (
        pd.Series(key["_sample"].to_numpy())
        .groupby(group)
        .rank(method="first")
        .to_numpy(dtype=np.int64)
        - 1
    )
    n = int(group.max()) + 1 if len(group) else 0
    matrix = np.full((n, int(rank.max()) + 1 if len(rank) else 0), np.nan)
    matrix[group, rank] = values
    first = np.unique(group, return_index=True)[1]
    keys = key.iloc[first][["_unit", "_cluster", "order"]].reset_index(drop=True)
    return keys, matrix


def two_stage_bootstrap(
    matrix: np.ndarray,
    clusters: np.ndarray,
    fn: Callable[[np.ndarray, np.ndarray], float],
    opts: dict[str, Any],
    *,
    fixed: int = 0,
) -> tuple[float, float, float]:
    """Estimate and percentile interval of ``fn(matrix, weights)``, resampling items then samples.

    Each resample draws the clusters (items) with replacement (a judgment's weight is its
    cluster's count), then, within every judgment, as many samples as it has, with
    replacement from its own samples. ``fn(matrix, weights)`` gets the resampled
    judgments x samples matrix (NaN-padded) and the judgment weights.

    Parameters
    ----------
    matrix : ndarray, shape (n_judgments, n_samples)
        Values (label codes or scores), NaN where a judgment has fewer samples.
    clusters : ndarray, shape (n_judgments,)
        Cluster (item) of each judgment.
    fn : callable
        The statistic.
    opts : dict
        ``n_resamples``, ``confidence_level`` and ``rng`` (a Generator), as
        :func:`workbench.probes.estimate.resampling_options` builds them.
    fixed : int, default 0
        The last ``fixed`` columns are per-judgment values (a reference label), kept
        as they are: only the other columns are samples.

    Returns
    -------
    (estimate, ci_low, ci_high)
        ``fn`` on the data, and the percentile interval shifted by the bootstrap's bias
        estimate (mean of the resamples minus the estimate): drawing a judgment's samples
        with replacement makes a statistic such as the majority of samples noisier than a
        fresh run would, which moves every resample the same way. NaN when ``fn`` is NaN
        on every resample.

    Examples
    --------
    >>> from workbench.probes.estimate import resampling_options
    >>> m = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, np.nan]])
    >>> mean = lambda x, w: float(np.nansum(np.nanmean(x, axis=1) * w) / w.sum())
    >>> est, lo, hi = two_stage_bootstrap(m, np.array([0, 1, 2]), mean, resampling_options(200, 0.9, 0))
    >>> est, bool(lo < est < hi)  # (0.5 + 1 + 0) / 3
    (0.5, True)
    """
    rng = opts["rng"]
    _, inv = np.unique(clusters, return_inverse=True)
    n_clusters = int(inv.max()) + 1 if len(inv) else 0
    kept = matrix[:, matrix.shape[1] - fixed :]
    samples = matrix[:, : matrix.shape[1] - fixed]
    m = (~np.isnan(samples)).sum(axis=1)
    # each row's values to the front, so columns < m hold them
    packed = np.take_along_axis(samples, np.argsort(np.isnan(samples), axis=1, kind="stable"), 1)
    estimate = float(fn(matrix, np.ones(len(matrix))))
    cols = np.arange(packed.shape[1])
    draws = np.empty(opts["n_resamples"])
    for b in range(opts["n_resamples"]):
        w = rng.multinomial(n_clusters, np.full(n_clusters, 1 / n_clusters))[inv].astype(float)
        pick = np.floor(rng.random(packed.shape) * np.maximum(m, 1)[:, None]).astype(np.int64)
        resampled = np.take_along_axis(packed, pick, 1)
        resampled[cols[None, :] >= m[:, None]] = np.nan
        draws[b] = fn(np.column_stack([resampled, kept]), w)
    ok = draws[np.isfinite(draws)]
    if not len(ok):
        return estimate, np.nan, np.nan
    alpha = (1 - opts["confidence_level"]) / 2
    bias = float(ok.mean()) - estimate if np.isfinite(estimate) else 0.0
    lo, hi = np.quantile(ok, [alpha, 1 - alpha]) - bias
    return estimate, float(lo), float(hi)
