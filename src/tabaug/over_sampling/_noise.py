"""Gaussian-noise oversampling: copy minority rows and jitter their numeric columns."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from tabaug.base import BaseOverResampler
from tabaug.utils import TableCodec, append_rows, fill_doc


@fill_doc
class GaussianNoiseOverSampler(BaseOverResampler):
    """Oversample by copying random rows of a class and adding Gaussian noise.

    The noise on a numeric column has standard deviation ``noise_scale`` times
    that column's standard deviation within the class, so each class keeps its
    own spread. Integer columns are rounded; categorical, boolean and string
    columns are copied untouched.

    Parameters
    ----------
    {over_sampling_strategy}
    noise_scale : float, default=0.1
        Noise standard deviation as a fraction of the within-class standard
        deviation of each numeric column. 0 gives plain random oversampling.
    clip : bool, default=True
        Keep every numeric value inside the column's observed range (over all
        classes). Integer columns are always kept in range.
    {categorical_features}
    {random_state}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added to each class.
    categorical_features_ : ndarray of int
        Positions of the columns treated as categorical.
    {fitted_features}

    See Also
    --------
    SMOTE : Interpolate between neighbours instead.

    Notes
    -----
    A class with one row has zero spread, so its copies are exact duplicates.
    No ``sample_indices_``: the new rows are not copies of input rows.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug import GaussianNoiseOverSampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 2))
    >>> y = np.array([0] * 16 + [1] * 4)
    >>> sampler = GaussianNoiseOverSampler(noise_scale=0.05, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([16, 16])
    >>> bool((X_res[:20] == X).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseOverResampler._parameter_constraints,
        "noise_scale": [Interval(numbers.Real, 0, None, closed="left")],
        "clip": ["boolean"],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
    }
    _accepts_sparse = False

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        noise_scale: float = 0.1,
        clip: bool = True,
        categorical_features: Any = "auto",
        random_state: Any = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.noise_scale = noise_scale
        self.clip = clip
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _fit_resample(self, X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
        self._warn_extreme()
        codec = TableCodec.from_data(X, self.categorical_features, owner="GaussianNoiseOverSampler")
        self.categorical_features_ = codec.categorical_index
        rng = check_random_state(self.random_state)
        numeric_parts, code_parts, label_parts = [], [], []
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            members = np.flatnonzero(y == label)
            sources = members[rng.randint(0, members.size, size=n_new)]
            spread = codec.numeric[members].std(axis=0) * self.noise_scale
            noise = rng.standard_normal(size=(n_new, codec.n_numeric)) * spread
            numeric_parts.append(codec.numeric[sources] + noise)
            code_parts.append(codec.codes[sources])
            label_parts.append(np.full(n_new, label, dtype=y.dtype))
        if not label_parts:
            return append_rows(X, codec.decode(codec.numeric[:0].astype(float), codec.codes[:0])), y
        numeric = codec.finalize_numeric(np.concatenate(numeric_parts), clip=self.clip)
        new_rows = codec.decode(numeric, np.concatenate(code_parts))
        return append_rows(X, new_rows), np.concatenate([y, *label_parts])
