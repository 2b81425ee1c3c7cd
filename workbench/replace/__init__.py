"""Can this judge replace people? Tests and estimates for using a judge instead of annotators.

- :func:`alt_test`: the Alternative Annotator Test (Calderon, Reichart & Dror 2025,
  arXiv:2501.10970): leave one annotator out, does the judge match the others at least as
  well as the excluded annotator does (within a cost-benefit margin epsilon)? The judge
  passes when it wins against at least half the annotators
  (:mod:`workbench.replace.alt_test`).

Issue #12 adds prediction-powered estimates and rank-sets and judge panels here; the
baseline judges are in :mod:`workbench.baselines`.
"""

from .alt_test import COLUMNS, DETAIL_COLUMNS, SCORINGS, AltTestWarning, alt_test

__all__ = ["COLUMNS", "DETAIL_COLUMNS", "SCORINGS", "AltTestWarning", "alt_test"]
