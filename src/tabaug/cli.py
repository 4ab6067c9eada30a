"""The ``tabaug`` command: a thin shell over the Python API.

Each subcommand reads its input, makes one call into the library, and
formats the result::

    tabaug demo [--plot FILE]
    tabaug audit FILE --target COL [--split COL] [--format text|json|html] [--output PATH]
    tabaug compare FILE --target COL [--estimator NAME] [--strategies A,B] [--folds K]
                   [--repeats R]
    tabaug evaluate FILE --true COL --pred COL [--score COL ...] [--format ...] [--output PATH]
    tabaug resample FILE --target COL --method {random-over,random-under,smote,noise}
                   [--sampling-strategy S] [--random-state N] --output PATH

Files are CSV or Parquet (Parquet needs pyarrow: ``pip install "tabaug[parquet]"``).
Exit status: 0 on success, 2 on a usage error (unknown option, missing
argument), 1 on a data error (missing file or column, unreadable file,
one-class target), with a one-line ``tabaug: error: ...`` message.

Examples
--------
>>> from tabaug.cli import main
>>> main(["audit", "no-such-file.csv", "--target", "label"])
1
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from tabaug import __version__
from tabaug.exceptions import TabaugError
from tabaug.utils import _io

__all__ = ["main"]

_METHODS = {
    "random-over": "RandomOverSampler",
    "random-under": "RandomUnderSampler",
    "smote": "SMOTE",
    "noise": "GaussianNoiseOverSampler",
}
_NAMED_STRATEGIES = ("auto", "minority", "not minority", "not majority", "all", "majority")


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")


def _render(report: Any, fmt: str) -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "html":
        return report.to_html()
    return str(report)


def _run_demo(args: argparse.Namespace) -> None:
    from tabaug._demo import run_demo

    _emit(run_demo(plot=args.plot), None)
    if args.plot:
        sys.stderr.write(f"figure saved to {args.plot}\n")


def _run_audit(args: argparse.Namespace) -> None:
    from tabaug import audit

    result = audit(
        args.file,
        target=args.target,
        split=args.split,
        minority_threshold=args.minority_threshold,
        check_leakage=args.check_leakage,
    )
    _emit(_render(result, args.format), args.output)
    if args.plot:
        result.plot(args.plot)


def _whole_numbers(values: pd.Series) -> pd.Series:
    """Read 1.0 and 1 as the same label: float columns of whole numbers become int."""
    if pd.api.types.is_float_dtype(values) and (values == values.round()).all():
        return values.astype("int64")
    return values


def _run_evaluate(args: argparse.Namespace) -> None:
    from tabaug import evaluate
    from tabaug.exceptions import InvalidInputError

    scores = args.score or []
    frame = _io.read_table(args.file, columns=list(dict.fromkeys([args.true, args.pred, *scores])))
    for column in (args.true, args.pred, *scores):
        missing = int(frame[column].isna().sum())
        if missing:
            raise InvalidInputError(
                f"{args.file}: column {column!r} has {missing} empty values; every row needs one"
            )
    y_score = None
    if scores:
        y_score = frame[scores].to_numpy(dtype=float)
        y_score = y_score[:, 0] if len(scores) == 1 else y_score
    report = evaluate(
        _whole_numbers(frame[args.true]), _whole_numbers(frame[args.pred]), y_score=y_score
    )
    _emit(_render(report, args.format), args.output)
    if args.plot:
        report.plot(args.plot)


def _strategy_argument(text: str) -> Any:
    """argparse type of --sampling-strategy: a bad spelling is a usage error (exit 2).

    Accepts a float in (0, 1], a named strategy, ``label=count`` pairs, or a
    JSON or Python dict such as ``'{"yes": 500}'`` / ``"{1: 500}"``.
    """
    if text in _NAMED_STRATEGIES:
        return text
    try:
        ratio = float(text)
    except ValueError:
        ratio = None
    if ratio is not None:
        if not 0 < ratio <= 1:
            raise argparse.ArgumentTypeError(
                f"{text!r}: a float is the wanted minority/majority ratio, in (0, 1]"
            )
        return ratio
    try:
        if text.lstrip().startswith("{"):
            try:
                pairs = json.loads(text).items()
            except ValueError:
                pairs = ast.literal_eval(text).items()
        else:
            pairs = [item.split("=", 1) for item in text.split(",")]
        return {str(key).strip(): int(value) for key, value in pairs}
    except (ValueError, TypeError, SyntaxError, AttributeError) as error:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a float, one of {', '.join(_NAMED_STRATEGIES)}, or "
            "label=count pairs such as 'yes=500,no=500'"
        ) from error


def _sampling_strategy(strategy: Any, labels: pd.Series) -> Any:
    """Map the class names of a parsed --sampling-strategy dict onto the target's labels."""
    from tabaug.exceptions import InvalidInputError

    if not isinstance(strategy, dict):
        return strategy
    by_text = {str(label): label for label in labels.unique()}
    unknown = [key for key in strategy if key not in by_text]
    if unknown:
        raise InvalidInputError(
            f"--sampling-strategy names classes not in the target: {', '.join(unknown)}; "
            f"the classes are {', '.join(by_text)}"
        )
    return {by_text[key]: count for key, count in strategy.items()}


def _run_resample(args: argparse.Namespace) -> None:
    import tabaug

    _io.require_columns(args.file, [args.target])
    frame = _io.read_table(args.file)
    y = frame[args.target]
    X = frame.drop(columns=[args.target])
    sampler_class = getattr(tabaug, _METHODS[args.method])
    sampler = sampler_class(
        sampling_strategy=_sampling_strategy(args.sampling_strategy, y),
        random_state=args.random_state,
    )
    X_res, y_res = sampler.fit_resample(X, y)
    result = X_res.assign(**{args.target: pd.Series(y_res).to_numpy()})[list(frame.columns)]
    _io.write_table(result, args.output)
    before = y.value_counts().to_dict()
    after = pd.Series(y_res).value_counts().to_dict()
    summary = ", ".join(f"{label}: {before.get(label, 0)} -> {after[label]}" for label in after)
    sys.stderr.write(f"{args.output}: {len(frame)} -> {len(result)} rows ({summary})\n")


def _add_demo(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="show the accuracy paradox, then what SMOTE in a pipeline changes on real data",
        description="Part 1: 100 rows of class 0, 10 of class 1, a model that always predicts 0. "
        "Part 2: a shipped dataset, a plain classifier against the same classifier with SMOTE "
        "inside a Pipeline, evaluated on an untouched stratified test split.",
    )
    parser.add_argument("--plot", metavar="FILE", help="also save the figure there (matplotlib)")
    parser.set_defaults(run=_run_demo)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=["text", "json", "html"], default="text", help="default: text"
    )
    parser.add_argument("--output", metavar="PATH", help="write there instead of stdout")
    parser.add_argument("--plot", metavar="FILE", help="also save a PNG chart (matplotlib)")


def _add_audit(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="class counts, imbalance and drift per split of a CSV/Parquet file",
        description="Audit the class balance of a target column, per split if a split column "
        "is given. Without --check-leakage only those columns are read, chunk by chunk.",
    )
    parser.add_argument("file", help="CSV or Parquet file")
    parser.add_argument("--target", required=True, metavar="COL", help="the class column")
    parser.add_argument("--split", metavar="COL", help="column naming each row's split")
    parser.add_argument(
        "--check-leakage",
        action="store_true",
        help="also count rows of other splits that exactly repeat a training row "
        "(reads every column)",
    )
    parser.add_argument(
        "--minority-threshold",
        type=float,
        default=0.5,
        metavar="F",
        help="minority: overall share below F / number of classes (default: 0.5)",
    )
    _add_output_options(parser)
    parser.set_defaults(run=_run_audit)


def _add_evaluate(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate predictions in a file against the majority-class baseline",
        description="Compare predicted with true labels, with the accuracy-paradox verdict.",
    )
    parser.add_argument("file", help="CSV or Parquet file")
    parser.add_argument("--true", required=True, metavar="COL", help="column of true labels")
    parser.add_argument("--pred", required=True, metavar="COL", help="column of predictions")
    parser.add_argument(
        "--score",
        nargs="+",
        metavar="COL",
        help="score column(s): one for two classes (score of the greater label), else one "
        "per class in sorted label order",
    )
    _add_output_options(parser)
    parser.set_defaults(run=_run_evaluate)


def _add_resample(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "resample",
        help="write a resampled copy of a CSV/Parquet file",
        description="Resample a whole file. Only resample training data: resampling before a "
        "train/test split leaks copies of training rows into the test set.",
    )
    parser.add_argument("file", help="CSV or Parquet file")
    parser.add_argument("--target", required=True, metavar="COL", help="the class column")
    parser.add_argument("--method", required=True, choices=list(_METHODS))
    parser.add_argument(
        "--sampling-strategy",
        default="auto",
        type=_strategy_argument,
        metavar="S",
        help="a float, auto/minority/not minority/not majority/all, or label=count pairs "
        "such as 'yes=500,no=500' (default: auto)",
    )
    parser.add_argument("--random-state", type=int, default=None, metavar="N")
    parser.add_argument(
        "--output", required=True, metavar="PATH", help=".parquet for Parquet, else CSV"
    )
    parser.set_defaults(run=_run_resample)


def _strategies_argument(text: str) -> list[str]:
    """argparse type of --strategies: names (commas allowed), checked here (usage error)."""
    from tabaug._compare import _STRATEGY_NAMES

    names = [name.strip().replace("-", "_") for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in _STRATEGY_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown strategies {', '.join(unknown) or text!r}; choose from "
            f"{', '.join(_STRATEGY_NAMES)}"
        )
    return names


def _at_least(minimum: int) -> Callable[[str], int]:
    """argparse type: an integer no smaller than ``minimum`` (else a usage error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: expected an integer >= {minimum}")
        return value

    return parse


def _run_compare(args: argparse.Namespace) -> None:
    from tabaug import compare
    from tabaug._compare import make_estimator

    _io.require_columns(args.file, [args.target])
    frame = _io.read_table(args.file)
    X = frame.drop(columns=[args.target])
    y = frame[args.target]
    result = compare(
        X,
        y,
        estimator=make_estimator(args.estimator, X, random_state=args.random_state),
        strategies=[name for group in args.strategies for name in group]
        if args.strategies else None,
        cv=args.folds,
        n_repeats=args.repeats,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        progress=sys.stderr.isatty(),
    )
    _emit(_render(result, args.format), args.output)
    if args.plot:
        result.plot(args.plot)


def _add_compare(subparsers: Any) -> None:
    from tabaug._compare import _ESTIMATOR_NAMES

    parser = subparsers.add_parser(
        "compare",
        help="compare resampling strategies against no resampling with cross-validation",
        description="Run each strategy through the same repeated stratified folds, "
        "resampling inside training folds only, and report which ones beat no resampling "
        "(corrected resampled t-test, Holm correction). Categorical columns are encoded "
        "inside the model, after the resampler.",
    )
    parser.add_argument("file", help="CSV or Parquet file")
    parser.add_argument("--target", required=True, metavar="COL", help="the class column")
    parser.add_argument(
        "--estimator", choices=list(_ESTIMATOR_NAMES), default="logistic",
        help="default: logistic",
    )
    parser.add_argument(
        "--strategies", type=_strategies_argument, nargs="+", default=None, metavar="NAME",
        help="e.g. none class_weight smote (or none,class_weight,smote); default: none, "
        "class_weight, threshold, random_over, random_under, smote, noise",
    )
    parser.add_argument("--folds", type=_at_least(2), default=5, metavar="K",
                        help="default: 5")
    parser.add_argument("--repeats", type=_at_least(1), default=3, metavar="R",
                        help="default: 3")
    parser.add_argument("--random-state", type=int, default=0, metavar="N", help="default: 0")
    parser.add_argument("--n-jobs", type=int, default=None, metavar="N")
    parser.add_argument("--format", choices=["text", "json", "html"], default="text",
                        help="default: text")
    parser.add_argument("--output", metavar="PATH", help="write there instead of stdout")
    parser.add_argument("--plot", metavar="FILE", help="also save a PNG chart (matplotlib)")
    parser.set_defaults(run=_run_compare)


# Each entry adds one subcommand; a new command is one more function here.
_COMMANDS: list[Callable[[Any], None]] = [
    _add_demo, _add_audit, _add_evaluate, _add_resample, _add_compare,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tabaug`` command."""
    parser = argparse.ArgumentParser(
        prog="tabaug",
        description="See, fix and choose for class imbalance.",
    )
    parser.add_argument("--version", action="version", version=f"tabaug {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _COMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tabaug`` command; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 on a data error; usage errors exit with status 2
        through argparse.

    Examples
    --------
    >>> from tabaug.cli import main
    >>> main(["evaluate", "missing.csv", "--true", "y", "--pred", "p"])
    1
    """
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (TabaugError, ValueError, TypeError, ImportError, OSError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        sys.stderr.write(f"tabaug: error: {message}\n")
        return 1
    return 0
