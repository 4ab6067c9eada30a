"""The resampler contract, for every tabular resampler at once."""

import numpy as np
import pandas as pd
import pytest
from _helpers import mixed_frame
from imblearn.utils import check_sampling_strategy
from scipy import sparse
from sklearn.utils._param_validation import InvalidParameterError

from tabaug import SMOTE, GaussianNoiseOverSampler, RandomOverSampler, RandomUnderSampler
from tabaug.exceptions import (
    ExtremeOversamplingWarning,
    InsufficientSamplesError,
    InvalidInputError,
    InvalidTargetError,
)

OVERSAMPLERS = [RandomOverSampler, SMOTE, GaussianNoiseOverSampler]
ALL = [*OVERSAMPLERS, RandomUnderSampler]


def _make(cls, **params):
    if cls is SMOTE:
        params.setdefault("k_neighbors", 3)
    return cls(random_state=0, **params)


@pytest.mark.parametrize("cls", ALL)
def test_pandas_round_trip_keeps_columns_dtypes_and_categories(cls, mixed_data):
    X, y = mixed_data
    X_res, y_res = _make(cls).fit_resample(X, y)
    assert list(X_res.columns) == list(X.columns)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert list(X_res["city"].cat.categories) == list(X["city"].cat.categories)
    assert isinstance(X_res.index, pd.RangeIndex) and X_res.index.start == 0
    assert isinstance(y_res, pd.Series)
    assert y_res.name == "churn" and y_res.dtype == y.dtype
    assert y_res.index.equals(X_res.index)


@pytest.mark.parametrize("cls", OVERSAMPLERS)
def test_oversamplers_keep_originals_first_and_in_order(cls, mixed_data):
    X, y = mixed_data
    X.index = np.arange(100, 100 + len(X))  # a non-default index must not leak through
    X_res, y_res = _make(cls).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X.reset_index(drop=True))
    np.testing.assert_array_equal(y_res.to_numpy()[: len(y)], y.to_numpy())


@pytest.mark.parametrize("cls", OVERSAMPLERS)
def test_new_values_come_from_seen_categories_and_observed_ranges(cls, mixed_data):
    X, y = mixed_data
    X_res, _ = _make(cls).fit_resample(X, y)
    new = X_res.iloc[len(X):]
    for column in ["owner", "vip", "plan", "note"]:
        assert set(new[column].tolist()) <= set(X[column].tolist())
    assert set(new["city"].astype(str)) <= set(X["city"].astype(str))
    for column in ["age", "visits", "small", "income", "score32", "joined"]:
        assert new[column].min() >= X[column].min()
        assert new[column].max() <= X[column].max()
    assert not new.isna().any().any()


@pytest.mark.parametrize("cls", ALL)
def test_inputs_are_never_mutated(cls, mixed_data):
    X, y = mixed_data
    X_before, y_before = X.copy(deep=True), y.copy(deep=True)
    _make(cls).fit_resample(X, y)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)


@pytest.mark.parametrize("cls", ALL)
def test_same_seed_same_output_other_seed_differs(cls, mixed_data):
    X, y = mixed_data
    first = cls(random_state=3).fit_resample(X, y)[0]
    second = cls(random_state=3).fit_resample(X, y)[0]
    other = cls(random_state=4).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, second)
    assert not first.equals(other)


@pytest.mark.parametrize("cls", ALL)
def test_numpy_in_numpy_out_with_dtype(cls):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = np.r_[np.zeros(45, np.int32), np.ones(15, np.int32)]
    X_res, y_res = _make(cls).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    assert isinstance(y_res, np.ndarray) and y_res.dtype == np.int32


@pytest.mark.parametrize("cls", [RandomOverSampler, SMOTE])
def test_sparse_in_sparse_out_matches_dense(cls):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 4))
    X[X < 0.3] = 0
    y = np.r_[np.zeros(60, int), np.ones(20, int)]
    dense, y_dense = _make(cls).fit_resample(X, y)
    for fmt in ("csr", "csc", "coo"):
        X_sparse, y_sparse = _make(cls).fit_resample(sparse.csr_matrix(X).asformat(fmt), y)
        assert sparse.issparse(X_sparse)
        np.testing.assert_allclose(X_sparse.toarray(), dense)
        np.testing.assert_array_equal(y_sparse, y_dense)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize(
    "strategy",
    ["auto", "minority", "not minority", "not majority", "all", 0.5, "dict", "callable"],
)
def test_counts_follow_imblearn_sampling_strategy(cls, strategy):
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [50, 20, 12])
    X = rng.normal(size=(y.size, 2))
    sampler = _make(cls)
    sampling_type = sampler._sampling_type
    if strategy == 0.5:
        y = np.repeat([0, 1], [50, 12])
        X = X[: y.size]
    if strategy == "dict":
        strategy = {1: 30, 2: 25} if sampling_type == "over-sampling" else {0: 20, 1: 15}
    if strategy == "callable":
        strategy = (lambda t: {1: 40}) if sampling_type == "over-sampling" else (lambda t: {0: 15})
    if strategy == "minority" and sampling_type == "under-sampling":
        strategy = "majority"
    sampler.set_params(sampling_strategy=strategy)
    expected = check_sampling_strategy(strategy, y, sampling_type)
    _, y_res = sampler.fit_resample(X, y)
    counts = {label: int((y_res == label).sum()) for label in np.unique(y)}
    for label in np.unique(y):
        before = int((y == label).sum())
        if sampling_type == "over-sampling":
            assert counts[label] == before + expected.get(label, 0)
        else:
            assert counts[label] == expected.get(label, before)
    assert sampler.sampling_strategy_ == expected


def test_random_samplers_expose_sample_indices(mixed_data):
    X, y = mixed_data
    over = RandomOverSampler(random_state=0)
    X_res, _ = over.fit_resample(X, y)
    np.testing.assert_array_equal(over.sample_indices_[: len(X)], np.arange(len(X)))
    pd.testing.assert_frame_equal(X_res, X.iloc[over.sample_indices_].reset_index(drop=True))
    under = RandomUnderSampler(random_state=0)
    X_res, _ = under.fit_resample(X, y)
    assert np.all(np.diff(under.sample_indices_) > 0)  # original order, no repeats
    pd.testing.assert_frame_equal(X_res, X.iloc[under.sample_indices_].reset_index(drop=True))


@pytest.mark.parametrize("cls", [RandomOverSampler, RandomUnderSampler])
def test_random_samplers_accept_nan_and_text(cls):
    X = np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, 1.0], [4.0, 4.0], [5.0, 5.0]])
    y = np.array([0, 0, 0, 1, 1])
    X_res, y_res = cls(random_state=0).fit_resample(X, y)
    assert np.isnan(X_res).any()
    X_text = np.array([["a"], ["b"], ["c"], ["d"], ["e"]], dtype=object)
    X_res, _ = cls(random_state=0).fit_resample(X_text, y)
    assert X_res.dtype == object


@pytest.mark.parametrize("cls", ALL)
def test_list_in_list_out(cls):
    X = [[float(i), float(i % 3)] for i in range(30)]
    y = [0] * 22 + [1] * 8
    X_res, y_res = _make(cls).fit_resample(X, y)
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert len(X_res) == len(y_res)


def test_y_dataframe_and_category_series_round_trip(mixed_data):
    X, y = mixed_data
    y_cat = y.map({0: "stay", 1: "leave"}).astype("category")
    _, y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y_cat)
    assert y_res.dtype == y_cat.dtype
    _, y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y.to_frame())
    assert isinstance(y_res, pd.DataFrame) and list(y_res.columns) == ["churn"]


def test_extreme_oversampling_warns():
    X = np.random.default_rng(0).normal(size=(306, 2))
    y = np.r_[np.zeros(300, int), np.ones(6, int)]
    with pytest.warns(ExtremeOversamplingWarning, match="class 1 has 6 rows"):
        SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)


# --- bad input: each case names the problem and the fix -------------------------------

NUMERIC_X = np.random.default_rng(0).normal(size=(30, 2))
NUMERIC_Y = np.r_[np.zeros(20, int), np.ones(10, int)]


def _with(value):
    X = NUMERIC_X.copy()
    X[3, 1] = value
    return X


BAD_INPUTS = [
    # (id, samplers, X, y, params, error, message fragments)
    ("nan", [SMOTE, GaussianNoiseOverSampler], _with(np.nan), NUMERIC_Y, {}, InvalidInputError,
     ["NaN", "Impute"]),
    ("inf", [SMOTE, GaussianNoiseOverSampler], _with(np.inf), NUMERIC_Y, {}, InvalidInputError,
     ["infinit", "Impute"]),
    ("one class", ALL, NUMERIC_X, np.zeros(30, int), {}, InvalidTargetError,
     ["only one class", "Check the target"]),
    ("few minority", [SMOTE], NUMERIC_X[:23], NUMERIC_Y[:23], {"k_neighbors": 5},
     InsufficientSamplesError, ["class 1 has 3 rows", "k_neighbors=2"]),
    ("length mismatch", ALL, NUMERIC_X, NUMERIC_Y[:-1], {}, InvalidInputError,
     ["30 rows but y has 29", "must match"]),
    ("empty", ALL, np.empty((0, 2)), np.empty(0, int), {}, InvalidInputError,
     ["empty", "at least one row"]),
    ("unknown strategy", ALL, NUMERIC_X, NUMERIC_Y, {"sampling_strategy": "balanced"},
     InvalidParameterError, ["sampling_strategy", "auto"]),
    ("continuous y", ALL, NUMERIC_X, np.linspace(0, 1, 30), {}, InvalidTargetError,
     ["continuous", "bin it"]),
    ("missing label", ALL, NUMERIC_X, np.r_[NUMERIC_Y[:-1].astype(float), np.nan], {},
     InvalidTargetError, ["missing", "Drop"]),
]


@pytest.mark.parametrize(
    "samplers, X, y, params, error, fragments",
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_gets_a_clear_error(samplers, X, y, params, error, fragments):
    for cls in samplers:
        with pytest.raises(error) as info:
            cls(**params).fit_resample(X, y)
        for fragment in fragments:
            assert fragment in str(info.value), (cls.__name__, str(info.value))
        assert isinstance(info.value, ValueError)


def test_nan_in_a_dataframe_names_the_column():
    X, y = mixed_frame()
    X.loc[2, "income"] = np.nan
    with pytest.raises(InvalidInputError, match="income"):
        SMOTE(k_neighbors=3).fit_resample(X, y)


def test_fit_resolves_strategy_without_resampling(mixed_data):
    X, y = mixed_data
    sampler = SMOTE(k_neighbors=3).fit(X, y)
    assert sampler.sampling_strategy_ == {1: 28}
    assert sampler.n_features_in_ == X.shape[1]
    assert list(sampler.feature_names_in_) == list(X.columns)
