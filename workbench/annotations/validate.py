"""Field checks for the records of the annotation store: created, changed and imported.

Each check returns the canonical value (tags stripped and deduplicated, ``None``
note as ``""``) or raises :class:`FieldError` naming the field and the problem.
The store turns a :class:`FieldError` into a plain ``ValueError``
(:func:`plain_errors`); the JSONL import turns it into a
:class:`~workbench.errors.LoadError` that also names the file and line.

Examples
--------
>>> check_tags([" verbosity", "verbosity", "position"])
['verbosity', 'position']
>>> check_cause("wrong")
Traceback (most recent call last):
...
workbench.annotations.validate.FieldError: cause: 'wrong' is not one of ['judge_wrong', 'human_wrong', 'ambiguous_item', 'both_acceptable', 'label_noise', 'other']
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pandas as pd

from ..vocab import CAUSES
from .fields import (
    ACTIONS,
    EDITABLE,
    EVENT_KEYS,
    FIELDS,
    KEY_FIELDS,
    TAG_SEPARATOR,
    TIMESTAMP_FORMAT,
)

__all__ = [
    "FieldError",
    "check_annotator",
    "check_cause",
    "check_changes",
    "check_create",
    "check_event",
    "check_note",
    "check_tags",
    "check_text",
    "check_timestamp",
    "check_uuid",
    "plain_errors",
]

_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


class FieldError(ValueError):
    """A field of a record is wrong: ``field`` names it, ``problem`` says what is wrong."""

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


@contextmanager
def plain_errors() -> Iterator[None]:
    """Raise validation failures of the public API as plain ValueError."""
    try:
        yield
    except FieldError as err:
        raise ValueError(str(err)) from None


# --------------------------------------------------------------------------- one field
def check_text(
    value: Any, field: str, *, optional: bool = False, nonempty: bool = True
) -> str | None:
    """A string (non-empty unless ``nonempty=False``; ``None`` / NA allowed if ``optional``)."""
    if value is None or (optional and value is pd.NA):
        if optional:
            return None
        raise FieldError(field, "missing (None); expected a non-empty string")
    if not isinstance(value, str):
        raise FieldError(field, f"expected a string, got {type(value).__name__} {value!r}")
    if nonempty and not value.strip():
        raise FieldError(field, f"empty ({value!r}); expected a non-empty string")
    return value


def check_cause(value: Any, field: str = "cause") -> str:
    """One of :data:`workbench.vocab.CAUSES`."""
    if value not in CAUSES:
        raise FieldError(field, f"{value!r} is not one of {list(CAUSES)}")
    return value


def check_tags(value: Any, field: str = "bias_tags") -> list[str]:
    """A list of tags (``None`` is no tags), stripped, first occurrence kept."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise FieldError(field, f"expected a list of strings, got {type(value).__name__} {value!r}")
    tags = []
    for tag in value:
        if not isinstance(tag, str) or not tag.strip() or TAG_SEPARATOR in tag:
            raise FieldError(
                field,
                f"tag {tag!r}: expected a non-empty string without {TAG_SEPARATOR!r}",
            )
        tag = tag.strip()
        if tag not in tags:
            tags.append(tag)
    return tags


def check_note(value: Any, field: str = "note") -> str:
    """Free text (``None`` is ``""``)."""
    if value is None:
        return ""
    return check_text(value, field, nonempty=False)


def check_annotator(value: Any) -> str:
    """Who wrote an event: a non-empty string, stripped."""
    return check_text(value, "annotator").strip()


def check_timestamp(value: Any, field: str = "timestamp") -> str:
    """A UTC timestamp in :data:`~workbench.annotations.fields.TIMESTAMP_FORMAT`."""
    if not isinstance(value, str) or not _TIMESTAMP_RE.match(value):
        raise FieldError(
            field, f"{value!r} is not a UTC timestamp like '2024-05-01T12:00:00.000000Z'"
        )
    try:
        datetime.strptime(value, TIMESTAMP_FORMAT)
    except ValueError as err:
        raise FieldError(field, f"{value!r}: {err}") from None
    return value


def check_uuid(value: Any, field: str) -> str:
    """A UUID in its canonical spelling (lower case, hyphenated)."""
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return value
    except ValueError:
        pass
    raise FieldError(field, f"{value!r} is not a lower-case hyphenated UUID")


# --------------------------------------------------------------------------- records
def check_create(fields: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every field of a new annotation, canonical (``prefix`` goes before field names).

    Examples
    --------
    >>> check_create({"dataset": "toy", "item_id": "1", "cause": "other"})["bias_tags"]
    []
    >>> check_create({"dataset": "toy", "item_id": "1", "cause": "other", "x": 1}, "set.")
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: set.x: unknown field; expected one of ['dataset', 'item_id', 'version', 'judge', 'reference', 'cause', 'bias_tags', 'note']
    """
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise FieldError(f"{prefix}{unknown[0]}", f"unknown field; expected one of {list(FIELDS)}")
    return {
        "dataset": check_text(fields.get("dataset"), f"{prefix}dataset"),
        "item_id": check_text(fields.get("item_id"), f"{prefix}item_id"),
        "version": check_text(fields.get("version"), f"{prefix}version", optional=True),
        "judge": check_text(fields.get("judge"), f"{prefix}judge", optional=True),
        "reference": check_text(fields.get("reference"), f"{prefix}reference", optional=True),
        "cause": check_cause(fields.get("cause"), f"{prefix}cause"),
        "bias_tags": check_tags(fields.get("bias_tags"), f"{prefix}bias_tags"),
        "note": check_note(fields.get("note"), f"{prefix}note"),
    }


def check_changes(changes: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """The editable fields of an edit, canonical; a key field or unknown name is refused.

    Examples
    --------
    >>> check_changes({"note": None, "bias_tags": ["a", "a"]})
    {'note': '', 'bias_tags': ['a']}
    >>> check_changes({"item_id": "2"})
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: item_id: cannot be edited (fixed at creation; withdraw and add a new one); editable fields are ['cause', 'bias_tags', 'note']
    """
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            fixed = " (fixed at creation; withdraw and add a new one)" if key in KEY_FIELDS else ""
            raise FieldError(
                f"{prefix}{key}", f"cannot be edited{fixed}; editable fields are {list(EDITABLE)}"
            )
        check = {"cause": check_cause, "bias_tags": check_tags, "note": check_note}[key]
        out[key] = check(value, f"{prefix}{key}")
    return out


def check_event(ev: Any) -> dict[str, Any]:
    """One imported event (a parsed JSONL line): every key, id, timestamp and payload field.

    The payload must already be in the canonical form the store writes, so an
    import replays exactly what an export wrote. Returns ``ev`` unchanged.
    """
    if not isinstance(ev, dict):
        raise FieldError("(line)", f"expected a JSON object, got {type(ev).__name__}")
    for key in EVENT_KEYS:
        if key not in ev:
            raise FieldError(key, "missing")
    unknown = sorted(set(ev) - set(EVENT_KEYS))
    if unknown:
        raise FieldError(unknown[0], f"unknown field; expected {list(EVENT_KEYS)}")
    check_uuid(ev["event_id"], "event_id")
    check_uuid(ev["annotation_id"], "annotation_id")
    if ev["action"] not in ACTIONS:
        raise FieldError("action", f"{ev['action']!r} is not one of {list(ACTIONS)}")
    if check_annotator(ev["annotator"]) != ev["annotator"]:
        raise FieldError("annotator", f"{ev['annotator']!r} has surrounding whitespace")
    check_timestamp(ev["timestamp"])
    payload = ev["payload"]
    if not isinstance(payload, dict):
        raise FieldError("payload", f"expected a JSON object, got {payload!r}")
    allowed = {"create": {"set"}, "edit": {"set", "previous"}, "withdraw": {"reason", "previous"}}
    unknown = sorted(set(payload) - allowed[ev["action"]])
    if unknown:
        raise FieldError(f"payload.{unknown[0]}", f"unknown field for a {ev['action']} event")
    if ev["action"] == "create":
        fields = payload.get("set")
        if not isinstance(fields, dict):
            raise FieldError("payload.set", f"expected a JSON object, got {fields!r}")
        missing = [f for f in FIELDS if f not in fields]
        if missing:
            raise FieldError(f"payload.set.{missing[0]}", "missing")
        if check_create(fields, "payload.set.") != fields:
            raise FieldError("payload.set", "not in canonical form (tags deduplicated, strings)")
    elif ev["action"] == "edit":
        for key in ("set", "previous"):
            if not isinstance(payload.get(key), dict):
                raise FieldError(
                    f"payload.{key}", f"expected a JSON object, got {payload.get(key)!r}"
                )
        if not payload["set"]:
            raise FieldError("payload.set", "empty: an edit changes at least one field")
        if check_changes(payload["set"], "payload.set.") != payload["set"]:
            raise FieldError("payload.set", "not in canonical form (tags deduplicated, strings)")
        check_changes(payload["previous"], "payload.previous.")
    else:
        if "reason" in payload:
            check_text(payload["reason"], "payload.reason", optional=True, nonempty=False)
    return ev
