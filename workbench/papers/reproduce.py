"""``workbench reproduce``: the published-vs-reproduced table and the figure files.

:func:`reproduce` recomputes every registered published number (:data:`NUMBERS`) and
returns one row per entry with ``status`` = ``reproduced``
(``|reproduced - published| <= tolerance``), ``differs`` (computed, outside the tolerance)
or ``not computed`` (the computation returned NaN or raised, so ``reproduced`` is empty),
the last two with a one-line ``reason`` (the note saying why); ``definition`` states
exactly how the reproduced value is computed.

:func:`write` is the only function that writes ``figures/``
(:func:`workbench.paths.figures_dir`): it builds each figure of :data:`FIGURES` from the
staged data with fixed seeds, writes it as interactive HTML (``<name>.html``, plotly.js
once in the directory) and, when a Chrome-family browser is available to kaleido, as PNG
(``<name>.png``); then writes ``reproduced.csv`` (:func:`reproduce`) and prints it.

PNG export uses kaleido 1.x, which drives an installed Chromium/Chrome (found on ``PATH``
or named by the ``BROWSER_PATH`` environment variable; Debian: ``apt-get install
chromium``). Without one, figures are written as HTML only and a message says so.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import paths, plots
from ._base import FIGURES, NUMBERS, Published, figure

__all__ = ["COLUMNS", "browser_path", "build", "published_numbers", "reproduce", "write"]

COLUMNS = [
    "paper",
    "table_figure",
    "quantity",
    "published",
    "reproduced",
    "difference",
    "status",
    "reason",
    "definition",
]
"""Columns of :func:`reproduce` (and of ``figures/reproduced.csv``)."""


def reproduce(
    registry: Iterable[Published] | None = None, *, paper: str | None = None, progress: bool = False
) -> pd.DataFrame:
    """Recompute every registered published number.

    Parameters
    ----------
    registry : iterable of Published, optional
        Default every entry of :data:`NUMBERS`, in registration order.
    paper : str, optional
        Keep only entries whose ``paper`` contains this text (case-insensitive),
        e.g. ``"LLMBar"``.
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`; ``difference = reproduced - published``. An
        entry whose computation returns NaN gets status ``not computed`` and its
        declared reason; one that raises gets ``reproduced`` NaN, status
        ``not computed`` and the exception as its reason.

    Examples
    --------
    >>> r = reproduce([Published("Toy", "Tab. 1", "one", 1.0, 0.0, lambda: 1.0, "constant"),
    ...                Published("Toy", "Tab. 1", "two", 2.0, 0.0, lambda: float("nan"), "offline",
    ...                          reason="not computed: data not staged")])
    >>> r[["quantity", "reproduced", "status", "reason"]].values.tolist()
    [['one', 1.0, 'reproduced', ''], ['two', nan, 'not computed', 'not computed: data not staged']]
    """
    entries = list(NUMBERS.values() if registry is None else registry)
    if paper is not None:
        entries = [e for e in entries if paper.lower() in e.paper.lower()]
        if not entries:
            raise ValueError(f"paper: no registered entry mentions {paper!r}")
    if progress:
        from tqdm.auto import tqdm

        entries = tqdm(entries, desc="published numbers", unit="number")
    return pd.DataFrame.from_records([_row(e) for e in entries], columns=COLUMNS)


def _row(e: Published) -> dict:
    """One row of :func:`reproduce`: compute the entry, warnings silenced, errors reported."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(e.compute())
        status, reason = e.status(value)
    except Exception as exc:  # noqa: BLE001 - one failing entry must not hide the others
        value, status = float("nan"), "not computed"
        reason = f"error: {type(exc).__name__}: {exc}"
    return {
        "paper": e.paper,
        "table_figure": e.table_figure,
        "quantity": e.quantity,
        "published": float(e.published),
        "reproduced": value,
        "difference": value - float(e.published),
        "status": status,
        "reason": reason,
        "definition": e.definition,
    }


@cache
def _reproduced() -> pd.DataFrame:
    return reproduce()


@figure("published_numbers")
def published_numbers(n_resamples: int) -> go.Figure:
    """Every published number against its reproduction."""
    return plots.published_plot(_reproduced())


# ----------------------------------------------------------------- writing


def browser_path() -> str | None:
    """The Chrome-family browser kaleido will use: ``BROWSER_PATH`` or the first on ``PATH``."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def build(names: list[str] | None = None, *, n_resamples: int = 1000) -> dict[str, go.Figure]:
    """Build figures in memory (no files): ``{name: Figure}``.

    Examples
    --------
    >>> build(["nope"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: names: unknown figure(s) ['nope']; known: [...]
    """
    names = list(FIGURES) if names is None else names
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        raise ValueError(f"names: unknown figure(s) {unknown}; known: {sorted(FIGURES)}")
    return {n: FIGURES[n](n_resamples) for n in names}


def write(
    out_dir: str | os.PathLike | None = None,
    *,
    png: bool = True,
    n_resamples: int = 1000,
    names: list[str] | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Regenerate every figure and ``reproduced.csv``; print the table.

    Parameters
    ----------
    out_dir : path, optional
        Output directory (default :func:`workbench.paths.figures_dir`).
    png : bool, default True
        Also write PNGs via kaleido (needs a Chrome-family browser; falls back
        to HTML only with a message when none is found or export fails).
    n_resamples : int, default 1000
        Bootstrap resamples of every CI (seed :data:`SEED`).
    names : list of str, optional
        Subset of :data:`FIGURES` (default all).
    verbose : bool, default True
        Progress bar, timings and the final table on stdout.

    Returns
    -------
    DataFrame
        The published-vs-reproduced table (:data:`COLUMNS`), also written to
        ``<out_dir>/reproduced.csv``; ``attrs["timings"]`` holds seconds per step.
    """
    out = Path(out_dir) if out_dir is not None else paths.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    names = list(FIGURES) if names is None else names
    figs, timings = _write_html(out, names, n_resamples, verbose=verbose)
    wrote_png = False
    if png:
        t0 = time.perf_counter()
        wrote_png = _write_png(out, figs)
        if wrote_png is not None:
            timings["png export"] = time.perf_counter() - t0
    table = _reproduced().copy() if "published_numbers" in figs else reproduce(progress=verbose)
    table.to_csv(out / "reproduced.csv", index=False, float_format="%.6g")
    if verbose:
        _print_summary(table, out, timings, wrote_png=bool(wrote_png))
    table.attrs["timings"] = {k: float(np.round(v, 3)) for k, v in timings.items()}
    return table


def _write_html(
    out: Path, names: list[str], n_resamples: int, *, verbose: bool
) -> tuple[dict[str, go.Figure], dict[str, float]]:
    """Build each figure and write ``<name>.html``; return the figures and seconds per figure."""
    from tqdm.auto import tqdm

    figs: dict[str, go.Figure] = {}
    timings: dict[str, float] = {}
    bar = tqdm(names, desc="figures", unit="figure", disable=not verbose)
    for name in bar:
        bar.set_postfix_str(name)
        t0 = time.perf_counter()
        fig = FIGURES[name](n_resamples)
        fig.write_html(
            out / f"{name}.html", include_plotlyjs="directory", div_id=name, auto_open=False
        )
        figs[name] = fig
        timings[name] = time.perf_counter() - t0
    return figs, timings


def _write_png(out: Path, figs: dict[str, go.Figure]) -> bool | None:
    """Write ``<name>.png`` at scale 2; ``None`` without a browser, ``False`` when export fails."""
    browser = browser_path()
    if browser is None:
        print(
            "PNG export skipped: no Chrome-family browser found (install Debian's `chromium` or set "
            "BROWSER_PATH); wrote interactive HTML only."
        )
        return None
    import plotly.io as pio

    os.environ.setdefault("BROWSER_PATH", browser)
    try:
        pio.write_images(
            list(figs.values()),
            [out / f"{n}.png" for n in figs],
            width=[f.layout.width for f in figs.values()],
            height=[f.layout.height for f in figs.values()],
            scale=2,
        )
    except Exception as exc:  # noqa: BLE001 - any kaleido/browser failure falls back to HTML
        print(f"PNG export failed ({type(exc).__name__}: {exc}); wrote interactive HTML only.")
        return False
    return True


def _print_summary(
    table: pd.DataFrame, out: Path, timings: dict[str, float], *, wrote_png: bool
) -> None:
    """Print the table (without definitions), the reproduced count and the timings."""
    with pd.option_context(
        "display.width", 250, "display.max_colwidth", 70, "display.max_rows", 200
    ):
        shown = table.drop(columns=["definition"])
        print(shown.to_string(index=False, float_format=lambda x: f"{x:.6g}"))
    n_ok = int((table["status"] == "reproduced").sum())
    n_missing = int((table["status"] == "not computed").sum())
    print(
        f"\n{n_ok}/{len(table)} published numbers reproduced"
        + (f" ({n_missing} not computed)" if n_missing else "")
        + f"; figures in {out} ({'PNG + HTML' if wrote_png else 'HTML only'})."
    )
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
