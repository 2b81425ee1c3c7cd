"""Command-line entry point ``workbench``: the only module that parses argv.

Commands
--------
``workbench datasets``
    The registered datasets with rows, raters and licenses.
``workbench load NAME [--head N] [--out FILE]``
    Load one dataset; print a summary or write it (``.parquet`` / ``.csv``).
``workbench overview [--n-resamples N]``
    Every judge against the human reference of every judgment dataset:
    percent agreement and Cohen's kappa with 95% bootstrap CIs, beside the
    human ceiling where a dataset has several people per item.
``workbench reproduce [--out DIR] [--no-png] [--only FIGURE ...]``
    Regenerate every figure into ``figures/`` and ``figures/reproduced.csv``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

__all__ = ["main", "overview"]

# Datasets the overview covers: reference rater (None: agreement()'s same-footing
# default, the others' majority wherever items have two or more annotators) and slicing columns.
OVERVIEW: dict[str, tuple[str | None, list[str]]] = {
    "llmbar": ("gold", ["subset"]),  # curated gold only
    "pandalm": (None, []),
    "judging_the_judges": (None, ["subset"]),  # one aggregated human label: no ceiling
    "llmfao": (None, []),
    "arena_judges": (None, []),
}
STATISTICS = ("percent_agreement", "cohen_kappa")


def overview(*, n_resamples: int = 1000, rng: int = 0) -> pd.DataFrame:
    """Judge-vs-human agreement of every judge in the overview datasets, with CIs.

    Returns
    -------
    DataFrame
        ``dataset`` plus the columns of :func:`workbench.agreement`.
    """
    from . import tables
    from .loaders import load

    frames = []
    for name, (reference, by) in OVERVIEW.items():
        df = load(name)
        if name == "llmbar":  # the paper's headline sets and its two main strategies
            keep = df["subset"].str.startswith(("Natural", "Adversarial")) & (
                df["strategy"].isin(["Vanilla_NoRules", "Metrics_Reference"])
                | df["rater"].eq("gold")
            )
            df = df[keep.fillna(False)]
            df = df.assign(subset=df["subset"].str.split("/").str[0])
        res = tables.agreement(
            df, reference=reference, statistics=STATISTICS, by=by, n_resamples=n_resamples, rng=rng
        )
        frames.append(res.assign(dataset=name, subset=res.get("subset", pd.NA)))
    out = pd.concat(frames, ignore_index=True)
    return out[["dataset", *[c for c in out.columns if c != "dataset"]]]


def _print(df: pd.DataFrame) -> None:
    with pd.option_context(
        "display.max_rows", 500, "display.width", 200, "display.max_columns", 20
    ):
        print(df.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


def _count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum`` (argparse words the error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {value}")
        return value

    return parse


def _table_file(text: str) -> str:
    """An argparse type: a path ending in ``.csv`` or ``.parquet``."""
    if not text.lower().endswith((".csv", ".parquet")):
        raise argparse.ArgumentTypeError(f"expected a .parquet or .csv file name, got {text!r}")
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the ``workbench`` command; returns the exit status.

    Bad arguments exit with status 2 and argparse's usage message; an error while running
    (an unknown dataset or figure, a file that cannot be read or written, a raw file that
    does not parse) prints ``workbench <command>: error: <message>`` on stderr and returns 1,
    without a traceback.
    """
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("datasets", help="list the registered datasets")
    p_load = sub.add_parser("load", help="load one dataset")
    p_load.add_argument("name")
    p_load.add_argument("--head", type=_count(0), default=5, help="rows to print (default 5)")
    p_load.add_argument(
        "--out", type=_table_file, help="write the table to this .parquet or .csv file"
    )
    p_over = sub.add_parser("overview", help="judge-vs-human agreement overview with CIs")
    p_over.add_argument("--n-resamples", type=_count(1), default=1000)
    p_rep = sub.add_parser("reproduce", help="regenerate figures/ and figures/reproduced.csv")
    p_rep.add_argument("--out", default=None, help="output directory (default: figures/)")
    p_rep.add_argument("--no-png", action="store_true", help="write interactive HTML only")
    p_rep.add_argument(
        "--only", action="append", metavar="FIGURE", help="regenerate only this figure (repeatable)"
    )
    args = parser.parse_args(argv)
    try:
        _run(args)
    except (ValueError, OSError) as err:  # SchemaError, LoadError, ChecksumError included
        print(f"workbench {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> None:
    """Carry out the parsed command (errors propagate to :func:`main`)."""
    if args.command == "datasets":
        from .loaders import datasets

        _print(datasets()[["name", "protocol", "rows", "raters", "license", "citation"]])
    elif args.command == "load":
        from .loaders import load

        df = load(args.name)
        if args.out:
            if args.out.endswith(".csv"):
                df.to_csv(args.out, index=False)
            else:
                df.to_parquet(args.out, index=False)
            print(f"wrote {len(df)} rows to {args.out}")
        else:
            print(f"{args.name}: {len(df)} rows x {df.shape[1]} columns")
            _print(df.head(args.head))
    elif args.command == "overview":
        res = overview(n_resamples=args.n_resamples)
        keep = ["dataset", "subset", "judge", "reference", "statistic", "estimate", "ci_low"]
        keep += ["ci_high", "n_items"]
        _print(res[[c for c in keep if c in res.columns]])
    elif args.command == "reproduce":
        from .figures import FIGURES, reproduce

        unknown = [n for n in args.only or [] if n not in FIGURES]
        if unknown:
            raise ValueError(f"--only: unknown figure(s) {unknown}; known: {sorted(FIGURES)}")
        reproduce(args.out, png=not args.no_png, names=args.only)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
