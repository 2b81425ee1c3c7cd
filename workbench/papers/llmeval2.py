"""LLMEval² (no notebook of its own): the benchmark's human label counts.

The README's benchmark statistics count the human preference labels of the 2,553 rows;
LLMBar's ``Processed/LLMEval^2`` subset (:mod:`workbench.papers.llmbar`) is drawn from it.

References
----------
Zhang, X. et al. (2023). Wider and Deeper LLM Networks are Fairer LLM Evaluators.
arXiv:2308.01862.
"""

from __future__ import annotations

from ._base import load, number

__all__ = ["PAPER", "label_count"]

PAPER = "Zhang et al. 2023 (LLMEval², WideDeep)"


def label_count(label: str) -> float:
    """How many rows of the staged ``llmeval2`` table carry the human label ``label``."""
    return float((load("llmeval2")["label"] == label).sum())


for label, name, count in (("A", "model1", 1050), ("B", "model2", 1021), ("tie", "TIE", 482)):
    number(
        PAPER,
        "README benchmark statistics",
        f"human label {name}",
        count,
        0,
        lambda label=label: label_count(label),
        f"count of rows with human = {name}",
    )
del label, name, count
