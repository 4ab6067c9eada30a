import json
import warnings
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from imblearn.metrics import geometric_mean_score
from scipy.stats import binomtest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    roc_auc_score,
)

from tabaug import EvaluationReport, evaluate
from tabaug.exceptions import InvalidInputError, InvalidTargetError

SEED_TRUE = np.array([0] * 100 + [1] * 10)
SEED_PRED = np.zeros(110, dtype=int)
TOP_LEVEL = {
    "accuracy",
    "balanced_accuracy",
    "mcc",
    "f1_macro",
    "f1_weighted",
    "g_mean",
    "pr_auc",
    "roc_auc",
}


def _noisy_predictions(n_classes=3, n=400, flip=0.2, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(
        n_classes, size=n, p=np.linspace(3, 1, n_classes) / np.linspace(3, 1, n_classes).sum()
    )
    pred = np.where(rng.random(n) < flip, rng.integers(0, n_classes, n), y)
    scores = rng.dirichlet(np.ones(n_classes), size=n)
    scores[np.arange(n), y] += 0.5
    return y, pred, scores / scores.sum(axis=1, keepdims=True)


def test_seed_example_numbers():
    report = evaluate(SEED_TRUE, SEED_PRED)
    assert report.accuracy == pytest.approx(100 / 110)
    assert round(report.accuracy, 2) == 0.91
    assert report.per_class[1]["recall"] == 0.0
    assert report.per_class[1]["f1"] == 0.0
    assert report.per_class[1]["precision"] is None
    assert report.per_class[0]["precision"] == pytest.approx(100 / 110)
    assert report.no_information_rate == pytest.approx(100 / 110)
    assert report.is_paradox
    # the "precision 1.00" some tutorials print is only scikit-learn's convention
    assert precision_score(SEED_TRUE, SEED_PRED, zero_division=1) == 1.0
    assert any("zero_division" in note for note in report.notes)


def test_seed_example_verdict_wording():
    verdict = evaluate(SEED_TRUE, SEED_PRED).verdict
    p = binomtest(100, 110, 100 / 110, alternative="greater").pvalue
    assert verdict == (
        "Accuracy 0.91 is no better than always predicting class 0 "
        f"(0.91; p = {p:.2f}, one-sided binomial test). "
        "Recall on class 1 is 0.00: the model never finds it."
    )


def test_good_model_gets_positive_verdict():
    y = np.array([0] * 90 + [1] * 30)
    pred = y.copy()
    pred[:2] = 1
    pred[-3:] = 0
    report = evaluate(y, pred)
    assert not report.is_paradox
    assert report.p_value < 0.05
    assert report.verdict.startswith("Accuracy 0.96 beats always predicting class 0 (0.75;")
    assert "Lowest recall: class 1, 0.90; balanced accuracy 0.94 (baseline 0.50)." in report.verdict


def test_above_nir_but_not_significant_is_still_paradox():
    y = np.array([0] * 90 + [1] * 10)
    pred = np.zeros(100, dtype=int)
    pred[-2:] = 1  # 92 correct of 100, NIR 0.90
    report = evaluate(y, pred)
    expected = binomtest(92, 100, 0.9, alternative="greater").pvalue
    assert report.p_value == pytest.approx(expected)
    assert report.accuracy > report.no_information_rate and report.p_value >= 0.05
    assert report.is_paradox
    assert "is not significantly better than" in report.verdict


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_p_value_matches_scipy(seed):
    y, pred, _ = _noisy_predictions(seed=seed, flip=0.4)
    report = evaluate(y, pred)
    counts = np.bincount(y)
    expected = binomtest(
        int((y == pred).sum()), len(y), counts.max() / len(y), alternative="greater"
    )
    assert report.p_value == pytest.approx(expected.pvalue)
    assert report.is_paradox == (
        report.accuracy <= counts.max() / len(y) or expected.pvalue >= 0.05
    )


def test_metrics_agree_with_scikit_learn_multiclass():
    y, pred, scores = _noisy_predictions()
    report = evaluate(y, pred, y_score=scores)
    assert report.accuracy == pytest.approx(accuracy_score(y, pred))
    assert report.balanced_accuracy == pytest.approx(balanced_accuracy_score(y, pred))
    assert report.mcc == pytest.approx(matthews_corrcoef(y, pred))
    assert report.f1_macro == pytest.approx(f1_score(y, pred, average="macro"))
    assert report.f1_weighted == pytest.approx(f1_score(y, pred, average="weighted"))
    assert report.g_mean == pytest.approx(geometric_mean_score(y, pred))
    assert report.roc_auc == pytest.approx(roc_auc_score(y, scores, multi_class="ovr"))
    expected_ap = np.mean([average_precision_score(y == k, scores[:, k]) for k in range(3)])
    assert report.pr_auc == pytest.approx(expected_ap)
    precision, recall, f1, support = precision_recall_fscore_support(y, pred)
    for k in range(3):
        assert report.per_class[k]["precision"] == pytest.approx(precision[k])
        assert report.per_class[k]["recall"] == pytest.approx(recall[k])
        assert report.per_class[k]["f1"] == pytest.approx(f1[k])
        assert report.per_class[k]["support"] == support[k]


def test_binary_scores_rank_the_second_label_and_pr_auc_is_the_rarer_class():
    rng = np.random.default_rng(3)
    y = np.array(["no"] * 80 + ["yes"] * 20)
    score = rng.random(100) + (y == "yes") * 0.4
    pred = np.where(score > 0.8, "yes", "no")
    report = evaluate(y, pred, y_score=score)
    assert report.labels == ["no", "yes"]
    assert report.pr_auc == pytest.approx(average_precision_score(y == "yes", score))
    # when the rarer class is labels[0], its ranking is the reversed score
    renamed = {"yes": "a_yes", "no": "no"}
    flipped = evaluate([renamed[v] for v in y], [renamed[v] for v in pred], y_score=-score)
    assert flipped.labels == ["a_yes", "no"]
    assert flipped.pr_auc == pytest.approx(report.pr_auc)
    assert flipped.roc_auc == pytest.approx(report.roc_auc)
    assert report.roc_auc == pytest.approx(roc_auc_score(y == "yes", score))
    two_columns = evaluate(y, pred, y_score=np.c_[1 - score, score])
    assert two_columns.roc_auc == pytest.approx(report.roc_auc)
    # the baseline scores every row with the class share: chance-level ROC, AP = prevalence
    assert report.baseline["roc_auc"] == pytest.approx(0.5)
    assert report.baseline["pr_auc"] == pytest.approx(0.2)


def test_baseline_is_the_most_frequent_dummy():
    y, pred, _ = _noisy_predictions(seed=4)
    report = evaluate(y, pred)
    dummy_pred = (
        DummyClassifier(strategy="most_frequent")
        .fit(np.zeros((len(y), 1)), y)
        .predict(np.zeros((len(y), 1)))
    )
    assert report.baseline["predicts"] == dummy_pred[0]
    assert report.baseline["accuracy"] == pytest.approx(accuracy_score(y, dummy_pred))
    assert report.baseline["accuracy"] == pytest.approx(report.no_information_rate)
    assert report.baseline["f1_macro"] == pytest.approx(
        f1_score(y, dummy_pred, average="macro", zero_division=0)
    )
    assert report.baseline["mcc"] is None
    assert report.baseline["per_class"][1]["precision"] is None


def test_constant_prediction_mcc_is_undefined_not_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert matthews_corrcoef(SEED_TRUE, SEED_PRED) == 0.0  # scikit-learn's silent 0.0
    report = evaluate(SEED_TRUE, SEED_PRED)
    assert report.mcc is None
    assert report.to_dict()["mcc"] is None
    assert any("MCC is undefined" in note and "0.0" in note for note in report.notes)


def test_undefined_values_are_none_and_printed_as_undefined():
    report = evaluate(SEED_TRUE, SEED_PRED)
    data = report.to_dict()
    assert data["per_class"]["1"]["precision"] is None
    text = str(report)
    assert "undefined" in text and "nan" not in text.lower()
    class_line = next(line for line in text.splitlines() if line.startswith("1 "))
    assert "undefined" in class_line and "1.00" not in class_line.split()[1]


def test_class_absent_from_y_true_is_undefined_for_recall_and_aucs():
    y, pred, scores = _noisy_predictions(n_classes=3, seed=5)
    labels = [0, 1, 2, 3]
    four = np.c_[scores, np.zeros(len(y))]
    report = evaluate(y, pred, y_score=four, labels=labels)
    assert report.per_class[3] == {
        "precision": None,
        "recall": None,
        "f1": None,
        "support": 0,
        "recall_ci": None,
        "f1_ci": None,
    }
    expected_ap = np.mean([average_precision_score(y == k, four[:, k]) for k in range(3)])
    assert report.pr_auc == pytest.approx(expected_ap)
    assert any("Recall of class 3 is undefined" in note for note in report.notes)
    assert report.confusion_matrix.shape == (4, 4)


def test_bootstrap_intervals_only_for_small_classes_and_seeded():
    y = np.array([0] * 200 + [1] * 12)
    pred = y.copy()
    pred[:6] = 1
    pred[-4:] = 0
    report = evaluate(y, pred)
    assert report.per_class[0]["recall_ci"] is None
    low, high = report.per_class[1]["recall_ci"]
    assert 0 <= low <= report.per_class[1]["recall"] <= high <= 1
    assert report.per_class[1]["f1_ci"][0] <= report.per_class[1]["f1"]
    assert evaluate(y, pred).per_class[1]["recall_ci"] == [low, high]
    assert evaluate(y, pred, random_state=7).per_class[1]["f1_ci"] != report.per_class[1]["f1_ci"]
    assert evaluate(y, pred, n_bootstrap=0).per_class[1]["recall_ci"] is None


def test_bootstrap_matches_row_resampling():
    y = np.array([0] * 150 + [1] * 15)
    pred = y.copy()
    pred[:8] = 1
    pred[-5:] = 0
    report = evaluate(y, pred, n_bootstrap=4000)
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(y), size=(4000, len(y)))
    t, p = y[draws], pred[draws]
    recall = ((t == 1) & (p == 1)).sum(axis=1) / (t == 1).sum(axis=1)
    low, high = np.percentile(recall, [2.5, 97.5])
    assert report.per_class[1]["recall_ci"] == pytest.approx([low, high], abs=0.05)


def test_to_dict_schema_and_json():
    y = pd.Series(np.array([0] * 60 + [1] * 20 + [2] * 20, dtype=np.int64))
    pred = y.copy()
    pred[:5] = 2
    data = evaluate(y, pred, y_score=np.eye(3)[pred]).to_dict()
    assert TOP_LEVEL <= set(data)
    assert {
        "per_class",
        "baseline",
        "no_information_rate",
        "p_value",
        "is_paradox",
        "verdict",
        "notes",
        "labels",
        "confusion_matrix",
    } <= set(data)
    assert set(data["per_class"]) == {"0", "1", "2"}
    assert set(data["per_class"]["0"]) == {
        "precision",
        "recall",
        "f1",
        "support",
        "recall_ci",
        "f1_ci",
    }
    assert TOP_LEVEL <= set(data["baseline"])
    assert data["labels"] == ["0", "1", "2"]
    assert data["confusion_matrix"][0] == [55, 0, 5]
    assert json.loads(json.dumps(data)) == data
    report = evaluate(y, pred)
    assert json.loads(report.to_json()) == report.to_dict()


def test_to_json_and_to_html_write_files(tmp_path):
    report = evaluate(SEED_TRUE, SEED_PRED)
    report.to_json(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["is_paradox"] is True
    report.to_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = 0
        self.sources = []

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"
        self.sources += [value for key, value in attrs if key in ("src", "href")]


def test_html_parses_and_is_self_contained():
    report = evaluate(SEED_TRUE, SEED_PRED)
    parser = _Tables()
    parser.feed(report.to_html())
    assert parser.tables >= 3
    assert all(source.startswith("data:") for source in parser.sources)
    assert "undefined" in report._repr_html_()


def test_to_frame():
    frame = evaluate(SEED_TRUE, SEED_PRED).to_frame()
    assert list(frame.index) == [0, 1]
    assert np.isnan(frame.loc[1, "precision"])
    assert frame.loc[1, "support"] == 10
    assert frame.loc[1, "recall_ci_low"] == 0.0


def test_plot_returns_figure(tmp_path):
    pytest.importorskip("matplotlib")
    figure = evaluate(SEED_TRUE, SEED_PRED).plot(path=tmp_path / "r.png")
    assert len(figure.axes) == 2
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_from_estimator_uses_probabilities_and_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=300) > 1.2, "rare", "common")
    model = LogisticRegression().fit(X, y)
    report = EvaluationReport.from_estimator(model, X, y)
    proba = model.predict_proba(X)[:, 1]
    assert report.labels == ["common", "rare"]
    assert report.roc_auc == pytest.approx(roc_auc_score(y == "rare", proba))
    same = EvaluationReport.from_predictions(y, model.predict(X), y_score=proba)
    assert same.to_dict() == report.to_dict()


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "error"),
    [
        ([1, 1, 1], [1, 0, 1], {}, InvalidTargetError),
        ([0, 1, 1], [0, 1], {}, InvalidInputError),
        ([0.5, 1.5, 2.25], [0.5, 1.5, 2.25], {}, InvalidTargetError),
        ([0, 1, 2], [0, 1, 2], {"labels": [0, 1]}, InvalidInputError),
        ([0, 1, 1], [0, 1, 1], {"y_score": [[0.1, 0.9]]}, InvalidInputError),
    ],
)
def test_invalid_inputs(y_true, y_pred, kwargs, error):
    with pytest.raises(error):
        evaluate(y_true, y_pred, **kwargs)


def test_missing_labels_get_a_clear_error_and_no_stray_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InvalidTargetError, match="missing values.*Drop"):
            evaluate(np.r_[np.zeros(109), np.nan], np.zeros(110))
