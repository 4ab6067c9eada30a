"""Which strategy helps on the shipped datasets, and does tabaug's SMOTE match imbalanced-learn's?

1. **Quality table.** Runs ``tabaug.compare`` with its default strategies
   (none, class_weight, threshold, random_over, random_under, smote, noise)
   and default scores on every dataset of ``tabaug.datasets``, with two
   models from ``tabaug.make_estimator`` (the ones ``tabaug
   compare --estimator`` builds): ``logistic`` (one-hot + scaling + logistic
   regression) and ``random-forest`` (ordinal encoding + a 100-tree random
   forest). Per dataset and model: balanced accuracy and PR-AUC (average
   precision of the minority class; macro one-vs-rest on multiclass ``glass``)
   as mean ± sd over the splits, the difference from no resampling, the
   Holm-adjusted p-value of the corrected resampled t-test, and whether the
   strategy beat no resampling (significant and at least 0.01 better); plus
   the Brier score and the wall time of each ``compare`` call (default
   settings: ``n_jobs=None``, so one core for the folds).
2. **Equivalence of SMOTE implementations.** tabaug reimplements SMOTE (and
   SMOTE-NC for mixed data), so on the same datasets, models and folds it is
   compared with imbalanced-learn's ``SMOTE`` (numeric data) or ``SMOTENC``
   (``categorical_features="auto"``, mixed data) by two one-sided tests on
   the paired balanced-accuracy differences (corrected resampled t statistic,
   equivalence margin 0.01, alpha 0.05). imbalanced-learn's sampler runs in a
   second ``compare`` call with the same ``random_state``, hence the same
   splits and seeds; the bench checks that the ``none`` scores of both calls
   are identical, which proves the folds are paired.

Writes its section of ``benchmarks/RESULTS.md``, between the
``<!-- quality:start`` and ``<!-- quality:end -->`` markers (``--output`` to
write elsewhere). Run::

    python benchmarks/bench_quality.py                       # 5 folds x 3 repeats
    python benchmarks/bench_quality.py --repeats 1 --datasets glass penguins
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import imblearn
import numpy as np
import pandas as pd
import sklearn
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.over_sampling import SMOTENC
from scipy import stats

import tabaug
from tabaug import compare, datasets, make_estimator
from tabaug.model_selection import equivalence_test
from tabaug.model_selection._stats import corrected_variance_factor
from tabaug.utils import categorical_columns

ROOT = Path(__file__).resolve().parent


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        head = "\n".join(lscpu.splitlines()[:10])
    except (OSError, subprocess.CalledProcessError):
        head = platform.processor() or platform.machine()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{head}\nnproc: {nproc}"


def fmt(mean: float, std: float) -> str:
    return f"{mean:.3f} ± {std:.3f}"


def verdict(row: pd.Series) -> str:
    if row["strategy"] == "none":
        return "baseline"
    if not row["significant"]:
        return "no"
    return "**yes**" if row["better"] else "worse"


def quality_section(name: str, model: str, result, seconds: float) -> list[str]:
    frame = result.to_frame()
    tests = result.tests.set_index(["strategy", "score"])
    counts = ", ".join(f"{label}: {n}" for label, n in result.class_counts.items())
    lines = [
        f"### {name} / {model}",
        "",
        f"{sum(result.class_counts.values())} rows ({counts}); `compare` took {seconds:.0f} s.",
        "",
        "| strategy | balanced accuracy | Δ vs none | p (Holm) | beats none | PR-AUC | Δ vs none "
        "| p (Holm) | PR-AUC vs none | Brier | fit s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for strategy in result.strategies:
        cells = [strategy]
        for score in ("balanced_accuracy", "average_precision"):
            row = frame[(frame.strategy == strategy) & (frame.score == score)].iloc[0]
            test = tests.loc[(strategy, score)]
            full = {**row.to_dict(), "better": bool(test["better"])}
            cells += [
                fmt(row["mean"], row["std"]),
                "" if strategy == "none" else f"{row['diff_vs_none']:+.3f}",
                "" if strategy == "none" else f"{row['p_value']:.3f}",
                verdict(pd.Series(full)),
            ]
        brier = frame[(frame.strategy == strategy) & (frame.score == "brier")].iloc[0]
        fit = frame[(frame.strategy == strategy) & (frame.score == "fit_time")].iloc[0]
        cells += [fmt(brier["mean"], brier["std"]), f"{fit['mean']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"> {result.summary}", ""]
    if result.skipped:
        lines += [f"Skipped: {'; '.join(f'{k}: {v}' for k, v in result.skipped.items())}.", ""]
    return lines


def imblearn_smote(X: pd.DataFrame):
    if categorical_columns(X):
        return "SMOTENC", SMOTENC(categorical_features="auto")
    return "SMOTE", ImbSMOTE()


def equivalence_row(name, model, X, y, main, kwargs, margin):
    label, sampler = imblearn_smote(X)
    other = compare(X, y, strategies={"imblearn": sampler}, scoring=["balanced_accuracy"],
                    **kwargs)
    ours = main.fold_scores.set_index(["strategy", "split"])["balanced_accuracy"]
    theirs = other.fold_scores.set_index(["strategy", "split"])["balanced_accuracy"]
    if not np.array_equal(ours.loc["none"].to_numpy(), theirs.loc["none"].to_numpy()):
        raise RuntimeError(f"{name}/{model}: the two compare calls did not share their folds")
    diffs = (ours.loc["smote"] - theirs.loc["imblearn"]).to_numpy()
    n_train = float(main.fold_scores["n_train"].mean())
    n_test = float(main.fold_scores["n_test"].mean())
    p = equivalence_test(diffs, n_train, n_test, margin)
    scale = np.sqrt(corrected_variance_factor(diffs.size, n_train, n_test) * diffs.var(ddof=1))
    half = stats.t.ppf(0.95, diffs.size - 1) * scale
    mean = diffs.mean()
    return (
        f"| {name} | {model} | {label} | {ours.loc['smote'].mean():.3f} "
        f"| {theirs.loc['imblearn'].mean():.3f} | {mean:+.4f} "
        f"| [{mean - half:+.4f}, {mean + half:+.4f}] | {p:.3g} "
        f"| {'**yes**' if p < 0.05 else 'not shown'} |"
    ), p < 0.05


START = "<!-- quality:start (written by benchmarks/bench_quality.py) -->"
END = "<!-- quality:end -->"


def write_section(path: Path, text: str) -> None:
    """Put ``text`` (headings one level down) between the markers of ``path``."""
    section = "\n".join("#" + line if line.startswith("#") else line for line in text.splitlines())
    block = f"{START}\n{section}\n{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + block + old[old.index(END) + len(END):]
    else:
        new = old + ("\n\n" if old else "") + block + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=datasets.list_datasets())
    parser.add_argument("--estimators", nargs="+", default=["logistic", "random-forest"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--margin", type=float, default=0.01)
    parser.add_argument("--output", type=Path, default=ROOT / "RESULTS.md")
    args = parser.parse_args()

    command = "python benchmarks/bench_quality.py " + " ".join(sys.argv[1:])
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    sections: list[str] = []
    equivalence: list[str] = []
    equivalent = 0
    wins: dict[str, list[str]] = {}
    worse: dict[str, list[str]] = {}
    pr_better: dict[str, list[str]] = {}
    pr_worse: dict[str, list[str]] = {}
    brier_worse: dict[str, int] = {}
    timings: list[str] = []
    for name in args.datasets:
        X, y = datasets.load(name)
        for model in args.estimators:
            kwargs = dict(
                estimator=make_estimator(model, X, random_state=0),
                cv=args.folds,
                n_repeats=args.repeats,
                random_state=args.random_state,
                n_jobs=args.n_jobs,
                progress=False,
            )
            start = time.perf_counter()
            result = compare(X, y, **kwargs)
            seconds = time.perf_counter() - start
            print(f"{name}/{model}: {seconds:.0f} s; winners {result.winners}", flush=True)
            timings.append(f"| {name} | {model} | {X.shape[0]} x {X.shape[1]} | {seconds:.0f} |")
            sections += quality_section(name, model, result, seconds)
            tag = f"{name}/{model}"
            tests = result.tests
            for row in tests[tests.strategy != "none"].itertuples():
                if row.score == "balanced_accuracy" and row.significant:
                    (wins if row.better else worse).setdefault(row.strategy, []).append(tag)
                if row.score == "average_precision" and row.significant:
                    (pr_better if row.better else pr_worse).setdefault(row.strategy, []).append(
                        tag
                    )
                if row.score == "brier" and row.significant and not row.better:
                    brier_worse[row.strategy] = brier_worse.get(row.strategy, 0) + 1
            line, ok = equivalence_row(name, model, X, y, result, kwargs, args.margin)
            equivalence.append(line)
            equivalent += ok
    total = time.perf_counter() - started
    n_runs = len(args.datasets) * len(args.estimators)
    strategies = ["class_weight", "threshold", "random_over", "random_under", "smote", "noise"]

    def listed(table: dict, strategy: str) -> str:
        entries = table.get(strategy, [])
        return f"{len(entries)}" + (f" ({', '.join(entries)})" if entries else "")

    overview = [
        "| strategy | beats none on balanced accuracy | worse on balanced accuracy "
        "| PR-AUC better | PR-AUC worse | Brier worse |",
        "|---|---|---|---|---|---|",
    ]
    for strategy in strategies:
        overview.append(
            f"| {strategy} | {listed(wins, strategy)} | {listed(worse, strategy)} "
            f"| {listed(pr_better, strategy)} | {listed(pr_worse, strategy)} "
            f"| {brier_worse.get(strategy, 0)} |"
        )
    header = [
        "# Quality: `compare` on the shipped datasets",
        "",
        f"Command: `{command.strip()}` ({args.folds}-fold stratified cross-validation x "
        f"{args.repeats} repeats, random_state={args.random_state}, n_jobs={args.n_jobs}). "
        f"Total run time {total / 60:.1f} min; 1-minute load average {load_before:.1f} at the "
        f"start and {os.getloadavg()[0]:.1f} at the end (above the core count, other work "
        "shared the CPUs and the timings are inflated).",
        "",
        f"Date: {datetime.date.today().isoformat()}. Versions: Python "
        f"{platform.python_version()}, tabaug {tabaug.__version__}, scikit-learn "
        f"{sklearn.__version__}, imbalanced-learn {imblearn.__version__}, numpy "
        f"{np.__version__}, pandas {pd.__version__}.",
        "",
        "Machine:",
        "",
        "```",
        machine(),
        "```",
        "",
        "\"Beats none\" means: the corrected resampled t-test (Nadeau & Bengio) against no "
        "resampling over the same folds, Holm-adjusted across the strategies, gives p < 0.05 "
        "*and* the mean difference is at least 0.01. PR-AUC is the average precision of the "
        "minority class (macro one-vs-rest for `glass`); Brier is the minority class's Brier "
        "score (multiclass Brier for `glass`), lower is better. `fit s` is the mean fit time "
        "per fold, resampling included.",
        "",
        f"## Overview ({n_runs} dataset/model pairs)",
        "",
        *overview,
        "",
        "## tabaug SMOTE vs imbalanced-learn (equivalence, margin "
        f"{args.margin:g} balanced accuracy)",
        "",
        "Two one-sided tests on the paired per-split differences (tabaug - imbalanced-learn), "
        "corrected resampled t statistic; equivalent when the 90% interval lies inside "
        f"±{args.margin:g} (TOST p < 0.05). {equivalent} of {n_runs} pairs shown equivalent.",
        "",
        "| dataset | model | imbalanced-learn | tabaug BA | imbalanced-learn BA | mean diff "
        "| 90% CI | TOST p | equivalent |",
        "|---|---|---|---|---|---|---|---|---|",
        *equivalence,
        "",
        "## Wall time of one `compare` call (default strategies and scores)",
        "",
        "| dataset | model | rows x columns | seconds |",
        "|---|---|---|---|",
        *timings,
        "",
        "## Per dataset and model",
        "",
    ]
    write_section(args.output, "\n".join(header + sections))
    print(f"wrote {args.output} in {total / 60:.1f} min")


if __name__ == "__main__":
    main()
