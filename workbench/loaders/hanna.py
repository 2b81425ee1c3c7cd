"""HANNA: human, LLM and automatic-metric ratings of 1,056 generated stories, and the TACL explanation user study.

Chhun, Colombo, Suchanek, Clavel, "Of Human Criteria and Automatic Metrics: A
Benchmark of the Evaluation of Story Generation", COLING 2022
(https://aclanthology.org/2022.coling-1.509); Chhun, Suchanek, Clavel, "Do
Language Models Enjoy Their Own Stories? Prompting Large Language Models for
Automatic Story Evaluation", TACL 12 (2024) (arXiv:2405.13769). Data:
``dig-team/hanna-benchmark-asg`` at commit
``282f27536a5d05ad4ce14298abcd70c45668fed2``, MIT license; prompts and human
stories derive from WritingPrompts (Fan et al. 2018). Story texts
(``hanna_stories_annotations.csv``) are not staged, so ``prompt`` / ``response``
are NA in ``hanna``.

Two datasets live here (``PARSERS``):

``hanna`` (rating protocol, from ``hanna_metric_scores_llm.csv``)
    The file has one row per story source (``Model``: Human, BertGeneration,
    CTRL, GPT, GPT-2 (tag), GPT-2, RoBERTa, XLNet, Fusion, HINT, TD-VAE) and
    every cell is a JSON list of 96 values, one per WritingPrompts prompt, so
    11 x 96 = 1,056 stories. ``item_id`` = ``"<story source>/<prompt index 0..95>"``,
    ``model`` = the story source, ``subset`` NA.

    Human ratings: ``Human {1,2,3} {RE,CH,EM,SU,EG,CX}`` -> rater
    ``human:1`` .. ``human:3``, criterion ``relevance``, ``coherence``, ``empathy``,
    ``surprise``, ``engagement``, ``complexity``; integer scores 1-5. The three
    numbers are *rating slots* of three mTurk workers per story, not fixed
    people (worker ids are only in the unstaged raw annotations), so
    ``human:1`` on one story and ``human:1`` on another are usually different
    workers: use slot-free statistics (e.g. Krippendorff's alpha, mean
    leave-one-out correlation), not per-rater kappas. 1,056 x 3 x 6 = 19,008 rows.

    LLM judges: ``{LLM} {crit} {k}`` -> rater ``"<LLM>/prompt<k>"``, strategy
    ``"prompt<k>"`` (the TACL paper's four prompt settings, k = 1..4), one value
    per story and criterion = the mean of 3 sampled answers (1-5). LLM names as
    in the file: ``Beluga-13B`` (Stable Beluga 13B), ``Llama-13B``
    (Llama-2-13B-chat), ``Mistral-7B`` (Mistral-7B-Instruct), ``ChatGPT``
    (gpt-3.5-turbo) and ``OrcaPlatypus`` (OpenOrca-Platypus2-13B; present in
    the file although the authors' notebook does not use it). 1,051 of the
    126,720 LLM cells lie below 1 (twelve values from -1 to 0.8333: -1, -1/3,
    0, 1/3, 2/3, ...): the authors' means include failed answers coded as <= 0
    (``-1.0`` = all three failed). Those (:data:`LLM_FAILED`: ``-1 <= v < 1``)
    get an NA ``score`` with the value kept in ``raw``; means inside 1-5 may
    still include a failed answer and cannot be told apart. A value above 5 or
    below -1 fits neither and raises :class:`~workbench.schema.LoadError`.

    Automatic metrics: the 72 metric columns -> rater_kind ``metric``,
    criterion ``overall``, rater = the metric name without its category tag
    (``"BLEU Ξ§"`` -> ``BLEU``), the tag kept verbatim in ``strategy``. The tags
    are the COLING paper's metric categories, decoded in :data:`METRIC_TAGS`
    (meaning inferred from which metrics carry them: ``Ξ`` marks metrics
    computed against the human-written reference story, ``¤`` reference-free
    ones; ``§`` string-based, ``ε`` embedding-based, ``Δ`` model-based).
    72 x 1,056 = 76,032 rows.

    Skipped derived columns (recomputable from the rows above, checked by the
    tests): the six criterion means ``Relevance`` .. ``Complexity`` (= mean of
    the three human slots), ``Human Avg {k} {crit}`` (= mean of the two slots
    other than k, a leave-one-out human baseline) and ``{LLM} AVG {k}`` (= mean
    of that LLM's six criteria under prompt k).

    ``raw`` holds each value's text exactly as the file writes it (``"3"``,
    ``"1.3333333333333333"``, ``"100.0"``). Values are strict: every cell a list
    of 96 plain decimal literals (``nan`` / ``inf`` raise, also in metric
    columns), human ratings exactly ``1`` .. ``5``.

``hanna_user_study`` (rating protocol, score 0/1, from ``user_study.csv``)
    mTurk judgments of LLM rating explanations (TACL paper, explainability
    section): 100 explanations of 59 stories, 3 workers each (300 CSV rows, three
    consecutive rows per explanation), six binary flags per row. One tidy row
    per (explanation, flag, worker slot): 300 x 6 = 1,800 rows. ``item_id`` =
    ``"<Input.story_id>/<first 10 hex digits of sha1(explanation)>"`` (the same
    text can be shown for several stories, and one story has up to five
    explanations); ``response`` = the explanation text; rater ``human:1`` ..
    ``human:3`` = order of the three rows (slots, not people); ``score`` =
    the flag (0 / 1), ``raw`` its text.

    Criteria (``Answer.a-<n>-<name>.1`` -> ``<name>``): ``guidelines``,
    ``syntax``, ``superfluous``, ``incorrectness``, ``unsubstantiated``,
    ``incoherence``. The latter five are error types (poor syntax,
    superfluous text, incorrect statements about the story, claims not
    supported by the story, incoherent explanation); ``guidelines`` is set for
    282 of 300 rows, so it reads as the positive check "the answer follows the
    rating guidelines" rather than an error. These readings come from the
    column names and counts; the paper's exact question wording could not be
    retrieved here, so check it before interpreting the flags.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .raw import read_csv
from .values import number_list, unique

NAME = "hanna"
PROTOCOL = "rating"
SOURCE = Source(
    folder="hanna_story_ratings",
    base_url="https://raw.githubusercontent.com/dig-team/hanna-benchmark-asg/282f27536a5d05ad4ce14298abcd70c45668fed2",
    homepage="https://github.com/dig-team/hanna-benchmark-asg/tree/282f27536a5d05ad4ce14298abcd70c45668fed2",
    license="MIT",
    citation="Chhun et al. 2022, HANNA, COLING; Chhun et al. 2024, TACL 12 (arXiv:2405.13769)",
)
SCORES = "hanna_metric_scores_llm.csv"
USER_STUDY = "user_study.csv"
FILES = [SCORES]
FILES_BY_NAME = {"hanna": [SCORES], "hanna_user_study": [USER_STUDY]}
PARSERS = {"hanna": "parse", "hanna_user_study": "parse_user_study"}

N_PROMPTS = 96
CRITERIA = {
    "RE": "relevance",
    "CH": "coherence",
    "EM": "empathy",
    "SU": "surprise",
    "EG": "engagement",
    "CX": "complexity",
}
"""Column abbreviation -> criterion."""
CRITERION_MEANS = [c.capitalize() for c in CRITERIA.values()]
LLMS = ["Beluga-13B", "OrcaPlatypus", "Mistral-7B", "Llama-13B", "ChatGPT"]
METRIC_TAGS = {
    "Ξ§": "reference-based, string-based",
    "Ξε": "reference-based, embedding-based",
    "ΞΔ": "reference-based, model-based",
    "¤§": "reference-free, string-based",
    "¤ε": "reference-free, embedding-based",
    "¤Δ": "reference-free, model-based",
}
"""Metric category tag (column suffix, kept in ``strategy``) -> meaning."""
N_METRICS = 72

_AB = "|".join(CRITERIA)
_HUMAN = re.compile(rf"^Human ([123]) ({_AB})$")
_HUMAN_AVG = re.compile(rf"^Human Avg ([123]) ({_AB})$")
_LLM = re.compile(rf"^({'|'.join(map(re.escape, LLMS))}) ({_AB}|AVG) ([1-4])$")
_METRIC = re.compile(rf"^(.+) ({'|'.join(METRIC_TAGS)})$")

USER_STUDY_ID = ["Input.story_id", "Input.explanation"]
USER_STUDY_FLAGS = {
    "Answer.a-1-guidelines.1": "guidelines",
    "Answer.a-2-syntax.1": "syntax",
    "Answer.a-3-superfluous.1": "superfluous",
    "Answer.a-4-incorrectness.1": "incorrectness",
    "Answer.a-5-unsubstantiated.1": "unsubstantiated",
    "Answer.a-6-incoherence.1": "incoherence",
}
"""user_study.csv flag column -> criterion."""
FLAG_VALUES = {"0": 0.0, "1": 1.0}
RECORDS = {SCORES: 11, USER_STUDY: 300}
"""Rows per file (SOURCE.md); another count raises (a truncated or altered file)."""
HUMAN_RATINGS = ("1", "2", "3", "4", "5")
"""The human rating tokens (integers 1-5 as the file writes them)."""
LLM_FAILED = (-1.0, 1.0)
"""LLM means in ``[-1, 1)`` are failed answers (NA score, value kept in ``raw``)."""


def _classify(columns: list[str]) -> dict[str, tuple]:
    """Column -> (kind, ...) for every value column; raise on anything unknown."""
    kinds: dict[str, tuple] = {}
    for col in columns:
        if col in CRITERION_MEANS:
            kinds[col] = ("derived",)
        elif m := _HUMAN.match(col):
            kinds[col] = ("human", m[1], CRITERIA[m[2]])
        elif _HUMAN_AVG.match(col):
            kinds[col] = ("derived",)
        elif m := _LLM.match(col):
            kinds[col] = ("derived",) if m[2] == "AVG" else ("llm", m[1], CRITERIA[m[2]], m[3])
        elif m := _METRIC.match(col):
            kinds[col] = ("metric", m[1], m[2])
        else:
            raise LoadError(
                SCORES, "header", col, "unknown column (not human, LLM, metric or mean)"
            )
    return kinds


def _expected_columns() -> list[str]:
    humans = [f"Human {k} {ab}" for k in "123" for ab in CRITERIA]
    llms = [f"{j} {ab} {k}" for j in LLMS for k in "1234" for ab in CRITERIA]
    return humans + llms


def _matrix(df: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """The (source x prompt) values of one column and their verbatim text tokens."""
    values = np.empty((len(df), N_PROMPTS))
    tokens = np.empty((len(df), N_PROMPTS), dtype=object)
    for i, (model, cell) in enumerate(zip(df["Model"], df[col], strict=True)):
        where = f"row {i} (Model={model})"
        values[i], tokens[i] = number_list(
            cell, file=SCORES, record=where, field=col, size=N_PROMPTS
        )
    return values, tokens


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse ``hanna_metric_scores_llm.csv`` into the tidy table (pure; no I/O besides reading)."""
    df, _ = read_csv(files[SCORES], SCORES, rows=RECORDS[SCORES])
    if "Model" not in df.columns:
        raise LoadError(SCORES, "header", "Model", "missing column")
    missing = [c for c in _expected_columns() if c not in df.columns]
    if missing:
        raise LoadError(SCORES, "header", missing[0], "missing column")
    rows = [f"row {i}" for i in range(len(df))]
    unique(df["Model"].tolist(), file=SCORES, field="Model", records=rows, what="story source")
    kinds = _classify([c for c in df.columns if c != "Model"])
    n_metrics = sum(k[0] == "metric" for k in kinds.values())
    if n_metrics != N_METRICS:
        raise LoadError(
            SCORES, "header", "-", f"expected {N_METRICS} metric columns, found {n_metrics}"
        )

    sources = df["Model"].to_numpy()
    model = np.repeat(sources, N_PROMPTS)
    item_id = [f"{s}/{p}" for s in sources for p in range(N_PROMPTS)]
    records = [
        f"row {i} (Model={s}) story {p}" for i, s in enumerate(sources) for p in range(N_PROMPTS)
    ]
    cols = {
        k: []
        for k in (
            "item_id",
            "model",
            "rater",
            "rater_kind",
            "strategy",
            "criterion",
            "score",
            "raw",
        )
    }

    def add(tokens: np.ndarray, rater: str, kind: str, strategy, criterion: str, score: np.ndarray):
        flat = tokens.ravel()
        cols["item_id"].append(item_id)
        cols["model"].append(model)
        cols["rater"].append(np.full(flat.size, rater, dtype=object))
        cols["rater_kind"].append(np.full(flat.size, kind, dtype=object))
        cols["strategy"].append(np.full(flat.size, strategy, dtype=object))
        cols["criterion"].append(np.full(flat.size, criterion, dtype=object))
        cols["score"].append(score.ravel())
        cols["raw"].append(flat)

    for col, kind in kinds.items():
        if kind[0] == "derived":
            continue
        values, tokens = _matrix(df, col)
        if kind[0] == "human":
            _, slot, criterion = kind
            bad = ~np.isin(tokens, HUMAN_RATINGS)
            if bad.any():
                j = int(bad.ravel().nonzero()[0][0])
                raise LoadError(
                    SCORES, records[j], col, f"rating {tokens.ravel()[j]!r} is not an integer 1-5"
                )
            add(tokens, f"human:{slot}", "human", None, criterion, values)
        elif kind[0] == "llm":
            _, llm, criterion, k = kind
            bad = (values < LLM_FAILED[0]) | (values > 5)
            if bad.any():
                j = int(bad.ravel().nonzero()[0][0])
                raise LoadError(
                    SCORES,
                    records[j],
                    col,
                    f"LLM rating {tokens.ravel()[j]!r} outside 1-5 and the failed-answer "
                    f"range [{LLM_FAILED[0]}, {LLM_FAILED[1]})",
                )
            score = np.where(values >= LLM_FAILED[1], values, np.nan)
            add(tokens, f"{llm}/prompt{k}", "llm", f"prompt{k}", criterion, score)
        else:
            _, metric, tag = kind
            add(tokens, metric, "metric", tag, "overall", values)

    out = pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})
    out.insert(0, "dataset", NAME)
    out.insert(1, "protocol", "rating")
    out["score"] = pd.array(out["score"], dtype="Float64")  # NaN -> NA
    return validate(conform(out, name=NAME), name=NAME)


def parse_user_study(files: dict[str, Path]) -> pd.DataFrame:
    """Parse ``user_study.csv`` into the tidy table (pure; no I/O besides reading)."""
    df, _ = read_csv(
        files[USER_STUDY],
        USER_STUDY,
        required=USER_STUDY_ID + list(USER_STUDY_FLAGS),
        rows=RECORDS[USER_STUDY],
    )
    story = df["Input.story_id"].str.strip()
    bad = ~story.str.fullmatch(r"\d+")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise LoadError(
            USER_STUDY, f"row {i}", "Input.story_id", f"not a story id: {story.iloc[i]!r}"
        )
    digest = df["Input.explanation"].map(lambda t: hashlib.sha1(t.encode()).hexdigest()[:10])
    item_id = story + "/" + digest
    slot = item_id.groupby(item_id, sort=False).cumcount() + 1
    base = pd.DataFrame(
        {
            "dataset": "hanna_user_study",
            "item_id": item_id,
            "protocol": "rating",
            "rater": "human:" + slot.astype(str),
            "rater_kind": "human",
            "response": df["Input.explanation"],
        }
    )
    parts = []
    for col, criterion in USER_STUDY_FLAGS.items():
        raw = df[col].str.strip()
        bad = ~raw.isin(list(FLAG_VALUES))
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise LoadError(
                USER_STUDY,
                f"row {i} (item {item_id.iloc[i]})",
                col,
                f"unexpected value {df[col].iloc[i]!r} (expected one of {list(FLAG_VALUES)})",
            )
        parts.append(base.assign(criterion=criterion, score=raw.map(FLAG_VALUES), raw=df[col]))
    out = pd.concat(parts, ignore_index=True)
    return validate(conform(out, name="hanna_user_study"), name="hanna_user_study")
