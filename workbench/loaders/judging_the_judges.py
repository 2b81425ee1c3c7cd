"""Judging the Judges: TriviaQA answers judged correct / incorrect by LLM judges, lexical metrics and humans.

Thakur, Choudhary, Ramayapally, Vaidyanathan, Hupkes, "Judging the Judges:
Evaluating Alignment and Vulnerabilities in LLMs-as-Judges", arXiv:2406.12624
(v1 June 2024). Data: ``UMass-Meta-LLM-Eval/llm_eval`` at commit
``7c0bf28e75703cd41c6088bebb64eefcdf348bd4``, files
``results/TriviaQA_Judges_w_HumanJudgement_{V1,V2}.csv``. License: MIT, declared
in the repository's ``pyproject.toml`` only (no LICENSE file); the TriviaQA
questions and references are Apache-2.0.

Layout
------
Binary protocol, one row per (CSV row, rater). Both files are loaded and kept
apart: ``subset`` is ``"V1"`` or ``"V2"`` and ``item_id`` is
``"<V1|V2>/<0-based CSV row>"``. Ids are row-based, not (model, question)-based,
because neither pair is unique: V2's ``gpt-4t`` has 800 rows for its 400
questions (400 carry no labels at all), and V1 has five ``llama2-7b-chat``
rows (1600-1604) that repeat questions of rows 1605-1609 with a base-model
prompt, no judge verdicts and a human label.

``model`` is the exam-taker, ``prompt`` the TriviaQA ``question``,
``reference`` the newline-separated TriviaQA answer aliases (``references``),
``response`` is NA: in both files the ``response`` column holds the *input*
the exam-taker was given (the few-shot prompt ending in ``"A:"``, identical
across exam-takers of one prompt template), not the answer it produced; the
answers themselves are not in the release. Carrying the prompt as a response
would make length/style factors measure the prompt, so it is not carried.

Raters
------
Human
    ``human`` (rater_kind ``human``): the single adjudicated label per row. V1
    ``HumanJudgement`` (2,507 True / 1,093 False); V2 ``Human-Eval`` (2,039 True /
    1,161 False / 400 missing) with ``Human-Eval_Confidence`` kept in ``raw`` as
    ``"<Human-Eval>|conf=<Human-Eval_Confidence>"`` (``"True|conf=True"``).
    Per-annotator labels are not released.
LLM judges (rater_kind ``llm``, rater = the file's column name, no strategy)
    ``GPT-4`` = GPT-4 Turbo; ``Llama-7B`` / ``Llama-13B`` / ``Llama-70B`` =
    Llama-2 7B / 13B / 70B chat; ``Llama3-8B`` / ``Llama3-70B`` = Llama-3 8B /
    70B Instruct; ``Mistral-7B`` = Mistral 7B Instruct; ``Gemma-2B`` = Gemma 2B
    (instruction-tuned); ``JudgeLM`` = JudgeLM-7B. V1 and V2 share these nine
    column names; V2's verdicts are a later run (the counts differ).
Lexical metrics (rater_kind ``metric``, V1 only)
    ``EM`` = exact match with a reference alias, ``Contains`` = the answer
    contains a reference alias.

Labels: ``"True"`` -> ``correct``, ``"False"`` -> ``incorrect``; an empty cell
(judge missing / unparsed, :data:`NA`) -> NA label with NA ``raw``, the row kept.
Anything else (``"true"``, ``"1"``, ``"nan"``) raises
:class:`~workbench.schema.LoadError` naming file, row and column; so do a short
row, a file cut inside its last record and a row count other than :data:`RECORDS`
(:func:`workbench.loaders.raw.read_csv`).

Rows: V1 3,600 x 12 raters = 43,200; V2 3,600 x 10 raters = 36,000.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..fetch import Source
from ..schema import conform, validate
from .raw import read_csv
from .values import labels

NAME = "judging_the_judges"
PROTOCOL = "binary"
SOURCE = Source(
    folder="judging_the_judges_triviaqa",
    base_url="https://raw.githubusercontent.com/UMass-Meta-LLM-Eval/llm_eval/7c0bf28e75703cd41c6088bebb64eefcdf348bd4",
    homepage="https://github.com/UMass-Meta-LLM-Eval/llm_eval/tree/7c0bf28e75703cd41c6088bebb64eefcdf348bd4",
    license="MIT",
    citation="Thakur et al. 2024, Judging the Judges (arXiv:2406.12624)",
)
V1 = "TriviaQA_Judges_w_HumanJudgement_V1.csv"
V2 = "TriviaQA_Judges_w_HumanJudgement_V2.csv"
FILES = [V1, V2]

TEXT_COLUMNS = ["model", "response", "question", "references", "benchmark"]
LLM_JUDGES = [
    "Mistral-7B",
    "Llama-7B",
    "Llama-13B",
    "Llama3-8B",
    "Gemma-2B",
    "Llama-70B",
    "Llama3-70B",
    "GPT-4",
    "JudgeLM",
]
"""Judge columns present in both files (paper names in the module docstring)."""
METRICS = {V1: ["EM", "Contains"], V2: []}
HUMAN = {V1: "HumanJudgement", V2: "Human-Eval"}
CONFIDENCE = {V1: None, V2: "Human-Eval_Confidence"}
VERSION = {V1: "V1", V2: "V2"}

LABELS = {"True": "correct", "False": "incorrect"}
CONFIDENCE_VALUES = ("True", "False")
NA = ("",)
"""The documented NA of every label column: an empty cell (judge missing / unparsed)."""
RECORDS = {V1: 3600, V2: 3600}
"""Rows per file (SOURCE.md); another count raises (a truncated or altered file)."""


def _parse_file(df: pd.DataFrame, name: str) -> pd.DataFrame:
    version = VERSION[name]
    n = len(df)
    item_id = [f"{version}/{i}" for i in range(n)]
    records = [f"row {i} (item {version}/{i})" for i in range(n)]
    base = pd.DataFrame(
        {
            "dataset": NAME,
            "subset": version,
            "item_id": item_id,
            "protocol": "binary",
            "criterion": "overall",
            "prompt": df["question"],
            "reference": df["references"],
            "model": df["model"],
        }
    )
    parts = []

    def part(col: str, rater: str, kind: str, raw: pd.Series | None = None) -> pd.DataFrame:
        values = df[col].where(df[col] != "", None)
        label = labels(df[col], LABELS, file=name, field=col, records=records, na=NA)
        return base.assign(
            rater=rater, rater_kind=kind, label=label, raw=values if raw is None else raw
        )

    human_col = HUMAN[name]
    raw = None
    if CONFIDENCE[name] is not None:
        conf_col = CONFIDENCE[name]
        conf = df[conf_col].where(df[conf_col] != "", None)
        labels(
            df[conf_col],
            dict.fromkeys(CONFIDENCE_VALUES),
            file=name,
            field=conf_col,
            records=records,
            na=NA,
        )
        human = df[human_col].where(df[human_col] != "", None)
        both_na = human.isna() & conf.isna()
        raw = (df[human_col] + "|conf=" + df[conf_col]).where(~both_na, None)
    parts.append(part(human_col, "human", "human", raw))
    for col in LLM_JUDGES:
        parts.append(part(col, col, "llm"))
    for col in METRICS[name]:
        parts.append(part(col, col, "metric"))
    return pd.concat(parts, ignore_index=True)


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse both staged CSV files into the tidy table (pure; no I/O besides reading)."""
    parts = []
    for name in FILES:
        required = TEXT_COLUMNS + LLM_JUDGES + METRICS[name] + [HUMAN[name]]
        if CONFIDENCE[name]:
            required.append(CONFIDENCE[name])
        df, _ = read_csv(files[name], name, required=required, rows=RECORDS[name])
        parts.append(_parse_file(df, name))
    out = pd.concat(parts, ignore_index=True)
    return validate(conform(out, name=NAME), name=NAME)
