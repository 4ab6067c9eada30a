"""AdversarialOverSampler: the contract with tiny settings, and compare's opt-in strategies."""

import importlib.util
import pickle
import subprocess
import sys
from collections import Counter

import joblib
import numpy as np
import pandas as pd
import pytest
from _helpers import mixed_frame
from imblearn.utils import check_sampling_strategy
from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError as SklearnParameterError

from tabaug import AdversarialOverSampler
from tabaug.exceptions import GenerationError, InvalidInputError, InvalidParameterError

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason='needs PyTorch: pip install "tabaug[deep]"')
# A small surrogate trained briefly: these tests check the contract, not sample quality.
TINY = dict(hidden_dims=(16,), epochs=30, batch_size=64, learning_rate=1e-2, verbose=False,
            random_state=0)
NUMERIC = ["income", "age", "visits", "small", "score32", "joined"]
CATEGORICAL = ["owner", "vip", "city", "plan", "note"]


def tiny(**params):
    return AdversarialOverSampler(**{**TINY, **params})


def separable(n_major=150, n_minor=30, gap=2.0, seed=0):
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(0, 1, (n_major, 3)), rng.normal(gap, 1, (n_minor, 3))]
    return X, np.r_[np.zeros(n_major, int), np.ones(n_minor, int)]


class Linear:
    """A user's differentiable surrogate: logits linear in the first column, ignoring the rest."""

    def __init__(self, torch, threshold=1.0):
        self.torch = torch
        self.threshold = threshold

    def __call__(self, x):
        score = 4.0 * (x[:, :1] - self.threshold)
        return self.torch.cat([-score, score], dim=1)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _std(X):
    return {c: float(pd.Series(X[c]).astype("int64" if X[c].dtype.kind == "M" else "float64")
                     .std(ddof=0)) for c in NUMERIC}


def _as_float(column):
    return column.astype("int64").astype(float) if column.dtype.kind == "M" else \
        column.astype(float)


# ----- counts, types, ranges, the radius ------------------------------------------------
@needs_torch
@pytest.mark.filterwarnings("ignore::tabaug.exceptions.ExtremeOversamplingWarning")
@pytest.mark.parametrize("mode", ["boundary", "m2m"])
@pytest.mark.parametrize("epsilon", [0.3, 2.0])
def test_mixed_frame_counts_dtypes_ranges_radius_and_categories(mode, epsilon):
    X, y = mixed_frame(120, 30)
    X_before = X.copy(deep=True)
    sampler = tiny(mode=mode, epsilon=epsilon, max_attempts=50)
    X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, X_before)
    assert Counter(y_res.tolist()) == {0: 120, 1: 120}
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    pd.testing.assert_frame_equal(X_res.iloc[:150], X)
    sources = sampler.sample_indices_
    assert sources.tolist()[:150] == list(range(150)) and len(sources) == 240
    new, origin = X_res.iloc[150:].reset_index(drop=True), X.iloc[sources[150:]]
    origin = origin.reset_index(drop=True)
    if mode == "boundary":
        assert (y.to_numpy()[sources[150:]] == 1).all()
    else:
        assert (y.to_numpy()[sources[150:]] == 0).all()
    std = _std(X)
    for column in NUMERIC:
        moved = np.abs(_as_float(new[column]) - _as_float(origin[column])) / std[column]
        assert moved.max() <= epsilon * (1 + 1e-6) + 1e-6, column
        assert new[column].min() >= X[column].min() and new[column].max() <= X[column].max()
    for column in CATEGORICAL:  # categorical='keep': copied from the starting row
        assert new[column].tolist() == origin[column].tolist()
    report = sampler.generation_report_
    assert report.index.tolist() == [1] and report.loc[1, "generated"] == 90
    row = report.loc[1]
    assert row["successes"] >= 90 and row["attempts"] <= 50 * 90
    assert row["success_rate"] == pytest.approx(row["successes"] / row["attempts"])
    assert 0 < row["mean_perturbation"] <= epsilon + 1e-9
    assert sampler.n_generated_ == {1: 90}


@needs_torch
@pytest.mark.filterwarnings("ignore::tabaug.exceptions.ExtremeOversamplingWarning")
@pytest.mark.parametrize("strategy", ["auto", "all", "not majority", {1: 70, 2: 40},
                                      lambda y: {1: 50, 2: 25}], ids=str)
def test_exact_counts_for_every_strategy(strategy):
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (60, 2)), rng.normal(3, 1, (25, 2)), rng.normal(-3, 1, (15, 2))]
    y = np.r_[np.zeros(60, int), np.ones(25, int), np.full(15, 2)]
    wanted = check_sampling_strategy(strategy, y, "over-sampling")
    X_res, y_res = tiny(sampling_strategy=strategy, epochs=60).fit_resample(X, y)
    expected = Counter(y.tolist())
    for label, n_new in wanted.items():
        expected[label] += n_new
    assert Counter(y_res.tolist()) == expected and len(X_res) == len(y_res)


@needs_torch
def test_float32_arrays_and_integer_columns_keep_their_kind():
    X, y = separable()
    X32 = X.astype(np.float32)
    X_res, y_res = tiny(epsilon=0.5).fit_resample(X32, y.astype(np.int32))
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    ints = np.rint(X * 10).astype(np.int64)
    sampler = tiny(epsilon=1.0)
    X_res, _ = sampler.fit_resample(ints, y)
    assert X_res.dtype == np.int64
    moved = np.abs(X_res[180:] - ints[sampler.sample_indices_[180:]])
    assert (moved <= np.floor(ints.std(axis=0))).all()  # whole steps inside the radius
    assert moved.max() > 0


@needs_torch
def test_success_is_judged_on_the_returned_row_with_a_users_surrogate(torch):
    X, y = separable(gap=1.5)
    X = np.round(X * 4)  # integers: rounding could undo a step, so the verdict must see it
    for mode, check in (("boundary", lambda p: p.argmax(1) == 1),
                        ("m2m", lambda p: (p[:, 1] >= 0.8) & (p.argmax(1) == 1))):
        surrogate = Linear(torch, threshold=4.0)
        sampler = tiny(mode=mode, epsilon=1.0, surrogate=surrogate, confidence=0.8,
                       max_attempts=100)
        X_res, _ = sampler.fit_resample(X, y)
        assert sampler.loss_history_ is None
        with torch.no_grad():
            proba = torch.softmax(surrogate(torch.from_numpy(X_res[180:]).float()), 1).numpy()
        assert check(proba).all(), mode


@needs_torch
def test_unreachable_class_raises_with_the_figures_and_the_fixes():
    X, y = separable(gap=12.0)
    sampler = tiny(mode="m2m", epsilon=0.05, max_attempts=2)
    with pytest.raises(GenerationError) as info:
        sampler.fit_resample(X, y)
    message = str(info.value)
    for part in ("class 1", "of the 120 rows", "starting rows", "max_attempts=2",
                 "mode='boundary'", "epsilon", "steps", "sampling_strategy"):
        assert part in message, (part, message)
    report = sampler.generation_report_
    assert report.loc[1, "attempts"] == 240 and report.loc[1, "generated"] < 120


@needs_torch
def test_categorical_vote_takes_the_target_class_categories():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": np.r_[rng.normal(0, 1, 100), rng.normal(1, 1, 25)],
                      "kind": pd.Categorical(["common"] * 100 + ["rare"] * 25)})
    y = np.r_[np.zeros(100, int), np.ones(25, int)]
    # Starting rows of the majority take the minority's category from their neighbours in it
    # (kept, the category alone would tell the surrogate they are majority rows).
    sampler = tiny(mode="m2m", epsilon=3.0, max_attempts=50, categorical="vote", k_neighbors=3)
    voted, _ = sampler.fit_resample(X, y)
    assert (y[sampler.sample_indices_[125:]] == 0).all()
    assert set(voted["kind"].iloc[125:]) == {"rare"}
    assert voted["kind"].dtype == X["kind"].dtype


# ----- seeds, progress, pickling, the user's model untouched ----------------------------
@needs_torch
def test_same_seed_same_rows_and_the_global_state_is_untouched(torch):
    X, y = mixed_frame(80, 20)
    rng_state = torch.random.get_rng_state()
    first, _ = tiny(random_state=3).fit_resample(X, y)
    assert torch.equal(torch.random.get_rng_state(), rng_state)
    second, _ = tiny(random_state=3).fit_resample(X, y)
    other, _ = tiny(random_state=4).fit_resample(X, y)
    pd.testing.assert_frame_equal(first, second)
    assert not first.iloc[100:].equals(other.iloc[100:])


@needs_torch
def test_verbose_shows_training_and_generation_and_false_prints_nothing(capsys):
    X, y = separable()
    tiny(verbose=False).fit_resample(X, y)
    assert capsys.readouterr().err == ""
    tiny(verbose=True, epochs=2).fit_resample(X, y)
    err = capsys.readouterr().err
    assert "surrogate" in err and "2/2" in err and "generating" in err and "120/120" in err


@needs_torch
def test_pickle_round_trip_samples_the_same_rows(tmp_path):
    X, y = mixed_frame(80, 20)
    sampler = tiny().fit(X, y)
    copy = pickle.loads(pickle.dumps(sampler))
    joblib.dump(sampler, tmp_path / "sampler.joblib")
    loaded = joblib.load(tmp_path / "sampler.joblib")
    expected = sampler.sample(7, 1)
    pd.testing.assert_frame_equal(copy.sample(7, 1), expected)
    pd.testing.assert_frame_equal(loaded.sample(7, 1), expected)
    assert expected.dtypes.equals(X.dtypes)


@needs_torch
def test_a_users_model_is_used_as_given_and_left_as_it_was(torch):
    X, y = separable()
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Dropout(0.5),
                                torch.nn.Linear(8, 2))
    with torch.no_grad():  # class 1 where the first column is above 1
        for layer in (model[0], model[2]):
            layer.weight.zero_()
            layer.bias.zero_()
        model[0].weight[:, 0] = 1.0
        model[0].bias.fill_(5.0)
        model[2].weight[1] = 1.0
        model[2].bias[1] = -8.0 * 6.0
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    sampler = tiny(surrogate=model, max_attempts=100)
    sampler.fit_resample(X, y)
    assert model.training and all(m.training for m in model.modules())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())


@needs_torch
def test_bad_surrogates_and_tables_get_clear_errors(torch):
    X, y = separable()
    with pytest.raises(InvalidInputError, match=r"returned \(8, 3\).*logits \(n, 2\)"):
        tiny(surrogate=torch.nn.Linear(3, 3)).fit(X, y)
    with pytest.raises(InvalidInputError, match="failed on a batch.*column order of X"):
        tiny(surrogate=torch.nn.Linear(5, 2)).fit(X, y)
    with pytest.raises(InvalidParameterError, match="no gradient.*torch model"):
        tiny(surrogate=lambda x: torch.zeros(len(x), 2)).fit(X, y)
    with pytest.raises(SklearnParameterError, match="surrogate"):
        tiny(surrogate="mlp").fit(X, y)
    with pytest.raises(InvalidParameterError, match="hidden_dims.*positive ints"):
        tiny(hidden_dims=(0,)).fit(X, y)
    only_categories = pd.DataFrame({"c": pd.Categorical(["a", "b"] * 90)})
    with pytest.raises(InvalidInputError, match="has none.*Use SMOTE"):
        tiny().fit(only_categories, y)


# ----- in pipelines, compare and the estimator checks -----------------------------------
@needs_torch
def test_in_a_pipeline():
    from tabaug import make_pipeline

    X, y = separable()
    model = make_pipeline(tiny(), LogisticRegression()).fit(X, y)
    assert model.predict(X).shape == (180,)
    assert clone(model).get_params()["steps"][0][1].epochs == 30


def test_compare_strategies_are_opt_in():
    from tabaug.model_selection import DEFAULT_STRATEGIES, canonical_strategy, make_sampler

    assert "adversarial" not in DEFAULT_STRATEGIES
    assert "adversarial_m2m" not in DEFAULT_STRATEGIES
    assert canonical_strategy("Adversarial-M2M") == "adversarial_m2m"
    assert canonical_strategy("adversarial+corrected") == "adversarial+corrected"
    assert make_sampler("adversarial_m2m").mode == "m2m"
    assert make_sampler("adversarial", epsilon=0.2).get_params()["epsilon"] == 0.2


@pytest.mark.skipif(HAS_TORCH, reason="torch is installed")
def test_compare_skips_adversarial_strategies_without_torch():
    from tabaug import compare
    from tabaug.exceptions import TabaugWarning

    X, y = separable()
    with pytest.warns(TabaugWarning, match=r"tabaug\[deep\]"):
        result = compare(X, y, estimator=LogisticRegression(),
                         strategies=["adversarial", "adversarial_m2m"],
                         scoring=["balanced_accuracy"], cv=3, n_repeats=1, progress=False)
    assert set(result.skipped) == {"adversarial", "adversarial_m2m"}


@pytest.mark.skipif(HAS_TORCH, reason="torch is installed")
def test_fit_without_torch_names_the_extra():
    X, y = separable()
    with pytest.raises(ImportError, match=r"tabaug\[deep\]"):
        tiny().fit_resample(X, y)


@needs_torch
def test_compare_runs_both_strategies():
    from tabaug import compare

    X, y = separable(gap=1.5)
    result = compare(X, y, estimator=LogisticRegression(),
                     strategies={"adversarial": tiny(), "adversarial_m2m": None},
                     scoring=["balanced_accuracy"], cv=2, n_repeats=1, random_state=0,
                     progress=False)
    assert result.strategies == ["none", "adversarial", "adversarial_m2m"]


def test_import_does_not_import_torch():
    code = ("import sys, tabaug, tabaug.deep, tabaug.image\n"
            "tabaug.AdversarialOverSampler(mode='m2m').get_params()\n"
            "tabaug.image.ImageAdversarialOverSampler, tabaug.image.AdversarialNoise\n"
            "assert 'torch' not in sys.modules, 'torch imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not HAS_TORCH, reason="fit trains the surrogate, which needs PyTorch")
@parametrize_with_checks([tiny()])
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)


def test_sklearn_api_checks():
    from sklearn.utils.estimator_checks import (
        check_dont_overwrite_parameters,
        check_estimators_overwrite_params,
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    )

    checks = [check_no_attributes_set_in_init, check_get_params_invariance, check_set_params,
              check_parameters_default_constructible]
    if HAS_TORCH:  # fit trains the surrogate
        checks += [check_dont_overwrite_parameters, check_estimators_overwrite_params]
    for check in checks:
        check("AdversarialOverSampler", tiny())
