"""Agreement tables people paste into papers: markdown or LaTeX, CIs inline, best judge in bold.

:func:`format` turns a table of :func:`workbench.agreement` into text: one row per judge (and
the human ceiling, last), one column per statistic, each cell ``0.79 [0.76, 0.81]``
(estimate and confidence interval), the best judge of each column in bold (the ceiling is
not a judge and is never bold), and a footnote naming the statistic(s), the reference and
the number of items.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"judge": ["gpt-4", "claude", "human ceiling"],
...                   "reference": ["others' majority"] * 3,
...                   "statistic": ["cohen_kappa"] * 3, "estimate": [0.791, 0.702, 0.85],
...                   "ci_low": [0.761, 0.66, 0.81], "ci_high": [0.812, 0.74, 0.88],
...                   "n_items": [200, 200, 200], "kind": ["judge", "judge", "ceiling"]})
>>> print(format(t))
| judge | Cohen's κ |
|---|---|
| gpt-4 | **0.79 [0.76, 0.81]** |
| claude | 0.70 [0.66, 0.74] |
| human ceiling | 0.85 [0.81, 0.88] |
<BLANKLINE>
Estimates with 95% bootstrap confidence intervals; best judge per column in bold. Statistic: Cohen's κ. Reference: others' majority. n = 200 items.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._validate import check_columns, check_option
from .vocab import CEILING

__all__ = ["NAMES", "STYLES", "format"]

STYLES: tuple[str, ...] = ("markdown", "latex")
"""Output styles of :func:`format`."""

NAMES: dict[str, str] = {
    "percent_agreement": "agreement",
    "cohen_kappa": "Cohen's κ",
    "scott_pi": "Scott's π",
    "fleiss_kappa": "Fleiss' κ",
    "krippendorff_alpha": "Krippendorff's α",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan–Prediger",
    "kendall_tau": "Kendall's τ",
    "spearman_rho": "Spearman's ρ",
    "pearson_r": "Pearson's r",
    "icc": "ICC",
}
"""Display names of statistics (others are shown as they are spelled)."""

_LATEX_NAMES = {"κ": r"$\kappa$", "π": r"$\pi$", "α": r"$\alpha$", "τ": r"$\tau$"}
_LATEX_NAMES |= {"ρ": r"$\rho$", "–": "--", "%": r"\%"}


def _cell(row: pd.Series, digits: int) -> str:
    est = row["estimate"]
    if pd.isna(est):
        return "–"
    text = f"{est:.{digits}f}"
    lo, hi = row.get("ci_low"), row.get("ci_high")
    if lo is not None and hi is not None and not (pd.isna(lo) or pd.isna(hi)):
        text += f" [{lo:.{digits}f}, {hi:.{digits}f}]"
    return text


def _latex(text: str) -> str:
    for a, b in {"\\": r"\textbackslash{}", "&": r"\&", "_": r"\_", "#": r"\#"}.items():
        text = text.replace(a, b)
    for a, b in _LATEX_NAMES.items():
        text = text.replace(a, b)
    return text


def format(  # noqa: A001 - the module's one verb, called as report.format
    table: pd.DataFrame,
    style: str = "markdown",
    *,
    digits: int = 2,
    confidence_level: float = 0.95,
    by: Sequence[str] | None = None,
) -> str:
    """A paper-ready text table of an agreement table.

    Parameters
    ----------
    table : DataFrame
        A result of :func:`workbench.agreement` (columns ``judge``, ``statistic``,
        ``estimate``, ``ci_low``, ``ci_high``, ``n_items``; ``reference`` and ``kind`` when
        present).
    style : {"markdown", "latex"}, default "markdown"
        GitHub-flavoured markdown, or a LaTeX ``tabular`` with booktabs rules.
    digits : int, default 2
        Decimals of estimates and bounds.
    confidence_level : float, default 0.95
        Only for the footnote (the table does not record it): pass what agreement used.
    by : sequence of str, optional
        Grouping columns shown before the judge (default: ``subset``, ``criterion``,
        ``turn``, ``order`` when the table has them).

    Returns
    -------
    str
        The table and its footnote. Bold = the highest estimate among judges (not the
        ceiling) in each column and group; a NaN estimate is ``–``, an estimate without an
        interval is shown alone.
    """
    check_option("style", style, STYLES)
    check_columns(table, ["judge", "statistic", "estimate", "ci_low", "ci_high", "n_items"])
    if by is None:
        by = [c for c in ("subset", "criterion", "turn", "order") if c in table.columns]
    by = list(by)
    t = table.reset_index(drop=True)
    statistics = list(dict.fromkeys(t["statistic"]))
    keys = [*by, "judge"]
    rows = t[keys].drop_duplicates().reset_index(drop=True)
    is_ceiling = t["kind"].eq("ceiling") if "kind" in t.columns else t["judge"].eq(CEILING)
    rows["_ceiling"] = rows["judge"].eq(CEILING)
    rows = rows.sort_values([*by, "_ceiling"], kind="stable").reset_index(drop=True)
    cells = {}
    for stat in statistics:
        part = t[t["statistic"] == stat]
        best = part[~is_ceiling[part.index]].copy()
        best = best[best["estimate"].notna()]
        top = (
            best.groupby(by, dropna=False)["estimate"].transform("max").eq(best["estimate"])
            if by
            else best["estimate"].eq(best["estimate"].max())
        )
        winners = {tuple(r) for r in best.loc[top, keys].itertuples(index=False)}
        for _, r in part.iterrows():
            key = tuple(r[k] for k in keys)
            text = _cell(r, digits)
            bold = key in winners and len(best) > 1
            cells[key, stat] = (text, bold)
    names = [NAMES.get(s, s) for s in statistics]
    body = []
    for _, r in rows.iterrows():
        key = tuple(r[k] for k in keys)
        body.append(
            [str(r[k]) for k in keys] + [cells.get((key, s), ("", False)) for s in statistics]
        )
    refs = sorted(set(t["reference"].dropna().astype(str))) if "reference" in t.columns else []
    n = t["n_items"].dropna().astype(int)
    n_text = "–" if n.empty else f"{n.min()}" if n.min() == n.max() else f"{n.min()}–{n.max()}"
    level = f"{confidence_level:.0%}"
    bold = (
        "; best judge per column in bold" if any(b for r in body for _, b in r[len(keys) :]) else ""
    )
    has_ci = (t["ci_low"].notna() & t["ci_high"].notna()).any()
    what = (
        f"Estimates with {level} bootstrap confidence intervals"
        if has_ci
        else "Estimates (no confidence interval could be computed: see the note column)"
    )
    note = (
        f"{what}{bold}. "
        f"Statistic: {', '.join(names)}. Reference: {', '.join(refs) or 'not given'}. "
        f"n = {n_text} items."
    )
    if style == "markdown":
        head = [*keys, *names]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in body:
            shown = r[: len(keys)] + [f"**{c}**" if b else c for c, b in r[len(keys) :]]
            lines.append("| " + " | ".join(shown) + " |")
        return "\n".join(lines) + "\n\n" + note
    head = [_latex(c) for c in [*keys, *names]]
    width = len(head)
    lines = [
        r"\begin{tabular}{" + "l" * len(keys) + "c" * len(names) + "}",
        r"\toprule",
        " & ".join(head) + r" \\",
        r"\midrule",
    ]
    for r in body:
        shown = [_latex(c) for c in r[: len(keys)]]
        shown += [rf"\textbf{{{_latex(c)}}}" if b else _latex(c) for c, b in r[len(keys) :]]
        lines.append(" & ".join(shown) + r" \\")
    lines += [
        r"\bottomrule",
        rf"\multicolumn{{{width}}}{{l}}{{\footnotesize {_latex(note)}}} \\",
        r"\end{tabular}",
    ]
    return "\n".join(lines)
