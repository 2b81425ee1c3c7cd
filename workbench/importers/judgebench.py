"""JudgeBench judge outputs -> the tidy judgment table.

Format (ScalerLab/JudgeBench at commit ``12a499c5c29f06940d259b49250fca627d2a0ee5``:
``run_judge.py`` ``judge_pairs`` and ``utils/metrics.py`` ``compute_final_metrics``): JSON
Lines written to ``outputs/dataset=judgebench,response_model=<m>,judge_name=<j>,judge_model=<jm>.jsonl``,
one object per pair: the pair's fields ``pair_id``, ``original_id``, ``source``,
``question``, ``response_model``, ``response_A``, ``response_B``, ``label`` (the objectively
correct order, ``"A>B"`` or ``"B>A"``), plus ``judge_name`` and ``judgments``: a list of one
or two games, each ``{"judgment": {"judge_model", "prompt", "response"}, "decision"}`` or
``null`` when the judge call failed. Game 1 shows ``response_A`` first; game 2 (absent with
``--single_game``) shows ``response_B`` first and its ``decision`` is in the shown order
(``metrics.flip_judgment`` turns it back).

Tidy rows
---------
One ``gold`` row per pair (``label`` ``A>B`` -> A, ``B>A`` -> B: correctness is objective,
from the source benchmark), and one judge row per game: ``rater`` = the games'
``judge_model`` (else ``judge_name``), ``strategy`` = ``judge_name``, ``order`` ``AB`` (game 1) / ``BA`` (game 2,
its decision flipped into the canonical numbering), ``label`` through
:data:`workbench.byo.LABEL_SPELLINGS` (``A>B``, ``A>>B``, ``B>A``, ``A=B`` ...; a null game or
decision is an NA label, ``raw`` keeps the decision as written), ``explanation`` = the
judge's response. ``item_id`` = ``pair_id``, ``subset`` = ``source``, ``prompt`` =
``question``, ``model_a`` = ``model_b`` = ``response_model``.
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

__all__ = ["FIELDS", "judgebench"]

FIELDS = ("pair_id", "question", "response_A", "response_B", "label", "judgments")
"""Fields every record must have."""
_FLIP = {"A": "B", "B": "A", "tie": "tie", None: None}


def _games(rec: dict, name: str, where: str) -> list[dict | None]:
    games = rec["judgments"]
    if not isinstance(games, list) or not 1 <= len(games) <= 2:
        raise LoadError(name, where, "judgments", f"expected a list of 1 or 2 games, got {games!r}")
    for game in games:
        if game is not None and not (isinstance(game, dict) and "decision" in game):
            raise LoadError(name, where, "judgments", f"a game without 'decision': {game!r}")
    return games


def judgebench(
    path: str | Path,
    *,
    dataset: str = "judgebench",
    labels: Mapping[Any, str | None] | None = None,
) -> pd.DataFrame:
    """Read a JudgeBench ``outputs/*.jsonl`` file: gold labels and the judge's games.

    Parameters
    ----------
    path : str or Path
        A file written by JudgeBench's ``run_judge.py``.
    dataset : str, default "judgebench"
    labels : mapping spelling -> label, optional
        Extra decision spellings (:func:`workbench.byo.spellings`).

    Returns
    -------
    DataFrame
        The validated tidy table (module docstring); compare with
        ``workbench.agreement(df, reference="gold")``.

    Raises
    ------
    LoadError
        Invalid JSON, a missing field, malformed ``judgments``, naming the line.
    SchemaError
        A label or decision that is no known spelling, naming the line and the field.

    Examples
    --------
    >>> import json, tempfile
    >>> rec = {"pair_id": "p1", "source": "livebench-math", "question": "1+1?",
    ...        "response_model": "m", "response_A": "2", "response_B": "3", "label": "A>B",
    ...        "judge_name": "arena_hard", "judgments": [
    ...            {"judgment": {"judge_model": "gpt-4o", "response": "[[A>>B]]"}, "decision": "A>B"},
    ...            {"judgment": {"judge_model": "gpt-4o", "response": "[[A>B]]"}, "decision": "A>B"}]}
    >>> p = Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> _ = p.write_text(json.dumps(rec) + "\\n")
    >>> t = judgebench(p)[["rater", "order", "label", "raw"]].astype(object)
    >>> t.fillna("-").values.tolist()  # game 2 showed B first: its "A>B" is B
    [['gold', '-', 'A', 'A>B'], ['gpt-4o', 'AB', 'A', 'A>B'], ['gpt-4o', 'BA', 'B', 'A>B']]
    """
    path = Path(path)
    name = str(path)
    lines = read_text(path, name).splitlines()
    numbers = [n for n, line in enumerate(lines, start=1) if line.strip()]
    records = read_jsonl(lines, name, required=FIELDS, id_key="pair_id")
    where = [f"line {n}" for n in numbers]
    games = [_games(rec, name, w) for rec, w in zip(records, where, strict=True)]
    decisions = {
        f"judgments[{k}].decision": [
            g[k]["decision"] if len(g) > k and g[k] else None for g in games
        ]
        for k in (0, 1)
    }
    mapped = map_labels(
        {"label": [r["label"] for r in records], **decisions},
        "pairwise",
        name=name,
        overrides=labels,
        rows=where,
    )
    rows = []
    for i, (rec, game) in enumerate(zip(records, games, strict=True)):
        base = {
            "dataset": dataset,
            "subset": rec.get("source"),
            "item_id": str(rec["pair_id"]),
            "protocol": "pairwise",
            "criterion": "overall",
            "prompt": rec["question"],
            "response_a": rec["response_A"],
            "response_b": rec["response_B"],
            "model_a": rec.get("response_model"),
            "model_b": rec.get("response_model"),
        }
        rows.append(
            {
                **base,
                "rater": "gold",
                "rater_kind": "gold",
                "label": mapped["label"][i],
                "raw": str(rec["label"]),
            }
        )
        models = [((g or {}).get("judgment") or {}).get("judge_model") for g in game]
        rater = next((str(m) for m in models if m), str(rec.get("judge_name") or "judge"))
        for k, g in enumerate(game):
            judgment = (g or {}).get("judgment") or {}
            label = mapped[f"judgments[{k}].decision"][i]
            rows.append(
                {
                    **base,
                    "rater": rater,
                    "rater_kind": "llm",
                    "strategy": rec.get("judge_name"),
                    "order": "AB" if k == 0 else "BA",
                    "label": label if k == 0 else _FLIP[label],
                    "raw": None if g is None else str(g["decision"]),
                    "explanation": judgment.get("response"),
                }
            )
    if not rows:
        raise LoadError(name, "-", "-", "no pairs in the file")
    return validate(conform(pd.DataFrame(rows), name=dataset), name=dataset)
