"""Tests for tabaug.deep: CTGANOverSampler, TVAEOverSampler and their table transform."""

import importlib.util
import inspect
import pickle
import subprocess
import sys
from collections import Counter

import joblib
import numpy as np
import pandas as pd
import pytest
from imblearn.utils import check_sampling_strategy
from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from tabaug.deep import CTGANOverSampler, TVAEOverSampler
from tabaug.deep._transform import TableTransformer
from tabaug.exceptions import (
    ExtremeOversamplingWarning,
    HighCardinalityWarning,
    IDLikeColumnWarning,
    InvalidInputError,
    InvalidTargetError,
)
from tabaug.utils import TableCodec

# Tiny networks and one epoch: these tests check the contract, not sample quality.
TINY = {
    CTGANOverSampler: dict(epochs=1, batch_size=64, generator_dim=(8,), discriminator_dim=(8,),
                           embedding_dim=4, pac=4, verbose=False, random_state=0),
    TVAEOverSampler: dict(epochs=1, batch_size=64, compress_dims=(8,), decompress_dims=(8,),
                          embedding_dim=4, verbose=False, random_state=0),
}
SAMPLERS = list(TINY)


@pytest.fixture
def torch():
    """Skip where PyTorch (the deep extra) is not installed."""
    return pytest.importorskip("torch")


def tiny(cls, **params):
    return cls(**{**TINY[cls], **params})


def mixed_frame(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "amount": np.r_[rng.normal(-3, 1, n // 2), rng.normal(5, 0.5, n - n // 2)],
        "count": rng.integers(0, 40, n),
        "small": rng.integers(1, 4, n).astype(np.int32),
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n),
                                 categories=["red", "green", "blue", "never"]),
        "flag": rng.random(n) < 0.3,
        "city": rng.choice(["Oslo", "Lima", "Pune"], n).astype(object),
        "when": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 500, n), "D"),
        "nullable": pd.array(rng.integers(-5, 5, n), dtype="Int64"),
    })


@pytest.fixture(scope="module")
def imbalanced():
    """1,227 rows: a majority, a class of 15 rows and a 1 % class (12 rows)."""
    X = mixed_frame(1227, seed=1)
    y = np.array([0] * 1200 + [1] * 15 + [2] * 12)
    return X, y


def test_import_does_not_import_torch_or_sdv():
    code = (
        "import sys, tabaug, tabaug.deep\n"
        "tabaug.CTGANOverSampler, tabaug.TVAEOverSampler, tabaug.SDVOverSampler\n"
        "tabaug.deep.CTGANOverSampler(epochs=1).get_params()\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert 'sdv' not in sys.modules, 'sdv imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_parameter_has_a_constraint():
    for cls in SAMPLERS:
        parameters = set(inspect.signature(cls.__init__).parameters) - {"self"}
        assert parameters == set(cls._parameter_constraints)


# ----- the table transform (no torch needed) --------------------------------------
def test_transform_finds_modes_and_round_trips():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "bimodal": np.r_[rng.normal(-10, 1, 500), rng.normal(10, 1, 500)],
        "rating": rng.integers(1, 6, 1000),
        "label": pd.Categorical(rng.choice(list("abc"), 1000)),
    })
    y_index = np.zeros(1000, dtype=int)
    codec = TableCodec.from_data(X, "auto", owner="test")
    transformer = TableTransformer(max_modes=10, max_categories=50, owner="test")
    transformer.fit(codec, y_index, 1, np.random.default_rng(0))
    assert transformer.n_modes[1] == 5  # one mode per distinct rating
    modes = transformer.means[0, :transformer.n_modes[0]] * transformer.scale[0]
    modes += transformer.center[0]
    assert (modes < -5).any() and (modes > 5).any()
    assert not ((modes > -5) & (modes < 5)).any(), "no mode between the two bumps"
    data, choices = transformer.transform(codec, np.random.default_rng(1))
    assert data.shape == (1000, transformer.layout.width)
    # every span is one-hot
    spans = data[:, transformer.layout.n_alpha:]
    assert np.allclose(spans.sum(axis=1), transformer.layout.n_spans)
    numeric, codes = transformer.decode(data[:, :2].astype(float), choices, 0,
                                        np.random.default_rng(2))
    np.testing.assert_allclose(numeric, codec.numeric, atol=1e-4 * np.ptp(codec.numeric))
    np.testing.assert_array_equal(codes, codec.codes)


def test_transform_caps_categories_and_draws_rare_ones_within_the_class():
    rng = np.random.default_rng(0)
    n = 2000
    y_index = (rng.random(n) < 0.5).astype(int)
    # class 0 uses categories 0-99, class 1 categories 100-299: the rare ones split by class
    codes = np.where(y_index == 0, rng.integers(0, 100, n), rng.integers(100, 300, n))
    codes[:200] = 0  # one frequent category
    y_index[:200] = 0
    X = pd.DataFrame({"code": pd.Categorical.from_codes(codes, categories=np.arange(300))})
    codec = TableCodec.from_data(X, "auto", owner="test")
    transformer = TableTransformer(max_modes=10, max_categories=10, owner="test")
    with pytest.warns(HighCardinalityWarning, match="max_categories=10"):
        transformer.fit(codec, y_index, 2, np.random.default_rng(0))
    assert transformer.layout.span_sizes == [10]
    rare_slot = np.full((500, 1), 9)
    _, decoded = transformer.decode(np.zeros((500, 0)), rare_slot, 1, np.random.default_rng(0))
    kept = set(transformer.cappings[0].kept_codes.tolist())
    assert not kept & set(decoded[:, 0].tolist())
    assert (decoded[:, 0] >= 100).all(), "class 1's rare rows come from class 1's categories"


# ----- exact counts -----------------------------------------------------------------
STRATEGIES = [
    "auto", "minority", "not majority", "not minority", "all",
    {1: 100, 2: 60},
    lambda y: {label: 3 * count for label, count in Counter(y).items() if count < 100},
]


@pytest.mark.filterwarnings("ignore::tabaug.exceptions.ExtremeOversamplingWarning")
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: getattr(s, "__name__", str(s)))
def test_exact_counts_for_every_strategy(cls, strategy, imbalanced, torch):
    X, y = imbalanced
    wanted = check_sampling_strategy(strategy, y, "over-sampling")
    sampler = tiny(cls, sampling_strategy=strategy)
    X_res, y_res = sampler.fit_resample(X, y)
    expected = Counter(y)
    for label, n_new in wanted.items():
        expected[label] += n_new
    assert Counter(y_res) == expected
    assert len(X_res) == len(y_res)
    assert sampler.n_generated_ == {label: n for label, n in wanted.items()}
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)


@pytest.mark.filterwarnings("ignore::tabaug.exceptions.ExtremeOversamplingWarning")
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_exact_counts_for_a_float_ratio_and_a_one_percent_class(cls, torch):
    X = mixed_frame(1010, seed=2)
    y = np.array([0] * 1000 + [1] * 10)
    X_res, y_res = tiny(cls, sampling_strategy=0.5).fit_resample(X, y)
    wanted = check_sampling_strategy(0.5, y, "over-sampling")
    assert Counter(y_res) == {0: 1000, 1: 10 + wanted[1]}


def test_extreme_oversampling_is_warned(imbalanced, torch):
    X, y = imbalanced
    with pytest.warns(ExtremeOversamplingWarning):
        tiny(TVAEOverSampler).fit_resample(X, y)


# ----- types and values --------------------------------------------------------------
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_dtypes_categories_and_ranges_round_trip(cls, torch):
    X = mixed_frame(300)
    y = pd.Series(np.where(np.arange(300) < 240, "major", "minor"), name="target")
    X_res, y_res = tiny(cls).fit_resample(X, y)
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    assert list(X_res["colour"].cat.categories) == list(X["colour"].cat.categories)
    assert y_res.name == "target" and y_res.dtype == y.dtype
    new = X_res.iloc[len(X):]
    assert len(new) == 180
    assert set(new["city"]) <= set(X["city"])
    assert set(new["colour"]) <= set(X["colour"])
    for column in ["amount", "count", "small", "when", "nullable"]:
        assert new[column].min() >= X[column].min() and new[column].max() <= X[column].max()
    assert not new.isna().any().any()


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_numpy_input_keeps_its_dtype(cls, torch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = np.array([0] * 170 + [1] * 30, dtype=np.int32)
    X_res, y_res = tiny(cls).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    assert y_res.dtype == np.int32 and np.bincount(y_res).tolist() == [170, 170]
    strings = np.array(rng.choice(["a", "b"], size=(200, 2)), dtype=object)
    X_res, _ = tiny(cls).fit_resample(strings, y)
    assert X_res.dtype == object and set(np.unique(X_res)) == {"a", "b"}


def test_explicit_categorical_features_are_never_interpolated(torch):
    rng = np.random.default_rng(0)
    codes = rng.choice([3, 7, 11], size=150)
    X = np.column_stack([rng.normal(size=150), codes.astype(float)])
    y = np.array([0] * 120 + [1] * 30)
    sampler = tiny(TVAEOverSampler, categorical_features=[1])
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.categorical_features_.tolist() == [1]
    assert set(X_res[150:, 1]) <= {3.0, 7.0, 11.0}


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_same_seed_same_rows_other_seed_other_rows(cls, torch):
    X = mixed_frame(200)
    y = np.array([0] * 150 + [1] * 50)
    rng_state = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    first, _ = tiny(cls, random_state=3).fit_resample(X, y)
    assert torch.equal(torch.random.get_rng_state(), rng_state), "global torch RNG untouched"
    assert torch.get_num_threads() == threads
    second, _ = tiny(cls, random_state=3).fit_resample(X, y)
    other, _ = tiny(cls, random_state=4).fit_resample(X, y)
    pd.testing.assert_frame_equal(first, second)
    assert not first.iloc[200:].equals(other.iloc[200:])


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_verbose_false_prints_nothing_and_true_shows_progress(cls, capsys, torch):
    X = mixed_frame(100)
    y = np.array([0] * 80 + [1] * 20)
    tiny(cls, verbose=False, epochs=2).fit_resample(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    tiny(cls, verbose=True, epochs=2).fit_resample(X, y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2/2" in captured.err and "epoch" in captured.err


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_loss_history_and_sample(cls, torch):
    X = mixed_frame(160)
    y = np.array(["a"] * 120 + ["b"] * 40, dtype=object)
    sampler = tiny(cls, epochs=3)
    sampler.fit_resample(X, y)
    history = sampler.loss_history_
    assert history["epoch"].tolist() == [1, 2, 3]
    assert history.shape[1] == 1 + len(cls._loss_names)
    assert np.isfinite(history.drop(columns="epoch").to_numpy()).all()
    rows = sampler.sample(25, "b")
    assert isinstance(rows, pd.DataFrame) and len(rows) == 25
    pd.testing.assert_series_equal(rows.dtypes, X.dtypes)
    assert not rows.equals(sampler.sample(25, "b")), "each call draws new rows"
    assert len(sampler.sample(0, "a")) == 0
    with pytest.raises(InvalidInputError, match="not a class"):
        sampler.sample(3, "c")
    with pytest.raises(InvalidInputError, match="non-negative int"):
        sampler.sample(-1, "a")


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_pickle_and_joblib_round_trip(cls, tmp_path, torch):
    X = mixed_frame(150)
    y = np.array([0] * 120 + [1] * 30)
    sampler = tiny(cls)
    sampler.fit_resample(X, y)
    payload = pickle.dumps(sampler)
    path = tmp_path / "sampler.joblib"
    joblib.dump(sampler, path)
    for loaded in (pickle.loads(payload), joblib.load(path)):
        for module in loaded._modules.values():
            assert all(p.device == torch.device("cpu") for p in module.parameters())
            assert not module.training
        # the loaded copy continues the same sequence of draws as the original
        pd.testing.assert_frame_equal(loaded.sample(10, 1), pickle.loads(payload).sample(10, 1))
    assert loaded.get_params() == sampler.get_params()
    assert len(sampler.sample(3, 1)) == 3, "pickling leaves the original usable"


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_unpickled_cuda_model_samples_on_cpu(cls, torch):
    """A CUDA-trained sampler pickles its networks as CPU tensors."""
    sampler = tiny(cls)
    sampler.fit_resample(mixed_frame(100), np.array([0] * 80 + [1] * 20))
    state = sampler.__getstate__()
    assert "_modules" not in state and state["_device"] == "cpu"
    for tensors in state["_module_states"].values():
        assert all(t.device.type == "cpu" for t in tensors.values())


# ----- high cardinality, IDs, datetimes -----------------------------------------------
def test_high_cardinality_is_capped_and_warned(torch):
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({
        "shop": rng.choice([f"shop{i}" for i in range(150)], n),
        "value": rng.normal(size=n),
    })
    y = np.array([0] * 300 + [1] * 100)
    sampler = tiny(CTGANOverSampler, max_categories=20)
    with pytest.warns(HighCardinalityWarning, match="'shop'"):
        X_res, _ = sampler.fit_resample(X, y)
    assert sampler._transformer.layout.span_sizes[-1] == 20
    assert set(X_res["shop"].iloc[n:]) <= set(X["shop"])


@pytest.mark.filterwarnings("ignore::tabaug.exceptions.HighCardinalityWarning")
@pytest.mark.parametrize("column", [
    np.arange(100),
    np.array([f"user-{i}" for i in range(100)], dtype=object),
], ids=["int", "str"])
def test_id_like_column_is_warned(column, torch):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"id": column, "value": rng.normal(size=100)})
    y = np.array([0] * 70 + [1] * 30)
    with pytest.warns(IDLikeColumnWarning, match="'id'"):
        tiny(TVAEOverSampler).fit_resample(X, y)


def test_datetime_columns_round_trip_with_timezones(torch):
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2023-03-01", tz="Europe/Paris") + pd.to_timedelta(
        rng.integers(0, 10_000, 120), "min")
    X = pd.DataFrame({"at": stamps, "lag": pd.to_timedelta(rng.integers(1, 90, 120), "s"),
                      "x": rng.normal(size=120)})
    y = np.array([0] * 90 + [1] * 30)
    X_res, _ = tiny(TVAEOverSampler).fit_resample(X, y)
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    new = X_res.iloc[120:]
    assert new["at"].between(X["at"].min(), X["at"].max()).all()
    assert new["lag"].between(X["lag"].min(), X["lag"].max()).all()


# ----- bad input ----------------------------------------------------------------------
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_bad_input_gives_clear_errors(cls, torch):
    X = mixed_frame(60)
    y = np.array([0] * 40 + [1] * 20)
    with_nan = X.assign(amount=X["amount"].where(np.arange(60) != 5))
    with pytest.raises(InvalidInputError, match="missing"):
        tiny(cls).fit_resample(with_nan, y)
    with pytest.raises(InvalidInputError, match="missing"):
        tiny(cls).fit_resample(X.assign(empty=np.nan), y)
    with pytest.raises(InvalidTargetError, match="only one class"):
        tiny(cls).fit_resample(X, np.zeros(60))
    with pytest.raises(InvalidParameterError, match="epochs"):
        tiny(cls, epochs=0).fit_resample(X, y)
    with pytest.raises(InvalidParameterError, match="batch_size"):
        tiny(cls, batch_size=0).fit_resample(X, y)
    dims = "generator_dim" if cls is CTGANOverSampler else "compress_dims"
    with pytest.raises(InvalidParameterError, match=dims):
        tiny(cls, **{dims: (8, 0)}).fit_resample(X, y)
    with pytest.raises(InvalidInputError, match="not a device"):
        tiny(cls, device="warp-drive").fit_resample(X, y)


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_cuda_asked_for_but_missing_is_a_clear_error(cls, torch):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(InvalidInputError, match="device='cuda'.*CUDA"):
        tiny(cls, device="cuda").fit_resample(mixed_frame(40), np.array([0] * 30 + [1] * 10))


def test_any_batch_size_works_with_pac(torch):
    X = mixed_frame(50)
    y = np.array([0] * 35 + [1] * 15)
    for batch_size, pac in [(7, 3), (2, 10), (500, 7)]:
        _, y_res = tiny(CTGANOverSampler, batch_size=batch_size, pac=pac).fit_resample(X, y)
        assert np.bincount(y_res).tolist() == [35, 35]


# ----- conditioning works ------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_generated_rows_follow_their_class(cls, torch):
    rng = np.random.default_rng(0)
    n = 600
    y = np.array([0] * 500 + [1] * 100)
    X = pd.DataFrame({
        "x": np.where(y == 0, rng.normal(-4, 1, n), rng.normal(4, 1, n)),
        "kind": np.where(y == 0, "low", "high"),
    })
    X["kind"] = X["kind"].where(rng.random(n) > 0.05, "other")
    if cls is CTGANOverSampler:
        sizes = dict(generator_dim=(32, 32), discriminator_dim=(32, 32), embedding_dim=16, pac=5,
                     learning_rate=1e-3)
    else:
        sizes = dict(compress_dims=(32,), decompress_dims=(32,), embedding_dim=8)
    sampler = cls(epochs=60, batch_size=50, random_state=0, verbose=False, **sizes)
    sampler.fit_resample(X, y)
    for label, sign in [(0, -1), (1, 1)]:
        rows = sampler.sample(300, label)
        assert (np.sign(rows["x"]) == sign).mean() > 0.8
        expected_kind = "low" if label == 0 else "high"
        assert (rows["kind"] == expected_kind).mean() > 0.7


# ----- in pipelines and under the estimator checks ------------------------------------
@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_in_a_pipeline(cls, torch):
    from tabaug import make_pipeline

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=200) > 1.2).astype(int)
    model = make_pipeline(tiny(cls), LogisticRegression())
    model.fit(X, y)
    assert model.predict(X).shape == (200,)
    assert clone(model).get_params()["steps"][0][1].epochs == 1


@parametrize_with_checks([tiny(cls) for cls in SAMPLERS])
def test_imblearn_sampler_checks(estimator, check, torch):
    """Every check that applies passes; none is expected to fail.

    Not run, by the samplers' tags: check_samplers_sparse (scipy sparse
    matrices are refused with a clear error; sparse DataFrame columns are
    accepted and densified, see check_samplers_pandas_sparse) and
    check_samplers_nan (missing values are refused: impute first).
    """
    check(estimator)


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_sklearn_api_checks(cls):
    from sklearn.utils.estimator_checks import (
        check_dont_overwrite_parameters,
        check_estimators_overwrite_params,
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    )

    sampler = tiny(cls)
    checks = [
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_parameters_default_constructible,
    ]
    # fit trains the generator (so that sample() works after fit), which needs PyTorch
    if importlib.util.find_spec("torch") is not None:
        checks += [check_dont_overwrite_parameters, check_estimators_overwrite_params]
    for check in checks:
        check(cls.__name__, sampler)
