"""Position probe: swap consistency, conflict rate and preference for the first-presented response
(Wang et al. 2024), with the agreement of each verdict-resolution rule with the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import factors, verdicts
from .._validate import check_option
from ..engines.projected import accepts_sources
from . import frame
from .estimate import Rng, proportion, resampling_options, sign_test, wilson
from .registry import probe


def _order_pivot(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (rater, unit): label in AB and BA (object, None = missing / unparsed) and presence."""
    r = rows[rows["order"].notna().to_numpy()]
    lab = r["label"].astype("object")
    wide = pd.DataFrame(
        {
            "rater": r["rater"].astype("object").to_numpy(),
            "_unit": r["_unit"].to_numpy(),
            "_cluster": r["_cluster"].to_numpy(),
            "order": r["order"].astype("object").to_numpy(),
            "label": lab.where(lab.notna(), None).to_numpy(),
        }
    )
    g = wide.groupby(["rater", "_unit", "_cluster", "order"], sort=False)
    first = g["label"].first()  # first non-NA label of the game
    out = pd.DataFrame(index=first.index.droplevel("order").unique())
    for o in ("AB", "BA"):
        sel = first.index.get_level_values("order") == o
        lab_o = first[sel].droplevel("order")
        out[o] = lab_o.reindex(out.index).astype("object").where(lambda x: x.notna(), None)
        out[f"has_{o}"] = out.index.isin(lab_o.index)
    return out.reset_index()


@probe(
    "position_preference",
    protocols=("pairwise",),
    description="Swap consistency, conflict rate and preference for the first-presented response (Wang et al. 2024).",
)
@accepts_sources(keep=("raw",))
def position_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    unparsed: Literal["drop", "as_verdict"] = "drop",
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Position preference: does the judge favour the response shown first?

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments; judge rows need ``order``.
    judge, reference, by
        See the module docstring. ``reference`` is optional: with it, the
        agreement of each verdict-resolution rule with the reference is added.
    unparsed : {"drop", "as_verdict"}, default "drop"
        Swap consistency over items whose two verdicts both parsed (``drop``), or
        with an unparsed verdict treated as one more verdict value, so that two
        unparsed verdicts agree (``as_verdict``: LLMBar's ``statistics.json``
        reading, Zeng et al. 2024).
    n_resamples, confidence_level, rng
        Bootstrap settings (module docstring).
    engine : {"pandas", "duckdb", "spark"}, default "pandas"
        With ``"duckdb"`` / ``"spark"`` the engine reads ``df`` (a DataFrame, a
        parquet/CSV path or glob, or an Ibis table) without the text columns but
        ``raw`` (the tie-break verdicts) and
        this runs in pandas on that projection (:func:`workbench.engines.projected`): the
        same result.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS`; effects (``n_items`` = items entering each):

        ``P(prefer first-presented | decisive)``
            Share of the judge's ``A``/``B`` verdicts (all orders) that pick the
            response shown first. Single-order judges: exact binomial test vs
            0.5 and Wilson CI. Two-order judges: cluster-bootstrap CI; since
            consistent items contribute one first and one second pick, the
            overall share differs from 0.5 only through swap-inconsistent items,
            so the test is the sign test of the next effect.
        ``P(first-presented) among all verdicts``
            Single-order judges only: the same count over all parsed verdicts,
            ties in the denominator (Arena: GPT-3.5-turbo 23,176 / 26,919). No test.
        ``swap consistency``
            Two-order items: share whose ``AB`` and ``BA`` verdicts are equal
            (ties included) - LLMBar's "positional agreement" (Zeng et al.
            2024). Wilson CI.
        ``conflict rate``
            ``1 - swap consistency``: share of items whose verdict changes when
            the responses are swapped (Wang et al. 2024, Table 1 "Conflict
            Rate"). Wilson CI.
        ``P(prefer first-presented | orders disagree)``
            Items whose two verdicts are both decisive and differ (the judge
            picked the first-shown response twice, or the second twice):
            share picking first twice, i.e. Zheng et al. (2023, Table 2)
            "biased toward first" over "biased toward first or second". Exact
            sign test vs 0.5, Wilson CI.
        ``agreement with reference (rule=<rule>)``
            With ``reference``: share of the judge's resolved verdicts equal
            to the reference's plurality label, for each rule of
            :func:`workbench.verdicts.resolve_orders` (``per_order``,
            ``first_order``, ``fastchat``, ``vote_sum``). Cluster-bootstrap CI; no
            test.

    Notes
    -----
    The first-presented response is ``A`` for ``order == "AB"`` and ``B`` for
    ``"BA"`` (:func:`workbench.factors.picked_first`). Rows with NA ``order``
    (humans, unknown presentation) are ignored.

    References
    ----------
    Wang, P. et al. (2024). Large Language Models are not Fair Evaluators. ACL.
    arXiv:2305.17926. Zheng, L. et al. (2023). Judging LLM-as-a-Judge with
    MT-Bench and Chatbot Arena. arXiv:2306.05685.

    Examples
    --------
    Four items judged in both orders: consistent on items 1-2, first-shown
    picked twice on item 3, second-shown twice on item 4.

    >>> from workbench.schema import conform
    >>> games = [("1", "AB", "A"), ("1", "BA", "A"), ("2", "AB", "B"), ("2", "BA", "B"),
    ...          ("3", "AB", "A"), ("3", "BA", "B"), ("4", "AB", "B"), ("4", "BA", "A")]
    >>> df = conform(pd.DataFrame([dict(dataset="t", item_id=i, protocol="pairwise", criterion="overall",
    ...     rater="j", rater_kind="llm", order=o, label=lab) for i, o, lab in games]))
    >>> res = position_preference(df, rng=0).set_index("effect")
    >>> float(res.loc["swap consistency", "estimate"])  # 2 of 4 items
    0.5
    >>> float(res.loc["P(prefer first-presented | orders disagree)", "estimate"])  # item 3 of items 3, 4
    0.5
    """
    df = frame.prepare_table(df)
    check_option("unparsed", unparsed, ("drop", "as_verdict"))
    opts = resampling_options(n_resamples, confidence_level, rng)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference) if reference is not None else None
    ref_name = frame.reference_name(reference)
    probe = "position_preference"

    reasons = frame.unscorable_judges(df, judges, probe, ("pairwise",), _has_orders)
    scored = [j for j in judges if j not in reasons]
    pairwise = df[(df["protocol"].astype("object") == "pairwise").to_numpy()]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        return _position_frame(sub, scored, refs, ref_name, unparsed, opts)

    main = "P(prefer first-presented | decisive)"
    lacking = frame.lacking_rows(reasons, probe, main, None)
    out = frame.grouped(pairwise, by, one, lacking)
    return frame.finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )


def _has_orders(j: str, rows: pd.DataFrame) -> str | None:
    """Reason a judge cannot be scored: no row has a presentation order, else None."""
    if rows["order"].notna().any():
        return None
    return (
        "no presentation order: 'order' is NA on every pairwise row of this judge; "
        "position_preference needs rows with order AB or BA"
    )


def _position_frame(sub, scored, refs, ref_name, unparsed, opts) -> pd.DataFrame:
    """Result rows of every scored judge (rows with an order) within one ``by`` group."""
    records = []
    rows = frame.rater_rows(sub, scored)
    ref = frame.pairwise_reference(frame.rater_rows(sub, refs)) if refs is not None else None
    for j in scored:
        jr = rows[
            (rows["rater"].astype("object") == j).to_numpy() & rows["order"].notna().to_numpy()
        ]
        if jr.empty:
            continue
        records.extend(_position_one(j, jr, ref, ref_name, unparsed, opts))
    return frame.result_frame(records)


def _tie_breaks(jr: pd.DataFrame, opts: dict[str, Any]) -> tuple[pd.DataFrame, list[dict], str]:
    """Set aside a judge's items whose verdicts come from a tie-break rule.

    Returns the remaining rows, the record of the share set aside (none when there is
    nothing to set aside) and the note for every position effect of the judge.
    """
    basis = verdicts.verdict_basis(jr).to_numpy(dtype=object)
    units = jr["_unit"].to_numpy()
    notes = []
    if np.isin(basis, ("scores", *verdicts.TIE_BREAKS)).all():
        notes.append(
            "verdicts derived from two separately given scores: the two orders are not two "
            "presentations"
        )
    rule = np.isin(basis, verdicts.TIE_BREAKS)
    if not rule.any():
        return jr, [], "; ".join(notes)
    left_out = np.unique(units[rule])
    n_all = len(np.unique(units))
    n_tie = len(np.unique(units[basis == "score_tie"]))
    what = (
        f"{len(left_out)} of {n_all} items left out: a verdict set by the source's tie-break "
        f"rule ({n_tie} equal scores, {len(left_out) - n_tie} unparsable), not chosen by the judge"
    )
    notes.insert(0, what)
    share = wilson(len(left_out), n_all, opts, n_obs=len(jr), note=what)
    record = frame.result_record(
        str(jr["rater"].iloc[0]),
        "position_preference",
        "items with a tie-break verdict (left out)",
        share,
        None,
    )
    return jr[~np.isin(units, left_out)], [record], "; ".join(notes)


def _position_one(
    judge: str,
    jr: pd.DataFrame,
    ref: pd.DataFrame | None,
    ref_name: str | None,
    unparsed: str,
    opts: dict[str, Any],
) -> list[dict]:
    probe = "position_preference"
    all_rows = jr
    jr, set_aside, note = _tie_breaks(jr, opts)
    out = []
    first = factors.picked_first(jr)
    dec = first.notna().to_numpy()
    piv = _order_pivot(jr)
    both = (piv["has_AB"] & piv["has_BA"]).to_numpy()
    two_order = bool(both.any())
    est = proportion(first[dec].to_numpy(dtype=bool), jr["_cluster"].to_numpy()[dec], opts)
    if not dec.any():
        est.note = "no decisive (A or B) verdict"
    if two_order:
        ab, ba = piv["AB"].to_numpy(dtype=object)[both], piv["BA"].to_numpy(dtype=object)[both]
        ff = int(np.sum((ab == "A") & (ba == "B")))
        ss = int(np.sum((ab == "B") & (ba == "A")))
        sign = sign_test(
            ff, ff + ss, opts, "sign test (exact binomial) vs 0.5 on items whose orders disagree"
        )
        est.statistic, est.p_value, est.test = sign.statistic, sign.p_value, sign.test
        if ff + ss == 0 and dec.any():
            est.note = "no items whose two verdicts disagree: no test"
    out.append(frame.result_record(judge, probe, "P(prefer first-presented | decisive)", est, None))
    if not two_order:
        parsed = jr["label"].notna().to_numpy()
        allv = proportion(
            first.fillna(False).to_numpy(dtype=bool)[parsed],
            jr["_cluster"].to_numpy()[parsed],
            opts,
            null=None,
        )
        out.append(
            frame.result_record(judge, probe, "P(first-presented) among all verdicts", allv, None)
        )
    else:
        ab, ba = piv["AB"].to_numpy(dtype=object)[both], piv["BA"].to_numpy(dtype=object)[both]
        if unparsed == "drop":
            keep = pd.notna(ab) & pd.notna(ba)
            same = (ab == ba)[keep]
        else:
            abx = np.where(pd.isna(ab), "<unparsed>", ab)
            bax = np.where(pd.isna(ba), "<unparsed>", ba)
            same = abx == bax
        n, k = len(same), int(np.sum(same))
        why = "" if n else "no item with a parsed verdict in both orders"
        cons = wilson(k, n, opts, n_obs=2 * n, note=why)
        conf = replace(
            cons, estimate=1 - cons.estimate, ci_low=1 - cons.ci_high, ci_high=1 - cons.ci_low
        )
        out.append(frame.result_record(judge, probe, "swap consistency", cons, None))
        out.append(frame.result_record(judge, probe, "conflict rate", conf, None))
        ff = int(np.sum((ab == "A") & (ba == "B")))
        ss = int(np.sum((ab == "B") & (ba == "A")))
        sign = sign_test(ff, ff + ss, opts, "sign test (exact binomial) vs 0.5")
        if ff + ss == 0:
            sign.note = "no items whose two decisive verdicts disagree"
        out.append(
            frame.result_record(
                judge, probe, "P(prefer first-presented | orders disagree)", sign, None
            )
        )
    if note:
        for r in out:
            r["note"] = "; ".join(x for x in (note, r["note"]) if x)
    out = set_aside + out
    if ref is not None and two_order:
        out.extend(_resolution_agreement(judge, all_rows, ref, ref_name, opts))
    return out


def _resolution_agreement(
    judge: str, jr: pd.DataFrame, ref: pd.DataFrame, ref_name: str | None, opts: dict[str, Any]
) -> list[dict]:
    from ..schema import COLUMNS
    from ..verdicts import resolve_orders
    from ..vocab import RULES

    base = jr[[c for c in COLUMNS if c in jr.columns]]
    out = []
    ref_label = ref["ref_label"]
    for rule in RULES:
        res = resolve_orders(base, rule=rule)
        res = res.assign(
            _unit=frame.unit_key(res, frame.UNIT), _cluster=frame.unit_key(res, frame.CLUSTER)
        )
        lab = res["label"].astype("object").to_numpy(dtype=object)
        rl = ref_label.reindex(res["_unit"]).to_numpy(dtype=object)
        ok = pd.notna(lab) & pd.notna(rl)
        est = proportion(lab[ok] == rl[ok], res["_cluster"].to_numpy()[ok], opts, null=None)
        if not ok.any():
            est.note = "no item with both a resolved verdict and a reference label"
        out.append(
            frame.result_record(
                judge,
                "position_preference",
                f"agreement with reference (rule={rule})",
                est,
                ref_name,
            )
        )
    return out
