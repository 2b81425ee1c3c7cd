"""Rating datasets in the explorer (issue #11 item 4) and the documented surprise order (item 5).

Model tests without widgets, plus one Explorer on a toy rating table. Expected
values are computed by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import schema
from workbench.explorer import model as M
from workbench.explorer.dataset import Dataset, reference_title
from workbench.explorer.points import limits_of_agreement, points_figure
from workbench.explorer.selection import ExplorerModel, Selection
from workbench.explorer.surprise import order_disagreements, rating_gaps, why
from workbench.testing import toy

JUDGE = [1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 3.0, 3.0]
H1 = [1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 2.0, 3.0, 4.0, 4.0, 1.0, 5.0]
H2 = [2.0, 2.0, 3.0, 5.0, 5.0, 1.0, 3.0, 3.0, 4.0, 5.0, 1.0, 5.0]


def rating_table(criteria: tuple[str, ...] = ("fluency",)) -> pd.DataFrame:
    parts = [
        toy(
            rating={"human:1": H1, "human:2": H2, "J/Vanilla": JUDGE, "BLEU": JUDGE[::-1]},
            kinds={"BLEU": "metric"},
            criterion=c,
            texts="a story",
            prompt="write a story",
        )
        for c in criteria
    ]
    return schema.conform(pd.concat(parts, ignore_index=True))


def test_rating_dataset_offers_the_same_footing_and_only_paired_judges():
    df = rating_table()
    # a metric scoring another criterion than the people shares no unit with them
    other = df[df["rater"] == "BLEU"].assign(criterion="overall")
    data = Dataset("toy", pd.concat([df[df["rater"] != "BLEU"], other], ignore_index=True))
    assert data.protocol == "rating"
    assert data.references[0] == "others" and data.same_footing
    assert data.judges == ["J/Vanilla"] and data.unpaired_judges == ["BLEU"]
    assert reference_title("others", "rating").startswith("others' mean")


def test_rating_compute_equals_agreement_and_bars_are_per_criterion():
    import workbench

    df = rating_table(("fluency", "coherence"))
    m = ExplorerModel({"toy": df}, n_resamples=200, rng=0)
    sel = Selection("toy", ("J/Vanilla",), "others", "pearson")
    table = m.compute(sel)
    assert sorted(table["slice"].unique()) == ["coherence", "fluency"]
    expected = workbench.agreement(
        df, judges=["J/Vanilla"], reference="others", statistics=["pearson"], n_resamples=200, rng=0
    )
    got = table[~table["is_ceiling"]].set_index("criterion")["estimate"]
    want = expected[expected["kind"] == "judge"].set_index("criterion")["estimate"]
    np.testing.assert_allclose(got.sort_index(), want.sort_index(), rtol=0, atol=1e-12)


def test_rating_queue_is_ordered_by_the_gap_in_standard_units():
    df = rating_table(("fluency", "coherence"))
    m = ExplorerModel({"toy": df}, n_resamples=50)
    sel = Selection("toy", ("J/Vanilla",), "others", "pearson")
    q = m.queue(sel, judge="J/Vanilla", slice_value="coherence")
    assert set(q["criterion"]) == {"coherence"}  # the bar's criterion only
    # by hand: reference = mean of the two annotators per item
    ref = (np.array(H1) + np.array(H2)) / 2
    zj = (np.array(JUDGE) - np.mean(JUDGE)) / np.std(JUDGE)
    zr = (ref - ref.mean()) / ref.std()
    gap = zj - zr
    order = np.argsort(-np.abs(gap), kind="stable")
    assert q["item_id"].tolist() == [str(i) for i in order]
    np.testing.assert_allclose(q["surprise"], np.abs(gap)[order], atol=1e-12)
    # items 10 and 11: judge 3 vs people 1 and 5, the largest gaps
    assert set(q["item_id"].head(2)) == {"10", "11"}
    assert "SD" in q["why"].iloc[0]


def test_rating_gaps_errors_name_the_missing_rater():
    with pytest.raises(ValueError, match="judge: rater 'nobody'"):
        rating_gaps(rating_table(), judge="nobody", reference="human:1")


def test_pairwise_surprise_ties_are_broken_by_evidence():
    t = pd.DataFrame(
        {
            "item_id": ["a", "b", "c", "d"],
            "surprise": [1.0, 1.0, 1.0, 0.5],
            "n_reference": [1, 3, 3, 2],
            "reference_share": [1.0, 1.0, 1.0, 0.5],
            "judge_labels": ["AB=B", "AB=B", "AB=B;BA=B", "AB=A"],
            "reference_label": ["A", "A", "A", "B"],
        }
    )
    out = order_disagreements(t)
    # surprise first; then 3 unanimous votes before 1; then both orders against before one
    assert out["item_id"].tolist() == ["c", "b", "a", "d"]
    assert out["why"].iloc[0] == "all 3 reference votes say A; the judge said B in 2 of 2 verdicts"
    assert why(t.iloc[3]) == "1 of 2 reference votes say B; the judge said A in 1 of 1 verdicts"


def test_same_footing_queue_reads_the_annotators_themselves():
    # 3 annotators: item 0 unanimous B, item 1 split 2-1 for B; the judge says A on both
    df = toy(
        pairwise={"human:1": "BB", "human:2": "BB", "human:3": "BA", "J/Vanilla": "AA"},
    )
    m = ExplorerModel({"toy": df}, n_resamples=50)
    q = m.queue(
        Selection("toy", ("J/Vanilla",), "others", "percent_agreement"),
        judge="J/Vanilla",
        slice_value="overall",
    )
    assert q["item_id"].tolist() == ["0", "1"]
    np.testing.assert_allclose(q["surprise"], [1.0, 2 / 3])
    assert q["why"].iloc[1].startswith("2 of 3 reference votes say B")


def test_points_figure_views():
    g = rating_gaps(rating_table(), judge="J/Vanilla", reference="human:1")
    sc = points_figure(g, judge="J/Vanilla", reference="human:1", view="scatter")
    assert len(sc.data[0].x) == len(g) == 12
    # jitter stays under a fifth of the smallest step (1 point on a 1-5 scale)
    assert np.all(np.abs(np.asarray(sc.data[0].x) - g["reference_score"].to_numpy()) <= 0.2)
    ba = points_figure(g, judge="J/Vanilla", reference="human:1", view="bland_altman")
    d = np.array(JUDGE) - np.array(H1)  # by hand: mean 0, sd (ddof 1) of the differences
    mean, low, high = limits_of_agreement(pd.Series(d))
    assert mean == pytest.approx(d.mean()) and high - mean == pytest.approx(1.96 * d.std(ddof=1))
    assert [s.y0 for s in ba.layout.shapes] == pytest.approx([mean, low, high])
    with pytest.raises(ValueError, match="view"):
        points_figure(g, judge="j", reference="h", view="hexbin")


def test_explorer_draws_a_rating_dataset_and_its_points(annotation_store):
    from workbench.widgets import Explorer

    ex = Explorer(
        {"stories": rating_table().assign(dataset="stories")},
        store=annotation_store,
        statistic="pearson",
        n_resamples=50,
    )
    assert ex.figure.layout.title.text.startswith("stories: agreement with others' mean")
    assert {t.name for t in ex.figure.data} >= {"J/Vanilla"}
    q = ex.show_items(judge="J/Vanilla")
    assert ex.points_box.layout.display == "flex" and len(ex.points.children) == 1
    assert ex.item_id == q["item_id"].iloc[0]
    assert "Why surprising" in ex.viewer.value and "fluency: " in ex.viewer.value
    ex.points_view.value = "bland_altman"
    assert "Bland–Altman" in ex.points.children[0].layout.title.text
    ex.show_items(judge="human ceiling")  # the ceiling's queue has no points
    assert ex.points_box.layout.display == "none"


def test_mixed_protocols_are_refused():
    mixed = pd.concat(
        [toy(pairwise={"human": "AB", "J/Vanilla": "AB"}), rating_table()], ignore_index=True
    )
    with pytest.raises(ValueError, match="protocol"):
        Dataset("toy", mixed)


def test_model_criterion_slice_round_trip():
    x = M.criterion_slice(pd.Series(["overall", "long"]), pd.Series(["fluency", "fluency"]))
    assert [M.split_criterion(v, ["fluency"]) for v in x] == [
        ("overall", "fluency"),
        ("long", "fluency"),
    ]
