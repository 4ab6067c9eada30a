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
from scipy import sparse
from sklearn.preprocessing import label_binarize
from sklearn.utils.multiclass import type_of_target

from tabaug.exceptions import (
    ExtremeOversamplingWarning,
    InvalidInputError,
    InvalidTargetError,
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
        x_kind = _container_kind(X)
        sparse_dtypes = None
        if x_kind == "dataframe" and self._densify_sparse_frames and _is_sparse_frame(X):
            sparse_dtypes = dict(X.dtypes.items())
            X = X.astype(
                {c: d.subtype for c, d in sparse_dtypes.items() if isinstance(d, pd.SparseDtype)}
            )
        X, y_1d, y_props = self._check_inputs(X, y)
        self._set_strategy(y_1d)
        X_res, y_res = self._fit_resample(X, y_1d, **params)
        if sparse_dtypes is not None:
            X_res = X_res.astype(sparse_dtypes)
        return self._wrap_output(x_kind, X_res, y_res, y_props)

    def _set_strategy(self, y: np.ndarray) -> None:
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )

    def _check_inputs(self, X: Any, y: Any) -> tuple[Any, np.ndarray, dict]:
        """Validate ``X`` and ``y`` and bring them to the forms ``_fit_resample`` takes."""
        y_props = {
            "kind": _container_kind(y),
            "name": getattr(y, "name", None),
            "columns": getattr(y, "columns", None),
            "dtype": getattr(y, "dtype", None),
            "dtypes": y.dtypes.tolist() if isinstance(y, pd.DataFrame) else None,
        }
        x_kind = _container_kind(X)
        if x_kind == "list":
            X = np.asarray(X)
            if X.dtype.kind in "US":
                X = X.astype(object)
        elif x_kind == "other" and not sparse.issparse(X):
            X = np.asarray(X)
        if sparse.issparse(X) and X.format not in ("csr", "csc"):
            X = X.tocsr()
        if sparse.issparse(X) and not self._accepts_sparse:
            raise InvalidInputError(
                f"{type(self).__name__} does not accept sparse matrices; "
                "pass X.toarray() or a DataFrame instead."
            )
        if getattr(X, "ndim", 2) != 2:
            raise InvalidInputError(
                f"X must be 2-D (n_samples, n_features); got an array of shape "
                f"{getattr(X, 'shape', None)}. Reshape a single feature with X.reshape(-1, 1)."
            )
        y_1d, y_props["one_vs_all"] = _check_target(y)
        n_rows = X.shape[0]
        if n_rows == 0:
            raise InvalidInputError(
                "X and y are empty: there is nothing to resample. Pass at least one row per class."
            )
        if n_rows != y_1d.shape[0]:
            raise InvalidInputError(
                f"X has {n_rows} rows but y has {y_1d.shape[0]} labels: they must match "
                "row for row. Check that X and y come from the same split."
            )
        labels, label_counts = np.unique(y_1d, return_counts=True)
        counts = dict(zip(labels.tolist(), label_counts.tolist(), strict=True))
        if len(counts) < 2:
            raise InvalidTargetError(
                f"y has only one class ({label_text(next(iter(counts)))}): a sampler can't balance "
                "when only one class is present. Check the target column and the split."
            )
        self._record_features(X)
        if self._sampling_type == "over-sampling":
            self._class_counts = counts
        return X, y_1d, y_props

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
                    f"class {label_text(label)} has {n_old} rows and is being oversampled to "
                    f"{n_old + n_new} ({(n_old + n_new) / n_old:.0f}x): the new rows will be "
                    "near-copies of a few originals and invite overfitting. Consider a "
                    "smaller sampling_strategy, class weights, or collecting more data.",
                    ExtremeOversamplingWarning,
                    stacklevel=4,  # _warn_extreme <- _fit_resample <- fit_resample <- user
                )

    @staticmethod
    def _wrap_output(x_kind: str, X_res: Any, y_res: np.ndarray, y_props: dict) -> tuple:
        if x_kind == "list":
            X_res = X_res.tolist()
        return X_res, _restore_target(y_res, y_props)

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


def _container_kind(obj: Any) -> str:
    if isinstance(obj, pd.DataFrame):
        return "dataframe"
    if isinstance(obj, pd.Series):
        return "series"
    if isinstance(obj, list | tuple):
        return "list"
    if isinstance(obj, np.ndarray):
        return "ndarray"
    return "other"


def _is_sparse_frame(X: pd.DataFrame) -> bool:
    return any(isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes)


def label_text(label: Any) -> str:
    """A class label as users wrote it: ``1``, not ``np.int64(1)``."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _check_target(y: Any) -> tuple[np.ndarray, bool]:
    """Return ``y`` as a 1-D label array and whether it was one-vs-all encoded."""
    if y is None:
        raise InvalidTargetError(
            "This sampler requires y to be passed, but the target y is None. "
            "Pass the class labels: fit_resample(X, y)."
        )
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            y_values = y.to_numpy()
        else:
            y_values = y.iloc[:, 0].to_numpy()
    elif isinstance(y, pd.Series):
        y_values = y.to_numpy(dtype=object) if y.dtype.kind not in "biuf" else y.to_numpy()
    else:
        y_values = np.asarray(y)
    if y_values.dtype.kind in "fOc" and pd.isna(y_values).any():
        raise InvalidTargetError(
            "y contains missing values (NaN/None): every row needs a class label. "
            "Drop the unlabeled rows first, e.g. df.dropna(subset=[target])."
        )
    if y_values.dtype.kind == "f" and np.isinf(y_values).any():
        raise InvalidTargetError(
            "Input y contains infinity: class labels must be finite. "
            "Drop or relabel those rows first."
        )
    if y_values.size == 0:
        return y_values.reshape(-1), False
    target_type = type_of_target(y_values, input_name="y")
    if target_type == "multilabel-indicator":
        if np.any(y_values.sum(axis=1) > 1):
            raise InvalidTargetError(
                "Multilabel and multioutput targets are not supported: each row needs "
                "exactly one class. Encode label combinations as single classes first."
            )
        return y_values.argmax(axis=1), True
    if target_type in {"continuous", "continuous-multioutput"}:
        raise InvalidTargetError(
            "Unknown label type: y looks continuous (float values that are not whole "
            "numbers), but resampling needs class labels. For a regression target, bin it "
            "first (e.g. pandas.cut) or use a regression method instead."
        )
    if target_type in {"multiclass-multioutput", "unknown"}:
        raise InvalidTargetError(
            f"Unknown label type: y of type {target_type!r} is not a single class label per "
            "row. Pass a 1-D array or Series of class labels."
        )
    if y_values.ndim == 2:
        if y_values.shape[1] != 1:
            raise InvalidTargetError(
                "Multilabel and multioutput targets are not supported: y must have one column."
            )
        y_values = y_values[:, 0]
    return y_values, False


def _restore_target(y_res: np.ndarray, props: dict) -> Any:
    """Give ``y_res`` the container, name and dtype of the ``y`` the user passed."""
    if props["one_vs_all"]:
        y_res = label_binarize(y_res, classes=np.unique(y_res))
    kind = props["kind"]
    if kind == "series":
        return pd.Series(y_res, name=props["name"], dtype=props["dtype"])
    if kind == "dataframe":
        columns = props["columns"]
        data = y_res if y_res.ndim == 2 else y_res.reshape(-1, 1)
        frame = pd.DataFrame(data, columns=columns)
        if data.shape[1] == len(props["dtypes"]):
            frame = frame.astype(dict(zip(columns, props["dtypes"], strict=True)))
        return frame
    if kind == "list":
        return y_res.tolist()
    if props["dtype"] is not None and y_res.dtype != props["dtype"]:
        return y_res.astype(props["dtype"])
    return y_res
