"""Time and peak memory of ``agreement()`` on synthetic judgment logs of 1M to 100M rows.

The log has, per item, 1 human label and 3 judges x 2 presentation orders (7 rows), pairwise
labels, written in parquet chunks of at most 5M rows (never held in memory at once). Each
measurement runs in its own subprocess, so its peak RSS (``ru_maxrss``) is its own::

    .venv/bin/python benchmarks/bench_scale.py                  # 1M, 10M, 50M
    .venv/bin/python benchmarks/bench_scale.py --sizes 1M 10M   # some sizes
    .venv/bin/python benchmarks/bench_scale.py --with-100m      # 100M too (DuckDB only)

Prints, per size and engine, the min and median of the runs (3 where the run takes less
than a minute, else 1) of wall time and peak RSS, then the ratio of pandas ``agreement()``
(2,000-resample BCa CIs) to one ``groupby(["item_id", "rater", "order"]).size()`` on 1M rows.
Data go to ``data/cache/bench_scale/`` (or ``--dir``) and are reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROWS_PER_ITEM = 7
CHUNK_ROWS = 5_000_000
PANDAS_MAX = 10_000_000
"""Largest size the pandas engine is run on (beyond it it needs more than this machine)."""


def size_of(text: str) -> int:
    """``"10M"`` -> 10_000_000."""
    text = text.upper()
    return int(float(text[:-1]) * 1_000_000) if text.endswith("M") else int(text)


def generate(rows: int, folder: Path, seed: int = 0) -> Path:
    """Write a log of about ``rows`` rows as parquet chunks under ``folder`` (once)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    done = folder / "_done"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    n_items = rows // ROWS_PER_ITEM
    per_chunk = CHUNK_ROWS // ROWS_PER_ITEM
    rng = np.random.default_rng(seed)
    labels = np.array(["A", "B", "tie"])
    judges = ["judge-a/vanilla", "judge-b/vanilla", "judge-c/vanilla"]
    agree = [0.8, 0.7, 0.6]
    for chunk, start in enumerate(range(0, n_items, per_chunk)):
        n = min(per_chunk, n_items - start)
        ids = np.char.add("item-", np.arange(start, start + n).astype(str))
        human = rng.choice(3, size=n, p=[0.45, 0.45, 0.1])
        cols = {
            "item_id": [ids],
            "rater": [np.full(n, "human")],
            "rater_kind": [np.full(n, "human")],
        }
        cols["order"], cols["label"] = [np.full(n, None)], [labels[human]]
        for judge, p in zip(judges, agree, strict=True):
            for order in ("AB", "BA"):
                same = rng.random(n) < p
                other = (human + rng.integers(1, 3, size=n)) % 3
                cols["item_id"].append(ids)
                cols["rater"].append(np.full(n, judge))
                cols["rater_kind"].append(np.full(n, "llm"))
                cols["order"].append(np.full(n, order))
                cols["label"].append(labels[np.where(same, human, other)])
        m = n * ROWS_PER_ITEM
        table = pa.table(
            {
                "dataset": pa.array(np.full(m, "synthetic")).dictionary_encode(),
                "item_id": pa.array(np.concatenate(cols["item_id"])),
                "protocol": pa.array(np.full(m, "pairwise")).dictionary_encode(),
                "criterion": pa.array(np.full(m, "overall")).dictionary_encode(),
                "rater": pa.array(np.concatenate(cols["rater"])).dictionary_encode(),
                "rater_kind": pa.array(np.concatenate(cols["rater_kind"])).dictionary_encode(),
                "order": pa.array(np.concatenate(cols["order"]), type=pa.string()),
                "label": pa.array(np.concatenate(cols["label"])).dictionary_encode(),
            }
        )
        pq.write_table(table, folder / f"part-{chunk:05d}.parquet")
    done.touch()
    return folder


def measure(engine: str, folder: str, n_resamples: int) -> dict:
    """One agreement() call in this process: wall time and peak RSS."""
    import warnings

    import workbench

    warnings.simplefilter("ignore")
    start = time.perf_counter()
    t = workbench.agreement(folder, engine=engine, n_resamples=n_resamples)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    return {"seconds": wall, "rss_gib": rss, "rows": len(t), "kappa": float(t["estimate"].iloc[1])}


def groupby_ratio(folder: str) -> dict:
    """pandas agreement() (2,000 resamples) over one groupby(...).size() of the same table."""
    import warnings

    import pandas as pd

    import workbench
    from workbench.engines import read_frame

    warnings.simplefilter("ignore")
    df = read_frame(folder)
    df = df.astype({c: "category" for c in ["dataset", "protocol", "criterion", "rater_kind"]})
    df = df.astype({"item_id": "string", "rater": "string", "order": "category"})
    df["label"] = df["label"].astype("category")
    times = {"groupby": [], "agreement": []}
    for _ in range(3):
        start = time.perf_counter()
        df.groupby(["item_id", "rater", "order"], observed=True, dropna=False).size()
        times["groupby"].append(time.perf_counter() - start)
        start = time.perf_counter()
        workbench.agreement(df, n_resamples=2000)
        times["agreement"].append(time.perf_counter() - start)
    g, a = min(times["groupby"]), min(times["agreement"])
    return {"groupby_s": g, "agreement_s": a, "ratio": a / g, "pandas": pd.__version__}


def run_child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1M", "10M", "50M"])
    parser.add_argument("--with-100m", action="store_true", help="add 100M rows (DuckDB)")
    parser.add_argument("--dir", default="data/cache/bench_scale")
    parser.add_argument("--n-resamples", type=int, default=2000)
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--ratio", metavar="FOLDER", help=argparse.SUPPRESS)
    a = parser.parse_args()
    if a.child:
        print(json.dumps(measure(a.child[0], a.child[1], a.n_resamples)))
        return
    if a.ratio:
        print(json.dumps(groupby_ratio(a.ratio)))
        return
    sizes = [size_of(s) for s in a.sizes] + ([100_000_000] if a.with_100m else [])
    print(
        f"{'rows':>12} {'engine':>7} {'runs':>4} {'time min':>9} {'time med':>9} "
        f"{'RSS min':>8} {'RSS med':>8}  (seconds, GiB)"
    )
    for rows in sizes:
        folder = generate(rows, Path(a.dir) / f"rows_{rows}")
        for engine in ("pandas", "duckdb"):
            if engine == "pandas" and rows > PANDAS_MAX:
                print(f"{rows:>12,} {engine:>7}    -   skipped (> {PANDAS_MAX:,} rows)")
                continue
            runs = [
                run_child(["--child", engine, str(folder), "--n-resamples", str(a.n_resamples)])
            ]
            if "error" not in runs[0] and runs[0]["seconds"] < 60:
                runs += [run_child(["--child", engine, str(folder)]) for _ in range(2)]
            if any("error" in r for r in runs):
                print(f"{rows:>12,} {engine:>7} error: {runs[0].get('error')}")
                continue
            t = [r["seconds"] for r in runs]
            m = [r["rss_gib"] for r in runs]
            print(
                f"{rows:>12,} {engine:>7} {len(runs):>4} {min(t):>9.2f} "
                f"{statistics.median(t):>9.2f} {min(m):>8.2f} {statistics.median(m):>8.2f}",
                flush=True,
            )
    folder = generate(1_000_000, Path(a.dir) / "rows_1000000")
    r = run_child(["--ratio", str(folder)])
    if "error" in r:
        print("ratio:", r["error"])
    else:
        print(
            f"1M rows, pandas: agreement() {r['agreement_s']:.2f} s / groupby(item_id, rater, "
            f"order).size() {r['groupby_s']:.3f} s = {r['ratio']:.1f}x (min of 3)"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
