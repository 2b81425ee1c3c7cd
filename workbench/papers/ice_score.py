"""ICE-Score (notebook 05): GPT-3.5 code grades against execution and human usefulness.

HumanEval-X: example- and corpus-level Kendall's tau and Spearman's rho of each GPT-3.5
setting with unit-test execution, per language and averaged (:func:`ice_correlations`).
CoNaLa: the same against the human usefulness grade, whose aggregation the authors did not
release (:func:`conala_variants` tries several).

References
----------
Zhuo, T. Y. (2024). ICE-Score: Instructing Large Language Models to Evaluate Code.
Findings of EACL. arXiv:2304.14317.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import cache
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from .. import plots, stats
from .._validate import check_option, check_options
from ._base import figure, load, number

__all__ = [
    "CONALA_AGGREGATIONS",
    "LEVELS",
    "PAPER",
    "aggregate_grades",
    "conala_correlation",
    "conala_variants",
    "humaneval_correlation",
    "ice_correlations",
    "ice_humaneval",
]

PAPER = "Zhuo 2024 (ICE-Score, EACL Findings)"
NOTEBOOK = "compute_results.ipynb (paper tables)"
"""The authors' notebook that prints the paper's tables."""

LEVELS: tuple[str, ...] = ("example", "corpus")
"""Correlation levels of :func:`ice_correlations`."""

Level = Literal["example", "corpus"]
Statistic = Literal["kendall_tau", "spearman"]


def ice_correlations(
    df: pd.DataFrame,
    *,
    reference: str = "execution",
    levels: Iterable[str] = LEVELS,
) -> pd.DataFrame:
    """Kendall's tau-b and Spearman's rho of each GPT-3.5 setting with ``reference``, per language.

    Parameters
    ----------
    df : DataFrame
        The tidy ``ice_score`` table, HumanEval-X rows (``subset`` = language)
        or CoNaLa rows with a single aggregated human rater as ``reference``.
    reference : str, default "execution"
        The rater the judge is correlated with.
    levels : iterable of {"example", "corpus"}
        ``example``: within each problem (the ~20 samples of one HumanEval-X
        task, or the 5 systems of one CoNaLa intent), then the mean over
        problems, skipping problems where a coefficient is undefined (NaN,
        e.g. all samples pass); ``corpus``: over all (problem, sample) pairs of
        a language at once.

    Returns
    -------
    DataFrame
        ``subset``, ``judge``, ``level``, ``statistic`` (``kendall_tau`` /
        ``spearman``), ``estimate``, ``n_items``, plus one ``subset =
        "average"`` row per (judge, level, statistic): the unweighted mean over
        languages, as ICE-Score's ``compute_results.ipynb`` averages them.

    Notes
    -----
    ICE-Score's notebook calls ``scipy.stats.kendalltau`` (tau-b) and
    ``spearmanr`` per problem (``nanmean``) and on the concatenated lists.

    Examples
    --------
    >>> rows = []
    >>> for p, (ex, js) in enumerate([([0, 0, 1], [1, 2, 3]), ([0, 1, 1], [2, 3, 4])]):
    ...     for s in range(3):
    ...         base = dict(subset="py", item_id=f"humaneval-py/{p}/{s}")
    ...         rows += [dict(base, rater="execution", score=ex[s]),
    ...                  dict(base, rater="gpt-3.5-turbo/x", score=js[s])]
    >>> t = ice_correlations(pd.DataFrame(rows))
    >>> t = t[(t.subset == "py") & (t.statistic == "spearman") & (t.level == "example")]
    >>> t["estimate"].round(4).tolist()  # each problem: ranks (1.5, 1.5, 3) vs (1, 2, 3): 1.5 / sqrt(1.5 * 2)
    [0.866]
    """
    levels = tuple(check_options("levels", levels, LEVELS))
    d = df.assign(_problem=df["item_id"].astype(str).str.rsplit("/", n=1).str[0])
    records = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for subset, g in d.groupby("subset", sort=True):
            w = g.pivot_table(
                index=["_problem", "item_id"], columns="rater", values="score", aggfunc="first"
            )
            if reference not in w.columns:
                continue
            for judge in [c for c in w.columns if str(c).startswith("gpt-3.5-turbo/")]:
                pair = w[[reference, judge]].dropna().astype(float)
                records += _judge_records(pair, reference, judge, levels, subset=subset)
    out = pd.DataFrame.from_records(records)
    if out.empty:
        return out
    avg = (
        out.groupby(["judge", "level", "statistic"], sort=False)
        .agg(estimate=("estimate", "mean"), n_items=("n_items", "sum"), k=("subset", "nunique"))
        .reset_index()
    )
    avg = avg[avg["k"] > 1].drop(columns="k").assign(subset="average")
    return pd.concat([out, avg[out.columns]], ignore_index=True)


def _judge_records(
    pair: pd.DataFrame, reference: str, judge: str, levels: tuple[str, ...], *, subset: str
) -> list[dict]:
    """Rows of :func:`ice_correlations` for one judge on one language's (problem, item) pairs."""
    x, y = pair[judge].to_numpy(), pair[reference].to_numpy()
    problems = pair.index.get_level_values("_problem").to_numpy()
    records = []
    for level in levels:
        kw = {"level": "grouped", "groups": problems} if level == "example" else {}
        for name, fn in (("kendall_tau", stats.kendall_tau), ("spearman", stats.spearman)):
            records.append(
                {
                    "subset": subset,
                    "judge": judge,
                    "level": level,
                    "statistic": name,
                    "estimate": fn(x, y, **kw),
                    "n_items": len(pair),
                }
            )
    return records


@cache
def _humaneval() -> pd.DataFrame:
    df = load("ice_score")
    return ice_correlations(df[df["subset"] != "conala"]).set_index(
        ["subset", "judge", "level", "statistic"]
    )


def humaneval_correlation(subset: str, setting: str, level: Level, statistic: Statistic) -> float:
    """One cell of :func:`ice_correlations` on the staged HumanEval-X rows (judge ``gpt-3.5-turbo/<setting>``)."""
    return float(
        _humaneval().loc[(subset, f"gpt-3.5-turbo/{setting}", level, statistic), "estimate"]
    )


def _sym(statistic: str) -> str:
    return "tau" if statistic == "kendall_tau" else "rho"


HUMANEVAL_REASON = (
    "the staged raw outputs leave 10-12 judge answers unparsable (e.g. 'Option 1: 2 / Option 2: 4'), "
    "dropped here; the authors' *_grade.json (not staged) scored them"
)
CORPUS_DEF = (
    "per language: over all (problem, sample) pairs; then unweighted mean of the 4 languages"
)
EXAMPLE_DEF = "per language: within each problem, nanmean over problems; then unweighted mean of the 4 languages"

for setting, name, values in (
    (
        "no_step_with_ref",
        "GPT-3.5 (w/ R.)",
        {
            ("corpus", "kendall_tau"): 0.409,
            ("corpus", "spearman"): 0.431,
            ("example", "kendall_tau"): 0.330,
            ("example", "spearman"): 0.340,
        },
    ),
    (
        "no_step_no_ref",
        "GPT-3.5 (w/o R.)",
        {
            ("corpus", "kendall_tau"): 0.313,
            ("corpus", "spearman"): 0.322,
            ("example", "kendall_tau"): 0.336,
            ("example", "spearman"): 0.343,
        },
    ),
):
    for (level, statistic), value in values.items():
        number(
            PAPER,
            f"HumanEval-X, {NOTEBOOK}",
            f"{name} vs execution, {level}-level average {_sym(statistic)}",
            value,
            0.0005,
            lambda s=setting, lv=level, st=statistic: humaneval_correlation("average", s, lv, st),
            CORPUS_DEF if level == "corpus" else EXAMPLE_DEF,
            HUMANEVAL_REASON,
        )


CONALA_AGGREGATIONS = ("mean", "median", "rounded_mean", "lowest_mode", "highest_mode")
"""Ways to turn CoNaLa's 2-8 per-grader usefulness grades into one human grade."""


def aggregate_grades(human: pd.DataFrame, how: str) -> pd.Series:
    """One grade per ``item_id`` from the per-grader ``score`` rows, by a :data:`CONALA_AGGREGATIONS` rule.

    ``rounded_mean`` rounds half to even (numpy); ``lowest_mode`` / ``highest_mode`` break
    ties between modes downward / upward.

    Examples
    --------
    >>> human = pd.DataFrame({"item_id": ["a"] * 4, "score": [1.0, 2.0, 2.0, 4.0]})
    >>> aggregate_grades(human, "mean").tolist(), aggregate_grades(human, "highest_mode").tolist()
    ([2.25], [2.0])
    """
    check_option("how", how, CONALA_AGGREGATIONS)
    s = human.groupby("item_id")["score"]
    if how == "mean":
        return s.mean()
    if how == "median":
        return s.median()
    if how == "rounded_mean":
        return s.mean().round()  # numpy rounding: half to even
    pick = min if how == "lowest_mode" else max
    return s.agg(lambda v: pick(pd.Series(v.astype(float)).mode()))


def conala_variants(
    df: pd.DataFrame, *, aggregations: Iterable[str] = CONALA_AGGREGATIONS
) -> pd.DataFrame:
    """ICE-Score CoNaLa correlations under several human-grade aggregations.

    The paper correlates GPT-3.5 with one aggregated human usefulness grade per
    (intent, system) from ``data/conala/conala_grade.json``, which is not
    released; only the per-grader grades are. This recomputes the example- and
    corpus-level correlations for each candidate aggregation.

    Parameters
    ----------
    df : DataFrame
        The tidy ``ice_score`` table (the ``conala`` rows are used).
    aggregations : iterable of str
        Subset of :data:`CONALA_AGGREGATIONS`.

    Returns
    -------
    DataFrame
        :func:`ice_correlations` columns plus ``aggregation``; ``subset`` is ``conala``.

    Examples
    --------
    >>> rows = [dict(subset="conala", item_id=f"conala/0/{s}", rater=r, score=v, rater_kind=k)
    ...         for s, vals in enumerate([(1, 2, 1), (3, 4, 3), (0, 0, 0)])
    ...         for r, k, v in zip(["human:g1", "human:g2", "gpt-3.5-turbo/x"], ["human"] * 2 + ["llm"], vals)]
    >>> t = conala_variants(pd.DataFrame(rows), aggregations=["mean"])
    >>> t[(t.level == "corpus") & (t.statistic == "spearman")]["estimate"].round(3).tolist()  # means 1.5, 3.5, 0
    [1.0]
    """
    c = df[df["subset"] == "conala"]
    human = c[c["rater_kind"] == "human"]
    judges = c[c["rater_kind"] == "llm"]
    frames = []
    for how in aggregations:
        agg = aggregate_grades(human, how).rename("score").reset_index()
        agg = agg.assign(subset="conala", rater="human")
        t = ice_correlations(
            pd.concat([judges[agg.columns], agg], ignore_index=True), reference="human"
        )
        frames.append(t.assign(aggregation=how))
    return pd.concat(frames, ignore_index=True)


@cache
def _conala() -> pd.DataFrame:
    return conala_variants(load("ice_score")).set_index(
        ["aggregation", "judge", "level", "statistic"]
    )


def conala_correlation(
    setting: str, level: Level, statistic: Statistic, how: str = "mean"
) -> float:
    """One cell of :func:`conala_variants` on the staged table (judge ``gpt-3.5-turbo/<setting>``)."""
    return float(_conala().loc[(how, f"gpt-3.5-turbo/{setting}", level, statistic), "estimate"])


CONALA_REASON = (
    "aggregated human grade (data/conala/conala_grade.json) not released; per-grader mean shown; "
    "no aggregation tried (mean, median, rounded mean, lowest/highest mode) matches (notebook 05)"
)

for setting, name, values in (
    (
        "no_step_no_ref",
        "GPT-3.5 (w/o R.)",
        {
            ("example", "kendall_tau"): 0.556,
            ("corpus", "kendall_tau"): 0.546,
            ("example", "spearman"): 0.594,
            ("corpus", "spearman"): 0.635,
        },
    ),
    (
        "with_step_with_ref",
        "GPT-3.5 (w/ R.) + 0-shot-CoT",
        {("example", "kendall_tau"): 0.571, ("corpus", "kendall_tau"): 0.583},
    ),
):
    for (level, statistic), value in values.items():
        number(
            PAPER,
            f"CoNaLa, {NOTEBOOK}",
            f"{name} vs human usefulness, {level}-level {_sym(statistic)}",
            value,
            0.0005,
            lambda s=setting, lv=level, st=statistic: conala_correlation(s, lv, st),
            f"human grade = mean of the item's graders; {level}-level as for HumanEval-X",
            CONALA_REASON,
        )
del setting, name, values, level, statistic, value


@figure("ice_humaneval")
def ice_humaneval(n_resamples: int) -> go.Figure:
    """ICE-Score HumanEval-X: corpus- and example-level tau per language (Zhuo 2024)."""
    t = ice_correlations(load("ice_score").query("subset != 'conala'"))
    t = t[(t["statistic"] == "kendall_tau") & ~t["judge"].str.endswith("rerun")].copy()
    t["setting"] = t["judge"].str.replace("gpt-3.5-turbo/", "", regex=False) + ", " + t["level"]
    return plots.bar_ci(
        t,
        x="subset",
        color="setting",
        title="ICE-Score HumanEval-X: GPT-3.5 score vs unit-test execution",
        y_title="Kendall tau-b [-1, 1]",
        x_order=["cpp", "java", "js", "python", "average"],
    )
