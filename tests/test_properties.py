"""Hypothesis properties that every tabular resampler must keep."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

from tabaug import SMOTE, GaussianNoiseOverSampler, RandomOverSampler, RandomUnderSampler
from tabaug.exceptions import TabaugWarning

SAMPLERS = {
    "random_over": lambda seed: RandomOverSampler(random_state=seed),
    "random_under": lambda seed: RandomUnderSampler(random_state=seed),
    "smote": lambda seed: SMOTE(k_neighbors=2, random_state=seed),
    "noise": lambda seed: GaussianNoiseOverSampler(random_state=seed),
}


@st.composite
def tables(draw):
    """A mixed DataFrame and labels with 2-3 classes of at least 3 rows each."""
    counts = draw(st.lists(st.integers(3, 25), min_size=2, max_size=3))
    n = sum(counts)
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "f": rng.normal(size=n) * draw(st.floats(0.1, 100)),
        "i": rng.integers(-50, 50, size=n),
        "b": rng.random(n) < 0.5,
        "c": pd.Categorical(rng.choice(list("xyz"), size=n), categories=list("xyzw")),
    })
    y = np.repeat(np.arange(len(counts)), counts)
    return X, y


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), name=st.sampled_from(sorted(SAMPLERS)), seed=st.integers(0, 1000),
       strategy=st.sampled_from(["auto", "all", "not minority", "not majority"]))
def test_resampler_invariants(data, name, seed, strategy):
    X, y = data
    sampler = SAMPLERS[name](seed)
    sampling_type = sampler._sampling_type
    sampler.set_params(sampling_strategy=strategy)
    X_before = X.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TabaugWarning)
        X_res, y_res = sampler.fit_resample(X, y)
        X_again, y_again = SAMPLERS[name](seed).set_params(
            sampling_strategy=strategy).fit_resample(X, y)
    target = check_sampling_strategy(strategy, y, sampling_type)
    for label in np.unique(y):
        before = int((y == label).sum())
        after = int((y_res == label).sum())
        if sampling_type == "over-sampling":
            assert after == before + target.get(label, 0)
        else:
            assert after == target.get(label, before)
    pd.testing.assert_frame_equal(X, X_before)                       # input untouched
    pd.testing.assert_frame_equal(X_res, X_again)                    # same seed, same rows
    np.testing.assert_array_equal(y_res, y_again)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()             # ints stay ints...
    assert not X_res.isna().any().any()                              # no NaN introduced
    assert set(X_res["c"].astype(str)) <= set(X["c"].astype(str))    # only seen categories
    assert X_res["i"].between(X["i"].min(), X["i"].max()).all()
    if sampling_type == "over-sampling":                             # originals kept, first
        pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    else:                                                            # a subset of originals
        merged = X_res.merge(X.drop_duplicates(), how="left", indicator=True)
        assert (merged["_merge"] == "both").all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4), n_minority=st.integers(6, 15))
def test_smote_rows_lie_on_a_segment_to_a_neighbour(seed, k, n_minority):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40 + n_minority, 2))
    y = np.r_[np.zeros(40, int), np.ones(n_minority, int)]
    X_res, _ = SMOTE(k_neighbors=k, random_state=seed).fit_resample(X, y)
    members = X[y == 1]
    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(members).kneighbors(
        members, return_distance=False)[:, 1:]
    starts = np.repeat(members, k, axis=0)
    ends = members[neighbours.ravel()]
    direction = ends - starts
    for row in X_res[len(X):]:
        t = np.clip(((row - starts) * direction).sum(1) / (direction ** 2).sum(1), 0, 1)
        distance = np.linalg.norm(starts + t[:, None] * direction - row, axis=1)
        assert distance.min() < 1e-9


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), seed=st.integers(0, 1000),
       strategy=st.sampled_from(["auto", "all", "not majority", "minority"]),
       model=st.sampled_from(["ctgan", "tvae"]))
def test_deep_oversampler_invariants(data, seed, strategy, model):
    pytest.importorskip("torch")
    from tabaug import CTGANOverSampler, TVAEOverSampler

    X, y = data
    if model == "ctgan":
        sampler = CTGANOverSampler(epochs=1, batch_size=32, generator_dim=(8,),
                                   discriminator_dim=(8,), embedding_dim=4, pac=2)
    else:
        sampler = TVAEOverSampler(epochs=1, batch_size=32, compress_dims=(8,),
                                  decompress_dims=(8,), embedding_dim=4)
    sampler.set_params(sampling_strategy=strategy, random_state=seed, verbose=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TabaugWarning)
        X_res, y_res = sampler.fit_resample(X, y)
        X_again, _ = clone(sampler).fit_resample(X, y)
    target = check_sampling_strategy(strategy, y, "over-sampling")
    for label in np.unique(y):                                       # exactly the rows asked for
        assert (y_res == label).sum() == (y == label).sum() + target.get(label, 0)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)           # originals first
    pd.testing.assert_frame_equal(X_res, X_again)                    # same seed, same rows
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert not X_res.isna().any().any()
    assert set(X_res["c"].astype(str)) <= set(X["c"].astype(str))
    assert X_res["i"].between(X["i"].min(), X["i"].max()).all()


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), seed=st.integers(0, 1000),
       strategy=st.sampled_from(["auto", "all", "not majority", "minority"]),
       mode=st.sampled_from(["boundary", "m2m"]), epsilon=st.sampled_from([0.2, 1.0]))
def test_adversarial_oversampler_invariants(data, seed, strategy, mode, epsilon):
    torch = pytest.importorskip("torch")
    from tabaug import AdversarialOverSampler
    from tabaug.exceptions import GenerationError

    X, y = data
    sampler = AdversarialOverSampler(
        sampling_strategy=strategy, mode=mode, epsilon=epsilon, hidden_dims=(32,), epochs=60,
        learning_rate=1e-2, max_attempts=50, verbose=False, random_state=seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TabaugWarning)
            X_res, y_res = sampler.fit_resample(X, y)
            X_again, _ = clone(sampler).fit_resample(X, y)
    except GenerationError:                                          # the documented rule
        short = sampler.generation_report_.iloc[-1]
        assert short["generated"] < check_sampling_strategy(strategy, y, "over-sampling")[
            sampler.generation_report_.index[-1]]
        assert short["attempts"] == 50 * check_sampling_strategy(strategy, y, "over-sampling")[
            sampler.generation_report_.index[-1]]
        return
    finally:
        torch.set_num_threads(threads)
    target = check_sampling_strategy(strategy, y, "over-sampling")
    for label in np.unique(y):                                       # exactly the rows asked for
        assert (y_res == label).sum() == (y == label).sum() + target.get(label, 0)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)           # originals first
    pd.testing.assert_frame_equal(X_res, X_again)                    # same seed, same rows
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert not X_res.isna().any().any()
    assert X_res["i"].between(X["i"].min(), X["i"].max()).all()
    source = X.iloc[sampler.sample_indices_[len(X):]].reset_index(drop=True)
    new = X_res.iloc[len(X):].reset_index(drop=True)
    for column in ("b", "c"):                                        # categories kept
        assert new[column].tolist() == source[column].tolist()
    for column in ("f", "i"):                                        # within epsilon std
        moved = (new[column] - source[column]).abs().max() if len(new) else 0.0
        assert moved <= epsilon * X[column].std(ddof=0) * (1 + 1e-9) + 1e-9
