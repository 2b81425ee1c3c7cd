"""HANNA (notebook 04): LLM judges' and metrics' ratings against the mean human rating.

References
----------
Chhun, C. et al. (2022). Of Human Criteria and Automatic Metrics: A Benchmark of the
Evaluation of Story Generation. COLING.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from .. import plots, stats
from .._validate import check_option
from ._base import figure, load, number

__all__ = [
    "CORRELATIONS",
    "PAPER",
    "hanna_correlations",
    "metric_correlation",
    "rating_correlations",
]

PAPER = "Chhun et al. 2022 (HANNA, COLING)"

CORRELATIONS = {
    "pearson": stats.pearson,
    "spearman": stats.spearman,
    "kendall_tau": stats.kendall_tau,
}
"""Correlation name -> ``(x, y) -> float`` of :mod:`workbench.stats`."""


def rating_correlations(
    df: pd.DataFrame,
    *,
    statistic: Literal["pearson", "spearman", "kendall_tau"] = "kendall_tau",
    exclude_models: Iterable[str] = ("Human",),
    rater_kind: Literal["llm", "metric"] = "llm",
) -> pd.DataFrame:
    """Item-level correlation of each LLM judge's rating with the mean human rating, per criterion.

    HANNA's definition (Chhun et al. 2022, 2024): the human reference of a story
    is the mean of its three human ratings on the criterion; stories written by
    humans (``model == "Human"``) are left out, as in the paper's tables.
    Point estimates only: bootstrap CIs of rank correlations over 23 judges x 6
    criteria are slow (see :func:`workbench.agreement` for CIs on one slice).

    Parameters
    ----------
    df : DataFrame
        Tidy rating table with ``human:<id>`` and LLM raters (``hanna``).
    statistic : {"pearson", "spearman", "kendall_tau"}, default "kendall_tau"
    exclude_models : iterable of str, default ("Human",)
    rater_kind : {"llm", "metric"}, default "llm"
        Correlate the LLM judges, or the automatic metrics (HANNA's metrics are
        stored under criterion ``overall``; each is correlated with every criterion).

    Returns
    -------
    DataFrame
        ``criterion``, ``judge``, ``statistic``, ``estimate``, ``n_items``.

    Examples
    --------
    >>> rows = [dict(item_id=str(i), criterion="c", rater=r, rater_kind=k, score=v, model="m")
    ...         for i, vals in enumerate([(1, 3, 1), (2, 4, 3), (5, 5, 2)])
    ...         for r, k, v in zip(["human:1", "human:2", "J/p1"], ["human", "human", "llm"], vals)]
    >>> rating_correlations(pd.DataFrame(rows))["estimate"].round(4).tolist()  # means 2, 3, 5: (2 - 1) / 3
    [0.3333]
    """
    fn = CORRELATIONS[check_option("statistic", statistic, CORRELATIONS)]
    check_option("rater_kind", rater_kind, ("llm", "metric"))
    d = df[~df["model"].astype("object").isin(list(exclude_models))]
    records = []
    for criterion, g in d[d["rater_kind"] != "metric"].groupby("criterion", sort=True):
        human = g[g["rater_kind"] == "human"].groupby("item_id")["score"].mean().astype(float)
        if human.empty:
            continue
        judges = (
            g[g["rater_kind"] == "llm"] if rater_kind == "llm" else d[d["rater_kind"] == "metric"]
        )
        for judge, j in judges.groupby("rater", sort=True):
            s = j.set_index("item_id")["score"].astype(float).reindex(human.index)
            ok = s.notna().to_numpy()
            records.append(
                {
                    "criterion": criterion,
                    "judge": judge,
                    "statistic": statistic,
                    "estimate": fn(s.to_numpy()[ok], human.to_numpy()[ok]),
                    "n_items": int(ok.sum()),
                }
            )
    return pd.DataFrame.from_records(
        records, columns=["criterion", "judge", "statistic", "estimate", "n_items"]
    )


def metric_correlation(
    metric: str,
    criterion: str,
    statistic: Literal["pearson", "spearman", "kendall_tau"],
    *,
    level: Literal["story", "system"] = "story",
) -> float:
    """Correlation of one automatic metric with the mean human rating on ``criterion``.

    On the staged ``hanna`` table, the 10 non-human systems' stories only. ``level="story"``:
    over the 960 stories; ``"system"``: over the 10 per-system means of their 96 stories.
    """
    fn = CORRELATIONS[check_option("statistic", statistic, CORRELATIONS)]
    check_option("level", level, ("story", "system"))
    df = load("hanna")
    human = df[(df["rater_kind"] == "human") & (df["criterion"] == criterion)]
    mean = human.groupby("item_id")["score"].mean()
    model = human.groupby("item_id")["model"].first()
    m = df[df["rater"] == metric].set_index("item_id")["score"]
    keep = model[model != "Human"].index
    x = m.reindex(keep).astype(float)
    y = mean.reindex(keep).astype(float)
    if level == "system":
        x, y = x.groupby(model.reindex(keep)).mean(), y.groupby(model.reindex(keep)).mean()
    return fn(x.to_numpy(), y.to_numpy())


REPOSITORY_TABLE = "repository correlation table (BLEU, Relevance)"

number(
    PAPER,
    REPOSITORY_TABLE,
    "BLEU vs Relevance Pearson",
    0.11243,
    0.000005,
    lambda: metric_correlation("BLEU", "relevance", "pearson"),
    "story level, BLEU vs mean of the 3 human Relevance ratings, 10 non-human systems (n = 960)",
)
number(
    PAPER,
    REPOSITORY_TABLE,
    "BLEU vs Relevance Spearman",
    0.10409,
    0.000005,
    lambda: metric_correlation("BLEU", "relevance", "spearman"),
    "as Pearson, Spearman's rho",
)
number(
    PAPER,
    REPOSITORY_TABLE,
    "BLEU vs Relevance Kendall",
    0.07378,
    0.000005,
    lambda: metric_correlation("BLEU", "relevance", "kendall_tau"),
    "as Pearson, Kendall's tau-b",
)
number(
    PAPER,
    "repository rankings/system_kendall.csv (BLEU, Relevance)",
    "BLEU vs Relevance system-level Kendall",
    0.5556,
    0.00005,
    lambda: metric_correlation("BLEU", "relevance", "kendall_tau", level="system"),
    "Kendall's tau-b between the 10 non-human systems' mean BLEU and mean human Relevance",
)


@figure("hanna_correlations")
def hanna_correlations(n_resamples: int) -> go.Figure:
    """HANNA: Kendall's tau of each LLM judge x prompt with the mean human rating, per criterion."""
    t = rating_correlations(load("hanna"), statistic="kendall_tau")
    return plots.heatmap(
        t,
        x="criterion",
        y="judge",
        title="HANNA: Kendall's tau between LLM ratings and the mean human rating",
        colorbar_title="Kendall tau-b",
        zmin=-0.1,
        zmax=0.6,
        text_format=".2f",
    )
