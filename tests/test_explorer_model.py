"""The explorer's computations without widgets (workbench.explorer.dataset / model).

Oracles: workbench.agreement (the tidy front end the chart must agree with) and
workbench.bias.disagreements (the queue's source), on the PandaLM test set.
"""

from __future__ import annotations

import pytest

import workbench
from workbench import bias
from workbench.explorer.dataset import SAME_FOOTING, Dataset, rater_reference
from workbench.explorer.model import (
    agreement_prepared,
    disagreements,
    empty_table,
    normalize_table,
    prepare_pairs,
)

JUDGE = "gpt-3.5-turbo"


@pytest.fixture(scope="module")
def pandalm():
    return Dataset("pandalm", workbench.load("pandalm"))


def test_dataset_pandalm_offers_the_same_footing_first(pandalm):
    # three annotators per item: "others" is offered first; two LLM judges
    assert pandalm.references[0] == SAME_FOOTING
    assert pandalm.judges == [JUDGE, "pandalm-7b"]
    assert not pandalm.majority_added  # the loader already ships human:majority rows
    assert rater_reference(SAME_FOOTING) == "human:majority"


def test_agreement_table_pandalm_equals_workbench_agreement(pandalm):
    prepared = prepare_pairs(
        pandalm.judgments, judges=[JUDGE], reference=SAME_FOOTING, resolve="per_order"
    )
    table, by = agreement_prepared(
        prepared, slicer=None, statistic="percent_agreement", n_resamples=50, rng=0
    )
    mine = normalize_table(table, by=by)
    expected = workbench.agreement(
        workbench.load("pandalm"), statistics=["percent_agreement"], n_resamples=50
    )
    row = expected[expected["judge"] == JUDGE].iloc[0]
    judge_row = mine[~mine["is_ceiling"]].iloc[0]
    cols = ["estimate", "ci_low", "ci_high", "n_items", "gap_to_ceiling"]
    assert by == [] and judge_row["slice"] == "overall"
    assert judge_row[cols].astype(float).tolist() == pytest.approx(row[cols].astype(float).tolist())
    assert mine["is_ceiling"].sum() == 1
    assert set(empty_table().columns) <= set(mine.columns)  # the view draws these


def test_queue_pandalm_equals_bias_disagreements(pandalm):
    reference = rater_reference(SAME_FOOTING)
    df = pandalm.full
    rows = df[df["rater"].isin([JUDGE, reference])]
    mine = disagreements(rows, judge=JUDGE, reference=reference)
    oracle = bias.disagreements(rows, judge=JUDGE, reference=reference)
    assert len(mine) > 0
    assert mine["item_id"].tolist() == oracle["item_id"].tolist()


def test_item_pandalm_returns_every_row_of_the_item(pandalm):
    item_id = str(pandalm.full["item_id"].iloc[0])
    rows = pandalm.item(item_id)
    assert (rows["item_id"].astype(str) == item_id).all()
    assert len(rows) == int((pandalm.full["item_id"].astype(str) == item_id).sum())
    with pytest.raises(ValueError, match="item_id: 'nope' is not in dataset 'pandalm'"):
        pandalm.item("nope")
