import csv
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tabaug import datasets
from tabaug.exceptions import InvalidInputError

# The class counts documented in datasets/README.md and the module docstring.
DOCUMENTED = {
    "penguins": ("species", 333, {"Chinstrap": 68, "other": 265}),
    "yeast_me2": ("localization", 1484, {"ME2": 51, "other": 1433}),
    "abalone_9_vs_18": ("rings", 731, {18: 42, 9: 689}),
    "glass": (
        "type",
        214,
        {
            "building_non_float": 76,
            "building_float": 70,
            "headlamps": 29,
            "vehicle_float": 17,
            "containers": 13,
            "tableware": 9,
        },
    ),
    "lending_club": ("Class", 9857, {"bad": 517, "good": 9340}),
}

README = Path(__file__).resolve().parents[1] / "datasets" / "README.md"


def test_list_datasets_is_sorted_and_complete():
    assert datasets.list_datasets() == sorted(DOCUMENTED)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_load_matches_documented_counts(name):
    target, rows, counts = DOCUMENTED[name]
    X, y = datasets.load(name)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert y.name == target and target not in X.columns
    assert len(X) == len(y) == rows
    assert y.value_counts().to_dict() == counts
    assert not X.isna().any().any()


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_counts_agree_with_the_raw_csv(name):
    target = DOCUMENTED[name][0]
    source = resources.files("tabaug.datasets").joinpath("data", f"{name}.csv")
    with source.open("r", encoding="utf-8") as handle:
        raw = Counter(row[target] for row in csv.DictReader(handle))
    _, y = datasets.load(name)
    assert {str(k): v for k, v in y.value_counts().items()} == dict(raw)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_readme_lists_the_counts(name):
    text = README.read_text()
    _, rows, counts = DOCUMENTED[name]
    line = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
    assert f"| {rows} |" in line
    for label, count in counts.items():
        assert f"{label}{':' if isinstance(label, int) else ''} {count}" in line


@pytest.mark.parametrize("name", ["penguins", "abalone_9_vs_18", "lending_club"])
def test_mixed_datasets_have_categorical_columns(name):
    X, _ = datasets.load(name)
    kinds = {str(dtype) for dtype in X.dtypes}
    assert "category" in kinds
    assert any(pd.api.types.is_numeric_dtype(X[c]) for c in X.columns)


def test_integer_columns_stay_integer():
    X, y = datasets.load("penguins")
    assert X["body_mass_g"].dtype == np.int64
    _, y = datasets.load("abalone_9_vs_18")
    assert pd.api.types.is_integer_dtype(y)


def test_as_frame_false_returns_arrays():
    X, y = datasets.load("yeast_me2", as_frame=False)
    assert X.dtype == np.float64 and X.shape == (1484, 8)
    assert y.dtype == object and set(y) == {"ME2", "other"}
    X, y = datasets.load("penguins", as_frame=False)
    assert X.dtype == object and X.shape == (333, 7)
    X, y = datasets.load("abalone_9_vs_18", as_frame=False)
    assert np.issubdtype(y.dtype, np.integer)


def test_unknown_name_says_what_exists():
    with pytest.raises(InvalidInputError, match="penguins"):
        datasets.load("iris")


def test_top_level_copies_match_the_packaged_csvs():
    root = Path(__file__).resolve().parents[1]
    packaged = root / "src" / "tabaug" / "datasets" / "data"
    if not packaged.is_dir():
        pytest.skip("not running from a source checkout")
    names = sorted(p.name for p in packaged.glob("*.csv"))
    assert names == sorted(p.name for p in (root / "datasets").glob("*.csv"))
    for name in names:
        assert (packaged / name).read_bytes() == (root / "datasets" / name).read_bytes(), name
