"""Resampling inside pipelines: only on training data, never on what is scored."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline as sk_make_pipeline
from sklearn.preprocessing import StandardScaler

from tabaug import (
    SMOTE,
    GaussianNoiseOverSampler,
    Pipeline,
    RandomOverSampler,
    RandomUnderSampler,
    ResampledClassifier,
    make_pipeline,
)
from tabaug.exceptions import InvalidInputError


class _Recorder(ClassifierMixin, BaseEstimator):
    """Records what it was fitted and asked to predict on."""

    def fit(self, X, y, sample_weight=None):
        self.fit_X_, self.fit_y_ = np.asarray(X), np.asarray(y)
        self.sample_weight_ = sample_weight
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        self.predict_X_ = np.asarray(X)
        return np.full(len(X), self.classes_[0])


@pytest.fixture
def data():
    return make_classification(n_samples=200, weights=[0.85], random_state=0)


def test_imblearn_pipeline_resamples_in_fit_only(data):
    X, y = data
    pipe = make_pipeline(SMOTE(random_state=0), _Recorder())
    assert isinstance(pipe, Pipeline)
    pipe.fit(X, y)
    recorder = pipe[-1]
    assert len(recorder.fit_y_) == 2 * np.bincount(y).max()
    pipe.predict(X[:17])
    np.testing.assert_array_equal(recorder.predict_X_, X[:17])


def test_resampled_classifier_in_sklearn_pipeline_and_cross_validate(data):
    X, y = data
    model = sk_make_pipeline(StandardScaler(), ResampledClassifier(SMOTE(random_state=0),
                                                                   LogisticRegression()))
    scores = cross_validate(model, X, y, cv=3, scoring="balanced_accuracy")
    baseline = cross_validate(sk_make_pipeline(StandardScaler(), LogisticRegression()),
                              X, y, cv=3, scoring="balanced_accuracy")
    assert scores["test_score"].mean() >= baseline["test_score"].mean() - 0.05


def test_grid_search_over_nested_sampler_params(data):
    X, y = data
    search = GridSearchCV(
        ResampledClassifier(SMOTE(random_state=0), LogisticRegression()),
        {"sampler__k_neighbors": [2, 4], "estimator__C": [0.1, 1.0]},
        cv=3, scoring="balanced_accuracy",
    ).fit(X, y)
    assert search.best_params_["sampler__k_neighbors"] in (2, 4)
    assert search.best_estimator_.sampler_.k_neighbors == search.best_params_[
        "sampler__k_neighbors"]


def test_predict_and_proba_never_resample(data):
    X, y = data
    model = ResampledClassifier(RandomOverSampler(random_state=0), LogisticRegression()).fit(X, y)
    assert model.predict(X[:5]).shape == (5,)
    assert model.predict_proba(X[:5]).shape == (5, 2)
    assert model.decision_function(X[:5]).shape == (5,)
    np.testing.assert_array_equal(model.classes_, [0, 1])


def test_sample_weight_follows_rows_through_sample_indices(data):
    X, y = data
    weights = np.arange(len(y), dtype=float)
    for sampler in (RandomOverSampler(random_state=0), RandomUnderSampler(random_state=0)):
        model = ResampledClassifier(sampler, _Recorder()).fit(X, y, sample_weight=weights)
        np.testing.assert_array_equal(model.estimator_.sample_weight_,
                                      weights[model.sampler_.sample_indices_])


def test_synthetic_rows_get_their_class_mean_weight(data):
    X, y = data
    weights = np.where(y == 1, 3.0, 1.0) * (1 + (np.arange(len(y)) % 2))
    for sampler in (SMOTE(random_state=0), GaussianNoiseOverSampler(random_state=0)):
        model = ResampledClassifier(sampler, _Recorder()).fit(X, y, sample_weight=weights)
        carried = model.estimator_.sample_weight_
        np.testing.assert_array_equal(carried[: len(y)], weights)
        assert np.allclose(carried[len(y):], weights[y == 1].mean())


def test_bad_sampler_and_bad_weights_are_refused(data):
    X, y = data
    with pytest.raises(InvalidInputError, match="fit_resample"):
        ResampledClassifier(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(InvalidInputError, match="one weight per row"):
        ResampledClassifier(SMOTE(), LogisticRegression()).fit(X, y, sample_weight=[1.0, 2.0])


def test_pandas_flows_through_to_the_estimator(data):
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    model = ResampledClassifier(SMOTE(random_state=0), LogisticRegression()).fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, frame.columns)
    assert model.score(frame, y) > 0.5


# --------------------------------------------------------------------------- probabilities


@pytest.fixture
def imbalanced():
    return make_classification(n_samples=400, weights=[0.9], class_sep=0.8, random_state=1)


@pytest.mark.parametrize("mode", ["prior_corrected", "calibrated"])
def test_probabilities_change_but_the_decision_does_not(imbalanced, mode):
    X, y = imbalanced
    resampled = ResampledClassifier(RandomOverSampler(random_state=0), LogisticRegression())
    corrected = ResampledClassifier(RandomOverSampler(random_state=0), LogisticRegression(),
                                    probabilities=mode)
    resampled.fit(X, y)
    corrected.fit(X, y)
    np.testing.assert_array_equal(corrected.predict(X), resampled.predict(X))
    np.testing.assert_array_equal(corrected.decision_function(X), resampled.decision_function(X))
    proba = corrected.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(corrected.predict_log_proba(X), np.log(proba))
    # resampling to 50/50 inflates the minority's risk; both corrections bring the mean
    # predicted risk back near its real share
    assert resampled.predict_proba(X)[:, 1].mean() > y.mean() + 0.05
    assert abs(proba[:, 1].mean() - y.mean()) < 0.02
    np.testing.assert_allclose(corrected.original_shares_, np.bincount(y) / len(y))
    np.testing.assert_allclose(corrected.resampled_shares_, [0.5, 0.5])


def test_shares_are_weighted_by_sample_weight(imbalanced):
    X, y = imbalanced
    weights = np.where(y == 1, 3.0, 1.0)
    model = ResampledClassifier(RandomUnderSampler(random_state=0), LogisticRegression(),
                                probabilities="prior_corrected").fit(X, y, sample_weight=weights)
    share = 3 * y.sum() / (3 * y.sum() + (len(y) - y.sum()))
    np.testing.assert_allclose(model.original_shares_, [1 - share, share])
    # the undersampled rows keep their weights: minority 3 each, as many majority of 1
    np.testing.assert_allclose(model.resampled_shares_, [0.25, 0.75])


def test_multiclass_prior_correction(imbalanced):
    X, y = make_classification(n_samples=600, n_classes=3, n_informative=4,
                               weights=[0.7, 0.2], random_state=0)
    model = ResampledClassifier(RandomUnderSampler(random_state=0), LogisticRegression(),
                                probabilities="prior_corrected").fit(X, y)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert abs(proba.mean(axis=0) - np.bincount(y) / len(y)).max() < 0.05
    temperature = ResampledClassifier(SMOTE(random_state=0), LogisticRegression(),
                                      probabilities="calibrated",
                                      calibration_method="temperature").fit(X, y)
    np.testing.assert_allclose(temperature.predict_proba(X).sum(axis=1), 1.0)


def test_probabilities_in_grid_search_clone_and_pickle(imbalanced):
    import pickle

    from sklearn.base import clone

    X, y = imbalanced
    search = GridSearchCV(
        ResampledClassifier(RandomUnderSampler(random_state=0), LogisticRegression()),
        {"probabilities": ["resampled", "prior_corrected"]}, cv=3, scoring="neg_log_loss",
    ).fit(X, y)
    assert search.best_params_ == {"probabilities": "prior_corrected"}
    model = sk_make_pipeline(StandardScaler(), clone(search.best_estimator_)).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


def test_bad_probability_settings_are_refused(imbalanced):
    from sklearn.svm import LinearSVC

    from tabaug.exceptions import InsufficientSamplesError, InvalidParameterError

    X, y = imbalanced
    with pytest.raises(InvalidParameterError, match="probabilities must be one of"):
        ResampledClassifier(SMOTE(), LogisticRegression(), probabilities="fixed").fit(X, y)
    with pytest.raises(InvalidParameterError, match="calibration_method"):
        ResampledClassifier(SMOTE(), LogisticRegression(), probabilities="calibrated",
                            calibration_method="beta").fit(X, y)
    with pytest.raises(InvalidParameterError, match="LinearSVC has none"):
        ResampledClassifier(SMOTE(), LinearSVC(), probabilities="prior_corrected").fit(X, y)
    assert not hasattr(ResampledClassifier(SMOTE(), LinearSVC(),
                                           probabilities="prior_corrected"), "predict_proba")
    with pytest.raises(InsufficientSamplesError, match="calibration_cv=50"):
        ResampledClassifier(SMOTE(), LogisticRegression(), probabilities="calibrated",
                            calibration_cv=50).fit(X, y)
    with pytest.raises(InvalidParameterError, match="calibration_cv"):
        ResampledClassifier(SMOTE(), LogisticRegression(), probabilities="calibrated",
                            calibration_cv=1).fit(X, y)


@pytest.mark.parametrize("method", ["sigmoid", "temperature"])
def test_calibrated_keeps_string_labels_for_the_sampler_and_the_model(method):
    X, y = make_classification(n_samples=240, n_classes=3, n_informative=4,
                               weights=[0.7, 0.2], random_state=0)
    y = pd.Series(np.array(["a", "b", "c"])[y])
    # a sampling_strategy keyed by label: the sampler must see the labels, not codes
    sampler = RandomOverSampler(sampling_strategy={"b": 120, "c": 120}, random_state=0)
    model = ResampledClassifier(sampler, LogisticRegression(), probabilities="calibrated",
                                calibration_method=method, calibration_cv=3).fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["a", "b", "c"])
    assert set(model.predict(X)) <= {"a", "b", "c"}
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
