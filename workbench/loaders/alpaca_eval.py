"""AlpacaEval evaluator leaderboard: how well automatic annotators agree with AlpacaFarm human cross-annotations.

Dubois, Li, Taori, Zhang, Gulrajani, Ba, Guestrin, Liang, Hashimoto,
"AlpacaFarm: A Simulation Framework for Methods that Learn from Human
Feedback", NeurIPS 2023 (arXiv:2305.14387), and AlpacaEval (Li et al. 2023,
https://github.com/tatsu-lab/alpaca_eval). Data:
``tatsu-lab/alpaca_eval`` at commit ``cd543a149df89434d8a54582c0151c0b945c3d20``
(file last changed in ``d96bcbd71cf2bb05978623b692a73399cd037089``),
``src/alpaca_eval/leaderboards/evaluators/evaluators_leaderboard.csv``,
Apache-2.0.

This is a *summary* table (``PROTOCOL = "summary"``), not judgments: the
per-example human cross-annotations (648 instructions x 4 annotators = 2,592)
are on the Hugging Face hub under CC-BY-NC-4.0 and not staged, so these
numbers are published reference values that cannot be recomputed here.

Columns (one row per evaluator, 32 rows, file order kept)
----------------------------------------------------------
=====================  ======================================  ==========
column                 source header                           dtype
=====================  ======================================  ==========
evaluator              (unnamed first column)                  string
human_agreement        ``Human agreement`` (%, see below)      Float64
price_per_1000         ``Price [$/1000 examples]``             Float64
time_per_1000          ``Time [seconds/1000 examples]``        Float64
spearman               ``Spearman corr.``                      Float64
pearson                ``Pearson corr.``                       Float64
bias                   ``Bias``                                Float64
variance               ``Variance``                            Float64
proba_prefer_longer    ``Proba. prefer longer``                Float64
proba_prefer_lists     ``Proba. prefer lists``                 Float64
proba_prefer_first     ``Proba. prefer 1``                     Float64
n_parsed               ``# parsed``                            Int64
mode                   ``mode`` (``minimal`` / ``verified``)   string
=====================  ======================================  ==========

``human_agreement`` is the percentage of AlpacaFarm human annotations the
evaluator's preference matches (the ``humans`` row = one held-out human vs the
others, 65.66). ``spearman`` / ``pearson`` correlate system-level win rates
with the human ones; ``bias`` and ``variance`` are AlpacaEval's estimates of
the evaluator's systematic and sampling error (in % agreement units);
``proba_prefer_longer`` / ``_lists`` / ``_first`` are the probabilities of
preferring the longer output, the output with lists, and the output shown
first (position bias). Empty cells are NA: ``price_per_1000`` of two open
models, and ``bias`` / ``variance`` of the 14 evaluators run on one annotation
per instruction (``n_parsed`` <= 648 instead of 2,592).

Values are kept as published. One upstream inconsistency is *not* corrected:
``weighted_alpaca_eval_gpt-4o-mini-2024-07-18`` has ``human_agreement``
0.337 where every other row lies between 56 and 71 (a different scale or an
upstream error); treat it with care.

Validation: a header that is not exactly the source's 13 columns, a number
that is not a plain finite decimal literal (``nan``, ``inf``, ``high``), an
integer column holding a non-integer, a ``mode`` outside :data:`MODES`, a
duplicate or empty evaluator name, a short row, or a row count other than
:data:`RECORDS` raise :class:`~workbench.schema.LoadError` naming the file, the
row (``row <i> (evaluator=<name>)``) and the field.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..fetch import Source
from ..schema import LoadError
from .raw import read_csv
from .values import integers, labels, numbers, unique

NAME = "alpaca_eval_evaluators"
PROTOCOL = "summary"
SOURCE = Source(
    folder="alpaca_eval_evaluators",
    base_url="https://raw.githubusercontent.com/tatsu-lab/alpaca_eval/cd543a149df89434d8a54582c0151c0b945c3d20",
    homepage="https://github.com/tatsu-lab/alpaca_eval/tree/cd543a149df89434d8a54582c0151c0b945c3d20",
    license="Apache-2.0",
    citation="Dubois et al. 2023, AlpacaFarm, NeurIPS (arXiv:2305.14387); Li et al. 2023, AlpacaEval",
)
LEADERBOARD = "src/alpaca_eval/leaderboards/evaluators/evaluators_leaderboard.csv"
FILES = [LEADERBOARD]

COLUMNS: dict[str, tuple[str, str]] = {
    "evaluator": ("", "string"),
    "human_agreement": ("Human agreement", "Float64"),
    "price_per_1000": ("Price [$/1000 examples]", "Float64"),
    "time_per_1000": ("Time [seconds/1000 examples]", "Float64"),
    "spearman": ("Spearman corr.", "Float64"),
    "pearson": ("Pearson corr.", "Float64"),
    "bias": ("Bias", "Float64"),
    "variance": ("Variance", "Float64"),
    "proba_prefer_longer": ("Proba. prefer longer", "Float64"),
    "proba_prefer_lists": ("Proba. prefer lists", "Float64"),
    "proba_prefer_first": ("Proba. prefer 1", "Float64"),
    "n_parsed": ("# parsed", "Int64"),
    "mode": ("mode", "string"),
}
"""Frame column -> (source header, dtype), in order."""
MODES = ("minimal", "verified")
RECORDS = 32
"""Evaluator rows (SOURCE.md); another count raises (a truncated or altered file)."""


def parse(files: dict[str, Path]) -> pd.DataFrame:
    """Parse the leaderboard CSV into the documented summary frame (pure).

    Returns
    -------
    DataFrame
        Columns and dtypes of :data:`COLUMNS`, one row per evaluator.
    """
    expected = [src for src, _ in COLUMNS.values()]
    table, _ = read_csv(files[LEADERBOARD], LEADERBOARD, header=expected, rows=RECORDS)
    names = table[""].tolist()
    records = [f"row {i} (evaluator={name})" for i, name in enumerate(names)]
    for i, name in enumerate(names):
        if not name.strip():
            raise LoadError(LEADERBOARD, records[i], "evaluator", "empty evaluator name")
    unique(names, file=LEADERBOARD, field="evaluator", records=records, what="evaluator")
    data: dict[str, list] = {}
    for col, (src, dtype) in COLUMNS.items():
        cells = table[src].tolist()
        if col == "mode":
            data[col] = labels(
                cells, {m: m for m in MODES}, file=LEADERBOARD, field=src, records=records
            )
        elif dtype == "string":
            data[col] = cells
        elif dtype == "Int64":
            data[col] = _integers(cells, field=src, records=records)
        else:
            data[col] = numbers(
                cells, file=LEADERBOARD, field=src, records=records, from_text=True, na=("",)
            )
    return pd.DataFrame({c: pd.array(v, dtype=COLUMNS[c][1]) for c, v in data.items()})


def _integers(cells: list[str], *, field: str, records: list[str]) -> list[int | None]:
    """Integer cells; an empty cell is NA."""
    given = [i for i, cell in enumerate(cells) if cell != ""]
    parsed = integers(
        [cells[i] for i in given],
        file=LEADERBOARD,
        field=field,
        records=[records[i] for i in given],
        from_text=True,
    )
    out: list[int | None] = [None] * len(cells)
    for i, value in zip(given, parsed, strict=True):
        out[i] = value
    return out
