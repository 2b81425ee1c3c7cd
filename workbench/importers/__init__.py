"""Importers: judgment files in the formats people already have -> the tidy judgment table.

One module per foreign format, each returning a table that passes
:func:`workbench.schema.validate` and goes straight into :func:`workbench.agreement`:

- :func:`fastchat` (:mod:`~workbench.importers.fastchat`): FastChat ``llm_judge`` judgments,
  pairwise (``g1_winner`` / ``g2_winner``: both presentation orders, turns) and single-answer
  grades (``score``).
- :func:`alpaca_eval` (:mod:`~workbench.importers.alpaca_eval`): AlpacaEval annotations
  (``preference`` 1 / 2, 1.5 draws and the fractions of weighted annotators).
- :func:`judgebench` (:mod:`~workbench.importers.judgebench`): JudgeBench judge outputs
  (gold correctness labels, ``A>B`` decisions in both orders).
- :func:`prometheus` (:mod:`~workbench.importers.prometheus`): prometheus-eval grades
  (absolute 1-5 scores with feedback; relative A/B) saved as records.
- :func:`reward_pairs` (:mod:`~workbench.importers.reward_pairs`): reward-model scores on
  chosen / rejected pairs (RewardBench's columns by default).
- :func:`inspect_log` (:mod:`~workbench.importers.inspect_log`): Inspect eval logs, read with
  ``inspect_ai``'s own reader (samples x scorers x epochs).

A wide table of your own (one column per rater) goes through :func:`workbench.byo.from_wide`.
"""

from .alpaca_eval import alpaca_eval
from .fastchat import fastchat
from .inspect_log import inspect_log
from .judgebench import judgebench
from .prometheus import prometheus
from .reward_pairs import reward_pairs

IMPORTERS = {
    "fastchat": fastchat,
    "alpaca_eval": alpaca_eval,
    "inspect": inspect_log,
    "judgebench": judgebench,
    "prometheus": prometheus,
}
"""Format name (as the command line's ``--from`` spells it) -> importer."""

__all__ = [
    "IMPORTERS",
    "alpaca_eval",
    "fastchat",
    "inspect_log",
    "judgebench",
    "prometheus",
    "reward_pairs",
]
