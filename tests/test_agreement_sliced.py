"""Every slice's estimates from item patterns found once (workbench.agreement.sliced).

Oracle: the same table estimated slice by slice from each slice's own pairs (the path
:meth:`PreparedPairs._records` takes when the item patterns do not apply), which is the
definition the patterns must reproduce bit for bit: same estimates, same intervals for
the same seed, same NaNs and notes. The tables cover per-annotator and pooled
comparisons, the paired gap to the ceiling, slices where an annotator is absent, slices
of fewer than ten items, an NA slice, ``ties="drop"`` and the binary protocol; each case
also checks that the patterns path was really taken.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import schema
from workbench.agreement import AgreementWarning, prepare, sliced, threads
from workbench.agreement.prepared import PreparedPairs

BOOT = dict(n_resamples=199, confidence_level=0.95, method="bca", rng=3)


def table(protocol: str = "pairwise", n_items: int = 80, seed: int = 0) -> pd.DataFrame:
    """Three annotators (the third only on subsets a and b), their majority, two judges.

    Subsets: a, b, c (about 22 items each), d (4 items: no interval), NA (3 items).
    Judge j1 answers in both presentation orders, j2 in one order and skips some items.
    """
    rng = np.random.default_rng(seed)
    labels = np.array(["A", "B", "tie"] if protocol == "pairwise" else ["correct", "incorrect"])
    k = len(labels)
    subset = np.array(["a", "b", "c"], dtype=object)[rng.integers(0, 3, n_items)]
    subset[:4] = "d"
    subset[4:7] = None
    truth = rng.integers(0, k, n_items)

    def noisy(keep: float) -> np.ndarray:
        return np.where(rng.random(n_items) < keep, truth, rng.integers(0, k, n_items))

    items = pd.DataFrame(
        {
            "dataset": "t",
            "item_id": [f"q{i}" for i in range(n_items)],
            "subset": subset,
            "protocol": protocol,
            "criterion": "overall",
        }
    )
    parts = []
    votes = []
    for a in (1, 2, 3):
        v = noisy(0.75)
        votes.append(v)
        rows = items.assign(rater=f"human:{a}", rater_kind="human", label=labels[v])
        if a == 3:
            rows = rows[np.isin(subset, ["a", "b"])]
        parts.append(rows)
    counts = np.stack([(np.stack(votes[:2]) == c).sum(0) for c in range(k)], axis=1)
    parts.append(
        items.assign(rater="human:majority", rater_kind="human", label=labels[counts.argmax(1)])
    )
    for order in ("AB", "BA") if protocol == "pairwise" else (None,):
        parts.append(
            items.assign(rater="j1", rater_kind="llm", order=order, label=labels[noisy(0.6)])
        )
    j2 = items.assign(rater="j2", rater_kind="llm", label=labels[noisy(0.5)])
    if protocol == "pairwise":
        j2 = j2.assign(order="AB")
    parts.append(j2[rng.random(n_items) < 0.8])
    return schema.validate(schema.conform(pd.concat(parts, ignore_index=True)))


@pytest.fixture
def per_slice(monkeypatch):
    """``per_slice(fn)``: fn() with every slice estimated from its own pairs (the oracle)."""

    def run(fn):
        with monkeypatch.context() as m:
            m.setattr(PreparedPairs, "_sliced", lambda *a, **k: None)
            return fn()

    return run


@pytest.fixture
def pattern_calls(monkeypatch):
    """A list that gets one entry per slice estimated from item patterns."""
    calls = []
    original = sliced.BlockPatterns.estimate

    def counted(self, member, **kw):
        calls.append(int(member.sum()))
        return original(self, member, **kw)

    monkeypatch.setattr(sliced.BlockPatterns, "estimate", counted)
    return calls


CASES = {
    "others, per annotator, with gaps": dict(reference=None),
    "others, pooled": dict(reference="others", aggregate="pooled"),
    "majority reference": dict(reference="human:majority"),
    "one annotator as reference": dict(reference="human:1"),
}
STATS = {
    "pairwise": ["percent_agreement", "cohen_kappa", "scott_pi", "gwet_ac1", "krippendorff_alpha"],
    "binary": ["percent_agreement", "cohen_kappa", "gwet_ac1", "macro_f1", "brennan_prediger"],
}


@pytest.mark.parametrize("protocol", ["pairwise", "binary"])
@pytest.mark.parametrize("case", list(CASES))
def test_patterns_equal_each_slice_on_its_own_pairs(protocol, case, per_slice, pattern_calls):
    df = table(protocol)
    options = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        for by in ([], ["subset"]):
            prep = prepare(df, by=by, **options)
            pattern_calls.clear()
            got = prep.emit(STATS[protocol], **BOOT)
            assert pattern_calls, "the item patterns were not used"
            want = per_slice(lambda prep=prep: prep.emit(STATS[protocol], **BOOT))
            pd.testing.assert_frame_equal(got, want, check_exact=True)
    if by:  # the small slice (4 items) has estimates but no interval, as on its own pairs
        small = got[got["subset"] == "d"]
        assert small["ci_low"].isna().all() and small["estimate"].notna().any()


def test_with_slice_and_one_judge_reuse_patterns_and_equal_the_pairs(per_slice, pattern_calls):
    df = table()
    base = prepare(df)
    of_item = dict(zip(df["item_id"], df["subset"].fillna("(none)"), strict=False))

    def values(ids: pd.Series) -> pd.Series:
        return ids.map(of_item)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        for prep in (base, base.one_judge("j2"), base.one_judge("j1")):
            for slicer in (values, lambda ids: ids.str[-1]):  # 5 slices, then 10
                one = prep.with_slice("s", slicer)
                got = one.emit(["cohen_kappa", "gwet_ac1"], **BOOT)
                want = per_slice(lambda one=one: one.emit(["cohen_kappa", "gwet_ac1"], **BOOT))
                pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert base.one_judge("j1") is base.one_judge("j1")  # found once
    assert len(pattern_calls) > 0


def test_ties_dropped_count_items_without_a_tie(per_slice, pattern_calls):
    df = table(seed=4)
    spec = {"percent_agreement": {"ties": "drop"}}
    prep = prepare(df, by=["subset"], reference="human:majority")
    got = prep.emit(spec, **BOOT)
    assert pattern_calls
    want = per_slice(lambda: prep.emit(spec, **BOOT))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # by hand: j2's items in subset a where neither j2 nor the majority says tie
    j2 = df[df["rater"] == "j2"].set_index("item_id")["label"].astype(str)
    maj = df[df["rater"] == "human:majority"].set_index("item_id")
    maj = maj[maj["subset"] == "a"]["label"].astype(str)
    both = j2.index.intersection(maj.index)
    kept = int(((j2[both] != "tie") & (maj[both] != "tie")).sum())
    row = got[(got["judge"] == "j2") & (got["subset"] == "a")]
    assert row["n_items"].item() == kept


def test_threads_give_the_same_table_and_leave_warning_filters_alone(monkeypatch):
    df = table(n_items=300, seed=7)
    prep = prepare(df, by=["subset"])
    monkeypatch.setenv(threads.ENV, "1")
    one = prep.emit(STATS["pairwise"], **BOOT)
    monkeypatch.setenv(threads.ENV, "3")
    before = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        inner = list(warnings.filters)
        many = prep.with_slice("again", lambda ids: ids.str[:2]).emit(
            STATS["pairwise"], by=["subset"], **BOOT
        )
        assert list(warnings.filters) == inner
    assert list(warnings.filters) == before
    pd.testing.assert_frame_equal(one, many, check_exact=True)


def test_map_blocks_keeps_order_and_raises_the_first_error(monkeypatch):
    monkeypatch.setenv(threads.ENV, "2")
    assert threads.map_blocks(lambda v: v * 10, list(range(7))) == [0, 10, 20, 30, 40, 50, 60]

    def fail(v):
        if v in (3, 5):
            raise KeyError(v)
        return v

    with pytest.raises(KeyError, match="3"):
        threads.map_blocks(fail, list(range(7)))


@pytest.mark.parametrize("raw", ["0", "two", "-1"])
def test_bad_thread_count_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv(threads.ENV, raw)
    with pytest.raises(
        ValueError, match=rf"^WORKBENCH_THREADS: expected a positive integer, got '{raw}'$"
    ):
        threads.n_threads()


def test_ratings_and_clusters_take_the_pairs_path(pattern_calls, toy_rating):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        prepare(toy_rating).emit(["pearson"], **BOOT)
        prepare(table(), cluster=lambda item: item[:2]).emit(["cohen_kappa"], **BOOT)
    assert pattern_calls == []


def test_options_worked_out_from_the_pairs_are_resolved_per_slice(per_slice, pattern_calls):
    # Krippendorff's interval alpha centres and scales the values of each slice's own pairs
    # (found by review: one block's resolution served every slice, CIs off by 0.008)
    spec = {"krippendorff_alpha": {"level": "interval", "categories": ["A", "tie", "B"]}}
    for seed in (1, 2):
        prep = prepare(table(seed=seed), by=["subset"], reference="human:majority")
        got = prep.emit(spec, **BOOT)
        want = per_slice(lambda prep=prep: prep.emit(spec, **BOOT))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert pattern_calls == []  # the interval alpha never takes the patterns path
    prep.emit({"krippendorff_alpha": {"level": "ordinal", "categories": ["A", "tie", "B"]}}, **BOOT)
    assert pattern_calls  # the ordinal one does: its options come from the categories alone


def test_one_judge_of_a_sliced_table_keeps_the_slice(per_slice):
    df = table(seed=5)
    base = prepare(df)

    def last(ids: pd.Series) -> pd.Series:
        return ids.str[-1]

    first = base.one_judge("j1")  # cached on base, unsliced
    sliced_then_one = base.with_slice("s", last).one_judge("j1")
    one_then_sliced = base.one_judge("j1").with_slice("s", last)
    assert first.by == () and sliced_then_one.by == ("s",)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        a = sliced_then_one.emit(["cohen_kappa"], **BOOT)
        b = one_then_sliced.emit(["cohen_kappa"], **BOOT)
        c = per_slice(lambda: one_then_sliced.emit(["cohen_kappa"], **BOOT))
        assert base.one_judge("j1").emit(["cohen_kappa"], **BOOT)["judge"].tolist()[0] == "j1"
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(a, c, check_exact=True)
    assert sorted(a["s"].dropna().unique()) == [str(d) for d in range(10)]
    assert "s" not in base.one_judge("j1").emit(["cohen_kappa"], **BOOT).columns


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork()")
def test_a_forked_child_estimates_on_threads_of_its_own(monkeypatch):
    # the parent's pool is copied by fork() without its threads: the child must not wait on it
    import multiprocessing

    monkeypatch.setenv(threads.ENV, "2")
    assert threads.map_blocks(abs, [-1, -2, -3]) == [1, 2, 3]  # the parent's pool exists
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        job = pool.apply_async(threads.map_blocks, (abs, [-4, -5, -6]))
        assert job.get(timeout=60) == [4, 5, 6]
