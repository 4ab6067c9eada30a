import json
import math
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from tabaug import BalanceAudit, audit
from tabaug.exceptions import InvalidInputError, InvalidTargetError


def _features(n, seed):
    rng = np.random.default_rng(seed)
    # unique rows: an id-like float column makes accidental duplicates impossible
    return pd.DataFrame(
        {"x": rng.permutation(n) + seed * 10_000 + 0.5, "c": rng.choice(["u", "v"], n)}
    )


def test_counts_ratio_entropy_by_hand():
    result = audit([0] * 6 + [1] * 3 + [2] * 1)
    assert isinstance(result, BalanceAudit)
    assert result.splits == ["all"]
    assert result.labels == [0, 1, 2]
    assert result.counts["all"].tolist() == [6, 3, 1]
    assert result.shares["all"].tolist() == pytest.approx([0.6, 0.3, 0.1])
    assert result.imbalance_ratio == 6.0
    assert result.per_split["all"]["imbalance_ratio"] == 6.0
    p = np.array([0.6, 0.3, 0.1])
    assert result.normalized_entropy == pytest.approx(-(p * np.log(p)).sum() / math.log(3))
    assert result.n_rows == 10


def test_balanced_target_has_entropy_one_and_no_minority():
    result = audit(["a", "b"] * 50)
    assert result.normalized_entropy == pytest.approx(1.0)
    assert result.imbalance_ratio == 1.0
    assert result.minority_classes == []
    assert result.warnings == []


def test_minority_threshold_is_relative_to_balanced_share():
    y = [0] * 70 + [1] * 20 + [2] * 10  # balanced share 1/3; half of it is 16.7%
    assert audit(y).minority_classes == [2]
    assert audit(y, minority_threshold=0.7).minority_classes == [1, 2]


def test_dataframe_with_split_column():
    frame = pd.DataFrame(
        {
            "x": np.arange(20.0),
            "label": ["no"] * 12 + ["yes"] * 3 + ["no"] * 4 + ["yes"],
            "split": ["train"] * 15 + ["test"] * 5,
        }
    )
    result = audit(frame, target="label", split="split")
    assert result.target == "label"
    assert result.splits == ["train", "test"]
    assert result.counts.loc["yes"].tolist() == [3, 1, 4]
    assert result.counts.columns.tolist() == ["train", "test", "total"]
    assert result.per_split["train"]["imbalance_ratio"] == 4.0
    assert result.per_split["test"] == {
        "rows": 5,
        "imbalance_ratio": 4.0,
        "normalized_entropy": pytest.approx(
            -(0.8 * math.log(0.8) + 0.2 * math.log(0.2)) / math.log(2)
        ),
    }
    assert result.imbalance_ratio == 16 / 4
    assert result.duplicates["test"]["duplicates"] == 0


def test_dict_of_targets_and_split_order():
    result = audit({"test": [0, 0, 1], "train": [0] * 8 + [1] * 2, "validation": [0, 1]})
    assert result.splits == ["train", "validation", "test"]
    assert result.counts["total"].tolist() == [11, 4]
    assert result.duplicates == {}


def test_split_as_array_with_bare_target():
    y = np.array([0, 0, 1, 0, 1, 0])
    result = audit(y, split=np.array(["train", "train", "train", "test", "test", "test"]))
    assert result.counts["test"].tolist() == [2, 1]


def test_drift_matches_scipy():
    train = [0] * 80 + [1] * 20
    test = [0] * 30 + [1] * 20
    result = audit({"train": train, "test": test})
    expected = chi2_contingency(np.array([[80, 20], [30, 20]]))
    (entry,) = result.drift
    assert entry["split"] == "test" and entry["reference"] == "train"
    assert entry["p_value"] == pytest.approx(expected.pvalue)
    assert entry["chi2"] == pytest.approx(expected.statistic)
    assert entry["largest_difference"] == pytest.approx(0.2)
    assert any("Class shares differ" in w for w in result.warnings)


def test_no_drift_warning_for_equal_shares():
    result = audit({"train": [0] * 80 + [1] * 20, "test": [0] * 20 + [1] * 5})
    assert result.drift[0]["p_value"] == pytest.approx(1.0)
    assert not any("Class shares differ" in w for w in result.warnings)


def test_missing_class_and_singleton_warnings():
    result = audit({"train": [0] * 10 + [1] * 3 + [2], "test": [0] * 5 + [1]})
    text = "\n".join(result.warnings)
    assert "class 2 has no rows in split 'test' (1 in 'train')." in text
    assert "class 2 has a single row:" in text
    assert "class 1 has a single row in split 'test'" in text


def test_extreme_imbalance_warning():
    assert any("Extreme imbalance" in w for w in audit([0] * 200 + [1]).warnings)
    assert not any("Extreme imbalance" in w for w in audit([0] * 50 + [1] * 2).warnings)
    assert any(
        "Extreme imbalance" in w for w in audit([0] * 50 + [1] * 2, extreme_ratio=20).warnings
    )


def test_leakage_warning_counts_exact_duplicates():
    X_train, y_train = _features(200, seed=1), np.array([0] * 180 + [1] * 20)
    X_test = pd.concat([X_train.iloc[:7], _features(43, seed=2)], ignore_index=True)
    y_test = np.array([0] * 45 + [1] * 5)
    result = audit({"train": (X_train, y_train), "test": (X_test, y_test)})
    assert result.duplicates["test"] == {
        "reference": "train",
        "rows": 50,
        "duplicates": 7,
        "share": 7 / 50,
    }
    assert any("7 of 50 rows of 'test'" in w for w in result.warnings)


def test_leakage_ignores_int_versus_float_columns_and_numpy_input():
    X_train = np.arange(40).reshape(20, 2)
    X_test = np.vstack([X_train[:3].astype(float), np.full((2, 2), 0.5)])
    result = audit({"train": (X_train, [0] * 15 + [1] * 5), "test": (X_test, [0] * 4 + [1])})
    assert result.duplicates["test"]["duplicates"] == 3


def test_leakage_check_in_dataframe_and_opt_out():
    X = _features(60, seed=3)
    frame = X.assign(label=[0] * 50 + [1] * 10, split=["train"] * 40 + ["test"] * 20)
    frame.loc[45, "x"] = frame.loc[0, "x"]
    frame.loc[45, "c"] = frame.loc[0, "c"]
    assert audit(frame, target="label", split="split").duplicates["test"]["duplicates"] == 1
    assert audit(frame, target="label", split="split", check_leakage=False).duplicates == {}


def test_missing_target_values_are_left_out_with_warning():
    result = audit(pd.Series([0, 0, 1, None, 1, 0]))
    assert result.missing_target == 1 and result.n_rows == 5
    assert any("no target value" in w for w in result.warnings)


@pytest.mark.parametrize("bad", [[1, 1, 1], [], pd.Series([None, None])])
def test_one_class_or_empty_target_raises(bad):
    with pytest.raises(InvalidTargetError):
        audit(bad)


def test_input_errors():
    frame = pd.DataFrame({"a": [0, 1]})
    with pytest.raises(InvalidInputError, match="target="):
        audit(frame)
    with pytest.raises(InvalidInputError, match="'label'"):
        audit(frame, target="label")
    with pytest.raises(InvalidInputError, match="rows"):
        audit({"train": (np.zeros((3, 2)), [0, 1])})
    with pytest.raises(InvalidInputError, match="at least two splits"):
        audit([0, 1, 0], check_leakage=True)


def test_to_dict_is_json_and_stable():
    result = audit({"train": np.array([0] * 8 + [1] * 2), "test": np.array([0] * 4 + [1])})
    data = result.to_dict()
    assert set(data) == {
        "target",
        "n_rows",
        "missing_target",
        "missing_split",
        "labels",
        "splits",
        "counts",
        "shares",
        "imbalance_ratio",
        "normalized_entropy",
        "per_split",
        "minority_classes",
        "minority_threshold",
        "drift",
        "duplicates",
        "warnings",
        "difficulty",
        "overlap",
        "leakage",
        "readings",
        "notes",
        "checked",
    }
    assert data["counts"]["train"] == {"0": 8, "1": 2}
    assert json.loads(result.to_json()) == data


def test_text_and_frame():
    result = audit({"train": [0] * 8 + [1] * 2, "test": [0] * 4 + [1]})
    text = str(result)
    assert "8 (80.0%)" in text and "imbalance ratio" in text and "4.0:1" in text
    frame = result.to_frame()
    assert frame[("test", "count")].tolist() == [4, 1]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.sources = []
        self.cells = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [value for key, value in attrs if key in ("src", "href")]

    def handle_data(self, data):
        self.cells.append(data)


def test_html_is_self_contained_with_table(tmp_path):
    result = audit({"train": [0] * 8 + [1] * 2, "test": [0] * 4 + [1]})
    page = result.to_html(tmp_path / "audit.html")
    parser = _Page()
    parser.feed((tmp_path / "audit.html").read_text())
    assert page.startswith("<!DOCTYPE html>")
    assert "table" in parser.tags and "8 (80.0%)" in parser.cells
    assert all(source.startswith("data:image/png;base64,") for source in parser.sources)
    assert "<table" in result._repr_html_()


def test_html_embeds_png_when_matplotlib_present():
    pytest.importorskip("matplotlib")
    parser = _Page()
    parser.feed(audit([0, 0, 0, 1]).to_html())
    assert len(parser.sources) == 1


def test_plot_png(tmp_path):
    pytest.importorskip("matplotlib")
    figure = audit({"train": [0] * 8 + [1] * 2, "test": [0] * 4 + [1]}).plot(tmp_path / "a.png")
    assert len(figure.axes) == 1
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"


@pytest.fixture
def table_frame():
    X = _features(120, seed=5)
    frame = X.assign(
        label=np.r_[np.zeros(100, dtype=int), np.ones(20, dtype=int)],
        split=np.where(np.arange(120) % 4 == 0, "test", "train"),
    )
    frame.loc[4, ["x", "c"]] = frame.loc[1, ["x", "c"]].to_numpy()  # row 4 is test, row 1 train
    return frame


def test_csv_file_matches_in_memory(tmp_path, table_frame):
    path = tmp_path / "data.csv"
    table_frame.to_csv(path, index=False)
    from_file = audit(path, target="label", split="split")
    in_memory = audit(table_frame, target="label", split="split")
    assert from_file.labels == [0, 1]  # whole-number text labels come back as ints
    pd.testing.assert_frame_equal(from_file.counts, in_memory.counts)
    assert from_file.duplicates == {}
    checked = audit(str(path), target="label", split="split", check_leakage=True)
    assert checked.duplicates["test"]["duplicates"] == 1


def test_parquet_file(tmp_path, table_frame):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    table_frame.to_parquet(path, index=False)
    result = audit(path, target="label", split="split", check_leakage=True)
    assert result.counts["total"].tolist() == [100, 20]
    assert result.duplicates["test"]["duplicates"] == 1


def test_file_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="no such file"):
        audit(tmp_path / "missing.csv", target="label")
    path = tmp_path / "one.csv"
    pd.DataFrame({"label": ["a"] * 5}).to_csv(path, index=False)
    with pytest.raises(InvalidInputError, match="no column 'y'"):
        audit(path, target="y")
    with pytest.raises(InvalidTargetError, match="single class"):
        audit(path, target="label")


def test_csv_without_pyarrow_reads_with_pandas_chunks(tmp_path, table_frame, monkeypatch):
    from tabaug.utils import _io

    path = tmp_path / "data.csv"
    table_frame.to_csv(path, index=False)
    monkeypatch.setattr(_io, "_has_pyarrow", lambda: False)
    monkeypatch.setattr(_io, "CHUNK_ROWS", 50)
    result = audit(path, target="label", split="split")
    assert result.counts.loc[1].tolist() == [15, 5, 20]
    assert (
        audit(path, target="label", split="split", check_leakage=True).duplicates["test"][
            "duplicates"
        ]
        == 1
    )


def test_parquet_integer_labels_with_nulls_and_text_split(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            "label": pd.array([-1, 5, 5, None, 5, -1, 5, 5], dtype="Int64"),
            "split": ["a", "b", "a", "a", None, "b", "b", "a"],
        }
    )
    path = tmp_path / "ints.parquet"
    frame.to_parquet(path, index=False)
    result = audit(path, target="label", split="split")
    assert result.labels == [-1, 5]
    assert result.counts.loc[5].tolist() == [2, 2, 4]  # the row without a split is left out
    assert result.missing_target == 1
    assert any("1 rows have no split value" in w for w in result.warnings)
    unsplit = audit(path, target="label")
    assert unsplit.counts["all"].tolist() == [2, 5]


@pytest.mark.parametrize("piece_bytes", [5, 64, 1 << 20])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_pieces_respect_quoted_newlines(tmp_path, monkeypatch, piece_bytes, newline):
    pytest.importorskip("pyarrow")
    from tabaug.utils import _io

    rng = np.random.default_rng(0)
    texts = ["plain", "with, comma", 'with "quote"', "two\nlines", "", "x"]
    frame = pd.DataFrame(
        {"note": rng.choice(texts, 300), "label": rng.choice(["a", "b", "c"], 300)}
    )
    path = tmp_path / "quoted.csv"
    path.write_bytes(frame.to_csv(index=False, lineterminator=newline).encode().rstrip())
    monkeypatch.setattr(_io, "CSV_PIECE_BYTES", piece_bytes)
    chunks = list(_io.iter_chunks(path, ["note", "label"], as_text=True))
    read = pd.concat(chunks, ignore_index=True)
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert read["label"].tolist() == expected["label"].tolist()
    assert (
        read["note"].str.replace("\r\n", "\n").tolist()
        == expected["note"].str.replace("\r\n", "\n").tolist()
    )
    result = audit(path, target="label")
    assert result.counts["all"].to_dict() == frame["label"].value_counts().to_dict()


def test_unused_categories_are_not_classes():
    y = pd.Series(pd.Categorical(["a", "a", "b"], categories=["a", "b", "never"]))
    assert audit(y).labels == ["a", "b"]


def test_a_continuous_target_is_refused_with_a_fix():
    rng = np.random.default_rng(0)
    with pytest.raises(InvalidTargetError, match="continuous.*bin"):
        audit(rng.random(50))
    assert audit(np.r_[np.zeros(5), np.ones(3)]).to_dict()  # whole-number floats are classes
