"""LLMBar (notebook 01): accuracy and positional agreement of LLM judges against a gold label.

Definitions of Zeng et al. (2024), §4: "Acc." averages the two presentation orders,
"Agr." is positional agreement (:func:`llmbar_scores`). The published numbers are the §4
results for GPT-4 and ChatGPT and the processed-subset accuracies of the repository's
``statistics.json`` (registered by :func:`register_processed_subsets`).

References
----------
Zeng, Z. et al. (2024). Evaluating Large Language Models at Evaluating Instruction
Following. ICLR. arXiv:2310.07641.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import plots
from .._validate import check_option
from ._base import agreement, figure, load, number

__all__ = [
    "ADVERSARIAL",
    "PAPER",
    "adversarial_accuracy",
    "llmbar_heatmap",
    "llmbar_scores",
    "llmbar_subsets",
    "register_processed_subsets",
    "score",
]

PAPER = "Zeng et al. 2024 (LLMBar, ICLR)"

ADVERSARIAL = [
    "Adversarial/GPTInst",
    "Adversarial/GPTOut",
    "Adversarial/Manual",
    "Adversarial/Neighbor",
]
"""LLMBar's four adversarial subsets."""

UNPARSABLE: tuple[str, ...] = ("strict", "authors")
"""Readings of two unparsable verdicts in :func:`llmbar_scores`."""


def llmbar_scores(
    df: pd.DataFrame, *, unparsable: Literal["strict", "authors"] = "strict"
) -> pd.DataFrame:
    """LLMBar accuracy and positional agreement per (subset, judge, strategy), in %.

    Parameters
    ----------
    df : DataFrame
        The tidy ``llmbar`` table (``gold`` rows plus judges with ``order`` AB/BA).
    unparsable : {"strict", "authors"}, default "strict"
        How two unparsable verdicts (label NA in both orders) count for
        positional agreement: ``"strict"`` as disagreeing; ``"authors"`` as
        agreeing, as LLMBar's ``evaluate.py`` does (``None == None``).

    Returns
    -------
    DataFrame
        Columns ``subset``, ``judge``, ``strategy``, ``rater``, ``accuracy``
        (mean over both orders of ``label == gold``; an unparsable verdict
        counts as wrong), ``agreement`` (share of items whose two orders give
        the same verdict), ``n_items``.

    Notes
    -----
    Definitions of Zeng et al. (2024), §4: "Acc." averages the two
    presentation orders; "Agr." is positional agreement. Reproduces GPT-4
    Vanilla Natural 93.5 / 97.0 and ChatGPT Vanilla Natural 79.0 / 68.0.

    Examples
    --------
    >>> rows = [dict(dataset="t", subset="s", item_id="1", protocol="pairwise", criterion="overall",
    ...              rater="gold", rater_kind="gold", label="A")]
    >>> rows += [dict(dataset="t", subset="s", item_id="1", protocol="pairwise", criterion="overall",
    ...               rater="J/V", rater_kind="llm", strategy="V", order=o, label=lab)
    ...          for o, lab in [("AB", "A"), ("BA", "B")]]
    >>> llmbar_scores(pd.DataFrame(rows))[["rater", "accuracy", "agreement"]].values.tolist()
    [['J/V', 50.0, 0.0]]
    """
    check_option("unparsable", unparsable, UNPARSABLE)
    gold = df[df["rater"] == "gold"].set_index("item_id")["label"].astype("object")
    j = df[(df["rater_kind"] == "llm") & df["order"].notna()]
    lab = j["label"].astype("object")
    ok = lab.to_numpy() == gold.reindex(j["item_id"]).to_numpy()
    j = j.assign(_correct=np.where(lab.isna(), False, ok).astype(float), _lab=lab.fillna("<NA>"))
    keys = ["subset", "rater", "item_id"]
    per_item = j.pivot_table(
        index=keys, columns="order", values="_lab", aggfunc="first", observed=True
    )
    same = per_item["AB"] == per_item["BA"]
    if unparsable == "strict":
        same &= per_item["AB"] != "<NA>"
    agr = same.groupby(level=["subset", "rater"]).mean() * 100
    acc = j.groupby(["subset", "rater"], observed=True)["_correct"].mean() * 100
    n = j.groupby(["subset", "rater"], observed=True)["item_id"].nunique()
    out = pd.DataFrame({"accuracy": acc, "agreement": agr, "n_items": n}).reset_index()
    out["judge"] = out["rater"].str.split("/").str[0]
    out["strategy"] = out["rater"].str.split("/").str[1]
    return out[["subset", "judge", "strategy", "rater", "accuracy", "agreement", "n_items"]]


@cache
def _scores() -> pd.DataFrame:
    return llmbar_scores(load("llmbar")).set_index(["subset", "rater"])


def score(subset: str, rater: str, column: Literal["accuracy", "agreement"]) -> float:
    """One cell of :func:`llmbar_scores` on the staged ``llmbar`` table (``rater`` = ``judge/strategy``)."""
    return float(_scores().loc[(subset, rater), column])


def adversarial_accuracy(rater: str) -> float:
    """Unweighted mean accuracy (%) of ``rater`` over the four :data:`ADVERSARIAL` subsets."""
    return float(np.mean([score(s, rater, "accuracy") for s in ADVERSARIAL]))


ACC_DEF = "mean over both orders of verdict == gold; unparsable verdict counts as wrong"
AGR_DEF = "share of items whose two orders give the same verdict (two unparsable verdicts disagree)"
ADV_DEF = "unweighted mean of the 4 Adversarial subsets; " + ACC_DEF

number(
    PAPER,
    "§4 results, GPT-4 Vanilla",
    "GPT-4 Vanilla_NoRules Natural accuracy (%)",
    93.5,
    0.05,
    lambda: score("Natural", "GPT-4/Vanilla_NoRules", "accuracy"),
    ACC_DEF,
)
number(
    PAPER,
    "§4 results, GPT-4 Vanilla",
    "GPT-4 Vanilla_NoRules Natural positional agreement (%)",
    97.0,
    0.05,
    lambda: score("Natural", "GPT-4/Vanilla_NoRules", "agreement"),
    AGR_DEF,
)
number(
    PAPER,
    "§4 results, GPT-4 Vanilla",
    "GPT-4 Vanilla_NoRules Adversarial average accuracy (%)",
    73.1,
    0.05,
    lambda: adversarial_accuracy("GPT-4/Vanilla_NoRules"),
    ADV_DEF,
)
number(
    PAPER,
    "§4 results, GPT-4 Rules+Metrics+Reference",
    "GPT-4 Metrics_Reference Adversarial average accuracy (%)",
    82.8,
    0.05,
    lambda: adversarial_accuracy("GPT-4/Metrics_Reference"),
    ADV_DEF,
)
number(
    PAPER,
    "§4 results, ChatGPT Vanilla",
    "ChatGPT Vanilla_NoRules Natural accuracy (%)",
    79.0,
    0.05,
    lambda: score("Natural", "ChatGPT/Vanilla_NoRules", "accuracy"),
    ACC_DEF,
)
number(
    PAPER,
    "§4 results, ChatGPT Vanilla",
    "ChatGPT Vanilla_NoRules Natural positional agreement (%)",
    68.0,
    0.05,
    lambda: score("Natural", "ChatGPT/Vanilla_NoRules", "agreement"),
    AGR_DEF,
)

PROCESSED_VANILLA_ACCURACY: dict[str, dict[str, float]] = {
    "Processed/FairEval": {"GPT-4": 72.7, "ChatGPT": 57.6, "LLaMA2": 56.1, "PaLM2": 59.8},
    "Processed/LLMEval^2": {"GPT-4": 75.5, "ChatGPT": 70.2, "LLaMA2": 69.0, "PaLM2": 66.0},
    "Processed/MT-Bench": {"GPT-4": 81.0, "ChatGPT": 71.2, "LLaMA2": 72.0, "PaLM2": 70.2},
}
"""LLMBar's processed subsets, Vanilla (no rules): the repository's ``statistics.json``
("the results reported in our paper", README), Acc. in %, per subset and LLM."""


def register_processed_subsets() -> None:
    """Register the :data:`PROCESSED_VANILLA_ACCURACY` numbers (``score(subset, "<llm>/Vanilla_NoRules")``).

    Called once by :mod:`workbench.papers` after the HANNA numbers, where these rows have
    always stood in ``figures/reproduced.csv``.
    """
    for subset, values in PROCESSED_VANILLA_ACCURACY.items():
        for llm, value in values.items():
            number(
                PAPER,
                f"statistics.json, {subset}",
                f"{llm} Vanilla_NoRules {subset} accuracy (%)",
                value,
                0.05,
                lambda s=subset, r=f"{llm}/Vanilla_NoRules": score(s, r, "accuracy"),
                ACC_DEF,
            )


@figure("llmbar_heatmap")
def llmbar_heatmap(n_resamples: int) -> go.Figure:
    """LLMBar accuracy (%) by judge x strategy and subset (Zeng et al. 2024, §4)."""
    s = llmbar_scores(load("llmbar"))
    s = s[s["subset"].str.match(r"Natural|Adversarial|Processed")]
    return plots.heatmap(
        s,
        x="subset",
        y="rater",
        value="accuracy",
        title="LLMBar: judge accuracy against the gold label, by subset",
        colorbar_title="accuracy (%)",
        zmin=0,
        zmax=100,
        text_format=".0f",
        x_order=["Natural", *ADVERSARIAL, *PROCESSED_VANILLA_ACCURACY],
    )


@figure("llmbar_subsets")
def llmbar_subsets(n_resamples: int) -> go.Figure:
    """Per-subset accuracy with 95% item-bootstrap CIs, Vanilla_NoRules judges."""
    df = load("llmbar")
    v = df[(df["rater"] == "gold") | (df["strategy"] == "Vanilla_NoRules")]
    v = v[v["subset"].str.match(r"Natural|Adversarial")]
    t = agreement(v, n_resamples, reference="gold", statistics=["percent_agreement"], by=["subset"])
    t = t[t["kind"] == "judge"].copy()
    for c in ("estimate", "ci_low", "ci_high"):
        t[c] = t[c] * 100
    return plots.bar_ci(
        t,
        x="subset",
        color="judge",
        title="LLMBar: accuracy of Vanilla judges per subset (both orders, 95% CI)",
        y_title="accuracy vs gold (%)",
        y_range=(0, 100),
        x_order=["Natural", *ADVERSARIAL],
        ceiling=50.0,
        ceiling_label="chance",
    )
