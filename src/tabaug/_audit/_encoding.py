"""Rows as points whose Euclidean distance is the HEOM distance (Wilson & Martinez 1997).

The heterogeneous Euclidean-overlap metric adds, per column, ``|a - b| /
range`` for numbers and 0/1 for a categorical match/mismatch, and takes the
square root of the sum of squares. Scaling numbers by their range and
one-hot coding categories with a weight of 1/sqrt(2) gives points whose plain
Euclidean distance is exactly that, so any neighbour search (exact or
approximate) computes HEOM.

Missing values: HEOM counts a missing value as a difference of 1. A missing
category is one more category (a difference of 1 from any value, 0 from
another missing value); a missing number sits mid-range with an indicator
coordinate, so it differs from any present value by 0.87 to 1 and from
another missing value by 0. Infinite numbers count as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tabaug.utils import check_memory, is_categorical_dtype, unhashable_error

#: Categories kept apart per column; rarer ones are compared as one value.
MAX_CATEGORIES = 64
_MISSING_OFFSET = np.sqrt(0.75)


@dataclass(frozen=True)
class Encoded:
    """A table as HEOM points, and its numeric columns for the segment and Fisher checks.

    ``points`` holds one row per table row; ``numeric`` the numeric columns
    scaled to [0, 1] (NaN where missing); ``whole`` marks numeric columns
    of whole numbers (samplers round them); ``ranges`` their raw ranges.
    """

    points: np.ndarray
    numeric: np.ndarray
    numeric_names: list[Any]
    whole: np.ndarray
    ranges: np.ndarray
    n_categorical: int


def encode(frame: pd.DataFrame) -> Encoded:
    """HEOM points of ``frame``'s rows (every column is a feature)."""
    n = len(frame)
    numeric_columns, numeric_names, whole, ranges = [], [], [], []
    parts: list[tuple[str, Any, Any]] = []  # ("number", scaled, finite) or ("codes", codes, k)
    n_categorical = 0
    for name in frame.columns:
        column = frame[name]
        if is_categorical_dtype(column.dtype):
            n_categorical += 1
            codes = _codes(column)
            parts.append(("codes", codes, int(codes.max()) + 1 if n else 1))
            continue
        values = _as_float(column)
        finite = np.isfinite(values)
        if not finite.any():
            continue
        low, high = values[finite].min(), values[finite].max()
        span = high - low
        scaled = np.where(finite, (values - low) / span if span > 0 else 0.0, np.nan)
        if span > 0:
            numeric_columns.append(scaled)
            numeric_names.append(name)
            whole.append(bool(np.array_equal(values[finite], np.round(values[finite]))))
            ranges.append(span)
        if span > 0 or not finite.all():
            parts.append(("number", scaled, finite))
    width = sum(
        part[2] if part[0] == "codes" else 1 + int(not part[2].all()) for part in parts
    )
    check_memory(
        4.0 * n * max(width, 1),
        what=f"the distance coding of {n:,} rows ({width:,} coordinates)",
        fix="lower max_rows, or drop identifier-like columns with many distinct values",
    )
    points = np.zeros((n, max(width, 1)), dtype=np.float32)
    at = 0
    for kind, values, extra in parts:
        if kind == "codes":
            points[np.arange(n), at + values] = 1 / np.sqrt(2)
            at += extra
            continue
        points[:, at] = np.where(extra, values, 0.5)
        at += 1
        if not extra.all():
            points[:, at] = np.where(extra, 0.0, _MISSING_OFFSET)
            at += 1
    numeric = np.column_stack(numeric_columns) if numeric_columns else np.zeros((n, 0))
    return Encoded(
        points=points,
        numeric=numeric,
        numeric_names=numeric_names,
        whole=np.array(whole, dtype=bool),
        ranges=np.array(ranges, dtype=np.float64),
        n_categorical=n_categorical,
    )


def _as_float(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_timedelta64_dtype(column):
        values = column.to_numpy(dtype="datetime64[ns]" if column.dtype.kind == "M" else None)
        as_int = values.view("int64").astype(np.float64)
        return np.where(pd.isna(column).to_numpy(), np.nan, as_int)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _codes(column: pd.Series) -> np.ndarray:
    """Category codes from 0; missing is one more category; the rarest share one code."""
    try:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
    except TypeError as error:  # lists, dicts: no category to compare
        raise unhashable_error(column.to_frame()) from error
    if len(uniques) > MAX_CATEGORIES:
        frequent = np.argsort(-np.bincount(codes))[: MAX_CATEGORIES - 1]
        remap = np.full(len(uniques), MAX_CATEGORIES - 1)
        remap[frequent] = np.arange(MAX_CATEGORIES - 1)
        codes = remap[codes]
    return codes.astype(np.int64)
