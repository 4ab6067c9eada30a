"""One validation path for every entry point: containers, targets, labels, settings, memory.

Samplers, the image sampler, ``evaluate``, ``audit`` and ``compare`` all check
their inputs here, so the same mistake gets the same message and the same
exception class wherever it is made:

* :func:`check_features` and :func:`check_target` bring ``X`` and ``y`` to
  the forms the algorithms take; :class:`TargetInfo` remembers the caller's
  ``y`` container so :meth:`TargetInfo.restore` gives the result back in it.
* :func:`check_labels` reads a 1-D column of class labels (predictions, an
  audited target) with the same rules as ``y``.
* :func:`check_consistent_length` and :func:`require_classes` are the two
  checks every entry point makes on ``X`` and ``y`` together.
* settings (``check_scalar``, ``check_option``, ``resolve_sampling_strategy``)
  and the memory guard (``check_memory``) live beside this module, in
  ``_settings``: the same path, one module per kind of check.
* :func:`label_text`, :func:`plain_value` and :func:`categorical_columns`
  are the one definition of how a label reads, what a NumPy scalar is in
  Python, and which columns are categorical.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils.multiclass import type_of_target

from tabaug.exceptions import (
    InvalidInputError,
    InvalidTargetError,
)

__all__ = [
    "TargetInfo",
    "categorical_columns",
    "check_consistent_length",
    "check_features",
    "check_labels",
    "check_target",
    "container_kind",
    "is_categorical_dtype",
    "label_text",
    "plain_value",
    "require_classes",
]


# --------------------------------------------------------------------------- plain values


def plain_value(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds; anything else unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> plain_value(np.int64(3)), plain_value("a")
    (3, 'a')
    """
    return value.item() if isinstance(value, np.generic) else value


def label_text(label: Any, *, prefix: bool = False) -> str:
    """How a class label reads in a message: ``1`` and ``'a'``, or ``class 1`` with ``prefix``.

    Examples
    --------
    >>> import numpy as np
    >>> label_text(np.int64(1)), label_text("ME2", prefix=True)
    ('1', "class 'ME2'")
    """
    text = repr(plain_value(label))
    return f"class {text}" if prefix else text


# --------------------------------------------------------------------------- columns


def is_categorical_dtype(dtype: Any) -> bool:
    """Whether a column of this dtype holds categories (never interpolated).

    Category, boolean (numpy and nullable), string and object columns are
    categorical; numbers, datetimes and timedeltas are not.

    Examples
    --------
    >>> import pandas as pd
    >>> is_categorical_dtype(pd.CategoricalDtype()), is_categorical_dtype(pd.Int64Dtype())
    (True, False)
    """
    if isinstance(dtype, pd.CategoricalDtype | pd.BooleanDtype | pd.StringDtype):
        return True
    kind = getattr(dtype, "kind", "O")
    return kind in "bOUS" or str(dtype) == "str"


def categorical_columns(X: Any) -> list:
    """Columns of ``X`` that are categorical: names for a DataFrame, positions for an array.

    A DataFrame's columns are judged by :func:`is_categorical_dtype`; an
    object array's columns are categorical when they do not convert to
    numbers; other arrays have none.

    Examples
    --------
    >>> import pandas as pd
    >>> categorical_columns(pd.DataFrame({"x": [1.0], "city": ["lyon"]}))
    ['city']
    """
    if isinstance(X, pd.DataFrame):
        return [column for column, dtype in X.dtypes.items() if is_categorical_dtype(dtype)]
    if isinstance(X, np.ndarray) and X.dtype.kind == "O" and X.ndim == 2:
        columns = []
        for j in range(X.shape[1]):
            try:
                X[:, j].astype(np.float64)
            except (TypeError, ValueError):
                columns.append(j)
        return columns
    return []


# --------------------------------------------------------------------------- containers


def container_kind(obj: Any) -> str:
    """``"dataframe"``, ``"series"``, ``"list"`` (lists and tuples), ``"ndarray"`` or ``"other"``.

    Examples
    --------
    >>> container_kind([1, 2]), container_kind((1, 2))
    ('list', 'list')
    """
    if isinstance(obj, pd.DataFrame):
        return "dataframe"
    if isinstance(obj, pd.Series):
        return "series"
    if isinstance(obj, list | tuple):
        return "list"
    if isinstance(obj, np.ndarray):
        return "ndarray"
    return "other"


def check_features(X: Any, *, accept_sparse: bool = True, owner: str = "") -> Any:
    """``X`` as a 2-D DataFrame, ndarray or CSR/CSC matrix with at least one row.

    Lists become arrays (text as object, never fixed-width strings); other
    sparse formats become CSR. ``owner`` names the estimator in messages.

    Examples
    --------
    >>> check_features([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if isinstance(X, pd.DataFrame):
        matrix = X
    elif sparse.issparse(X):
        if not accept_sparse:
            raise InvalidInputError(
                f"{owner or 'this estimator'} does not accept sparse matrices; pass "
                "X.toarray() or a DataFrame instead."
            )
        matrix = X if X.format in ("csr", "csc") else X.tocsr()
    else:
        matrix = np.asarray(X)
        if matrix.dtype.kind in "US":
            matrix = matrix.astype(object)
    if getattr(matrix, "ndim", 2) != 2:
        raise InvalidInputError(
            f"X must be 2-D (n_samples, n_features); got an array of shape "
            f"{np.shape(matrix)}. Reshape a single feature with X.reshape(-1, 1)."
        )
    if matrix.shape[0] == 0:
        raise InvalidInputError(
            "X and y are empty: there is nothing to work on. Pass at least one row per class."
        )
    if matrix.shape[1] == 0:
        raise InvalidInputError(
            f"X has 0 feature(s) (shape={matrix.shape}) while a minimum of 1 is required: "
            f"{owner or 'this estimator'} needs at least one feature column. Check that the "
            "feature columns were not all dropped."
        )
    return matrix


def check_consistent_length(n_rows: int, n_labels: int, *, rows: str = "rows",
                            names: tuple[str, str] = ("X", "y")) -> None:
    """Refuse ``X`` and ``y`` (or images and labels, or ``names``) of different lengths.

    Examples
    --------
    >>> check_consistent_length(3, 3)
    >>> check_consistent_length(3, 2, names=("y_true", "y_pred"))
    Traceback (most recent call last):
    ...
    tabaug.exceptions.InvalidInputError: y_true has 3 rows but y_pred has 2 labels: ...
    """
    if n_rows != n_labels:
        first, second = names
        raise InvalidInputError(
            f"{first} has {n_rows} {rows} but {second} has {n_labels} labels: they must match "
            f"row for row. Check that {first} and {second} come from the same split."
        )


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetInfo:
    """What a caller's ``y`` looked like, to give labels back in the same container."""

    kind: str
    name: Any = None
    columns: Any = None
    dtype: Any = None
    dtypes: list | None = None
    #: Columns of a one-hot (one-vs-all) target, 0 for a target of labels.
    one_hot_columns: int = 0

    def restore(self, y_res: np.ndarray) -> Any:
        """``y_res`` (1-D labels) in the caller's container, name and dtype.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> y, info = check_target(pd.Series([0, 1, 1], name="churn"))
        >>> info.restore(np.array([1, 0])).name
        'churn'
        """
        if self.one_hot_columns:
            # One column per class of the input, even for two classes (label_binarize,
            # which imbalanced-learn uses, would give one).
            dtype = self.dtypes[0] if self.dtypes else self.dtype
            one_hot = np.zeros((y_res.shape[0], self.one_hot_columns), dtype=np.int64)
            one_hot[np.arange(y_res.shape[0]), y_res] = 1
            y_res = one_hot if dtype is None else one_hot.astype(dtype)
        if self.kind == "series":
            return pd.Series(y_res, name=self.name, dtype=self.dtype)
        if self.kind == "dataframe":
            data = y_res if y_res.ndim == 2 else y_res.reshape(-1, 1)
            frame = pd.DataFrame(data, columns=self.columns)
            if data.shape[1] == len(self.dtypes):
                frame = frame.astype(dict(zip(self.columns, self.dtypes, strict=True)))
            return frame
        if self.kind == "list":
            return y_res.tolist()
        if self.dtype is not None and y_res.dtype != self.dtype:
            return y_res.astype(self.dtype)
        return y_res


def _values_of(y: Any) -> np.ndarray:
    """Labels as a NumPy array that ``type_of_target`` reads the way imbalanced-learn does.

    Category Series give their categories' values (integer categories stay
    integers); object arrays of plain numbers become numeric arrays.
    """
    if isinstance(y, pd.Series):
        if isinstance(y.dtype, pd.CategoricalDtype):
            codes = y.cat.codes.to_numpy()
            values = np.asarray(y.cat.categories)[codes]
            if (codes < 0).any():  # missing: refused by the caller with the usual message
                values = np.where(codes < 0, None, values.astype(object))
        elif y.dtype.kind not in "biuf":
            values = y.to_numpy(dtype=object)
        else:
            values = y.to_numpy()
    else:
        values = np.asarray(y)
    if values.dtype.kind == "O" and values.size:
        kind = pd.api.types.infer_dtype(values.ravel(), skipna=False)
        numeric = {"integer": np.int64, "floating": np.float64, "boolean": np.bool_}
        if kind in numeric:
            return values.astype(numeric[kind])
        if kind == "mixed-integer-float":
            return values.astype(np.float64)
    return values


def _check_missing(values: np.ndarray, name: str) -> None:
    if values.dtype.kind in "fOc" and pd.isna(values).any():
        raise InvalidTargetError(
            f"{name} contains missing values (NaN/None): every row needs a class label. "
            "Drop the unlabeled rows first, e.g. df.dropna(subset=[target])."
        )
    if values.dtype.kind == "f" and np.isinf(values).any():
        raise InvalidTargetError(
            f"Input {name} contains infinity: class labels must be finite. "
            "Drop or relabel those rows first."
        )


def _check_mixed_types(values: np.ndarray, name: str) -> None:
    """Refuse labels that mix text and numbers (``1`` and ``'1'`` would be two classes)."""
    if values.dtype.kind != "O" or values.size == 0:
        return
    is_text = np.fromiter((isinstance(v, str) for v in values.ravel()), bool, values.size)
    if is_text.any() and not is_text.all():
        text = values.ravel()[is_text][0]
        number = values.ravel()[~is_text][0]
        raise InvalidTargetError(
            f"{name} mixes text and numbers (e.g. {text!r} and {plain_value(number)!r}), which "
            f"would count as different classes. Convert {name} to one type first, e.g. "
            f"{name}.astype(str) or pandas.to_numeric({name})."
        )


def _refuse_target_type(target_type: str, name: str) -> None:
    if target_type in {"continuous", "continuous-multioutput"}:
        raise InvalidTargetError(
            f"Unknown label type: {name} looks continuous (float values that are not whole "
            "numbers), but class labels are needed. For a regression target, bin it "
            "first (e.g. pandas.cut) or use a regression method instead."
        )
    if target_type in {"multiclass-multioutput", "unknown"}:
        raise InvalidTargetError(
            f"Unknown label type: {name} of type {target_type!r} is not a single class label "
            "per row. Pass a 1-D array or Series of class labels."
        )


def check_target(y: Any, *, name: str = "y") -> tuple[np.ndarray, TargetInfo]:
    """``y`` as a 1-D label array, and what it looked like (see :class:`TargetInfo`).

    Accepts lists, arrays, Series and one-column DataFrames of class labels,
    and one-hot (one-vs-all) label indicators, which are read by argmax and
    restored one-hot. Missing or infinite labels, continuous values,
    multilabel and multioutput targets are refused with the fix.

    Examples
    --------
    >>> y, info = check_target([0, 1, 1])
    >>> y.tolist(), info.kind
    ([0, 1, 1], 'list')
    """
    if y is None:
        raise InvalidTargetError(
            f"This sampler requires {name} to be passed, but the target {name} is None. "
            "Pass the class labels: fit_resample(X, y)."
        )
    kind = container_kind(y)
    info = TargetInfo(
        kind=kind,
        name=getattr(y, "name", None),
        columns=getattr(y, "columns", None),
        dtype=getattr(y, "dtype", None),
        dtypes=y.dtypes.tolist() if kind == "dataframe" else None,
    )
    if isinstance(y, pd.DataFrame):
        values = y.to_numpy() if y.shape[1] != 1 else _values_of(y.iloc[:, 0])
    else:
        values = _values_of(y)
    _check_missing(values, name)
    if values.size == 0:
        return values.reshape(-1), info
    _check_mixed_types(values, name)
    target_type = type_of_target(values, input_name=name)
    if target_type == "multilabel-indicator":
        sums = values.sum(axis=1)
        if np.any(sums != 1):
            row = int(np.flatnonzero(sums != 1)[0])
            raise InvalidTargetError(
                f"{name} looks one-hot encoded, but row {row} has {int(sums[row])} ones: each "
                "row needs exactly one class. Multilabel targets are not supported; encode "
                "label combinations as single classes first, or give unlabeled rows a class."
            )
        return values.argmax(axis=1), replace(info, one_hot_columns=values.shape[1])
    _refuse_target_type(target_type, name)
    if values.ndim == 2:
        if values.shape[1] != 1:
            raise InvalidTargetError(
                "Multilabel and multioutput targets are not supported: y must have one column."
            )
        values = values[:, 0]
    return values, info


def check_labels(values: Any, *, name: str = "y", allow_missing: bool = False) -> np.ndarray:
    """A 1-D column of class labels (a target, predictions) as a NumPy array.

    Lists, arrays, Series, Index and one-column DataFrames are accepted;
    ``(n, 1)`` arrays are flattened. Missing labels are refused unless
    ``allow_missing``; continuous values are always refused.

    Examples
    --------
    >>> check_labels([[0], [1]]).tolist()
    [0, 1]
    """
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise InvalidTargetError(
                f"{name} must be one column of class labels; got a DataFrame with "
                f"{values.shape[1]} columns. Pass the label column, e.g. frame['label']."
            )
        values = values.iloc[:, 0]
    if isinstance(values, pd.Index):
        values = values.to_series()
    array = _values_of(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise InvalidTargetError(
            f"{name} must be 1-D (one class label per row); got shape {array.shape}."
        )
    if not allow_missing:
        _check_missing(array, name)
    present = array
    if allow_missing and array.dtype.kind in "fOc":
        present = array[~pd.isna(array)]
    _check_mixed_types(present, name)
    if present.dtype.kind == "f" and present.size:
        if not np.isfinite(present).all() or not np.array_equal(present, np.round(present)):
            _refuse_target_type("continuous", name)
    elif present.size:
        try:
            target_type = type_of_target(present, input_name=name)
        except (TypeError, ValueError) as error:
            raise InvalidTargetError(
                f"cannot read {name} as class labels ({error}). Pass one label per row: "
                "numbers or strings, not a mix of both."
            ) from error
        _refuse_target_type(target_type, name)
    return array


def require_classes(y: np.ndarray, *, minimum: int = 2, what: str = "a sampler can't balance",
                    name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """The classes of ``y`` and their counts; refuse fewer than ``minimum`` classes.

    ``name`` is how ``y`` is called in messages (``y_true`` for ``evaluate``).

    Examples
    --------
    >>> import numpy as np
    >>> labels, counts = require_classes(np.array([0, 1, 1]))
    >>> counts.tolist()
    [1, 2]
    """
    labels, counts = np.unique(y, return_counts=True)
    if labels.size == 0:
        empty = "X and y are empty" if name == "y" else f"{name} is empty"
        raise InvalidInputError(
            f"{empty}: there is nothing to work on. Pass at least one row per class."
        )
    if labels.size < minimum:
        raise InvalidTargetError(
            f"{name} has only one class ({label_text(labels[0])}): {what} when only one class "
            "is present. Check the target column and the split."
        )
    return labels, counts
