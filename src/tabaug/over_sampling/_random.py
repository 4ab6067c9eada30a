"""Random oversampling: duplicate randomly chosen rows of the classes to grow."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from tabaug.base import BaseOverResampler
from tabaug.utils import fill_doc, take_rows


@fill_doc
class RandomOverSampler(BaseOverResampler):
    """Oversample by drawing rows of each targeted class with replacement.

    Works on any data, NaN and text included, since rows are copied whole.

    Parameters
    ----------
    {over_sampling_strategy}
    {random_state}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added to each class.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        For each output row, the index of the input row it copies: the
        originals ``0..n-1`` first, then the drawn copies.
    {fitted_features}

    See Also
    --------
    SMOTE : Interpolate new rows instead of copying.
    GaussianNoiseOverSampler : Copy rows and jitter their numeric columns.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug import RandomOverSampler
    >>> X = np.arange(12).reshape(6, 2)
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([4, 4])
    >>> bool((X_res[:6] == X).all())
    True
    """

    def __init__(self, *, sampling_strategy: Any = "auto", random_state: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    _densify_sparse_frames = False
    _makes_new_rows = False

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        self._warn_extreme()
        rng = check_random_state(self.random_state)
        parts = [np.arange(y.shape[0])]
        for label, n_new in self.sampling_strategy_.items():
            members = np.flatnonzero(y == label)
            parts.append(members[rng.randint(0, members.size, size=n_new)])
        self.sample_indices_ = np.concatenate(parts)
        X_res = take_rows(X, self.sample_indices_, n_leading_originals=y.shape[0])
        return X_res, y[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.sampler_tags.sample_indices = True
        return tags
