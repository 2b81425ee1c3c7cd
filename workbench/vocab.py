"""Every vocabulary of the workbench, declared once, with its ``Literal`` type.

Modules import these names instead of re-typing the words; :func:`workbench._validate.check_option`
checks a user's choice against them and words the error. Each tuple is the set of accepted
values in display order; each ``Literal`` alias is the same set for type hints (kept equal to
the tuple by ``tests/test_vocab.py``).

Examples
--------
>>> from workbench import vocab
>>> vocab.RULES
('per_order', 'fastchat', 'vote_sum', 'first_order')
>>> "label_noise" in vocab.CAUSES
True
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "BINARY_LABELS",
    "CAUSES",
    "CEILING",
    "CORRECTIONS",
    "Cause",
    "Correction",
    "LABELS",
    "ORDERS",
    "OTHERS",
    "OTHERS_MEAN",
    "OVERALL",
    "Order",
    "PAIRWISE_LABELS",
    "PROTOCOLS",
    "Protocol",
    "JUDGE_KINDS",
    "RATER_KINDS",
    "RULES",
    "RaterKind",
    "Rule",
]

# --- the tidy table (workbench.schema) -------------------------------------------------
PAIRWISE_LABELS: tuple[str, ...] = ("A", "B", "tie")
"""Pairwise verdicts in the item's canonical numbering (A = the source's first response)."""
BINARY_LABELS: tuple[str, ...] = ("correct", "incorrect")
"""Binary verdicts."""
LABELS: tuple[str, ...] = PAIRWISE_LABELS + BINARY_LABELS
"""Every categorical label of the tidy table."""

Protocol = Literal["pairwise", "binary", "rating"]
PROTOCOLS: tuple[str, ...] = ("pairwise", "binary", "rating")
"""How a judgment is given: a choice between two responses, correct/incorrect, or a score."""

RaterKind = Literal["human", "gold", "llm", "metric", "baseline"]
RATER_KINDS: tuple[str, ...] = ("human", "gold", "llm", "metric", "baseline")
"""Who gave a judgment: one person or a crowd label, a curated label, an LLM judge, a metric,
or a trivial baseline judge (:func:`workbench.baselines.add_baseline_judges`)."""
JUDGE_KINDS: tuple[str, ...] = ("llm", "metric", "baseline")
"""Rater kinds that are judges (compared with people by default), not people or gold."""

Order = Literal["AB", "BA"]
ORDERS: tuple[str, ...] = ("AB", "BA")
"""Presentation order of a pairwise judgment (``AB`` = response A shown first)."""

OVERALL = "overall"
"""The criterion of sources that judge one thing, and the explorer's all-items slice."""

# --- combining a judge's two presentation orders (workbench.verdicts) ------------------
Rule = Literal["per_order", "fastchat", "vote_sum", "first_order"]
RULES: tuple[str, ...] = ("per_order", "fastchat", "vote_sum", "first_order")
"""Resolution rules of :func:`workbench.verdicts.resolve_orders`."""

# --- agreement tables (workbench.agreement) --------------------------------------------
CEILING = "human ceiling"
"""``kind`` and ``judge`` of the human-human ceiling rows of :func:`workbench.agreement`."""
OTHERS = "others' majority"
"""``reference`` of ceiling rows and of judge rows compared on the ceiling's footing (labels)."""
OTHERS_MEAN = "others' mean"
"""The same for ratings: the mean score of the item's other annotators."""

# --- multiple comparisons (workbench.slicing, workbench.stats.testing) -----------------
Correction = Literal["holm", "fdr_bh", "bonferroni"]
CORRECTIONS: tuple[str, ...] = ("holm", "fdr_bh", "bonferroni")
"""p-value adjustments (``statsmodels.stats.multitest.multipletests`` method names)."""

# --- annotations (workbench.annotations) -----------------------------------------------
Cause = Literal[
    "judge_wrong", "human_wrong", "ambiguous_item", "both_acceptable", "label_noise", "other"
]
CAUSES: tuple[str, ...] = (
    "judge_wrong",
    "human_wrong",
    "ambiguous_item",
    "both_acceptable",
    "label_noise",
    "other",
)
"""Why judge and human disagree on an item (fixed vocabulary).

``judge_wrong``: the human label is right, the judge erred. ``human_wrong``: the
judge is right, the human label is wrong. ``ambiguous_item``: the instruction is
underspecified, either verdict is defensible. ``both_acceptable``: both
responses are fine, a preference either way is arbitrary. ``label_noise``: the
human label is an error of the annotation process (mis-click, swapped
responses, corrupt record) -- the items to exclude when recomputing agreement.
``other``: explain in the note.
"""
