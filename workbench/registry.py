"""One registry shape for everything the workbench looks up by name.

Datasets (:data:`workbench.loaders.DATASETS`), papers and their published numbers
(:data:`workbench.papers.NUMBERS`), figures (:data:`workbench.papers.FIGURES`) and bias probes
(:data:`workbench.bias.PROBES`) are each a :class:`Registry`: a read-only mapping from name to
a typed entry, filled where the entry is defined (a decorator or one ``add`` call beside the
definition), never by a list kept elsewhere. An unknown name gets one error wording
everywhere (:meth:`Registry.lookup`).

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Colour:
...     name: str
...     hex: str
>>> COLOURS = Registry("colour")
>>> _ = COLOURS.add("sky", Colour("sky", "#56B4E9"))
>>> COLOURS["sky"].hex
'#56B4E9'
>>> COLOURS.lookup("skye")
Traceback (most recent call last):
...
ValueError: name: unknown colour 'skye'; known: ['sky']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Name -> entry mapping, filled at definition.

    Parameters
    ----------
    kind : str
        What the entries are ("dataset", "probe", "figure", ...), used in error messages.
    populate : callable, optional
        Called once, on first read, to import the modules whose definitions register
        themselves (keeps ``import workbench`` light).
    """

    def __init__(self, kind: str, *, populate: Callable[[], None] | None = None):
        self.kind = kind
        self._entries: dict[str, T] = {}
        self._populate = populate

    def _filled(self) -> dict[str, T]:
        if self._populate is not None:
            populate, self._populate = self._populate, None
            populate()
        return self._entries

    def add(self, name: str, entry: T) -> T:
        """Register ``entry`` under ``name``; a second entry under one name is an error."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"name: expected a non-empty string, got {name!r}")
        if name in self._entries and self._entries[name] is not entry:
            raise ValueError(f"name: {self.kind} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def register(self, name: str, make: Callable[[Callable], T]) -> Callable[[Callable], Callable]:
        """Decorator: register ``make(function)`` under ``name`` and return the function unchanged."""

        def decorate(function: Callable) -> Callable:
            self.add(name, make(function))
            return function

        return decorate

    def lookup(self, name: str, arg: str = "name") -> T:
        """The entry of ``name``, or ``ValueError`` naming ``arg`` and the known names."""
        entries = self._filled()
        if name not in entries:
            raise ValueError(f"{arg}: unknown {self.kind} {name!r}; known: {sorted(entries)}")
        return entries[name]

    def __getitem__(self, name: str) -> T:
        return self._filled()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._filled())

    def __len__(self) -> int:
        return len(self._filled())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {sorted(self._filled())})"
