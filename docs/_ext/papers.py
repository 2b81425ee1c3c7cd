"""Copy the committed paper notebooks into ``docs/notebooks/`` (git-ignored) at build time.

The pages render the outputs exactly as committed (myst-nb, execution off). Only the
plotly outputs are changed, so that a page fetches nothing from the internet: a figure
keeps its static ``image/png`` and drops the ``text/html`` that loads plotly.js from a
CDN, and the renderer's loader output (a ``<script>`` importing plotly.js, no figure)
is dropped. A plotly figure stored without an ``image/png`` is a build warning (hence
an error): re-execute its notebook with ``pio.renderers.default =
"notebook_connected+png"``.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

PATTERN = "[0-9][0-9]_*.ipynb"  # paper notebooks; explore.ipynb (a widget app) is not one


def _is_plotly(html: str) -> bool:
    return "plotly" in html.lower()


def offline_outputs(nb: dict, name: str) -> dict:
    """Strip CDN-loading plotly HTML from the notebook's outputs (see module docstring)."""
    for index, cell in enumerate(nb.get("cells", [])):
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = "".join(data.get("text/html", ""))
            if not html or not _is_plotly(html):
                kept.append(output)
            elif "image/png" in data:
                del data["text/html"]
                kept.append(output)
            elif "Plotly.newPlot" not in html:
                continue  # the renderer's loader script: no figure in it
            else:
                logger.warning(
                    "%s, cell %d: a plotly figure without an image/png output; re-execute the "
                    'notebook with pio.renderers.default = "notebook_connected+png"',
                    name,
                    index,
                    type="workbench",
                    subtype="notebook",
                )
                kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return nb


def copy_notebooks(source: Path, target: Path) -> list[str]:
    """Write an offline copy of every paper notebook of ``source`` into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.ipynb"):
        old.unlink()
    names = []
    for path in sorted(source.glob(PATTERN)):
        nb = offline_outputs(json.loads(path.read_text(encoding="utf-8")), path.name)
        (target / path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
        names.append(path.stem)
    if not names:
        logger.warning("no paper notebooks found in %s", source, type="workbench")
    return names


def _copy(app) -> None:
    copy_notebooks(Path(app.srcdir).parent / "notebooks", Path(app.srcdir) / "notebooks")


def setup(app):
    """Sphinx extension: refresh ``notebooks/`` when the builder starts."""
    app.connect("builder-inited", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
