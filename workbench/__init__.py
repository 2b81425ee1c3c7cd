"""Judge-human agreement workbench.

Load public LLM-as-a-judge datasets into one tidy table, measure judge-human
agreement with confidence intervals against the human-human ceiling, and probe
why judges disagree with people.

>>> import workbench
>>> sorted(workbench.loaders.MODULES)[:3]
['alpaca_eval_evaluators', 'arena_judges', 'hanna']
"""

# No `from __future__ import annotations` here: it binds `workbench.annotations`
# to a __future__ feature object, and `from workbench import annotations` then
# returns that object instead of importing the annotation-store submodule.
from . import loaders, schema
from .loaders import datasets, load

# ``workbench.agreement`` is the agreement package, itself callable
# (``workbench.agreement(df)`` computes the table), so it is listed as a module.
_LAZY_FUNCTIONS = {
    "leaderboard": "agreement",
    "compare_judges": "agreement",
    "rank_correlation": "agreement",
    "prepare": "agreement",
    "alt_test": "replace",
    "ppi_estimate": "replace",
    "panel": "replace",
    "panel_curve": "replace",
    "rank_sets": "replace",
    "add_baseline_judges": "baselines",
    "from_wide": "byo",
    "read": "byo",
}
_LAZY_MODULES = (
    "agreement",
    "annotations",
    "baselines",
    "bias",
    "byo",
    "engines",
    "factors",
    "figures",
    "importers",
    "papers",
    "plots",
    "published",
    "replace",
    "report",
    "slicing",
    "stats",
    "tables",
    "verdicts",
    "widgets",
)

__all__ = ["datasets", "load", "loaders", "schema", *_LAZY_FUNCTIONS, *_LAZY_MODULES]

__version__ = "0.1.0"


def __getattr__(name: str):
    # Heavier modules load on first use so `import workbench` stays fast.
    # import_module, not "from . import x": the latter re-enters __getattr__ (RecursionError).
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_FUNCTIONS:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
