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


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the staged files into the tidy table (pure; reads only ``files``)."""
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
    pair_fields = ["id", "prompt", "text", "type", "model_x", "result_x", "model_y", "result_y"]
    pairs = {r["id"]: r for r in _read_jsonl(files[PAIRS], PAIRS, pair_fields)}

    # Judges: the full comparison files define the items; the crowd files must be a subset of them.
    judges = {}
    for judge, name in GPT_FULL.items():
        full = _read_csv(files[name], name, COMPARISON_COLUMNS)
        _unique(full, name)
        crowd_name = GPT_CROWD[judge]
        crowd = _read_csv(files[crowd_name], crowd_name, COMPARISON_COLUMNS)
        _unique(crowd, crowd_name)
        indexed = full.set_index("id")
        for i, pid in enumerate(crowd["id"]):
            if pid not in indexed.index:
                raise LoadError(
                    crowd_name, crowd["_line"].iloc[i], "id", f"pair {pid} not in {name}"
                )
            for col in COMPARISON_COLUMNS[1:]:
                if crowd[col].iloc[i] != indexed.at[pid, col]:
                    raise LoadError(
                        crowd_name,
                        crowd["_line"].iloc[i],
                        col,
                        f"{crowd[col].iloc[i]!r} differs from {name} ({indexed.at[pid, col]!r})",
                    )
        judges[judge] = full

    items = judges["gpt-4"]
    other_name, other = GPT_FULL["gpt-3.5-turbo-instruct"], judges["gpt-3.5-turbo-instruct"]
    if not other["id"].equals(items["id"]):
        i = int((other["id"].to_numpy() != items["id"].to_numpy()).nonzero()[0][0])
        raise LoadError(
            other_name, other["_line"].iloc[i], "id", f"does not align with {GPT_FULL['gpt-4']}"
        )

    # Item table: names, texts, subset.
    rows = []
    for rec in items.to_dict("records"):
        line, pid = rec["_line"], rec["id"]
        name_x = _lookup(models, rec["model_x"], MODELS, f"{GPT_FULL['gpt-4']} {line}", "model_x")
        name_y = _lookup(models, rec["model_y"], MODELS, f"{GPT_FULL['gpt-4']} {line}", "model_y")
        for col, expected in (("left", name_x), ("right", name_y)):
            if rec[col] != expected:
                raise LoadError(
                    GPT_FULL["gpt-4"],
                    line,
                    col,
                    f"{rec[col]!r} is not the name of the model ({expected!r})",
                )
        prompt = _lookup(prompts, rec["prompt"], PROMPTS, f"{GPT_FULL['gpt-4']} {line}", "prompt")
        res_x = _lookup(
            results,
            (rec["model_x"], rec["prompt"]),
            RESULTS,
            f"{GPT_FULL['gpt-4']} {line}",
            "model_x",
        )
        res_y = _lookup(
            results,
            (rec["model_y"], rec["prompt"]),
            RESULTS,
            f"{GPT_FULL['gpt-4']} {line}",
            "model_y",
        )
        text, subset = prompt["text"], prompt["type"]
        if pid in pairs:
            pair = pairs[pid]
            for field, value in (
                ("prompt", rec["prompt"]),
                ("model_x", rec["model_x"]),
                ("model_y", rec["model_y"]),
                ("text", text),
                ("type", subset),
                ("result_x", res_x),
                ("result_y", res_y),
            ):
                if pair[field] != value:
                    raise LoadError(
                        PAIRS,
                        f"id={pid}",
                        field,
                        f"{pair[field]!r:.80} differs from the comparison files",
                    )
            text, subset, res_x, res_y = (
                pair["text"],
                pair["type"],
                pair["result_x"],
                pair["result_y"],
            )
        rows.append(
            {
                "item_id": str(pid),
                "subset": subset,
                "prompt": text,
                "reference": prompt["note"],
                "response_a": res_x,
                "response_b": res_y,
                "model_a": name_x,
                "model_b": name_y,
            }
        )
    missing = sorted(set(pairs) - set(items["id"]))
    if missing:
        raise LoadError(PAIRS, f"id={missing[0]}", "id", f"pair not in {GPT_FULL['gpt-4']}")
    item_table = pd.DataFrame(rows)
    common = {"dataset": NAME, "protocol": "pairwise", "criterion": "overall", "order": "AB"}

    parts = []
    for judge, df in judges.items():
        parts.append(
            item_table.assign(
                **common,
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

    crowd = _read_csv(
        files[CROWD],
        CROWD,
        ["id", "prompt", "model_x", "model_y", "worker", "winner", "left", "right"],
    )
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
    by_id = item_table.set_index("item_id")
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
    votes = by_id.loc[crowd["id"].astype(str)].reset_index()
    parts.append(
        votes.assign(
            **common,
            rater=("human:worker" + crowd["worker"].astype(str)).to_numpy(),
            rater_kind="human",
            label=labels(
                crowd["winner"], LABELS, file=CROWD, field="winner", records=crowd["_line"].tolist()
            ),
            raw=crowd["winner"].to_numpy(),
        )
    )

    training = _read_jsonl(
        files[TRAINING],
        TRAINING,
        [*pair_fields[:3], "model_x", "result_x", "model_y", "result_y", "golden", "reason"],
    )
    gold = []
    for k, rec in enumerate(training, start=1):
        where = f"line {k} (id={rec['id']})"
        prompt = _lookup(prompts, rec["prompt"], PROMPTS, f"{TRAINING} {where}", "prompt")
        gold.append(
            {
                "item_id": f"training{rec['id']}",
                "subset": prompt["type"],
                "prompt": rec["text"],
                "reference": prompt["note"],
                "response_a": rec["result_x"],
                "response_b": rec["result_y"],
                "model_a": _lookup(
                    models, rec["model_x"], MODELS, f"{TRAINING} {where}", "model_x"
                ),
                "model_b": _lookup(
                    models, rec["model_y"], MODELS, f"{TRAINING} {where}", "model_y"
                ),
                "raw": rec["golden"],
                "explanation": rec["reason"],
                "_line": where,
            }
        )
    gold_df = pd.DataFrame(gold)
    parts.append(
        gold_df.drop(columns="_line").assign(
            **common,
            rater="gold",
            rater_kind="gold",
            label=labels(
                gold_df["raw"],
                LABELS,
                file=TRAINING,
                field="golden",
                records=gold_df["_line"].tolist(),
            ),
        )
    )
    return validate(conform(pd.concat(parts, ignore_index=True), name=NAME), name=NAME)
