"""Figures: a tidy frame in, a plotly ``Figure`` out. Nothing here saves or shows.

Every function takes the tidy tables the rest of the workbench returns
(:func:`workbench.agreement` rows with ``estimate`` / ``ci_low`` / ``ci_high``,
:func:`workbench.leaderboard` rows with ``rater_group`` / ``model`` / ``score``
/ ``rank``, probe results, summary frames) and returns a
:class:`plotly.graph_objects.Figure`. Saving (PNG via kaleido, HTML) is the job
of :mod:`workbench.figures`; showing is the notebook's.

Conventions shared by every figure (:mod:`workbench.plots.theme`)
-----------------------------------------------------------------
* Colours come from the Okabe-Ito palette (:data:`OKABE_ITO`), which stays
  distinguishable under the common colour-vision deficiencies; heatmaps use
  the perceptually uniform, colour-blind-safe ``cividis`` scale.
* Every estimate is drawn with its confidence interval (error bars from
  ``ci_low`` / ``ci_high``) when the frame carries one.
* Judges are ordered by their estimate (best on top), never alphabetically.
* The human ceiling (human-human agreement on the same items) is drawn as a
  vertical line with its CI as a shaded band, so a judge is read against
  people's agreement with each other.
* Titles say what is shown; axis titles carry units (``%``, ``[-1, 1]``, ``$``).

The figures live in one module per family, all drawing with :mod:`~workbench.plots.theme`:

=================  =========================================================
module             figures
=================  =========================================================
``agreement``      :func:`forest`, :func:`agreement_plot`, :func:`bar_ci`
``heatmaps``       :func:`heatmap`, :func:`confusion_heatmap`
``ranks``          :func:`leaderboard_plot`, :func:`rank_scatter`
``tradeoffs``      :func:`tradeoff_scatter`
``rank_sets``      :func:`rank_set_plot`, :func:`rank_set_size_plot`
``published``      :func:`published_plot`
=================  =========================================================

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): How to make
figures and presentations that are friendly to colorblind people.
https://jfly.uni-koeln.de/color/

Nuñez, J. R., Anderton, C. R. and Renslow, R. S. (2018). Optimizing
colormaps with consideration for color vision deficiency to enable accurate
interpretation of scientific data. PLoS ONE 13(7): e0199239.
doi:10.1371/journal.pone.0199239 (``cividis``).

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"judge": ["a", "b"], "estimate": [0.5, 0.7],
...                       "ci_low": [0.4, 0.6], "ci_high": [0.6, 0.8]})
>>> fig = forest(table, label="judge", title="Toy", x_title="kappa")
>>> list(fig.data[0].y)  # best on top: plotly draws the last category at the top
['a', 'b']
"""

from __future__ import annotations

from . import notebook as notebook  # the notebooks' renderer (plots.notebook.renderer)
from .agreement import agreement_plot, bar_ci, forest
from .heatmaps import confusion_heatmap, heatmap
from .published import published_plot
from .rank_sets import rank_set_plot, rank_set_size_plot
from .ranks import leaderboard_plot, rank_scatter
from .theme import CEILING_FILL as CEILING_FILL  # public names of the single-module release,
from .theme import HEATMAP_SCALE as HEATMAP_SCALE  # outside __all__ there too
from .theme import HUMAN_COLOUR as HUMAN_COLOUR
from .theme import OKABE_ITO, PALETTE, Ceiling
from .tradeoffs import tradeoff_scatter

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "Ceiling",
    "agreement_plot",
    "bar_ci",
    "confusion_heatmap",
    "forest",
    "heatmap",
    "leaderboard_plot",
    "published_plot",
    "rank_scatter",
    "rank_set_plot",
    "rank_set_size_plot",
    "tradeoff_scatter",
]
