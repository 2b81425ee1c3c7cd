"""What every paper module shares: the published-number and figure entries, their registries,
the cached dataset access and the seeded bootstrap calls.

A paper module declares each published number right after the function that computes it,
with :func:`number` (which registers a :class:`Published` in :data:`NUMBERS`), and registers
each figure builder at its definition with :func:`figure` (a :class:`FigureEntry` in
:data:`FIGURES`). Both registries keep registration order, which
:mod:`workbench.papers` fixes by importing the paper modules in one order.

Tolerances are half a unit of the last published digit (a value printed with one decimal
reproduces when it rounds to it), unless the entry says otherwise.

A number has one of three statuses (:data:`STATUSES`): ``reproduced`` (within tolerance),
``differs`` (computed, outside tolerance) and ``not computed`` (the computation returned
NaN / a non-finite value, or raised: there is no reproduced value to compare).

Examples
--------
>>> entry = Published("Toy", "Tab. 1", "two", 2.0, 0.05, lambda: 2.01, "1 + 1.01")
>>> entry.status(2.01)
('reproduced', '')
>>> Published("Toy", "Tab. 1", "two", 2.0, 0.005, lambda: 2.01, "x", reason="rounding").status(2.01)
('differs', 'rounding')
>>> Published("Toy", "Tab. 1", "two", 2.0, 0.05, lambda: 2.0, "x", reason="data offline").status(float("nan"))
('not computed', 'data offline')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import loaders
from ..registry import Registry

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "FIGURES",
    "NUMBERS",
    "SEED",
    "STATUSES",
    "FigureEntry",
    "Published",
    "agreement",
    "figure",
    "leaderboard",
    "load",
    "number",
]

SEED = 0
"""Every bootstrap in a figure or a reproduced number uses this seed."""

STATUSES: tuple[str, ...] = ("reproduced", "differs", "not computed")
"""The ``status`` values of a reproduced number (see :meth:`Published.status`)."""


@dataclass(frozen=True)
class Published:
    """One published number and how the workbench reproduces it.

    Parameters
    ----------
    paper : str
        Short citation (authors, year, venue).
    table_figure : str
        Where the number is printed (table, figure, README section, notebook cell).
    quantity : str
        What the number is, in words.
    published : float
        The value as printed.
    tolerance : float
        Largest ``|reproduced - published|`` still called ``reproduced``.
    compute : callable
        ``() -> float``: the reproduction from the tidy tables.
    definition : str
        Exactly what ``compute`` computes (subset, tie rule, aggregation).
    reason : str, default ""
        One line explaining a known difference or why the number cannot be computed;
        used when the status is ``differs`` or ``not computed``.
    """

    paper: str
    table_figure: str
    quantity: str
    published: float
    tolerance: float
    compute: Callable[[], float]
    definition: str
    reason: str = ""

    def status(self, reproduced: float) -> tuple[str, str]:
        """``("reproduced", "")`` within tolerance, ``("differs", reason)`` outside it, and
        ``("not computed", reason)`` when ``reproduced`` is None, NaN or infinite."""
        if reproduced is not None and np.isfinite(reproduced):
            if abs(reproduced - self.published) <= self.tolerance + 1e-12:
                return "reproduced", ""
            return (
                "differs",
                self.reason or "outside tolerance; definition may differ from the paper's",
            )
        return "not computed", self.reason or "not computable from the available data"


@dataclass(frozen=True)
class FigureEntry:
    """A paper figure: its name and its builder ``(n_resamples) -> Figure``.

    Calling the entry builds the figure, so ``FIGURES[name](n_resamples)`` works as when
    :data:`FIGURES` mapped names to bare builders.
    """

    name: str
    build: Callable[[int], go.Figure]

    def __call__(self, n_resamples: int) -> go.Figure:
        """Build the figure with ``n_resamples`` bootstrap resamples per CI (seed :data:`SEED`)."""
        return self.build(n_resamples)


NUMBERS: Registry[Published] = Registry("published number")
"""``"<paper>: <quantity>"`` -> :class:`Published`, in registration (= table row) order."""

FIGURES: Registry[FigureEntry] = Registry("figure")
"""Figure name -> :class:`FigureEntry`, in registration order."""


def number(
    paper: str,
    table_figure: str,
    quantity: str,
    published: float,
    tolerance: float,
    compute: Callable[[], float],
    definition: str,
    reason: str = "",
) -> Published:
    """Declare a published number (the arguments of :class:`Published`) and register it in :data:`NUMBERS`."""
    entry = Published(
        paper, table_figure, quantity, published, tolerance, compute, definition, reason
    )
    return NUMBERS.add(f"{paper}: {quantity}", entry)


def figure(name: str) -> Callable[[Callable[[int], go.Figure]], Callable[[int], go.Figure]]:
    """Decorator: register a builder ``(n_resamples) -> Figure`` in :data:`FIGURES` as ``name``."""
    return FIGURES.register(name, lambda build: FigureEntry(name, build))


@cache
def load(name: str) -> pd.DataFrame:
    """The tidy table of dataset ``name`` (:func:`workbench.load`), loaded once per process.

    Shared by every paper module, figure and reproduced number: callers must not modify it.
    """
    return loaders.load(name)


def agreement(df: pd.DataFrame, n_resamples: int, **kw) -> pd.DataFrame:
    """:func:`workbench.agreement` with ``n_resamples`` bootstrap resamples and seed :data:`SEED`."""
    from .. import tables

    return tables.agreement(df, n_resamples=n_resamples, rng=SEED, **kw)


def leaderboard(df: pd.DataFrame, n_resamples: int) -> pd.DataFrame:
    """:func:`workbench.leaderboard` with ``n_resamples`` bootstrap resamples and seed :data:`SEED`."""
    from .. import tables

    return tables.leaderboard(df, n_resamples=n_resamples, rng=SEED)
