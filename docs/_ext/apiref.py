"""Generate the API reference from ``__all__`` at build time (into ``docs/api/``, git-ignored).

Every public module of ``workbench`` (no ``_private`` part in its dotted name) that
declares ``__all__`` gets one page: its docstring, then every name of its ``__all__``.
Each object is described once, on its *home* page (the module that defines it, else
the public package that exports it, nearest its definition); every other module that
exports it lists it with a link to that description. Names added to any ``__all__``
appear at the next build without editing the docs.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

PRIMITIVES = (str, bytes, int, float, bool, complex, tuple, frozenset, type(None))


def public_modules(package: str = "workbench") -> list:
    """Import ``package`` and every public submodule; return those with ``__all__``."""
    root = importlib.import_module(package)
    names = [package] + [m.name for m in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")]
    modules = []
    for name in sorted(names):
        if any(part.startswith("_") for part in name.split(".")):
            continue
        module = importlib.import_module(name)  # an import error fails the build, loudly
        if hasattr(module, "__all__"):
            modules.append(module)
    return modules


@functools.cache
def _assigned(module) -> set[str]:
    """Names bound at the top level of the module's source by an assignment or a def."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _assigned_in(obj, entries) -> str | None:
    """The workbench module (private ones included) whose source assigns this object."""
    names = {name for _, name, _ in entries}
    for modname in sorted(sys.modules):
        module = sys.modules[modname]
        if not modname.startswith("workbench") or module is None:
            continue
        for name in names & _assigned(module):
            if getattr(module, name, None) is obj:
                return modname
    return None


def _key(obj, name: str):
    return (id(obj), name) if isinstance(obj, PRIMITIVES) else id(obj)


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj) or inspect.isfunction(inspect.unwrap(obj)):
        return "function"
    return "data"


def homes(modules: list) -> dict:
    """Map each exported object's key to ``(module name, exported name)`` of its home."""
    listed: dict = {}
    for module in modules:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            listed.setdefault(_key(obj, name), []).append((module, name, obj))
    result = {}
    for key, entries in listed.items():
        obj = entries[0][2]
        defined_in = (
            getattr(obj, "__module__", None) if _kind(obj) != "data" else _assigned_in(obj, entries)
        )

        def rank(entry, defined_in=defined_in):
            module, name, _ = entry
            mod = module.__name__
            if defined_in == mod:
                return (0, 0, mod)  # defined (for data: assigned) here
            if defined_in and defined_in.startswith(mod + "."):
                return (1, -mod.count("."), mod)  # the public package nearest the definition
            return (2, mod.count("."), mod)

        module, name, _ = min(entries, key=rank)
        result[key] = (module.__name__, name)
    return result


def home_of(obj, name: str, modules: list) -> str:
    """Dotted path of the page entry that describes ``obj`` (exported as ``name``)."""
    module, exported = homes(modules)[_key(obj, name)]
    return f"{module}.{exported}"


def _summary(obj) -> str:
    """First line of an object's own docstring (empty for data, whose doc is its type's)."""
    if _kind(obj) == "data":
        return ""
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n", 1)[0] if doc.strip() else ""


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def module_page(module, home: dict, documented: set[str]) -> str:
    """The reST page of one module."""
    mod = module.__name__
    lines = [_title(f"``{mod}``"), f".. automodule:: {mod}\n   :no-members:\n"]
    here, elsewhere, submodules = [], [], []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            submodules.append(obj.__name__)
            continue
        home_mod, home_name = home[_key(obj, name)]
        if (home_mod, home_name) == (mod, name):
            here.append((name, obj))
        else:
            elsewhere.append((name, f"{home_mod}.{home_name}", obj))
    lines.append(f".. currentmodule:: {mod}\n")
    if submodules:
        lines.append(_title("Modules", "-"))
        for sub in submodules:
            link = f":mod:`{sub}`" if sub in documented else f"``{sub}``"
            lines.append(f"- {link}")
        lines.append("")
    if here:
        lines.append(_title("Summary", "-"))
        lines.append(".. autosummary::\n")
        lines.extend(f"   {name}" for name, _ in here)
        lines.append("")
    if elsewhere:
        lines.append(_title("Also exported here", "-"))
        lines.append(
            "Importable from this module, described on the page of the module that defines "
            "them (these entries make references to the names here resolve).\n"
        )
        for name, target, obj in elsewhere:
            if f"{mod}.{name}" in sys.modules:  # the name is also a submodule: no alias entry
                lines.append(f"- :py:obj:`{name} <{target}>` {_summary(obj)}\n")
                continue
            kind = _kind(obj)
            directive = "function" if kind == "function" else kind
            role = {"function": "func", "exception": "exc"}.get(kind, kind)
            lines.append(f".. py:{directive}:: {name}\n   :no-contents-entry:\n")
            lines.append(f"   Same object as :py:{role}:`{target}`. {_summary(obj)}\n")
    if here:
        lines.append(_title("Reference", "-"))
        for name, obj in here:
            kind = _kind(obj)
            if kind == "class":
                lines.append(f".. autoclass:: {name}\n   :members:\n")
            elif kind == "exception":
                lines.append(f".. autoexception:: {name}\n")
            elif kind == "function":
                lines.append(f".. autofunction:: {name}\n")
            else:
                lines.append(f".. autodata:: {name}\n   :no-value:\n")
    return "\n".join(lines) + "\n"


def write_api(outdir: Path) -> list[str]:
    """Write ``index.rst`` and one page per public module into ``outdir``."""
    modules = public_modules()
    home = homes(modules)
    documented = {m.__name__ for m in modules}
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.rst"):
        old.unlink()
    for module in modules:
        page = module_page(module, home, documented)
        (outdir / f"{module.__name__}.rst").write_text(page, encoding="utf-8")
    n_names = sum(len(m.__all__) for m in modules)
    index = [
        _title("API reference"),
        f"Generated at build time from ``__all__``: {len(modules)} public modules, "
        f"{n_names} exported names, each described once on the page of the module "
        "that defines it.\n",
        ".. toctree::\n   :maxdepth: 1\n",
    ]
    index.extend(f"   {m.__name__}" for m in modules)
    (outdir / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")
    return [m.__name__ for m in modules]


def _generate(app) -> None:
    write_api(Path(app.srcdir) / "api")


def _check_coverage(app, env) -> None:
    """Warn (an error under ``-W``) for an exported name the reference gives no target."""
    domain = env.get_domain("py")
    targets = set(domain.objects) | set(domain.modules)
    for module in public_modules():
        for name in module.__all__:
            if f"{module.__name__}.{name}" not in targets:
                logger.warning(
                    "API reference: %s.%s (in __all__) has no entry",
                    module.__name__,
                    name,
                    type="workbench",
                    subtype="api",
                )


def setup(app):
    """Sphinx extension: regenerate ``api/`` when the builder starts, check it when read."""
    app.connect("builder-inited", _generate)
    app.connect("env-check-consistency", _check_coverage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
