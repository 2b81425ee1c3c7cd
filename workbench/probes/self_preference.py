"""Self-preference probe: win-rate shift of the judge's own model family relative to people
(Panickssery et al. 2024), on pairwise and binary judgments.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import factors
from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, resampling_options, wald
from .registry import probe


@probe(
    "self_preference",
    protocols=("pairwise", "binary"),
    description="Win-rate shift of the judge's own model family relative to people (Panickssery et al. 2024).",
)
def self_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Self-preference: does a judge favour its own model family more than people do?

    Families come from :func:`workbench.factors.model_family` (documented
    table :data:`workbench.factors.FAMILIES`: ``gpt-4*`` / ``gpt-3.5*`` ->
    ``openai``, ``claude*`` -> ``anthropic`` ...), applied to the judge's name
    and to the answering models.

    Pairwise (``model_a`` / ``model_b``): battles where exactly one model is of
    the judge's family. Own-family win score per verdict: 1 if the own-family
    response is picked, 0.5 for a tie, 0 otherwise; averaged over the judge's
    verdicts (orders) and over the reference votes of the battle. Effects:

    ``own-family win rate (judge)``, ``own-family win rate (reference)``
        Means over the battles where both have a verdict. Cluster-bootstrap CI.
    ``win-rate shift (judge - reference)``
        Their difference, paired cluster-bootstrap CI and Wald z test vs 0
        with the bootstrap SE (a sign test would test the median battle
        difference, which disagrees with the mean when several human votes
        give fractional scores, as in LLMFAO).
    ``win-rate shift, position-balanced``
        The shift computed separately on battles where the own-family model is
        ``A`` and where it is ``B``, then averaged. This removes the part of the
        plain shift caused by the own-family model sitting more often on the
        side a position-biased judge favours; it does not remove the pull
        toward 0.5 of a judge whose verdicts hardly depend on content (Arena
        GPT-3.5-turbo). Wald test (bootstrap SE).

    Binary (``model`` = exam-taker, Judging the Judges): rows whose exam-taker
    is of the judge's family vs the other rows. Effects ``acceptance shift on
    own family`` = P(judge says correct) - P(reference says correct) on
    own-family rows, ``acceptance shift on other families`` the same on the
    others, and ``self-preference (own - other shift)``, their difference
    (separating self-preference from overall leniency); Wald tests with
    cluster-bootstrap SEs.

    A judge whose family is unknown, whose rows carry no answering models, or none of
    whose items has a response of its family gets one NaN row saying so (module docstring).

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise or binary judgments with model columns.
    judge, reference, by
        See the module docstring.
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``family``.

    References
    ----------
    Panickssery, A., Bowman, S. R., Feng, S. (2024). LLM Evaluators Recognize
    and Favor Their Own Generations. NeurIPS. arXiv:2404.13076. Zheng, L. et
    al. (2023), arXiv:2306.05685, section 3.3 (self-enhancement bias).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> votes = [("1", "gpt-4", "vicuna-13b", "A", "A"), ("2", "vicuna-13b", "gpt-4", "B", "A"),
    ...          ("3", "gpt-4", "koala-13b", "tie", "B")]
    >>> rows = [dict(dataset="t", item_id=i, protocol="pairwise", criterion="overall", rater=r,
    ...              rater_kind=k, model_a=a, model_b=b, label=lab)
    ...         for i, a, b, jl, hl in votes for r, k, lab in [("gpt-4-0613", "llm", jl), ("human", "human", hl)]]
    >>> res = self_preference(conform(pd.DataFrame(rows)), reference="human", rng=0).set_index("effect")
    >>> round(float(res.loc["win-rate shift (judge - reference)", "estimate"]), 4)  # (1 + 1 + .5)/3 - (1 + 0 + 0)/3
    0.5
    """
    df = frame.prepare_table(df)
    opts = resampling_options(n_resamples, confidence_level, rng)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    ref_name = frame.reference_name(reference)
    probe = "self_preference"
    family = dict(zip(judges, factors.model_family(judges).tolist(), strict=True))
    binary: dict[str, bool] = {}

    def own_family(j: str, rows: pd.DataFrame) -> str | None:
        return _family_reason(j, family[j], rows, binary)

    reasons = frame.unscorable_judges(df, judges, probe, ("pairwise", "binary"), own_family)
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        return _family_frame(sub, scored, refs, family, binary, ref_name, opts)

    def main_effect(j: str) -> str:
        if binary.get(j):
            return "self-preference (own - other shift)"
        return "win-rate shift (judge - reference)"

    lacking = frame.lacking_rows(reasons, probe, main_effect, ref_name, ["family"])
    lacking["family"] = pd.Series([family[j] for j in reasons], dtype="string")
    out = frame.grouped(df, by, one, lacking)
    return frame.finish(
        out,
        probe,
        judge=judge,
        reference=reference,
        unscorable=reasons,
        judges=judges,
        effect=main_effect,
    )


def _family_reason(j: str, fam, rows: pd.DataFrame, binary: dict[str, bool]) -> str | None:
    """Why judge ``j`` (family ``fam``) cannot be scored, else None; records in ``binary``
    whether its rows are binary."""
    if pd.isna(fam):
        return (
            f"the judge's model family is unknown: no pattern of "
            f"workbench.factors.FAMILIES matches {j!r}"
        )
    binary[j] = bool((rows["protocol"].astype("object") == "binary").any())
    cols = ["model"] if binary[j] else ["model_a", "model_b"]
    absent = [c for c in cols if c not in rows.columns or not rows[c].notna().any()]
    if absent:
        return (
            f"no model columns: {', '.join(absent)} absent or NA on every row of this "
            f"judge (self_preference needs the models that wrote the responses)"
        )
    answering = factors.model_family(pd.concat([rows[c] for c in cols])).dropna()
    if fam not in set(answering):
        return f"no response on this judge's items comes from its own family {fam!r}"
    return None


def _family_frame(sub, scored, refs, family, binary, ref_name, opts) -> pd.DataFrame:
    """Result rows of every scored judge within one ``by`` group (binary or pairwise path)."""
    records = []
    rows = frame.rater_rows(sub, scored)
    rrows = frame.rater_rows(sub, refs)
    for j in scored:
        jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
        if jr.empty:
            continue
        if binary[j]:
            jr = jr[(jr["protocol"].astype("object") == "binary").to_numpy()]
            records.extend(_self_binary(j, family[j], jr, rrows, ref_name, opts))
        else:
            jr = jr[(jr["protocol"].astype("object") == "pairwise").to_numpy()]
            records.extend(_self_pairwise(j, family[j], jr, rrows, ref_name, opts))
    return frame.result_frame(records, extra=["family"])


def _own_scores(rows: pd.DataFrame, fam: str) -> pd.DataFrame:
    fa = factors.model_family(rows["model_a"]).fillna("").to_numpy(dtype=object)
    fb = factors.model_family(rows["model_b"]).fillna("").to_numpy(dtype=object)
    own_a, own_b = fa == fam, fb == fam
    one = own_a ^ own_b
    lab = rows["label"].astype("object").to_numpy(dtype=object)
    own = np.where(own_a, "A", "B")
    score = np.where(lab == own, 1.0, np.where(lab == "tie", 0.5, 0.0))
    ok = one & np.isin(lab, ["A", "B", "tie"])
    return pd.DataFrame(
        {
            "_unit": rows["_unit"].to_numpy()[ok],
            "_cluster": rows["_cluster"].to_numpy()[ok],
            "own_a": own_a[ok],
            "s": score[ok],
        }
    )


def _self_pairwise(judge, fam, jr, rrows, ref_name, opts) -> list[dict]:
    probe = "self_preference"
    js = _own_scores(jr, fam).groupby(["_unit", "_cluster", "own_a"])["s"].mean()
    hs = _own_scores(rrows, fam).groupby(["_unit", "_cluster", "own_a"])["s"].mean()
    both = js.index.intersection(hs.index)
    if len(both) == 0:
        why = (
            "no battle between the judge's family and another family that both the judge "
            "and the reference judged"
        )
        est = empty_est(note=why)
        return [
            frame.result_record(
                judge, probe, "win-rate shift (judge - reference)", est, ref_name, family=fam
            )
        ]
    j, h = js.reindex(both).to_numpy(), hs.reindex(both).to_numpy()
    clusters = both.get_level_values("_cluster").to_numpy()
    contrib = np.column_stack([j, h, np.ones(len(j))])
    out = []
    for eff, fn in (
        ("own-family win rate (judge)", lambda s: s[..., 0] / s[..., 2]),
        ("own-family win rate (reference)", lambda s: s[..., 1] / s[..., 2]),
    ):
        est, lo, hi, _, m = cluster_boot(contrib, clusters, fn, opts)
        out.append(
            frame.result_record(
                judge,
                probe,
                eff,
                Est(est, lo, hi, np.nan, np.nan, m, len(j), ""),
                ref_name,
                family=fam,
            )
        )
    est, lo, hi, se, m = cluster_boot(
        contrib, clusters, lambda s: (s[..., 0] - s[..., 1]) / s[..., 2], opts
    )
    z, p = wald(est, se, 0.0)
    out.append(
        frame.result_record(
            judge,
            probe,
            "win-rate shift (judge - reference)",
            Est(est, lo, hi, z, p, m, len(j), "Wald z vs 0 (cluster-bootstrap SE)"),
            ref_name,
            family=fam,
        )
    )
    oa = both.get_level_values("own_a").to_numpy(dtype=bool).astype(float)
    if not 0 < oa.sum() < len(oa):
        side = "A" if oa.sum() else "B"
        why = f"the own-family response is always {side}: no position balance possible"
        est = empty_est("Wald z vs 0 (cluster-bootstrap SE)", note=why)
        out.append(
            frame.result_record(
                judge, probe, "win-rate shift, position-balanced", est, ref_name, family=fam
            )
        )
    else:
        ob = 1 - oa
        c2 = np.column_stack([j * oa, h * oa, oa, j * ob, h * ob, ob])
        est, lo, hi, se, m = cluster_boot(
            c2,
            clusters,
            lambda s: (
                ((s[..., 0] - s[..., 1]) / s[..., 2] + (s[..., 3] - s[..., 4]) / s[..., 5]) / 2
            ),
            opts,
        )
        z, p = wald(est, se, 0.0)
        out.append(
            frame.result_record(
                judge,
                probe,
                "win-rate shift, position-balanced",
                Est(est, lo, hi, z, p, m, len(j), "Wald z vs 0 (cluster-bootstrap SE)"),
                ref_name,
                family=fam,
            )
        )
    return out


def _self_binary(judge, fam, jr, rrows, ref_name, opts) -> list[dict]:
    probe = "self_preference"

    def scores(rows: pd.DataFrame) -> pd.Series:
        lab = rows["label"].astype("object")
        ok = lab.isin(["correct", "incorrect"]).to_numpy()
        r = rows[ok]
        return (
            pd.Series(
                (lab[ok] == "correct").to_numpy(dtype=float),
                index=pd.MultiIndex.from_arrays(
                    [r["_unit"].to_numpy(), r["_cluster"].to_numpy()], names=["_unit", "_cluster"]
                ),
            )
            .groupby(level=[0, 1])
            .mean()
        )

    js, hs = scores(jr), scores(rrows)
    both = js.index.intersection(hs.index)
    models = (
        jr.drop_duplicates("_unit")
        .set_index("_unit")["model"]
        .reindex(both.get_level_values("_unit"))
    )
    own = factors.model_family(models).fillna("").to_numpy(dtype=object) == fam
    if not own.any() or own.all():
        if len(both) == 0:
            why = "no answer that both the judge and the reference labelled"
        else:
            which = "of the judge's family" if own.all() else "of another family"
            why = f"every answer both labelled is {which}: nothing to compare it with"
        est = empty_est(note=why)
        effect = "self-preference (own - other shift)"
        return [frame.result_record(judge, probe, effect, est, ref_name, family=fam)]
    j, h = js.reindex(both).to_numpy(), hs.reindex(both).to_numpy()
    clusters = both.get_level_values("_cluster").to_numpy()
    o = own.astype(float)
    contrib = np.column_stack([j * o, h * o, o, j * (1 - o), h * (1 - o), 1 - o])
    out = []
    for eff, fn in (
        ("acceptance shift on own family", lambda s: (s[..., 0] - s[..., 1]) / s[..., 2]),
        ("acceptance shift on other families", lambda s: (s[..., 3] - s[..., 4]) / s[..., 5]),
        (
            "self-preference (own - other shift)",
            lambda s: (s[..., 0] - s[..., 1]) / s[..., 2] - (s[..., 3] - s[..., 4]) / s[..., 5],
        ),
    ):
        est, lo, hi, se, m = cluster_boot(contrib, clusters, fn, opts)
        z, p = wald(est, se, 0.0)
        out.append(
            frame.result_record(
                judge,
                probe,
                eff,
                Est(est, lo, hi, z, p, m, len(j), "Wald z vs 0 (cluster-bootstrap SE)"),
                ref_name,
                family=fam,
            )
        )
    return out
