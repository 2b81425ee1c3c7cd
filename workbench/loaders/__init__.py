"""Dataset registry: ``load(name)`` and ``datasets()``.

Each dataset is one module in this package defining

``NAME``
    registry name (what ``load`` takes);
``PROTOCOL``
    ``pairwise`` | ``binary`` | ``rating`` | ``summary`` (not a judgment table);
    a module hosting several datasets of different kinds adds
    ``PROTOCOLS = {name: protocol}``;
``SOURCE``
    a :class:`workbench.fetch.Source` (folder, pinned URL, license, citation);
``FILES``
    the raw files it reads (paths inside the dataset folder); a module hosting several
    datasets adds ``FILES_BY_NAME = {name: files}`` and ``PARSERS = {name: function name}``;
``parse(files) -> DataFrame``
    pure parsing: ``files`` maps each path of ``FILES`` to a local file. It ends in
    :func:`workbench.schema.validate` (tidy tables) or its own validation
    (``summary`` frames).

The modules register themselves: every module of this package that declares ``NAME`` and
``SOURCE`` is found (:func:`pkgutil.iter_modules`) on the first read of :data:`DATASETS`,
and each of its datasets becomes a :class:`Dataset` entry.

To add a dataset: stage it under ``<mirror>/<folder>/``, write its registry with
``python -m workbench.fetch``-style :func:`workbench.fetch.write_registry`, add a
module here (nothing else to edit), and a row-count test.

Examples
--------
>>> DATASETS["hanna_user_study"].module, DATASETS["hanna_user_study"].parser
('hanna', 'parse_user_study')
>>> DATASETS["llmbar_statistics"].protocol
'summary'
>>> DATASETS.lookup("llm_bar")
Traceback (most recent call last):
...
ValueError: name: unknown dataset 'llm_bar'; known: ['alpaca_eval_evaluators', 'arena_judges', 'hanna', 'hanna_user_study', 'ice_score', 'judging_the_judges', 'llmbar', 'llmbar_statistics', 'llmeval2', 'llmfao', 'mt_bench', 'pandalm']
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import pandas as pd

from .. import paths, schema
from .._validate import check_option
from ..fetch import fetch, registry
from ..registry import Registry
from ..vocab import PROTOCOLS, Protocol
from . import parsed_cache, raw, values

__all__ = ["DATASETS", "Dataset", "MODULES", "datasets", "load", "load_module"]


@dataclass(frozen=True)
class Dataset:
    """A registered dataset, as its loader module declares it.

    Attributes
    ----------
    name : str
        Registry name (what :func:`load` takes).
    module : str
        Loader module in :mod:`workbench.loaders` (one module may host several datasets).
    protocol : {"pairwise", "binary", "rating", "summary"}
        A protocol of :data:`workbench.vocab.PROTOCOLS`, or ``"summary"`` (not a judgment table).
    parser : str
        Name of the module's parse function for this dataset.
    files : tuple of str
        Raw files the parser reads (paths inside the dataset folder).
    """

    name: str
    module: str
    protocol: Protocol | Literal["summary"]
    parser: str
    files: tuple[str, ...]


_LISTED_FIRST = (
    "llmbar",
    "llmbar_statistics",
    "pandalm",
    "llmeval2",
    "judging_the_judges",
    "hanna",
    "hanna_user_study",
    "ice_score",
    "alpaca_eval_evaluators",
    "llmfao",
    "arena_judges",
    "mt_bench",
)
"""Listing order of :func:`datasets` for the datasets of the first release; later
modules follow in discovery order (this orders rows, it registers nothing)."""


def _entries(mod: ModuleType, module: str) -> list[Dataset]:
    """The :class:`Dataset` entries a loader module declares."""
    parsers = getattr(mod, "PARSERS", {mod.NAME: "parse"})
    out = []
    for name, parser in parsers.items():
        protocol = getattr(mod, "PROTOCOLS", {}).get(name, mod.PROTOCOL)
        check_option(f"{module}.PROTOCOL", protocol, (*PROTOCOLS, "summary"))
        files = tuple(getattr(mod, "FILES_BY_NAME", {}).get(name, mod.FILES))
        out.append(Dataset(name, module, protocol, parser, files))
    return out


def _discover() -> None:
    """Import every loader module of this package and register the datasets it declares."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "SOURCE"):
            found.extend(_entries(mod, info.name))
    rank = {name: i for i, name in enumerate(_LISTED_FIRST)}
    for entry in sorted(found, key=lambda e: rank.get(e.name, len(rank))):
        DATASETS.add(entry.name, entry)


DATASETS: Registry[Dataset] = Registry("dataset", populate=_discover)
"""Registry name -> :class:`Dataset`, filled from the loader modules' own declarations."""


def __getattr__(name: str):
    # MODULES (registry name -> module, the first release's table) is derived from DATASETS
    # on first use, so `import workbench` imports no loader module.
    if name == "MODULES":
        modules = globals()["MODULES"] = {n: d.module for n, d in DATASETS.items()}
        return modules
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_module(name: str) -> ModuleType:
    """The loader module registered under ``name``."""
    return importlib.import_module(f"{__name__}.{DATASETS.lookup(name).module}")


def _spec(name: str) -> tuple[ModuleType, str]:
    """Module and the parse function name for ``name`` (modules may host several datasets)."""
    return load_module(name), DATASETS[name].parser


def _fingerprint(name: str) -> str:
    mod, _ = _spec(name)
    h = hashlib.sha256()
    # The parser's behaviour: its module, the shared readers and value rules, the schema.
    for part in (mod, raw, values, schema):
        h.update(inspect.getsource(part).encode())
    if getattr(mod, "SOURCE", None) is not None and mod.SOURCE.folder:
        try:
            for k, (sha, _) in sorted(registry(mod.SOURCE.folder).items()):
                h.update(f"{k}{sha}".encode())
        except FileNotFoundError:
            pass
    return h.hexdigest()[:12]


def _files(mod: ModuleType, name: str) -> dict[str, Path]:
    return {p: fetch(mod.SOURCE, p) for p in DATASETS[name].files}


def load(name: str, *, cache: bool = True) -> pd.DataFrame:
    """Load one dataset as the tidy judgment table.

    Parameters
    ----------
    name : str
        A registry name (see :func:`datasets`).
    cache : bool, default True
        Read / write the parsed table as parquet under
        :func:`workbench.paths.parsed_dir`; the cache key covers the raw
        files' checksums and the parser's source, so it is never stale. Each
        cache file carries its own sha256 (:mod:`workbench.loaders.parsed_cache`): a
        damaged or modified one is ignored and rebuilt, with a
        :class:`~workbench.errors.CacheWarning`.

    Returns
    -------
    DataFrame
        Columns and dtypes of :data:`workbench.schema.COLUMNS` (``summary``
        datasets such as ``alpaca_eval_evaluators`` have their own documented
        columns).

    Examples
    --------
    >>> df = load("pandalm")  # doctest: +SKIP
    >>> df.groupby("rater").size()  # doctest: +SKIP
    """
    mod, parser = _spec(name)
    target = paths.parsed_dir() / f"{name}-{_fingerprint(name)}.parquet"
    if cache and (df := parsed_cache.read(target)) is not None:
        if DATASETS[name].protocol != "summary":
            df = schema.conform(df, name=name)
        return df
    df = getattr(mod, parser)(_files(mod, name))
    if DATASETS[name].protocol != "summary":
        df = schema.validate(df, name=name)
    if cache:
        parsed_cache.write(target, df)
    return df


@cache
def _summary(name: str, fingerprint: str) -> dict:
    df = load(name)
    # A summary frame (e.g. a leaderboard of evaluators) has no rater column: raters is NA.
    raters = pd.NA if DATASETS[name].protocol == "summary" else df["rater"].nunique()
    return {"rows": len(df), "raters": raters}


def datasets(*, counts: bool = True) -> pd.DataFrame:
    """The registered datasets.

    Parameters
    ----------
    counts : bool, default True
        Load each dataset (cached) to count rows and raters; ``False`` lists
        metadata only.

    Returns
    -------
    DataFrame
        One row per dataset: ``name``, ``protocol``, ``rows``, ``raters``,
        ``license``, ``source``, ``citation``.
    """
    rows = []
    for name in DATASETS:
        mod, _ = _spec(name)
        rec = {
            "name": name,
            "protocol": DATASETS[name].protocol,
            "rows": pd.NA,
            "raters": pd.NA,
            "license": mod.SOURCE.license,
            "source": mod.SOURCE.homepage,
            "citation": mod.SOURCE.citation,
        }
        if counts:
            try:
                rec.update(_summary(name, _fingerprint(name)))
            except (FileNotFoundError, OSError) as exc:  # e.g. MT-Bench without hub access
                rec["rows"] = pd.NA
                rec["note"] = f"not available: {exc}"
        rows.append(rec)
    out = pd.DataFrame(rows)
    for c in ("rows", "raters"):
        out[c] = out[c].astype("Int64")
    return out
