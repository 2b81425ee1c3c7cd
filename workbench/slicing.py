"""Slice bias probes and agreement metrics by task category or factor bins, with multiplicity correction.

Running a probe on every task category (or length bin) tests one hypothesis
per slice; reporting the smallest p-value of ten slices as if it were the only
one overstates the evidence. Every function here returns the per-slice table
with the raw ``p_value`` plus ``p_adjusted`` and ``correction``: Holm's
step-down family-wise correction (default) or Benjamini-Hochberg's false
discovery rate, applied within each *family* - the same judge, probe, effect
(and regression term / feature / criterion) across slices - with
:func:`statsmodels.stats.multitest.multipletests`.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scand. J. Statist.* 6(2), 65-70.

Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate.
*JRSS B* 57(1), 289-300. https://doi.org/10.1111/j.2517-6161.1995.tb02031.x
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import bias, factors
from ._validate import check_columns, check_option, check_table
from .stats.testing import adjust_pvalues
from .vocab import CORRECTIONS, Correction

__all__ = [
    "CORRECTIONS",
    "FAMILY_COLUMNS",
    "NO_TEST",
    "Correction",
    "add_bins",
    "adjust",
    "slice_agreement",
    "slice_probe",
]
# CORRECTIONS / Correction are workbench.vocab's, re-exported under their old path.

FAMILY_COLUMNS = (
    "judge",
    "probe",
    "effect",
    "term",
    "feature",
    "criterion",
    "statistic",
    "reference",
)
"""Columns that, when present, define a family of tests corrected together (one test per slice).

``statistic`` counts only when it holds names (agreement tables), not test statistics (probe tables)."""


NO_TEST = "no test: the slice or the rest has no standard error"
"""Note of :func:`slice_agreement` rows whose p-value is NaN."""


def adjust(
    table: pd.DataFrame,
    *,
    correction: Correction = "holm",
    family: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Add ``p_adjusted`` and ``correction`` to a result table, correcting within families.

    Parameters
    ----------
    table : DataFrame
        With a ``p_value`` column (NaN = no test; left NaN).
    correction : {"holm", "fdr_bh", "bonferroni"}, default "holm"
        ``multipletests`` method (:data:`workbench.vocab.CORRECTIONS`).
    family : sequence of str, optional
        Columns defining a family; default the :data:`FAMILY_COLUMNS` present.

    Returns
    -------
    DataFrame
        A copy with ``p_adjusted`` (float) and ``correction`` (string).

    See Also
    --------
    workbench.stats.testing.adjust_pvalues : the array-level adjustment applied to each family.

    Examples
    --------
    >>> t = pd.DataFrame({"judge": ["j", "j", "j"], "p_value": [0.01, 0.04, 0.03]})
    >>> adjust(t)["p_adjusted"].round(4).tolist()  # Holm: 3 x 0.01, then max(2 x 0.03, 0.03), max(1 x 0.04, 0.06)
    [0.03, 0.06, 0.06]
    >>> adjust(t, correction="fdr_bh")["p_adjusted"].round(4).tolist()  # BH: 0.01 x 3/1, 0.04 x 3/3, 0.03 x 3/2
    [0.03, 0.04, 0.04]
    """
    check_option("correction", correction, CORRECTIONS)
    check_columns(table, ["p_value"], arg="table")
    if family is None:
        # `statistic` names the metric in agreement tables but is the numeric test statistic in probe tables
        family = [
            c
            for c in FAMILY_COLUMNS
            if c in table.columns
            and not (c == "statistic" and pd.api.types.is_numeric_dtype(table[c]))
        ]
    else:
        family = [family] if isinstance(family, str) else list(family)
        check_columns(table, family, arg="family")
    cols = [c for c in family if c in table.columns]
    out = table.copy()
    try:
        p = pd.to_numeric(out["p_value"]).astype(float)
    except (TypeError, ValueError):
        raise ValueError("table: field 'p_value': expected numbers (NaN = no test)") from None
    bad = (p < 0) | (p > 1)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"table: row {i}: field 'p_value': {float(p.iloc[i])!r} is not a probability in [0, 1]"
        )
    adj = pd.Series(np.nan, index=out.index)
    codes = (
        out.groupby(cols, dropna=False, sort=False).ngroup().to_numpy()
        if cols
        else np.zeros(len(out), int)
    )
    for code in np.unique(codes):
        sub = p[codes == code]
        adj.loc[sub.index] = adjust_pvalues(sub.to_numpy(), method=correction)
    out["p_adjusted"] = adj.astype(float)
    out["correction"] = pd.Series(correction, index=out.index, dtype="string")
    return out


def add_bins(
    df: pd.DataFrame,
    *,
    factor: str = "words_diff",
    edges: Sequence[float] | None = factors.DEFAULT_LENGTH_EDGES,
    absolute: bool = True,
    q: int | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    """Add a binned item factor column (factors are computed when absent).

    Parameters
    ----------
    df : DataFrame
        Tidy judgments.
    factor : str, default "words_diff"
        A column of :func:`workbench.factors.item_factors`.
    edges : sequence of float, optional
        Left-closed bin edges (default: absolute word difference
        ``[0, 10), [10, 50), [50, 150), [150, inf)``). Ignored when ``q`` is given.
    absolute : bool, default True
        Bin ``|factor|``.
    q : int, optional
        Equal-count bins instead (:func:`workbench.factors.quantile_bins`).
    name : str, optional
        Column name; default ``"<factor>_bin"``.

    Returns
    -------
    DataFrame
        ``df`` with factors and the bin column (string, NA outside the bins).

    Examples
    --------
    >>> df = pd.DataFrame({"dataset": ["t"] * 2, "item_id": ["1", "2"],
    ...                    "response_a": ["a b c", "a"], "response_b": ["a", "a"]})
    >>> add_bins(df)["words_diff_bin"].tolist()  # |3 - 1| = 2, |1 - 1| = 0
    ['[0, 10)', '[0, 10)']
    """
    check_table(df, need=("dataset", "item_id"))
    out = df if factor in df.columns else factors.add_factors(df)
    if factor not in out.columns:
        raise ValueError(
            f"factor: {factor!r} is not an item factor; see workbench.factors.item_factors"
        )
    x = pd.to_numeric(out[factor]).astype("Float64")
    if len(x) and x.isna().all():
        raise ValueError(
            f"factor: {factor!r} is NA on every row (its texts or models are missing, see "
            "workbench.factors.item_factors); no bin to add"
        )
    if absolute:
        x = x.abs()
    if q is not None:
        bins = (
            factors.quantile_bins(x, q=q)
            .astype("object")
            .map(lambda v: None if pd.isna(v) else str(v))
        )
    else:
        bins = factors.bin_values(x, edges=edges)
    out = out.copy()
    out[name or f"{factor}_bin"] = pd.Series(bins.astype("object"), index=out.index).astype(
        "string"
    )
    return out


def slice_probe(
    df: pd.DataFrame,
    probe: str | Callable[..., pd.DataFrame],
    *,
    by: str | Sequence[str] = "subset",
    correction: Correction = "holm",
    **kwargs: Any,
) -> pd.DataFrame:
    """Run a bias probe per slice and correct its p-values across slices.

    Parameters
    ----------
    df : DataFrame
        Tidy judgments (with the ``by`` columns; use :func:`add_bins` for factor bins).
    probe : str or callable
        A name of :data:`workbench.bias.PROBES` or a probe function.
    by : str or sequence of str, default "subset"
        Item-level slicing columns.
    correction : {"holm", "fdr_bh", "bonferroni"}, default "holm"
    **kwargs
        Passed to the probe (``judge``, ``reference``, ``rng`` ...).

    Returns
    -------
    DataFrame
        The probe's table with ``by`` columns first, plus ``p_adjusted`` and
        ``correction`` (families: same judge / probe / effect / term across slices).
        Rows without a test (NaN ``p_value``, see their ``note``) stay NaN.

    Raises
    ------
    SchemaError
        ``df`` fails :func:`workbench._validate.check_table` or lacks a ``by`` column.
    """
    check_table(df)
    check_columns(df, [by] if isinstance(by, str) else list(by), arg="by")
    check_option("correction", correction, CORRECTIONS)
    if isinstance(probe, str):
        fn = bias.PROBES.lookup(probe, "probe").function
    elif callable(probe):
        fn = probe
    else:
        raise ValueError(f"probe: expected a name or a function, got {type(probe).__name__}")
    table = fn(df, by=by, **kwargs)
    return adjust(table, correction=correction)


def slice_agreement(
    df: pd.DataFrame,
    *,
    by: str = "subset",
    correction: Correction = "holm",
    statistic: str = "percent_agreement",
    **kwargs: Any,
) -> pd.DataFrame:
    """Judge-human agreement per slice, each slice tested against the rest of the table.

    For every slice ``s`` of ``by`` the agreement statistic is computed on
    ``s`` and on all other items (:func:`workbench.tables.agreement`, item
    bootstrap), and ``H0: agreement(s) = agreement(rest)`` is tested with a
    two-sample z test on the bootstrap standard errors (slices hold disjoint
    items, so the two estimates are independent). ``p_adjusted`` corrects
    across slices within each judge.

    Parameters
    ----------
    df : DataFrame
        Tidy judgments of one protocol.
    by : str, default "subset"
        One item-level slicing column.
    correction : {"holm", "fdr_bh", "bonferroni"}, default "holm"
    statistic : str, default "percent_agreement"
        A statistic name accepted by :func:`workbench.tables.agreement`.
    **kwargs
        Passed to :func:`workbench.tables.agreement` (``judges``,
        ``reference``, ``resolve``, ``n_resamples``, ``rng`` ...).

    Returns
    -------
    DataFrame
        ``[by, "judge", "reference", "statistic", "estimate", "ci_low",
        "ci_high", "se", "n_items", "estimate_rest", "difference", "p_value", "note",
        "p_adjusted", "correction"]``; ``note`` is the agreement table's note, plus
        :data:`NO_TEST` where the slice or the rest has no standard error (``""`` when fine).

    Raises
    ------
    SchemaError
        ``df`` fails :func:`workbench._validate.check_table`, or ``by`` is not a column.
    ValueError
        ``by`` has fewer than two distinct values (there is no rest to compare with).
    """
    from . import tables

    check_table(df)
    if not isinstance(by, str):
        raise ValueError(f"by: expected one column of df, got {by!r}")
    check_columns(df, [by], arg="by")
    check_option("correction", correction, CORRECTIONS)
    kwargs.setdefault("ceiling", False)
    parts = []
    values = df[by].astype("object")
    levels = pd.unique(values.dropna())
    if len(levels) < 2:
        raise ValueError(
            f"by: column {by!r} has {len(levels)} distinct value(s); slice_agreement tests "
            "each slice against the rest, so it needs at least two"
        )
    for level in levels:
        inside = np.where(values == level, "slice", "rest")
        t = tables.agreement(
            df.assign(_slice=inside), by=["_slice"], statistics=[statistic], **kwargs
        )
        t = t[t["kind"] == "judge"] if "kind" in t else t
        s = t[t["_slice"] == "slice"].set_index("judge")
        r = t[t["_slice"] == "rest"].set_index("judge")
        s = s.assign(estimate_rest=r["estimate"].reindex(s.index), se_rest=r["se"].reindex(s.index))
        diff = s["estimate"] - s["estimate_rest"]
        se = np.sqrt(s["se"] ** 2 + s["se_rest"] ** 2)
        s["difference"] = diff
        with np.errstate(divide="ignore", invalid="ignore"):
            s["p_value"] = 2 * sps.norm.sf(np.abs(diff / se))
        s["note"] = [
            "; ".join(x for x in (n, "" if np.isfinite(p) else NO_TEST) if x)
            for n, p in zip(
                s["note"].fillna("").astype(str) if "note" in s else [""] * len(s),
                s["p_value"].to_numpy(dtype=float),
                strict=True,
            )
        ]
        s = s.drop(columns=["_slice", "se_rest"])
        s.insert(0, by, level)
        parts.append(s.reset_index())
    cols = [
        by,
        "judge",
        "reference",
        "statistic",
        "estimate",
        "ci_low",
        "ci_high",
        "se",
        "n_items",
        "estimate_rest",
        "difference",
        "p_value",
        "note",
    ]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    out["note"] = out["note"].astype("string")
    return adjust(out, correction=correction, family=["judge", "statistic", "reference"])
