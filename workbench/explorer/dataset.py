"""One tidy table prepared for exploring, and the explorer's reference vocabulary.

Plain pandas (no widgets): :class:`Dataset` splits a judgment table into light
judgments and item texts, lists its judges and the references that share items
with them, and its slice dimensions (:mod:`workbench.explorer.slices`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .. import schema, vocab
from .slices import item_factors, slice_dimensions

CAUSES = vocab.CAUSES
"""Causes offered by the annotation form (:data:`workbench.vocab.CAUSES`)."""

RESOLVE_RULES = vocab.RULES
"""Rules for judgments made in both presentation orders (:data:`workbench.vocab.RULES`)."""


PROTOCOLS = ("pairwise", "binary", "rating")
"""Protocols the explorer shows (one dataset of one protocol at a time)."""
OVERALL = vocab.OVERALL
TEXT_COLUMNS = schema.TEXT_COLUMNS
CEILING = vocab.CEILING
MAX_QUEUE = 1000
SAME_FOOTING = "others"
"""Reference value of :func:`workbench.agreement.prepare` for the ceiling's own footing."""
SAME_FOOTING_LABEL = f"{vocab.OTHERS} (same footing as the ceiling)"
MAJORITY = "human:majority"
"""Rater the item queue and the reference-based slices use for :data:`SAME_FOOTING`."""
SAME_FOOTING_HELP = (
    f"{vocab.OTHERS}: each annotator's label is compared with the majority of the item's "
    "other annotators, for the judge exactly as for the human ceiling (the same reference, "
    "items and aggregation as workbench.agreement's default), so bars and ceiling are "
    f"comparable. The item queue and reference-based slices use the per-item majority of "
    f"all annotators ({MAJORITY})."
)


def judged(df: pd.DataFrame) -> pd.Series:
    """Rows that carry a judgment: a label, or a score (ratings).

    >>> judged(pd.DataFrame({"label": ["A", None, None], "score": [None, 3.0, None]})).tolist()
    [True, True, False]
    """
    out = df["label"].notna()
    if "score" in df:
        out |= pd.to_numeric(df["score"], errors="coerce").notna()
    return out


def unit_key(df: pd.DataFrame) -> pd.Series:
    r"""``item_id`` and ``criterion`` as one string: a judge and a reference pair on both.

    (HANNA's metrics score ``overall``, its annotators six other criteria: no pair.)

    >>> unit_key(pd.DataFrame({"item_id": ["1", "1"], "criterion": ["x", None]})).tolist()
    ['1\x1fx', '1\x1f']
    """
    item = df["item_id"].astype(str)
    if "criterion" not in df:
        return item
    return item + "\x1f" + df["criterion"].astype("string").fillna("").astype(str)


def majority_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``human:majority`` rows of the individual annotators (:func:`workbench.verdicts.majority_vote`)."""
    from .. import verdicts

    return verdicts.majority_vote(df, name=MAJORITY)


def check_user_table(df: pd.DataFrame, name: str) -> None:
    """:func:`workbench._validate.check_table` on a table passed in (registered ones are validated)."""
    from .._validate import check_table

    check_table(df, arg=f"data[{name!r}]")


def single_chunks(df: pd.DataFrame, *, skip: Sequence[str] = ()) -> pd.DataFrame:
    """``df`` with every Arrow column (but those in ``skip``) made of one chunk.

    A table concatenated from parts holds Arrow columns of several chunks, and taking
    rows of such a column copies all its chunks first (pyarrow 26: 11 ms for 8 rows of
    a 100,000-row text column, 0.1 ms once it is one chunk). The explorer filters the
    same table on every click, so it pays the copy once.

    >>> t = pd.concat([pd.DataFrame({"a": pd.array(["x"], dtype="string[pyarrow]")})] * 3)
    >>> single_chunks(t)["a"].array.__arrow_array__().num_chunks
    1
    """
    out = {}
    for name, col in df.items():
        if name in skip:
            continue
        dtype = col.dtype
        on_arrow = isinstance(dtype, pd.ArrowDtype) or (
            isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
        )
        if on_arrow:
            chunked = col.array.__arrow_array__()
            if getattr(chunked, "num_chunks", 1) > 1:
                out[name] = pd.array(chunked.combine_chunks(), dtype=col.dtype)
    return df.assign(**out) if out else df


def data_version(name: str) -> str | None:
    """Version of a registered dataset's source data: a digest of its raw files' sha256.

    Annotations are keyed by it, so a new release of the data does not silently
    inherit annotations made on the old one. None for tables passed in directly.
    """
    import hashlib

    from .. import fetch, loaders

    try:
        mod = loaders.load_module(name)
        files = getattr(mod, "FILES_BY_NAME", {}).get(name, mod.FILES)
        reg = fetch.registry(mod.SOURCE.folder)
    except (ValueError, FileNotFoundError, AttributeError):
        return None
    h = hashlib.sha256()
    for path in sorted(files):
        if path not in reg:
            return None
        h.update(f"{path}={reg[path][0]}\n".encode())
    return f"sha256:{h.hexdigest()[:16]}"


class Dataset:
    """One tidy table prepared for exploring: light judgments + item texts.

    ``check``: validate the table first (:func:`workbench._validate.check_table`; for
    tables passed in, registered datasets are validated by their loader). When items
    have two or more individual ``human:<id>`` annotators, :data:`SAME_FOOTING` is the
    first reference, and ``human:majority`` rows are added if the table lacks them
    (the item queue and the reference-based slices use them for it).
    """

    def __init__(
        self, name: str, df: pd.DataFrame, *, version: str | None = None, check: bool = False
    ):
        missing = [c for c in schema.REQUIRED if c not in df]
        if missing:
            raise ValueError(f"data: dataset {name!r} lacks column(s) {missing}")
        protocols = set(df["protocol"].astype(str).unique())
        if len(protocols) != 1 or not protocols <= set(PROTOCOLS):
            raise ValueError(
                f"data: dataset {name!r} has protocol(s) {sorted(protocols)}; the explorer shows "
                f"one dataset of one protocol at a time ({', '.join(PROTOCOLS)})"
            )
        if check:
            check_user_table(df, name)
        self.name = name
        self.protocol = protocols.pop()
        self.version = version
        people = df["rater"].astype(str).str.match(r"human:(?!majority$)") & df[
            "rater_kind"
        ].astype(str).eq("human")
        voted = df.loc[people & judged(df)]
        per_item = voted.groupby(unit_key(voted), observed=True)["rater"].nunique()
        annotators = sorted(voted["rater"].astype(str).unique())
        self.same_footing = bool((per_item >= 2).any())
        """Items with two or more individual annotators: :data:`SAME_FOOTING` is offered."""
        self.majority_added = self.same_footing and not df["rater"].astype(str).eq(MAJORITY).any()
        if self.majority_added:
            df = pd.concat([df, majority_rows(df)], ignore_index=True)
        texts = [c for c in TEXT_COLUMNS if c in df.columns]
        # one chunk per column but the texts (a copy of every text would cost more than
        # the few takes of one item's rows on a click)
        self.full = single_chunks(df.reset_index(drop=True), skip=texts)
        self.without_texts = self.full.drop(columns=texts)
        """:attr:`full` without the text columns (a bar's queue reads none of them)."""
        # Texts blanked, every schema column kept in schema order: agreement() then skips
        # re-conforming the table on every call (~0.15 s on 100,000 rows).
        light = self.full[[c for c in schema.COLUMNS if c not in TEXT_COLUMNS]]
        self.judgments = schema.conform(light)
        self.rows_by_item = self.full.groupby("item_id", sort=False, observed=True).indices
        kind = self.judgments.groupby("rater", observed=True)["rater_kind"].first().astype(str)
        self.judges = sorted(kind.index[kind.isin(vocab.JUDGE_KINDS)])
        self.kind_of: dict[str, str] = {str(r): str(k) for r, k in kind.items()}
        """Rater -> rater_kind."""
        labelled = self.judgments.loc[judged(self.judgments)]
        units = unit_key(labelled)
        self.items_of: dict[str, frozenset] = {
            str(r): frozenset(ids) for r, ids in units.groupby(labelled["rater"], observed=True)
        }
        """Rater -> its judged units (item and criterion: :func:`unit_key`)."""
        if self.same_footing:
            self.items_of[SAME_FOOTING] = frozenset(per_item.index[per_item >= 2].astype(str))
        raters = list(kind.index[kind.isin(["human", "gold"])])
        first = [MAJORITY, "human", "gold"]
        candidates = ([SAME_FOOTING] if self.same_footing else []) + [
            r for r in first if r in raters
        ]
        candidates += sorted(r for r in raters if r not in first)
        if self.judges:  # offer only references that share an item with some judge
            self.references = [r for r in candidates if self.overlap(r, self.judges)]
        else:
            self.references = candidates
        self.omitted_references = [r for r in candidates if r not in self.references]
        """References without an item in common with any judge (not offered)."""
        if self.references:  # and only judges that share an item with some reference
            self.unpaired_judges = [
                j for j in self.judges if not any(self.overlap(r, [j]) for r in self.references)
            ]
            self.judges = [j for j in self.judges if j not in self.unpaired_judges]
        else:
            self.unpaired_judges = []
        """Judges without an (item, criterion) in common with any reference (not offered)."""
        self.criteria = sorted(self.judgments["criterion"].dropna().astype(str).unique())
        """The criteria judged (several: each bar is one criterion, see ``model.criterion_slice``)."""
        self.annotators = annotators
        """The individual ``human:<id>`` annotators."""
        self.factors = item_factors(self.full)
        """Per-item factors (:func:`workbench.explorer.slices.item_factors`), computed once."""
        self.slices = slice_dimensions(self.judgments, self.factors)
        self.slice_maps: dict[tuple, pd.Series] = {}  # computed slice dimensions (Explorer)
        pairs = self.judgments[["rater", "strategy"]].dropna().astype(str).drop_duplicates()
        self.strategy_of: dict[str, set[str]] = {}
        for rater, strategy in pairs.itertuples(index=False):
            self.strategy_of.setdefault(rater, set()).add(strategy)
        orders = set(self.judgments["order"].dropna().astype(str).unique())
        self.two_orders = orders == {"AB", "BA"}

    def overlap(self, reference: str, raters: Iterable[str]) -> bool:
        """Do ``raters`` (judge rater ids) share a labelled item with ``reference``?"""
        ref = self.items_of.get(reference, frozenset())  # units: item and criterion
        return any(not ref.isdisjoint(self.items_of.get(r, ())) for r in raters)

    def default_reference(self, raters: Sequence[str]) -> str | None:
        """The first offered reference that shares items with ``raters`` (else the first)."""
        for reference in self.references:
            if self.overlap(reference, raters):
                return reference
        return self.references[0] if self.references else None

    def strategies(self, judges: Iterable[str]) -> list[str]:
        return sorted({s for j in judges for s in self.strategy_of.get(j, ())})

    def judge_models(self) -> list[str]:
        return sorted({schema.judge_name(j) for j in self.judges})

    def default_model(self) -> str | None:
        """The judge model drawn first: the first with an LLM rater, else the first.

        (HANNA lists 72 metrics before its LLMs: a metric is not the first thing to show.)
        """
        llm = sorted({schema.judge_name(j) for j in self.judges if self.kind_of.get(j) == "llm"})
        models = llm or self.judge_models()
        return models[0] if models else None

    def raters_of(self, models: Iterable[str]) -> list[str]:
        """Judge rater ids of the judge models ``models`` (every strategy)."""
        models = set(models)
        return [r for r in self.judges if schema.judge_name(r) in models]

    def item(self, item_id: str) -> pd.DataFrame:
        """The rows of one item (every column, texts included): ``full.iloc[rows]``.

        The text columns keep their chunks (:func:`single_chunks`), and a take of rows
        from a column of several chunks copies all of them first (34 ms for 8 rows of
        the 100,000-row benchmark table, at times 270 ms); their values are read one by
        one instead (a lookup in the chunk that holds each row).
        """
        idx = self._rows_of(item_id)
        rows = self.without_texts.iloc[idx]
        texts = {
            c: pd.array([self.full[c].iloc[i] for i in idx], dtype=self.full[c].dtype)
            for c in self.full.columns
            if c not in rows.columns
        }
        return rows.assign(**texts)[list(self.full.columns)]

    def check_item(self, item_id: str) -> None:
        """Raise ``ValueError`` naming ``item_id`` when the dataset has no such item."""
        self._rows_of(item_id)

    def _rows_of(self, item_id: str) -> np.ndarray:
        idx = self.rows_by_item.get(item_id)
        if idx is None:
            raise ValueError(f"item_id: {item_id!r} is not in dataset {self.name!r}")
        return idx


def rater_reference(reference: str | None) -> str | None:
    """The rater standing for ``reference`` outside agreement (queue, slices, annotations).

    :data:`SAME_FOOTING` compares each annotator with the others' majority, which is
    not one rater; per item, the majority of all annotators stands in for it.

    >>> rater_reference("others"), rater_reference("gold")
    ('human:majority', 'gold')
    """
    return MAJORITY if reference == SAME_FOOTING else reference


def reference_title(reference: str | None, protocol: str | None = None) -> str:
    """How a reference value is named on screen (ratings: the others' mean).

    >>> reference_title("others"), reference_title("human:majority")
    ("others' majority (same footing as the ceiling)", 'human:majority')
    >>> reference_title("others", "rating"), reference_title("human:majority", "rating")
    ("others' mean (same footing as the ceiling)", 'human:majority (the annotators’ mean)')
    """
    rating = protocol == "rating"
    if reference == SAME_FOOTING:
        return (
            SAME_FOOTING_LABEL.replace(vocab.OTHERS, vocab.OTHERS_MEAN)
            if rating
            else SAME_FOOTING_LABEL
        )
    if rating and reference == MAJORITY:
        return f"{MAJORITY} (the annotators’ mean)"
    return str(reference)


def read_env_data() -> pd.DataFrame | None:
    path = os.environ.get("WORKBENCH_EXPLORER_DATA")
    if not path:
        return None
    return schema.conform(pd.read_parquet(path))
