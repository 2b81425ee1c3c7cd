"""Write the table of registered bias probes (``workbench.probes.PROBES``) at build time.

The user guide includes ``_generated/probes.md``, so a probe registered later appears in
the guide without editing it.
"""

from __future__ import annotations

from pathlib import Path


def probes_table() -> str:
    """A MyST table: probe name (linked to its API entry), protocols, description."""
    from apiref import home_of, public_modules

    import workbench.probes

    modules = public_modules()
    rows = ["| probe | protocols | what it measures |", "|---|---|---|"]
    for name, entry in workbench.probes.PROBES.items():
        link = f"{{func}}`{name} <{home_of(entry.function, name, modules)}>`"
        protocols = ", ".join(entry.protocols)
        description = entry.description.replace("|", "\\|")
        rows.append(f"| {link} | {protocols} | {description} |")
    return "\n".join(rows) + "\n"


def _generate(app) -> None:
    out = Path(app.srcdir) / "_generated"
    out.mkdir(exist_ok=True)
    (out / "probes.md").write_text(probes_table(), encoding="utf-8")


def setup(app):
    """Sphinx extension: regenerate ``_generated/probes.md`` when the builder starts."""
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
