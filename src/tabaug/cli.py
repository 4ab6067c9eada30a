"""The ``tabaug`` command: a thin shell over the Python API.

Each subcommand reads its input, makes one call into the library, and
formats the result::

    tabaug demo [--plot FILE]
    tabaug audit FILE --target COL [--split COL] [--check-leakage] [--difficulty]
                 [--format text|json|html] [--output PATH]
    tabaug compare FILE --target COL [--estimator NAME ...] [--strategies A,B]
                   [--probabilities corrected|calibrated] [--test corrected_t|wilcoxon]
                   [--folds K] [--repeats R]
    tabaug evaluate FILE --true COL --pred COL [--score COL ...] [--format ...] [--output PATH]
    tabaug resample FILE --target COL --method {random-over,random-under,smote,noise,ctgan,tvae,
                                                adversarial,adversarial-m2m}
                   [--sampling-strategy S] [--random-state N] --output PATH

Files are CSV or Parquet (Parquet needs pyarrow: ``pip install "tabaug[parquet]"``).
Names take hyphens or underscores (``random-over`` = ``random_over``); the lists
of methods, strategies and estimators are the library's own. The command
checks nothing the library checks: it parses, calls, and reports. Outputs are
written atomically (to a temporary file beside the target, renamed at the
end), so a failure never leaves a truncated file where the old one was.
Exit status: 0 on success, 2 on a usage error (unknown option, missing
argument, a setting the library refuses), 1 on a data error (missing file or
column, unreadable file, one-class target, an output over the memory limit),
with a one-line ``tabaug: error: ...`` message and never a traceback.

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
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.utils._param_validation import InvalidParameterError as SklearnParameterError

from tabaug import __version__
from tabaug.exceptions import InvalidInputError, InvalidParameterError, TabaugError
from tabaug.model_selection import (
    ESTIMATOR_NAMES,
    SAMPLER_NAMES,
    TEST_NAMES,
    add_variants,
    canonical_name,
    make_sampler,
)
from tabaug.utils import (
    atomic_file,
    read_table,
    require_columns,
    write_table,
    write_text_atomic,
)

__all__ = ["main"]

# Library parameter -> the option that sets it, so a setting the library refuses is
# reported as a usage error of that option.
_OPTION_OF = {
    "sampling_strategy": "--sampling-strategy",
    "random_state": "--random-state",
    "minority_threshold": "--minority-threshold",
    "max_rows": "--max-rows",
    "n_repeats": "--repeats",
    "cv": "--folds",
    "n_jobs": "--n-jobs",
    "strategies": "--strategies",
    "strategy": "--strategies",
    "probabilities": "--probabilities",
}


def _emit(text: str, output: str | None) -> None:
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)


def _render(report: Any, fmt: str) -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "html":
        return report.to_html()
    return str(report)


def _write_outputs(report: Any, args: argparse.Namespace) -> None:
    """The report in ``--format`` to ``--output`` (or stdout), and its chart to ``--plot``."""
    _emit(_render(report, args.format), args.output)
    if args.plot:
        with atomic_file(args.plot) as temporary:
            report.plot(temporary)


def _run_demo(args: argparse.Namespace) -> None:
    from tabaug._demo import run_demo

    _emit(run_demo(plot=args.plot), None)
    if args.plot:
        sys.stderr.write(f"figure saved to {args.plot}\n")


@contextmanager
def _data_session(args: argparse.Namespace) -> Iterator[bool]:
    """Yield whether this command runs on Dask, with a client and progress if it does.

    The Dask path is taken for a directory or glob of Parquet files, or when
    ``--scheduler`` is given; ``local`` starts a cluster sized to the machine.
    """
    scheduler = getattr(args, "scheduler", None)
    from tabaug.utils import dask_backend

    if scheduler is None and not _is_dataset(args.file):
        yield False
        return
    backend = dask_backend()
    with backend.dask_client(scheduler or "local"), backend.show_progress(sys.stderr.isatty()):
        yield True


def _is_dataset(path: str) -> bool:
    """A directory or a glob (the Dask path's input), decided without importing Dask."""
    return any(character in path for character in "*?[") or Path(path).is_dir()


def _read(args: argparse.Namespace, on_dask: bool, columns: list[str] | None = None) -> Any:
    """The input table: a lazy Dask DataFrame on the Dask path, else a pandas DataFrame."""
    if on_dask:
        from tabaug.utils import dask_backend

        return dask_backend().read_parquet(args.file, columns=columns)
    return read_table(args.file, columns=columns)


def _run_audit(args: argparse.Namespace) -> None:
    from tabaug import audit

    with _data_session(args) as on_dask:
        if on_dask:
            result = audit(_read(args, True), check_leakage=args.check_leakage or None,
                           **_audit_settings(args))
            _write_outputs(result, args)
            return
    result = audit(args.file, check_leakage=args.check_leakage, **_audit_settings(args))
    _write_outputs(result, args)


def _audit_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The audit's keyword arguments shared by the file and the Dask path."""
    return {
        "target": args.target,
        "split": args.split,
        "minority_threshold": args.minority_threshold,
        "difficulty": args.difficulty,
        "max_rows": args.max_rows,
        "random_state": args.random_state,
    }


def _whole_numbers(values: pd.Series) -> pd.Series:
    """Read 1.0 and 1 as the same label: float columns of whole numbers become int."""
    if pd.api.types.is_float_dtype(values) and (values == values.round()).all():
        return values.astype("int64")
    return values


def _run_evaluate(args: argparse.Namespace) -> None:
    from tabaug import evaluate

    scores = args.score or []
    columns = list(dict.fromkeys([args.true, args.pred, *scores]))
    with _data_session(args) as on_dask:
        frame = _read(args, on_dask, columns)
        if on_dask:
            y_score = None if not scores else frame[scores[0]] if len(scores) == 1 \
                else frame[scores]
            report = evaluate(frame[args.true], frame[args.pred], y_score=y_score)
        else:
            y_score = None
            if scores:
                y_score = frame[scores].to_numpy()
                y_score = y_score[:, 0] if len(scores) == 1 else y_score
            report = evaluate(
                _whole_numbers(frame[args.true]), _whole_numbers(frame[args.pred]),
                y_score=y_score,
            )
    _write_outputs(report, args)


def _strategy_argument(text: str) -> Any:
    """argparse type of --sampling-strategy: parse the spelling; the library judges the value.

    A number becomes a float, ``label=count`` pairs or a JSON/Python dict such
    as ``'{"yes": 500}'`` become a dict, anything else (``auto``, ``minority``,
    ...) is passed on as a name.
    """
    try:
        return float(text)
    except ValueError:
        pass
    if not text.lstrip().startswith("{") and "=" not in text:
        return text
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
            f"{text!r}: expected a float, a name such as 'auto' or 'minority', or "
            "label=count pairs such as 'yes=500,no=500'"
        ) from error


def _sampling_strategy(strategy: Any, labels: pd.Series) -> Any:
    """Map the class names of a parsed --sampling-strategy dict onto the target's labels."""
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
    with _data_session(args) as on_dask:
        if on_dask:
            _resample_on_dask(args)
            return
    require_columns(args.file, [args.target])
    frame = read_table(args.file)
    y = frame[args.target]
    X = frame.drop(columns=[args.target])
    sampler = make_sampler(
        args.method,
        sampling_strategy=_sampling_strategy(args.sampling_strategy, y),
        random_state=args.random_state,
    )
    X_res, y_res = sampler.fit_resample(X, y)
    result = X_res.assign(**{args.target: pd.Series(y_res).to_numpy()})[list(frame.columns)]
    with atomic_file(args.output) as temporary:
        write_table(result, temporary)
    before = y.value_counts().to_dict()
    after = pd.Series(y_res).value_counts().to_dict()
    summary = ", ".join(f"{label}: {before.get(label, 0)} -> {after[label]}" for label in after)
    sys.stderr.write(f"{args.output}: {len(frame)} -> {len(result)} rows ({summary})\n")


def _resample_on_dask(args: argparse.Namespace) -> None:
    """Resample a Parquet dataset partition by partition into a Parquet directory."""
    from tabaug.utils import dask_backend

    backend = dask_backend()
    X, y = backend.split_target(_read(args, True), args.target)
    strategy = args.sampling_strategy
    if isinstance(strategy, dict):
        strategy = _sampling_strategy(strategy, y.unique().compute())
    sampler = make_sampler(args.method, sampling_strategy=strategy,
                           random_state=args.random_state)
    X_res, y_res = sampler.fit_resample(X, y)
    backend.write_resampled(X_res, y_res, args.output, target=args.target)
    sys.stderr.write(f"{args.output}: partitioned Parquet, {X_res.npartitions} partitions\n")


def _add_scheduler_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="run on Dask: 'local' (a cluster sized to this machine) or a scheduler address "
        "such as tcp://host:8786; taken by default, with 'local', when FILE is a directory "
        "or glob of Parquet files (needs the dask extra)",
    )


def _add_demo(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="show the accuracy paradox, then what SMOTE in a pipeline changes on real data",
        description="Part 1: 100 rows of class 0, 10 of class 1, a model that always predicts 0. "
        "Part 2: a shipped dataset, a plain classifier against the same classifier with SMOTE "
        "inside a Pipeline, evaluated on an untouched stratified test split.",
    )
    parser.add_argument("--plot", metavar="FILE", help="also save the figure there (matplotlib)")
    parser.set_defaults(run=_run_demo, command_parser=parser)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=["text", "json", "html"], default="text", help="default: text"
    )
    parser.add_argument(
        "--output", metavar="PATH", help="write there instead of stdout (atomically)"
    )
    parser.add_argument("--plot", metavar="FILE", help="also save a PNG chart (matplotlib)")


def _add_audit(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="class counts, imbalance and drift per split of a CSV/Parquet file",
        description="Audit the class balance of a target column, per split if a split column "
        "is given. Without --check-leakage or --difficulty only those columns are read, "
        "chunk by chunk.",
    )
    parser.add_argument("file", help="CSV or Parquet file")
    parser.add_argument("--target", required=True, metavar="COL", help="the class column")
    parser.add_argument("--split", metavar="COL", help="column naming each row's split")
    parser.add_argument(
        "--check-leakage",
        action="store_true",
        help="also look for held-out rows made from training rows: exact repeats, near "
        "duplicates, SMOTE-made rows, each class against the largest (reads every column)",
    )
    parser.add_argument(
        "--difficulty",
        action="store_true",
        help="also measure how hard each class is: safe/borderline/rare/outlier shares, "
        "N3 and the Fisher ratio, on the training split (reads every column)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=100_000,
        metavar="N",
        help="the difficulty and near-duplicate checks use a seeded sample of N rows "
        "above this size (default: 100000)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of that sample (default: 0)",
    )
    parser.add_argument(
        "--minority-threshold",
        type=float,
        default=0.5,
        metavar="F",
        help="minority: overall share below F / number of classes (default: 0.5)",
    )
    _add_output_options(parser)
    _add_scheduler_option(parser)
    parser.set_defaults(run=_run_audit, command_parser=parser)


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
    _add_scheduler_option(parser)
    parser.set_defaults(run=_run_evaluate, command_parser=parser)


def _add_resample(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "resample",
        help="write a resampled copy of a CSV/Parquet file",
        description="Resample a whole file. Only resample training data: resampling before a "
        "train/test split leaks copies of training rows into the test set.",
    )
    parser.add_argument("file", help="CSV or Parquet file")
    parser.add_argument("--target", required=True, metavar="COL", help="the class column")
    parser.add_argument(
        "--method", required=True, type=canonical_name, choices=SAMPLER_NAMES,
        help="hyphens or underscores (random-over = random_over)",
    )
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
        "--output", required=True, metavar="PATH",
        help=".parquet for Parquet, else CSV; written atomically (a failure keeps the old file)",
    )
    _add_scheduler_option(parser)
    parser.set_defaults(run=_run_resample, command_parser=parser)


def _names_argument(text: str) -> list[str]:
    """argparse type of --strategies: names separated by spaces or commas (checked by compare)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _run_compare(args: argparse.Namespace) -> None:
    from tabaug import compare, make_estimator

    require_columns(args.file, [args.target])
    frame = read_table(args.file)
    X = frame.drop(columns=[args.target])
    y = frame[args.target]
    names = list(dict.fromkeys(args.estimator or ["logistic"]))
    models = {name: make_estimator(name, X, random_state=args.random_state) for name in names}
    strategies = [name for group in args.strategies for name in group] if args.strategies else None
    if args.probabilities:
        strategies = add_variants(strategies, args.probabilities)
    result = compare(
        X,
        y,
        estimator=models if len(models) > 1 else models[names[0]],
        strategies=strategies,
        test=args.test,
        cv=args.folds,
        n_repeats=args.repeats,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        progress=sys.stderr.isatty(),
    )
    _write_outputs(result, args)


def _add_compare(subparsers: Any) -> None:
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
        "--estimator", type=lambda text: canonical_name(text, separator="-"),
        choices=ESTIMATOR_NAMES, action="append", metavar="NAME",
        help=f"one of {', '.join(ESTIMATOR_NAMES)}; repeat it to compare several models "
        "side by side (default: logistic)",
    )
    parser.add_argument(
        "--strategies", type=_names_argument, nargs="+", default=None, metavar="NAME",
        help="e.g. none class_weight smote (or none,class_weight,smote); default: none, "
        "class_weight, threshold, random_over, random_under, smote, noise",
    )
    parser.add_argument(
        "--probabilities", action="append", metavar="KIND",
        help="add each resampling strategy's probability variant: corrected (prior "
        "correction) or calibrated; repeatable",
    )
    parser.add_argument(
        "--test", choices=TEST_NAMES, default=TEST_NAMES[0],
        help=f"paired test against 'none' (default: {TEST_NAMES[0]}; wilcoxon ignores the "
        "overlap of training sets and overstates significance)",
    )
    parser.add_argument("--folds", type=int, default=5, metavar="K", help="default: 5")
    parser.add_argument("--repeats", type=int, default=3, metavar="R", help="default: 3")
    parser.add_argument("--random-state", type=int, default=0, metavar="N", help="default: 0")
    parser.add_argument("--n-jobs", type=int, default=None, metavar="N")
    _add_output_options(parser)
    parser.set_defaults(run=_run_compare, command_parser=parser)


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
        0 on success, 1 on a data error (a missing file or column, unreadable
        data, a one-class target, an output over the memory limit). Usage
        errors — an unknown option, or a setting the library refuses
        (``InvalidParameterError``, tabaug's or scikit-learn's) — exit with
        status 2 through argparse, naming the option.

    Examples
    --------
    >>> from tabaug.cli import main
    >>> main(["evaluate", "missing.csv", "--true", "y", "--pred", "p"])
    1
    """
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (InvalidParameterError, SklearnParameterError) as error:
        args.command_parser.error(_usage_message(error))
    except MemoryError as error:  # MemoryLimitError too: it says what to do
        sys.stderr.write(f"tabaug: error: {_one_line(error) or 'out of memory'}\n")
        return 1
    except (TabaugError, ValueError, TypeError, ImportError, OSError) as error:
        sys.stderr.write(f"tabaug: error: {_one_line(error)}\n")
        return 1
    return 0


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _usage_message(error: BaseException) -> str:
    """The library's message, prefixed with the option that set the refused parameter."""
    message = _one_line(error)
    for parameter, option in _OPTION_OF.items():
        if re.search(rf"\b{parameter}\b", message):
            return f"argument {option}: {message}"
    return message
