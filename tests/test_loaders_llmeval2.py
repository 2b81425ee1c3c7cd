"""LLMEval² loader: row and label counts (SOURCE.md, repository README) and bad-input errors."""

from __future__ import annotations

import zipfile

import pytest

from workbench.loaders import llmeval2
from workbench.schema import LoadError

DATASET = "llmeval2"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


def test_load_llmeval2_row_and_label_counts(df):
    # SOURCE.md / DAMO-ConvAI WideDeep README: 2,553 pairs, model1 1,050 / model2 1,021 / TIE 482.
    assert len(df) == 2553
    assert df["label"].value_counts()[["A", "B", "tie"]].tolist() == [1050, 1021, 482]
    assert df["raw"].value_counts().to_dict() == {"model1": 1050, "model2": 1021, "TIE": 482}
    assert set(df["rater"]) == {"human"} and df["order"].isna().all()


def test_load_llmeval2_subset_counts(df):
    # SOURCE.md: the 15 source sets and their sizes.
    assert df["subset"].value_counts().to_dict() == {
        "summarizefeedback": 282,
        "mt-bench": 275,
        "openmeva": 245,
        "webgpt": 191,
        "bagel": 175,
        "rlhf-reward-chinese": 160,
        "rlhf-reward-russian": 160,
        "reward-aira-portuguese": 160,
        "hellaswag": 160,
        "shp": 160,
        "pku-saferlhf": 160,
        "eli5": 149,
        "hh-rlhf": 140,
        "summeval": 91,
        "code-contests": 45,
    }


def test_load_llmeval2_first_record_verbatim(df):
    # SOURCE.md schema example: line 1 is a summarizefeedback TIE whose query starts so.
    first = df.iloc[0]
    assert first["item_id"] == "0" and first["subset"] == "summarizefeedback"
    assert first["raw"] == "TIE" and first["label"] == "tie"
    assert first["prompt"].startswith("My strangest question actually wasn't that strange")
    assert first["response_a"].startswith(" My strangest question")
    # SOURCE.md: 275 empty queries; all are the mt-bench subset (measured).
    assert set(df.loc[df["prompt"] == "", "subset"]) == {"mt-bench"}
    assert (df["prompt"] == "").sum() == 275


def _rezip(tmp_path, mirror, edit):
    src = mirror / "llmeval2" / llmeval2.ZIP
    with zipfile.ZipFile(src) as zf:
        text = zf.read(llmeval2.MEMBER).decode()
    out = tmp_path / "bad.zip"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(llmeval2.MEMBER, edit(text))
    return {llmeval2.ZIP: out}


def test_parse_llmeval2_truncated_line_names_line(tmp_path, mirror):
    def truncate(text):
        lines = text.split("\n")
        lines[9] = lines[9][:50]
        return "\n".join(lines)

    with pytest.raises(
        LoadError, match=r"LLMEval2_benchmark.json: record line 10: field '-': invalid JSON"
    ):
        llmeval2.parse(_rezip(tmp_path, mirror, truncate))


def test_parse_llmeval2_unknown_label_names_line_and_field(tmp_path, mirror):
    def relabel(text):
        lines = text.split("\n")
        lines[3] = lines[3].replace('"human": "', '"human": "model3', 1)
        return "\n".join(lines)

    with pytest.raises(LoadError, match=r"record line 4: field 'human': unexpected value 'model3"):
        llmeval2.parse(_rezip(tmp_path, mirror, relabel))


def test_parse_llmeval2_missing_field_names_line(tmp_path, mirror):
    def drop(text):
        lines = text.split("\n")
        lines[0] = lines[0].replace('"dataset":', '"source":', 1)
        return "\n".join(lines)

    with pytest.raises(LoadError, match=r"record line 1: field 'dataset': missing"):
        llmeval2.parse(_rezip(tmp_path, mirror, drop))
