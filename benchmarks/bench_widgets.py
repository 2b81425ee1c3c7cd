"""Explorer responsiveness on a 100,000-judgment table: re-slice + redraw, bar click.

Goal (issue 6): re-slicing and redrawing responds in under 200 ms. Measured in one
run, headless (the Python side of a control change: agreement table with 1,000-resample
bootstrap CIs for every bar, human ceiling included, and a new plotly FigureWidget;
the browser's own rendering is not included).

Table: 12,500 pairwise items x 8 rows (3 annotators + their majority, 2 judges x 2
presentation orders) = 100,000 judgments, 8 task categories, responses of 1-400 words.

The explorer's default reference on this table is the others' majority (three
annotators per item: the ceiling's footing, with the paired gap to the ceiling);
``--reference human:majority`` measures the previous default.

Each of 3 runs builds a fresh explorer (run 1 also pays the imports) and reports min,
median and max over the runs.

Run: ``.venv/bin/python benchmarks/bench_widgets.py [--reference human:majority]``
"""

from __future__ import annotations

import statistics
import tempfile
import time

import numpy as np
import pandas as pd

from workbench import schema
from workbench.widgets import Explorer

N_ITEMS = 12_500
GOAL_MS = 200


def synthetic(n_items: int = N_ITEMS, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = np.array(["A", "B", "tie"])
    truth = rng.choice(3, n_items, p=[0.45, 0.45, 0.10])
    words = rng.integers(1, 400, (n_items, 2))
    texts = {n: " ".join(["word"] * n) for n in np.unique(words)}
    items = pd.DataFrame(
        {
            "dataset": "bench",
            "item_id": [f"i{i}" for i in range(n_items)],
            "subset": [f"category {c}" for c in rng.integers(0, 8, n_items)],
            "protocol": "pairwise",
            "criterion": "overall",
            "prompt": "Write something.",
            "response_a": [texts[n] for n in words[:, 0]],
            "response_b": [texts[n] for n in words[:, 1]],
        }
    )

    def noisy(p_keep: float) -> np.ndarray:
        flip = rng.random(n_items) > p_keep
        return np.where(flip, rng.choice(3, n_items), truth)

    parts = []
    votes = []
    for k in (1, 2, 3):
        lab = noisy(0.8)
        votes.append(lab)
        parts.append(items.assign(rater=f"human:{k}", rater_kind="human", label=labels[lab]))
    counts = np.stack([(np.stack(votes) == c).sum(0) for c in range(3)], axis=1)
    parts.append(
        items.assign(rater="human:majority", rater_kind="human", label=labels[counts.argmax(1)])
    )
    for judge, p in (("judge-1/Vanilla", 0.7), ("judge-2/Vanilla", 0.6)):
        for order in ("AB", "BA"):
            parts.append(
                items.assign(
                    rater=judge,
                    rater_kind="llm",
                    strategy="Vanilla",
                    order=order,
                    label=labels[noisy(p)],
                )
            )
    return schema.validate(schema.conform(pd.concat(parts, ignore_index=True)))


def one_run(df: pd.DataFrame, reference: str | None) -> dict:
    """One fresh explorer: first display, every first-time re-slice, cached re-slices, a click."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ex = Explorer(
            df,
            judges=["judge-1", "judge-2"],
            reference=reference,
            store=f"{tmp}/annotations.sqlite",
            n_resamples=1000,
            progress_after=3600,
        )
        first = time.perf_counter() - t0
        rows = []
        dims = [d for d in ex.slice_by.options if d != "overall"]
        for dim in dims + ["overall"]:
            t0 = time.perf_counter()
            ex.slice_by.value = dim
            total = (time.perf_counter() - t0) * 1000
            rows.append(
                {
                    "slice by": dim,
                    "bars": len(ex.table),
                    "compute ms": ex.timings["computing"] * 1000,
                    "redraw ms": ex.timings["draw"] * 1000,
                    "total ms": total,
                }
            )
        warm = []
        for dim in dims:  # back to a slicing seen before: the table comes from the cache
            t0 = time.perf_counter()
            ex.slice_by.value = dim
            warm.append((time.perf_counter() - t0) * 1000)
        ex.slice_by.value = "task category"
        t0 = time.perf_counter()
        queue = ex.show_items(judge="judge-1/Vanilla", slice_value="category 3")
        click = (time.perf_counter() - t0) * 1000
        return {
            "reference": ex.reference.value,
            "first": first,
            "cold": pd.DataFrame(rows),
            "warm": warm,
            "click": click,
            "queue": len(queue),
        }


def main(reference: str | None = None, runs: int = 3) -> None:
    t0 = time.perf_counter()
    df = synthetic()
    print(f"table: {len(df):,} judgments, {df['item_id'].nunique():,} items "
          f"({time.perf_counter() - t0:.1f} s to build)")  # fmt: skip
    results = [one_run(df, reference) for _ in range(runs)]
    r0 = results[0]
    print(f"reference: {r0['reference']} ({'given' if reference else 'the default'}); "
          f"{runs} runs, each a fresh explorer (min / median)")  # fmt: skip

    def mm(values: list[float], unit: str = "ms", fmt: str = ".0f") -> str:
        return (f"min {min(values):{fmt}} {unit}, median {statistics.median(values):{fmt}} "
                f"{unit}, max {max(values):{fmt}} {unit}")  # fmt: skip

    first = [r["first"] for r in results]
    print(f"first display (prepare table, factors, first chart): run 1, with the imports, "
          f"{first[0]:.2f} s; all runs {mm(first, 's', '.2f')}")  # fmt: skip
    pd.set_option("display.width", 120)
    print("\nre-slice + redraw, first time (agreement with 1,000-resample CIs recomputed), run 1:")
    print(r0["cold"].round(1).to_string(index=False))
    meds = [statistics.median(r["cold"]["total ms"]) for r in results]
    maxes = [r["cold"]["total ms"].max() for r in results]
    print(f"\nmedian first-time re-slice + redraw over the slicings: {mm(meds)}; "
          f"max: {mm(maxes)}; goal median < {GOAL_MS} ms: "
          f"{'met' if statistics.median(meds) < GOAL_MS else 'NOT met'}")  # fmt: skip
    warm = [statistics.median(r["warm"]) for r in results]
    print(f"re-slice to a slicing seen before (cached table) + redraw: {mm(warm)}")
    clicks = [r["click"] for r in results]
    print(f"bar click -> queue of {r0['queue']:,} disagreeing items + first item shown: "
          f"{mm(clicks)}")  # fmt: skip


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference",
        default=None,
        help="human reference (default: the explorer's, others' majority on this table; "
        "e.g. human:majority)",
    )
    main(parser.parse_args().reference)
