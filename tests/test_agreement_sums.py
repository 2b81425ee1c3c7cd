"""Exact item grouping for the bootstrap (agreement.sums.cell_patterns) and the code paths
the pandas agreement table takes on large tables (item codes, judge names, coded labels).

Oracles: the hash grouping of :func:`workbench.agreement.sums.item_patterns` (its own
exactness check falls back to one group per item), ``groupby(...).ngroup()`` for item
codes, and the statistics on string labels for the coded-label shortcut.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.agreement.sums as sums
from workbench.agreement._frame import ITEM, ITEM_CODE, rater_positions, with_item_codes
from workbench.agreement.estimate import statistic_specs
from workbench.agreement.pairs import judge_names
from workbench.stats import SUFFICIENT, cohen_kappa, scott_pi
from workbench.stats import bootstrap as boot


def _multi_row_items(seed: int, n_items: int = 300, k: int = 3):
    """Items with 1 to 3 rows each (x, y integer codes in 0..k-1), items shuffled."""
    rng = np.random.default_rng(seed)
    per = rng.integers(1, 4, size=n_items)
    items = rng.permutation(np.repeat(np.arange(n_items), per))
    x = rng.integers(0, k, size=len(items))
    y = rng.integers(0, k, size=len(items))
    return x, y, items


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cell_patterns_equal_hash_grouping(seed):
    x, y, items = _multi_row_items(seed)
    specs = {"cohen_kappa": {"categories": (0, 1, 2)}}
    c = np.asarray(SUFFICIENT["cohen_kappa"].contributions(x, y, **specs["cohen_kappa"]), float)
    expected, expected_counts = sums.item_patterns(
        sums.block_sums(c, items, None, 1), x, y, None, items
    )
    rows, group, counts = sums.cell_patterns(x, y, items)
    got = sums.block_sums(c[rows], group, None, 1)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(counts, expected_counts)
    assert counts.sum() == len(np.unique(items))
    assert len(counts) < len(np.unique(items))  # 300 items, far fewer cell multisets


def test_cell_patterns_not_applicable():
    x, y, items = _multi_row_items(0)
    assert sums.cell_patterns(x.astype(object), y, items) is None  # labels, not codes
    assert sums.cell_patterns(np.where(x == 0, -1, x), y, items) is None  # -1 = missing
    assert sums.cell_patterns(x[:0], y[:0], items[:0]) is None
    big = np.arange(len(x)) % 5000  # 5000 codes: 25M cells per item row exceed the limit
    assert sums.cell_patterns(big, big, items) is None


def test_sum_statistics_same_with_and_without_cell_patterns(monkeypatch):
    x, y, items = _multi_row_items(3, n_items=200)
    specs = {
        name: {**o, "categories": (0, 1, 2)}
        for name, o in statistic_specs(None, "pairwise").items()
    }
    specs["percent_agreement"]["tie_label"] = 2

    def run():
        return sums.sum_statistics(
            x, y, items, None, specs, 1, lambda v: v[..., 0],
            n_resamples=300, confidence_level=0.95, method="bca",
            rng=np.random.default_rng(7),
        )  # fmt: skip

    fast = run()
    monkeypatch.setattr(sums, "cell_patterns", lambda *a: None)  # the hash path
    assert run() == fast


def test_coded_labels_shortcut_equals_labels():
    rng = np.random.default_rng(4)
    labels = np.array(["A", "B", "tie"])
    a, b = rng.integers(0, 3, 500), rng.integers(0, 3, 500)
    for stat in (cohen_kappa, scott_pi):
        on_codes = stat(a, b, categories=(0, 1, 2))
        on_labels = stat(labels[a], labels[b], categories=("A", "B", "tie"))
        assert on_codes == pytest.approx(on_labels, abs=1e-15)
    with pytest.raises(ValueError, match="not in"):
        cohen_kappa(a, np.where(b == 2, 5, b), categories=(0, 1, 2))  # 5 is no category


@pytest.mark.parametrize("categorical", [False, True])
def test_item_codes_equal_groupby_ngroup(categorical):
    df = pd.DataFrame(
        {
            "dataset": ["d"] * 6,
            "item_id": pd.array(["q2", "q1", "q2", "q3", "q1", "q3"], dtype="string"),
            "criterion": ["overall"] * 6,
        }
    )
    if categorical:  # category order (q1 < q2) is not first-appearance order
        df["item_id"] = df["item_id"].astype("category")
    expected = df.groupby(ITEM, sort=False, observed=True).ngroup().tolist()
    assert with_item_codes(df)[ITEM_CODE].tolist() == expected == [0, 1, 0, 2, 1, 2]
    two = pd.concat([df, df.assign(dataset="e")], ignore_index=True)
    expected = two.groupby(ITEM, sort=False, observed=True).ngroup().tolist()
    assert with_item_codes(two)[ITEM_CODE].tolist() == expected


def test_judge_names_and_rater_positions_from_codes():
    df = pd.DataFrame(
        {
            "rater": pd.Categorical(["h", "j", "m", "h", "j"], categories=["h", "j", "m", "z"]),
            "rater_kind": ["human", "llm", "metric", "human", "llm"],
        }
    )
    assert judge_names(df, df["rater"], None) == ["j", "m"]  # unused category z left out
    assert judge_names(df, df["rater"], "j") == ["j"]
    with pytest.raises(ValueError, match=r"judges: not in the table: \['z'\]"):
        judge_names(df, df["rater"], ["z"])
    assert rater_positions(df, ["j", "m"]).tolist() == [1, 2, 4]
    assert rater_positions(df, ["nobody"]).tolist() == []


def test_unique_codes_of_items_used_by_cell_patterns():
    # cell_patterns numbers items as item_patterns does: in sorted order of their ids
    labels, codes = boot.unique_codes(np.array([7, 3, 7, 9]))
    assert labels.tolist() == [3, 7, 9] and codes.tolist() == [1, 0, 1, 2]
