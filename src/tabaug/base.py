"""The resampler contract shared by every tabaug sampler.

:class:`BaseResampler` is imbalanced-learn's ``BaseSampler`` with a
``fit_resample`` that does the common work once, in the template-method style
of imbalanced-learn:

1. validate the constructor parameters (``_parameter_constraints``);
2. check ``y`` (a classification target with at least two classes, the same
   length as ``X``, not empty) and resolve ``sampling_strategy`` with
   imbalanced-learn's own ``check_sampling_strategy``;
3. call the subclass's ``_fit_resample`` with the data as given (a DataFrame
   stays a DataFrame, so mixed-type columns are never coerced to float);
4. return the result in the caller's container: pandas in, pandas out (same
   columns, dtypes and categories, a fresh ``RangeIndex``, ``y`` keeping its
   name and dtype), numpy in, numpy out, list in, list out.

Subclasses implement ``_fit_resample(X, y)``, which receives ``X`` as a
DataFrame, ndarray or sparse matrix and ``y`` as a 1-D ndarray, and returns
``(X_res, y_res)`` in the same container as ``X``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.under_sampling.base import BaseUnderSampler
from imblearn.utils import check_sampling_strategy

from tabaug.exceptions import ExtremeOversamplingWarning
from tabaug.utils import (
    TargetInfo,
    check_consistent_length,
    check_features,
    check_target,
    container_kind,
    label_text,
    require_classes,
)

__all__ = ["BaseOverResampler", "BaseResampler", "BaseUnderResampler"]

# Oversampling a class of fewer than this many rows ...
_FEW_ROWS = 30
# ... to this many times its size or more gets an ExtremeOversamplingWarning.
_MANY_FOLD = 20


class BaseResampler(BaseSampler):
    """Base class of tabaug's resamplers (see the module docstring).

    Not to be used directly: subclass :class:`BaseOverResampler` or
    :class:`BaseUnderResampler` and implement ``_fit_resample``.

    Examples
    --------
    >>> from tabaug import RandomOverSampler
    >>> from tabaug.base import BaseResampler
    >>> isinstance(RandomOverSampler(), BaseResampler)
    True
    """

    # Whether _fit_resample accepts scipy sparse matrices.
    _accepts_sparse = True
    # Whether DataFrame columns of SparseDtype are made dense for _fit_resample
    # (and sparse again on the way out); samplers that only select rows keep them.
    _densify_sparse_frames = True

    def fit(self, X: Any, y: Any) -> BaseResampler:
        """Check the inputs and resolve ``sampling_strategy_`` without resampling.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features)
            The data.
        y : array-like of shape (n_samples,)
            The class labels.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self._validate_params()
        X, y_1d, _ = self._check_inputs(X, y)
        self._set_strategy(y_1d)
        return self

    def fit_resample(self, X: Any, y: Any, **params: Any) -> tuple[Any, Any]:
        """Resample the data set.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features)
            The data. DataFrames keep their columns, dtypes and categories.
        y : array-like of shape (n_samples,)
            The class labels.
        **params : dict
            Passed to the algorithm (none of tabaug's tabular samplers take any).

        Returns
        -------
        X_resampled : same type as ``X``
            The resampled data, with a fresh ``RangeIndex`` for DataFrames.
        y_resampled : same type as ``y``
            The labels of ``X_resampled``.
        """
        self._validate_params()
        x_kind = container_kind(X)
        sparse_dtypes = None
        if x_kind == "dataframe" and self._densify_sparse_frames and _is_sparse_frame(X):
            sparse_dtypes = dict(X.dtypes.items())
            X = X.astype(
                {c: d.subtype for c, d in sparse_dtypes.items() if isinstance(d, pd.SparseDtype)}
            )
        X, y_1d, target = self._check_inputs(X, y)
        self._set_strategy(y_1d)
        X_res, y_res = self._fit_resample(X, y_1d, **params)
        if sparse_dtypes is not None:
            X_res = X_res.astype(sparse_dtypes)
        if x_kind == "list":
            X_res = X_res.tolist()
        return X_res, target.restore(y_res)

    def _set_strategy(self, y: np.ndarray) -> None:
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )

    def _check_inputs(self, X: Any, y: Any) -> tuple[Any, np.ndarray, TargetInfo]:
        """Validate ``X`` and ``y`` and bring them to the forms ``_fit_resample`` takes."""
        X = check_features(X, accept_sparse=self._accepts_sparse, owner=type(self).__name__)
        y_1d, target = check_target(y)
        check_consistent_length(X.shape[0], y_1d.shape[0])
        labels, label_counts = require_classes(y_1d)
        self._record_features(X)
        if self._sampling_type == "over-sampling":
            self._class_counts = dict(zip(labels.tolist(), label_counts.tolist(), strict=True))
        return X, y_1d, target

    def _record_features(self, X: Any) -> None:
        self.n_features_in_ = X.shape[1]
        columns = getattr(X, "columns", None)
        if columns is not None and all(isinstance(c, str) for c in columns):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _warn_extreme(self) -> None:
        """Warn when a handful of rows is oversampled many times over."""
        counts = getattr(self, "_class_counts", {})
        for label, n_new in self.sampling_strategy_.items():
            n_old = counts.get(label, 0)
            if 0 < n_old < _FEW_ROWS and (n_old + n_new) >= _MANY_FOLD * n_old:
                warnings.warn(
                    f"{label_text(label, prefix=True)} has {n_old} rows and is being "
                    f"oversampled to {n_old + n_new} ({(n_old + n_new) / n_old:.0f}x): the new "
                    "rows will be near-copies of a few originals and invite overfitting. "
                    "Consider a smaller sampling_strategy, class weights, or collecting more "
                    "data.",
                    ExtremeOversamplingWarning,
                    stacklevel=4,  # _warn_extreme <- _fit_resample <- fit_resample <- user
                )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accepts_sparse
        return tags


class BaseOverResampler(BaseResampler, BaseOverSampler):
    """Base class of tabaug's oversamplers: originals first and in order, new rows after.

    Examples
    --------
    >>> from tabaug import SMOTE
    >>> from tabaug.base import BaseOverResampler
    >>> issubclass(SMOTE, BaseOverResampler)
    True
    """


class BaseUnderResampler(BaseResampler, BaseUnderSampler):
    """Base class of tabaug's undersamplers: a subset of the original rows.

    Examples
    --------
    >>> from tabaug import RandomUnderSampler
    >>> from tabaug.base import BaseUnderResampler
    >>> issubclass(RandomUnderSampler, BaseUnderResampler)
    True
    """


def _is_sparse_frame(X: pd.DataFrame) -> bool:
    return any(isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes)
