"""Tests for tabaug.compare: leak-free folds, the paired tests, the summary, rendering."""

import importlib.util
import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE as ImbSMOTE
from joblib import parallel_config
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    matthews_corrcoef,
    recall_score,
)
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, label_binarize

from tabaug import SMOTE, ComparisonResult, compare
from tabaug.exceptions import (
    InsufficientSamplesError,
    InvalidInputError,
    InvalidTargetError,
    TabaugWarning,
)
from tabaug.model_selection import corrected_resampled_ttest, equivalence_test, holm, make_estimator
from tabaug.model_selection._strategies import builtin_strategy as _builtin_strategy

# Filled by the instrumented estimator and sampler below; cleared by each test.
_RECORDS: list = []


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression that records what it was fitted on and asked to predict.

    Column 0 of X is a row id; the model itself ignores it.
    """

    def __init__(self, class_weight=None):
        self.class_weight = class_weight

    def fit(self, X, y):
        self.fit_rows_ = np.array(X, dtype=float, copy=True)
        self.model_ = LogisticRegression(class_weight=self.class_weight).fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        _RECORDS.append((self.fit_rows_, np.array(X, dtype=float, copy=True)))
        return self.model_.predict(X[:, 1:])


class SpySMOTE(SMOTE):
    """tabaug's SMOTE, recording the X it is given."""

    def fit_resample(self, X, y, **params):
        _RECORDS.append(X.copy())
        return super().fit_resample(X, y, **params)


def _imbalanced(n=400, weight=0.95, seed=0, sep=2.0):
    return make_classification(
        n_samples=n, n_features=5, n_informative=3, n_redundant=0, weights=[weight],
        flip_y=0, class_sep=sep, random_state=seed,
    )


def _row_set(rows):
    return {tuple(row) for row in rows}


@pytest.fixture(autouse=True)
def _clear_records():
    _RECORDS.clear()
    yield
    _RECORDS.clear()


def test_validation_rows_are_never_synthetic_or_duplicated():
    X, y = _imbalanced(n=300, weight=0.9, seed=3)
    # a row id that SMOTE and noise would interpolate or jitter like any other column
    X = np.column_stack([np.arange(len(y), dtype=float), X])
    splits = list(RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0).split(X, y))
    strategies = ["none", "class_weight", "random_over", "random_under", "smote", "noise",
                  ImbSMOTE(random_state=0)]
    result = compare(X, y, estimator=RecordingClassifier(), strategies=strategies,
                     scoring=["balanced_accuracy"], cv=splits, random_state=0, progress=False)
    assert result.strategies == ["none", "class_weight", "random_over", "random_under",
                                 "smote", "noise", "SMOTE"]
    assert len(_RECORDS) == len(result.strategies) * len(splits)
    seen_splits = []
    for fit_rows, predicted in _RECORDS:
        matches = [i for i, (_, test) in enumerate(splits) if np.array_equal(predicted, X[test])]
        # every predicted batch is exactly one validation fold, original rows in order
        assert len(matches) == 1
        train, test = splits[matches[0]]
        seen_splits.append(matches[0])
        validation = _row_set(X[test])
        training = _row_set(X[train])
        fitted = _row_set(fit_rows)
        assert not fitted & validation
        # rows the sampler copied exactly come from the training part only
        original_rows = _row_set(X)
        assert {row for row in fitted if row in original_rows} <= training
    assert sorted(seen_splits) == sorted(list(range(len(splits))) * len(result.strategies))


def test_groups_never_straddle_training_and_validation():
    X, y = _imbalanced(n=240, weight=0.85, seed=4)
    X = np.column_stack([np.arange(len(y), dtype=float), X])
    groups = np.arange(len(y)) // 4
    result = compare(X, y, estimator=RecordingClassifier(), strategies=["none", "smote"],
                     scoring=["balanced_accuracy"], cv=3, n_repeats=2, groups=groups,
                     random_state=0, progress=False)
    assert "group" in result.cv_description
    for fit_rows, predicted in _RECORDS:
        ids = fit_rows[:, 0]
        original_ids = ids[np.isin(ids, X[:, 0])].astype(int)
        assert not set(groups[predicted[:, 0].astype(int)]) & set(groups[original_ids])


def test_sampler_runs_before_the_encoder_on_mixed_data():
    rng = np.random.default_rng(0)
    n = 200
    y = np.where(rng.random(n) < 0.15, "rare", "common")
    X = pd.DataFrame({
        "size": rng.normal(size=n) + (y == "rare"),
        "city": pd.Categorical(rng.choice(["a", "b", "c"], n)),
    })
    encoder = ColumnTransformer([("city", OneHotEncoder(), ["city"])], remainder="passthrough")
    model = make_pipeline(encoder, LogisticRegression())
    compare(X, y, estimator=model, strategies={"spy": SpySMOTE(k_neighbors=3)},
            scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0, progress=False)
    assert len(_RECORDS) == 3
    for seen in _RECORDS:
        assert isinstance(seen, pd.DataFrame)
        assert list(seen.columns) == ["size", "city"]
        assert isinstance(seen["city"].dtype, pd.CategoricalDtype)


def test_sampler_runs_after_scaling_on_numeric_pipelines():
    X, y = _imbalanced(n=200, weight=0.85, seed=1)
    X = X * 100 + 1000  # far from standardised
    model = make_pipeline(StandardScaler(), LogisticRegression())
    result = compare(X, y, estimator=model, strategies={"spy": SpySMOTE(k_neighbors=3)},
                     scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0,
                     progress=False)
    assert len(_RECORDS) == 3
    for seen in _RECORDS:
        assert np.abs(np.asarray(seen).mean(axis=0)).max() < 1.0
    assert "between the estimator's preprocessing and its final step" in result.notes[0]
    _RECORDS.clear()
    compare(X, y, estimator=model, strategies={"spy": SpySMOTE(k_neighbors=3)},
            scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0,
            progress=False, sampler_position="first")
    assert np.asarray(_RECORDS[0]).mean() > 500


def test_balanced_data_no_strategy_beats_the_baseline():
    X, y = make_classification(n_samples=200, n_features=5, weights=[0.5], flip_y=0,
                               random_state=0)
    assert np.bincount(y).tolist() == [100, 100]
    result = compare(X, y, estimator=LogisticRegression(), cv=5, n_repeats=1, random_state=0,
                     progress=False)
    assert result.winners == []
    assert "no strategy beats the baseline" in result.summary
    assert "safer not to resample" in result.summary
    frame = result.to_frame()
    # every training fold is exactly balanced, so the samplers change nothing:
    # identical scores must give a difference of 0 and a p-value of 1, not NaN
    for name in ("random_over", "random_under", "smote", "noise"):
        row = frame[(frame.strategy == name) & (frame.score == "balanced_accuracy")].iloc[0]
        assert row.diff_vs_none == 0.0
        assert row.p_value == 1.0
        assert not row.significant
    assert not frame.drop(columns="significant").isna().any().any()


def test_summary_names_the_winner_under_severe_imbalance():
    X, y = _imbalanced(n=400, weight=0.95, seed=0, sep=2.0)
    result = compare(X, y, estimator=LogisticRegression(), strategies=["random_under", "smote"],
                     cv=5, n_repeats=2, random_state=0, progress=False)
    frame = result.to_frame()
    primary = frame[frame.score == "balanced_accuracy"].set_index("strategy")
    expected = [s for s in ("random_under", "smote")
                if primary.loc[s, "significant"] and primary.loc[s, "diff_vs_none"] > 0]
    assert expected  # the construction makes at least one of them win clearly
    assert sorted(result.winners) == sorted(expected)
    for name in expected:
        assert name in result.summary
    assert "beat" in result.summary
    assert "no strategy beats the baseline" not in result.summary
    best = primary.loc[expected, "mean"].idxmax()
    assert result.winners[0] == best


def test_same_random_state_same_result_and_different_state_differs():
    X, y = _imbalanced(n=200, weight=0.85, seed=2, sep=1.0)
    model = make_estimator("random-forest", X)
    model.set_params(randomforestclassifier__n_estimators=10)
    kwargs = dict(estimator=model, strategies=["smote", "noise", "random_under"],
                  scoring=["balanced_accuracy", "average_precision"], cv=3, n_repeats=2,
                  progress=False)
    first = compare(X, y, random_state=7, **kwargs)
    second = compare(X, y, random_state=7, **kwargs)
    third = compare(X, y, random_state=8, **kwargs)
    scores = ["balanced_accuracy", "average_precision"]
    pd.testing.assert_frame_equal(first.fold_scores.drop(columns="fit_time"),
                                  second.fold_scores.drop(columns="fit_time"))
    assert first.summary == second.summary
    assert not first.fold_scores[scores].equals(third.fold_scores[scores])


def test_parallel_and_sequential_runs_agree():
    X, y = _imbalanced(n=150, weight=0.85, seed=5)
    kwargs = dict(estimator=LogisticRegression(), strategies=["smote", "random_under"],
                  scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0,
                  progress=False)
    sequential = compare(X, y, **kwargs)
    # threads keep the test fast; seeds are drawn before any task is dispatched, so
    # the backend (threads or processes) cannot change the result
    with parallel_config(backend="threading"):
        parallel = compare(X, y, n_jobs=2, **kwargs)
    pd.testing.assert_frame_equal(sequential.fold_scores.drop(columns="fit_time"),
                                  parallel.fold_scores.drop(columns="fit_time"))


def _expected_scores(model, X_test, y_test, minority, classes):
    """The default scores of one split, with scikit-learn's own metric functions."""
    pred = model.predict(X_test)
    proba = model.predict_proba(X_test)
    column = list(model.classes_).index(minority)
    expected = {
        "balanced_accuracy": balanced_accuracy_score(y_test, pred),
        "f1_macro": f1_score(y_test, pred, average="macro", zero_division=0),
        "f1_minority": f1_score(y_test, pred, labels=[minority], average="macro",
                                zero_division=0),
        "recall_minority": recall_score(y_test, pred, labels=[minority], average="macro",
                                        zero_division=0),
        "mcc": matthews_corrcoef(y_test, pred),
    }
    if len(classes) == 2:
        expected["average_precision"] = average_precision_score(y_test == minority,
                                                                proba[:, column])
        expected["brier"] = np.mean((proba[:, column] - (y_test == minority)) ** 2)
    else:
        truth = label_binarize(y_test, classes=list(model.classes_))
        expected["average_precision"] = average_precision_score(truth, proba, average="macro")
        expected["brier"] = np.mean(np.sum((proba - truth) ** 2, axis=1))
    return expected


@pytest.mark.parametrize("n_classes", [2, 3])
def test_scores_match_scikit_learn_metrics(n_classes):
    X, y_codes = make_classification(n_samples=240, n_features=6, n_informative=4,
                                     n_classes=n_classes, weights=[0.6, 0.3][: n_classes - 1],
                                     random_state=0)
    names = np.array(["zeta", "alpha", "mid"])  # the minority is not the last label
    y = names[y_codes]
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    result = compare(X, y, estimator=LogisticRegression(), strategies=["none"], cv=splits,
                     progress=False)
    labels, counts = np.unique(y, return_counts=True)
    minority = labels[np.argmin(counts)]
    assert result.minority == minority
    for index, (train, test) in enumerate(splits):
        model = LogisticRegression().fit(X[train], y[train])
        expected = _expected_scores(model, X[test], y[test], minority, labels)
        row = result.fold_scores[result.fold_scores.split == index].iloc[0]
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, abs=1e-12), name


def test_multiclass_skips_threshold_with_a_note():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_classes=3,
                               weights=[0.6, 0.3], random_state=0)
    result = compare(X, y, estimator=LogisticRegression(), strategies=None, cv=3, n_repeats=1,
                     scoring=["balanced_accuracy"], random_state=0, progress=False)
    assert "threshold" not in result.strategies
    assert "binary" in result.skipped["threshold"]
    assert any(note.startswith("threshold skipped") for note in result.notes)
    with pytest.warns(TabaugWarning, match="threshold"):
        compare(X, y, estimator=LogisticRegression(), strategies=["threshold"], cv=3,
                n_repeats=1, scoring=["balanced_accuracy"], progress=False)


def test_threshold_strategy_keeps_probabilities_of_none():
    X, y = _imbalanced(n=300, weight=0.9, seed=6, sep=1.0)
    result = compare(X, y, estimator=LogisticRegression(), strategies=["threshold"], cv=3,
                     n_repeats=1, random_state=0, progress=False)
    folds = result.fold_scores.set_index(["strategy", "split"])
    for score in ("average_precision", "brier"):
        assert np.allclose(folds.loc["threshold", score], folds.loc["none", score])


def test_class_weight_reaches_the_last_pipeline_step_and_is_skipped_without_one():
    X, y = _imbalanced(n=150, weight=0.85, seed=7)
    model = make_pipeline(StandardScaler(), LogisticRegression())
    result = compare(X, y, estimator=model, strategies=["class_weight"],
                     scoring=["recall_minority"], primary="recall_minority", cv=3,
                     n_repeats=1, random_state=0, progress=False)
    folds = result.fold_scores.set_index(["strategy", "split"])["recall_minority"]
    assert (folds.loc["class_weight"] >= folds.loc["none"]).all()
    assert folds.loc["class_weight"].mean() > folds.loc["none"].mean()
    quiet = compare(X, y, estimator=KNeighborsClassifier(), cv=3, n_repeats=1,
                    scoring=["balanced_accuracy"], random_state=0, progress=False)
    assert "class_weight" in quiet.skipped
    with pytest.warns(TabaugWarning, match="class_weight"):
        compare(X, y, estimator=KNeighborsClassifier(), strategies=["class_weight"], cv=3,
                n_repeats=1, scoring=["balanced_accuracy"], progress=False)


def test_strategies_accept_sampler_objects_and_dicts():
    X, y = _imbalanced(n=150, weight=0.85, seed=8)
    as_list = compare(X, y, estimator=LogisticRegression(),
                      strategies=[ImbSMOTE(k_neighbors=3), "smote"],
                      scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0,
                      progress=False)
    assert as_list.strategies == ["none", "SMOTE", "smote"]
    as_dict = compare(X, y, estimator=LogisticRegression(),
                      strategies={"smote_k3": SMOTE(k_neighbors=3), "random_under": None},
                      scoring=["balanced_accuracy"], cv=3, n_repeats=1, random_state=0,
                      progress=False)
    assert as_dict.strategies == ["none", "smote_k3", "random_under"]


def test_unknown_strategy_name_lists_the_valid_ones():
    X, y = _imbalanced(n=100, weight=0.8)
    with pytest.raises(InvalidInputError, match="unknown strategy 'smoote'") as info:
        compare(X, y, estimator=LogisticRegression(), strategies=["smoote"], progress=False)
    for name in ("none", "class_weight", "threshold", "random_over", "random_under", "smote",
                 "noise", "ctgan", "tvae"):
        assert name in str(info.value)


def test_estimator_without_scores_gives_a_clear_error():
    class LabelsOnly(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def predict(self, X):
            return np.full(len(X), self.classes_[0])

    X, y = _imbalanced(n=100, weight=0.8)
    with pytest.raises(ValueError, match="neither predict_proba nor decision_function"):
        compare(X, y, estimator=LabelsOnly(), progress=False)
    with pytest.raises(TypeError, match="average_precision"):
        compare(X, y, estimator=LabelsOnly(), scoring=["average_precision"], progress=False)
    result = compare(X, y, estimator=LabelsOnly(), strategies=["random_under"],
                     scoring=["balanced_accuracy", "mcc"], cv=3, n_repeats=1,
                     progress=False)
    assert result.fold_scores["balanced_accuracy"].eq(0.5).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"scoring": ["accuracyy"]}, InvalidInputError, "unknown score 'accuracyy'"),
        ({"primary": "roc_auc"}, InvalidInputError, "primary='roc_auc'"),
        ({"strategies": [SMOTE(), SMOTE(k_neighbors=3)]}, InvalidInputError, "more than once"),
        ({"strategies": {"mine": LogisticRegression()}}, InvalidInputError, "fit_resample"),
        ({"n_repeats": 0}, InvalidInputError, "n_repeats"),
        ({"cv": 1}, InvalidInputError, "at least 2 folds"),
        ({"cv": 30}, InsufficientSamplesError, "30-fold"),
        ({"sampler_position": "middle"}, InvalidInputError, "sampler_position"),
    ],
)
def test_bad_settings(kwargs, error, match):
    X, y = _imbalanced(n=100, weight=0.8)
    with pytest.raises(error, match=match):
        compare(X, y, estimator=LogisticRegression(), progress=False, **kwargs)


def test_bad_data():
    X, y = _imbalanced(n=100, weight=0.8)
    with pytest.raises(InvalidInputError, match="100 rows but y has 99"):
        compare(X, y[:-1], estimator=LogisticRegression(), progress=False)
    with pytest.raises(InvalidTargetError, match="continuous"):
        compare(X, y + 0.5, estimator=LogisticRegression(), progress=False)
    with pytest.raises(InvalidTargetError, match="one class"):
        compare(X, np.zeros(100, dtype=int), estimator=LogisticRegression(), progress=False)
    with pytest.raises(TypeError, match="fit and predict"):
        compare(X, y, estimator=StandardScaler(), progress=False)


def test_corrected_ttest_matches_the_formula():
    rng = np.random.default_rng(0)
    d = rng.normal(0.02, 0.03, 15)
    test = corrected_resampled_ttest(d, n_train=80, n_test=20)
    t = d.mean() / math.sqrt((1 / 15 + 20 / 80) * d.var(ddof=1))
    assert test.t_statistic == pytest.approx(t)
    assert test.p_value == pytest.approx(2 * stats.t.sf(abs(t), 14))
    naive = stats.ttest_1samp(d, 0.0).pvalue
    assert test.p_value > naive  # the correction only ever widens the interval
    assert corrected_resampled_ttest(np.zeros(15), 80, 20).p_value == 1.0
    assert corrected_resampled_ttest(np.full(15, 0.1), 80, 20).p_value == 0.0


def test_holm_and_equivalence():
    # by hand: sorted 0.01, 0.03, 0.04 -> 3*0.01, max(0.03, 2*0.03), max(0.06, 1*0.04)
    assert holm(np.array([0.01, 0.04, 0.03])).tolist() == pytest.approx([0.03, 0.06, 0.06])
    # step-down: the second p-value can never drop below the first adjusted one
    assert holm(np.array([0.5, 0.9])).tolist() == [1.0, 1.0]
    assert holm(np.array([0.2, 0.001])).tolist() == pytest.approx([0.2, 0.002])
    rng = np.random.default_rng(1)
    assert equivalence_test(rng.normal(0.0, 0.002, 15), 80, 20, margin=0.01) < 0.05
    assert equivalence_test(rng.normal(0.05, 0.002, 15), 80, 20, margin=0.01) > 0.5


def test_renderings():
    X, y = _imbalanced(n=150, weight=0.85, seed=9)
    result = compare(X, y, estimator=LogisticRegression(), strategies=["random_under"],
                     cv=3, n_repeats=2, random_state=0, progress=False)
    assert isinstance(result, ComparisonResult)
    frame = result.to_frame()
    assert list(frame.columns) == ["strategy", "score", "mean", "std", "diff_vs_none",
                                   "p_value", "significant"]
    assert len(frame) == len(result.strategies) * len(result.scores)
    assert result.scores[-1] == "fit_time"
    ours = result.fold_scores[result.fold_scores.strategy == "random_under"]["mcc"]
    row = frame[(frame.strategy == "random_under") & (frame.score == "mcc")].iloc[0]
    assert row["mean"] == pytest.approx(ours.mean())
    assert row["std"] == pytest.approx(ours.std(ddof=1))
    assert list(result.fold_scores.columns[:6]) == ["strategy", "split", "repeat", "fold",
                                                    "n_train", "n_test"]
    assert len(result.fold_scores) == 2 * 6
    text = str(result)
    assert "random_under" in text and result.summary in text
    decoded = json.loads(result.to_json())
    assert decoded["summary"] == result.summary
    assert len(decoded["results"]) == len(frame)
    assert "<table" in result._repr_html_()
    pytest.importorskip("matplotlib")
    figure = result.plot()
    assert len([ax for ax in figure.axes if ax.get_visible()]) == len(result.scores)


def test_progress_false_is_silent(capsys):
    X, y = _imbalanced(n=100, weight=0.8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare(X, y, estimator=LogisticRegression(), strategies=["smote"], cv=3, n_repeats=1,
                scoring=["balanced_accuracy"], progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize("name", ["logistic", "random-forest", "hist_gradient_boosting"])
def test_make_estimator_on_mixed_data(name):
    rng = np.random.default_rng(0)
    n = 120
    y = np.where(rng.random(n) < 0.2, "yes", "no")
    X = pd.DataFrame({
        "amount": rng.normal(size=n) + (y == "yes"),
        "count": rng.integers(0, 5, n),
        "owner": rng.random(n) < 0.5,
        "city": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        "grade": rng.choice(["low", "high"], n).astype(object),
    })
    model = make_estimator(name, X, random_state=0)
    model.fit(X, y)
    unseen = X.head(3).assign(city=pd.Categorical(["z", "a", "b"]))
    assert model.predict_proba(unseen).shape == (3, 2)
    result = compare(X, y, estimator=make_estimator(name, X, random_state=0),
                     strategies=["smote", "class_weight"], scoring=["balanced_accuracy"],
                     cv=3, n_repeats=1, random_state=0, progress=False)
    assert result.strategies == ["none", "smote", "class_weight"]
    assert "in front of the whole estimator" in result.notes[0]


def test_make_estimator_rejects_unknown_names():
    with pytest.raises(InvalidInputError, match="logistic, random-forest"):
        make_estimator("svm", np.zeros((4, 2)))


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed")
def test_deep_strategies_are_skipped_with_a_note_without_torch():
    X, y = _imbalanced(n=100, weight=0.8)
    with pytest.warns(TabaugWarning, match=r"tabaug\[deep\]"):
        result = compare(X, y, estimator=LogisticRegression(), strategies=["ctgan", "tvae"],
                         scoring=["balanced_accuracy"], cv=3, n_repeats=1, progress=False)
    assert result.strategies == ["none"]
    assert set(result.skipped) == {"ctgan", "tvae"}
    assert "only the baseline ran" in result.summary


@pytest.mark.slow
def test_deep_strategies_by_name_with_torch():
    pytest.importorskip("torch")
    from tabaug import CTGANOverSampler, TVAEOverSampler

    for name, cls in (("ctgan", CTGANOverSampler), ("tvae", TVAEOverSampler)):
        strategy, _ = _builtin_strategy(name, LogisticRegression(), 2)
        assert isinstance(strategy.sampler, cls)
        assert strategy.sampler.verbose is False  # no progress bar per fold
    X, y = _imbalanced(n=120, weight=0.8)
    result = compare(X, y, estimator=LogisticRegression(),
                     strategies={"tvae": TVAEOverSampler(epochs=2, verbose=False)},
                     scoring=["balanced_accuracy"], cv=2, n_repeats=1, random_state=0,
                     progress=False)
    assert result.strategies == ["none", "tvae"]


@pytest.mark.filterwarnings("ignore::tabaug.exceptions.ExtremeOversamplingWarning")
def test_a_strategy_that_fails_is_dropped_with_a_note_and_smote_adapts_k():
    from sklearn.dummy import DummyClassifier

    X, y = make_classification(n_samples=300, weights=[0.975], flip_y=0, random_state=0)
    result = compare(X, y, estimator=LogisticRegression(), random_state=0, progress=False,
                     strategies=["smote"], n_repeats=1)
    assert "smote" in result.strategies
    assert any("k_neighbors lowered" in note for note in result.notes)
    with pytest.warns(TabaugWarning, match="threshold"):
        result = compare(X, y, estimator=DummyClassifier(), cv=3, n_repeats=1,
                         strategies=["threshold", "random_over"], progress=False)
    assert "threshold" in result.skipped and "random_over" in result.strategies


def test_an_estimator_class_instead_of_an_instance_is_refused():
    X, y = np.zeros((20, 2)), np.r_[np.zeros(10, int), np.ones(10, int)]
    with pytest.raises(TypeError, match="instance"):
        compare(X, y, estimator=LogisticRegression)
