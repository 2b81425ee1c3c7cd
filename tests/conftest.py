"""Shared test set-up: the staged mirror, a private writable data home per session, loaded
datasets (each parsed once per session) and toy tables (:func:`workbench.testing.toy`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "datasets"

# Tests read the staged datasets (never the internet). CI sets the variable; default to ../shared.
os.environ.setdefault("WORKBENCH_DATA_MIRROR", str(SHARED))
# Parsed-table cache is shared with the checkout (it is keyed by content, so never stale);
# annotation stores and figures go to temporary places per test (see fixtures below).
os.environ.setdefault("WORKBENCH_CACHE", str(REPO / "data" / "cache"))


@pytest.fixture
def mirror() -> Path:
    """The staged dataset mirror."""
    return Path(os.environ["WORKBENCH_DATA_MIRROR"])


@pytest.fixture
def annotation_store(tmp_path, monkeypatch) -> Path:
    """A fresh annotation store path, also set as the default for the test."""
    path = tmp_path / "annotations.sqlite"
    monkeypatch.setenv("WORKBENCH_ANNOTATIONS", str(path))
    return path


# --------------------------------------------------------------------------- datasets


@pytest.fixture(scope="session")
def loaded() -> Callable[[str], pd.DataFrame]:
    """``loaded(name)``: the tidy table of a registered dataset, loaded once per session.

    Each call returns a shallow copy of the cached table, so adding or dropping columns in
    one test does not leak into another (do not modify values in place).
    """
    import workbench

    tables: dict[str, pd.DataFrame] = {}

    def load(name: str) -> pd.DataFrame:
        if name not in tables:
            tables[name] = workbench.load(name)
        return tables[name].copy(deep=False)

    return load


@pytest.fixture(scope="module")
def df(request, loaded) -> pd.DataFrame:
    """The dataset a loader test module names in its module-level ``DATASET``."""
    name = getattr(request.module, "DATASET", None)
    if name is None:
        pytest.fail(f"{request.module.__name__}: set DATASET to use the df fixture", pytrace=False)
    return loaded(name)


# ------------------------------------------------------------------------ toy tables


@pytest.fixture
def toy_pairwise() -> pd.DataFrame:
    """Six items: a human and a judge ``J/Vanilla`` asked in both presentation orders.

    Human ``AABtBA``; judge ``ABBtBA`` in order AB and ``ABBtAA`` in order BA (item 4 is
    swap-inconsistent); subsets ``math`` (items 0-2) and ``writing`` (3-5).
    """
    from workbench.testing import toy

    return toy(
        pairwise={"human": "AABtBA", "J/Vanilla": ("ABBtBA", "ABBtAA")},
        subsets=["math"] * 3 + ["writing"] * 3,
    )


@pytest.fixture
def toy_binary() -> pd.DataFrame:
    """Five answers of two models judged correct/incorrect by two people and a judge."""
    from workbench.testing import toy

    return toy(
        binary={"human:1": "ccIcI", "human:2": "cIIcI", "j": "ccccI"},
        models=["m1", "m2", "m1", "m2", "m1"],
    )


@pytest.fixture
def toy_rating() -> pd.DataFrame:
    """Four items scored 1-5 by two people (one vote missing) and a judge."""
    from workbench.testing import toy

    return toy(rating={"human:1": [1, 2, 4, 5], "human:2": [2, None, 4, 4], "j": [2, 3, 5, 5]})
