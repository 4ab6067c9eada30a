"""Split a mixed table into numbers and category codes, and put generated rows back.

Generators (SMOTE, Gaussian noise, CTGAN, the VAE) work on two matrices: the
numeric columns as floats and the categorical columns as integer codes.
:class:`TableCodec` builds both from a DataFrame or an array, remembers every
column's dtype, categories and observed range, and turns generated rows back
into the caller's types: integers stay integers (rounded and kept in range),
categories keep their categories, booleans stay booleans, strings stay strings,
datetimes come back as datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError, InvalidTypeError
from tabaug.utils._validation import is_categorical_dtype


@dataclass
class TableCodec:
    """Numeric/categorical view of a table (see the module docstring)."""

    is_frame: bool
    columns: list
    dtypes: list
    numeric_index: np.ndarray
    categorical_index: np.ndarray
    numeric: np.ndarray
    codes: np.ndarray
    categories: list = field(default_factory=list)
    is_integer: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # Per numeric column, the spacing of its values when it is coarser than 1:
    # a date column stored in nanoseconds has a step of one day, so generated
    # dates land on whole days as the originals do. 1 elsewhere.
    step: np.ndarray = field(default_factory=lambda: np.ones(0))
    input_dtype: Any = None

    @cached_property
    def minimum(self) -> np.ndarray:
        """Smallest observed value of each numeric column."""
        return self.numeric.min(axis=0) if self.numeric.size else np.zeros(self.n_numeric)

    @cached_property
    def maximum(self) -> np.ndarray:
        """Largest observed value of each numeric column."""
        return self.numeric.max(axis=0) if self.numeric.size else np.zeros(self.n_numeric)

    @classmethod
    def from_data(
        cls,
        X: pd.DataFrame | np.ndarray,
        categorical_features: Any = "auto",
        *,
        owner: str,
    ) -> TableCodec:
        """Encode ``X``; ``owner`` names the estimator in error messages."""
        if isinstance(X, pd.DataFrame):
            return cls._from_frame(X, categorical_features, owner)
        return cls._from_array(np.asarray(X), categorical_features, owner)

    @property
    def n_numeric(self) -> int:
        return self.numeric.shape[1]

    @property
    def n_categorical(self) -> int:
        return self.codes.shape[1]

    @classmethod
    def _from_frame(cls, X: pd.DataFrame, categorical_features: Any, owner: str) -> TableCodec:
        columns = list(X.columns)
        explicit = _explicit_mask(categorical_features, columns, owner)
        numeric_cols, categorical_cols, is_integer = [], [], []
        for position, (name, dtype) in enumerate(X.dtypes.items()):
            # Explicit choices add to what dtypes say: text never becomes a number.
            categorical = is_categorical_dtype(dtype) or (
                explicit is not None and bool(explicit[position])
            )
            if not categorical and not _is_numeric_like(dtype):
                raise InvalidTypeError(
                    f"{owner} cannot use column {name!r} of dtype {dtype}: it is neither "
                    "numeric, boolean, categorical, string nor datetime. Convert or drop it."
                )
            if categorical:
                categorical_cols.append(position)
            else:
                numeric_cols.append(position)
                is_integer.append(_is_integer_like(dtype))
        _check_missing(X, owner)
        numeric = np.empty((len(X), len(numeric_cols)), dtype=np.float64)
        step = np.ones(len(numeric_cols))
        for j, position in enumerate(numeric_cols):
            numeric[:, j] = _numeric_values(X.iloc[:, position], owner)
            step[j] = _time_step(X.iloc[:, position])
        codes = np.empty((len(X), len(categorical_cols)), dtype=np.int64)
        categories = []
        for j, position in enumerate(categorical_cols):
            codes[:, j], uniques = _codes_of(X.iloc[:, position])
            categories.append(uniques)
        return cls(
            is_frame=True,
            columns=columns,
            dtypes=list(X.dtypes),
            numeric_index=np.asarray(numeric_cols, dtype=np.intp),
            categorical_index=np.asarray(categorical_cols, dtype=np.intp),
            numeric=numeric,
            codes=codes,
            categories=categories,
            is_integer=np.asarray(is_integer, dtype=bool),
            step=step,
        )

    @classmethod
    def _from_array(cls, X: np.ndarray, categorical_features: Any, owner: str) -> TableCodec:
        n_columns = X.shape[1]
        columns = list(range(n_columns))
        explicit = _explicit_mask(categorical_features, columns, owner)
        if explicit is None:
            explicit = np.full(n_columns, X.dtype.kind in "OUSb")
        if X.dtype.kind not in "biufOUS":
            raise InvalidTypeError(
                f"{owner} cannot use an array of dtype {X.dtype}; pass numbers, or a "
                "DataFrame for mixed column types."
            )
        numeric_cols = np.flatnonzero(~explicit)
        categorical_cols = np.flatnonzero(explicit)
        if X.dtype.kind == "O" and numeric_cols.size:
            numeric = _object_to_float(X[:, numeric_cols], owner)
        elif X.dtype.kind == "f" and not categorical_cols.size:
            numeric = X  # a view: the fast path never copies the input
        else:
            numeric = X[:, numeric_cols].astype(np.float64)
        if numeric.size and not np.isfinite(numeric).all():
            raise InvalidInputError(_missing_message(owner, "X contains NaN or infinity"))
        codes = np.empty((X.shape[0], categorical_cols.size), dtype=np.int64)
        categories = []
        for j, position in enumerate(categorical_cols):
            column = X[:, position]
            if pd.isna(pd.Series(column)).any():
                raise InvalidInputError(
                    _missing_message(owner, f"categorical column {position} has missing values")
                )
            codes[:, j], uniques = _codes_of(pd.Series(column))
            categories.append(uniques)
        is_integer = [X.dtype.kind in "biu"] * numeric_cols.size
        dtypes = [X.dtype] * n_columns
        return cls(
            is_frame=False,
            columns=columns,
            dtypes=dtypes,
            numeric_index=numeric_cols.astype(np.intp),
            categorical_index=categorical_cols.astype(np.intp),
            numeric=numeric,
            codes=codes,
            categories=categories,
            is_integer=np.asarray(is_integer, dtype=bool),
            step=np.ones(numeric_cols.size),
            input_dtype=X.dtype,
        )

    def with_bounds(
        self, minimum: np.ndarray, maximum: np.ndarray, step: np.ndarray
    ) -> TableCodec:
        """A copy that keeps numeric columns in ``[minimum, maximum]`` on multiples of ``step``.

        For a codec built on part of a table (one partition on Dask), whose own
        range and spacing are not the whole column's.
        """
        codec = replace(self, step=np.asarray(step, dtype=np.float64))
        codec.minimum = np.asarray(minimum, dtype=np.float64)
        codec.maximum = np.asarray(maximum, dtype=np.float64)
        return codec

    def finalize_numeric(self, values: np.ndarray, clip: bool = False) -> np.ndarray:
        """Round integer columns and keep them (and with ``clip``, all columns) in range.

        Works in place on ``values`` (n_rows, n_numeric) and returns it.
        """
        if clip and values.shape[1]:
            np.clip(values, self.minimum, self.maximum, out=values)
        if self.is_integer.any():
            ints = self.is_integer
            low, step = self.minimum[ints], self.step[ints]
            values[:, ints] = np.clip(
                low + np.rint((values[:, ints] - low) / step) * step, low, self.maximum[ints]
            )
        return values

    def decode(self, numeric: np.ndarray, codes: np.ndarray) -> pd.DataFrame | np.ndarray:
        """Turn generated rows back into the input's types.

        ``numeric`` must already be finalised (see :meth:`finalize_numeric`).
        Returns a DataFrame with a fresh RangeIndex for DataFrame input, else an
        array of the input's dtype.
        """
        n_rows = numeric.shape[0] if numeric.ndim == 2 and numeric.shape[1] else codes.shape[0]
        if not self.is_frame:
            out = np.empty((n_rows, len(self.columns)), dtype=self.input_dtype)
            out[:, self.numeric_index] = numeric
            for j, position in enumerate(self.categorical_index):
                out[:, position] = self.categories[j][codes[:, j]]
            return out
        data = {}
        for j, position in enumerate(self.numeric_index):
            data[position] = _restore_numeric(numeric[:, j], self.dtypes[position])
        for j, position in enumerate(self.categorical_index):
            data[position] = _restore_categorical(
                codes[:, j], self.categories[j], self.dtypes[position]
            )
        frame = pd.DataFrame({i: data[i] for i in range(len(self.columns))})
        frame.columns = pd.Index(self.columns)
        return frame


def append_rows(X: pd.DataFrame | np.ndarray, new_rows: pd.DataFrame | np.ndarray) -> Any:
    """Originals first (fresh RangeIndex for frames), then the new rows."""
    if isinstance(X, pd.DataFrame):
        if len(new_rows) == 0:
            return X.reset_index(drop=True)
        new_rows.index = pd.RangeIndex(len(X), len(X) + len(new_rows))
        out = pd.concat([X.reset_index(drop=True), new_rows], axis=0)
        return out.astype(dict(X.dtypes.items()), copy=False) if _dtypes_drifted(X, out) else out
    return np.concatenate([X, new_rows.astype(X.dtype, copy=False)], axis=0)


def _dtypes_drifted(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    return any(a != b for a, b in zip(before.dtypes, after.dtypes, strict=True))


def _explicit_mask(categorical_features: Any, columns: list, owner: str) -> np.ndarray | None:
    """``categorical_features`` as a boolean mask over ``columns`` (None for 'auto')."""
    if categorical_features is None or (
        isinstance(categorical_features, str) and categorical_features == "auto"
    ):
        return None
    if isinstance(categorical_features, str):
        raise InvalidInputError(
            f"{owner}: categorical_features must be 'auto', column names, column indices or a "
            f"boolean mask; got the string {categorical_features!r}. Wrap one name in a list."
        )
    items = list(
        np.asarray(categorical_features).ravel().tolist()
        if isinstance(categorical_features, np.ndarray)
        else categorical_features
    )
    n_columns = len(columns)
    if items and all(isinstance(item, bool) for item in items):
        if len(items) != n_columns:
            raise InvalidInputError(
                f"{owner}: a boolean categorical_features mask needs one entry per column "
                f"({n_columns}); got {len(items)}."
            )
        return np.asarray(items, dtype=bool)
    mask = np.zeros(n_columns, dtype=bool)
    lookup = {name: i for i, name in enumerate(columns)}
    for item in items:
        # integers are positions, as in imbalanced-learn's SMOTENC, even when a
        # DataFrame's column labels are integers too
        if isinstance(item, int | np.integer) and -n_columns <= item < n_columns:
            mask[item] = True
        elif item in lookup:
            mask[lookup[item]] = True
        else:
            raise InvalidInputError(
                f"{owner}: categorical_features names {item!r}, which is not a column of X. "
                "Pass names or positions of existing columns; columns are: "
                f"{columns[:20]}{'...' if n_columns > 20 else ''}."
            )
    return mask


def _is_numeric_like(dtype: Any) -> bool:
    return getattr(dtype, "kind", "") in "iufMm"


def _is_integer_like(dtype: Any) -> bool:
    return getattr(dtype, "kind", "") in "iuMm"


def _missing_message(owner: str, what: str) -> str:
    return (
        f"{owner} cannot use rows with missing or infinite values: {what}. "
        "Impute them first (e.g. sklearn.impute.SimpleImputer) or drop those rows."
    )


def _check_missing(X: pd.DataFrame, owner: str) -> None:
    missing = X.isna().any()
    if missing.any():
        names = list(missing[missing].index)
        raise InvalidInputError(
            _missing_message(owner, f"columns {names[:10]} contain NaN/None/NaT")
        )


def _numeric_values(column: pd.Series, owner: str) -> np.ndarray:
    kind = column.dtype.kind
    if kind in "Mm":
        values = column.to_numpy(dtype="datetime64[ns]" if kind == "M" else "timedelta64[ns]")
        return values.astype(np.int64).astype(np.float64)
    values = column.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise InvalidInputError(
            _missing_message(owner, f"column {column.name!r} has infinite values")
        )
    return values


def _time_step(column: pd.Series) -> float:
    """Greatest common spacing of a datetime/timedelta column's values, in nanoseconds."""
    kind = column.dtype.kind
    if kind not in "Mm" or len(column) < 2:
        return 1.0
    values = column.to_numpy(dtype="datetime64[ns]" if kind == "M" else "timedelta64[ns]")
    offsets = values.astype(np.int64) - values.astype(np.int64).min()
    step = int(np.gcd.reduce(offsets))
    return float(step) if step > 0 else 1.0


def _object_to_float(values: np.ndarray, owner: str) -> np.ndarray:
    try:
        return values.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidTypeError(
            f"{owner}: some columns hold text; mark them with categorical_features=[...] "
            "or pass a DataFrame with string/category dtypes."
        ) from error


def _codes_of(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(dtype=np.int64), np.asarray(column.cat.categories)
    try:
        codes, uniques = pd.factorize(column, sort=True)
    except TypeError as error:
        raise InvalidTypeError(
            f"categorical column {column.name!r} holds values that cannot be compared or "
            f"hashed ({error}); each argument must be a string or a number. Convert the "
            "column, e.g. with .astype(str)."
        ) from error
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _restore_numeric(values: np.ndarray, dtype: Any) -> Any:
    kind = getattr(dtype, "kind", "f")
    if kind == "M":
        restored = pd.to_datetime(
            values.astype(np.int64), utc=getattr(dtype, "tz", None) is not None
        )
        if getattr(dtype, "tz", None) is not None:
            restored = restored.tz_convert(dtype.tz)
        return pd.Series(restored).astype(dtype)
    if kind == "m":
        return pd.Series(pd.to_timedelta(values.astype(np.int64))).astype(dtype)
    if kind in "iu":
        return pd.array(values.astype(np.int64), dtype=dtype)
    return pd.array(values, dtype=dtype)


def _restore_categorical(codes: np.ndarray, categories: np.ndarray, dtype: Any) -> Any:
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(codes, dtype=dtype)
    values = categories[codes]
    return (
        pd.array(values, dtype=dtype) if not isinstance(dtype, np.dtype) else values.astype(dtype)
    )
