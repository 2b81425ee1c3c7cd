"""workbench.report.format: estimates with CIs inline, the best judge in bold, a footnote."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import workbench
from workbench.report import format as report
from workbench.testing import toy


def _table(**extra):
    rows = {
        "judge": ["gpt-4", "claude", "human ceiling"] * 2,
        "reference": ["others' majority"] * 6,
        "statistic": ["percent_agreement"] * 3 + ["cohen_kappa"] * 3,
        "estimate": [0.8125, 0.9, 0.95, 0.7, 0.61, 0.9],
        "ci_low": [0.7, 0.8, 0.9, 0.6, float("nan"), 0.85],
        "ci_high": [0.9, 0.95, 0.99, 0.8, float("nan"), 0.95],
        "n_items": [120, 118, 120, 120, 118, 120],
        "kind": ["judge", "judge", "ceiling"] * 2,
    }
    return pd.DataFrame(rows | extra)


def test_format_markdown_cells_bold_and_footnote():
    text = report(_table())
    lines = text.splitlines()
    assert lines[0] == "| judge | agreement | Cohen's κ |"
    # 0.8125 -> 0.81 (two digits); best per column: claude on agreement, gpt-4 on kappa;
    # the ceiling (0.95, 0.90) is higher but not a judge; claude's kappa has no interval.
    assert lines[2] == "| gpt-4 | 0.81 [0.70, 0.90] | **0.70 [0.60, 0.80]** |"
    assert lines[3] == "| claude | **0.90 [0.80, 0.95]** | 0.61 |"
    assert lines[4] == "| human ceiling | 0.95 [0.90, 0.99] | 0.90 [0.85, 0.95] |"
    assert lines[6] == (
        "Estimates with 95% bootstrap confidence intervals; best judge per column in bold. "
        "Statistic: agreement, Cohen's κ. Reference: others' majority. n = 118–120 items."
    )


def test_format_latex_escapes_and_bold():
    text = report(_table(judge=["gpt_4", "claude", "human ceiling"] * 2), style="latex", digits=3)
    lines = text.splitlines()
    assert lines[0] == r"\begin{tabular}{lcc}"
    assert lines[2] == r"judge & agreement & Cohen's $\kappa$ \\"
    assert lines[4] == r"gpt\_4 & 0.812 [0.700, 0.900] & \textbf{0.700 [0.600, 0.800]} \\"
    assert lines[-2].startswith(r"\multicolumn{3}{l}{\footnotesize Estimates with 95\%")
    assert lines[-1] == r"\end{tabular}"


def test_format_by_groups_bold_per_group_and_errors():
    t = pd.concat([_table(subset="x"), _table(subset="y", estimate=[0.5, 0.4, 0.9, 0.3, 0.2, 0.9])])
    lines = report(t).splitlines()
    assert lines[0] == "| subset | judge | agreement | Cohen's κ |"
    assert lines[5] == "| y | gpt-4 | **0.50 [0.70, 0.90]** | **0.30 [0.60, 0.80]** |"
    with pytest.raises(ValueError, match="style: expected one of"):
        report(_table(), style="html")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['ci_low'\]"):
        report(_table().drop(columns="ci_low"))


def test_format_reads_an_agreement_table():
    df = toy(pairwise={"human:1": "AABtBAAB", "human:2": "AABtBBAB", "j": "ABBtBAAB"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = workbench.agreement(df, statistics=["percent_agreement"], n_resamples=50)
    lines = report(res).splitlines()
    # judge vs each annotator's other: vs human:2 (AABtBBAB) 6/8, vs human:1 7/8 -> 13/16;
    # ceiling 7/8. No interval below 10 items.
    assert lines[2] == "| j | 0.81 |"
    assert lines[3] == "| human ceiling | 0.88 |"
    assert lines[-1].startswith("Estimates (no confidence interval could be computed")
    assert "n = 8 items" in lines[-1]
