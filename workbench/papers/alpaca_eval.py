"""AlpacaEval evaluators (notebook 08): the published evaluator leaderboard (summary statistics only).

No number is reproduced here: the staged table *is* the published leaderboard.

References
----------
Dubois, Y. et al. (2023). AlpacaFarm: A Simulation Framework for Methods that Learn from
Human Feedback. NeurIPS. arXiv:2305.14387.

Li, X. et al. (2023). AlpacaEval: An Automatic Evaluator of Instruction-following Models.
https://github.com/tatsu-lab/alpaca_eval
"""

from __future__ import annotations

import plotly.graph_objects as go

from .. import plots
from ._base import figure, load

__all__ = ["alpaca_eval_tradeoffs"]


@figure("alpaca_eval_tradeoffs")
def alpaca_eval_tradeoffs(n_resamples: int) -> go.Figure:
    """AlpacaEval evaluators: human agreement vs preference for longer outputs (published leaderboard)."""
    a = load("alpaca_eval_evaluators")
    a = a[a["human_agreement"] > 1]  # one row is on a 0-1 scale upstream (see notebook 08)
    return plots.tradeoff_scatter(
        a,
        x="proba_prefer_longer",
        y="human_agreement",
        label="evaluator",
        title="AlpacaEval evaluators: human agreement vs preference for the longer output",
        x_title="P(prefers the longer output)",
        y_title="agreement with held-out human (%)",
        ceiling_label="humans",
    )
