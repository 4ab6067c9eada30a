"""SMOTE's kernels, shared by the in-memory SMOTE and its Dask path.

Both must find the same neighbours and write the same rows for the same
draws, so the distance spaces (SMOTE-NC's scaled one-hot, SMOTEN's value
difference embedding), the categorical vote and the interpolation live here
once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from tabaug.exceptions import InsufficientSamplesError
from tabaug.utils._validation import label_text

__all__ = [
    "class_share_embedding",
    "interpolate_rows",
    "mixed_features",
    "neighbour_modes",
    "require_neighbours",
    "value_difference_embedding",
]

# Rows interpolated per block: two gathered blocks of this many rows stay in cache.
_BLOCK = 8192
# Beyond this many one-hot columns, the categorical part of the distance goes sparse.
_DENSE_ONE_HOT_LIMIT = 256


def require_neighbours(label: Any, n_rows: int, k: int) -> None:
    """Refuse a class with fewer than ``k + 1`` rows: each row needs ``k`` neighbours.

    Examples
    --------
    >>> require_neighbours(1, 6, 5)
    """
    if n_rows < k + 1:
        raise InsufficientSamplesError(
            f"{label_text(label, prefix=True)} has {n_rows} rows, but SMOTE with "
            f"k_neighbors={k} needs at least {k + 1} (each row plus its {k} neighbours). Use "
            f"k_neighbors={max(n_rows - 1, 1)} or less, or RandomOverSampler for "
            "classes this small."
        )


def interpolate_rows(
    source: np.ndarray,
    base: np.ndarray,
    partner: np.ndarray,
    steps: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[i] = source[base[i]] + steps[i] * (source[partner[i]] - source[base[i]])``.

    Done a block of rows at a time in ``out``'s dtype, so no full-size
    temporary is ever built.

    Examples
    --------
    >>> import numpy as np
    >>> out = np.empty((1, 1))
    >>> interpolate_rows(np.array([[0.0], [10.0]]), np.array([0]), np.array([1]),
    ...                  np.array([0.25]), out)
    >>> out.tolist()
    [[2.5]]
    """
    dtype = out.dtype
    steps = steps.astype(dtype, copy=False)
    start_block = np.empty((min(_BLOCK, base.size), source.shape[1]), dtype=dtype)
    partner_block = np.empty_like(start_block)
    for start in range(0, base.size, _BLOCK):
        stop = min(start + _BLOCK, base.size)
        size = stop - start
        a, b = start_block[:size], partner_block[:size]
        np.take(source, base[start:stop], axis=0, out=a)
        np.take(source, partner[start:stop], axis=0, out=b)
        np.subtract(b, a, out=b)
        np.multiply(b, steps[start:stop, None], out=b)
        np.add(a, b, out=out[start:stop])


def neighbour_modes(
    codes: np.ndarray, neighbours: np.ndarray, rng: np.random.RandomState
) -> np.ndarray:
    """Most frequent code among each row's neighbours, per column; ties at random.

    ``codes`` holds the category codes of the rows that vote (n_voters,
    n_categorical); ``neighbours`` the positions in ``codes`` of each query
    row's neighbours (n_queries, k). Returns (n_queries, n_categorical).

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.utils import neighbour_modes
    >>> codes = np.array([[0], [1], [1]])
    >>> neighbour_modes(codes, np.array([[1, 2], [0, 1]]), np.random.RandomState(0)).shape
    (2, 1)
    """
    modes = np.empty((neighbours.shape[0], codes.shape[1]), dtype=codes.dtype)
    for j in range(codes.shape[1]):
        votes = codes[neighbours, j]
        counts = (votes[:, :, None] == votes[:, None, :]).sum(axis=2).astype(np.float64)
        counts += rng.uniform(0.0, 0.5, size=counts.shape)
        modes[:, j] = votes[np.arange(votes.shape[0]), counts.argmax(axis=1)]
    return modes


def mixed_features(numeric: np.ndarray, codes: np.ndarray) -> Any:
    """SMOTE-NC's distance space: numeric columns, plus one-hot categories scaled.

    Each one-hot entry is ``median_std / 2`` where ``median_std`` is the median
    standard deviation of the rows' numeric columns, so a category mismatch
    weighs like a typical numeric difference (Chawla et al. 2002, SMOTE-NC).

    Examples
    --------
    >>> import numpy as np
    >>> mixed_features(np.array([[0.0], [2.0]]), np.array([[0], [1]])).tolist()
    [[0.0, 0.5, 0.0], [2.0, 0.0, 0.5]]
    """
    median_std = float(np.median(numeric.std(axis=0)))
    value = median_std / 2 if median_std > 0 else 1.0
    one_hot = []
    width = 0
    for j in range(codes.shape[1]):
        local, _ = pd.factorize(codes[:, j])
        n_values = int(local.max()) + 1
        width += n_values
        one_hot.append(
            sparse.csr_matrix(
                (np.full(local.size, value), (np.arange(local.size), local)),
                shape=(local.size, n_values),
            )
        )
    categorical = sparse.hstack(one_hot, format="csr")
    if width <= _DENSE_ONE_HOT_LIMIT:
        return np.hstack([numeric, categorical.toarray()])
    return sparse.hstack([sparse.csr_matrix(numeric), categorical], format="csr")


def value_difference_embedding(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Embed each categorical value as P(class | value) over the whole data.

    The squared Euclidean distance between two embedded rows is the value
    difference metric with r=2 (Stanfill and Waltz 1986), the distance
    imbalanced-learn's SMOTEN uses, so nearest neighbours agree with it.

    Examples
    --------
    >>> import numpy as np
    >>> value_difference_embedding(np.array([[0], [0], [1]]), np.array([0, 1, 1])).tolist()
    [[0.5, 0.5], [0.5, 0.5], [0.0, 1.0]]
    """
    classes, y_codes = np.unique(y, return_inverse=True)
    tables = []
    for j in range(codes.shape[1]):
        n_values = int(codes[:, j].max()) + 1
        table = np.zeros((n_values, classes.size))
        np.add.at(table, (codes[:, j], y_codes), 1.0)
        tables.append(table)
    return class_share_embedding(codes, tables)


def class_share_embedding(codes: np.ndarray, tables: list) -> np.ndarray:
    """Rows of ``codes`` embedded by their values' class shares.

    ``tables[j][v, c]`` counts the rows with value code ``v`` in column ``j``
    and class ``c``; counts may come from one pass over data never held whole.

    Examples
    --------
    >>> import numpy as np
    >>> class_share_embedding(np.array([[1]]), [np.array([[3.0, 1.0], [1.0, 3.0]])]).tolist()
    [[0.25, 0.75]]
    """
    blocks = []
    for j, table in enumerate(tables):
        shares = table / np.maximum(table.sum(axis=1, keepdims=True), 1.0)
        blocks.append(shares[codes[:, j]])
    return np.hstack(blocks)
