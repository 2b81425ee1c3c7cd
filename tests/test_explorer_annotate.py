"""The annotation form's model without widgets: prefill, edit-not-duplicate, tags, messages, marks.

Every expected value is the store's own event log (``AnnotationStore.events`` /
``history`` / ``current``) after the form acted: one event per save that changed
something, none for an unchanged save.
"""

from __future__ import annotations

import pytest

from workbench.annotations import AnnotationStore
from workbench.explorer.annotate import AnnotationForm, last_annotator

ITEM = dict(dataset="toy", item_id="2", version="v1", judge="J/Vanilla", reference="human")


@pytest.fixture
def store(tmp_path, monkeypatch) -> AnnotationStore:
    monkeypatch.delenv("WORKBENCH_ANNOTATOR", raising=False)
    return AnnotationStore(tmp_path / "a.sqlite")


def actions(store: AnnotationStore) -> list[str]:
    return [e["action"] for e in store.events()]


def saved_form(store: AnnotationStore, **values) -> tuple[AnnotationForm, str]:
    form = AnnotationForm(store, annotator="ann")
    form.open(**ITEM, suggested=["position_preference"])
    form.cause = values.get("cause", "judge_wrong")
    form.tags = values.get("tags", ("leniency",))
    form.note = values.get("note", "B is right")
    aid, verb = form.save()
    assert verb == "saved"
    return form, aid


def test_open_item_prefills_the_current_annotation(store):
    _, aid = saved_form(store)
    form = AnnotationForm(store, annotator="ann")
    form.open(**ITEM)
    assert (form.cause, form.tags, form.note) == ("judge_wrong", ("leniency",), "B is right")
    assert form.current["annotation_id"] == aid and form.can_withdraw
    assert not form.dirty


def test_open_item_of_another_annotator_or_judge_is_blank(store):
    saved_form(store)
    bob = AnnotationForm(store, annotator="bob")
    bob.open(**ITEM)
    assert (bob.cause, bob.tags, bob.note, bob.current) == (None, (), "", None)
    ann = AnnotationForm(store, annotator="ann")
    ann.open(**{**ITEM, "judge": "K/Vanilla"})
    assert ann.current is None
    ann.open(**{**ITEM, "version": "v2"})  # another release of the data
    assert ann.current is None


def test_save_unchanged_writes_no_event(store):
    form, aid = saved_form(store)
    form.open(**ITEM)
    assert form.save() == (aid, "unchanged")
    assert actions(store) == ["create"]


def test_edit_is_one_event_with_history(store):
    form, aid = saved_form(store)
    form.open(**ITEM)
    form.cause = "ambiguous_item"
    assert form.save() == (aid, "updated")
    assert actions(store) == ["create", "edit"]
    hist = store.history(aid)
    edit = hist[hist["action"] == "edit"]
    assert edit[["field", "previous", "value"]].values.tolist() == [
        ["cause", "judge_wrong", "ambiguous_item"]
    ]
    assert len(store.current()) == 1


def test_suggested_tags_never_written_unless_applied(store):
    form, aid = saved_form(store, tags=())
    assert form.suggested == ("position_preference",)
    assert store.current()["bias_tags"].tolist() == [""]
    form.apply_suggestions()
    assert form.tags == ("position_preference",)
    form.save()
    assert store.current()["bias_tags"].tolist() == ["position_preference"]


def test_withdraw_clears_mark_and_form(store):
    form, aid = saved_form(store)
    assert form.annotated("toy", "J/Vanilla") == {"2"}
    assert form.withdraw(reason="wrong item") == aid
    assert form.annotated("toy", "J/Vanilla") == set()
    assert (form.cause, form.current, form.can_withdraw) == (None, None, False)
    assert store.current().empty and actions(store) == ["create", "withdraw"]
    assert form.withdraw() is None
    assert form.message == "Nothing of yours to withdraw on this item."
    form.cause = "other"  # saving again after a withdrawal is a new annotation
    new, verb = form.save()
    assert verb == "saved" and new != aid


def test_message_belongs_to_the_item(store):
    form, aid = saved_form(store)
    assert form.message == f"Annotation {aid[:8]} saved." and form.message_kind == "ok"
    form.open(**{**ITEM, "item_id": "5"})
    assert form.message == ""
    form.open(**ITEM)  # back: the message says what is loaded, not the old save
    assert form.message.startswith(f"Your annotation {aid[:8]}")
    with pytest.raises(ValueError, match="cause"):
        form.open(**{**ITEM, "item_id": "5"})
        form.save()
    assert form.message_kind == "error"
    form.open(**ITEM)
    assert "cause" not in form.message


def test_reload_keeps_the_annotator_and_edits(store, tmp_path):
    saved_form(store)
    reloaded = AnnotationForm(AnnotationStore(tmp_path / "a.sqlite"))  # no annotator given
    assert reloaded.annotator == "ann"
    reloaded.open(**ITEM)
    reloaded.note = "B is right; A is off topic"
    assert reloaded.save()[1] == "updated"
    assert actions(store) == ["create", "edit"] and len(store.current()) == 1


def test_annotator_precedence(store, monkeypatch):
    saved_form(store)
    assert last_annotator(store) == "ann"
    assert AnnotationForm(store, annotator=" cat ").annotator == "cat"
    monkeypatch.setenv("WORKBENCH_ANNOTATOR", "env-id")
    assert AnnotationForm(store).annotator == "env-id"


def test_set_annotator_keeps_unsaved_changes(store):
    form, _ = saved_form(store)
    form.open(**ITEM)
    form.set_annotator("bob")  # unchanged form: bob's (none) is shown
    assert (form.cause, form.current) == (None, None)
    form.cause = "other"
    form.set_annotator("ann")  # edited form: the choices stay, the target is ann's
    assert form.cause == "other" and form.can_withdraw
    assert form.save()[1] == "updated"


def test_save_without_item_or_annotator_raises(store):
    form = AnnotationForm(store, annotator="ann")
    with pytest.raises(ValueError, match="item_id"):
        form.save()
    form.open(**ITEM)
    form.cause = "other"
    form.set_annotator("  ")
    with pytest.raises(ValueError, match="annotator"):
        form.save()
    assert store.events() == []
