"""Slice dimensions of a dataset: task category, item factors, bias types.

Plain pandas (no widgets). :func:`slice_dimensions` maps a label to None
(overall), a Series ``item_id -> slice value`` or a function of the judgments,
the reference and the judge (bias-type dimensions).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import vocab


def sign_labels(diff: pd.Series, more: str, less: str, same: str) -> pd.Series:
    d = pd.to_numeric(diff).astype("Float64")
    out = pd.Series(pd.NA, index=diff.index, dtype="string")
    out[(d > 0).fillna(False).astype(bool)] = more
    out[(d < 0).fillna(False).astype(bool)] = less
    out[(d == 0).fillna(False).astype(bool)] = same
    return out


def slice_dimensions(judgments: pd.DataFrame, fac: pd.DataFrame) -> dict[str, Any]:
    """Slice dimensions of a dataset: label -> None (overall), item Series or a function.

    Item-level dimensions (task category, factors of :mod:`workbench.factors`)
    are Series ``item_id -> slice value``. Bias-type dimensions depend on the
    reference and/or the judge and are functions ``(judgments, reference,
    judge) -> Series``; the ones in :data:`PER_JUDGE` are computed per judge.
    ``fac``: :func:`item_factors` of the dataset's full table (with texts).
    """
    dims: dict[str, Any] = {vocab.OVERALL: None}
    items = judgments.drop_duplicates("item_id").set_index("item_id")
    if "subset" in items and items["subset"].nunique(dropna=True) > 1:
        dims["task category"] = items["subset"].astype("string")
    pairwise = judgments["protocol"].astype(str).eq("pairwise").any()
    candidates: dict[str, pd.Series] = {}
    if pairwise and "words_diff" in fac:
        from .. import factors

        candidates["factor: |length difference| (words)"] = factors.length_diff_bins(fac).astype(
            "string"
        )
        candidates["factor: longer response"] = sign_labels(
            fac["words_diff"], "A longer", "B longer", "same length"
        )
        for name in ("list_items", "headings", "bold", "code_blocks", "links"):
            col = f"{name}_diff"
            if col in fac:
                nice = name.replace("_", " ")
                candidates[f"factor: more {nice}"] = sign_labels(
                    fac[col], f"A more {nice}", f"B more {nice}", f"same {nice}"
                )
        if "refusal_diff" in fac:
            candidates["factor: refusal"] = sign_labels(
                fac["refusal_diff"], "only A refuses", "only B refuses", "neither or both"
            )
        if "family_a" in fac:
            pair = fac["family_a"].fillna("?") + " vs " + fac["family_b"].fillna("?")
            candidates["factor: model families (A vs B)"] = pair.astype("string")
    elif "words" in fac:
        from .. import factors

        words = pd.to_numeric(fac["words"]).astype("float64")
        if words.notna().sum() > 4:
            candidates["factor: response length (quartile)"] = factors.quantile_bins(
                words, q=4
            ).astype("string")
        if "refusal" in fac:
            candidates["factor: refusal"] = (
                fac["refusal"].map({True: "refusal", False: "no refusal"}).astype("string")
            )
        if "family" in fac:
            candidates["factor: model family"] = fac["family"].astype("string")
    for label, series in candidates.items():
        n = series.nunique(dropna=True)
        if 1 < n <= 12:
            dims[label] = series
    if pairwise and "words_diff" in fac:
        words_diff = fac["words_diff"]
        dims["bias: length (what the human picked)"] = lambda df, reference, judge: (
            human_pick_length(df, reference, words_diff)
        )
    if pairwise and {"AB", "BA"} <= set(judgments["order"].dropna().astype(str).unique()):
        dims[PER_JUDGE_POSITION] = lambda df, reference, judge: swap_consistency(df, judge)
    people = judgments["rater"].astype(str).str.match(r"human:(?!majority)")
    if people.any() and judgments.loc[people, "rater"].nunique() > 1:
        dims["bias: humans split"] = lambda df, reference, judge: humans_split(df)
    if judgments["protocol"].astype(str).eq("binary").any():
        dims["bias: leniency (reference says)"] = lambda df, reference, judge: reference_label(
            df, reference
        ).map({"correct": "reference: correct", "incorrect": "reference: incorrect"})
    return dims


PER_JUDGE_POSITION = "bias: position (judge swap-consistent)"
PER_JUDGE = frozenset({PER_JUDGE_POSITION})
"""Slice dimensions whose value depends on the judge (computed per judge)."""


def reference_label(df: pd.DataFrame, reference: str) -> pd.Series:
    ref = df[df["rater"] == reference]
    return ref.groupby("item_id", observed=True)["label"].first().astype("string")


def human_pick_length(df: pd.DataFrame, reference: str, words_diff: pd.Series) -> pd.Series:
    """Per item: did the reference pick the longer or the shorter response?"""
    label = reference_label(df, reference)
    diff = pd.to_numeric(words_diff.reindex(label.index)).astype("Float64")
    out = pd.Series("equal length or tie", index=label.index, dtype="string")
    picked_a, picked_b = label.eq("A").fillna(False), label.eq("B").fillna(False)
    longer = (picked_a & (diff > 0).fillna(False)) | (picked_b & (diff < 0).fillna(False))
    shorter = (picked_a & (diff < 0).fillna(False)) | (picked_b & (diff > 0).fillna(False))
    out[longer.astype(bool)] = "human picked longer"
    out[shorter.astype(bool)] = "human picked shorter"
    return out


def swap_consistency(df: pd.DataFrame, judge: str | None) -> pd.Series:
    """Per item: did ``judge`` give the same verdict in both presentation orders?"""
    rows = df[(df["rater"] == judge) & df["order"].notna()]
    wide = rows.pivot_table(
        index="item_id", columns="order", values="label", aggfunc="first", observed=False
    ).astype("object")
    if not {"AB", "BA"} <= set(wide.columns):
        return pd.Series("one order only", index=wide.index, dtype="string")
    both = wide["AB"].notna() & wide["BA"].notna()
    same = both & (wide["AB"] == wide["BA"])
    out = pd.Series("one order only", index=wide.index, dtype="string")
    out[both] = "swap-inconsistent"
    out[same] = "swap-consistent"
    return out


def humans_split(df: pd.DataFrame) -> pd.Series:
    people = df[df["rater"].astype(str).str.match(r"human:(?!majority)")]
    n = people.groupby("item_id", observed=True)["label"].nunique()
    return n.gt(1).map({True: "humans split", False: "humans unanimous"}).astype("string")


def item_factors(full: pd.DataFrame) -> pd.DataFrame:
    """Per-item factors of :func:`workbench.factors.item_factors`, indexed by item_id
    (no columns when the table has no texts to measure)."""
    from .. import factors

    try:
        return factors.item_factors(full).set_index("item_id")
    except (ImportError, ValueError, KeyError):
        return pd.DataFrame(index=pd.Index(full["item_id"].unique(), name="item_id"))
