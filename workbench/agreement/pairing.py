"""The judge/reference and human-ceiling pairs of a table: :func:`prepare`.

Everything of :func:`workbench.agreement.agreement` that does not depend on the
statistics, the bootstrap or the seed, done once; the result is a
:class:`~workbench.agreement.prepared.PreparedPairs`, which slices and estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import pandas as pd

from .. import vocab
from .._validate import check_option
from ..schema import resolve_samples
from ._frame import (
    ITEM_CODE,
    check_by,
    cluster_index,
    individual_humans,
    label_set,
    protocol_of,
    resolved_table,
    with_item_codes,
)
from .pairs import (
    ceiling_note,
    ceiling_pairs,
    ceiling_seen,
    judge_names,
    judge_pairs,
    labels_by,
    others_pairs,
    reference_values,
    resolve_reference,
)
from .prepared import (
    CEILING_ITEMS,
    Aggregate,
    CeilingItems,
    JudgePairs,
    PreparedPairs,
    ceiling_options,
)

__all__ = ["prepare"]


def prepare(
    df: pd.DataFrame,
    *,
    judges: Sequence[str] | None = None,
    reference: str | None = None,
    by: Sequence[str] = (),
    resolve: vocab.Rule = "per_order",
    ceiling: bool | Aggregate = True,
    aggregate: Aggregate | None = None,
    ceiling_items: CeilingItems = "judged",
    cluster: str | Callable[[str], Hashable] | None = None,
    check: bool = True,
) -> PreparedPairs:
    """The (judge, reference) and ceiling pairs of :func:`workbench.agreement.agreement`.

    Parameters
    ----------
    df, judges, reference, by, resolve, ceiling, aggregate, ceiling_items, cluster
        As in :func:`workbench.agreement.agreement` (``criterion`` is added to ``by``
        when the table has several). Independent of the statistics, the bootstrap
        and the seed: a caller slicing the same selection several ways (the
        explorer) prepares once and adds an item-level slice column with
        :meth:`PreparedPairs.with_slice`.
    check : bool, default True
        Check the table first (:func:`workbench._validate.check_table`: missing columns,
        unknown protocols or labels, NA or duplicate keys raise ``SchemaError`` naming the
        column, row and value); False when the caller has just checked it.

    Returns
    -------
    PreparedPairs

    Examples
    --------
    >>> votes = {"human": ["A", "A", "B"], "j": ["A", "B", "B"]}
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind="human" if r == "human" else "llm", label=lab)
    ...         for r, labels in votes.items() for i, lab in enumerate(labels)]
    >>> prep = prepare(pd.DataFrame(rows))
    >>> prep  # one human rater: no ceiling
    PreparedPairs(protocol='pairwise', reference='human', pairs={'j': 3}, ceiling_pairs=0, \
aggregate='mean', by=())
    >>> t = prep.emit(["percent_agreement"], n_resamples=50)
    >>> t[["judge", "estimate", "n_items"]].values.tolist()  # 2 of 3 items agree
    [['j', 0.6666666666666666, 3]]
    """
    df = resolve_samples(df)  # repeated runs -> the majority of samples (none counts twice)
    protocol = protocol_of(df, check=check)
    by = check_by(df, by)
    want_ceiling, aggregate = ceiling_options(ceiling, aggregate)
    check_option("ceiling_items", ceiling_items, CEILING_ITEMS)
    clusters = cluster_index(df, cluster)
    df = resolved_table(df, resolve, by)
    humans = individual_humans(df)  # an on-the-fly majority adds no individual annotator
    loo = None
    if reference in (None, "others"):
        df = with_item_codes(df)
        loo = ceiling_pairs(df, protocol, [], humans)
        if loo.empty and reference == "others":
            raise ValueError(
                "reference: 'others' needs items with at least two individual human:<id> "
                f"annotators; found {humans[:10]}"
            )
    if loo is not None and not loo.empty:
        ref = vocab.OTHERS_MEAN if protocol == "rating" else vocab.OTHERS
    else:
        loo = None
        coded = df
        df, ref = resolve_reference(df, "human" if reference is None else reference)
        if df is not coded or ITEM_CODE not in df.columns:  # rows added (a majority): recode
            df = with_item_codes(df)
    raters = df["rater"]
    named = judges is not None
    judges = judge_names(df, raters, judges)
    ref_values = reference_values(df, ref, protocol) if loo is None else None
    pairs, unpaired = [], []
    for judge in judges:
        if loo is None:
            p = judge_pairs(df, judge, ref_values, protocol, by)
        else:
            p = others_pairs(df, judge, loo, protocol, by)
        if len(p):
            per_annotator = loo is not None and aggregate == "mean"
            pairs.append(JudgePairs(judge, p, "_annotator" if per_annotator else None))
        elif named:
            raise ValueError(
                f"judges: {judge!r} has no verdict on an item the reference {ref!r} has "
                "(no pair to compare); check the judge's items or pick another reference"
            )
        else:
            unpaired.append(judge)
    cp = cp_all = None
    judged_by: dict[str, np.ndarray] = {}
    if want_ceiling:
        cp = cp_all = ceiling_pairs(df, protocol, by, humans)
        if len(cp) and ceiling_items != "all":
            seen, judged_by = ceiling_seen(df, raters, judges, pairs, protocol, ceiling_items)
            if len(seen):
                cp = cp[np.isin(cp[ITEM_CODE].to_numpy(), seen)]
        if not len(cp):
            cp = cp_all = None
    return PreparedPairs(
        protocol=protocol,
        reference=ref,
        aggregate=aggregate,
        clusters=clusters,
        categories=label_set(df, protocol),
        judges=tuple(pairs),
        ceiling=cp,
        ceiling_items=ceiling_items,
        ceiling_all=cp_all,
        judged_by=judged_by,
        labels_by=labels_by(df, protocol),
        judge_names=tuple(judges),
        by=tuple(by),
        same_footing=loo is not None and cp_all is not None,
        ceiling_note=ceiling_note(df, humans, want_ceiling, cp_all is not None, loo is not None),
        unpaired=tuple(unpaired),
    )
