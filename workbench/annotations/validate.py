"""Field checks for the records of the annotation store: created, changed and imported.

Every text value goes through :func:`check_text` (a ``str``, no NUL character, no
lone surrogate, at most :data:`~.fields.MAX_NAME_LENGTH` or
:data:`~.fields.MAX_TEXT_LENGTH` characters), every id through :func:`check_uuid`,
every timestamp through :func:`check_timestamp`, the shape of an imported event
through :func:`check_depth` and :func:`check_event`, and its place in its
annotation's history through :func:`check_follows`. Each check returns the
canonical value (tags stripped and deduplicated, ``None`` note as ``""``) or raises
:class:`FieldError` naming the field and the problem. The store turns a
:class:`FieldError` into a plain ``ValueError`` (:func:`plain_errors`); the JSONL
import turns it into a :class:`~workbench.errors.LoadError` that also names the file
and line.

Examples
--------
>>> check_tags([" verbosity", "verbosity", "position"])
['verbosity', 'position']
>>> check_text("a\\x00b", "note")
Traceback (most recent call last):
...
workbench.annotations.validate.FieldError: note: contains a NUL character (U+0000) at position 1; text may not contain NUL
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
    MAX_DEPTH,
    MAX_NAME_LENGTH,
    MAX_TAGS,
    MAX_TEXT_LENGTH,
    OPTIONAL,
    TAG_SEPARATOR,
    TIMESTAMP_FORMAT,
)

__all__ = [
    "FieldError",
    "check_annotator",
    "check_cause",
    "check_changes",
    "check_create",
    "check_depth",
    "check_event",
    "check_follows",
    "check_note",
    "check_tags",
    "check_text",
    "check_timestamp",
    "check_uuid",
    "plain_errors",
]

# ASCII digits only (\d would take any Unicode digit), the whole string (no "\n" after Z).
_TIMESTAMP_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


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
    value: Any,
    field: str,
    *,
    optional: bool = False,
    nonempty: bool = True,
    max_length: int = MAX_NAME_LENGTH,
) -> str | None:
    """The one check of a text value: a ``str`` every export writes and reads back exactly.

    Refused: a non-string; a NUL character (SQLite's text functions and most CSV
    readers stop at it); a lone surrogate (``"\\ud800"``: not Unicode text, UTF-8
    cannot encode it); more than ``max_length`` characters; an empty or blank string
    unless ``nonempty=False``. ``None`` (and ``pd.NA``) is allowed if ``optional``.
    Everything else (emoji, right-to-left text, combining marks, tabs, newlines,
    quotes, markup) is kept exactly, not normalized or stripped.

    Examples
    --------
    >>> check_text("e\\u0301 👍🏽", "note", nonempty=False) == "e\\u0301 👍🏽"
    True
    >>> check_text("a\\ud800", "judge")
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: judge: contains a lone surrogate U+D800 at position 1; not Unicode text (decode the source with errors='strict')
    """
    if value is None or (optional and value is pd.NA):
        if optional:
            return None
        raise FieldError(field, "missing (None); expected a non-empty string")
    if not isinstance(value, str):
        shown = repr(value) if len(repr(value)) <= 80 else f"{repr(value)[:80]}..."
        raise FieldError(field, f"expected a string, got {type(value).__name__} {shown}")
    nul = value.find("\x00")
    if nul >= 0:
        raise FieldError(
            field, f"contains a NUL character (U+0000) at position {nul}; text may not contain NUL"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise FieldError(
            field,
            f"contains a lone surrogate U+{ord(value[err.start]):04X} at position {err.start}; "
            "not Unicode text (decode the source with errors='strict')",
        ) from None
    if len(value) > max_length:
        raise FieldError(field, f"{len(value):,} characters; at most {max_length:,} are allowed")
    if nonempty and not value.strip():
        raise FieldError(field, f"empty ({value!r}); expected a non-empty string")
    return value


def check_cause(value: Any, field: str = "cause") -> str:
    """One of :data:`workbench.vocab.CAUSES`."""
    if not isinstance(value, str) or value not in CAUSES:
        raise FieldError(field, f"{value!r} is not one of {list(CAUSES)}")
    return value


def check_tags(value: Any, field: str = "bias_tags") -> list[str]:
    """A list of at most :data:`~.fields.MAX_TAGS` names (``None`` is no tags), stripped,
    first occurrence kept; a tag may not contain :data:`~.fields.TAG_SEPARATOR`."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise FieldError(field, f"expected a list of strings, got {type(value).__name__} {value!r}")
    tags: list[str] = []
    for i, tag in enumerate(value):
        if i == MAX_TAGS:
            raise FieldError(field, f"more than {MAX_TAGS} tags; at most {MAX_TAGS} are allowed")
        if not isinstance(tag, str) or not tag.strip() or TAG_SEPARATOR in tag:
            raise FieldError(
                field,
                f"tag {tag!r}: expected a non-empty string without {TAG_SEPARATOR!r}",
            )
        tag = check_text(tag, field).strip()
        if tag not in tags:
            tags.append(tag)
    return tags


def check_note(value: Any, field: str = "note") -> str:
    """Free text of at most :data:`~.fields.MAX_TEXT_LENGTH` characters (``None`` is ``""``)."""
    if value is None:
        return ""
    return check_text(value, field, nonempty=False, max_length=MAX_TEXT_LENGTH)


def check_annotator(value: Any) -> str:
    """Who wrote an event: a non-empty name, stripped."""
    return check_text(value, "annotator").strip()


def check_timestamp(value: Any, field: str = "timestamp") -> str:
    """A UTC timestamp in :data:`~workbench.annotations.fields.TIMESTAMP_FORMAT`.

    Examples
    --------
    >>> check_timestamp("2024-05-01T12:00:00.000000Z")
    '2024-05-01T12:00:00.000000Z'
    >>> check_timestamp("2024-02-30T12:00:00.000000Z")
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: timestamp: '2024-02-30T12:00:00.000000Z': day is out of range for month
    """
    if not isinstance(value, str) or not _TIMESTAMP_RE.fullmatch(value):
        shown = repr(value) if len(repr(value)) <= 80 else f"{repr(value)[:80]}..."
        raise FieldError(
            field, f"{shown} is not a UTC timestamp like '2024-05-01T12:00:00.000000Z'"
        )
    try:
        datetime.strptime(value, TIMESTAMP_FORMAT)
    except ValueError as err:
        raise FieldError(field, f"{value!r}: {err}") from None
    return value


def check_uuid(value: Any, field: str) -> str:
    """An id (``event_id``, ``annotation_id``): a UUID in its canonical spelling
    (lower case, hyphenated)."""
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return value
    except ValueError:
        pass
    shown = repr(value) if len(repr(value)) <= 80 else f"{repr(value)[:80]}..."
    raise FieldError(field, f"{shown} is not a lower-case hyphenated UUID")


def check_depth(value: Any, field: str = "(line)", max_depth: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``max_depth`` containers (objects and arrays).

    Examples
    --------
    >>> check_depth({"payload": {"set": {"bias_tags": ["a"]}}})
    >>> check_depth({"payload": {"set": {"note": [[["deep"]]]}}})
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: payload.set.note[0]: nested 6 levels deep; an event has at most 4
    """
    stack = [(value, 1, field)]
    while stack:
        obj, depth, where = stack.pop()
        children = obj.items() if isinstance(obj, dict) else enumerate(obj)
        for key, child in children:
            if isinstance(child, (dict, list)):
                if isinstance(obj, list):
                    name = f"{where}[{key}]"
                else:
                    name = f"{where}.{key}" if where != "(line)" else str(key)
                if depth + 1 > max_depth:
                    deepest = depth + 1 + _depth(child) - 1
                    raise FieldError(
                        name, f"nested {deepest} levels deep; an event has at most {max_depth}"
                    )
                stack.append((child, depth + 1, name))


def _depth(obj: Any) -> int:
    """Containers on the deepest path of an already parsed JSON value (iterative)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            values = item.values() if isinstance(item, dict) else item
            stack.extend((v, depth + 1) for v in values)
    return deepest


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
    keys = {
        f: check_text(fields.get(f), f"{prefix}{f}", optional=f in OPTIONAL) for f in KEY_FIELDS
    }
    return {
        **keys,
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
    """One imported event (a parsed JSONL line): its shape, every key, id, timestamp and
    payload field.

    The payload must already be in the canonical form the store writes, so an
    import replays exactly what an export wrote. Returns ``ev`` unchanged.

    Examples
    --------
    >>> ev = {"event_id": "5f0e4b8a-8e0c-4b8e-9a43-7d1f0c3b2a11",
    ...       "annotation_id": "0b7c1c52-3a3e-4d5e-8f7b-6a1d2c3b4e5f", "action": "withdraw",
    ...       "annotator": "ann", "timestamp": "2024-05-01T12:00:00.000000Z",
    ...       "payload": {"reason": None, "previous": {"status": "withdrawn"}}}
    >>> check_event(ev)
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: payload.previous: expected {'status': 'active'}, got {'status': 'withdrawn'}
    """
    if not isinstance(ev, dict):
        raise FieldError("(line)", f"expected a JSON object, got {type(ev).__name__}")
    check_depth(ev)
    for key in EVENT_KEYS:
        if key not in ev:
            raise FieldError(key, "missing")
    unknown = sorted(set(ev) - set(EVENT_KEYS))
    if unknown:
        raise FieldError(unknown[0], f"unknown field; expected {list(EVENT_KEYS)}")
    check_uuid(ev["event_id"], "event_id")
    check_uuid(ev["annotation_id"], "annotation_id")
    if not isinstance(ev["action"], str) or ev["action"] not in ACTIONS:
        raise FieldError("action", f"{ev['action']!r} is not one of {list(ACTIONS)}")
    if check_annotator(ev["annotator"]) != ev["annotator"]:
        raise FieldError("annotator", f"{ev['annotator']!r} has surrounding whitespace")
    check_timestamp(ev["timestamp"])
    payload = ev["payload"]
    if not isinstance(payload, dict):
        raise FieldError("payload", f"expected a JSON object, got {payload!r}")
    required = {"create": {"set"}, "edit": {"set", "previous"}, "withdraw": {"reason", "previous"}}
    unknown = sorted(set(payload) - required[ev["action"]])
    if unknown:
        raise FieldError(f"payload.{unknown[0]}", f"unknown field for a {ev['action']} event")
    missing = sorted(required[ev["action"]] - set(payload))
    if missing:
        raise FieldError(f"payload.{missing[0]}", f"missing (a {ev['action']} event has it)")
    if ev["action"] == "create":
        fields = _object(payload, "set")
        missing = [f for f in FIELDS if f not in fields]
        if missing:
            raise FieldError(f"payload.set.{missing[0]}", "missing")
        if check_create(fields, "payload.set.") != fields:
            raise FieldError("payload.set", "not in canonical form (tags deduplicated, strings)")
    elif ev["action"] == "edit":
        changes, previous = _object(payload, "set"), _object(payload, "previous")
        if not changes:
            raise FieldError("payload.set", "empty: an edit changes at least one field")
        if check_changes(changes, "payload.set.") != changes:
            raise FieldError("payload.set", "not in canonical form (tags deduplicated, strings)")
        check_changes(previous, "payload.previous.")
        if set(previous) != set(changes):
            raise FieldError(
                "payload.previous",
                f"names {sorted(previous)}, but the edit sets {sorted(changes)}: "
                "an edit keeps the previous value of each field it changes",
            )
    else:
        check_text(
            payload["reason"],
            "payload.reason",
            optional=True,
            nonempty=False,
            max_length=MAX_TEXT_LENGTH,
        )
        if payload["previous"] != {"status": "active"}:
            raise FieldError(
                "payload.previous", f"expected {{'status': 'active'}}, got {payload['previous']!r}"
            )
    return ev


def _object(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload[key]
    if not isinstance(value, dict):
        raise FieldError(f"payload.{key}", f"expected a JSON object, got {value!r}")
    return value


def check_follows(
    ev: Mapping[str, Any],
    *,
    created: str | None,
    withdrawn: str | None,
    previous: str | None,
) -> None:
    """An event's place in its annotation's history (its provenance and time order).

    Parameters
    ----------
    ev : dict
        A checked event (:func:`check_event`).
    created, withdrawn : str or None, keyword-only
        Timestamps of the annotation's ``create`` and ``withdraw`` events known so
        far (in the store or earlier in the file), ``None`` if there is none.
    previous : str or None, keyword-only
        Timestamp of the annotation's previous event in the same file.

    Raises
    ------
    FieldError
        ``annotation_id``: a second create, an edit / withdraw of an annotation
        no earlier event creates, or an event after its withdrawal;
        ``timestamp``: an event dated before its annotation's creation or before
        its previous event in the file (an export lists each annotation's
        events in time order).

    Examples
    --------
    >>> ev = {"annotation_id": "a1", "action": "edit", "timestamp": "2024-05-01T12:00:00.000000Z"}
    >>> check_follows(ev, created="2024-05-02T09:00:00.000000Z", withdrawn=None, previous=None)
    Traceback (most recent call last):
    ...
    workbench.annotations.validate.FieldError: timestamp: '2024-05-01T12:00:00.000000Z' is before the annotation was created ('2024-05-02T09:00:00.000000Z')
    """
    aid, action, stamp = ev["annotation_id"], ev["action"], ev["timestamp"]
    if action == "create":
        if created is not None:
            raise FieldError("annotation_id", f"{aid!r} is already created by another event")
    elif created is None:
        raise FieldError("annotation_id", f"{action} of {aid!r}, which no earlier event creates")
    elif stamp < created:
        raise FieldError(
            "timestamp", f"{stamp!r} is before the annotation was created ({created!r})"
        )
    if withdrawn is not None and (action == "withdraw" or stamp >= withdrawn):
        raise FieldError(
            "annotation_id", f"{action} of {aid!r}, which was withdrawn at {withdrawn}"
        )
    if previous is not None and stamp < previous:
        raise FieldError(
            "timestamp",
            f"{stamp!r} is earlier than this annotation's previous event in the file "
            f"({previous!r}); an export lists each annotation's events in time order",
        )
