"""The annotation form's state, without widgets: which item, who, what is stored, what is chosen.

:class:`AnnotationForm` holds everything the explorer's annotation form shows and
does; the view (:mod:`~workbench.explorer.view`) copies the controls' values into
it, calls :meth:`~AnnotationForm.save` / :meth:`~AnnotationForm.withdraw`, and
draws what it holds. It talks to the store only through the public API of
:class:`workbench.annotations.AnnotationStore` (``add`` / ``edit`` / ``withdraw`` /
``current`` / ``events``).

The rules it keeps:

* opening an item prefills the form with this annotator's current annotation of
  that (dataset, item, version, judge), or leaves it blank when there is none;
* Save on an unchanged prefilled form writes nothing; a changed one is one
  ``edit`` event (the store keeps the previous values), never a second annotation;
* suggested bias tags (from the disagreement flags) are kept apart from the
  chosen ones and are written only after :meth:`~AnnotationForm.apply_suggestions`
  (or the person picking them);
* the message is tied to the item it is about: opening another item clears it;
* :meth:`~AnnotationForm.annotated` (the queue's ✓ marks) is read from the store,
  so a withdrawn annotation loses its mark;
* the annotator id persists per store: without an explicit id (argument or
  ``WORKBENCH_ANNOTATOR``), the form starts with the annotator of the store's
  last event (:func:`last_annotator`), so a reload edits rather than duplicates.
  In a store several people write, check the field: it shows whoever wrote last.

Examples
--------
>>> from workbench.annotations import AnnotationStore
>>> store = AnnotationStore(":memory:")
>>> form = AnnotationForm(store, annotator="ann")
>>> form.open(dataset="toy", item_id="2", judge="J", suggested=["leniency"])
>>> form.cause, form.tags, form.suggested  # blank form; the suggestion is not chosen
(None, (), ('leniency',))
>>> form.cause = "judge_wrong"
>>> aid, verb = form.save()
>>> verb, form.message == f"Annotation {aid[:8]} saved."
('saved', True)
>>> reloaded = AnnotationForm(store)  # a reload: the annotator is remembered
>>> reloaded.annotator
'ann'
>>> reloaded.open(dataset="toy", item_id="2", judge="J")
>>> reloaded.cause, reloaded.save()[1]  # prefilled; saving it unchanged writes nothing
('judge_wrong', 'unchanged')
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ..annotations import TAG_SEPARATOR

__all__ = ["AnnotationForm", "ItemKey", "last_annotator", "login"]

Kind = Literal["ok", "error", "info"]


def login() -> str:
    """The login name, or ``""`` where there is none (some containers)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return ""


def last_annotator(store: Any) -> str | None:
    """The annotator of the store's most recent event (None for an empty store).

    Examples
    --------
    >>> from workbench.annotations import AnnotationStore
    >>> store = AnnotationStore(":memory:")
    >>> last_annotator(store) is None
    True
    >>> aid = store.add(dataset="toy", item_id="1", cause="other", annotator="ann")
    >>> store.edit(aid, annotator="bob", note="n")
    >>> last_annotator(store)
    'bob'
    """
    events = store.events()
    return str(events[-1]["annotator"]) if events else None


@dataclass(frozen=True)
class ItemKey:
    """What an annotation is about: the item, its data version and the two raters."""

    dataset: str
    item_id: str
    version: str | None = None
    judge: str | None = None
    reference: str | None = None


def _same(column: pd.Series, value: str | None) -> pd.Series:
    """``column == value`` where NA equals None."""
    return column.astype("string").fillna("") == ("" if value is None else str(value))


class AnnotationForm:
    """One annotator's annotation form over an :class:`~workbench.annotations.AnnotationStore`.

    Parameters
    ----------
    store : AnnotationStore
    annotator : str, optional
        Who annotates. Default: ``WORKBENCH_ANNOTATOR``, else the annotator of the
        store's last event (:func:`last_annotator`), else the login name.

    Attributes
    ----------
    item : ItemKey or None
        The open item.
    current : dict or None
        This annotator's current annotation of :attr:`item` (a row of
        ``store.current()``), None when there is none.
    cause, tags, note
        The form's values (``tags``: the chosen tags only).
    suggested : tuple of str
        Tags the disagreement flags suggest; never saved unless chosen.
    """

    def __init__(self, store: Any, *, annotator: str | None = None):
        self.store = store
        self.annotator = (
            annotator or os.environ.get("WORKBENCH_ANNOTATOR") or last_annotator(store) or login()
        ).strip()
        self.item: ItemKey | None = None
        self.current: dict[str, Any] | None = None
        self.cause: str | None = None
        self.tags: tuple[str, ...] = ()
        self.note: str = ""
        self.suggested: tuple[str, ...] = ()
        self._message: tuple[ItemKey | None, Kind, str] = (None, "info", "")

    # ------------------------------------------------------------ state
    @property
    def message(self) -> str:
        """The last message about the open item (``""`` once another item is opened)."""
        item, _, text = self._message
        return text if item == self.item else ""

    @property
    def message_kind(self) -> Kind:
        """``ok`` / ``error`` / ``info``: how :attr:`message` is shown."""
        return self._message[1] if self._message[0] == self.item else "info"

    @property
    def dirty(self) -> bool:
        """Whether the form differs from :attr:`current` (or from blank when there is none)."""
        return self._values() != self._stored()

    @property
    def can_withdraw(self) -> bool:
        """Whether this annotator has a current annotation of the open item."""
        return self.current is not None

    def _say(self, kind: Kind, text: str) -> None:
        self._message = (self.item, kind, text)

    def _values(self) -> tuple:
        return (self.cause, tuple(self.tags), self.note)

    def _stored(self) -> tuple:
        if self.current is None:
            return (None, (), "")
        tags = str(self.current["bias_tags"] or "")
        chosen = tuple(t for t in tags.split(TAG_SEPARATOR) if t)
        return (str(self.current["cause"]), chosen, str(self.current["note"] or ""))

    def _lookup(self) -> dict[str, Any] | None:
        """This annotator's current annotation of the open item (the newest), from the store."""
        if self.item is None or not self.annotator:
            return None
        key = self.item
        cur = self.store.current(dataset=key.dataset, item_id=key.item_id)
        if cur.empty:
            return None
        mine = (
            _same(cur["annotator"], self.annotator)
            & _same(cur["judge"], key.judge)
            & _same(cur["version"], key.version)
        )
        if not mine.any():
            return None
        row = cur[mine].iloc[-1]
        return {k: (None if pd.isna(v) else v) for k, v in row.items()}

    def _prefill(self) -> None:
        self.current = self._lookup()
        self.cause, self.tags, self.note = self._stored()

    # ------------------------------------------------------------ actions
    def open(
        self,
        *,
        dataset: str,
        item_id: str,
        version: str | None = None,
        judge: str | None = None,
        reference: str | None = None,
        suggested: Iterable[str] = (),
    ) -> None:
        """Show the form for an item: prefilled with this annotator's current annotation."""
        self.item = ItemKey(str(dataset), str(item_id), version, judge, reference)
        self.suggested = tuple(dict.fromkeys(suggested))
        self._prefill()
        if self.current is not None:
            self._say(
                "info",
                f"Your annotation {str(self.current['annotation_id'])[:8]} of this item; "
                "Save records an edit.",
            )

    def close(self) -> None:
        """No item open: a blank form."""
        self.item = None
        self.current = None
        self.cause, self.tags, self.note, self.suggested = None, (), "", ()

    def set_annotator(self, annotator: str) -> None:
        """Switch who annotates; an unchanged form is prefilled with their annotation."""
        keep = self.dirty
        self.annotator = annotator.strip()
        if keep:
            self.current = self._lookup()
        else:
            self._prefill()

    def apply_suggestions(self) -> None:
        """Add the suggested tags to the chosen ones (what the "apply" click does)."""
        self.tags = tuple(dict.fromkeys([*self.tags, *self.suggested]))

    def save(self) -> tuple[str, Literal["saved", "updated", "unchanged"]]:
        """Write the form: a new annotation, an edit of the current one, or nothing.

        Returns
        -------
        (str, str)
            The annotation id and what happened: ``saved`` (added), ``updated``
            (one edit event), ``unchanged`` (the form equals the stored annotation).

        Raises
        ------
        ValueError
            No item open, no annotator, no cause (the message says so too).
        """
        if self.item is None:
            raise ValueError("item_id: no item is open; click a bar and pick an item first")
        problem = None
        if not self.annotator:
            problem = "annotator: empty; enter an annotator id"
        elif self.cause is None:
            problem = "cause: none chosen; pick why judge and reference disagree"
        if problem:
            self._say("error", problem)
            raise ValueError(problem)
        self.current = self._lookup()  # another page may have changed it since opening
        fields = dict(cause=self.cause, bias_tags=list(self.tags), note=self.note)
        if self.current is None:
            key = self.item
            ann_id = self.store.add(
                dataset=key.dataset,
                item_id=key.item_id,
                version=key.version,
                judge=key.judge,
                reference=key.reference,
                annotator=self.annotator,
                **fields,
            )
            verb: Literal["saved", "updated", "unchanged"] = "saved"
        else:
            ann_id = str(self.current["annotation_id"])
            verb = "unchanged" if not self.dirty else "updated"
            if verb == "updated":
                self.store.edit(ann_id, annotator=self.annotator, **fields)
        self._prefill()
        self._say("ok", f"Annotation {ann_id[:8]} {verb}.")
        return ann_id, verb

    def withdraw(self, *, reason: str | None = None) -> str | None:
        """Withdraw this annotator's current annotation of the open item; None if there is none."""
        self.current = self._lookup()
        if self.current is None:
            self._say("info", "Nothing of yours to withdraw on this item.")
            return None
        ann_id = str(self.current["annotation_id"])
        self.store.withdraw(ann_id, annotator=self.annotator, reason=reason)
        self._prefill()
        self._say("ok", f"Annotation {ann_id[:8]} withdrawn.")
        return ann_id

    # ------------------------------------------------------------ reads
    def item_annotations(self) -> pd.DataFrame:
        """Current annotations of the open item by anyone (empty when none is open)."""
        if self.item is None:
            return pd.DataFrame(columns=["annotation_id", "annotator", "judge", "cause", "note"])
        return self.store.current(dataset=self.item.dataset, item_id=self.item.item_id)

    def annotated(self, dataset: str, judge: str | None) -> set[str]:
        """Items of ``dataset`` (and ``judge``) this annotator currently has an annotation of.

        Read from the store each time: the queue's marks follow saves and withdrawals.
        """
        cur = self.store.current(dataset=dataset)
        if cur.empty or not self.annotator:
            return set()
        mine = _same(cur["annotator"], self.annotator) & _same(cur["judge"], judge)
        return set(cur.loc[mine, "item_id"].astype(str))
