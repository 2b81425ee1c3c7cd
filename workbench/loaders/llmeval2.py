"""LLMEval² (WideDeep) benchmark: human pairwise preference labels on 2,553 response pairs.

Zhang et al., "Wider and Deeper LLM Networks are Fairer LLM Evaluators"
(arXiv:2308.01862). Data: ``AlibabaResearch/DAMO-ConvAI`` at commit
``621d6e6a1f11a4628e8abe0dac81f71d3ca7614e`` (``WideDeep/evaluation_data/
LLMEval2_benchmark.json.zip``, deleted from the tree in the next commit), MIT
License (repository root). The samples come from 15 public sets whose own
licenses vary.

The zip holds ``LLMEval2_benchmark.json`` (JSON Lines despite the name) and a
``__MACOSX/`` resource fork, which is ignored. One row per line:

- ``rater`` = ``human`` (the source's single aggregated label per pair; no
  per-annotator votes), ``rater_kind`` = ``human``, ``order`` NA (unknown);
- ``label``: ``model1`` -> ``A``, ``model2`` -> ``B``, ``TIE`` -> ``tie``,
  ``raw`` keeps the source value;
- ``item_id`` = 0-based line index, ``subset`` = the source ``dataset`` field
  (15 sets), ``prompt`` = ``query`` verbatim (275 are empty strings),
  ``response_a`` / ``response_b`` = ``response1`` / ``response2``.

Values are strict (:mod:`workbench.loaders.values`): the four text fields must be
strings, ``human`` exactly one of the three labels (null is not a label), and the member
must hold :data:`RECORDS` lines.

Rows: 2,553; labels 1,050 / 1,021 / 482 (model1 / model2 / TIE, as the
repository README states). The file has no LLM-judge outputs; judge verdicts on a
200-pair subset are part of ``llmbar`` (``Processed/LLMEval^2``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from ..fetch import Source
from ..schema import LoadError, conform, validate
from .raw import decode, jsonl_records
from .values import labels, texts

NAME = "llmeval2"
PROTOCOL = "pairwise"
COMMIT = "621d6e6a1f11a4628e8abe0dac81f71d3ca7614e"
SOURCE = Source(
    folder="llmeval2",
    base_url=f"https://raw.githubusercontent.com/AlibabaResearch/DAMO-ConvAI/{COMMIT}",
    homepage=f"https://github.com/AlibabaResearch/DAMO-ConvAI/tree/{COMMIT}/WideDeep",
    license="MIT",
    citation="Zhang et al. 2023, Wider and Deeper LLM Networks are Fairer LLM Evaluators (arXiv:2308.01862)",
    notes="Samples drawn from 15 public sets whose own licenses vary.",
)
ZIP = "WideDeep/evaluation_data/LLMEval2_benchmark.json.zip"
MEMBER = "LLMEval2_benchmark.json"
FILES = [ZIP]

LABELS = {"model1": "A", "model2": "B", "TIE": "tie"}
REQUIRED = ["query", "response1", "response2", "human", "dataset"]
TEXTS = ["query", "response1", "response2", "dataset"]
RECORDS = 2553
"""Lines of the JSON Lines member (SOURCE.md, repository README); another count raises."""


def _read_lines(path: Path) -> list[dict]:
    """The JSON Lines member of the zip, one dict per non-empty line."""
    name = f"{ZIP}:{MEMBER}"
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.startswith("__MACOSX/")]
            if MEMBER not in members:
                raise LoadError(ZIP, "-", MEMBER, f"member missing; the zip holds {members}")
            data = zf.read(MEMBER)
    except zipfile.BadZipFile as exc:  # also a member whose CRC-32 does not match
        raise LoadError(ZIP, "-", "-", f"not a zip file: {exc}") from exc
    return jsonl_records(decode(data, name), name, required=REQUIRED, rows=RECORDS)


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the staged zip into the tidy table (pure; reads only ``files``)."""
    records = _read_lines(files[ZIP])
    name = f"{ZIP}:{MEMBER}"
    lines = [f"line {i + 1}" for i in range(len(records))]
    df = pd.DataFrame(
        {
            key: texts([r[key] for r in records], file=name, field=key, records=lines)
            for key in TEXTS
        }
    )
    raw = [r["human"] for r in records]
    label = labels(raw, LABELS, file=name, field="human", records=lines)
    df["human"] = texts(raw, file=name, field="human", records=lines)
    out = pd.DataFrame(
        {
            "dataset": NAME,
            "subset": df["dataset"],
            "item_id": [str(i) for i in range(len(df))],
            "protocol": "pairwise",
            "criterion": "overall",
            "rater": "human",
            "rater_kind": "human",
            "label": label,
            "raw": df["human"],
            "prompt": df["query"],
            "response_a": df["response1"],
            "response_b": df["response2"],
        }
    )
    return validate(conform(out, name=NAME), name=NAME)
