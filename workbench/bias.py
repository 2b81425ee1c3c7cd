"""Former home of the bias probes; they live in :mod:`workbench.probes` (one module per family).

This module re-exports every public name it had (``workbench.bias.PROBES``,
``workbench.bias.position_preference`` ...), so existing code keeps working.

Examples
--------
>>> from workbench import bias, probes
>>> bias.PROBES is probes.PROBES
True
"""

from __future__ import annotations

from .probes import *  # noqa: F403
from .probes import __all__ as __all__
