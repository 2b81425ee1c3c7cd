"""Judging the Judges (notebook 02): which LLM judges agree best with the human label.

References
----------
Thakur, A. S. et al. (2024). Judging the Judges: Evaluating Alignment and Vulnerabilities
in LLMs-as-Judges. arXiv:2406.12624.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import plots, stats
from ._base import agreement, figure, load, number

__all__ = ["PAPER", "jtj_kappa", "jtj_percent_vs_kappa", "judge_kappas", "v1"]

PAPER = "Thakur et al. 2024 (Judging the Judges)"


def v1() -> pd.DataFrame:
    """The ``V1`` rows of the staged ``judging_the_judges`` table (the paper's release)."""
    df = load("judging_the_judges")
    return df[df["subset"] == "V1"]


def judge_kappas() -> dict[str, float]:
    """Cohen's kappa of each LLM judge with the human label on V1, unparsable verdicts dropped."""
    v = v1()
    w = v.pivot_table(
        index="item_id", columns="rater", values="label", aggfunc="first", observed=True
    ).astype("object")
    judges = v.loc[v["rater_kind"] == "llm", "rater"].unique()
    return {j: stats.cohen_kappa(*w[["human", j]].dropna().to_numpy().T) for j in judges}


def _top2_count() -> float:
    kappa = judge_kappas()
    top2 = sorted(kappa, key=kappa.get, reverse=True)[:2]
    return float(len({"Llama3-70B", "GPT-4"} & set(top2)))


number(
    PAPER,
    "headline (§4, Cohen's kappa)",
    "Llama3-70B and GPT-4 Turbo are the top-2 judges by kappa (count of 2)",
    2,
    0,
    _top2_count,
    "V1 file: Cohen's kappa of each LLM judge vs the human label, unparsable dropped; "
    "how many of the two are the top 2",
)


@figure("jtj_kappa")
def jtj_kappa(n_resamples: int) -> go.Figure:
    """Judging the Judges V1: Cohen's kappa per judge with CIs (Thakur et al. 2024)."""
    t = agreement(v1(), n_resamples, reference="human", statistics=["cohen_kappa"])
    return plots.agreement_plot(
        t,
        statistic="cohen_kappa",
        title="Judging the Judges (V1): Cohen's kappa with the human label (95% CI)",
        x_title="Cohen's kappa [-1, 1]",
    )


@figure("jtj_percent_vs_kappa")
def jtj_percent_vs_kappa(n_resamples: int) -> go.Figure:
    """Percent agreement vs kappa per judge: high agreement can hide low kappa."""
    t = agreement(
        v1(), n_resamples, reference="human", statistics=["percent_agreement", "cohen_kappa"]
    )
    w = t.pivot_table(index="judge", columns="statistic", values="estimate").reset_index()
    w["percent_agreement"] *= 100
    return plots.tradeoff_scatter(
        w,
        x="percent_agreement",
        y="cohen_kappa",
        label="judge",
        title="Judging the Judges (V1): percent agreement vs Cohen's kappa",
        x_title="percent agreement with the human label (%)",
        y_title="Cohen's kappa [-1, 1]",
        annotate=list(w["judge"]),
    )
