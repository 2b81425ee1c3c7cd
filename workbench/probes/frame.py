"""Table helpers shared by the probes: input checks, judge / reference selection, unit keys,
result rows and frames, ``by`` grouping, notes and warnings, the pooled pairwise reference.

Examples
--------
>>> from workbench.testing import toy
>>> df = prepare_table(toy(pairwise={"human": "AB", "j": "AA"}))
>>> select_judges(df, "j"), reference_raters(df, "human")
(['j'], ['human'])
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validate import TABLE_REQUIRED, check_columns, check_table
from ..errors import SchemaError
from .estimate import Est, empty_est, reportable
from .registry import NO_USABLE_VERDICT, RESULT_COLUMNS, ProbeWarning

UNIT = ["dataset", "item_id", "criterion", "turn"]


CLUSTER = ["dataset", "item_id"]


KEY_SEP = "\x1f"


def select_judges(df: pd.DataFrame, judge: str | Sequence[str] | None) -> list[str]:
    raters = df["rater"].astype("object")
    if judge is None:
        kind = df["rater_kind"].astype("object")
        found = list(pd.unique(raters[(kind == "llm").to_numpy()]))
        if not found:
            raise ValueError(
                "judge: the table has no LLM judge (no rater with rater_kind 'llm'); "
                "name the raters to probe with judge=[...]"
            )
        return found
    wanted = [judge] if isinstance(judge, str) else list(judge)
    check_listed("judge", wanted)
    unknown = sorted(set(wanted) - set(raters.unique()))
    if unknown:
        raise ValueError(f"judge: not a rater of the table: {unknown}")
    return wanted


def check_listed(arg: str, names: list[Any]) -> None:
    """A list of rater ids is not empty and names each rater once."""
    if not names:
        raise ValueError(f"{arg}: an empty list; name at least one rater")
    twice = sorted({str(n) for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{arg}: {twice} listed more than once")


def reference_raters(df: pd.DataFrame, reference: str | Sequence[str] | None) -> list[str]:
    if reference is None:
        raise ValueError("reference: required (a rater id, a list of rater ids or 'humans')")
    raters = df["rater"].astype("object")
    if isinstance(reference, str) and reference == "humans":
        kind = df["rater_kind"].astype("object")
        mask = (kind == "human") & (raters != "human:majority")
        out = list(pd.unique(raters[mask.to_numpy()]))
        if not out:
            raise ValueError("reference: 'humans' found no rater with rater_kind 'human'")
        return out
    wanted = [reference] if isinstance(reference, str) else list(reference)
    check_listed("reference", wanted)
    unknown = sorted(set(wanted) - set(raters.unique()))
    if unknown:
        raise ValueError(f"reference: not a rater of the table: {unknown}")
    return wanted


OPTIONAL_COLUMNS = {"order": "category", "turn": "Int64", "label": "object", "score": "Float64"}
"""Columns a probe reads that a hand-made table may lack (read as NA)."""


def prepare_table(df: Any, need: Sequence[str] = ()) -> pd.DataFrame:
    """Check ``df`` (:func:`check_table`; not empty) and add the optional columns it lacks, as NA."""
    check_table(df, need=(*TABLE_REQUIRED, *need))
    if not len(df):
        raise SchemaError("df: the table has no rows; nothing to probe")
    add = {
        c: pd.Series(pd.NA, index=df.index, dtype=t)
        for c, t in OPTIONAL_COLUMNS.items()
        if c not in df.columns
    }
    if "score" in df.columns and not pd.api.types.is_numeric_dtype(df["score"].dtype):
        add["score"] = pd.to_numeric(df["score"].astype("object")).astype("Float64")
    return df.assign(**add) if add else df


def unscorable_judges(
    df: pd.DataFrame,
    judges: Sequence[str],
    probe: str,
    protocols: Sequence[str],
    need: Callable[[str, pd.DataFrame], str | None] | None = None,
) -> dict[str, str]:
    """Judges the probe cannot score anywhere in ``df``, with the reason.

    A judge without rows of the probe's ``protocols`` is one; otherwise ``need(judge,
    rows)`` on its rows of those protocols returns the reason (or None when it can be scored).
    """
    codes, raters = pd.factorize(df["rater"].astype("object"))
    position = {r: k for k, r in enumerate(raters)}
    proto = df["protocol"].astype("object").to_numpy(dtype=object)
    handled = np.isin(proto, list(protocols))
    out = {}
    for j in judges:
        mine = codes == position.get(j, -2)
        ok = mine & handled
        if not ok.any():
            have = "/".join(sorted(set(proto[mine]))) or "no"
            out[j] = f"{probe} handles {'/'.join(protocols)} judgments; this judge has {have} rows"
        elif need is not None:
            reason = need(j, df[ok])
            if reason:
                out[j] = reason
    return out


def lacking_rows(
    reasons: dict[str, str],
    probe: str,
    effect: str | Callable[[str], str],
    reference: str | None,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """One NaN row per unscorable judge, the reason in ``note``."""
    records = [
        result_record(
            j,
            probe,
            effect(j) if callable(effect) else effect,
            empty_est(note=why),
            reference,
            **{c: None for c in extra},
        )
        for j, why in reasons.items()
    ]
    return result_frame(records, extra=extra)


def finish(
    out: pd.DataFrame,
    probe: str,
    *,
    judge: str | Sequence[str] | None,
    reference: str | Sequence[str] | None,
    unscorable: Collection[str] = (),
    default_reference: str | None = "humans",
    judges: Sequence[str] = (),
    effect: str = "",
) -> pd.DataFrame:
    """Raise for a named judge (or reference) with nothing computed; else warn once on notes.

    Every one of ``judges`` without a row in ``out`` (none of its verdicts could be used:
    all NA, or none on an item of the reference) gets a NaN row of ``effect`` saying so,
    instead of silently missing. A reference other than the probe's default
    (``default_reference``) raises when every row that compares with it is NaN, among the
    judges that are not ``unscorable`` for reasons of their own (their rows say why).
    """
    present = set(out["judge"].dropna().astype(str))
    absent = {j: NO_USABLE_VERDICT for j in judges if j not in present}
    if absent:
        extra = [c for c in out.columns if c not in RESULT_COLUMNS]
        filler = lacking_rows(absent, probe, effect, reference_name(reference), extra)
        parts = [out, filler.reindex(columns=out.columns)]
        out = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    note = out["note"].fillna("").astype(str)
    nan = out["estimate"].isna().to_numpy()
    if judge is not None:
        named = [judge] if isinstance(judge, str) else list(judge)
        for j in named:
            mine = (out["judge"] == j).fillna(False).to_numpy(dtype=bool)
            if not mine.any() or nan[mine].all():
                why = next((n for n in note[mine] if n), "no result")
                raise ValueError(f"{probe}: judge {j!r}: {why}")
    if reference is not None and reference != default_reference:
        compared = (out["reference"].notna() & ~out["judge"].isin(list(unscorable))).to_numpy()
        if compared.any() and nan[compared].all():
            why = next((n for n in note[compared] if n), "no result")
            raise ValueError(f"{probe}: reference {reference_name(reference)!r}: {why}")
    noted = note != ""
    if noted.any():
        warnings.warn(
            f"{probe}: {int(noted.sum())} of {len(out)} rows have a note (a NaN value or data "
            f"left out); see the note column (e.g. {note[noted].iloc[0]!r})",
            ProbeWarning,
            stacklevel=3,
        )
    return out


def reference_name(reference: str | Sequence[str] | None) -> str | None:
    if reference is None or isinstance(reference, str):
        return reference
    return "+".join(reference)


def unit_key(df: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """String key of ``cols`` per row (NA -> empty), for grouping and clustering."""
    parts = [df[c].astype("object").where(df[c].notna(), "").astype(str) for c in cols]
    out = parts[0]
    for p in parts[1:]:
        out = out + KEY_SEP + p
    return out.to_numpy(dtype=object)


def rater_rows(df: pd.DataFrame, raters: Sequence[str]) -> pd.DataFrame:
    out = df[df["rater"].astype("object").isin(list(raters)).to_numpy()].copy()
    out["_unit"] = unit_key(out, UNIT)
    out["_cluster"] = unit_key(out, CLUSTER)
    return out


def result_record(
    judge: str, probe: str, effect: str, est: Est, reference: str | None, **extra
) -> dict:
    est = reportable(est)
    return {
        "judge": judge,
        "probe": probe,
        "effect": effect,
        "estimate": est.estimate,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "statistic": est.statistic,
        "p_value": est.p_value,
        "n_items": est.n_items,
        "n_obs": est.n_obs,
        "test": est.test,
        "reference": reference,
        "note": est.note,
        **extra,
    }


def result_frame(records: list[dict], extra: Sequence[str] = ()) -> pd.DataFrame:
    cols = RESULT_COLUMNS + [c for c in extra if c not in RESULT_COLUMNS]
    out = pd.DataFrame.from_records(records, columns=cols)
    for c in ("estimate", "ci_low", "ci_high", "statistic", "p_value"):
        out[c] = out[c].astype(float)
    for c in ("n_items", "n_obs"):
        out[c] = out[c].astype("Int64")
    out["note"] = out["note"].fillna("")
    for c in ("judge", "probe", "effect", "test", "reference", "note"):
        out[c] = out[c].astype("string")
    return out


def by_columns(df: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """The ``by`` columns as a list, each checked to be a column of ``df``."""
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    check_columns(df, cols, arg="by")
    return cols


def grouped(
    df: pd.DataFrame,
    by: str | Sequence[str] | None,
    fn: Callable[[pd.DataFrame], pd.DataFrame],
    lacking: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run ``fn`` on ``df`` or on each ``by`` group, prepending the group values.

    ``lacking`` (rows of judges that cannot be scored anywhere) is appended with NA ``by``
    values.
    """
    cols = by_columns(df, by)
    if not cols:
        out = fn(df)
        if lacking is None or lacking.empty:
            return out
        return lacking if out.empty else pd.concat([out, lacking], ignore_index=True)
    if lacking is not None and not lacking.empty:
        lacking = lacking.copy()
        for c in reversed(cols):
            lacking.insert(0, c, pd.Series(pd.NA, index=lacking.index).astype(df[c].dtype))
    else:
        lacking = None
    parts = []
    for values, sub in df.groupby(cols, dropna=False, observed=True, sort=True):
        res = fn(sub)
        values = values if isinstance(values, tuple) else (values,)
        for c, v in reversed(list(zip(cols, values, strict=True))):
            res.insert(0, c, v)
        if not res.empty:
            parts.append(res)
    if lacking is not None:
        parts.append(lacking)
    if not parts:
        empty = fn(df.iloc[:0])
        for c in reversed(cols):
            empty.insert(0, c, pd.Series(dtype=df[c].dtype))
        return empty
    return pd.concat(parts, ignore_index=True)


def pairwise_reference(ref: pd.DataFrame) -> pd.DataFrame:
    """Per unit: votes for A / B / tie, n, plurality label, share, mean code (A=+1, B=-1, tie=0)."""
    lab = ref["label"].astype("object")
    ok = lab.isin(["A", "B", "tie"]).to_numpy()
    r = ref[ok]
    lab = lab[ok].to_numpy(dtype=object)
    counts = (
        pd.DataFrame(
            {
                "_unit": r["_unit"].to_numpy(),
                "A": lab == "A",
                "B": lab == "B",
                "tie": lab == "tie",
            }
        )
        .groupby("_unit", sort=False)[["A", "B", "tie"]]
        .sum()
    )
    v = counts.to_numpy()
    n = v.sum(axis=1)
    top = v.max(axis=1)
    unique_top = (v == top[:, None]).sum(axis=1) == 1
    best = np.array(["A", "B", "tie"], dtype=object)[v.argmax(axis=1)]
    out = counts.copy()
    out["n_ref"] = n
    out["ref_label"] = np.where(unique_top, best, None)
    out["ref_share"] = top / n
    out["ref_code"] = (v[:, 0] - v[:, 1]) / n
    return out
