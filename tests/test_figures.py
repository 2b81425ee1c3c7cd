"""papers.reproduce.write (figures.reproduce): HTML (+ PNG with a browser), reproduced.csv, deterministically."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import figures, papers
from workbench.papers import reproduce as rep

FAST = ["pandalm_confusion", "alpaca_eval_tradeoffs"]


@pytest.fixture
def one_entry(monkeypatch):
    # The registry's full run is covered by tests/test_published.py; here one entry keeps it fast.
    entry = papers.Published("Toy 2024", "Tab. 1", "two", 2.0, 0.0, lambda: 2.0, "constant")
    monkeypatch.setattr(rep, "NUMBERS", {"Toy 2024: two": entry})


def test_reproduce_writes_html_and_csv(tmp_path, one_entry, capsys):
    table = figures.reproduce(tmp_path, png=False, names=FAST, n_resamples=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alpaca_eval_tradeoffs.html",
        "pandalm_confusion.html",
        "plotly.min.js",
        "reproduced.csv",
    ]
    csv = pd.read_csv(tmp_path / "reproduced.csv")
    assert list(csv.columns) == papers.COLUMNS
    assert csv[["quantity", "published", "reproduced", "status"]].values.tolist() == [
        ["two", 2.0, 2.0, "reproduced"]
    ]
    assert table["status"].tolist() == ["reproduced"]
    out = capsys.readouterr().out
    assert "1/1 published numbers reproduced" in out and "HTML only" in out


def test_reproduce_is_deterministic(tmp_path, one_entry):
    a, b = tmp_path / "a", tmp_path / "b"
    figures.reproduce(a, png=False, names=FAST, verbose=False)
    figures.reproduce(b, png=False, names=FAST, verbose=False)
    for name in ("pandalm_confusion.html", "alpaca_eval_tradeoffs.html", "reproduced.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_reproduce_falls_back_to_html_without_browser(tmp_path, one_entry, monkeypatch, capsys):
    monkeypatch.setattr(rep, "browser_path", lambda: None)
    figures.reproduce(tmp_path, png=True, names=["pandalm_confusion"])
    assert not list(tmp_path.glob("*.png"))
    assert (tmp_path / "pandalm_confusion.html").is_file()
    assert "PNG export skipped: no Chrome-family browser found" in capsys.readouterr().out


def test_browser_path_honours_environment(tmp_path, monkeypatch):
    fake = tmp_path / "chrome"
    fake.write_text("")
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert figures.browser_path() == str(fake)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    assert figures.browser_path() is None


def test_build_unknown_figure_names_it():
    with pytest.raises(ValueError, match=r"names: unknown figure\(s\) \['nope'\]"):
        figures.build(["nope"])


def test_every_figure_has_title_and_axis_titles():
    figs = figures.build([n for n in figures.FIGURES if n != "published_numbers"], n_resamples=20)
    for name, fig in figs.items():
        assert fig.layout.title.text, name
        if name not in (
            "hanna_correlations",
            "llmbar_heatmap",
        ):  # heatmaps: categorical axes + colour-bar title
            assert fig.layout.xaxis.title.text or fig.layout.yaxis.title.text, name


@pytest.mark.browser
@pytest.mark.skipif(figures.browser_path() is None, reason="no Chrome-family browser for kaleido")
def test_reproduce_writes_png_with_browser(tmp_path, one_entry):
    figures.reproduce(tmp_path, png=True, names=["pandalm_confusion"], verbose=False)
    png = (tmp_path / "pandalm_confusion.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * 520  # layout width x scale 2


def test_figures_shim_keeps_every_builder():
    # Notebooks call figures.<name>(n_resamples) for every registered figure.
    assert set(papers.FIGURES) <= set(figures.__all__)
    for name, entry in papers.FIGURES.items():
        assert getattr(figures, name) is entry.build, name
    assert figures.reproduce is rep.write and figures.FIGURES is papers.FIGURES
    assert list(papers.FIGURES)[-1] == "published_numbers"
