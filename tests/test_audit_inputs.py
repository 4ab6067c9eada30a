"""The audit's hardening: rows never dropped silently, clear errors, safe strings."""

import io
import math
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from tabaug import audit
from tabaug.exceptions import InvalidInputError, InvalidParameterError, InvalidTargetError

SPLIT = ["train"] * 70 + ["test"] * 25 + [None] * 5
Y = [0] * 80 + [1] * 20


@pytest.mark.parametrize(
    "split",
    [
        np.array(SPLIT, dtype=object),
        SPLIT,
        pd.Series(SPLIT),
        pd.Series(SPLIT, dtype="string"),
        pd.Series(pd.Categorical(SPLIT)),
        np.array([np.nan if s is None else s for s in SPLIT], dtype=object),
    ],
    ids=["object-array", "list", "series", "string", "category", "nan"],
)
def test_rows_without_a_split_are_reported_for_every_input_form(split):
    result = audit(np.array(Y), split=split)
    assert result.missing_split == 5 and result.n_rows == 95
    assert result.to_dict()["missing_split"] == 5
    assert any("5 rows have no split value" in w for w in result.warnings)
    frame = pd.DataFrame({"y": Y, "s": split, "x": np.arange(100.0)})
    from_frame = audit(frame, target="y", split="s")
    assert from_frame.missing_split == 5
    pd.testing.assert_frame_equal(from_frame.counts, result.counts)


def test_nothing_missing_means_zero():
    result = audit({"train": [0, 0, 1], "test": [0, 1]})
    assert result.missing_split == 0 and result.missing_target == 0
    assert result.to_dict()["missing_split"] == 0


def test_rows_missing_both_split_and_target_are_counted_once():
    result = audit(pd.Series([0, 0, 1, None, 1, 0]), split=["a", "a", "b", None, None, "b"])
    assert result.missing_split == 2 and result.missing_target == 0
    assert result.n_rows == 4


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"minority_threshold": 0}, "minority_threshold"),
        ({"minority_threshold": 1.5}, "minority_threshold"),
        ({"minority_threshold": math.nan}, "minority_threshold"),
        ({"minority_threshold": "0.5"}, "minority_threshold"),
        ({"extreme_ratio": 0.5}, "extreme_ratio"),
        ({"extreme_ratio": None}, "extreme_ratio"),
        ({"check_leakage": "yes"}, "check_leakage"),
    ],
)
def test_bad_settings_raise_invalid_parameter_error(kwargs, name):
    with pytest.raises(InvalidParameterError, match=f"audit: {name} must"):
        audit([0, 0, 1], **kwargs)
    assert issubclass(InvalidParameterError, InvalidInputError)


@pytest.mark.parametrize("cell", [[1, 2], {"a": 1}, np.array([1, 2]), {1, 2}], ids=type)
def test_unhashable_cells_in_the_leakage_check_are_refused_clearly(cell):
    frame = pd.DataFrame(
        {
            "x": np.arange(6.0),
            "tags": [cell, "a", "b", "c", "d", "e"],
            "y": [0, 0, 1, 0, 1, 1],
            "s": ["train"] * 3 + ["test"] * 3,
        }
    )
    with pytest.raises(InvalidInputError, match=r"column 'tags' holds values of type") as error:
        audit(frame, target="y", split="s")
    assert "astype(str)" in str(error.value) and "check_leakage=False" in str(error.value)
    assert audit(frame, target="y", split="s", check_leakage=False).n_rows == 6


def test_tuple_cells_are_compared_by_value():
    tags = [(1, 2), ("a",), (3,), (1, 2), (4,), (5,)]
    frame = pd.DataFrame(
        {"tags": tags, "y": [0, 0, 1, 0, 1, 1], "s": ["train"] * 3 + ["test"] * 3}
    )
    assert audit(frame, target="y", split="s").duplicates["test"]["duplicates"] == 1


def test_mixed_text_and_number_labels_are_refused():
    with pytest.raises(InvalidTargetError, match="mixes text and numbers"):
        audit(np.array([1, "1", 0, 0], dtype=object))


def test_split_of_the_wrong_length_is_refused_with_a_fix():
    with pytest.raises(InvalidInputError, match="one split name per row"):
        audit([0, 1, 0], split=["train", "test"])


HOSTILE = "<script>alert('x')</script>"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_html_escapes_labels_splits_and_target():
    frame = pd.DataFrame(
        {
            "x": np.arange(40.0),
            "<b>&target": [HOSTILE] * 30 + ["a&b <i>"] * 10,
            "split": ["<img src=x>"] * 20 + ["train"] * 20,
        }
    )
    result = audit(frame, target="<b>&target", split="split")
    for page in (result.to_html(), result._repr_html_()):
        parser = _Page()
        parser.feed(page)
        assert "script" not in parser.tags and "i" not in parser.tags and "b" not in parser.tags
        assert parser.tags.count("img") <= 1  # only the embedded chart, never the split name
        assert "&lt;script&gt;" in page


def test_chart_shows_special_strings_literally():
    pytest.importorskip("matplotlib")
    result = audit(
        {"_holdout": ["$$", "cost $5"] * 3 + ["$$"] * 4, "train": ["$$"] * 6 + ["cost $5"] * 2}
    )
    figure = result.plot()
    figure.savefig(io.BytesIO(), format="png")  # "$$" as math would fail here
    ax = figure.axes[0]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "_holdout" in legend and "train" in legend
    assert [t.get_text() for t in ax.get_xticklabels()] == ["\\$\\$", "cost \\$5"]


@pytest.mark.parametrize("n_classes", [2, 12])
def test_chart_title_fits_its_figure(n_classes):
    pytest.importorskip("matplotlib")
    y = np.repeat(np.arange(n_classes), np.arange(n_classes) * 50 + 1)
    figure = audit({"train": y, "test": y}).plot()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    box = figure.axes[0].title.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width
