"""The explorer driven headless: set control values, click, annotate; check state and store.

The toy table (six items, one human label each, judge ``J/Vanilla`` in both orders):

====  ========  =====  ==========  ==========
item  subset    human  J (AB)      J (BA)
====  ========  =====  ==========  ==========
1     math      A      A           A
2     math      A      B           B
3     math      B      B           B
4     writing   tie    tie         tie
5     writing   B      B           A
6     writing   A      A           A
====  ========  =====  ==========  ==========

Per-order agreement: 9 of 12 verdicts match (item 2 twice, item 5 in BA miss) = 0.75.
FastChat (inconsistent -> tie): items 2 (B) and 5 (tie) miss = 4/6.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from plotly.callbacks import Points
from traitlets import TraitError

import workbench
from workbench import annotations, schema, widgets
from workbench.explorer import model as explorer_model
from workbench.widgets import CEILING, Explorer, item_html, render_text

PAYLOAD = (
    "<script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=1">'
    "[click me](javascript:window.__pwned=1) "
    '<a href="javascript:window.__pwned=1">link</a>'
)

HUMAN = ["A", "A", "B", "tie", "B", "A"]
JUDGE_AB = ["A", "B", "B", "tie", "B", "A"]
JUDGE_BA = ["A", "B", "B", "tie", "A", "A"]
SUBSET = ["math"] * 3 + ["writing"] * 3


def toy() -> pd.DataFrame:
    rows = []
    for i in range(6):
        item = dict(
            dataset="toy",
            subset=SUBSET[i],
            item_id=str(i + 1),
            protocol="pairwise",
            criterion="overall",
            prompt=f"Question {i + 1}: **bold** prompt",
            response_a="one two three four" if i != 4 else PAYLOAD,
            response_b="five",
            explanation=None,
        )
        rows.append({**item, "rater": "human", "rater_kind": "human", "label": HUMAN[i]})
        for order, labels in (("AB", JUDGE_AB), ("BA", JUDGE_BA)):
            rows.append(
                {
                    **item,
                    "rater": "J/Vanilla",
                    "rater_kind": "llm",
                    "strategy": "Vanilla",
                    "order": order,
                    "label": labels[i],
                    "explanation": f"I prefer {labels[i]} {PAYLOAD}",
                }
            )
    return schema.validate(schema.conform(pd.DataFrame(rows)))


@pytest.fixture
def explorer(annotation_store) -> Explorer:
    return Explorer(toy(), store=annotation_store, annotator="ann", n_resamples=200)


def overall(ex: Explorer) -> pd.Series:
    return ex.table[~ex.table["is_ceiling"]].set_index("slice")["estimate"]


class _Elements(HTMLParser):
    """Collect the elements and attributes a browser would build from an HTML string."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


def dangerous(text: str) -> list:
    """Script-capable elements, event-handler attributes and javascript: URLs in ``text``."""
    found = _Elements(text)
    bad = [t for t in found.tags if t in ("script", "img", "iframe", "object", "svg")]
    bad += [a for a, _ in found.attrs if a.startswith("on")]
    bad += [v for a, v in found.attrs if v and "javascript:" in v.replace(" ", "").lower()]
    return bad


# --------------------------------------------------------------------------- rendering
def test_render_text_escapes_every_tag():
    out = render_text(PAYLOAD)
    assert dangerous(out) == []
    assert _Elements(out).tags == ["div"]  # nothing but the scroll box
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out


def test_render_text_markdown_is_sanitized():
    out = render_text("**bold** [ok](https://example.org) " + PAYLOAD, mode="markdown")
    assert "<strong>bold</strong>" in out  # markdown rendered
    assert '<a href="https://example.org">ok</a>' in out  # safe links kept
    assert dangerous(out) == []


def test_render_text_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        render_text("x", mode="html")


def test_item_html_escapes_texts_and_shows_both_orders():
    rows = toy()
    out = item_html(rows[rows["item_id"] == "5"], judge="J/Vanilla")
    assert dangerous(out) == []
    assert "A shown first" in out and "B shown first" in out
    # the human label and both verdicts of item 5 (B; AB=B, BA=A)
    assert "<td>human</td><td>B</td>" in out
    assert "<td>A shown first</td><td>B</td>" in out and "<td>B shown first</td><td>A</td>" in out


# --------------------------------------------------------------------------- chart
def test_explorer_initial_table_is_per_order_agreement(explorer):
    assert explorer.selected_raters() == ["J/Vanilla"]
    assert explorer.reference.value == "human"
    assert overall(explorer)["overall"] == pytest.approx(9 / 12)
    assert explorer.table["n_items"].tolist() == [6]
    # one bar trace, its customdata carries (slice, judge) for the click handler
    assert [list(c) for c in explorer.figure.data[0].customdata] == [["overall", "J/Vanilla"]]


def test_resolve_control_changes_estimate(explorer):
    explorer.resolve.value = "fastchat"
    assert overall(explorer)["overall"] == pytest.approx(4 / 6)


def test_slice_by_task_category(explorer):
    explorer.slice_by.value = "task category"
    est = overall(explorer)
    assert est["math"] == pytest.approx(4 / 6)  # item 2 wrong in both orders
    assert est["writing"] == pytest.approx(5 / 6)  # item 5 wrong when B is shown first
    assert [o[1] for o in explorer.bar.options] == [("math", "J/Vanilla"), ("writing", "J/Vanilla")]


def test_slice_by_position_consistency(explorer):
    explorer.slice_by.value = "bias: position (judge swap-consistent)"
    est = overall(explorer)
    assert est["swap-consistent"] == pytest.approx(8 / 10)  # items 1-4, 6; item 2 wrong twice
    assert est["swap-inconsistent"] == pytest.approx(1 / 2)  # item 5


def test_statistic_control_matches_agreement(explorer):
    explorer.statistic.value = "cohen_kappa"
    expected = workbench.agreement(
        toy(), judges=["J/Vanilla"], reference="human", statistics=["cohen_kappa"], n_resamples=10
    )["estimate"].iloc[0]
    assert overall(explorer)["overall"] == pytest.approx(expected)
    assert explorer.figure.layout.yaxis.title.text == "cohen kappa"


def test_progress_indicator_shown_for_slow_computations(annotation_store):
    ex = Explorer(toy(), store=annotation_store, n_resamples=50, progress_after=0)
    assert "computing agreement with bootstrap CIs" in ex.progress_events
    assert ex.progress.layout.visibility == "hidden"  # hidden again once done
    quiet = Explorer(toy(), store=annotation_store, n_resamples=50, progress_after=3600)
    assert quiet.progress_events == []


# --------------------------------------------------------------------------- items
def test_show_items_orders_disagreements_by_surprise(explorer):
    queue = explorer.show_items(judge="J/Vanilla")
    # item 2: both verdicts differ from the human (surprise 1); item 5: one of two (0.5)
    assert queue["item_id"].tolist() == ["2", "5"]
    assert queue["surprise"].tolist() == [1.0, 0.5]
    assert explorer.item_id == "2"  # the first item opens
    assert "Question 2" in explorer.viewer.value


def test_bar_click_opens_the_bar_items(explorer):
    explorer.slice_by.value = "task category"
    trace = explorer.figure.data[0]
    i = [c[0] for c in trace.customdata].index("writing")
    points = Points(point_inds=[i], xs=[trace.x[i]], ys=[trace.y[i]], trace_name=trace.name,
                    trace_index=0)  # fmt: skip
    explorer._on_bar_click(trace, points, None)
    assert explorer.selection == ("writing", "J/Vanilla")
    assert explorer.queue["item_id"].tolist() == ["5"]
    assert explorer.bar.value == ("writing", "J/Vanilla")


def test_bar_click_without_points_is_ignored(explorer):
    # plotly calls every trace's handler, the ones not clicked with no points
    trace = explorer.figure.data[0]
    explorer._on_bar_click(trace, Points([], [], [], trace.name, 0), None)
    assert explorer.queue is None


def test_show_button_does_what_a_bar_click_does(explorer):
    explorer.slice_by.value = "task category"
    explorer.bar.value = ("math", "J/Vanilla")
    explorer.show_button.click()
    assert explorer.queue["item_id"].tolist() == ["2"]


def test_open_item_escapes_payload_and_switches_to_markdown(explorer):
    explorer.show_items(judge="J/Vanilla")
    explorer.queue_select.value = "5"
    assert explorer.item_id == "5"
    assert dangerous(explorer.viewer.value) == []
    assert "&lt;script&gt;" in explorer.viewer.value
    assert "**bold**" in explorer.viewer.value  # plain text by default
    explorer.text_mode.value = "markdown"
    assert "<strong>bold</strong>" in explorer.viewer.value
    assert dangerous(explorer.viewer.value) == []


def test_open_item_suggests_bias_tags_without_choosing_them(explorer):
    explorer.show_items(judge="J/Vanilla")
    explorer.open_item("5")
    # item 5: swap-inconsistent (position); its wrong BA verdict A is the longer response
    # (the payload has more words than "five": length)
    assert explorer.form.suggested == ("position_preference", "length_preference")
    assert explorer.tags.value == ()  # suggestions are not choices
    assert "<i>position_preference</i>" in explorer.suggested.value
    assert not explorer.apply_button.disabled
    explorer.apply_button.click()
    assert explorer.tags.value == ("position_preference", "length_preference")
    assert explorer.apply_button.disabled
    # item 2: wrong B in both orders; B is shown first in BA (position), B is shorter
    explorer.open_item("2")
    assert explorer.form.suggested == ("position_preference",)
    assert explorer.tags.value == ()


def test_ceiling_needs_two_annotators(explorer):
    assert not explorer.table["is_ceiling"].any()
    assert "no human ceiling" in explorer.status.value


def test_unknown_item_and_judge_raise(explorer):
    with pytest.raises(ValueError, match="item_id"):
        explorer.open_item("99")
    with pytest.raises(ValueError, match="judge"):
        explorer.show_items(judge="nobody")


# --------------------------------------------------------------------------- annotations
def test_save_writes_the_store(explorer, annotation_store):
    explorer.show_items(judge="J/Vanilla")
    explorer.cause.value = "judge_wrong"
    explorer.note.value = "B is a one-word answer"
    explorer.save_button.click()
    cur = annotations.load(annotation_store)
    assert cur[["dataset", "item_id", "judge", "reference", "cause", "note", "annotator"]].to_dict(
        "records"
    ) == [
        {
            "dataset": "toy",
            "item_id": "2",
            "judge": "J/Vanilla",
            "reference": "human",
            "cause": "judge_wrong",
            "note": "B is a one-word answer",
            "annotator": "ann",
        }
    ]
    assert "✓" in explorer.queue_select.options[0][0]


def test_second_save_edits_and_keeps_history(explorer, annotation_store):
    explorer.show_items(judge="J/Vanilla")
    explorer.cause.value = "judge_wrong"
    first = explorer.save()
    explorer.cause.value = "ambiguous_item"
    assert explorer.save() == first
    store = annotations.AnnotationStore(annotation_store)
    assert store.current()["cause"].tolist() == ["ambiguous_item"]
    hist = store.history(first)
    edit = hist[(hist["action"] == "edit") & (hist["field"] == "cause")]
    assert edit[["previous", "value"]].values.tolist() == [["judge_wrong", "ambiguous_item"]]


def test_withdraw_removes_from_current(explorer, annotation_store):
    explorer.show_items(judge="J/Vanilla")
    explorer.cause.value = "other"
    explorer.save()
    assert not explorer.withdraw_button.disabled
    explorer.withdraw_button.click()
    assert annotations.load(annotation_store).empty
    assert len(annotations.load(annotation_store, include_withdrawn=True)) == 1


def test_save_needs_a_cause(explorer, annotation_store):
    explorer.show_items(judge="J/Vanilla")
    with pytest.raises(ValueError, match="cause"):
        explorer.save()
    assert "cause" in explorer.form_status.value
    assert annotations.load(annotation_store).empty


def test_exclude_label_noise_recomputes(explorer):
    explorer.show_items(judge="J/Vanilla")
    explorer.cause.value = "label_noise"
    explorer.save()  # item 2
    explorer.exclude_noise.value = True
    # items 1, 3-6: AB all 5 right, BA misses item 5 -> 9/10
    assert overall(explorer)["overall"] == pytest.approx(9 / 10)
    assert explorer.table["n_items"].tolist() == [5]
    explorer.withdraw()  # withdrawing recomputes at once
    assert overall(explorer)["overall"] == pytest.approx(9 / 12)


def test_reopened_item_is_prefilled_and_saved_unchanged_writes_nothing(explorer, annotation_store):
    explorer.show_items(judge="J/Vanilla")  # opens item 2 (the most surprising)
    explorer.cause.value = "human_wrong"
    explorer.note.value = "the human misread B"
    first = explorer.save()
    explorer.open_item("5")
    assert (explorer.cause.value, explorer.note.value, explorer.tags.value) == (None, "", ())
    assert explorer.form_status.value == ""  # item 2's message is not item 5's
    assert explorer.withdraw_button.disabled
    explorer.open_item("2")
    assert (explorer.cause.value, explorer.note.value) == ("human_wrong", "the human misread B")
    assert explorer.tags.value == ()  # suggested position_preference not chosen
    assert not explorer.withdraw_button.disabled
    assert explorer.save() == first
    assert "unchanged" in explorer.form_status.value
    store = annotations.AnnotationStore(annotation_store)
    assert [e["action"] for e in store.events()] == ["create"]
    assert store.current()["bias_tags"].tolist() == [""]


def test_marks_follow_saves_and_withdrawals(explorer):
    explorer.show_items(judge="J/Vanilla")
    explorer.cause.value = "other"
    explorer.save()
    marked = [v for label, v in explorer.queue_select.options if label.startswith("✓")]
    assert marked == ["2"]
    explorer.withdraw_button.click()
    assert [label for label, _ in explorer.queue_select.options if "✓" in label] == []
    assert explorer.withdraw_button.disabled
    assert "withdrawn" in explorer.form_status.value


def test_reload_keeps_the_annotator_and_edits(annotation_store, monkeypatch):
    monkeypatch.delenv("WORKBENCH_ANNOTATOR", raising=False)
    first = Explorer(toy(), store=annotation_store, n_resamples=50)
    first.annotator.value = "ann-2"  # typed into the page
    first.show_items(judge="J/Vanilla")
    first.cause.value = "judge_wrong"
    aid = first.save()
    reloaded = Explorer(toy(), store=annotation_store, n_resamples=50)
    assert reloaded.annotator.value == "ann-2"
    reloaded.show_items(judge="J/Vanilla")
    assert reloaded.cause.value == "judge_wrong" and not reloaded.withdraw_button.disabled
    assert reloaded.queue_select.options[0][0].startswith("✓")
    reloaded.cause.value = "ambiguous_item"
    assert reloaded.save() == aid
    store = annotations.AnnotationStore(annotation_store)
    assert [e["action"] for e in store.events()] == ["create", "edit"]
    assert store.current()["cause"].tolist() == ["ambiguous_item"]


def test_changing_the_annotator_prefills_their_own_annotation(explorer):
    explorer.show_items(judge="J/Vanilla")
    explorer.cause.value = "other"
    explorer.save()
    explorer.annotator.value = "bob"
    assert explorer.cause.value is None and explorer.withdraw_button.disabled
    assert explorer.queue_select.options[0][0].startswith("✓") is False
    explorer.annotator.value = "ann"
    assert explorer.cause.value == "other" and not explorer.withdraw_button.disabled


# --------------------------------------------------------------------------- inputs
def test_explorer_rejects_bad_arguments(annotation_store):
    with pytest.raises(ValueError, match="statistic"):
        Explorer(toy(), store=annotation_store, statistic="accuracy_score")
    with pytest.raises(ValueError, match="dataset"):
        Explorer(toy(), store=annotation_store, dataset="other")
    with pytest.raises(ValueError, match="resolve"):
        Explorer(toy(), store=annotation_store, resolve="majority")
    mixed = toy().assign(protocol=["rating"] + ["pairwise"] * (len(toy()) - 1))
    with pytest.raises(ValueError, match="protocol"):  # one protocol per dataset
        Explorer(mixed, store=annotation_store)


def test_explorer_reads_env_table(tmp_path, monkeypatch, annotation_store):
    path = tmp_path / "mine.parquet"
    toy().to_parquet(path)
    monkeypatch.setenv("WORKBENCH_EXPLORER_DATA", str(path))
    ex = Explorer(dataset="llmbar", store=annotation_store, n_resamples=50)
    assert ex.dataset.options == ("toy",)  # the env table replaces the registry
    assert overall(ex)["overall"] == pytest.approx(9 / 12)


def test_explorer_on_pandalm_has_ceiling(annotation_store):
    ex = Explorer(dataset="pandalm", datasets=["pandalm"], store=annotation_store, n_resamples=50)
    # default: the ceiling's footing (was human:majority before agreement()'s default changed)
    assert ex.reference.value == "others"
    ceiling = ex.table[ex.table["is_ceiling"]]
    assert ceiling["judge"].tolist() == [CEILING]
    expected = workbench.agreement(
        workbench.load("pandalm"),
        judges=["gpt-3.5-turbo"],
        statistics=["percent_agreement"],
        n_resamples=10,
    )
    assert overall(ex)["overall"] == pytest.approx(expected["estimate"].iloc[0])
    ex.reference.value = "human:majority"  # an explicit rater is still offered
    expected = workbench.agreement(
        workbench.load("pandalm"),
        judges=["gpt-3.5-turbo"],
        reference="human:majority",
        statistics=["percent_agreement"],
        n_resamples=10,
    )
    assert overall(ex)["overall"] == pytest.approx(expected["estimate"].iloc[0])
    assert [t.name for t in ex.figure.data] == ["gpt-3.5-turbo", CEILING]
    ex.show_items(judge=CEILING)  # ceiling bar: items where the three annotators split
    assert len(ex.queue) > 0 and ex.item_id is not None
    assert ex.data.version == widgets._data_version("pandalm")


# --------------------------------------------------------------------------- the chart belongs to the selection
def bars(ex: Explorer) -> list[tuple[str, list[float]]]:
    """(trace name, bar heights) of the figure on screen; NaN heights as None."""
    return [
        (t.name, [None if pd.isna(v) else round(float(v), 6) for v in t.y]) for t in ex.figure.data
    ]


def assert_empty_chart(ex: Explorer, name: str) -> None:
    """Nothing of another selection is on screen: no bars, no bar list, no queue, no item."""
    assert ex.figure.data == ()
    assert ex.figure.layout.title.text.startswith(f"{name}: no chart")
    assert ex.figure.layout.xaxis.visible is False  # no empty axes that look like data
    assert ex.bar.options == () and ex.bar.value is None
    assert ex.queue is None and ex.queue_select.options == () and ex.item_id is None
    assert ex.table.empty
    assert f"<b>{name}</b>" in ex.status.value


def three_annotators() -> pd.DataFrame:
    """Four items, three annotators and no human:majority; judge J says A throughout.

    Others' majority (ties -> none) per annotator and item: item 0 A for all; item 1 A
    for human:2 only (human:1 and human:3 face a 1-1 split); item 2 B for all; item 3
    A for human:1 only. J agrees on every pair but item 2's: human:1 2/3, human:2 2/3,
    human:3 1/2, mean 11/18. Ceiling (each annotator vs the same others' majority):
    human:1 2/3 (item 3: B vs A), human:2 2/3 (item 1: B vs A), human:3 2/2, mean 7/9.
    """
    from workbench.testing import toy as toy_table

    return toy_table(
        pairwise={"human:1": "AABB", "human:2": "ABBA", "human:3": "AABA", "J/Vanilla": "AAAA"}
    )


def test_same_footing_is_the_default_reference(annotation_store):
    df = three_annotators()
    ex = Explorer(df, store=annotation_store, annotator="ann", n_resamples=50)
    assert ex.reference.value == "others"
    labels = [label for label, _ in ex.reference.options]
    assert labels[:2] == ["others' majority (same footing as the ceiling)", "human:majority"]
    assert "human:majority is computed" in ex.reference.tooltip
    judge = ex.table[~ex.table["is_ceiling"]].iloc[0]
    assert judge["estimate"] == pytest.approx(11 / 18)
    assert judge["gap_to_ceiling"] == pytest.approx(11 / 18 - 7 / 9)
    assert bars(ex) == [("J/Vanilla", [round(11 / 18, 6)]), (CEILING, [round(7 / 9, 6)])]
    expected = workbench.agreement(df, statistics=["percent_agreement"], n_resamples=50)
    assert judge["estimate"] == pytest.approx(expected["estimate"].iloc[0])
    assert judge["gap_to_ceiling"] == pytest.approx(expected["gap_to_ceiling"].iloc[0])
    # the gap and the reason for the missing interval (4 items) are on screen
    assert "gap to ceiling: −0.167" in ex.figure.data[0].hovertext[0]
    assert "gap to ceiling −0.167 (no interval)" in ex.status.value
    assert "4 items: fewer than 10, no interval" in ex.status.value
    assert "<b>toy</b>" in ex.status.value and "others&#x27; majority" in ex.status.value
    # the queue uses the per-item majority (A, A, B, A): J disagrees on item 2 only
    queue = ex.show_items(judge="J/Vanilla")
    assert queue["item_id"].tolist() == ["2"]
    assert "J/Vanilla ≠ human:majority" in ex.queue_title.value
    ex.cause.value = "judge_wrong"
    ex.save()
    assert annotations.load(annotation_store)["reference"].tolist() == ["human:majority"]
    # the explicit majority is still offered: 3 of 4 items agree
    ex.reference.value = "human:majority"
    assert overall(ex)["overall"] == pytest.approx(3 / 4)
    assert ex.queue is None  # a reference change clears the previous queue


def test_switching_datasets_never_keeps_stale_bars(annotation_store):
    broken = pd.concat([toy(), toy().iloc[:1]], ignore_index=True).assign(dataset="broken")
    from workbench.testing import toy as toy_table

    nogold = toy_table(pairwise={"gold": "AB..", "K/Vanilla": "..AB"}, dataset="nogold")
    tables = {"toy": toy(), "broken": broken, "nogold": nogold}
    ex = Explorer(tables, store=annotation_store, n_resamples=50)
    assert bars(ex) == [("J/Vanilla", [0.75])]
    ex.show_items(judge="J/Vanilla")
    assert ex.queue is not None
    ex.dataset.value = "broken"  # a duplicate key: SchemaError
    assert_empty_chart(ex, "broken")
    assert "SchemaError" in ex.status.value and "duplicate key" in ex.status.value
    assert ex.judges.options == () and ex.reference.options == ()
    ex.dataset.value = "nogold"  # gold shares no item with the judge: not offered
    assert_empty_chart(ex, "nogold")
    assert ex.judges.options == ("K",) and ex.reference.options == ()
    assert "no human or gold reference that shares items" in ex.status.value
    assert "Not offered (no item in common with the judges): gold" in ex.reference.tooltip
    ex.dataset.value = "toy"
    assert bars(ex) == [("J/Vanilla", [0.75])]
    assert ex.figure.layout.title.text == "toy: agreement with human"


def test_judge_without_overlap_is_named_not_drawn(annotation_store):
    from workbench.testing import toy as toy_table

    df = toy_table(pairwise={"human": "AA..", "J/Vanilla": "AB..", "K/Vanilla": "..AB"})
    ex = Explorer(df, store=annotation_store, n_resamples=50)
    assert bars(ex) == [("J/Vanilla", [0.5])]
    # K shares no item with any reference: not offered, and the reference tooltip says so
    assert list(ex.judges.options) == ["J"]
    assert "Judges not offered (no item in common with any reference): K/Vanilla" in (
        ex.reference.tooltip
    )
    with pytest.raises(TraitError):
        ex.judges.value = ("K",)
    # a reference that shares items with only some chosen judges: the others are named
    two = toy_table(
        pairwise={"human": "AA..", "gold": "AAAB", "J/Vanilla": "AB..", "K/Vanilla": "..AB"}
    )
    ex = Explorer(two, store=annotation_store, n_resamples=50, reference="human")
    ex.judges.value = ("J", "K")
    assert bars(ex) == [("J/Vanilla", [0.5])]
    assert "not drawn (no item in common with the reference): K/Vanilla" in ex.status.value
    ex.judges.value = ("K",)
    assert_empty_chart(ex, "toy")
    assert "no chosen judge rater shares an item with the reference human" in ex.status.value


def test_nan_estimate_is_drawn_with_its_note(annotation_store):
    from workbench.testing import toy as toy_table

    const = toy_table(pairwise={"human": "AAAAAA", "J/Vanilla": "AAAAAA"}, dataset="const")
    ex = Explorer(
        {"toy": toy(), "const": const}, store=annotation_store, statistic="cohen_kappa",
        n_resamples=50,
    )  # fmt: skip
    ex.dataset.value = "const"  # kappa is undefined when both raters use one label
    assert bars(ex) == [("J/Vanilla", [None])]
    assert ex.figure.layout.title.text == "const: agreement with human"
    assert "<b>const</b>" in ex.status.value
    assert "J/Vanilla: — (no interval), n=6" in ex.status.value
    assert "estimate undefined on these pairs" in ex.status.value
    assert ex.figure.data[0].hovertext[0].startswith("—<br>95% CI: no interval")


def test_nan_everywhere_in_the_table_does_not_stop_the_redraw(explorer, monkeypatch):
    nan = float("nan")
    table = pd.DataFrame(
        {
            "slice": ["overall"],
            "judge": ["J/Vanilla"],
            "statistic": ["percent_agreement"],
            "estimate": [nan],
            "ci_low": [nan],
            "ci_high": [nan],
            "n_items": [nan],
            "gap_to_ceiling": [nan],
            "gap_ci_low": [nan],
            "gap_ci_high": [nan],
            "note": [pd.NA],
            "is_ceiling": [False],
        }
    )
    explorer.statistic.value = "cohen_kappa"  # a new chart is drawn from the table below
    monkeypatch.setattr(explorer, "compute", lambda: table)
    explorer.refresh()
    assert bars(explorer) == [("J/Vanilla", [None])]
    assert "J/Vanilla: — (no interval), n=—" in explorer.status.value
    assert "up to — items per bar" in explorer.status.value


def test_llmbar_llmfao_mt_bench_pandalm_never_stale(annotation_store, monkeypatch):
    from workbench import loaders
    from workbench.errors import LoadError

    real_load = loaders.load

    def load(name, *args, **kwargs):
        if name == "mt_bench":
            raise LoadError("mt_bench_human_judgments/data/human.parquet", 0, "file", "not staged")
        return real_load(name, *args, **kwargs)

    monkeypatch.setattr(loaders, "load", load)
    names = ["llmbar", "llmfao", "mt_bench", "pandalm"]
    ex = Explorer(datasets=names, judges=["GPT-4"], store=annotation_store, n_resamples=50)
    assert ex.reference.value == "gold"  # no individual annotators in LLMBar
    assert [name for name, _ in bars(ex)] == ["GPT-4/Vanilla"]
    assert ex.figure.layout.title.text == "llmbar: agreement with gold"
    ex.show_items(judge="GPT-4/Vanilla")
    assert ex.queue is not None

    ex.dataset.value = "llmfao"  # gold shares no item with the judges: the crowd instead
    assert ex.reference.value == "others"
    assert "gold" not in [v for _, v in ex.reference.options]
    assert [name for name, _ in bars(ex)] == ["gpt-3.5-turbo-instruct", CEILING]
    assert [v for _, values in bars(ex) for v in values] == pytest.approx(
        ex.table["estimate"].tolist()
    )
    assert set(ex.table["reference"]) == {"others' majority"}
    assert ex.queue is None and ex.queue_select.options == ()
    assert "<b>llmfao</b>" in ex.status.value and "llmbar" not in ex.status.value
    assert ex.figure.layout.title.text.startswith("llmfao: agreement with others' majority")

    ex.dataset.value = "mt_bench"
    assert_empty_chart(ex, "mt_bench")
    assert "cannot be loaded: LoadError" in ex.status.value and "not staged" in ex.status.value
    assert ex.judges.options == () and ex.reference.options == ()

    ex.dataset.value = "pandalm"
    assert ex.reference.value == "others"
    assert [name for name, _ in bars(ex)] == ["gpt-3.5-turbo", CEILING]
    expected = workbench.agreement(workbench.load("pandalm"), n_resamples=50)
    row = expected[
        (expected["judge"] == "gpt-3.5-turbo") & (expected["statistic"] == "percent_agreement")
    ].iloc[0]
    mine = ex.table[~ex.table["is_ceiling"]].iloc[0]
    cols = ["estimate", "ci_low", "ci_high", "n_items", "gap_to_ceiling", "gap_ci_low"]
    assert mine[cols].astype(float).tolist() == pytest.approx(row[cols].astype(float).tolist())
    assert bars(ex)[0][1] == [round(row["estimate"], 6)]
    assert (
        f"gap to ceiling: {widgets._fmt(row['gap_to_ceiling'])}" in ex.figure.data[0].hovertext[0]
    )
    assert "<b>pandalm</b>" in ex.status.value and "mt_bench" not in ex.status.value


def test_failed_bar_click_empties_the_queue_and_says_why(explorer, monkeypatch):
    from workbench.errors import SchemaError

    explorer.show_items(judge="J/Vanilla")
    assert [v for _, v in explorer.queue_select.options] == ["2", "5"]

    def broken(df, *, judge, reference):
        raise SchemaError("df: row 3: field 'label': 'X' is not a pairwise label")

    monkeypatch.setattr(explorer_model, "disagreements", broken)
    explorer.show_button.click()  # what a click on the bar does, through the UI
    assert explorer.queue is None and explorer.queue_select.options == ()
    assert explorer.item_id is None and "No item open" in explorer.viewer.value
    assert "<b>toy</b>: no items for J/Vanilla · overall: SchemaError" in explorer.queue_title.value
