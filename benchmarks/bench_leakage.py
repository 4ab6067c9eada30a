"""Does ``tabaug.audit`` catch rows resampled before splitting, and stay quiet otherwise?

On every shipped dataset, plus a table full of natural duplicates (lending_club
cut down to its six categorical columns and two numeric columns binned in
quintiles, where three rows in four repeat another), it builds:

* **leaked splits**: synthetic rows are added to the classes other than the
  largest (in proportion to what each lacks to reach the largest) until they
  make up ``--contamination`` of the table (10 % by default, so also about
  10 % of a random test split), with RandomOverSampler, SMOTE,
  GaussianNoiseOverSampler or CTGANOverSampler; then the table is split at
  random (70/30, stratified), as a user who resampled first would;
* **clean splits**: the same random splits of the original table.

Each split is audited (``tabaug.audit({"train": ..., "test": ...})``, the
default checks: exact repeats, near duplicates, SMOTE segments, each class
against the largest). A leaked split counts as caught when any check flags
it; a clean split that gets a flag is a false alarm. Every repeat draws new
synthetic rows and a new split (seeds 0, 1, ...). CTGAN is trained once per
dataset (``--ctgan-epochs``) and samples new rows for each repeat; it needs
the deep extra (``pip install "tabaug[deep]"``) and is skipped without it.

Run::

    python benchmarks/bench_leakage.py                        # 20 leaked + 40 clean per dataset
    python benchmarks/bench_leakage.py --repeats 5 --no-ctgan # a quick look
    python benchmarks/bench_leakage.py --contamination 0.05   # a harder setting
    python benchmarks/bench_leakage.py --datasets glass --repeats 1 --no-ctgan  # smoke test
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

import tabaug
from tabaug import SMOTE, GaussianNoiseOverSampler, RandomOverSampler, audit, datasets

CHECKS = ("exact", "near", "smote")


def natural_duplicates() -> tuple[pd.DataFrame, pd.Series]:
    """lending_club with only coarse columns: most rows repeat another, naturally."""
    X, y = datasets.load("lending_club")
    categorical = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
    coarse = X[categorical].copy()
    for column in ("funded_amnt", "annual_inc"):
        if column in X:
            coarse[column] = pd.qcut(X[column], 5, labels=False, duplicates="drop")
    return coarse, y


COARSE = "lending_club (coarse)"


def tables(names: list[str] | None = None) -> dict[str, tuple[pd.DataFrame, pd.Series]]:
    """The shipped datasets and the natural-duplicate table (or those of ``names``)."""
    names = names or [*datasets.list_datasets(), COARSE]
    return {
        name: natural_duplicates() if name == COARSE else datasets.load(name) for name in names
    }


def growth(y: pd.Series, contamination: float) -> dict:
    """Rows to reach per grown class so synthetic rows make ``contamination`` of the table."""
    counts = y.value_counts()
    n_new = int(round(contamination / (1 - contamination) * len(y)))
    deficit = counts.max() - counts[counts < counts.max()]
    shares = deficit / deficit.sum()
    added = np.minimum(np.round(shares * n_new).astype(int), deficit)
    return {label: int(counts[label] + n) for label, n in added.items() if n > 0}


def leak(kind: str, X, y, contamination: float, seed: int, models: dict):
    strategy = growth(y, contamination)
    if kind == "CTGAN":
        model = models[id(X)]
        parts = [model.sample(n - int((y == label).sum()), label) for label, n in strategy.items()]
        new_y = np.concatenate(
            [np.full(len(part), label) for part, (label, _) in zip(parts, strategy.items(),
                                                                     strict=True)]
        )
        X_new = pd.concat([X, *parts], ignore_index=True)
        return X_new, pd.concat([y, pd.Series(new_y, name=y.name)], ignore_index=True)
    sampler = {
        "ROS": lambda: RandomOverSampler(sampling_strategy=strategy, random_state=seed),
        "SMOTE": lambda: SMOTE(
            sampling_strategy=strategy, random_state=seed,
            k_neighbors=min(5, int(y.value_counts().min()) - 1),
        ),
        "noise": lambda: GaussianNoiseOverSampler(sampling_strategy=strategy, random_state=seed),
    }[kind]()
    return sampler.fit_resample(X, y)


def flags(X, y, seed: int) -> tuple[dict[str, bool], float]:
    """Which checks flag a random split, and its closest class's median DCR ratio.

    The ratio is a class's median distance from a held-out row to the closest
    training row of the class over the largest class's (the smallest over the
    classes): near 1 when held-out rows are as new as the largest class's,
    well below 1 when they were made from training rows.
    """
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    result = audit({"train": (X_train, y_train), "test": (X_test, y_test)})
    found = {
        check: bool(result.leakage[check] and result.leakage[check]["flagged"])
        for check in CHECKS
    }
    near = result.leakage["near"]
    ratios = [
        entry["median_dcr"] / entry["reference_median_dcr"]
        for entry in (near["classes"].values() if near else [])
        if entry.get("reference_median_dcr")
    ]
    return found, min(ratios, default=float("nan"))


def train_ctgan(X, y, epochs: int):
    from tabaug import CTGANOverSampler

    model = CTGANOverSampler(epochs=epochs, batch_size=int(np.clip(len(y) // 100 * 10, 50, 500)),
                             verbose=False, random_state=0)
    return model.fit(X, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="leaked splits per cell")
    parser.add_argument("--clean-repeats", type=int, default=None,
                        help="clean splits per dataset (default: twice --repeats)")
    parser.add_argument("--contamination", type=float, default=0.10)
    parser.add_argument("--ctgan-epochs", type=int, default=100)
    parser.add_argument("--no-ctgan", action="store_true")
    parser.add_argument("--datasets", nargs="+", metavar="NAME",
                        help=f"only these tables (default: every shipped dataset and {COARSE!r})")
    args = parser.parse_args()
    clean_repeats = args.clean_repeats or 2 * args.repeats
    kinds = ["ROS", "SMOTE", "noise"]
    if not args.no_ctgan and importlib.util.find_spec("torch") is not None:
        kinds.append("CTGAN")
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    print(f"tabaug {tabaug.__version__}, Python {platform.python_version()}, "
          f"{args.repeats} leaked splits per cell, {clean_repeats} clean splits per dataset, "
          f"{100 * args.contamination:.0f}% synthetic rows\n")
    rows, totals = [], {kind: [0, 0] for kind in [*kinds, "clean"]}
    per_check = {kind: dict.fromkeys(CHECKS, 0) for kind in kinds}
    dcr = {kind: [] for kind in [*kinds, "clean"]}
    for name, (X, y) in tables(args.datasets).items():
        models = {}
        if "CTGAN" in kinds:
            models[id(X)] = train_ctgan(X, y, args.ctgan_epochs)
        row = {"dataset": name, "rows": len(y)}
        for kind in kinds:
            caught = 0
            for seed in range(args.repeats):
                X_leak, y_leak = leak(kind, X, y, args.contamination, seed, models)
                found, ratio = flags(X_leak, y_leak, seed)
                dcr[kind].append(ratio)
                caught += any(found.values())
                for check, flagged in found.items():
                    per_check[kind][check] += flagged
            row[kind] = caught / args.repeats
            totals[kind][0] += caught
            totals[kind][1] += args.repeats
        alarms = 0
        for seed in range(clean_repeats):
            found, ratio = flags(X, y, seed)
            dcr["clean"].append(ratio)
            alarms += any(found.values())
        row["clean"] = alarms / clean_repeats
        totals["clean"][0] += alarms
        totals["clean"][1] += clean_repeats
        rows.append(row)
        print(f"  {name}: done ({time.perf_counter() - start:.0f} s)", flush=True)
    print()
    header = ["dataset", "rows", *[f"{kind} caught" for kind in kinds], "clean: false alarms"]
    print("| " + " | ".join(header) + " |")
    print("| --- | ---: |" + " ---: |" * (len(kinds) + 1))
    for row in rows:
        cells = [row["dataset"], f"{row['rows']:,}"]
        cells += [f"{100 * row[kind]:.0f}%" for kind in [*kinds, "clean"]]
        print("| " + " | ".join(cells) + " |")
    cells = ["all", ""] + [
        f"**{100 * totals[kind][0] / totals[kind][1]:.0f}%**" for kind in [*kinds, "clean"]
    ]
    print("| " + " | ".join(cells) + " |")
    print("\nWhich check flagged the leaked splits (share of all leaked splits of that kind):\n")
    print("| leak | " + " | ".join(CHECKS) + " |")
    print("| --- |" + " ---: |" * len(CHECKS))
    for kind in kinds:
        n = totals[kind][1]
        print(f"| {kind} | " + " | ".join(
            f"{100 * per_check[kind][check] / n:.0f}%" for check in CHECKS) + " |")
    print("\nWhat the leaked rows look like: the closest class's median distance from a held-out"
          " row to its closest training row of the class, over the largest class's (median and"
          " 10th-90th percentiles over all splits of that kind; 1 = as new as the largest"
          " class's rows):\n")
    print("| split | median DCR ratio | 10th-90th percentile |")
    print("| --- | ---: | --- |")
    for kind in [*kinds, "clean"]:
        low, mid, high = np.nanpercentile(dcr[kind], [10, 50, 90])
        print(f"| {kind} | {mid:.2f} | {low:.2f}-{high:.2f} |")
    print(f"\n{time.perf_counter() - start:.0f} s in all")


if __name__ == "__main__":
    main()
