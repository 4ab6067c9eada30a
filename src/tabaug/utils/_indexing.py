"""Row selection that keeps the caller's container (DataFrame, ndarray, sparse)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse


def take_rows(X: Any, indices: np.ndarray, n_leading_originals: int = 0) -> Any:
    """Rows ``indices`` of ``X``; DataFrames get a fresh RangeIndex.

    When the first ``n_leading_originals`` indices are ``0, 1, ..., n - 1`` (an
    oversampler's originals), an ndarray is filled with one block copy for them
    and a gather for the rest, which is faster than gathering every row.
    """
    if isinstance(X, pd.DataFrame):
        return X.iloc[indices].reset_index(drop=True)
    if sparse.issparse(X):
        return X[indices]
    if n_leading_originals:
        out = np.empty((indices.size, *X.shape[1:]), dtype=X.dtype)
        out[:n_leading_originals] = X[:n_leading_originals]
        np.take(X, indices[n_leading_originals:], axis=0, out=out[n_leading_originals:])
        return out
    return np.take(X, indices, axis=0)
