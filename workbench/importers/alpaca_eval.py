"""AlpacaEval annotation files -> the tidy judgment table.

Format (tatsu-lab/alpaca_eval, ``src/alpaca_eval/annotators/pairwise_evaluator.py`` at commit
``897c8ba4aeb17b6f894f5023e2f95ee63255c59b``: ``annotation_key`` ``"preference"``,
``annotate_head2head`` and ``PairwiseAnnotatorLocal._preprocess``): a JSON array of records
as ``alpaca_eval`` writes ``annotations.json`` (and the annotators' caches), each with
``instruction``, ``output_1``, ``generator_1``, ``output_2``, ``generator_2``, ``annotator``,
``preference`` and usually ``raw_completion``, ``price_per_example``, ``time_per_example``.

``preference``: ``1`` = ``output_1`` preferred, ``2`` = ``output_2``, ``1.5`` = a draw (the
outputs are identical; ``0`` is the older spelling of the same and is read as 1.5); weighted
annotators (log-probability based, e.g. ``weighted_alpaca_eval_gpt4_turbo``) write a
fraction in between, ``1 + P(output_2 preferred)``; ``null`` / NaN = the annotator gave no
parsable answer. AlpacaEval randomises which output the judge sees first and switches the
preference back (``RandomSwitchTwoColumnsProcessor``), so ``preference`` is in the record's
numbering and the shown order is not in the file (``order`` NA).

Tidy rows
---------
One row per record. ``item_id`` = the first 12 hex digits of the sha256 of
``instruction`` and the two outputs in sorted order (joined by NUL), so annotation files from
several annotators (people and judges) of the same pairs share items; a record listing a
pair's outputs the other way round is re-expressed in the numbering of the pair's first
record. ``label``: ``A`` below 1.5, ``B`` above, ``tie`` at 1.5 (a weighted annotator's
verdict is the side it gives more weight, and the optional ``probability`` column holds
that weight, ``2 - preference`` for A and ``preference - 1`` for B; NA for whole numbers and
draws; ``raw`` keeps the number as written).
``rater`` = ``annotator`` (``rater_kind`` ``llm``), or ``human:<annotator>`` for the names in
``humans=`` (human annotations in the same format); a record without ``annotator`` but with
``annotator_index`` (AlpacaFarm's human cross-annotations) is ``human:<annotator_index>``.
``prompt`` / ``response_a`` / ``response_b`` / ``model_a`` / ``model_b`` are the instruction,
outputs and generators; ``explanation`` = ``raw_completion`` (a dict or list is kept as JSON).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import LoadError
from ..loaders.raw import read_json
from ..schema import conform, validate

__all__ = ["FIELDS", "alpaca_eval", "preference_label"]

FIELDS = ("instruction", "output_1", "output_2", "preference")
"""Fields every annotation must have (besides ``annotator`` or ``annotator_index``)."""
TIE = 1.5
LEGACY_TIE = 0


def preference_label(value: Any) -> str | None:
    """The tidy label of one AlpacaEval ``preference`` (NA for null / NaN).

    >>> [preference_label(v) for v in (1, 2, 1.5, 0, 1.27, 1.73, None)]
    ['A', 'B', 'tie', 'tie', 'A', 'B', None]
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number in [1, 2] or null, got {value!r}")
    if value == LEGACY_TIE:
        return "tie"
    if not 1 <= value <= 2:
        raise ValueError(f"expected a number in [1, 2] (or 0, an old draw), got {value!r}")
    return "A" if value < TIE else "B" if value > TIE else "tie"


def _item(rec: dict) -> str:
    """Item id of the record's pair: the same whichever output the record lists first."""
    pair = sorted((rec["output_1"], rec["output_2"]))
    return hashlib.sha256("\0".join([rec["instruction"], *pair]).encode()).hexdigest()[:12]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _records(paths: Iterable[Path]) -> list[tuple[str, int, dict]]:
    out = []
    for path in paths:
        name = str(path)
        data = read_json(path, name)
        if not isinstance(data, list):
            raise LoadError(name, "-", "-", f"expected a JSON array, got {type(data).__name__}")
        for i, rec in enumerate(data):
            if not isinstance(rec, dict):
                raise LoadError(name, i, "-", f"expected an object, got {type(rec).__name__}")
            for key in FIELDS:
                if key not in rec:
                    raise LoadError(name, i, key, "missing")
            if "annotator" not in rec and "annotator_index" not in rec:
                raise LoadError(name, i, "annotator", "missing (nor annotator_index)")
            for key in ("instruction", "output_1", "output_2"):
                if not isinstance(rec[key], str):
                    raise LoadError(name, i, key, f"expected a text, got {rec[key]!r}")
            out.append((name, i, rec))
    return out


def alpaca_eval(
    path: str | Path | Sequence[str | Path],
    *,
    humans: Sequence[str] = (),
    dataset: str = "alpaca_eval",
) -> pd.DataFrame:
    """Read AlpacaEval annotation files (judges' and, in the same format, people's).

    Parameters
    ----------
    path : str, Path or a sequence of them
        ``annotations.json`` files; several files are read as one table (their shared pairs
        are the same items).
    humans : sequence of str, optional
        ``annotator`` values that are people (rater ``human:<annotator>``).
    dataset : str, default "alpaca_eval"

    Returns
    -------
    DataFrame
        The validated tidy table (module docstring).

    Raises
    ------
    LoadError
        Not a JSON array of objects, a missing field, a text field that is not a text, or a
        ``preference`` outside [1, 2] (and not 0 or null), naming file, record and field.
    SchemaError
        The same annotator twice on one pair (duplicate key).

    Examples
    --------
    >>> import tempfile
    >>> recs = [{"instruction": "Say hi", "output_1": "hi", "generator_1": "m1", "output_2": "yo",
    ...          "generator_2": "m2", "annotator": "gpt4", "preference": p} for p in (1.8,)]
    >>> p = Path(tempfile.mkdtemp()) / "annotations.json"
    >>> _ = p.write_text(json.dumps(recs))
    >>> alpaca_eval(p)[["rater", "label", "raw", "model_a"]].values.tolist()
    [['gpt4', 'B', '1.8', 'm1']]
    """
    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    first: dict[str, tuple[str, str]] = {}  # item -> (output_1, output_2) of its first record
    rows = []
    flip = {"A": "B", "B": "A", "tie": "tie", None: None}
    for name, i, rec in _records(paths):
        try:
            label = preference_label(rec["preference"])
        except ValueError as err:
            raise LoadError(name, i, "preference", str(err)) from None
        item = _item(rec)
        a, b = first.setdefault(item, (rec["output_1"], rec["output_2"]))
        swapped = (rec["output_1"], rec["output_2"]) != (a, b)
        gen = (rec.get("generator_1"), rec.get("generator_2"))
        if "annotator" in rec:
            who = str(rec["annotator"])
            rater = f"human:{who}" if who in humans else who
        else:
            rater = f"human:{rec['annotator_index']}"
        pref = rec["preference"]
        fraction = isinstance(pref, float) and label in ("A", "B") and not pref.is_integer()
        rows.append(
            {
                "dataset": dataset,
                "item_id": item,
                "protocol": "pairwise",
                "probability": (2 - pref if label == "A" else pref - 1) if fraction else None,
                "criterion": "overall",
                "rater": rater,
                "rater_kind": "human" if rater.startswith("human:") else "llm",
                "label": flip[label] if swapped else label,
                "raw": str(rec["preference"]),
                "prompt": rec["instruction"],
                "response_a": a,
                "response_b": b,
                "model_a": gen[1] if swapped else gen[0],
                "model_b": gen[0] if swapped else gen[1],
                "explanation": _text(rec.get("raw_completion")),
            }
        )
    if not rows:
        raise LoadError(str(paths[0]), "-", "-", "no annotations in the file")
    return validate(conform(pd.DataFrame(rows), name=dataset), name=dataset)
