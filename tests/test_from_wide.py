"""workbench.byo: from_wide (wide table -> tidy), read (tidy files) and the label spellings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import workbench
from workbench.byo import LABEL_SPELLINGS, from_wide, read, spellings
from workbench.errors import LoadError, SchemaError
from workbench.schema import validate
from workbench.vocab import BINARY_LABELS, PAIRWISE_LABELS

WIDE_CSV = Path(__file__).parent / "fixtures" / "importers" / "wide" / "my_judgments.csv"

# Six items, two people and one judge run in both orders (canonical numbering).
WIDE = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6],
        "prompt": [f"question {i}" for i in range(1, 7)],
        "human_1": ["A", "A", "B", "tie", "B", "A"],
        "human_2": ["model_a", "model_b", "model_b", "tie (bothbad)", "2", "1"],
        "gpt4_ab": ["A>B", "B>A", "[[B]]", "tie", "B", "error"],
        "gpt4_ba": ["A", "A", "B", "A", "B", None],
    }
)
KW = dict(
    item="id",
    humans=["human_1", "human_2"],
    judges={"gpt4_ab": "gpt-4", "gpt4_ba": "gpt-4"},
    order={"gpt4_ab": "AB", "gpt4_ba": "BA"},
    protocol="pairwise",
)


def test_label_spellings_map_to_vocab_labels_only():
    assert set(LABEL_SPELLINGS["pairwise"].values()) <= {*PAIRWISE_LABELS, None}
    assert set(LABEL_SPELLINGS["binary"].values()) <= {*BINARY_LABELS, None}


def test_from_wide_rows_labels_orders_field_by_field():
    t = from_wide(WIDE, **KW)
    validate(t)
    # 6 + 6 human cells, 6 AB cells, 5 BA cells (item 6 has no BA verdict): 23 rows.
    assert len(t) == 23
    got = t.pivot_table(
        index="item_id",
        columns=["rater", "order"],
        values="label",
        aggfunc="first",
        dropna=False,
        observed=True,
    )
    h1 = t[t.rater == "human:1"].set_index("item_id")["label"].astype(object).tolist()
    h2 = t[t.rater == "human:2"].set_index("item_id")["label"].astype(object).tolist()
    ab = t[(t.rater == "gpt-4") & (t.order == "AB")]["label"].astype(object).tolist()
    ba = t[(t.rater == "gpt-4") & (t.order == "BA")]["label"].astype(object).tolist()
    assert h1 == ["A", "A", "B", "tie", "B", "A"]
    assert h2 == ["A", "B", "B", "tie", "B", "A"]
    assert ab[:5] == ["A", "B", "B", "tie", "B"] and pd.isna(ab[5])  # "error": NA label, row kept
    assert ba == ["A", "A", "B", "A", "B"]
    assert got.shape[0] == 6
    row = t[(t.rater == "gpt-4") & (t.item_id == "6")]
    assert row["raw"].tolist() == ["error"]
    assert set(t["rater_kind"].astype(str)) == {"human", "llm"}
    assert t[t.rater.str.startswith("human")]["order"].isna().all()
    assert t["prompt"].iloc[0] == "question 1" and (t["dataset"] == "mine").all()


def test_from_wide_round_trip_through_agreement_with_ceiling():
    t = from_wide(WIDE, **KW)
    with pytest.warns(workbench.agreement.AgreementWarning, match="fewer than 10"):
        res = workbench.agreement(t, statistics=["percent_agreement"], n_resamples=50)
    ceiling = res[res["kind"] == "ceiling"]
    judge = res[res["kind"] == "judge"]
    # Ceiling on the judged items 1-5 (item 6 has only the judge's "error", NA): the two
    # annotators (A A B tie B / A B B tie B) agree on items 1, 3, 4, 5: 4/5 each way.
    assert ceiling["estimate"].iloc[0] == pytest.approx(4 / 5)
    assert ceiling["n_items"].iloc[0] == 5
    # Judge per order against each annotator's other (= the other annotator), pooled per
    # annotator then averaged: vs human_2 (A B B tie B A) the judge's 11 verdicts
    # AB: A B B tie B | BA: A A B A B -> AB agrees 5/5, BA agrees on items 1,3,5 = 3/5
    # -> 8/10; vs human_1 (A A B tie B A): AB: A,B(x),B,tie,B -> 4/5, BA: A,A,B,A(x),B -> 4/5
    # -> 8/10. Mean 0.8.
    assert judge["estimate"].iloc[0] == pytest.approx(0.8)
    assert judge["n_items"].iloc[0] == 5


def test_from_wide_names_every_unmapped_cell():
    bad = WIDE.assign(gpt4_ab=["A", "A>>>B", "B", "?", "B", "A"], human_2="B")
    bad.loc[0, "human_2"] = "maybe"
    with pytest.raises(SchemaError) as err:
        from_wide(bad, **KW)
    msg = str(err.value)
    assert "3 value(s)" in msg
    assert "column 'human_2', row 0: 'maybe'" in msg
    assert "column 'gpt4_ab', row 1: 'A>>>B'" in msg
    assert "column 'gpt4_ab', row 3: '?'" in msg


def test_from_wide_overrides_spellings():
    df = WIDE.assign(gpt4_ab=["left", "right", "B", "tie", "B", "A"])
    t = from_wide(df, **KW, labels={"left": "A", "right": "B"})
    ab = t[(t.rater == "gpt-4") & (t.order == "AB")]["label"].astype(object).tolist()
    assert ab[:2] == ["A", "B"]
    with pytest.raises(ValueError, match="'left' -> 'first'"):
        from_wide(df, **KW, labels={"left": "first"})
    assert "left" not in spellings("pairwise")  # the shared table is unchanged


def test_from_wide_bad_structure_errors():
    with pytest.raises(SchemaError, match=r"missing column\(s\) \['human_3'\]"):
        from_wide(WIDE, **{**KW, "humans": ["human_1", "human_3"]})
    with pytest.raises(SchemaError, match=r"rows \[0, 1\]: field 'id': duplicate item '1'"):
        from_wide(WIDE.assign(id=[1, 1, 3, 4, 5, 6]), **KW)
    with pytest.raises(ValueError, match="protocol: expected one of"):
        from_wide(WIDE, **{**KW, "protocol": "pairs"})
    with pytest.raises(SchemaError, match="only pairwise"):
        from_wide(
            WIDE[["id", "human_1"]].assign(j=1.0),
            item="id",
            humans=["human_1"],
            judges=["j"],
            protocol="rating",
            order="AB",
        )


def test_from_wide_binary_and_rating():
    df = pd.DataFrame({"q": ["a", "b", "c"], "human": ["yes", "no", 1], "j": [True, False, "0"]})
    t = from_wide(df, item="q", humans=["human"], judges=["j"], protocol="binary")
    assert t.groupby("rater")["label"].apply(list).to_dict() == {
        "human": ["correct", "incorrect", "correct"],
        "j": ["correct", "incorrect", "incorrect"],
    }
    r = pd.DataFrame({"q": ["a", "b"], "human_x": [3, 4], "judge": ["5", "x"]})
    with pytest.raises(SchemaError, match="column 'judge', row 1: 'x'"):
        from_wide(r, item="q", humans=["human_x"], judges=["judge"], protocol="rating")
    t = from_wide(
        r.assign(judge=[5, 2.5]),
        item="q",
        humans=["human_x"],
        judges=["judge"],
        protocol="rating",
        criterion="fluency",
    )
    assert t["score"].tolist() == [3.0, 4.0, 5.0, 2.5]
    assert set(t["criterion"]) == {"fluency"} and set(t["rater"]) == {"human:x", "judge"}


# ---------------------------------------------------------------- read


def test_read_csv_jsonl_parquet_round_trip(tmp_path):
    t = from_wide(WIDE, **KW)
    t.to_csv(tmp_path / "t.csv", index=False)
    t.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    t.to_parquet(tmp_path / "t.parquet", index=False)
    for name in ("t.csv", "t.jsonl", "t.parquet"):
        back = read(tmp_path / name)
        pd.testing.assert_frame_equal(back, t, check_dtype=True, obj=name)


def test_read_names_file_row_field(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("dataset,item_id,protocol,rater,label\nm,1,pairwise,j,A\nm,2,pairwise,j,first\n")
    with pytest.raises(SchemaError, match=r"bad.csv: row 1: field 'label': 'first'"):
        read(p)
    p.write_text("item_id,protocol,rater,label\n1,pairwise,j,A\n")
    with pytest.raises(SchemaError, match="bad.csv: missing column 'dataset'"):
        read(p)
    p.write_text("dataset,item_id,protocol,rater,label\nm,1,pairwise,j,A\nm,1,pairwise,j,B\n")
    with pytest.raises(SchemaError, match="bad.csv: rows \\[0, 1\\]: duplicate key"):
        read(p)
    p.write_text("dataset,item_id,protocol,rater,score\nm,1,rating,j,high\n")
    with pytest.raises(SchemaError, match="bad.csv: row 0: field 'score': 'high'"):
        read(p)
    j = tmp_path / "bad.jsonl"
    j.write_text('{"dataset": "m"}\n{oops\n')
    with pytest.raises(LoadError, match="bad.jsonl: record line 2"):
        read(j)
    with pytest.raises(LoadError, match="unknown format"):
        read(tmp_path / "x.xlsx")


def test_readme_your_own_judge_in_five_minutes(capsys):
    # The README section's code (run from the repository root; tests/fixtures/importers/wide/my_judgments.csv is
    # invented by make_wide.py: people right 90% of the time, the judge 70% and otherwise
    # preferring the response shown first).
    import workbench.report

    wide = pd.read_csv(WIDE_CSV)
    df = from_wide(
        wide,
        item="id",
        humans=["human_1", "human_2", "human_3"],
        judges={"gpt4_ab": "gpt-4", "gpt4_ba": "gpt-4"},
        order={"gpt4_ab": "AB", "gpt4_ba": "BA"},
        protocol="pairwise",
    )
    table = workbench.agreement(df, statistics=["percent_agreement", "cohen_kappa"])
    print(workbench.report.format(table))
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "| judge | agreement | Cohen's κ |",
        "|---|---|---|",
        "| gpt-4 | 0.77 [0.69, 0.85] | 0.57 [0.42, 0.71] |",
        "| human ceiling | 0.94 [0.87, 0.97] | 0.90 [0.77, 0.96] |",
    ]
    # 40 items x (3 people + 2 orders) = 200 rows; the judge sits below the ceiling and the
    # paired gap's interval excludes 0, as the generating rates (0.7 vs 0.9) say it should.
    assert len(df) == 200
    gap = table[table["kind"] == "judge"][["gap_ci_low", "gap_ci_high"]].to_numpy()
    assert (gap < 0).all()
    pos = workbench.bias.position_preference(df, judge="gpt-4", n_resamples=200)
    first = pos[pos["effect"] == "P(prefer first-presented | decisive)"].iloc[0]
    assert first["ci_low"] > 0.5  # the invented judge's position bias is found


def test_read_hints_at_from_wide_for_a_wide_table():
    with pytest.raises(SchemaError, match="that is a wide table: .* workbench.from_wide"):
        read(WIDE_CSV, dataset="mine")
