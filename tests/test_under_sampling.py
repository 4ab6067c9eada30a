"""Random undersampling."""

import numpy as np
import pytest

from tabaug import RandomUnderSampler


def test_keeps_a_subset_of_each_targeted_class_in_original_order():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = np.repeat([0, 1, 2], [200, 70, 30])
    sampler = RandomUnderSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [30, 30, 30]
    assert np.all(np.diff(sampler.sample_indices_) > 0)
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])


def test_replacement_draws_a_bootstrap():
    X = np.arange(40, dtype=float).reshape(-1, 1)
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    sampler = RandomUnderSampler(replacement=True, random_state=0, sampling_strategy={0: 25})
    sampler.fit_resample(X, y)
    kept = sampler.sample_indices_[y[sampler.sample_indices_] == 0]
    assert kept.size == 25 and np.unique(kept).size < 25


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_row_is_equally_likely_to_be_kept(seed):
    y = np.r_[np.zeros(100, int), np.ones(10, int)]
    X = np.arange(110).reshape(-1, 1)
    hits = np.zeros(100)
    for trial in range(300):
        sampler = RandomUnderSampler(random_state=seed * 1000 + trial)
        sampler.fit_resample(X, y)
        hits[sampler.sample_indices_[sampler.sample_indices_ < 100]] += 1
    # each majority row is kept with probability 0.1: 30 of 300 expected
    assert hits.min() > 10 and hits.max() < 55
