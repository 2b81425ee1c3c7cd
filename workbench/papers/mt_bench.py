"""MT-Bench (notebook 09): FastChat's agreement between GPT-4, human experts and each other.

:func:`fastchat_agreement` counts agreement exactly as FastChat's ``compute_agreement.py``;
:func:`mt_bench_agreement_table` lays it out as the paper's table beside
:data:`MT_BENCH_PUBLISHED`, whose turn-1 cells are also registered as published numbers.

References
----------
Zheng, L. et al. (2023). Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena. NeurIPS
Datasets and Benchmarks. arXiv:2306.05685.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from .._validate import check_option
from ._base import load, number

__all__ = [
    "COMPARISONS",
    "MT_BENCH_PUBLISHED",
    "PAPER",
    "SETUPS",
    "fastchat_agreement",
    "fastchat_percent",
    "mt_bench_agreement_table",
]

PAPER = "Zheng et al. 2023 (MT-Bench, NeurIPS D&B)"

TIES: tuple[str, ...] = ("with", "without")
"""How :func:`fastchat_agreement` treats ties: kept as a label (S1) or skipped (S2)."""

COMPARISONS: tuple[tuple[str, str], ...] = (
    ("gpt-4", "GPT-4 pair vs human"),
    ("human", "human vs human"),
)
"""``(judge, comparison)``: the rows of the paper's agreement table."""

SETUPS: tuple[tuple[str, str], ...] = (("with", "S1"), ("without", "S2"))
"""``(ties, setup)``: the paper's setups S1 (ties kept) and S2 (ties left out)."""

MT_BENCH_PUBLISHED: dict[tuple[str, str, int], float] = {
    ("GPT-4 pair vs human", "S1", 1): 66.0,
    ("GPT-4 pair vs human", "S2", 1): 85.0,
    ("GPT-4 pair vs human", "S1", 2): 66.0,
    ("GPT-4 pair vs human", "S2", 2): 85.0,
    ("human vs human", "S1", 1): 63.0,
    ("human vs human", "S2", 1): 81.0,
    ("human vs human", "S1", 2): 67.0,
    ("human vs human", "S2", 2): 82.0,
}
"""Zheng et al. (2023), MT-Bench agreement table (G4-Pair vs Human, Human vs Human), in %.

Table 5 of arXiv:2306.05685v4 as transcribed by two independent public
sources (cells: turn 1 S1 66 (1,343 votes) / S2 85 (859); human 63 (721) /
81 (479); turn 2 S1 66 (1,325) / S2 85 (864); human 67 (707) / 82 (474)).
"""


def fastchat_agreement(
    df: pd.DataFrame,
    *,
    judge: str = "gpt-4",
    reference: str = "human",
    ties: Literal["with", "without"] = "with",
    turn: int = 1,
    human_prefix: str = "human:expert",
) -> tuple[int, int]:
    """MT-Bench agreement counted exactly as FastChat's ``compute_agreement.py``.

    Items are keyed by (question, unordered model pair, turn). ``judge`` vs
    ``"human"``: every human vote on an item is compared with the judge's single
    verdict on it; ``"human"`` vs ``"human"``: every unordered pair of human votes
    on the same item. ``ties="without"`` (setup S2) skips any comparison in which
    either side says tie; ``"with"`` (S1) keeps ties as a label (tie = tie agrees).

    Parameters
    ----------
    df : DataFrame
        The tidy ``mt_bench`` table (or :func:`workbench.loaders.mt_bench_demo.load_demo`).
    judge : str, default "gpt-4"
        Judge rater, or ``"human"`` for human-human agreement.
    reference : str, default "human"
        Only ``"human"`` is supported (as in FastChat).
    ties : {"with", "without"}
    turn : {1, 2}
    human_prefix : str, default "human:expert"
        Which people count as "human": FastChat maps only ``expert_*`` judges
        to ``human`` (``author_*`` votes are left out).

    Returns
    -------
    (agree, total) : tuple of int
        The agreement ratio is ``agree / total``.

    Notes
    -----
    One difference from FastChat remains: the loader keeps one row per person,
    item and presentation order, so a person's repeated votes on an item in the
    same order count once (conflicting repeats are NA and left out), where
    FastChat counts every vote.

    Examples
    --------
    >>> base = dict(dataset="t", protocol="pairwise", criterion="overall", turn=1)
    >>> rows = [dict(base, item_id="q", rater="gpt-4", rater_kind="llm", label="A", order=None),
    ...         dict(base, item_id="q", rater="human:expert_0", rater_kind="human", label="A", order="AB"),
    ...         dict(base, item_id="q", rater="human:expert_1", rater_kind="human", label="tie", order="AB"),
    ...         dict(base, item_id="q", rater="human:expert_2", rater_kind="human", label="B", order="BA")]
    >>> df = pd.DataFrame(rows)
    >>> fastchat_agreement(df), fastchat_agreement(df, ties="without")  # 1/3 and 1/2
    ((1, 3), (1, 2))
    >>> fastchat_agreement(df, judge="human")  # pairs: A-tie, A-B, tie-B
    (0, 3)
    """
    check_option("ties", ties, TIES)
    check_option("reference", reference, ("human",))  # FastChat compares with humans only
    d = df[(df["turn"] == turn) & df["label"].notna()]
    r = d["rater"].astype(str)
    humans = d[r.str.startswith(human_prefix)]
    ban = {"tie"} if ties == "without" else set()
    h = humans.groupby("item_id")["label"].agg(lambda s: [str(v) for v in s if str(v) not in ban])
    agree = total = 0
    if judge == "human":
        for votes in h:
            for i in range(len(votes)):
                for k in range(i + 1, len(votes)):
                    total += 1
                    agree += votes[i] == votes[k]
        return agree, total
    j = d[r == judge].groupby("item_id")["label"].agg(lambda s: [str(v) for v in s])
    for item, jv in j.items():
        if len(jv) != 1:
            raise ValueError(
                f"df: judge {judge!r} has {len(jv)} verdicts on item {item!r}; expected one"
            )
        if jv[0] in ban or item not in h.index:
            continue
        for v in h[item]:
            total += 1
            agree += v == jv[0]
    return agree, total


def mt_bench_agreement_table(df: pd.DataFrame) -> pd.DataFrame:
    """The MT-Bench agreement table (Zheng et al. 2023, Table 2) from :func:`fastchat_agreement`.

    Parameters
    ----------
    df : DataFrame
        The tidy ``mt_bench`` table.

    Returns
    -------
    DataFrame
        One row per (comparison, turn, setup): ``comparison`` (``GPT-4 pair vs
        human`` / ``human vs human``), ``setup`` (``S1`` with ties, ``S2``
        without), ``turn``, ``agree``, ``total``, ``agreement`` (%), and
        ``published`` (%, :data:`MT_BENCH_PUBLISHED`).

    Examples
    --------
    >>> base = dict(dataset="t", protocol="pairwise", criterion="overall", order=None)
    >>> rows = [dict(base, item_id="q", turn=1, rater="gpt-4", rater_kind="llm", label="A"),
    ...         dict(base, item_id="q", turn=1, rater="human:expert_0", rater_kind="human", label="A")]
    >>> t = mt_bench_agreement_table(pd.DataFrame(rows))
    >>> t[["comparison", "setup", "turn", "agree", "total"]].values.tolist()[:2]
    [['GPT-4 pair vs human', 'S1', 1, 1, 1], ['GPT-4 pair vs human', 'S2', 1, 1, 1]]
    """
    records = []
    for judge, comparison in COMPARISONS:
        for turn in (1, 2):
            for ties, setup in SETUPS:
                a, n = fastchat_agreement(df, judge=judge, ties=ties, turn=turn)  # type: ignore[arg-type]
                records.append(
                    {
                        "comparison": comparison,
                        "setup": setup,
                        "turn": turn,
                        "agree": a,
                        "total": n,
                        "agreement": 100 * a / n if n else float("nan"),
                        "published": MT_BENCH_PUBLISHED[(comparison, setup, turn)],
                    }
                )
    return pd.DataFrame.from_records(records)


def fastchat_percent(judge: str, ties: Literal["with", "without"], turn: int) -> float:
    """:func:`fastchat_agreement` in % on the ``mt_bench`` table; NaN when it cannot be loaded."""
    try:
        df = load("mt_bench")
    except Exception:  # noqa: BLE001 - hub-only dataset: offline machines cannot fetch it
        return float("nan")
    a, n = fastchat_agreement(df, judge=judge, ties=ties, turn=turn)
    return 100 * a / n if n else float("nan")


REASON = "not computed: lmsys/mt_bench_human_judgments is on the Hugging Face hub only and not in the mirror"

for ties, setup in SETUPS:
    for judge, comparison in COMPARISONS:
        number(
            PAPER,
            "Table 2 (turn 1)",
            f"{comparison} agreement, setup {setup} (%)",
            MT_BENCH_PUBLISHED[(comparison, setup, 1)],
            0.5,
            lambda j=judge, t=ties: fastchat_percent(j, t, 1),
            "fastchat_agreement("
            + ("judge='human', " if judge == "human" else "")
            + f"ties={ties!r}, turn=1)",
            REASON,
        )
del ties, setup, judge, comparison
