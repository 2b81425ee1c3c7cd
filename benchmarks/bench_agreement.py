"""Benchmark: agreement table with 2,000-resample bootstrap CIs on 1,000,000 pairwise judgments.

Prints, measured in this one run:

1. the full agreement table (percent agreement, Cohen's kappa, Scott's pi, Gwet's AC1,
   Brennan-Prediger, macro-F1, each with a 2,000-resample BCa interval) on 1,000,000
   synthetic (human, judge) label pairs, (a) at array level through
   ``workbench.stats.bootstrap.bootstrap``, with the string labels encoded once to
   integer codes (timed, encoding included) and, for comparison, on the strings
   themselves (each call re-encodes them; same seeds, same numbers), and (b) end to
   end through ``workbench.agreement`` on the 2,000,000-row tidy table;
   vs a naive loop that draws 1,000,000 item indices per resample and calls scikit-learn
   (``cohen_kappa_score``, ``accuracy_score``, ``f1_score(average="macro")``) on them: a few
   naive resamples are timed and the ratio is reported per resample;
   then what input validation (``check_table``, run once by every public entry point) adds
   to ``agreement`` on a 1,000,000-row table (goal: at most 10%), min and median of 3 runs;
2. ``workbench.stats.krippendorff_alpha`` vs the ``krippendorff`` package on the same data
   (1,000,000 items x 2 raters, nominal): time ratio and max abs difference.

Run from the repository root: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_agreement.py``
(or without ``PYTHONPATH`` once the package is installed with ``pip install -e .``).
"""

from __future__ import annotations

import time

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score

import workbench
from workbench import stats
from workbench.agreement import prepare
from workbench.stats.bootstrap import bootstrap

N = 1_000_000
B = 2000
NAIVE_RESAMPLES = 5
STATISTICS = (
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "gwet_ac1",
    "brennan_prediger",
    "macro_f1",
)


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.array(["A", "B", "tie"], dtype=object)
    human = rng.choice(3, n, p=[0.4, 0.4, 0.2])
    judge = np.where(rng.random(n) < 0.7, human, rng.choice(3, n, p=[0.45, 0.45, 0.1]))
    return labels[human], labels[judge]


def tidy(human: np.ndarray, judge: np.ndarray) -> pd.DataFrame:
    n = len(human)
    ids = np.arange(n).astype(str)
    df = pd.DataFrame(
        {
            "dataset": "bench",
            "item_id": np.r_[ids, ids],
            "protocol": "pairwise",
            "criterion": "overall",
            "rater": np.r_[np.full(n, "human"), np.full(n, "judge")],
            "rater_kind": np.r_[np.full(n, "human"), np.full(n, "llm")],
            "label": np.r_[human, judge],
        }
    )
    return workbench.schema.conform(df)


def main() -> None:
    human, judge = synthetic(N)
    print(f"{N:,} pairwise judgments (human, judge), {B:,} resamples, BCa\n")

    # 1a. array level: encode the string labels once (sorted label order, as the
    # statistics do by default), then one bootstrap per statistic on the integer codes
    # with the category set given; same seeds, same numbers as on the strings (checked).
    t0 = time.perf_counter()
    codes, labels = pd.factorize(np.concatenate([human, judge]), sort=True)
    labels = list(labels)
    hc, jc = codes[:N], codes[N:]
    rows = []
    for i, name in enumerate(STATISTICS):
        opts = {"categories": tuple(range(len(labels)))}
        if name == "percent_agreement":
            opts["tie_label"] = labels.index("tie")
        r = bootstrap(name, hc, jc, n_resamples=B, rng=i, **opts)
        rows.append((name, r.estimate, r.ci_low, r.ci_high))
    t_array = time.perf_counter() - t0
    print(pd.DataFrame(rows, columns=["statistic", "estimate", "ci_low", "ci_high"]).to_string())
    # the same six calls on the string labels (each call re-encodes 2 x 1M strings)
    t0 = time.perf_counter()
    on_strings = []
    for i, name in enumerate(STATISTICS):
        r = bootstrap(name, human, judge, n_resamples=B, rng=i)
        on_strings.append((name, r.estimate, r.ci_low, r.ci_high))
    t_strings = time.perf_counter() - t0
    same_codes = np.allclose(
        np.array([r[1:] for r in rows]), np.array([r[1:] for r in on_strings]), rtol=0, atol=1e-12
    )

    # 1b. end to end on the tidy table (2,000,000 rows)
    df = tidy(human, judge)
    t0 = time.perf_counter()
    table = workbench.agreement(df, statistics=STATISTICS, n_resamples=B, ceiling=False)
    t_tidy = time.perf_counter() - t0
    same = np.allclose(table["estimate"].to_numpy(), [r[1] for r in rows], atol=1e-12)

    # naive: resample items, call scikit-learn for the same table
    codes = {"A": 0, "B": 1, "tie": 2}
    h = np.vectorize(codes.get)(human)
    j = np.vectorize(codes.get)(judge)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(NAIVE_RESAMPLES):
        idx = rng.integers(0, N, N)
        hh, jj = h[idx], j[idx]
        cohen_kappa_score(hh, jj)
        accuracy_score(hh, jj)
        f1_score(hh, jj, average="macro")
    naive = (time.perf_counter() - t0) / NAIVE_RESAMPLES
    t0 = time.perf_counter()
    for _ in range(NAIVE_RESAMPLES):
        idx = rng.integers(0, N, N)
        cohen_kappa_score(h[idx], j[idx])
    naive_kappa = (time.perf_counter() - t0) / NAIVE_RESAMPLES
    t0 = time.perf_counter()
    bootstrap("cohen_kappa", human, judge, n_resamples=B, rng=0)
    t_kappa = time.perf_counter() - t0

    per_array = t_array / B
    per_strings = t_strings / B
    per_tidy = t_tidy / B
    print(
        f"\nAll ratios: time per resample of the naive loop / time per resample of workbench,"
        f"\nboth measured in this run. Naive loop = draw {N:,} item indices, then scikit-learn"
        f"\ncohen_kappa_score + accuracy_score + f1_score(macro) on them (3 of the 6 statistics);"
        f"\nworkbench = all {len(STATISTICS)} statistics with BCa intervals (incl. the jackknife)."
    )
    print(
        f"naive loop (scikit-learn): {naive:.3f} s per resample "
        f"(~{naive * B / 60:.1f} min for {B:,})"
    )
    print(
        f"array-level table, labels encoded once:  {t_array:.2f} s total, "
        f"{per_array * 1e3:.3f} ms per resample, ratio {naive / per_array:,.0f}x"
    )
    print(
        f"array-level table, string labels:        {t_strings:.2f} s total, "
        f"{per_strings * 1e3:.3f} ms per resample, ratio {naive / per_strings:,.0f}x  "
        f"(same numbers as encoded once: {same_codes})"
    )
    print(
        f"tidy agreement() on {2 * N:,} rows:    {t_tidy:.2f} s total, "
        f"{per_tidy * 1e3:.3f} ms per resample, ratio {naive / per_tidy:,.0f}x  "
        f"(estimates equal array level: {same})"
    )
    print(
        f"Cohen's kappa alone (string labels): naive {naive_kappa:.3f} s per resample "
        f"(cohen_kappa_score only); workbench {t_kappa:.2f} s for {B:,} "
        f"(ratio {naive_kappa / (t_kappa / B):,.0f}x)"
    )

    # 1c. what input validation adds to agreement() on a 1,000,000-row table (500,000 items):
    # agreement() (validates, then reuses the validation's column factorizations) against the
    # same table without validation (prepare(check=False).emit), each on a freshly built table
    # so nothing is shared between runs; 3 runs each, min and median
    with_check, without = [], []
    for _ in range(3):
        fresh = tidy(human[: N // 2], judge[: N // 2])
        t0 = time.perf_counter()
        workbench.agreement(fresh, statistics=STATISTICS, n_resamples=B, ceiling=False)
        with_check.append(time.perf_counter() - t0)
        fresh = tidy(human[: N // 2], judge[: N // 2])
        t0 = time.perf_counter()
        prepare(fresh, ceiling=False, check=False).emit(STATISTICS, n_resamples=B)
        without.append(time.perf_counter() - t0)
    added_min = min(with_check) / min(without) - 1
    added_med = float(np.median(with_check)) / float(np.median(without)) - 1
    print(
        f"validation adds {added_min:+.1%} (min) / {added_med:+.1%} (median) to agreement() on "
        f"{len(fresh):,} rows (with {min(with_check):.2f} / {np.median(with_check):.2f} s, "
        f"without {min(without):.2f} / {np.median(without):.2f} s, min / median); goal <= 10%"
    )

    # 2. Krippendorff's alpha, nominal, 1M items x 2 raters
    m = np.column_stack([h, j]).astype(float)
    t0 = time.perf_counter()
    ours = stats.krippendorff_alpha(m, level="nominal")
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = krippendorff.alpha(reliability_data=m.T, level_of_measurement="nominal")
    t_ref = time.perf_counter() - t0
    print(
        f"\nkrippendorff_alpha: workbench {t_ours:.3f} s, krippendorff package {t_ref:.3f} s, "
        f"ratio {t_ref / t_ours:.1f}x, max abs difference {abs(ours - ref):.2e}"
    )


if __name__ == "__main__":
    main()
