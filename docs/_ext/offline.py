"""Fail the build when a built page would fetch anything from another host.

After an HTML build, every ``<script src>``, ``<link href>``, ``<img src>``, ``<iframe
src>`` and CSS ``url(...)`` / ``@import`` of the output is checked; one pointing at
``http(s)://`` or ``//`` is a warning (an error under ``-W``). Links a reader clicks
(``<a href>``) are not fetched and are allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

HTML_FETCH = re.compile(
    r"<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|\bimport\s*[\"']((?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)
CSS_FETCH = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])((?:https?:)?//[^\"')\s]+)", re.I)


def remote_fetches(outdir: Path) -> list[tuple[str, str]]:
    """``(file, url)`` of every resource a built page or stylesheet would fetch remotely."""
    found = []
    for path in sorted(outdir.rglob("*")):
        if path.suffix not in {".html", ".css"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = HTML_FETCH if path.suffix == ".html" else CSS_FETCH
        for match in pattern.finditer(text):
            url = next(group for group in match.groups() if group)
            found.append((str(path.relative_to(outdir)), url))
    return found


def _check(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for file, url in remote_fetches(Path(app.outdir)):
        logger.warning(
            "%s fetches %s (the docs must build and read offline)",
            file,
            url,
            type="workbench",
            subtype="offline",
        )


def setup(app):
    """Sphinx extension: check the HTML output for remote resources after the build."""
    app.connect("build-finished", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
