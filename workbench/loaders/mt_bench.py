"""MT-Bench human judgments: expert pairwise votes and GPT-4 pair verdicts on 80 questions x 2 turns.

Zheng et al., "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena",
NeurIPS 2023 Datasets and Benchmarks (arXiv:2306.05685). Data: the Hugging Face
dataset ``lmsys/mt_bench_human_judgments`` at revision
``f7d2896d2cc5d80f8b55c2bbc722613555233c25`` (the head of ``main``), CC BY 4.0.
Two parquet files, one per split (the published sizes are 3,355 ``human`` and
2,400 ``gpt4_pair`` rows; not staged here, so not re-counted):

- ``data/human-00000-of-00001-25f4910818759289.parquet``
  (sha256 ``4877bc46...5769``, 738,612 bytes),
- ``data/gpt4_pair-00000-of-00001-c0b431264a82ddc0.parquet``
  (sha256 ``57068327...0e71``, 649,996 bytes),

read from ``<WORKBENCH_DATA_MIRROR>/mt_bench_human_judgments/data/`` when the
mirror is set, otherwise downloaded once from
``https://huggingface.co/datasets/lmsys/mt_bench_human_judgments/resolve/<revision>/``
by :func:`workbench.fetch.fetch` (pooch, sha256-verified against
``registry/mt_bench_human_judgments.txt``; the hashes are the files' Git LFS
object ids).

Schema of both splits: ``question_id`` int64, ``model_a``, ``model_b``,
``winner``, ``judge`` (strings), ``conversation_a`` / ``conversation_b``
(list of ``{content, role}``: user, assistant, user, assistant) and ``turn``
int64 (1 or 2).

Tidy rows
---------
- Item: one (question, unordered model pair, turn). ``item_id`` =
  ``"<question_id>/<model_a>/<model_b>/t<turn>"`` with the item's canonical
  model order: the order of its first appearance, ``gpt4_pair`` split first,
  then ``human``, in file order. ``turn`` is set; ``subset`` = the MT-Bench
  category of the question (ids 81-160, ten per category, :data:`CATEGORIES`).
  ``prompt`` = the user message of that turn, ``response_a`` / ``response_b``
  = the assistants' answers of that turn (the turn-1 exchange that precedes a
  turn-2 answer is the turn-1 item of the same question and models). All rows
  of one item must carry the same texts, else :class:`~workbench.schema.LoadError`.
- ``human:<judge>`` (``expert_*`` graduate-student experts, ``author_*`` the
  paper's authors): ``order`` = ``AB`` when the row lists the models in the
  item's canonical order, ``BA`` when reversed (the row's ``model_a`` is the
  answer shown as "Assistant A" in the annotation tool, as the column names
  say). Label: the row's ``model_a`` / ``model_b`` / ``tie``, re-expressed in
  the canonical numbering; ``raw`` keeps the source ``winner`` verbatim (read
  it with ``order``). A person who voted more than once on the same item in
  the same order gets one row: the common label if the votes agree, NA if they
  conflict, ``raw`` lists every vote joined by ``"; "``.
- ``gpt-4`` (``strategy`` = the source ``judge`` value): the split stores ONE
  combined verdict per item, not the two orders separately: FastChat ran the
  pair prompt in both orders (g1, g2) and recorded the winner when both
  agreed, ``"tie (inconsistent)"`` when they did not. The separate g1/g2
  verdicts are therefore not recoverable from this dataset: ``order`` is NA,
  ``"tie (inconsistent)"`` maps to ``tie`` (the paper's conservative rule:
  "if the results are inconsistent after swapping, we can call it a tie"),
  and ``raw`` keeps it distinguishable. Items are listed in the split's model
  order, so ``raw`` needs no re-reading. A duplicate item raises.

Labels outside ``model_a`` / ``model_b`` / ``tie`` (plus ``tie (inconsistent)``
for GPT-4) raise :class:`~workbench.schema.LoadError` naming file, row, field; so do
a ``question_id`` or ``turn`` that is not an integer (a float column such as
``81.0`` is rejected, not truncated) and model or judge names that are not texts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .values import integers, labels, texts

NAME = "mt_bench"
PROTOCOL = "pairwise"
REVISION = "f7d2896d2cc5d80f8b55c2bbc722613555233c25"
SOURCE = Source(
    folder="mt_bench_human_judgments",
    base_url=f"https://huggingface.co/datasets/lmsys/mt_bench_human_judgments/resolve/{REVISION}",
    homepage=f"https://huggingface.co/datasets/lmsys/mt_bench_human_judgments/tree/{REVISION}",
    license="CC-BY-4.0",
    citation="Zheng et al. 2023, Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena, NeurIPS (arXiv:2306.05685)",
)
HUMAN = "data/human-00000-of-00001-25f4910818759289.parquet"
GPT4 = "data/gpt4_pair-00000-of-00001-c0b431264a82ddc0.parquet"
FILES = [HUMAN, GPT4]

COLUMNS = [
    "question_id",
    "model_a",
    "model_b",
    "winner",
    "judge",
    "conversation_a",
    "conversation_b",
    "turn",
]
HUMAN_LABELS = {"model_a": "A", "model_b": "B", "tie": "tie"}
GPT4_LABELS = {**HUMAN_LABELS, "tie (inconsistent)": "tie"}
FLIP = {"A": "B", "B": "A", "tie": "tie", None: None}
CATEGORIES = {
    81: "writing",
    91: "roleplay",
    101: "reasoning",
    111: "math",
    121: "coding",
    131: "extraction",
    141: "stem",
    151: "humanities",
}
"""First question id of each MT-Bench category (ten questions each, ids 81-160)."""


def category(question_id: int) -> str:
    """MT-Bench category of a question id.

    >>> category(81), category(120), category(160)
    ('writing', 'math', 'humanities')
    """
    if not 81 <= question_id <= 160:
        raise ValueError(f"question_id: MT-Bench ids are 81-160, got {question_id!r}")
    return CATEGORIES[81 + 10 * ((question_id - 81) // 10)]


def _read_parquet(path: Path, name: str) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise LoadError(name, "-", "-", f"not a readable parquet file: {exc}") from exc
    for col in COLUMNS:
        if col not in df.columns:
            raise LoadError(name, "header", col, f"missing column (columns: {list(df.columns)})")
    for col in COLUMNS:
        na = df[col].isna().to_numpy().nonzero()[0]
        if len(na):
            raise LoadError(name, f"row {int(na[0])}", col, "missing (null)")
    return df[COLUMNS].reset_index(drop=True)


def _turn_texts(conv: Any, turn: int, name: str, row: int, field: str) -> tuple[str, str]:
    """(user message, assistant answer) of one turn of a conversation."""
    try:
        messages = list(conv)
        user, answer = messages[2 * (turn - 1)], messages[2 * (turn - 1) + 1]
        roles = (user["role"], answer["role"])
        texts = (user["content"], answer["content"])
    except (TypeError, KeyError, IndexError) as exc:
        raise LoadError(
            name, f"row {row}", field, f"no turn {turn} user/assistant messages ({exc!r:.80})"
        ) from exc
    if roles != ("user", "assistant"):
        raise LoadError(
            name,
            f"row {row}",
            field,
            f"turn {turn} roles are {roles}, expected ('user', 'assistant')",
        )
    return texts


def _rows(df: pd.DataFrame, name: str, table: dict[str, str]) -> pd.DataFrame:
    """One record per source row: source-order label, texts, checks."""
    where = [f"row {i}" for i in range(len(df))]
    label = labels(df["winner"].tolist(), table, file=name, field="winner", records=where)
    qids = integers(df["question_id"].tolist(), file=name, field="question_id", records=where)
    turns = integers(df["turn"].tolist(), file=name, field="turn", records=where)
    for col in ("model_a", "model_b", "judge"):
        texts(df[col].tolist(), file=name, field=col, records=where)
    out = []
    for i, rec in enumerate(df.to_dict("records")):
        qid, turn = qids[i], turns[i]
        if turn not in (1, 2):
            raise LoadError(name, where[i], "turn", f"expected 1 or 2, got {turn!r}")
        try:
            subset = category(qid)
        except ValueError as exc:
            raise LoadError(name, where[i], "question_id", str(exc)) from exc
        if rec["model_a"] == rec["model_b"]:
            raise LoadError(
                name, where[i], "model_b", f"same model as model_a ({rec['model_a']!r})"
            )
        prompt_a, answer_a = _turn_texts(rec["conversation_a"], turn, name, i, "conversation_a")
        prompt_b, answer_b = _turn_texts(rec["conversation_b"], turn, name, i, "conversation_b")
        if prompt_a != prompt_b:
            raise LoadError(
                name,
                where[i],
                "conversation_b",
                f"turn {turn} question differs from conversation_a",
            )
        out.append(
            {
                "qid": qid,
                "turn": turn,
                "model_a": rec["model_a"],
                "model_b": rec["model_b"],
                "winner": rec["winner"],
                "judge": rec["judge"],
                "label": label[i],
                "subset": subset,
                "prompt": prompt_a,
                "answer_a": answer_a,
                "answer_b": answer_b,
                "_row": where[i],
            }
        )
    return pd.DataFrame(out)


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the two split files into the tidy table (pure; reads only ``files``)."""
    gpt = _rows(_read_parquet(files[GPT4], GPT4), GPT4, GPT4_LABELS)
    human = _rows(_read_parquet(files[HUMAN], HUMAN), HUMAN, HUMAN_LABELS)

    # Canonical model order per (question, pair, turn): first appearance, gpt4_pair split first.
    canonical: dict[tuple, tuple[str, str]] = {}
    for frame in (gpt, human):
        for rec in frame[["qid", "turn", "model_a", "model_b"]].itertuples(index=False):
            key = (rec.qid, rec.turn, frozenset((rec.model_a, rec.model_b)))
            canonical.setdefault(key, (rec.model_a, rec.model_b))

    texts: dict[str, tuple[str, str, str, str]] = {}

    def tidy(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        out = []
        for rec in frame.to_dict("records"):
            a, b = canonical[(rec["qid"], rec["turn"], frozenset((rec["model_a"], rec["model_b"])))]
            swapped = rec["model_a"] != a
            item_id = f"{rec['qid']}/{a}/{b}/t{rec['turn']}"
            resp_a, resp_b = (
                (rec["answer_b"], rec["answer_a"])
                if swapped
                else (rec["answer_a"], rec["answer_b"])
            )
            seen = texts.setdefault(item_id, (rec["_row"], rec["prompt"], resp_a, resp_b))
            for field, mine, theirs in (
                ("conversation_a", rec["prompt"], seen[1]),
                ("conversation_a" if not swapped else "conversation_b", resp_a, seen[2]),
                ("conversation_b" if not swapped else "conversation_a", resp_b, seen[3]),
            ):
                if mine != theirs:
                    raise LoadError(
                        name,
                        rec["_row"],
                        field,
                        f"turn {rec['turn']} text differs from another row of item {item_id} ({seen[0]})",
                    )
            out.append(
                {
                    "subset": rec["subset"],
                    "item_id": item_id,
                    "turn": rec["turn"],
                    "order": "BA" if swapped else "AB",
                    "label": FLIP[rec["label"]] if swapped else rec["label"],
                    "raw": rec["winner"],
                    "judge": rec["judge"],
                    "prompt": rec["prompt"],
                    "response_a": resp_a,
                    "response_b": resp_b,
                    "model_a": a,
                    "model_b": b,
                    "_row": rec["_row"],
                }
            )
        return pd.DataFrame(out)

    common = {"dataset": NAME, "protocol": "pairwise", "criterion": "overall"}
    g = tidy(gpt, GPT4)
    dup = g["item_id"].duplicated().to_numpy().nonzero()[0]
    if len(dup):
        i = int(dup[0])
        raise LoadError(
            GPT4, g["_row"].iloc[i], "model_a", f"second verdict on item {g['item_id'].iloc[i]}"
        )
    g = g.assign(**common, rater="gpt-4", rater_kind="llm", strategy=g["judge"], order=None)

    h = tidy(human, HUMAN)
    h["rater"] = "human:" + h["judge"]
    h = h.groupby(["item_id", "rater", "order"], sort=False, as_index=False).agg(
        subset=("subset", "first"),
        turn=("turn", "first"),
        label=("label", lambda s: s.iloc[0] if s.nunique(dropna=False) == 1 else None),
        raw=("raw", "; ".join),
        prompt=("prompt", "first"),
        response_a=("response_a", "first"),
        response_b=("response_b", "first"),
        model_a=("model_a", "first"),
        model_b=("model_b", "first"),
    )
    h = h.assign(**common, rater_kind="human")
    out = pd.concat([g.drop(columns=["judge", "_row"]), h], ignore_index=True)
    return validate(conform(out, name=NAME), name=NAME)
