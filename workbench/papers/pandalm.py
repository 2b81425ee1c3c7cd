"""PandaLM (notebook 03): the test set's label counts, annotator kappa, and Table 2.

The README's label table and inter-annotator kappas reproduce from the released files;
Table 2 (GPT-3.5 and PandaLM-7B accuracy / F1 against the humans) does not under any
reading tried (:func:`pandalm_table2_variants`).

References
----------
Wang, Y. et al. (2024). PandaLM: An Automatic Evaluation Benchmark for LLM Instruction
Tuning Optimization. ICLR. arXiv:2306.05087.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import plots, stats
from .._validate import check_option
from ._base import agreement, figure, load, number

__all__ = [
    "PAPER",
    "annotator_kappa",
    "judge_score",
    "majority_count",
    "pandalm_confusion",
    "pandalm_kappa",
    "pandalm_table2_variants",
    "wide",
]

PAPER = "Wang et al. 2024 (PandaLM, ICLR)"


def wide() -> pd.DataFrame:
    """The staged ``pandalm`` table, one row per item and one column per rater (labels as objects)."""
    return (
        load("pandalm")
        .pivot_table(
            index="item_id", columns="rater", values="label", aggfunc="first", observed=True
        )
        .astype("object")
    )


def majority_count(label: str) -> float:
    """How many items have the 3-annotator majority ``label`` (``A``, ``B`` or ``tie``)."""
    return float((wide()["human:majority"] == label).sum())


number(
    PAPER,
    "README test-data label table",
    "human majority: tie",
    105,
    0,
    lambda: majority_count("tie"),
    "count of items whose 3-annotator majority is 0 (tie)",
)
number(
    PAPER,
    "README test-data label table",
    "human majority: response 1",
    422,
    0,
    lambda: majority_count("A"),
    "count of items whose 3-annotator majority is 1",
)
number(
    PAPER,
    "README test-data label table",
    "human majority: response 2",
    472,
    0,
    lambda: majority_count("B"),
    "count of items whose 3-annotator majority is 2",
)


def annotator_kappa(a: str, b: str) -> float:
    """Unweighted Cohen's kappa between annotators ``human:<a>`` and ``human:<b>`` on all items."""
    w = wide()
    return stats.cohen_kappa(w[f"human:{a}"], w[f"human:{b}"])


for a, b, kappa in ((1, 2, 0.85), (1, 3, 0.88), (2, 3, 0.86)):
    number(
        PAPER,
        "README IAA table",
        f"Cohen's kappa annotator {a} vs {b}",
        kappa,
        0.005,
        lambda a=a, b=b: annotator_kappa(f"annotator{a}", f"annotator{b}"),
        "unweighted Cohen's kappa on all 999 items",
    )
del a, b, kappa


def judge_score(judge: str, statistic: Literal["accuracy", "macro_f1"]) -> float:
    """3-class accuracy or macro-F1 of ``judge`` against the annotator majority, unparsable dropped."""
    check_option("statistic", statistic, ("accuracy", "macro_f1"))
    w = wide()[["human:majority", judge]].dropna()
    fn = {"accuracy": stats.accuracy, "macro_f1": stats.macro_f1}[statistic]
    return fn(w["human:majority"], w[judge])


def pandalm_table2_variants(df: pd.DataFrame) -> pd.DataFrame:
    """Every reading of PandaLM's Table 2 tried against the released prediction files.

    Parameters
    ----------
    df : DataFrame
        The tidy ``pandalm`` table.

    Returns
    -------
    DataFrame
        ``judge``, ``reference`` (the majority or one annotator),
        ``unparsable`` (``dropped`` or ``counted wrong``), ``accuracy``,
        ``macro_f1``, ``weighted_f1``, ``n_items``. None of them gives the
        published GPT-3.5 accuracy 0.6296 / F1 0.5820 or PandaLM-7B 0.5926 / 0.5456.

    Examples
    --------
    >>> rows = [dict(item_id=str(i), rater=r, label=v) for i, (h, j) in enumerate([("A", "A"), ("B", None)])
    ...         for r, v in [("human:majority", h), ("j", j)]]
    >>> t = pandalm_table2_variants(pd.DataFrame(rows))
    >>> t[["unparsable", "accuracy", "n_items"]].values.tolist()  # 1/1 dropped, 1/2 counted wrong
    [['dropped', 1.0, 1], ['counted wrong', 0.5, 2]]
    """
    w = df.pivot_table(
        index="item_id", columns="rater", values="label", aggfunc="first", observed=True
    )
    w = w.astype("object")
    judges = [c for c in w.columns if not str(c).startswith("human")]
    refs = sorted(
        (c for c in w.columns if str(c).startswith("human")),
        key=lambda r: (r != "human:majority", r),
    )
    records = []
    for judge in judges:
        for ref in refs:
            for unparsable in ("dropped", "counted wrong"):
                pair = w[[ref, judge]].dropna(subset=[ref])
                if unparsable == "dropped":
                    pair = pair.dropna()
                records.append(
                    {
                        "judge": judge,
                        "reference": ref,
                        "unparsable": unparsable,
                        **_three_class_scores(pair[ref], pair[judge]),
                        "n_items": len(pair),
                    }
                )
    return pd.DataFrame.from_records(records)


def _three_class_scores(reference: pd.Series, judge: pd.Series) -> dict[str, float]:
    """Accuracy, macro- and weighted F1 with an unparsable (NA) verdict as its own class."""
    y = reference.astype(str).to_numpy()
    x = judge.fillna("unparsable").astype(str).to_numpy()
    cats = sorted(set(y) | set(x))
    t = pd.crosstab(pd.Categorical(y, cats), pd.Categorical(x, cats), dropna=False).to_numpy(float)
    support, pred, hit = t.sum(axis=1), t.sum(axis=0), np.diag(t)
    f1 = np.divide(2 * hit, support + pred, out=np.zeros(len(cats)), where=(support + pred) > 0)
    has = support > 0
    return {
        "accuracy": float(hit.sum() / t.sum()),
        "macro_f1": float(f1[has].mean()),
        "weighted_f1": float((f1 * support).sum() / support.sum()),
    }


TABLE2_REASON = (
    "not reproducible from the released prediction files: tried vs majority / each annotator, "
    "unparsable dropped / counted wrong, macro / weighted F1 (see notebook 03)"
)

number(
    PAPER,
    "Table 2",
    "GPT-3.5 accuracy vs human",
    0.6296,
    0.00005,
    lambda: judge_score("gpt-3.5-turbo", "accuracy"),
    "3-class accuracy vs 3-annotator majority, 25 unparsable verdicts dropped",
    TABLE2_REASON,
)
number(
    PAPER,
    "Table 2",
    "GPT-3.5 F1 vs human",
    0.5820,
    0.00005,
    lambda: judge_score("gpt-3.5-turbo", "macro_f1"),
    "3-class macro-F1 vs 3-annotator majority, unparsable dropped",
    TABLE2_REASON,
)
number(
    PAPER,
    "Table 2",
    "PandaLM-7B accuracy vs human",
    0.5926,
    0.00005,
    lambda: judge_score("pandalm-7b", "accuracy"),
    "3-class accuracy vs 3-annotator majority",
    TABLE2_REASON,
)
number(
    PAPER,
    "Table 2",
    "PandaLM-7B F1 vs human",
    0.5456,
    0.00005,
    lambda: judge_score("pandalm-7b", "macro_f1"),
    "3-class macro-F1 vs 3-annotator majority",
    TABLE2_REASON,
)


@figure("pandalm_kappa")
def pandalm_kappa(n_resamples: int) -> go.Figure:
    """PandaLM: judge kappa vs the annotator majority, against the leave-one-out human ceiling.

    The reference is named (``human:majority``, the README's 3-annotator majority), not left
    to :func:`workbench.agreement`'s default, so the figure keeps its definition.
    """
    t = agreement(
        load("pandalm"), n_resamples, reference="human:majority", statistics=["cohen_kappa"]
    )
    return plots.agreement_plot(
        t,
        statistic="cohen_kappa",
        title="PandaLM test set: Cohen's kappa with the annotator majority (95% CI)",
        x_title="Cohen's kappa [-1, 1]",
        x_range=(0, 1),
    )


@figure("pandalm_confusion")
def pandalm_confusion(n_resamples: int) -> go.Figure:
    """PandaLM: GPT-3.5 verdicts against the 3-annotator majority."""
    w = wide()
    order = ["A", "B", "tie"]
    c = pd.crosstab(w["human:majority"], w["gpt-3.5-turbo"].fillna("unparsable")).reindex(
        index=order, columns=[*order, "unparsable"], fill_value=0
    )
    return plots.confusion_heatmap(
        c, title="PandaLM: GPT-3.5 vs human majority", x_title="GPT-3.5 verdict"
    )
