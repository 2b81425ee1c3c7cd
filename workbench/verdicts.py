"""Verdict resolution: one verdict per item from a judge's two presentation orders, and human majorities.

A pairwise judge is often asked twice, once with each response shown first
(``order`` ``AB`` and ``BA``; labels are already in the item's canonical
numbering). How the two games become one verdict changes every agreement
number, so the rule is an explicit choice (:func:`resolve_orders`):

``"per_order"``
    Both games count as separate judgments (rows unchanged). Agreement is
    then computed over games, and the bootstrap keeps an item's two games
    together.
``"fastchat"``
    The two games agree -> that label; they disagree -> ``tie``. This is
    FastChat's MT-Bench rule (Zheng et al. 2023, ``gen_judgment`` pairwise
    "inconsistent -> tie").
``"vote_sum"``
    JudgeBench-style: ``A`` = +1, ``B`` = -1, ``tie`` = 0 summed over the two
    orders; positive -> ``A``, negative -> ``B``, zero -> ``tie`` (so ``A`` + ``tie``
    -> ``A``, ``A`` + ``B`` -> ``tie``) (Tan et al. 2024).
``"first_order"``
    Keep only the ``AB`` game.

Rules shared by all: rows whose ``order`` is NA (humans, single-order judges)
pass through unchanged; for ``fastchat`` and ``vote_sum`` a judge that failed to
answer in either order (label NA) gets an NA verdict (it is then left out of
agreement statistics); an item seen in only one order keeps that order's
label. Resolved rows have ``order`` NA and ``raw`` ``"AB=<label>;BA=<label>"``.

How a verdict was reached (:func:`verdict_basis`)
-------------------------------------------------
Some sources do not ask the judge to choose: they ask for one score per response and
derive the pairwise verdict from the two scores, with a fixed rule for equal or
unparsable scores (LLMBar's ``Rating*`` strategies: a tie goes to the second-presented
response in both "orders", an unparsable score to the first-presented one). Such a
verdict says nothing about the judge's view of the two responses, and nothing about
their presentation; the position probe (:func:`workbench.bias.position_preference`)
leaves out verdicts whose basis is in :data:`TIE_BREAKS`. A loader (or user) records
the basis in one of two documented ways:

- ``raw`` holds a JSON object with the two scores, ``{"score_1": .., "score_2": .., ...}``
  (``score_1`` for response A): two different scores -> ``"scores"``, equal scores ->
  ``"score_tie"``, a score that is not a number (or a string holding one) ->
  ``"unparsed_score"``. The LLMBar loader writes exactly this.
- An optional column ``verdict_basis`` (:data:`BASIS_COLUMN`, outside the schema's
  columns, so add it after :func:`workbench.schema.conform`) with values from
  :data:`VERDICT_BASES`; where it is not NA it takes precedence over ``raw``.

Everything else is ``"choice"``: the judge picked a response (or a tie) itself.

References
----------
Zheng, L. et al. (2023). Judging LLM-as-a-Judge with MT-Bench and Chatbot
Arena. NeurIPS Datasets and Benchmarks. arXiv:2306.05685.

Tan, S. et al. (2024). JudgeBench: A Benchmark for Evaluating LLM-based
Judges. arXiv:2410.12784.
"""

from __future__ import annotations

import json
import re
from typing import Literal

import numpy as np
import pandas as pd

from ._validate import check_option
from .errors import SchemaError
from .schema import COLUMNS, conform, validate
from .vocab import RULES, Rule

__all__ = [
    "BASIS_COLUMN",
    "RULES",
    "TIE_BREAKS",
    "VERDICT_BASES",
    "majority_vote",
    "resolve_orders",
    "verdict_basis",
]

# RULES (the names accepted by :func:`resolve_orders`) is :data:`workbench.vocab.RULES`, re-exported.

_GROUP = ["dataset", "item_id", "rater", "criterion"]
_SIGN = {"A": 1, "B": -1, "tie": 0}


def resolve_orders(
    df: pd.DataFrame,
    *,
    rule: Rule = "per_order",
) -> pd.DataFrame:
    """Resolve each judge's two presentation orders of an item into one verdict.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table (:mod:`workbench.schema`).
    rule : {"per_order", "fastchat", "vote_sum", "first_order"}, default "per_order"
        See the module docstring.

    Returns
    -------
    DataFrame
        Tidy table: unchanged for ``per_order``; otherwise one row per
        (dataset, item_id, rater, criterion) for raters that had an order, with
        ``order`` NA. Other columns come from the ``AB`` row (else the ``BA`` row).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [dict(dataset="t", item_id="1", protocol="pairwise", criterion="overall",
    ...              rater="j", rater_kind="llm", order=o, label=lab)
    ...         for o, lab in [("AB", "A"), ("BA", "B")]]
    >>> df = pd.DataFrame(rows)
    >>> resolve_orders(df, rule="fastchat")["label"].tolist()  # A vs B disagree -> tie
    ['tie']
    >>> resolve_orders(df, rule="first_order")["label"].tolist()
    ['A']
    >>> resolve_orders(df, rule="per_order")["label"].tolist()
    ['A', 'B']
    """
    check_option("rule", rule, RULES)
    if list(df.columns) != list(COLUMNS):
        df = conform(df)
    if rule == "per_order":
        return df
    ordered = df["order"].notna().to_numpy()
    if not ordered.any():
        return df
    if rule == "first_order":
        keep = ~ordered | (df["order"].astype("object") == "AB").to_numpy()
        out = df[keep].copy()
        out["order"] = None
        return validate(conform(out.reset_index(drop=True)))
    plain = df[~ordered]
    games = df[ordered]
    key = games[_GROUP].astype("object")
    order = games["order"].astype("object").to_numpy()
    labels = games["label"].astype("object")
    wide = pd.DataFrame(
        {
            **{c: key[c].to_numpy() for c in _GROUP},
            "order": order,
            "label": labels.where(labels.notna(), None).to_numpy(),
        }
    )
    # First label per (group, order), looked up per group: no cartesian pivot (a pivot_table
    # with dropna=False over four key columns materialises every combination of their values).
    seen = pd.MultiIndex.from_frame(wide[_GROUP].drop_duplicates())
    firsts = wide.drop_duplicates([*_GROUP, "order"]).set_index(_GROUP)
    ab_rows = firsts[firsts["order"] == "AB"]["label"]
    ba_rows = firsts[firsts["order"] == "BA"]["label"]
    has_ab = seen.isin(ab_rows.index)
    has_ba = seen.isin(ba_rows.index)
    ab = ab_rows.reindex(seen)
    ba = ba_rows.reindex(seen)
    a = ab.to_numpy(object)
    b = ba.to_numpy(object)
    a_na = pd.isna(ab).to_numpy()
    b_na = pd.isna(ba).to_numpy()
    if rule == "fastchat":
        both = np.where(a == b, a, "tie")
    else:
        sign = ab.map(_SIGN).fillna(0).to_numpy() + ba.map(_SIGN).fillna(0).to_numpy()
        both = np.where(sign > 0, "A", np.where(sign < 0, "B", "tie"))
    resolved = np.where(
        ~(has_ab & has_ba),
        np.where(has_ab, a, b),
        np.where(a_na | b_na, None, both),
    )
    resolved = [None if pd.isna(v) else v for v in resolved]
    # one representative row per group: AB first
    rep = games.assign(_o=(games["order"].astype("object") != "AB").to_numpy())
    rep = rep.sort_values("_o", kind="stable").drop_duplicates(_GROUP).drop(columns="_o")
    rep = rep.set_index(pd.MultiIndex.from_frame(rep[_GROUP].astype("object")))
    rep = rep.reindex(seen)
    rep["label"] = pd.Series(resolved, index=seen, dtype="object")
    rep["raw"] = [
        f"AB={'NA' if pd.isna(a) else a};BA={'NA' if pd.isna(b) else b}"
        for a, b in zip(ab, ba, strict=True)
    ]
    rep["order"] = None
    out = pd.concat([plain, rep.reset_index(drop=True)], ignore_index=True)
    return validate(conform(out))


def majority_vote(
    df: pd.DataFrame,
    *,
    raters: list[str] | None = None,
    name: str = "human:majority",
    on_tie: Literal["na", "tie"] = "na",
) -> pd.DataFrame:
    """Plurality label of several annotators per item (mean score for ratings).

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table.
    raters : list of str, optional
        Raters whose votes count. Default: every ``human:<id>`` rater (rater_kind
        ``human``, excluding ``human:majority`` and the aggregated ``human``).
    name : str, default "human:majority"
        Rater id of the produced rows.
    on_tie : {"na", "tie"}, default "na"
        When two or more labels share the largest count: ``"na"`` gives an NA
        label (the item has no majority and is left out of comparisons);
        ``"tie"`` gives the pairwise label ``tie`` (pairwise protocol only).

    Returns
    -------
    DataFrame
        New tidy rows only (rater ``name``, rater_kind ``human``, order NA), one
        per (dataset, item_id, criterion) with at least one vote; ``raw`` lists
        the counts (``"A:3;B:1;tie:1"``). Ratings (protocol ``rating``) get the
        mean ``score``. Text and model columns come from the item's first vote.
        Append with ``pd.concat([df, majority_vote(df)])``.

    Examples
    --------
    >>> import pandas as pd
    >>> votes = [("1", "h1", "A"), ("1", "h2", "A"), ("1", "h3", "B"),
    ...          ("2", "h1", "A"), ("2", "h2", "B")]
    >>> df = pd.DataFrame([dict(dataset="t", item_id=i, protocol="pairwise",
    ...     criterion="overall", rater=f"human:{h}", rater_kind="human", label=lab)
    ...     for i, h, lab in votes])
    >>> majority_vote(df)["label"].tolist()  # item 1: A 2-1; item 2: A 1-1 B -> NA
    ['A', nan]
    >>> majority_vote(df, on_tie="tie")["label"].tolist()
    ['A', 'tie']
    """
    check_option("on_tie", on_tie, ("na", "tie"))
    rater = df["rater"].astype("object")
    if raters is None:
        mask = (df["rater_kind"].astype("object") == "human") & rater.str.startswith("human:")
        mask &= rater != name
    else:
        unknown = sorted(set(raters) - set(rater.unique()))
        if unknown:
            raise ValueError(f"raters: not in the table: {unknown}")
        mask = rater.isin(raters)
    votes = df[mask.to_numpy()]
    if votes.empty:
        raise ValueError(f"raters: no votes found (raters={raters!r})")
    key = ["dataset", "item_id", "criterion"]
    protocol = set(votes["protocol"].astype("object").unique())
    if on_tie == "tie" and protocol != {"pairwise"}:
        raise ValueError(f"on_tie: 'tie' needs the pairwise protocol, got {sorted(protocol)}")
    first = votes.drop_duplicates(key).set_index(key)
    rows = first.copy()
    if protocol == {"rating"}:
        g = votes.groupby(key, sort=False)["score"]
        mean = g.mean().reindex(first.index)
        cnt = g.count().reindex(first.index)
        rows["score"] = mean.astype("Float64")
        rows["label"] = None
        rows["raw"] = [f"mean of {c}" for c in cnt]
    else:
        lab = votes.assign(label=votes["label"].astype("object"))
        lab = lab[lab["label"].notna()]
        counts = lab.groupby(key + ["label"], sort=True).size().unstack("label", fill_value=0)
        counts = counts.reindex(first.index, fill_value=0)
        values = counts.to_numpy()
        if not values.shape[1]:  # every vote NA (unparsed): no label, no majority anywhere
            values = np.zeros((len(values), 1), dtype=np.int64)
            counts = pd.DataFrame(values, index=counts.index, columns=["A"])
        top = values.max(axis=1, keepdims=True)
        winners = (values == top) & (top > 0)
        n_win = winners.sum(axis=1)
        best = np.array(counts.columns, dtype=object)[winners.argmax(axis=1)]
        label = np.where(n_win == 1, best, "tie" if on_tie == "tie" else None)
        label = np.where(top[:, 0] > 0, label, None)
        rows["label"] = label
        rows["raw"] = [
            ";".join(f"{c}:{v}" for c, v in zip(counts.columns, r, strict=True) if v)
            for r in values
        ]
    rows["rater"] = name
    rows["rater_kind"] = "human"
    rows["order"] = None
    rows["strategy"] = None
    rows["explanation"] = None
    out = rows.reset_index()
    out = out[[c for c in COLUMNS if c in out.columns]]
    return validate(conform(out))


VERDICT_BASES: tuple[str, ...] = ("choice", "scores", "score_tie", "unparsed_score")
"""How a pairwise verdict was reached (module docstring): the judge chose; derived from
two different scores; set by the source's rule for equal scores; set by its rule for an
unparsable score."""
TIE_BREAKS: tuple[str, ...] = ("score_tie", "unparsed_score")
"""Bases whose verdict comes from a tie-breaking rule, not from the judge."""
BASIS_COLUMN = "verdict_basis"
"""Optional per-row column naming the basis (values of :data:`VERDICT_BASES`, NA = infer)."""

_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*")


def _score(value: object) -> float | None:
    """A score as a float, None when it is not a number or a string holding one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value)
    return None


def _raw_basis(raw: str) -> str | None:
    """Basis from a ``raw`` JSON object with ``score_1`` / ``score_2``; None otherwise."""
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or "score_1" not in obj or "score_2" not in obj:
        return None
    s1, s2 = _score(obj["score_1"]), _score(obj["score_2"])
    if s1 is None or s2 is None:
        return "unparsed_score"
    return "score_tie" if s1 == s2 else "scores"


def verdict_basis(df: pd.DataFrame) -> pd.Series:
    """How each pairwise verdict was reached: the judge's choice, two scores, or a tie-break rule.

    Parameters
    ----------
    df : DataFrame
        Tidy judgments; reads ``protocol`` (when present), ``raw`` (when present) and the
        optional :data:`BASIS_COLUMN`.

    Returns
    -------
    Series of string
        Per row one of :data:`VERDICT_BASES` (module docstring); NA for rows that are not
        pairwise. ``basis.isin(TIE_BREAKS)`` marks the verdicts set by a rule.

    Raises
    ------
    SchemaError
        :data:`BASIS_COLUMN` holds a value outside :data:`VERDICT_BASES` (naming row and value).

    Examples
    --------
    LLMBar ``Rating`` rows: scores 8 vs 9, a tie 7 vs 7, an empty score; then a plain choice.

    >>> raw = ['{"score_1": "8", "score_2": "9", "winner": "2"}',
    ...        '{"score_1": "7", "score_2": "7", "winner": "2"}',
    ...        '{"score_1": "", "score_2": "6", "winner": "1"}', "Output (a)"]
    >>> verdict_basis(pd.DataFrame({"protocol": "pairwise", "raw": raw})).tolist()
    ['scores', 'score_tie', 'unparsed_score', 'choice']
    >>> verdict_basis(pd.DataFrame({"raw": raw[:2], "verdict_basis": [None, "choice"]})).tolist()
    ['scores', 'choice']
    """
    out = np.full(len(df), "choice", dtype=object)
    if "raw" in df.columns:
        raw = df["raw"].astype("string")
        scored = raw.str.lstrip().str.startswith("{") & raw.str.contains("score_1", regex=False)
        idx = np.flatnonzero(scored.fillna(False).to_numpy(dtype=bool))
        texts = pd.Series(raw.to_numpy(dtype=object)[idx])
        basis = texts.map({v: _raw_basis(v) for v in texts.unique()}).to_numpy(dtype=object)
        has = pd.notna(basis)
        out[idx[has]] = basis[has]
    if BASIS_COLUMN in df.columns:
        given = df[BASIS_COLUMN].astype("object")
        known = given.notna().to_numpy()
        bad = known & ~given.isin(VERDICT_BASES).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise SchemaError(
                f"df: row {i}: field {BASIS_COLUMN!r}: {given.iloc[i]!r} is not one of "
                f"{list(VERDICT_BASES)}"
            )
        out[known] = given.to_numpy(dtype=object)[known]
    result = pd.Series(out, index=df.index, dtype="string")
    if "protocol" in df.columns:
        result[(df["protocol"].astype("object") != "pairwise").to_numpy()] = pd.NA
    return result
