"""The disagreement table: one row per item where a judge and the reference disagree, with the
item's texts and factors, for reading disagreements one by one.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .. import factors, verdicts
from .._validate import check_option
from . import frame
from .leniency import binary_pairs
from .registry import ProbeWarning


def _no_overlap(
    judges: Sequence[str],
    shared: np.ndarray,
    judge: str | Sequence[str] | None,
    reference: str | Sequence[str],
) -> None:
    """Raise for named judges without an item shared with the reference; warn for the others."""
    alone = [j for j in judges if j not in set(shared)]
    if not alone:
        return
    why = f"no item with both a parsed verdict of the judge and a reference ({frame.reference_name(reference)!r}) label"
    if judge is not None:
        raise ValueError(f"disagreements: judge {alone[0]!r}: {why}")
    warnings.warn(
        f"disagreements: {len(alone)} judge(s) have no row in the table: {why} ({alone[:5]})",
        ProbeWarning,
        stacklevel=3,
    )


def disagreements(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    unit: Literal["words", "chars"] = "words",
) -> pd.DataFrame:
    """One row per item where a judge and the reference disagree, tagged with plausible explanations.

    An item (unit) is listed for a judge when at least one of the judge's parsed
    verdicts differs from the reference's plurality label (items whose
    reference votes split evenly have no plurality label and are left out).

    Columns of the result: ``dataset, item_id, criterion, turn, subset, judge``;
    ``reference_label``, ``n_reference`` (votes), ``reference_share`` (share of
    votes for the plurality label); ``judge_labels`` (the judge's verdicts,
    ``AB=..;BA=..`` or the single one), ``judge_disagree_share`` (share of the
    judge's parsed verdicts that differ from the reference); explanation flags
    (boolean, NA where not applicable):

    ``picked_longer``
        A disagreeing decisive verdict picks the longer response (pairwise, texts known).
    ``picked_first_presented``
        A disagreeing decisive verdict picks the response shown first (order known).
        NA when a verdict of the item comes from a tie-break rule
        (:func:`workbench.verdicts.verdict_basis`).
    ``swap_inconsistent``
        The judge's two orders give different verdicts (two-order judges); NA for
        tie-break verdicts, as above.
    ``humans_split``
        Two or more reference votes and not unanimous.
    ``judge_lenient``
        Binary: the judge says correct where the reference says incorrect.

    ``surprise`` = ``reference_share * judge_disagree_share``: 1 when every
    reference vote agrees and every judge verdict (both orders) goes the other
    way; lower when people were split or the judge was swap-inconsistent.
    Rows are sorted by decreasing surprise.

    The judges' and reference's rows must be of one protocol, pairwise or binary
    (else ``ValueError``). A named judge that shares no item with the reference raises
    ``ValueError``; with ``judge=None`` such judges are named in one :class:`ProbeWarning`.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise or binary judgments.
    judge, reference
        See the module docstring.
    unit : {"words", "chars"}, default "words"
        Length measure for ``picked_longer``.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rows = [dict(dataset="t", item_id=i, protocol="pairwise", criterion="overall", rater=r,
    ...              rater_kind=k, order=o, label=lab, response_a="a a a", response_b="b")
    ...         for i, r, k, o, lab in [("1", "j", "llm", "AB", "A"), ("1", "j", "llm", "BA", "A"),
    ...                                 ("1", "human:1", "human", None, "B"), ("1", "human:2", "human", None, "B"),
    ...                                 ("2", "j", "llm", "AB", "A"), ("2", "j", "llm", "BA", "B"),
    ...                                 ("2", "human:1", "human", None, "B"), ("2", "human:2", "human", None, "A")]]
    >>> t = disagreements(conform(pd.DataFrame(rows)))
    >>> t[["item_id", "surprise", "picked_longer", "swap_inconsistent"]].to_dict("records")  # item 2: humans split
    [{'item_id': '1', 'surprise': 1.0, 'picked_longer': True, 'swap_inconsistent': False}]
    """
    df = frame.prepare_table(df)
    check_option("unit", unit, ("words", "chars"))
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    pairwise = _is_pairwise(df, judges, refs)
    with_f = factors.add_factors(df) if pairwise and f"{unit}_diff" not in df.columns else df
    rows = frame.rater_rows(with_f, judges)
    rows = rows[rows["label"].notna().to_numpy()]
    ref_label, n_ref, share = _reference_labels(with_f, judges, refs, pairwise)
    rl = ref_label.reindex(rows["_unit"]).to_numpy(dtype=object)
    lab = rows["label"].astype("object").to_numpy(dtype=object)
    has_ref = pd.notna(rl)
    _no_overlap(judges, rows["rater"].astype("object").to_numpy()[has_ref], judge, reference)
    rows = rows[has_ref]
    flags = _row_flags(rows, lab[has_ref], rl[has_ref], pairwise, unit)
    table = _unit_table(flags, pairwise)
    table["reference_label"] = ref_label.reindex(table["_unit"]).to_numpy(dtype=object)
    table["n_reference"] = n_ref.reindex(table["_unit"]).to_numpy()
    table["reference_share"] = share.reindex(table["_unit"]).to_numpy(dtype=float)
    table["humans_split"] = pd.array(
        np.where(table["n_reference"] >= 2, table["reference_share"] < 1, None), dtype="boolean"
    )
    table["surprise"] = table["reference_share"] * table["judge_disagree_share"]
    meta = (
        with_f.assign(_unit=frame.unit_key(with_f, frame.UNIT))
        .drop_duplicates("_unit")
        .set_index("_unit")
    )
    for c in ["dataset", "item_id", "criterion", "turn", "subset"]:
        table[c] = meta[c].reindex(table["_unit"]).to_numpy() if c in meta else pd.NA
    table = table.rename(columns={"rater": "judge"})
    for c in ("picked_longer", "picked_first_presented", "judge_lenient"):
        table[c] = table[c].astype("boolean")
    out = table[COLUMNS].sort_values(
        ["surprise", "judge", "dataset", "item_id"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return out.reset_index(drop=True)


COLUMNS = [
    "dataset",
    "item_id",
    "criterion",
    "turn",
    "subset",
    "judge",
    "reference_label",
    "n_reference",
    "reference_share",
    "judge_labels",
    "judge_disagree_share",
    "picked_longer",
    "picked_first_presented",
    "swap_inconsistent",
    "humans_split",
    "judge_lenient",
    "surprise",
]


def _is_pairwise(df: pd.DataFrame, judges: list[str], refs: list[str]) -> bool:
    """True if the judges' and reference's rows are all pairwise, False if all binary; else raise."""
    involved = df["rater"].astype("object").isin([*judges, *refs]).to_numpy()
    protocol = sorted(set(df["protocol"].astype("object").to_numpy()[involved]))
    if not set(protocol) <= {"pairwise", "binary"} or len(protocol) != 1:
        raise ValueError(
            f"disagreements: expected the judges' and the reference's rows to be all pairwise "
            f"or all binary, got {protocol}; select one protocol's rows (ratings: rating_offset)"
        )
    return protocol == ["pairwise"]


def _reference_labels(
    with_f: pd.DataFrame, judges: list[str], refs: list[str], pairwise: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per unit: the reference's label, its number of labels and the plurality's share."""
    if pairwise:
        ref = frame.pairwise_reference(frame.rater_rows(with_f, refs))
        return ref["ref_label"], ref["n_ref"], ref["ref_share"]
    _, hc, hshare = binary_pairs(with_f, judges, refs)
    ref_label = hc.map(lambda v: None if v is None else ("correct" if v else "incorrect"))
    rr = frame.rater_rows(with_f, refs)
    n_ref = rr[rr["label"].notna().to_numpy()].groupby("_unit").size()
    return ref_label, n_ref, np.maximum(hshare, 1 - hshare)


def _row_flags(
    rows: pd.DataFrame, lab: np.ndarray, rl: np.ndarray, pairwise: bool, unit: str
) -> pd.DataFrame:
    """One row per judge verdict: disagreement with the reference and what the verdict did."""
    dis = lab != rl
    flags = pd.DataFrame(
        {
            "rater": rows["rater"].astype("object").to_numpy(),
            "_unit": rows["_unit"].to_numpy(),
            "dis": dis,
            "rule": verdicts.verdict_basis(rows).isin(verdicts.TIE_BREAKS).to_numpy(dtype=bool),
        }
    )
    if pairwise:
        longer = factors.picked_longer(rows, unit=unit).to_numpy(dtype=object)
        first = factors.picked_first(rows).to_numpy(dtype=object)
        flags["longer"] = np.where(dis, longer, None)
        flags["first"] = np.where(dis, first, None)
        flags["lenient"] = None
    else:
        flags["longer"] = None
        flags["first"] = None
        flags["lenient"] = (lab == "correct") & (rl == "incorrect")
    order = rows["order"].astype("object").to_numpy(dtype=object)
    flags["desc"] = [
        f"{o}={v}" if isinstance(o, str) else str(v) for o, v in zip(order, lab, strict=True)
    ]
    flags["lab"] = lab
    return flags


def _any_true(flags: pd.DataFrame, col: str, keys: list[str]) -> pd.Series:
    """Per group of ``keys``: NA if every value of ``col`` is missing, else whether any
    present value is true (Python bools in an object column), by two grouped sums."""
    v = flags[col].to_numpy(dtype=object)
    present = pd.notna(v)
    truth = np.zeros(len(v), dtype=bool)
    truth[present] = v[present].astype(bool)
    g = pd.DataFrame({"n": present, "t": truth, **{k: flags[k] for k in keys}})
    sums = g.groupby(keys, sort=False)[["n", "t"]].sum()
    out = np.full(len(sums), pd.NA, dtype=object)
    seen = sums["n"].to_numpy() > 0
    out[seen] = (sums["t"].to_numpy() > 0)[seen].tolist()
    return pd.Series(out, index=sums.index, dtype=object)


def _unit_table(flags: pd.DataFrame, pairwise: bool) -> pd.DataFrame:
    """Per (judge, unit) with at least one disagreeing verdict: shares, labels and flags."""
    keys = ["rater", "_unit"]
    g = flags.groupby(keys, sort=False)
    table = pd.DataFrame(
        {
            "judge_disagree_share": g["dis"].mean(),
            "judge_labels": g["desc"].agg(";".join),
            "picked_longer": _any_true(flags, "longer", keys),
            "picked_first_presented": _any_true(flags, "first", keys),
            "judge_lenient": _any_true(flags, "lenient", keys),
            "_n_labels": g["lab"].nunique(),
            "_n_rows": g["lab"].size(),
            "_rule": g["rule"].any(),
        }
    )
    table = table[table["judge_disagree_share"] > 0].reset_index()
    table["swap_inconsistent"] = pd.array(
        np.where(table["_n_rows"] >= 2, table["_n_labels"] > 1, None), dtype="boolean"
    )
    rule = table["_rule"].to_numpy(dtype=bool)
    table.loc[rule, "swap_inconsistent"] = pd.NA
    table["picked_first_presented"] = table["picked_first_presented"].astype("boolean")
    table.loc[rule, "picked_first_presented"] = pd.NA
    if not pairwise:
        table["swap_inconsistent"] = pd.array([pd.NA] * len(table), dtype="boolean")
    return table
