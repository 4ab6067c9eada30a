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
