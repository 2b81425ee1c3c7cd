"""Reference resolution and the pairs every agreement statistic is computed on.

A *pair* is one row with the compared value ``x`` (a judge's verdict, or an annotator's
vote for the ceiling) and the reference value ``y`` of the same item, plus the item key,
the integer item code and the slicing columns. Three kinds:

- :func:`judge_pairs`: a judge against one reference rater (``human:majority``, ``gold``, ...
  as found by :func:`resolve_reference`);
- :func:`ceiling_pairs`: every individual annotator against the majority of the *other*
  annotators of the item (the human-human ceiling);
- :func:`others_pairs`: a judge against each annotator's others' majority
  (``reference="others"``: the ceiling's own footing).

The definitions are in the docstring of :mod:`workbench.agreement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import verdicts, vocab
from .._validate import factorize

if TYPE_CHECKING:
    from .prepared import CeilingItems, JudgePairs

from ._frame import (
    ITEM,
    ITEM_CODE,
    as_column,
    individual_humans,
    rater_positions,
    rows_of,
    values,
)

__all__ = [
    "ceiling_note",
    "ceiling_pairs",
    "ceiling_seen",
    "judge_names",
    "labels_by",
    "judge_pairs",
    "others_pairs",
    "paired_rows",
    "reference_values",
    "resolve_reference",
]


def resolve_reference(df: pd.DataFrame, reference: str) -> tuple[pd.DataFrame, str]:
    """The table and the rater id that ``reference`` stands for.

    ``"human"``: ``human:majority``, else ``human``, else the majority of the
    individual ``human:<id>`` raters (appended to the returned table by
    :func:`workbench.verdicts.majority_vote`), else ``gold``. Any other string must
    be a rater of ``df``.

    Examples
    --------
    >>> df = pd.DataFrame({"rater": ["gold", "j"], "rater_kind": ["gold", "llm"]})
    >>> resolve_reference(df, "human")[1]  # nobody else: the curated label stands in
    'gold'
    """
    raters = set(pd.Series(df["rater"].unique()).astype("object"))
    if reference != "human":
        if reference not in raters:
            raise ValueError(f"reference: rater {reference!r} not in the table")
        return df, reference
    for name in ("human:majority", "human"):
        if name in raters:
            return df, name
    if individual_humans(df):
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


def reference_values(df: pd.DataFrame, ref: str, protocol: str) -> pd.DataFrame:
    """One row per item of rater ``ref``: the item key (and item code) and its value ``y``.

    Raises ValueError when ``ref`` has several rows on an item (e.g. both
    presentation orders of an unresolved judge).
    """
    rows = rows_of(df, [ref], [*ITEM, ITEM_CODE])
    out = rows[ITEM + ([ITEM_CODE] if ITEM_CODE in rows.columns else [])].copy()
    out["y"] = as_column(values(rows, protocol).to_numpy(), out.index)
    coded = ITEM_CODE in out.columns and bool((out[ITEM_CODE].to_numpy() >= 0).all())
    # The integer item code stands for the item key (one code per key): same test, no strings.
    if (out[ITEM_CODE].duplicated() if coded else out.duplicated(ITEM)).any():
        raise ValueError(
            f"reference: rater {ref!r} has several rows per item (presentation orders?); "
            "resolve them first (resolve='fastchat' etc.) or pick another reference"
        )
    return out


def judge_pairs(
    df: pd.DataFrame, rater: str, reference: pd.DataFrame, protocol: str, by: list[str]
) -> pd.DataFrame:
    """One row per judgment of ``rater`` with the reference value of its item.

    ``reference`` comes from :func:`reference_values`. Rows where either side is NA
    (unparsable output, tied majority) are left out; ``by`` columns come from the
    judge's row.
    """
    if ITEM_CODE in df.columns and ITEM_CODE in reference.columns:
        return _coded_judge_pairs(df, rater, reference, protocol, by)
    rows = rows_of(df, [rater], [*ITEM, *by])
    left = rows[ITEM + [c for c in by if c not in ITEM]].copy()
    left["x"] = as_column(values(rows, protocol).to_numpy(), left.index)
    out = left.merge(reference, on=ITEM, how="inner")
    return out[out["x"].notna() & out["y"].notna()]


def _coded_judge_pairs(
    df: pd.DataFrame, rater: str, reference: pd.DataFrame, protocol: str, by: list[str]
) -> pd.DataFrame:
    """:func:`judge_pairs` by integer item code: the rows (and their order) of an inner
    merge on the item key, which is unique in ``reference``; every column taken once, at
    the rows kept (a take of a string column costs as much as the rest together)."""
    at = rater_positions(df, [rater])
    codes = df[ITEM_CODE].to_numpy()[at]
    ref_codes = reference[ITEM_CODE].to_numpy()
    size = int(np.max(np.r_[codes, ref_codes, -1])) + 1
    where = np.full(size, -1)
    where[ref_codes] = np.arange(len(reference))
    pos = where[codes]
    value_cols = [c for c in ("label", "score") if c in df.columns]
    x = values(df[value_cols].take(at), protocol).to_numpy()
    found = pos >= 0
    y_ref = reference["y"].to_numpy()
    y = y_ref[np.maximum(pos, 0)] if len(y_ref) else np.full(len(at), None, dtype=object)
    y_na = pd.isna(y_ref)[np.maximum(pos, 0)] if len(y_ref) else np.ones(len(at), dtype=bool)
    column = df["label" if protocol != "rating" else "score"]
    if isinstance(column.dtype, pd.CategoricalDtype):  # NA from the codes: no string test
        x_na = column.cat.codes.to_numpy()[at] < 0
    else:
        x_na = pd.isna(x)
    keep = found & ~x_na & ~y_na
    cols = [c for c in dict.fromkeys([*ITEM, *by, ITEM_CODE]) if c in df.columns]
    out = df[cols].take(at[keep])
    out["x"] = as_column(x[keep], out.index)
    out["y"] = as_column(y[keep], out.index)
    return out


def ceiling_pairs(
    df: pd.DataFrame, protocol: str, by: list[str], humans: list[str] | None = None
) -> pd.DataFrame:
    """(annotator value, majority of the other annotators) for every annotator vote.

    All of the annotator's own votes on the item are left out (a person may
    have voted twice, e.g. in both presentation orders). ``humans``: the
    individual annotators of ``df`` when already known. Ratings: the mean of
    the others' scores. A tied others' majority leaves the vote out. Empty
    without two annotators.

    Examples
    --------
    Item 0: A A B; item 1: B B B. Annotator 3 faces A on item 0; 1 and 2 face a 1-1 tie:

    >>> votes = {"human:1": "AB", "human:2": "AB", "human:3": "BB"}
    >>> df = pd.DataFrame([dict(dataset="t", item_id=str(i), criterion="overall", rater=r,
    ...                         rater_kind="human", label=lab)
    ...                    for r, labels in votes.items() for i, lab in enumerate(labels)])
    >>> ceiling_pairs(df, "pairwise", [])[["item_id", "rater", "x", "y"]].values.tolist()
    [['1', 'human:1', 'B', 'B'], ['1', 'human:2', 'B', 'B'], ['0', 'human:3', 'B', 'A'], \
['1', 'human:3', 'B', 'B']]
    """
    if humans is None:
        humans = individual_humans(df)
    if len(humans) < 2:
        return pd.DataFrame()
    rows = rows_of(df, humans, [*ITEM, *by, ITEM_CODE])
    v = rows[ITEM + [c for c in by if c not in ITEM] + ["rater"]].astype("object").copy()
    v["x"] = as_column(values(rows, protocol).to_numpy(), v.index)
    coded = ITEM_CODE in rows.columns
    if coded:
        v[ITEM_CODE] = rows[ITEM_CODE].to_numpy()
    v = v[v["x"].notna()]
    if v.empty:
        return pd.DataFrame()
    if coded:
        v["_item"] = pd.factorize(v[ITEM_CODE].to_numpy())[0]
    else:
        v["_item"] = v.groupby(ITEM, sort=False).ngroup()
    own = v.groupby(["_item", "rater"], sort=False).ngroup().to_numpy()
    item = v["_item"].to_numpy()
    if protocol == "rating":
        v["y"] = _others_mean(v["x"].astype(float).to_numpy(), item, own)
    else:
        v["y"] = as_column(_others_majority(v["x"], item, own), v.index)
    return v[v["y"].notna()].drop(columns="_item")


def _others_mean(x: np.ndarray, item: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Per vote: mean of the item's scores without this annotator's (NaN when none is left)."""
    tot = np.bincount(item, weights=x)[item] - np.bincount(own, weights=x)[own]
    others = np.bincount(item)[item] - np.bincount(own)[own]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(others > 0, tot / np.maximum(others, 1), np.nan)


def _others_majority(x: pd.Series, item: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Per vote: majority label of the item's votes without this annotator's (None if tied)."""
    codes, labels = pd.factorize(x, sort=True)
    labels = np.asarray(labels, dtype=object)
    k = len(labels)
    per_item = np.zeros((item.max() + 1, k))
    np.add.at(per_item, (item, codes), 1)
    per_own = np.zeros((own.max() + 1, k))
    np.add.at(per_own, (own, codes), 1)
    c = per_item[item] - per_own[own]  # leave this annotator's votes out
    top = c.max(axis=1)
    unique = (c == top[:, None]).sum(axis=1) == 1
    y = labels[c.argmax(axis=1)]
    return np.where(unique & (top > 0), y, None)


def others_pairs(
    df: pd.DataFrame, rater: str, loo: pd.DataFrame, protocol: str, by: list[str]
) -> pd.DataFrame:
    """One row per (judgment of ``rater``, annotator of its item): reference = others' majority.

    ``loo`` is :func:`ceiling_pairs` without ``by``: per annotator vote the
    majority of the item's other annotators. An annotator with several votes on
    an item gives one pair per vote, as in the ceiling. The annotator is in
    column ``_annotator``.
    """
    rows = rows_of(df, [rater], [*ITEM, *by, ITEM_CODE])
    left = rows[
        ITEM + [c for c in by if c not in ITEM] + [c for c in [ITEM_CODE] if c in rows]
    ].copy()
    left[ITEM] = left[ITEM].astype("object")
    left["x"] = as_column(values(rows, protocol).to_numpy(), left.index)
    left = left[left["x"].notna()]
    ref = loo[[*ITEM, "rater", "y"]]
    return left.merge(ref.rename(columns={"rater": "_annotator"}), on=ITEM, how="inner")


def ceiling_note(
    df: pd.DataFrame, humans: list[str], wanted: bool, has_ceiling: bool, same_footing: bool
) -> str:
    """Why judge rows carry no gap to the human ceiling ("" when they do)."""
    if not wanted:
        return ""  # the caller asked for no ceiling: nothing to explain
    if not has_ceiling:
        if len(humans) >= 2:
            why = f"no item has two or more of its {len(humans)} individual annotators"
        elif humans:
            why = f"the table has one individual annotator ({humans[0]})"
        else:
            kinds = set(pd.Series(df["rater_kind"].unique()).astype("object"))
            raters = set(pd.Series(df["rater"].unique()).astype("object"))
            names = sorted(r for r in raters if r in ("human", "human:majority", "gold"))
            why = (
                f"the table has only an aggregated label ({', '.join(names)})"
                if names or kinds & {"human", "gold"}
                else "the table has no human rater"
            )
        return (
            f"no human ceiling possible: {why}; a ceiling needs two or more individual "
            "human:<id> annotators on an item"
        )
    if not same_footing:
        return (
            "reference is not the ceiling's (others' majority): no paired gap; "
            "reference='others' (the default) compares like for like"
        )
    return ""


def judge_names(df: pd.DataFrame, raters: pd.Series, judges: Sequence[str] | None) -> list[str]:
    """The judges asked for (checked; one may be given as a string), or every rater of kind
    ``llm``, ``metric`` or ``baseline``."""
    codes, names = factorize(raters)
    if judges is None:  # from the integer codes of both columns: no string per row
        kinds, kind_names = factorize(df["rater_kind"])
        judge_kind = np.append(np.isin(kind_names.astype(object), vocab.JUDGE_KINDS), False)
        hit = judge_kind[kinds] & (codes >= 0)
        return sorted(str(r) for r in names[np.flatnonzero(np.bincount(codes[hit]))])
    judges = [judges] if isinstance(judges, str) else list(judges)
    if not judges:
        raise ValueError("judges: an empty list; name at least one judge, or pass None for all")
    twice = sorted({j for j in judges if judges.count(j) > 1})
    if twice:
        raise ValueError(f"judges: {twice} listed more than once")
    used = names[np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(names)))]
    unknown = sorted(set(judges) - set(used.tolist()))  # a categorical's unused categories too
    if unknown:
        raise ValueError(f"judges: not in the table: {unknown}")
    return judges


def ceiling_seen(
    df: pd.DataFrame,
    raters: pd.Series,
    judges: list[str],
    pairs: list[JudgePairs],
    protocol: str,
    ceiling_items: CeilingItems,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(item codes the ceiling keeps, item codes per judge) for ``"judged"`` / ``"compared"``."""
    if ceiling_items == "compared":
        compared = [p.pairs[ITEM_CODE].to_numpy() for p in pairs]
        return (np.concatenate(compared) if compared else np.array([], dtype=np.int64)), {}
    valued = values(df, protocol).notna().to_numpy()
    rater_codes, names = factorize(raters)
    where = {r: i for i, r in enumerate(names.tolist())}
    codes = df[ITEM_CODE].to_numpy()
    judged_by = {j: codes[(rater_codes == where.get(j, -2)) & valued] for j in judges}
    judged = np.isin(rater_codes, [where[j] for j in judges if j in where]) & valued
    return codes[judged], judged_by


def labels_by(df: pd.DataFrame, protocol: str) -> dict[str, frozenset[str]]:
    """Labels each rater used (empty for ratings), from the integer codes of both columns."""
    if protocol == "rating":
        return {}
    rater_codes, raters = factorize(df["rater"])
    label_codes, labels = factorize(df["label"])
    ok = (rater_codes >= 0) & (label_codes >= 0)
    cell = rater_codes[ok].astype(np.int64) * len(labels) + label_codes[ok]
    used = np.bincount(cell, minlength=len(raters) * len(labels)).reshape(len(raters), -1) > 0
    return {
        str(raters[r]): frozenset(str(labels[k]) for k in np.flatnonzero(used[r]))
        for r in pd.unique(rater_codes[ok])
    }


def paired_rows(judge: pd.DataFrame, ceiling: pd.DataFrame) -> np.ndarray:
    """Which ceiling pairs fall on the (item, annotator) keys of a judge's pairs (a mask).

    The judge's pairs against the others' majority (``_annotator``: the annotator each
    leaves out) and the ceiling's pairs (``rater``) meet on one key per pair: the judge's
    paired gap to the ceiling compares them.
    """
    # (item code, annotator code) as one integer per pair: no MultiIndex of strings
    names = np.concatenate(
        [judge["_annotator"].to_numpy(object), ceiling["rater"].to_numpy(object)]
    )
    who, distinct = pd.factorize(names)
    k = np.int64(max(len(distinct), 1))
    jkey = judge[ITEM_CODE].to_numpy().astype(np.int64) * k + who[: len(judge)]
    ckey = ceiling[ITEM_CODE].to_numpy().astype(np.int64) * k + who[len(judge) :]
    return pd.Index(ckey).isin(jkey)
