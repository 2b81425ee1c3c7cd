"""Model leaderboards per rater group from pairwise verdicts (rank correlations: :mod:`~workbench.agreement.ranking`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Literal

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_columns, check_option
from ..engines.projected import accepts_sources
from ..errors import SchemaError
from ..stats import ranking
from ..stats.bootstrap import check_resampling
from ._frame import (
    ITEM,
    cluster_index,
    individual_humans,
    protocol_of,
    quiet,
    resolved_table,
    unit_codes,
)
from .estimate import MIN_CI_ITEMS
from .rows import warn_nan_rows

__all__ = [
    "LEADERBOARD_ITEMS",
    "RANK_INTERVAL_METHODS",
    "LeaderboardItems",
    "RankIntervalMethod",
    "bias_corrected_interval",
    "leaderboard",
    "rank_correlation",
]

# rank correlations of leaderboards live in .ranking; importable from here as before
from .ranking import (  # noqa: E402
    RANK_INTERVAL_METHODS,
    RankIntervalMethod,
    bias_corrected_interval,
    rank_correlation,
)

LeaderboardItems = Literal["human", "all"]
LEADERBOARD_ITEMS: tuple[str, ...] = ("human", "all")
"""Items each rater group's leaderboard is fitted on (see :func:`leaderboard`)."""


def _rater_groups(df: pd.DataFrame) -> pd.Series:
    """Rater group per row: pooled humans -> "human", every judge its own group."""
    r = df["rater"].astype("object")
    kind = df["rater_kind"].astype("object")
    individuals = individual_humans(df)
    group = r.copy()
    if individuals:
        human = r.isin(individuals)
    elif (r == "human:majority").any():
        human = r == "human:majority"
    else:
        human = r == "human"
    group[kind == "human"] = None
    group[human] = "human"
    group[kind == "metric"] = None
    return group


@accepts_sources()
def leaderboard(
    df: pd.DataFrame,
    *,
    method: ranking.Method = "bradley_terry",
    items: LeaderboardItems = "human",
    resolve: vocab.Rule = "per_order",
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = 0,
    cluster: str | Callable[[str], Hashable] | None = None,
) -> pd.DataFrame:
    """Model leaderboard per rater group from pairwise verdicts, with bootstrap CIs on scores and ranks.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise table with ``model_a`` / ``model_b``.
    method : {"bradley_terry", "elo"}, default "bradley_terry"
        Bradley-Terry with ties as half wins (evalica; see
        :func:`workbench.stats.ranking.bradley_terry`) or online Elo.
    items : {"human", "all"}, default "human"
        ``"human"``: every group is fitted on the items the human group judged
        (so leaderboards are comparable; groups without such items are
        dropped); ``"all"``: each group on everything it judged.
    resolve : str, default "per_order"
        Presentation-order rule (:func:`workbench.verdicts.resolve_orders`).
    n_resamples : int, default 1000
        Item-clustered bootstrap resamples, one common item draw for all groups.
    confidence_level : float, default 0.95
        Percentile intervals.
    rng : Generator, int or None, default 0
    cluster : str or callable, optional
        Resample clusters of items (as in :func:`agreement`).
    engine : {"pandas", "duckdb", "spark"}, default "pandas"
        With ``"duckdb"`` / ``"spark"`` the engine reads ``df`` (a DataFrame, a
        parquet/CSV path or glob, or an Ibis table) without the text columns and
        this runs in pandas on that projection (:func:`workbench.engines.projected`): the
        same result.

    Returns
    -------
    DataFrame
        One row per (rater_group, model): ``rater_group`` (all human raters
        pooled as ``"human"``: every ``human:<id>`` vote counts, else
        ``human:majority``, else ``human``; each judge its own group; ``gold``
        its own group), ``model``, ``score``, ``ci_low``, ``ci_high``,
        ``rank`` (1 = best by descending score; equal scores share the
        smallest rank), ``rank_ci_low``, ``rank_ci_high``, ``n_comparisons``,
        ``method``, ``note`` (why the intervals are NaN: a group with fewer than
        :data:`~workbench.agreement.estimate.MIN_CI_ITEMS` items, e.g. a single vote,
        or resamples without variation, e.g. every vote a tie). ``attrs["bootstrap"]`` holds the paired bootstrap scores
        (``groups``, ``models``, ``scores`` of shape (n_resamples, groups,
        models)) used by :func:`rank_correlation`.

    Examples
    --------
    Model x beats y twice and loses once; the BT odds are 2:1.

    >>> import pandas as pd
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater="human", rater_kind="human", label=lab, model_a="x", model_b="y")
    ...         for i, lab in enumerate(["A", "A", "B"])]
    >>> lb = leaderboard(pd.DataFrame(rows), n_resamples=50)
    >>> lb[["rater_group", "model", "rank"]].values.tolist()
    [['human', 'x', 1], ['human', 'y', 2]]
    >>> round(float(lb["score"].iloc[0] / lb["score"].iloc[1]), 4)  # 2 / 1
    2.0
    """
    if protocol_of(df) != "pairwise":
        raise ValueError("df: leaderboard needs the pairwise protocol")
    check_option("items", items, LEADERBOARD_ITEMS)
    check_resampling(n_resamples, confidence_level)
    _check_battles(df)
    clusters = cluster_index(df, cluster)
    df = resolved_table(df, resolve)
    d, key = _votes(df, items)
    groups = sorted(d["_group"].unique(), key=lambda g: (g != "human", g))
    models = sorted(set(d["model_a"].astype(str)) | set(d["model_b"].astype(str)))
    midx = pd.Index(models)
    a = midx.get_indexer(d["model_a"].astype(str))
    b = midx.get_indexer(d["model_b"].astype(str))
    o = d["label"].astype("object").map({"A": 1.0, "B": 0.0, "tie": 0.5}).to_numpy(float)
    g = pd.Index(groups).get_indexer(d["_group"])
    units = pd.factorize(key)[0] if clusters is None else unit_codes(d, clusters)
    est, boot = ranking.bootstrap_scores(
        a,
        b,
        o,
        items=units,
        groups=g,
        n_models=len(models),
        method=method,
        n_resamples=n_resamples,
        rng=rng,
    )
    out = _board(groups, models, g, a, b, est, boot, confidence_level, method, units)
    out.attrs["bootstrap"] = {"groups": groups, "models": models, "scores": boot}
    warn_nan_rows(out, out["ci_low"].isna().to_numpy())
    return out


def _check_battles(df: pd.DataFrame) -> None:
    """Both model columns present, and no labelled row comparing a model with itself."""
    check_columns(df, ["model_a", "model_b"])
    a, b = df["model_a"].astype("object"), df["model_b"].astype("object")
    same = (df["label"].notna() & a.notna() & (a == b)).to_numpy(dtype=bool)
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise SchemaError(
            f"df: row {i}: field 'model_b': {df['model_b'].iloc[i]!r} is also model_a; a "
            "model compared with itself is no battle (drop such rows first)"
        )


def _votes(df: pd.DataFrame, items: LeaderboardItems) -> tuple[pd.DataFrame, pd.Series]:
    """Labelled rows with both models and a rater group (``_group``), and their item keys.

    ``items="human"``: only the items the human group judged (when it judged any).
    """
    group = _rater_groups(df)
    keep = group.notna() & df["label"].notna() & df["model_a"].notna() & df["model_b"].notna()
    d = df[keep.to_numpy()].assign(_group=group[keep].to_numpy())
    if d.empty:
        raise ValueError("df: no labelled pairwise rows with model_a / model_b")
    key = d[ITEM].astype("object").apply(tuple, axis=1)
    if items == "human" and (d["_group"] == "human").any():
        human_items = set(key[d["_group"] == "human"])
        inside = key.isin(human_items).to_numpy()
        d, key = d[inside], key[inside]
    return d, key


def _board(
    groups: list[str],
    models: list[str],
    g: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    est: np.ndarray,
    boot: np.ndarray,
    confidence_level: float,
    method: str,
    units: np.ndarray,
) -> pd.DataFrame:
    """The leaderboard rows: scores, ranks and their percentile intervals per (group, model).

    A group with fewer than :data:`MIN_CI_ITEMS` resampling units gets NaN intervals, and an
    interval whose resamples all agree (every vote a tie, one vote) is NaN; ``note`` says so.
    """
    alpha = (1 - confidence_level) / 2
    rk = ranking.ranks(est)
    brk = ranking.ranks(boot)
    with quiet():
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        rlo, rhi = np.nanquantile(brk, [alpha, 1 - alpha], axis=0)
    records = []
    for k, name in enumerate(groups):
        sel = g == k
        n_cmp = np.bincount(a[sel], minlength=len(models)) + np.bincount(
            b[sel], minlength=len(models)
        )
        n_units = len(np.unique(units[sel]))
        for m, model in enumerate(models):
            if n_cmp[m] == 0:
                continue
            interval = (lo[k, m], hi[k, m], rlo[k, m], rhi[k, m])
            note = ""
            if n_units < MIN_CI_ITEMS:
                note = f"{n_units} items: fewer than {MIN_CI_ITEMS}, no interval"
            elif np.isfinite(lo[k, m]) and lo[k, m] == hi[k, m]:
                note = "no interval: the resamples show no variation"
            if note:
                interval = (np.nan,) * 4
            records.append(
                {
                    "rater_group": name,
                    "model": model,
                    "score": est[k, m],
                    "ci_low": interval[0],
                    "ci_high": interval[1],
                    "rank": rk[k, m],
                    "rank_ci_low": interval[2],
                    "rank_ci_high": interval[3],
                    "n_comparisons": int(n_cmp[m]),
                    "method": method,
                    "note": note,
                }
            )
    out = pd.DataFrame.from_records(records)
    out["rank"] = out["rank"].astype("int64")
    out = out.sort_values(
        ["rater_group", "rank", "model"],
        key=lambda s: s.map(lambda v: (v != "human", v)) if s.name == "rater_group" else s,
        kind="stable",
    ).reset_index(drop=True)
    return out
