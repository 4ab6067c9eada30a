"""The audit's feature checks on constructed data with a known answer.

Difficulty (example types, N3, Fisher ratio), leakage (exact repeats, near
duplicates, SMOTE segments, each class against the largest), the JSON schema
of their fields, the report sections, and bad input.
"""

import json

import numpy as np
import pandas as pd
import pytest

from tabaug import audit
from tabaug.exceptions import InvalidInputError, InvalidParameterError, InvalidTargetError

TYPES = {"safe", "borderline", "rare", "outlier", "n_rows", "sampled"}
CHECK_KEYS = {"rate", "reference_rate", "p_value", "flagged", "label", "classes"}


def _blobs(n_major, n_minor, *, offset, seed=0, columns=4):
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [rng.normal(size=(n_major, columns)), rng.normal(offset, 1.0, size=(n_minor, columns))]
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(columns)])
    return frame.assign(y=np.r_[np.zeros(n_major, int), np.ones(n_minor, int)])


# --------------------------------------------------------------------------- difficulty


def test_a_separate_cluster_is_safe_and_overlap_is_low():
    frame = _blobs(300, 60, offset=12.0)
    result = audit(frame, target="y", difficulty=True)
    entry = result.difficulty[1]
    assert entry["safe"] == 1.0 and entry["n_rows"] == 60 and entry["sampled"] is False
    assert result.overlap["n3"] == 0.0
    assert result.overlap["fisher_ratio"] < 0.05
    assert any("safe" in reading and "class 1" in reading for reading in result.readings)


def test_a_fully_overlapped_class_is_hardly_ever_safe():
    frame = _blobs(400, 40, offset=0.0, seed=1)
    result = audit(frame, target="y", difficulty=True)
    entry = result.difficulty[1]
    assert entry["safe"] < 0.1
    assert entry["rare"] + entry["outlier"] > 0.6
    assert sum(entry[kind] for kind in ("safe", "borderline", "rare", "outlier")) == (
        pytest.approx(1.0)
    )
    assert result.overlap["fisher_ratio"] > 0.9
    assert any("overlaps class 0" in reading for reading in result.readings)


def test_isolated_rows_are_outliers():
    rng = np.random.default_rng(2)
    major = rng.uniform(0, 100, size=(2000, 2))
    sources = np.argsort(major[:, 0])[100::200]  # ten rows far apart, each inside the majority
    minor = major[sources] + 1e-3
    frame = pd.DataFrame(np.vstack([major, minor]), columns=["a", "b"])
    frame["y"] = np.r_[np.zeros(2000, int), np.ones(10, int)]
    result = audit(frame, target="y", difficulty=True)
    assert result.difficulty[1]["outlier"] == 1.0
    assert any("no row of their class" in reading for reading in result.readings)


def test_n3_and_fisher_ratio_by_hand():
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 10.0, 11.0, 2.5], "y": [0, 0, 0, 1, 1, 1]})
    result = audit(frame, target="y", difficulty=True)
    # 1-NN: 0->1 ok, 1->0 ok, 2->2.5 wrong, 10->11 ok, 11->10 ok, 2.5->2 wrong
    assert result.overlap["n3"] == pytest.approx(2 / 6)
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    means = np.array([x[y == c].mean() for c in (0, 1)])
    between = sum((y == c).sum() * (means[c] - x.mean()) ** 2 for c in (0, 1))
    within = sum(((x[y == c] - means[c]) ** 2).sum() for c in (0, 1))
    assert result.overlap["fisher_ratio"] == pytest.approx(1 / (1 + between / within))


def test_difficulty_is_on_the_training_split():
    frame = _blobs(200, 40, offset=12.0).assign(split=["train", "test"] * 120)
    result = audit(frame, target="y", split="split", difficulty=True, check_leakage=False)
    assert result.difficulty[1]["n_rows"] == 20
    assert any("the 'train' split" in note for note in result.notes)


def test_above_max_rows_rows_are_sampled_but_neighbours_come_from_all_rows():
    frame = _blobs(600, 300, offset=12.0, seed=3)
    result = audit(frame, target="y", difficulty=True, max_rows=100)
    assert result.difficulty[1]["sampled"] is True
    assert result.difficulty[1]["safe"] == 1.0  # thinning would have made rows look rare
    assert any("sampled" in note for note in result.notes)


def test_all_categorical_features_work_without_a_fisher_ratio():
    rng = np.random.default_rng(4)
    colour = rng.choice(["red", "green", "blue"], 300)
    y = np.where((colour == "red") & (rng.random(300) < 0.5), "rare", "common")
    frame = pd.DataFrame({"colour": colour, "size": rng.choice(["S", "L"], 300), "y": y})
    result = audit(frame, target="y", difficulty=True)
    assert result.overlap["fisher_ratio"] is None
    assert set(result.difficulty["rare"]) == TYPES
    assert any("Fisher ratio not computed" in note for note in result.notes)


def test_nan_in_features_is_handled_by_the_distance():
    frame = _blobs(300, 60, offset=12.0, seed=5)
    frame.loc[::7, "x0"] = np.nan
    frame.loc[::11, "x1"] = np.inf
    result = audit(frame, target="y", difficulty=True)
    assert result.difficulty[1]["safe"] > 0.9
    assert np.isfinite(result.overlap["n3"]) and np.isfinite(result.overlap["fisher_ratio"])


def test_difficulty_needs_features_and_two_classes():
    with pytest.raises(InvalidInputError, match="difficulty needs features"):
        audit([0, 0, 1], difficulty=True)
    with pytest.raises(InvalidInputError, match="difficulty needs features"):
        audit({"train": [0, 0, 1], "test": [0, 1]}, difficulty=True)
    with pytest.raises(InvalidTargetError, match="single class"):
        audit(pd.DataFrame({"x": [1.0, 2.0], "y": [0, 0]}), target="y", difficulty=True)
    frame = pd.DataFrame({"x": np.arange(8.0), "y": [0] * 4 + [1] * 4,
                          "s": ["train"] * 4 + ["test"] * 4})
    result = audit(frame, target="y", split="s", difficulty=True, check_leakage=False)
    assert result.difficulty is None
    assert any("single class" in note for note in result.notes)


# --------------------------------------------------------------------------- leakage


def _split_frame(seed=0, n_major=600, n_minor=120, columns=5):
    frame = _blobs(n_major, n_minor, offset=1.5, seed=seed, columns=columns)
    rng = np.random.default_rng(seed)
    return frame.assign(split=np.where(rng.random(len(frame)) < 0.7, "train", "test"))


def test_planted_exact_duplicates_at_a_known_rate():
    frame = _split_frame()
    minor_test = frame.index[(frame["y"] == 1) & (frame["split"] == "test")]
    minor_train = frame.index[(frame["y"] == 1) & (frame["split"] == "train")]
    planted = minor_test[:20]
    frame.loc[planted, ["x0", "x1", "x2", "x3", "x4"]] = frame.loc[
        minor_train[:20], ["x0", "x1", "x2", "x3", "x4"]
    ].to_numpy()
    result = audit(frame, target="y", split="split")
    exact = result.leakage["exact"]
    assert exact["rate"] == pytest.approx(20 / len(minor_test))
    assert exact["reference_rate"] == 0.0
    assert exact["flagged"] and exact["label"] == 1
    assert result.leakage["reference"] == 0
    assert any(w.startswith("Leakage:") and "exactly repeat" in w for w in result.warnings)


def test_planted_smote_rows_are_found_on_segments():
    frame = _split_frame(seed=1)
    columns = ["x0", "x1", "x2", "x3", "x4"]
    rng = np.random.default_rng(1)
    train = frame[(frame["y"] == 1) & (frame["split"] == "train")]
    test_rows = frame.index[(frame["y"] == 1) & (frame["split"] == "test")][:15]
    for row in test_rows:
        a = train[columns].iloc[rng.integers(len(train))].to_numpy()
        distances = np.linalg.norm(train[columns].to_numpy() - a, axis=1)
        b = train[columns].to_numpy()[np.argsort(distances)[1]]  # a's nearest neighbour
        frame.loc[row, columns] = a + rng.uniform(0.2, 0.8) * (b - a)
    result = audit(frame, target="y", split="split")
    smote = result.leakage["smote"]
    n_test = ((frame["y"] == 1) & (frame["split"] == "test")).sum()
    assert smote["rate"] == pytest.approx(15 / n_test)
    assert smote["reference_rate"] == 0.0 and smote["flagged"]
    assert not result.leakage["exact"]["flagged"]


def test_noise_jittered_copies_are_near_duplicates():
    frame = _split_frame(seed=2)
    columns = ["x0", "x1", "x2", "x3", "x4"]
    rng = np.random.default_rng(2)
    train = frame[(frame["y"] == 1) & (frame["split"] == "train")]
    test_rows = frame.index[(frame["y"] == 1) & (frame["split"] == "test")][:20]
    sources = train[columns].to_numpy()[rng.choice(len(train), 20, replace=False)]
    frame.loc[test_rows, columns] = sources + rng.normal(0, 0.01, sources.shape)
    result = audit(frame, target="y", split="split")
    near = result.leakage["near"]
    assert near["flagged"] and near["rate"] > 0.4
    entry = near["classes"][1]
    assert entry["median_dcr"] < entry["reference_median_dcr"]


@pytest.mark.parametrize("seed", range(3))
def test_clean_random_splits_raise_no_alarm(seed):
    result = audit(_split_frame(seed=seed + 10), target="y", split="split")
    assert not any(result.leakage[check]["flagged"] for check in ("exact", "near", "smote"))
    assert not any(w.startswith("Leakage:") for w in result.warnings)


def test_natural_duplicates_in_every_class_raise_no_alarm():
    rng = np.random.default_rng(6)
    frame = pd.DataFrame(
        {"a": rng.integers(0, 3, 2000), "b": rng.choice(["u", "v"], 2000),
         "y": np.r_[np.zeros(1600, int), np.ones(400, int)]}
    ).assign(split=np.where(rng.random(2000) < 0.7, "train", "test"))
    result = audit(frame, target="y", split="split")
    assert result.duplicates["test"]["share"] > 0.9  # nearly every row repeats another
    assert result.leakage["natural_rate"] > 0.9
    assert not result.leakage["exact"]["flagged"]
    assert not any("exactly repeat" in w for w in result.warnings)


def test_a_leak_in_every_class_alike_is_invisible_by_design():
    frame = _blobs(500, 100, offset=1.5, seed=3)
    doubled = pd.concat([frame, frame], ignore_index=True)  # every class copied alike
    rng = np.random.default_rng(3)
    doubled["split"] = np.where(rng.random(len(doubled)) < 0.7, "train", "test")
    result = audit(doubled, target="y", split="split")
    assert not result.leakage["exact"]["flagged"]
    assert not any(w.startswith("Leakage:") for w in result.warnings)
    assert result.leakage["natural_rate"] > 0.4  # what shows: the data's own duplicate rate


def test_a_single_split_cannot_be_checked_for_leakage():
    with pytest.raises(InvalidInputError, match="at least two splits"):
        audit(_blobs(20, 5, offset=1), target="y", check_leakage=True)


# --------------------------------------------------------------------------- schema, report


def test_json_schema_of_the_new_fields():
    frame = _split_frame(seed=4)
    data = json.loads(audit(frame, target="y", split="split", difficulty=True).to_json())
    assert set(data["difficulty"]) == {"1"} and set(data["difficulty"]["1"]) == TYPES
    assert set(data["overlap"]) == {"n3", "fisher_ratio"}
    assert {"exact", "near", "smote", "reference", "held_out", "natural_rate"} <= set(
        data["leakage"]
    )
    for check in ("exact", "near", "smote"):
        assert set(data["leakage"][check]) == CHECK_KEYS
        entry = data["leakage"][check]["classes"]["1"]
        assert {"rate", "reference_rate", "p_value", "flagged", "n_rows"} <= set(entry)
        assert isinstance(data["leakage"][check]["flagged"], bool)
    assert data["leakage"]["reference"] == "0" and data["leakage"]["held_out"] == ["test"]
    assert data["checked"] == {"difficulty": True, "leakage": True}
    assert all(isinstance(line, str) for line in data["readings"] + data["notes"])
    bare = audit([0, 0, 1]).to_dict()
    assert bare["difficulty"] is bare["overlap"] is bare["leakage"] is None
    assert bare["checked"] == {"difficulty": False, "leakage": False}


def test_text_says_what_was_not_checked_and_how_to_check_it():
    text = str(audit([0, 0, 0, 1]))
    assert "Leakage not checked: use check_leakage=True (command line: --check-leakage)" in text
    assert "Difficulty not checked: use difficulty=True (command line: --difficulty)" in text
    checked = str(audit(_split_frame(seed=5), target="y", split="split", difficulty=True))
    assert "not checked" not in checked
    assert "safe" in checked and "near duplicates" in checked and "How it was measured" in checked


def test_html_report_sections_and_charts():
    pytest.importorskip("matplotlib")
    page = audit(_split_frame(seed=6), target="y", split="split", difficulty=True).to_html()
    for heading in ("What to look at", "Class balance", "Difficulty", "Leakage", "Warnings"):
        assert f">{heading}<" in page
    assert page.count("data:image/png;base64,") == 3
    assert page.index(">What to look at<") < page.index(">Class balance<")


def test_html_without_matplotlib_says_charts_need_the_plot_extra(monkeypatch):
    from tabaug._audit import _render

    monkeypatch.setattr(_render, "has_matplotlib", lambda: False)
    page = audit(_split_frame(seed=7), target="y", split="split").to_html()
    assert 'Charts need matplotlib: pip install &quot;tabaug[plot]&quot;.' in page
    assert "data:image/png" not in page
    assert "Charts need" not in audit([0, 0, 1])._repr_html_()


def test_file_sample_gives_the_same_difficulty_as_memory(tmp_path):
    frame = _split_frame(seed=8, n_major=150, n_minor=40)
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    kwargs = {"target": "y", "split": "split", "difficulty": True}
    from_file = audit(path, check_leakage=True, **kwargs)
    in_memory = audit(frame, **kwargs)
    assert from_file.difficulty == in_memory.difficulty
    assert from_file.overlap == pytest.approx(in_memory.overlap)
    assert from_file.leakage["exact"]["rate"] == in_memory.leakage["exact"]["rate"]
    big = audit(path, max_rows=50, **kwargs)
    assert any("seeded sample of 50 of the file's 190 rows" in note for note in big.notes)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"difficulty": "yes"}, "difficulty"),
        ({"difficulty": 1.5}, "difficulty"),
        ({"max_rows": 5}, "max_rows"),
        ({"max_rows": 10.5}, "max_rows"),
        ({"random_state": -1}, "random_state"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_bad_settings_of_the_checks(kwargs, name):
    with pytest.raises(InvalidParameterError, match=f"audit: {name} must"):
        audit([0, 0, 1], **kwargs)


def test_the_memory_guard_refuses_a_distance_coding_too_big():
    from tabaug import config_context
    from tabaug.exceptions import MemoryLimitError

    frame = _split_frame(seed=9)
    with config_context(max_memory=10_000), pytest.raises(MemoryLimitError, match="max_rows"):
        audit(frame, target="y", split="split", difficulty=True)


def test_unhashable_cells_are_refused_by_the_difficulty_check_too():
    frame = _blobs(20, 10, offset=3.0).assign(tags=[[1]] * 30)
    with pytest.raises(InvalidInputError, match="column 'tags' holds values of type list"):
        audit(frame, target="y", difficulty=True)


def test_difficulty_and_leakage_charts_fit_with_many_long_class_names():
    pytest.importorskip("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from tabaug._audit import _charts

    rng = np.random.default_rng(10)
    names = [f"customers who churned in the first month, cohort {i}" for i in range(6)]
    frame = _blobs(400, 0, offset=0.0, seed=10).assign(
        y=rng.choice(names, 400, p=[0.5] + [0.1] * 5),
        split=np.where(rng.random(400) < 0.7, "train", "test"),
    )
    result = audit(frame, target="y", split="split", difficulty=True)
    for make in (_charts.difficulty_figure, _charts.leakage_figure):
        figure = make(result)
        renderer = FigureCanvasAgg(figure).get_renderer()
        figure.draw(renderer)
        texts = [*figure.legends]
        for ax in figure.axes:
            texts += [ax.title, *filter(None, [ax.get_legend()])]
            for axis, labels, limits in ((1, ax.get_yticklabels(), ax.get_ylim()),
                                         (0, ax.get_xticklabels(), ax.get_xlim())):
                low, high = sorted(limits)
                ticks = [t for t in labels if t.get_visible() and t.get_text()
                         and low <= t.get_position()[axis] <= high]
                texts += ticks
                shown = [t.get_text() for t in ticks]
                assert len(set(shown)) == len(shown), (make.__name__, shown)
                boxes = [t.get_window_extent(renderer) for t in ticks]
                assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        for text in texts:
            box = text.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= figure.bbox.width + 1, make.__name__
            assert box.y0 >= -1 and box.y1 <= figure.bbox.height + 1, make.__name__
