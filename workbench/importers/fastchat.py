"""FastChat ``llm_judge`` judgment files (MT-Bench style) -> the tidy judgment table.

Format (lm-sys/FastChat, ``fastchat/llm_judge/common.py`` at commit
``007ecd07da27132136c707eef92bf9841fd167f2``: ``play_a_match_pair``, ``play_a_match_single``,
``load_pairwise_model_judgments``): JSON Lines, one object per judgment, as
``gen_judgment.py`` appends them to ``data/<bench>/model_judgment/<judge>_pair.jsonl`` and
``<judge>_single.jsonl``.

Pairwise (``--mode pairwise-all`` / ``pairwise-baseline``)
    ``question_id``, ``model_1``, ``model_2``, ``g1_winner``, ``g2_winner``, ``judge``
    (``[model_name, prompt name]``), ``g1_user_prompt``, ``g1_judgment``,
    ``g2_user_prompt``, ``g2_judgment``, ``turn`` (1, or 2 for the multi-turn prompt),
    ``tstamp``. Game 1 (``g1``) showed ``model_1`` as Assistant A, game 2 (``g2``) showed
    ``model_2`` first; FastChat already maps both winners back to ``model_1`` /
    ``model_2`` / ``tie`` (``error`` when the verdict did not parse).
    Pairwise records written from single-answer grades (a ``single`` prompt) have
    ``m1_score`` / ``m2_score``, one winner in both fields and no ``turn``.
Single-answer grading (``--mode single``)
    ``question_id``, ``model``, ``judge``, ``user_prompt``, ``judgment``, ``score``
    (``-1`` when no ``[[rating]]`` parsed), ``turn``, ``tstamp``.

Tidy rows
---------
- Pairwise: an item is (question, unordered model pair, turn), ``item_id``
  ``"<question_id>/<model A>/<model B>/t<turn>"`` where A is the model whose name sorts
  first, as FastChat's ``normalize_game_key_single`` does (so files of several judges, and
  human votes keyed the same way, share items); a record whose ``model_1`` is the item's B
  is re-expressed in that numbering, orders included (its game 1 showed B first: ``BA``).
  One row per game, ``g1`` (``model_1`` shown first) and ``g2``, labels through
  :data:`workbench.byo.LABEL_SPELLINGS` (``model_1`` -> A, ``model_2`` -> B, ``tie``,
  ``error`` -> NA). ``rater`` = the judge model, ``strategy`` = the prompt name,
  ``explanation`` = the game's judgment text, ``raw`` = the winner as written.
  Records from single grades give one row with ``order`` NA.
- Single: ``protocol`` ``rating``, ``item_id`` ``"<question_id>/<model>/t<turn>"``,
  ``score`` (``-1`` -> NA, ``raw`` keeps ``-1``), ``model``, ``explanation``.

A file may hold both kinds; the result then has pairwise and rating rows (split them by
``protocol`` before :func:`workbench.agreement`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..byo.spellings import map_labels
from ..errors import LoadError
from ..loaders.raw import read_jsonl, read_text
from ..schema import conform, validate

__all__ = ["PAIR_FIELDS", "SINGLE_FIELDS", "fastchat"]

PAIR_FIELDS = ("question_id", "model_1", "model_2", "g1_winner", "g2_winner", "judge")
"""Fields every pairwise record must have."""
SINGLE_FIELDS = ("question_id", "model", "judge", "score")
"""Fields every single-answer record must have."""
_FAILED_SCORE = -1


def _judge(rec: dict, name: str, where: str) -> tuple[str, str]:
    judge = rec["judge"]
    ok = isinstance(judge, list) and len(judge) == 2 and all(isinstance(x, str) for x in judge)
    if not ok:
        raise LoadError(name, where, "judge", f"expected [model_name, prompt name], got {judge!r}")
    return judge[0], judge[1]


def _turn(rec: dict, name: str, where: str, default: Any) -> Any:
    turn = rec.get("turn", default)
    if turn is not default and (isinstance(turn, bool) or not isinstance(turn, int)):
        raise LoadError(name, where, "turn", f"expected an integer, got {turn!r}")
    return turn


def _pair_rows(
    recs: list[tuple[str, dict]], name: str, dataset: str, labels: Mapping | None
) -> list[dict]:
    rows = []
    winners = map_labels(
        {
            "g1_winner": [r["g1_winner"] for _, r in recs],
            "g2_winner": [r["g2_winner"] for _, r in recs],
        },
        "pairwise",
        name=name,
        overrides=labels,
        rows=[w for w, _ in recs],
    )
    flip = {"A": "B", "B": "A", "tie": "tie", None: None}
    for k, (where, rec) in enumerate(recs):
        model, prompt = _judge(rec, name, where)
        turn = _turn(rec, name, where, None if "m1_score" in rec else 1)
        m1, m2 = rec["model_1"], rec["model_2"]
        a, b = sorted((str(m1), str(m2)))  # FastChat's normalize_game_key: sorted names
        swapped = str(m1) != a
        t = "" if turn is None else f"/t{turn}"
        item = f"{rec['question_id']}/{a}/{b}{t}"
        games = [("g1", "AB"), ("g2", "BA")] if "m1_score" not in rec else [("g1", None)]
        for game, order in games:
            label = winners[f"{game}_winner"][k]
            if swapped:  # model_1 of this record is the item's B
                label = flip[label]
                order = {"AB": "BA", "BA": "AB", None: None}[order]
            rows.append(
                {
                    "dataset": dataset,
                    "item_id": item,
                    "protocol": "pairwise",
                    "criterion": "overall",
                    "rater": model,
                    "rater_kind": "llm",
                    "strategy": prompt,
                    "order": order,
                    "turn": turn,
                    "label": label,
                    "raw": str(rec[f"{game}_winner"]),
                    "explanation": rec.get(f"{game}_judgment"),
                    "model_a": a,
                    "model_b": b,
                }
            )
    return rows


def _single_rows(recs: list[tuple[str, dict]], name: str, dataset: str) -> list[dict]:
    rows = []
    for where, rec in recs:
        model, prompt = _judge(rec, name, where)
        score = rec["score"]
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise LoadError(name, where, "score", f"expected a number, got {score!r}")
        turn = _turn(rec, name, where, 1)
        rows.append(
            {
                "dataset": dataset,
                "item_id": f"{rec['question_id']}/{rec['model']}/t{turn}",
                "protocol": "rating",
                "criterion": "overall",
                "rater": model,
                "rater_kind": "llm",
                "strategy": prompt,
                "turn": turn,
                "score": None if score == _FAILED_SCORE else float(score),
                "raw": str(score),
                "explanation": rec.get("judgment"),
                "model": rec["model"],
            }
        )
    return rows


def fastchat(
    path: str | Path,
    *,
    dataset: str = "fastchat",
    labels: Mapping[Any, str | None] | None = None,
) -> pd.DataFrame:
    """Read a FastChat ``llm_judge`` judgment file (pairwise and/or single-answer grading).

    Parameters
    ----------
    path : str or Path
        A ``model_judgment/*.jsonl`` file written by FastChat's ``gen_judgment.py``.
    dataset : str, default "fastchat"
        The ``dataset`` value of every row.
    labels : mapping spelling -> label, optional
        Extra winner spellings (:func:`workbench.byo.spellings`), e.g. from a patched FastChat.

    Returns
    -------
    DataFrame
        The validated tidy table (module docstring: one row per game of a pairwise record,
        one rating row per single-answer record).

    Raises
    ------
    LoadError
        Invalid JSON, a record that is neither pairwise nor single (naming the line and the
        missing field), a ``judge`` that is not ``[model, prompt]``, a non-integer turn.
    SchemaError
        A winner that is not a known spelling (naming the line and the field), or the same
        judgment twice (duplicate key).

    Examples
    --------
    >>> import json, tempfile
    >>> rec = {"question_id": 81, "model_1": "vicuna", "model_2": "alpaca", "g1_winner": "model_1",
    ...        "g2_winner": "tie", "judge": ["gpt-4", "pair-v2"], "turn": 1}
    >>> p = Path(tempfile.mkdtemp()) / "gpt-4_pair.jsonl"
    >>> _ = p.write_text(json.dumps(rec) + "\\n")
    >>> fastchat(p)[["item_id", "order", "label", "raw"]].values.tolist()  # alpaca sorts first: A
    [['81/alpaca/vicuna/t1', 'BA', 'B', 'model_1'], ['81/alpaca/vicuna/t1', 'AB', 'tie', 'tie']]
    """
    path = Path(path)
    name = str(path)
    lines = read_text(path, name).splitlines()
    numbers = [n for n, line in enumerate(lines, start=1) if line.strip()]
    records = read_jsonl(lines, name, required=("question_id", "judge"), id_key="question_id")
    pairs, singles = [], []
    for n, rec in zip(numbers, records, strict=True):
        where = f"line {n}"
        if "g1_winner" in rec or "model_1" in rec:
            missing = [f for f in PAIR_FIELDS if f not in rec]
            pairs.append((where, rec))
        else:
            missing = [f for f in SINGLE_FIELDS if f not in rec]
            singles.append((where, rec))
        if missing:
            raise LoadError(
                name,
                where,
                missing[0],
                "missing (a pairwise record has "
                f"{list(PAIR_FIELDS)}, a single-answer one {list(SINGLE_FIELDS)})",
            )
    rows = _pair_rows(pairs, name, dataset, labels) + _single_rows(singles, name, dataset)
    if not rows:
        raise LoadError(name, "-", "-", "no judgments in the file")
    return validate(conform(pd.DataFrame(rows), name=dataset), name=dataset)
