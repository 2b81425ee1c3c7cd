"""Length and style probes on pairwise picks: does the judge pick the longer (or more
formatted) response more often than people do on the same items (Zheng et al. 2023)?
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import factors
from .._validate import check_option
from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, proportion, resampling_options, wald
from .registry import probe


def _pair_table(
    df: pd.DataFrame, judges: list[str], refs: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Judge rows and the per-unit reference summary (``df`` already holds the factors)."""
    return frame.rater_rows(df, judges), frame.pairwise_reference(frame.rater_rows(df, refs))


def with_texts(
    df: pd.DataFrame, judges: Sequence[str], probe: str, columns: Sequence[str], arg: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The pairwise rows of ``df`` with item factors, and the judges without any factor value.

    ``columns`` are the factor columns the probe reads (``words_diff`` ...): a judge none
    of whose items has a value in one of them (no response texts) cannot be scored.
    """
    pairwise = df[(df["protocol"].astype("object") == "pairwise").to_numpy()]
    with_f = pairwise if "words_diff" in pairwise.columns else factors.add_factors(pairwise)
    unknown = [c for c in columns if c not in with_f.columns]
    if unknown:
        raise ValueError(
            f"{arg}: no item factor column(s) {unknown}; see workbench.factors.item_factors"
        )

    def has_texts(j: str, rows: pd.DataFrame) -> str | None:
        mine = with_f[(with_f["rater"].astype("object") == j).to_numpy()]
        empty = [c for c in columns if not mine[c].notna().any()]
        if not empty:
            return None
        return (
            f"no response texts: {', '.join(empty)} is NA on every item of this judge "
            f"({probe} needs response_a and response_b)"
        )

    return with_f, frame.unscorable_judges(df, judges, probe, ("pairwise",), has_texts)


def _more_of(
    judge: str,
    jr: pd.DataFrame,
    ref_rows: pd.DataFrame,
    diff_col: str,
    what: str,
    probe: str,
    ref_name: str | None,
    opts: dict[str, Any],
) -> list[dict]:
    """Judge vs reference rate of picking the response with more of ``diff_col``."""
    jp = factors.picked_side(jr["label"].astype("object"), jr[diff_col], jr.index)
    rp = factors.picked_side(ref_rows["label"].astype("object"), ref_rows[diff_col], ref_rows.index)
    jd = pd.DataFrame(
        {"_unit": jr["_unit"].to_numpy(), "_cluster": jr["_cluster"].to_numpy(), "p": jp.to_numpy()}
    )
    rd = pd.DataFrame({"_unit": ref_rows["_unit"].to_numpy(), "p": rp.to_numpy()})
    jd = jd[jd["p"].notna()]
    rd = rd[rd["p"].notna()]
    common = np.intersect1d(jd["_unit"].unique(), rd["_unit"].unique())
    jd = jd[jd["_unit"].isin(common)]
    rd = rd[rd["_unit"].isin(common)]
    out = []
    if len(common) == 0:
        why = (
            "no items where the judge and the reference both gave a decisive verdict on "
            f"responses that differ in {diff_col}"
        )
        for eff in (
            f"P(judge picks {what})",
            f"P(reference picks {what})",
            "judge minus reference",
        ):
            out.append(
                frame.result_record(
                    judge, probe, eff, empty_est(note=why), ref_name, feature=diff_col
                )
            )
        return out
    ej = proportion(jd["p"].to_numpy(dtype=bool), jd["_cluster"].to_numpy(), opts)
    cluster_of = dict(zip(jd["_unit"], jd["_cluster"], strict=False))
    er = proportion(rd["p"].to_numpy(dtype=bool), rd["_unit"].map(cluster_of).to_numpy(), opts)
    out.append(
        frame.result_record(judge, probe, f"P(judge picks {what})", ej, ref_name, feature=diff_col)
    )
    out.append(
        frame.result_record(
            judge, probe, f"P(reference picks {what})", er, ref_name, feature=diff_col
        )
    )
    # paired difference of the two rates (ratio of sums), items resampled together
    jn = jd.groupby("_unit")["p"].agg(["sum", "count"])
    rn = rd.groupby("_unit")["p"].agg(["sum", "count"])
    units = jn.index
    contrib = np.column_stack(
        [jn["sum"], jn["count"], rn["sum"].reindex(units), rn["count"].reindex(units)]
    ).astype(float)
    clusters = units.map(cluster_of).to_numpy()
    est, lo, hi, se, m = cluster_boot(
        contrib, clusters, lambda s: s[..., 0] / s[..., 1] - s[..., 2] / s[..., 3], opts
    )
    z, p = wald(est, se, 0.0)
    out.append(
        frame.result_record(
            judge,
            probe,
            "judge minus reference",
            Est(
                est,
                lo,
                hi,
                z,
                p,
                m,
                int(contrib[:, 1].sum() + contrib[:, 3].sum()),
                "Wald z vs 0 (cluster-bootstrap SE)",
            ),
            ref_name,
            feature=diff_col,
        )
    )
    return out


@probe(
    "length_preference",
    protocols=("pairwise",),
    description="P(judge picks the longer response) vs people's on the same items (Zheng et al. 2023).",
)
def length_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    unit: Literal["words", "chars"] = "words",
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Length (verbosity) preference: does the judge pick the longer response more often than people?

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with ``response_a`` / ``response_b`` (factors are
        added with :func:`workbench.factors.add_factors` when absent).
    judge, reference, by
        See the module docstring.
    unit : {"words", "chars"}, default "words"
        Length measure (:mod:`workbench.factors`).
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``feature``; effects, all on the same items
        (items of unequal length where the judge and the reference each gave at
        least one decisive ``A``/``B`` verdict):

        ``P(judge picks longer)``, ``P(reference picks longer)``
            Share of decisive verdicts picking the longer response, tested
            against 0.5.
        ``judge minus reference``
            Their difference; paired cluster-bootstrap CI, Wald test vs 0.
        ``P(judge picks longer | reference picked shorter)``
            Judge verdicts on items whose reference plurality label is the
            shorter response (where the two disagree by construction whenever
            the judge picks the longer one). No test.

    See Also
    --------
    length_regression : the same question adjusted for the human label and position.

    References
    ----------
    Zheng, L. et al. (2023), arXiv:2306.05685, section 3.3 (verbosity bias).
    Dubois, Y. et al. (2024). Length-Controlled AlpacaEval. arXiv:2404.04475.
    Wu, M., Aji, A. F. (2023). Style Over Substance: Evaluation Biases for
    Large Language Models. arXiv:2307.03025.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, order=o, label=lab,
    ...              response_a="a b c", response_b="d")  # A is longer everywhere
    ...         for i, (jl, hl) in enumerate([("A", "A"), ("A", "B"), ("A", "B"), ("B", "B")])
    ...         for r, k, o, lab in [("j", "llm", "AB", jl), ("human", "human", None, hl)]]
    >>> res = length_preference(conform(pd.DataFrame(rows)), reference="human", rng=0)
    >>> res.set_index("effect")["estimate"].round(2).to_dict()  # judge 3/4, human 1/4
    {'P(judge picks longer)': 0.75, 'P(reference picks longer)': 0.25, 'judge minus reference': 0.5, 'P(judge picks longer | reference picked shorter)': 0.67}
    """
    df = frame.prepare_table(df)
    check_option("unit", unit, ("words", "chars"))
    opts = resampling_options(n_resamples, confidence_level, rng)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    ref_name = frame.reference_name(reference)
    diff_col = f"{unit}_diff"
    probe = "length_preference"
    with_f, reasons = with_texts(df, judges, probe, [diff_col], "unit")
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows, ref = _pair_table(sub, scored, refs)
        ref_rows = frame.rater_rows(sub, refs)
        records = []
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            records.extend(
                _more_of(j, jr, ref_rows, diff_col, "longer", "length_preference", ref_name, opts)
            )
            # judge's picks where the reference plurality picked the shorter response
            rl = ref["ref_label"].reindex(jr["_unit"]).to_numpy(dtype=object)
            d = pd.to_numeric(jr[diff_col]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            ref_shorter = ((rl == "A") & (d < 0)) | ((rl == "B") & (d > 0))
            jp = factors.picked_side(jr["label"].astype("object"), jr[diff_col], jr.index)
            m = ref_shorter & jp.notna().to_numpy()
            est = proportion(
                jp.to_numpy()[m].astype(bool), jr["_cluster"].to_numpy()[m], opts, null=None
            )
            if not m.any():
                est.note = "no items where the reference's plurality label is the shorter response"
            records.append(
                frame.result_record(
                    j,
                    "length_preference",
                    "P(judge picks longer | reference picked shorter)",
                    est,
                    ref_name,
                    feature=diff_col,
                )
            )
        return frame.result_frame(records, extra=["feature"])

    main = "judge minus reference"
    lacking = frame.lacking_rows(reasons, probe, main, ref_name, ["feature"])
    out = frame.grouped(with_f, by, one, lacking)
    return frame.finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )


STYLE_FEATURES = ("list_items", "headings", "bold", "code_blocks", "links", "refusal")
"""Features of :func:`style_preference` (definitions in :mod:`workbench.factors`)."""


@probe(
    "style_preference",
    protocols=("pairwise",),
    description="Preference for markdown lists/headings/bold, code, links, refusals: judge vs people.",
)
def style_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    features: Sequence[str] = STYLE_FEATURES,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Style preference: markdown lists / headings / bold, code, links and refusals, judge vs people.

    For each feature, on items whose two responses differ in it (``<feature>_diff
    != 0``), the share of decisive verdicts picking the response with *more* of
    it (for ``refusal``: the refusing response), for the judge and the
    reference on the same items, and their difference - exactly as
    :func:`length_preference` does for length.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with response texts.
    judge, reference, by
        See the module docstring.
    features : sequence of str
        Any of :data:`STYLE_FEATURES` (or any ``<name>`` with a
        ``<name>_diff`` column from :func:`workbench.factors.item_factors`).
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``feature``; per feature the effects
        ``P(judge picks more <feature>)``, ``P(reference picks more
        <feature>)`` (tests vs 0.5) and ``judge minus reference`` (Wald test vs 0).

    See Also
    --------
    style_regression : the features as covariates of the judge's pick.

    References
    ----------
    Wu, M., Aji, A. F. (2023). Style Over Substance: Evaluation Biases for
    Large Language Models. arXiv:2307.03025. Li, J. et al. (2024). Dissecting
    Human and LLM Preferences. ACL. arXiv:2402.11296.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, label=lab, response_a="- x\\n- y", response_b="x y")
    ...         for i, (jl, hl) in enumerate([("A", "A"), ("A", "B")])
    ...         for r, k, lab in [("j", "llm", jl), ("human", "human", hl)]]
    >>> res = style_preference(conform(pd.DataFrame(rows)), reference="human", features=["list_items"], rng=0)
    >>> res.set_index("effect")["estimate"].to_dict()  # judge 2/2, human 1/2
    {'P(judge picks more list_items)': 1.0, 'P(reference picks more list_items)': 0.5, 'judge minus reference': 0.5}
    """
    df = frame.prepare_table(df)
    opts = resampling_options(n_resamples, confidence_level, rng)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    ref_name = frame.reference_name(reference)
    probe = "style_preference"
    features = [features] if isinstance(features, str) else list(features)
    with_f, reasons = with_texts(df, judges, probe, [f"{f}_diff" for f in features], "features")
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows = frame.rater_rows(sub, scored)
        ref_rows = frame.rater_rows(sub, refs)
        records = []
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            for f in features:
                records.extend(
                    _more_of(
                        j,
                        jr,
                        ref_rows,
                        f"{f}_diff",
                        f"more {f}",
                        "style_preference",
                        ref_name,
                        opts,
                    )
                )
        return frame.result_frame(records, extra=["feature"])

    main = "judge minus reference"
    lacking = frame.lacking_rows(reasons, probe, main, ref_name, ["feature"])
    out = frame.grouped(with_f, by, one, lacking)
    return frame.finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )
