"""Safe HTML of an item: prompt, responses, human labels, judge verdicts; the CSS.

Untrusted text (prompts, responses, explanations) is always HTML-escaped
(:func:`render_text`); the "rendered" mode converts markdown and then sanitizes
it with ``bleach`` (tags allow-list, no attributes but ``href``/``title`` on
links, only ``http``/``https``/``mailto`` links).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import vocab

CSS = """
<style>
.wb-box {max-height: 220px; overflow: auto; border: 1px solid #d0d0d0; border-radius: 3px;
  padding: 4px 6px; margin: 0; background: #fafafa; font-size: 12.5px; line-height: 1.35;}
.wb-plain {white-space: pre-wrap; word-break: break-word; font-family: ui-monospace, monospace;}
.wb-pair {display: grid; grid-template-columns: 1fr 1fr; gap: 8px;}
.wb-h {font-weight: 600; margin: 6px 0 2px 0; font-size: 13px;}
.wb-table {border-collapse: collapse; font-size: 12.5px;}
.wb-table td, .wb-table th {border: 1px solid #ddd; padding: 2px 6px; text-align: left;}
.wb-tag {display: inline-block; background: #eef; border-radius: 3px; padding: 0 4px; margin: 1px;}
.wb-why {margin-top: 2px; color: #444;}
.wb-chart > * {width: 100%;}
.wb-chart .js-plotly-plot, .wb-chart .plot-container {width: 100%;}
</style>
"""


# --------------------------------------------------------------------------- rendering
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "pre",
        "code",
        "em",
        "strong",
        "b",
        "i",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)


def render_text(text: object, *, mode: Literal["plain", "markdown"] = "plain") -> str:
    """HTML for an untrusted text (prompt, response, explanation) inside a scroll box.

    Parameters
    ----------
    text : object
        The text; NA / None render as an em dash.
    mode : {"plain", "markdown"}, default "plain"
        ``plain`` escapes every character that HTML treats specially
        (:func:`html.escape`) and keeps line breaks. ``markdown`` renders
        markdown with raw HTML escaped (``mistune``), then sanitizes the result
        with ``bleach`` (allow-listed tags, ``href``/``title`` on links only,
        ``http``/``https``/``mailto`` protocols only).

    Returns
    -------
    str
        A ``<div class="wb-box">`` whose height is capped (long texts scroll).

    Examples
    --------
    >>> render_text('<img src=x onerror="alert(1)">')
    '<div class="wb-box wb-plain">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</div>'
    >>> "javascript" in render_text("[x](javascript:alert(1))", mode="markdown")
    False
    """
    if mode not in ("plain", "markdown"):
        raise ValueError(f"mode: expected 'plain' or 'markdown', got {mode!r}")
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return '<div class="wb-box wb-plain">—</div>'
    text = str(text)
    if mode == "plain":
        return f'<div class="wb-box wb-plain">{html.escape(text)}</div>'
    import bleach
    import mistune

    rendered = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)
    clean = bleach.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes={"a": ["href", "title"]},
        protocols=["http", "https", "mailto"],
        strip=True,
    )
    return f'<div class="wb-box">{clean}</div>'


def esc(value: object) -> str:
    """Escape a short value for a table cell (NA -> em dash)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return html.escape(str(value))


def verdict_text(row: Any) -> str:
    """A judgment as shown: its label, else its score (ratings), else the unparsed raw text.

    The criterion is named when the row has one other than ``overall``.

    >>> verdict_text(pd.Series({"label": None, "score": 4.0, "criterion": "coherence"}))
    'coherence: 4'
    >>> verdict_text(pd.Series({"label": "A", "criterion": "overall"}))
    'A'
    >>> verdict_text(pd.Series({"label": None, "score": None, "raw": "??"}))
    'unparsed: ??'
    """
    label = row.get("label")
    score = row.get("score")
    if label is not None and pd.notna(label):
        text = str(label)
    elif score is not None and pd.notna(score):
        text = f"{float(score):g}"
    else:
        return f"unparsed: {row.get('raw')}"
    criterion = row.get("criterion")
    if criterion is not None and pd.notna(criterion) and str(criterion) != "overall":
        text = f"{criterion}: {text}"
    return text


def item_html(
    rows: pd.DataFrame,
    *,
    judge: str | None = None,
    mode: Literal["plain", "markdown"] = "plain",
    tags: pd.Series | Mapping | None = None,
) -> str:
    """HTML of one item: prompt, responses side by side, human labels, judge verdicts.

    Every text of the item passes through :func:`render_text` (escaped), every
    short value through :func:`html.escape`.

    Parameters
    ----------
    rows : DataFrame
        All tidy rows of one item.
    judge : str, optional
        The judge rater whose verdicts are listed first.
    mode : {"plain", "markdown"}
        See :func:`render_text`.
    tags : Series or mapping, optional
        The item's row of the disagreement table (probe tags, surprise).

    Returns
    -------
    str

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": ["t"], "item_id": ["1"], "rater": ["gold"],
    ...     "rater_kind": ["gold"], "order": [None], "label": ["A"], "prompt": ["<b>hi</b>"],
    ...     "response_a": ["x"], "response_b": ["y"]})
    >>> "&lt;b&gt;hi&lt;/b&gt;" in item_html(rows)
    True
    """
    first = rows.iloc[0]

    def get(col: str) -> object:
        if col not in rows:
            return None
        vals = rows[col].dropna()
        return vals.iloc[0] if len(vals) else None

    out = [
        f"<div class='wb-h'>{esc(first['dataset'])} · item {esc(first['item_id'])}"
        + (f" · {esc(get('subset'))}" if get("subset") is not None else "")
        + "</div>",
        "<div class='wb-h'>Prompt</div>",
        render_text(get("prompt"), mode=mode),
    ]
    if get("response_a") is not None or get("response_b") is not None:
        ma, mb = get("model_a"), get("model_b")
        out.append(
            "<div class='wb-pair'><div>"
            f"<div class='wb-h'>Response A{' (' + esc(ma) + ')' if ma is not None else ''}</div>"
            f"{render_text(get('response_a'), mode=mode)}</div><div>"
            f"<div class='wb-h'>Response B{' (' + esc(mb) + ')' if mb is not None else ''}</div>"
            f"{render_text(get('response_b'), mode=mode)}</div></div>"
        )
    if get("response") is not None:
        out += ["<div class='wb-h'>Response</div>", render_text(get("response"), mode=mode)]
    if get("reference") is not None:
        out += [
            "<div class='wb-h'>Reference answer</div>",
            render_text(get("reference"), mode=mode),
        ]
    kind = rows["rater_kind"].astype(str)
    humans = rows[kind.isin(["human", "gold"])]
    if len(humans):
        cells = "".join(
            f"<tr><td>{esc(r['rater'])}</td><td>{esc(verdict_text(r))}</td></tr>"
            for _, r in humans.sort_values(
                ["rater", "criterion"] if "criterion" in humans else "rater"
            ).iterrows()
        )
        out.append(
            "<div class='wb-h'>Human labels</div><table class='wb-table'>"
            f"<tr><th>rater</th><th>label</th></tr>{cells}</table>"
        )
    if tags is not None:
        flags = [
            k
            for k, v in dict(tags).items()
            if isinstance(v, (bool, np.bool_)) and bool(v) and k not in ("disagree",)
        ]
        extra = "".join(f"<span class='wb-tag'>{esc(f)}</span>" for f in flags)
        if "surprise" in dict(tags):
            extra += f" surprise {esc(round(float(dict(tags)['surprise']), 3))}"
        if dict(tags).get("why"):
            extra += f"<div class='wb-why'>Why surprising: {esc(dict(tags)['why'])}</div>"
        if extra:
            out.append(f"<div class='wb-h'>Probe tags</div><div>{extra}</div>")
    judges = rows[kind.isin(vocab.JUDGE_KINDS)]
    if judge is not None:
        own = judges[judges["rater"].astype(str) == judge]
        others = judges[judges["rater"].astype(str) != judge]
    else:
        own, others = judges.iloc[:0], judges
    for title, part, explain in (("Judge verdicts", own, True), ("Other judges", others, False)):
        if part.empty:
            continue
        cells = []
        for _, r in part.sort_values(["rater", "order"]).iterrows():
            order = r.get("order")
            shown = (
                "A shown first"
                if order == "AB"
                else "B shown first"
                if order == "BA"
                else "order unknown"
            )
            label = verdict_text(r)
            cells.append(
                f"<tr><td>{esc(r['rater'])}</td><td>{esc(shown)}</td><td>{esc(label)}</td></tr>"
            )
        table = (
            f"<table class='wb-table'><tr><th>judge</th><th>presentation</th><th>verdict</th></tr>"
            f"{''.join(cells)}</table>"
        )
        if title == "Other judges":
            table = f"<details><summary>{len(part)} verdicts</summary>{table}</details>"
        out += [f"<div class='wb-h'>{title}</div>", table]
        if explain and "explanation" in part:
            for _, r in part[part["explanation"].notna()].iterrows():
                out += [
                    f"<div class='wb-h'>Explanation ({esc(r['rater'])}, {esc(r.get('order'))})</div>",
                    render_text(r["explanation"], mode=mode),
                ]
    return "".join(out)


# --------------------------------------------------------------------------- annotation form
MESSAGE_STYLE = {"ok": "color:#070", "error": "color:#b00", "info": "font-style:italic"}
"""How the annotation form's message is shown, per kind (:class:`~.annotate.AnnotationForm`)."""


def message_html(text: str, kind: str = "info") -> str:
    """The annotation form's message, escaped (``""`` stays empty).

    Examples
    --------
    >>> message_html("Annotation 1234 <b> saved.", "ok")
    "<span style='color:#070'>Annotation 1234 &lt;b&gt; saved.</span>"
    >>> message_html("")
    ''
    """
    if not text:
        return ""
    return f"<span style='{MESSAGE_STYLE.get(kind, '')}'>{esc(text)}</span>"


def suggestions_html(suggested: tuple[str, ...] | list[str], chosen: tuple[str, ...]) -> str:
    """The suggested bias tags, the ones not yet chosen marked as suggestions only.

    Examples
    --------
    >>> suggestions_html(("leniency", "position_preference"), ("leniency",))
    '<small>Suggested tags (not saved unless chosen): leniency ✓, <i>position_preference</i></small>'
    >>> suggestions_html((), ())
    '<small>No suggested tags for this item.</small>'
    """
    if not suggested:
        return "<small>No suggested tags for this item.</small>"
    names = ", ".join(f"{esc(t)} ✓" if t in chosen else f"<i>{esc(t)}</i>" for t in suggested)
    return f"<small>Suggested tags (not saved unless chosen): {names}</small>"


def annotations_html(current: pd.DataFrame) -> str:
    """Every current annotation of an item (rows of ``AnnotationStore.current``), escaped.

    Examples
    --------
    >>> from workbench.annotations import AnnotationStore
    >>> store = AnnotationStore(":memory:")
    >>> annotations_html(store.current())
    '<small>No annotation on this item yet.</small>'
    >>> _ = store.add(dataset="t", item_id="1", cause="other", annotator="<ann>", judge="J")
    >>> "<b>other</b> by &lt;ann&gt; (judge J)" in annotations_html(store.current())
    True
    """
    if current.empty:
        return "<small>No annotation on this item yet.</small>"
    entries = "".join(
        f"<li><b>{esc(r['cause'])}</b> by {esc(r['annotator'])}"
        f" (judge {esc(r['judge'])}"
        + (f"; tags {esc(r['bias_tags'])}" if r["bias_tags"] else "")
        + ")"
        + (f": <i>{esc(r['note'])}</i>" if r["note"] else "")
        + "</li>"
        for _, r in current.iterrows()
    )
    return (
        "<div style='font-size:12px;word-break:break-word'><b>Annotations of this item</b>"
        f"<ul style='margin:2px 0;padding-left:18px'>{entries}</ul></div>"
    )


def auditors_html(table: pd.DataFrame, conflicts: pd.DataFrame | None, limit: int = 5) -> str:
    """Auditor agreement (:func:`workbench.annotations.auditor_agreement`) and conflicts, escaped.

    ``conflicts`` None (blind mode): the conflicting causes are not listed.

    Examples
    --------
    >>> t = pd.DataFrame({"statistic": ["fleiss_kappa"], "estimate": [0.2], "ci_low": [float("nan")],
    ...     "ci_high": [float("nan")], "n_items": [2], "n_annotators": [2], "note": ["fewer than 10"]})
    >>> auditors_html(t, None)
    "<div style='font-size:12px'><b>Annotators on the cause</b> (2 shared disagreements, 2 annotators): Fleiss&#x27; κ 0.20 (fewer than 10)</div>"
    """
    from ..annotations.auditors import STATISTICS

    if table.empty or int(table["n_items"].max()) == 0:
        return ""
    first = table.iloc[0]
    parts = []
    for _, r in table.iterrows():
        est = "—" if pd.isna(r["estimate"]) else f"{float(r['estimate']):.2f}"
        ci = (
            f" [{float(r['ci_low']):.2f}, {float(r['ci_high']):.2f}]"
            if pd.notna(r["ci_low"])
            else f" ({esc(r['note'])})"
            if r["note"]
            else ""
        )
        parts.append(f"{esc(STATISTICS.get(str(r['statistic']), r['statistic']))} {est}{ci}")
    out = (
        f"<div style='font-size:12px'><b>Annotators on the cause</b> ({int(first['n_items'])} "
        f"shared disagreements, {int(first['n_annotators'])} annotators): {'; '.join(parts)}"
    )
    if conflicts is not None and len(conflicts):
        items = "".join(
            f"<li>item {esc(r['item_id'])} (judge {esc(r['judge'])}): {esc(r['causes'])}</li>"
            for _, r in conflicts.head(limit).iterrows()
        )
        more = f" (first {limit})" if len(conflicts) > limit else ""
        out += f"<br>Conflicts{more}:<ul style='margin:2px 0;padding-left:18px'>{items}</ul>"
    return out + "</div>"
