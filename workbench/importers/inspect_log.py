"""Inspect (``inspect_ai``) eval logs -> the tidy judgment table.

Read with Inspect's own reader, :func:`inspect_ai.log.read_eval_log` (``.eval`` and ``.json``
logs; ``inspect_ai`` is an optional dependency, imported on call). Field names follow
``inspect_ai.log.EvalLog`` / ``EvalSample`` / ``inspect_ai.scorer.Score`` (UKGovernmentBEIS/
inspect_ai ``src/inspect_ai/log/_log.py`` and ``src/inspect_ai/scorer/_metric.py``; checked
against the installed release 0.3.285): ``log.eval.model``, ``log.samples[*].id``,
``.epoch``, ``.input``, ``.target``, ``.output.completion`` and ``.scores`` (scorer name ->
``Score`` with ``value``, ``answer``, ``explanation``).

Tidy rows: samples x scorers x epochs
-------------------------------------
- One row per (sample, epoch, scorer); a scorer whose ``value`` is a mapping gives one row per
  key, with ``criterion`` ``"<scorer>/<key>"`` (else ``criterion`` ``overall``).
- Epochs (``epochs=``): ``"items"`` (default) makes each epoch its own item, ``item_id``
  ``"<sample id>/epoch<n>"`` when the log has several (an epoch generates a new response);
  ``"samples"`` keeps ``item_id`` = the sample id and numbers the runs in the optional
  ``sample`` column (epoch - 1; the target's ``human`` row once, sample 0): repeated
  judgments of one item, for the self-consistency probe, or
  :func:`workbench.schema.resolve_samples` before :func:`workbench.agreement`. ``rater`` = the scorer name, ``rater_kind``
  ``llm`` unless ``kinds`` says otherwise (``{"match": "metric"}``).
- Values: Inspect's ``"C"`` / ``"I"`` (``CORRECT`` / ``INCORRECT``) and booleans are binary
  labels (through :data:`workbench.byo.LABEL_SPELLINGS`, so ``"P"`` (partial) or ``"N"``
  (no answer) raise unless ``labels=`` says what they are, e.g. ``{"P": None}``); numbers
  are ratings (``score``). One scorer's values are all of one kind (else an error).
- ``target="human"`` reads each sample's ``target`` as a person's verdict (rater ``human``,
  the tasks whose dataset carries the human label as the target); otherwise the target is
  kept as the item's ``reference`` text.
- ``prompt`` = the input (a message list: its user messages' text), ``response`` = the
  model's completion, ``model`` = ``log.eval.model``, ``explanation`` = the score's
  explanation, ``raw`` = the value as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._validate import check_option
from ..byo.spellings import map_labels
from ..errors import LoadError
from ..schema import conform, validate
from ..vocab import OVERALL, RATER_KINDS

__all__ = ["EPOCHS", "inspect_log"]

EPOCHS: tuple[str, ...] = ("items", "samples")
"""How :func:`inspect_log` reads a log's epochs: new items, or repeated runs (``sample``)."""


def _text(value: Any) -> str:
    """A sample input (a string or chat messages) as text: the user messages' text."""
    if isinstance(value, str):
        return value
    parts = [m.text for m in value if getattr(m, "role", None) == "user"]
    return "\n\n".join(parts)


def _values(score: Any, scorer: str) -> list[tuple[str, Any]]:
    value = score.value
    if isinstance(value, Mapping):
        return [(f"{scorer}/{k}", v) for k, v in value.items()]
    return [(OVERALL, value)]


def _kind(values: list[Any], name: str, where: str) -> str:
    """``binary`` (strings, booleans) or ``rating`` (numbers) for one scorer's values."""
    numbers = [
        isinstance(v, int | float) and not isinstance(v, bool) for v in values if v is not None
    ]
    if all(numbers):
        return "rating"
    if not any(numbers):
        return "binary"
    raise LoadError(name, where, "value", "mixes numbers and labels; expected one kind per scorer")


def inspect_log(
    path: str | Path,
    *,
    target: str | None = None,
    kinds: Mapping[str, str] | None = None,
    labels: Mapping[Any, str | None] | None = None,
    dataset: str | None = None,
    epochs: str = "items",
) -> pd.DataFrame:
    """Read an Inspect eval log (``.eval`` or ``.json``) with ``inspect_ai``'s reader.

    Parameters
    ----------
    path : str or Path
        The log file.
    target : {"human"}, optional
        ``"human"``: each sample's target is a person's verdict (rater ``human``).
    kinds : mapping scorer -> rater_kind, optional
        Default ``llm`` for every scorer (``metric`` for exact-match style scorers).
    labels : mapping spelling -> label, optional
        Extra binary spellings (``{"P": None}`` reads partial credit as no verdict).
    dataset : str, optional
        Default: the log's task name.
    epochs : {"items", "samples"}, default "items"
        Each epoch a new item, or repeated runs of one item (``sample`` column).

    Returns
    -------
    DataFrame
        The validated tidy table (module docstring).

    Raises
    ------
    ImportError
        ``inspect_ai`` is not installed.
    LoadError
        The log has no samples, or a scorer mixes numbers and labels.
    SchemaError
        A value that is no known label, naming the scorer, the sample and the value.

    Examples
    --------
    >>> from workbench.importers import inspect_log  # doctest: +SKIP
    >>> inspect_log("logs/2026-01-01_grader.eval", target="human")  # doctest: +SKIP
    """
    try:
        from inspect_ai.log import read_eval_log
    except ImportError as err:  # pragma: no cover - an installed test dependency
        raise ImportError(
            "inspect_log needs inspect_ai (pip install inspect-ai); it reads the log with "
            "inspect_ai.log.read_eval_log"
        ) from err
    path = Path(path)
    name = str(path)
    check_option("epochs", epochs, EPOCHS)
    if target not in (None, "human"):
        raise ValueError(f"target: expected None or 'human', got {target!r}")
    for scorer, kind in (kinds or {}).items():
        if kind not in RATER_KINDS:
            raise ValueError(
                f"kinds[{scorer!r}]: expected one of {list(RATER_KINDS)}, got {kind!r}"
            )
    log = read_eval_log(str(path))
    samples = log.samples or []
    if not samples:
        raise LoadError(name, "-", "samples", "the log has no samples (written header-only?)")
    dataset = dataset or log.eval.task
    several = len({s.epoch for s in samples}) > 1
    runs = epochs == "samples"
    cells: dict[tuple[str, str], list[tuple[Any, Any, str]]] = {}  # (scorer, criterion) -> ...
    base = {}
    first = {}  # sample id -> its lowest epoch (where the target's human row goes)
    for s in samples:
        first[s.id] = min(first.get(s.id, s.epoch), s.epoch)
    for s in samples:
        item = str(s.id) if runs or not several else f"{s.id}/epoch{s.epoch}"
        key = (item, s.epoch - 1) if runs else item
        ref = s.target if isinstance(s.target, str) else ", ".join(s.target)
        base[key] = {
            "dataset": dataset,
            "item_id": item,
            "prompt": _text(s.input),
            "response": s.output.completion if s.output is not None else None,
            "reference": None if target else ref,
            "model": log.eval.model,
            **({"sample": s.epoch - 1} if runs else {}),
        }
        if target and (not runs or s.epoch == first[s.id]):
            cells.setdefault(("human", OVERALL), []).append((key, ref, ""))
        for scorer, score in (s.scores or {}).items():
            for criterion, value in _values(score, scorer):
                cells.setdefault((scorer, criterion), []).append((key, value, score.explanation))
    rows = []
    for (scorer, criterion), got in cells.items():
        values = [v for _, v, _ in got]
        protocol = _kind(values, name, f"scorer {scorer!r}")
        if protocol == "binary":
            mapped = map_labels(
                {scorer: values},
                "binary",
                name=name,
                overrides=labels,
                rows=[f"sample {base[k]['item_id']!r}" for k, _, _ in got],
            )[scorer]
        for k, (key, value, explanation) in enumerate(got):
            kind = "human" if scorer == "human" and target else (kinds or {}).get(scorer, "llm")
            rows.append(
                {
                    **base[key],
                    "protocol": protocol,
                    "criterion": criterion,
                    "rater": scorer,
                    "rater_kind": kind,
                    "label": mapped[k] if protocol == "binary" else None,
                    "score": float(value) if protocol == "rating" and value is not None else None,
                    "raw": str(value),
                    "explanation": explanation or None,
                }
            )
    return validate(conform(pd.DataFrame(rows), name=dataset), name=dataset)
