"""SMOTE-NC's rule for categorical columns, shared by every sampler that uses it.

A new row never gets an interpolated category: each categorical column takes
the most frequent value among the row's nearest neighbours in its class
(Chawla et al. 2002, SMOTE-NC). :func:`mixed_features` is the distance space
those neighbours are found in; :func:`neighbour_modes` takes the vote.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["mixed_features", "neighbour_modes"]

# Beyond this many one-hot columns, the categorical part of the distance goes sparse.
_DENSE_ONE_HOT_LIMIT = 256


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
    >>> from tabaug.utils import mixed_features
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
