"""Tests for SDVOverSampler (skipped where SDV is not installed)."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from tabaug.deep import SDVOverSampler
from tabaug.exceptions import GenerationError, InvalidInputError

sdv = pytest.importorskip("sdv")


def frame(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "amount": rng.gamma(2.0, 40.0, n).round(2),
        "items": rng.integers(1, 9, n),
        "channel": pd.Categorical(rng.choice(["web", "shop", "phone"], n),
                                  categories=["web", "shop", "phone", "fax"]),
        "member": rng.random(n) < 0.4,
        "city": rng.choice(["Oslo", "Lima"], n).astype(object),
    })


@pytest.fixture(scope="module")
def fitted():
    X = frame(240)
    y = np.array(["a"] * 200 + ["b"] * 25 + ["c"] * 15, dtype=object)
    sampler = SDVOverSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X, y, X_res, y_res


def test_exact_counts_and_dtypes_round_trip(fitted):
    sampler, X, y, X_res, y_res = fitted
    wanted = check_sampling_strategy("auto", y, "over-sampling")
    expected = Counter(y)
    for label, n_new in wanted.items():
        expected[label] += n_new
    assert Counter(y_res) == expected
    assert sampler.n_generated_ == wanted
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    assert list(X_res["channel"].cat.categories) == ["web", "shop", "phone", "fax"]
    pd.testing.assert_frame_equal(X_res.iloc[:240], X)
    new = X_res.iloc[240:]
    assert set(new["city"]) <= {"Oslo", "Lima"}
    assert new["items"].between(1, 8).all()


def test_sample_after_fit(fitted):
    sampler = fitted[0]
    rows = sampler.sample(7, "c")
    assert len(rows) == 7 and list(rows.columns) == list(fitted[1].columns)
    with pytest.raises(InvalidInputError, match="not a class"):
        sampler.sample(3, "zzz")


def test_numpy_input_and_dict_strategy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = np.array([0] * 120 + [1] * 30)
    X_res, y_res = SDVOverSampler(sampling_strategy={1: 50},
                                  random_state=0).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float64
    assert np.bincount(y_res).tolist() == [120, 50]


def test_same_seed_same_rows():
    X = frame(120)
    y = np.array([0] * 100 + [1] * 20)
    first, _ = SDVOverSampler(random_state=1).fit_resample(X, y)
    second, _ = SDVOverSampler(random_state=1).fit_resample(X, y)
    pd.testing.assert_frame_equal(first, second)


def test_quiet_unless_verbose(capsys):
    X = frame(100)
    y = np.array([0] * 80 + [1] * 20)
    SDVOverSampler(random_state=0).fit_resample(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def _short_sampler(rows_per_call):
    """A stand-in for sample_from_conditions that delivers at most ``rows_per_call`` rows."""
    def sample_from_conditions(conditions, max_tries_per_batch=100, batch_size=None):
        (condition,) = conditions
        n = min(condition.get_num_rows(), rows_per_call)
        if n == 0:
            raise ValueError("Unable to sample any rows for the given conditions.")
        values = condition.get_column_values()
        return {"t": pd.DataFrame({"x0": np.zeros(n), **{k: [v] * n for k, v in values.items()}})}
    return sample_from_conditions


def test_top_ups_fill_a_short_class():
    X = np.random.default_rng(0).normal(size=(60, 1))
    y = np.array([0] * 50 + [1] * 10)
    sampler = SDVOverSampler(random_state=0)
    sampler.fit_resample(X, y)
    sampler.synthesizer_.sample_from_conditions = _short_sampler(7)
    assert len(sampler.sample(40, 1)) == 40  # six calls of 7 rows, trimmed to 40


def test_shortfall_raises_a_clear_error():
    X = np.random.default_rng(0).normal(size=(60, 1))
    y = np.array([0] * 50 + [1] * 10)
    sampler = SDVOverSampler(random_state=0)
    sampler.fit_resample(X, y)
    sampler.synthesizer_.sample_from_conditions = _short_sampler(0)
    message = r"produced 0 of the 5 rows.*class 1.*CTGANOverSampler"
    with pytest.raises(GenerationError, match=message):
        sampler.sample(5, 1)


def test_parameters_are_validated_and_cloneable():
    sampler = SDVOverSampler("tvae", {"epochs": 2})
    assert clone(sampler).get_params()["synthesizer_kwargs"] == {"epochs": 2}
    X, y = frame(40), np.array([0] * 30 + [1] * 10)
    with pytest.raises(InvalidParameterError, match="synthesizer"):
        SDVOverSampler("bogus").fit_resample(X, y)
    with pytest.raises(InvalidParameterError, match="max_tries"):
        SDVOverSampler(max_tries=0).fit_resample(X, y)


@pytest.mark.slow
def test_sdv_ctgan_backend_with_category_columns():
    pytest.importorskip("torch")
    X = frame(200)
    y = np.array([0] * 150 + [1] * 50)
    sampler = SDVOverSampler("ctgan", {"epochs": 1, "batch_size": 50}, random_state=0,
                             max_tries=200)
    try:
        X_res, y_res = sampler.fit_resample(X, y)
    except GenerationError as error:
        # A one-epoch GAN may not emit the class: the error must say so clearly.
        assert "class 1" in str(error) and "CTGANOverSampler" in str(error)
        return
    assert np.bincount(y_res).tolist() == [150, 150]
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
