"""LLMFAO: crowd pairwise votes per worker, GPT-4 and GPT-3.5-Turbo-Instruct verdicts on the same pairs.

Dmitry Ustalov, "LLMFAO: Large Language Model Feedback Analysis and
Optimization" (2023; no peer-reviewed paper; write-up at
evalovernite.substack.com/p/llmfao-human-ranking). Data: ``dustalov/llmfao`` at
commit ``9e224e94a40129fd6e1e1529b962307e84af40da``, CC BY 4.0 (prompts, models
and outputs from the llmonitor.com benchmark, also CC BY 4.0).

Rows (one per item and rater, ``order`` = ``AB`` everywhere: ``model_x`` is
shown as System A / model A, first):

- ``human:worker<id>``: 8,931 crowd votes by 124 workers on the 2,139 crowd
  pairs (``crowd-comparisons.csv``; 1-5 votes per pair). No majority row: the
  source defines no aggregation of the votes (its leaderboard fits pairwise
  models to the raw votes).
- ``gpt-4`` and ``gpt-3.5-turbo-instruct`` (``strategy`` ``gpt-instruction``,
  the staged prompt file): one verdict on each of the 3,236 sampled pairs
  (``gpt4-comparisons.csv`` / ``gpt3-comparisons.csv``). The
  ``gpt*-crowd-comparisons.csv`` files are the same verdicts restricted to the
  crowd pairs (checked: identical ``id``, models, names and ``winner`` on all
  2,139 rows), so the full files are loaded and the crowd files are verified
  against them; any difference raises :class:`~workbench.schema.LoadError`.
- ``gold``: the 7 annotator-training pairs of ``pairs-crowd-training.jsonl``
  with the author's ``golden`` label and ``reason`` (``item_id``
  ``training-1`` ... ``training-7``).

Labels: ``left`` -> ``A``, ``right`` -> ``B``, ``tie`` -> ``tie``; ``raw``
keeps the source value. ``item_id`` = the pair ``id``; ``subset`` = the prompt
``type`` (``reflexion``, ``knowledge``, ``instruct``, ``creativity``; plus
``code`` for the non-crowd pairs); ``model_a`` / ``model_b`` = display names of
``model_x`` / ``model_y`` (``models.jsonl``, equal to the CSVs' ``left`` /
``right``); ``prompt`` and responses from ``pairs-crowd.jsonl`` for crowd pairs
and from ``prompts.jsonl`` / ``results.jsonl`` for the others (the two sources
agree on every crowd pair, checked at load); ``reference`` = the prompt's
``note`` (an expected answer where llmonitor gives one).

Values are strict (:mod:`workbench.loaders.values`): ids are integers (CSV cells ASCII
integer literals; JSON integers, not ``3.0`` or ``true``) and unique per file, texts are
strings (``note`` may be null), labels exactly ``left`` / ``right`` / ``tie``; every file
must hold the number of records SOURCE.md lists (:data:`RECORDS`).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .raw import read_csv, read_jsonl_file
from .values import integers, labels, texts, unique

NAME = "llmfao"
PROTOCOL = "pairwise"
COMMIT = "9e224e94a40129fd6e1e1529b962307e84af40da"
SOURCE = Source(
    folder="llmfao_crowd_vs_gpt",
    base_url=f"https://raw.githubusercontent.com/dustalov/llmfao/{COMMIT}",
    homepage=f"https://github.com/dustalov/llmfao/tree/{COMMIT}",
    license="CC-BY-4.0",
    citation="Ustalov 2023, LLMFAO: Large Language Model Feedback Analysis and Optimization",
)
CROWD = "crowd-comparisons.csv"
GPT_FULL = {"gpt-4": "gpt4-comparisons.csv", "gpt-3.5-turbo-instruct": "gpt3-comparisons.csv"}
GPT_CROWD = {
    "gpt-4": "gpt4-crowd-comparisons.csv",
    "gpt-3.5-turbo-instruct": "gpt3-crowd-comparisons.csv",
}
PAIRS = "pairs-crowd.jsonl"
TRAINING = "pairs-crowd-training.jsonl"
PROMPTS = "prompts.jsonl"
MODELS = "models.jsonl"
RESULTS = "results.jsonl"
FILES = [CROWD, *GPT_FULL.values(), *GPT_CROWD.values(), PAIRS, TRAINING, PROMPTS, MODELS, RESULTS]

LABELS = {"left": "A", "right": "B", "tie": "tie"}
STRATEGY = "gpt-instruction"
COMPARISON_COLUMNS = ["id", "prompt", "model_x", "model_y", "winner", "left", "right"]
INT_COLUMNS = ["id", "prompt", "model_x", "model_y", "worker"]


RECORDS = {
    CROWD: 8931,
    **dict.fromkeys(GPT_FULL.values(), 3236),
    **dict.fromkeys(GPT_CROWD.values(), 2139),
    PAIRS: 2139,
    TRAINING: 7,
    PROMPTS: 19,
    MODELS: 70,
    RESULTS: 1133,
}
"""Records per file (SOURCE.md); another count raises (a truncated or altered file)."""
JSONL_INTS = ("id", "prompt", "model", "model_x", "model_y")
"""JSON Lines keys holding integer ids; every other key a loader reads holds a text."""


def _read_csv(path: Path, name: str, columns: list[str]) -> pd.DataFrame:
    """The listed columns, none empty; :data:`INT_COLUMNS` as integers; ``_line`` locators."""
    table, starts = read_csv(path, name, required=columns, rows=RECORDS.get(name))
    where = [f"line {line} (id={pid})" for line, pid in zip(starts, table["id"], strict=True)]
    out: dict[str, list] = {}
    for col in columns:
        cells = table[col].tolist()
        empty = next((i for i, cell in enumerate(cells) if cell == ""), None)
        if empty is not None:
            raise LoadError(name, where[empty], col, "missing")
        if col in INT_COLUMNS:
            cells = integers(cells, file=name, field=col, records=where, from_text=True)
        out[col] = cells
    out["_line"] = where
    return pd.DataFrame(out, columns=[*columns, "_line"])


def _read_jsonl(
    path: Path, name: str, required: list[str], *, nullable: tuple[str, ...] = ()
) -> list[dict]:
    """Records with strict values: :data:`JSONL_INTS` integers, the other ``required`` texts."""
    records = read_jsonl_file(path, name, required=required, id_key="id", rows=RECORDS.get(name))
    where = [f"line {i + 1} (id={rec.get('id')!r})" for i, rec in enumerate(records)]
    for key in required:
        column = [rec[key] for rec in records]
        if key in JSONL_INTS:
            integers(column, file=name, field=key, records=where)
        else:
            texts(column, file=name, field=key, records=where, nullable=key in nullable)
    if "id" in required:
        unique([rec["id"] for rec in records], file=name, field="id", records=where)
    return records


def _unique(df: pd.DataFrame, name: str) -> None:
    unique(df["id"].tolist(), file=name, field="id", records=df["_line"].tolist())


def _lookup(table: dict, key, name: str, record: str, field: str):
    if key not in table:
        raise LoadError(name, record, field, f"{key!r} not found")
    return table[key]


class _Sources(NamedTuple):
    """The lookup files, keyed as the comparison files refer to them."""

    models: dict  # model id -> display name
    prompts: dict  # prompt id -> prompt record
    results: dict  # (model id, prompt id) -> response text
    pairs: dict  # pair id -> crowd pair record


_PAIR_FIELDS = ["id", "prompt", "text", "type", "model_x", "result_x", "model_y", "result_y"]
_COMMON = {"dataset": NAME, "protocol": "pairwise", "criterion": "overall", "order": "AB"}
_ITEMS = GPT_FULL["gpt-4"]  # the comparison file whose pairs define the items


def _read_sources(files: dict[str, Path]) -> _Sources:
    """Models, prompts, results (one per (model, prompt)) and crowd pairs, each checked."""
    models = {r["id"]: r["name"] for r in _read_jsonl(files[MODELS], MODELS, ["id", "name"])}
    prompts = {
        r["id"]: r
        for r in _read_jsonl(
            files[PROMPTS], PROMPTS, ["id", "text", "type", "note"], nullable=("note",)
        )
    }
    result_records = _read_jsonl(files[RESULTS], RESULTS, ["model", "prompt", "result"])
    keys = [(r["model"], r["prompt"]) for r in result_records]
    unique(
        keys, file=RESULTS, field="model", records=lambda i: f"line {i + 1}", what="(model, prompt)"
    )
    results = {key: r["result"] for key, r in zip(keys, result_records, strict=True)}
    pairs = {r["id"]: r for r in _read_jsonl(files[PAIRS], PAIRS, _PAIR_FIELDS)}
    return _Sources(models, prompts, results, pairs)


def _check_subset(full: pd.DataFrame, name: str, crowd: pd.DataFrame, crowd_name: str) -> None:
    """Every row of the crowd comparison file is a row of the full one, field for field."""
    indexed = full.set_index("id")
    for i, pid in enumerate(crowd["id"]):
        if pid not in indexed.index:
            raise LoadError(crowd_name, crowd["_line"].iloc[i], "id", f"pair {pid} not in {name}")
        for col in COMPARISON_COLUMNS[1:]:
            if crowd[col].iloc[i] != indexed.at[pid, col]:
                raise LoadError(
                    crowd_name,
                    crowd["_line"].iloc[i],
                    col,
                    f"{crowd[col].iloc[i]!r} differs from {name} ({indexed.at[pid, col]!r})",
                )


def _read_judges(files: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """Each judge's full comparison file (the crowd files checked to be subsets), aligned."""
    judges = {}
    for judge, name in GPT_FULL.items():
        full = _read_csv(files[name], name, COMPARISON_COLUMNS)
        _unique(full, name)
        crowd_name = GPT_CROWD[judge]
        crowd = _read_csv(files[crowd_name], crowd_name, COMPARISON_COLUMNS)
        _unique(crowd, crowd_name)
        _check_subset(full, name, crowd, crowd_name)
        judges[judge] = full
    items = judges["gpt-4"]
    other_name, other = GPT_FULL["gpt-3.5-turbo-instruct"], judges["gpt-3.5-turbo-instruct"]
    if not other["id"].equals(items["id"]):
        i = int((other["id"].to_numpy() != items["id"].to_numpy()).nonzero()[0][0])
        raise LoadError(other_name, other["_line"].iloc[i], "id", f"does not align with {_ITEMS}")
    return judges


def _check_pair(pair: dict, pid: int, expected: dict) -> None:
    """The crowd pair ``pid`` says what the comparison files and lookups say, field by field."""
    for field, value in expected.items():
        if pair[field] != value:
            raise LoadError(
                PAIRS, f"id={pid}", field, f"{pair[field]!r:.80} differs from the comparison files"
            )


def _item_row(rec: dict, src: _Sources) -> dict:
    """One item of the comparison files: model names, prompt, responses and subset."""
    line, pid = rec["_line"], rec["id"]
    where = f"{_ITEMS} {line}"
    name_x = _lookup(src.models, rec["model_x"], MODELS, where, "model_x")
    name_y = _lookup(src.models, rec["model_y"], MODELS, where, "model_y")
    for col, expected in (("left", name_x), ("right", name_y)):
        if rec[col] != expected:
            raise LoadError(
                _ITEMS, line, col, f"{rec[col]!r} is not the name of the model ({expected!r})"
            )
    prompt = _lookup(src.prompts, rec["prompt"], PROMPTS, where, "prompt")
    res_x = _lookup(src.results, (rec["model_x"], rec["prompt"]), RESULTS, where, "model_x")
    res_y = _lookup(src.results, (rec["model_y"], rec["prompt"]), RESULTS, where, "model_y")
    text, subset = prompt["text"], prompt["type"]
    if pid in src.pairs:
        pair = src.pairs[pid]
        _check_pair(
            pair,
            pid,
            {
                "prompt": rec["prompt"],
                "model_x": rec["model_x"],
                "model_y": rec["model_y"],
                "text": text,
                "type": subset,
                "result_x": res_x,
                "result_y": res_y,
            },
        )
        text, subset = pair["text"], pair["type"]
        res_x, res_y = pair["result_x"], pair["result_y"]
    return {
        "item_id": str(pid),
        "subset": subset,
        "prompt": text,
        "reference": prompt["note"],
        "response_a": res_x,
        "response_b": res_y,
        "model_a": name_x,
        "model_b": name_y,
    }


def _item_table(items: pd.DataFrame, src: _Sources) -> pd.DataFrame:
    """One row per pair of ``items``; every crowd pair must be one of them."""
    rows = [_item_row(rec, src) for rec in items.to_dict("records")]
    missing = sorted(set(src.pairs) - set(items["id"]))
    if missing:
        raise LoadError(PAIRS, f"id={missing[0]}", "id", f"pair not in {_ITEMS}")
    return pd.DataFrame(rows)


def _judge_rows(item_table: pd.DataFrame, judges: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """One verdict per item and judge (the judges' files are aligned with ``item_table``)."""
    parts = []
    for judge, df in judges.items():
        parts.append(
            item_table.assign(
                **_COMMON,
                rater=judge,
                rater_kind="llm",
                strategy=STRATEGY,
                label=labels(
                    df["winner"],
                    LABELS,
                    file=GPT_FULL[judge],
                    field="winner",
                    records=df["_line"].tolist(),
                ),
                raw=df["winner"].to_numpy(),
            )
        )
    return parts


def _check_crowd(crowd: pd.DataFrame, pairs: dict) -> None:
    """One vote per (pair, worker), on a crowd pair, with the pair's models."""
    dup = crowd.duplicated(["id", "worker"]).to_numpy().nonzero()[0]
    if len(dup):
        i = int(dup[0])
        raise LoadError(
            CROWD,
            crowd["_line"].iloc[i],
            "worker",
            f"worker {crowd['worker'].iloc[i]} voted twice on pair {crowd['id'].iloc[i]}",
        )
    known = set(pairs)
    for i, pid in enumerate(crowd["id"]):
        if pid not in known:
            raise LoadError(CROWD, crowd["_line"].iloc[i], "id", f"pair {pid} not in {PAIRS}")
    for i, rec in enumerate(crowd[["id", "model_x", "model_y"]].itertuples(index=False)):
        pair = pairs[rec.id]
        for col in ("model_x", "model_y"):
            if getattr(rec, col) != pair[col]:
                raise LoadError(
                    CROWD,
                    crowd["_line"].iloc[i],
                    col,
                    f"{getattr(rec, col)!r} differs from {PAIRS} ({pair[col]!r})",
                )


def _crowd_rows(path: Path, item_table: pd.DataFrame, pairs: dict) -> pd.DataFrame:
    """One row per crowd vote, on the item's row of ``item_table``."""
    crowd = _read_csv(
        path, CROWD, ["id", "prompt", "model_x", "model_y", "worker", "winner", "left", "right"]
    )
    _check_crowd(crowd, pairs)
    by_id = item_table.set_index("item_id")
    votes = by_id.loc[crowd["id"].astype(str)].reset_index()
    return votes.assign(
        **_COMMON,
        rater=("human:worker" + crowd["worker"].astype(str)).to_numpy(),
        rater_kind="human",
        label=labels(
            crowd["winner"], LABELS, file=CROWD, field="winner", records=crowd["_line"].tolist()
        ),
        raw=crowd["winner"].to_numpy(),
    )


def _gold_rows(path: Path, src: _Sources) -> pd.DataFrame:
    """The training pairs with the author's ``golden`` label and ``reason``."""
    training = _read_jsonl(
        path,
        TRAINING,
        [*_PAIR_FIELDS[:3], "model_x", "result_x", "model_y", "result_y", "golden", "reason"],
    )
    gold = []
    for k, rec in enumerate(training, start=1):
        where = f"line {k} (id={rec['id']})"
        record = f"{TRAINING} {where}"
        prompt = _lookup(src.prompts, rec["prompt"], PROMPTS, record, "prompt")
        gold.append(
            {
                "item_id": f"training{rec['id']}",
                "subset": prompt["type"],
                "prompt": rec["text"],
                "reference": prompt["note"],
                "response_a": rec["result_x"],
                "response_b": rec["result_y"],
                "model_a": _lookup(src.models, rec["model_x"], MODELS, record, "model_x"),
                "model_b": _lookup(src.models, rec["model_y"], MODELS, record, "model_y"),
                "raw": rec["golden"],
                "explanation": rec["reason"],
                "_line": where,
            }
        )
    gold_df = pd.DataFrame(gold)
    return gold_df.drop(columns="_line").assign(
        **_COMMON,
        rater="gold",
        rater_kind="gold",
        label=labels(
            gold_df["raw"], LABELS, file=TRAINING, field="golden", records=gold_df["_line"].tolist()
        ),
    )


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the staged files into the tidy table (pure; reads only ``files``).

    Steps, each raising :class:`~workbench.schema.LoadError` on what it checks: the lookup
    files (:func:`_read_sources`), the judges' comparison files (:func:`_read_judges`), the
    item table (:func:`_item_table`), then the judge, crowd and gold rows.
    """
    src = _read_sources(files)
    judges = _read_judges(files)
    item_table = _item_table(judges["gpt-4"], src)
    parts = _judge_rows(item_table, judges)
    parts.append(_crowd_rows(files[CROWD], item_table, src.pairs))
    parts.append(_gold_rows(files[TRAINING], src))
    return validate(conform(pd.concat(parts, ignore_index=True), name=NAME), name=NAME)
