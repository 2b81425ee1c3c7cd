"""PandaLM loader: row counts (SOURCE.md) and published label counts (PandaLM README)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.loaders import pandalm
from workbench.schema import LoadError

DATASET = "pandalm"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


def test_load_pandalm_row_counts(df):
    # SOURCE.md: 999 rows in each of the three files; 3 annotators + majority + 2 judges.
    assert df.groupby("rater").size().to_dict() == {
        "gpt-3.5-turbo": 999,
        "human:annotator1": 999,
        "human:annotator2": 999,
        "human:annotator3": 999,
        "human:majority": 999,
        "pandalm-7b": 999,
    }


def test_load_pandalm_majority_counts_match_readme(df):
    # PandaLM README test-set table / SOURCE.md: majority tie/1/2 = 105/422/472.
    maj = df[df.rater == "human:majority"]["label"].value_counts()
    assert (maj["tie"], maj["A"], maj["B"]) == (105, 422, 472)


def test_load_pandalm_judge_label_counts(df):
    # SOURCE.md: gpt_result "1" 460, "2" 476, "Tie" 38, "garbage" 25 (kept as NA label).
    gpt = df[df.rater == "gpt-3.5-turbo"]
    assert gpt["label"].value_counts()[["A", "B", "tie"]].tolist() == [460, 476, 38]
    assert gpt["label"].isna().sum() == 25
    assert set(gpt.loc[gpt["label"].isna(), "raw"]) == {"garbage"}


def _files(tmp_path, mirror, **overrides):
    files = {}
    for p in pandalm.FILES:
        data = json.loads((mirror / "pandalm_testset" / p).read_text())
        if p in overrides:
            data = overrides[p](data)
        out = tmp_path / p.replace("/", "_")
        out.write_text(json.dumps(data))
        files[p] = out
    return files


def test_parse_pandalm_label_outside_scale_names_record(tmp_path, mirror):
    def bad(data):
        data[7]["annotator2"] = 3
        return data

    with pytest.raises(
        LoadError, match=r"testset-v1.json: record 7: field 'annotator2': unexpected value 3"
    ):
        pandalm.parse(_files(tmp_path, mirror, **{pandalm.TESTSET: bad}))


def test_parse_pandalm_missing_field_names_record(tmp_path, mirror):
    def bad(data):
        del data[12]["response2"]
        return data

    with pytest.raises(LoadError, match=r"record 12 \(idx=12\): field 'response2': missing"):
        pandalm.parse(_files(tmp_path, mirror, **{pandalm.TESTSET: bad}))


def test_parse_pandalm_duplicate_ids(tmp_path, mirror):
    def bad(data):
        data[5]["idx"] = 4
        return data

    with pytest.raises(LoadError, match=r"record 5: field 'idx': duplicate id 4"):
        pandalm.parse(_files(tmp_path, mirror, **{pandalm.TESTSET: bad}))


def test_parse_pandalm_truncated_json(tmp_path, mirror):
    files = _files(tmp_path, mirror)
    text = files[pandalm.GPT].read_text()
    files[pandalm.GPT].write_text(text[: len(text) // 2])
    with pytest.raises(
        LoadError, match=r"gpt-3.5-turbo-testset-v1.json: record line 1: .*invalid JSON"
    ):
        pandalm.parse(files)


def test_load_pandalm_schema_dtypes(df):
    assert isinstance(df["label"].dtype, pd.CategoricalDtype)
    assert str(df["score"].dtype) == "Float64"
