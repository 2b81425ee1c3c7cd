"""The `workbench` command line and reference resolution seen from the overview."""

from __future__ import annotations

import io
import socket
import warnings
from pathlib import Path

import pandas as pd
import pooch
import pytest
from fixtures_http import serve_directory

import workbench
from workbench.cli import main
from workbench.testing import toy


def test_main_datasets_lists_row_counts(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    # SOURCE.md of pandalm_testset: 999 items x (3 annotators + majority + 2 judges) = 5,994 rows.
    line = next(x for x in out.splitlines() if x.split()[0] == "pandalm")
    assert line.split()[1:4] == ["pairwise", "5994", "6"]


def test_main_load_writes_csv(tmp_path, capsys):
    out = tmp_path / "pandalm.csv"
    assert main(["load", "pandalm", "--out", str(out)]) == 0
    back = pd.read_csv(out)
    assert len(back) == 5994
    assert (back["rater"] == "human:majority").sum() == 999


def test_agreement_reference_prefers_crowd_majority_over_gold():
    # Two items judged by three crowd workers and a judge; a third item has only a gold label
    # (like LLMFAO's training pairs). reference="human" must use the crowd majority, not gold.
    # items 1, 2, 3; "." = no verdict
    verdicts = {"human:w0": "AB.", "human:w1": "AB.", "human:w2": "BB.", "j": "AA.", "gold": "..A"}
    df = toy(pairwise=verdicts, item_ids=["1", "2", "3"])
    kw = dict(statistics=["percent_agreement"], ceiling=False, n_resamples=50)
    res = workbench.agreement(df, reference="human", **kw)
    # majority: item 1 -> A (judge agrees), item 2 -> B (judge says A): 1/2.
    assert res[["judge", "reference", "estimate", "n_items"]].values.tolist() == [
        ["j", "human:majority", 0.5, 2]
    ]
    # The default faces each worker's others' majority (never gold): item 1 (A, A, B) gives
    # w0 and w1 a tie (left out), w2 faces A (judge A agrees); item 2 (B, B, B) gives everyone
    # B (judge A). Per worker 0, 0, 1/2 -> mean 1/6.
    res = workbench.agreement(df, **kw)
    assert res[["reference", "estimate", "n_items"]].values.tolist() == [
        ["others' majority", pytest.approx(1 / 6), 2]
    ]


def test_agreement_n_items_counts_items_left_after_dropping_ties():
    # Four items: human A, B, tie, A; judge A, tie, tie, B. ties="drop" keeps items 0 and 3
    # (neither side says tie): agreement 1/2 on n_items = 2 (the ties="agree" row keeps all 4).
    df = toy(pairwise={"human": "ABtA", "j": "AttB"})
    drop = workbench.agreement(df, statistics=["percent_agreement"], ties="drop", n_resamples=50)
    agree = workbench.agreement(df, statistics=["percent_agreement"], ties="agree", n_resamples=50)
    assert drop[["estimate", "n_items"]].values.tolist() == [[0.5, 2]]
    # ties="agree": items 0 (A=A) and 2 (tie=tie) agree of 4 -> 1/2 on 4 items.
    assert agree[["estimate", "n_items"]].values.tolist() == [[0.5, 4]]


# ---------------------------------------------------------------- issue #14: the user's command line

FIX = Path(__file__).parent / "fixtures" / "importers"
COMMANDS = ["datasets", "load", "validate", "agreement", "probe", "overview", "reproduce"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"] if command is None else [command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n  workbench " in out
    assert "Command-line entry point" not in out  # a user's help, not the module docstring


def test_validate_good_file(capsys):
    assert main(["validate", str(FIX / "tidy" / "good.csv")]) == 0
    out = capsys.readouterr().out
    assert "good.csv: valid." in out
    assert "4 rows, 2 items" in out and "raters, llm (1): gpt-4" in out


@pytest.mark.parametrize(
    "path, source, expected",
    [
        ("tidy/bad_label.csv", "tidy", "bad_label.csv: row 3: field 'label': 'first'"),
        ("tidy/bad_score.csv", "tidy", "bad_score.csv: row 1: field 'score': 'high'"),
        ("tidy/missing_dataset.csv", "tidy", "missing_dataset.csv: missing column 'dataset'"),
        ("tidy/duplicate.jsonl", "tidy", "duplicate.jsonl: rows [0, 1]: duplicate key"),
        ("fastchat/bad_winner.jsonl", "fastchat", "column 'g2_winner', line 2: 'model_3'"),
        ("fastchat/bad_missing.jsonl", "fastchat", "record line 1: field 'g1_winner': missing"),
        ("alpaca_eval/bad_preference.json", "alpaca_eval", "record 0: field 'preference'"),
    ],
)
def test_validate_bad_file_names_file_row_field(path, source, expected, capsys):
    assert main(["validate", str(FIX / path), "--from", source]) == 1
    err = capsys.readouterr().err
    assert err.startswith("workbench validate: error: ")
    assert expected in err and "Traceback" not in err


def test_agreement_pandalm_markdown_matches_agreement(capsys):
    assert (
        main(
            [
                "agreement",
                "pandalm",
                "--format",
                "markdown",
                "--n-resamples",
                "50",
                "--statistic",
                "cohen_kappa",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    res = workbench.agreement(workbench.load("pandalm"), statistics=["cohen_kappa"], n_resamples=50)
    got = res.set_index("judge")
    assert lines[0] == "| judge | Cohen's κ |" and lines[1] == "|---|---|"
    gpt = got.loc["gpt-3.5-turbo"]
    assert lines[2] == (
        f"| gpt-3.5-turbo | **{gpt.estimate:.2f} [{gpt.ci_low:.2f}, {gpt.ci_high:.2f}]** |"
    )
    assert lines[3].startswith("| pandalm-7b | 0.")
    assert lines[4].startswith("| human ceiling | 0.9")
    assert "Reference: others' majority" in lines[-1]


def test_agreement_on_an_imported_file_latex_and_csv(capsys):
    path = str(FIX / "alpaca_eval" / "annotations.json")
    assert main(["agreement", path, "--from", "alpaca_eval"]) == 1
    assert "found no human:majority" in capsys.readouterr().err  # judges only: says so
    good = str(FIX / "tidy" / "good.csv")
    assert main(["agreement", good, "--format", "latex", "--statistic", "percent_agreement"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\begin{tabular}{lc}") and "gpt-4 & 0.50" in out  # A=A, B vs A
    assert main(["agreement", good, "--format", "csv", "--statistic", "percent_agreement"]) == 0
    back = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert back[["judge", "estimate", "n_items"]].values.tolist() == [["gpt-4", 0.5, 2]]


def test_probe_on_fastchat_file(capsys):
    path = str(FIX / "fastchat" / "gpt-4_pair.jsonl")
    with pytest.warns(UserWarning):
        assert (
            main(["probe", "position_preference", path, "--from", "fastchat", "--format", "csv"])
            == 0
        )
    res = pd.read_csv(io.StringIO(capsys.readouterr().out))
    row = res[res["effect"] == "swap consistency"].iloc[0]
    # Items with both orders judged: 81/t1 (B, B), 81/t2 (tie, A), 82/t2 (B, B), 83/t1
    # (B, A): consistent on 2 of 4.
    assert (row["estimate"], row["n_items"]) == (0.5, 4)
    assert main(["probe", "no_such_probe", path, "--from", "fastchat"]) == 1
    assert "unknown 'no_such_probe'" in capsys.readouterr().err


def test_overview_one_dataset_with_legend(capsys):
    assert main(["overview", "--dataset", "pandalm", "--n-resamples", "20"]) == 0
    out = capsys.readouterr().out
    rows = [x for x in out.splitlines() if x.startswith(("pandalm", "llmbar", "llmfao"))]
    assert rows and all(x.startswith("pandalm") for x in rows)
    assert out.rstrip().splitlines()[-1].startswith("estimate [ci_low, ci_high]: 95%")


def test_load_summary_and_truncated_texts(capsys):
    assert main(["load", "pandalm", "--head", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "pandalm: 5994 rows, 999 items"
    assert "raters, llm (2): gpt-3.5-turbo, pandalm-7b" in out
    assert any(x.startswith("labels: B 2823, A 2570, tie 576, NA 25") for x in out)
    assert max(len(x) for x in out) < 400  # prompts cut to 40 characters, not 1,144
    assert sum("…" in x for x in out) >= 3


def test_load_out_picks_format_by_suffix(tmp_path, capsys):
    assert main(["load", "pandalm", "--out", str(tmp_path / "p.jsonl")]) == 0
    assert len(pd.read_json(tmp_path / "p.jsonl", lines=True)) == 5994
    with pytest.raises(SystemExit) as exit_:
        main(["load", "pandalm", "--out", str(tmp_path / "p.txt")])
    assert exit_.value.code == 2
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        assert main(["load", "pandalm", "--out", str(tmp_path / "p.xlsx")]) == 1
        assert "needs openpyxl" in capsys.readouterr().err
        assert not (tmp_path / "p.xlsx").exists()
    else:
        assert main(["load", "pandalm", "--out", str(tmp_path / "p.xlsx")]) == 0
        assert len(pd.read_excel(tmp_path / "p.xlsx")) == 5994


# ---------------------------------------------------------------- data access that forgives


def _closed_port() -> int:
    with socket.socket() as s:  # bound, then closed: nothing listens there, connect is refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mirror_lacking_a_file_falls_back_to_the_pinned_download(tmp_path, mirror, monkeypatch):
    from workbench.fetch import MirrorWarning, fetch, registry, sha256
    from workbench.loaders import alpaca_eval

    monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(tmp_path / "empty_mirror"))
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    with serve_directory(mirror) as url:  # the "upstream": a local server, never the internet
        monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", url)
        with pytest.warns(MirrorWarning, match=rf"not in WORKBENCH_DATA_MIRROR=.*{url}/"):
            got = fetch(alpaca_eval.SOURCE, alpaca_eval.LEADERBOARD)
    folder = alpaca_eval.SOURCE.folder
    assert got == tmp_path / "cache" / "raw" / folder / alpaca_eval.LEADERBOARD
    assert sha256(got) == registry(folder)[alpaca_eval.LEADERBOARD][0]


@pytest.mark.parametrize("mirror_set", [False, True])
def test_offline_download_failure_is_one_paragraph(tmp_path, monkeypatch, capsys, mirror_set):
    if mirror_set:
        monkeypatch.setenv("WORKBENCH_DATA_MIRROR", str(tmp_path / "empty_mirror"))
    else:
        monkeypatch.delenv("WORKBENCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", url)
    # pooch's own "Downloading ..." log line goes to the stream its handler was made with
    # (an earlier test's captured stderr); the message under test is the workbench's.
    monkeypatch.setattr(pooch.get_logger(), "disabled", True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the MirrorWarning of the mirror_set case
        assert main(["load", "alpaca_eval_evaluators"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("workbench load: error: dataset folder 'alpaca_eval_evaluators': ")
    assert f"from {url}/alpaca_eval_evaluators/" in err and "ConnectionError" in err
    assert ("lacks it" if mirror_set else "WORKBENCH_DATA_MIRROR is not set") in err
    assert "set WORKBENCH_DATA_MIRROR to a folder holding alpaca_eval_evaluators/" in err


def test_download_not_found_upstream_is_one_paragraph(tmp_path, monkeypatch):
    from workbench.fetch import DownloadError, fetch
    from workbench.loaders import alpaca_eval

    monkeypatch.delenv("WORKBENCH_DATA_MIRROR", raising=False)
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    (tmp_path / "served").mkdir()
    with serve_directory(tmp_path / "served") as url:  # serves nothing: HTTP 404
        monkeypatch.setenv("WORKBENCH_DATA_BASE_URL", url)
        with pytest.raises(DownloadError, match=r"could not download .* \(HTTPError: 404"):
            fetch(alpaca_eval.SOURCE, alpaca_eval.LEADERBOARD)
