"""Can this judge replace people? Tests and estimates for using a judge instead of annotators.

- :func:`alt_test`: the Alternative Annotator Test (Calderon, Reichart & Dror 2025,
  arXiv:2501.10970): leave one annotator out, does the judge match the others at least as
  well as the excluded annotator does (within a cost-benefit margin epsilon)? The judge
  passes when it wins against at least half the annotators
  (:mod:`workbench.replace.alt_test`).

- :func:`ppi_estimate` (tidy) and :func:`ppi_mean` / :func:`ppi_proportion` (arrays):
  prediction-powered estimates (PPI++, Angelopoulos, Duchi & Zrnic 2023): a few
  human-labelled items and the judge's verdicts on all items give an unbiased estimate
  with a valid interval, narrower than from the humans alone when the judge is
  informative (:mod:`workbench.replace.ppi`).

- :func:`panel` / :func:`panel_curve`: several judges as one rater (majority or mean) and
  agreement with people against the panel's size (:mod:`workbench.replace.panels`).

- :func:`rank_sets`: prediction-powered rank-sets of models from few human and many judge
  comparisons (Chatzi et al., NeurIPS 2024), with human-only and judge-only rank-sets to
  compare (:mod:`workbench.replace.rank_sets`).

The baseline judges are in :mod:`workbench.baselines`.
"""

from .alt_test import COLUMNS, DETAIL_COLUMNS, SCORINGS, AltTestWarning, alt_test
from .panels import curve_summary, panel, panel_curve
from .ppi import PPIResult, PPIWarning, human_only_mean, ppi_estimate, ppi_mean, ppi_proportion
from .rank_sets import rank_sets

__all__ = [
    "COLUMNS",
    "DETAIL_COLUMNS",
    "SCORINGS",
    "AltTestWarning",
    "PPIResult",
    "PPIWarning",
    "alt_test",
    "curve_summary",
    "panel",
    "panel_curve",
    "human_only_mean",
    "ppi_estimate",
    "ppi_mean",
    "ppi_proportion",
    "rank_sets",
]
