"""Baseline judges: trivial raters that every real judge must beat.

:func:`add_baseline_judges` appends, for every pairwise and binary dataset of a tidy table,
one verdict per item from each baseline whose columns the dataset has: *always the longer
response*, *always the first shown*, *always A*, *always tie*, *a coin flip*, *always
correct*, *the response contains the reference answer* ... A judge that does not beat
picking the longer answer is not a judge (AlpacaEval reports a longest-answer baseline; on
Judging the Judges the lexical Contains baseline ranks exam-takers better than most LLM
judges). The rows have rater ``baseline:<name>``, rater_kind ``baseline``, strategy
``<name>`` and no presentation order (a baseline sees both responses at once), so
:func:`workbench.agreement`, leaderboards and the explorer show them beside the real judges.

Each baseline is an entry of :data:`BASELINES`, registered where it is defined with the
protocols it handles, the columns it needs and a one-line description:

>>> sorted(BASELINES)  # doctest: +NORMALIZE_WHITESPACE
['always_a', 'always_b', 'always_correct', 'always_incorrect', 'always_tie', 'contains',
 'first_shown', 'longer', 'random', 'shorter']
>>> BASELINES["longer"].needs
('response_a', 'response_b')

Examples
--------
Three pairs whose responses have 3 vs 1, 1 vs 2 and 2 vs 2 words:

>>> from workbench.testing import toy
>>> df = toy(pairwise={"human": "ABt"},
...          texts=(["a b c", "a", "x y"], ["a", "a b", "p q"]))
>>> out = add_baseline_judges(df, baselines=["longer", "shorter", "always_tie"])
>>> out.groupby("rater", sort=False)["label"].apply(list).to_dict()
{'human': ['A', 'B', 'tie'], 'baseline:longer': ['A', 'B', 'tie'], 'baseline:shorter': ['B', 'A', 'tie'], 'baseline:always_tie': ['tie', 'tie', 'tie']}
>>> out[out["rater_kind"] == "baseline"]["strategy"].unique().tolist()
['longer', 'shorter', 'always_tie']
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema, vocab
from ._validate import check_options, check_table
from .registry import Registry

__all__ = ["BASELINES", "Baseline", "BaselineWarning", "add_baseline_judges", "baseline"]

KIND = "baseline"
"""``rater_kind`` of the rows :func:`add_baseline_judges` adds."""

ITEM_COLUMNS: tuple[str, ...] = (
    "subset",
    "turn",
    "prompt",
    "response_a",
    "response_b",
    "response",
    "reference",
    "model_a",
    "model_b",
    "model",
)
"""Item-level columns copied onto a baseline's rows (the first non-NA value of the item)."""

_ITEM_KEY = ["dataset", "protocol", "item_id", "criterion"]


class BaselineWarning(UserWarning):
    """Baselines were skipped because a dataset lacks the columns they need (or already
    carries them); the message names each skipped baseline, the dataset and why."""


Verdicts = Callable[[pd.DataFrame, np.random.Generator], pd.Series]
"""Items (one row per item, :data:`ITEM_COLUMNS` + ``protocol`` + ``shown_first``) and a
generator -> label per item (NA = no verdict, no row)."""


@dataclass(frozen=True)
class Baseline:
    """One baseline judge.

    Attributes
    ----------
    name : str
        Registry name; the rater is ``baseline:<name>``.
    protocols : tuple of str
        Protocols it judges (``pairwise``, ``binary``).
    needs : tuple of str
        Columns that must exist with at least one value in the dataset.
    description : str
        One line, for tables and the explorer.
    verdicts : callable
        ``verdicts(items, rng) -> Series`` of labels, NA where it gives none.
    """

    name: str
    protocols: tuple[str, ...]
    needs: tuple[str, ...]
    description: str
    verdicts: Verdicts


BASELINES: Registry[Baseline] = Registry("baseline")
"""Every baseline judge, by name (filled by :func:`baseline` below)."""


def baseline(
    name: str, *, protocols: tuple[str, ...], needs: tuple[str, ...] = (), description: str
) -> Callable[[Verdicts], Verdicts]:
    """Decorator: register a verdict function as the baseline ``name`` in :data:`BASELINES`."""
    check_options("protocols", protocols, ("pairwise", "binary"))
    return BASELINES.register(
        name, lambda f: Baseline(name, tuple(protocols), tuple(needs), description, f)
    )


def _constant(items: pd.DataFrame, label: str) -> pd.Series:
    return pd.Series(label, index=items.index, dtype="object")


def _words(text: pd.Series) -> pd.Series:
    """Whitespace-separated words per text (NA stays NA)."""
    return text.astype("string").str.count(r"\S+")


def _by_length(items: pd.DataFrame, more: str, fewer: str) -> pd.Series:
    a, b = _words(items["response_a"]), _words(items["response_b"])
    out = pd.Series(None, index=items.index, dtype="object")
    known = (a.notna() & b.notna()).to_numpy()
    diff = (a - b).to_numpy(dtype=float, na_value=np.nan)
    out[known & (diff > 0)] = more
    out[known & (diff < 0)] = fewer
    out[known & (diff == 0)] = "tie"
    return out


# --------------------------------------------------------------------------- pairwise


@baseline(
    "longer",
    protocols=("pairwise",),
    needs=("response_a", "response_b"),
    description="the response with more words (equal counts: tie)",
)
def longer(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """The response with more words; a tie when both have as many."""
    return _by_length(items, "A", "B")


@baseline(
    "shorter",
    protocols=("pairwise",),
    needs=("response_a", "response_b"),
    description="the response with fewer words (equal counts: tie)",
)
def shorter(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """The response with fewer words; a tie when both have as many."""
    return _by_length(items, "B", "A")


@baseline(
    "first_shown",
    protocols=("pairwise",),
    description="the response shown first to the people (A unless their rows record BA)",
)
def first_shown(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """B where the item's human / gold rows all record order ``BA``, else A.

    No staged dataset shows its annotators B first (their rows have order NA or ``AB``),
    so on them this equals ``always_a``.
    """
    return pd.Series(np.where(items["shown_first"] == "BA", "B", "A"), index=items.index)


@baseline("always_a", protocols=("pairwise",), description="always response A")
def always_a(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """A on every item."""
    return _constant(items, "A")


@baseline("always_b", protocols=("pairwise",), description="always response B")
def always_b(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """B on every item."""
    return _constant(items, "B")


@baseline("always_tie", protocols=("pairwise",), description="always a tie")
def always_tie(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """tie on every item."""
    return _constant(items, "tie")


# --------------------------------------------------------------------------- binary


@baseline("always_correct", protocols=("binary",), description="always correct")
def always_correct(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """correct on every item."""
    return _constant(items, "correct")


@baseline("always_incorrect", protocols=("binary",), description="always incorrect")
def always_incorrect(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """incorrect on every item."""
    return _constant(items, "incorrect")


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def _contains(response: object, reference: object) -> str | None:
    if pd.isna(response) or pd.isna(reference):
        return None
    answers = [_normalise(line) for line in re.split(r"[\r\n]+", str(reference))]
    answers = [a for a in answers if a]
    if not answers:
        return None
    said = _normalise(str(response))
    return "correct" if any(a in said for a in answers) else "incorrect"


@baseline(
    "contains",
    protocols=("binary",),
    needs=("response", "reference"),
    description="the response contains a reference answer (case-insensitive)",
)
def contains(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """correct when the response contains a reference answer, else incorrect.

    Case-insensitive, whitespace-normalised (runs of whitespace become one space). A
    reference of several lines is a list of accepted answers (Judging the Judges' aliases):
    any one counts. An empty reference gives no verdict.
    """
    pairs = zip(items["response"].tolist(), items["reference"].tolist(), strict=True)
    return pd.Series([_contains(r, a) for r, a in pairs], index=items.index, dtype="object")


# --------------------------------------------------------------------------- both


@baseline(
    "random",
    protocols=("pairwise", "binary"),
    description="a fair coin: A or B (never tie); correct or incorrect",
)
def random(items: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """A or B (binary: correct or incorrect) with probability 1/2 each, independently per
    item; never a tie (``always_tie`` is the tie baseline)."""
    pairwise = (items["protocol"].astype("object") == "pairwise").to_numpy()
    heads = rng.integers(0, 2, size=len(items)).astype(bool)
    first = np.where(pairwise, "A", vocab.BINARY_LABELS[0])
    second = np.where(pairwise, "B", vocab.BINARY_LABELS[1])
    return pd.Series(np.where(heads, first, second), index=items.index)


# --------------------------------------------------------------------------- the table


def _items(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, protocol, item_id, criterion) of the pairwise / binary rows, with
    the first non-NA value of each item column and ``shown_first``: the one order the item's
    human / gold rows record (NA when they record none or both)."""
    cols = [c for c in ITEM_COLUMNS if c in df.columns]
    keyed = df[_ITEM_KEY + cols].copy()
    for c in cols:
        keyed[c] = keyed[c].astype("object").where(keyed[c].notna(), None)
    items = keyed.groupby(_ITEM_KEY, sort=False, observed=True)[cols].first()
    items = items.reindex(columns=list(ITEM_COLUMNS))
    shown = pd.Series(pd.NA, index=items.index, dtype="object")
    if "order" in df.columns:
        people = df["rater_kind"].astype("object").isin(["human", "gold"]) & df["order"].notna()
        orders = df.loc[people, _ITEM_KEY].assign(order=df.loc[people, "order"].astype("object"))
        span = orders.groupby(_ITEM_KEY, observed=True)["order"].agg(["min", "max"])
        one = span.loc[span["min"] == span["max"], "min"]
        shown.loc[shown.index.intersection(one.index)] = one
    items["shown_first"] = shown
    return items.reset_index()


def _problems(df: pd.DataFrame, entry: Baseline, rows: pd.Series) -> list[str]:
    """Why ``entry`` cannot judge the rows of one dataset (``rows``: a boolean mask)."""
    why = []
    for col in entry.needs:
        if col not in df.columns:
            why.append(f"no column {col!r}")
        elif not df.loc[rows, col].notna().any():
            why.append(f"column {col!r} is all NA")
    raters = df.loc[rows, "rater"].astype("object")
    same = raters[raters.str.casefold().isin([entry.name.casefold(), f"{KIND}:{entry.name}"])]
    for rater in sorted(same.unique()):
        why.append(f"the table already has rater {rater!r}")
    return why


def add_baseline_judges(
    df: pd.DataFrame,
    *,
    baselines: Sequence[str] | None = None,
    rng: np.random.Generator | int | None = 0,
) -> pd.DataFrame:
    """``df`` plus one verdict per item from each baseline judge the data allows.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table (:mod:`workbench.schema`); pairwise and binary datasets get
        baselines, rating rows are kept as they are.
    baselines : sequence of str, optional
        Names in :data:`BASELINES`. Default: every baseline of each dataset's protocol
        whose needed columns the dataset has; the others are skipped with one
        :class:`BaselineWarning` naming them and why. A baseline named here that a
        dataset of its protocol cannot run raises instead.
    rng : Generator, int or None, default 0
        Seed of ``random`` (the default makes the verdicts reproducible).

    Returns
    -------
    DataFrame
        The rows of ``df`` (new index), then per dataset and baseline one row per item
        (dataset, item_id, criterion) with a verdict: rater ``baseline:<name>``,
        rater_kind ``baseline``, strategy ``<name>``, order NA (a baseline sees both
        responses at once), ``label``, and the item's ``subset``, ``turn``, texts and
        models (:data:`ITEM_COLUMNS`). Items lacking a needed text (NA) get no row.
        Columns of ``df`` are kept; schema columns have their schema dtypes.

    Raises
    ------
    ValueError
        An unknown or repeated name in ``baselines``; a named baseline whose protocol
        the table lacks, or that a dataset cannot run (a missing or all-NA column, named;
        or a rater of that name already in the table).

    Notes
    -----
    Pairwise: ``longer`` / ``shorter`` compare whitespace-separated word counts of
    ``response_a`` and ``response_b`` (equal: tie). ``first_shown`` is A in the canonical
    numbering unless the item's human / gold rows all record order ``BA`` (then B); the
    staged datasets record no such order, so it equals ``always_a`` on them. ``random`` is
    A or B with probability 1/2 each, never tie. Binary: ``random`` is correct or incorrect
    with probability 1/2; ``contains`` is the lexical Contains baseline of Judging the
    Judges (Thakur et al. 2024): correct when the response contains a reference answer
    (case-insensitive, whitespace-normalised; one accepted answer per line of
    ``reference``). The ``judging_the_judges`` table already carries that baseline as the
    metric rater ``Contains`` and has no ``response`` column, so ``contains`` is skipped
    there rather than duplicated; a rater named like a baseline (case-insensitive, or
    ``baseline:<name>`` from an earlier call) always makes that baseline skip.

    References
    ----------
    Thakur, A. S., Choudhary, K., Ramayapally, V. S., Vaidyanathan, S., & Hupkes, D. (2024).
    Judging the Judges: Evaluating Alignment and Vulnerabilities in LLMs-as-Judges.
    arXiv:2406.12624.

    Examples
    --------
    Binary items whose responses do or do not contain the reference (two aliases on item 1):

    >>> from workbench.testing import toy
    >>> df = toy(binary={"human": "cci"}, texts=["It is  PARIS.", "Tintin", "Rome"],
    ...          reference=["Paris", "Tin Tin\\ntintin", "Milan"])
    >>> out = add_baseline_judges(df, baselines=["contains", "always_correct"])
    >>> out.groupby("rater", sort=False)["label"].apply(list).to_dict()
    {'human': ['correct', 'correct', 'incorrect'], 'baseline:contains': ['correct', 'correct', 'incorrect'], 'baseline:always_correct': ['correct', 'correct', 'correct']}
    >>> add_baseline_judges(df.drop(columns="reference"), baselines=["contains"])
    Traceback (most recent call last):
    ...
    ValueError: baselines: 'contains' cannot run on dataset 'toy': no column 'reference'
    """
    check_table(df)
    names = _chosen(baselines)
    gen = np.random.default_rng(rng)
    dataset = df["dataset"].astype("object")
    protocol = df["protocol"].astype("object")
    items = _items(df[protocol.isin(["pairwise", "binary"]).to_numpy()])
    new, skipped, ran = [], [], set()
    for (name, proto), group in items.groupby(["dataset", "protocol"], sort=False, observed=True):
        rows = ((dataset == name) & (protocol == proto)).to_numpy()
        for entry in (BASELINES[b] for b in names):
            if proto not in entry.protocols:
                continue
            ran.add(entry.name)
            why = _problems(df, entry, rows)
            if why and baselines is not None:
                raise ValueError(
                    f"baselines: {entry.name!r} cannot run on dataset {name!r}: {'; '.join(why)}"
                )
            if why:
                skipped.append(f"{entry.name} on {name} ({'; '.join(why)})")
                continue
            new.append(_rows(group, entry, gen))
    if baselines is not None and (absent := [b for b in names if b not in ran]):
        wanted = {b: list(BASELINES[b].protocols) for b in absent}
        raise ValueError(f"baselines: no rows of the protocols these judge: {wanted}")
    if skipped:
        warnings.warn(
            f"add_baseline_judges: skipped {len(skipped)}: {', '.join(skipped)}",
            BaselineWarning,
            stacklevel=2,
        )
    if not ran:
        warnings.warn(
            "add_baseline_judges: no pairwise or binary rows; nothing added",
            BaselineWarning,
            stacklevel=2,
        )
    return _joined(df, new)


def _chosen(baselines: Sequence[str] | None) -> list[str]:
    if baselines is None:
        return list(BASELINES)
    names = [baselines] if isinstance(baselines, str) else list(baselines)
    if not names:
        raise ValueError("baselines: an empty list; name at least one, or pass None for all")
    twice = sorted({b for b in names if names.count(b) > 1})
    if twice:
        raise ValueError(f"baselines: {twice} listed more than once")
    return check_options("baselines", names, BASELINES)


def _rows(items: pd.DataFrame, entry: Baseline, rng: np.random.Generator) -> pd.DataFrame:
    labels = entry.verdicts(items, rng)
    keep = labels.notna().to_numpy()
    out = items.loc[keep, _ITEM_KEY + list(ITEM_COLUMNS)].copy()
    out["rater"] = f"{KIND}:{entry.name}"
    out["rater_kind"] = KIND
    out["strategy"] = entry.name
    out["label"] = labels[keep].astype("object")
    return out


def _joined(df: pd.DataFrame, new: list[pd.DataFrame]) -> pd.DataFrame:
    """``df`` then the new rows, with ``df``'s columns and the schema dtypes."""
    if not new:
        return df.reset_index(drop=True)
    added = schema.conform(pd.concat(new, ignore_index=True))
    out = pd.concat([df, added.reindex(columns=df.columns)], ignore_index=True)
    for col in out.columns:
        dtype = schema.COLUMNS.get(col)
        if dtype is not None and str(out[col].dtype) != str(pd.Series(dtype=dtype).dtype):
            out[col] = out[col].astype("object").where(out[col].notna(), None).astype(dtype)
    return out
