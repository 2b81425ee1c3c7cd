"""Mitigations, before and after: do the published fixes for position bias change agreement
with people, and by how much?

A judge asked in both presentation orders can be de-biased by combining the two games:

``bpc``
    Balanced Position Calibration (Wang et al. 2024): average each response's score over
    the two orders where the source has scores (LLMBar's ``Rating*`` strategies record them
    in ``raw``, :func:`workbench.verdicts.verdict_basis`), else sum the votes (``A`` = +1,
    ``B`` = -1, ``tie`` = 0; :func:`workbench.verdicts.resolve_orders` ``vote_sum``).
``swap_and_tie``
    FastChat's rule: the two games agree -> that verdict, they differ -> ``tie``
    (``resolve_orders`` ``fastchat``).
``mec``
    Multiple Evidence Calibration (Wang et al. 2024): BPC over every sample of both orders
    (a table with ``sample``); without several samples it equals ``bpc`` and says so.

:func:`mitigation_effects` reports, per judge and mitigation, agreement with the reference
before (every game counts, the raw per-order verdicts) and after, and the paired
difference with its interval: items are resampled, the two numbers of an item together.

With a planted position bias (each game answers "the first-shown response" with
probability b, else the judge's own verdict, right with probability q) and a decisive
reference, agreement before is ``b/2 + (1 - b) q``; after swap-and-tie or vote-sum it is
``q (1 - b)`` (a biased game against an unbiased one becomes a tie), and among the
decisive verdicts it is exactly ``q``: the bias is gone from the verdicts that remain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import verdicts
from .._validate import check_options
from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, resampling_options, wald
from .registry import probe
from .samples import prepare_sampled, reference_labels

__all__ = ["MITIGATIONS", "mitigation_effects"]

MITIGATIONS: tuple[str, ...] = ("bpc", "swap_and_tie", "mec")
"""Mitigations of :func:`mitigation_effects` (module docstring)."""

_SIGN = {"A": 1.0, "B": -1.0, "tie": 0.0}


def _scores(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Scores of responses A and B recorded in ``raw`` (NaN where the verdict is not from scores)."""
    basis = verdicts.verdict_basis(rows).astype("object").to_numpy()
    raw = rows["raw"].astype("object").to_numpy() if "raw" in rows.columns else [None] * len(rows)
    s1, s2 = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    for k in np.flatnonzero(np.isin(basis, ["scores", "score_tie"])):
        obj = json.loads(raw[k])
        s1[k], s2[k] = float(obj["score_1"]), float(obj["score_2"])
    return s1, s2


def _games(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per game: unit, cluster, order, sample, sign of the label, the two scores."""
    s1, s2 = _scores(rows)
    return pd.DataFrame(
        {
            "unit": rows["_unit"].to_numpy(dtype=object),
            "cluster": rows["_cluster"].to_numpy(dtype=object),
            "order": rows["order"].astype("object").to_numpy(dtype=object),
            "sample": rows["sample"].to_numpy(dtype=np.int64),
            "sign": rows["label"]
            .astype("object")
            .map(_SIGN)
            .to_numpy(dtype=float, na_value=np.nan),
            "s1": s1,
            "s2": s2,
        }
    )


def _combine(g: pd.DataFrame) -> pd.Series:
    """BPC per unit: mean score difference when every parsed game has scores, else vote sum."""
    parsed = g[g["sign"].notna()]
    diff = (parsed["s1"] - parsed["s2"]).groupby(parsed["unit"]).agg(["mean", "count"])
    scored = parsed["s1"].notna().groupby(parsed["unit"]).all()
    votes = parsed["sign"].groupby(parsed["unit"]).sum()
    use = scored.reindex(votes.index).fillna(False).to_numpy(dtype=bool)
    value = np.where(use, diff["mean"].reindex(votes.index).to_numpy(), votes.to_numpy())
    return pd.Series(np.sign(value), index=votes.index)


def _after(games: pd.DataFrame, mitigation: str) -> tuple[pd.Series, str]:
    """The mitigated verdict sign per unit, and a note."""
    several = games.groupby(["unit", "order"])["sample"].nunique().max() > 1
    if mitigation == "mec":
        return _combine(games), "" if several else "one sample per game: MEC equals BPC here"
    if several:  # majority of samples within each order first
        per = games[games["sign"].notna()].groupby(["unit", "cluster", "order"])["sign"]
        maj = np.sign(per.sum()).rename("sign").reset_index()
        games = maj.assign(s1=np.nan, s2=np.nan, sample=0)
    if mitigation == "bpc":
        return _combine(games), ""
    parsed = games[games["sign"].notna()]
    agg = parsed.groupby("unit")["sign"].agg(["min", "max"])
    return pd.Series(np.where(agg["min"] == agg["max"], agg["min"], 0.0), index=agg.index), ""


def _contributions(
    games: pd.DataFrame, after: pd.Series, ref: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: [before hits, before games, after hit, after n, decisive before hits,
    decisive before games, decisive after hit, decisive after n], and its cluster."""
    r = ref.map(_SIGN).astype(float)
    g = games[games["sign"].notna()].copy()
    g["ref"] = r.reindex(g["unit"].to_numpy()).to_numpy()
    g = g[g["ref"].notna()]
    g["hit"] = (g["sign"] == g["ref"]).astype(float)
    g["dec"] = (g["sign"] != 0).astype(float)
    per = g.groupby("unit").agg(
        hit=("hit", "sum"), n=("hit", "size"), cluster=("cluster", "first"), ref=("ref", "first")
    )
    per["dhit"] = g["hit"].where(g["dec"] == 1, 0).groupby(g["unit"]).sum()
    per["dn"] = g["dec"].groupby(g["unit"]).sum()
    a = after.reindex(per.index)
    ok = a.notna().to_numpy()
    hit_a = (a.to_numpy() == per["ref"].to_numpy()) & ok
    dec_a = ok & (a.to_numpy() != 0)
    c = np.column_stack(
        [per["hit"], per["n"], hit_a, ok, per["dhit"], per["dn"], hit_a & dec_a, dec_a]
    ).astype(float)
    return c, per["cluster"].to_numpy(dtype=object)


_EFFECTS = {
    "agreement before (every game)": lambda s: s[..., 0] / s[..., 1],
    "agreement after": lambda s: s[..., 2] / s[..., 3],
    "change in agreement (after - before)": lambda s: s[..., 2] / s[..., 3] - s[..., 0] / s[..., 1],
    "agreement on decisive verdicts after": lambda s: s[..., 6] / s[..., 7],
    "change on decisive verdicts (after - before)": lambda s: (
        s[..., 6] / s[..., 7] - s[..., 4] / s[..., 5]
    ),
}


@probe(
    "mitigation_effects",
    protocols=("pairwise",),
    description="Agreement with the reference before and after Balanced Position Calibration, swap-and-tie and MEC, with paired CIs.",
)
def mitigation_effects(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    mitigations: Sequence[str] = ("bpc", "swap_and_tie"),
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Agreement with the reference before and after each position-bias mitigation, paired.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments; judges need both presentation orders (``order``).
    judge, reference, by
        See :mod:`workbench.probes` (LLMBar: ``reference="gold"``).
    mitigations : sequence of {"bpc", "swap_and_tie", "mec"}, default ("bpc", "swap_and_tie")
        See the module docstring.
    n_resamples, confidence_level, rng
        Cluster-bootstrap settings (BCa; items resampled, before and after together).

    Returns
    -------
    DataFrame
        :data:`~workbench.probes.RESULT_COLUMNS` and ``mitigation``; effects per judge and
        mitigation (agreement = share of verdicts equal to the reference's plurality label;
        a ``tie`` never equals a decisive reference):

        ``agreement before (every game)``, ``agreement after``,
        ``change in agreement (after - before)`` (Wald z vs 0 with the bootstrap SE),
        ``agreement on decisive verdicts after`` and
        ``change on decisive verdicts (after - before)`` (ties left out on both sides).

    References
    ----------
    Wang, P. et al. (2024). Large Language Models are not Fair Evaluators. ACL.
    arXiv:2305.17926. Zheng, L. et al. (2023). Judging LLM-as-a-Judge with MT-Bench and
    Chatbot Arena. arXiv:2306.05685.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(pairwise={"gold": "AAB", "j": ("AAB", "BAB")}, kinds={"gold": "gold"})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = mitigation_effects(t, reference="gold", mitigations=["swap_and_tie"])
    >>> out.set_index("effect")["estimate"].round(4).tolist()[:3]  # 5/6 games; item 0 -> tie
    [0.8333, 0.6667, -0.1667]
    """
    mitigations = check_options("mitigations", mitigations, MITIGATIONS)
    df = prepare_sampled(df)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    opts = resampling_options(n_resamples, confidence_level, rng)
    name = frame.reference_name(reference)

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        ref = reference_labels(frame.rater_rows(sub, refs))
        records = []
        for j in judges:
            rows = frame.rater_rows(sub, [j])
            rows = rows[rows["order"].notna().to_numpy()]
            if rows.empty:
                continue
            games = _games(rows)
            for m in mitigations:
                after, note = _after(games, m)
                c, clusters = _contributions(games, after, ref)
                for effect, fn in _EFFECTS.items():
                    if not len(c):
                        est = empty_est(note="no game on an item the reference labelled")
                    else:
                        with np.errstate(divide="ignore", invalid="ignore"):
                            e, lo, hi, se, k = cluster_boot(c, clusters, fn, opts)
                        z, p, test = np.nan, np.nan, ""
                        if effect.startswith("change"):
                            z, p = wald(e, se, 0.0)
                            test = "Wald z vs 0 (paired cluster-bootstrap SE)"
                        est = Est(e, lo, hi, z, p, k, len(c), test, note)
                    records.append(
                        frame.result_record(
                            j, "mitigation_effects", effect, est, name, mitigation=m
                        )
                    )
        return frame.result_frame(records, extra=["mitigation"])

    lacking = frame.lacking_rows(
        frame.unscorable_judges(df, judges, "mitigation_effects", ("pairwise",), _needs_orders),
        "mitigation_effects",
        "change in agreement (after - before)",
        name,
        extra=["mitigation"],
    )
    out = frame.grouped(df, by, one, lacking)
    return frame.finish(
        out,
        "mitigation_effects",
        judge=judge,
        reference=reference,
        unscorable=list(lacking["judge"]),
        judges=judges,
        effect="change in agreement (after - before)",
    )


def _needs_orders(judge: str, rows: pd.DataFrame) -> str | None:
    if rows["order"].notna().any():
        return None
    return "no presentation order on this judge's rows: nothing to mitigate"
