"""The agreement table on DuckDB and Spark (workbench.engines) equals the pandas path.

Oracle: ``workbench.agreement(df)`` itself (the pandas path, tested elsewhere against
hand-computed values and reference libraries). Equality is exact: estimates, intervals
(same seed), notes and n_items, on every staged tidy dataset.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from workbench.agreement import agreement
from workbench.engines import explain, java_available
from workbench.errors import SchemaError
from workbench.testing import toy

DATASETS = [
    "llmbar",
    "pandalm",
    "llmeval2",
    "judging_the_judges",
    "hanna",
    "hanna_user_study",
    "ice_score",
    "llmfao",
    "arena_judges",
]
"""Every staged tidy dataset (mt_bench is not staged; the summary datasets have no pairs)."""

PATTERNS = {"llmbar", "llmeval2", "judging_the_judges", "arena_judges"}
"""Datasets whose default call the engine aggregates to item patterns (one reference rater)."""

FAST = dict(n_resamples=200)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, check_exact=True
    )


def quiet_agreement(source, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return agreement(source, **kw)


SLOW_RANKS = {"hanna", "ice_score"}
"""Rating datasets whose rank statistics (Spearman, Kendall: resampled, per annotator) take
minutes on the pandas path itself: the sum statistics of the rating default there."""


@pytest.mark.parametrize("name", DATASETS)
def test_agreement_duckdb_equals_pandas_default(name, loaded):
    df = loaded(name)
    options = dict(FAST)
    if name in SLOW_RANKS:
        options["statistics"] = ["pearson", "krippendorff_alpha", "icc"]
    if name == "hanna":  # 72 metrics x 7 criteria: three LLM judges on two criteria
        df = df[df["criterion"].isin(["coherence", "relevance"])]
        options["judges"] = sorted(df.loc[df["rater_kind"] == "llm", "rater"].unique())[:3]
    expected = quiet_agreement(df, **options)
    got = quiet_agreement(df, engine="duckdb", **options)
    same(expected, got)
    assert explain(df) == ("patterns" if name in PATTERNS else "projected")
    assert len(got) == len(expected) > 0 or name == "llmeval2"  # llmeval2 has no judge


@pytest.mark.parametrize(
    "name, options",
    [
        ("llmbar", dict(by=["subset"])),
        (
            "llmbar",
            dict(resolve="first_order", statistics=["percent_agreement", "brennan_prediger"]),
        ),
        ("llmbar", dict(by=["order"], method="percentile", rng=7)),
        ("judging_the_judges", dict(by=["subset"], statistics=["macro_f1", "krippendorff_alpha"])),
        ("arena_judges", dict(ties="drop", statistics=["percent_agreement", "cohen_kappa"])),
        ("pandalm", dict(reference="human:majority", ceiling=False)),  # patterns, 3 annotators
        ("pandalm", dict(by=["subset"], reference="human")),  # projected: ceiling needed
    ],
)
def test_agreement_duckdb_equals_pandas_options(name, options, loaded):
    df = loaded(name)
    same(
        quiet_agreement(df, **FAST, **options),
        quiet_agreement(df, engine="duckdb", **FAST, **options),
    )


def test_agreement_patterns_path_with_annotators(loaded):
    # an explicit reference without a ceiling needs no leave-one-out majority: patterns
    assert explain(loaded("pandalm"), reference="human:majority", ceiling=False) == "patterns"
    assert explain(loaded("pandalm"), reference="human:majority") == "projected"


def test_agreement_path_and_glob_sources(tmp_path, loaded):
    df = loaded("arena_judges")
    half = len(df) // 2
    df.iloc[:half].to_parquet(tmp_path / "part-0.parquet")
    df.iloc[half:].to_parquet(tmp_path / "part-1.parquet")
    expected = quiet_agreement(df, **FAST)
    for source in [
        str(tmp_path / "*.parquet"),
        tmp_path,
        [tmp_path / "part-0.parquet", tmp_path / "part-1.parquet"],
    ]:
        same(expected, quiet_agreement(source, engine="duckdb", **FAST))
    same(expected, quiet_agreement(str(tmp_path / "*.parquet"), **FAST))  # engine="pandas" reads it
    # files are read in sorted order: the same rows in another order give other intervals
    flipped = pd.concat([df.iloc[half:], df.iloc[:half]], ignore_index=True)
    same(quiet_agreement(flipped, **FAST), quiet_agreement(flipped, engine="duckdb", **FAST))


def test_agreement_csv_source_projected(tmp_path, loaded):
    df = loaded("hanna_user_study")
    df.to_csv(tmp_path / "log.csv", index=False)
    expected = quiet_agreement(pd.read_csv(tmp_path / "log.csv"), **FAST)
    same(expected, quiet_agreement(str(tmp_path / "log.csv"), engine="duckdb", **FAST))


def test_agreement_ibis_table_source(loaded, tmp_path):
    import ibis

    df = loaded("judging_the_judges")
    df.to_parquet(tmp_path / "jtj.parquet")
    con = ibis.duckdb.connect()
    table = con.read_parquet(tmp_path / "jtj.parquet")  # a table bound to its own backend
    expected = quiet_agreement(df, **FAST)
    same(expected, quiet_agreement(table, engine="duckdb", **FAST))
    same(expected, quiet_agreement(ibis.memtable(df), engine="duckdb", **FAST))  # unbound
    with pytest.raises(
        ValueError, match="engine: 'spark', but the Ibis table belongs to the duckdb"
    ):
        agreement(table, engine="spark")


def test_agreement_engine_toy_hand_computed():
    # 12 items; the judge agrees on 10 (items 1 and 3 differ): 10/12 in both orders
    human = "AABtBAABABBA"
    judge = "ABBtAAABABBA"
    df = toy(pairwise={"human": human, "j": (judge, judge)})
    t = quiet_agreement(df, engine="duckdb", statistics=["percent_agreement"], **FAST)
    assert t["estimate"].tolist() == [10 / 12]
    assert t["n_items"].tolist() == [12]
    assert t["ci_low"].iloc[0] < 10 / 12 < t["ci_high"].iloc[0]


def test_agreement_engine_errors(tmp_path):
    df = toy(pairwise={"human": "AABtBA", "j": "ABBtBA"})
    with pytest.raises(ValueError, match="engine: expected one of"):
        agreement(df, engine="polars")
    with pytest.raises(TypeError, match="source: expected a DataFrame, a parquet/CSV path"):
        agreement(42, engine="duckdb")
    with pytest.raises(FileNotFoundError, match="no file matches"):
        agreement(str(tmp_path / "missing-*.parquet"), engine="duckdb")
    (tmp_path / "log.json").write_text("{}")
    with pytest.raises(ValueError, match="neither parquet"):
        agreement(str(tmp_path / "log.json"), engine="duckdb")
    with pytest.raises(SchemaError, match=r"missing required column\(s\) \['rater_kind'\]"):
        agreement(df.drop(columns="rater_kind"), engine="duckdb")
    with pytest.raises(ValueError, match="reference: rater 'nobody' not in the table"):
        agreement(df, engine="duckdb", reference="nobody")
    with pytest.raises(ValueError, match=r"judges: not in the table: \['k'\]"):
        agreement(df, engine="duckdb", judges=["k"])
    twice = pd.concat([df, df[df["rater"] == "j"].iloc[:1]], ignore_index=True)
    with pytest.raises(SchemaError, match="duplicate key"):
        agreement(twice, engine="duckdb")
    bad = df.copy()
    bad.loc[2, "item_id"] = None  # the projected pandas path names the row
    with pytest.raises(SchemaError, match="item_id"):
        agreement(bad, engine="duckdb")


BATTLES = ["pandalm", "llmfao", "arena_judges"]
"""Staged pairwise datasets with ``model_a`` / ``model_b`` (what the leaderboard needs)."""

JUDGED_PAIRS = ["llmbar", "pandalm", "llmfao", "arena_judges"]
"""Staged pairwise datasets with LLM judges (llmeval2's raters are people)."""


def quiet(fn, source, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(source, **kw)


@pytest.mark.parametrize("name", BATTLES)
def test_leaderboard_duckdb_equals_pandas(name, loaded):
    from workbench import leaderboard

    df = loaded(name)
    expected = quiet(leaderboard, df, n_resamples=50)
    assert len(expected) > 0
    same(expected, quiet(leaderboard, df, n_resamples=50, engine="duckdb"))


@pytest.mark.parametrize("name", JUDGED_PAIRS)
def test_position_probe_duckdb_equals_pandas(name, loaded):
    from workbench.probes import position_preference

    df = loaded(name)
    expected = quiet(position_preference, df, n_resamples=50, rng=0)
    assert len(expected) > 0
    same(expected, quiet(position_preference, df, n_resamples=50, rng=0, engine="duckdb"))


def test_leniency_probe_duckdb_equals_pandas(loaded):
    from workbench.probes import PROBES, leniency

    df = loaded("judging_the_judges")  # the one staged binary dataset
    expected = quiet(leniency, df, n_resamples=50, rng=0)
    assert {"false-positive rate", "false-negative rate"} <= set(expected["effect"])
    same(expected, quiet(leniency, df, n_resamples=50, rng=0, engine="duckdb"))
    # the registry entry forwards engine=; by names a column the projection keeps
    by_model = quiet(PROBES["leniency"], df, by="model", ranking=False, n_resamples=50, rng=0)
    same(
        by_model,
        quiet(leniency, df, by="model", ranking=False, n_resamples=50, rng=0, engine="duckdb"),
    )


def test_probe_and_leaderboard_path_sources(tmp_path, loaded):
    from workbench import leaderboard
    from workbench.probes import position_preference

    df = loaded("llmbar")
    df.to_parquet(tmp_path / "llmbar.parquet")
    expected = quiet(position_preference, df, n_resamples=50, rng=0)
    assert expected["note"].str.contains("tie-break").any()  # reads raw: kept in the projection
    path = str(tmp_path / "llmbar.parquet")
    same(expected, quiet(position_preference, path, n_resamples=50, rng=0, engine="duckdb"))
    same(expected, quiet(position_preference, path, n_resamples=50, rng=0))  # pandas reads it
    arena = loaded("arena_judges")
    arena.to_csv(tmp_path / "arena.csv", index=False)
    same(
        quiet(leaderboard, pd.read_csv(tmp_path / "arena.csv"), n_resamples=50),
        quiet(leaderboard, str(tmp_path / "arena.csv"), n_resamples=50, engine="duckdb"),
    )
    with pytest.raises(ValueError, match="engine: expected one of"):
        position_preference(df, engine="polars")
    with pytest.raises(TypeError, match="source: expected a DataFrame"):
        leaderboard(42, engine="duckdb")


def test_agreement_engine_pandas_unchanged(loaded):
    df = loaded("arena_judges")
    same(quiet_agreement(df, **FAST), quiet_agreement(df, engine="pandas", **FAST))


@pytest.mark.skipif(
    not java_available(), reason="Spark needs Java: apt-get install default-jre-headless"
)
def test_agreement_spark_equals_pandas(loaded):
    pytest.importorskip("pyspark")
    df = loaded("arena_judges")
    small = df[df["item_id"].isin(df["item_id"].drop_duplicates().iloc[:400])]
    same(quiet_agreement(small, **FAST), quiet_agreement(small, engine="spark", **FAST))
    ceil = loaded("pandalm")
    opts = dict(statistics=["percent_agreement", "cohen_kappa"], **FAST)
    same(quiet_agreement(ceil, **opts), quiet_agreement(ceil, engine="spark", **opts))  # projected
    from workbench import leaderboard
    from workbench.probes import leniency

    same(
        quiet(leaderboard, small, n_resamples=50),
        quiet(leaderboard, small, n_resamples=50, engine="spark"),
    )
    binary = loaded("judging_the_judges").iloc[:5000]
    same(
        quiet(leniency, binary, n_resamples=50, rng=0),
        quiet(leniency, binary, n_resamples=50, rng=0, engine="spark"),
    )
    same(
        quiet_agreement(ceil, reference="human:majority", ceiling=False, by=["subset"], **opts),
        quiet_agreement(
            ceil, engine="spark", reference="human:majority", ceiling=False, by=["subset"], **opts
        ),
    )
