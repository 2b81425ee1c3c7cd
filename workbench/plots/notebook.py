"""How the notebooks show figures: interactive plotly plus a static PNG beside it.

A committed notebook carries both outputs, so a viewer that runs no scripts (a
repository's preview, an offline viewer, a PDF export, the documentation site)
still shows every figure, and Jupyter shows the interactive one.

The PNG costs a headless Chromium start (kaleido) per figure. Where nobody reads
the outputs, as in the test suite's notebook run (nbval checks the number cells,
not images), ``WORKBENCH_NOTEBOOK_PNG=0`` leaves it out.
"""

from __future__ import annotations

import os

__all__ = ["PNG_ENV", "renderer"]

PNG_ENV = "WORKBENCH_NOTEBOOK_PNG"
"""Environment variable: ``0`` turns the notebooks' static PNG outputs off."""


def renderer() -> str:
    """The plotly renderer of the notebooks: ``notebook_connected+png`` (PNG off: without it).

    Examples
    --------
    >>> import os
    >>> os.environ[PNG_ENV] = "0"; renderer()
    'notebook_connected'
    >>> os.environ[PNG_ENV] = "1"; renderer()
    'notebook_connected+png'
    >>> del os.environ[PNG_ENV]
    """
    off = os.environ.get(PNG_ENV, "1").strip().lower() in {"0", "false", "no", "off"}
    return "notebook_connected" if off else "notebook_connected+png"
