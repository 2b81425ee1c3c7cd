"""Annotation store (moved to store.py; split into one file per concern next)."""

from .store import *  # noqa: F403
from .store import __doc__  # noqa: F401
