"""Prediction-powered rank-sets of models from few human and many judge comparisons.

Chatzi, Straitouri, Thejaswi & Gomez-Rodriguez (NeurIPS 2024, arXiv:2402.17826) rank
``k`` models from pairwise battles. Each model ``m`` has a *win rate* ``θ_m``: the
probability that ``m`` wins a battle it takes part in (``w_i^m = 1`` when battle ``i`` is won
by ``m``; a tie counts 0, as in the paper's code, or 1/2 with ``ties="half"``). From
estimates ``θ̂`` with a simultaneous ``1 - α`` confidence region, the *rank-set* of ``m`` is
``[rank_low, rank_high]`` with ``rank_low = 1 + #(models certainly better than m)`` and
``rank_high = k - #(models certainly worse)``. When the region covers ``θ``, every model's
true rank (by ``θ``, 1 = best) lies in its rank-set, so all ``k`` rank-sets cover the true
ranking *simultaneously* with probability ``≥ 1 - α`` (asymptotically).

Estimates (:data:`METHODS`), one per model over the battles in which it plays:

- ``"human"``: the mean of ``w^m`` over the ``n_m`` human-labelled battles of ``m``, with the
  classical standard error (:func:`workbench.replace.ppi.human_only_mean`);
- ``"judge"``: the same mean of the judge's verdicts over all the battles the judge rated
  (an interval for the *judge's* win rate, not for people's);
- ``"ppr"``: the PPI++ estimate (:func:`workbench.replace.ppi.ppi_mean`) from the model's
  ``n_m`` human-labelled battles (human outcome and judge prediction) and its ``N_m`` other
  battles (judge prediction only), with the power-tuning ``λ_m`` chosen **per model**
  (clipped to [0, 1]; ``λ_m = 0`` is the human-only estimate), so an uninformative judge does
  not widen a model's interval beyond the human-only one. The paper's code tunes one ``λ``
  for all models (minimising the trace of the covariance); per-model tuning minimises each
  variance (and the sum of them) instead.

Confidence regions (:data:`CONSTRUCTIONS`):

- ``"ellipsoid"`` (the paper's construction, ``ranksets.py`` of its repository): the joint
  normal-approximation ellipsoid ``(θ - θ̂)ᵀ Σ̂⁻¹ (θ - θ̂) ≤ χ²_{k, 1-α}``; models ``i`` and
  ``j`` are ordered when the ellipsoid does not meet ``θ_i = θ_j``, i.e.
  ``|θ̂_i - θ̂_j| > sqrt(χ²_{k,1-α} (Σ̂_ii + Σ̂_jj - 2 Σ̂_ij))``. ``Σ̂`` is the plug-in
  covariance of the ``k`` means: battle ``i`` between ``m`` and ``m'`` enters both, so
  ``Σ̂_mm' = Σ_i φ_i^m φ_i^m'`` with the influence ``φ_i^m = (w_i^m - θ̂_m) / n_m``
  (labelled part; for PPR plus ``λ_m (ŵ_i^m - mean) / N_m`` on the judge-only battles). The
  paper's code divides by the square of the total number of battles ``n``; we divide by
  each model's own counts, which gives the variance of each model's mean. ``ci_low`` /
  ``ci_high`` are the ellipsoid's shadow on each axis, ``θ̂_m ± sqrt(χ²_{k,1-α} Σ̂_mm)``
  (simultaneous intervals; the pairwise test above is sharper, so two models can be
  ordered while these intervals overlap).
- ``"bonferroni"`` (default; simpler): per-model intervals ``θ̂_m ± z_{1-α/(2k)} se_m``,
  simultaneous by the Bonferroni inequality; ``j`` is certainly better than ``m`` when its
  interval lies wholly above ``m``'s. The rank-sets then read directly off ``ci_low`` /
  ``ci_high``. On the Arena battles they are smaller than the ellipsoid's, for the same
  guarantee.

Differences from the paper, on purpose: the paper subsamples its data so that every pair of
models has the same number of battles (and draws ``n/66`` human battles per pair); here all
the table's battles are used and ``n_human`` battles are drawn uniformly at random, so
``θ_m`` is the win rate against the opponents the table gives ``m`` (the human-only and the
all-humans rankings use the same definition, so coverage is measured like for like).

References
----------
Chatzi, I., Straitouri, E., Thejaswi, S. & Gomez-Rodriguez, M. (2024). Prediction-Powered
Ranking of Large Language Models. NeurIPS 2024. arXiv:2402.17826.

Angelopoulos, A. N., Duchi, J. C. & Zrnic, T. (2023). PPI++: Efficient prediction-powered
inference. arXiv:2311.01453.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from .. import verdicts, vocab
from .._validate import check_columns, check_option, check_table
from ..agreement.pairs import resolve_reference
from ..errors import SchemaError
from .ppi import human_only_mean, ppi_mean

__all__ = [
    "COLUMNS",
    "CONSTRUCTIONS",
    "METHODS",
    "TIES",
    "Battles",
    "battles",
    "covers",
    "rank_sets",
    "rank_sets_of",
]

Method = Literal["ppr", "human", "judge"]
METHODS: tuple[str, ...] = ("ppr", "human", "judge")
"""Estimates :func:`rank_sets` can rank by (see the module docstring)."""
Construction = Literal["bonferroni", "ellipsoid"]
CONSTRUCTIONS: tuple[str, ...] = ("bonferroni", "ellipsoid")
"""Simultaneous confidence regions :func:`rank_sets` can use."""
Ties = Literal["loss", "half"]
TIES: tuple[str, ...] = ("loss", "half")
"""What a tie is worth to each of its models: 0 (the paper's code) or 1/2."""

COLUMNS = ["model", "estimate", "ci_low", "ci_high", "rank_low", "rank_high", "method", "n_human"]
"""Columns of the table :func:`rank_sets` returns, in order."""

_SIDE = {"A": (1.0, 0.0), "B": (0.0, 1.0)}


class Battles:
    """The battles of one table, ready for repeated rank-sets (see :func:`battles`).

    Attributes
    ----------
    models : list of str
        The ranked models, sorted.
    a, b : ndarray of int
        Index into ``models`` of each battle's model A and model B.
    human, judge : ndarray of str or None
        Each battle's human label and judge verdict (``A`` / ``B`` / ``tie``; ``None`` =
        missing). ``judge`` is all ``None`` when no judge was named.
    judge_name : str or None
        The judge.
    item_ids : ndarray of str
        The battles' item ids, sorted.
    """

    def __init__(self, frame: pd.DataFrame, judge: str | None):
        models = sorted(set(frame["model_a"]) | set(frame["model_b"]))
        code = {m: i for i, m in enumerate(models)}
        self.models = models
        self.item_ids = frame["item_id"].to_numpy()
        self.a = frame["model_a"].map(code).to_numpy(dtype=int)
        self.b = frame["model_b"].map(code).to_numpy(dtype=int)
        self.human = frame["human"].to_numpy(dtype=object)
        self.judge = frame["judge"].to_numpy(dtype=object)
        self.judge_name = judge

    def candidates(self) -> np.ndarray:
        """Positions of the battles with a human label (and a verdict, when there is a judge)."""
        has_h = pd.notna(self.human)
        if self.judge_name is None:
            return np.flatnonzero(has_h)
        return np.flatnonzero(has_h & pd.notna(self.judge))

    def draw(self, n_human: int | None, rng: int | np.random.Generator | None) -> np.ndarray:
        """Positions of the human-labelled battles: all candidates, or ``n_human`` at random."""
        cand = self.candidates()
        if n_human is None:
            return cand
        if not isinstance(n_human, (int, np.integer)) or not 2 <= n_human <= len(cand):
            raise ValueError(
                f"n_human: expected an integer in [2, {len(cand)}] (battles with a human label"
                f"{' and a verdict of ' + repr(self.judge_name) if self.judge_name else ''}), "
                f"got {n_human!r}"
            )
        pick = np.random.default_rng(rng).choice(len(cand), size=int(n_human), replace=False)
        return cand[np.sort(pick)]


def _check_pairwise(df: pd.DataFrame) -> None:
    check_table(df, protocols=("pairwise",))
    check_columns(df, ["model_a", "model_b"])
    for col in ("dataset", "criterion"):
        seen = sorted(map(str, pd.Series(df[col].dropna().unique()).astype("object")))
        if len(seen) != 1:
            raise SchemaError(f"df: expected one {col}, got {seen}; filter first")


def _judge_name(df: pd.DataFrame, judge: str | None, ref: str) -> str:
    kinds = df.drop_duplicates("rater").set_index("rater")["rater_kind"].astype("object")
    judges = sorted(str(r) for r, k in kinds.items() if k not in ("human", "gold") and r != ref)
    if judge is None:
        if len(judges) != 1:
            raise ValueError(f"judge: name one of the table's judges {judges}")
        return judges[0]
    if judge not in kinds.index or judge == ref or kinds[judge] in ("human", "gold"):
        raise ValueError(f"judge: {judge!r} is not a judge of the table; judges are {judges}")
    return judge


def _labels(table: pd.DataFrame, rater: str) -> pd.Series:
    rows = table[(table["rater"] == rater).to_numpy()]
    if rows["item_id"].duplicated().any():
        dup = rows.loc[rows["item_id"].duplicated(), "item_id"].iloc[0]
        raise SchemaError(
            f"df: rater {rater!r} has several rows for item {dup!r}; resolve its orders first"
        )
    return pd.Series(rows["label"].astype("object").to_numpy(), index=rows["item_id"].to_numpy())


def battles(
    df: pd.DataFrame,
    *,
    judge: str | None = None,
    reference: str = "human",
    resolve: vocab.Rule = "fastchat",
) -> Battles:
    """Check a pairwise table and collect its battles: models, human label, judge verdict.

    The human label of a battle is the ``reference`` rater's
    (:func:`workbench.agreement.pairs.resolve_reference`: ``human:majority``, else ``human``,
    else the majority of the individual ``human:<id>`` raters, else ``gold``); a tied majority
    is a missing label. The judge's presentation orders become one verdict by ``resolve``
    (:func:`workbench.verdicts.resolve_orders`); an unparsable (NA) verdict is missing.
    :func:`rank_sets` calls this once per call; call it yourself to draw many rank-sets
    from one table (:func:`rank_sets_of`).

    Raises
    ------
    SchemaError
        ``df`` is not a valid pairwise table of one dataset and criterion, lacks
        ``model_a`` / ``model_b`` (or has NA there on a battle), has no human rater, or a rater
        has several rows on an item.
    ValueError
        ``judge`` is not a judge of the table (``None`` and not exactly one judge is an
        error only for the methods that need one, see :func:`rank_sets`).

    Examples
    --------
    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "AB", "j": "A?"}, models=(["x", "y"], ["y", "z"]))
    >>> b = battles(df, judge="j")
    >>> b.models, list(b.human), list(b.judge)
    (['x', 'y', 'z'], ['A', 'B'], ['A', None])
    """
    _check_pairwise(df)
    ref = _reference_name(df, reference)
    table = resolve_reference(df, reference)[0]
    judge = None if judge is None else _judge_name(df, judge, ref)
    keep = table["rater"].isin([ref] + ([judge] if judge else []))
    table = verdicts.resolve_orders(table[keep.to_numpy()], rule=resolve)
    human = _labels(table, ref)
    verdict = _labels(table, judge) if judge else pd.Series(dtype=object)
    items = table.drop_duplicates("item_id").set_index("item_id")[["model_a", "model_b"]]
    items = items.loc[human.index.union(verdict.index)].sort_index()
    missing = items[items.isna().any(axis=1)]
    if len(missing):
        raise SchemaError(
            f"df: item {missing.index[0]!r}: field 'model_a'/'model_b': NA; every battle "
            "needs both models"
        )
    frame = items.astype("object").reset_index(names="item_id")
    frame["human"] = human.reindex(frame["item_id"]).to_numpy()
    frame["judge"] = verdict.reindex(frame["item_id"]).to_numpy() if judge else None
    frame = frame.astype(object).where(frame.notna(), None)
    return Battles(frame, judge)


def _outcomes(labels: np.ndarray, ties: str) -> tuple[np.ndarray, np.ndarray]:
    """Each battle's outcome for its model A and for its model B."""
    tie = 0.5 if ties == "half" else 0.0
    wa = np.array([_SIDE.get(x, (tie, tie))[0] for x in labels])
    wb = np.array([_SIDE.get(x, (tie, tie))[1] for x in labels])
    return wa, wb


def _per_model(b: Battles, rows: np.ndarray, labels: np.ndarray, ties: str) -> list:
    """Per model: (battle positions, outcomes) over battles ``rows``, labels at those rows."""
    wa, wb = _outcomes(labels, ties)
    out = []
    for m in range(len(b.models)):
        in_a, in_b = b.a[rows] == m, b.b[rows] == m
        pos = np.concatenate([rows[in_a], rows[in_b]])
        val = np.concatenate([wa[in_a], wb[in_b]])
        order = np.argsort(pos, kind="stable")
        out.append((pos[order], val[order]))
    return out


def _influence(k: int, n_items: int, parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """k x n_items matrix: model m's influence (values already centred and scaled) per battle."""
    phi = np.zeros((k, n_items))
    for m, (pos, val) in enumerate(parts):
        phi[m, pos] = val
    return phi


def _estimates(b: Battles, method: str, labelled: np.ndarray, ties: str, conf: float):
    """Per-model estimate, se, and the covariance matrix of the k estimates."""
    k, n_items = len(b.models), len(b.a)
    if method == "judge":
        labelled = np.flatnonzero(pd.notna(b.judge))
    source = b.judge if method == "judge" else b.human
    lab = _per_model(b, labelled, source[labelled], ties)
    if method == "ppr":
        pred_l = _per_model(b, labelled, b.judge[labelled], ties)
        unl = np.setdiff1d(np.flatnonzero(pd.notna(b.judge)), labelled)
        pred_u = _per_model(b, unl, b.judge[unl], ties)
    est, se, lab_phi, unl_phi = [], [], [], []
    for m, (pos, y) in enumerate(lab):
        if len(y) < 2:
            who = "judge verdicts" if method == "judge" else "human-labelled battles"
            raise ValueError(
                f"model {b.models[m]!r}: {len(y)} {who}, need at least 2 "
                "(raise n_human or leave the model out)"
            )
        if method == "ppr" and len(pred_u[m][1]):
            yhat, yhat_u = pred_l[m][1], pred_u[m][1]
            r = ppi_mean(y, yhat, yhat_u, confidence_level=conf)
            resid = y - r.lam * yhat
            lab_phi.append((pos, (resid - resid.mean()) / len(y)))
            unl_phi.append((pred_u[m][0], r.lam * (yhat_u - yhat_u.mean()) / len(yhat_u)))
        else:
            r = human_only_mean(y, confidence_level=conf)
            lab_phi.append((pos, (y - y.mean()) / len(y)))
            unl_phi.append((np.array([], dtype=int), np.array([])))
        est.append(r.estimate)
        se.append(r.se)
    phi_l, phi_u = _influence(k, n_items, lab_phi), _influence(k, n_items, unl_phi)
    sigma = phi_l @ phi_l.T + phi_u @ phi_u.T
    return np.array(est), np.array(se), sigma, len(labelled)


def _ranks(est: np.ndarray, better: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank-sets from ``better[i, j]``: model j is certainly better than model i."""
    k = len(est)
    return 1 + better.sum(axis=1), k - better.sum(axis=0)


def rank_sets_of(
    b: Battles,
    *,
    method: Method = "ppr",
    n_human: int | None = None,
    alpha: float = 0.1,
    rng: int | np.random.Generator | None = None,
    construction: Construction = "bonferroni",
    ties: Ties = "loss",
) -> pd.DataFrame:
    """:func:`rank_sets` on battles already collected by :func:`battles`.

    Parameters and returns as :func:`rank_sets`. Drawing many rank-sets from one table this
    way checks and collects the table once.

    Examples
    --------
    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "AAAA"}, models=(["x", "x", "y", "y"], ["y", "z", "z", "x"]))
    >>> rank_sets_of(battles(df), method="human")[["model", "estimate"]]
      model  estimate
    0     x  0.666667
    1     y  0.666667
    2     z  0.000000
    """
    check_option("method", method, METHODS)
    check_option("construction", construction, CONSTRUCTIONS)
    check_option("ties", ties, TIES)
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha: expected a number in (0, 1), got {alpha!r}")
    if method != "human" and b.judge_name is None:
        raise ValueError(f"judge: method={method!r} needs a judge; name one")
    if method == "judge" and n_human is not None:
        raise ValueError("n_human: method='judge' uses no human labels; leave it None")
    k = len(b.models)
    if k < 2:
        raise ValueError(f"df: {k} model(s) {b.models}; need at least 2 to rank")
    labelled = b.draw(n_human, rng) if method != "judge" else np.array([], dtype=int)
    conf = 1 - alpha / k
    est, se, sigma, n_lab = _estimates(b, method, labelled, ties, conf)
    if construction == "bonferroni":
        half = norm.ppf(1 - alpha / (2 * k)) * se
        low, high = est - half, est + half
        better = low[None, :] > high[:, None]
    else:
        c2 = chi2.ppf(1 - alpha, k)
        half = np.sqrt(c2 * np.diag(sigma))
        low, high = est - half, est + half
        d = np.diag(sigma)
        var_diff = np.maximum(d[:, None] + d[None, :] - 2 * sigma, 0.0)
        gap = est[None, :] - est[:, None]
        better = gap > np.sqrt(c2 * var_diff)
        np.fill_diagonal(better, False)
    rank_low, rank_high = _ranks(est, better)
    out = pd.DataFrame(
        {
            "model": b.models,
            "estimate": est,
            "ci_low": low,
            "ci_high": high,
            "rank_low": rank_low.astype(int),
            "rank_high": rank_high.astype(int),
            "method": method,
            "n_human": 0 if method == "judge" else n_lab,
        }
    )
    out = out.sort_values(["estimate", "model"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[COLUMNS]


def rank_sets(
    df: pd.DataFrame,
    *,
    judge: str | None = None,
    method: Method = "ppr",
    n_human: int | None = None,
    alpha: float = 0.1,
    rng: int | np.random.Generator | None = None,
    construction: Construction = "bonferroni",
    ties: Ties = "loss",
    reference: str = "human",
    resolve: vocab.Rule = "fastchat",
) -> pd.DataFrame:
    """Rank-sets of the models of a pairwise table, from people, a judge, or both (PPR).

    Parameters
    ----------
    df : DataFrame
        Tidy pairwise table of one dataset and criterion with ``model_a`` / ``model_b``
        (:mod:`workbench.schema`): a human label per battle (a ``human`` rater, or individual
        ``human:<id>`` raters whose majority is used; a tied majority leaves the battle
        unlabelled) and, for ``ppr`` / ``judge``, the judge's verdicts. Battles whose judge
        verdict is NA (unparsable) are left out of every method, so ``human`` and ``ppr``
        with the same ``rng`` draw the same battles.
    judge : str, optional
        The judge; may be omitted when the table has exactly one (not needed for ``human``).
    method : {"ppr", "human", "judge"}, default "ppr"
        ``ppr``: human labels of the drawn battles plus the judge's verdicts on all battles
        (PPI++, power-tuned per model); ``human``: the drawn human labels only; ``judge``:
        the judge's verdicts on all battles only.
    n_human : int, optional
        Draw this many human-labelled battles uniformly at random (without replacement,
        from the battles with a human label and, when a judge is named, a verdict); default
        all of them. Not allowed with ``method="judge"``.
    alpha : float, default 0.1
        The rank-sets cover the true ranking of all models at once with probability
        ``≥ 1 - alpha`` (asymptotically).
    rng : int or Generator, optional
        Seed of the draw.
    construction : {"bonferroni", "ellipsoid"}, default "bonferroni"
        The simultaneous confidence region (module docstring); ``ellipsoid`` is the paper's.
    ties : {"loss", "half"}, default "loss"
        A tie is worth 0 to both models (the paper's code) or 1/2.
    reference : str, default "human"
        The human side (:func:`workbench.agreement.pairs.resolve_reference`).
    resolve : {"per_order", "fastchat", "vote_sum", "first_order"}, default "fastchat"
        How a judge's two presentation orders become one verdict.

    Returns
    -------
    DataFrame
        One row per model, best estimate first, with :data:`COLUMNS`: ``estimate`` (the
        model's win rate ``θ̂_m``), the simultaneous interval ``ci_low`` / ``ci_high``,
        the rank-set ``rank_low`` .. ``rank_high`` (1 = best), ``method`` and ``n_human`` (the
        human-labelled battles used; 0 for ``judge``).

    Raises
    ------
    SchemaError
        Not a pairwise table of one dataset and criterion; no ``model_a`` / ``model_b``; no
        human rater.
    ValueError
        Unknown ``method`` / ``construction`` / ``ties``; ``alpha`` outside (0, 1); ``judge``
        not a judge of the table or missing when needed; ``n_human`` not in
        ``[2, available battles]``; a model with fewer than 2 labelled battles.

    See Also
    --------
    workbench.replace.ppi.ppi_estimate : one prediction-powered estimate with its interval.
    workbench.leaderboard : Bradley-Terry scores with bootstrap intervals.

    Notes
    -----
    With ``construction="bonferroni"`` each model's ``estimate`` and interval equal
    ``ppi-python``'s ``ppi_mean_pointestimate`` / ``ppi_mean_ci`` (``lam=None``) at
    ``alpha / k`` on that model's battles (``ppr``), and ``classical_mean_ci`` (``human``);
    tested to 1e-9, with hand-computed rank-sets and a coverage simulation.

    Examples
    --------
    Three models, six battles, each won by its model A: ``x`` wins 3 of its 4 battles,
    ``y`` 3 of 4, ``z`` none. At α = 0.1 the Bonferroni half-width is
    ``z_{1 - 0.1/6} · sqrt(0.75 · 0.25 / 4) = 2.128 · 0.2165 = 0.461``, so ``x``'s and ``y``'s
    intervals ``[0.289, 1.211]`` overlap, and both lie above ``z``'s (a point: no variance):

    >>> from workbench.testing import toy
    >>> df = toy(pairwise={"human": "AAAAAA"},
    ...          models=(["x", "x", "y", "y", "x", "y"], ["y", "z", "z", "x", "z", "z"]))
    >>> out = rank_sets(df, method="human")
    >>> out[["model", "estimate", "rank_low", "rank_high"]]
      model  estimate  rank_low  rank_high
    0     x      0.75         1          2
    1     y      0.75         1          2
    2     z      0.00         3          3
    """
    if judge is None and method != "human":
        _check_pairwise(df)
        judge = _judge_name(df, None, _reference_name(df, reference))
    b = battles(df, judge=judge, reference=reference, resolve=resolve)
    return rank_sets_of(
        b,
        method=method,
        n_human=n_human,
        alpha=alpha,
        rng=rng,
        construction=construction,
        ties=ties,
    )


def _reference_name(df: pd.DataFrame, reference: str) -> str:
    try:
        return resolve_reference(df, reference)[1]
    except ValueError as exc:
        raise SchemaError(f"df: no human labels to rank by ({exc})") from None


def covers(sets: pd.DataFrame, ranking: pd.Series) -> bool:
    """Whether every model's rank in ``ranking`` lies in its rank-set.

    Parameters
    ----------
    sets : DataFrame
        A :func:`rank_sets` table.
    ranking : Series
        Rank (1 = best) per model, indexed by model (e.g. from the all-humans estimates).

    Examples
    --------
    >>> sets = pd.DataFrame({"model": ["x", "y"], "rank_low": [1, 1], "rank_high": [1, 2]})
    >>> covers(sets, pd.Series({"x": 2, "y": 1}))
    False
    """
    r = ranking.reindex(sets["model"]).to_numpy()
    if pd.isna(r).any():
        raise ValueError("ranking: no rank for model(s) of the rank-sets")
    return bool(((sets["rank_low"].to_numpy() <= r) & (r <= sets["rank_high"].to_numpy())).all())
