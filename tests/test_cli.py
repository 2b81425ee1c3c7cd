"""The `workbench` command line and reference resolution seen from the overview."""

from __future__ import annotations

import pandas as pd
import pytest

import workbench
from workbench.cli import main
from workbench.testing import toy


def test_main_datasets_lists_row_counts(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    # SOURCE.md of pandalm_testset: 999 items x (3 annotators + majority + 2 judges) = 5,994 rows.
    line = next(x for x in out.splitlines() if x.split()[0] == "pandalm")
    assert line.split()[1:4] == ["pairwise", "5994", "6"]


def test_main_load_writes_csv(tmp_path, capsys):
    out = tmp_path / "pandalm.csv"
    assert main(["load", "pandalm", "--out", str(out)]) == 0
    back = pd.read_csv(out)
    assert len(back) == 5994
    assert (back["rater"] == "human:majority").sum() == 999


def test_agreement_reference_prefers_crowd_majority_over_gold():
    # Two items judged by three crowd workers and a judge; a third item has only a gold label
    # (like LLMFAO's training pairs). reference="human" must use the crowd majority, not gold.
    # items 1, 2, 3; "." = no verdict
    verdicts = {"human:w0": "AB.", "human:w1": "AB.", "human:w2": "BB.", "j": "AA.", "gold": "..A"}
    df = toy(pairwise=verdicts, item_ids=["1", "2", "3"])
    kw = dict(statistics=["percent_agreement"], ceiling=False, n_resamples=50)
    res = workbench.agreement(df, reference="human", **kw)
    # majority: item 1 -> A (judge agrees), item 2 -> B (judge says A): 1/2.
    assert res[["judge", "reference", "estimate", "n_items"]].values.tolist() == [
        ["j", "human:majority", 0.5, 2]
    ]
    # The default faces each worker's others' majority (never gold): item 1 (A, A, B) gives
    # w0 and w1 a tie (left out), w2 faces A (judge A agrees); item 2 (B, B, B) gives everyone
    # B (judge A). Per worker 0, 0, 1/2 -> mean 1/6.
    res = workbench.agreement(df, **kw)
    assert res[["reference", "estimate", "n_items"]].values.tolist() == [
        ["others' majority", pytest.approx(1 / 6), 2]
    ]


def test_agreement_n_items_counts_items_left_after_dropping_ties():
    # Four items: human A, B, tie, A; judge A, tie, tie, B. ties="drop" keeps items 0 and 3
    # (neither side says tie): agreement 1/2 on n_items = 2 (the ties="agree" row keeps all 4).
    df = toy(pairwise={"human": "ABtA", "j": "AttB"})
    drop = workbench.agreement(df, statistics=["percent_agreement"], ties="drop", n_resamples=50)
    agree = workbench.agreement(df, statistics=["percent_agreement"], ties="agree", n_resamples=50)
    assert drop[["estimate", "n_items"]].values.tolist() == [[0.5, 2]]
    # ties="agree": items 0 (A=A) and 2 (tie=tie) agree of 4 -> 1/2 on 4 items.
    assert agree[["estimate", "n_items"]].values.tolist() == [[0.5, 4]]
