"""Time tabaug's tabular resamplers against imbalanced-learn's, in one process.

For each case: one warm-up call of each library, then ``--repeats`` rounds in
which the two run back to back (interleaved, so background noise hits both
alike). It prints the median seconds of each, the ratio of medians
(tabaug / imbalanced-learn; below 1 means tabaug is faster) and the peak
memory each allocates during one extra, untimed call (tracemalloc, which
numpy reports its buffers to).

Cases (the targets are the project's):

* SMOTE, 1,000,000 x 20 float64, 1% minority, default settings      (<= 0.6x)
* RandomOverSampler / RandomUnderSampler on the same data             (<= 1.0x)
* SMOTE on 200,000 rows of mixed pandas (float, int, category, bool;
  2% minority) against SMOTENC given the category and bool columns     (<= 0.5x)

Run: ``python benchmarks/bench_resamplers.py`` (about 5 minutes on 2 cores);
``--rows`` and ``--mixed-rows`` shrink it for a quick look.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable

import imblearn
import numpy as np
import pandas as pd
import sklearn
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.over_sampling import SMOTENC as ImbSMOTENC
from imblearn.over_sampling import RandomOverSampler as ImbRandomOverSampler
from imblearn.under_sampling import RandomUnderSampler as ImbRandomUnderSampler

import tabaug


def numeric_data(n_rows: int, n_features: int = 20, minority: float = 0.01):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_rows, n_features))
    y = (rng.random(n_rows) < minority).astype(np.int64)
    X[y == 1] += 0.5
    return X, y


def mixed_data(n_rows: int, minority: float = 0.02):
    rng = np.random.default_rng(1)
    y = (rng.random(n_rows) < minority).astype(np.int64)
    X = pd.DataFrame(
        {
            **{f"num{i}": rng.normal(size=n_rows) + y for i in range(4)},
            "count": rng.integers(0, 50, n_rows),
            "age": rng.integers(18, 90, n_rows),
            "region": pd.Categorical(rng.choice([f"r{i}" for i in range(8)], n_rows)),
            "product": pd.Categorical(rng.choice(["a", "b", "c"], n_rows)),
            "member": rng.random(n_rows) < 0.3 + 0.3 * y,
            "online": rng.random(n_rows) < 0.5,
        }
    )
    return X, y


def peak_mib(call: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def compare(name: str, ours: Callable, theirs: Callable, repeats: int, target: float) -> dict:
    ours(), theirs()  # warm-up: imports, caches, first-touch page faults
    times: dict[str, list[float]] = {"tabaug": [], "imblearn": []}
    for _ in range(repeats):
        for label, call in (("tabaug", ours), ("imblearn", theirs)):
            gc.collect()
            start = time.perf_counter()
            call()
            times[label].append(time.perf_counter() - start)
    med_ours = statistics.median(times["tabaug"])
    med_theirs = statistics.median(times["imblearn"])
    row = {
        "case": name,
        "tabaug_s": med_ours,
        "imblearn_s": med_theirs,
        "ratio": med_ours / med_theirs,
        "target": target,
        "tabaug_peak_MiB": peak_mib(ours),
        "imblearn_peak_MiB": peak_mib(theirs),
    }
    verdict = "meets" if row["ratio"] <= target else "MISSES"
    print(
        f"{name:<44} tabaug {med_ours:7.3f}s  imblearn {med_theirs:7.3f}s  "
        f"ratio {row['ratio']:.2f} ({verdict} <= {target})  peak MiB "
        f"{row['tabaug_peak_MiB']:.0f} vs {row['imblearn_peak_MiB']:.0f}",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--mixed-rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}, imbalanced-learn {imblearn.__version__}, "
        f"tabaug {tabaug.__version__}; {platform.machine()}, {platform.processor() or ''}"
    )
    rows = numeric_cases(args.rows, args.repeats)
    rows.append(mixed_case(args.mixed_rows, args.repeats))
    print()
    print(pd.DataFrame(rows).round(2).to_string(index=False))


def numeric_cases(n_rows: int, repeats: int) -> list[dict]:
    X, y = numeric_data(n_rows)
    label = f"{n_rows:,} x {X.shape[1]} float64, 1% minority"
    return [
        compare(f"SMOTE, {label}",
                lambda: tabaug.SMOTE(random_state=0).fit_resample(X, y),
                lambda: ImbSMOTE(random_state=0).fit_resample(X, y), repeats, 0.6),
        compare(f"RandomOverSampler, {label}",
                lambda: tabaug.RandomOverSampler(random_state=0).fit_resample(X, y),
                lambda: ImbRandomOverSampler(random_state=0).fit_resample(X, y),
                repeats, 1.0),
        compare(f"RandomUnderSampler, {label}",
                lambda: tabaug.RandomUnderSampler(random_state=0).fit_resample(X, y),
                lambda: ImbRandomUnderSampler(random_state=0).fit_resample(X, y),
                repeats, 1.0),
    ]


def mixed_case(n_rows: int, repeats: int) -> dict:
    Xm, ym = mixed_data(n_rows)
    categorical = ["region", "product", "member", "online"]
    X_res, _ = tabaug.SMOTE(random_state=0).fit_resample(Xm, ym)
    assert X_res.dtypes.to_dict() == Xm.dtypes.to_dict(), "tabaug changed dtypes"
    theirs_res, _ = ImbSMOTENC(categorical_features=categorical, random_state=0).fit_resample(
        Xm, ym)
    changed = [c for c in Xm.columns if theirs_res[c].dtype != Xm[c].dtype]
    print(f"dtypes out: tabaug keeps all; SMOTENC changes {changed or 'none'}")
    return compare(
        f"SMOTE vs SMOTENC, {n_rows:,} mixed rows, 2% minority",
        lambda: tabaug.SMOTE(random_state=0).fit_resample(Xm, ym),
        lambda: ImbSMOTENC(categorical_features=categorical, random_state=0).fit_resample(Xm, ym),
        repeats, 0.5,
    )


if __name__ == "__main__":
    main()
