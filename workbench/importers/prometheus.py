"""prometheus-eval grades (absolute 1-5 scores with feedback; relative A/B) -> the tidy table.

prometheus-eval returns its grades from Python, it writes no file of its own: ``PrometheusEval``
``.absolute_grade(instructions=, responses=, rubric=, reference_answers=)`` and
``.relative_grade(instructions=, responses_A=, responses_B=, ...)`` return
``(feedbacks, scores)`` (prometheus-eval/prometheus-eval,
``libs/prometheus-eval/prometheus_eval/judge.py`` at commit
``d7350d19032fc7fb5417140732c8920cf211ca97``); ``parser.py`` (commit
``a6938ead98becb1ca9dde748ff6ab46914e190a5``) makes an absolute score an integer 1-5 and a
relative one ``"A"`` or ``"B"``, and both ``None`` (feedback too) when the output does not
parse. :func:`prometheus` reads those grades saved as records whose keys are the library's
argument names, singular: ``instruction``, ``response`` (absolute) or ``response_A`` /
``response_B`` (relative), ``feedback``, ``score``, and optionally ``id``, ``rubric`` (kept as
the criterion), ``reference_answer``.

Tidy rows: one per record; absolute grades are ``rating`` rows (``score``; ``None`` -> NA),
relative ones ``pairwise`` (``A`` / ``B``; ``None`` -> NA label), ``order`` ``AB`` (response_A
was shown first). ``rater`` = ``judge``, ``explanation`` = ``feedback``, ``item_id`` = ``id``
(default: the record's position), ``criterion`` = ``rubric`` when given (else ``overall``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..byo.spellings import map_labels
from ..errors import LoadError
from ..loaders.raw import read_json, read_jsonl, read_text
from ..schema import conform, validate
from ..vocab import OVERALL

__all__ = ["prometheus"]

SCORES = range(1, 6)
"""The absolute scores prometheus-eval's parser accepts."""


def _records(source: Any) -> tuple[str, list[dict]]:
    if isinstance(source, pd.DataFrame):
        return "records", source.to_dict("records")
    if isinstance(source, str | Path):
        path = Path(source)
        name = str(path)
        if path.suffix.lower() == ".jsonl":
            return name, read_jsonl(read_text(path, name).splitlines(), name)
        data = read_json(path, name)
        if not isinstance(data, list):
            raise LoadError(name, "-", "-", f"expected a JSON array, got {type(data).__name__}")
        return name, data
    return "records", list(source)


def prometheus(
    source: str | Path | pd.DataFrame | Sequence[dict],
    *,
    judge: str = "prometheus-7b-v2.0",
    dataset: str = "prometheus",
) -> pd.DataFrame:
    """Read prometheus-eval grades (absolute or relative) saved as records.

    Parameters
    ----------
    source : path (.json array / .jsonl), DataFrame or sequence of dicts
        One record per grade (module docstring for the keys).
    judge : str, default "prometheus-7b-v2.0"
        The rater id (the ``model_id`` the grades came from).
    dataset : str, default "prometheus"

    Returns
    -------
    DataFrame
        The validated tidy table.

    Raises
    ------
    LoadError
        A record that is not an object, lacks ``instruction`` / ``score`` / the response
        field(s), mixes absolute and relative keys, or an absolute score outside 1-5, naming
        the record and the field.
    SchemaError
        A relative score that is not ``A`` / ``B`` (naming the record).

    Examples
    --------
    >>> grades = [{"instruction": "Explain tides.", "response": "The moon...",
    ...            "feedback": "Accurate. [RESULT] 4", "score": 4},
    ...           {"instruction": "Explain tides.", "response": "Wind.",
    ...            "feedback": None, "score": None}]
    >>> prometheus(grades)[["item_id", "protocol", "score", "explanation"]].values.tolist()
    [['0', 'rating', 4.0, 'Accurate. [RESULT] 4'], ['1', 'rating', <NA>, <NA>]]
    """
    name, records = _records(source)
    if not records:
        raise LoadError(name, "-", "-", "no grades")
    rows, relative = [], []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            raise LoadError(name, i, "-", f"expected an object, got {type(rec).__name__}")
        pair = "response_A" in rec or "response_B" in rec
        needed = ["instruction", "score"] + (["response_A", "response_B"] if pair else ["response"])
        for key in needed:
            if key not in rec:
                raise LoadError(name, i, key, "missing")
        if pair and "response" in rec:
            raise LoadError(name, i, "response", "beside response_A / response_B: one grade kind")
        score = rec["score"]
        if not pair and score is not None and (isinstance(score, bool) or score not in SCORES):
            raise LoadError(name, i, "score", f"expected an integer 1-5 or null, got {score!r}")
        relative.append(pair)
        rubric = rec.get("rubric")
        rows.append(
            {
                "dataset": dataset,
                "item_id": str(rec.get("id", i)),
                "protocol": "pairwise" if pair else "rating",
                "criterion": str(rubric) if rubric else OVERALL,
                "rater": judge,
                "rater_kind": "llm",
                "order": "AB" if pair else None,
                "score": None if pair or score is None else float(score),
                "raw": None if score is None else json.dumps(score),
                "prompt": rec["instruction"],
                "response": None if pair else rec["response"],
                "response_a": rec.get("response_A"),
                "response_b": rec.get("response_B"),
                "reference": rec.get("reference_answer"),
                "explanation": rec.get("feedback"),
            }
        )
    if any(relative):
        where = [f"record {i}" for i, r in enumerate(relative) if r]
        scores = [records[i]["score"] for i, r in enumerate(relative) if r]
        labels = iter(map_labels({"score": scores}, "pairwise", name=name, rows=where)["score"])
        for row, r in zip(rows, relative, strict=True):
            if r:
                row["label"] = next(labels)
    return validate(conform(pd.DataFrame(rows), name=dataset), name=dataset)
