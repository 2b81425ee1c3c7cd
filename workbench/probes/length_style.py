"""Bias probes: why does an LLM judge disagree with people?

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

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import factors, verdicts
from ._validate import TABLE_REQUIRED, check_columns, check_option, check_options, check_table
from .errors import SchemaError
from .registry import Registry
from .stats.bootstrap import (
    bootstrap_resample,
    bootstrap_sums,
    check_resampling,
    generator,
    item_sums,
)
from .vocab import PROTOCOLS

__all__ = [
    "MIN_ITEMS",
    "NO_USABLE_VERDICT",
    "PROBES",
    "ProbeWarning",
    "RESULT_COLUMNS",
    "disagreements",
    "length_preference",
    "length_regression",
    "leniency",
    "position_preference",
    "preference_regression",
    "rating_offset",
    "self_preference",
    "style_preference",
    "style_regression",
]

RESULT_COLUMNS = [
    "judge",
    "probe",
    "effect",
    "estimate",
    "ci_low",
    "ci_high",
    "statistic",
    "p_value",
    "n_items",
    "n_obs",
    "test",
    "reference",
    "note",
]
"""Fixed columns of every probe result (after the ``by`` columns); probes with an extra
column (``feature``, ``family``, ``criterion``) add it after ``note``."""

MIN_ITEMS = 10
"""Fewest items (clusters) on which a probe reports an interval, a statistic or a p-value;
below it they are NaN with a note (the estimate stays). The same minimum as
:func:`workbench.agreement`."""


NO_USABLE_VERDICT = (
    "no verdict of this judge the probe could use: every label / score is NA, or none is "
    "on an item the reference judged"
)
"""``note`` of a judge none of whose rows a probe could use."""


class ProbeWarning(UserWarning):
    """Some rows of a probe result are NaN or leave data out; the ``note`` column says why."""


UNIT = ["dataset", "item_id", "criterion", "turn"]
CLUSTER = ["dataset", "item_id"]
_SEP = "\x1f"
_Rng = np.random.Generator | int | None


# ------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Probe:
    """A registered bias probe: its function, the protocols it applies to and a one-line description.

    Calling the entry calls the function (``PROBES["leniency"](df, reference="human")``).
    """

    function: Callable[..., pd.DataFrame]
    protocols: tuple[str, ...]
    description: str

    @property
    def protocol(self) -> str:
        """The protocols joined by ``|`` (``"pairwise|binary"``), as the first release spelled them."""
        return "|".join(self.protocols)

    def __call__(self, df: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
        return self.function(df, **kwargs)


PROBES: Registry[Probe] = Registry("probe")
"""Probe name -> :class:`Probe` (function, protocols, one-line description), filled by :func:`probe`."""


def probe(
    name: str, *, protocols: Sequence[str], description: str
) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Register the decorated function in :data:`PROBES` under ``name``; return it unchanged.

    Parameters
    ----------
    name : str
        Registry name (the function's name, by convention).
    protocols : sequence of str
        Protocols of :data:`workbench.vocab.PROTOCOLS` the probe applies to.
    description : str
        One line for widgets and notebooks.
    """
    entry_protocols = tuple(check_options("protocols", protocols, PROTOCOLS))
    return PROBES.register(name, lambda function: Probe(function, entry_protocols, description))


# ----------------------------------------------------------------- selection


def _judges(df: pd.DataFrame, judge: str | Sequence[str] | None) -> list[str]:
    raters = df["rater"].astype("object")
    if judge is None:
        kind = df["rater_kind"].astype("object")
        found = list(pd.unique(raters[(kind == "llm").to_numpy()]))
        if not found:
            raise ValueError(
                "judge: the table has no LLM judge (no rater with rater_kind 'llm'); "
                "name the raters to probe with judge=[...]"
            )
        return found
    wanted = [judge] if isinstance(judge, str) else list(judge)
    _listed("judge", wanted)
    unknown = sorted(set(wanted) - set(raters.unique()))
    if unknown:
        raise ValueError(f"judge: not a rater of the table: {unknown}")
    return wanted


def _listed(arg: str, names: list[Any]) -> None:
    """A list of rater ids is not empty and names each rater once."""
    if not names:
        raise ValueError(f"{arg}: an empty list; name at least one rater")
    twice = sorted({str(n) for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{arg}: {twice} listed more than once")


def _reference_raters(df: pd.DataFrame, reference: str | Sequence[str] | None) -> list[str]:
    if reference is None:
        raise ValueError("reference: required (a rater id, a list of rater ids or 'humans')")
    raters = df["rater"].astype("object")
    if isinstance(reference, str) and reference == "humans":
        kind = df["rater_kind"].astype("object")
        mask = (kind == "human") & (raters != "human:majority")
        out = list(pd.unique(raters[mask.to_numpy()]))
        if not out:
            raise ValueError("reference: 'humans' found no rater with rater_kind 'human'")
        return out
    wanted = [reference] if isinstance(reference, str) else list(reference)
    _listed("reference", wanted)
    unknown = sorted(set(wanted) - set(raters.unique()))
    if unknown:
        raise ValueError(f"reference: not a rater of the table: {unknown}")
    return wanted


_OPTIONAL = {"order": "category", "turn": "Int64", "label": "object", "score": "Float64"}
"""Columns a probe reads that a hand-made table may lack (read as NA)."""


def _table(df: Any, need: Sequence[str] = ()) -> pd.DataFrame:
    """Check ``df`` (:func:`check_table`; not empty) and add the optional columns it lacks, as NA."""
    check_table(df, need=(*TABLE_REQUIRED, *need))
    if not len(df):
        raise SchemaError("df: the table has no rows; nothing to probe")
    add = {
        c: pd.Series(pd.NA, index=df.index, dtype=t)
        for c, t in _OPTIONAL.items()
        if c not in df.columns
    }
    if "score" in df.columns and not pd.api.types.is_numeric_dtype(df["score"].dtype):
        add["score"] = pd.to_numeric(df["score"].astype("object")).astype("Float64")
    return df.assign(**add) if add else df


def _unscorable(
    df: pd.DataFrame,
    judges: Sequence[str],
    probe: str,
    protocols: Sequence[str],
    need: Callable[[str, pd.DataFrame], str | None] | None = None,
) -> dict[str, str]:
    """Judges the probe cannot score anywhere in ``df``, with the reason.

    A judge without rows of the probe's ``protocols`` is one; otherwise ``need(judge,
    rows)`` on its rows of those protocols returns the reason (or None when it can be scored).
    """
    codes, raters = pd.factorize(df["rater"].astype("object"))
    position = {r: k for k, r in enumerate(raters)}
    proto = df["protocol"].astype("object").to_numpy(dtype=object)
    handled = np.isin(proto, list(protocols))
    out = {}
    for j in judges:
        mine = codes == position.get(j, -2)
        ok = mine & handled
        if not ok.any():
            have = "/".join(sorted(set(proto[mine]))) or "no"
            out[j] = f"{probe} handles {'/'.join(protocols)} judgments; this judge has {have} rows"
        elif need is not None:
            reason = need(j, df[ok])
            if reason:
                out[j] = reason
    return out


def _lacking(
    reasons: dict[str, str],
    probe: str,
    effect: str | Callable[[str], str],
    reference: str | None,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """One NaN row per unscorable judge, the reason in ``note``."""
    records = [
        _record(
            j,
            probe,
            effect(j) if callable(effect) else effect,
            _empty_est(note=why),
            reference,
            **{c: None for c in extra},
        )
        for j, why in reasons.items()
    ]
    return _frame(records, extra=extra)


def _finish(
    out: pd.DataFrame,
    probe: str,
    *,
    judge: str | Sequence[str] | None,
    reference: str | Sequence[str] | None,
    unscorable: Collection[str] = (),
    default_reference: str | None = "humans",
    judges: Sequence[str] = (),
    effect: str = "",
) -> pd.DataFrame:
    """Raise for a named judge (or reference) with nothing computed; else warn once on notes.

    Every one of ``judges`` without a row in ``out`` (none of its verdicts could be used:
    all NA, or none on an item of the reference) gets a NaN row of ``effect`` saying so,
    instead of silently missing. A reference other than the probe's default
    (``default_reference``) raises when every row that compares with it is NaN, among the
    judges that are not ``unscorable`` for reasons of their own (their rows say why).
    """
    present = set(out["judge"].dropna().astype(str))
    absent = {j: NO_USABLE_VERDICT for j in judges if j not in present}
    if absent:
        extra = [c for c in out.columns if c not in RESULT_COLUMNS]
        filler = _lacking(absent, probe, effect, _ref_name(reference), extra)
        parts = [out, filler.reindex(columns=out.columns)]
        out = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    note = out["note"].fillna("").astype(str)
    nan = out["estimate"].isna().to_numpy()
    if judge is not None:
        named = [judge] if isinstance(judge, str) else list(judge)
        for j in named:
            mine = (out["judge"] == j).fillna(False).to_numpy(dtype=bool)
            if not mine.any() or nan[mine].all():
                why = next((n for n in note[mine] if n), "no result")
                raise ValueError(f"{probe}: judge {j!r}: {why}")
    if reference is not None and reference != default_reference:
        compared = (out["reference"].notna() & ~out["judge"].isin(list(unscorable))).to_numpy()
        if compared.any() and nan[compared].all():
            why = next((n for n in note[compared] if n), "no result")
            raise ValueError(f"{probe}: reference {_ref_name(reference)!r}: {why}")
    noted = note != ""
    if noted.any():
        warnings.warn(
            f"{probe}: {int(noted.sum())} of {len(out)} rows have a note (a NaN value or data "
            f"left out); see the note column (e.g. {note[noted].iloc[0]!r})",
            ProbeWarning,
            stacklevel=3,
        )
    return out


def _ref_name(reference: str | Sequence[str] | None) -> str | None:
    if reference is None or isinstance(reference, str):
        return reference
    return "+".join(reference)


def _key(df: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """String key of ``cols`` per row (NA -> empty), for grouping and clustering."""
    parts = [df[c].astype("object").where(df[c].notna(), "").astype(str) for c in cols]
    out = parts[0]
    for p in parts[1:]:
        out = out + _SEP + p
    return out.to_numpy(dtype=object)


def _rows(df: pd.DataFrame, raters: Sequence[str]) -> pd.DataFrame:
    out = df[df["rater"].astype("object").isin(list(raters)).to_numpy()].copy()
    out["_unit"] = _key(out, UNIT)
    out["_cluster"] = _key(out, CLUSTER)
    return out


# ------------------------------------------------------------ small estimators


@dataclass
class _Est:
    estimate: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    n_items: int
    n_obs: int
    test: str
    note: str = ""


def _empty_est(test: str = "", note: str = "") -> _Est:
    return _Est(np.nan, np.nan, np.nan, np.nan, np.nan, 0, 0, test, note)


def _reportable(est: _Est) -> _Est:
    """Apply the reporting rules: NaN estimate -> a note; fewer than :data:`MIN_ITEMS`
    items or a zero-width interval -> NaN interval and test, with a note."""
    notes = [est.note] if est.note else []
    no_test = {"ci_low": np.nan, "ci_high": np.nan, "statistic": np.nan, "p_value": np.nan}
    if not np.isfinite(est.estimate):
        if not notes:
            notes.append("no items to estimate this effect on")
        return replace(est, **no_test, note="; ".join(notes))
    if est.n_items < MIN_ITEMS:
        notes.append(f"{est.n_items} items: fewer than {MIN_ITEMS}, no interval or test")
        return replace(est, **no_test, note="; ".join(notes))
    if np.isfinite(est.ci_low) and est.ci_low == est.ci_high:
        notes.append("no interval: the resamples show no variation")
        return replace(est, ci_low=np.nan, ci_high=np.nan, note="; ".join(notes))
    if not (np.isfinite(est.ci_low) and np.isfinite(est.ci_high)) and not notes:
        notes.append("no interval: the data show no variation")
    return replace(est, note="; ".join(notes))


def _boot(
    contrib: np.ndarray,
    clusters: np.ndarray,
    fn: Callable[[np.ndarray], np.ndarray],
    opts: dict[str, Any],
) -> tuple[float, float, float, float, int]:
    """Cluster bootstrap of ``fn(sums)``: (estimate, low, high, se, n_clusters).

    Below :data:`MIN_ITEMS` clusters no resampling is done (interval and SE NaN).
    """
    sums, _ = item_sums(contrib, clusters)
    if len(sums) < MIN_ITEMS:
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate = float(np.asarray(fn(sums.sum(axis=0))))
        return estimate, np.nan, np.nan, np.nan, len(sums)
    res = bootstrap_sums(sums, fn, method="bca", **opts)
    return float(res.estimate), float(res.ci_low), float(res.ci_high), float(res.se), len(sums)


def _wald(estimate: float, se: float, null: float) -> tuple[float, float]:
    if not np.isfinite(se) or se <= 0 or not np.isfinite(estimate):
        return np.nan, np.nan
    z = (estimate - null) / se
    return float(z), float(2 * sps.norm.sf(abs(z)))


def _proportion(
    success: np.ndarray, clusters: np.ndarray, opts: dict[str, Any], *, null: float | None = 0.5
) -> _Est:
    """Share of ``success`` (bool per judgment) with a CI and a test against ``null``."""
    success = np.asarray(success, dtype=float)
    n = len(success)
    if n == 0:
        return _empty_est()
    k = int(success.sum())
    n_clusters = len(np.unique(clusters))
    if n_clusters == n:
        res = sps.binomtest(k, n, 0.5 if null is None else null)
        ci = res.proportion_ci(confidence_level=opts["confidence_level"], method="wilson")
        if null is None:
            return _Est(k / n, ci.low, ci.high, np.nan, np.nan, n, n, "")
        return _Est(
            k / n, ci.low, ci.high, float(k), float(res.pvalue), n, n, f"binomial exact vs {null:g}"
        )
    contrib = np.column_stack([success, np.ones(n)])
    est, lo, hi, se, m = _boot(contrib, clusters, lambda s: s[..., 0] / s[..., 1], opts)
    if null is None:
        return _Est(est, lo, hi, np.nan, np.nan, m, n, "")
    z, p = _wald(est, se, null)
    return _Est(est, lo, hi, z, p, m, n, f"Wald z vs {null:g} (cluster-bootstrap SE)")


def _sign_test(k: int, n: int, opts: dict[str, Any], test: str) -> _Est:
    """Exact binomial (sign) test of k successes in n independent units against 1/2."""
    if n == 0:
        return _empty_est(test)
    res = sps.binomtest(k, n, 0.5)
    ci = res.proportion_ci(confidence_level=opts["confidence_level"], method="wilson")
    return _Est(k / n, ci.low, ci.high, float(k), float(res.pvalue), n, n, test)


def _opts(n_resamples: int, confidence_level: float, rng: _Rng) -> dict[str, Any]:
    check_resampling(n_resamples, confidence_level)
    return {
        "n_resamples": int(n_resamples),
        "confidence_level": float(confidence_level),
        "rng": generator(rng),
    }


def _record(judge: str, probe: str, effect: str, est: _Est, reference: str | None, **extra) -> dict:
    est = _reportable(est)
    return {
        "judge": judge,
        "probe": probe,
        "effect": effect,
        "estimate": est.estimate,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "statistic": est.statistic,
        "p_value": est.p_value,
        "n_items": est.n_items,
        "n_obs": est.n_obs,
        "test": est.test,
        "reference": reference,
        "note": est.note,
        **extra,
    }


def _frame(records: list[dict], extra: Sequence[str] = ()) -> pd.DataFrame:
    cols = RESULT_COLUMNS + [c for c in extra if c not in RESULT_COLUMNS]
    out = pd.DataFrame.from_records(records, columns=cols)
    for c in ("estimate", "ci_low", "ci_high", "statistic", "p_value"):
        out[c] = out[c].astype(float)
    for c in ("n_items", "n_obs"):
        out[c] = out[c].astype("Int64")
    out["note"] = out["note"].fillna("")
    for c in ("judge", "probe", "effect", "test", "reference", "note"):
        out[c] = out[c].astype("string")
    return out


def _by_columns(df: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """The ``by`` columns as a list, each checked to be a column of ``df``."""
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    check_columns(df, cols, arg="by")
    return cols


def _grouped(
    df: pd.DataFrame,
    by: str | Sequence[str] | None,
    fn: Callable[[pd.DataFrame], pd.DataFrame],
    lacking: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run ``fn`` on ``df`` or on each ``by`` group, prepending the group values.

    ``lacking`` (rows of judges that cannot be scored anywhere) is appended with NA ``by``
    values.
    """
    cols = _by_columns(df, by)
    if not cols:
        out = fn(df)
        if lacking is None or lacking.empty:
            return out
        return lacking if out.empty else pd.concat([out, lacking], ignore_index=True)
    if lacking is not None and not lacking.empty:
        lacking = lacking.copy()
        for c in reversed(cols):
            lacking.insert(0, c, pd.Series(pd.NA, index=lacking.index).astype(df[c].dtype))
    else:
        lacking = None
    parts = []
    for values, sub in df.groupby(cols, dropna=False, observed=True, sort=True):
        res = fn(sub)
        values = values if isinstance(values, tuple) else (values,)
        for c, v in reversed(list(zip(cols, values, strict=True))):
            res.insert(0, c, v)
        if not res.empty:
            parts.append(res)
    if lacking is not None:
        parts.append(lacking)
    if not parts:
        empty = fn(df.iloc[:0])
        for c in reversed(cols):
            empty.insert(0, c, pd.Series(dtype=df[c].dtype))
        return empty
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------- reference summaries


def _pairwise_reference(ref: pd.DataFrame) -> pd.DataFrame:
    """Per unit: votes for A / B / tie, n, plurality label, share, mean code (A=+1, B=-1, tie=0)."""
    lab = ref["label"].astype("object")
    ok = lab.isin(["A", "B", "tie"]).to_numpy()
    r = ref[ok]
    lab = lab[ok].to_numpy(dtype=object)
    counts = (
        pd.DataFrame(
            {
                "_unit": r["_unit"].to_numpy(),
                "A": lab == "A",
                "B": lab == "B",
                "tie": lab == "tie",
            }
        )
        .groupby("_unit", sort=False)[["A", "B", "tie"]]
        .sum()
    )
    v = counts.to_numpy()
    n = v.sum(axis=1)
    top = v.max(axis=1)
    unique_top = (v == top[:, None]).sum(axis=1) == 1
    best = np.array(["A", "B", "tie"], dtype=object)[v.argmax(axis=1)]
    out = counts.copy()
    out["n_ref"] = n
    out["ref_label"] = np.where(unique_top, best, None)
    out["ref_share"] = top / n
    out["ref_code"] = (v[:, 0] - v[:, 1]) / n
    return out


# ------------------------------------------------------------ position probe


def _order_pivot(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (rater, unit): label in AB and BA (object, None = missing / unparsed) and presence."""
    r = rows[rows["order"].notna().to_numpy()]
    lab = r["label"].astype("object")
    wide = pd.DataFrame(
        {
            "rater": r["rater"].astype("object").to_numpy(),
            "_unit": r["_unit"].to_numpy(),
            "_cluster": r["_cluster"].to_numpy(),
            "order": r["order"].astype("object").to_numpy(),
            "label": lab.where(lab.notna(), None).to_numpy(),
        }
    )
    g = wide.groupby(["rater", "_unit", "_cluster", "order"], sort=False)
    first = g["label"].first()  # first non-NA label of the game
    out = pd.DataFrame(index=first.index.droplevel("order").unique())
    for o in ("AB", "BA"):
        sel = first.index.get_level_values("order") == o
        lab_o = first[sel].droplevel("order")
        out[o] = lab_o.reindex(out.index).astype("object").where(lambda x: x.notna(), None)
        out[f"has_{o}"] = out.index.isin(lab_o.index)
    return out.reset_index()


@probe(
    "position_preference",
    protocols=("pairwise",),
    description="Swap consistency, conflict rate and preference for the first-presented response (Wang et al. 2024).",
)
def position_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    unparsed: Literal["drop", "as_verdict"] = "drop",
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: _Rng = None,
) -> pd.DataFrame:
    """Position preference: does the judge favour the response shown first?

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments; judge rows need ``order``.
    judge, reference, by
        See the module docstring. ``reference`` is optional: with it, the
        agreement of each verdict-resolution rule with the reference is added.
    unparsed : {"drop", "as_verdict"}, default "drop"
        Swap consistency over items whose two verdicts both parsed (``drop``), or
        with an unparsed verdict treated as one more verdict value, so that two
        unparsed verdicts agree (``as_verdict``: LLMBar's ``statistics.json``
        reading, Zeng et al. 2024).
    n_resamples, confidence_level, rng
        Bootstrap settings (module docstring).

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS`; effects (``n_items`` = items entering each):

        ``P(prefer first-presented | decisive)``
            Share of the judge's ``A``/``B`` verdicts (all orders) that pick the
            response shown first. Single-order judges: exact binomial test vs
            0.5 and Wilson CI. Two-order judges: cluster-bootstrap CI; since
            consistent items contribute one first and one second pick, the
            overall share differs from 0.5 only through swap-inconsistent items,
            so the test is the sign test of the next effect.
        ``P(first-presented) among all verdicts``
            Single-order judges only: the same count over all parsed verdicts,
            ties in the denominator (Arena: GPT-3.5-turbo 23,176 / 26,919). No test.
        ``swap consistency``
            Two-order items: share whose ``AB`` and ``BA`` verdicts are equal
            (ties included) - LLMBar's "positional agreement" (Zeng et al.
            2024). Wilson CI.
        ``conflict rate``
            ``1 - swap consistency``: share of items whose verdict changes when
            the responses are swapped (Wang et al. 2024, Table 1 "Conflict
            Rate"). Wilson CI.
        ``P(prefer first-presented | orders disagree)``
            Items whose two verdicts are both decisive and differ (the judge
            picked the first-shown response twice, or the second twice):
            share picking first twice, i.e. Zheng et al. (2023, Table 2)
            "biased toward first" over "biased toward first or second". Exact
            sign test vs 0.5, Wilson CI.
        ``agreement with reference (rule=<rule>)``
            With ``reference``: share of the judge's resolved verdicts equal
            to the reference's plurality label, for each rule of
            :func:`workbench.verdicts.resolve_orders` (``per_order``,
            ``first_order``, ``fastchat``, ``vote_sum``). Cluster-bootstrap CI; no
            test.

    Notes
    -----
    The first-presented response is ``A`` for ``order == "AB"`` and ``B`` for
    ``"BA"`` (:func:`workbench.factors.picked_first`). Rows with NA ``order``
    (humans, unknown presentation) are ignored.

    References
    ----------
    Wang, P. et al. (2024). Large Language Models are not Fair Evaluators. ACL.
    arXiv:2305.17926. Zheng, L. et al. (2023). Judging LLM-as-a-Judge with
    MT-Bench and Chatbot Arena. arXiv:2306.05685.

    Examples
    --------
    Four items judged in both orders: consistent on items 1-2, first-shown
    picked twice on item 3, second-shown twice on item 4.

    >>> from workbench.schema import conform
    >>> games = [("1", "AB", "A"), ("1", "BA", "A"), ("2", "AB", "B"), ("2", "BA", "B"),
    ...          ("3", "AB", "A"), ("3", "BA", "B"), ("4", "AB", "B"), ("4", "BA", "A")]
    >>> df = conform(pd.DataFrame([dict(dataset="t", item_id=i, protocol="pairwise", criterion="overall",
    ...     rater="j", rater_kind="llm", order=o, label=lab) for i, o, lab in games]))
    >>> res = position_preference(df, rng=0).set_index("effect")
    >>> float(res.loc["swap consistency", "estimate"])  # 2 of 4 items
    0.5
    >>> float(res.loc["P(prefer first-presented | orders disagree)", "estimate"])  # item 3 of items 3, 4
    0.5
    """
    df = _table(df)
    check_option("unparsed", unparsed, ("drop", "as_verdict"))
    opts = _opts(n_resamples, confidence_level, rng)
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference) if reference is not None else None
    ref_name = _ref_name(reference)
    probe = "position_preference"

    def has_orders(j: str, rows: pd.DataFrame) -> str | None:
        if rows["order"].notna().any():
            return None
        return (
            "no presentation order: 'order' is NA on every pairwise row of this judge; "
            "position_preference needs rows with order AB or BA"
        )

    reasons = _unscorable(df, judges, probe, ("pairwise",), has_orders)
    scored = [j for j in judges if j not in reasons]
    pairwise = df[(df["protocol"].astype("object") == "pairwise").to_numpy()]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        records = []
        rows = _rows(sub, scored)
        ref = _pairwise_reference(_rows(sub, refs)) if refs is not None else None
        for j in scored:
            jr = rows[
                (rows["rater"].astype("object") == j).to_numpy() & rows["order"].notna().to_numpy()
            ]
            if jr.empty:
                continue
            records.extend(_position_one(j, jr, ref, ref_name, unparsed, opts))
        return _frame(records)

    main = "P(prefer first-presented | decisive)"
    lacking = _lacking(reasons, probe, main, None)
    out = _grouped(pairwise, by, one, lacking)
    return _finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )


def _wilson(k: int, n: int, opts: dict[str, Any], n_obs: int | None = None, note: str = "") -> _Est:
    """Share ``k / n`` with its Wilson interval, no test (NaN when ``n == 0``)."""
    if n == 0:
        return _empty_est(note=note)
    ci = sps.binomtest(k, n).proportion_ci(
        confidence_level=opts["confidence_level"], method="wilson"
    )
    return _Est(k / n, ci.low, ci.high, np.nan, np.nan, n, n if n_obs is None else n_obs, "", note)


def _tie_breaks(jr: pd.DataFrame, opts: dict[str, Any]) -> tuple[pd.DataFrame, list[dict], str]:
    """Set aside a judge's items whose verdicts come from a tie-break rule.

    Returns the remaining rows, the record of the share set aside (none when there is
    nothing to set aside) and the note for every position effect of the judge.
    """
    basis = verdicts.verdict_basis(jr).to_numpy(dtype=object)
    units = jr["_unit"].to_numpy()
    notes = []
    if np.isin(basis, ("scores", *verdicts.TIE_BREAKS)).all():
        notes.append(
            "verdicts derived from two separately given scores: the two orders are not two "
            "presentations"
        )
    rule = np.isin(basis, verdicts.TIE_BREAKS)
    if not rule.any():
        return jr, [], "; ".join(notes)
    left_out = np.unique(units[rule])
    n_all = len(np.unique(units))
    n_tie = len(np.unique(units[basis == "score_tie"]))
    what = (
        f"{len(left_out)} of {n_all} items left out: a verdict set by the source's tie-break "
        f"rule ({n_tie} equal scores, {len(left_out) - n_tie} unparsable), not chosen by the judge"
    )
    notes.insert(0, what)
    share = _wilson(len(left_out), n_all, opts, n_obs=len(jr), note=what)
    record = _record(
        str(jr["rater"].iloc[0]),
        "position_preference",
        "items with a tie-break verdict (left out)",
        share,
        None,
    )
    return jr[~np.isin(units, left_out)], [record], "; ".join(notes)


def _position_one(
    judge: str,
    jr: pd.DataFrame,
    ref: pd.DataFrame | None,
    ref_name: str | None,
    unparsed: str,
    opts: dict[str, Any],
) -> list[dict]:
    probe = "position_preference"
    all_rows = jr
    jr, set_aside, note = _tie_breaks(jr, opts)
    out = []
    first = factors.picked_first(jr)
    dec = first.notna().to_numpy()
    piv = _order_pivot(jr)
    both = (piv["has_AB"] & piv["has_BA"]).to_numpy()
    two_order = bool(both.any())
    est = _proportion(first[dec].to_numpy(dtype=bool), jr["_cluster"].to_numpy()[dec], opts)
    if not dec.any():
        est.note = "no decisive (A or B) verdict"
    if two_order:
        ab, ba = piv["AB"].to_numpy(dtype=object)[both], piv["BA"].to_numpy(dtype=object)[both]
        ff = int(np.sum((ab == "A") & (ba == "B")))
        ss = int(np.sum((ab == "B") & (ba == "A")))
        sign = _sign_test(
            ff, ff + ss, opts, "sign test (exact binomial) vs 0.5 on items whose orders disagree"
        )
        est.statistic, est.p_value, est.test = sign.statistic, sign.p_value, sign.test
        if ff + ss == 0 and dec.any():
            est.note = "no items whose two verdicts disagree: no test"
    out.append(_record(judge, probe, "P(prefer first-presented | decisive)", est, None))
    if not two_order:
        parsed = jr["label"].notna().to_numpy()
        allv = _proportion(
            first.fillna(False).to_numpy(dtype=bool)[parsed],
            jr["_cluster"].to_numpy()[parsed],
            opts,
            null=None,
        )
        out.append(_record(judge, probe, "P(first-presented) among all verdicts", allv, None))
    else:
        ab, ba = piv["AB"].to_numpy(dtype=object)[both], piv["BA"].to_numpy(dtype=object)[both]
        if unparsed == "drop":
            keep = pd.notna(ab) & pd.notna(ba)
            same = (ab == ba)[keep]
        else:
            abx = np.where(pd.isna(ab), "<unparsed>", ab)
            bax = np.where(pd.isna(ba), "<unparsed>", ba)
            same = abx == bax
        n, k = len(same), int(np.sum(same))
        why = "" if n else "no item with a parsed verdict in both orders"
        cons = _wilson(k, n, opts, n_obs=2 * n, note=why)
        conf = replace(
            cons, estimate=1 - cons.estimate, ci_low=1 - cons.ci_high, ci_high=1 - cons.ci_low
        )
        out.append(_record(judge, probe, "swap consistency", cons, None))
        out.append(_record(judge, probe, "conflict rate", conf, None))
        ff = int(np.sum((ab == "A") & (ba == "B")))
        ss = int(np.sum((ab == "B") & (ba == "A")))
        sign = _sign_test(ff, ff + ss, opts, "sign test (exact binomial) vs 0.5")
        if ff + ss == 0:
            sign.note = "no items whose two decisive verdicts disagree"
        out.append(_record(judge, probe, "P(prefer first-presented | orders disagree)", sign, None))
    if note:
        for r in out:
            r["note"] = "; ".join(x for x in (note, r["note"]) if x)
    out = set_aside + out
    if ref is not None and two_order:
        out.extend(_resolution_agreement(judge, all_rows, ref, ref_name, opts))
    return out


def _resolution_agreement(
    judge: str, jr: pd.DataFrame, ref: pd.DataFrame, ref_name: str | None, opts: dict[str, Any]
) -> list[dict]:
    from .schema import COLUMNS
    from .verdicts import resolve_orders
    from .vocab import RULES

    base = jr[[c for c in COLUMNS if c in jr.columns]]
    out = []
    ref_label = ref["ref_label"]
    for rule in RULES:
        res = resolve_orders(base, rule=rule)
        res = res.assign(_unit=_key(res, UNIT), _cluster=_key(res, CLUSTER))
        lab = res["label"].astype("object").to_numpy(dtype=object)
        rl = ref_label.reindex(res["_unit"]).to_numpy(dtype=object)
        ok = pd.notna(lab) & pd.notna(rl)
        est = _proportion(lab[ok] == rl[ok], res["_cluster"].to_numpy()[ok], opts, null=None)
        if not ok.any():
            est.note = "no item with both a resolved verdict and a reference label"
        out.append(
            _record(
                judge,
                "position_preference",
                f"agreement with reference (rule={rule})",
                est,
                ref_name,
            )
        )
    return out


# ------------------------------------------- length and style (pairwise picks)


def _pair_table(
    df: pd.DataFrame, judges: list[str], refs: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Judge rows and the per-unit reference summary (``df`` already holds the factors)."""
    return _rows(df, judges), _pairwise_reference(_rows(df, refs))


def _with_texts(
    df: pd.DataFrame, judges: Sequence[str], probe: str, columns: Sequence[str], arg: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The pairwise rows of ``df`` with item factors, and the judges without any factor value.

    ``columns`` are the factor columns the probe reads (``words_diff`` ...): a judge none
    of whose items has a value in one of them (no response texts) cannot be scored.
    """
    pairwise = df[(df["protocol"].astype("object") == "pairwise").to_numpy()]
    with_f = pairwise if "words_diff" in pairwise.columns else factors.add_factors(pairwise)
    unknown = [c for c in columns if c not in with_f.columns]
    if unknown:
        raise ValueError(
            f"{arg}: no item factor column(s) {unknown}; see workbench.factors.item_factors"
        )

    def has_texts(j: str, rows: pd.DataFrame) -> str | None:
        mine = with_f[(with_f["rater"].astype("object") == j).to_numpy()]
        empty = [c for c in columns if not mine[c].notna().any()]
        if not empty:
            return None
        return (
            f"no response texts: {', '.join(empty)} is NA on every item of this judge "
            f"({probe} needs response_a and response_b)"
        )

    return with_f, _unscorable(df, judges, probe, ("pairwise",), has_texts)


def _more_of(
    judge: str,
    jr: pd.DataFrame,
    ref_rows: pd.DataFrame,
    diff_col: str,
    what: str,
    probe: str,
    ref_name: str | None,
    opts: dict[str, Any],
) -> list[dict]:
    """Judge vs reference rate of picking the response with more of ``diff_col``."""
    jp = factors.picked_side(jr["label"].astype("object"), jr[diff_col], jr.index)
    rp = factors.picked_side(ref_rows["label"].astype("object"), ref_rows[diff_col], ref_rows.index)
    jd = pd.DataFrame(
        {"_unit": jr["_unit"].to_numpy(), "_cluster": jr["_cluster"].to_numpy(), "p": jp.to_numpy()}
    )
    rd = pd.DataFrame({"_unit": ref_rows["_unit"].to_numpy(), "p": rp.to_numpy()})
    jd = jd[jd["p"].notna()]
    rd = rd[rd["p"].notna()]
    common = np.intersect1d(jd["_unit"].unique(), rd["_unit"].unique())
    jd = jd[jd["_unit"].isin(common)]
    rd = rd[rd["_unit"].isin(common)]
    out = []
    if len(common) == 0:
        why = (
            "no items where the judge and the reference both gave a decisive verdict on "
            f"responses that differ in {diff_col}"
        )
        for eff in (
            f"P(judge picks {what})",
            f"P(reference picks {what})",
            "judge minus reference",
        ):
            out.append(_record(judge, probe, eff, _empty_est(note=why), ref_name, feature=diff_col))
        return out
    ej = _proportion(jd["p"].to_numpy(dtype=bool), jd["_cluster"].to_numpy(), opts)
    cluster_of = dict(zip(jd["_unit"], jd["_cluster"], strict=False))
    er = _proportion(rd["p"].to_numpy(dtype=bool), rd["_unit"].map(cluster_of).to_numpy(), opts)
    out.append(_record(judge, probe, f"P(judge picks {what})", ej, ref_name, feature=diff_col))
    out.append(_record(judge, probe, f"P(reference picks {what})", er, ref_name, feature=diff_col))
    # paired difference of the two rates (ratio of sums), items resampled together
    jn = jd.groupby("_unit")["p"].agg(["sum", "count"])
    rn = rd.groupby("_unit")["p"].agg(["sum", "count"])
    units = jn.index
    contrib = np.column_stack(
        [jn["sum"], jn["count"], rn["sum"].reindex(units), rn["count"].reindex(units)]
    ).astype(float)
    clusters = units.map(cluster_of).to_numpy()
    est, lo, hi, se, m = _boot(
        contrib, clusters, lambda s: s[..., 0] / s[..., 1] - s[..., 2] / s[..., 3], opts
    )
    z, p = _wald(est, se, 0.0)
    out.append(
        _record(
            judge,
            probe,
            "judge minus reference",
            _Est(
                est,
                lo,
                hi,
                z,
                p,
                m,
                int(contrib[:, 1].sum() + contrib[:, 3].sum()),
                "Wald z vs 0 (cluster-bootstrap SE)",
            ),
            ref_name,
            feature=diff_col,
        )
    )
    return out


@probe(
    "length_preference",
    protocols=("pairwise",),
    description="P(judge picks the longer response) vs people's on the same items (Zheng et al. 2023).",
)
def length_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    unit: Literal["words", "chars"] = "words",
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: _Rng = None,
) -> pd.DataFrame:
    """Length (verbosity) preference: does the judge pick the longer response more often than people?

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with ``response_a`` / ``response_b`` (factors are
        added with :func:`workbench.factors.add_factors` when absent).
    judge, reference, by
        See the module docstring.
    unit : {"words", "chars"}, default "words"
        Length measure (:mod:`workbench.factors`).
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``feature``; effects, all on the same items
        (items of unequal length where the judge and the reference each gave at
        least one decisive ``A``/``B`` verdict):

        ``P(judge picks longer)``, ``P(reference picks longer)``
            Share of decisive verdicts picking the longer response, tested
            against 0.5.
        ``judge minus reference``
            Their difference; paired cluster-bootstrap CI, Wald test vs 0.
        ``P(judge picks longer | reference picked shorter)``
            Judge verdicts on items whose reference plurality label is the
            shorter response (where the two disagree by construction whenever
            the judge picks the longer one). No test.

    See Also
    --------
    length_regression : the same question adjusted for the human label and position.

    References
    ----------
    Zheng, L. et al. (2023), arXiv:2306.05685, section 3.3 (verbosity bias).
    Dubois, Y. et al. (2024). Length-Controlled AlpacaEval. arXiv:2404.04475.
    Wu, M., Aji, A. F. (2023). Style Over Substance: Evaluation Biases for
    Large Language Models. arXiv:2307.03025.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, order=o, label=lab,
    ...              response_a="a b c", response_b="d")  # A is longer everywhere
    ...         for i, (jl, hl) in enumerate([("A", "A"), ("A", "B"), ("A", "B"), ("B", "B")])
    ...         for r, k, o, lab in [("j", "llm", "AB", jl), ("human", "human", None, hl)]]
    >>> res = length_preference(conform(pd.DataFrame(rows)), reference="human", rng=0)
    >>> res.set_index("effect")["estimate"].round(2).to_dict()  # judge 3/4, human 1/4
    {'P(judge picks longer)': 0.75, 'P(reference picks longer)': 0.25, 'judge minus reference': 0.5, 'P(judge picks longer | reference picked shorter)': 0.67}
    """
    df = _table(df)
    check_option("unit", unit, ("words", "chars"))
    opts = _opts(n_resamples, confidence_level, rng)
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    ref_name = _ref_name(reference)
    diff_col = f"{unit}_diff"
    probe = "length_preference"
    with_f, reasons = _with_texts(df, judges, probe, [diff_col], "unit")
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows, ref = _pair_table(sub, scored, refs)
        ref_rows = _rows(sub, refs)
        records = []
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            records.extend(
                _more_of(j, jr, ref_rows, diff_col, "longer", "length_preference", ref_name, opts)
            )
            # judge's picks where the reference plurality picked the shorter response
            rl = ref["ref_label"].reindex(jr["_unit"]).to_numpy(dtype=object)
            d = pd.to_numeric(jr[diff_col]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            ref_shorter = ((rl == "A") & (d < 0)) | ((rl == "B") & (d > 0))
            jp = factors.picked_side(jr["label"].astype("object"), jr[diff_col], jr.index)
            m = ref_shorter & jp.notna().to_numpy()
            est = _proportion(
                jp.to_numpy()[m].astype(bool), jr["_cluster"].to_numpy()[m], opts, null=None
            )
            if not m.any():
                est.note = "no items where the reference's plurality label is the shorter response"
            records.append(
                _record(
                    j,
                    "length_preference",
                    "P(judge picks longer | reference picked shorter)",
                    est,
                    ref_name,
                    feature=diff_col,
                )
            )
        return _frame(records, extra=["feature"])

    main = "judge minus reference"
    lacking = _lacking(reasons, probe, main, ref_name, ["feature"])
    out = _grouped(with_f, by, one, lacking)
    return _finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )


STYLE_FEATURES = ("list_items", "headings", "bold", "code_blocks", "links", "refusal")
"""Features of :func:`style_preference` (definitions in :mod:`workbench.factors`)."""


@probe(
    "style_preference",
    protocols=("pairwise",),
    description="Preference for markdown lists/headings/bold, code, links, refusals: judge vs people.",
)
def style_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    features: Sequence[str] = STYLE_FEATURES,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: _Rng = None,
) -> pd.DataFrame:
    """Style preference: markdown lists / headings / bold, code, links and refusals, judge vs people.

    For each feature, on items whose two responses differ in it (``<feature>_diff
    != 0``), the share of decisive verdicts picking the response with *more* of
    it (for ``refusal``: the refusing response), for the judge and the
    reference on the same items, and their difference - exactly as
    :func:`length_preference` does for length.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with response texts.
    judge, reference, by
        See the module docstring.
    features : sequence of str
        Any of :data:`STYLE_FEATURES` (or any ``<name>`` with a
        ``<name>_diff`` column from :func:`workbench.factors.item_factors`).
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``feature``; per feature the effects
        ``P(judge picks more <feature>)``, ``P(reference picks more
        <feature>)`` (tests vs 0.5) and ``judge minus reference`` (Wald test vs 0).

    See Also
    --------
    style_regression : the features as covariates of the judge's pick.

    References
    ----------
    Wu, M., Aji, A. F. (2023). Style Over Substance: Evaluation Biases for
    Large Language Models. arXiv:2307.03025. Li, J. et al. (2024). Dissecting
    Human and LLM Preferences. ACL. arXiv:2402.11296.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="pairwise", criterion="overall",
    ...              rater=r, rater_kind=k, label=lab, response_a="- x\\n- y", response_b="x y")
    ...         for i, (jl, hl) in enumerate([("A", "A"), ("A", "B")])
    ...         for r, k, lab in [("j", "llm", jl), ("human", "human", hl)]]
    >>> res = style_preference(conform(pd.DataFrame(rows)), reference="human", features=["list_items"], rng=0)
    >>> res.set_index("effect")["estimate"].to_dict()  # judge 2/2, human 1/2
    {'P(judge picks more list_items)': 1.0, 'P(reference picks more list_items)': 0.5, 'judge minus reference': 0.5}
    """
    df = _table(df)
    opts = _opts(n_resamples, confidence_level, rng)
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    ref_name = _ref_name(reference)
    probe = "style_preference"
    features = [features] if isinstance(features, str) else list(features)
    with_f, reasons = _with_texts(df, judges, probe, [f"{f}_diff" for f in features], "features")
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows = _rows(sub, scored)
        ref_rows = _rows(sub, refs)
        records = []
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            for f in features:
                records.extend(
                    _more_of(
                        j,
                        jr,
                        ref_rows,
                        f"{f}_diff",
                        f"more {f}",
                        "style_preference",
                        ref_name,
                        opts,
                    )
                )
        return _frame(records, extra=["feature"])

    main = "judge minus reference"
    lacking = _lacking(reasons, probe, main, ref_name, ["feature"])
    out = _grouped(with_f, by, one, lacking)
    return _finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )


# ---------------------------------------------------------------- regression


def preference_regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    covariates: dict[str, float] | Sequence[str] = {"words_diff": 100.0},  # noqa: B006
    by: str | Sequence[str] | None = None,
    pooled: bool = False,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Logistic regression of the judge's pick on the human label, position and item factors.

    Model, one observation per decisive judge verdict (``A`` or ``B``)::

        logit P(judge picks A) = b0 + b_ref * ref_code + b_pos * position
                                 + sum_k b_k * x_k / scale_k  [+ judge effects]

    ``ref_code`` = (votes A - votes B) / votes of the reference on the item (+1
    when the reference picked A, -1 for B, 0 for a tie or an even split);
    ``position`` = +1 when A was shown first (``AB``), -1 when second (``BA``), 0
    unknown; ``x_k`` the A-minus-B factor differences of
    :mod:`workbench.factors` divided by ``scale_k`` (``words_diff / 100``: the
    coefficient is the log-odds change per 100 extra words). Fit by
    :class:`statsmodels.discrete.discrete_model.Logit` with cluster-robust
    (sandwich) standard errors clustered by item. Terms without variation (e.g.
    ``position`` when every verdict is ``AB``) are dropped.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with response texts.
    judge, reference, by
        See the module docstring.
    covariates : dict or sequence of str
        ``{factor_diff_column: scale}``; a sequence means scale 1.
    pooled : bool, default False
        One model per judge (False) or one model over all judges with judge
        fixed effects (``judge[<name>]`` terms; the reported ``judge`` is ``"pooled"``).
    confidence_level : float, default 0.95
        Wald intervals from the clustered covariance.

    Returns
    -------
    DataFrame
        ``[*by, "judge", "probe", "effect", "term", "estimate", "ci_low",
        "ci_high", "statistic" (z), "p_value", "n_items", "n_obs", "test",
        "reference", "note"]`` (:data:`REGRESSION_COLUMNS`); ``effect`` describes the
        term's unit. A judge without a fit (too few verdicts, perfect separation, a
        singular design) gets one NaN row whose ``note`` says why; warnings of
        statsmodels become notes.

    See Also
    --------
    length_regression, style_regression

    References
    ----------
    Cameron, A. C., Miller, D. L. (2015). A Practitioner's Guide to
    Cluster-Robust Inference. *J. Human Resources* 50(2), 317-372.
    https://doi.org/10.3368/jhr.50.2.317
    """
    return _regression(
        df,
        judge=judge,
        reference=reference,
        covariates=covariates,
        by=by,
        pooled=pooled,
        confidence_level=confidence_level,
        probe="preference_regression",
    )


REGRESSION_COLUMNS = ["judge", "probe", "effect", "term", *RESULT_COLUMNS[3:]]
"""Columns of :func:`preference_regression` (and the length / style regressions)."""


def _regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None,
    reference: str | Sequence[str],
    covariates: dict[str, float] | Sequence[str],
    by: str | Sequence[str] | None,
    pooled: bool,
    confidence_level: float,
    probe: str,
) -> pd.DataFrame:
    """:func:`preference_regression`, its rows named ``probe``."""
    df = _table(df)
    check_resampling(1, confidence_level)
    check_option("pooled", pooled, (True, False))
    if isinstance(covariates, str):
        covariates = [covariates]
    scales = dict(covariates) if isinstance(covariates, dict) else {c: 1.0 for c in covariates}
    if not scales:
        raise ValueError("covariates: expected at least one factor column, got none")
    for name, scale in scales.items():
        number = isinstance(scale, int | float | np.integer | np.floating)
        if isinstance(scale, bool) or not number or not np.isfinite(scale) or scale <= 0:
            raise ValueError(
                f"covariates: scale of {name!r}: expected a positive number (the unit of one "
                f"step), got {scale!r}"
            )
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    ref_name = _ref_name(reference)
    with_f, reasons = _with_texts(df, judges, probe, list(scales), "covariates")
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows = _rows(sub, scored)
        ref = _pairwise_reference(_rows(sub, refs))
        records = []
        if pooled:
            if scored:
                records = _fit(
                    probe, "pooled", rows, ref, scales, pooled, ref_name, confidence_level
                )
        else:
            for j in scored:
                jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
                if not jr.empty:
                    records.extend(
                        _fit(probe, j, jr, ref, scales, pooled, ref_name, confidence_level)
                    )
        return _frame(records, extra=["term"])[REGRESSION_COLUMNS]

    main = "log-odds(judge picks A)"
    lacking = _lacking(reasons, probe, main, ref_name, ["term"])
    out = _grouped(with_f, by, one, lacking[REGRESSION_COLUMNS])
    return _finish(
        out,
        probe,
        judge=None if pooled else judge,
        reference=reference,
        unscorable=reasons,
        judges=() if pooled else judges,
        effect=main,
    )


def _fit(
    probe: str,
    j: str,
    jr: pd.DataFrame,
    ref: pd.DataFrame,
    scales: dict[str, float],
    pooled: bool,
    ref_name: str | None,
    confidence_level: float,
) -> list[dict]:
    """One logistic fit (module docstring of :func:`preference_regression`): a record per term,
    or one NaN record saying why there is no fit."""
    import statsmodels.api as sm

    lab = jr["label"].astype("object").to_numpy(dtype=object)
    code = ref["ref_code"].reindex(jr["_unit"]).to_numpy(dtype=float)
    X = {"ref_code": code}
    order = jr["order"].astype("object").to_numpy(dtype=object)
    X["position"] = np.where(order == "AB", 1.0, np.where(order == "BA", -1.0, 0.0))
    for c, s in scales.items():
        X[c] = pd.to_numeric(jr[c]).astype("Float64").to_numpy(dtype=float, na_value=np.nan) / s
    if pooled and jr["rater"].nunique() > 1:
        dummies = pd.get_dummies(
            jr["rater"].astype("object"), prefix="judge", prefix_sep="[", dtype=float
        )
        for c in list(dummies.columns)[1:]:
            X[c + "]"] = dummies[c].to_numpy()
    X = pd.DataFrame(X)
    ok = np.isin(lab, ["A", "B"]) & X.notna().all(axis=1).to_numpy()
    X, y, groups = X[ok], (lab[ok] == "A").astype(float), jr["_cluster"].to_numpy()[ok]
    X = X.loc[:, X.std() > 0]
    X.insert(0, "const", 1.0)
    n_items = len(np.unique(groups))

    def failed(why: str) -> list[dict]:
        est = replace(_empty_est(note=why), n_items=n_items, n_obs=len(y))
        return [_record(j, probe, "log-odds(judge picks A)", est, ref_name, term=None)]

    if not ok.any():
        return failed("no decisive verdict with a reference label and every covariate")
    if len(y) <= X.shape[1] or n_items < 2:
        return failed(f"{len(y)} verdicts on {n_items} items: too few for {X.shape[1]} terms")
    _, gcodes = np.unique(groups, return_inverse=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": gcodes})
        except Exception as exc:  # noqa: BLE001 - perfect separation, singular design
            return failed(f"the logistic fit failed: {type(exc).__name__}: {exc}"[:300])
    fit_note = "; ".join(sorted({f"statsmodels: {w.message}"[:200] for w in caught}))
    ci = res.conf_int(alpha=1 - confidence_level)
    records = []
    for term in X.columns:
        unit = f" per {scales[term]:g}" if term in scales and scales[term] != 1 else ""
        est = _Est(
            float(res.params[term]),
            float(ci.loc[term, 0]),
            float(ci.loc[term, 1]),
            float(res.tvalues[term]),
            float(res.pvalues[term]),
            n_items,
            len(y),
            "Wald z (cluster-robust by item)",
            fit_note,
        )
        effect = f"log-odds(judge picks A): {term}{unit}"
        records.append(_record(j, probe, effect, est, ref_name, term=term))
    return records


@probe(
    "length_regression",
    protocols=("pairwise",),
    description="Logit of the judge's pick on the human label, position and length per 100 words (clustered SEs).",
)
def length_regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    pooled: bool = False,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Judge's pick on reference label, position and length difference per 100 words.

    :func:`preference_regression` with ``covariates={"words_diff": 100}``: the
    ``words_diff`` coefficient is the change in log-odds of picking ``A`` per 100
    words that A is longer than B, holding the reference's verdict and the
    presentation position fixed. ``probe`` is ``"length_regression"``.

    References
    ----------
    Dubois, Y. et al. (2024). Length-Controlled AlpacaEval: A Simple Way to
    Debias Automatic Evaluators. arXiv:2404.04475 (a GLM of the judge's
    preference with a length term).
    """
    return _regression(
        df,
        judge=judge,
        reference=reference,
        covariates={"words_diff": 100.0},
        by=by,
        pooled=pooled,
        confidence_level=confidence_level,
        probe="length_regression",
    )


STYLE_COVARIATES = {
    "words_diff": 100.0,
    "list_items_diff": 1.0,
    "headings_diff": 1.0,
    "bold_diff": 1.0,
    "refusal_diff": 1.0,
}
"""Covariates of :func:`style_regression` (factor column -> scale)."""


@probe(
    "style_regression",
    protocols=("pairwise",),
    description="Logit of the judge's pick on the human label, position, length and markdown/refusal differences.",
)
def style_regression(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    covariates: dict[str, float] = STYLE_COVARIATES,  # noqa: B006
    pooled: bool = False,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Judge's pick on reference label, position, length and markdown / refusal differences.

    :func:`preference_regression` with :data:`STYLE_COVARIATES`: one
    coefficient per extra list item, heading, bold span, refusal (A minus B),
    plus length per 100 words. ``probe`` is ``"style_regression"``.

    References
    ----------
    Li, J. et al. (2024). Dissecting Human and LLM Preferences. ACL.
    arXiv:2402.11296.
    """
    return _regression(
        df,
        judge=judge,
        reference=reference,
        covariates=covariates,
        by=by,
        pooled=pooled,
        confidence_level=confidence_level,
        probe="style_regression",
    )


# ------------------------------------------------------------ self-preference


@probe(
    "self_preference",
    protocols=("pairwise", "binary"),
    description="Win-rate shift of the judge's own model family relative to people (Panickssery et al. 2024).",
)
def self_preference(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: _Rng = None,
) -> pd.DataFrame:
    """Self-preference: does a judge favour its own model family more than people do?

    Families come from :func:`workbench.factors.model_family` (documented
    table :data:`workbench.factors.FAMILIES`: ``gpt-4*`` / ``gpt-3.5*`` ->
    ``openai``, ``claude*`` -> ``anthropic`` ...), applied to the judge's name
    and to the answering models.

    Pairwise (``model_a`` / ``model_b``): battles where exactly one model is of
    the judge's family. Own-family win score per verdict: 1 if the own-family
    response is picked, 0.5 for a tie, 0 otherwise; averaged over the judge's
    verdicts (orders) and over the reference votes of the battle. Effects:

    ``own-family win rate (judge)``, ``own-family win rate (reference)``
        Means over the battles where both have a verdict. Cluster-bootstrap CI.
    ``win-rate shift (judge - reference)``
        Their difference, paired cluster-bootstrap CI and Wald z test vs 0
        with the bootstrap SE (a sign test would test the median battle
        difference, which disagrees with the mean when several human votes
        give fractional scores, as in LLMFAO).
    ``win-rate shift, position-balanced``
        The shift computed separately on battles where the own-family model is
        ``A`` and where it is ``B``, then averaged. This removes the part of the
        plain shift caused by the own-family model sitting more often on the
        side a position-biased judge favours; it does not remove the pull
        toward 0.5 of a judge whose verdicts hardly depend on content (Arena
        GPT-3.5-turbo). Wald test (bootstrap SE).

    Binary (``model`` = exam-taker, Judging the Judges): rows whose exam-taker
    is of the judge's family vs the other rows. Effects ``acceptance shift on
    own family`` = P(judge says correct) - P(reference says correct) on
    own-family rows, ``acceptance shift on other families`` the same on the
    others, and ``self-preference (own - other shift)``, their difference
    (separating self-preference from overall leniency); Wald tests with
    cluster-bootstrap SEs.

    A judge whose family is unknown, whose rows carry no answering models, or none of
    whose items has a response of its family gets one NaN row saying so (module docstring).

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise or binary judgments with model columns.
    judge, reference, by
        See the module docstring.
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``family``.

    References
    ----------
    Panickssery, A., Bowman, S. R., Feng, S. (2024). LLM Evaluators Recognize
    and Favor Their Own Generations. NeurIPS. arXiv:2404.13076. Zheng, L. et
    al. (2023), arXiv:2306.05685, section 3.3 (self-enhancement bias).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> votes = [("1", "gpt-4", "vicuna-13b", "A", "A"), ("2", "vicuna-13b", "gpt-4", "B", "A"),
    ...          ("3", "gpt-4", "koala-13b", "tie", "B")]
    >>> rows = [dict(dataset="t", item_id=i, protocol="pairwise", criterion="overall", rater=r,
    ...              rater_kind=k, model_a=a, model_b=b, label=lab)
    ...         for i, a, b, jl, hl in votes for r, k, lab in [("gpt-4-0613", "llm", jl), ("human", "human", hl)]]
    >>> res = self_preference(conform(pd.DataFrame(rows)), reference="human", rng=0).set_index("effect")
    >>> round(float(res.loc["win-rate shift (judge - reference)", "estimate"]), 4)  # (1 + 1 + .5)/3 - (1 + 0 + 0)/3
    0.5
    """
    df = _table(df)
    opts = _opts(n_resamples, confidence_level, rng)
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    ref_name = _ref_name(reference)
    probe = "self_preference"
    family = dict(zip(judges, factors.model_family(judges).tolist(), strict=True))
    binary: dict[str, bool] = {}

    def own_family(j: str, rows: pd.DataFrame) -> str | None:
        fam = family[j]
        if pd.isna(fam):
            return (
                f"the judge's model family is unknown: no pattern of "
                f"workbench.factors.FAMILIES matches {j!r}"
            )
        binary[j] = bool((rows["protocol"].astype("object") == "binary").any())
        cols = ["model"] if binary[j] else ["model_a", "model_b"]
        absent = [c for c in cols if c not in rows.columns or not rows[c].notna().any()]
        if absent:
            return (
                f"no model columns: {', '.join(absent)} absent or NA on every row of this "
                f"judge ({probe} needs the models that wrote the responses)"
            )
        answering = factors.model_family(pd.concat([rows[c] for c in cols])).dropna()
        if fam not in set(answering):
            return f"no response on this judge's items comes from its own family {fam!r}"
        return None

    reasons = _unscorable(df, judges, probe, ("pairwise", "binary"), own_family)
    scored = [j for j in judges if j not in reasons]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        records = []
        rows = _rows(sub, scored)
        rrows = _rows(sub, refs)
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            if binary[j]:
                jr = jr[(jr["protocol"].astype("object") == "binary").to_numpy()]
                records.extend(_self_binary(j, family[j], jr, rrows, ref_name, opts))
            else:
                jr = jr[(jr["protocol"].astype("object") == "pairwise").to_numpy()]
                records.extend(_self_pairwise(j, family[j], jr, rrows, ref_name, opts))
        return _frame(records, extra=["family"])

    def main_effect(j: str) -> str:
        if binary.get(j):
            return "self-preference (own - other shift)"
        return "win-rate shift (judge - reference)"

    lacking = _lacking(reasons, probe, main_effect, ref_name, ["family"])
    lacking["family"] = pd.Series([family[j] for j in reasons], dtype="string")
    out = _grouped(df, by, one, lacking)
    return _finish(
        out,
        probe,
        judge=judge,
        reference=reference,
        unscorable=reasons,
        judges=judges,
        effect=main_effect,
    )


def _own_scores(rows: pd.DataFrame, fam: str) -> pd.DataFrame:
    fa = factors.model_family(rows["model_a"]).fillna("").to_numpy(dtype=object)
    fb = factors.model_family(rows["model_b"]).fillna("").to_numpy(dtype=object)
    own_a, own_b = fa == fam, fb == fam
    one = own_a ^ own_b
    lab = rows["label"].astype("object").to_numpy(dtype=object)
    own = np.where(own_a, "A", "B")
    score = np.where(lab == own, 1.0, np.where(lab == "tie", 0.5, 0.0))
    ok = one & np.isin(lab, ["A", "B", "tie"])
    return pd.DataFrame(
        {
            "_unit": rows["_unit"].to_numpy()[ok],
            "_cluster": rows["_cluster"].to_numpy()[ok],
            "own_a": own_a[ok],
            "s": score[ok],
        }
    )


def _self_pairwise(judge, fam, jr, rrows, ref_name, opts) -> list[dict]:
    probe = "self_preference"
    js = _own_scores(jr, fam).groupby(["_unit", "_cluster", "own_a"])["s"].mean()
    hs = _own_scores(rrows, fam).groupby(["_unit", "_cluster", "own_a"])["s"].mean()
    both = js.index.intersection(hs.index)
    if len(both) == 0:
        why = (
            "no battle between the judge's family and another family that both the judge "
            "and the reference judged"
        )
        est = _empty_est(note=why)
        return [
            _record(judge, probe, "win-rate shift (judge - reference)", est, ref_name, family=fam)
        ]
    j, h = js.reindex(both).to_numpy(), hs.reindex(both).to_numpy()
    clusters = both.get_level_values("_cluster").to_numpy()
    contrib = np.column_stack([j, h, np.ones(len(j))])
    out = []
    for eff, fn in (
        ("own-family win rate (judge)", lambda s: s[..., 0] / s[..., 2]),
        ("own-family win rate (reference)", lambda s: s[..., 1] / s[..., 2]),
    ):
        est, lo, hi, _, m = _boot(contrib, clusters, fn, opts)
        out.append(
            _record(
                judge,
                probe,
                eff,
                _Est(est, lo, hi, np.nan, np.nan, m, len(j), ""),
                ref_name,
                family=fam,
            )
        )
    est, lo, hi, se, m = _boot(
        contrib, clusters, lambda s: (s[..., 0] - s[..., 1]) / s[..., 2], opts
    )
    z, p = _wald(est, se, 0.0)
    out.append(
        _record(
            judge,
            probe,
            "win-rate shift (judge - reference)",
            _Est(est, lo, hi, z, p, m, len(j), "Wald z vs 0 (cluster-bootstrap SE)"),
            ref_name,
            family=fam,
        )
    )
    oa = both.get_level_values("own_a").to_numpy(dtype=bool).astype(float)
    if not 0 < oa.sum() < len(oa):
        side = "A" if oa.sum() else "B"
        why = f"the own-family response is always {side}: no position balance possible"
        est = _empty_est("Wald z vs 0 (cluster-bootstrap SE)", note=why)
        out.append(
            _record(judge, probe, "win-rate shift, position-balanced", est, ref_name, family=fam)
        )
    else:
        ob = 1 - oa
        c2 = np.column_stack([j * oa, h * oa, oa, j * ob, h * ob, ob])
        est, lo, hi, se, m = _boot(
            c2,
            clusters,
            lambda s: (
                ((s[..., 0] - s[..., 1]) / s[..., 2] + (s[..., 3] - s[..., 4]) / s[..., 5]) / 2
            ),
            opts,
        )
        z, p = _wald(est, se, 0.0)
        out.append(
            _record(
                judge,
                probe,
                "win-rate shift, position-balanced",
                _Est(est, lo, hi, z, p, m, len(j), "Wald z vs 0 (cluster-bootstrap SE)"),
                ref_name,
                family=fam,
            )
        )
    return out


def _self_binary(judge, fam, jr, rrows, ref_name, opts) -> list[dict]:
    probe = "self_preference"

    def scores(rows: pd.DataFrame) -> pd.Series:
        lab = rows["label"].astype("object")
        ok = lab.isin(["correct", "incorrect"]).to_numpy()
        r = rows[ok]
        return (
            pd.Series(
                (lab[ok] == "correct").to_numpy(dtype=float),
                index=pd.MultiIndex.from_arrays(
                    [r["_unit"].to_numpy(), r["_cluster"].to_numpy()], names=["_unit", "_cluster"]
                ),
            )
            .groupby(level=[0, 1])
            .mean()
        )

    js, hs = scores(jr), scores(rrows)
    both = js.index.intersection(hs.index)
    models = (
        jr.drop_duplicates("_unit")
        .set_index("_unit")["model"]
        .reindex(both.get_level_values("_unit"))
    )
    own = factors.model_family(models).fillna("").to_numpy(dtype=object) == fam
    if not own.any() or own.all():
        if len(both) == 0:
            why = "no answer that both the judge and the reference labelled"
        else:
            which = "of the judge's family" if own.all() else "of another family"
            why = f"every answer both labelled is {which}: nothing to compare it with"
        est = _empty_est(note=why)
        effect = "self-preference (own - other shift)"
        return [_record(judge, probe, effect, est, ref_name, family=fam)]
    j, h = js.reindex(both).to_numpy(), hs.reindex(both).to_numpy()
    clusters = both.get_level_values("_cluster").to_numpy()
    o = own.astype(float)
    contrib = np.column_stack([j * o, h * o, o, j * (1 - o), h * (1 - o), 1 - o])
    out = []
    for eff, fn in (
        ("acceptance shift on own family", lambda s: (s[..., 0] - s[..., 1]) / s[..., 2]),
        ("acceptance shift on other families", lambda s: (s[..., 3] - s[..., 4]) / s[..., 5]),
        (
            "self-preference (own - other shift)",
            lambda s: (s[..., 0] - s[..., 1]) / s[..., 2] - (s[..., 3] - s[..., 4]) / s[..., 5],
        ),
    ):
        est, lo, hi, se, m = _boot(contrib, clusters, fn, opts)
        z, p = _wald(est, se, 0.0)
        out.append(
            _record(
                judge,
                probe,
                eff,
                _Est(est, lo, hi, z, p, m, len(j), "Wald z vs 0 (cluster-bootstrap SE)"),
                ref_name,
                family=fam,
            )
        )
    return out


# ------------------------------------------------------------------ leniency


def _binary_pairs(
    df: pd.DataFrame, judges: list[str], refs: list[str]
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Judge rows with a parsed binary label, and per unit the reference plurality (True = correct) and share."""
    rows = _rows(df, judges)
    rrows = _rows(df, refs)
    lab = rrows["label"].astype("object")
    ok = lab.isin(["correct", "incorrect"]).to_numpy()
    c = pd.Series((lab[ok] == "correct").to_numpy(dtype=float), index=rrows["_unit"].to_numpy()[ok])
    share = c.groupby(level=0).mean()
    ref = share.map(lambda s: True if s > 0.5 else False if s < 0.5 else None)
    rows = rows[rows["label"].astype("object").isin(["correct", "incorrect"]).to_numpy()]
    return rows, ref, share


@probe(
    "leniency",
    protocols=("binary",),
    description="False-positive / false-negative rates on correctness and exam-taker ranking (Thakur et al. 2024).",
)
def leniency(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "human",
    by: str | Sequence[str] | None = None,
    ranking: bool = True,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: _Rng = None,
) -> pd.DataFrame:
    """Leniency on binary correctness: false positives, false negatives and exam-taker rankings.

    With ``J`` = the judge says ``correct`` and ``H`` = the reference (plurality)
    says ``correct``, over units where both have a label:

    ``false-positive rate``
        ``P(J | not H)``: share of answers the reference marks incorrect that the
        judge accepts. Wilson CI (:func:`scipy.stats.binomtest`).
    ``false-negative rate``
        ``P(not J | H)``. Wilson CI.
    ``acceptance shift (judge - reference)``
        ``P(J) - P(H)`` = (FP - FN) / n, cluster-bootstrap CI; exact McNemar
        test (binomial test of FP among FP + FN discordant units, ``statistic`` =
        FP), :func:`statsmodels.stats.contingency_tables.mcnemar`.
    ``Spearman(model accuracy: judge vs reference)``
        With ``ranking`` and a ``model`` column (exam-takers): the Spearman
        correlation between the exam-takers' accuracies as scored by the judge
        and by the reference; percentile bootstrap CI resampling questions
        (``prompt``; all exam-takers' answers to a question move together);
        ``p_value`` from :func:`scipy.stats.spearmanr` (few models: low power).

    Rows are ordered by judge, judges by decreasing false-positive rate.

    Parameters
    ----------
    df : DataFrame
        Tidy binary judgments.
    judge, reference, by
        See the module docstring.
    ranking : bool, default True
        Add the Spearman ranking row.
    n_resamples, confidence_level, rng
        Bootstrap settings.

    References
    ----------
    Thakur, A. S. et al. (2024). Judging the Judges: Evaluating Alignment and
    Vulnerabilities in LLMs-as-Judges. arXiv:2406.12624 (false positives /
    negatives of judges on TriviaQA; exam-taker rankings by judge vs humans).
    McNemar, Q. (1947). *Psychometrika* 12(2), 153-157. https://doi.org/10.1007/BF02295996

    Examples
    --------
    >>> from workbench.schema import conform
    >>> pairs = [("correct", "correct"), ("correct", "incorrect"), ("correct", "incorrect"),
    ...          ("incorrect", "incorrect"), ("incorrect", "correct")]
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="binary", criterion="overall", rater=r,
    ...              rater_kind=k, label=lab) for i, (jl, hl) in enumerate(pairs)
    ...         for r, k, lab in [("j", "llm", jl), ("human", "human", hl)]]
    >>> res = leniency(conform(pd.DataFrame(rows)), ranking=False, rng=0).set_index("effect")["estimate"]
    >>> res.round(4).to_dict()  # FP 2 of 3 human-incorrect; FN 1 of 2 human-correct; (2 - 1) / 5
    {'false-positive rate': 0.6667, 'false-negative rate': 0.5, 'acceptance shift (judge - reference)': 0.2}
    """
    from statsmodels.stats.contingency_tables import mcnemar

    df = _table(df)
    opts = _opts(n_resamples, confidence_level, rng)
    check_option("ranking", ranking, (True, False))
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    ref_name = _ref_name(reference)
    probe = "leniency"
    reasons = _unscorable(df, judges, probe, ("binary",))
    scored = [j for j in judges if j not in reasons]
    binary = df[(df["protocol"].astype("object") == "binary").to_numpy()]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows, ref, _ = _binary_pairs(sub, scored, refs)
        records, fpr = [], {}
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            if jr.empty:
                continue
            h = ref.reindex(jr["_unit"]).to_numpy(dtype=object)
            ok = pd.notna(h)
            if not ok.any():
                why = "no answer that both the judge and the reference labelled (reference: a majority)"
                effect = "acceptance shift (judge - reference)"
                records.append(_record(j, probe, effect, _empty_est(note=why), ref_name))
                continue
            jc = (jr["label"].astype("object") == "correct").to_numpy()[ok]
            hc = h[ok].astype(bool)
            clusters = jr["_cluster"].to_numpy()[ok]
            fp, fn = int(np.sum(jc & ~hc)), int(np.sum(~jc & hc))
            for eff, k, n, none in (
                ("false-positive rate", fp, int(np.sum(~hc)), "incorrect"),
                ("false-negative rate", fn, int(np.sum(hc)), "correct"),
            ):
                e = _wilson(k, n, opts, note="" if n else f"the reference marks no answer {none}")
                records.append(_record(j, probe, eff, e, ref_name))
                fpr.setdefault(j, e.estimate)
            contrib = np.column_stack([jc.astype(float) - hc.astype(float), np.ones(len(jc))])
            est, lo, hi, _, m = _boot(contrib, clusters, lambda s: s[..., 0] / s[..., 1], opts)
            table = np.array([[np.sum(jc & hc), fp], [fn, np.sum(~jc & ~hc)]])
            p = float(mcnemar(table, exact=True).pvalue) if fp + fn else np.nan
            shift = _Est(est, lo, hi, float(fp), p, m, len(jc), "McNemar exact")
            if not fp + fn:
                shift.note = "no discordant answer: McNemar test undefined"
            records.append(
                _record(j, probe, "acceptance shift (judge - reference)", shift, ref_name)
            )
            if ranking:
                if "model" in sub.columns and jr["model"].notna().any():
                    records.append(_ranking(j, jr[ok], hc, ref_name, opts))
                else:
                    why = "no exam-taker models: 'model' is absent or NA on this judge's rows"
                    effect = "Spearman(model accuracy: judge vs reference)"
                    records.append(_record(j, probe, effect, _empty_est(note=why), ref_name))
        out = _frame(records)
        rank = out["judge"].map(
            lambda j: -fpr.get(j, -np.inf) if np.isfinite(fpr.get(j, np.nan)) else np.inf
        )
        return (
            out.assign(_r=rank.to_numpy())
            .sort_values("_r", kind="stable")
            .drop(columns="_r")
            .reset_index(drop=True)
        )

    main = "acceptance shift (judge - reference)"
    lacking = _lacking(reasons, probe, main, ref_name)
    out = _grouped(binary, by, one, lacking)
    return _finish(
        out,
        probe,
        judge=judge,
        reference=reference,
        unscorable=reasons,
        default_reference="human",
        judges=judges,
        effect=main,
    )


def _ranking(
    judge: str, jr: pd.DataFrame, hc: np.ndarray, ref_name: str | None, opts: dict[str, Any]
) -> dict:
    models, mcode = np.unique(
        jr["model"].astype("object").fillna("").to_numpy(dtype=object), return_inverse=True
    )
    jc = (jr["label"].astype("object") == "correct").to_numpy(dtype=float)
    hcf = hc.astype(float)
    k = len(models)

    def spearman(code, j, h):
        n = np.bincount(code, minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.bincount(code, weights=j, minlength=k) / n
            b = np.bincount(code, weights=h, minlength=k) / n
        ok = n > 0
        if ok.sum() < 3:
            return np.nan
        return sps.spearmanr(a[ok], b[ok]).statistic

    question = (
        jr["prompt"].astype("object").fillna(jr["item_id"].astype("object")).to_numpy(dtype=object)
        if "prompt" in jr
        else jr["_cluster"].to_numpy()
    )
    question = np.asarray(
        [f"{d}{_SEP}{q}" for d, q in zip(jr["dataset"].astype(str), question, strict=True)],
        dtype=object,
    )
    if k < 3:
        return _record(
            judge,
            "leniency",
            "Spearman(model accuracy: judge vs reference)",
            _empty_est(note=f"{k} exam-taker model(s): a rank correlation needs at least 3"),
            ref_name,
        )
    res = bootstrap_resample(
        spearman,
        (mcode, jc, hcf),
        items=question,
        method="percentile",
        n_resamples=opts["n_resamples"],
        confidence_level=opts["confidence_level"],
        rng=opts["rng"],
    )
    n = np.bincount(mcode, minlength=k)
    a = np.bincount(mcode, weights=jc, minlength=k) / n
    b = np.bincount(mcode, weights=hcf, minlength=k) / n
    p = float(sps.spearmanr(a, b).pvalue)
    return _record(
        judge,
        "leniency",
        "Spearman(model accuracy: judge vs reference)",
        _Est(
            float(res.estimate),
            float(res.ci_low),
            float(res.ci_high),
            float(res.estimate),
            p,
            res.n_items,
            len(jc),
            f"Spearman test over {k} models (scipy)",
        ),
        ref_name,
    )


# ------------------------------------------------------------- rating offset


@probe(
    "rating_offset",
    protocols=("rating",),
    description="Mean offset, Bland-Altman limits of agreement and scale compression vs people.",
)
def rating_offset(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: _Rng = None,
) -> pd.DataFrame:
    """Rating offset and scale compression of a judge against people (Bland-Altman).

    Per judge and ``criterion``, over units rated by both: ``x`` = the judge's
    score (mean over its rows), ``y`` = the reference's mean score, ``d = x - y``.

    ``mean difference (judge - reference)``
        ``mean(d)`` (Bland-Altman bias), t interval and one-sample t test vs 0
        (:func:`scipy.stats.ttest_1samp`).
    ``lower limit of agreement``, ``upper limit of agreement``
        ``mean(d) -/+ 1.96 sd(d)``; CI ``+/- t sqrt(3 sd(d)^2 / n)`` (Bland &
        Altman 1986, section 5). No test.
    ``SD ratio (judge / reference)``
        ``sd(x) / sd(y)``: below 1 = the judge compresses the scale.
        Cluster-bootstrap CI; Pitman-Morgan test of equal variances
        (Pearson correlation of ``x + y`` with ``x - y``, ``statistic`` = r).
    ``slope (judge on reference)``
        OLS slope of ``x`` on ``y`` = ``r * sd(x) / sd(y)``; bootstrap CI and
        Wald test vs 1 (bootstrap SE). Attenuated by the reference's own noise.

    Parameters
    ----------
    df : DataFrame
        Tidy rating judgments (``score``).
    judge, reference, by
        See the module docstring; ``reference="humans"`` averages HANNA's three
        raters per story.
    n_resamples, confidence_level, rng
        Bootstrap settings.

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS` plus ``criterion``.

    References
    ----------
    Bland, J. M., Altman, D. G. (1986). *Lancet* 327(8476), 307-310.
    https://doi.org/10.1016/S0140-6736(86)90837-8. Pitman, E. J. G. (1939).
    *Biometrika* 31, 9-12; Morgan, W. A. (1939). *Biometrika* 31, 13-19.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> scores = [(1, 2), (2, 3), (3, 3), (4, 4)]  # (human, judge)
    >>> rows = [dict(dataset="t", item_id=str(i), protocol="rating", criterion="overall", rater=r,
    ...              rater_kind=k, score=s) for i, (h, j) in enumerate(scores)
    ...         for r, k, s in [("j", "llm", j), ("human", "human", h)]]
    >>> res = rating_offset(conform(pd.DataFrame(rows)), reference="human", rng=0).set_index("effect")
    >>> float(res.loc["mean difference (judge - reference)", "estimate"])  # (1 + 1 + 0 + 0) / 4
    0.5
    """
    df = _table(df)
    opts = _opts(n_resamples, confidence_level, rng)
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    ref_name = _ref_name(reference)
    q = confidence_level
    probe = "rating_offset"

    def has_scores(j: str, rows: pd.DataFrame) -> str | None:
        if rows["score"].notna().any():
            return None
        return "no scores: 'score' is NA on every rating row of this judge"

    reasons = _unscorable(df, judges, probe, ("rating",), has_scores)
    scored = [j for j in judges if j not in reasons]
    rating = df[(df["protocol"].astype("object") == "rating").to_numpy()]

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        rows = _rows(sub, scored)
        rrows = _rows(sub, refs)
        rs = rrows.groupby("_unit")["score"].mean().astype(float)
        records = []
        for j in scored:
            jr = rows[(rows["rater"].astype("object") == j).to_numpy()]
            for crit, jc in jr.groupby(jr["criterion"].astype("object"), sort=True):
                js = jc.groupby(["_unit", "_cluster"])["score"].mean().astype(float).dropna()
                y = rs.reindex(js.index.get_level_values("_unit")).to_numpy()
                x = js.to_numpy()
                ok = np.isfinite(x) & np.isfinite(y)
                x, y = x[ok], y[ok]
                clusters = js.index.get_level_values("_cluster").to_numpy()[ok]
                n = len(x)
                extra = {"criterion": crit}
                if n < 3:
                    why = (
                        f"{n} item(s) scored by both the judge and the reference; "
                        "the rating offset needs at least 3"
                    )
                    est = replace(_empty_est(note=why), n_items=n, n_obs=n)
                    if n:
                        est.estimate = float(np.mean(x - y))
                    effect = "mean difference (judge - reference)"
                    records.append(_record(j, probe, effect, est, ref_name, **extra))
                    continue
                d = x - y
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # constant differences
                    tt = sps.ttest_1samp(d, 0.0)
                    ci = tt.confidence_interval(q)
                records.append(
                    _record(
                        j,
                        "rating_offset",
                        "mean difference (judge - reference)",
                        _Est(
                            float(d.mean()),
                            ci.low,
                            ci.high,
                            float(tt.statistic),
                            float(tt.pvalue),
                            len(np.unique(clusters)),
                            n,
                            "one-sample t vs 0",
                        ),
                        ref_name,
                        **extra,
                    )
                )
                sd = d.std(ddof=1)
                half = sps.t.ppf((1 + q) / 2, n - 1) * np.sqrt(3 * sd**2 / n)
                for eff, loa in (
                    ("lower limit of agreement", d.mean() - 1.96 * sd),
                    ("upper limit of agreement", d.mean() + 1.96 * sd),
                ):
                    records.append(
                        _record(
                            j,
                            "rating_offset",
                            eff,
                            _Est(
                                float(loa),
                                loa - half,
                                loa + half,
                                np.nan,
                                np.nan,
                                len(np.unique(clusters)),
                                n,
                                "",
                            ),
                            ref_name,
                            **extra,
                        )
                    )
                contrib = np.column_stack([np.ones(n), x, y, x * x, y * y, x * y])

                def moments(s):
                    m = s[..., 0]
                    vx = s[..., 3] / m - (s[..., 1] / m) ** 2
                    vy = s[..., 4] / m - (s[..., 2] / m) ** 2
                    cxy = s[..., 5] / m - s[..., 1] * s[..., 2] / m**2
                    return vx, vy, cxy

                def sd_ratio(s):
                    vx, vy, _ = moments(s)
                    return np.sqrt(vx / vy)

                def slope(s):
                    _, vy, cxy = moments(s)
                    return cxy / vy

                est, lo, hi, _, m = _boot(contrib, clusters, sd_ratio, opts)
                pm = sps.pearsonr(x + y, x - y) if np.std(x + y) > 0 and np.std(x - y) > 0 else None
                records.append(
                    _record(
                        j,
                        "rating_offset",
                        "SD ratio (judge / reference)",
                        _Est(
                            est,
                            lo,
                            hi,
                            float(pm.statistic) if pm else np.nan,
                            float(pm.pvalue) if pm else np.nan,
                            m,
                            n,
                            "Pitman-Morgan (corr of x+y, x-y)",
                        ),
                        ref_name,
                        **extra,
                    )
                )
                est, lo, hi, se, m = _boot(contrib, clusters, slope, opts)
                z, p = _wald(est, se, 1.0)
                records.append(
                    _record(
                        j,
                        "rating_offset",
                        "slope (judge on reference)",
                        _Est(est, lo, hi, z, p, m, n, "Wald z vs 1 (cluster-bootstrap SE)"),
                        ref_name,
                        **extra,
                    )
                )
        return _frame(records, extra=["criterion"])

    main = "mean difference (judge - reference)"
    lacking = _lacking(reasons, probe, main, ref_name, ["criterion"])
    out = _grouped(rating, by, one, lacking)
    return _finish(
        out, probe, judge=judge, reference=reference, unscorable=reasons, judges=judges, effect=main
    )


# ---------------------------------------------------------- disagreement table


def _no_overlap(
    judges: Sequence[str],
    shared: np.ndarray,
    judge: str | Sequence[str] | None,
    reference: str | Sequence[str],
) -> None:
    """Raise for named judges without an item shared with the reference; warn for the others."""
    alone = [j for j in judges if j not in set(shared)]
    if not alone:
        return
    why = f"no item with both a parsed verdict of the judge and a reference ({_ref_name(reference)!r}) label"
    if judge is not None:
        raise ValueError(f"disagreements: judge {alone[0]!r}: {why}")
    warnings.warn(
        f"disagreements: {len(alone)} judge(s) have no row in the table: {why} ({alone[:5]})",
        ProbeWarning,
        stacklevel=3,
    )


def disagreements(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    unit: Literal["words", "chars"] = "words",
) -> pd.DataFrame:
    """One row per item where a judge and the reference disagree, tagged with plausible explanations.

    An item (unit) is listed for a judge when at least one of the judge's parsed
    verdicts differs from the reference's plurality label (items whose
    reference votes split evenly have no plurality label and are left out).

    Columns
    -------
    ``dataset, item_id, criterion, turn, subset, judge``
    ``reference_label``, ``n_reference`` (votes), ``reference_share`` (share of
        votes for the plurality label)
    ``judge_labels`` (the judge's verdicts, ``AB=..;BA=..`` or the single one),
    ``judge_disagree_share`` (share of the judge's parsed verdicts that differ
        from the reference)
    Explanation flags (boolean, NA where not applicable):

    ``picked_longer``
        A disagreeing decisive verdict picks the longer response (pairwise, texts known).
    ``picked_first_presented``
        A disagreeing decisive verdict picks the response shown first (order known).
        NA when a verdict of the item comes from a tie-break rule
        (:func:`workbench.verdicts.verdict_basis`).
    ``swap_inconsistent``
        The judge's two orders give different verdicts (two-order judges); NA for
        tie-break verdicts, as above.
    ``humans_split``
        Two or more reference votes and not unanimous.
    ``judge_lenient``
        Binary: the judge says correct where the reference says incorrect.

    ``surprise`` = ``reference_share * judge_disagree_share``: 1 when every
    reference vote agrees and every judge verdict (both orders) goes the other
    way; lower when people were split or the judge was swap-inconsistent.
    Rows are sorted by decreasing surprise.

    The judges' and reference's rows must be of one protocol, pairwise or binary
    (else ``ValueError``). A named judge that shares no item with the reference raises
    ``ValueError``; with ``judge=None`` such judges are named in one :class:`ProbeWarning`.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise or binary judgments.
    judge, reference
        See the module docstring.
    unit : {"words", "chars"}, default "words"
        Length measure for ``picked_longer``.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rows = [dict(dataset="t", item_id=i, protocol="pairwise", criterion="overall", rater=r,
    ...              rater_kind=k, order=o, label=lab, response_a="a a a", response_b="b")
    ...         for i, r, k, o, lab in [("1", "j", "llm", "AB", "A"), ("1", "j", "llm", "BA", "A"),
    ...                                 ("1", "human:1", "human", None, "B"), ("1", "human:2", "human", None, "B"),
    ...                                 ("2", "j", "llm", "AB", "A"), ("2", "j", "llm", "BA", "B"),
    ...                                 ("2", "human:1", "human", None, "B"), ("2", "human:2", "human", None, "A")]]
    >>> t = disagreements(conform(pd.DataFrame(rows)))
    >>> t[["item_id", "surprise", "picked_longer", "swap_inconsistent"]].to_dict("records")  # item 2: humans split
    [{'item_id': '1', 'surprise': 1.0, 'picked_longer': True, 'swap_inconsistent': False}]
    """
    df = _table(df)
    check_option("unit", unit, ("words", "chars"))
    judges = _judges(df, judge)
    refs = _reference_raters(df, reference)
    involved = df["rater"].astype("object").isin([*judges, *refs]).to_numpy()
    protocol = sorted(set(df["protocol"].astype("object").to_numpy()[involved]))
    if not set(protocol) <= {"pairwise", "binary"} or len(protocol) != 1:
        raise ValueError(
            f"disagreements: expected the judges' and the reference's rows to be all pairwise "
            f"or all binary, got {protocol}; select one protocol's rows (ratings: rating_offset)"
        )
    pairwise = protocol == ["pairwise"]
    with_f = factors.add_factors(df) if pairwise and f"{unit}_diff" not in df.columns else df
    rows = _rows(with_f, judges)
    rows = rows[rows["label"].notna().to_numpy()]
    if pairwise:
        ref = _pairwise_reference(_rows(with_f, refs))
        ref_label, n_ref, share = ref["ref_label"], ref["n_ref"], ref["ref_share"]
    else:
        _, hc, hshare = _binary_pairs(with_f, judges, refs)
        ref_label = hc.map(lambda v: None if v is None else ("correct" if v else "incorrect"))
        rr = _rows(with_f, refs)
        n_ref = rr[rr["label"].notna().to_numpy()].groupby("_unit").size()
        share = np.maximum(hshare, 1 - hshare)
    rl = ref_label.reindex(rows["_unit"]).to_numpy(dtype=object)
    lab = rows["label"].astype("object").to_numpy(dtype=object)
    has_ref = pd.notna(rl)
    _no_overlap(judges, rows["rater"].astype("object").to_numpy()[has_ref], judge, reference)
    rows = rows[has_ref]
    lab, rl = lab[has_ref], rl[has_ref]
    dis = lab != rl
    flags = pd.DataFrame(
        {
            "rater": rows["rater"].astype("object").to_numpy(),
            "_unit": rows["_unit"].to_numpy(),
            "dis": dis,
            "rule": verdicts.verdict_basis(rows).isin(verdicts.TIE_BREAKS).to_numpy(dtype=bool),
        }
    )
    if pairwise:
        longer = factors.picked_longer(rows, unit=unit).to_numpy(dtype=object)
        first = factors.picked_first(rows).to_numpy(dtype=object)
        flags["longer"] = np.where(dis, longer, None)
        flags["first"] = np.where(dis, first, None)
        flags["lenient"] = None
    else:
        flags["longer"] = None
        flags["first"] = None
        flags["lenient"] = (lab == "correct") & (rl == "incorrect")
    order = rows["order"].astype("object").to_numpy(dtype=object)
    flags["desc"] = [
        f"{o}={v}" if isinstance(o, str) else str(v) for o, v in zip(order, lab, strict=True)
    ]
    flags["lab"] = lab

    def any_true(s: pd.Series):
        v = s.dropna()
        return pd.NA if v.empty else bool(v.astype(bool).any())

    g = flags.groupby(["rater", "_unit"], sort=False)
    table = pd.DataFrame(
        {
            "judge_disagree_share": g["dis"].mean(),
            "judge_labels": g["desc"].agg(";".join),
            "picked_longer": g["longer"].agg(any_true),
            "picked_first_presented": g["first"].agg(any_true),
            "judge_lenient": g["lenient"].agg(any_true),
            "_n_labels": g["lab"].nunique(),
            "_n_rows": g["lab"].size(),
            "_rule": g["rule"].any(),
        }
    )
    table = table[table["judge_disagree_share"] > 0].reset_index()
    table["swap_inconsistent"] = pd.array(
        np.where(table["_n_rows"] >= 2, table["_n_labels"] > 1, None), dtype="boolean"
    )
    rule = table["_rule"].to_numpy(dtype=bool)
    table.loc[rule, "swap_inconsistent"] = pd.NA
    table["picked_first_presented"] = table["picked_first_presented"].astype("boolean")
    table.loc[rule, "picked_first_presented"] = pd.NA
    if not pairwise:
        table["swap_inconsistent"] = pd.array([pd.NA] * len(table), dtype="boolean")
    table["reference_label"] = ref_label.reindex(table["_unit"]).to_numpy(dtype=object)
    table["n_reference"] = n_ref.reindex(table["_unit"]).to_numpy()
    table["reference_share"] = share.reindex(table["_unit"]).to_numpy(dtype=float)
    table["humans_split"] = pd.array(
        np.where(table["n_reference"] >= 2, table["reference_share"] < 1, None), dtype="boolean"
    )
    table["surprise"] = table["reference_share"] * table["judge_disagree_share"]
    meta = with_f.assign(_unit=_key(with_f, UNIT)).drop_duplicates("_unit").set_index("_unit")
    for c in ["dataset", "item_id", "criterion", "turn", "subset"]:
        table[c] = meta[c].reindex(table["_unit"]).to_numpy() if c in meta else pd.NA
    table = table.rename(columns={"rater": "judge"})
    for c in ("picked_longer", "picked_first_presented", "judge_lenient"):
        table[c] = table[c].astype("boolean")
    cols = [
        "dataset",
        "item_id",
        "criterion",
        "turn",
        "subset",
        "judge",
        "reference_label",
        "n_reference",
        "reference_share",
        "judge_labels",
        "judge_disagree_share",
        "picked_longer",
        "picked_first_presented",
        "swap_inconsistent",
        "humans_split",
        "judge_lenient",
        "surprise",
    ]
    out = table[cols].sort_values(
        ["surprise", "judge", "dataset", "item_id"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return out.reset_index(drop=True)
