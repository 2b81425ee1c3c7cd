"""ICE-Score loader: (item, system) pairs per file (SOURCE.md), grade vocabularies, score parser, bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.loaders import ice_score as ice
from workbench.schema import LoadError

FOLDER = ice.SOURCE.folder


DATASET = "ice_score"
"""The dataset of the ``df`` fixture (tests/conftest.py)."""


def test_load_ice_score_pairs_per_file(df):
    # SOURCE.md table: (item, system) pairs per file. CoNaLa 2,500 (500 intents x 5 systems);
    # HumanEval-X cpp 3,220, java 3,219, js 3,160, python 3,220; the extra cpp run 3,220.
    judge = df[df.rater_kind == "llm"]
    got = judge.groupby(["subset", "strategy"], observed=True)["item_id"].nunique().to_dict()
    conala = {
        ("conala", s): 2500
        for s in ("no_step_no_ref", "no_step_with_ref", "with_step_no_ref", "with_step_with_ref")
    }
    humaneval = {
        (lang, s): n
        for lang, n in (("cpp", 3220), ("java", 3219), ("js", 3160), ("python", 3220))
        for s in ("no_step_no_ref", "no_step_with_ref")
    }
    assert got == {**conala, **humaneval, ("cpp", "no_step_with_ref_rerun"): 3220}
    assert (
        judge.groupby(["subset", "strategy"], observed=True).size().to_dict() == got
    )  # one row each
    execution = df[df.rater == "execution"].groupby("subset").size().to_dict()
    assert execution == {"cpp": 3220, "java": 3219, "js": 3160, "python": 3220}
    assert len(df) == 62710  # 10,000 + 11,033 CoNaLa; 12,880 + 9,657 + 9,480 + 9,660 HumanEval-X


def test_load_ice_score_conala_human_grades(df):
    human = df[df.rater_kind == "human"]
    # SOURCE.md: grades 0-4, 2-8 graders per (intent, system).
    assert set(human["score"].unique()) == {0.0, 1.0, 2.0, 3.0, 4.0}
    per_pair = human.groupby("item_id").size()
    assert per_pair.index.nunique() == 2500 and per_pair.between(2, 8).all()
    assert human["rater"].str.fullmatch(r"human:grader\d+").all()
    assert human["rater"].nunique() == 16 and len(human) == 11033  # counted from the staged file
    assert (human["subset"] == "conala").all() and (human["criterion"] == "usefulness").all()
    assert set(human["model"]) == set(ice.CONALA_SYSTEMS)


def test_load_ice_score_grades_follow_source(df, mirror):
    data = json.loads((mirror / FOLDER / ice.CONALA_FILES[0]).read_text())
    # SOURCE.md example, intent 0: grade-codex {"grader13":2,"grader4":4,"grader5":3,"grader8":3}, gpt "4"
    rows = df[df.item_id == "conala/0/codex"]
    human = rows[rows.rater_kind == "human"].set_index("rater")["score"].to_dict()
    assert human == {f"human:{g}": float(v) for g, v in data[0]["grade-codex"].items()}
    assert human == {
        "human:grader13": 2.0,
        "human:grader4": 4.0,
        "human:grader5": 3.0,
        "human:grader8": 3.0,
    }
    judge = rows[rows.rater == "gpt-3.5-turbo/no_step_no_ref"].iloc[0]
    assert (judge["raw"], judge["score"]) == ("4", 4.0)


def test_load_ice_score_vocabularies(df):
    assert df["protocol"].eq("rating").all() and df["label"].isna().all()
    assert set(df["criterion"]) == {"usefulness", "functional_correctness"}
    assert set(df.loc[df.subset == "conala", "criterion"]) == {"usefulness"}
    execution = df[df.rater == "execution"]
    assert set(execution["rater_kind"]) == {"gold"} and set(execution["score"]) == {0.0, 1.0}
    judge = df[df.rater_kind == "llm"]
    assert set(judge["score"].dropna().unique()) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    assert (judge["rater"] == "gpt-3.5-turbo/" + judge["strategy"]).all()
    # CoT text kept as explanation exactly for the with_step runs
    with_step = judge["strategy"].str.startswith("with_step")
    assert judge.loc[with_step, "explanation"].notna().all()
    assert judge.loc[~with_step, "explanation"].isna().all()


def test_load_ice_score_unparsed_judge_answers(df):
    # Measured with the documented parser: 27 of 38,858 answers state no single 0-4 score
    # ("N/A (code snippet is missing)", "0-4", "Option 1: 2\nOption 2: 4", ...). They stay
    # as rows with NA score and the raw text.
    judge = df[df.rater_kind == "llm"]
    assert len(judge) == 38858
    na = judge[judge["score"].isna()]
    assert na["raw"].notna().all()
    assert na.groupby(["subset", "strategy"], observed=True).size().to_dict() == {
        ("conala", "no_step_with_ref"): 4,
        ("conala", "with_step_no_ref"): 1,
        ("conala", "with_step_with_ref"): 2,
        ("cpp", "no_step_with_ref"): 2,
        ("cpp", "no_step_with_ref_rerun"): 2,
        ("java", "no_step_no_ref"): 1,
        ("java", "no_step_with_ref"): 1,
        ("js", "no_step_no_ref"): 9,
        ("js", "no_step_with_ref"): 3,
        ("python", "no_step_with_ref"): 2,
    }
    # a bare digit always parses to itself
    bare = judge[judge["raw"].str.fullmatch(r"[0-4]")]
    assert (bare["score"] == bare["raw"].astype(float)).all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4.0),
        ("Score: 1", 1.0),
        ("Functional Correctness: 3", 3.0),
        ("3 - The code snippet correctly sorts the list.", 3.0),
        ("0- The code snippet does not contain any implementation.", 0.0),
        ("Steps...\n3. Based on the above, the usefulness score is 2.\n\nUsefulness: 3", 3.0),
        ("... the code snippet is very helpful and scores a 4 for usefulness.", 4.0),
        ("... the code snippet is only slightly helpful (score of 1) as it ...", 1.0),
        ("0-4", None),
        ("Option 1: 2\nOption 2: 4", None),
        ("N/A (code snippet is missing)", None),
        ("Usefulness: N/A (no code snippet provided)", None),
        ("I would rate it on a scale of 0 to 4.", None),
        ("Score: 5", None),
        ("Usefulness: 2.5", None),
    ],
)
def test_parse_score_examples(text, expected):
    assert ice.parse_score(text) == expected


# ---- bad input ------------------------------------------------------------------------------


def _files(tmp_path, mirror, name, text):
    files = {p: mirror / FOLDER / p for p in ice.FILES}
    out = tmp_path / name.rsplit("/", 1)[-1]
    out.write_text(text)
    files[name] = out
    return files


def _edited(mirror, name, edit):
    data = json.loads((mirror / FOLDER / name).read_text())
    return json.dumps(edit(data))


def test_parse_ice_score_grade_outside_scale(tmp_path, mirror):
    name = ice.CONALA_FILES[0]

    def bad(data):
        data[17]["grade-codex"]["grader8"] = 7
        return data

    with pytest.raises(
        LoadError,
        match=r"conala_no_step_no_ref_gpt35\.json: record 17 \(item conala/17/codex\): field 'grade-codex': unexpected value 7",
    ):
        ice.parse(_files(tmp_path, mirror, name, _edited(mirror, name, bad)))


def test_parse_ice_score_truncated_json(tmp_path, mirror):
    name = ice.HUMANEVAL_FILES[2]  # java no_ref
    text = (mirror / FOLDER / name).read_text()
    with pytest.raises(
        LoadError,
        match=r"java_humaneval_no_step_no_ref_gpt35\.json: record line \d+: field '-': invalid JSON",
    ):
        ice.parse(_files(tmp_path, mirror, name, text[: len(text) // 2]))


def test_parse_ice_score_duplicate_sample_id(tmp_path, mirror):
    name = ice.HUMANEVAL_FILES[4]  # js no_ref
    data = json.loads((mirror / FOLDER / name).read_text())
    first = next(iter(data[3]))
    dup = json.dumps(data[3])[:-1] + f', "{first}": ' + json.dumps(data[3][first]) + "}"
    data[3] = "@@DUP@@"
    text = json.dumps(data).replace('"@@DUP@@"', dup)
    with pytest.raises(
        LoadError,
        match=rf"js_humaneval_no_step_no_ref_gpt35\.json: record 3: field '{first}': duplicate key",
    ):
        ice.parse(_files(tmp_path, mirror, name, text))


def test_parse_ice_score_missing_judge_output(tmp_path, mirror):
    name = ice.CONALA_FILES[3]

    def bad(data):
        del data[250]["gpt3.5-best-tranx"]
        return data

    with pytest.raises(
        LoadError,
        match=r"with_step_with_ref_gpt35\.json: record 250: field 'gpt3.5-best-tranx': missing",
    ):
        ice.parse(_files(tmp_path, mirror, name, _edited(mirror, name, bad)))


def test_parse_ice_score_grades_differ_between_files(tmp_path, mirror):
    name = ice.CONALA_FILES[2]

    def bad(data):
        data[3]["grade-baseline"] = {"grader1": 4, "grader2": 4}
        return data

    with pytest.raises(
        LoadError,
        match=r"with_step_no_ref_gpt35\.json: record 3 \(item conala/3/baseline\): field 'grade-baseline': differs from",
    ):
        ice.parse(_files(tmp_path, mirror, name, _edited(mirror, name, bad)))


def test_parse_ice_score_execution_differs_between_files(tmp_path, mirror):
    name = ice.HUMANEVAL_FILES[7]  # python with_ref

    def bad(data):
        key = next(iter(data[0]))
        data[0][key]["execution"] = 1 - data[0][key]["execution"]
        return data

    with pytest.raises(
        LoadError,
        match=r"python_humaneval_no_step_with_ref_gpt35\.json: record humaneval-python/0/\d+: field 'execution'",
    ):
        ice.parse(_files(tmp_path, mirror, name, _edited(mirror, name, bad)))


def test_strategy_of_rejects_unknown_file():
    with pytest.raises(ValueError, match="path: not an ICE-Score"):
        ice.strategy_of("conala_bleu.json")


def test_load_ice_score_item_ids_unique_per_rater(df):
    assert not df.duplicated(["item_id", "rater", "criterion"]).any()
    he = df[df.subset != "conala"]
    assert he["item_id"].str.fullmatch(r"humaneval-(cpp|java|js|python)/\d+/\d+").all()
    assert (he["item_id"].str.split("/").str[0] == "humaneval-" + he["subset"]).all()
    assert pd.to_numeric(he["item_id"].str.split("/").str[1]).max() == 160  # 161 problems
