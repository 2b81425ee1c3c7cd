"""Consistency probes: are a judge's preferences transitive, and do its ratings imply the
preferences people's ratings imply?

:func:`circular_triads` reads pairwise verdicts on datasets with several systems per prompt
(LLMFAO, Chatbot Arena): per prompt (``group``), each pair of systems gets the plurality
verdict of the rater's rows (both orders, every sample, every crowd worker when the rater is
a pool), a decisive one becomes a directed edge, and a triad of systems whose three pairs
all have edges is circular when the edges form a cycle (A > B > C > A). With one edge per
pair flipped independently with probability e against a fixed ranking, a triad is circular
with probability ``e (1 - e)``; in a random tournament 1/4 of the triads are.

:func:`implied_preferences` turns ratings into preferences: on datasets where several
systems answer each prompt (HANNA: 11 systems x 96 stories), two systems' scores from the
judge imply a preference (or a tie), and so do the people's mean scores; the probe reports
how often the two agree.

Examples
--------
>>> adj = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)  # 0 > 1 > 2 > 0
>>> triad_counts(adj)  # (circular, complete)
(1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import pandas as pd

from .._validate import check_columns
from . import frame
from .estimate import Est, Rng, cluster_boot, empty_est, resampling_options
from .registry import MIN_ITEMS, probe

__all__ = ["circular_triads", "implied_preferences", "triad_counts"]

Group = str | Callable[[str], Hashable] | None


def triad_counts(wins: np.ndarray) -> tuple[float, float]:
    """(circular triads, triads with three decisive pairs) of a tournament's win matrix.

    ``wins[i, j] = 1`` when i beats j (at most one of ``wins[i, j]``, ``wins[j, i]``); a
    stack of matrices (leading axes) gives arrays. Circular: ``trace(W^3) / 3``; complete:
    ``trace(D^3) / 6`` with ``D = W + W^T``.

    Examples
    --------
    >>> w = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=float)  # 0 > 1 > 2, 0 > 2
    >>> triad_counts(w)
    (0.0, 1.0)
    """
    w = np.asarray(wins, dtype=float)
    d = w + np.swapaxes(w, -1, -2)
    cyc = np.trace(w @ w @ w, axis1=-2, axis2=-1) / 3
    full = np.trace(d @ d @ d, axis1=-2, axis2=-1) / 6
    if np.ndim(cyc) == 0:
        return float(cyc), float(full)
    return cyc, full


def _group_values(df: pd.DataFrame, group: Group) -> np.ndarray:
    """The prompt group of each row: a column, a function of ``item_id``, or one group."""
    if group is None:
        return np.zeros(len(df), dtype=np.int64)
    if callable(group):
        values = df["item_id"].astype(str).map(group)
    else:
        check_columns(df, [group], arg="group")
        values = df[group].astype("object")
        if values.isna().any():
            i = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise ValueError(
                f"group: row {i}: field {group!r} is NA; every row needs a prompt group "
                "(pass group=None for one tournament over the whole table)"
            )
    return pd.factorize(values.to_numpy(dtype=object))[0]


def _edges(rows: pd.DataFrame, groups: np.ndarray) -> pd.DataFrame:
    """Votes per (group, model pair in sorted order): for the first model, the second, ties."""
    lab = rows["label"].astype("object").to_numpy(dtype=object)
    a = rows["model_a"].astype("object").to_numpy(dtype=object)
    b = rows["model_b"].astype("object").to_numpy(dtype=object)
    ok = pd.notna(lab) & pd.notna(a) & pd.notna(b) & (a != b)
    a, b, lab, g = a[ok], b[ok], lab[ok], groups[ok]
    swap = a.astype(str) > b.astype(str)
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    win = np.where(lab == "tie", "tie", np.where((lab == "A") != swap, "first", "second"))
    votes = pd.DataFrame(
        {
            "group": g,
            "first": first,
            "second": second,
            "win": win,
            "item": rows["_cluster"].to_numpy()[ok],
        }
    )
    return votes


def _tournaments(
    votes: pd.DataFrame, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Circular and complete triad counts per group from the (weighted) votes."""
    models = pd.factorize(np.concatenate([votes["first"].to_numpy(), votes["second"].to_numpy()]))[
        0
    ]
    i, j = models[: len(votes)], models[len(votes) :]
    g = votes["group"].to_numpy()
    n_groups = int(g.max()) + 1 if len(g) else 0
    # per group, local model numbers
    local = pd.DataFrame({"g": np.concatenate([g, g]), "m": np.concatenate([i, j])})
    code = local.groupby("g")["m"].transform(lambda m: pd.factorize(m)[0]).to_numpy()
    li, lj = code[: len(votes)], code[len(votes) :]
    size = int(code.max()) + 1 if len(code) else 0
    w = np.ones(len(votes)) if weights is None else weights
    win = votes["win"].to_numpy()
    tally = np.zeros((n_groups, size, size))
    np.add.at(tally, (g, li, lj), w * (win == "first"))
    np.add.at(tally, (g, lj, li), w * (win == "second"))
    ties = np.zeros((n_groups, size, size))
    np.add.at(ties, (g, li, lj), w * (win == "tie"))
    ties = ties + np.swapaxes(ties, 1, 2)
    beats = (tally > np.swapaxes(tally, 1, 2)) & (tally > ties)  # a strict plurality
    return triad_counts(beats.astype(float))


@probe(
    "circular_triads",
    protocols=("pairwise",),
    description="Share of circular (intransitive) triads of systems in each judge's and the people's pairwise preferences per prompt.",
)
def circular_triads(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = "humans",
    group: Group = "prompt",
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Share of intransitive triads in each rater's preferences between systems.

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise judgments with ``model_a`` / ``model_b``.
    judge : str, list of str or None
        Judges (default: every ``llm`` rater).
    reference : str, list of str, "humans" or None, default "humans"
        People whose pooled votes form one more row (``judge`` = the reference's name,
        ``reference`` NA); None: judges only.
    group : str, callable or None, default "prompt"
        What a tournament is: a column (the prompt text), a function of ``item_id``, or
        None for one tournament over the whole table (Arena, which has no prompt texts).
    by, n_resamples, confidence_level, rng
        See :mod:`workbench.probes`.

    Returns
    -------
    DataFrame
        :data:`~workbench.probes.RESULT_COLUMNS`, one ``share of circular triads`` row per
        rater: circular / complete triads summed over the tournaments; ``n_items`` =
        tournaments, ``n_obs`` = complete triads. The BCa interval resamples tournaments;
        below :data:`MIN_ITEMS` tournaments there is none (resampling the items of one
        tournament is biased: it turns decided pairs into near-ties and cycles, so the
        interval can miss its own estimate). A rater whose preferences are transitive has 0; a random tournament 1/4.

    References
    ----------
    Kendall, M. G., Babington Smith, B. (1940). On the method of paired comparisons.
    Biometrika 31(3/4), 324-345. https://doi.org/10.2307/2332613

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(pairwise={"j": "ABA"}, models=(["x", "y", "x"], ["y", "z", "z"]))
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = circular_triads(t, reference=None, group=None, n_resamples=20)
    >>> out["estimate"].tolist()  # x > y, z > y, x > z: transitive
    [0.0]
    """
    df = frame.prepare_table(df, need=("model_a", "model_b"))
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference) if reference is not None else None
    opts = resampling_options(n_resamples, confidence_level, rng)
    groups_all = _group_values(df, group)
    df = df.assign(_group=groups_all)
    raters = [(j, [j]) for j in judges]
    if refs is not None:
        raters.append((frame.reference_name(reference), refs))

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        records = []
        for name, members in raters:
            rows = frame.rater_rows(sub, members)
            votes = _edges(rows, pd.factorize(rows["_group"].to_numpy())[0])
            if votes.empty:
                continue
            est = _triad_share(votes, opts)
            records.append(
                frame.result_record(name, "circular_triads", "share of circular triads", est, None)
            )
        return frame.result_frame(records)

    out = frame.grouped(df, by, one)
    return frame.finish(
        out,
        "circular_triads",
        judge=judge,
        reference=None,
        judges=judges,
        effect="share of circular triads",
    )


def _triad_share(votes: pd.DataFrame, opts: dict) -> Est:
    cyc, full = _tournaments(votes)
    n_groups = len(cyc)
    if full.sum() == 0:
        return empty_est(note="no triad of systems with three decided pairs")
    if n_groups >= MIN_ITEMS:
        contrib = np.column_stack([cyc, full])
        est, lo, hi, _, k = cluster_boot(
            contrib, np.arange(n_groups), lambda s: s[..., 0] / s[..., 1], opts
        )
        return Est(est, lo, hi, np.nan, np.nan, k, int(full.sum()), "")
    note = (
        f"{n_groups} tournament(s): fewer than {MIN_ITEMS}, no interval (resampling the items "
        "of one tournament moves its plurality edges toward ties and cycles: a biased interval)"
    )
    return Est(
        float(cyc.sum() / full.sum()),
        np.nan,
        np.nan,
        np.nan,
        np.nan,
        n_groups,
        int(full.sum()),
        "",
        note,
    )


def _pair_signs(scores: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sign of score_i - score_j for every pair i < j of items in the same group, and its group."""
    order = np.argsort(groups, kind="stable")
    s, g = scores[order], groups[order]
    i, j = _within(g)
    return np.sign(s[i] - s[j]), g[i]


def _within(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs i < j inside each run of equal values of the sorted ``g``."""
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    parts = [np.triu_indices(e - s, k=1) for s, e in zip(starts, ends, strict=True)]
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i = np.concatenate([p[0] + s for p, s in zip(parts, starts, strict=True)])
    j = np.concatenate([p[1] + s for p, s in zip(parts, starts, strict=True)])
    return i, j


@probe(
    "implied_preferences",
    protocols=("rating",),
    description="Agreement between the pairwise preferences a judge's ratings imply and those people's ratings imply.",
)
def implied_preferences(
    df: pd.DataFrame,
    *,
    judge: str | Sequence[str] | None = None,
    reference: str | Sequence[str] = "humans",
    group: Group = "prompt",
    by: str | Sequence[str] | None = None,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: Rng = None,
) -> pd.DataFrame:
    """Do a judge's ratings rank the systems of each prompt as people's ratings do?

    Parameters
    ----------
    df : DataFrame
        Tidy ratings, one item per (prompt, system).
    judge, reference, by
        See :mod:`workbench.probes`; the reference's score of an item is the mean of its
        raters' scores.
    group : str, callable or None, default "prompt"
        The prompt of each item: a column, a function of ``item_id`` (HANNA:
        ``lambda i: i.split("/")[-1]``), or None (every item against every other).
        Pairs are formed within a group and criterion.

    Returns
    -------
    DataFrame
        :data:`~workbench.probes.RESULT_COLUMNS` and ``criterion``; effects per judge and
        criterion (``n_obs`` = pairs):

        ``implied preference agreement``
            Share of pairs where ``sign(judge_i - judge_j)`` equals
            ``sign(people_i - people_j)`` (prefer i, prefer j, or tie).
        ``agreement where both prefer``
            The same over pairs both sides decide (no tie on either side).
        ``judge tie rate``
            Share of pairs the judge's scores tie (coarse scales tie often).

        Cluster-bootstrap BCa CI resampling groups (prompts).

    References
    ----------
    Bansal, H., Dang, J., Grover, A. (2024). Peering Through Preferences: Unraveling
    Feedback Acquisition for Aligning Large Language Models. ICLR. arXiv:2308.15812.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> t = toy(rating={"human": [1, 2, 3], "j": [1, 3, 2]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = implied_preferences(t, reference="human", group=None, n_resamples=20)
    >>> out.set_index("effect")["estimate"].round(4).tolist()  # pairs 01, 02 agree, 12 not
    [0.6667, 0.6667, 0.0]
    """
    df = frame.prepare_table(df)
    judges = frame.select_judges(df, judge)
    refs = frame.reference_raters(df, reference)
    opts = resampling_options(n_resamples, confidence_level, rng)
    df = df.assign(_group=_group_values(df, group))
    name = frame.reference_name(reference)
    effects = ("implied preference agreement", "agreement where both prefer", "judge tie rate")

    def one(sub: pd.DataFrame) -> pd.DataFrame:
        records = []
        ref = frame.rater_rows(sub, refs)
        for crit in pd.unique(sub["criterion"].astype("object")):
            r = ref[(ref["criterion"] == crit).to_numpy()]
            r_mean = r.groupby("_unit")["score"].mean().astype(float)
            for j in judges:
                rows = frame.rater_rows(sub[(sub["criterion"] == crit).to_numpy()], [j])
                js = rows.groupby("_unit")["score"].mean().astype(float)
                g = rows.groupby("_unit")["_group"].first()
                units = js.index[js.notna() & js.index.isin(r_mean.dropna().index)]
                if len(units) < 2:
                    continue
                groups = g.loc[units].to_numpy()
                sj, pg = _pair_signs(js.loc[units].to_numpy(), groups)
                sr, _ = _pair_signs(r_mean.loc[units].to_numpy(), groups)
                if not len(sj):
                    continue
                both = (sj != 0) & (sr != 0)
                contrib = np.column_stack(
                    [sj == sr, np.ones(len(sj)), (sj == sr) & both, both, sj == 0]
                ).astype(float)
                fns = (
                    lambda s: s[..., 0] / s[..., 1],
                    lambda s: s[..., 2] / s[..., 3],
                    lambda s: s[..., 4] / s[..., 1],
                )
                for effect, fn in zip(effects, fns, strict=True):
                    with np.errstate(divide="ignore", invalid="ignore"):
                        est, lo, hi, _, k = cluster_boot(contrib, pg, fn, opts)
                    n_obs = int(both.sum()) if effect == "agreement where both prefer" else len(sj)
                    records.append(
                        frame.result_record(
                            j,
                            "implied_preferences",
                            effect,
                            Est(est, lo, hi, np.nan, np.nan, k, n_obs, ""),
                            name,
                            criterion=crit,
                        )
                    )
        return frame.result_frame(records, extra=["criterion"])

    out = frame.grouped(df, by, one)
    return frame.finish(
        out,
        "implied_preferences",
        judge=judge,
        reference=reference,
        judges=judges,
        effect=effects[0],
    )
