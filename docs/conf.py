"""Sphinx configuration of the workbench documentation (``make docs``).

Offline by construction: no intersphinx, no remote theme assets, notebooks rendered
from their committed outputs (never executed), and ``_ext/offline.py`` fails the build
if a page would fetch anything from another host. Generated at build time, git-ignored:
``api/`` (from every public module's ``__all__``, ``_ext/apiref.py``) and ``notebooks/``
(offline copies of ``../notebooks/NN_*.ipynb``, ``_ext/papers.py``).
"""

import sys
import warnings
from pathlib import Path

from sphinx.util import logging as sphinx_logging

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

project = "Judge–Human Agreement Workbench"
author = "the workbench authors"
copyright = "the workbench authors"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "apiref",
    "papers",
    "probetable",
    "offline",
]

exclude_patterns = ["_build", "_ext", "_generated", "Thumbs.db", ".DS_Store"]
suppress_warnings = []  # nothing is tolerated silently

# --- API reference (autodoc + numpydoc)
autosummary_generate = False  # the pages are written by _ext/apiref.py from __all__
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# numpydoc reports a docstring it cannot parse (e.g. an unknown section, whose text it then
# drops) as a Python UserWarning, shown once per process: make each one a Sphinx warning.
_numpydoc_log = sphinx_logging.getLogger("numpydoc")
_showwarning = warnings.showwarning


def _route_numpydoc(message, category, filename, lineno, file=None, line=None):
    if "numpydoc" in str(filename):
        _numpydoc_log.warning("numpydoc: %s", message, type="workbench", subtype="numpydoc")
    else:
        _showwarning(message, category, filename, lineno, file, line)


warnings.filterwarnings("always", category=UserWarning, module="numpydoc")
warnings.showwarning = _route_numpydoc

# --- notebooks (myst-nb): the committed outputs, never executed here
nb_execution_mode = "off"
nb_output_stderr = "show"  # as committed: a warning a notebook prints is part of its page
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# --- HTML: pydata-sphinx-theme with every network feature off
html_theme = "pydata_sphinx_theme"
html_title = "Judge–Human Agreement Workbench"
html_theme_options = {
    "logo": {"text": "Agreement Workbench"},
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "icon_links": [],
    "use_edit_page_button": False,
    "navbar_end": ["theme-switcher"],
}
html_show_sourcelink = False
html_sidebars = {"reproduced": []}  # the wide table gets the full width
html_static_path = []
