"""SMOTE, Gaussian noise and random oversampling: the algorithms themselves."""

import warnings

import numpy as np
import pandas as pd
import pytest
from _helpers import mixed_frame
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.over_sampling import SMOTEN as ImbSMOTEN
from sklearn.neighbors import NearestNeighbors

from tabaug import SMOTE, GaussianNoiseOverSampler, RandomOverSampler
from tabaug.exceptions import InvalidInputError


def _segment_check(X, y, X_res, y_res, k):
    """Every new row lies on a segment from a class member to one of its k neighbours."""
    n = len(X)
    for label in np.unique(y_res[n:]):
        members = X[y == label]
        nn = NearestNeighbors(n_neighbors=k + 1).fit(members)
        neighbours = nn.kneighbors(members, return_distance=False)[:, 1:]
        for row in X_res[n:][y_res[n:] == label]:
            found = False
            for i, base in enumerate(members):
                for j in neighbours[i]:
                    direction = members[j] - base
                    t = np.dot(row - base, direction) / np.dot(direction, direction)
                    if -1e-9 <= t <= 1 + 1e-9 and np.allclose(base + t * direction, row):
                        found = True
                        break
                if found:
                    break
            assert found, row


def test_smote_rows_lie_on_segments_between_neighbours():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(70, 3))
    y = np.r_[np.zeros(50, int), np.ones(20, int)]
    X_res, y_res = SMOTE(k_neighbors=4, random_state=1).fit_resample(X, y)
    _segment_check(X, y, X_res, y_res, k=4)


def test_smote_matches_imblearn_in_distribution():
    """Same algorithm: the per-feature means of the new rows agree with imbalanced-learn's."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 4))
    y = (rng.random(600) < 0.1).astype(int)
    X[y == 1] += 2
    ours = SMOTE(random_state=0).fit_resample(X, y)[0][len(X):]
    theirs = ImbSMOTE(random_state=0).fit_resample(X, y)[0][len(X):]
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.mean(axis=0), theirs.mean(axis=0), atol=0.1)
    np.testing.assert_allclose(ours.std(axis=0), theirs.std(axis=0), rtol=0.15)


def test_smote_categorical_columns_take_the_neighbours_mode():
    # minority rows: two tight groups, each with its own category: the vote stays in-group
    X = pd.DataFrame({
        "x": [0.0, 0.1, 0.2, 0.15, 10.0, 10.1, 10.2, 10.15] + list(np.linspace(3, 7, 20)),
        "tag": pd.Categorical(["a"] * 4 + ["b"] * 4 + ["c"] * 20),
        "flag": [True] * 4 + [False] * 4 + [True] * 20,
    })
    y = np.r_[np.ones(8, int), np.zeros(20, int)]
    X_res, y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    new = X_res.iloc[len(X):]
    low = new["x"] < 5
    assert (new.loc[low, "tag"] == "a").all() and (new.loc[~low, "tag"] == "b").all()
    assert (new.loc[low, "flag"]).all() and not (new.loc[~low, "flag"]).any()


def test_smote_handles_dtypes_imblearn_smotenc_auto_cannot(mixed_data):
    X, y = mixed_data
    X_res, _ = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    new = X_res.iloc[len(X):]
    assert new["owner"].dtype == bool and new["vip"].dtype == "boolean"
    assert (new["age"] == new["age"].round()).all()
    assert set(new["plan"]) <= {"basic", "pro"}


def test_smote_explicit_categorical_features_by_name_index_and_mask():
    X, y = mixed_frame()
    X = X[["income", "age", "owner"]]
    by_name = SMOTE(k_neighbors=3, random_state=0, categorical_features=["age"])
    X_res, _ = by_name.fit_resample(X, y)
    assert set(X_res["age"].iloc[len(X):]) <= set(X["age"])
    np.testing.assert_array_equal(by_name.categorical_features_, [1, 2])
    by_index = SMOTE(k_neighbors=3, random_state=0, categorical_features=[1])
    by_mask = SMOTE(k_neighbors=3, random_state=0, categorical_features=[False, True, False])
    pd.testing.assert_frame_equal(by_index.fit_resample(X, y)[0], by_mask.fit_resample(X, y)[0])
    with pytest.raises(InvalidInputError, match="not a column"):
        SMOTE(categorical_features=["nope"]).fit_resample(X, y)


def test_all_categorical_behaves_like_smoten():
    rng = np.random.default_rng(0)
    X = rng.choice(np.array(["a", "b", "c"], dtype=object), size=(200, 3))
    y = (rng.random(200) < 0.2).astype(int)
    X[y == 1, 0] = rng.choice(["a", "b"], size=(y == 1).sum())
    ours = SMOTE(random_state=0).fit_resample(X, y)[0][len(X):]
    theirs = ImbSMOTEN(random_state=0).fit_resample(X, y)[0][len(X):]
    assert ours.shape == theirs.shape and ours.dtype == object
    assert set(ours[:, 0]) <= {"a", "b"}
    for j in range(3):  # same value frequencies within sampling noise
        for value in "abc":
            assert abs((ours[:, j] == value).mean() - (theirs[:, j] == value).mean()) < 0.15


def test_k_neighbors_accepts_a_nearest_neighbors_object():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    with_int = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)[0]
    with_object = SMOTE(k_neighbors=NearestNeighbors(n_neighbors=4), random_state=0)
    np.testing.assert_allclose(with_object.fit_resample(X, y)[0], with_int)


def test_integer_numpy_input_stays_integer_in_range():
    rng = np.random.default_rng(0)
    X = rng.integers(-5, 5, size=(50, 3))
    y = np.r_[np.zeros(40, int), np.ones(10, int)]
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert X_res.dtype == X.dtype
    assert X_res.min() >= X.min() and X_res.max() <= X.max()


def test_noise_scale_follows_within_class_spread():
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(0, 1, 1000), rng.normal(0, 100, 1000)]
    y = np.r_[np.zeros(900, int), np.ones(100, int)]
    sampler = GaussianNoiseOverSampler(noise_scale=0.5, clip=False, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    new = X_res[1000:]
    # new = original + noise, so Var(new) = Var(minority) * (1 + noise_scale**2)
    expected = X[y == 1].std(axis=0) * np.sqrt(1 + 0.5**2)
    np.testing.assert_allclose(new.std(axis=0), expected, rtol=0.1)
    assert np.abs(new.mean(axis=0) - X[y == 1].mean(axis=0)).max() < 0.2 * expected.max()


def test_noise_clip_keeps_values_in_observed_range_and_zero_scale_copies():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(100, 2))
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    X_res, _ = GaussianNoiseOverSampler(noise_scale=5.0, random_state=0).fit_resample(X, y)
    assert X_res.min() >= X.min() and X_res.max() <= X.max()
    X_res, _ = GaussianNoiseOverSampler(noise_scale=0.0, random_state=0).fit_resample(X, y)
    originals = {tuple(row) for row in X[y == 1]}
    assert all(tuple(row) in originals for row in X_res[100:])


def test_noise_leaves_categorical_columns_untouched(mixed_data):
    X, y = mixed_data
    X_res, _ = GaussianNoiseOverSampler(random_state=0).fit_resample(X, y)
    new = X_res.iloc[len(X):]
    minority = X[y == 1]
    keys = set(zip(minority["city"], minority["plan"], minority["owner"], strict=True))
    assert set(zip(new["city"], new["plan"], new["owner"], strict=True)) <= keys


def test_random_oversampler_rows_are_copies():
    X, y = mixed_frame()
    X_res, _ = RandomOverSampler(random_state=0).fit_resample(X, y)
    merged = X_res.iloc[len(X):].merge(X.drop_duplicates(), how="left", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_no_warning_for_ordinary_imbalance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1100, 2))
    y = np.r_[np.zeros(1000, int), np.ones(100, int)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SMOTE(random_state=0).fit_resample(X, y)


def test_integer_categorical_features_are_positions_like_imblearn():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({2: rng.normal(size=40), 0: rng.integers(0, 3, 40), 1: rng.normal(size=40)})
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    sampler = SMOTE(k_neighbors=3, random_state=0, categorical_features=[1])
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.categorical_features_, [1])  # the column labelled 0
    assert set(X_res[0].iloc[len(X):]) <= set(X[0])


@pytest.mark.parametrize("sampler_class", [SMOTE, GaussianNoiseOverSampler])
def test_generated_datetimes_keep_the_column_granularity(sampler_class):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "x": rng.normal(size=60),
        "day": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, 60), "D"),
    })
    y = np.r_[np.zeros(45, int), np.ones(15, int)]
    X_res, _ = sampler_class(random_state=0).fit_resample(X, y)
    new = X_res["day"].iloc[len(X):]
    assert (new == new.dt.normalize()).all()  # whole days, like the originals
    assert new.between(X["day"].min(), X["day"].max()).all()
