"""The one confusion-matrix engine (tabaug.metrics) and evaluate's bootstrap at scale."""

import time
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.metrics import (
    balanced_accuracy_score,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

import tabaug
from tabaug.exceptions import InvalidInputError, InvalidParameterError, MemoryLimitError
from tabaug.metrics import ConfusionScores, confusion_scores, count_confusion, evaluate


def _labels(n_classes=4, n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    pred = np.where(rng.random(n) < 0.4, rng.integers(0, n_classes, n), y)
    return y, pred


def test_count_confusion_matches_the_rows():
    y, pred = _labels()
    matrix = count_confusion(y, pred, 4)
    assert matrix.dtype == np.int64 and matrix.sum() == len(y)
    for i in range(4):
        for j in range(4):
            assert matrix[i, j] == np.sum((y == i) & (pred == j))


@pytest.mark.parametrize("seed", [0, 1])
def test_zero_division_zero_agrees_with_scikit_learn(seed):
    y, pred = _labels(seed=seed)
    pred[pred == 3] = 2  # class 3 is never predicted: its precision is 0/0
    scores = confusion_scores(count_confusion(y, pred, 4), zero_division=0)
    labels = [0, 1, 2, 3]
    assert isinstance(scores, ConfusionScores)
    assert scores.balanced_accuracy == pytest.approx(balanced_accuracy_score(y, pred), abs=1e-12)
    assert scores.mcc == pytest.approx(matthews_corrcoef(y, pred), abs=1e-12)
    assert scores.f1_macro == pytest.approx(
        f1_score(y, pred, labels=labels, average="macro", zero_division=0), abs=1e-12)
    np.testing.assert_allclose(
        scores.precision, precision_score(y, pred, labels=labels, average=None, zero_division=0))
    np.testing.assert_allclose(scores.recall, recall_score(y, pred, average=None))
    assert scores.precision[3] == 0.0


def test_zero_division_undefined_gives_nan_and_none():
    matrix = np.array([[100, 0], [10, 0]])
    undefined = confusion_scores(matrix, zero_division="undefined")
    assert np.isnan(undefined.precision[1])
    assert undefined.mcc is None
    assert undefined.f1[1] == 0.0  # 2*0 / (10 + 0): defined, and 0
    zero = confusion_scores(matrix, zero_division=0)
    assert zero.precision[1] == 0.0 and zero.mcc == 0.0
    one = confusion_scores(matrix, zero_division=1.0)
    assert one.precision[1] == 1.0 and one.mcc == 1.0


def test_a_class_absent_and_never_predicted_follows_each_rule():
    matrix = np.array([[5, 1, 0], [2, 4, 0], [0, 0, 0]])
    undefined = confusion_scores(matrix, zero_division="undefined")
    assert np.isnan(undefined.f1[2]) and np.isnan(undefined.recall[2])
    assert undefined.f1_macro == pytest.approx(np.mean(undefined.f1[:2]))
    zero = confusion_scores(matrix, zero_division=0)
    assert zero.f1_macro == pytest.approx(np.mean([*zero.f1[:2], 0.0]))
    # balanced accuracy and G-mean average the classes present in the truth, either way
    assert undefined.balanced_accuracy == zero.balanced_accuracy
    assert zero.balanced_accuracy == pytest.approx((5 / 6 + 4 / 6) / 2)
    assert undefined.g_mean == pytest.approx(np.sqrt(5 / 6 * 4 / 6))


def test_mcc_does_not_overflow_on_counts_around_1e10():
    small = np.array([[4, 1, 2], [1, 3, 0], [2, 2, 5]])
    huge = small * 10**10  # int64 products of these counts would wrap
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = confusion_scores(huge, zero_division="undefined")
    reference = confusion_scores(small, zero_division="undefined")
    # MCC is unchanged when every count is scaled by the same factor
    assert scores.mcc == pytest.approx(reference.mcc, rel=1e-12)
    assert -1.0 <= scores.mcc <= 1.0
    assert scores.accuracy == pytest.approx(reference.accuracy, rel=1e-15)


@pytest.mark.parametrize(
    ("matrix", "zero_division", "error", "match"),
    [
        ([[1, 2, 3]], 0, InvalidInputError, "square"),
        ([[1, -1], [0, 2]], 0, InvalidInputError, "negative"),
        ([[0.5, 1], [0, 2]], 0, InvalidInputError, "whole counts"),
        ([[0, 0], [0, 0]], 0, InvalidInputError, "empty"),
        ([[1, 0], [0, 1]], "zero", InvalidParameterError, "zero_division"),
        ([[1, 0], [0, 1]], float("nan"), InvalidParameterError, "finite"),
        ([[1, 0], [0, 1]], None, InvalidParameterError, "zero_division"),
    ],
)
def test_bad_matrices_and_rules_are_refused(matrix, zero_division, error, match):
    with pytest.raises(error, match=match):
        confusion_scores(matrix, zero_division=zero_division)


def test_evaluate_and_compare_share_the_engine():
    # the same numbers through evaluate (undefined rule) and the engine directly
    y, pred = _labels(n_classes=3, seed=4)
    report = evaluate(y, pred)
    scores = confusion_scores(report.confusion_matrix, zero_division="undefined")
    assert report.mcc == scores.mcc
    assert report.balanced_accuracy == scores.balanced_accuracy
    assert report.f1_macro == scores.f1_macro


def test_thousand_class_bootstrap_is_fast_and_flat():
    y = np.repeat(np.arange(1000), 20)
    tracemalloc.start()
    start = time.perf_counter()
    report = tabaug.evaluate(y, np.roll(y, 7))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 20
    # the whole-matrix draw needed n_bootstrap x classes^2 counts (7.45 GiB); per class, 4
    assert peak < 200 * 2**20
    low, high = report.per_class[5]["recall_ci"]
    assert 0 <= low <= report.per_class[5]["recall"] <= high <= 1


def test_bootstrap_memory_goes_through_the_guard():
    y = np.array([0] * 50 + [1] * 10)
    with tabaug.config_context(max_memory=1000):
        with pytest.raises(MemoryLimitError, match="n_bootstrap"):
            evaluate(y, y, n_bootstrap=10_000)
        assert evaluate(y, y, n_bootstrap=0).per_class[1]["recall_ci"] is None


def test_bad_n_bootstrap_is_a_parameter_error():
    with pytest.raises(InvalidParameterError, match="n_bootstrap"):
        evaluate([0, 1], [0, 1], n_bootstrap=-1)


def test_count_confusion_and_side_by_side_refuse_bad_input():
    from tabaug.metrics import side_by_side

    with pytest.raises(InvalidInputError, match="integer class codes"):
        count_confusion([0, 1, 2], [0, 1, 1], 2)
    with pytest.raises(InvalidInputError, match="one length"):
        count_confusion([0, 1], [0], 2)
    with pytest.raises(InvalidInputError, match="non-empty dict"):
        side_by_side({})
    with pytest.raises(InvalidInputError, match="same classes"):
        side_by_side({"a": evaluate([0, 1], [0, 1]), "b": evaluate([0, 2], [0, 2])})
