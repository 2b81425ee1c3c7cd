"""Item factors that judge-human disagreements are sliced and explained by.

Computed once per item, vectorised over the whole tidy table with pandas
string methods, and documented here so every probe means the same thing by
"longer" or "has more lists".

Factors (one row per ``(dataset, item_id)``, :func:`item_factors`)
-------------------------------------------------------------------
For each text ``x`` in ``a`` (``response_a``), ``b`` (``response_b``) and, for
single-response items, ``response`` (no suffix):

``chars_x``
    ``len(text)`` (Unicode code points).
``words_x``
    Number of whitespace-separated tokens (regex ``\\S+``).
``list_items_x``
    Markdown list items: lines starting (after indentation) with ``-``, ``*``,
    ``+``, ``1.`` or ``1)`` followed by a space.
``headings_x``
    ATX headings: lines starting (after at most 3 spaces) with 1-6 ``#`` and a space.
``bold_x``
    ``**bold**`` or ``__bold__`` spans on one line.
``code_blocks_x``
    Fenced code blocks: lines starting with a fence of three backticks, counted in
    pairs (an unterminated fence counts as one block).
``links_x``
    Markdown links ``[text](target)`` plus bare ``http(s)://`` URLs outside them.
``refusal_x``
    Whether the text contains a refusal / disclaimer phrase
    (:data:`REFUSAL_PATTERN`: "I'm sorry", "I cannot", "as an AI" ...). A
    heuristic: it flags apologies that precede a real answer too.

Pairwise items also get ``<factor>_diff = <factor>_a - <factor>_b`` (booleans
as 0/1), so a positive difference means response A has more. Plus ``subset``
(task category), ``model_a``, ``model_b``, ``model`` (source models) and
``family_a`` / ``family_b`` / ``family`` (:func:`model_family`).

Judgment-level factors (per row): :func:`picked_longer`, :func:`picked_first`,
:func:`picked_side`.
Bins for slicing: :func:`length_diff_bins`, :func:`quantile_bins`.

Functions that take a judgment table check the columns they read with
:func:`workbench._validate.check_table` (a partial table is fine: ``item_factors`` needs
``dataset`` and ``item_id``, ``picked_first`` ``label`` and ``order``): a missing column,
a value outside a vocabulary, NA in a key field or a duplicate key raises
:class:`workbench.schema.SchemaError` naming the column, the row and the value.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"dataset": ["toy"], "item_id": ["1"],
...                    "response_a": ["- one\\n- two\\n**bold**"], "response_b": ["I'm sorry, I cannot."]})
>>> f = item_factors(df)
>>> f[["words_a", "words_b", "words_diff", "list_items_a", "bold_a", "refusal_b"]].to_dict("records")
[{'words_a': 5, 'words_b': 4, 'words_diff': 1, 'list_items_a': 2, 'bold_a': 1, 'refusal_b': True}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._validate import check_columns, check_option, check_table

__all__ = [
    "COUNT_FACTORS",
    "FAMILIES",
    "REFUSAL_PATTERN",
    "add_factors",
    "bin_values",
    "item_factors",
    "length_diff_bins",
    "model_family",
    "picked_first",
    "picked_longer",
    "picked_side",
    "quantile_bins",
    "text_factors",
]

COUNT_PATTERNS: dict[str, str] = {
    "words": r"\S+",
    "list_items": r"(?m)^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\S",
    "headings": r"(?m)^[ ]{0,3}#{1,6}[ \t]+\S",
    "bold": r"\*\*[^*\n]+\*\*|__[^_\n]+__",
    "links": r"\[[^\]\n]+\]\([^)\s]+\)|https?://[^\s)\]]+",
}
"""Factor name -> regex whose non-overlapping matches are counted."""

FENCE_PATTERN = r"(?m)^[ \t]*```"

REFUSAL_PATTERN = (
    r"(?i)\b(?:i'?m sorry|i am sorry|i apologi[sz]e|my apologies|as an ai\b|as a language model"
    r"|as an ai language model|i cannot|i can'?t|i can not|i'?m (?:not able|unable) to"
    r"|i am (?:not able|unable) to|i won'?t be able|i do not have (?:access|the ability)"
    r"|i don'?t have (?:access|the ability))"
)
"""Case-insensitive refusal / disclaimer phrases (matched anywhere in the text)."""

COUNT_FACTORS = ("chars", "words", "list_items", "headings", "bold", "code_blocks", "links")
"""Count factors computed for every text (see the module docstring)."""

TEXT_FACTORS = (*COUNT_FACTORS, "refusal")

FAMILIES: tuple[tuple[str, str], ...] = (
    (r"gpt-neox|pythia|dolly", "eleutherai"),
    (r"stablelm", "stability"),
    (r"redpajama", "together"),
    (r"fastchat-t5|flan|\bt5\b", "google"),
    (r"cerebras", "cerebras"),
    (r"bloom", "bigscience"),
    (r"(?:^|[^a-z])opt(?:[^a-z]|$)", "meta"),
    (r"gpt|chatgpt|openai|davinci", "openai"),
    (r"claude|anthropic", "anthropic"),
    (r"palm|bison|gemini|gemma|bard|google", "google"),
    (
        r"llama|vicuna|alpaca|koala|guanaco|wizard|platypus|airoboros|mytho|remm|nsql|chronos",
        "meta",
    ),
    (r"mistral|mixtral", "mistral"),
    (r"falcon", "tii"),
    (r"command|cohere", "cohere"),
    (r"jurassic|j2-", "ai21"),
    (r"luminous", "aleph_alpha"),
    (r"mpt", "mosaicml"),
    (r"chatglm|glm", "zhipu"),
    (r"qwen", "alibaba"),
    (r"rwkv", "rwkv"),
    (r"starcoder", "bigcode"),
    (r"codegen", "salesforce"),
    (r"judgelm", "judgelm"),
    (r"pandalm", "pandalm"),
)
"""Ordered (regex, family) table of :func:`model_family`; the first match wins.

Family = the organisation whose pretrained weights the model starts from: the
developer for API models (``gpt-4*``, ``gpt-3.5*``, ``ChatGPT``, ``GPT 4`` ->
``openai``; ``claude*`` -> ``anthropic``; ``palm-2``, ``PaLM 2 Bison``, ``Gemma``
-> ``google``), the base model's developer for open fine-tunes (Vicuna,
Alpaca, Koala, Guanaco, WizardCoder, JtJ ``llama2-*`` -> ``meta``;
FastChat-T5 -> ``google``; Cerebras-GPT -> ``cerebras`` (not OpenAI's, whatever the
name says); BLOOM -> ``bigscience``; OPT -> ``meta``; Dolly v2, Open-Assistant Pythia, GPT-NeoXT ->
``eleutherai``). Judges fine-tuned *for judging* (JudgeLM, PandaLM) are their
own family so that they never count as favouring their base model's outputs.
Patterns are matched case-insensitively on the name (a ``<judge>/<strategy>``
rater id is cut at ``/``); an unmatched name gives NA. Order matters: the
specific patterns (``gpt-neox``, ``fastchat-t5``, ``stablelm``, ``cerebras``) come before the
generic ones (``gpt``, ``vicuna``/``fastchat``, ``open-assistant``).
"""


def model_family(names: pd.Series | Sequence[str]) -> pd.Series:
    """Map model or judge names to their family through :data:`FAMILIES`.

    Parameters
    ----------
    names : Series or sequence of str
        Model names (``gpt-4``, ``claude-v1``, ``GPT 3.5 Turbo``,
        ``claude-3-opus-20240229``, ``GPT-4/Vanilla_NoRules`` ...). A
        ``<judge>/<strategy>`` rater id is reduced to its judge first.

    Returns
    -------
    Series of string
        Family per name, NA where no pattern matches.

    Examples
    --------
    >>> names = ["gpt-4-0125-preview", "claude-instant-v1", "vicuna-13b", "GPT-4/CoT", "fastchat-t5-3b", "xyz"]
    >>> model_family(names).tolist()
    ['openai', 'anthropic', 'meta', 'openai', 'google', <NA>]
    """
    full = pd.Series(names, dtype="string")
    uniq = pd.Series(full.dropna().unique(), dtype="string")  # match each distinct name once
    s = uniq.str.split("/", n=1).str[0].str.lower()
    fam = pd.Series(pd.NA, index=s.index, dtype="string")
    for pattern, family in FAMILIES:
        hit = fam.isna() & s.str.contains(pattern, regex=True).fillna(False).astype(bool)
        fam[hit] = family
    lookup = dict(zip(uniq.tolist(), fam.tolist(), strict=True))
    return pd.Series(full.map(lookup), index=full.index, dtype="string")


def text_factors(texts: pd.Series) -> pd.DataFrame:
    """Count factors and the refusal flag of each text (columns = :data:`TEXT_FACTORS`).

    NA texts give NA factors.

    Examples
    --------
    >>> f = text_factors(pd.Series(["# Title\\n1. a\\n2) b\\n```py\\nx\\n```", pd.NA], dtype="string"))
    >>> f[["headings", "list_items", "code_blocks", "words"]].to_dict("records")[0]  # 9 tokens
    {'headings': 1, 'list_items': 2, 'code_blocks': 1, 'words': 9}
    >>> bool(f.iloc[1].isna().all())
    True
    """
    full = pd.Series(texts, dtype="string")
    # each distinct text measured once (pairwise data repeat a model's answer across pairs)
    codes, distinct = pd.factorize(full, use_na_sentinel=True)
    if 0 < len(distinct) < len(full):
        once = text_factors(pd.Series(distinct, dtype="string"))
        taken = once.take(np.where(codes < 0, 0, codes)).set_index(full.index)
        if (codes < 0).any():
            taken = taken.mask(pd.Series(codes < 0, index=full.index), axis=0)
        return taken
    s = full
    out = {"chars": s.str.len()}
    for name, pattern in COUNT_PATTERNS.items():
        out[name] = s.str.count(pattern)
    fences = s.str.count(FENCE_PATTERN)
    out["code_blocks"] = (fences + 1) // 2
    out["refusal"] = s.str.contains(REFUSAL_PATTERN, regex=True).astype("boolean")
    frame = pd.DataFrame(out, index=s.index)
    for col in COUNT_FACTORS:
        frame[col] = frame[col].astype("Int64")
    return frame[list(TEXT_FACTORS)]


def _first_per_item(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    present = [c for c in cols if c in df.columns]
    # first non-NA value per item, whichever rater's row carries it
    return df.groupby(["dataset", "item_id"], sort=False, observed=True)[present].first()


def item_factors(df: pd.DataFrame) -> pd.DataFrame:
    """One row of factors per ``(dataset, item_id)`` of a tidy judgment table.

    Parameters
    ----------
    df : DataFrame
        Tidy judgments (:mod:`workbench.schema`); needs ``dataset`` and
        ``item_id``; text and model columns are used when present.

    Returns
    -------
    DataFrame
        Columns ``dataset, item_id, subset, model_a, model_b, model,
        family_a, family_b, family``, then the text factors of the module
        docstring for ``a``, ``b`` and ``response`` and the pairwise
        differences ``<factor>_diff`` (A minus B). Items without texts have NA
        factors.

    Examples
    --------
    >>> df = pd.DataFrame({"dataset": ["t", "t"], "item_id": ["1", "1"], "rater": ["h", "j"],
    ...                    "response_a": ["one two three", None], "response_b": ["four", None]})
    >>> item_factors(df)[["item_id", "words_a", "words_b", "words_diff"]].to_dict("records")
    [{'item_id': '1', 'words_a': 3, 'words_b': 1, 'words_diff': 2}]
    """
    check_table(df, need=("dataset", "item_id"))
    meta = ["subset", "model_a", "model_b", "model", "response_a", "response_b", "response"]
    items = _first_per_item(df, meta).reset_index()
    for col in meta:
        if col not in items:
            items[col] = pd.Series(pd.NA, index=items.index, dtype="string")
    out = items[["dataset", "item_id", "subset", "model_a", "model_b", "model"]].copy()
    for side in ("a", "b", ""):
        src = "model" if not side else f"model_{side}"
        out["family" + (f"_{side}" if side else "")] = model_family(items[src]).to_numpy()
    parts = {}
    for side, col in (("a", "response_a"), ("b", "response_b"), ("", "response")):
        f = text_factors(items[col])
        parts[side] = f
        for name in TEXT_FACTORS:
            out[name + (f"_{side}" if side else "")] = f[name].to_numpy()
    for name in TEXT_FACTORS:
        a, b = parts["a"][name], parts["b"][name]
        if name == "refusal":
            a, b = a.astype("Int64"), b.astype("Int64")
        out[f"{name}_diff"] = (a - b).to_numpy()
    return out


def add_factors(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with the item factors of :func:`item_factors` joined on ``(dataset, item_id)``.

    Columns already in ``df`` (``subset``, ``model_a`` ...) are not duplicated.

    Examples
    --------
    >>> df = pd.DataFrame({"dataset": ["t"], "item_id": ["1"], "label": ["A"],
    ...                    "response_a": ["a b"], "response_b": ["c"]})
    >>> int(add_factors(df)["words_diff"].iloc[0])  # 2 - 1
    1
    """
    f = item_factors(df)
    new = [c for c in f.columns if c not in df.columns or c in ("dataset", "item_id")]
    return df.merge(f[new], on=["dataset", "item_id"], how="left", validate="many_to_one")


def _label(df: pd.DataFrame, need: tuple[str, ...] = ()) -> pd.Series:
    """The checked ``label`` column (:func:`workbench._validate.check_table`), as objects."""
    check_table(df, need=("label", *need))
    return df["label"].astype("object")


def picked_longer(df: pd.DataFrame, *, unit: Literal["words", "chars"] = "words") -> pd.Series:
    """Whether each row's pairwise pick is the longer response.

    Parameters
    ----------
    df : DataFrame
        Tidy judgments with ``label`` and either ``<unit>_diff`` (from
        :func:`add_factors`) or ``response_a`` / ``response_b``.
    unit : {"words", "chars"}, default "words"

    Returns
    -------
    Series of boolean
        True when the label is the longer response, False when the shorter;
        NA for ties, unparsed labels, non-pairwise rows and equal lengths.

    Examples
    --------
    >>> df = pd.DataFrame({"label": ["A", "B", "tie", "A"], "response_a": ["a b", "a b", "a", "a"],
    ...                    "response_b": ["c", "c", "c d", "b"]})
    >>> picked_longer(df).tolist()  # A longer; A longer (B picked); tie; equal length
    [True, False, <NA>, <NA>]
    """
    check_option("unit", unit, ("words", "chars"))
    col = f"{unit}_diff"
    label = _label(df, (col,) if col in df.columns else ("response_a", "response_b"))
    if col in df.columns:
        diff = pd.to_numeric(df[col]).astype("Float64")
    else:
        a = text_factors(df["response_a"])[unit].astype("Float64")
        b = text_factors(df["response_b"])[unit].astype("Float64")
        diff = a - b
    return picked_side(label, diff, df.index)


def picked_side(
    label: pd.Series | ArrayLike, diff: pd.Series | ArrayLike, index: pd.Index | None = None
) -> pd.Series:
    """Whether each pairwise pick is the side with the larger ``diff`` (positive = A has more).

    The judgment-level building block of :func:`picked_longer` and of the length and
    style probes of :mod:`workbench.bias`: ``diff`` is any A-minus-B item factor
    (``words_diff``, ``list_items_diff`` ...).

    Parameters
    ----------
    label : Series or array_like
        Pairwise labels ``A`` / ``B`` / ``tie`` (anything else, NA included, gives NA).
    diff : Series or array_like
        Row-aligned ``factor(A) - factor(B)``.
    index : Index, optional
        Index of the result; default ``label``'s index (or a range index).

    Returns
    -------
    Series of boolean
        True when the label picks the side with more (``A`` with ``diff > 0``, ``B`` with
        ``diff < 0``), False when it picks the side with less; NA for ties, unparsed
        labels, NA ``diff`` and ``diff == 0``.

    See Also
    --------
    picked_longer : the same on word or character counts, from the texts.

    Examples
    --------
    >>> picked_side(["A", "B", "A", "tie", "B"], [2, 2, -1, 3, 0]).tolist()
    [True, False, False, <NA>, <NA>]
    """
    if index is None:
        index = label.index if isinstance(label, pd.Series) else pd.RangeIndex(len(label))
    lab = pd.Series(label).to_numpy(dtype=object)
    d = pd.array(diff, dtype="Float64")
    is_a = lab == "A"
    is_b = lab == "B"
    out = pd.array(np.where(is_a, d > 0, d < 0), dtype="boolean")
    na = ~(is_a | is_b) | pd.isna(d).astype(bool) | (d == 0).fillna(True).to_numpy(bool)
    out[na] = pd.NA
    return pd.Series(out, index=index, dtype="boolean")


def picked_first(df: pd.DataFrame) -> pd.Series:
    """Whether each row's pairwise pick is the first-presented response.

    ``label == "A"`` with ``order == "AB"`` or ``label == "B"`` with
    ``order == "BA"``. NA for ties, unparsed labels and unknown order.

    Examples
    --------
    >>> df = pd.DataFrame({"label": ["A", "A", "B", "tie", "B"], "order": ["AB", "BA", "BA", "AB", None]})
    >>> picked_first(df).tolist()
    [True, False, True, <NA>, <NA>]
    """
    lab = _label(df, ("order",)).to_numpy(dtype=object)
    order = df["order"].astype("object").to_numpy(dtype=object)
    first = np.where(order == "AB", "A", np.where(order == "BA", "B", None))
    ok = np.isin(lab, ["A", "B"]) & (first != None)  # noqa: E711
    out = pd.array(lab == first, dtype="boolean")
    out[~ok] = pd.NA
    return pd.Series(out, index=df.index, dtype="boolean")


DEFAULT_LENGTH_EDGES = (0, 10, 50, 150, np.inf)
"""Absolute word-difference bin edges of :func:`length_diff_bins`: [0, 10), [10, 50), [50, 150), [150, inf)."""


def length_diff_bins(
    df: pd.DataFrame,
    *,
    unit: Literal["words", "chars"] = "words",
    edges: Sequence[float] = DEFAULT_LENGTH_EDGES,
    absolute: bool = True,
) -> pd.Series:
    """Bin the A-minus-B length difference for slicing.

    Parameters
    ----------
    df : DataFrame
        With ``<unit>_diff`` (from :func:`add_factors` / :func:`item_factors`).
    unit : {"words", "chars"}, default "words"
    edges : sequence of float
        Increasing bin edges, left-closed ``[e_i, e_{i+1})``.
    absolute : bool, default True
        Bin ``|diff|`` (how different the lengths are) rather than the signed
        difference.

    Returns
    -------
    Series of category
        Labels like ``"[10, 50)"``; NA where the difference is NA or outside
        the edges.

    Examples
    --------
    >>> df = pd.DataFrame({"words_diff": [3, -20, 200, None]})
    >>> length_diff_bins(df).tolist()
    ['[0, 10)', '[10, 50)', '[150, inf)', nan]
    """
    check_option("unit", unit, ("words", "chars"))
    col = f"{unit}_diff"
    check_columns(df, [col], arg="df (call add_factors first)")
    x = pd.to_numeric(df[col]).astype("Float64")
    out = bin_values(x.abs() if absolute else x, edges=edges)
    return out.rename(f"{col}_bin")


def bin_values(values: pd.Series, *, edges: Sequence[float]) -> pd.Series:
    """Left-closed bins ``[e_i, e_{i+1})`` of a numeric Series, labelled like ``"[10, 50)"``.

    Examples
    --------
    >>> bin_values(pd.Series([0.5, 2, 7]), edges=[0, 1, 5, np.inf]).tolist()
    ['[0, 1)', '[1, 5)', '[5, inf)']
    """
    try:
        e = np.asarray(edges, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"edges: expected at least two increasing numbers, got {edges!r}"
        ) from None
    if e.ndim != 1 or len(e) < 2 or np.isnan(e).any() or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges: expected at least two increasing values, got {list(edges)}")
    s = pd.Series(values)
    x = pd.to_numeric(s).astype("Float64").to_numpy(dtype=float, na_value=np.nan)

    def fmt(v: float) -> str:
        return "inf" if np.isposinf(v) else "-inf" if np.isneginf(v) else f"{v:g}"

    labels = [f"[{fmt(lo)}, {fmt(hi)})" for lo, hi in zip(e[:-1], e[1:], strict=True)]
    return pd.Series(pd.cut(x, e, right=False, labels=labels), index=s.index)


def quantile_bins(values: pd.Series, *, q: int = 4) -> pd.Series:
    """Equal-count bins of a numeric factor (``pandas.qcut``, duplicate edges dropped).

    Examples
    --------
    >>> quantile_bins(pd.Series([1, 2, 3, 4, 5, 6, 7, 8]), q=2).cat.codes.tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    """
    if not isinstance(q, int | np.integer) or q < 1:
        raise ValueError(f"q: expected a positive integer, got {q!r}")
    x = pd.to_numeric(pd.Series(values)).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(pd.qcut(x, q, duplicates="drop"), index=pd.Series(values).index)
