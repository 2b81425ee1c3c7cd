"""Auditor agreement on the causes of disagreements (issue #11 item 6).

Hand-computed Fleiss' κ and agreement, withdrawn annotations left out, conflicts
listed, and the explorer's blind mode.
"""

from __future__ import annotations

import numpy as np
import pytest

from workbench.annotations import AnnotationStore, auditor_agreement, cause_conflicts
from workbench.testing import toy


def store_with(tmp_path, rows):
    store = AnnotationStore(tmp_path / "a.sqlite")
    ids = [
        store.add(dataset="d", item_id=item, judge="J", cause=cause, annotator=who)
        for item, who, cause in rows
    ]
    return store, ids


def test_agreement_and_kappa_by_hand(tmp_path):
    # 12 shared items, 2 annotators: 9 agree; causes over the 24 votes:
    # judge_wrong 14, label_noise 6, ambiguous 4
    agree = [("judge_wrong",) * 2] * 6 + [("label_noise",) * 2] * 2 + [("ambiguous_item",) * 2]
    differ = [
        ("judge_wrong", "label_noise"),
        ("judge_wrong", "ambiguous_item"),
        ("label_noise", "ambiguous_item"),
    ]
    rows = []
    for i, (a, b) in enumerate(agree + differ):
        rows += [(str(i), "ann", a), (str(i), "bob", b)]
    rows.append(("99", "ann", "other"))  # one annotator only: not shared
    store, _ = store_with(tmp_path, rows)
    t = auditor_agreement(store.current(), n_resamples=500).set_index("statistic")
    p = np.array([14, 6, 4]) / 24
    pe = float((p**2).sum())
    assert t.loc["multi_rater_agreement", "estimate"] == pytest.approx(9 / 12, abs=1e-12)
    assert t.loc["fleiss_kappa", "estimate"] == pytest.approx((0.75 - pe) / (1 - pe), abs=1e-12)
    assert (t["n_items"] == 12).all() and (t["n_annotators"] == 2).all()
    low, high = t.loc["fleiss_kappa", ["ci_low", "ci_high"]]
    assert low < t.loc["fleiss_kappa", "estimate"] < high
    conflicts = cause_conflicts(store.current())
    assert sorted(conflicts["item_id"], key=int) == ["9", "10", "11"]
    assert conflicts.set_index("item_id").loc["9", "causes"] == "ann: judge_wrong; bob: label_noise"


def test_withdrawn_annotations_do_not_count(tmp_path):
    store, ids = store_with(tmp_path, [("1", "ann", "judge_wrong"), ("1", "bob", "label_noise")])
    assert len(cause_conflicts(store.current())) == 1
    store.withdraw(ids[1], annotator="bob", reason="changed my mind")
    t = auditor_agreement(store.current(include_withdrawn=True))
    assert (t["n_items"] == 0).all() and t["estimate"].isna().all()
    assert t["note"].iloc[0] == "no disagreement annotated by two or more annotators"
    assert cause_conflicts(store.current(include_withdrawn=True)).empty


def test_explorer_blind_mode_hides_others_until_saved(annotation_store):
    from workbench.widgets import Explorer

    df = toy(pairwise={"human": "AAAA", "J/Vanilla": "BBBB"})
    ex = Explorer(df, store=annotation_store, n_resamples=50, annotator="bob")
    ex.show_items(judge="J/Vanilla")
    item = ex.item_id
    ex.model.store.add(
        dataset="toy", item_id=item, judge="J/Vanilla", cause="label_noise", annotator="ann",
        reference="human", version=ex.data.version,
    )  # fmt: skip
    ex.blind.value = True
    ex.open_item(item)
    assert "hidden (blind mode)" in ex.item_annotations.value
    assert "label_noise" not in ex.item_annotations.value + ex.auditors.value
    ex.cause.value = "judge_wrong"
    ex.save()
    assert "label_noise" in ex.item_annotations.value  # saved: the others are shown
    assert "Annotators on the cause</b> (1 shared disagreements, 2 annotators)" in ex.auditors.value
    assert "Conflicts" not in ex.auditors.value  # blind: conflicts stay hidden
    ex.blind.value = False
    assert "ann: label_noise; bob: judge_wrong" in ex.auditors.value
