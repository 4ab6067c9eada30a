"""Time ``tabaug.audit``: counting large files, and the difficulty and leakage checks.

**Files** (the default part): how fast the class counts of a large Parquet or
CSV file come back, against bare pyarrow.

Writes a synthetic file of ``--rows`` rows (default 10 million: six feature
columns, an integer target with 90/8/2% class shares and a train/test split
column) to a temporary folder, then times, each in a fresh process so that
peak memory is measured per call:

* the bare baseline: ``pyarrow.parquet.read_table(path, columns=[target])``
  followed by ``value_counts()`` on the column;
* ``tabaug.audit(path, target=...)`` with and without ``split=...``, on the
  Parquet file and on the same data as CSV;
* for reference, pandas reading the CSV target column (``usecols``) and
  counting it.

Each timing is the best of ``--repeat`` calls after the file is in the page
cache; peak memory is the growth of the process's peak resident set size
during the calls (Linux: ``/proc/self/clear_refs`` resets it after imports).
Run it twice with different ``--rows`` to see that memory does not grow with
the number of rows. Needs pyarrow (``pip install
"tabaug[parquet]"``). Nothing is written outside the temporary folder.

**Checks** (``--part checks``): ``audit(frame, target=..., split=...,
difficulty=True)`` and the leakage checks on an in-memory table of
``--check-rows`` rows (default 1 million) x 20 columns (18 numeric columns
around 40 clusters of a 6-dimensional latent space, 2 categorical columns),
three classes (90/8/2 %), an 80/20 train/test split. Each case runs in a
fresh process (the table is built there first, untimed): difficulty alone,
leakage alone, and both; the report's notes name the neighbour search used
(faiss's approximate index when faiss is installed and the search is large,
else exact scikit-learn).

Run::

    python benchmarks/bench_audit.py                  # files, 10 million rows
    python benchmarks/bench_audit.py --rows 1000000
    python benchmarks/bench_audit.py --part checks    # 1 million rows x 20 columns
    python benchmarks/bench_audit.py --part checks --check-rows 200000 --cases both
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# What every child process starts with: reading its own resident sizes.
_PRELUDE = r"""
import json, sys, time

def status_kib(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0
"""

CHILD = _PRELUDE + r"""
kind, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
import pandas as pd
import pyarrow.compute, pyarrow.csv, pyarrow.parquet as pq
import scipy.stats
import tabaug
from tabaug import audit

calls = {
    "pyarrow read_table + value_counts": lambda: pq.read_table(path, columns=["label"])
    .column("label").value_counts(),
    "pandas read_csv(usecols) + value_counts": lambda: pd.read_csv(path, usecols=["label"])[
        "label"].value_counts(),
    "tabaug.audit(target)": lambda: audit(path, target="label"),
    "tabaug.audit(target, split)": lambda: audit(path, target="label", split="split"),
}
call = calls[kind]
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # reset the peak resident size (VmHWM) to the current size
before = status_kib("VmRSS")
times = []
for _ in range(repeat):
    start = time.perf_counter()
    call()
    times.append(time.perf_counter() - start)
peak = status_kib("VmHWM")
print(json.dumps({"seconds": min(times), "peak_mib": (peak - before) / 1024}))
"""


CHILD_CHECKS = _PRELUDE + r"""
kind, rows = sys.argv[1], int(sys.argv[2])
import numpy as np, pandas as pd
from tabaug import audit

rng = np.random.default_rng(0)
latent = rng.normal(size=(rows, 6))
cluster = rng.integers(0, 40, rows)
latent += rng.normal(scale=3, size=(40, 6))[cluster]
numeric = latent @ rng.normal(size=(6, 18)) + 0.3 * rng.normal(size=(rows, 18))
frame = pd.DataFrame(numeric, columns=[f"x{i}" for i in range(18)])
frame["region"] = pd.Categorical(rng.choice(["n", "s", "e", "w"], rows))
frame["plan"] = pd.Categorical(rng.choice([f"p{i}" for i in range(12)], rows))
p_rare = np.where(cluster < 4, 0.25, 0.005)
p_mid = np.where((cluster >= 4) & (cluster < 12), 0.3, 0.02)
draw = rng.random(rows)
frame["label"] = np.where(draw < p_rare, 2, np.where(draw < p_rare + p_mid, 1, 0))
frame["split"] = np.where(rng.random(rows) < 0.8, "train", "test")
options = {"difficulty": {"difficulty": True, "check_leakage": False},
           "leakage": {"check_leakage": True},
           "both": {"difficulty": True, "check_leakage": True}}[kind]
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")
before = status_kib("VmRSS")
start = time.perf_counter()
result = audit(frame, target="label", split="split", **options)
seconds = time.perf_counter() - start
peak = status_kib("VmHWM")
print(json.dumps({"seconds": seconds, "peak_mib": (peak - before) / 1024,
                  "notes": result.notes, "shares": frame["label"].value_counts(normalize=True)
                  .round(3).to_dict()}))
"""


CHECK_CASES = ("difficulty", "leakage", "both")


def _checks(rows: int, cases: list[str]) -> None:
    print(f"{rows:,} rows x 20 columns in memory, difficulty and leakage checks\n")
    print("| checks | seconds | peak memory (MiB) | neighbour search |")
    print("| --- | ---: | ---: | --- |")
    for kind in cases:
        result = subprocess.run(
            [sys.executable, "-c", CHILD_CHECKS, kind, str(rows)],
            capture_output=True, text=True, check=True,
        )
        measured = json.loads(result.stdout)
        methods = sorted({
            method
            for note in measured["notes"]
            for method in re.findall(r"exact \(scikit-learn\)|approximate \(faiss IVF[^)]*\)", note)
        })
        print(f"| {kind} | {measured['seconds']:.1f} | {measured['peak_mib']:.0f} | "
              f"{'; '.join(methods)} |")


def _write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    columns = {f"x{i}": rng.normal(size=rows).round(4) for i in range(5)}
    columns["city"] = rng.choice(np.array(["north", "south", "east", "west"]), size=rows)
    columns["label"] = rng.choice(3, size=rows, p=[0.90, 0.08, 0.02])
    columns["split"] = np.where(rng.random(rows) < 0.8, "train", "test")
    table = pa.table(columns)
    parquet, csv = folder / "big.parquet", folder / "big.csv"
    pq.write_table(table, parquet)
    pacsv.write_csv(table, csv)
    return parquet, csv


def _measure(kind: str, path: Path, repeat: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--part", choices=["files", "checks"], default="files")
    parser.add_argument("--check-rows", type=int, default=1_000_000)
    parser.add_argument("--cases", nargs="+", choices=CHECK_CASES, default=list(CHECK_CASES),
                        help="with --part checks: which checks to time (default: all three)")
    args = parser.parse_args()
    if args.part == "checks":
        _checks(args.check_rows, args.cases)
        return

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        parquet, csv = _write_files(Path(folder), args.rows)
        print(
            f"{args.rows:,} rows; Parquet {parquet.stat().st_size / 2**20:.0f} MiB, "
            f"CSV {csv.stat().st_size / 2**20:.0f} MiB (written in "
            f"{time.perf_counter() - start:.0f} s)\n"
        )
        cases = [
            ("Parquet", parquet, "pyarrow read_table + value_counts", args.repeat),
            ("Parquet", parquet, "tabaug.audit(target)", args.repeat),
            ("Parquet", parquet, "tabaug.audit(target, split)", args.repeat),
            ("CSV", csv, "pandas read_csv(usecols) + value_counts", 1),
            ("CSV", csv, "tabaug.audit(target)", max(1, args.repeat // 2)),
            ("CSV", csv, "tabaug.audit(target, split)", max(1, args.repeat // 2)),
        ]
        baseline = None
        print("| file | call | seconds | x bare pyarrow | peak memory (MiB) |")
        print("| --- | --- | ---: | ---: | ---: |")
        for fmt, path, kind, repeat in cases:
            measured = _measure(kind, path, repeat)
            if baseline is None:
                baseline = measured["seconds"]
            ratio = measured["seconds"] / baseline
            print(
                f"| {fmt} | {kind} | {measured['seconds']:.2f} | {ratio:.1f} | "
                f"{measured['peak_mib']:.0f} |"
            )


if __name__ == "__main__":
    main()
