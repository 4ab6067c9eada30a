"""tabaug on Dask from 1M to 100M rows: wall time and peak worker memory, and the pandas path.

For each size, a table of 10 feature columns (8 floats, an int, a category),
a 0.1% minority label and a model score is generated as Parquet files of at
most 1M rows each (free disk is checked first). A ``LocalCluster`` of
``--workers`` worker processes (1 thread each, ``--memory-limit`` each) then
runs ``audit`` (class counts; and, with a train/test column made from a
feature, ``check_leakage=True``), ``evaluate`` (predictions: score > 0.5), random
undersampling, random oversampling and SMOTE on it, timing each call and
sampling every worker's memory (process RSS, from the scheduler's heartbeats,
every 0.2 s). A resampler's time is its ``fit_resample`` plus computing the
whole output (its length summed); up to 10M rows it is also timed writing the
output as partitioned Parquet (above, disk is limited).

With ``--pandas``, the same calls run on tabaug's in-memory path
(``pandas.read_parquet`` of the whole directory) in a fresh process whose
memory is capped at the cluster's total (``workers x memory-limit``): a
process above the cap is stopped and reported as such.

Run (one size at a time keeps the machine usable)::

    python benchmarks/bench_dask.py --rows 1000000 10000000 --pandas 10000000
    python benchmarks/bench_dask.py --rows 100000000 --pandas 100000000

Results go to standard output as a Markdown table and, with ``--json``, to a
file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROWS_PER_FILE = 1_000_000
MINORITY_SHARE = 0.001
# Parquet bytes per row of the generated table (measured: 10 features, label, score).
BYTES_PER_ROW = 95
OPERATIONS = ("audit", "audit (leakage)", "evaluate", "random under", "random over", "SMOTE")


def with_split(frame):
    """A train/test column (about 20% test, from a feature unrelated to the label)."""
    return frame.assign(split=(frame["x7"] > 0.84).map({True: "test", False: "train"},
                                                       meta=("split", "object")))
RESAMPLERS = ("random under", "random over", "SMOTE")


def generate(folder: Path, n_rows: int, seed: int = 0) -> None:
    """Write ``n_rows`` rows as Parquet files of at most 1M rows (at least 20 files)."""
    folder.mkdir(parents=True, exist_ok=True)
    per_file = min(ROWS_PER_FILE, max(n_rows // 20, 1))
    for i, start in enumerate(range(0, n_rows, per_file)):
        n = min(per_file, n_rows - start)
        rng = np.random.default_rng([seed, i])
        label = (rng.random(n) < MINORITY_SHARE).astype(np.int8)
        frame = pd.DataFrame({f"x{j}": rng.normal(size=n) + label * (j < 3) for j in range(8)})
        frame["count"] = rng.integers(0, 1000, n)
        frame["city"] = pd.Categorical.from_codes(rng.integers(0, 8, n),
                                                  [f"city-{c}" for c in range(8)])
        frame["label"] = label
        logit = 1.5 * frame["x0"].to_numpy() - 4.0 + rng.normal(size=n)
        frame["score"] = 1.0 / (1.0 + np.exp(-logit))
        frame.to_parquet(folder / f"part-{i:05d}.parquet", index=False)


class WorkerMemory:
    """Peak process memory of every worker, from the scheduler's heartbeat metrics."""

    def __init__(self, client, interval: float = 0.2) -> None:
        self.client, self.interval = client, interval
        self.peaks: dict = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            for address, worker in self.client.scheduler_info()["workers"].items():
                memory = worker.get("metrics", {}).get("memory", 0)
                self.peaks[address] = max(self.peaks.get(address, 0), memory)
            self._stop.wait(self.interval)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> int:
        return max(self.peaks.values(), default=0)


def run_dask(folder: Path, n_rows: int, args: argparse.Namespace) -> list[dict]:
    import dask
    import distributed

    import tabaug
    from tabaug._dask import read_parquet, split_target, write_resampled

    cluster = distributed.LocalCluster(
        n_workers=args.workers, threads_per_worker=1, memory_limit=args.memory_limit,
        processes=True, dashboard_address=None,
    )
    client = distributed.Client(cluster)
    client.run(lambda: __import__("tabaug._dask._smote"))
    results = []
    try:
        ddf = read_parquet(folder)
        runs = [(name, False) for name in args.operations]
        if n_rows <= args.write_upto:
            runs += [(name, True) for name in args.operations if name in RESAMPLERS]
        for name, write in runs:
            out = Path(tempfile.mkdtemp(dir=args.data_dir)) / "out"
            with dask.config.set(scheduler=client), WorkerMemory(client) as memory:
                start = time.perf_counter()
                detail = _dask_operation(name, ddf, out if write else None, tabaug,
                                         split_target, write_resampled)
                seconds = time.perf_counter() - start
            shutil.rmtree(out.parent, ignore_errors=True)
            results.append({"path": "dask", "rows": n_rows,
                            "operation": name + (", written" if write else ""),
                            "seconds": round(seconds, 1), "peak_worker_bytes": memory.peak,
                            "detail": detail})
            print(_line(results[-1]), flush=True)
    finally:
        client.close()
        cluster.close()
    return results


def _dask_operation(name, ddf, out, tabaug, split_target, write_resampled) -> str:
    if name == "audit":
        return str(tabaug.audit(ddf, target="label").to_dict().get("n_rows", ""))
    if name == "audit (leakage)":
        result = tabaug.audit(with_split(ddf.drop(columns="score")), target="label",
                              split="split", check_leakage=True)
        return f"exact repeats flagged: {result.leakage['exact']['flagged']}"
    if name == "evaluate":
        report = tabaug.evaluate(ddf["label"], (ddf["score"] > 0.5).astype("int8"),
                                 y_score=ddf["score"])
        return f"balanced accuracy {report.to_dict()['balanced_accuracy']:.4f}"
    sampler = {"random under": tabaug.RandomUnderSampler, "random over": tabaug.RandomOverSampler,
               "SMOTE": tabaug.SMOTE}[name](random_state=0)
    X, y = split_target(ddf, "label")
    X_res, y_res = sampler.fit_resample(X.drop(columns="score"), y)
    if out is not None:
        write_resampled(X_res, y_res, out, target="label")
        return f"wrote {len(pd.read_parquet(out, columns=['label'])):,} rows"
    return f"{len(X_res):,} rows (lengths summed)"


PANDAS_SCRIPT = r"""
import json, sys, time
import pandas as pd
import tabaug
folder, operations = sys.argv[1], json.loads(sys.argv[2])
start = time.perf_counter()
frame = pd.read_parquet(folder)
results = {"read": time.perf_counter() - start}
X, y = frame.drop(columns=["label", "score"]), frame["label"]
for name in operations:
    start = time.perf_counter()
    if name == "audit":
        tabaug.audit(frame, target="label")
    elif name == "audit (leakage)":
        tabaug.audit(frame.drop(columns="score").assign(
                         split=(frame["x7"] > 0.84).map({True: "test", False: "train"})),
                     target="label", split="split", check_leakage=True)
    elif name == "evaluate":
        tabaug.evaluate(y, (frame["score"] > 0.5).astype("int8"), y_score=frame["score"])
    else:
        sampler = {"random under": tabaug.RandomUnderSampler,
                   "random over": tabaug.RandomOverSampler, "SMOTE": tabaug.SMOTE}[name]
        sampler(random_state=0).fit_resample(X, y)
    results[name] = time.perf_counter() - start
    print(json.dumps(results), flush=True)
"""


def run_pandas(folder: Path, n_rows: int, args: argparse.Namespace) -> list[dict]:
    """The in-memory path in a fresh process, stopped if its memory passes the cap."""
    import psutil

    from tabaug.utils import parse_bytes

    cap = args.workers * parse_bytes(args.memory_limit)
    env = dict(os.environ, TABAUG_MAX_MEMORY=str(cap))
    process = subprocess.Popen(
        [sys.executable, "-c", PANDAS_SCRIPT, str(folder), json.dumps(list(args.operations))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    watched, peak, stopped = psutil.Process(process.pid), 0, False
    started = time.perf_counter()
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        if peak > cap:
            process.kill()
            stopped = True
            break
        time.sleep(0.05)
    out, err = process.communicate()
    elapsed = time.perf_counter() - started
    lines = [line for line in out.splitlines() if line.startswith("{")]
    timings = json.loads(lines[-1]) if lines else {}
    results = []
    for name in ("read", *args.operations):
        if name in timings:
            outcome = "done"
        elif stopped:
            outcome = f"stopped at the {cap / 2**30:.0f} GiB cap after {elapsed:.0f} s"
        else:
            outcome = "failed: " + (err.strip().splitlines() or ["(no message)"])[-1][:160]
        results.append({"path": "pandas", "rows": n_rows, "operation": name,
                        "seconds": round(timings[name], 1) if name in timings else None,
                        "peak_worker_bytes": peak, "detail": outcome})
        print(_line(results[-1]), flush=True)
        if name not in timings:
            break
    return results


def _line(result: dict) -> str:
    seconds = "-" if result["seconds"] is None else f"{result['seconds']:.1f}"
    return (f"| {result['path']} | {result['rows']:,} | {result['operation']} | {seconds} | "
            f"{result['peak_worker_bytes'] / 2**30:.2f} | {result['detail']} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--pandas", type=int, nargs="*", default=[],
                        help="sizes at which to run the in-memory path too")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GiB")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--operations", nargs="+", default=list(OPERATIONS),
                        choices=OPERATIONS)
    parser.add_argument("--write-upto", type=int, default=10_000_000,
                        help="also time writing the resampled output up to this many rows")
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}; {args.workers} workers x {args.memory_limit}")
    print("| path | rows | operation | seconds | peak worker GiB | detail |")
    print("|---|---|---|---|---|---|")
    results = []
    for n_rows in args.rows:
        folder = args.data_dir / f"tabaug-bench-{n_rows}"
        if not folder.exists():
            needed = n_rows * BYTES_PER_ROW * (3 if n_rows <= args.write_upto else 1)
            free = shutil.disk_usage(args.data_dir).free
            if free < needed + 2 * 2**30:
                sys.exit(f"{args.data_dir}: {free / 2**30:.1f} GiB free, the {n_rows:,}-row "
                         f"table and its outputs need about {needed / 2**30:.1f} GiB.")
            start = time.perf_counter()
            generate(folder, n_rows)
            print(f"# generated {n_rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
        print(f"# load average before {n_rows:,} rows: {os.getloadavg()[0]:.1f} "
              "(other work on the machine slows every figure)", flush=True)
        results += run_dask(folder, n_rows, args)
        if n_rows in args.pandas:
            results += run_pandas(folder, n_rows, args)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
