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

Dask collections (a Dask DataFrame ``X`` and Dask Series ``y``) take the same
calls: ``fit`` and ``fit_resample`` hand them to ``tabaug._dask``, which counts
the classes in one pass, sets the same fitted attributes (through
``_record_features`` and ``_warn_extreme``) and returns a lazy pair. Dask is
only imported there: the type's module tells a Dask collection apart.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.under_sampling.base import BaseUnderSampler
from scipy import sparse
from sklearn.exceptions import NotFittedError

from tabaug.exceptions import (
    ExtremeOversamplingWarning,
    InvalidInputError,
    InvalidParameterError,
)
from tabaug.utils import (
    TargetInfo,
    check_consistent_length,
    check_features,
    check_memory,
    check_target,
    container_kind,
    dask_backend,
    is_dask_collection,
    label_text,
    require_classes,
    resolve_sampling_strategy,
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
    # Whether new rows are made (interpolated, jittered, generated) rather than copied:
    # such samplers hold a work matrix for them (the memory guard counts it).
    _makes_new_rows = True
    # Whether DataFrame columns of SparseDtype are made dense for _fit_resample
    # (and sparse again on the way out); samplers that only select rows keep them.
    _densify_sparse_frames = True

    def fit(self, X: Any, y: Any) -> BaseResampler:
        """Check the inputs and resolve ``sampling_strategy_`` without resampling.

        Generators (CTGAN, the VAE, SDV) also train their model here, so
        that ``sample`` works after ``fit``.

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
        if is_dask_collection(X) or is_dask_collection(y):
            dask_backend().fit(self, X, y)
            return self
        X, y_1d, _ = self._check_inputs(X, y)
        self._set_strategy(y_1d)
        self._fit_model(X, y_1d)
        return self

    def _fit_model(self, X: Any, y: np.ndarray) -> None:
        """Learn what ``sample`` needs (generators only; the others learn nothing)."""

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
            The resampled data, with a fresh ``RangeIndex`` for DataFrames (for
            Dask, a lazy DataFrame indexed by int64 global row positions).
        y_resampled : same type as ``y``
            The labels of ``X_resampled``.
        """
        self._validate_params()
        if is_dask_collection(X) or is_dask_collection(y):
            return dask_backend().fit_resample(self, X, y, **params)
        x_kind = container_kind(X)
        X, y_1d, target = self._check_inputs(X, y)
        self._set_strategy(y_1d)
        self._check_output_memory(X)
        sparse_dtypes = None
        if x_kind == "dataframe" and self._densify_sparse_frames and _is_sparse_frame(X):
            sparse_dtypes = dict(X.dtypes.items())
            X = X.astype(
                {c: d.subtype for c, d in sparse_dtypes.items() if isinstance(d, pd.SparseDtype)}
            )
        X_res, y_res = self._fit_resample(X, y_1d, **params)
        if sparse_dtypes is not None:
            X_res = X_res.astype(sparse_dtypes)
        if x_kind == "list":
            X_res = X_res.tolist()
        return X_res, target.restore(y_res)

    def _set_strategy(self, y: np.ndarray) -> None:
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type, owner=type(self).__name__
        )

    def _check_output_memory(self, X: Any) -> None:
        """Refuse, before any work, an output larger than tabaug's memory limit.

        An oversampler holds its output (input rows plus new rows) and, when it
        makes new rows rather than copying them, a float64 work matrix for the
        new rows. Undersamplers return fewer rows than they were given.
        """
        if self._sampling_type != "over-sampling":
            return
        n_rows, n_columns = X.shape
        n_new = sum(self.sampling_strategy_.values())
        estimate = (n_rows + n_new) * _row_bytes(X, densify=self._densify_sparse_frames)
        if self._makes_new_rows:
            estimate += n_new * max(n_columns, 1) * 8 * 2
        check_memory(
            estimate,
            what=f"{type(self).__name__}'s output ({n_rows + n_new:,} rows x {n_columns:,} "
            "columns)",
            fix="ask for fewer rows with sampling_strategy (a float ratio below 1, or a dict "
            "of smaller counts), or resample a sample of the data",
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

    def _check_sample_request(
        self, n_rows: Any, label: Any, fitted_attribute: str, *, n_columns: int
    ) -> Any:
        """Checks of a generator's ``sample(n_rows, label)``; return the label as fitted."""
        owner = type(self).__name__
        if not hasattr(self, fitted_attribute):
            raise NotFittedError(
                f"{owner}.sample needs a trained model: call fit(X, y) or fit_resample(X, y) "
                "first (sample() generates from the model they train)."
            )
        if not isinstance(n_rows, numbers.Integral) or isinstance(n_rows, bool) or n_rows < 0:
            raise InvalidParameterError(
                f"{owner}.sample: n_rows must be a non-negative int; got {n_rows!r}."
            )
        matches = np.flatnonzero(self.classes_ == label)
        if matches.size == 0:
            raise InvalidInputError(
                f"{owner}.sample: label {label!r} is not a class the model was fitted on; "
                f"classes are {self.classes_.tolist()}."
            )
        check_memory(
            int(n_rows) * max(n_columns, 1) * 8 * 3,
            what=f"{owner}.sample({int(n_rows):,} rows)",
            fix="ask for fewer rows at a time and concatenate the pieces",
        )
        return self.classes_[matches[0]]


class BaseUnderResampler(BaseResampler, BaseUnderSampler):
    """Base class of tabaug's undersamplers: a subset of the original rows.

    Examples
    --------
    >>> from tabaug import RandomUnderSampler
    >>> from tabaug.base import BaseUnderResampler
    >>> issubclass(RandomUnderSampler, BaseUnderResampler)
    True
    """


def _row_bytes(X: Any, *, densify: bool) -> float:
    """Bytes one row of ``X`` takes in memory (dense when ``densify`` and X is a sparse frame)."""
    n_rows = max(X.shape[0], 1)
    if sparse.issparse(X):
        return (X.data.nbytes + X.indices.nbytes) / n_rows + X.indptr.itemsize
    if isinstance(X, pd.DataFrame):
        if densify and _is_sparse_frame(X):
            return float(sum(getattr(d, "subtype", d).itemsize for d in X.dtypes))
        return float(X.memory_usage(index=False, deep=False).sum()) / n_rows
    return float(X.itemsize * np.prod(X.shape[1:]))


def _is_sparse_frame(X: pd.DataFrame) -> bool:
    return any(isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes)
