"""Random undersampling: keep a random subset of the classes to shrink."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from tabaug.base import BaseUnderResampler
from tabaug.utils import fill_doc, take_rows


@fill_doc
class RandomUnderSampler(BaseUnderResampler):
    """Undersample by keeping a random subset of each targeted class.

    Works on any data, NaN and text included. Kept rows stay in their
    original order (unlike imbalanced-learn, which groups them by class), so
    ``X_res`` reads like a filtered ``X``.

    Parameters
    ----------
    {under_sampling_strategy}
    {random_state}
    replacement : bool, default=False
        Draw the kept rows with replacement (a bootstrap) instead of a subset.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows kept in each targeted class.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Indices of the kept input rows, in output order.
    {fitted_features}

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug import RandomUnderSampler
    >>> X = np.arange(12).reshape(6, 2)
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> sampler = RandomUnderSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([2, 2])
    >>> bool((X_res == X[sampler.sample_indices_]).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseUnderResampler._parameter_constraints,
        "random_state": ["random_state"],
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        replacement: bool = False,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.replacement = replacement

    _densify_sparse_frames = False
    _makes_new_rows = False

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        rng = check_random_state(self.random_state)
        keep = np.ones(y.shape[0], dtype=bool)
        drawn = []
        for label, n_keep in self.sampling_strategy_.items():
            members = np.flatnonzero(y == label)
            keep[members] = False
            if self.replacement:
                drawn.append(members[rng.randint(0, members.size, size=n_keep)])
            else:
                drawn.append(members[_subset(rng, members.size, n_keep)])
        indices = np.concatenate([np.flatnonzero(keep), *drawn])
        indices.sort(kind="stable")
        self.sample_indices_ = indices
        return take_rows(X, indices), y[indices]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.sampler_tags.sample_indices = True
        return tags


def _subset(rng: np.random.RandomState, n: int, k: int) -> np.ndarray:
    """``k`` distinct positions out of ``n``, drawn from ``rng``.

    ``RandomState.choice(n, k, replace=False)`` permutes all ``n`` positions;
    a ``Generator`` seeded from ``rng`` picks ``k`` of them in O(k) when k << n,
    which is what undersampling a large majority class needs.
    """
    generator = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
    return generator.choice(n, size=k, replace=False)
