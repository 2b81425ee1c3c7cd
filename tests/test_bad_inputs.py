"""The bad-input corpus (issue #10, item 9): what a new user can get wrong, and what they get back.

One table, :data:`CASES`: each case is a small builder (``ctx -> result``) and what must come of
it. ``Raises(type, pattern)``: exactly that exception type, its message matching ``pattern``,
which names the argument or the field (and the row or record where there is one).
``NaNNote(column, note)``: a result table whose selected rows are NaN in ``column`` and say why
in ``note``, with exactly one warning of the module's warning class. ``IsNaN``: an array-level
statistic that is NaN (documented there), ``Equals``: a value computed by hand, ``Exits``: the
command line returns that status, names the problem on stderr, and prints no traceback.

Groups: tidy tables given to ``agreement`` / ``prepare`` / ``compare_judges`` / ``leaderboard``
/ ``rank_correlation``; every probe of ``workbench.bias.PROBES``, ``disagreements`` and the
slicing functions; array-level statistics; the annotation store through its public API; the
command line; and loaders fed small corrupted copies of upstream-format files (corruptions
other than those of ``tests/test_loader_integrity.py``). Tables are built from
:func:`workbench.testing.toy`; every expected number says where it comes from.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sqlite3
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbench import agreement as ag
from workbench import bias, slicing, stats
from workbench.agreement import AgreementWarning
from workbench.annotations import AnnotationStore, AnnotationStoreError, exclude
from workbench.cli import main
from workbench.errors import LoadError, SchemaError
from workbench.loaders import arena_judges, llmbar, llmfao, pandalm
from workbench.testing import toy

# ------------------------------------------------------------------------ expectations


@dataclass(frozen=True)
class Raises:
    """``error`` exactly (not a parent class), with a message matching ``match``."""

    error: type[Exception]
    match: str


@dataclass(frozen=True)
class NaNNote:
    """Rows where ``where`` holds (all rows when empty) are NaN in ``column``, their ``note``
    matches ``note``; the call emits exactly one ``warning``."""

    column: str
    note: str
    warning: type[Warning]
    where: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IsNaN:
    """An array-level statistic that is NaN."""


@dataclass(frozen=True)
class Equals:
    """A value computed by hand (``rel`` relative tolerance)."""

    value: float
    rel: float = 1e-9


@dataclass(frozen=True)
class Exits:
    """``main(argv)`` returns ``code`` (argparse: raises SystemExit(code)), stderr matches."""

    code: int
    match: str


Expectation = Raises | NaNNote | IsNaN | Equals | Exits

# --------------------------------------------------------------------------- tables

BOOT = {"n_resamples": 30}
PROBE_BOOT = {"n_resamples": 30, "rng": 0}

# Ten items, two annotators and a judge (labels hand-written; item 4 splits the humans).
P10 = toy(pairwise={"human:1": "AABtBAABAB", "human:2": "AABBBAABAA", "j": "ABBtBAABAB"})
# One aggregated human and two judges on ten items.
P2J = toy(pairwise={"human": "AABtBAABAB", "j": "ABBtBAABAB", "k": "ABBBBAABAB"})
B10 = toy(binary={"human:1": "ccIcIccIcI", "human:2": "cIIcIccIcc", "j": "ccccIccIcI"})
R10 = toy(
    rating={
        "human:1": [1, 2, 4, 5, 3, 2, 1, 4, 5, 3],
        "human:2": [2, 2, 4, 4, 3, 1, 1, 5, 5, 2],
        "j": [2, 3, 5, 5, 4, 2, 2, 4, 4, 3],
    }
)
# Two models per battle on ten items, for leaderboards: x-y on even items, y-z on odd ones.
M10 = toy(
    pairwise={"human": "AABtBAABAB", "j": "ABBtBAABAB"},
    models=(["x", "y"] * 5, ["y", "z"] * 5),
)
# Probe tables (12 items, texts and models where the probe reads them).
PW = toy(
    pairwise={"human": "AABBAABBAABB", "gpt-4/v": ("ABBAAABBAABA", "ABBBAABBABBA")},
    texts=("one two three", "four"),
    models=("gpt-4", "vicuna-13b"),
)
BI = toy(
    binary={"human": "ccIcIccIcIcc", "gpt-4/v": "ccccIccccIcc"},
    models=["gpt-4", "m2", "m1", "m2", "m1", "m2"] * 2,
)
RA = toy(rating={"human": [1, 2, 4, 5, 3, 2, 1, 4, 5, 3, 2, 2], "gpt-4/v": [2, 3, 5, 5, 4, 2] * 2})


def cell(df: pd.DataFrame, row: int, column: str, value: Any) -> pd.DataFrame:
    """A copy of ``df`` (``column`` as object) with one cell replaced."""
    out = df.astype({column: "object"})
    out.iloc[row, out.columns.get_loc(column)] = value
    return out


def where(df: pd.DataFrame, column: str, rater: str, value: Any) -> pd.DataFrame:
    """A copy of ``df`` whose ``column`` is ``value`` on every row of ``rater``."""
    out = df.astype({column: "object"})
    out.loc[(out["rater"] == rater).to_numpy(), column] = value
    return out


def all_na_labels(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(label=pd.Series([None] * len(df), index=df.index, dtype=df["label"].dtype))


def probe(name: str, df: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    fn = bias.PROBES[name].function
    plain = name in ("length_regression", "style_regression")
    return fn(df, **({} if plain else PROBE_BOOT) | kwargs)


def mixed_item_ids(df: pd.DataFrame, rater: str) -> pd.DataFrame:
    """``rater``'s item ids as ints beside the others' strings ('3' never equals 3)."""
    out = df.astype({"item_id": "object"})
    mine = (out["rater"] == rater).to_numpy()
    out.loc[mine, "item_id"] = out.loc[mine, "item_id"].astype(int).to_numpy()
    return out


def lb_without_attrs(lb: pd.DataFrame) -> pd.DataFrame:
    out = lb.copy()
    out.attrs = {}
    return out


LB = ag.leaderboard(M10, **BOOT)

# ------------------------------------------------------------------- cases: tidy tables

NO_ROWS = r"^df: the table has no rows"
TIDY: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    # --- the table itself
    "agreement_not_a_dataframe": (
        lambda t: ag.agreement(P10.to_dict("records")),
        Raises(SchemaError, r"^df: expected a pandas DataFrame, got list$"),
    ),
    "agreement_missing_label_column": (
        lambda t: ag.agreement(P10.drop(columns="label")),
        Raises(SchemaError, r"^df: missing column\(s\) \['label'\]"),
    ),
    "agreement_missing_protocol_column": (
        lambda t: ag.agreement(P10.drop(columns="protocol")),
        Raises(SchemaError, r"^df: missing column\(s\) \['protocol'\]"),
    ),
    "agreement_unknown_protocol": (
        lambda t: ag.agreement(cell(P10, 3, "protocol", "ranking")),
        Raises(SchemaError, r"^df: row 3: field 'protocol': 'ranking' is not one of"),
    ),
    "agreement_two_protocols": (
        lambda t: ag.agreement(pd.concat([P10, B10.assign(dataset="b")], ignore_index=True)),
        Raises(SchemaError, r"^df: expected one protocol, got \['binary', 'pairwise'\]"),
    ),
    "agreement_label_outside_vocabulary_object": (
        lambda t: ag.agreement(cell(P10, 2, "label", "first")),
        Raises(SchemaError, r"^df: row 2: field 'label': 'first' is not one of"),
    ),
    "agreement_label_outside_vocabulary_string_dtype": (
        lambda t: ag.agreement(cell(P10, 2, "label", "a").astype({"label": "string"})),
        Raises(SchemaError, r"^df: row 2: field 'label': 'a' is not one of"),
    ),
    "agreement_label_outside_vocabulary_categorical": (
        lambda t: ag.agreement(
            cell(P10, 5, "label", "first").astype(
                {"label": pd.CategoricalDtype(["A", "B", "tie", "first"])}
            )
        ),
        Raises(SchemaError, r"^df: row 5: field 'label': 'first' is not one of"),
    ),
    "agreement_pairwise_label_on_binary_row": (
        lambda t: ag.agreement(cell(B10, 4, "label", "A")),
        Raises(SchemaError, r"^df: row 4: field 'label': 'A' is not a binary label"),
    ),
    "agreement_mixed_type_label": (
        lambda t: ag.agreement(cell(P10, 3, "label", 1)),
        Raises(SchemaError, r"^df: row 3: field 'label': 1 is not one of"),
    ),
    "agreement_na_item_id": (
        lambda t: ag.agreement(cell(P10, 4, "item_id", None)),
        Raises(SchemaError, r"^df: row 4: field 'item_id': missing \(NA\)$"),
    ),
    "agreement_na_criterion_pd_na": (
        lambda t: ag.agreement(cell(P10, 7, "criterion", pd.NA)),
        Raises(SchemaError, r"^df: row 7: field 'criterion': missing \(NA\)$"),
    ),
    "agreement_empty_string_item_id": (  # defect: "" was an item of its own
        lambda t: ag.agreement(cell(P10, 4, "item_id", "")),
        Raises(SchemaError, r"^df: row 4: field 'item_id': empty string"),
    ),
    "agreement_item_ids_int_beside_str": (  # defect: the judge silently shared no item
        lambda t: ag.agreement(mixed_item_ids(P2J, "j"), **BOOT),
        Raises(SchemaError, r"^df: row 10: field 'item_id': 0 \(int\) beside '0' \(str\)"),
    ),
    "agreement_duplicate_key_conflicting": (
        lambda t: ag.agreement(pd.concat([P10, cell(P10, 0, "label", "B").iloc[[0]]])),
        Raises(
            SchemaError,
            r"^df: rows 0 and 30: duplicate key \(dataset='toy', item_id='0', "
            r"rater='human:1'.*conflicting labels 'A' and 'B'",
        ),
    ),
    "agreement_duplicate_key_identical": (
        lambda t: ag.agreement(pd.concat([P10, P10.iloc[[5]]], ignore_index=True)),
        Raises(SchemaError, r"^df: rows 5 and 30: duplicate key .*item_id='5'.*identical"),
    ),
    "agreement_empty_table": (  # defect: "expected one protocol, got []; filter first"
        lambda t: ag.agreement(P10.iloc[:0]),
        Raises(SchemaError, NO_ROWS),
    ),
    "agreement_rating_inf_score": (
        lambda t: ag.agreement(cell(R10, 2, "score", np.inf)),
        Raises(SchemaError, r"^df: row 2: field 'score': inf is not a finite number"),
    ),
    "agreement_rating_text_score": (
        lambda t: ag.agreement(cell(R10, 6, "score", "high")),
        Raises(SchemaError, r"^df: row 6: field 'score': 'high' is not a finite number"),
    ),
    "agreement_rating_row_with_label": (
        lambda t: ag.agreement(cell(R10, 1, "label", "A")),
        Raises(SchemaError, r"^df: row 1: field 'label': rating rows carry 'score'"),
    ),
    # --- what cannot be computed: NaN and a note
    "agreement_one_item_no_interval": (
        lambda t: ag.agreement(P10[P10["item_id"] == "0"], statistics=["percent_agreement"]),
        NaNNote("ci_low", r"^1 items: fewer than 10, no interval$", AgreementWarning),
    ),
    "agreement_nine_items_no_interval": (
        lambda t: ag.agreement(P10[P10["item_id"] != "9"], **BOOT),
        NaNNote("ci_low", r"^9 items: fewer than 10, no interval", AgreementWarning),
    ),
    "agreement_all_na_labels": (  # defect: numpy 'zero-size array to reduction operation'
        lambda t: ag.agreement(all_na_labels(P10), **BOOT),
        NaNNote(
            "estimate",
            r"^no item in common with the reference human:majority$",
            AgreementWarning,
            {"kind": "judge"},
        ),
    ),
    "agreement_judge_without_overlap_default": (
        lambda t: ag.agreement(
            toy(pairwise={"human": "AABBAAB...", "j": "........AB", "k": "ABAABBA..."}), **BOOT
        ),
        NaNNote(
            "estimate",
            r"^no item in common with the reference human$",
            AgreementWarning,
            {"judge": "j"},
        ),
    ),
    "agreement_judge_without_overlap_named": (
        lambda t: ag.agreement(
            toy(pairwise={"human": "AABBAAB...", "j": "........AB"}), judges=["j"], **BOOT
        ),
        Raises(ValueError, r"^judges: 'j' has no verdict on an item the reference 'human' has"),
    ),
    "agreement_constant_ratings": (
        lambda t: ag.agreement(R10.assign(score=3.0), statistics=["pearson", "icc"], **BOOT),
        NaNNote("estimate", r"^estimate undefined on these pairs", AgreementWarning),
    ),
    "agreement_single_category_everywhere": (
        lambda t: ag.agreement(B10.assign(label="correct"), statistics=["cohen_kappa"], **BOOT),
        NaNNote("estimate", r"^estimate undefined on these pairs", AgreementWarning),
    ),
    # --- wrong argument values
    "agreement_unknown_statistic": (
        lambda t: ag.agreement(P10, statistics=["kappa"]),
        Raises(ValueError, r"^statistics: unknown 'kappa'; known: \["),
    ),
    "agreement_empty_statistics": (  # defect: an empty table
        lambda t: ag.agreement(P10, statistics=[]),
        Raises(ValueError, r"^statistics: expected at least one name, got \[\]$"),
    ),
    "agreement_score_statistic_on_labels": (  # defect: TypeError in _resolve_pearson
        lambda t: ag.agreement(P10, statistics=["pearson"]),
        Raises(
            ValueError, r"^statistics: 'pearson' needs numeric scores .* this table is pairwise"
        ),
    ),
    "agreement_weights_on_unordered_labels": (  # defect: weighted by the order A, B, tie
        lambda t: ag.agreement(P10, statistics={"cohen_kappa": {"weights": "linear"}}),
        Raises(
            ValueError, r"^statistics: 'cohen_kappa' with weights='linear' depends on the order"
        ),
    ),
    "agreement_interval_alpha_on_binary_labels": (  # defect: alpha on label codes
        lambda t: ag.agreement(B10, statistics={"krippendorff_alpha": {"level": "interval"}}),
        Raises(ValueError, r"^statistics: 'krippendorff_alpha' with level='interval' depends"),
    ),
    "agreement_misspelt_statistic_option": (  # defect: TypeError in _resolve_kappa
        lambda t: ag.agreement(R10, statistics={"cohen_kappa": {"wieghts": "linear"}}),
        Raises(ValueError, r"^statistics: 'cohen_kappa' has no option 'wieghts'"),
    ),
    "agreement_huge_category_count_weighted": (  # 3,000 distinct scores > MAX_CATEGORIES
        lambda t: ag.agreement(
            toy(rating={"human": np.arange(3000.0), "j": np.arange(3000.0)[::-1]}),
            statistics={"cohen_kappa": {"weights": "linear"}},
            **BOOT,
        ),
        Raises(ValueError, r"weights='linear' needs a 3000 x 3000 matrix: .*MAX_CATEGORIES"),
    ),
    "agreement_resolve_rule_unknown": (  # defect: the message said 'rule:'
        lambda t: ag.agreement(P10, resolve="majority"),
        Raises(ValueError, r"^resolve: expected one of \['per_order', 'fastchat'"),
    ),
    "agreement_ceiling_unknown": (
        lambda t: ag.agreement(P10, ceiling="max"),
        Raises(ValueError, r"^ceiling: expected one of \[True, False, 'mean', 'pooled'\]"),
    ),
    "agreement_ceiling_items_unknown": (
        lambda t: ag.agreement(P10, ceiling_items="some"),
        Raises(ValueError, r"^ceiling_items: expected one of"),
    ),
    "agreement_by_column_missing": (
        lambda t: ag.agreement(P10, by=["task"]),
        Raises(ValueError, r"^by: columns \['task'\] not in the table$"),
    ),
    "agreement_by_as_string": (  # defect: "by: columns ['t', 'a', 's', 'k']"
        lambda t: ag.agreement(P10, by="task"),
        Raises(ValueError, r"^by: columns \['task'\] not in the table$"),
    ),
    "agreement_by_twice": (  # defect: pandas 'Grouper for 'subset' not 1-dimensional'
        lambda t: ag.agreement(P10.assign(subset="s"), by=["subset", "subset"]),
        Raises(ValueError, r"^by: column\(s\) \['subset'\] listed more than once$"),
    ),
    "agreement_judges_as_string": (  # defect: "judges: not in the table: ['2']"
        lambda t: ag.agreement(P2J, judges="k2"),
        Raises(ValueError, r"^judges: not in the table: \['k2'\]$"),
    ),
    "agreement_judges_empty_list": (  # defect: an empty table
        lambda t: ag.agreement(P2J, judges=[]),
        Raises(ValueError, r"^judges: an empty list"),
    ),
    "agreement_judges_twice": (  # defect: every row doubled
        lambda t: ag.agreement(P2J, judges=["j", "j"]),
        Raises(ValueError, r"^judges: \['j'\] listed more than once$"),
    ),
    "agreement_reference_not_a_rater": (
        lambda t: ag.agreement(P10, reference="human:9"),
        Raises(ValueError, r"^reference: rater 'human:9' not in the table$"),
    ),
    "agreement_reference_others_without_annotators": (
        lambda t: ag.agreement(P2J, reference="others"),
        Raises(ValueError, r"^reference: 'others' needs items with at least two individual"),
    ),
    "agreement_cluster_column_with_na": (
        lambda t: ag.agreement(cell(P10.assign(c="x"), 0, "c", None), cluster="c", **BOOT),
        Raises(ValueError, r"^cluster: no cluster for item '0' \(1 rows\)$"),
    ),
    "agreement_cluster_column_missing": (
        lambda t: ag.agreement(P10, cluster="conversation"),
        Raises(ValueError, r"^cluster: column 'conversation' not in the table$"),
    ),
    "agreement_cluster_function_unhashable": (  # defect: TypeError: unhashable type: 'list'
        lambda t: ag.agreement(P10, cluster=lambda item: [item], **BOOT),
        Raises(ValueError, r"^cluster: the function returned an unhashable list"),
    ),
    "agreement_zero_resamples": (
        lambda t: ag.agreement(P10, n_resamples=0),
        Raises(ValueError, r"^n_resamples: expected a positive integer, got 0$"),
    ),
    "agreement_confidence_level_as_text": (  # defect: TypeError '<' between int and str
        lambda t: ag.agreement(P10, confidence_level="0.95", **BOOT),
        Raises(ValueError, r"^confidence_level: expected a number in \(0, 1\), got '0\.95'$"),
    ),
    "agreement_rng_float": (  # defect: numpy's 'SeedSequence expects int'
        lambda t: ag.agreement(P10, rng=1.5, **BOOT),
        Raises(ValueError, r"^rng: expected None, a non-negative integer or a numpy Generator"),
    ),
    "agreement_aggregate_unknown": (
        lambda t: ag.agreement(P10, aggregate="median"),
        Raises(ValueError, r"^aggregate: expected one of \[None, 'mean', 'pooled'\]"),
    ),
    # --- prepare
    "prepare_na_rater": (
        lambda t: ag.prepare(cell(P10, 8, "rater", None)),
        Raises(SchemaError, r"^df: row 8: field 'rater': missing \(NA\)$"),
    ),
    "prepare_empty_string_rater": (  # defect: "" was a judge
        lambda t: ag.prepare(where(P2J, "rater", "k", "")),
        Raises(SchemaError, r"^df: row 20: field 'rater': empty string"),
    ),
    "prepare_with_slice_wrong_length": (  # defect: pandas 'Length of values (2) does not match'
        lambda t: ag.prepare(P10).with_slice("s", lambda ids: ids.iloc[:2]).emit(**BOOT),
        Raises(ValueError, r"^values: expected one value per item \(10\), got \(2,\)"),
    ),
    "prepare_one_judge_unknown": (
        lambda t: ag.prepare(P10).one_judge("zz"),
        Raises(ValueError, r"^judge: 'zz' is not one of \['j'\]$"),
    ),
    # --- compare_judges
    "compare_same_judge_twice": (  # defect: a difference of 0 with interval [0, 0]
        lambda t: ag.compare_judges(P2J, "j", "j", **BOOT),
        Raises(ValueError, r"^judge_2: the same rater as judge_1 \('j'\)"),
    ),
    "compare_no_common_item": (  # defect: 'contributions: expected a non-empty 2-D array'
        lambda t: ag.compare_judges(
            toy(pairwise={"human": "AAB......", "j": "...ABA...", "k": "ABA......"}), "j", "k"
        ),
        Raises(ValueError, r"^judge_1, judge_2: no item .* on which 'j', 'k' and the reference"),
    ),
    "compare_judge_all_na": (  # defect: the same bootstrap crash
        lambda t: ag.compare_judges(where(P2J, "label", "k", None), "j", "k", **BOOT),
        Raises(ValueError, r"^judge_1, judge_2: no item"),
    ),
    "compare_tiny_sample": (  # defect: an interval on one item, and no note column
        lambda t: ag.compare_judges(P2J[P2J["item_id"] < "3"], "j", "k", **BOOT),
        NaNNote(
            "ci_low",
            r"^3 items: fewer than 10, no interval or test$",
            AgreementWarning,
            {"test": "paired bootstrap", "statistic": "percent_agreement"},
        ),
    ),
    "compare_constant_judge": (  # defect: NaN without a word
        lambda t: ag.compare_judges(
            toy(rating={"human": [1, 2, 3, 4] * 3, "j": [1, 2, 3, 3] * 3, "k": [3.0] * 12}),
            "j",
            "k",
            statistics=["pearson"],
            **BOOT,
        ),
        NaNNote("estimate", r"^pearson undefined for judge_2 on these pairs", AgreementWarning),
    ),
    "compare_adjust_unknown": (  # defect: the message said 'method:'
        lambda t: ag.compare_judges(P2J, "j", "k", adjust="sidak"),
        Raises(ValueError, r"^adjust: expected one of \['holm', 'fdr_bh', 'bonferroni'\]"),
    ),
    "compare_unknown_judge": (
        lambda t: ag.compare_judges(P2J, "j", "z"),
        Raises(ValueError, r"^judge_2: rater 'z' not in the table$"),
    ),
    "compare_by_as_string": (  # defect: split into characters
        lambda t: ag.compare_judges(P2J, "j", "k", by="task"),
        Raises(ValueError, r"^by: columns \['task'\] not in the table$"),
    ),
    # --- leaderboard
    "leaderboard_single_vote": (  # defect: an interval from one vote
        lambda t: ag.leaderboard(M10.iloc[[0]], **BOOT),
        NaNNote("ci_low", r"^1 items: fewer than 10, no interval$", AgreementWarning),
    ),
    "leaderboard_every_vote_a_tie": (  # defect: [1, 1] intervals
        lambda t: ag.leaderboard(M10.assign(label="tie"), **BOOT),
        NaNNote("rank_ci_low", r"^no interval: the resamples show no variation$", AgreementWarning),
    ),
    "leaderboard_model_against_itself": (  # defect: a silent self-battle
        lambda t: ag.leaderboard(M10.assign(model_b=M10["model_a"]), **BOOT),
        Raises(SchemaError, r"^df: row 0: field 'model_b': 'x' is also model_a"),
    ),
    "leaderboard_without_model_columns": (  # defect: 'no labelled pairwise rows' named no column
        lambda t: ag.leaderboard(P2J.drop(columns=["model_a", "model_b"]), **BOOT),
        Raises(SchemaError, r"^df: missing column\(s\) \['model_a', 'model_b'\]"),
    ),
    "leaderboard_binary_table": (
        lambda t: ag.leaderboard(B10),
        Raises(ValueError, r"^df: leaderboard needs the pairwise protocol$"),
    ),
    "leaderboard_confidence_level_2": (  # defect: numpy 'Quantiles must be in the range'
        lambda t: ag.leaderboard(M10, confidence_level=2, **BOOT),
        Raises(ValueError, r"^confidence_level: expected a number in \(0, 1\), got 2$"),
    ),
    "leaderboard_method_unknown": (
        lambda t: ag.leaderboard(M10, method="glicko", **BOOT),
        Raises(ValueError, r"^method: expected 'bradley_terry' or 'elo', got 'glicko'$"),
    ),
    # --- rank_correlation
    "rank_correlation_duplicate_model_rows": (  # defect: pandas 'truth value is ambiguous'
        lambda t: ag.rank_correlation(pd.concat([lb_without_attrs(LB), lb_without_attrs(LB)[:1]])),
        Raises(SchemaError, r"^leaderboard_df: rows 0 and 6: duplicate \(rater_group, model\)"),
    ),
    "rank_correlation_reference_group_only": (  # defect: an empty frame without columns
        lambda t: ag.rank_correlation(LB[LB["rater_group"] == "human"]),
        Raises(ValueError, r"^leaderboard_df: only the reference group 'human'"),
    ),
    "rank_correlation_nan_scores": (  # defect: NaN with an empty note
        lambda t: ag.rank_correlation(lb_without_attrs(LB).assign(score=np.nan)),
        NaNNote(
            "estimate",
            r"^no correlation: a ranking \(or score\) is constant or NaN",
            AgreementWarning,
            {"statistic": "spearman"},
        ),
    ),
    "rank_correlation_unknown_reference": (
        lambda t: ag.rank_correlation(LB, reference="gpt"),
        Raises(ValueError, r"^reference: rater_group 'gpt' not in the leaderboard$"),
    ),
    "rank_correlation_not_a_dataframe": (
        lambda t: ag.rank_correlation([1, 2]),
        Raises(SchemaError, r"^leaderboard_df: expected a pandas DataFrame, got list$"),
    ),
    "rank_correlation_confidence_level_5": (  # defect: numpy 'Quantiles must be in the range'
        lambda t: ag.rank_correlation(LB, confidence_level=5),
        Raises(ValueError, r"^confidence_level: expected a number in \(0, 1\), got 5$"),
    ),
}

# ---------------------------------------------------- cases: probes, disagreements, slicing

PROBES: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    "position_preference_item_ids_int_beside_str": (  # defect: no item in common, silently
        lambda t: probe("position_preference", mixed_item_ids(PW, "gpt-4/v")),
        Raises(SchemaError, r"^df: row 12: field 'item_id': 0 \(int\) beside '0' \(str\)"),
    ),
    "position_preference_all_na_labels": (
        lambda t: probe("position_preference", all_na_labels(PW)),
        NaNNote(
            "estimate",
            r"^no decisive \(A or B\) verdict$",
            bias.ProbeWarning,
            {"effect": "P(prefer first-presented | decisive)"},
        ),
    ),
    "position_preference_unparsed_option": (
        lambda t: probe("position_preference", PW, unparsed="keep"),
        Raises(ValueError, r"^unparsed: expected one of \['drop', 'as_verdict'\], got 'keep'$"),
    ),
    "length_preference_rng_text": (  # defect: numpy's SeedSequence TypeError
        lambda t: probe("length_preference", PW, reference="human", rng="seed"),
        Raises(ValueError, r"^rng: expected None, a non-negative integer or a numpy Generator"),
    ),
    "length_preference_empty_reference_list": (  # defect: "reference '': no items where..."
        lambda t: probe("length_preference", PW, reference=[]),
        Raises(ValueError, r"^reference: an empty list"),
    ),
    "style_preference_unknown_feature": (
        lambda t: probe("style_preference", PW, reference="human", features=["emoji"]),
        Raises(ValueError, r"^features: no item factor column\(s\) \['emoji_diff'\]"),
    ),
    "style_preference_empty_judge_list": (  # defect: an empty table without a warning
        lambda t: probe("style_preference", PW, judge=[], reference="human"),
        Raises(ValueError, r"^judge: an empty list"),
    ),
    "length_regression_confidence_level_text": (  # defect: TypeError '<' int and str
        lambda t: probe("length_regression", PW, reference="human", confidence_level="95%"),
        Raises(ValueError, r"^confidence_level: expected a number in \(0, 1\), got '95%'$"),
    ),
    "style_regression_zero_scale": (  # defect: a division by zero in the covariate
        lambda t: probe("style_regression", PW, reference="human", covariates={"words_diff": 0}),
        Raises(ValueError, r"^covariates: scale of 'words_diff': expected a positive number"),
    ),
    "style_regression_pooled_text": (  # defect: any truthy value accepted
        lambda t: probe("style_regression", PW, reference="human", pooled="no"),
        Raises(ValueError, r"^pooled: expected one of \[True, False\], got 'no'$"),
    ),
    "self_preference_empty_table": (  # was "judge: the table has no LLM judge"
        lambda t: probe("self_preference", PW.iloc[:0]),
        Raises(SchemaError, r"^df: the table has no rows"),
    ),
    "self_preference_judge_twice": (  # defect: every row doubled
        lambda t: probe("self_preference", PW, judge=["gpt-4/v", "gpt-4/v"], reference="human"),
        Raises(ValueError, r"^judge: \['gpt-4/v'\] listed more than once$"),
    ),
    "leniency_all_na_labels": (  # defect: an empty table and no warning
        lambda t: probe("leniency", where(BI, "label", "gpt-4/v", None), ranking=False),
        NaNNote("estimate", rf"^{re.escape(bias.NO_USABLE_VERDICT)}$", bias.ProbeWarning),
    ),
    "leniency_all_na_labels_named_judge": (  # defect: 'no result'
        lambda t: probe("leniency", where(BI, "label", "gpt-4/v", None), judge="gpt-4/v"),
        Raises(ValueError, r"^leniency: judge 'gpt-4/v': no verdict of this judge the probe"),
    ),
    "leniency_ranking_text": (  # defect: any truthy value accepted
        lambda t: probe("leniency", BI, ranking="yes"),
        Raises(ValueError, r"^ranking: expected one of \[True, False\], got 'yes'$"),
    ),
    "leniency_pairwise_rows": (
        lambda t: probe("leniency", PW),
        NaNNote(
            "estimate",
            r"^leniency handles binary judgments; this judge has pairwise rows$",
            bias.ProbeWarning,
        ),
    ),
    "rating_offset_inf_score": (
        lambda t: probe("rating_offset", cell(RA, 14, "score", -np.inf)),
        Raises(SchemaError, r"^df: row 14: field 'score': -inf is not a finite number"),
    ),
    "rating_offset_by_column_missing": (
        lambda t: probe("rating_offset", RA, by="task"),
        Raises(SchemaError, r"^by: missing column\(s\) \['task'\]"),
    ),
    "rating_offset_all_na_scores": (
        lambda t: probe("rating_offset", where(RA, "score", "gpt-4/v", None)),
        NaNNote("estimate", r"^no scores: 'score' is NA on every rating row", bias.ProbeWarning),
    ),
    "disagreements_unit_unknown": (
        lambda t: bias.disagreements(PW, unit="tokens"),
        Raises(ValueError, r"^unit: expected one of \['words', 'chars'\], got 'tokens'$"),
    ),
    "disagreements_named_judge_without_overlap": (
        lambda t: bias.disagreements(
            toy(pairwise={"human": "AAB...", "j": "...ABA"}), judge="j", reference="human"
        ),
        Raises(ValueError, r"^disagreements: judge 'j': no item with both a parsed verdict"),
    ),
    "disagreements_rating_table": (
        lambda t: bias.disagreements(RA, reference="human"),
        Raises(
            ValueError, r"^disagreements: expected .* all pairwise or all binary, got \['rating'\]"
        ),
    ),
    "slice_agreement_by_list": (
        lambda t: slicing.slice_agreement(PW.assign(subset="s"), by=["subset"]),
        Raises(ValueError, r"^by: expected one column of df, got \['subset'\]$"),
    ),
    "slice_agreement_correction_unknown": (  # defect: checked after every slice
        lambda t: slicing.slice_agreement(PW.assign(subset="s"), correction="sidak"),
        Raises(ValueError, r"^correction: expected one of \['holm', 'fdr_bh', 'bonferroni'\]"),
    ),
    "slice_probe_unknown_probe": (
        lambda t: slicing.slice_probe(PW.assign(subset="s"), "positional"),
        Raises(ValueError, r"^probe: unknown probe 'positional'; known: \["),
    ),
    "adjust_p_value_above_one": (  # defect: silently clipped to 1
        lambda t: slicing.adjust(pd.DataFrame({"judge": ["a", "a"], "p_value": [0.5, 2.0]})),
        Raises(ValueError, r"^table: row 1: field 'p_value': 2\.0 is not a probability"),
    ),
    "adjust_family_column_missing": (  # defect: ignored, one family of everything
        lambda t: slicing.adjust(
            pd.DataFrame({"judge": ["a", "b"], "p_value": [0.5, 0.1]}), family=["probe"]
        ),
        Raises(SchemaError, r"^family: missing column\(s\) \['probe'\]"),
    ),
    "add_bins_edges_with_nan": (  # defect: pandas 'bins must increase monotonically'
        lambda t: slicing.add_bins(PW, edges=[0, np.nan, 5]),
        Raises(ValueError, r"^edges: expected at least two increasing values, got \[0, nan, 5\]$"),
    ),
    "add_bins_without_texts": (  # defect: a bin column NA everywhere, without a word
        lambda t: slicing.add_bins(PW.drop(columns=["response_a", "response_b"])),
        Raises(ValueError, r"^factor: 'words_diff' is NA on every row"),
    ),
    "add_bins_zero_quantiles": (
        lambda t: slicing.add_bins(PW, q=0),
        Raises(ValueError, r"^q: expected a positive integer, got 0$"),
    ),
}

# -------------------------------------------------------- cases: array-level statistics

BIG = [str(i) for i in range(30_000)]
WEIGHTS_DATA = [[1, 2], [2, 2], [3, 1]]  # 3 items x 2 raters, categories 1, 2, 3


def ac2(weights: Any) -> float:
    return stats.gwet_ac2(WEIGHTS_DATA, weights=weights, categories=[1, 2, 3])


PROBES.update(
    {
        "self_consistency_fractional_sample": (
            lambda t: probe("self_consistency", PW.assign(sample=0.5)),
            Raises(SchemaError, r"^df: row 0: field 'sample': 0.5 is not an integer >= 0"),
        ),
        "self_consistency_repeated_sample": (
            lambda t: probe(
                "self_consistency",
                pd.concat([PW, PW.iloc[[0]]], ignore_index=True).assign(sample=1),
            ),
            Raises(SchemaError, r"^df: rows \[0, 36\]: duplicate key .*'sample'"),
        ),
        "self_consistency_one_run": (
            lambda t: probe("self_consistency", PW),
            NaNNote(
                "estimate", r"^no judgment with two or more parsed samples$", bias.ProbeWarning
            ),
        ),
        "calibration_without_probability": (
            lambda t: probe("calibration", PW, reference="human"),
            Raises(SchemaError, r"^df: missing column\(s\) \['probability'\]"),
        ),
        "calibration_probability_above_one": (
            lambda t: probe("calibration", PW.assign(probability=1.5), reference="human"),
            Raises(
                SchemaError,
                r"^df: row 0: field 'probability': 1.5 is not a probability in \[0, 1\]",
            ),
        ),
        "calibration_all_na_probability": (
            lambda t: probe("calibration", PW.assign(probability=np.nan), reference="human"),
            Raises(
                ValueError,
                r"^calibration: reference 'human': no verdict of this judge the probe could use",
            ),
        ),
        "circular_triads_no_prompt": (
            lambda t: probe("circular_triads", PW),
            Raises(ValueError, r"^group: row 0: field 'prompt' is NA"),
        ),
        "circular_triads_two_models": (
            lambda t: probe("circular_triads", PW, group=None, reference=None),
            NaNNote(
                "estimate", r"^no triad of systems with three decided pairs$", bias.ProbeWarning
            ),
        ),
        "implied_preferences_pairwise_rows": (
            lambda t: probe("implied_preferences", PW, reference="human", group=None),
            Raises(
                ValueError, r"^implied_preferences: reference 'human': no verdict of this judge"
            ),
        ),
        "mitigation_effects_unknown_mitigation": (
            lambda t: probe("mitigation_effects", PW, reference="human", mitigations=["bogus"]),
            Raises(
                ValueError,
                r"^mitigations: expected values from \['bpc', 'swap_and_tie', 'mec'\], got \['bogus'\]$",
            ),
        ),
        "mitigation_effects_no_orders": (
            lambda t: probe(
                "mitigation_effects",
                PW[PW["order"].ne("BA").to_numpy()].assign(order=None),
                reference="human",
            ),
            NaNNote("estimate", r"^no presentation order on this judge's rows", bias.ProbeWarning),
        ),
    }
)


STATS: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    "cohen_kappa_mismatched_lengths": (
        lambda t: stats.cohen_kappa(["A", "B", "A"], ["A", "B"]),
        Raises(ValueError, r"^rater_1 and rater_2 must have the same length, got 3 and 2$"),
    ),
    "percent_agreement_empty": (lambda t: stats.percent_agreement([], []), IsNaN()),
    "brennan_prediger_empty": (  # defect: ZeroDivisionError
        lambda t: stats.brennan_prediger([], []),
        IsNaN(),
    ),
    "brennan_prediger_all_missing": (  # defect: ZeroDivisionError
        lambda t: stats.brennan_prediger([None, None], [np.nan, None]),
        IsNaN(),
    ),
    "krippendorff_alpha_all_missing": (
        lambda t: stats.krippendorff_alpha([[np.nan, np.nan]] * 3),
        IsNaN(),
    ),
    "percent_agreement_mixed_label_kinds": (
        lambda t: stats.percent_agreement(["A", 1], ["A", 1]),
        Raises(ValueError, r"^rater_1 mixes label types: string 'A' \(position 0\) and number 1"),
    ),
    "gwet_ac2_weights_not_square": (
        lambda t: ac2(np.ones((3, 2))),
        Raises(ValueError, r"^weights must be a 3 x 3 array for 3 categories, got \(3, 2\)$"),
    ),
    "gwet_ac2_weights_not_symmetric": (
        lambda t: ac2([[1, 0.5, 0], [0, 1, 0.5], [0, 0.5, 1]]),
        Raises(
            ValueError, r"^weights must be symmetric: weights\[0, 1\] = 0\.5 but weights\[1, 0\]"
        ),
    ),
    "gwet_ac2_weights_above_one": (
        lambda t: ac2([[1, 2, 0], [2, 1, 0.5], [0, 0.5, 1]]),
        Raises(ValueError, r"^weights must be in \[0, 1\]: weights\[0, 1\] = 2\.0$"),
    ),
    "gwet_ac2_weights_diagonal": (
        lambda t: ac2([[0.5, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]]),
        Raises(ValueError, r"^weights must have ones on the diagonal: weights\[0, 0\] = 0\.5$"),
    ),
    "gwet_ac2_named_weights_on_an_infinite_category": (  # defect: a NaN AC2
        lambda t: stats.gwet_ac2([[1, np.inf], [2, 2], [3, 3]]),
        Raises(ValueError, r"^weights='quadratic' needs finite category values, got inf"),
    ),
    "cohen_kappa_30000_categories_weighted": (
        lambda t: stats.cohen_kappa(BIG, BIG[::-1], weights="linear"),
        Raises(ValueError, r"30000 categories exceed MAX_CATEGORIES = 2000"),
    ),
    "cohen_kappa_30000_categories": (
        # no item agrees (30,000 is even); p_e = 30,000 / 30,000**2: kappa = -1 / 29,999
        lambda t: stats.cohen_kappa(BIG, BIG[::-1]),
        Equals(-1 / 29_999),
    ),
    "pearson_1e300": (  # the same correlation as on 1, 2, 3 (scale-free)
        lambda t: stats.pearson([1e300, 2e300, 3e300], [1, 2, 4]),
        Equals(float(np.corrcoef([1, 2, 3], [1, 2, 4])[0, 1]), rel=1e-12),
    ),
    "pearson_infinite_score": (  # defect: NaN without a word
        lambda t: stats.pearson([1, np.inf, 3], [1, 2, 3]),
        Raises(ValueError, r"^rater_1: inf at position 1 is not a finite score"),
    ),
    "spearman_infinite_score": (  # defect: inf ranked last, a correlation of 0.5
        lambda t: stats.spearman([1, 2, 3], [1, -np.inf, 3]),
        Raises(ValueError, r"^rater_2: -inf at position 1 is not a finite score"),
    ),
    "icc_infinite_score": (  # defect: NaN without a word
        lambda t: stats.icc([[1, np.inf], [2, 2], [3, 3]]),
        Raises(ValueError, r"inf at position \[0, 1\] is not a finite score"),
    ),
    "pearson_systems_wrong_length": (
        lambda t: stats.pearson([1, 2, 3], [1, 2, 4], level="system", systems=["a", "b"]),
        Raises(ValueError, r"^systems must have one label per item \(3\), got 2$"),
    ),
    "fleiss_kappa_one_dimensional": (
        lambda t: stats.fleiss_kappa([1, 2, 3]),
        Raises(ValueError, r"^matrix must be a 2-D items x raters array, got shape \(3,\)$"),
    ),
    "icc_form_unknown": (
        lambda t: stats.icc([[1, 2], [2, 3]], form="ICC9"),
        Raises(ValueError, r"^form must be one of \('ICC1', .*got 'ICC9'$"),
    ),
}

# ------------------------------------------------------------ cases: the annotation store

ITEM = {"dataset": "toy", "item_id": "1", "cause": "label_noise", "annotator": "ann"}


def store(t: Any) -> AnnotationStore:
    return AnnotationStore(t.tmp / "store.sqlite")


def import_with_line_57(t: Any, change: Callable[[bytes], bytes]) -> int:
    """Export 100 annotations, change line 57, import into a new store: nothing is written."""
    source = AnnotationStore(t.tmp / "source.sqlite")
    for i in range(100):
        source.add(**{**ITEM, "item_id": str(i)})
    source.export(t.tmp / "events.jsonl", format="jsonl")
    lines = (t.tmp / "events.jsonl").read_bytes().split(b"\n")
    assert len([x for x in lines if x]) == 100
    lines[56] = change(lines[56])
    (t.tmp / "bad.jsonl").write_bytes(b"\n".join(lines))
    target = AnnotationStore(t.tmp / "target.sqlite")
    try:
        return target.import_jsonl(t.tmp / "bad.jsonl")
    finally:  # all or nothing: the 56 good lines before it are not written either
        assert len(target.current(include_withdrawn=True)) == 0


def set_key(path: list[str], value: Any) -> Callable[[bytes], bytes]:
    def change(line: bytes) -> bytes:
        event = json.loads(line)
        target = event
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(event).encode()

    return change


def damaged_store(t: Any) -> AnnotationStore:
    """A store of 300 annotations with its fifth page overwritten."""
    s = AnnotationStore(t.tmp / "good.sqlite")
    for i in range(300):
        s.add(**{**ITEM, "item_id": str(i), "note": "n" * 200})
    s.close()
    raw = bytearray((t.tmp / "good.sqlite").read_bytes())
    raw[4 * 4096 : 5 * 4096] = b"\x07" * 4096
    (t.tmp / "bad.sqlite").write_bytes(bytes(raw))
    return AnnotationStore(t.tmp / "bad.sqlite")


def other_sqlite(t: Any) -> AnnotationStore:
    with contextlib.closing(sqlite3.connect(t.tmp / "other.sqlite")) as con:
        con.execute("create table x(a)")
        con.commit()
    return AnnotationStore(t.tmp / "other.sqlite")


def garbage_file(t: Any) -> AnnotationStore:
    (t.tmp / "garbage.sqlite").write_bytes(b"not a database " * 100)
    return AnnotationStore(t.tmp / "garbage.sqlite")


def edited_dataset(t: Any) -> None:
    s = store(t)
    s.edit(s.add(**ITEM), annotator="bob", dataset="other")


STORE: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    "store_item_id_int": (
        lambda t: store(t).add(**{**ITEM, "item_id": 7}),
        Raises(ValueError, r"^item_id: expected a string, got int 7$"),
    ),
    "store_note_nul": (
        lambda t: store(t).add(**ITEM, note="a\x00b"),
        Raises(ValueError, r"^note: contains a NUL character \(U\+0000\) at position 1"),
    ),
    "store_dataset_lone_surrogate": (
        lambda t: store(t).add(**{**ITEM, "dataset": "\udcff"}),
        Raises(ValueError, r"^dataset: contains a lone surrogate U\+DCFF at position 0"),
    ),
    "store_bias_tags_string": (
        lambda t: store(t).add(**ITEM, bias_tags="verbosity"),
        Raises(ValueError, r"^bias_tags: expected a list of strings, got str 'verbosity'$"),
    ),
    "store_cause_unknown": (
        lambda t: store(t).add(**{**ITEM, "cause": "noise"}),
        Raises(ValueError, r"^cause: 'noise' is not one of \['judge_wrong'"),
    ),
    "store_edit_fixed_field": (
        edited_dataset,
        Raises(ValueError, r"^dataset: cannot be edited"),
    ),
    "store_import_line_57_item_id_int": (
        lambda t: import_with_line_57(t, set_key(["payload", "set", "item_id"], 57)),
        Raises(LoadError, r"bad\.jsonl: record line 57: field 'payload\.set\.item_id': expected"),
    ),
    "store_import_line_57_not_json": (
        lambda t: import_with_line_57(t, lambda line: line[:40]),
        Raises(LoadError, r"bad\.jsonl: record line 57: field '\(line\)': not JSON"),
    ),
    "store_import_line_57_invalid_utf8": (
        lambda t: import_with_line_57(t, lambda line: line.replace(b'"ann"', b'"an\xff"')),
        Raises(LoadError, r"bad\.jsonl: record line 57: field '\(line\)': not UTF-8: byte 0xff"),
    ),
    "store_import_line_57_nan": (
        lambda t: import_with_line_57(t, lambda line: line.replace(b'"note":""', b'"note":NaN')),
        Raises(LoadError, r"bad\.jsonl: record line 57: field '\(line\)': NaN is not a JSON value"),
    ),
    "store_damaged_page": (
        damaged_store,
        Raises(AnnotationStoreError, r"bad\.sqlite is damaged"),
    ),
    "store_garbage_file": (
        garbage_file,
        Raises(AnnotationStoreError, r"garbage\.sqlite is not a readable SQLite annotation store"),
    ),
    "store_other_sqlite_file": (
        other_sqlite,
        Raises(AnnotationStoreError, r"other\.sqlite is a SQLite file but not an annotation store"),
    ),
    "store_exclude_judgments_not_a_dataframe": (
        lambda t: exclude(P10.to_dict("records"), store(t).current()),
        Raises(SchemaError, r"judgments: expected a pandas DataFrame"),
    ),
}
XFAIL: dict[str, str] = {}

# ------------------------------------------------------------------ cases: command line


def cli(*argv: str) -> Callable[[Any], tuple[int, str]]:
    def run(t: Any) -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main([a.replace("{tmp}", str(t.tmp)) for a in argv])
            except SystemExit as stop:
                code = stop.code
        return code, err.getvalue()

    return run


CLI: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    "cli_unknown_dataset": (  # defect: a ValueError traceback
        cli("load", "llmbarr"),
        Exits(1, r"^workbench load: error: name: unknown dataset 'llmbarr'; known: \["),
    ),
    "cli_negative_head": (  # defect: printed all rows but the last three
        cli("load", "pandalm", "--head", "-3"),
        Exits(2, r"argument --head: expected an integer >= 0, got -3"),
    ),
    "cli_out_not_a_table_file": (  # defect: wrote parquet into x.txt
        cli("load", "pandalm", "--out", "{tmp}/x.txt"),
        Exits(2, r"argument --out: expected a file name ending in one of \[.\.csv., .\.parquet., .\.jsonl., .\.xlsx.\], got .*x\.txt"),
    ),
    "cli_out_in_missing_folder": (  # defect: an OSError traceback
        cli("load", "pandalm", "--out", "{tmp}/no/such/folder/x.csv"),
        Exits(1, r"^workbench load: error: .*non-existent directory"),
    ),
    "cli_zero_resamples": (  # defect: a ValueError traceback
        cli("overview", "--n-resamples", "0"),
        Exits(2, r"argument --n-resamples: expected an integer >= 1, got 0"),
    ),
    "cli_unknown_figure": (  # defect: KeyError: 'nope'
        cli("reproduce", "--only", "nope", "--out", "{tmp}"),
        Exits(1, r"^workbench reproduce: error: --only: unknown figure\(s\) \['nope'\]"),
    ),
    "cli_unknown_command": (
        cli("frobnicate"),
        Exits(2, r"argument COMMAND: invalid choice: 'frobnicate'"),
    ),
    "cli_unknown_flag": (
        cli("datasets", "--bogus"),
        Exits(2, r"unrecognized arguments: --bogus"),
    ),
}

# ---------------------------------------------- cases: loaders on small corrupted files


def write_json(path: Path, data: Any, text: Callable[[str], str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(data, indent=1)
    path.write_text(text(body) if text else body)
    return path


def pandalm_files(t: Any, edit: Callable[[dict], None] | None = None, text=None) -> dict:
    """PandaLM's three JSON arrays, three items (fields as upstream)."""
    item = {"motivation_app": "Grammarly", "cmp_key": "bloom-7b_llama-7b", "input": ""}
    votes = {"annotator1": 1, "annotator2": 2, "annotator3": 1}  # majority: response 1
    data = {
        pandalm.TESTSET: [
            {"idx": i, **item, "instruction": f"Cut {i}.", "response1": "A", "response2": "A b"}
            | votes
            for i in range(3)
        ],
        pandalm.GPT: [
            {"idx": i, "gpt_result": "1", "gpt_reason": "Shorter.", "gpt_reference": "Short."}
            for i in range(3)
        ],
        pandalm.PANDALM: [
            {"idx": i, "pandalm_result": 0, "pandalm_reason": "Same.", "pandalm_reference": "."}
            for i in range(3)
        ],
    }
    if edit:
        edit(data)
    name, change = text or (None, None)
    return {
        p: write_json(t.tmp / p, records, change if p == name else None)
        for p, records in data.items()
    }


def arena_files(t: Any, name: str = "", line: int = 0, key: str = "", value: Any = None):
    """Arena battles: the human file and three judge files, three battles each (JSON Lines)."""
    t.mp.setattr(arena_judges, "RECORDS", 3)
    models = [("vicuna-13b", "koala-13b"), ("gpt-4", "claude-v1"), ("alpaca-13b", "palm-2")]
    files = {}
    for f in arena_judges.FILES:
        records = [
            {"num": 2 * i, "question_id": f"q{i}", "model_a": a, "model_b": b, "winner": w}
            for i, ((a, b), w) in enumerate(zip(models, ["model_a", "model_b", "tie"], strict=True))
        ]
        if f == name:
            records[line - 1][key] = value
        files[f] = t.tmp / f
        files[f].parent.mkdir(parents=True, exist_ok=True)
        files[f].write_text("".join(json.dumps(r) + "\n" for r in records))
    return arena_judges.parse(files)


LLMBAR_DATA = "Dataset/LLMBar/Natural/dataset.json"
LLMBAR_RESULT = "Dataset/LLMBar/Natural/evaluators/GPT-4/Vanilla_NoRules/result.json"


def llmbar_files(t: Any, edit: Callable[[dict], None]) -> pd.DataFrame:
    """LLMBar Natural with one judge x strategy, two items (both presentation orders)."""
    items = [
        {"input": f"Say {w}.", "output_1": w, "output_2": w.upper(), "label": k}
        for w, k in (("hi", 1), ("yes", 2))
    ]
    verdict = {
        "swap = False": {"completion": ["Output (a)", "stop"], "winner": "1"},
        "swap = True": {"completion": ["Output (b)", "stop"], "winner": "2"},
    }
    data = {
        LLMBAR_DATA: items,
        LLMBAR_RESULT: [{**it, "results": [json.loads(json.dumps(verdict))]} for it in items],
    }
    edit(data)
    return llmbar.parse({p: write_json(t.tmp / p, recs) for p, recs in data.items()})


def llmfao_copy(t: Any, name: str, change: Callable[[str], str]) -> pd.DataFrame:
    """The staged LLMFAO files copied to tmp_path, ``name`` changed (a ~3 s parse)."""
    folder = t.mirror / llmfao.SOURCE.folder
    files = {}
    for f in llmfao.FILES:
        files[f] = t.tmp / f
        if f == name:
            files[f].write_text(change((folder / f).read_text()))
        else:
            shutil.copyfile(folder / f, files[f])
    return llmfao.parse(files)


def line_edit(number: int, old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        lines = text.split("\n")
        assert old in lines[number - 1], (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        return "\n".join(lines)

    return change


def put(name: str, index: int, key: str, value: Any) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        data[name][index][key] = value

    return edit


def drop_key(name: str, index: int, key: str) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        del data[name][index][key]

    return edit


def replace_record(name: str, index: int, value: Any) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        data[name][index] = value

    return edit


def wrap_in_object(data: dict) -> None:
    data[pandalm.GPT] = {"records": data[pandalm.GPT]}


def drop_swapped_run(data: dict) -> None:
    del data[LLMBAR_RESULT][0]["results"][-1]["swap = True"]


T, G = pandalm.TESTSET, pandalm.GPT
LOADERS: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    "pandalm_duplicate_idx": (
        lambda t: pandalm.parse(pandalm_files(t, put(T, 1, "idx", 0))),
        Raises(LoadError, rf"^{T}: record 1: field 'idx': duplicate id 0 \(first at record 0\)"),
    ),
    "pandalm_judge_file_not_aligned": (
        lambda t: pandalm.parse(pandalm_files(t, put(G, 2, "idx", 9))),
        Raises(LoadError, rf"^{G}: record 2: field 'idx': does not align with {T}"),
    ),
    "pandalm_missing_annotator_key": (
        lambda t: pandalm.parse(pandalm_files(t, drop_key(T, 1, "annotator2"))),
        Raises(LoadError, rf"^{T}: record 1 \(idx=1\): field 'annotator2': missing"),
    ),
    "pandalm_label_as_text": (
        lambda t: pandalm.parse(pandalm_files(t, put(T, 0, "annotator1", "1"))),
        Raises(LoadError, rf"^{T}: record 0: field 'annotator1': unexpected value '1'"),
    ),
    "pandalm_record_not_an_object": (
        lambda t: pandalm.parse(pandalm_files(t, replace_record(T, 1, [1, 2]))),
        Raises(LoadError, rf"^{T}: record 1: field '-': expected an object, got list"),
    ),
    "pandalm_top_level_object": (
        lambda t: pandalm.parse(pandalm_files(t, wrap_in_object)),
        Raises(LoadError, rf"^{G}: record -: field '-': expected a JSON array, got dict"),
    ),
    "pandalm_utf8_byte_order_mark": (
        lambda t: pandalm.parse(pandalm_files(t, text=(G, lambda s: "\ufeff" + s))),
        Raises(LoadError, rf"^{G}: record line 1: field '-': invalid JSON: Unexpected UTF-8 BOM"),
    ),
    "arena_duplicate_battle_number": (
        lambda t: arena_files(t, arena_judges.HUMAN, 2, "num", 0),
        Raises(LoadError, r"^data/human\.json: record line 2: field 'num': duplicate id 0"),
    ),
    "arena_null_question_id": (
        lambda t: arena_files(t, arena_judges.HUMAN, 3, "question_id", None),
        Raises(LoadError, r"^data/human\.json: record line 3: field 'question_id': .*got null"),
    ),
    "arena_judge_file_not_aligned": (
        lambda t: arena_files(t, arena_judges.JUDGES["gpt-3.5-turbo"], 2, "model_a", "x"),
        Raises(
            LoadError,
            r"^data/gpt-3\.5-turbo\.json: record line 2: field 'model_a': 'x' does not align",
        ),
    ),
    "arena_winner_an_object": (
        lambda t: arena_files(t, arena_judges.HUMAN, 1, "winner", {"a": 1}),
        Raises(LoadError, r"^data/human\.json: record line 1: field 'winner': unexpected value"),
    ),
    "llmbar_gold_label_3": (
        lambda t: llmbar_files(t, put(LLMBAR_DATA, 0, "label", 3)),
        Raises(LoadError, rf"^{LLMBAR_DATA}: record 0: field 'label': unexpected value 3"),
    ),
    "llmbar_no_generation_step": (
        lambda t: llmbar_files(t, put(LLMBAR_RESULT, 1, "results", [])),
        Raises(LoadError, rf"^{LLMBAR_RESULT}: record 1: field 'results': expected a list of 1"),
    ),
    "llmbar_result_input_differs": (
        lambda t: llmbar_files(t, put(LLMBAR_RESULT, 0, "input", "Say bye.")),
        Raises(LoadError, rf"^{LLMBAR_RESULT}: record 0: field 'input': does not match"),
    ),
    "llmbar_swapped_run_missing": (
        lambda t: llmbar_files(t, drop_swapped_run),
        Raises(
            LoadError,
            rf"^{LLMBAR_RESULT}: record 0: field \"results\[-1\]\['swap = True'\]\": missing",
        ),
    ),
    "llmfao_worker_not_an_integer": (
        lambda t: llmfao_copy(t, llmfao.CROWD, line_edit(2, ",58,tie,", ",w58,tie,")),
        Raises(LoadError, r"^crowd-comparisons\.csv: record line 2 \(id=0\): field 'worker'"),
    ),
    "llmfao_worker_votes_twice": (
        lambda t: llmfao_copy(t, llmfao.CROWD, line_edit(3, ",83,tie,", ",58,tie,")),
        Raises(LoadError, r"^crowd-comparisons\.csv: .*field 'worker': worker 58 voted twice"),
    ),
    "llmfao_model_id_unknown": (
        lambda t: llmfao_copy(t, llmfao.MODELS, line_edit(1, '{"id":97,', '{"id":997,')),
        Raises(LoadError, r"^models\.jsonl: record gpt4-comparisons\.csv line 2 .*'model_x'"),
    ),
}

# ------------------------------------------------------------------------------- the test

CASES: dict[str, tuple[Callable[[Any], Any], Expectation]] = {
    **TIDY,
    **PROBES,
    **STATS,
    **STORE,
    **CLI,
    **LOADERS,
}
assert len(CASES) == len(TIDY) + len(PROBES) + len(STATS) + len(STORE) + len(CLI) + len(LOADERS)


def _params() -> list[Any]:
    marks = {name: pytest.mark.xfail(strict=True, reason=why) for name, why in XFAIL.items()}
    return [pytest.param(name, marks=marks.get(name, ()), id=name) for name in CASES]


@pytest.fixture
def ctx(tmp_path, monkeypatch, mirror) -> SimpleNamespace:
    """What a builder may use: a temporary folder, monkeypatch, the staged mirror."""
    return SimpleNamespace(tmp=tmp_path, mp=monkeypatch, mirror=mirror)


def _check_nan_note(result: pd.DataFrame, expect: NaNNote) -> None:
    assert isinstance(result, pd.DataFrame) and len(result), result
    rows = result
    for column, value in expect.where.items():
        rows = rows[rows[column] == value]
    assert len(rows), f"no row with {expect.where}:\n{result}"
    values = pd.to_numeric(rows[expect.column]).to_numpy(dtype=float)
    assert np.isnan(values).all(), rows[[expect.column, "note"]]
    for note in rows["note"]:
        assert re.search(expect.note, str(note)), (note, expect.note)


@pytest.mark.parametrize("name", _params())
def test_bad_input(name, ctx):
    build, expect = CASES[name]
    if isinstance(expect, Raises):
        with pytest.raises(expect.error) as info:
            build(ctx)
        # exactly the documented type: a SchemaError where ValueError is expected says more
        # than documented, and the reverse less
        assert type(info.value) is expect.error, f"{type(info.value).__name__}: {info.value}"
        assert re.search(expect.match, str(info.value)), str(info.value)
    elif isinstance(expect, NaNNote):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = build(ctx)
        _check_nan_note(result, expect)
        ours = [w for w in caught if issubclass(w.category, expect.warning)]
        assert len(ours) == 1, [str(w.message) for w in caught]
    elif isinstance(expect, IsNaN):
        value = build(ctx)
        assert isinstance(value, float) and np.isnan(value), value
    elif isinstance(expect, Equals):
        assert build(ctx) == pytest.approx(expect.value, rel=expect.rel)
    else:
        code, stderr = build(ctx)
        assert code == expect.code, stderr
        assert re.search(expect.match, stderr, flags=re.MULTILINE), stderr
        assert "Traceback" not in stderr


def test_the_corpus_has_at_least_80_cases_across_every_group():
    assert len(CASES) >= 80
    assert min(map(len, (TIDY, PROBES, STATS, STORE, CLI, LOADERS))) >= 8
    for name in [*bias.PROBES, "disagreements"]:  # every probe has cases of its own
        assert any(case.startswith(f"{name}_") for case in PROBES), name
