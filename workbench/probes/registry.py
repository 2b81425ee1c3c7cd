"""The probe registry and the result contract shared by every probe.

:data:`PROBES` maps a probe name to a :class:`Probe` (function, protocols, one-line
description); :func:`probe` registers a function where it is defined. :data:`RESULT_COLUMNS`,
:data:`MIN_ITEMS`, :data:`NO_USABLE_VERDICT` and :class:`ProbeWarning` are the columns, the
reporting minimum, the note and the warning every probe shares (see :mod:`workbench.probes`).

Examples
--------
>>> from workbench.probes import PROBES
>>> PROBES["self_preference"].protocols
('pairwise', 'binary')
>>> RESULT_COLUMNS[:3]
['judge', 'probe', 'effect']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._validate import check_options
from ..registry import Registry
from ..vocab import PROTOCOLS

RESULT_COLUMNS = [
    "judge",
    "probe",
    "effect",
    "estimate",
    "ci_low",
    "ci_high",
    "statistic",
    "p_value",
    "n_items",
    "n_obs",
    "test",
    "reference",
    "note",
]
"""Fixed columns of every probe result (after the ``by`` columns); probes with an extra
column (``feature``, ``family``, ``criterion``) add it after ``note``."""


MIN_ITEMS = 10
"""Fewest items (clusters) on which a probe reports an interval, a statistic or a p-value;
below it they are NaN with a note (the estimate stays). The same minimum as
:func:`workbench.agreement`."""


NO_USABLE_VERDICT = (
    "no verdict of this judge the probe could use: every label / score is NA, or none is "
    "on an item the reference judged"
)
"""``note`` of a judge none of whose rows a probe could use."""


class ProbeWarning(UserWarning):
    """Some rows of a probe result are NaN or leave data out; the ``note`` column says why."""


@dataclass(frozen=True)
class Probe:
    """A registered bias probe: its function, the protocols it applies to and a one-line description.

    Calling the entry calls the function (``PROBES["leniency"](df, reference="human")``).
    """

    function: Callable[..., pd.DataFrame]
    protocols: tuple[str, ...]
    description: str

    @property
    def protocol(self) -> str:
        """The protocols joined by ``|`` (``"pairwise|binary"``), as the first release spelled them."""
        return "|".join(self.protocols)

    def __call__(self, df: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
        return self.function(df, **kwargs)


PROBES: Registry[Probe] = Registry("probe")
"""Probe name -> :class:`Probe` (function, protocols, one-line description), filled by :func:`probe`."""


def probe(
    name: str, *, protocols: Sequence[str], description: str
) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Register the decorated function in :data:`PROBES` under ``name``; return it unchanged.

    Parameters
    ----------
    name : str
        Registry name (the function's name, by convention).
    protocols : sequence of str
        Protocols of :data:`workbench.vocab.PROTOCOLS` the probe applies to.
    description : str
        One line for widgets and notebooks.
    """
    entry_protocols = tuple(check_options("protocols", protocols, PROTOCOLS))
    return PROBES.register(name, lambda function: Probe(function, entry_protocols, description))
