"""Which strategy helps on the shipped datasets, what it costs the probabilities, and what fixes it.

1. **Quality and calibration.** One ``tabaug.compare`` call per dataset of
   ``tabaug.datasets``, with three models from ``tabaug.make_estimator`` at
   once (``logistic``, ``random-forest``, ``hist-gradient-boosting``: the
   ones ``tabaug compare --estimator`` builds) and the strategies none,
   class_weight, threshold, each resampler (random_over, random_under,
   smote, noise), each resampler ``+corrected`` (the same fits, probabilities
   mapped back to the real class shares), each resampler ``+calibrated``
   (``ResampledClassifier(probabilities="calibrated")``, sigmoid, inner
   cross-validation of each training fold) and balanced_bagging. Scores:
   balanced accuracy, PR-AUC (average precision of the minority class; macro
   one-vs-rest on multiclass ``glass``), Brier, log loss and ECE.
2. **Are the corrected probabilities as good as no resampling?** For each
   dataset, model and resampler, two one-sided tests (TOST; corrected
   resampled t statistic on the paired per-split Brier differences) of
   equivalence to ``none`` within a margin of 0.005 Brier, for the plain,
   ``+corrected`` and ``+calibrated`` strategy; and a check that the balanced
   accuracy of every ``+corrected`` strategy equals its plain strategy's,
   split by split.
3. **tabaug's SMOTE against imbalanced-learn's** (``SMOTE`` on numeric data,
   ``SMOTENC`` with ``categorical_features="auto"`` on mixed data), by TOST
   on the paired balanced-accuracy differences (margin 0.01), in a second
   ``compare`` call with the same ``random_state``, hence the same splits.

Writes its section of ``benchmarks/RESULTS.md``, between the
``<!-- quality:start`` and ``<!-- quality:end -->`` markers (``--output`` to
write elsewhere). Run::

    python benchmarks/bench_quality.py                      # 5 folds x 3 repeats
    OMP_NUM_THREADS=1 python benchmarks/bench_quality.py --repeats 2 --max-rows 2000
    python benchmarks/bench_quality.py --datasets glass penguins --estimators logistic
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
from sklearn.model_selection import train_test_split

import tabaug
from tabaug import compare, datasets, make_estimator
from tabaug.model_selection import equivalence_test
from tabaug.model_selection._stats import corrected_variance_factor
from tabaug.utils import categorical_columns

ROOT = Path(__file__).resolve().parent
RESAMPLERS = ["random_over", "random_under", "smote", "noise"]
STRATEGIES = [
    "class_weight", "threshold", *RESAMPLERS,
    *(f"{name}+corrected" for name in RESAMPLERS),
    *(f"{name}+calibrated" for name in RESAMPLERS),
    "balanced_bagging",
]
SCORES = ["balanced_accuracy", "average_precision", "brier", "log_loss", "ece"]


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        head = "\n".join(lscpu.splitlines()[:10])
    except (OSError, subprocess.CalledProcessError):
        head = platform.processor() or platform.machine()
    # not nproc: it reports OMP_NUM_THREADS when that is set, as for this benchmark
    return f"{head}\nos.cpu_count(): {os.cpu_count()}"


def fmt(mean: float, std: float) -> str:
    return f"{mean:.3f} ± {std:.3f}"


def load(name: str, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, pd.Series, str]:
    """The dataset, stratified-subsampled to ``max_rows`` rows when it is larger."""
    X, y = datasets.load(name)
    if max_rows is None or len(y) <= max_rows:
        return X, y, ""
    X, _, y, _ = train_test_split(X, y, train_size=max_rows, stratify=y, random_state=seed)
    sample = f" (a stratified {max_rows}-row sample)"
    return X.reset_index(drop=True), y.reset_index(drop=True), sample


def tost(differences: np.ndarray, n_train: float, n_test: float, margin: float
         ) -> tuple[float, float, float]:
    """TOST p-value and the 90% interval of the mean paired difference."""
    p = equivalence_test(differences, n_train, n_test, margin)
    scale = np.sqrt(corrected_variance_factor(differences.size, n_train, n_test)
                    * differences.var(ddof=1))
    half = stats.t.ppf(0.95, differences.size - 1) * scale
    mean = differences.mean()
    return p, mean - half, mean + half


def model_table(result, model: str) -> list[str]:
    folds = result.fold_scores[result.fold_scores.model == model]
    tests = result.tests[result.tests.model == model].set_index(["strategy", "score"])
    lines = [
        "| strategy | balanced accuracy | Δ BA | p (Holm) | PR-AUC | Brier | log loss | ECE "
        "| fit s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for strategy in folds["strategy"].unique():
        own = folds[folds.strategy == strategy]
        test = tests.loc[(strategy, "balanced_accuracy")]
        verdict = ("" if strategy == "none" else
                   f"{test['diff_vs_none']:+.3f}{' **better**' if test['better'] else ''}"
                   f"{' worse' if test['significant'] and not test['better'] else ''}")
        cells = [strategy, fmt(own.balanced_accuracy.mean(), own.balanced_accuracy.std()),
                 verdict, "" if strategy == "none" else f"{test['p_value']:.3f}"]
        cells += [fmt(own[s].mean(), own[s].std()) for s in SCORES[1:]]
        cells.append(f"{own.fit_time.mean():.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def calibration_rows(name: str, model: str, result, margin: float, tally: dict) -> list[str]:
    """TOST of Brier against none for each resampler, plain / corrected / calibrated."""
    folds = result.fold_scores[result.fold_scores.model == model]
    by = folds.set_index(["strategy", "split"])
    n_train, n_test = float(folds.n_train.mean()), float(folds.n_test.mean())
    none = by.loc["none", "brier"]
    rows = []
    for resampler in RESAMPLERS:
        cells = [name, model, resampler]
        for variant in ("", "+corrected", "+calibrated"):
            strategy = resampler + variant
            if strategy not in by.index.get_level_values(0):
                cells.append("skipped")
                continue
            diff = (by.loc[strategy, "brier"] - none).to_numpy()
            p, low, high = tost(diff, n_train, n_test, margin)
            equivalent = p < 0.05
            tally.setdefault(variant or "plain", [0, 0])
            tally[variant or "plain"][0] += equivalent
            tally[variant or "plain"][1] += 1
            cells.append(f"{diff.mean():+.4f} [{low:+.4f}, {high:+.4f}] "
                         f"{'**yes**' if equivalent else 'no'}")
        if f"{resampler}+corrected" in by.index.get_level_values(0):
            same = np.array_equal(by.loc[resampler, "balanced_accuracy"].to_numpy(),
                                  by.loc[f"{resampler}+corrected", "balanced_accuracy"].to_numpy())
            tally.setdefault("same_ba", [0, 0])
            tally["same_ba"][0] += same
            tally["same_ba"][1] += 1
            cells.append("yes" if same else "**no**")
        else:
            cells.append("")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def imblearn_smote(X: pd.DataFrame):
    if categorical_columns(X):
        return "SMOTENC", SMOTENC(categorical_features="auto")
    return "SMOTE", ImbSMOTE()


def smote_row(name: str, model: str, X, y, result, kwargs: dict, margin: float
              ) -> tuple[str, bool]:
    label, sampler = imblearn_smote(X)
    other = compare(X, y, estimator=make_estimator(model, X, random_state=0),
                    strategies={"imblearn": sampler}, scoring=["balanced_accuracy"], **kwargs)
    ours = result.fold_scores[result.fold_scores.model == model].set_index(
        ["strategy", "split"])["balanced_accuracy"]
    theirs = other.fold_scores.set_index(["strategy", "split"])["balanced_accuracy"]
    if not np.array_equal(ours.loc["none"].to_numpy(), theirs.loc["none"].to_numpy()):
        raise RuntimeError(f"{name}/{model}: the two compare calls did not share their folds")
    diffs = (ours.loc["smote"] - theirs.loc["imblearn"]).to_numpy()
    folds = result.fold_scores
    p, low, high = tost(diffs, float(folds.n_train.mean()), float(folds.n_test.mean()), margin)
    return (
        f"| {name} | {model} | {label} | {ours.loc['smote'].mean():.3f} "
        f"| {theirs.loc['imblearn'].mean():.3f} | {diffs.mean():+.4f} "
        f"| [{low:+.4f}, {high:+.4f}] | {p:.3g} | {'**yes**' if p < 0.05 else 'not shown'} |"
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
    parser.add_argument("--estimators", nargs="+",
                        default=["logistic", "random-forest", "hist-gradient-boosting"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-rows", type=int, default=None,
                        help="stratified subsample of larger datasets (default: all rows)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--brier-margin", type=float, default=0.005)
    parser.add_argument("--smote-margin", type=float, default=0.01)
    parser.add_argument("--skip-smote-check", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "RESULTS.md")
    args = parser.parse_args()

    command = "python benchmarks/bench_quality.py " + " ".join(sys.argv[1:])
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    kwargs = dict(cv=args.folds, n_repeats=args.repeats, random_state=args.random_state,
                  n_jobs=args.n_jobs, progress=False)
    sections: list[str] = []
    calibration: list[str] = []
    smote_lines: list[str] = []
    tally: dict[str, list[int]] = {}
    wins: dict[str, list[str]] = {}
    brier_worse: dict[str, int] = {}
    timings: list[str] = []
    n_equivalent = 0
    for name in args.datasets:
        X, y, sampled = load(name, args.max_rows, args.random_state)
        models = {model: make_estimator(model, X, random_state=0) for model in args.estimators}
        start = time.perf_counter()
        result = compare(X, y, estimator=models, strategies=STRATEGIES, scoring=SCORES,
                         **kwargs)
        seconds = time.perf_counter() - start
        print(f"{name}: {seconds:.0f} s; winners {result.winners}", flush=True)
        timings.append(f"| {name}{sampled} | {X.shape[0]} x {X.shape[1]} | {seconds:.0f} |")
        counts = ", ".join(f"{label}: {n}" for label, n in result.class_counts.items())
        sections += [f"### {name}", "",
                     f"{len(y)} rows{sampled} ({counts}); `compare` took {seconds:.0f} s for "
                     f"{len(args.estimators)} models.", ""]
        for model in args.estimators:
            sections += [f"#### {name} / {model}", "", *model_table(result, model), ""]
            calibration += calibration_rows(name, model, result, args.brier_margin, tally)
            tests = result.tests[(result.tests.model == model) & (result.tests.strategy != "none")]
            for row in tests.itertuples():
                if row.score == "balanced_accuracy" and row.better:
                    wins.setdefault(row.strategy, []).append(f"{name}/{model}")
                if row.score == "brier" and row.significant and not row.better:
                    brier_worse[row.strategy] = brier_worse.get(row.strategy, 0) + 1
            if not args.skip_smote_check:
                line, ok = smote_row(name, model, X, y, result, kwargs, args.smote_margin)
                smote_lines.append(line)
                n_equivalent += ok
        skipped = {k: v for k, v in result.skipped.items()}
        if skipped:
            sections += [f"Skipped: {'; '.join(f'{k}: {v}' for k, v in skipped.items())}.", ""]
        sections += ["> " + line for line in result.summary.splitlines()] + [""]
    total = time.perf_counter() - started
    n_runs = len(args.datasets) * len(args.estimators)

    def share(key: str) -> str:
        done, out_of = tally.get(key, [0, 0])
        return f"{done} of {out_of}"

    overview = [
        "| strategy | beats none on balanced accuracy | Brier significantly worse |",
        "|---|---|---|",
        *(f"| {s} | {len(wins.get(s, []))}"
          + (f" ({', '.join(wins[s])})" if wins.get(s) else "")
          + f" | {brier_worse.get(s, 0)} |" for s in STRATEGIES),
    ]
    header = [
        "# Quality and calibration: `compare` on the shipped datasets",
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
        "Models: `make_estimator` (`logistic`: one-hot + scaling + logistic regression; "
        "`random-forest`: ordinal encoding + 100 trees; `hist-gradient-boosting`: native "
        "categories). \"Beats none\": the corrected resampled t-test against no resampling "
        "over the same folds, Holm-adjusted within each model and score over all "
        f"{len(STRATEGIES)} strategies, p < 0.05 *and* a difference of at least 0.01. "
        "PR-AUC, Brier and ECE read the minority class (macro one-vs-rest PR-AUC, "
        "multiclass Brier and top-label ECE for `glass`); lower is better for Brier, log "
        "loss and ECE. `+corrected` reuses its resampler's fits, so its balanced accuracy "
        "and fit time are the resampler's.",
        "",
        f"## Are the corrected probabilities as good as no resampling? (TOST, margin "
        f"{args.brier_margin:g} Brier)",
        "",
        "Per cell: mean paired difference of Brier from `none` (negative is better), its 90% "
        "interval, and whether TOST shows it within "
        f"±{args.brier_margin:g} (p < 0.05). Equivalent to no resampling: plain resamplers "
        f"{share('plain')}, `+corrected` {share('+corrected')}, `+calibrated` "
        f"{share('+calibrated')}. Balanced accuracy of `+corrected` identical to the plain "
        f"resampler on every split: {share('same_ba')}.",
        "",
        "| dataset | model | resampler | plain | +corrected | +calibrated | same BA |",
        "|---|---|---|---|---|---|---|",
        *calibration,
        "",
        f"## Overview ({n_runs} dataset/model pairs)",
        "",
        *overview,
        "",
    ]
    if smote_lines:
        header += [
            f"## tabaug SMOTE vs imbalanced-learn (equivalence, margin {args.smote_margin:g} "
            "balanced accuracy)",
            "",
            "Two one-sided tests on the paired per-split differences (tabaug - "
            "imbalanced-learn), corrected resampled t statistic; equivalent when the 90% "
            f"interval lies inside ±{args.smote_margin:g} (TOST p < 0.05). {n_equivalent} of "
            f"{len(smote_lines)} pairs shown equivalent.",
            "",
            "| dataset | model | imbalanced-learn | tabaug BA | imbalanced-learn BA | mean diff "
            "| 90% CI | TOST p | equivalent |",
            "|---|---|---|---|---|---|---|---|---|",
            *smote_lines,
            "",
        ]
    header += [
        f"## Wall time of one `compare` call ({len(args.estimators)} models, "
        f"{len(STRATEGIES) + 1} strategies)",
        "",
        "| dataset | rows x columns | seconds |",
        "|---|---|---|",
        *timings,
        "",
        "## Per dataset and model",
        "",
    ]
    write_section(args.output, "\n".join(header + sections))
    print(f"wrote {args.output} in {total / 60:.1f} min")


if __name__ == "__main__":
    main()
