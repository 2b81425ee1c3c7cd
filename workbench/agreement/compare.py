"""Two judges against the same reference: the paired difference of their agreement."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option
from ..stats import testing
from ..stats.bootstrap import Method, generator
from ._frame import (
    ITEM,
    check_by,
    cluster_index,
    item_codes,
    label_set,
    protocol_of,
    resolved_table,
    unit_codes,
    xy,
)
from .estimate import MIN_CI_ITEMS, statistic_specs
from .pairs import judge_pairs, reference_values, resolve_reference
from .rows import AgreementWarning

__all__ = ["compare_judges"]

_COLUMNS = [
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
    "note",
]


def compare_judges(
    df: pd.DataFrame,
    judge_1: str,
    judge_2: str,
    *,
    reference: str = "human",
    statistics: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    resolve: vocab.Rule = "per_order",
    adjust: vocab.Correction = "holm",
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    method: Method = "bca",
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
        "p_adjusted", "adjust_method", "n_items", "note"]``. ``test`` is
        ``"paired bootstrap"`` (centred bootstrap p-value, items resampled
        once for both judges) or, for ``percent_agreement`` with one judgment
        per item, also ``"mcnemar"`` (estimate = difference in accuracy, no CI).
        ``note`` says why a value is NaN: fewer than
        :data:`~workbench.agreement.estimate.MIN_CI_ITEMS` items (no bootstrap interval or
        p-value; McNemar's exact test stays), or a statistic undefined for a judge (one
        category, constant scores); an :class:`AgreementWarning` is emitted once then.

    Raises
    ------
    ValueError
        ``judge_2`` is ``judge_1``, a judge is not in the table, or no item has a verdict of
        both judges and the reference.

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
    protocol = protocol_of(df)
    by = check_by(df, by, criterion=False)
    check_option("adjust", adjust, vocab.CORRECTIONS)
    if reference == "others":
        raise ValueError("reference: 'others' is not supported by compare_judges; use agreement")
    specs = statistic_specs(statistics, protocol)
    clusters = cluster_index(df, cluster)
    df = resolved_table(df, resolve, by)
    df, ref = resolve_reference(df, reference)
    for arg, j in (("judge_1", judge_1), ("judge_2", judge_2)):
        if j not in set(df["rater"].astype("object")):
            raise ValueError(f"{arg}: rater {j!r} not in the table")
    if judge_1 == judge_2:
        raise ValueError(f"judge_2: the same rater as judge_1 ({judge_1!r}); name two judges")
    both = _paired(df, judge_1, judge_2, reference_values(df, ref, protocol), protocol, by)
    if both.empty:
        raise ValueError(
            f"judge_1, judge_2: no item (and presentation order) on which {judge_1!r}, "
            f"{judge_2!r} and the reference {ref!r} all have a verdict; nothing to compare"
        )
    gen = generator(rng)
    labels = label_set(df, protocol)
    if labels is not None:  # one category set for both judges and every slice
        specs = {k: {"categories": tuple(labels), **o} for k, o in specs.items()}
    boot = dict(n_resamples=n_resamples, confidence_level=confidence_level, method=method, rng=gen)
    records = []
    groups = both.groupby(by, sort=True, dropna=False) if by else [((), both)]
    for k, block in groups:
        k = k if isinstance(k, tuple) else (k,)
        base = {**dict(zip(by, k, strict=True)), "judge_1": judge_1, "judge_2": judge_2}
        records += _block_records(
            block, protocol, clusters, specs, {**base, "reference": ref}, boot
        )
    cols = [*by, *_COLUMNS]
    out = pd.DataFrame.from_records(records)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["p_adjusted"] = np.nan
    for _, idx in out.groupby(["statistic", "test"]).groups.items():
        out.loc[idx, "p_adjusted"] = testing.adjust_pvalues(out.loc[idx, "p_value"], method=adjust)
    out["adjust_method"] = adjust
    out["note"] = out["note"].astype("string")
    noted = out["note"] != ""
    if noted.any():
        warnings.warn(
            f"{int(noted.sum())} of {len(out)} rows have a NaN value; see the note column "
            f"(e.g. {out.loc[noted, 'note'].iloc[0]!r})",
            AgreementWarning,
            stacklevel=2,
        )
    return out[cols]


def _paired(
    df: pd.DataFrame,
    judge_1: str,
    judge_2: str,
    ref_values: pd.DataFrame,
    protocol: str,
    by: list[str],
) -> pd.DataFrame:
    """Pairs of ``judge_1`` (``x``) with ``judge_2``'s verdict (``x2``) on the same item and order."""
    key = [*ITEM, "order"]
    marked = df.assign(order=df["order"].astype("object").fillna("-"))
    p1 = judge_pairs(
        marked, judge_1, ref_values, protocol, [*by, *(["order"] if "order" not in by else [])]
    )
    p2 = judge_pairs(marked, judge_2, ref_values, protocol, ["order"])
    both = p1.merge(p2[key + ["x"]].rename(columns={"x": "x2"}), on=key, how="inner")
    return both[both["x2"].notna()]


def _block_records(
    block: pd.DataFrame,
    protocol: str,
    clusters: pd.Series | None,
    specs: dict[str, dict[str, Any]],
    base: dict[str, Any],
    boot: dict[str, Any],
) -> list[dict[str, Any]]:
    """Rows of one slice: the paired bootstrap per statistic, plus McNemar for accuracy."""
    x1, y = xy(block, protocol)
    x2 = block["x2"].to_numpy(float) if protocol == "rating" else block["x2"].to_numpy(object)
    items = item_codes(block)
    units = unit_codes(block, clusters)
    base = {**base, "n_items": int(len(np.unique(items)))}
    n_units = len(np.unique(units))
    few = n_units < MIN_CI_ITEMS
    records = []
    for name, opts in specs.items():
        r = testing.paired_difference(name, x1, x2, y, items=units, **boot, **opts)
        notes = []
        if np.isnan(r.estimate):
            which = [
                j for j, e in (("judge_1", r.estimate_1), ("judge_2", r.estimate_2)) if np.isnan(e)
            ]
            notes.append(
                f"{name} undefined for {' and '.join(which) or 'the difference'} on these pairs "
                "(e.g. a single category or constant scores)"
            )
        elif few:
            notes.append(f"{n_units} items: fewer than {MIN_CI_ITEMS}, no interval or test")
        records.append(
            {
                **base,
                "statistic": name,
                "test": "paired bootstrap",
                "estimate": r.estimate,
                "ci_low": np.nan if few else r.ci_low,
                "ci_high": np.nan if few else r.ci_high,
                "estimate_1": r.estimate_1,
                "estimate_2": r.estimate_2,
                "p_value": np.nan if few else r.p_value,
                "note": "; ".join(notes),
            }
        )
        if name == "percent_agreement" and len(np.unique(items)) == len(items):
            m = testing.mcnemar(x1, x2, y)
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
                    "note": "",
                }
            )
    return records
