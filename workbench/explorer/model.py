"""What the explorer computes, without widgets: agreement tables, queues, probes.

The explorer sits on top of agreement (tidy tables), bias (disagreements, probes)
and annotations (the store). The functions here are the only places that know
those modules' signatures; the view calls them and draws what they return.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import vocab
from .dataset import CEILING, OVERALL

if TYPE_CHECKING:
    from ..agreement import PreparedPairs


def prepare_pairs(
    df: pd.DataFrame, *, judges: list[str], reference: str, resolve: str
) -> PreparedPairs:
    """Judge/reference and ceiling pairs of :func:`workbench.agreement.agreement`, unsliced.

    The same pairs serve every slice dimension and statistic (slicing only adds
    the grouping key), so the explorer prepares them once per selection. They are
    sliced by criterion when the table has several, as ``agreement`` does.
    """
    from ..agreement import prepare

    return prepare(df, judges=judges, reference=reference, resolve=resolve)


def one_judge(prepared: PreparedPairs, judge: str) -> PreparedPairs:
    """:func:`prepare_pairs` as if ``judge`` were the only judge of the table."""
    return prepared.one_judge(judge)


def agreement_prepared(
    prepared: PreparedPairs,
    *,
    slicer: pd.Series | None,
    statistic: str,
    n_resamples: int,
    rng: Any,
) -> tuple[pd.DataFrame, list[str]]:
    """``agreement(df, by=["subset"] or [], ...)`` from :func:`prepare_pairs`'s pairs.

    ``slicer``: ``item_id -> slice value`` (items without one: ``(none)``), carried in
    ``subset`` like the judgments' own column. Returns the table and the ``by`` used.
    """
    by: list[str] = []
    if slicer is not None:

        def values(item_id: pd.Series) -> pd.Series:
            return item_id.map(slicer).astype("string").fillna("(none)")

        prepared = prepared.with_slice("subset", values)
        by = ["subset"]
    from ..agreement import AgreementWarning

    with warnings.catch_warnings():  # the explorer shows every row's note on screen
        warnings.simplefilter("ignore", AgreementWarning)
        table = prepared.emit(
            [statistic], n_resamples=n_resamples, confidence_level=0.95, method="bca", rng=rng
        )
    return table, by


def disagreements(df: pd.DataFrame, *, judge: str, reference: str) -> pd.DataFrame:
    from .. import bias

    return bias.disagreements(df, judge=judge, reference=reference)


def statistics(protocol: str) -> list[str]:
    from ..agreement import DEFAULT_STATISTICS

    return list(DEFAULT_STATISTICS.get(protocol, ()))


def probe_names(protocol: str) -> list[str]:
    """Names of the bias registry's probes that apply to ``protocol`` (the bias tags)."""
    from .. import bias

    return [name for name, p in bias.PROBES.items() if protocol in p.protocol.split("|")]


FLAG_TO_PROBE = {
    "picked_longer": "length_preference",
    "picked_first_presented": "position_preference",
    "swap_inconsistent": "position_preference",
    "judge_lenient": "leniency",
}
"""Disagreement-table flag -> bias probe it suggests (pre-selected as a bias tag)."""


def causes() -> tuple[str, ...]:
    return vocab.CAUSES


def exclude_noise_items(df: pd.DataFrame, store: Any) -> pd.DataFrame:
    """Judgments without the items annotated as label noise in ``store``."""
    from .. import annotations

    return annotations.exclude(df, store.current(dataset=str(df["dataset"].iloc[0])))


def open_store(store: Any) -> Any:
    from .. import annotations

    if store is None or isinstance(store, (str, os.PathLike)):
        return annotations.AnnotationStore(store)
    return store


def empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "slice": pd.Series(dtype="string"),
            "judge": pd.Series(dtype="string"),
            "statistic": pd.Series(dtype="string"),
            "estimate": pd.Series(dtype="float64"),
            "ci_low": pd.Series(dtype="float64"),
            "ci_high": pd.Series(dtype="float64"),
            "n_items": pd.Series(dtype="int64"),
            "gap_to_ceiling": pd.Series(dtype="float64"),
            "gap_ci_low": pd.Series(dtype="float64"),
            "gap_ci_high": pd.Series(dtype="float64"),
            "note": pd.Series(dtype="string"),
            "is_ceiling": pd.Series(dtype="bool"),
        }
    )


CRITERION_SEP = " · "
"""Between a slice value and a criterion in a bar's x value (several criteria)."""


def criterion_slice(slice_value: pd.Series, criterion: pd.Series) -> pd.Series:
    """A bar's x value when a table has several criteria: ``criterion`` or ``slice · criterion``.

    >>> criterion_slice(pd.Series(["overall", "x"]), pd.Series(["fluency", "fluency"])).tolist()
    ['fluency', 'x · fluency']
    """
    crit = criterion.astype("string").fillna("")
    s = slice_value.astype("string")
    return (
        s.where(s != OVERALL, "").str.cat(crit, sep=CRITERION_SEP).str.removeprefix(CRITERION_SEP)
    )


def split_criterion(value: str, criteria: list[str]) -> tuple[str, str | None]:
    """Undo :func:`criterion_slice`: (slice value, criterion or None).

    >>> split_criterion("x · fluency", ["fluency"]), split_criterion("fluency", ["fluency"])
    (('x', 'fluency'), ('overall', 'fluency'))
    >>> split_criterion("x", ["fluency"])
    ('x', None)
    """
    for c in sorted(criteria, key=len, reverse=True):
        if value == c:
            return OVERALL, c
        if value.endswith(CRITERION_SEP + c):
            return value[: -len(CRITERION_SEP + c)], c
    return value, None


def normalize_table(table: pd.DataFrame, *, by: list[str]) -> pd.DataFrame:
    """Add ``slice`` (``overall`` when unsliced) and ``is_ceiling`` to an agreement table."""
    out = table.copy()
    if by:
        out["slice"] = out[by[0]].astype("string")
    else:
        out["slice"] = OVERALL
    if "criterion" in out and out["criterion"].nunique(dropna=True) > 1:
        out["slice"] = criterion_slice(out["slice"], out["criterion"])
    judge = out["judge"].astype("string")
    if "kind" in out:
        ceiling = out["kind"].astype(str).eq("ceiling")
    else:
        ceiling = judge.str.startswith("human").fillna(False) | judge.eq(CEILING).fillna(False)
    out["is_ceiling"] = ceiling.to_numpy(dtype=bool)
    out.loc[out["is_ceiling"], "judge"] = CEILING
    return out.reset_index(drop=True)


def human_splits(df: pd.DataFrame) -> pd.DataFrame:
    """Items on which the individual humans (``human:<id>``) do not all agree."""
    people = df[df["rater"].astype(str).str.match(r"human:(?!majority)")]
    if people.empty:
        return pd.DataFrame({"item_id": pd.Series(dtype="string"), "surprise": []})
    counts = people.groupby("item_id", observed=True)["label"].agg(
        lambda s: s.astype(str).nunique()
    )
    split = counts[counts > 1]
    n = people.groupby("item_id", observed=True).size()
    return pd.DataFrame(
        {"item_id": split.index.astype("string"), "surprise": (n[split.index] / n.max()).values}
    )
