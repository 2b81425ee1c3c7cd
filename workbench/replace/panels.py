"""Judge panels: several judges vote as one rater, and agreement with people against panel size.

A panel of LLM judges (Verga et al. 2024, "Replacing Judges with Juries", arXiv:2404.18796;
LLMEval², Zhang et al. 2023, arXiv:2308.01862: more judges, fairer evaluation) gives one
verdict per item from its members' verdicts:

``rule="majority"`` (labels: pairwise ``A`` / ``B`` / ``tie``, binary)
    The most frequent label among the members that gave one; two or more labels sharing the
    largest count are a tie: an NA verdict (``on_tie="na"``, the item is then left out of
    agreement, as :func:`workbench.verdicts.majority_vote` does for people) or the pairwise
    label ``tie`` (``on_tie="tie"``: the panel could not decide).
``rule="mean"`` (ratings)
    The mean score of the members that gave one.

Members with an NA verdict on an item (unparsable output) or no row for it are left out of
that item's vote; an item on which no member has a verdict gets no panel row.

Presentation orders (``resolve``)
    ``"per_order"`` (default): the panel is asked in each order its members were: one panel
    verdict per (item, criterion, order), from the members' games in that order; a member
    judged without an order (order NA) votes in every order of the item. A panel of one judge
    is then that judge, row for row, and its agreement is the judge's own
    (:func:`workbench.agreement` with its default ``resolve="per_order"``). Any other rule of
    :data:`workbench.vocab.RULES` first resolves each member's two orders into one verdict
    (:func:`workbench.verdicts.resolve_orders`); the panel then gives one verdict per item,
    with order NA.

:func:`panel` adds one panel to a table; :func:`panel_curve` measures the agreement with people
of every panel (subset of the judges) of each size, and :func:`curve_summary` gives the mean,
minimum and maximum over the panels of a size.

Examples
--------
Three judges, a panel of all three (item 1: B, A, ? -> A 1-1 B, a tie -> NA):

>>> from workbench.testing import toy
>>> df = toy(pairwise={"human": "ABA", "j1": "ABB", "j2": "BAB", "j3": "A?A"})
>>> out = panel(df, judges=["j1", "j2", "j3"])
>>> p = out[out["rater"] == "panel:j1+j2+j3"]
>>> p["label"].tolist(), p["raw"].tolist()
(['A', nan, 'B'], ['A:2;B:1;tie:0', 'A:1;B:1;tie:0', 'A:1;B:2;tie:0'])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option, check_table
from ..agreement import DEFAULT_STATISTICS, agreement
from ..schema import COLUMNS, conform, validate
from ..verdicts import resolve_orders

__all__ = [
    "CURVE_COLUMNS",
    "PANEL_RULES",
    "SUMMARY_COLUMNS",
    "curve_summary",
    "panel",
    "panel_curve",
]

PanelRule = Literal["majority", "mean"]
PANEL_RULES: tuple[str, ...] = ("majority", "mean")
"""How a panel combines its members' verdicts: majority label, mean score."""
CURVE_COLUMNS: tuple[str, ...] = (
    "size",
    "panel",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "n_items",
    "note",
)
"""Columns of :func:`panel_curve` (``criterion`` first when the table has several)."""
SUMMARY_COLUMNS: tuple[str, ...] = ("size", "statistic", "n_panels", "mean", "min", "max")
"""Columns of :func:`curve_summary`."""

_ITEM = ["dataset", "item_id", "criterion"]
_NO_ORDER = ""  # group key of rows without a presentation order


@dataclass(frozen=True)
class _Ballots:
    """Every member's verdict per vote group: (item, criterion, order) x judge."""

    template: pd.DataFrame  # one row per group: the group's first vote (item columns)
    values: np.ndarray  # groups x judges: label code (-1 = none) or score (NaN = none)
    labels: tuple[str, ...]  # label of each code (labels protocols)
    rating: bool


def _judges(df: pd.DataFrame, judges: Sequence[str], arg: str = "judges") -> list[str]:
    if isinstance(judges, str) or not len(judges):
        raise ValueError(f"{arg}: expected a non-empty list of rater ids, got {judges!r}")
    judges = list(judges)
    repeated = sorted({j for j in judges if judges.count(j) > 1})
    if repeated:
        raise ValueError(f"{arg}: each judge once, got repeats {repeated}")
    unknown = [j for j in judges if j not in set(df["rater"].astype("object").unique())]
    if unknown:
        raise ValueError(f"{arg}: not in the table: {unknown}")
    return judges


def _ballots(df: pd.DataFrame, judges: list[str], resolve: str) -> _Ballots:
    """The members' verdicts as a (group x judge) array, orders handled as ``resolve`` says."""
    votes = df[df["rater"].astype("object").isin(judges).to_numpy()]
    protocols = sorted(pd.Series(votes["protocol"].unique()).astype("object"))
    if len(protocols) != 1:
        raise ValueError(f"judges: their rows have several protocols {protocols}; filter first")
    rating = protocols[0] == "rating"
    if resolve != "per_order":
        votes = resolve_orders(votes, rule=resolve)
    order = votes["order"].astype("object")
    ordered = order.notna().to_numpy()
    if ordered.any() and not ordered.all():  # unordered members vote in each order of the item
        shown = votes.loc[ordered, [*_ITEM, "order"]].astype({"order": "object"})
        shown = shown.drop_duplicates()
        plain = votes[~ordered].drop(columns="order").merge(shown, on=_ITEM, how="left")
        votes = pd.concat([votes[ordered], plain[votes.columns]], ignore_index=True)
        order = votes["order"].astype("object")
    key = votes[_ITEM].astype("object").assign(order=order.fillna(_NO_ORDER).to_numpy())
    group = key.groupby(list(key.columns), sort=False).ngroup().to_numpy()
    member = pd.Categorical(votes["rater"].astype("object"), categories=judges).codes
    n_groups = int(group.max()) + 1 if len(group) else 0
    if rating:
        labels: tuple[str, ...] = ()
        values = np.full((n_groups, len(judges)), np.nan)
        values[group, member] = votes["score"].to_numpy(dtype=float, na_value=np.nan)
    else:
        labels = vocab.PAIRWISE_LABELS if protocols[0] == "pairwise" else vocab.BINARY_LABELS
        code = pd.Categorical(votes["label"].astype("object"), categories=labels).codes
        values = np.full((n_groups, len(judges)), -1, dtype=np.int8)
        values[group, member] = code
    _, first = np.unique(group, return_index=True)
    template = votes.iloc[first].reset_index(drop=True)
    return _Ballots(template, values, labels, rating)


def _verdicts(
    ballots: _Ballots, members: Sequence[int], on_tie: str
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """``(keep, verdict, raw)`` per group of the panel ``members`` (column indices)."""
    sub = ballots.values[:, list(members)]
    if ballots.rating:
        count = (~np.isnan(sub)).sum(axis=1)
        keep = count > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(sub, axis=1) / count
        raw = "mean of " + pd.Series(count[keep]).astype(str)
        return keep, mean[keep], raw
    counts = np.stack([(sub == c).sum(axis=1) for c in range(len(ballots.labels))], axis=1)
    top = counts.max(axis=1)
    keep = top > 0
    winners = counts == top[:, None]
    best = np.array(ballots.labels, dtype=object)[winners.argmax(axis=1)]
    verdict = np.where(winners.sum(axis=1) == 1, best, "tie" if on_tie == "tie" else None)
    parts = [
        lab + ":" + pd.Series(counts[keep, c]).astype(str) for c, lab in enumerate(ballots.labels)
    ]
    raw = parts[0]
    for part in parts[1:]:
        raw = raw + ";" + part
    return keep, verdict[keep], raw


def _rows(ballots: _Ballots, members: Sequence[int], rater: str, on_tie: str) -> pd.DataFrame:
    keep, verdict, raw = _verdicts(ballots, members, on_tie)
    rows = ballots.template[keep].reset_index(drop=True)
    rows["rater"] = rater
    rows["rater_kind"] = "llm"
    rows["strategy"] = "panel"
    rows["explanation"] = None
    rows["raw"] = raw.to_numpy()
    if ballots.rating:
        rows["score"] = verdict
    else:
        rows["label"] = pd.Series(verdict, dtype="object").where(pd.notna(verdict), None).to_numpy()
    return rows


def _check_rule(ballots: _Ballots, rule: str, on_tie: str) -> None:
    check_option("rule", rule, PANEL_RULES)
    check_option("on_tie", on_tie, ("na", "tie"))
    if ballots.rating and rule != "mean":
        raise ValueError(f"rule: the judges give ratings; expected 'mean', got {rule!r}")
    if not ballots.rating and rule != "majority":
        raise ValueError(f"rule: the judges give labels; expected 'majority', got {rule!r}")
    if on_tie == "tie" and ballots.labels != vocab.PAIRWISE_LABELS:
        raise ValueError("on_tie: 'tie' needs pairwise judges")


def _prepare(
    df: pd.DataFrame, judges: Sequence[str], resolve: str, arg: str = "judges"
) -> tuple[pd.DataFrame, list[str], _Ballots]:
    check_table(df)
    check_option("resolve", resolve, vocab.RULES)
    if list(df.columns) != list(COLUMNS):
        df = conform(df)
    judges = _judges(df, judges, arg)
    return df, judges, _ballots(df, judges, resolve)


def panel(
    df: pd.DataFrame,
    *,
    judges: Sequence[str],
    rule: PanelRule = "majority",
    name: str | None = None,
    resolve: vocab.Rule = "per_order",
    on_tie: Literal["na", "tie"] = "na",
) -> pd.DataFrame:
    """The table plus a panel of judges as one new rater.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table (:mod:`workbench.schema`).
    judges : sequence of str
        Rater ids of the panel's members (one protocol).
    rule : {"majority", "mean"}, default "majority"
        ``"majority"`` for labels, ``"mean"`` for ratings (module docstring); the other
        combination is an error.
    name : str, optional
        The panel is rater ``panel:<name>``; default ``panel:<j1>+<j2>+...``.
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "per_order"
        ``"per_order"``: one panel verdict per presentation order; otherwise each member's
        orders are resolved first and the panel gives one verdict per item (module docstring).
    on_tie : {"na", "tie"}, default "na"
        A tied majority: NA verdict, or the pairwise label ``tie``.

    Returns
    -------
    DataFrame
        ``df`` (conformed) and the panel's rows: rater_kind ``llm``, strategy ``panel``,
        ``raw`` the vote counts (``"A:2;B:1;tie:0"``) or ``"mean of <n>"``, item columns from
        the item's first member row; validated (:func:`workbench.schema.validate`).

    Raises
    ------
    ValueError
        A judge not in the table, an empty or repeated ``judges``, a ``rule`` that does not
        fit the judges' protocol, an unknown option.

    Examples
    --------
    Ratings: the mean of the members that scored the item.

    >>> from workbench.testing import toy
    >>> df = toy(rating={"human": [1, 2, 3], "j1": [1, 4, None], "j2": [3, float("nan"), 5]})
    >>> out = panel(df, judges=["j1", "j2"], rule="mean", name="both")
    >>> out[out["rater"] == "panel:both"]["score"].tolist()  # (1+3)/2, 4 alone, 5 alone
    [2.0, 4.0, 5.0]
    >>> panel(df, judges=["j1", "j2"])
    Traceback (most recent call last):
    ...
    ValueError: rule: the judges give ratings; expected 'mean', got 'majority'
    """
    df, judges, ballots = _prepare(df, judges, resolve)
    _check_rule(ballots, rule, on_tie)
    rater = f"panel:{name if name is not None else '+'.join(judges)}"
    if rater in set(df["rater"].astype("object").unique()):
        raise ValueError(f"name: {rater!r} is already a rater of the table")
    rows = _rows(ballots, range(len(judges)), rater, on_tie)
    return validate(conform(pd.concat([df, rows[list(COLUMNS)]], ignore_index=True)))


def _subsets(n: int, k: int, max_panels: int, rng: np.random.Generator) -> list[tuple[int, ...]]:
    """Every k-subset of range(n) (lexicographic), or ``max_panels`` distinct ones at random."""
    total = math.comb(n, k)
    if total <= max_panels:
        return list(itertools.combinations(range(n), k))
    if total <= 100_000:
        every = list(itertools.combinations(range(n), k))
        return [every[i] for i in sorted(rng.choice(total, size=max_panels, replace=False))]
    seen: set[tuple[int, ...]] = set()
    while len(seen) < max_panels:
        seen.add(tuple(sorted(rng.choice(n, size=k, replace=False).tolist())))
    return sorted(seen)


def panel_curve(
    df: pd.DataFrame,
    *,
    judges: Sequence[str] | None = None,
    sizes: Sequence[int] | None = None,
    reference: str | None = None,
    statistic: str | None = None,
    rule: PanelRule | None = None,
    resolve: vocab.Rule = "per_order",
    on_tie: Literal["na", "tie"] = "na",
    max_panels: int = 200,
    rng: np.random.Generator | int | None = 0,
    n_resamples: int = 1000,
) -> pd.DataFrame:
    """Agreement with people of every panel of the judges, by panel size.

    Parameters
    ----------
    df : DataFrame
        Tidy judgment table of one protocol, with the human (or gold) reference.
    judges : sequence of str, optional
        The judges panels are drawn from. Default: every rater of kind ``llm``.
    sizes : sequence of int, optional
        Panel sizes, each in 1..len(judges). Default: all of them.
    reference : str, optional
        Passed to :func:`workbench.agreement` (its default: the others' majority where items
        have several annotators, else ``human`` ...).
    statistic : str, optional
        One statistic of :data:`workbench.stats.SUFFICIENT`. Default: the protocol's first
        default statistic (``percent_agreement`` for labels, ``pearson`` for ratings).
    rule : {"majority", "mean"}, optional
        Default: ``"majority"`` for labels, ``"mean"`` for ratings (:func:`panel`).
    resolve, on_tie
        As in :func:`panel`; ``resolve`` is also passed to :func:`workbench.agreement`.
    max_panels : int, default 200
        At most this many panels per size: when a size has more subsets, a seeded random
        sample of ``max_panels`` distinct subsets (uniform without replacement) is used.
    rng : Generator, int or None, default 0
        Seed of the subset sample and of the bootstrap.
    n_resamples : int, default 1000
        Bootstrap resamples of the intervals (:func:`workbench.agreement`, BCa, items resampled).

    Returns
    -------
    DataFrame
        One row per panel: :data:`CURVE_COLUMNS` (``criterion`` first when the table has
        several). ``panel`` is ``"<j1>+<j2>+..."`` (judges in the given order); ``n_items``
        counts items compared (a tied majority with ``on_tie="na"`` leaves an item out, so
        even sizes may be scored on fewer items); ``note`` says why a value is NaN.
        Sizes with fewer subsets than ``max_panels`` list them all (lexicographic).
        :func:`curve_summary` gives the mean, min and max per size.

    Examples
    --------
    Three judges against the human on four items (7 panels):

    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "ABAB", "j1": "ABAA", "j2": "AAAB", "j3": "BBAB"})
    >>> c = panel_curve(df, n_resamples=100)
    >>> c[["size", "panel", "estimate", "n_items"]].values.tolist()  # j1+j2: items 1, 3 tied
    [[1, 'j1', 0.75, 4], [1, 'j2', 0.75, 4], [1, 'j3', 0.75, 4], [2, 'j1+j2', 1.0, 2], [2, 'j1+j3', 1.0, 2], [2, 'j2+j3', 1.0, 2], [3, 'j1+j2+j3', 1.0, 4]]
    >>> print(curve_summary(c).to_string(index=False))
     size         statistic  n_panels  mean  min  max
        1 percent_agreement         3  0.75 0.75 0.75
        2 percent_agreement         3  1.00 1.00 1.00
        3 percent_agreement         1  1.00 1.00 1.00
    """
    check_table(df)
    if judges is None:
        judges = sorted(
            df.loc[df["rater_kind"].astype("object") == "llm", "rater"].astype("object").unique()
        )
    df, judges, ballots = _prepare(df, judges, resolve)
    rule = rule if rule is not None else ("mean" if ballots.rating else "majority")
    _check_rule(ballots, rule, on_tie)
    n = len(judges)
    sizes = list(range(1, n + 1)) if sizes is None else list(sizes)
    bad = [k for k in sizes if not (isinstance(k, int | np.integer) and 1 <= k <= n)]
    if bad or not sizes:
        raise ValueError(f"sizes: expected panel sizes in 1..{n}, got {bad or sizes}")
    if not (isinstance(max_panels, int | np.integer) and max_panels >= 1):
        raise ValueError(f"max_panels: expected a positive integer, got {max_panels!r}")
    protocol = "rating" if ballots.rating else str(ballots.template["protocol"].iloc[0])
    statistic = statistic if statistic is not None else DEFAULT_STATISTICS[protocol][0]
    gen = np.random.default_rng(rng)
    panels = [(k, s) for k in sizes for s in _subsets(n, k, int(max_panels), gen)]
    names = {"+".join(judges[i] for i in s): (k, s) for k, s in panels}
    people = df[~df["rater"].astype("object").isin(judges).to_numpy()]
    rows = [_rows(ballots, s, f"panel:{label}", on_tie) for label, (_, s) in names.items()]
    table = conform(pd.concat([people, *(r[list(COLUMNS)] for r in rows)], ignore_index=True))
    result = agreement(
        table,
        judges=[f"panel:{label}" for label in names],
        reference=reference,
        statistics=[statistic],
        resolve=resolve,
        ceiling=False,
        n_resamples=n_resamples,
        rng=gen,
    )
    result = result.assign(panel=result["judge"].str.slice(len("panel:")))
    result["size"] = result["panel"].map({label: k for label, (k, _) in names.items()})
    front = ["criterion"] if "criterion" in result.columns else []
    out = result[[*front, *CURVE_COLUMNS]].reset_index(drop=True)
    return out.astype({"size": "int64"})


def curve_summary(curve: pd.DataFrame) -> pd.DataFrame:
    """Mean, minimum and maximum of the estimates over the panels of each size.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`panel_curve`.

    Returns
    -------
    DataFrame
        :data:`SUMMARY_COLUMNS` (``criterion`` first when ``curve`` has it), one row per size
        (and statistic); ``n_panels`` counts the panels with an estimate (NaN estimates are
        skipped).
    """
    keys = [c for c in ("criterion", "size", "statistic") if c in curve.columns]
    g = curve.groupby(keys, sort=True)["estimate"]
    out = pd.DataFrame({"n_panels": g.count(), "mean": g.mean(), "min": g.min(), "max": g.max()})
    return out.reset_index()[[*keys[:-2], *SUMMARY_COLUMNS]]
