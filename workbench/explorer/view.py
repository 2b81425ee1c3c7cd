"""Disagreement explorer: where does a judge disagree with people, and why?

The only module of the workbench that imports :mod:`ipywidgets`. All logic lives
in plain methods of :class:`Explorer`, so tests drive it without a browser: set
a control's ``value``, call :meth:`Explorer.show_items` (what a click on a bar
does), :meth:`Explorer.open_item`, fill the form and ``save_button.click()``.

Layout (readable at 1280x800)::

    [dataset] [judges] [strategy] [human reference] [metric] [slice by] [resolve]
    agreement chart: one bar per (slice, judge) with its CI,   | slice + "Show items"
    grey bar = human-human ceiling on the same items           | item queue (by surprise)
    item viewer: prompt, response A | response B, human labels,| annotation form
    judge verdicts in both orders, explanations                 | (cause, tags, note)

Untrusted text (prompts, responses, explanations) is always HTML-escaped
(:func:`render_text`); the "rendered" mode converts markdown and then sanitizes
it with ``bleach`` (tags allow-list, no attributes but ``href``/``title`` on
links, only ``http``/``https``/``mailto`` links).

Environment variables
---------------------
WORKBENCH_EXPLORER_DATA
    Path of a tidy judgment table (parquet) to explore instead of the
    registered datasets (how ``voila notebooks/explore.ipynb`` opens your own
    data).
WORKBENCH_ANNOTATOR
    Default annotator id of the annotation form (else the login name).
"""

from __future__ import annotations

import getpass
import html
import os
import threading
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import ipywidgets as W
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import schema, vocab

if TYPE_CHECKING:
    from ..agreement import PreparedPairs

__all__ = [
    "CAUSES",
    "RESOLVE_RULES",
    "Explorer",
    "render_text",
]

CAUSES = vocab.CAUSES
"""Causes offered by the annotation form (:data:`workbench.vocab.CAUSES`)."""

RESOLVE_RULES = vocab.RULES
"""Rules for judgments made in both presentation orders (:data:`workbench.vocab.RULES`)."""


OVERALL = vocab.OVERALL
TEXT_COLUMNS = (
    "prompt",
    "response_a",
    "response_b",
    "response",
    "reference",
    "explanation",
    "raw",
)
CEILING = vocab.CEILING
MAX_QUEUE = 1000
SAME_FOOTING = "others"
"""Reference value of :func:`workbench.agreement.prepare` for the ceiling's own footing."""
SAME_FOOTING_LABEL = f"{vocab.OTHERS} (same footing as the ceiling)"
MAJORITY = "human:majority"
"""Rater the item queue and the reference-based slices use for :data:`SAME_FOOTING`."""
SAME_FOOTING_HELP = (
    f"{vocab.OTHERS}: each annotator's label is compared with the majority of the item's "
    "other annotators, for the judge exactly as for the human ceiling (the same reference, "
    "items and aggregation as workbench.agreement's default), so bars and ceiling are "
    f"comparable. The item queue and reference-based slices use the per-item majority of "
    f"all annotators ({MAJORITY})."
)

_CSS = """
<style>
.wb-box {max-height: 220px; overflow: auto; border: 1px solid #d0d0d0; border-radius: 3px;
  padding: 4px 6px; margin: 0; background: #fafafa; font-size: 12.5px; line-height: 1.35;}
.wb-plain {white-space: pre-wrap; word-break: break-word; font-family: ui-monospace, monospace;}
.wb-pair {display: grid; grid-template-columns: 1fr 1fr; gap: 8px;}
.wb-h {font-weight: 600; margin: 6px 0 2px 0; font-size: 13px;}
.wb-table {border-collapse: collapse; font-size: 12.5px;}
.wb-table td, .wb-table th {border: 1px solid #ddd; padding: 2px 6px; text-align: left;}
.wb-tag {display: inline-block; background: #eef; border-radius: 3px; padding: 0 4px; margin: 1px;}
</style>
"""


# --------------------------------------------------------------------------- rendering
_ALLOWED_TAGS = frozenset(
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
        tags=_ALLOWED_TAGS,
        attributes={"a": ["href", "title"]},
        protocols=["http", "https", "mailto"],
        strip=True,
    )
    return f'<div class="wb-box">{clean}</div>'


def _esc(value: object) -> str:
    """Escape a short value for a table cell (NA -> em dash)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return html.escape(str(value))


# --------------------------------------------------------------------------- adapters
# The explorer sits on top of agreement (tidy tables), bias (disagreements, probes),
# factors (item features) and annotations (the store). These adapters are the
# only places that know those modules' signatures.


def _agreement(df: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    from ..agreement import agreement

    return agreement(df, **kwargs)


def _prepare_pairs(
    df: pd.DataFrame, *, judges: list[str], reference: str, resolve: str
) -> PreparedPairs:
    """Judge/reference and ceiling pairs of :func:`workbench.agreement.agreement`, unsliced.

    The same pairs serve every slice dimension and statistic (slicing only adds
    the grouping key), so the explorer prepares them once per selection. They are
    sliced by criterion when the table has several, as ``agreement`` does.
    """
    from ..agreement import prepare

    return prepare(df, judges=judges, reference=reference, resolve=resolve)


def _one_judge(prepared: PreparedPairs, judge: str) -> PreparedPairs:
    """:func:`_prepare_pairs` as if ``judge`` were the only judge of the table."""
    return prepared.one_judge(judge)


def _agreement_prepared(
    prepared: PreparedPairs,
    *,
    slicer: pd.Series | None,
    statistic: str,
    n_resamples: int,
    rng: Any,
) -> tuple[pd.DataFrame, list[str]]:
    """``agreement(df, by=["subset"] or [], ...)`` from :func:`_prepare_pairs`'s pairs.

    ``slicer``: ``item_id -> slice value`` (items without one: ``(none)``), carried in
    ``subset`` like the judgments' own column. Returns the table and the ``by`` used.
    """
    by: list[str] = []
    if slicer is not None:

        def values(item_id: pd.Series) -> pd.Series:
            return item_id.map(slicer).astype("string").fillna("(none)")

        prepared = prepared.with_slice("subset", values)
        by = ["subset"]
    from ..agreement import AgreementWarning

    with warnings.catch_warnings():  # the explorer shows every row's note on screen
        warnings.simplefilter("ignore", AgreementWarning)
        table = prepared.emit(
            [statistic], n_resamples=n_resamples, confidence_level=0.95, method="bca", rng=rng
        )
    return table, by


def _disagreements(df: pd.DataFrame, *, judge: str, reference: str) -> pd.DataFrame:
    from .. import bias

    return bias.disagreements(df, judge=judge, reference=reference)


def _majority_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``human:majority`` rows of the individual annotators (:func:`workbench.verdicts.majority_vote`)."""
    from .. import verdicts

    return verdicts.majority_vote(df, name=MAJORITY)


def _check_user_table(df: pd.DataFrame, name: str) -> None:
    """:func:`workbench._validate.check_table` on a table passed in (registered ones are validated)."""
    from .._validate import check_table

    check_table(df, arg=f"data[{name!r}]")


def _statistics(protocol: str) -> list[str]:
    from ..agreement import DEFAULT_STATISTICS

    return list(DEFAULT_STATISTICS.get(protocol, ()))


def _probe_names(protocol: str) -> list[str]:
    """Names of the bias registry's probes that apply to ``protocol`` (the bias tags)."""
    from .. import bias

    return [name for name, p in bias.PROBES.items() if protocol in p.protocol.split("|")]


FLAG_TO_PROBE = {
    "picked_longer": "length_preference",
    "picked_first_presented": "position_preference",
    "swap_inconsistent": "position_preference",
    "judge_lenient": "leniency",
}
"""Disagreement-table flag -> bias probe it suggests (pre-selected as a bias tag)."""


def _causes() -> tuple[str, ...]:
    return vocab.CAUSES


def _data_version(name: str) -> str | None:
    """Version of a registered dataset's source data: a digest of its raw files' sha256.

    Annotations are keyed by it, so a new release of the data does not silently
    inherit annotations made on the old one. None for tables passed in directly.
    """
    import hashlib

    from .. import fetch, loaders

    try:
        mod = loaders.load_module(name)
        files = getattr(mod, "FILES_BY_NAME", {}).get(name, mod.FILES)
        reg = fetch.registry(mod.SOURCE.folder)
    except (ValueError, FileNotFoundError, AttributeError):
        return None
    h = hashlib.sha256()
    for path in sorted(files):
        if path not in reg:
            return None
        h.update(f"{path}={reg[path][0]}\n".encode())
    return f"sha256:{h.hexdigest()[:16]}"


def _item_factors(full: pd.DataFrame) -> pd.DataFrame:
    """Per-item factors of :func:`workbench.factors.item_factors`, indexed by item_id."""
    from .. import factors

    return factors.item_factors(full).set_index("item_id")


def _exclude(df: pd.DataFrame, store: Any) -> pd.DataFrame:
    """Judgments without the items annotated as label noise in ``store``."""
    from .. import annotations

    return annotations.exclude(df, store.current(dataset=str(df["dataset"].iloc[0])))


def _open_store(store: Any) -> Any:
    from .. import annotations

    if store is None or isinstance(store, (str, os.PathLike)):
        return annotations.AnnotationStore(store)
    return store


# --------------------------------------------------------------------------- data
class _Dataset:
    """One tidy table prepared for exploring: light judgments + item texts.

    ``check``: validate the table first (:func:`workbench._validate.check_table`; for
    tables passed in, registered datasets are validated by their loader). When items
    have two or more individual ``human:<id>`` annotators, :data:`SAME_FOOTING` is the
    first reference, and ``human:majority`` rows are added if the table lacks them
    (the item queue and the reference-based slices use them for it).
    """

    def __init__(
        self, name: str, df: pd.DataFrame, *, version: str | None = None, check: bool = False
    ):
        missing = [c for c in schema.REQUIRED if c not in df]
        if missing:
            raise ValueError(f"data: dataset {name!r} lacks column(s) {missing}")
        protocols = set(df["protocol"].astype(str).unique())
        if len(protocols) != 1 or not protocols <= {"pairwise", "binary"}:
            raise ValueError(
                f"data: dataset {name!r} has protocol(s) {sorted(protocols)}; the explorer shows "
                "one pairwise or binary dataset at a time (ratings: use workbench.agreement)"
            )
        if check:
            _check_user_table(df, name)
        self.name = name
        self.protocol = protocols.pop()
        self.version = version
        people = df["rater"].astype(str).str.match(r"human:(?!majority$)") & df[
            "rater_kind"
        ].astype(str).eq("human")
        voted = df.loc[people & df["label"].notna(), ["item_id", "rater"]]
        per_item = voted.groupby("item_id", observed=True)["rater"].nunique()
        self.same_footing = bool((per_item >= 2).any())
        """Items with two or more individual annotators: :data:`SAME_FOOTING` is offered."""
        self.majority_added = self.same_footing and not df["rater"].astype(str).eq(MAJORITY).any()
        if self.majority_added:
            df = pd.concat([df, _majority_rows(df)], ignore_index=True)
        self.full = df.reset_index(drop=True)
        # Texts blanked, every schema column kept in schema order: agreement() then skips
        # re-conforming the table on every call (~0.15 s on 100,000 rows).
        light = self.full[[c for c in schema.COLUMNS if c not in TEXT_COLUMNS]]
        self.judgments = schema.conform(light)
        self.rows_by_item = self.full.groupby("item_id", sort=False, observed=True).indices
        kind = self.judgments.groupby("rater", observed=True)["rater_kind"].first().astype(str)
        self.judges = sorted(kind.index[kind.isin(vocab.JUDGE_KINDS)])
        labelled = self.judgments.loc[self.judgments["label"].notna(), ["rater", "item_id"]]
        self.items_of: dict[str, frozenset] = {
            str(r): frozenset(ids.astype(str))
            for r, ids in labelled.groupby("rater", observed=True)["item_id"]
        }
        if self.same_footing:
            self.items_of[SAME_FOOTING] = frozenset(per_item.index[per_item >= 2].astype(str))
        raters = list(kind.index[kind.isin(["human", "gold"])])
        first = [MAJORITY, "human", "gold"]
        candidates = ([SAME_FOOTING] if self.same_footing else []) + [
            r for r in first if r in raters
        ]
        candidates += sorted(r for r in raters if r not in first)
        if self.judges:  # offer only references that share an item with some judge
            self.references = [r for r in candidates if self.overlap(r, self.judges)]
        else:
            self.references = candidates
        self.omitted_references = [r for r in candidates if r not in self.references]
        """References without an item in common with any judge (not offered)."""
        self.slices = _slice_dimensions(self.full, self.judgments)
        self.slice_maps: dict[tuple, pd.Series] = {}  # computed slice dimensions (Explorer)
        pairs = self.judgments[["rater", "strategy"]].dropna().astype(str).drop_duplicates()
        self.strategy_of: dict[str, set[str]] = {}
        for rater, strategy in pairs.itertuples(index=False):
            self.strategy_of.setdefault(rater, set()).add(strategy)
        orders = set(self.judgments["order"].dropna().astype(str).unique())
        self.two_orders = orders == {"AB", "BA"}

    def overlap(self, reference: str, raters: Iterable[str]) -> bool:
        """Do ``raters`` (judge rater ids) share a labelled item with ``reference``?"""
        ref = self.items_of.get(reference, frozenset())
        return any(not ref.isdisjoint(self.items_of.get(r, ())) for r in raters)

    def default_reference(self, raters: Sequence[str]) -> str | None:
        """The first offered reference that shares items with ``raters`` (else the first)."""
        for reference in self.references:
            if self.overlap(reference, raters):
                return reference
        return self.references[0] if self.references else None

    def strategies(self, judges: Iterable[str]) -> list[str]:
        return sorted({s for j in judges for s in self.strategy_of.get(j, ())})

    def judge_models(self) -> list[str]:
        return sorted({schema.judge_name(j) for j in self.judges})

    def raters_of(self, models: Iterable[str]) -> list[str]:
        """Judge rater ids of the judge models ``models`` (every strategy)."""
        models = set(models)
        return [r for r in self.judges if schema.judge_name(r) in models]

    def item(self, item_id: str) -> pd.DataFrame:
        idx = self.rows_by_item.get(item_id)
        if idx is None:
            raise ValueError(f"item_id: {item_id!r} is not in dataset {self.name!r}")
        return self.full.iloc[idx]


def _rater_reference(reference: str | None) -> str | None:
    """The rater standing for ``reference`` outside agreement (queue, slices, annotations).

    :data:`SAME_FOOTING` compares each annotator with the others' majority, which is
    not one rater; per item, the majority of all annotators stands in for it.

    >>> _rater_reference("others"), _rater_reference("gold")
    ('human:majority', 'gold')
    """
    return MAJORITY if reference == SAME_FOOTING else reference


def _reference_title(reference: str | None) -> str:
    """How a reference value is named on screen.

    >>> _reference_title("others"), _reference_title("human:majority")
    ("others' majority (same footing as the ceiling)", 'human:majority')
    """
    return SAME_FOOTING_LABEL if reference == SAME_FOOTING else str(reference)


def _sign_labels(diff: pd.Series, more: str, less: str, same: str) -> pd.Series:
    d = pd.to_numeric(diff).astype("Float64")
    out = pd.Series(pd.NA, index=diff.index, dtype="string")
    out[(d > 0).fillna(False).astype(bool)] = more
    out[(d < 0).fillna(False).astype(bool)] = less
    out[(d == 0).fillna(False).astype(bool)] = same
    return out


def _slice_dimensions(full: pd.DataFrame, judgments: pd.DataFrame) -> dict[str, Any]:
    """Slice dimensions of a dataset: label -> None (overall), item Series or a function.

    Item-level dimensions (task category, factors of :mod:`workbench.factors`)
    are Series ``item_id -> slice value``. Bias-type dimensions depend on the
    reference and/or the judge and are functions ``(judgments, reference,
    judge) -> Series``; the ones in :data:`PER_JUDGE` are computed per judge.
    """
    dims: dict[str, Any] = {OVERALL: None}
    items = judgments.drop_duplicates("item_id").set_index("item_id")
    if "subset" in items and items["subset"].nunique(dropna=True) > 1:
        dims["task category"] = items["subset"].astype("string")
    try:
        fac = _item_factors(full)
    except (ImportError, ValueError, KeyError):
        fac = pd.DataFrame(index=items.index)
    pairwise = judgments["protocol"].astype(str).eq("pairwise").any()
    candidates: dict[str, pd.Series] = {}
    if pairwise and "words_diff" in fac:
        from .. import factors

        candidates["factor: |length difference| (words)"] = factors.length_diff_bins(fac).astype(
            "string"
        )
        candidates["factor: longer response"] = _sign_labels(
            fac["words_diff"], "A longer", "B longer", "same length"
        )
        for name in ("list_items", "headings", "bold", "code_blocks", "links"):
            col = f"{name}_diff"
            if col in fac:
                nice = name.replace("_", " ")
                candidates[f"factor: more {nice}"] = _sign_labels(
                    fac[col], f"A more {nice}", f"B more {nice}", f"same {nice}"
                )
        if "refusal_diff" in fac:
            candidates["factor: refusal"] = _sign_labels(
                fac["refusal_diff"], "only A refuses", "only B refuses", "neither or both"
            )
        if "family_a" in fac:
            pair = fac["family_a"].fillna("?") + " vs " + fac["family_b"].fillna("?")
            candidates["factor: model families (A vs B)"] = pair.astype("string")
    elif "words" in fac:
        from .. import factors

        words = pd.to_numeric(fac["words"]).astype("float64")
        if words.notna().sum() > 4:
            candidates["factor: response length (quartile)"] = factors.quantile_bins(
                words, q=4
            ).astype("string")
        if "refusal" in fac:
            candidates["factor: refusal"] = (
                fac["refusal"].map({True: "refusal", False: "no refusal"}).astype("string")
            )
        if "family" in fac:
            candidates["factor: model family"] = fac["family"].astype("string")
    for label, series in candidates.items():
        n = series.nunique(dropna=True)
        if 1 < n <= 12:
            dims[label] = series
    if pairwise and "words_diff" in fac:
        words_diff = fac["words_diff"]
        dims["bias: length (what the human picked)"] = lambda df, reference, judge: (
            _human_pick_length(df, reference, words_diff)
        )
    if pairwise and {"AB", "BA"} <= set(judgments["order"].dropna().astype(str).unique()):
        dims[PER_JUDGE_POSITION] = lambda df, reference, judge: _swap_consistency(df, judge)
    people = judgments["rater"].astype(str).str.match(r"human:(?!majority)")
    if people.any() and judgments.loc[people, "rater"].nunique() > 1:
        dims["bias: humans split"] = lambda df, reference, judge: _humans_split(df)
    if judgments["protocol"].astype(str).eq("binary").any():
        dims["bias: leniency (reference says)"] = lambda df, reference, judge: _reference_label(
            df, reference
        ).map({"correct": "reference: correct", "incorrect": "reference: incorrect"})
    return dims


PER_JUDGE_POSITION = "bias: position (judge swap-consistent)"
PER_JUDGE = frozenset({PER_JUDGE_POSITION})
"""Slice dimensions whose value depends on the judge (computed per judge)."""


def _reference_label(df: pd.DataFrame, reference: str) -> pd.Series:
    ref = df[df["rater"] == reference]
    return ref.groupby("item_id", observed=True)["label"].first().astype("string")


def _human_pick_length(df: pd.DataFrame, reference: str, words_diff: pd.Series) -> pd.Series:
    """Per item: did the reference pick the longer or the shorter response?"""
    label = _reference_label(df, reference)
    diff = pd.to_numeric(words_diff.reindex(label.index)).astype("Float64")
    out = pd.Series("equal length or tie", index=label.index, dtype="string")
    picked_a, picked_b = label.eq("A").fillna(False), label.eq("B").fillna(False)
    longer = (picked_a & (diff > 0).fillna(False)) | (picked_b & (diff < 0).fillna(False))
    shorter = (picked_a & (diff < 0).fillna(False)) | (picked_b & (diff > 0).fillna(False))
    out[longer.astype(bool)] = "human picked longer"
    out[shorter.astype(bool)] = "human picked shorter"
    return out


def _swap_consistency(df: pd.DataFrame, judge: str | None) -> pd.Series:
    """Per item: did ``judge`` give the same verdict in both presentation orders?"""
    rows = df[(df["rater"] == judge) & df["order"].notna()]
    wide = rows.pivot_table(
        index="item_id", columns="order", values="label", aggfunc="first", observed=False
    ).astype("object")
    if not {"AB", "BA"} <= set(wide.columns):
        return pd.Series("one order only", index=wide.index, dtype="string")
    both = wide["AB"].notna() & wide["BA"].notna()
    same = both & (wide["AB"] == wide["BA"])
    out = pd.Series("one order only", index=wide.index, dtype="string")
    out[both] = "swap-inconsistent"
    out[same] = "swap-consistent"
    return out


def _humans_split(df: pd.DataFrame) -> pd.Series:
    people = df[df["rater"].astype(str).str.match(r"human:(?!majority)")]
    n = people.groupby("item_id", observed=True)["label"].nunique()
    return n.gt(1).map({True: "humans split", False: "humans unanimous"}).astype("string")


def _read_env_data() -> pd.DataFrame | None:
    path = os.environ.get("WORKBENCH_EXPLORER_DATA")
    if not path:
        return None
    return schema.conform(pd.read_parquet(path))


# --------------------------------------------------------------------------- explorer
class Explorer:
    """Agreement chart, item queue, item viewer and annotation form in one widget.

    Parameters
    ----------
    data : DataFrame or mapping of name -> DataFrame, optional
        Tidy judgment tables to explore. Default: the table named by
        ``WORKBENCH_EXPLORER_DATA``, else the registered judgment datasets
        (loaded with :func:`workbench.load` when selected).
    dataset : str, optional
        Dataset selected first (default: the first one).
    datasets : sequence of str, optional
        Registered dataset names to offer when ``data`` is None.
    judges : sequence of str, optional
        Judge models selected first (default: the first judge).
    reference : str, optional
        Human reference. Default: ``"others"`` (each annotator's others' majority, the
        ceiling's own footing, as :func:`workbench.agreement.agreement`'s default) when
        items have two or more individual ``human:<id>`` annotators; else the first of
        ``human:majority``, ``human``, ``gold`` that shares items with the judges. The
        queue and reference-based slices use ``human:majority`` for ``"others"``.
    statistic : str, default "percent_agreement"
    slice_by : str, default "overall"
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "per_order"
    store : AnnotationStore or path, optional
        Where annotations go (default: :func:`workbench.paths.annotation_store`).
    annotator : str, optional
        Annotator id (default: ``WORKBENCH_ANNOTATOR`` or the login name).
    n_resamples : int, default 1000
        Bootstrap resamples for the CIs.
    rng : int, default 0
        Seed of the bootstrap.
    progress_after : float, default 1.0
        Seconds after which a running computation shows the progress indicator.

    Examples
    --------
    >>> ex = Explorer(dataset="pandalm")  # doctest: +SKIP
    >>> ex.slice_by.value = "task category"  # doctest: +SKIP
    >>> ex.show_items(judge="gpt-3.5-turbo", slice_value="bloom-7b_llama-7b")  # doctest: +SKIP
    >>> ex.cause.value = "judge_wrong"; ex.save_button.click()  # doctest: +SKIP
    """

    def __init__(
        self,
        data: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
        *,
        dataset: str | None = None,
        datasets: Sequence[str] | None = None,
        judges: Sequence[str] | None = None,
        reference: str | None = None,
        statistic: str = "percent_agreement",
        slice_by: str = OVERALL,
        resolve: str = "per_order",
        store: Any = None,
        annotator: str | None = None,
        n_resamples: int = 1000,
        rng: int = 0,
        progress_after: float = 1.0,
    ):
        known = {s for p in ("pairwise", "binary") for s in _statistics(p)}
        if statistic not in known:
            raise ValueError(f"statistic: expected one of {sorted(known)}, got {statistic!r}")
        if resolve not in RESOLVE_RULES:
            raise ValueError(f"resolve: expected one of {list(RESOLVE_RULES)}, got {resolve!r}")
        if n_resamples < 1:
            raise ValueError(f"n_resamples: expected a positive integer, got {n_resamples!r}")
        from_env = False
        if data is None:
            data = _read_env_data()
            from_env = data is not None
        self._tables: dict[str, pd.DataFrame] = {}
        if isinstance(data, pd.DataFrame):
            if "dataset" not in data:
                raise ValueError("data: the table has no 'dataset' column")
            for name, part in data.groupby("dataset", sort=False, observed=True):
                self._tables[str(name)] = part
        elif isinstance(data, Mapping):
            self._tables.update({str(k): v for k, v in data.items()})
        elif data is not None:
            raise ValueError(f"data: expected a DataFrame or a mapping, got {type(data).__name__}")
        if self._tables:
            names = list(self._tables)
        elif datasets is not None:
            names = list(datasets)
        else:
            from .. import loaders

            reg = loaders.datasets(counts=False)
            names = reg.loc[reg["protocol"].isin(["pairwise", "binary"]), "name"].tolist()
        if not names:
            raise ValueError("data: nothing to explore (no dataset)")
        if from_env and dataset not in names:
            dataset = None  # the env table replaces the registry, notebook parameters included
        if dataset is not None and dataset not in names:
            raise ValueError(f"dataset: {dataset!r} is not one of {names}")

        self.n_resamples = int(n_resamples)
        self.rng = rng
        self.progress_after = float(progress_after)
        self._store_arg = store
        self._store: Any = None
        self._prepared: dict[str, _Dataset] = {}
        self._cache: dict[tuple, pd.DataFrame] = {}
        # judge/reference pairs per selection, shared by every slicing and statistic
        self._pairs_cache: dict[tuple, Any] = {}
        self._hold = False
        self.table: pd.DataFrame | None = None
        self.queue: pd.DataFrame | None = None
        self.selection: tuple[str, str] | None = None
        self.item_id: str | None = None
        self.progress_events: list[str] = []
        self.timings: dict[str, float] = {}

        self._build(names, statistic, slice_by, resolve, annotator)
        self._hold = True
        self.dataset.value = dataset or names[0]
        self._hold = False
        self._on_dataset(
            judges=judges, reference=reference, slice_by=slice_by, statistic=statistic, strict=True
        )

    # ------------------------------------------------------------------ widgets
    def _build(self, names, statistic, slice_by, resolve, annotator) -> None:
        lay = W.Layout
        desc = {"description_width": "initial"}
        self.dataset = W.Dropdown(
            options=names, description="Dataset", style=desc, layout=lay(width="210px")
        )
        self.judges = W.SelectMultiple(
            options=[], description="Judges", rows=4, style=desc, layout=lay(width="250px")
        )
        self.strategy = W.Dropdown(
            options=["(all)"], description="Strategy", style=desc, layout=lay(width="230px")
        )
        self.reference = W.Dropdown(
            options=[], description="Human reference", style=desc, layout=lay(width="250px")
        )
        self.reference.tooltip = SAME_FOOTING_HELP
        self.statistic = W.Dropdown(
            options=[statistic],
            value=statistic,
            description="Metric",
            style=desc,
            layout=lay(width="230px"),
        )
        self.slice_by = W.Dropdown(
            options=[OVERALL],
            value=OVERALL,
            description="Slice by",
            style=desc,
            layout=lay(width="250px"),
        )
        self.resolve = W.Dropdown(
            options=list(RESOLVE_RULES),
            value=resolve,
            description="Resolve orders",
            style=desc,
            layout=lay(width="230px"),
        )
        self.exclude_noise = W.Checkbox(
            value=False,
            description="exclude items annotated as label noise",
            indent=False,
            layout=lay(width="auto"),
        )
        self.progress = W.HTML("", layout=lay(visibility="hidden", margin="0 8px"))
        self.status = W.HTML("")

        self.figure = go.FigureWidget(layout=self._base_layout())
        self.chart = W.Box([self.figure], layout=lay(flex="1 1 auto", min_width="0", width="auto"))

        self.bar = W.Dropdown(options=[], description="Bar", style=desc, layout=lay(width="100%"))
        self.show_button = W.Button(
            description="Show items",
            icon="list",
            tooltip="List the disagreeing items behind the selected bar",
        )
        self.queue_select = W.Select(options=[], rows=9, layout=lay(width="100%"))
        self.queue_title = W.HTML("<b>Items</b>: click a bar (or pick it above and Show items)")

        self.text_mode = W.ToggleButtons(
            options=[("plain text", "plain"), ("rendered (sanitized)", "markdown")],
            value="plain",
            style={"button_width": "150px"},
        )
        self.viewer = W.HTML(_CSS + "<i>No item open.</i>", layout=lay(width="100%"))

        self.cause = W.RadioButtons(
            options=list(_causes()), value=None, description="Cause", style=desc
        )
        probes: list[str] = []
        self.tags = W.SelectMultiple(
            options=probes,
            rows=min(max(len(probes), 2), 6),
            description="Bias tags",
            style=desc,
            layout=lay(width="100%"),
        )
        self.note = W.Textarea(
            placeholder="Why do judge and human disagree?", layout=lay(width="100%", height="70px")
        )
        default_annotator = annotator or os.environ.get("WORKBENCH_ANNOTATOR") or _login()
        self.annotator = W.Text(
            value=default_annotator, description="Annotator", style=desc, layout=lay(width="100%")
        )
        self.save_button = W.Button(
            description="Save annotation", button_style="primary", icon="check", disabled=True
        )
        self.withdraw_button = W.Button(description="Withdraw", icon="undo", disabled=True)
        self.form_status = W.HTML("")
        self.item_annotations = W.HTML("")

        for control in (
            self.exclude_noise,
            self.judges,
            self.strategy,
            self.reference,
            self.statistic,
            self.slice_by,
            self.resolve,
        ):
            control.observe(self._on_control, names="value")
        self.dataset.observe(lambda _: self._on_dataset(), names="value")
        self.show_button.on_click(lambda _: self._on_show_button())
        self.queue_select.observe(self._on_queue, names="value")
        self.text_mode.observe(lambda _: self._render_item(), names="value")
        self.save_button.on_click(lambda _: self.save())
        self.withdraw_button.on_click(lambda _: self.withdraw())

        controls = W.VBox(
            [
                W.HBox(
                    [
                        W.VBox([self.dataset, self.strategy, self.statistic]),
                        W.VBox([self.judges]),
                        W.VBox([self.reference, self.slice_by, self.resolve]),
                    ],
                    layout=lay(flex_flow="row wrap", align_items="flex-start"),
                ),
                W.HBox(
                    [self.exclude_noise, self.progress, self.status],
                    layout=lay(align_items="center", flex_flow="row wrap"),
                ),
            ]
        )
        side = W.VBox(
            [
                W.HTML("<b>Slice × judge</b>"),
                self.bar,
                self.show_button,
                self.queue_title,
                self.queue_select,
            ],
            layout=lay(flex="0 0 370px", width="370px", padding="0 0 0 8px"),
        )
        top = W.HBox([self.chart, side])
        form = W.VBox(
            [
                W.HTML("<b>Annotate this disagreement</b>"),
                self.cause,
                self.tags,
                self.note,
                self.annotator,
                W.HBox([self.save_button, self.withdraw_button]),
                self.form_status,
                self.item_annotations,
            ],
            layout=lay(flex="0 0 330px", width="330px", padding="0 0 0 10px"),
        )
        item = W.VBox(
            [self.text_mode, self.viewer], layout=lay(flex="1 1 auto", min_width="0", width="auto")
        )
        self.widget = W.VBox(
            [controls, top, W.HBox([item, form])],
            # the output area is padded: 100% of it would overflow the window by the padding
            layout=lay(width="calc(100% - 24px)", max_width="1400px"),
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @staticmethod
    def _base_layout() -> dict:
        return dict(
            barmode="group",
            margin=dict(l=55, r=10, t=30, b=40),
            legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, font=dict(size=11)),
            template="none",  # a named template costs ~10 ms per FigureWidget: style by hand
            plot_bgcolor="white",
            paper_bgcolor="white",
            font=dict(family="sans-serif", size=12, color="#333"),
            yaxis=dict(gridcolor="#e5e5e5", zerolinecolor="#999", automargin=True),
            xaxis=dict(automargin=True, linecolor="#999"),
            clickmode="event",
            hovermode="closest",
            height=340,
        )

    # ------------------------------------------------------------------ state
    @property
    def data(self) -> _Dataset:
        """The prepared dataset currently selected."""
        name = self.dataset.value
        if name not in self._prepared:
            df = self._tables.get(name)
            passed_in = df is not None
            if df is None:
                from .. import loaders

                df = loaders.load(name)
                version = _data_version(name)
            else:
                version = None
            self._prepared[name] = _Dataset(name, df, version=version, check=passed_in)
        return self._prepared[name]

    @property
    def judgments(self) -> pd.DataFrame:
        """The tidy judgment table of the selected dataset (texts included)."""
        return self.data.full

    @property
    def store(self) -> Any:
        """The annotation store (opened on first use)."""
        if self._store is None:
            self._store = _open_store(self._store_arg)
        return self._store

    def selected_raters(self) -> list[str]:
        """Judge raters (``<judge>/<strategy>`` ids) chosen by the judge and strategy controls."""
        models = set(self.judges.value)
        strategy = self.strategy.value
        return [
            rater
            for rater in self.data.judges
            if schema.judge_name(rater) in models
            and (strategy == "(all)" or strategy in self.data.strategy_of.get(rater, ()))
        ]

    # ------------------------------------------------------------------ callbacks
    def _on_dataset(
        self, *, judges=None, reference=None, slice_by=None, statistic=None, strict=False
    ) -> None:
        """Switch to the selected dataset: reset everything first, then load and draw.

        Nothing of the previous dataset survives the first lines: chart, bar list,
        queue, item, judges and references are cleared before anything can fail. A
        dataset that cannot be loaded (missing files, ``LoadError``, ``SchemaError``,
        a protocol the explorer does not show) leaves an empty chart titled with its
        name and the reason in :attr:`status`. ``strict`` (the constructor, for tables
        passed in and bad arguments) raises instead.
        """
        if self._hold:
            return
        name = self.dataset.value
        self._reset_selection(name)
        try:
            with self._busy(f"loading {name}"):
                data = self.data
        except Exception as exc:  # noqa: BLE001 - any failure is shown, never a stale chart
            if strict and name in self._tables:
                raise
            self._fail(exc, loading=True)
            return
        if reference is not None and reference not in data.references:
            if reference in data.omitted_references:
                why = "shares no item with the judges"
            elif reference == SAME_FOOTING:
                why = "needs items with two or more individual human:<id> annotators"
            else:
                why = "is not a human or gold rater of the dataset"
            raise ValueError(f"reference: {reference!r} {why}; expected one of {data.references}")
        self._hold = True
        try:
            stats = _statistics(data.protocol)
            keep = statistic or self.statistic.value
            _set_choices(self.statistic, stats, keep if keep in stats else stats[0])
            _set_choices(self.tags, _probe_names(data.protocol), ())
            self.tags.rows = max(2, min(len(self.tags.options), 6))
            self.resolve.disabled = not data.two_orders
            models = data.judge_models()
            chosen = [j for j in (judges or []) if j in models] or models[:1]
            _set_choices(self.judges, models, tuple(chosen))
            self._update_strategies(reset=True)
            _set_choices(
                self.reference,
                [(_reference_title(r), r) for r in data.references],
                reference or data.default_reference(data.raters_of(chosen)),
            )
            self.reference.tooltip = self._reference_help(data)
            _set_choices(
                self.slice_by, list(data.slices), slice_by if slice_by in data.slices else OVERALL
            )
        finally:
            self._hold = False
        self.refresh()

    def _reset_selection(self, name: str) -> None:
        """Clear every control and view that belongs to a dataset (before loading ``name``)."""
        self._clear_items()
        self._hold = True
        try:
            _set_choices(self.judges, [], ())
            _set_choices(self.strategy, ["(all)"], "(all)")
            _set_choices(self.reference, [], None)
            _set_choices(self.slice_by, [OVERALL], OVERALL)
        finally:
            self._hold = False
        self.table = _empty_table()
        self.draw(self.table, title=f"{name}: loading…")
        self.status.value = f"<i>Loading <b>{_esc(name)}</b>…</i>"

    def _fail(self, exc: BaseException | str, *, loading: bool = False) -> None:
        """Show why nothing is drawn for the selected dataset: empty chart, no bars, no queue."""
        name = self.dataset.value
        what = "cannot be loaded" if loading else "no chart for this choice"
        reason = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        self._clear_items()
        self.table = _empty_table()
        why = "cannot be loaded; " if loading else ""
        self.draw(self.table, title=f"{name}: no chart ({why}see the status line)")
        self.status.value = (
            f"<span style='color:#b00'><b>{_esc(name)}</b>: {_esc(what)}: {_esc(reason)}</span>"
        )

    @staticmethod
    def _reference_help(data: _Dataset) -> str:
        """Tooltip of the reference control: what ``others`` means, what is not offered."""
        parts = [SAME_FOOTING_HELP] if data.same_footing else []
        if data.majority_added:
            parts.append(
                f"{MAJORITY} is computed from the individual annotators (ties: no majority)."
            )
        if data.omitted_references:
            parts.append(
                "Not offered (no item in common with the judges): "
                + ", ".join(data.omitted_references[:5])
                + (" …" if len(data.omitted_references) > 5 else "")
            )
        return " ".join(parts) or "The human (or gold) labels the judges are compared with."

    def _update_strategies(self, *, reset: bool = False) -> None:
        """Offer the strategies of the chosen judges; keep the choice unless ``reset``."""
        models = set(self.judges.value)
        raters = [r for r in self.data.judges if schema.judge_name(r) in models]
        strategies = self.data.strategies(raters)
        options = ["(all)", *strategies] if len(strategies) > 1 else ["(all)"]
        keep = None if reset else self.strategy.value
        if keep not in options and len(options) == 1:
            keep = options[0]
        elif keep not in options:
            preferred = [s for s in ("Vanilla", "Vanilla_NoRules") if s in strategies]
            keep = preferred[0] if preferred else options[-1] if len(strategies) > 3 else "(all)"
        _set_choices(self.strategy, options, keep)

    def _on_control(self, change: dict) -> None:
        if self._hold:
            return
        owner = change["owner"]
        if owner in (self.judges, self.strategy, self.reference):
            self._clear_items()  # the queue belongs to the previous judge/reference
        if owner is self.judges:
            self._hold = True
            try:
                self._update_strategies()
            finally:
                self._hold = False
        self.refresh()

    def _on_show_button(self) -> None:
        if self.bar.value is None:
            self.status.value = "<i>No bar to show.</i>"
            return
        slice_value, judge = self.bar.value
        self._show_items_or_say_why(judge=judge, slice_value=slice_value)

    def _on_bar_click(self, trace: Any, points: Any, state: Any = None) -> None:
        """Plotly click on a bar: list the items behind it."""
        if not points.point_inds:
            return
        i = points.point_inds[0]
        slice_value, judge = trace.customdata[i][:2]
        self._show_items_or_say_why(judge=str(judge), slice_value=str(slice_value))

    def _show_items_or_say_why(self, *, judge: str, slice_value: str) -> None:
        """:meth:`show_items` for a click: a failure empties the queue and says why."""
        try:
            self.show_items(judge=judge, slice_value=slice_value)
        except Exception as exc:  # noqa: BLE001 - shown in the UI, never a stale queue
            self._clear_items()
            self.queue_title.value = (
                f"<span style='color:#b00'><b>{_esc(self.dataset.value)}</b>: no items for "
                f"{_esc(judge)} · {_esc(slice_value)}: {_esc(type(exc).__name__)}: "
                f"{_esc(exc)}</span>"
            )

    def _on_queue(self, change: dict) -> None:
        if change["new"] is not None and not self._hold:
            self.open_item(change["new"])

    # ------------------------------------------------------------------ computations
    @contextmanager
    def _busy(self, what: str):
        """Show the progress indicator if the block runs longer than ``progress_after`` s."""

        def show() -> None:
            self.progress.value = f"<span style='color:#a60'>⏳ {html.escape(what)}…</span>"
            self.progress.layout.visibility = "visible"
            self.progress_events.append(what)

        timer = threading.Timer(self.progress_after, show)
        timer.daemon = True
        if self.progress_after <= 0:
            show()
        else:
            timer.start()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            timer.cancel()
            if timer.is_alive():
                timer.join()
            self.timings[what.split(" ")[0]] = time.perf_counter() - t0
            self.progress.layout.visibility = "hidden"

    def slice_map(self, judge: str | None = None) -> pd.Series | None:
        """``item_id -> slice value`` of the current slice dimension (None when overall)."""
        dim = self.data.slices.get(self.slice_by.value)
        if dim is None:
            return None
        if not callable(dim):
            return dim.astype("string").fillna("(none)")
        # per (dimension, reference, judge): the judgments of a dataset do not change
        reference = _rater_reference(self.reference.value)
        key = (self.slice_by.value, reference, judge)
        out = self.data.slice_maps.get(key)
        if out is None:
            out = dim(self.data.judgments, reference, judge)
            out = self.data.slice_maps[key] = out.astype("string").fillna("(none)")
        return out.copy()

    def _agreement_for(
        self,
        raters: list[str],
        slicer: pd.Series | None,
        noise: frozenset = frozenset(),
        *,
        only: str | None = None,
    ) -> pd.DataFrame:
        """``tables.agreement`` of ``raters`` (+ the humans), sliced by ``slicer`` (items).

        ``only``: the agreement of that one rater alone (as if the other raters'
        judgments were not in the table), from the pairs prepared for ``raters``.
        """
        exclude = bool(self.exclude_noise.value)
        key = (
            self.data.name,
            tuple(raters),
            self.reference.value,
            self.resolve.value,
            exclude,
            noise,
        )
        prepared = self._pairs_cache.get(key)
        if prepared is None:
            df = self.data.judgments
            keep = df["rater"].isin(raters) | df["rater_kind"].astype(str).isin(["human", "gold"])
            df = df[keep]
            if exclude:
                df = _exclude(df, self.store)
            prepared = _prepare_pairs(
                df, judges=raters, reference=self.reference.value, resolve=self.resolve.value
            )
            self._pairs_cache[key] = prepared
        if only is not None:
            prepared = _one_judge(prepared, only)
        table, by = _agreement_prepared(
            prepared,
            slicer=slicer,
            statistic=self.statistic.value,
            n_resamples=self.n_resamples,
            rng=self.rng,
        )
        return _normalize_table(table, by=by)

    def compute(self) -> pd.DataFrame:
        """The agreement table for the current controls (cached per control state).

        Returns
        -------
        DataFrame
            Rows of :func:`workbench.tables.agreement` plus ``slice`` (the bar's
            x value, ``overall`` when not sliced) and ``is_ceiling`` (the
            human-human rows; their ``judge`` is ``"human ceiling"``). Judge raters
            that share no item with the reference are left out (the status line
            names them); when none is left, ValueError says so.
        """
        raters = self.selected_raters()
        reference = self.reference.value
        noise = self._noise_items() if self.exclude_noise.value else frozenset()
        key = (
            noise,
            self.dataset.value,
            tuple(raters),
            reference,
            self.statistic.value,
            self.slice_by.value,
            self.resolve.value,
            self.n_resamples,
            self.rng,
        )
        if key in self._cache:
            return self._cache[key]
        if not raters or reference is None:
            return _empty_table()
        unpaired = self._unpaired_raters()
        raters = [r for r in raters if r not in unpaired]
        if not raters:
            raise ValueError(
                f"no chosen judge rater shares an item with the reference "
                f"{_reference_title(reference)} ({_some(unpaired)}); pick another judge or "
                "reference"
            )
        if self.slice_by.value in PER_JUDGE:
            parts = []
            for rater in raters:
                part = self._agreement_for(raters, self.slice_map(rater), noise, only=rater)
                if len(raters) > 1:  # the ceiling is on this judge's slices: name it so
                    part.loc[part["is_ceiling"], "judge"] = f"{CEILING} · {rater}"
                parts.append(part)
            table = pd.concat(parts, ignore_index=True)
        else:
            table = self._agreement_for(raters, self.slice_map(), noise)
        self._cache[key] = table
        return table

    def _unpaired_raters(self) -> list[str]:
        """Chosen judge raters without a labelled item in common with the reference."""
        reference = self.reference.value
        return [r for r in self.selected_raters() if not self.data.overlap(reference, [r])]

    def _noise_items(self) -> frozenset:
        """Items of this dataset currently annotated as label noise (part of the cache key)."""
        cur = self.store.current(dataset=self.data.name)
        return frozenset(cur.loc[cur["cause"].astype(str) == "label_noise", "item_id"].astype(str))

    def refresh(self) -> None:
        """Recompute (or fetch from cache) the agreement table and redraw the chart.

        Any failure (no overlap between judge and reference, a bad combination, an
        error of the computation) clears the chart, the bar list and the queue and
        shows the reason with the dataset's name in :attr:`status`; the chart never
        keeps bars of an earlier selection.
        """
        if self._hold:
            return
        try:
            with self._busy("computing agreement with bootstrap CIs"):
                table = self.compute()
        except Exception as exc:  # noqa: BLE001 - shown in the UI: a bad choice must not kill the app
            self._fail(exc)
            return
        if table.empty:
            self._fail(self._why_empty())
            return
        self.table = table
        t0 = time.perf_counter()
        self.draw(table)
        self.timings["draw"] = time.perf_counter() - t0
        self.status.value = self._describe(table)

    def _why_empty(self) -> str:
        """Why :meth:`compute` has no row for the current controls."""
        data = self.data
        if not data.judges:
            return "no LLM or metric judge in this dataset: nothing to compare with people"
        if not self.selected_raters():
            return "no judge rater for the chosen judges and strategy; pick a judge"
        if self.reference.value is None:
            return "no human or gold reference that shares items with the judges"
        return "no comparable judgments"

    def _describe(self, table: pd.DataFrame) -> str:
        """The status line: dataset, reference, each bar's number (NaN: an em dash and why)."""
        judges = table[~table["is_ceiling"]]
        n = judges["n_items"].max() if len(judges) else np.nan
        reference = self.reference.value
        unpaired = self._unpaired_raters()
        drawn = [r for r in self.selected_raters() if r not in unpaired]
        ceiling = (
            "grey = human-human ceiling"
            if table["is_ceiling"].any()
            else "no human ceiling (fewer than two individual annotators)"
        )
        footing = (
            f" <span title='{_esc(SAME_FOOTING_HELP)}'>(same footing as the ceiling; "
            f"queue: {MAJORITY})</span>"
            if reference == SAME_FOOTING
            else ""
        )
        head = (
            f"<b>{_esc(self.data.name)}</b> · {len(drawn)} judge rater(s) vs "
            f"<b>{_esc(vocab.OTHERS if reference == SAME_FOOTING else reference)}</b>{footing} · up to "
            f"{_fmt(n, 0)} items per bar · 95% bootstrap CI ({self.n_resamples} resamples) · "
            f"{ceiling}"
        )
        if unpaired:
            head += (
                f"<br><span style='color:#b00'>not drawn (no item in common with the "
                f"reference): {_esc(_some(unpaired))}</span>"
            )
        return f"<small>{head}<br>{_bar_summary(table)}</small>"

    # ------------------------------------------------------------------ drawing
    def draw(self, table: pd.DataFrame, *, title: str | None = None) -> None:
        """Redraw the chart from an agreement table: one bar trace per judge + the ceiling.

        The title names the dataset (``title`` replaces it, e.g. for an empty chart).
        """
        traces = _bar_traces(table)
        layout = self._base_layout()
        statistic = self.statistic.value or ""
        layout["yaxis"]["title"] = dict(text=statistic.replace("_", " "))
        if self.slice_by.value not in (OVERALL, None):
            layout["xaxis"]["title"] = dict(text=_plotly_text(self.slice_by.value, 60))
        if title is None:
            title = f"{self.dataset.value}: agreement with {_reference_title(self.reference.value)}"
        layout["title"] = dict(
            text=_plotly_text(title, 90),
            font=dict(size=14),
            x=0.01,
            y=0.98,
        )
        if not traces:  # no axes that look like data: say there is nothing to show
            layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
            layout["annotations"] = [
                dict(
                    text="no bars: see the status line above",
                    showarrow=False,
                    xref="paper",
                    yref="paper",
                    x=0.5,
                    y=0.5,
                    font=dict(size=13, color="#777"),
                )
            ]
        # A new FigureWidget per draw: a FigureWidget nested in a Box only ships the
        # traces it had when it was created, and creating one costs ~10 ms.
        old = self.chart.children
        self.figure = go.FigureWidget(data=traces, layout=layout)
        for trace in self.figure.data:
            trace.on_click(self._on_bar_click)
        self.chart.children = [self.figure]
        for widget in old:
            widget.close()
        options = []
        for trace in traces:
            for sv, judge in trace.customdata:
                options.append((f"{sv} · {judge}", (sv, judge)))
        self._hold = True
        try:
            _set_choices(self.bar, options, options[0][1] if options else None)
        finally:
            self._hold = False

    # ------------------------------------------------------------------ items
    def _clear_items(self) -> None:
        self.queue = None
        self.selection = None
        self.item_id = None
        self._hold = True
        try:
            _set_choices(self.queue_select, [], None)
        finally:
            self._hold = False
        self.queue_title.value = "<b>Items</b>: click a bar (or pick it above and Show items)"
        self.viewer.value = _CSS + "<i>No item open.</i>"
        self.save_button.disabled = True
        self.withdraw_button.disabled = True

    def show_items(self, *, judge: str, slice_value: str = OVERALL) -> pd.DataFrame:
        """List the items where ``judge`` disagrees with the reference, most surprising first.

        This is what a click on a bar does.

        Parameters
        ----------
        judge : str
            A judge rater id (``<judge>/<strategy>``) or ``"human ceiling"``
            (then the queue lists items on which the humans split).
        slice_value : str, default "overall"
            The bar's slice (its x value).

        Returns
        -------
        DataFrame
            The queue: one row per disagreeing item, sorted by ``surprise``
            (descending).
        """
        data = self.data
        df = data.full
        ceiling = judge.startswith(CEILING)
        if not ceiling and judge not in data.judges:
            raise ValueError(f"judge: {judge!r} is not a judge of {data.name!r}")
        if ceiling:  # per-judge slices of the ceiling follow the judge named in the bar
            own = judge.removeprefix(CEILING).removeprefix(" · ")
            raters = self.selected_raters()
            slicer = self.slice_map(own or (raters[0] if raters else None))
        else:
            slicer = self.slice_map(judge)
        if slicer is not None:
            items = slicer.index[slicer == str(slice_value)]
            df = df[df["item_id"].isin(items)]
        reference = _rater_reference(self.reference.value)
        with self._busy("finding disagreements"):
            if ceiling:
                queue = _human_splits(df)
            else:
                rows = df[df["rater"].isin([judge, reference])]
                queue = _disagreements(rows, judge=judge, reference=reference)
        if "surprise" in queue:
            queue = queue.sort_values("surprise", ascending=False, kind="stable")
        # one entry per item (multi-turn / multi-criterion items have several units)
        queue = queue.drop_duplicates("item_id").reset_index(drop=True)
        self.queue = queue
        self.selection = (str(slice_value), judge)
        if self.selection in [v for _, v in self.bar.options]:
            self._hold = True
            try:
                self.bar.value = self.selection
            finally:
                self._hold = False
        shown = queue.head(MAX_QUEUE)
        options = [(_queue_label(r), str(r["item_id"])) for _, r in shown.iterrows()]
        self._hold = True
        try:
            _set_choices(self.queue_select, options, None)
        finally:
            self._hold = False
        what = "humans split" if ceiling else f"{judge} ≠ {reference}"
        if not ceiling and reference != self.reference.value:  # others' majority
            what += f" (the per-item majority standing in for {vocab.OTHERS})"
        more = f" (first {MAX_QUEUE} shown)" if len(queue) > MAX_QUEUE else ""
        self.queue_title.value = (
            f"<b>{len(queue)} items</b>{more} ({_esc(what)}; slice {_esc(slice_value)}), "
            "most surprising first"
        )
        if options:
            self.queue_select.value = options[0][1]  # opens it
        else:
            self.viewer.value = _CSS + "<i>No disagreeing items in this bar.</i>"
        return self.queue

    def open_item(self, item_id: str) -> None:
        """Show one item in the viewer and prepare the annotation form for it."""
        self.data.item(item_id)  # raises ValueError if unknown
        self.item_id = str(item_id)
        if self.queue_select.value != self.item_id and self.item_id in dict(
            (v, v) for _, v in self.queue_select.options
        ):
            self._hold = True
            try:
                self.queue_select.value = self.item_id
            finally:
                self._hold = False
        self._render_item()
        row = self._queue_row()
        suggested = set()
        if row is not None:
            for flag, probe in FLAG_TO_PROBE.items():
                value = row.get(flag)
                if value is not None and not pd.isna(value) and bool(value):
                    suggested.add(probe)
        self.tags.value = tuple(t for t in self.tags.options if t in suggested)
        self.cause.value = None
        self.note.value = ""
        self.save_button.disabled = False
        self._show_item_annotations()

    def _queue_row(self) -> pd.Series | None:
        if self.queue is None or self.item_id is None or self.queue.empty:
            return None
        hit = self.queue[self.queue["item_id"].astype(str) == self.item_id]
        return None if hit.empty else hit.iloc[0]

    def _render_item(self) -> None:
        if self.item_id is None:
            return
        rows = self.data.item(self.item_id)
        self.viewer.value = _CSS + item_html(
            rows,
            judge=self.selection[1] if self.selection else None,
            mode=self.text_mode.value,
            tags=self._queue_row(),
        )

    # ------------------------------------------------------------------ annotations
    def _judge_for_annotation(self) -> str | None:
        if self.selection is None or self.selection[1].startswith(CEILING):
            return None
        return self.selection[1]

    def _mine(self) -> pd.DataFrame:
        """Current annotations of the open item (any annotator)."""
        if self.item_id is None:
            return pd.DataFrame(columns=["annotation_id", "annotator", "judge", "cause", "note"])
        return self.store.current(dataset=self.data.name, item_id=self.item_id)

    def _own_annotation(self, annotator: str) -> str | None:
        """Id of this annotator's current annotation of the open item and judge, if any."""
        mine = self._mine()
        if mine.empty:
            return None
        judge = self._judge_for_annotation() or ""
        same = (mine["annotator"].astype(str) == annotator) & (
            mine["judge"].astype("string").fillna("") == judge
        )
        return str(mine.loc[same, "annotation_id"].iloc[-1]) if same.any() else None

    def save(self) -> str:
        """Save the form as an annotation of the open item.

        A second save by the same annotator on the same item and judge edits
        that annotation (the store keeps the previous values in its history).

        Returns
        -------
        str
            The annotation id.
        """
        if self.item_id is None:
            raise ValueError("item_id: no item is open; click a bar and pick an item first")
        annotator = self.annotator.value.strip()
        problem = None
        if not annotator:
            problem = "annotator: empty; enter an annotator id"
        elif self.cause.value is None:
            problem = "cause: none chosen; pick why judge and reference disagree"
        if problem:
            self.form_status.value = f"<span style='color:#b00'>{_esc(problem)}</span>"
            raise ValueError(problem)
        fields = dict(cause=self.cause.value, bias_tags=list(self.tags.value), note=self.note.value)
        existing = self._own_annotation(annotator)
        if existing is not None:
            self.store.edit(existing, annotator=annotator, **fields)
            ann_id, verb = existing, "updated"
        else:
            ann_id = self.store.add(
                dataset=self.data.name,
                item_id=self.item_id,
                version=self.data.version,
                judge=self._judge_for_annotation(),
                reference=_rater_reference(self.reference.value),
                annotator=annotator,
                **fields,
            )
            verb = "saved"
        self.form_status.value = (
            f"<span style='color:#070'>Annotation {_esc(ann_id[:8])} {verb}.</span>"
        )
        self._show_item_annotations()
        self._mark_queue(self.item_id)
        if self.exclude_noise.value:
            self.refresh()
        return ann_id

    def withdraw(self, *, reason: str | None = None) -> str | None:
        """Withdraw this annotator's current annotation of the open item (and judge)."""
        annotator = self.annotator.value.strip()
        ann_id = self._own_annotation(annotator) if annotator else None
        if ann_id is None:
            self.form_status.value = "<i>Nothing of yours to withdraw on this item.</i>"
            return None
        self.store.withdraw(ann_id, annotator=annotator, reason=reason)
        self.form_status.value = f"Annotation {_esc(ann_id[:8])} withdrawn."
        self._show_item_annotations()
        if self.exclude_noise.value:
            self.refresh()
        return ann_id

    def _show_item_annotations(self) -> None:
        mine = self._mine()
        annotator = self.annotator.value.strip()
        self.withdraw_button.disabled = self._own_annotation(annotator) is None
        if mine.empty:
            self.item_annotations.value = "<small>No annotation on this item yet.</small>"
            return
        entries = "".join(
            f"<li><b>{_esc(r['cause'])}</b> by {_esc(r['annotator'])}"
            f" (judge {_esc(r['judge'])}"
            + (f"; tags {_esc(r['bias_tags'])}" if r["bias_tags"] else "")
            + ")"
            + (f": <i>{_esc(r['note'])}</i>" if r["note"] else "")
            + "</li>"
            for _, r in mine.iterrows()
        )
        self.item_annotations.value = (
            "<div style='font-size:12px;word-break:break-word'><b>Annotations of this item</b>"
            f"<ul style='margin:2px 0;padding-left:18px'>{entries}</ul></div>"
        )

    def _mark_queue(self, item_id: str) -> None:
        options = [
            (label if value != item_id or label.startswith("✓") else f"✓ {label}", value)
            for label, value in self.queue_select.options
        ]
        self._hold = True
        try:
            _set_choices(self.queue_select, options, self.queue_select.value)
        finally:
            self._hold = False


# --------------------------------------------------------------------------- helpers
def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return ""


def _set_choices(widget: Any, options: Sequence[Any], value: Any) -> None:
    """Replace a selection widget's options and value in one message to the page.

    Set one after the other, ipywidgets sends the new option labels and the new
    index in separate messages, and the page applies the old index to the new
    options ("Error setting state: Cannot set properties of undefined (setting
    'selected')" in the browser console). ``hold_sync`` sends both at once.
    """
    with widget.hold_sync():
        widget.options = options
        widget.value = value


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "slice": pd.Series(dtype="string"),
            "judge": pd.Series(dtype="string"),
            "statistic": pd.Series(dtype="string"),
            "estimate": pd.Series(dtype="float64"),
            "ci_low": pd.Series(dtype="float64"),
            "ci_high": pd.Series(dtype="float64"),
            "n_items": pd.Series(dtype="int64"),
            "gap_to_ceiling": pd.Series(dtype="float64"),
            "gap_ci_low": pd.Series(dtype="float64"),
            "gap_ci_high": pd.Series(dtype="float64"),
            "note": pd.Series(dtype="string"),
            "is_ceiling": pd.Series(dtype="bool"),
        }
    )


def _some(names: Sequence[str], limit: int = 3) -> str:
    """A short list of names for a message.

    >>> _some(["a", "b"]), _some(["a", "b", "c", "d", "e"])
    ('a, b', 'a, b, c and 2 more')
    """
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _fmt(value: object, digits: int = 3) -> str:
    """A number for the status line and the hover: an em dash when it is NaN or missing.

    >>> _fmt(0.71234), _fmt(float("nan")), _fmt(None), _fmt(-0.05, 2), _fmt(974.0, 0)
    ('0.712', '—', '—', '−0.05', '974')
    """
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    if not np.isfinite(x):
        return "—"
    return f"{x:.{digits}f}".replace("-", "−")


def _interval(low: object, high: object) -> str:
    """``[low, high]``, or ``no interval`` when an end is NaN.

    >>> _interval(0.1, 0.25), _interval(float("nan"), 0.3)
    ('[0.100, 0.250]', 'no interval')
    """
    if _fmt(low) == "—" or _fmt(high) == "—":
        return "no interval"
    return f"[{_fmt(low)}, {_fmt(high)}]"


def _row_text(row: Mapping[str, Any]) -> str:
    """One bar in words: estimate, interval, n, the gap to the ceiling, the note.

    >>> _row_text({"estimate": 0.7, "ci_low": 0.6, "ci_high": 0.8, "n_items": 50,
    ...            "gap_to_ceiling": -0.1, "gap_ci_low": -0.2, "gap_ci_high": 0.0, "note": ""})
    '0.700 [0.600, 0.800], n=50; gap to ceiling −0.100 [−0.200, 0.000]'
    >>> _row_text({"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
    ...            "n_items": 3, "note": "estimate undefined on these pairs"})
    '— (no interval), n=3 — estimate undefined on these pairs'
    """

    def ci(low: object, high: object) -> str:
        text = _interval(low, high)
        return "(no interval)" if text == "no interval" else text

    out = f"{_fmt(row.get('estimate'))} {ci(row.get('ci_low'), row.get('ci_high'))}"
    out += f", n={_fmt(row.get('n_items'), 0)}"
    if _fmt(row.get("gap_to_ceiling")) != "—":
        gap = ci(row.get("gap_ci_low"), row.get("gap_ci_high"))
        out += f"; gap to ceiling {_fmt(row.get('gap_to_ceiling'))} {gap}"
    note = row.get("note")
    if isinstance(note, str) and note:
        out += f" — {note}"
    return out


def _common_note(table: pd.DataFrame) -> str:
    """The parts of ``note`` shared by every judge row (said once in the status line).

    >>> t = pd.DataFrame({"is_ceiling": [False, False], "note": ["a; x", "b; x"]})
    >>> _common_note(t)
    'x'
    """
    notes = table.loc[~table["is_ceiling"], "note"].fillna("").astype(str)
    parts = [set(filter(None, n.split("; "))) for n in notes]
    if not parts:
        return ""
    common = set.intersection(*parts)
    return "; ".join(p for p in notes.iloc[0].split("; ") if p in common)


def _bar_summary(table: pd.DataFrame, limit: int = 4) -> str:
    """The status line's numbers (HTML): each judge's bar, or how many bars lack a value.

    NaN values show as an em dash with the row's note; a note every judge row shares
    is said once at the end.
    """
    common = _common_note(table)
    shared = set(common.split("; ")) if common else set()

    def own(row: dict) -> dict:
        note = row.get("note")
        parts = str(note).split("; ") if isinstance(note, str) and note else []
        return {**row, "note": "; ".join(p for p in parts if p not in shared)}

    judges = table[~table["is_ceiling"]]
    if table["slice"].nunique() == 1:
        lines = [
            f"{_esc(r['judge'])}: {_esc(_row_text(own(r)))}"
            for r in judges.head(limit).to_dict("records")
        ]
        ceiling = table[table["is_ceiling"]].head(1).to_dict("records")
        lines += [f"{CEILING}: {_esc(_row_text(own(r)))}" for r in ceiling]
        out = " · ".join(lines)
        if len(judges) > limit:
            out += f" (+{len(judges) - limit} more in the chart)"
    else:
        nan = table["estimate"].isna() | table["ci_low"].isna()
        out = f"{len(table)} bars over {table['slice'].nunique()} slices (numbers in the hover)"
        if nan.any():
            notes = [own(r)["note"] for r in table[nan].to_dict("records")]
            notes = [n for n in notes if n]
            why = f" (e.g. {notes[0]})" if notes else ""
            out += f"; {int(nan.sum())} without an estimate or interval (—){why}"
        out = _esc(out)
    if common:
        out += f"<br><i>{_esc(common)}</i>"
    return out


def _normalize_table(table: pd.DataFrame, *, by: list[str]) -> pd.DataFrame:
    """Add ``slice`` (``overall`` when unsliced) and ``is_ceiling`` to an agreement table."""
    out = table.copy()
    if by:
        out["slice"] = out[by[0]].astype("string")
    else:
        out["slice"] = OVERALL
    judge = out["judge"].astype("string")
    if "kind" in out:
        ceiling = out["kind"].astype(str).eq("ceiling")
    else:
        ceiling = judge.str.startswith("human").fillna(False) | judge.eq(CEILING).fillna(False)
    out["is_ceiling"] = ceiling.to_numpy(dtype=bool)
    out.loc[out["is_ceiling"], "judge"] = CEILING
    return out.reset_index(drop=True)


_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)


def _bar_traces(table: pd.DataFrame) -> list[go.Bar]:
    """One ``go.Bar`` per judge (and one grey for the ceiling), error bars = CI."""
    if table.empty:
        return []
    slices = list(dict.fromkeys(table["slice"].astype(str)))
    ticks = _unique_labels(slices, 32)
    traces = []
    judges = list(dict.fromkeys(table.loc[~table["is_ceiling"], "judge"].astype(str)))
    judges += list(dict.fromkeys(table.loc[table["is_ceiling"], "judge"].astype(str)))
    for i, judge in enumerate(judges):
        part = table[table["judge"].astype(str) == judge]
        part = part.set_index(part["slice"].astype(str)).reindex(
            [s for s in slices if s in set(part["slice"].astype(str))]
        )
        est = part["estimate"].to_numpy(dtype=float)
        lo = part["ci_low"].to_numpy(dtype=float)
        hi = part["ci_high"].to_numpy(dtype=float)
        color = "#9e9e9e" if judge.startswith(CEILING) else _PALETTE[i % len(_PALETTE)]
        traces.append(
            go.Bar(
                x=[ticks[v] for v in part.index],
                y=est,
                name=_plotly_text(judge, 48),
                marker=dict(color=color),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=np.nan_to_num(hi - est),
                    arrayminus=np.nan_to_num(est - lo),
                    thickness=1.2,
                    width=3,
                ),
                customdata=[[s, judge] for s in part.index],
                hovertemplate="%{fullData.name}<br>%{x}: %{hovertext}<extra></extra>",
                hovertext=[_hover(r) for r in part.to_dict("records")],
            )
        )
    return traces


def _hover(row: Mapping[str, Any]) -> str:
    """Hover text of one bar (plotly-safe): the number, CI, n, gap to ceiling, note.

    >>> _hover({"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
    ...         "n_items": 0, "note": "no item in common with the reference <gold>"})
    '—<br>95% CI: no interval; n=0<br>no item in common with the reference &lt;gold&gt;'
    """
    text = (
        f"{_fmt(row.get('estimate'))}<br>95% CI: {_interval(row.get('ci_low'), row.get('ci_high'))}"
    )
    text += f"; n={_fmt(row.get('n_items'), 0)}"
    if _fmt(row.get("gap_to_ceiling")) != "—":
        gap = _interval(row.get("gap_ci_low"), row.get("gap_ci_high"))
        text += f"<br>gap to ceiling: {_fmt(row.get('gap_to_ceiling'))} {gap}"
    note = row.get("note")
    if isinstance(note, str) and note:
        text += "<br>" + "<br>".join(_plotly_text(part, 90) for part in note.split("; "))
    return text


def _plotly_text(value: str, width: int) -> str:
    """Escape a data value for plotly text (which renders a subset of HTML), shortened.

    >>> _plotly_text('<img src=x onerror="f()">', 12)  # first 11 characters + ellipsis
    '&lt;img src=x …'
    """
    short = value if len(value) <= width else value[: width - 1] + "…"
    return html.escape(short, quote=False)  # plotly shows &quot; literally; quotes are inert


def _unique_labels(values: list[str], width: int) -> dict[str, str]:
    """Plotly-safe, shortened, still distinct axis labels for ``values``."""
    out: dict[str, str] = {}
    for v in values:
        label = _plotly_text(v, width)
        while label in out.values():
            label += "\u200b"  # an invisible suffix keeps two long names apart
        out[v] = label
    return out


def _queue_label(row: pd.Series) -> str:
    parts = []
    if "surprise" in row and pd.notna(row["surprise"]):
        parts.append(f"{float(row['surprise']):.2f}")
    parts.append(str(row["item_id"]))
    for col, short in (("judge_labels", "judge"), ("reference_label", "ref")):
        if col in row and pd.notna(row[col]):
            parts.append(f"{short} {row[col]}")
    return " · ".join(parts)


def _human_splits(df: pd.DataFrame) -> pd.DataFrame:
    """Items on which the individual humans (``human:<id>``) do not all agree."""
    people = df[df["rater"].astype(str).str.match(r"human:(?!majority)")]
    if people.empty:
        return pd.DataFrame({"item_id": pd.Series(dtype="string"), "surprise": []})
    counts = people.groupby("item_id", observed=True)["label"].agg(
        lambda s: s.astype(str).nunique()
    )
    split = counts[counts > 1]
    n = people.groupby("item_id", observed=True).size()
    return pd.DataFrame(
        {"item_id": split.index.astype("string"), "surprise": (n[split.index] / n.max()).values}
    )


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
        f"<div class='wb-h'>{_esc(first['dataset'])} · item {_esc(first['item_id'])}"
        + (f" · {_esc(get('subset'))}" if get("subset") is not None else "")
        + "</div>",
        "<div class='wb-h'>Prompt</div>",
        render_text(get("prompt"), mode=mode),
    ]
    if get("response_a") is not None or get("response_b") is not None:
        ma, mb = get("model_a"), get("model_b")
        out.append(
            "<div class='wb-pair'><div>"
            f"<div class='wb-h'>Response A{' (' + _esc(ma) + ')' if ma is not None else ''}</div>"
            f"{render_text(get('response_a'), mode=mode)}</div><div>"
            f"<div class='wb-h'>Response B{' (' + _esc(mb) + ')' if mb is not None else ''}</div>"
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
            f"<tr><td>{_esc(r['rater'])}</td><td>{_esc(r['label'])}</td></tr>"
            for _, r in humans.sort_values("rater").iterrows()
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
        extra = "".join(f"<span class='wb-tag'>{_esc(f)}</span>" for f in flags)
        if "surprise" in dict(tags):
            extra += f" surprise {_esc(round(float(dict(tags)['surprise']), 3))}"
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
            label = r["label"] if pd.notna(r["label"]) else f"unparsed: {r.get('raw')}"
            cells.append(
                f"<tr><td>{_esc(r['rater'])}</td><td>{_esc(shown)}</td><td>{_esc(label)}</td></tr>"
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
                    f"<div class='wb-h'>Explanation ({_esc(r['rater'])}, {_esc(r.get('order'))})</div>",
                    render_text(r["explanation"], mode=mode),
                ]
    return "".join(out)
