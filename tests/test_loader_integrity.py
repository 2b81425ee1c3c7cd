"""Data integrity of the loaders: corrupted raw files, a tampered parsed cache, a silent edit.

Each bad-input case writes a small file in the dataset's upstream format to ``tmp_path``
(three records, built below), corrupts one thing, and asserts the
:class:`~workbench.schema.LoadError` and its locator: the file, the record and the field
(``'-'`` where the fault is the whole file or record). Loaders check the record count
SOURCE.md publishes (``RECORDS``); the small fixtures set it to their own size. A few
cases edit a copy of the real file where a small fixture would be artificial (HANNA's
96-story lists, ICE-Score's 13 aligned files).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import workbench
from workbench.errors import CacheWarning
from workbench.fetch import ChecksumError, fetch
from workbench.loaders import (
    alpaca_eval,
    arena_judges,
    hanna,
    ice_score,
    judging_the_judges,
    llmbar,
    llmeval2,
    mt_bench,
    pandalm,
    parsed_cache,
    raw,
)
from workbench.loaders.mt_bench_demo import SCHEMA, gpt4_records, human_records, write_records
from workbench.schema import LoadError


def _raises(parse: Callable[[], object], file: str, record: object, field: str, problem: str):
    """Run ``parse``; assert a LoadError with this locator whose message names all three."""
    with pytest.raises(LoadError, match=problem) as info:
        parse()
    exc = info.value
    assert (exc.file, exc.record, exc.field) == (file, record, field)
    assert str(exc).startswith(f"{file}: record {record}: field {field!r}: ")
    return exc


def _write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path


# ------------------------------------------------------------------------- PandaLM (JSON)


def _pandalm(i: int) -> dict[str, dict]:
    return {
        pandalm.TESTSET: {
            "idx": i,
            "motivation_app": "Grammarly",
            "cmp_key": "bloom-7b_llama-7b",
            "instruction": f"Shorten sentence {i}.",
            "input": "",
            "response1": f"Short {i}.",
            "response2": f"A short sentence {i}.",
            "annotator1": 1,
            "annotator2": 2,
            "annotator3": 1,
        },
        pandalm.GPT: {
            "idx": i,
            "gpt_result": "1",
            "gpt_reason": "Shorter.",
            "gpt_reference": "Short.",
        },
        pandalm.PANDALM: {
            "idx": i,
            "pandalm_result": 0,
            "pandalm_reason": "Similar.",
            "pandalm_reference": "Short.",
        },
    }


def _pandalm_files(tmp_path: Path, edit=None, text_edit=None) -> dict[str, Path]:
    data = {p: [_pandalm(i)[p] for i in range(3)] for p in pandalm.FILES}
    if edit is not None:
        edit(data)
    files = {p: _write_json(tmp_path / p, recs) for p, recs in data.items()}
    if text_edit is not None:
        name, change = text_edit
        files[name].write_text(change(files[name].read_text()))
    return files


def _set(name: str, i: int, key: str, value):
    def edit(data):
        data[name][i][key] = value

    return edit


PANDALM_CASES = {
    # id: (edit, file, record, field, problem)
    "float_id": (
        _set(pandalm.TESTSET, 1, "idx", 1.0),
        pandalm.TESTSET,
        "1 (idx=1.0)",
        "idx",
        r"expected an integer, got 1\.0 \(a float\)",
    ),
    "boolean_id": (
        _set(pandalm.GPT, 2, "idx", True),
        pandalm.GPT,
        "2 (idx=True)",
        "idx",
        r"expected an integer, got true \(a bool\)",
    ),
    "null_id": (
        _set(pandalm.PANDALM, 0, "idx", None),
        pandalm.PANDALM,
        "0 (idx=None)",
        "idx",
        r"expected an integer, got null",
    ),
    "boolean_label": (
        _set(pandalm.TESTSET, 2, "annotator2", True),
        pandalm.TESTSET,
        2,
        "annotator2",
        r"unexpected value true \(a bool where the file has int",
    ),
    "float_label": (
        _set(pandalm.TESTSET, 1, "annotator1", 1.0),
        pandalm.TESTSET,
        1,
        "annotator1",
        r"unexpected value 1\.0 \(a float where the file has int",
    ),
    "null_label": (
        _set(pandalm.TESTSET, 0, "annotator3", None),
        pandalm.TESTSET,
        0,
        "annotator3",
        r"unexpected value null \(expected one of \[0, 1, 2\]\)",
    ),
    "null_judge_verdict": (
        _set(pandalm.GPT, 1, "gpt_result", None),
        pandalm.GPT,
        1,
        "gpt_result",
        r"unexpected value null",
    ),
    "nan_judge_verdict": (
        _set(pandalm.PANDALM, 2, "pandalm_result", float("nan")),  # json.dumps writes NaN
        pandalm.PANDALM,
        2,
        "pandalm_result",
        r"unexpected value NaN",
    ),
    "number_as_text": (
        _set(pandalm.TESTSET, 1, "response2", 5),
        pandalm.TESTSET,
        "1 (idx=1)",
        "response2",
        r"expected a text, got 5",
    ),
}


def test_parse_pandalm_small_fixture_parses():
    # The uncorrupted fixture: 3 items x (3 annotators + majority + 2 judges).
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        df = pandalm.parse(_pandalm_files(Path(tmp)))
    assert len(df) == 18
    assert df.loc[df.rater == "human:majority", "label"].tolist() == ["A", "A", "A"]
    assert df.loc[df.rater == "pandalm-7b", "label"].tolist() == ["tie"] * 3


@pytest.mark.parametrize("case", list(PANDALM_CASES))
def test_parse_pandalm_strict_values(tmp_path, case):
    edit, file, record, field, problem = PANDALM_CASES[case]
    _raises(lambda: pandalm.parse(_pandalm_files(tmp_path, edit)), file, record, field, problem)


def test_parse_pandalm_json_ends_early_says_truncated(tmp_path):
    cut = (pandalm.GPT, lambda text: text[: len(text) - 40])
    _raises(
        lambda: pandalm.parse(_pandalm_files(tmp_path, text_edit=cut)),
        pandalm.GPT,
        "line 17",  # where the cut string starts
        "-",
        r"invalid JSON: Unterminated string .*\(the file ends inside a value: truncated\?\)",
    )


def test_parse_pandalm_duplicate_key_names_record_and_key(tmp_path):
    dup = (
        pandalm.TESTSET,
        lambda text: text.replace('"annotator1": 1,', '"annotator1": 1, "annotator1": 2,', 1),
    )
    _raises(
        lambda: pandalm.parse(_pandalm_files(tmp_path, text_edit=dup)),
        pandalm.TESTSET,
        0,
        "annotator1",
        r"duplicate key",
    )


# ------------------------------------------------------------------ Arena judges (JSONL)


def _arena_files(tmp_path: Path, edits: dict[str, Callable[[str], str]] | None = None):
    models = [("vicuna-13b", "koala-13b"), ("gpt-4", "claude-v1"), ("alpaca-13b", "palm-2")]
    winners = ["model_a", "model_b", "tie"]
    files = {}
    for name in arena_judges.FILES:
        lines = [
            json.dumps(
                {"num": i * 2, "question_id": f"q{i}", "model_a": a, "model_b": b, "winner": w}
            )
            for i, ((a, b), w) in enumerate(zip(models, winners, strict=True))
        ]
        text = "\n".join(lines) + "\n"
        if edits and name in edits:
            text = edits[name](text)
        files[name] = tmp_path / name
        files[name].parent.mkdir(parents=True, exist_ok=True)
        files[name].write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return files


def _line(lineno: int, key: str, value):
    """Edit one JSON Lines record (1-based line) of a text."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        rec = json.loads(lines[lineno - 1])
        rec[key] = value
        lines[lineno - 1] = json.dumps(rec)
        return "\n".join(lines)

    return edit


ARENA_CASES = {
    "float_id": (
        {arena_judges.HUMAN: _line(2, "num", 2.0)},
        arena_judges.HUMAN,
        "line 2",
        "num",
        r"expected an integer, got 2\.0 \(a float\)",
    ),
    "null_label": (
        {arena_judges.HUMAN: _line(3, "winner", None)},
        arena_judges.HUMAN,
        "line 3",
        "winner",
        r"unexpected value null",
    ),
    "boolean_label": (
        {arena_judges.JUDGES["gpt-3.5-turbo"]: _line(1, "winner", True)},
        arena_judges.JUDGES["gpt-3.5-turbo"],
        "line 1",
        "winner",
        r"unexpected value true",
    ),
    "number_as_model_name": (
        {arena_judges.HUMAN: _line(2, "model_a", 4)},
        arena_judges.HUMAN,
        "line 2",
        "model_a",
        r"expected a text, got 4",
    ),
    "whole_last_line_missing": (
        {arena_judges.HUMAN: lambda t: "\n".join(t.split("\n")[:2]) + "\n"},
        arena_judges.HUMAN,
        "line 3",
        "-",
        r"2 records, SOURCE\.md documents 3 \(truncated",
    ),
    "last_line_cut": (
        {arena_judges.JUDGES["gpt-4-0125-preview"]: lambda t: t[: len(t) - 12]},
        arena_judges.JUDGES["gpt-4-0125-preview"],
        "line 3",
        "-",
        r"invalid JSON: .*\(the last line is cut: truncated\?\)",
    ),
    "empty_file": (
        {arena_judges.JUDGES["claude-3-opus-20240229"]: lambda t: ""},
        arena_judges.JUDGES["claude-3-opus-20240229"],
        "-",
        "-",
        r"^.*: empty file$",
    ),
    "invalid_utf8": (
        {arena_judges.HUMAN: lambda t: t.encode().replace(b"koala", b"ko\xffla")},
        arena_judges.HUMAN,
        "line 1",
        "-",
        r"invalid UTF-8: byte 0xff at column \d+",
    ),
    "duplicate_key": (
        {
            arena_judges.HUMAN: lambda t: t.replace(
                '"winner": "tie"', '"winner": "tie", "winner": "model_a"'
            )
        },
        arena_judges.HUMAN,
        "line 3",
        "winner",
        r"duplicate key",
    ),
}


@pytest.fixture
def small_arena(monkeypatch):
    monkeypatch.setattr(arena_judges, "RECORDS", 3)


def test_parse_arena_small_fixture_parses(tmp_path, small_arena):
    df = arena_judges.parse(_arena_files(tmp_path))
    assert len(df) == 12  # 3 battles x (human + 3 judges)
    assert df.loc[df.rater == "human", "label"].tolist() == ["A", "B", "tie"]
    assert df.loc[df.rater == "human", "item_id"].tolist() == ["0", "2", "4"]


@pytest.mark.parametrize("case", list(ARENA_CASES))
def test_parse_arena_corrupted_file(tmp_path, small_arena, case):
    edits, file, record, field, problem = ARENA_CASES[case]
    _raises(lambda: arena_judges.parse(_arena_files(tmp_path, edits)), file, record, field, problem)


def test_parse_arena_huge_field(tmp_path, small_arena, monkeypatch):
    monkeypatch.setattr(raw, "MAX_FIELD", 50)
    edits = {arena_judges.HUMAN: _line(2, "question_id", "q" * 51)}
    _raises(
        lambda: arena_judges.parse(_arena_files(tmp_path, edits)),
        arena_judges.HUMAN,
        "line 2",
        "question_id",
        r"field of 51 characters exceeds the limit of 50",
    )


def test_parse_arena_real_file_one_line_short(tmp_path, mirror):
    # Without the fixture's RECORDS: the published 26,919 battles (SOURCE.md) are checked.
    src = mirror / arena_judges.SOURCE.folder
    files = {p: src / p for p in arena_judges.FILES}
    lines = (src / arena_judges.HUMAN).read_text().split("\n")
    short = tmp_path / "human.json"
    short.write_text("\n".join(lines[:-2]) + "\n")  # drop the last battle
    files[arena_judges.HUMAN] = short
    _raises(
        lambda: arena_judges.parse(files),
        arena_judges.HUMAN,
        "line 26919",
        "-",
        r"26918 records, SOURCE\.md documents 26919",
    )


# ----------------------------------------------------------------- LLMEval² (zipped JSONL)


def _llmeval2_zip(tmp_path: Path, member: bytes) -> dict[str, Path]:
    out = tmp_path / "LLMEval2_benchmark.json.zip"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(llmeval2.MEMBER, member)
    return {llmeval2.ZIP: out}


def _llmeval2_lines(human=("model1", "model2", "TIE")) -> list[dict]:
    return [
        {"query": f"q{i}", "response1": "a", "response2": "b", "human": h, "dataset": "shp"}
        for i, h in enumerate(human)
    ]


def _jsonl(records: list[dict]) -> bytes:
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()


LLMEVAL2 = f"{llmeval2.ZIP}:{llmeval2.MEMBER}"
LLMEVAL2_CASES = {
    "null_label": (
        _jsonl(_llmeval2_lines(("model1", None, "TIE"))),
        "line 2",
        "human",
        r"unexpected value null",
    ),
    "invalid_utf8": (
        _jsonl(_llmeval2_lines()).replace(b'"q2"', b'"q\xc3"'),
        "line 3",
        "-",
        r"invalid UTF-8",
    ),
    "line_missing": (
        _jsonl(_llmeval2_lines(("model1", "TIE"))),
        "line 3",
        "-",
        r"2 records, SOURCE\.md documents 3",
    ),
}


@pytest.mark.parametrize("case", list(LLMEVAL2_CASES))
def test_parse_llmeval2_corrupted_member(tmp_path, monkeypatch, case):
    monkeypatch.setattr(llmeval2, "RECORDS", 3)
    member, record, field, problem = LLMEVAL2_CASES[case]
    files = _llmeval2_zip(tmp_path, member)
    _raises(lambda: llmeval2.parse(files), LLMEVAL2, record, field, problem)


def test_parse_llmeval2_small_fixture_parses(tmp_path, monkeypatch):
    monkeypatch.setattr(llmeval2, "RECORDS", 3)
    df = llmeval2.parse(_llmeval2_zip(tmp_path, _jsonl(_llmeval2_lines())))
    assert df["label"].tolist() == ["A", "B", "tie"]


# ------------------------------------------------------------ Judging the Judges (CSV)

V1 = judging_the_judges.V1
V1_COLUMNS = (
    judging_the_judges.TEXT_COLUMNS
    + judging_the_judges.LLM_JUDGES
    + judging_the_judges.METRICS[V1]
    + [judging_the_judges.HUMAN[V1]]
)


def _jtj_text(rows: int = 3) -> str:
    """Header (line 1) and three records of three lines each (lines 2-4, 5-7, 8-10): the
    response and the references hold line breaks, as upstream."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(V1_COLUMNS)
    for i in range(rows):
        texts = [f"model{i}", "Q: ...\nA:", f"question {i}?", "answer\nalias", "triviaQA"]
        writer.writerow(texts + ["True", "False"] * 6)  # 9 judges + EM, Contains + human
    return out.getvalue()


def _jtj_files(tmp_path: Path, text: str | bytes) -> dict[str, Path]:
    v2 = judging_the_judges.V2
    v2_columns = (
        judging_the_judges.TEXT_COLUMNS
        + judging_the_judges.LLM_JUDGES
        + [judging_the_judges.HUMAN[v2], judging_the_judges.CONFIDENCE[v2]]
    )
    v2_text = (
        ",".join(v2_columns)
        + "\n"
        + "".join(
            ",".join(["m", "r", "q", "ref", "b"] + ["True"] * 9 + ["False", "True"]) + "\n"
            for _ in range(3)
        )
    )
    paths = {V1: tmp_path / V1, v2: tmp_path / v2}
    paths[V1].write_bytes(text.encode() if isinstance(text, str) else text)
    paths[v2].write_text(v2_text)
    return paths


def _replace_line(lineno: int, change: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        lines = text.split("\n")
        lines[lineno - 1] = change(lines[lineno - 1])
        return "\n".join(lines)

    return edit


JTJ_LAST = V1_COLUMNS[-1]  # HumanJudgement
JTJ_CASES = {
    "short_row": (
        _replace_line(7, lambda line: line.rsplit(",", 2)[0]),  # row 1 loses Contains, human
        "row 1",
        "Contains",
        r"row ends early \(line 5: 15 fields, the header has 17; truncated file\?\)",
    ),
    "long_row": (
        _replace_line(4, lambda line: line + ",True"),
        "row 0",
        "-",
        r"row too long \(line 2: 18 fields, the header has 17\)",
    ),
    "cut_inside_last_field": (
        lambda text: text[: len(text) - 3],  # "...,False\n" -> "...,Fal"
        "row 2",
        JTJ_LAST,
        r"the last line has no line end: the file may be cut inside it",
    ),
    "cut_inside_quoted_field": (
        lambda text: text[: text.rindex("Q: ...") + 4],
        "row 2",
        "-",
        r"unreadable CSV at line 8: .*\(the file ends inside a quoted field: truncated\?\)",
    ),
    "whole_last_row_missing": (
        lambda text: text[: text.rindex("model2")],
        "row 2",
        "-",
        r"2 records, SOURCE\.md documents 3",
    ),
    "label_spelled_otherwise": (
        _replace_line(4, lambda line: line.replace(",True,", ",true,", 1)),
        "row 0 (item V1/0)",
        judging_the_judges.LLM_JUDGES[0],
        r"unexpected value 'true' \(expected one of \['True', 'False'\] or '' \(NA\)\)",
    ),
    "nan_label": (
        _replace_line(10, lambda line: line.rsplit(",", 1)[0] + ",nan"),
        "row 2 (item V1/2)",
        JTJ_LAST,
        r"unexpected value 'nan'",
    ),
    "duplicate_column": (
        _replace_line(1, lambda line: line.replace("Llama-13B", "Llama-7B")),
        "header",
        "Llama-7B",
        r"duplicate column",
    ),
    "empty_file": (lambda text: "\n\n", "-", "-", r"empty file \(2 bytes of whitespace\)"),
}


@pytest.fixture
def small_jtj(monkeypatch):
    monkeypatch.setattr(judging_the_judges, "RECORDS", {V1: 3, judging_the_judges.V2: 3})


def test_parse_judging_the_judges_small_fixture_parses(tmp_path, small_jtj):
    df = judging_the_judges.parse(_jtj_files(tmp_path, _jtj_text()))
    assert len(df) == 3 * 12 + 3 * 10
    human = df[(df.rater == "human") & (df.subset == "V1")]
    assert human["label"].tolist() == ["incorrect"] * 3


@pytest.mark.parametrize("case", list(JTJ_CASES))
def test_parse_judging_the_judges_corrupted_csv(tmp_path, small_jtj, case):
    edit, record, field, problem = JTJ_CASES[case]
    files = _jtj_files(tmp_path, edit(_jtj_text()))
    _raises(lambda: judging_the_judges.parse(files), V1, record, field, problem)


def test_parse_judging_the_judges_invalid_utf8_names_line(tmp_path, small_jtj):
    text = _jtj_text().encode().replace(b"question 1?", b"question \xe9?")  # Latin-1 e-acute
    files = _jtj_files(tmp_path, text)
    _raises(lambda: judging_the_judges.parse(files), V1, "line 6", "-", r"invalid UTF-8: byte 0xe9")


def test_parse_judging_the_judges_huge_field(tmp_path, small_jtj, monkeypatch):
    monkeypatch.setattr(raw, "MAX_FIELD", 200)
    text = _jtj_text().replace("question 1?", "question " + "x" * 300 + "?")
    files = _jtj_files(tmp_path, text)
    _raises(
        lambda: judging_the_judges.parse(files),
        V1,
        "row 1",
        "question",
        r"field of 310 characters exceeds the limit of 200 \(damaged file\?\) \(line 5\)",
    )


# ------------------------------------------------------------- AlpacaEval leaderboard (CSV)


def _alpaca_text(cells: dict[str, str] | None = None) -> str:
    header = [src for src, _ in alpaca_eval.COLUMNS.values()]
    row = ["evaluator_0", "69.1", "13.6", "1455.4", "0.967", "0.934", "28.4", "14.6"]
    row += ["0.683", "0.730", "0.501", "2592", "minimal"]
    rows = [[f"evaluator_{i}", *row[1:]] for i in range(3)]
    for col, value in (cells or {}).items():
        rows[1][header.index(col)] = value
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


ALPACA_CASES = {
    "nan_score": ({"Spearman corr.": "nan"}, "Spearman corr.", r"not a number: 'nan'"),
    "inf_score": ({"Bias": "inf"}, "Bias", r"not a number: 'inf'"),
    "overflowing_score": (
        {"Pearson corr.": "1e999"},
        "Pearson corr.",
        r"not a finite number: '1e999'",
    ),
    "spaced_number": ({"Variance": " 14.6"}, "Variance", r"not a number: ' 14\.6'"),
    "float_count": ({"# parsed": "2592.0"}, "# parsed", r"not an integer: '2592\.0'"),
    "underscored_count": ({"# parsed": "2_592"}, "# parsed", r"not an integer: '2_592'"),
}


@pytest.mark.parametrize("case", list(ALPACA_CASES))
def test_parse_alpaca_eval_scores_outside_na_convention(tmp_path, monkeypatch, case):
    monkeypatch.setattr(alpaca_eval, "RECORDS", 3)
    cells, field, problem = ALPACA_CASES[case]
    path = tmp_path / "leaderboard.csv"
    path.write_text(_alpaca_text(cells))
    record = "row 1 (evaluator=evaluator_1)"
    files = {alpaca_eval.LEADERBOARD: path}
    _raises(lambda: alpaca_eval.parse(files), alpaca_eval.LEADERBOARD, record, field, problem)


def test_parse_alpaca_eval_empty_cell_is_na(tmp_path, monkeypatch):
    # The documented NA: an empty cell (e.g. price of an open model) -> NA, not an error.
    monkeypatch.setattr(alpaca_eval, "RECORDS", 3)
    path = tmp_path / "leaderboard.csv"
    path.write_text(_alpaca_text({"Price [$/1000 examples]": ""}))
    df = alpaca_eval.parse({alpaca_eval.LEADERBOARD: path})
    assert df["price_per_1000"].isna().tolist() == [False, True, False]


# ------------------------------------------------------------------- LLMBar (JSON arrays)

NATURAL = "Dataset/LLMBar/Natural/dataset.json"
RESULT = "Dataset/LLMBar/Natural/evaluators/GPT-4/Vanilla_NoRules/result.json"


def _llmbar_files(tmp_path: Path, edit=None, text_edit=None) -> dict[str, Path]:
    items = [
        {"input": f"Say {w}.", "output_1": w, "output_2": w.upper(), "label": k}
        for w, k in (("hi", 1), ("yes", 2))
    ]
    verdict = {
        "swap = False": {"completion": ["Output (a)", "stop"], "winner": "1"},
        "swap = True": {"completion": ["Output (b)", "stop"], "winner": "2"},
    }
    data = {
        NATURAL: items,
        RESULT: [{**it, "results": [json.loads(json.dumps(verdict))]} for it in items],
    }
    if edit is not None:
        edit(data)
    files = {p: _write_json(tmp_path / p, recs) for p, recs in data.items()}
    if text_edit is not None:
        name, change = text_edit
        files[name].write_text(change(files[name].read_text()))
    return files


def _llmbar_set(name: str, path: list, value):
    def edit(data):
        target = data[name]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


WINNER = "results[-1]['swap = True'].winner"
SWAP_TRUE = ["results", -1, "swap = True", "winner"]
NAN_WINNER = r"unexpected value NaN \(expected one of \['1', '2'\] or null \(NA\)\)"
LLMBAR_CASES = {
    # id: (file, path to the edited value (record first), new value, field, problem)
    "float_gold_label": (NATURAL, [1, "label"], 2.0, "label", r"unexpected value 2\.0 \(a float"),
    "null_gold_label": (NATURAL, [0, "label"], None, "label", r"unexpected value null"),
    "nan_winner": (RESULT, [1, *SWAP_TRUE], float("nan"), WINNER, NAN_WINNER),
    "integer_winner": (RESULT, [0, *SWAP_TRUE], 2, WINNER, r"unexpected value 2 \(expected"),
    "number_as_prompt": (NATURAL, [1, "input"], 7, "input", r"expected a text, got 7"),
    "boolean_label_in_result": (RESULT, [0, "label"], True, "label", r"record 0: True"),
}


def test_parse_llmbar_small_fixture_parses(tmp_path):
    df = llmbar.parse(_llmbar_files(tmp_path))
    judge = df[df.rater == "GPT-4/Vanilla_NoRules"]
    assert judge["label"].tolist() == ["A", "A", "B", "B"]  # AB rows, then BA rows
    assert df.loc[df.rater == "gold", "label"].tolist() == ["A", "B"]


def test_parse_llmbar_null_winner_is_the_documented_na(tmp_path):
    edit = _llmbar_set(RESULT, [1, *SWAP_TRUE], None)
    df = llmbar.parse(_llmbar_files(tmp_path, edit))
    judge = df[(df.rater == "GPT-4/Vanilla_NoRules") & (df.order == "BA")]
    assert judge["label"].isna().tolist() == [False, True]
    assert judge["raw"].tolist() == ["2", "null"]


@pytest.mark.parametrize("case", list(LLMBAR_CASES))
def test_parse_llmbar_strict_values(tmp_path, case):
    file, path, value, field, problem = LLMBAR_CASES[case]
    files = _llmbar_files(tmp_path, _llmbar_set(file, path, value))
    _raises(lambda: llmbar.parse(files), file, path[0], field, problem)


def test_parse_llmbar_empty_result_file(tmp_path):
    files = _llmbar_files(tmp_path, text_edit=(RESULT, lambda text: ""))
    _raises(lambda: llmbar.parse(files), RESULT, "-", "-", r"empty file")


# ------------------------------------------------------------------- MT-Bench (parquet)


def _mt_bench_files(tmp_path: Path, human_schema: pa.Schema = SCHEMA, edit=None):
    human = human_records()
    if edit is not None:
        edit(human)
    human_path = tmp_path / mt_bench.HUMAN
    human_path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(human, schema=human_schema), human_path)
    gpt = write_records(tmp_path / mt_bench.GPT4, gpt4_records())
    return {mt_bench.HUMAN: human_path, mt_bench.GPT4: gpt}


def test_parse_mt_bench_float_question_ids_rejected_not_truncated(tmp_path):
    # A float64 question_id column (e.g. written by a tool that went through NaN): 81.0 is
    # not silently read as 81 (int() would also turn 81.5 into 81).
    schema = SCHEMA.set(0, pa.field("question_id", pa.float64()))
    files = _mt_bench_files(tmp_path, schema)
    _raises(
        lambda: mt_bench.parse(files),
        mt_bench.HUMAN,
        "row 0",
        "question_id",
        r"expected an integer, got 81\.0 \(a float\)",
    )


def test_parse_mt_bench_float_turn_rejected(tmp_path):
    schema = SCHEMA.set(7, pa.field("turn", pa.float64()))
    files = _mt_bench_files(tmp_path, schema)
    _raises(lambda: mt_bench.parse(files), mt_bench.HUMAN, "row 0", "turn", r"got 1\.0 \(a float\)")


# ------------------------------------------- HANNA and ICE-Score (copies of the real files)


def _hanna_cell(tmp_path: Path, mirror: Path, column: str, story: int, token: str):
    table = pd.read_csv(
        mirror / hanna.SOURCE.folder / hanna.SCORES, dtype=str, keep_default_na=False
    )
    tokens = table.loc[0, column][1:-1].split(", ")
    tokens[story] = token
    table.loc[0, column] = "[" + ", ".join(tokens) + "]"
    out = tmp_path / hanna.SCORES
    table.to_csv(out, index=False)
    return {hanna.SCORES: out}


HANNA_CASES = {
    "nan_metric": ("BLEU Ξ§", 3, "nan", "row 0 (Model=Human)", r"first bad token: 'nan'"),
    "inf_llm_rating": ("ChatGPT RE 1", 7, "inf", "row 0 (Model=Human)", r"first bad token: 'inf'"),
    "llm_rating_above_scale": (
        "ChatGPT RE 1",
        7,
        "7.5",
        "row 0 (Model=Human) story 7",
        r"LLM rating '7\.5' outside 1-5 and the failed-answer range \[-1\.0, 1\.0\)",
    ),
    "human_rating_written_as_float": (
        "Human 1 CH",
        2,
        "3.0",
        "row 0 (Model=Human) story 2",
        r"rating '3\.0' is not an integer 1-5",
    ),
}


@pytest.mark.parametrize("case", list(HANNA_CASES))
def test_parse_hanna_scores_outside_na_convention(tmp_path, mirror, case):
    column, story, token, record, problem = HANNA_CASES[case]
    files = _hanna_cell(tmp_path, mirror, column, story, token)
    _raises(lambda: hanna.parse(files), hanna.SCORES, record, column, problem)


def test_parse_hanna_failed_llm_answer_stays_na(tmp_path, mirror):
    # The documented NA convention: a mean in [-1, 1) is a failed answer -> NA score, raw kept.
    files = _hanna_cell(tmp_path, mirror, "ChatGPT RE 1", 7, "-1.0")
    df = hanna.parse(files)
    row = df[
        (df.rater == "ChatGPT/prompt1") & (df.item_id == "Human/7") & (df.criterion == "relevance")
    ]
    assert row["score"].isna().tolist() == [True] and row["raw"].tolist() == ["-1.0"]


def _ice_files(tmp_path: Path, mirror: Path, name: str, edit) -> dict[str, Path]:
    src = mirror / ice_score.SOURCE.folder
    files = {p: src / p for p in ice_score.FILES}
    data = json.loads((src / name).read_text())
    edit(data)
    files[name] = _write_json(tmp_path / "edited.json", data)
    return files


def test_parse_ice_score_float_grade(tmp_path, mirror):
    def edit(data):
        data[4]["grade-codex"]["grader8"] = 3.0

    files = _ice_files(tmp_path, mirror, ice_score.CONALA_FILES[0], edit)
    _raises(
        lambda: ice_score.parse(files),
        ice_score.CONALA_FILES[0],
        "4 (item conala/4/codex)",
        "grade-codex",
        r"unexpected value 3\.0 \(a float where the file has int",
    )


def test_parse_ice_score_boolean_execution(tmp_path, mirror):
    name = ice_score.HUMANEVAL_FILES[0]
    key = {}

    def edit(data):
        key["k"] = next(iter(data[2]))
        data[2][key["k"]]["execution"] = True

    files = _ice_files(tmp_path, mirror, name, edit)
    sample = key["k"].removeprefix("grade-")
    _raises(
        lambda: ice_score.parse(files),
        name,
        f"2 (item humaneval-cpp/2/{sample})",
        f"{key['k']}.execution",
        r"unexpected value true \(a bool where the file has int",
    )


# ------------------------------------------------------------------- parsed parquet cache


def _rewrite_label(target: Path) -> None:
    """A valid parquet file with one label changed: only the checksum can tell."""
    df = pd.read_parquet(target)
    df.loc[0, "label"] = "B" if df.loc[0, "label"] != "B" else "A"
    df.to_parquet(target, index=False)


TAMPER = {
    "rewritten_with_a_changed_label": (_rewrite_label, r"differs from the recorded"),
    "truncated": (lambda t: t.write_bytes(t.read_bytes()[:-100]), r"differs from the recorded"),
    "checksum_missing": (lambda t: parsed_cache.checksum_path(t).unlink(), r"no recorded checksum"),
}


@pytest.mark.parametrize("case", list(TAMPER))
def test_load_tampered_cache_warns_and_rebuilds(tmp_path, monkeypatch, case):
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    fresh = workbench.load("pandalm", cache=False)
    first = workbench.load("pandalm")  # writes the cache and its checksum
    (target,) = (tmp_path / "cache" / "parsed").glob("pandalm-*.parquet")
    assert first.equals(fresh)
    tamper, reason = TAMPER[case]
    tamper(target)
    with pytest.warns(CacheWarning, match=rf"{target.name}: parsed-table cache .*{reason}"):
        again = workbench.load("pandalm")
    assert again.equals(fresh)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)  # rebuilt and recorded: no warning now
        assert workbench.load("pandalm").equals(fresh)


# ------------------------------------------------- raw files: a same-size, same-mtime edit


def test_fetch_same_size_same_mtime_edit_is_caught(tmp_path, mirror, monkeypatch):
    folder = alpaca_eval.SOURCE.folder
    local = tmp_path / folder / alpaca_eval.LEADERBOARD
    local.parent.mkdir(parents=True)
    shutil.copy2(mirror / folder / alpaca_eval.LEADERBOARD, local)
    monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(tmp_path))
    assert fetch(alpaca_eval.SOURCE, alpaca_eval.LEADERBOARD) == local  # verified once
    st = local.stat()
    text = local.read_bytes()
    local.write_bytes(text.replace(b"69.17", b"96.17", 1))  # same size
    os.utime(local, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime
    assert local.stat().st_size == st.st_size and local.stat().st_mtime_ns == st.st_mtime_ns
    with pytest.raises(
        ChecksumError, match=r"evaluators_leaderboard\.csv: record -: field 'sha256'"
    ):
        fetch(alpaca_eval.SOURCE, alpaca_eval.LEADERBOARD)
    with pytest.raises(ChecksumError):
        workbench.load("alpaca_eval_evaluators", cache=False)
