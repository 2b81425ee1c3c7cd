"""What an annotation is: its fields, the columns read back, and how values are encoded.

Every other file of :mod:`workbench.annotations` takes its field names, column
orders and encodings (canonical JSON, joined bias tags, UTC timestamps) from
here, so the event log, the SQL view, the validation of imported events and the
tables returned to users agree by construction.

Examples
--------
>>> FIELDS == KEY_FIELDS + EDITABLE
True
>>> cell(["verbosity", "position"])  # bias tags as one table cell
'verbosity;position'
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd

__all__ = [
    "ACTIONS",
    "CURRENT_COLUMNS",
    "EDITABLE",
    "EVENT_KEYS",
    "FIELDS",
    "HISTORY_COLUMNS",
    "KEY_FIELDS",
    "MAX_DEPTH",
    "MAX_LINE_BYTES",
    "MAX_NAME_LENGTH",
    "MAX_TAGS",
    "MAX_TEXT_LENGTH",
    "OPTIONAL",
    "TAG_SEPARATOR",
    "TIMESTAMP_FORMAT",
    "cell",
    "dumps",
    "now",
    "typed",
]

KEY_FIELDS: tuple[str, ...] = ("dataset", "item_id", "version", "judge", "reference")
"""Fields fixed at creation (what the annotation is about)."""

OPTIONAL: tuple[str, ...] = ("version", "judge", "reference")
"""Key fields that may be missing (``None``; NA in tables); never an empty string."""

EDITABLE: tuple[str, ...] = ("cause", "bias_tags", "note")
"""Fields :meth:`AnnotationStore.edit` may change."""

FIELDS = KEY_FIELDS + EDITABLE
"""Every field of an annotation: :data:`KEY_FIELDS`, then :data:`EDITABLE`."""

CURRENT_COLUMNS: tuple[str, ...] = (
    "annotation_id",
    *FIELDS,
    "annotator",
    "created_at",
    "updated_by",
    "updated_at",
    "status",
)
"""Columns of :meth:`AnnotationStore.current` and :func:`load`."""

HISTORY_COLUMNS: tuple[str, ...] = (
    "event_id",
    "annotation_id",
    "action",
    "annotator",
    "timestamp",
    "field",
    "previous",
    "value",
)
"""Columns of :meth:`AnnotationStore.history`: one row per field an event changed."""

ACTIONS = ("create", "edit", "withdraw")
"""Actions of the event log."""

TAG_SEPARATOR = ";"
"""Joins bias tags in one table cell (so a tag may not contain it)."""

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""Event timestamps: UTC, microseconds, e.g. ``2024-05-01T12:00:00.000000Z``."""

EVENT_KEYS = ("event_id", "annotation_id", "action", "annotator", "timestamp", "payload")
"""Keys of one event (a line of the JSONL export)."""

MAX_NAME_LENGTH = 1_000
"""Most characters of a name: ``dataset``, ``item_id``, ``version``, ``judge``,
``reference``, ``annotator`` and each bias tag."""

MAX_TEXT_LENGTH = 100_000
"""Most characters of free text: ``note`` and a withdrawal ``reason``."""

MAX_TAGS = 100
"""Most bias tags on one annotation."""

MAX_DEPTH = 4
"""Deepest nesting of an imported event: event -> payload -> set -> bias_tags list."""

MAX_LINE_BYTES = 4 * 2**20
"""Longest line of a JSONL import (4 MiB; the largest valid event, an edit with every
field at its maximum length and every character escaped, is about 2.5 MB)."""


def now() -> str:
    """The current UTC time as an event timestamp (:data:`TIMESTAMP_FORMAT`).

    Examples
    --------
    >>> stamp = now()
    >>> len(stamp), stamp[10], stamp[-1]  # 2024-05-01T12:00:00.000000Z
    (27, 'T', 'Z')
    """
    return datetime.now(UTC).strftime(TIMESTAMP_FORMAT)


def dumps(obj: Any) -> str:
    """Canonical JSON of an event or payload: keys sorted, UTF-8 kept, no spaces.

    Examples
    --------
    >>> dumps({"set": {"note": "é", "cause": "other"}})
    '{"set":{"cause":"other","note":"é"}}'
    """
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def cell(value: Any) -> str | None:
    """A field value as one table cell: bias-tag lists joined by :data:`TAG_SEPARATOR`.

    Examples
    --------
    >>> cell(["verbosity", "position"]), cell([]), cell("label_noise"), cell(None)
    ('verbosity;position', '', 'label_noise', None)
    """
    if isinstance(value, list):
        return TAG_SEPARATOR.join(value)
    return value


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """Give a table read from the store its dtypes, in place: UTC datetimes and ``string``.

    ``created_at``, ``updated_at`` and ``timestamp`` become UTC datetimes (parsed
    with :data:`TIMESTAMP_FORMAT`); every other column becomes ``string``.

    Examples
    --------
    >>> df = typed(pd.DataFrame({"timestamp": ["2024-05-01T12:00:00.000000Z"], "note": ["x"]}))
    >>> str(df["timestamp"].dt.tz), str(df["note"].dtype), df["timestamp"].iloc[0].hour
    ('UTC', 'string', 12)
    """
    for col in df.columns:
        if col in ("created_at", "updated_at", "timestamp"):
            df[col] = pd.to_datetime(df[col], format=TIMESTAMP_FORMAT, utc=True)
        else:
            df[col] = df[col].astype("string")
    return df
