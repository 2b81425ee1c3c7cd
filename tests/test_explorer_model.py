"""The explorer's computations without widgets (workbench.explorer.dataset / model).

Oracles: workbench.agreement (the tidy front end the chart must agree with) and
workbench.bias.disagreements (the queue's source), on the PandaLM test set.
"""

from __future__ import annotations

import pandas as pd
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


# --------------------------------------------------------------------------- ExplorerModel
def _selection(**kw):
    from workbench.explorer.selection import Selection

    base = dict(
        dataset="pandalm",
        raters=(JUDGE,),
        reference=SAME_FOOTING,
        statistic="percent_agreement",
    )
    return Selection(**{**base, **kw})


@pytest.fixture(scope="module")
def pandalm_model():
    from workbench.explorer.selection import ExplorerModel

    return ExplorerModel({"pandalm": workbench.load("pandalm")}, n_resamples=50)


@pytest.fixture(scope="module")
def pandalm_explorer(tmp_path_factory):
    from workbench.widgets import Explorer

    store = tmp_path_factory.mktemp("store") / "annotations.jsonl"
    return Explorer(
        {"pandalm": workbench.load("pandalm")},
        judges=[JUDGE],
        store=store,
        annotator="ann",
        n_resamples=50,
    )


def test_model_sliced_table_pandalm_equals_the_explorers(pandalm_model, pandalm_explorer):
    ex = pandalm_explorer
    ex.slice_by.value = "task category"
    sel = _selection(raters=tuple(ex.selected_raters()), slice_by="task category")
    mine = pandalm_model.compute(sel)
    theirs = ex.table
    assert len(mine) > 2 and mine["slice"].nunique() > 1  # really sliced
    cols = ["slice", "judge", "estimate", "ci_low", "ci_high", "n_items"]
    assert mine[cols].astype(str).values.tolist() == theirs[cols].astype(str).values.tolist()
    assert pandalm_model.compute(sel) is mine  # cached per selection


def test_model_queue_pandalm_equals_the_explorers(pandalm_model, pandalm_explorer):
    ex = pandalm_explorer
    ex.slice_by.value = "overall"
    rater = ex.selected_raters()[0]
    shown = ex.show_items(judge=rater)
    sel = _selection(raters=tuple(ex.selected_raters()))
    mine = pandalm_model.queue(sel, judge=rater, slice_value="overall")
    assert len(mine) > 0
    assert mine["item_id"].tolist() == shown["item_id"].tolist()
    assert mine["surprise"].is_monotonic_decreasing


def test_model_unknown_judge_and_unpaired_raters(pandalm_model):
    sel = _selection()
    with pytest.raises(ValueError, match="judge: 'nope' is not a judge of 'pandalm'"):
        pandalm_model.queue(sel, judge="nope", slice_value="overall")
    assert pandalm_model.unpaired_raters(sel) == []
    assert pandalm_model.compute(_selection(raters=())).empty


def test_model_queue_of_a_bar_the_slicing_does_not_have_names_it(pandalm_model, pandalm_explorer):
    # was: SchemaError "df: the table has no rows; nothing to probe"
    rater = pandalm_explorer.selected_raters()[0]
    sel = _selection(raters=(rater,), slice_by="task category")
    bars = sorted(pandalm_model.compute(sel)["slice"].astype(str).unique())
    with pytest.raises(
        ValueError,
        match=r"^slice_value: 'no such bar' is not a bar of 'task category'; its bars are ",
    ):
        pandalm_model.queue(sel, judge=rater, slice_value="no such bar")
    assert len(pandalm_model.queue(sel, judge=rater, slice_value=bars[0])) > 0


def test_dataset_item_equals_the_rows_of_the_full_table(loaded):
    # texts keep their Arrow chunks (explorer.dataset.single_chunks) and are read row by row
    from workbench.explorer.dataset import single_chunks

    df = loaded("pandalm")
    parts = pd.concat([df.iloc[: len(df) // 2], df.iloc[len(df) // 2 :]], ignore_index=True)
    data = Dataset("pandalm", parts)
    assert data.full["prompt"].array.__arrow_array__().num_chunks > 1  # texts: still chunked
    assert data.full["rater"].array.__arrow_array__().num_chunks == 1  # the rest: one chunk
    for item_id in list(data.rows_by_item)[::97]:
        want = data.full.iloc[data.rows_by_item[item_id]]
        pd.testing.assert_frame_equal(data.item(item_id), want)
        assert data.item(item_id)["prompt"].notna().all()
    with pytest.raises(ValueError, match="item_id: 'nope' is not in dataset 'pandalm'"):
        data.check_item("nope")
    pd.testing.assert_frame_equal(single_chunks(parts), parts)
