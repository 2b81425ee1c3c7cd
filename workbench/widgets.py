"""Compatibility shim: the explorer lives in :mod:`workbench.explorer`.

``from workbench.widgets import Explorer`` (notebooks, Voila, tests, benchmarks) keeps
working. Every name the former ``workbench/widgets.py`` defined is still here: public
names re-exported, former private helpers bound to their public successors
(``_fmt`` is :func:`workbench.explorer.chart.fmt`, ``_Dataset`` is
:class:`workbench.explorer.dataset.Dataset`, ...). New code imports from
:mod:`workbench.explorer` and its modules.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .explorer.chart import (  # noqa: F401
    PALETTE,
    bar_summary,
    bar_traces,
    common_note,
    fmt,
    hover,
    interval,
    plotly_text,
    queue_label,
    row_text,
    some,
    unique_labels,
)
from .explorer.dataset import (  # noqa: F401
    CAUSES,
    CEILING,
    MAJORITY,
    MAX_QUEUE,
    OVERALL,
    RESOLVE_RULES,
    SAME_FOOTING,
    SAME_FOOTING_HELP,
    SAME_FOOTING_LABEL,
    TEXT_COLUMNS,
    Dataset,
    check_user_table,
    data_version,
    majority_rows,
    rater_reference,
    read_env_data,
    reference_title,
)
from .explorer.layout import set_choices  # noqa: F401
from .explorer.model import (  # noqa: F401
    FLAG_TO_PROBE,
    agreement_prepared,
    causes,
    disagreements,
    empty_table,
    exclude_noise_items,
    human_splits,
    normalize_table,
    one_judge,
    open_store,
    prepare_pairs,
    probe_names,
    statistics,
)
from .explorer.render import (  # noqa: F401
    ALLOWED_TAGS,
    CSS,
    esc,
    item_html,
    render_text,
)
from .explorer.slices import (  # noqa: F401
    PER_JUDGE,
    PER_JUDGE_POSITION,
    human_pick_length,
    humans_split,
    item_factors,
    reference_label,
    sign_labels,
    slice_dimensions,
    swap_consistency,
)
from .explorer.view import (  # noqa: F401
    Explorer,
    login,
)

__all__ = ["CAUSES", "RESOLVE_RULES", "Explorer", "render_text"]

_ALLOWED_TAGS = ALLOWED_TAGS
_CSS = CSS
_Dataset = Dataset
_PALETTE = PALETTE
_agreement_prepared = agreement_prepared
_bar_summary = bar_summary
_bar_traces = bar_traces
_causes = causes
_check_user_table = check_user_table
_common_note = common_note
_data_version = data_version
_disagreements = disagreements
_empty_table = empty_table
_esc = esc
_exclude = exclude_noise_items
_fmt = fmt
_hover = hover
_human_pick_length = human_pick_length
_human_splits = human_splits
_humans_split = humans_split
_interval = interval
_item_factors = item_factors
_login = login
_majority_rows = majority_rows
_normalize_table = normalize_table
_one_judge = one_judge
_open_store = open_store
_plotly_text = plotly_text
_prepare_pairs = prepare_pairs
_probe_names = probe_names
_queue_label = queue_label
_rater_reference = rater_reference
_read_env_data = read_env_data
_reference_label = reference_label
_reference_title = reference_title
_row_text = row_text
_set_choices = set_choices
_sign_labels = sign_labels
_slice_dimensions = slice_dimensions
_some = some
_statistics = statistics
_swap_consistency = swap_consistency
_unique_labels = unique_labels


def _agreement(df: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """:func:`workbench.agreement.agreement` (the former adapter of this module)."""
    from .agreement import agreement

    return agreement(df, **kwargs)
