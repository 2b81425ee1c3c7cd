"""Tidy front end: judge-human agreement tables with CIs and the human ceiling, leaderboards, judge comparisons.

Every function takes a tidy judgment table (:mod:`workbench.schema`) and
returns a tidy DataFrame with fixed columns and no rounding; the numbers come
from the array-level statistics in :mod:`workbench.stats`.

Reference resolution (``reference="human"``)
    ``human:majority`` if the table has it; else the single aggregated
    ``human`` rater; else, when the table has individual ``human:<id>``
    raters, their majority computed on the fly with
    :func:`workbench.verdicts.majority_vote` (ties -> NA, i.e. the item is left
    out; ratings -> mean score); else ``gold``. Any other string is taken as an
    explicit rater id.

Reference ``"others"`` (the ceiling's footing)
    ``reference="others"`` compares the judge, for every annotator ``h`` of
    item ``i``, with exactly the reference the ceiling uses for ``h``: the
    majority of the *other* annotators of ``i`` (ratings: their mean). One
    judge verdict thus gives one pair per (item, annotator) whose others'
    majority is defined, and the pairs are combined like the ceiling's
    (``aggregate="mean"``: the statistic per annotator, then the unweighted
    mean over annotators; ``"pooled"``: once on all pairs). Judge and ceiling
    rows then share the reference, the (item, annotator) pairs and the
    aggregation, and are directly comparable. This is AlpacaEval's human
    baseline (each annotator against the mode of the other annotators) and
    MT-Bench's pooling of all (judge, human) vote pairs (Zheng et al. 2023,
    https://arxiv.org/abs/2306.05685, Sec. 4.2). With ``human:majority``
    instead, a two-annotator split has no majority and the item is left out
    for the judge, while the ceiling keeps it (each annotator faces the other
    one): the judge is scored on the easier items.

Human ceiling
    The same statistic between humans on the same data: each individual
    ``human:<id>`` annotator against the majority of the *other* annotators
    of the item (leave-one-annotator-out; items need at least two
    annotators, and the others' majority must not be tied). ``"mean"``
    averages the statistic over annotators (unweighted, annotators whose
    statistic is undefined are skipped); ``"pooled"`` computes it once on all
    (annotator, others' majority) pairs. Ceiling rows have
    ``judge = "human ceiling"`` and ``kind = "ceiling"``.

Ceiling items (``ceiling_items``)
    ``"judged"`` (default): the ceiling uses only items on which at least one
    of the ``judges`` has a non-NA verdict (after ``resolve``), so human items
    no judge saw do not move it; with ``reference="others"`` and one judge (or
    judges covering the same items) its (item, annotator) pairs are then
    exactly the judge's. ``"compared"``: only items on which at least one
    judge was actually compared with the reference (with ``human:majority``
    this also drops items whose majority is tied). ``"all"``: every item with
    at least two annotators. When no judge has any verdict (or comparison),
    the ceiling uses all items.

Clusters (``cluster=``)
    By default the bootstrap resamples items (``dataset``, ``item_id``,
    ``criterion``): all raters and both presentation orders of an item move
    together. ``cluster`` names a column (one value per item) or a function
    ``item_id -> cluster id``; whole clusters are then resampled (within a
    dataset: clusters never span datasets). The per-item contributions of a
    cluster are summed into one row (the statistics are functions of sums, so
    this is exact), and BCa's jackknife leaves out one cluster at a time.
    Estimates and ``n_items`` do not change, only the intervals. Recipe for
    MT-Bench, whose loader writes ``"<question_id>/<model_a>/<model_b>/t<turn>"``
    item ids, so that both turns of a conversation move together::

        agreement(df, cluster=lambda item_id: item_id.rsplit("/t", 1)[0])

Category set
    Label statistics use the labels seen anywhere in the (order-resolved) table as
    their category set, for every judge, slice and the ceiling: Gwet's AC1 and
    Brennan-Prediger depend on the number of categories q, so a slice in which
    nobody said ``tie`` still has q = 3 when the table has ties elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import verdicts
from .schema import COLUMNS as _SCHEMA_COLUMNS
from .schema import KEY as _KEY
from .stats import bootstrap as _boot
from .stats import ranking as _rank
from .stats import testing as _testing

__all__ = ["agreement", "compare_judges", "leaderboard", "rank_correlation"]

CEILING = "human ceiling"
OTHERS = "others' majority"
"""``reference`` of ceiling rows and of judge rows under ``reference="others"``."""
DEFAULT_STATISTICS: dict[str, tuple[str, ...]] = {
    "pairwise": ("percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1"),
    "binary": ("percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1", "macro_f1"),
    "rating": ("pearson", "spearman", "kendall_tau", "krippendorff_alpha", "icc"),
}
"""Statistics computed by :func:`agreement` when ``statistics`` is not given."""

_DEFAULT_OPTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "pairwise": {"krippendorff_alpha": {"level": "nominal"}},
    "binary": {"krippendorff_alpha": {"level": "nominal"}},
    "rating": {"krippendorff_alpha": {"level": "interval"}, "icc": {"form": "ICC2"}},
}
_ITEM = ["dataset", "item_id", "criterion"]
_IC = "_item_code"
"""Internal column: integer code of the item key, made once per :func:`agreement` call."""
COLUMNS = [
    "judge",
    "reference",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "n_items",
    "kind",
]
"""Columns of :func:`agreement` after the ``by`` columns."""


# ----------------------------------------------------------------- helpers


def _protocol(df: pd.DataFrame) -> str:
    # unique first, then object: no conversion of every row of a categorical / string column
    protocols = pd.Series(df["protocol"].dropna().unique()).astype("object").tolist()
    if len(protocols) != 1:
        raise ValueError(f"df: expected one protocol, got {sorted(protocols)}; filter first")
    return protocols[0]


def _individual_humans(df: pd.DataFrame) -> list[str]:
    """Sorted ``human:<id>`` raters of kind ``human`` (not ``human:majority``)."""
    raters = df["rater"][df["rater_kind"].isin(["human"]).to_numpy()].dropna().unique().tolist()
    return sorted(
        r for r in raters if isinstance(r, str) and r.startswith("human:") and r != "human:majority"
    )


def _resolve_reference(df: pd.DataFrame, reference: str) -> tuple[pd.DataFrame, str]:
    raters = set(pd.Series(df["rater"].unique()).astype("object"))
    if reference != "human":
        if reference not in raters:
            raise ValueError(f"reference: rater {reference!r} not in the table")
        return df, reference
    for name in ("human:majority", "human"):
        if name in raters:
            return df, name
    if _individual_humans(df):
        maj = verdicts.majority_vote(df)
        return pd.concat([df, maj], ignore_index=True), "human:majority"
    # A curated gold label stands in for people only when nobody else is there
    # (LLMFAO's 7 training pairs carry gold *beside* 124 crowd workers).
    if "gold" in raters:
        return df, "gold"
    raise ValueError(
        "reference: 'human' found no human:majority, human, gold or human:<id> rater; "
        f"raters are {sorted(raters)[:10]}"
    )


def _statistics(statistics, protocol) -> dict[str, dict[str, Any]]:
    from . import stats

    if statistics is None:
        statistics = DEFAULT_STATISTICS[protocol]
    if isinstance(statistics, str):
        statistics = (statistics,)
    items = statistics.items() if isinstance(statistics, Mapping) else ((s, {}) for s in statistics)
    out = {}
    for name, opts in items:
        if name not in stats.SUFFICIENT:
            raise ValueError(f"statistics: unknown {name!r}; known: {sorted(stats.SUFFICIENT)}")
        out[name] = {**_DEFAULT_OPTIONS[protocol].get(name, {}), **(opts or {})}
    return out


def _rows_of(df: pd.DataFrame, raters: Sequence[str], cols: Sequence[str]) -> pd.DataFrame:
    """Rows of ``raters`` with only the columns ``cols`` (those present) and the value columns.

    Columns first: filtering the whole table would copy every text column (prompts,
    responses) for a handful of key columns.
    """
    keep = [c for c in dict.fromkeys([*cols, "rater", "label", "score"]) if c in df.columns]
    return df[keep][df["rater"].isin(list(raters)).to_numpy()]


def _values(rows: pd.DataFrame, protocol: str) -> pd.Series:
    if protocol == "rating":
        return rows["score"].astype("Float64")
    return rows["label"].astype("object")


def _pairs(
    df: pd.DataFrame, rater: str, reference: pd.DataFrame, protocol: str, by: list[str]
) -> pd.DataFrame:
    """One row per judgment of ``rater`` with the reference value of its item."""
    rows = _rows_of(df, [rater], [*_ITEM, *by, _IC])
    coded = _IC in rows.columns and _IC in reference.columns
    left = rows[_ITEM + [c for c in by if c not in _ITEM] + ([_IC] if coded else [])].copy()
    left["x"] = _values(rows, protocol).to_numpy()
    if coded:
        # Look the reference up by integer item code: the rows (and their order) of an
        # inner merge on the item key, which is unique in ``reference``.
        size = int(np.max(np.r_[left[_IC].to_numpy(), reference[_IC].to_numpy(), -1])) + 1
        where = np.full(size, -1)
        where[reference[_IC].to_numpy()] = np.arange(len(reference))
        pos = where[left[_IC].to_numpy()]
        out = left[pos >= 0].copy()
        out["y"] = reference["y"].to_numpy()[pos[pos >= 0]]
    else:
        out = left.merge(reference, on=_ITEM, how="inner")
    out = out[out["x"].notna() & out["y"].notna()]
    return out


def _reference_values(df: pd.DataFrame, ref: str, protocol: str) -> pd.DataFrame:
    rows = _rows_of(df, [ref], [*_ITEM, _IC])
    out = rows[_ITEM + ([_IC] if _IC in rows.columns else [])].copy()
    out["y"] = _values(rows, protocol).to_numpy()
    coded = _IC in out.columns and bool((out[_IC].to_numpy() >= 0).all())
    # The integer item code stands for the item key (one code per key): same test, no strings.
    if (out[_IC].duplicated() if coded else out.duplicated(_ITEM)).any():
        raise ValueError(
            f"reference: rater {ref!r} has several rows per item (presentation orders?); "
            "resolve them first (resolve='fastchat' etc.) or pick another reference"
        )
    return out


def _ceiling_pairs(
    df: pd.DataFrame, protocol: str, by: list[str], humans: list[str] | None = None
) -> pd.DataFrame:
    """(annotator value, majority of the other annotators) for every annotator vote.

    All of the annotator's own votes on the item are left out (a person may
    have voted twice, e.g. in both presentation orders). ``humans``: the
    individual annotators of ``df`` when already known.
    """
    if humans is None:
        humans = _individual_humans(df)
    if len(humans) < 2:
        return pd.DataFrame()
    rows = _rows_of(df, humans, [*_ITEM, *by, _IC])
    v = rows[_ITEM + [c for c in by if c not in _ITEM] + ["rater"]].astype("object").copy()
    v["x"] = _values(rows, protocol).to_numpy()
    coded = _IC in rows.columns
    if coded:
        v[_IC] = rows[_IC].to_numpy()
    v = v[v["x"].notna()]
    if v.empty:
        return pd.DataFrame()
    if coded:
        v["_item"] = pd.factorize(v[_IC].to_numpy())[0]
    else:
        v["_item"] = v.groupby(_ITEM, sort=False).ngroup()
    own = v.groupby(["_item", "rater"], sort=False).ngroup().to_numpy()
    if protocol == "rating":
        x = v["x"].astype(float).to_numpy()
        item = v["_item"].to_numpy()
        tot = np.bincount(item, weights=x)[item] - np.bincount(own, weights=x)[own]
        others = np.bincount(item)[item] - np.bincount(own)[own]
        with np.errstate(invalid="ignore", divide="ignore"):
            v["y"] = np.where(others > 0, tot / np.maximum(others, 1), np.nan)
        v["y"] = v["y"].where(others > 0)
    else:
        codes, labels = pd.factorize(v["x"], sort=True)
        labels = np.asarray(labels, dtype=object)
        k = len(labels)
        item = v["_item"].to_numpy()
        per_item = np.zeros((item.max() + 1, k))
        np.add.at(per_item, (item, codes), 1)
        per_own = np.zeros((own.max() + 1, k))
        np.add.at(per_own, (own, codes), 1)
        c = per_item[item] - per_own[own]  # leave this annotator's votes out
        top = c.max(axis=1)
        unique = (c == top[:, None]).sum(axis=1) == 1
        y = labels[c.argmax(axis=1)]
        v["y"] = np.where(unique & (top > 0), y, None)
    return v[v["y"].notna()].drop(columns="_item")


def _others_pairs(
    df: pd.DataFrame, rater: str, loo: pd.DataFrame, protocol: str, by: list[str]
) -> pd.DataFrame:
    """One row per (judgment of ``rater``, annotator of its item): reference = others' majority.

    ``loo`` is :func:`_ceiling_pairs` without ``by``: per annotator vote the
    majority of the item's other annotators. An annotator with several votes on
    an item gives one pair per vote, as in the ceiling.
    """
    rows = _rows_of(df, [rater], [*_ITEM, *by, _IC])
    left = rows[_ITEM + [c for c in by if c not in _ITEM] + [c for c in [_IC] if c in rows]].copy()
    left[_ITEM] = left[_ITEM].astype("object")
    left["x"] = _values(rows, protocol).to_numpy()
    left = left[left["x"].notna()]
    ref = loo[[*_ITEM, "rater", "y"]]
    return left.merge(ref.rename(columns={"rater": "_annotator"}), on=_ITEM, how="inner")


def _restore_columns(
    original: pd.DataFrame, resolved: pd.DataFrame, cols: list[str]
) -> pd.DataFrame:
    """Bring non-schema columns back after :func:`workbench.verdicts.resolve_orders` dropped them.

    Each resolved row takes the values of the original row with its key
    (dataset, item_id, rater, order, criterion); a row whose two orders were
    resolved into one takes them from its ``AB`` row (else ``BA``), like the
    schema columns do. Rows made later (an on-the-fly majority) get NA.
    """
    if not cols:
        return resolved

    def index(frame: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
        return pd.MultiIndex.from_frame(frame[key].astype("object").fillna("-"))

    orig = original.reset_index(drop=True)
    first = orig.assign(_o=(orig["order"].astype("object") != "AB").to_numpy())
    first = first.sort_values("_o", kind="stable")
    full = index(orig, _KEY)
    pos = full[~full.duplicated()].get_indexer(index(resolved, _KEY))
    rows = np.flatnonzero(~full.duplicated())
    pos = np.where(pos >= 0, rows[np.maximum(pos, 0)], -1)
    group = ["dataset", "item_id", "rater", "criterion"]
    gidx = index(first, group)
    keep = ~gidx.duplicated()
    gpos = gidx[keep].get_indexer(index(resolved, group))
    grows = first.index.to_numpy()[keep]
    pos = np.where(pos >= 0, pos, np.where(gpos >= 0, grows[np.maximum(gpos, 0)], -1))
    out = resolved.copy()
    for c in cols:
        vals = orig[c].astype("object").to_numpy()[np.maximum(pos, 0)]
        out[c] = pd.Series(np.where(pos >= 0, vals, None), index=out.index, dtype="object")
    return out


def _schema_only(df: pd.DataFrame) -> pd.DataFrame:
    """The schema's columns of ``df`` (factor columns etc. would fail ``schema.conform``)."""
    extra = [c for c in df.columns if c not in _SCHEMA_COLUMNS]
    return df.drop(columns=extra) if extra else df


def _cluster_index(
    df: pd.DataFrame, cluster: str | Callable[[str], Hashable] | None
) -> pd.Series | None:
    """Cluster code per item (index: the item key), or None for item-level resampling."""
    if cluster is None:
        return None
    items = df[_ITEM].astype("object").reset_index(drop=True)
    if isinstance(cluster, str):
        if cluster not in df.columns:
            raise ValueError(f"cluster: column {cluster!r} not in the table")
        values = pd.Series(df[cluster].astype("object").to_numpy())
    elif callable(cluster):
        ids = items["item_id"]
        mapping = {i: cluster(i) for i in pd.unique(ids)}
        values = ids.map(mapping)
    else:
        raise ValueError(
            f"cluster: expected None, a column name or a function, got {type(cluster).__name__}"
        )
    if values.isna().any():
        bad = items["item_id"][values.isna().to_numpy()].iloc[0]
        raise ValueError(f"cluster: no cluster for item {bad!r} ({int(values.isna().sum())} rows)")
    t = items.assign(_cluster=values.to_numpy()).drop_duplicates()
    several = t.duplicated(_ITEM, keep=False)
    if several.any():
        bad = t[several].iloc[0]
        raise ValueError(
            f"cluster: item {bad['item_id']!r} has several cluster values "
            f"{sorted(map(str, t[several & (t['item_id'] == bad['item_id'])]['_cluster']))}"
        )
    codes = t.groupby(["dataset", "_cluster"], sort=False).ngroup().to_numpy()
    return pd.Series(codes, index=pd.MultiIndex.from_frame(t[_ITEM]))


def _unit_codes(block: pd.DataFrame, clusters: pd.Series | None) -> np.ndarray:
    """Resampling unit of every row: its item, or its item's cluster."""
    if clusters is None:
        return _item_codes(block)
    idx = pd.MultiIndex.from_frame(block[_ITEM].astype("object"))
    return clusters.to_numpy()[clusters.index.get_indexer(idx)]


def _distinct_cells(
    x: np.ndarray, y: np.ndarray, items: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(one row index per distinct (x, y) cell, its count), or None when not applicable.

    Applies to integer label codes (>= 0) with one row per item; the resampled
    units are then the rows, and rows of one cell have equal contributions.
    """
    if x.dtype.kind not in "iu" or y.dtype.kind not in "iu" or not len(x):
        return None
    if x.min() < 0 or y.min() < 0:
        return None
    n_items = int(items.max()) + 1 if len(items) else 0
    if n_items != len(items) or np.bincount(items, minlength=n_items).max() != 1:
        return None
    k = int(max(x.max(), y.max())) + 1
    cell = x.astype(np.int64) * k + y
    counts = np.bincount(cell, minlength=k * k)
    present = np.flatnonzero(counts)
    first = np.full(k * k, len(cell), dtype=np.int64)
    np.minimum.at(first, cell, np.arange(len(cell)))
    return first[present], counts[present]


def _estimate_block(
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    humans: np.ndarray | None,
    specs: dict[str, dict[str, Any]],
    *,
    ceiling: str,
    categories: Sequence[Any] | None = None,
    n_resamples: int,
    confidence_level: float,
    method: str,
    gen: np.random.Generator,
) -> dict[str, tuple[float, float, float, float]]:
    """Estimate, CI and SE of every statistic on one (judge, slice) block.

    ``categories``: the label set of the whole table (sorted), so that every judge, slice
    and the ceiling share one scale (Gwet's AC1 and Brennan-Prediger depend on its size q);
    default: the labels of this block.
    """
    from . import stats

    out: dict[str, tuple[float, float, float, float]] = {}
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, rng=gen)
    if x.dtype.kind in "OUS":
        # Labels -> integer codes in sorted label order (the statistics' default order), with
        # the category set passed explicitly: the same numbers, without re-hashing strings.
        # A categories= option given by the user (e.g. ["A", "tie", "B"] for ordinal
        # weights) fixes the ORDER of the codes, so positions-based weights follow it.
        given = {tuple(o["categories"]) for o in specs.values() if o.get("categories") is not None}
        if len(given) > 1:
            raise ValueError(f"statistics: pass one categories= for all statistics, got {given}")
        if given:
            categories = list(given.pop())
        if categories is None:
            codes, labels = pd.factorize(np.concatenate([x, y]), sort=True)
        else:
            labels = pd.Index(list(categories), dtype=object)
            codes = labels.get_indexer(np.concatenate([x, y]).astype(object))
            if (codes < 0).any():
                bad = sorted(set(np.concatenate([x, y])[codes < 0].tolist()))
                raise ValueError(f"categories: labels {bad} are not in {list(labels)}")
        x, y = codes[: len(x)], codes[len(x) :]
        labels = list(labels)
        specs = {k: {**o, "categories": tuple(range(len(labels)))} for k, o in specs.items()}
        if "percent_agreement" in specs:
            name = specs["percent_agreement"].get("tie_label", "tie")
            tie = labels.index(name) if name in labels else -1
            specs["percent_agreement"] = {**specs["percent_agreement"], "tie_label": tie}
    sum_specs = {k: o for k, o in specs.items() if stats.SUFFICIENT[k].kind != "resample"}
    res_specs = {k: o for k, o in specs.items() if k not in sum_specs}
    h_codes, n_h = (None, 1)
    if humans is not None and ceiling == "mean":
        _, h_codes = np.unique(humans, return_inverse=True)
        n_h = int(h_codes.max()) + 1
    if sum_specs:
        # One row per item, integer label codes, no per-annotator blocks: a row's
        # contributions depend only on its (x, y) cell, so compute them for one
        # representative row per distinct cell and count the cells (exactly the
        # patterns and counts the full (n, d) matrix would give, in the same order).
        cells = _distinct_cells(x, y, items) if h_codes is None else None
        reps = None if cells is None else cells[0]

        def pair_data(name):
            if reps is None:
                return _boot.pair_args(name, x, y)
            return _boot.pair_args(name, x[reps], y[reps])

        blocks, resolved, seen, spans = [], {}, {}, {}
        width = 0
        for name, opts in sum_specs.items():
            suff = stats.SUFFICIENT[name]
            data = _boot.pair_args(name, x, y)
            resolved[name] = suff.resolve(*data, **opts)
            # Statistics of one contingency table share their contributions: compute once.
            key = (suff.contributions, len(data), repr(resolved[name].get("categories")))
            if key not in seen:
                c = np.asarray(suff.contributions(*pair_data(name), **resolved[name]), float)
                d = c.shape[1]
                if h_codes is not None:  # one block of d columns per annotator
                    wide = np.zeros((len(c), n_h * d))
                    np.put_along_axis(wide, h_codes[:, None] * d + np.arange(d), c, axis=1)
                    c = wide
                seen[key] = (width, d)
                blocks.append(c)
                width += c.shape[1]
            spans[name] = seen[key]
        names = list(sum_specs)

        def from_sums(s):
            res = []
            for name in names:
                start, d = spans[name]
                part = s[..., start : start + d * n_h]
                g = stats.SUFFICIENT[name].from_sums
                if h_codes is None:
                    res.append(np.asarray(g(part, **resolved[name]), float))
                else:
                    per = np.asarray(
                        g(part.reshape(*part.shape[:-1], n_h, d), **resolved[name]),
                        float,
                    )
                    with np.errstate(invalid="ignore"), _quiet():
                        res.append(np.nanmean(per, axis=-1))
            return np.stack(res, axis=-1)

        wide = np.concatenate(blocks, axis=1)
        if cells is None:
            contrib, _ = _boot.item_sums(wide, items)
            r = _boot.bootstrap_sums(contrib, from_sums, **kw)
        else:
            patterns, counts = _boot.ordered_patterns(wide, cells[1])
            r = _boot.bootstrap_sums(patterns, from_sums, counts=counts, **kw)
        for i, name in enumerate(names):
            out[name] = (r.estimate[i], r.ci_low[i], r.ci_high[i], r.se[i])
    for name, opts in res_specs.items():
        fast = _rank_bootstrap(name, opts, x, y, items, h_codes, **kw)
        if fast is not None:
            out[name] = fast
            continue
        fn = stats.SUFFICIENT[name].statistic
        if h_codes is None:

            def stat(a, b, fn=fn, name=name, opts=opts):
                return fn(*_boot.pair_args(name, a, b), **opts)

            data = (x, y)
        else:

            def stat(a, b, h, fn=fn, name=name, opts=opts):
                vals = [
                    fn(*_boot.pair_args(name, a[h == k], b[h == k]), **opts)
                    for k in np.unique(h)
                    if (h == k).sum() >= 2
                ]
                with _quiet():
                    return np.nanmean(vals) if vals else np.nan

            data = (x, y, h_codes)
        r = _boot.bootstrap_resample(stat, data, items=items, **kw)
        out[name] = (r.estimate, r.ci_low, r.ci_high, r.se)
    return out


_RANK_MAX_ROWS = 4000
"""Largest (annotator) block whose rank statistics use the pairwise matrices of _rank_values."""


def _rank_matrices(name: str, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Pairwise matrices whose weighted products give Kendall's or Spearman's statistic.

    Kendall: ``sign(x_j - x_k) sign(y_j - y_k)``, ``|sign(x_j - x_k)|``, ``|sign(y_j - y_k)|``;
    Spearman: ``[x_k < x_j] + [x_k == x_j] / 2`` (transposed, for ``w @ K``) and the same for y.
    """
    if name == "kendall_tau":
        sx = np.sign(x[:, None] - x[None, :])
        sy = np.sign(y[:, None] - y[None, :])
        return [sx * sy, np.abs(sx), np.abs(sy)]
    return [
        np.ascontiguousarray(((v[None, :] < v[:, None]) + 0.5 * (v[None, :] == v[:, None])).T)
        for v in (x, y)
    ]


def _rank_values(name: str, w: np.ndarray, products: list[np.ndarray]) -> np.ndarray:
    """Kendall's tau-b or Spearman's rho of the multisets of rows given by weights ``w`` (m, n).

    Row ``k`` enters resample ``i`` ``w[i, k]`` times; ``products`` are ``w @ K`` for the
    matrices of :func:`_rank_matrices`. Counts and average ranks are sums of integers (and
    halves), exact in float64, so tau-b is scipy's ``con_minus_dis / sqrt(tot - xtie) /
    sqrt(tot - ytie)`` to the bit and rho is Pearson on scipy's average ranks (the copies
    of a row tie with each other). NaN for fewer than two rows or a constant side.
    """
    size = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "kendall_tau":
            cmd, px, py = (np.einsum("ij,ij->i", p, w) / 2 for p in products)
            r = np.clip(cmd / np.sqrt(px) / np.sqrt(py), -1.0, 1.0)
            undefined = (px == 0) | (py == 0)
        else:
            rx, ry = (p + 0.5 for p in products)
            n = np.maximum(size, 1)[:, None]
            dx = rx - (w * rx).sum(axis=1, keepdims=True) / n
            dy = ry - (w * ry).sum(axis=1, keepdims=True) / n
            sxx, syy = (w * dx * dx).sum(axis=1), (w * dy * dy).sum(axis=1)
            r = np.clip((w * dx * dy).sum(axis=1) / np.sqrt(sxx * syy), -1.0, 1.0)
            undefined = (sxx == 0) | (syy == 0)
    return np.where(undefined | (size < 2), np.nan, r)


def _rank_table_values(name: str, t: np.ndarray) -> np.ndarray:
    """Kendall's tau-b or Spearman's rho from contingency tables ``t`` (m, U, V) of level pairs.

    ``t[i, a, b]`` counts the rows of resample ``i`` whose first value is the a-th smallest
    level and whose second is the b-th. Concordant minus discordant pairs, tie counts and
    average ranks are integer (half-integer) sums, exact in float64: tau-b is scipy's
    ``con_minus_dis / sqrt(tot - xtie) / sqrt(tot - ytie)`` to the bit; rho is Pearson on
    scipy's average ranks. NaN for fewer than two rows or a constant side.
    """
    size = t.sum(axis=(1, 2))
    cx, cy = t.sum(axis=2), t.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "kendall_tau":
            below = np.cumsum(t[:, ::-1], axis=1)[:, ::-1] - t  # rows with a larger first value
            higher = np.cumsum(below[:, :, ::-1], axis=2)[:, :, ::-1] - below
            lower = np.cumsum(below, axis=2) - below
            cmd = (t * (higher - lower)).sum(axis=(1, 2))
            tot = size * (size - 1) / 2
            px = tot - (cx * (cx - 1) / 2).sum(axis=1)
            py = tot - (cy * (cy - 1) / 2).sum(axis=1)
            r = np.clip(cmd / np.sqrt(px) / np.sqrt(py), -1.0, 1.0)
            undefined = (px == 0) | (py == 0)
        else:
            rx = np.cumsum(cx, axis=1) - cx + (cx + 1) / 2
            ry = np.cumsum(cy, axis=1) - cy + (cy + 1) / 2
            n = np.maximum(size, 1)[:, None]
            dx = rx - (cx * rx).sum(axis=1, keepdims=True) / n
            dy = ry - (cy * ry).sum(axis=1, keepdims=True) / n
            sxx, syy = (cx * dx * dx).sum(axis=1), (cy * dy * dy).sum(axis=1)
            sxy = np.einsum("iab,ia,ib->i", t, dx, dy)
            r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
            undefined = (sxx == 0) | (syy == 0)
    return np.where(undefined | (size < 2), np.nan, r)


_RANK_MAX_CELLS = 8_000_000
"""Largest items x levels x levels table of :func:`_rank_bootstrap`'s per-item contingency tables."""


def _rank_bootstrap(
    name: str,
    opts: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    items: np.ndarray,
    h_codes: np.ndarray | None,
    *,
    n_resamples: int,
    confidence_level: float,
    method: str,
    rng: np.random.Generator,
) -> tuple[float, float, float, float] | None:
    """Item-clustered bootstrap of item-level Kendall's tau-b / Spearman's rho, all resamples at once.

    The draws, estimate and interval of :func:`workbench.stats.bootstrap.bootstrap_resample`
    (with the per-annotator mean of :func:`_estimate_block` when ``h_codes`` is given),
    without one scipy call per resample and per jackknife item: a resample is a vector of
    row multiplicities and the statistic comes from pairwise sign / rank matrices by matrix
    products (leave-one-item-out: column sums minus the item's rows). With few distinct
    values (ratings) the matrices shrink to per-item contingency tables of value levels.
    None when this does not apply (other statistics or options, too large blocks).

    Kendall's tau-b is scipy's to the bit (integer counts, the same final formula).
    Spearman's rho agrees with scipy's to rounding (1e-16); only where the estimate is
    mathematically equal to bootstrap values (tiny blocks) can BCa's bias correction,
    which counts ties with the estimate, differ: here equal values compare equal, before
    scipy's rounding decided.
    """
    if name not in ("kendall_tau", "spearman") or x.dtype.kind not in "fiu":
        return None
    if any((k, v) not in (("level", "item"), ("variant", "b")) for k, v in opts.items()):
        return None
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.isnan(x).any() or np.isnan(y).any():
        return None
    if h_codes is None:
        groups = [np.arange(len(x))]
    else:
        groups = [np.flatnonzero(h_codes == k) for k in range(int(h_codes.max()) + 1)]
    _, codes = np.unique(items, return_inverse=True)
    n = int(codes.max()) + 1
    # statistic(reference, judge) as in pair_args; both statistics are symmetric anyway
    levels = [
        (np.unique(y[g], return_inverse=True), np.unique(x[g], return_inverse=True)) for g in groups
    ]
    by_table = all(n * len(a[0]) * len(b[0]) <= _RANK_MAX_CELLS for a, b in levels)
    if not by_table and max(len(g) for g in groups) > _RANK_MAX_ROWS:
        return None  # before drawing: the fallback draws from ``rng`` itself
    # bootstrap_resample's draws: n items with replacement per resample, as counts per item
    draws = [np.bincount(rng.integers(0, n, size=n), minlength=n) for _ in range(n_resamples)]
    draws = np.vstack([np.ones(n), *draws])  # row 0: the original data
    if by_table:
        # Few distinct values (ratings): per-item contingency tables of (reference, judge)
        # levels; a resample's table is the draw counts times them, a jackknife's the total
        # minus the item's.
        tables = []
        for g, ((ua, ia), (ub, ib)) in zip(groups, levels, strict=True):
            u, v = len(ua), len(ub)
            cell = codes[g] * (u * v) + ia * v + ib
            tables.append(np.bincount(cell, minlength=n * u * v).reshape(n, u * v).astype(float))

        def table_values(pick) -> np.ndarray:
            per = []
            for t, ((ua, _), (ub, _)) in zip(tables, levels, strict=True):
                per.append(_rank_table_values(name, pick(t).reshape(-1, len(ua), len(ub))))
            if len(per) == 1:
                return per[0]
            with _quiet():
                return np.nanmean(np.stack(per, axis=1), axis=1)

        width = max(len(a[0]) * len(b[0]) for a, b in levels)
        chunk = max(1, 4_000_000 // width)
        est = np.concatenate(
            [
                table_values(lambda t, i=i: draws[i : i + chunk] @ t)
                for i in range(0, len(draws), chunk)
            ]
        )
        theta, boot = np.asarray(est[0]), est[1:]
        jack = table_values(lambda t: t.sum(axis=0)[None, :] - t) if method == "bca" else None
        lo, hi = _boot.bootstrap_interval(theta, boot, jack, np.ones(n), confidence_level, method)
        r = _boot.bootstrap_result(theta, boot, lo, hi, n)
        return r.estimate, r.ci_low, r.ci_high, r.se
    mats = [_rank_matrices(name, y[g], x[g]) for g in groups]

    def values(w: np.ndarray, product) -> np.ndarray:
        """Statistic per weight row; per annotator, then the mean over annotators."""
        per = []
        for g, ks in zip(groups, mats, strict=True):
            wg = w[:, g]
            v = _rank_values(name, wg, [product(wg, g, k) for k in ks])
            per.append(np.where(wg.sum(axis=1) >= 2, v, np.nan))
        if len(per) == 1:
            return per[0]
        with _quiet():
            return np.nanmean(np.stack(per, axis=1), axis=1)

    def dense(wg, g, k):
        return wg @ k

    w = draws[:, codes].astype(float)
    chunk = max(1, 4_000_000 // len(x))
    est = np.concatenate([values(w[i : i + chunk], dense) for i in range(0, len(w), chunk)])
    theta, boot = np.asarray(est[0]), est[1:]
    jack = None
    if method == "bca":
        left_out = np.ones((n, len(x)))
        left_out[codes, np.arange(len(x))] = 0.0

        def minus_item(wg, g, k):
            order = np.argsort(codes[g], kind="stable")
            it = codes[g][order]
            starts = np.flatnonzero(np.r_[True, it[1:] != it[:-1]])
            per_item = np.zeros((n, k.shape[1]))
            if len(starts) == len(it):  # one row per item
                per_item[it] = k[order]
            else:
                per_item[it[starts]] = np.add.reduceat(k[order], starts, axis=0)
            return k.sum(axis=0)[None, :] - per_item

        jack = values(left_out, minus_item)
    lo, hi = _boot.bootstrap_interval(theta, boot, jack, np.ones(n), confidence_level, method)
    r = _boot.bootstrap_result(theta, boot, lo, hi, n)
    return r.estimate, r.ci_low, r.ci_high, r.se


class _quiet:
    """Silence numpy's empty-slice / invalid warnings inside a block."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _xy(block: pd.DataFrame, protocol: str) -> tuple[np.ndarray, np.ndarray]:
    if protocol == "rating":
        return block["x"].to_numpy(float), block["y"].to_numpy(float)
    return block["x"].to_numpy(object).astype(str), block["y"].to_numpy(object).astype(str)


def _label_set(df: pd.DataFrame, protocol: str) -> list[str] | None:
    """Sorted labels used anywhere in the table (None for ratings): one scale for every block."""
    if protocol == "rating":
        return None
    return sorted({str(v) for v in df["label"].dropna().unique()})


def _item_codes(block: pd.DataFrame) -> np.ndarray:
    """Item of every row, numbered in order of first appearance in ``block``."""
    if _IC in block.columns:  # integer item key made once per call (see _with_item_codes)
        return pd.factorize(block[_IC].to_numpy())[0]
    return block.groupby(_ITEM, sort=False).ngroup().to_numpy()


def _with_item_codes(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` plus an integer column coding its item key (dataset, item_id, criterion)."""
    return df.assign(**{_IC: df.groupby(_ITEM, sort=False).ngroup().to_numpy()})


# ----------------------------------------------------------------- agreement


def agreement(
    df: pd.DataFrame,
    *,
    judges: Sequence[str] | None = None,
    reference: str = "human",
    statistics: Sequence[str] | Mapping[str, Mapping[str, Any]] | None = None,
    by: Sequence[str] | None = None,
    resolve: Literal["per_order", "fastchat", "vote_sum", "first_order"] = "per_order",
    ceiling: bool | Literal["mean", "pooled"] = True,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Literal["bca", "percentile"] = "bca",
    rng: np.random.Generator | int | None = 0,
    ties: str | None = None,
    aggregate: Literal["mean", "pooled"] | None = None,
    ceiling_items: Literal["judged", "compared", "all"] = "judged",
    cluster: str | Callable[[str], Hashable] | None = None,
) -> pd.DataFrame:
    """Agreement of each judge with the human reference, with bootstrap CIs and the human ceiling.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table of one protocol (pairwise, binary or rating).
    judges : sequence of str, optional
        Raters to compare with the reference. Default: every rater of kind
        ``llm`` or ``metric``.
    reference : str, default "human"
        ``"human"`` (``human:majority``, else ``human``, ... see the module
        docstring), ``"others"`` (per annotator, the majority of the item's
        other annotators: the ceiling's own reference, so judge and ceiling
        rows are comparable; needs individual ``human:<id>`` raters), or an
        explicit rater id.
    statistics : sequence of str or mapping name -> options, optional
        Names in :data:`workbench.stats.SUFFICIENT`. Default
        :data:`DEFAULT_STATISTICS` of the protocol (Krippendorff's α is
        nominal for labels, interval for ratings; ICC is ``ICC2``).
    by : sequence of str, optional
        Slicing columns, any columns of ``df`` (``subset``, ``order``,
        ``turn``, ``model``, factor bins from :func:`workbench.slicing.add_bins`
        ...), taken from the judge's row (ceiling rows: from the annotator's
        row). ``criterion`` is added when the table has several.
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "per_order"
        How a judge's two presentation orders become verdicts
        (:func:`workbench.verdicts.resolve_orders`).
    ceiling : bool or {"mean", "pooled"}, default True
        Add human-ceiling rows, when the table has at least two individual
        ``human:<id>`` annotators. A string also sets ``aggregate``.
    n_resamples : int, default 2000
        Bootstrap resamples (items are resampled, all rows of an item together).
    confidence_level : float, default 0.95
    method : {"bca", "percentile"}, default "bca"
    rng : Generator, int or None, default 0
        Seed: the default makes the table reproducible.
    ties : str, optional
        Tie policy passed to ``percent_agreement`` (``ties=``); None uses its default.
    aggregate : {"mean", "pooled"}, optional
        How comparisons with individual annotators are combined, for the
        ceiling and for ``reference="others"``: ``"mean"`` = the statistic per
        annotator, then the unweighted mean over annotators; ``"pooled"`` =
        once on all (value, others' majority) pairs. Default: ``ceiling`` when
        it is a string, else ``"mean"``.
    ceiling_items : {"judged", "compared", "all"}, default "judged"
        Items the ceiling is computed on (module docstring): those with a
        verdict of at least one judge, those where at least one judge was
        compared with the reference, or all.
    cluster : str or callable, optional
        Resample clusters of items instead of items: a column of ``df`` (one
        value per item) or a function ``item_id -> cluster id`` (module
        docstring; MT-Bench: ``lambda i: i.rsplit("/t", 1)[0]`` keeps both
        turns of a conversation together). Estimates and ``n_items`` are
        unchanged.

    Returns
    -------
    DataFrame
        One row per (slice, judge, statistic) plus ceiling rows; columns
        ``[*by, "judge", "reference", "statistic", "estimate", "ci_low",
        "ci_high", "se", "n_items", "kind"]`` (``kind`` is ``"judge"`` or
        ``"ceiling"``; ``n_items`` counts distinct items compared). Rows whose
        judge or reference value is NA (unparsable output, tied majority)
        are left out.

    Examples
    --------
    Six items, a judge that agrees with the human on five:

    >>> import pandas as pd
    >>> human = ["A", "A", "B", "tie", "B", "A"]
    >>> judge = ["A", "B", "B", "tie", "B", "A"]
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, label=lab)
    ...         for r, k, labels in [("human", "human", human), ("j", "llm", judge)]
    ...         for i, lab in enumerate(labels)]
    >>> t = agreement(pd.DataFrame(rows), statistics=["percent_agreement", "cohen_kappa"],
    ...               n_resamples=200)
    >>> t[["judge", "statistic", "n_items"]].values.tolist()
    [['j', 'percent_agreement', 6], ['j', 'cohen_kappa', 6]]
    >>> [round(v, 4) for v in t["estimate"]]  # 5/6; (5/6 - 13/36) / (1 - 13/36) = 17/23
    [0.8333, 0.7391]

    Two annotators who split on item 1 leave it without a majority; against
    the others' majority the judge is scored on it too, like the ceiling:

    >>> votes = {"human:1": ["A", "A", "B"], "human:2": ["A", "B", "B"], "j": ["A", "A", "B"]}
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind="llm" if r == "j" else "human", label=lab)
    ...         for r, labels in votes.items() for i, lab in enumerate(labels)]
    >>> t = agreement(pd.DataFrame(rows), statistics=["percent_agreement"], n_resamples=50)
    >>> t[["judge", "reference", "estimate", "n_items"]].values.tolist()  # 2/2; (2/3 + 2/3) / 2
    [['j', 'human:majority', 1.0, 2], ['human ceiling', "others' majority", 0.6666666666666666, 3]]
    >>> t = agreement(pd.DataFrame(rows), statistics=["percent_agreement"], n_resamples=50,
    ...               reference="others")
    >>> [round(v, 4) for v in t["estimate"]]  # judge vs h2 on 0-2 (A, B, B): 2/3; vs h1: 3/3
    [0.8333, 0.6667]
    """
    protocol = _protocol(df)
    by = list(by or [])
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise ValueError(f"by: columns {missing} not in the table")
    if df["criterion"].astype("object").nunique() > 1 and "criterion" not in by:
        by = ["criterion", *by]
    if ceiling not in (True, False, "mean", "pooled"):
        raise ValueError(f"ceiling: expected True, False, 'mean' or 'pooled', got {ceiling!r}")
    if aggregate not in (None, "mean", "pooled"):
        raise ValueError(f"aggregate: expected 'mean' or 'pooled', got {aggregate!r}")
    named = ceiling if isinstance(ceiling, str) else None
    if aggregate is not None and named is not None and aggregate != named:
        raise ValueError(f"aggregate: {aggregate!r} contradicts ceiling={ceiling!r}")
    aggregate = aggregate or named or "mean"
    if ceiling_items not in ("judged", "compared", "all"):
        raise ValueError(
            f"ceiling_items: expected 'judged', 'compared' or 'all', got {ceiling_items!r}"
        )
    specs = _statistics(statistics, protocol)
    if ties is not None and "percent_agreement" in specs:
        specs["percent_agreement"] = {**specs["percent_agreement"], "ties": ties}
    prep = _prepare(
        df,
        judges=judges,
        reference=reference,
        by=by,
        resolve=resolve,
        ceiling=bool(ceiling),
        aggregate=aggregate,
        ceiling_items=ceiling_items,
        cluster=cluster,
    )
    return _emit_prepared(
        prep,
        specs,
        by=by,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        method=method,
        rng=rng,
    )


def _prepare(
    df: pd.DataFrame,
    *,
    judges: Sequence[str] | None,
    reference: str,
    by: list[str],
    resolve: str,
    ceiling: bool,
    aggregate: str,
    ceiling_items: str,
    cluster: str | Callable[[str], Hashable] | None,
) -> dict[str, Any]:
    """The (judge, reference) and ceiling pairs of :func:`agreement`, before any statistic.

    Independent of the statistics, the bootstrap and the seed: a caller slicing
    the same selection several ways (the explorer) prepares once with
    ``by=[]`` and adds an item-level slice column with :func:`_with_slice`.
    """
    protocol = _protocol(df)
    clusters = _cluster_index(df, cluster)
    extra = [c for c in by if c not in _SCHEMA_COLUMNS]
    original = df
    df = _restore_columns(original, verdicts.resolve_orders(_schema_only(df), rule=resolve), extra)
    humans = _individual_humans(df)  # an on-the-fly majority adds no individual annotator
    loo = None
    if reference == "others":
        df = _with_item_codes(df)
        loo = _ceiling_pairs(df, protocol, [], humans)
        if loo.empty:
            raise ValueError(
                "reference: 'others' needs items with at least two individual human:<id> "
                f"annotators; found {humans[:10]}"
            )
        ref = OTHERS
    else:
        df, ref = _resolve_reference(df, reference)
        df = _with_item_codes(df)
    raters = df["rater"].astype("object")
    if judges is None:
        kind = df["rater_kind"].astype("object")
        judges = sorted(raters[kind.isin(["llm", "metric"])].unique().tolist())
    else:
        judges = list(judges)
        unknown = sorted(set(judges) - set(raters.unique()))
        if unknown:
            raise ValueError(f"judges: not in the table: {unknown}")
    ref_values = _reference_values(df, ref, protocol) if loo is None else None
    judge_pairs = []
    compared = []
    for judge in judges:
        if loo is None:
            pairs = _pairs(df, judge, ref_values, protocol, by)
        else:
            pairs = _others_pairs(df, judge, loo, protocol, by)
        if len(pairs):
            compared.append(pairs[_IC].to_numpy())
            judge_pairs.append(
                (judge, pairs, "_annotator" if loo is not None and aggregate == "mean" else None)
            )
    cp = cp_all = None
    judged_by: dict[str, np.ndarray] = {}
    if ceiling:
        cp = cp_all = _ceiling_pairs(df, protocol, by, humans)
        if len(cp) and ceiling_items != "all":
            if ceiling_items == "judged":
                valued = _values(df, protocol).notna().to_numpy()
                judged = raters.isin(judges).to_numpy() & valued
                seen = df[_IC].to_numpy()[judged]
                codes = df[_IC].to_numpy()
                judged_by = {j: codes[(raters == j).to_numpy() & valued] for j in judges}
            else:
                seen = np.concatenate(compared) if compared else np.array([], dtype=np.int64)
            if len(seen):
                cp = cp[np.isin(cp[_IC].to_numpy(), seen)]
        if not len(cp):
            cp = None
    labels_by: dict[str, set[str]] = {}
    if protocol != "rating":
        rated = pd.DataFrame({"rater": raters.to_numpy(), "label": df["label"].to_numpy()})
        for rater, values in rated.dropna().groupby("rater", sort=False)["label"]:
            labels_by[rater] = {str(v) for v in values.unique()}
    return {
        "protocol": protocol,
        "ref": ref,
        "aggregate": aggregate,
        "clusters": clusters,
        "categories": _label_set(df, protocol),
        "judges": judge_pairs,
        "ceiling": cp,
        # for _one_judge: the unfiltered ceiling, each judge's judged items, labels per rater
        "ceiling_items": ceiling_items,
        "ceiling_all": cp_all,
        "judged_by": judged_by,
        "labels_by": labels_by,
        "judge_names": list(judges),
    }


def _one_judge(prep: dict[str, Any], judge: str) -> dict[str, Any]:
    """:func:`_prepare` of the same table without the other judges' rows.

    The judge's pairs are unchanged; the ceiling is restricted to the items this
    judge judged and the label set to the labels of this judge and the non-judges.

    Examples
    --------
    Judge ``j`` says tie, which ``k`` never does; ``k`` alone has labels A, B only:

    >>> votes = {"human": ["A", "A", "B"], "j": ["A", "tie", "B"], "k": ["A", "B", "B"]}
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind="human" if r == "human" else "llm", label=lab)
    ...         for r, labels in votes.items() for i, lab in enumerate(labels)]
    >>> df = pd.DataFrame(rows)
    >>> prep = _prepare(df, judges=["j", "k"], reference="human", by=[], resolve="per_order",
    ...                 ceiling=True, aggregate="mean", ceiling_items="judged", cluster=None)
    >>> one = _one_judge(prep, "k")
    >>> one["categories"], [j for j, _, _ in one["judges"]]
    (['A', 'B'], ['k'])
    >>> specs = _statistics(["gwet_ac1"], "pairwise")
    >>> a = _emit_prepared(one, specs, by=[], n_resamples=50, confidence_level=0.95,
    ...                    method="percentile", rng=0)
    >>> b = agreement(df[df["rater"] != "j"], statistics=["gwet_ac1"], n_resamples=50,
    ...               method="percentile")
    >>> a.equals(b)  # same numbers as the table without j's rows
    True
    """
    if judge not in prep["judge_names"]:
        raise ValueError(f"judge: {judge!r} is not one of {prep['judge_names']}")
    out = dict(prep)
    out["judges"] = [t for t in prep["judges"] if t[0] == judge]
    out["judge_names"] = [judge]
    cp = prep["ceiling_all"]
    if cp is not None and len(cp) and prep["ceiling_items"] != "all":
        if prep["ceiling_items"] == "judged":
            seen = prep["judged_by"][judge]
        else:
            seen = np.concatenate([p[_IC].to_numpy() for _, p, _ in out["judges"]] or [[]])
        if len(seen):
            cp = cp[np.isin(cp[_IC].to_numpy(), seen)]
    out["ceiling"] = cp if cp is not None and len(cp) else None
    if prep["categories"] is not None:
        others = set(prep["labels_by"]) - set(prep["judge_names"])
        labels = set(prep["labels_by"].get(judge, ()))
        for rater in others:
            labels |= prep["labels_by"][rater]
        out["categories"] = sorted(labels)
    return out


def _with_slice(
    prep: dict[str, Any], column: str, values: Callable[[pd.Series], pd.Series]
) -> dict[str, Any]:
    """``prep`` of :func:`_prepare` with an item-level column ``values(item_id)`` on every pair.

    Equivalent to preparing a table that carries that column on every row: a
    pair takes it from its judge's (ceiling: annotator's) row, i.e. from its item.
    """

    def add(pairs: pd.DataFrame) -> pd.DataFrame:
        return pairs.assign(**{column: values(pairs["item_id"]).array})

    out = dict(prep)
    out["judges"] = [(j, add(p), h) for j, p, h in prep["judges"]]
    out["ceiling"] = None if prep["ceiling"] is None else add(prep["ceiling"])
    return out


def _emit_prepared(
    prep: dict[str, Any],
    specs: dict[str, dict[str, Any]],
    *,
    by: list[str],
    n_resamples: int,
    confidence_level: float,
    method: str,
    rng: np.random.Generator | int | None,
) -> pd.DataFrame:
    """The agreement table of prepared pairs (:func:`_prepare`), sliced by ``by``."""
    protocol, ref, clusters = prep["protocol"], prep["ref"], prep["clusters"]
    aggregate = prep["aggregate"]
    gen = np.random.default_rng(rng)
    kw = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, gen=gen)
    kw["categories"] = prep["categories"]
    records = []

    def emit(pairs: pd.DataFrame, judge: str, kind: str, humans_col: str | None):
        groups = pairs.groupby(by, sort=True, dropna=False) if by else [((), pairs)]
        for key, block in groups:
            key = key if isinstance(key, tuple) else (key,)
            x, y = _xy(block, protocol)
            items = _item_codes(block)
            units = items if clusters is None else _unit_codes(block, clusters)
            humans = block[humans_col].to_numpy(object).astype(str) if humans_col else None
            est = _estimate_block(x, y, units, humans, specs, ceiling=aggregate, **kw)
            n_all = int(items.max()) + 1
            for name, (e, lo, hi, se) in est.items():
                n_used = n_all
                opts = specs[name]
                if name == "percent_agreement" and opts.get("ties") == "drop":
                    # Items where either side says tie are dropped (MT-Bench S2): count the rest.
                    tie = opts.get("tie_label", "tie")
                    kept = (x != tie) & (y != tie)
                    n_used = int(np.unique(items[kept]).size)
                records.append(
                    {
                        **dict(zip(by, key, strict=True)),
                        "judge": judge,
                        "reference": ref if kind == "judge" else OTHERS,
                        "statistic": name,
                        "estimate": float(e),
                        "ci_low": float(lo),
                        "ci_high": float(hi),
                        "se": float(se),
                        "n_items": n_used,
                        "kind": kind,
                    }
                )

    for judge, pairs, humans_col in prep["judges"]:
        emit(pairs, judge, "judge", humans_col)
    if prep["ceiling"] is not None:
        emit(prep["ceiling"], CEILING, "ceiling", "rater" if aggregate == "mean" else None)
    out = pd.DataFrame.from_records(records, columns=[*by, *COLUMNS])
    out["n_items"] = out["n_items"].astype("int64")
    return out


# ----------------------------------------------------------------- comparisons


def compare_judges(
    df: pd.DataFrame,
    judge_1: str,
    judge_2: str,
    *,
    reference: str = "human",
    statistics: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    resolve: Literal["per_order", "fastchat", "vote_sum", "first_order"] = "per_order",
    adjust: Literal["holm", "fdr_bh"] = "holm",
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Literal["bca", "percentile"] = "bca",
    rng: np.random.Generator | int | None = 0,
    cluster: str | Callable[[str], Hashable] | None = None,
) -> pd.DataFrame:
    """Difference between two judges' agreement with the reference, paired over common items.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table of one protocol.
    judge_1, judge_2 : str
        Rater ids; the difference is ``statistic(judge_1) - statistic(judge_2)``.
    reference, statistics, by, resolve, n_resamples, confidence_level, method, rng, cluster
        As in :func:`agreement` (``reference="others"`` is not supported here);
        only items (and presentation orders) judged by both judges and the
        reference are used.
    adjust : {"holm", "fdr_bh"}, default "holm"
        Correction across the slices of each (statistic, test) family.

    Returns
    -------
    DataFrame
        Columns ``[*by, "judge_1", "judge_2", "reference", "statistic", "test",
        "estimate", "ci_low", "ci_high", "estimate_1", "estimate_2", "p_value",
        "p_adjusted", "adjust_method", "n_items"]``. ``test`` is
        ``"paired bootstrap"`` (centred bootstrap p-value, items resampled
        once for both judges) or, for ``percent_agreement`` with one judgment
        per item, also ``"mcnemar"`` (estimate = difference in accuracy, no CI).

    Examples
    --------
    >>> import pandas as pd
    >>> ref = ["A", "A", "B", "B", "A", "B"]
    >>> j1 = ["A", "A", "B", "B", "A", "A"]
    >>> j2 = ["A", "B", "A", "B", "A", "A"]
    >>> rows = [dict(dataset="toy", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, label=lab)
    ...         for r, k, labels in [("human", "human", ref), ("j1", "llm", j1), ("j2", "llm", j2)]
    ...         for i, lab in enumerate(labels)]
    >>> t = compare_judges(pd.DataFrame(rows), "j1", "j2", statistics=["percent_agreement"],
    ...                    n_resamples=200)
    >>> t[["test", "estimate_1", "estimate_2"]].round(4).values.tolist()  # 5/6 and 3/6
    [['paired bootstrap', 0.8333, 0.5], ['mcnemar', 0.8333, 0.5]]
    """
    protocol = _protocol(df)
    by = list(by or [])
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise ValueError(f"by: columns {missing} not in the table")
    if reference == "others":
        raise ValueError("reference: 'others' is not supported by compare_judges; use agreement")
    specs = _statistics(statistics, protocol)
    clusters = _cluster_index(df, cluster)
    extra = [c for c in by if c not in _SCHEMA_COLUMNS]
    df = _restore_columns(df, verdicts.resolve_orders(_schema_only(df), rule=resolve), extra)
    df, ref = _resolve_reference(df, reference)
    for arg, j in (("judge_1", judge_1), ("judge_2", judge_2)):
        if j not in set(df["rater"].astype("object")):
            raise ValueError(f"{arg}: rater {j!r} not in the table")
    ref_values = _reference_values(df, ref, protocol)
    # Pair the two judges' verdicts on the same item and presentation order.
    key = [*_ITEM, "order"]
    marked = df.assign(order=df["order"].astype("object").fillna("-"))
    p1 = _pairs(
        marked, judge_1, ref_values, protocol, [*by, *(["order"] if "order" not in by else [])]
    )
    p2 = _pairs(marked, judge_2, ref_values, protocol, ["order"])
    both = p1.merge(p2[key + ["x"]].rename(columns={"x": "x2"}), on=key, how="inner")
    both = both[both["x2"].notna()]
    gen = np.random.default_rng(rng)
    labels = _label_set(df, protocol)
    if labels is not None:  # one category set for both judges and every slice
        specs = {k: {"categories": tuple(labels), **o} for k, o in specs.items()}
    records = []
    groups = both.groupby(by, sort=True, dropna=False) if by else [((), both)]
    for k, block in groups:
        k = k if isinstance(k, tuple) else (k,)
        x1, y = _xy(block, protocol)
        x2 = (
            block["x2"].to_numpy(float)
            if protocol == "rating"
            else block["x2"].to_numpy(object).astype(str)
        )
        items = _item_codes(block)
        units = _unit_codes(block, clusters)
        base = {
            **dict(zip(by, k, strict=True)),
            "judge_1": judge_1,
            "judge_2": judge_2,
            "reference": ref,
            "n_items": int(len(np.unique(items))),
        }
        for name, opts in specs.items():
            r = _testing.paired_difference(
                name,
                x1,
                x2,
                y,
                items=units,
                n_resamples=n_resamples,
                confidence_level=confidence_level,
                method=method,
                rng=gen,
                **opts,
            )
            records.append(
                {
                    **base,
                    "statistic": name,
                    "test": "paired bootstrap",
                    "estimate": r.estimate,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                    "estimate_1": r.estimate_1,
                    "estimate_2": r.estimate_2,
                    "p_value": r.p_value,
                }
            )
            if name == "percent_agreement" and len(np.unique(items)) == len(items):
                m = _testing.mcnemar(x1, x2, y)
                a1, a2 = float(np.mean(x1 == y)), float(np.mean(x2 == y))
                records.append(
                    {
                        **base,
                        "statistic": name,
                        "test": "mcnemar",
                        "estimate": a1 - a2,
                        "ci_low": np.nan,
                        "ci_high": np.nan,
                        "estimate_1": a1,
                        "estimate_2": a2,
                        "p_value": m["p_value"],
                    }
                )
    cols = [
        *by,
        "judge_1",
        "judge_2",
        "reference",
        "statistic",
        "test",
        "estimate",
        "ci_low",
        "ci_high",
        "estimate_1",
        "estimate_2",
        "p_value",
        "p_adjusted",
        "adjust_method",
        "n_items",
    ]
    out = pd.DataFrame.from_records(records)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["p_adjusted"] = np.nan
    for _, idx in out.groupby(["statistic", "test"]).groups.items():
        out.loc[idx, "p_adjusted"] = _testing.adjust_pvalues(out.loc[idx, "p_value"], method=adjust)
    out["adjust_method"] = adjust
    return out[cols]


# ----------------------------------------------------------------- leaderboards


def _rater_groups(df: pd.DataFrame) -> pd.Series:
    """Rater group per row: pooled humans -> "human", every judge its own group."""
    r = df["rater"].astype("object")
    kind = df["rater_kind"].astype("object")
    individuals = _individual_humans(df)
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


def leaderboard(
    df: pd.DataFrame,
    *,
    method: Literal["bradley_terry", "elo"] = "bradley_terry",
    items: Literal["human", "all"] = "human",
    resolve: Literal["per_order", "fastchat", "vote_sum", "first_order"] = "per_order",
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

    Returns
    -------
    DataFrame
        One row per (rater_group, model): ``rater_group`` (all human raters
        pooled as ``"human"``: every ``human:<id>`` vote counts, else
        ``human:majority``, else ``human``; each judge its own group; ``gold``
        its own group), ``model``, ``score``, ``ci_low``, ``ci_high``,
        ``rank`` (1 = best by descending score; equal scores share the
        smallest rank), ``rank_ci_low``, ``rank_ci_high``, ``n_comparisons``,
        ``method``. ``attrs["bootstrap"]`` holds the paired bootstrap scores
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
    if _protocol(df) != "pairwise":
        raise ValueError("df: leaderboard needs the pairwise protocol")
    if items not in ("human", "all"):
        raise ValueError(f"items: expected 'human' or 'all', got {items!r}")
    clusters = _cluster_index(df, cluster)
    df = verdicts.resolve_orders(_schema_only(df), rule=resolve)
    group = _rater_groups(df)
    keep = group.notna() & df["label"].notna() & df["model_a"].notna() & df["model_b"].notna()
    d = df[keep.to_numpy()].assign(_group=group[keep].to_numpy())
    if d.empty:
        raise ValueError("df: no labelled pairwise rows with model_a / model_b")
    key = d[_ITEM].astype("object").apply(tuple, axis=1)
    if items == "human" and (d["_group"] == "human").any():
        human_items = set(key[d["_group"] == "human"])
        inside = key.isin(human_items).to_numpy()
        d, key = d[inside], key[inside]
    groups = sorted(d["_group"].unique(), key=lambda g: (g != "human", g))
    models = sorted(set(d["model_a"].astype(str)) | set(d["model_b"].astype(str)))
    midx = pd.Index(models)
    a = midx.get_indexer(d["model_a"].astype(str))
    b = midx.get_indexer(d["model_b"].astype(str))
    o = d["label"].astype("object").map({"A": 1.0, "B": 0.0, "tie": 0.5}).to_numpy(float)
    g = pd.Index(groups).get_indexer(d["_group"])
    est, boot = _rank.bootstrap_scores(
        a,
        b,
        o,
        items=pd.factorize(key)[0] if clusters is None else _unit_codes(d, clusters),
        groups=g,
        n_models=len(models),
        method=method,
        n_resamples=n_resamples,
        rng=rng,
    )
    alpha = (1 - confidence_level) / 2
    rk = _rank.ranks(est)
    brk = _rank.ranks(boot)
    with _quiet():
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        rlo, rhi = np.nanquantile(brk, [alpha, 1 - alpha], axis=0)
    records = []
    for k, name in enumerate(groups):
        sel = g == k
        n_cmp = np.bincount(a[sel], minlength=len(models)) + np.bincount(
            b[sel], minlength=len(models)
        )
        for m, model in enumerate(models):
            if n_cmp[m] == 0:
                continue
            records.append(
                {
                    "rater_group": name,
                    "model": model,
                    "score": est[k, m],
                    "ci_low": lo[k, m],
                    "ci_high": hi[k, m],
                    "rank": rk[k, m],
                    "rank_ci_low": rlo[k, m],
                    "rank_ci_high": rhi[k, m],
                    "n_comparisons": int(n_cmp[m]),
                    "method": method,
                }
            )
    out = pd.DataFrame.from_records(records)
    out["rank"] = out["rank"].astype("int64")
    out = out.sort_values(
        ["rater_group", "rank", "model"],
        key=lambda s: s.map(lambda v: (v != "human", v)) if s.name == "rater_group" else s,
        kind="stable",
    ).reset_index(drop=True)
    out.attrs["bootstrap"] = {"groups": groups, "models": models, "scores": boot}
    return out


def rank_correlation(
    leaderboard_df: pd.DataFrame,
    *,
    reference: str = "human",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Correlation of each judge group's model ranking with the reference group's.

    Parameters
    ----------
    leaderboard_df : DataFrame
        Output of :func:`leaderboard`.
    reference : str, default "human"
        The ``rater_group`` the others are compared with.
    confidence_level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per (judge group, statistic): ``judge``, ``reference``,
        ``statistic`` (``pearson_rank`` = Pearson on the integer ranks,
        ``spearman`` and ``kendall_tau`` on the scores), ``estimate``,
        ``ci_low``, ``ci_high``, ``n_models`` (models ranked by both),
        ``ci_method``. Intervals are percentile intervals over the paired
        leaderboard bootstrap (``leaderboard_df.attrs["bootstrap"]``, same item
        draws for both groups) when present, else Fisher-z intervals over models
        (``pearson_rank``, ``spearman``; Kendall's with the Fieller et al. 1957 SE).

    Notes
    -----
    Published check: on LLMFAO, Pearson on Bradley-Terry ranks from crowd votes
    vs GPT-4 verdicts on the crowd pairs = 0.730918 (Ustalov's leaderboard
    notebook), reproduced in ``tests/test_tables.py``. The bootstrap interval of
    a rank correlation is centred below the estimate: resampling adds noise
    to both leaderboards, which lowers their correlation.

    Examples
    --------
    >>> import pandas as pd
    >>> lb = pd.DataFrame({"rater_group": ["human"] * 4 + ["j"] * 4, "model": list("wxyz") * 2,
    ...                    "score": [4.0, 3, 2, 1, 4, 3, 1, 2], "rank": [1, 2, 3, 4, 1, 2, 4, 3]})
    >>> t = rank_correlation(lb)
    >>> t[["statistic", "estimate"]].round(4).values.tolist()  # 1 - 6*2/(4*15); tau = (5-1)/6
    [['pearson_rank', 0.8], ['spearman', 0.8], ['kendall_tau', 0.6667]]
    """
    from scipy import stats as ss

    lb = leaderboard_df
    if reference not in set(lb["rater_group"]):
        raise ValueError(f"reference: rater_group {reference!r} not in the leaderboard")
    boot = lb.attrs.get("bootstrap")
    ref = lb[lb["rater_group"] == reference].set_index("model")
    alpha = (1 - confidence_level) / 2
    z = ss.norm.isf(alpha)
    records = []
    for judge in [g for g in lb["rater_group"].unique() if g != reference]:
        j = lb[lb["rater_group"] == judge].set_index("model")
        common = ref.index.intersection(j.index)
        n = len(common)
        rx, ry = ref.loc[common, "rank"].to_numpy(float), j.loc[common, "rank"].to_numpy(float)
        sx, sy = ref.loc[common, "score"].to_numpy(float), j.loc[common, "score"].to_numpy(float)
        est = {
            "pearson_rank": ss.pearsonr(rx, ry)[0] if n > 2 else np.nan,
            "spearman": ss.spearmanr(sx, sy)[0] if n > 2 else np.nan,
            "kendall_tau": ss.kendalltau(sx, sy)[0] if n > 2 else np.nan,
        }
        cis: dict[str, tuple[float, float]] = {}
        ci_method = "fisher z"
        if boot is not None and reference in boot["groups"] and judge in boot["groups"]:
            ci_method = "paired bootstrap percentile"
            cols = pd.Index(boot["models"]).get_indexer(common)
            s = boot["scores"][:, :, cols]
            bx = s[:, boot["groups"].index(reference)]
            by_ = s[:, boot["groups"].index(judge)]
            vals = {k: [] for k in est}
            for u, v in zip(bx, by_, strict=True):
                ok = np.isfinite(u) & np.isfinite(v)
                if ok.sum() < 3:
                    continue
                ru, rv = _rank.ranks(u[ok]), _rank.ranks(v[ok])
                vals["pearson_rank"].append(np.corrcoef(ru, rv)[0, 1])
                vals["spearman"].append(ss.spearmanr(u[ok], v[ok])[0])
                vals["kendall_tau"].append(ss.kendalltau(u[ok], v[ok])[0])
            for k, v in vals.items():
                v = np.asarray(v, float)
                v = v[np.isfinite(v)]
                cis[k] = tuple(np.quantile(v, [alpha, 1 - alpha])) if v.size else (np.nan, np.nan)
        else:
            for k, r in est.items():
                se = (
                    np.sqrt(0.437 / (n - 4))
                    if k == "kendall_tau" and n > 4
                    else 1 / np.sqrt(n - 3)
                    if n > 3
                    else np.nan
                )
                with _quiet():
                    cis[k] = (
                        float(np.tanh(np.arctanh(r) - z * se)),
                        float(np.tanh(np.arctanh(r) + z * se)),
                    )
        for k, r in est.items():
            records.append(
                {
                    "judge": judge,
                    "reference": reference,
                    "statistic": k,
                    "estimate": float(r),
                    "ci_low": float(cis[k][0]),
                    "ci_high": float(cis[k][1]),
                    "n_models": n,
                    "ci_method": ci_method,
                }
            )
    return pd.DataFrame.from_records(records)
