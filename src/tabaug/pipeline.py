"""Resampling inside pipelines, so that it only ever touches training data.

* :class:`Pipeline` and :func:`make_pipeline` are imbalanced-learn's: samplers
  may be middle steps, and they run in ``fit`` only; ``predict``, ``score`` and
  ``transform`` pass the data through untouched.
* :class:`ResampledClassifier` wraps a sampler and a classifier into one
  classifier, for places that take a scikit-learn estimator but refuse
  samplers as steps: the last step of scikit-learn's own ``Pipeline``,
  ``cross_validate``, ``GridSearchCV`` (``sampler__k_neighbors``...). Its
  ``probabilities`` parameter keeps the resampled model's decision while
  giving probabilities that read as real risks (prior-corrected or
  calibrated; see :mod:`tabaug.calibration`).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from imblearn.pipeline import Pipeline, make_pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d

from tabaug.calibration import correct_probabilities
from tabaug.exceptions import InsufficientSamplesError, InvalidInputError, InvalidParameterError
from tabaug.utils import check_option, check_scalar, check_target, label_text, require_classes

__all__ = ["PROBABILITIES", "Pipeline", "ResampledClassifier", "make_pipeline"]

#: What ``ResampledClassifier.predict_proba`` can return.
PROBABILITIES = ("resampled", "prior_corrected", "calibrated")
#: Calibration maps of ``probabilities="calibrated"`` (scikit-learn's CalibratedClassifierCV).
CALIBRATION_METHODS = ("sigmoid", "isotonic", "temperature")


def _inner(self: ResampledClassifier) -> Any:
    return self.estimator_ if hasattr(self, "estimator_") else self.estimator


def _estimator_has(attribute: str):
    def check(self: ResampledClassifier) -> bool:
        return hasattr(_inner(self), attribute)

    return check


def _has_proba(self: ResampledClassifier) -> bool:
    inner = _inner(self)
    if self.probabilities == "calibrated":
        return hasattr(inner, "predict_proba") or hasattr(inner, "decision_function")
    return hasattr(inner, "predict_proba")


def _has_log_proba(self: ResampledClassifier) -> bool:
    if self.probabilities == "resampled":
        return hasattr(_inner(self), "predict_log_proba")
    return _has_proba(self)


def _weighted_shares(y: np.ndarray, classes: np.ndarray, weights: np.ndarray | None
                     ) -> np.ndarray:
    """Share of each of ``classes`` in ``y``, by row weight when ``weights`` are given."""
    w = np.ones(y.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    totals = np.array([w[y == label].sum() for label in classes], dtype=np.float64)
    return totals / w.sum()


class ResampledClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier that resamples its training data, then fits ``estimator``.

    Resampling happens in :meth:`fit` only; :meth:`predict`,
    :meth:`predict_proba`, :meth:`decision_function` and :meth:`score` use the
    data as given. Because it is a plain classifier, it can be the last step
    of scikit-learn's ``Pipeline`` and be cross-validated or grid-searched
    with nested parameters such as ``sampler__k_neighbors`` (and
    ``probabilities``).

    Parameters
    ----------
    sampler : sampler object
        Anything with ``fit_resample(X, y)``: a tabaug or imbalanced-learn
        sampler. Cloned in ``fit``.
    estimator : classifier object
        The classifier fitted on the resampled data. Cloned in ``fit``.
    probabilities : {'resampled', 'prior_corrected', 'calibrated'}, default='resampled'
        What :meth:`predict_proba` returns.

        - ``'resampled'``: the probabilities of the model fitted on the
          resampled data, as they are. They describe the resampled class
          shares, not the real ones: a minority class grown from 5% to 50%
          gets risks about ten times too high.
        - ``'prior_corrected'``: those probabilities mapped back to the class
          shares of the data given to :meth:`fit` by Bayes' rule,
          ``p(c|x)`` proportional to ``p'(c|x) * original_shares_[c] /
          resampled_shares_[c]`` (:func:`tabaug.correct_probabilities`). Exact
          for random under- and oversampling of a well-specified model; an
          approximation for samplers that also change what a class looks
          like (SMOTE, noise, CTGAN, TVAE). Needs ``estimator.predict_proba``.
        - ``'calibrated'``: one fit of sampler and estimator on all the data,
          plus a calibration map (``calibration_method``) fitted on
          out-of-fold probabilities of an inner ``calibration_cv``-fold split
          in which only the inner training parts are resampled: the
          calibration never sees a resampled row (scikit-learn's
          ``CalibratedClassifierCV(ensemble=False)`` pattern). Costs
          ``calibration_cv`` extra fits; works for any sampler.
    calibration_method : {'sigmoid', 'isotonic', 'temperature'}, default='sigmoid'
        The calibration map of ``probabilities='calibrated'`` (scikit-learn's
        methods; ``'temperature'`` handles multiclass with one parameter,
        ``'isotonic'`` needs about a thousand rows or more).
    calibration_cv : int or cross-validation splitter, default=5
        Inner folds of ``probabilities='calibrated'``; every class needs at
        least that many rows.

    Attributes
    ----------
    sampler_ : sampler object
        The fitted clone of ``sampler``.
    estimator_ : classifier object
        The fitted clone of ``estimator`` (with ``'calibrated'``: the one
        fitted on all the resampled data, which :meth:`predict` uses).
    calibrator_ : sklearn.calibration.CalibratedClassifierCV
        Only with ``probabilities='calibrated'``: the fitted calibration.
    classes_ : ndarray
        Class labels, from ``estimator_``.
    original_shares_ : ndarray of shape (n_classes,)
        Share of each class (``classes_`` order) in the ``y`` given to
        :meth:`fit`, weighted by ``sample_weight`` when given.
    resampled_shares_ : ndarray of shape (n_classes,)
        The same after resampling: what ``estimator_`` was fitted on
        (weighted by the weights carried through the sampler).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    :meth:`predict` keeps the resampled model's decision in every mode, so
    it is in general not ``argmax(predict_proba)`` with the correcting
    modes. That is the point: resampling is a way to move the decision
    threshold towards the minority class (the recall it buys is what users
    want from it), while a risk needs probabilities on the real scale. One
    model gives both: balanced accuracy and recall stay those of
    resampling, and the probabilities become usable risks. scikit-learn's
    ``TunedThresholdClassifierCV`` makes the same split between its
    decision and its ``predict_proba``. :meth:`decision_function` passes
    the resampled model's scores through unchanged in every mode.

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

    The undersampled model's decision, with risks on the real 90 / 10 scale:

    >>> from tabaug import RandomUnderSampler
    >>> risk = ResampledClassifier(RandomUnderSampler(random_state=0), LogisticRegression(),
    ...                            probabilities="prior_corrected").fit(X, y)
    >>> risk.original_shares_.round(2).tolist(), risk.resampled_shares_.tolist()
    ([0.9, 0.1], [0.5, 0.5])
    >>> round(float(risk.predict_proba(X)[:, 1].mean()), 2)
    0.12
    """

    def __init__(
        self,
        sampler: Any,
        estimator: Any,
        *,
        probabilities: str = "resampled",
        calibration_method: str = "sigmoid",
        calibration_cv: Any = 5,
    ) -> None:
        self.sampler = sampler
        self.estimator = estimator
        self.probabilities = probabilities
        self.calibration_method = calibration_method
        self.calibration_cv = calibration_cv

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
        self._check_params()
        if getattr(y, "ndim", 1) == 2 and not hasattr(y, "columns") and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.probabilities == "calibrated":
            return self._fit_calibrated(X, y, sample_weight, fit_params)
        self.sampler_ = clone(self.sampler)
        X_res, y_res = self.sampler_.fit_resample(X, y)
        weights_res = None
        if sample_weight is not None:
            weights_res = fit_params["sample_weight"] = self._carry_weights(sample_weight, y,
                                                                            y_res)
        self.estimator_ = clone(self.estimator).fit(X_res, y_res, **fit_params)
        self.classes_ = self.estimator_.classes_
        self.original_shares_ = _weighted_shares(check_target(y)[0], self.classes_,
                                                 sample_weight)
        self.resampled_shares_ = _weighted_shares(check_target(y_res)[0], self.classes_,
                                                  weights_res)
        if hasattr(self.sampler_, "n_features_in_"):
            self.n_features_in_ = self.sampler_.n_features_in_
        if hasattr(self.sampler_, "feature_names_in_"):
            self.feature_names_in_ = self.sampler_.feature_names_in_
        return self

    def _check_params(self) -> None:
        owner = type(self).__name__
        if not hasattr(self.sampler, "fit_resample"):
            raise InvalidInputError(
                f"sampler must have a fit_resample method; got {type(self.sampler).__name__}. "
                "Pass a tabaug or imbalanced-learn sampler such as tabaug.SMOTE()."
            )
        check_option(self.probabilities, "probabilities", PROBABILITIES, owner=owner)
        check_option(self.calibration_method, "calibration_method", CALIBRATION_METHODS,
                     owner=owner)
        if not hasattr(self.calibration_cv, "split"):
            check_scalar(self.calibration_cv, "calibration_cv", owner=owner,
                         kind=numbers.Integral, low=2)
        name = type(self.estimator).__name__
        if self.probabilities == "prior_corrected" and not hasattr(self.estimator,
                                                                   "predict_proba"):
            raise InvalidParameterError(
                f"{owner}: probabilities='prior_corrected' corrects predict_proba, and {name} "
                "has none. Use probabilities='calibrated' (it calibrates decision_function "
                "too) or 'resampled', or an estimator with predict_proba."
            )
        if self.probabilities == "calibrated" and not (
            hasattr(self.estimator, "predict_proba") or hasattr(self.estimator,
                                                                "decision_function")
        ):
            raise InvalidParameterError(
                f"{owner}: probabilities='calibrated' needs predict_proba or "
                f"decision_function to calibrate, and {name} has neither. Use "
                "probabilities='resampled'."
            )

    def _fit_calibrated(self, X: Any, y: Any, sample_weight: Any, fit_params: dict
                        ) -> ResampledClassifier:
        from sklearn.calibration import CalibratedClassifierCV

        y_1d = check_target(y)[0]
        labels, counts = require_classes(y_1d, what="there is no probability to calibrate")
        n_folds = self.calibration_cv if isinstance(self.calibration_cv, numbers.Integral) \
            else None
        if n_folds is not None and counts.min() < n_folds:
            raise InsufficientSamplesError(
                f"{label_text(labels[np.argmin(counts)], prefix=True)} has {counts.min()} rows, "
                f"but probabilities='calibrated' with calibration_cv={n_folds} needs at least "
                f"{n_folds} per class. Lower calibration_cv (at least 2) or use "
                "probabilities='prior_corrected'."
            )
        base = _OnCodes(self.sampler, self.estimator, labels)
        self.calibrator_ = CalibratedClassifierCV(
            base, method=self.calibration_method, cv=self.calibration_cv, ensemble=False
        ).fit(X, np.searchsorted(labels, y_1d), sample_weight=sample_weight, **fit_params)
        fitted = self.calibrator_.calibrated_classifiers_[0].estimator.model_
        self.sampler_, self.estimator_ = fitted.sampler_, fitted.estimator_
        self.classes_ = labels[self.calibrator_.classes_]
        self.original_shares_ = fitted.original_shares_
        self.resampled_shares_ = fitted.resampled_shares_
        for attribute in ("n_features_in_", "feature_names_in_"):
            if hasattr(fitted, attribute):
                setattr(self, attribute, getattr(fitted, attribute))
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
            Predicted labels: the resampled model's decision, whatever
            ``probabilities`` is (see Notes).
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_has_proba)
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities for ``X`` (no resampling), as ``probabilities`` asks.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``: those of
            ``estimator_`` (``'resampled'``), mapped back to
            ``original_shares_`` (``'prior_corrected'``), or calibrated
            (``'calibrated'``).
        """
        check_is_fitted(self)
        if self.probabilities == "calibrated":
            return self.calibrator_.predict_proba(X)
        proba = self.estimator_.predict_proba(X)
        if self.probabilities == "prior_corrected":
            return correct_probabilities(proba, original_shares=self.original_shares_,
                                         resampled_shares=self.resampled_shares_)
        return proba

    @available_if(_has_log_proba)
    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data to predict.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities (``-inf`` where a probability is 0).
        """
        check_is_fitted(self)
        if self.probabilities == "resampled":
            return self.estimator_.predict_log_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

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


def _model_has(attribute: str):
    def check(self: _OnCodes) -> bool:
        model = self.model_ if hasattr(self, "model_") else self.estimator
        return hasattr(model, attribute)

    return check


class _OnCodes(ClassifierMixin, BaseEstimator):
    """A ResampledClassifier fitted on the caller's labels, seen through integer class codes.

    scikit-learn's CalibratedClassifierCV turns string labels into codes before
    it fits the estimator, with temperature scaling only. Giving it codes for
    every method, and turning them back into labels here, keeps the sampler
    (and a ``sampling_strategy`` keyed by label) and the final model on the
    caller's labels.
    """

    def __init__(self, sampler: Any = None, estimator: Any = None, labels: Any = None) -> None:
        self.sampler = sampler
        self.estimator = estimator
        self.labels = labels

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params: Any) -> _OnCodes:
        labels = np.asarray(self.labels)
        self.model_ = ResampledClassifier(self.sampler, self.estimator).fit(
            X, labels[np.asarray(y)], sample_weight=sample_weight, **fit_params)
        self.classes_ = np.searchsorted(labels, self.model_.classes_)
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.searchsorted(np.asarray(self.labels), self.model_.predict(X))

    @available_if(_model_has("predict_proba"))
    def predict_proba(self, X: Any) -> np.ndarray:
        return self.model_.predict_proba(X)

    @available_if(_model_has("decision_function"))
    def decision_function(self, X: Any) -> np.ndarray:
        return self.model_.decision_function(X)
