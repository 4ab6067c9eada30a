"""Resampling inside pipelines, so that it only ever touches training data.

* :class:`Pipeline` and :func:`make_pipeline` are imbalanced-learn's: samplers
  may be middle steps, and they run in ``fit`` only; ``predict``, ``score`` and
  ``transform`` pass the data through untouched.
* :class:`ResampledClassifier` wraps a sampler and a classifier into one
  classifier, for places that take a scikit-learn estimator but refuse
  samplers as steps: the last step of scikit-learn's own ``Pipeline``,
  ``cross_validate``, ``GridSearchCV`` (``sampler__k_neighbors``...).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from imblearn.pipeline import Pipeline, make_pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d

from tabaug.exceptions import InvalidInputError

__all__ = ["Pipeline", "ResampledClassifier", "make_pipeline"]


def _estimator_has(attribute: str):
    def check(self: ResampledClassifier) -> bool:
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attribute)
        return hasattr(self.estimator, attribute)

    return check


class ResampledClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier that resamples its training data, then fits ``estimator``.

    Resampling happens in :meth:`fit` only; :meth:`predict`,
    :meth:`predict_proba`, :meth:`decision_function` and :meth:`score` use the
    data as given. Because it is a plain classifier, it can be the last step
    of scikit-learn's ``Pipeline`` and be cross-validated or grid-searched
    with nested parameters such as ``sampler__k_neighbors``.

    Parameters
    ----------
    sampler : sampler object
        Anything with ``fit_resample(X, y)``: a tabaug or imbalanced-learn
        sampler. Cloned in ``fit``.
    estimator : classifier object
        The classifier fitted on the resampled data. Cloned in ``fit``.

    Attributes
    ----------
    sampler_ : sampler object
        The fitted clone of ``sampler``.
    estimator_ : classifier object
        The fitted clone of ``estimator``.
    classes_ : ndarray
        Class labels, from ``estimator_``.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    ``sample_weight`` given to :meth:`fit` follows the rows through the
    sampler: with a sampler that exposes ``sample_indices_`` (random over-
    and undersampling) each output row gets the weight of the input row it
    copies; with an oversampler that makes new rows (SMOTE, noise, CTGAN),
    the original rows keep their weights and each new row gets the mean
    weight of its class.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline as sk_make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from tabaug import SMOTE, ResampledClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> model = sk_make_pipeline(
    ...     StandardScaler(),
    ...     ResampledClassifier(SMOTE(random_state=0), LogisticRegression()),
    ... )
    >>> scores = cross_val_score(model, X, y, cv=3, scoring="balanced_accuracy")
    >>> bool(scores.mean() > 0.7)
    True
    """

    def __init__(self, sampler: Any, estimator: Any) -> None:
        self.sampler = sampler
        self.estimator = estimator

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params: Any):
        """Resample ``X, y`` with ``sampler``, then fit ``estimator`` on the result.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, carried through the resampling (see Notes).
        **fit_params : dict
            Passed to ``estimator.fit``.

        Returns
        -------
        self : ResampledClassifier
            The fitted classifier.
        """
        if not hasattr(self.sampler, "fit_resample"):
            raise InvalidInputError(
                f"sampler must have a fit_resample method; got {type(self.sampler).__name__}. "
                "Pass a tabaug or imbalanced-learn sampler such as tabaug.SMOTE()."
            )
        if getattr(y, "ndim", 1) == 2 and not hasattr(y, "columns") and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        self.sampler_ = clone(self.sampler)
        X_res, y_res = self.sampler_.fit_resample(X, y)
        if sample_weight is not None:
            fit_params["sample_weight"] = self._carry_weights(sample_weight, y, y_res)
        self.estimator_ = clone(self.estimator).fit(X_res, y_res, **fit_params)
        self.classes_ = self.estimator_.classes_
        if hasattr(self.sampler_, "n_features_in_"):
            self.n_features_in_ = self.sampler_.n_features_in_
        if hasattr(self.sampler_, "feature_names_in_"):
            self.feature_names_in_ = self.sampler_.feature_names_in_
        return self

    def _carry_weights(self, sample_weight: Any, y: Any, y_res: Any) -> np.ndarray:
        weights = np.asarray(sample_weight, dtype=np.float64)
        y_in = np.asarray(y)
        n_rows = y_in.shape[0]
        if weights.shape != (n_rows,):
            raise InvalidInputError(
                f"sample_weight has shape {weights.shape} but there are {n_rows} rows: pass "
                "one weight per row as a 1-D array."
            )
        indices = getattr(self.sampler_, "sample_indices_", None)
        if indices is not None:
            return weights[indices]
        y_out = np.asarray(y_res)
        n_in = n_rows
        if y_out.shape[0] < n_in or not np.array_equal(y_out[:n_in], y_in):
            raise InvalidInputError(
                f"{type(self.sampler_).__name__} does not say which input rows it kept "
                "(no sample_indices_), so sample_weight cannot follow the rows. Use a sampler "
                "with sample_indices_ or drop sample_weight."
            )
        new_labels = y_out[n_in:]
        class_mean = {label: weights[y_in == label].mean() for label in np.unique(new_labels)}
        new_weights = np.array([class_mean[label] for label in new_labels], dtype=np.float64)
        return np.concatenate([weights, new_weights])

    def predict(self, X: Any) -> np.ndarray:
        """Predict class labels for ``X`` (no resampling).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities for ``X`` from ``estimator_`` (no resampling).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data to predict.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X: Any) -> np.ndarray:
        """Decision scores for ``X`` from ``estimator_`` (no resampling).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data to score.

        Returns
        -------
        scores : ndarray
            Scores as ``estimator_.decision_function`` returns them.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = clone(self.estimator).__sklearn_tags__()
        tags.input_tags.allow_nan = inner.input_tags.allow_nan and (
            self.sampler.__sklearn_tags__().input_tags.allow_nan
            if hasattr(self.sampler, "__sklearn_tags__")
            else False
        )
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags
