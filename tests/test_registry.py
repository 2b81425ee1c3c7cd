"""One registry shape (workbench.registry.Registry) and the registries filled at definition:
datasets from the loader modules' declarations, bias probes from the @probe decorator."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest

from workbench import bias, loaders, vocab
from workbench.registry import Registry

# --------------------------------------------------------------------------- Registry


def test_registry_add_lookup_and_mapping_interface():
    reg: Registry[int] = Registry("colour")
    assert reg.add("sky", 1) == 1
    assert reg.register("sea", lambda f: f())(lambda: 2)() == 2  # decorator returns the function
    assert dict(reg) == {"sky": 1, "sea": 2} and len(reg) == 2 and "sea" in reg
    assert reg.lookup("sky") == 1
    with pytest.raises(
        ValueError, match=r"^where: unknown colour 'skye'; known: \['sea', 'sky'\]$"
    ):
        reg.lookup("skye", "where")


def test_registry_rejects_a_second_entry_under_one_name():
    reg: Registry[object] = Registry("probe")
    first = reg.add("x", object())
    assert reg.add("x", first) is first  # the same entry again is harmless
    with pytest.raises(ValueError, match="probe 'x' is registered twice"):
        reg.add("x", object())
    with pytest.raises(ValueError, match="name: expected a non-empty string"):
        reg.add("", object())


def test_registry_populates_once_on_first_read():
    calls = []
    reg: Registry[int] = Registry("dataset", populate=lambda: calls.append(reg.add("a", 1)))
    assert calls == []  # nothing imported at definition
    assert list(reg) == ["a"] and reg["a"] == 1 and len(reg) == 1
    assert calls == [1]


# --------------------------------------------------------------------------- datasets


def test_datasets_are_every_loader_module_that_declares_name_and_source():
    declaring = []
    for info in pkgutil.iter_modules(loaders.__path__):
        mod = importlib.import_module(f"workbench.loaders.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "SOURCE"):
            declaring.append(info.name)
            assert mod.NAME in loaders.DATASETS
    assert sorted({d.module for d in loaders.DATASETS.values()}) == sorted(declaring)


def test_dataset_entries_repeat_the_module_declarations():
    for name, entry in loaders.DATASETS.items():
        mod = loaders.load_module(name)
        assert dataclasses.is_dataclass(entry) and entry.name == name
        assert entry.protocol == getattr(mod, "PROTOCOLS", {}).get(name, mod.PROTOCOL)
        assert entry.protocol in (*vocab.PROTOCOLS, "summary")
        assert callable(getattr(mod, entry.parser))
        assert entry.files == tuple(getattr(mod, "FILES_BY_NAME", {}).get(name, mod.FILES))
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaders.DATASETS["pandalm"].parser = "other"


def test_modules_is_the_first_release_table():
    # the registry of the first release, in its listing order (README, `workbench datasets`)
    assert list(loaders.MODULES.items()) == [
        ("llmbar", "llmbar"),
        ("llmbar_statistics", "llmbar"),
        ("pandalm", "pandalm"),
        ("llmeval2", "llmeval2"),
        ("judging_the_judges", "judging_the_judges"),
        ("hanna", "hanna"),
        ("hanna_user_study", "hanna"),
        ("ice_score", "ice_score"),
        ("alpaca_eval_evaluators", "alpaca_eval"),
        ("llmfao", "llmfao"),
        ("arena_judges", "arena_judges"),
        ("mt_bench", "mt_bench"),
    ]
    assert list(loaders.datasets(counts=False)["name"]) == list(loaders.MODULES)


def test_load_module_unknown_name():
    with pytest.raises(ValueError, match=r"name: unknown dataset 'llm_bar'; known: \["):
        loaders.load_module("llm_bar")


# ----------------------------------------------------------------------------- probes


def test_probes_registered_at_definition_with_typed_protocols():
    assert isinstance(bias.PROBES, Registry)
    for name, entry in bias.PROBES.items():
        assert entry.function is getattr(bias, name)  # the decorator returned the function
        assert isinstance(entry.protocols, tuple) and set(entry.protocols) <= set(vocab.PROTOCOLS)
        assert entry.protocol == "|".join(entry.protocols)  # the first release's string
    assert bias.PROBES["self_preference"].protocols == ("pairwise", "binary")
    assert bias.PROBES["self_preference"].protocol == "pairwise|binary"
    assert bias.PROBES["rating_offset"].protocols == ("rating",)


def test_probe_entry_calls_its_function():
    from workbench.testing import toy

    df = toy(binary={"human": "ccii", "j": "ccci"})
    got = bias.PROBES["leniency"](df, ranking=False, n_resamples=50, rng=0)
    want = bias.leniency(df, ranking=False, n_resamples=50, rng=0)
    assert got.equals(want)


def test_probe_decorator_checks_protocols_and_names():
    with pytest.raises(ValueError, match="protocols: expected values from"):
        bias.probe("new_probe", protocols=("pairwise|binary",), description="x")
    with pytest.raises(ValueError, match="probe 'leniency' is registered twice"):
        bias.probe("leniency", protocols=("binary",), description="x")(lambda df: df)
    assert "new_probe" not in bias.PROBES
