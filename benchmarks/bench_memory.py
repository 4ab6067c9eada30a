"""Peak memory and completion of oversamplers on large tables, each run in a fresh process.

Cases, at ``--rows`` (default 1,000,000 and 5,000,000) x 20 columns, 1% minority:

* mixed data (14 float, 2 int, 4 categorical columns): imbalanced-learn's
  SMOTENC (given the categorical columns) against tabaug's SMOTE;
* float data: SMOTE and RandomOverSampler, imbalanced-learn against tabaug.

Each run happens in its own Python process that builds the data, records its
resident memory (RSS), runs the sampler once and reports its peak RSS
(``ru_maxrss``) and wall time. The process gets an address-space cap
(``--cap``, default 12 GiB) so a runaway allocation ends as a MemoryError
instead of taking the machine down; a run that fails or exceeds ``--timeout``
is reported as such, which is a result too.

Run: ``python benchmarks/bench_memory.py`` (about 15 minutes on 2 cores);
``--rows 200000`` for a quick look.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time

CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd

def rss_mib():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

case, library, n_rows, cap = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
rng = np.random.default_rng(0)
y = (rng.random(n_rows) < 0.01).astype(np.int64)
if case == "mixed":
    columns = {f"num{i}": rng.normal(size=n_rows) + y for i in range(14)}
    columns.update(count=rng.integers(0, 50, n_rows), age=rng.integers(18, 90, n_rows))
    for i in range(4):
        levels = [f"c{i}_{j}" for j in range(5 + 5 * i)]
        columns[f"cat{i}"] = pd.Categorical(rng.choice(levels, n_rows))
    X = pd.DataFrame(columns)
    categorical = [f"cat{i}" for i in range(4)]
else:
    X = rng.normal(size=(n_rows, 20))
    X[y == 1] += 0.5
import imblearn.over_sampling as imb
import tabaug
if library == "imbalanced-learn":
    sampler = {"mixed": lambda: imb.SMOTENC(categorical_features=categorical, random_state=0),
               "smote": lambda: imb.SMOTE(random_state=0),
               "ros": lambda: imb.RandomOverSampler(random_state=0)}[case]()
else:
    sampler = {"mixed": lambda: tabaug.SMOTE(random_state=0),
               "smote": lambda: tabaug.SMOTE(random_state=0),
               "ros": lambda: tabaug.RandomOverSampler(random_state=0)}[case]()
before = rss_mib()
start = time.perf_counter()
X_res, y_res = sampler.fit_resample(X, y)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
dtypes_kept = bool((X_res.dtypes == X.dtypes).all()) if hasattr(X_res, "dtypes") else True
print(json.dumps({"data_mib": before, "peak_mib": peak, "seconds": seconds,
                  "rows_out": int(len(y_res)), "dtypes_kept": dtypes_kept}))
"""

CASES = [
    ("mixed", "imbalanced-learn", "SMOTENC"),
    ("mixed", "tabaug", "SMOTE (mixed)"),
    ("smote", "imbalanced-learn", "SMOTE"),
    ("smote", "tabaug", "SMOTE"),
    ("ros", "imbalanced-learn", "RandomOverSampler"),
    ("ros", "tabaug", "RandomOverSampler"),
]


def run(case: str, library: str, n_rows: int, cap: int, timeout: float) -> dict:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, case, library, str(n_rows), str(cap)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": f"not finished in {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"killed (exit {done.returncode})"])[-1]
        return {"status": f"failed: {last[:80]}", "seconds": time.perf_counter() - start}
    return {"status": "completed", **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--cap", type=float, default=12.0, help="GiB of address space per run")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per run")
    args = parser.parse_args()
    cap = int(args.cap * 2**30)
    print(f"python {platform.python_version()}, {platform.machine()}, "
          f"address-space cap {args.cap:g} GiB per run, timeout {args.timeout:.0f} s")
    header = "| rows | data | sampler | library | result | data MiB | peak MiB | added MiB | s |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for n_rows in args.rows:
        for case, library, name in CASES:
            result = run(case, library, n_rows, cap, args.timeout)
            data = result.get("data_mib")
            peak = result.get("peak_mib")
            added = None if data is None or peak is None else peak - data
            status = result["status"]
            if status == "completed" and not result.get("dtypes_kept", True):
                status = "completed, dtypes changed"
            print(
                f"| {n_rows:,} | {'mixed' if case == 'mixed' else 'float'} | {name} | {library} "
                f"| {status} | {'' if data is None else f'{data:,.0f}'} "
                f"| {'' if peak is None else f'{peak:,.0f}'} "
                f"| {'' if added is None else f'{added:,.0f}'} "
                f"| {result.get('seconds', float('nan')):.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
