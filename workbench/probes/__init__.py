"""Bias probes: why does an LLM judge disagree with people?

One module per probe family: :mod:`~workbench.probes.position`,
:mod:`~workbench.probes.length_style`, :mod:`~workbench.probes.regression`,
:mod:`~workbench.probes.self_preference`, :mod:`~workbench.probes.leniency`,
:mod:`~workbench.probes.rating` and :mod:`~workbench.probes.disagreements`, on a shared core:
:mod:`~workbench.probes.registry` (:data:`PROBES`, :func:`probe`, the result contract),
:mod:`~workbench.probes.frame` (input checks, selection, result frames, ``by``) and
:mod:`~workbench.probes.estimate` (proportions, tests, cluster bootstrap).
:mod:`workbench.bias` re-exports this package under its former name.

Each probe is a named function ``probe(df, *, judge, reference, by=None, ...)``
taking a tidy judgment table (:mod:`workbench.schema`) and returning a tidy
result with the columns of :data:`RESULT_COLUMNS`::

    [*by, "judge", "probe", "effect", "estimate", "ci_low", "ci_high",
     "statistic", "p_value", "n_items", "n_obs", "test", "reference", ...]

``effect`` names what ``estimate`` measures (``"P(prefer first-presented |
decisive)"``); ``test`` names the test behind ``statistic`` / ``p_value`` (NaN
when the effect has no natural null). :data:`PROBES` lists them with a one-line
description so widgets and notebooks can offer them; :mod:`workbench.slicing`
runs any of them per slice with multiplicity correction.

Conventions shared by all probes
--------------------------------
judge
    A rater id (``"GPT-4/Vanilla_NoRules"``), a list of them, or None for every
    ``rater_kind == "llm"`` rater.
reference
    A rater id (``"human"``, ``"human:majority"``, ``"gold"``), a list of rater
    ids whose votes are pooled, or ``"humans"``: every ``rater_kind == "human"``
    rater except ``human:majority`` (e.g. LLMFAO's crowd workers, HANNA's three
    raters). Where a single reference label per item is needed it is the
    plurality label of the pooled votes (NA when two labels share the top count).
unit and cluster
    A judgment unit is ``(dataset, item_id, criterion, turn)``; confidence
    intervals resample whole items ``(dataset, item_id)`` (both presentation
    orders, all turns and criteria of an item move together) with the
    item-clustered bootstrap of :mod:`workbench.stats.bootstrap` (BCa,
    ``n_resamples`` resamples, seeded by ``rng``).
proportions
    With one judgment per item: exact binomial test and Wilson interval
    (:func:`scipy.stats.binomtest`). With several judgments per item (two
    orders, several votes): cluster-bootstrap BCa interval and a Wald z test
    using the bootstrap standard error. The ``test`` column says which.
by
    Item-level columns (``subset``, ``dataset``, a factor bin from
    :mod:`workbench.factors`) to run the probe separately per group.

Input checks, notes and warnings
--------------------------------
Every probe (and :func:`disagreements`) first checks the table with
:func:`workbench._validate.check_table`: a missing column, an unknown protocol, a label
outside the vocabulary or of the wrong protocol, NA in a key field, or a duplicate key
raises :class:`workbench.schema.SchemaError` naming the column, the row and the value.
``order``, ``turn``, ``label`` and ``score`` may be absent (read as NA).

Every result row has a ``note``: ``""`` when the row is complete, otherwise why a value is
NaN or which data were left out. A probe never drops a judge silently: a judge it cannot
score (its judgments are of a protocol the probe does not handle, the table has no
presentation orders, no response texts, no model columns, no items shared with the
reference ...) gets a row with NaN and the reason in ``note`` (``by`` columns NA when the
reason holds for the whole table), and the call emits one :class:`ProbeWarning`. When the
judge was named (``judge=...``) and nothing could be computed for it, or a named
reference (anything but the default pool ``"humans"``) leaves every row NaN, the probe
raises ``ValueError`` naming the probe, the judge or reference and what is missing
(a reference counts as named when it differs from the probe's default).

Below :data:`MIN_ITEMS` items an effect keeps its estimate but its interval, statistic
and p-value are NaN, with a note (an interval on three items, or a bootstrap whose
resamples all agree, would read as certainty: ``[1, 1]``).

References
----------
Wang, P. et al. (2024). Large Language Models are not Fair Evaluators. ACL.
arXiv:2305.17926.

Zheng, L. et al. (2023). Judging LLM-as-a-Judge with MT-Bench and Chatbot
Arena. NeurIPS Datasets and Benchmarks. arXiv:2306.05685.

Zeng, Z. et al. (2024). Evaluating Large Language Models at Evaluating
Instruction Following (LLMBar). ICLR. arXiv:2310.07641.

Thakur, A. S. et al. (2024). Judging the Judges: Evaluating Alignment and
Vulnerabilities in LLMs-as-Judges. arXiv:2406.12624.

Panickssery, A., Bowman, S. R., Feng, S. (2024). LLM Evaluators Recognize and
Favor Their Own Generations. NeurIPS. arXiv:2404.13076.

Bland, J. M., Altman, D. G. (1986). Statistical methods for assessing
agreement between two methods of clinical measurement. *Lancet* 327(8476),
307-310. https://doi.org/10.1016/S0140-6736(86)90837-8
"""

# Import order is registration order: PROBES lists the probes in this order (kept unsorted).
from __future__ import annotations  # noqa: I001

from .position import position_preference
from .length_style import STYLE_FEATURES, length_preference, style_preference
from .regression import (
    REGRESSION_COLUMNS,
    STYLE_COVARIATES,
    length_regression,
    preference_regression,
    style_regression,
)
from .self_preference import self_preference
from .leniency import leniency
from .rating import rating_offset
from .disagreements import disagreements
from .self_consistency import majority_of_samples, self_consistency
from .calibration import (
    brier_score,
    calibration,
    coverage_curve,
    deferral_curve,
    expected_calibration_error,
    reliability_table,
)
from .consistency import circular_triads, implied_preferences, triad_counts
from .mitigations import MITIGATIONS, mitigation_effects
from .length_control import length_controlled_leaderboard
from .frame import CLUSTER, UNIT
from .registry import (
    MIN_ITEMS,
    NO_USABLE_VERDICT,
    PROBES,
    RESULT_COLUMNS,
    Probe,
    ProbeWarning,
    probe,
)

__all__ = [
    "CLUSTER",
    "MIN_ITEMS",
    "MITIGATIONS",
    "NO_USABLE_VERDICT",
    "PROBES",
    "Probe",
    "ProbeWarning",
    "REGRESSION_COLUMNS",
    "RESULT_COLUMNS",
    "STYLE_COVARIATES",
    "STYLE_FEATURES",
    "UNIT",
    "brier_score",
    "calibration",
    "circular_triads",
    "coverage_curve",
    "deferral_curve",
    "disagreements",
    "expected_calibration_error",
    "implied_preferences",
    "length_controlled_leaderboard",
    "length_preference",
    "length_regression",
    "leniency",
    "majority_of_samples",
    "mitigation_effects",
    "position_preference",
    "preference_regression",
    "probe",
    "rating_offset",
    "reliability_table",
    "self_consistency",
    "self_preference",
    "style_preference",
    "style_regression",
    "triad_counts",
]
