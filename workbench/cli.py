"""Command-line entry point ``workbench``: the only module that parses argv.

Run ``workbench <command> --help`` for the options and examples of each command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

__all__ = ["main", "overview"]

DESCRIPTION = """\
Does this LLM judge agree with people? Load public judge datasets or your own judgments,
measure judge-human agreement with confidence intervals beside the human ceiling, and
probe judge biases.

Your own judgments: a tidy table (.csv / .jsonl / .parquet, see `workbench validate --help`)
or a FastChat, AlpacaEval, Inspect, JudgeBench or prometheus-eval file (`--from <format>`)."""

EXAMPLES = """\
examples:
  workbench datasets                          what is available
  workbench agreement pandalm --format markdown
  workbench validate my_judgments.csv         check your own table before analysing it
  workbench agreement gpt-4_pair.jsonl --from fastchat --reference gpt-4
  workbench probe position_preference llmbar --judge GPT-4/Vanilla_NoRules --reference gold
  workbench overview --dataset pandalm"""

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
LEGEND = (
    "estimate [ci_low, ci_high]: 95% item-bootstrap (BCa) interval; reference: what the judge "
    "is compared with (others' majority = each annotator's other annotators, the human "
    "ceiling's own footing; human = the majority or the source's label; gold = curated)."
)
FORMATS = ("table", "csv", "markdown", "latex")
SOURCES = ("tidy", "fastchat", "alpaca_eval", "inspect", "judgebench", "prometheus")
OUT_SUFFIXES = (".csv", ".parquet", ".jsonl", ".xlsx")
TEXT_WIDTH = 40
"""Characters of a text column shown by ``workbench load`` (longer texts end in '…')."""


def overview(
    *, n_resamples: int = 1000, rng: int = 0, datasets: list[str] | None = None
) -> pd.DataFrame:
    """Judge-vs-human agreement of every judge in the overview datasets, with CIs.

    Parameters
    ----------
    datasets : list of str, optional
        Only these (names of :data:`OVERVIEW`); default all of them.

    Returns
    -------
    DataFrame
        ``dataset`` plus the columns of :func:`workbench.agreement`.
    """
    from . import tables
    from .loaders import load

    names = list(OVERVIEW) if not datasets else datasets
    unknown = [n for n in names if n not in OVERVIEW]
    if unknown:
        raise ValueError(
            f"--dataset: {unknown} not in the overview; expected some of {list(OVERVIEW)}"
        )
    frames = []
    for name in names:
        reference, by = OVERVIEW[name]
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
        "display.max_rows", 500, "display.width", 200, "display.max_columns", 30
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


def _out_file(text: str) -> str:
    """An argparse type: a path whose suffix says the format (:data:`OUT_SUFFIXES`)."""
    if Path(text).suffix.lower() not in OUT_SUFFIXES:
        raise argparse.ArgumentTypeError(
            f"expected a file name ending in one of {list(OUT_SUFFIXES)}, got {text!r}"
        )
    return text


def write_table(df: pd.DataFrame, path: str) -> None:
    """Write ``df`` in the format its suffix says; ``.xlsx`` needs openpyxl (else a clear error)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise ValueError(
                f"{path}: writing .xlsx needs openpyxl (pip install openpyxl); "
                "or write .csv / .parquet / .jsonl"
            ) from None
        df.to_excel(path, index=False)
    else:
        raise ValueError(f"{path}: unknown suffix; expected one of {list(OUT_SUFFIXES)}")


def _table(spec: str, source: str = "tidy") -> pd.DataFrame:
    """A registered dataset by name, or a file: a tidy table or one of the importers' formats."""
    from .loaders import DATASETS, load

    if source != "tidy":
        from .importers import IMPORTERS

        return IMPORTERS[source](spec)
    if spec in DATASETS:
        return load(spec)
    path = Path(spec)
    if path.is_file():
        from .byo import read

        return read(path)
    raise ValueError(
        f"{spec!r} is neither a dataset (known: {sorted(DATASETS)}) nor a file; for a file in "
        f"another format add --from <format> (one of {list(SOURCES[1:])})"
    )


def _short(df: pd.DataFrame, width: int = TEXT_WIDTH) -> pd.DataFrame:
    """Text columns cut to ``width`` characters, newlines shown as spaces."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col].dtype) and not isinstance(
            out[col].dtype, pd.CategoricalDtype
        ):
            s = out[col].astype("string").str.replace(r"\s+", " ", regex=True)
            out[col] = s.where(s.str.len() <= width, s.str.slice(0, width - 1) + "…")
    return out


def summary(df: pd.DataFrame, name: str) -> str:
    """What a table holds: subsets, raters by kind, labels, orders, and which columns are present."""
    lines = [f"{name}: {len(df)} rows, {df['item_id'].nunique()} items"]
    protocols = df["protocol"].astype(str).value_counts()
    lines.append("protocol: " + ", ".join(f"{p} ({n})" for p, n in protocols.items()))
    criteria = df["criterion"].unique().tolist()
    if len(criteria) > 1:
        lines.append(f"criteria ({len(criteria)}): " + ", ".join(map(str, criteria[:8])))
    if df["subset"].notna().any():
        subsets = df["subset"].value_counts()
        shown = ", ".join(f"{s} ({n})" for s, n in subsets.head(8).items())
        more = f", ... {len(subsets) - 8} more" if len(subsets) > 8 else ""
        lines.append(f"subsets ({len(subsets)}): {shown}{more}")
    for kind, raters in df.groupby(df["rater_kind"].astype(str))["rater"]:
        names = sorted(raters.unique())
        shown = ", ".join(names[:6]) + (f", ... {len(names) - 6} more" if len(names) > 6 else "")
        lines.append(f"raters, {kind} ({len(names)}): {shown}")
    labels = df["label"].astype(object).fillna("NA")[df["protocol"].astype(str) != "rating"]
    if len(labels):
        counts = labels.value_counts()
        lines.append("labels: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if df["score"].notna().any():
        s = df["score"].astype(float)
        lines.append(f"scores: {s.min():g} to {s.max():g}, mean {s.mean():.3g}")
    orders = df["order"].astype(object).dropna().unique().tolist()
    lines.append(
        "orders: " + (", ".join(sorted(orders)) if orders else "none (one order or unknown)")
    )
    present = [c for c in df.columns if df[c].notna().any()]
    absent = [c for c in df.columns if c not in present]
    lines.append("columns with values: " + ", ".join(present))
    if absent:
        lines.append("columns all NA: " + ", ".join(absent))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="workbench", description=DESCRIPTION, epilog=EXAMPLES, formatter_class=raw
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, examples: str) -> argparse.ArgumentParser:  # noqa: A002
        return sub.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog="examples:\n" + examples,
            formatter_class=raw,
        )

    def source(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--from",
            dest="source",
            choices=SOURCES,
            default="tidy",
            help="format of a FILE: a tidy table (default; .csv/.jsonl/.parquet) or an importer's",
        )

    command(
        "datasets",
        "list the registered datasets with rows, raters and licenses",
        "  workbench datasets",
    )
    p = command(
        "load",
        "load one dataset and summarise it (or write it with --out)",
        "  workbench load pandalm               summary and the first rows, texts cut\n"
        "  workbench load pandalm --head 0      summary only\n"
        "  workbench load pandalm --out pandalm.parquet",
    )
    p.add_argument("name", help="dataset name (see `workbench datasets`)")
    p.add_argument("--head", type=_count(0), default=5, help="rows to print (default 5)")
    p.add_argument(
        "--out",
        type=_out_file,
        help="write the table; the suffix picks the format: .csv .parquet .jsonl .xlsx",
    )
    p = command(
        "validate",
        "check a judgment file against the tidy schema (exit status 1 if it fails)",
        "  workbench validate my_judgments.csv\n"
        "  workbench validate gpt-4_pair.jsonl --from fastchat\n\n"
        "A tidy file has one row per (item_id, rater, order, criterion) with the columns\n"
        "dataset, item_id, protocol (pairwise/binary/rating), rater and label (A/B/tie or\n"
        "correct/incorrect) or score; criterion defaults to 'overall', rater_kind follows the\n"
        "rater id (human, human:<id>, gold, anything else an llm judge). Errors name the\n"
        "file, the row and the field.",
    )
    p.add_argument("path", help="the file")
    source(p)
    p = command(
        "agreement",
        "judge-human agreement with confidence intervals and the human ceiling",
        "  workbench agreement pandalm --format markdown\n"
        "  workbench agreement llmbar --reference gold --by subset --statistic cohen_kappa\n"
        "  workbench agreement mine.csv --format latex > table.tex",
    )
    p.add_argument("data", metavar="DATASET|FILE", help="a dataset name or a file")
    source(p)
    p.add_argument("--judge", action="append", help="a judge rater id (repeatable; default all)")
    p.add_argument("--reference", help="rater id, 'human' or 'others' (default: same footing)")
    p.add_argument("--by", action="append", help="slice by this column (repeatable)")
    p.add_argument("--statistic", action="append", help="statistic name (repeatable)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), csv, markdown or latex (paper-ready, CIs inline)",
    )
    p.add_argument("--n-resamples", type=_count(1), default=2000, help="bootstrap resamples")
    p = command(
        "probe",
        "run one bias probe (position, length, leniency, ...) on a dataset or file",
        "  workbench probe position_preference llmbar --judge GPT-4/Vanilla_NoRules\n"
        "  workbench probe length_preference pandalm --format csv\n\n"
        "Probe names: position_preference, length_preference, style_preference, leniency,\n"
        "self_preference, rating_offset, ... (workbench.bias.PROBES).",
    )
    p.add_argument("name", help="probe name")
    p.add_argument("data", metavar="DATASET|FILE", help="a dataset name or a file")
    source(p)
    p.add_argument("--judge", action="append", help="a judge rater id (repeatable; default all)")
    p.add_argument("--reference", help="reference rater id (default: the probe's)")
    p.add_argument("--by", action="append", help="run per value of this column (repeatable)")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p = command(
        "overview",
        "every judge against people in the overview datasets, with CIs",
        "  workbench overview\n  workbench overview --dataset pandalm --n-resamples 200",
    )
    p.add_argument(
        "--dataset", action="append", choices=list(OVERVIEW), help="only this dataset (repeatable)"
    )
    p.add_argument("--n-resamples", type=_count(1), default=1000)
    p = command(
        "reproduce",
        "regenerate figures/ and figures/reproduced.csv",
        "  workbench reproduce\n  workbench reproduce --only jtj_kappa --no-png",
    )
    p.add_argument("--out", default=None, help="output directory (default: figures/)")
    p.add_argument("--no-png", action="store_true", help="write interactive HTML only")
    p.add_argument(
        "--only", action="append", metavar="FIGURE", help="regenerate only this figure (repeatable)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``workbench`` command; returns the exit status.

    Bad arguments exit with status 2 and argparse's usage message; an error while running
    (an unknown dataset or figure, a file that cannot be read or written, a table or raw file
    that breaks the schema) prints ``workbench <command>: error: <message>`` on stderr and
    returns 1, without a traceback.
    """
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except (ValueError, OSError, KeyError) as err:  # SchemaError, LoadError, ChecksumError
        print(f"workbench {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0


def _emit(df: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        print(df.to_csv(index=False), end="")
    elif fmt in ("markdown", "latex"):
        from .report import format as report

        print(report(df, style=fmt))
    else:
        _print(df)


def _run(args: argparse.Namespace) -> None:
    """Carry out the parsed command (errors propagate to :func:`main`)."""
    if args.command == "datasets":
        from .loaders import datasets

        _print(datasets()[["name", "protocol", "rows", "raters", "license", "citation"]])
    elif args.command == "load":
        from .loaders import DATASETS, load

        df = load(args.name)
        if args.out:
            write_table(df, args.out)
            print(f"wrote {len(df)} rows to {args.out}")
        elif DATASETS[args.name].protocol == "summary":
            print(f"{args.name}: {len(df)} rows x {df.shape[1]} columns (summary statistics)")
            _print(_short(df.head(args.head)))
        else:
            print(summary(df, args.name))
            if args.head:
                print()
                keep = [c for c in df.columns if df[c].notna().any()]
                _print(_short(df[keep].head(args.head)))
    elif args.command == "validate":
        df = _table(args.path, args.source) if args.source != "tidy" else _read(args.path)
        print(f"{args.path}: valid.")
        print(summary(df, args.path))
    elif args.command == "agreement":
        from .agreement import agreement

        res = agreement(
            _table(args.data, args.source),
            judges=args.judge,
            reference=args.reference,
            statistics=args.statistic,
            by=args.by,
            n_resamples=args.n_resamples,
        )
        if args.format == "table":
            keep = [*(args.by or []), "judge", "reference", "statistic", "estimate", "ci_low"]
            keep += ["ci_high", "n_items", "gap_to_ceiling", "note"]
            res = res[[c for c in keep if c in res.columns]]
        _emit(res, args.format)
    elif args.command == "probe":
        from .bias import PROBES

        if args.name not in PROBES:
            raise ValueError(f"probe: unknown {args.name!r}; known: {sorted(PROBES)}")
        kw = {"judge": args.judge, "by": args.by}
        if args.reference:
            kw["reference"] = args.reference
        res = PROBES[args.name](_table(args.data, args.source), **kw)
        _emit(res, args.format)
    elif args.command == "overview":
        res = overview(n_resamples=args.n_resamples, datasets=args.dataset)
        keep = ["dataset", "subset", "judge", "reference", "statistic", "estimate", "ci_low"]
        keep += ["ci_high", "n_items"]
        _print(res[[c for c in keep if c in res.columns]])
        print("\n" + LEGEND)
    elif args.command == "reproduce":
        from .figures import FIGURES, reproduce

        unknown = [n for n in args.only or [] if n not in FIGURES]
        if unknown:
            raise ValueError(f"--only: unknown figure(s) {unknown}; known: {sorted(FIGURES)}")
        reproduce(args.out, png=not args.no_png, names=args.only)


def _read(path: str) -> pd.DataFrame:
    from .byo import read

    return read(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
