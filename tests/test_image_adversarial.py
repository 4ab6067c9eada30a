"""ImageAdversarialOverSampler and AdversarialNoise: the contract, with tiny settings."""

import copy
import importlib.util
from collections import Counter

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from tabaug.exceptions import GenerationError, InvalidInputError, InvalidParameterError
from tabaug.image import (
    AdversarialNoise,
    CNNClassifier,
    Compose,
    HorizontalFlip,
    ImageAdversarialOverSampler,
    ImageOverSampler,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason='needs PyTorch: pip install "tabaug[deep]"')


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def squares(counts=(30, 8), channels=None, dtype=np.uint8, seed=0):
    """Dim noise; class 1 has a bright square, class 2 (if any) a bright bar."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    shape = (len(y), 8, 8) + ((channels,) if channels else ())
    X = rng.integers(0, 90, shape).astype(np.uint8)
    X[y == 1, 2:6, 2:6] += 160
    if len(counts) > 2:
        X[y == 2, :, 3:5] += 160
    masks = (X if channels is None else X[..., 0]) > 127
    if dtype == np.float32:
        X = X.astype(np.float32) / 255
    return X, y, masks.astype(np.uint8)


@pytest.fixture(scope="module")
def fitted(one_torch_thread):
    """A small CNN that tells the three classes of ``squares`` apart."""
    if not HAS_TORCH:
        pytest.skip("needs PyTorch")
    X, y, _ = squares((30, 10, 10))
    return CNNClassifier(width=8, epochs=30, learning_rate=1e-2, random_state=0).fit(X, y)


# ----- the sampler ----------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize(("channels", "dtype"), [(None, np.uint8), (3, np.float32)])
def test_counts_dtypes_radius_and_verdict_on_the_returned_images(channels, dtype):
    X, y, _ = squares((30, 8), channels=channels, dtype=dtype)
    model = CNNClassifier(width=4, epochs=30, learning_rate=1e-2, random_state=0).fit(X, y)
    X_before = X.copy()
    epsilon = 6 / 255
    sampler = ImageAdversarialOverSampler(model, epsilon=epsilon, verbose=False, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X, X_before)
    assert X_res.dtype == X.dtype and X_res.shape == (60, *X.shape[1:])
    assert Counter(y_res.tolist()) == {0: 30, 1: 30}
    np.testing.assert_array_equal(X_res[:38], X)
    sources = sampler.sample_indices_
    assert sources[:38].tolist() == list(range(38)) and (y[sources[38:]] == 1).all()
    scale = 255 if dtype == np.uint8 else 1
    moved = np.abs(X_res[38:].astype(np.float64) - X[sources[38:]]) / scale
    assert moved.max() <= epsilon + 1e-6 and moved.max() > 0
    assert (model.predict(X_res[38:]) == 1).all()  # still class 1 as returned
    report = sampler.generation_report_
    assert report.loc[1, "generated"] == 22 and report.loc[1, "attempts"] <= 220
    assert 0 < report.loc[1, "mean_perturbation"] <= epsilon + 1e-6
    assert sampler.model_ is model and sampler.n_generated_ == {1: 22}


@needs_torch
def test_m2m_translates_other_classes_with_confidence(fitted):
    X, y, _ = squares((30, 10, 10))
    sampler = ImageAdversarialOverSampler(fitted, mode="m2m", epsilon=0.5, steps=20,
                                          confidence=0.7, sampling_strategy={2: 16},
                                          max_attempts=30, verbose=False, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 30, 1: 10, 2: 16}
    assert (y[sampler.sample_indices_[50:]] != 2).all()
    assert (fitted.predict_proba(X_res[50:])[:, 2] >= 0.7).all()


@needs_torch
def test_masks_are_copied_from_the_starting_image_and_m2m_refuses_them(fitted):
    X, y, masks = squares((30, 10, 10))
    masks_before = masks.copy()
    sampler = ImageAdversarialOverSampler(fitted, verbose=False, random_state=0)
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    np.testing.assert_array_equal(masks, masks_before)
    np.testing.assert_array_equal(masks_res, masks[sampler.sample_indices_])
    assert masks_res.dtype == masks.dtype and len(masks_res) == len(X_res) == 90
    with pytest.raises(InvalidParameterError, match="mode='m2m'.*Use mode='boundary'"):
        ImageAdversarialOverSampler(fitted, mode="m2m", verbose=False).fit_resample(
            X, y, masks=masks)


@needs_torch
def test_unreachable_class_raises_with_the_figures(fitted):
    X, y, _ = squares((30, 10, 10))
    sampler = ImageAdversarialOverSampler(fitted, mode="m2m", epsilon=1 / 255, steps=2,
                                          max_attempts=2, verbose=False, random_state=0)
    with pytest.raises(GenerationError, match=r"of the 20 images class 1 needs.*"
                                              r"mode='boundary'.*epsilon"):
        sampler.fit_resample(X, y)
    assert sampler.generation_report_.loc[1, "attempts"] == 40


@needs_torch
def test_seeds_repeat_and_leave_the_global_torch_state_alone(fitted):
    import torch

    X, y, _ = squares((30, 10, 10))
    state = torch.random.get_rng_state()
    first, _ = ImageAdversarialOverSampler(fitted, verbose=False, random_state=1).fit_resample(
        X, y)
    assert torch.equal(torch.random.get_rng_state(), state)
    again, _ = ImageAdversarialOverSampler(fitted, verbose=False, random_state=1).fit_resample(
        X, y)
    other, _ = ImageAdversarialOverSampler(fitted, verbose=False, random_state=2).fit_resample(
        X, y)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[50:], other[50:])


@needs_torch
def test_an_unfitted_cnn_is_cloned_and_trained_on_balanced_images(capsys):
    X, y, _ = squares((30, 8))
    cnn = CNNClassifier(width=8, epochs=20, learning_rate=1e-2, random_state=0)
    sampler = ImageAdversarialOverSampler(cnn, max_attempts=50, verbose=True, random_state=0)
    sampler.fit_resample(X, y)
    assert not hasattr(cnn, "loss_history_")
    assert isinstance(sampler.model_, CNNClassifier) and sampler.model_ is not cnn
    assert len(sampler.model_.loss_history_) == 20
    err = capsys.readouterr().err
    assert "generating" in err and "22/22" in err


@needs_torch
@pytest.mark.slow
def test_model_none_trains_the_shared_cnn():
    X, y, _ = squares((30, 8))
    sampler = ImageAdversarialOverSampler(verbose=False, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert isinstance(sampler.model_, CNNClassifier) and len(X_res) == 60


@needs_torch
def test_a_users_torch_model_is_used_as_given(fitted):
    import torch

    net = copy.deepcopy(fitted.module_)
    net.train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    X, y, _ = squares((30, 10, 10))
    sampler = ImageAdversarialOverSampler(net, verbose=False, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert len(X_res) == 90 and sampler.model_ is net and net.training
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert all(p.grad is None for p in net.parameters())


@needs_torch
def test_bad_models_get_clear_errors(fitted):
    import torch

    X, y, _ = squares((30, 10, 10))
    with pytest.raises(InvalidInputError, match=r"returned \(2, 5\).*logits"):
        ImageAdversarialOverSampler(torch.nn.Sequential(torch.nn.Flatten(),
                                                        torch.nn.Linear(64, 5)),
                                    verbose=False).fit(X, y)
    with pytest.raises(InvalidInputError, match="knows classes.*y has"):
        ImageAdversarialOverSampler(fitted, verbose=False).fit(X[:40], y[:40])


@needs_torch
def test_pickle_round_trip(fitted, tmp_path):
    X, y, _ = squares((30, 10, 10))
    sampler = ImageAdversarialOverSampler(fitted, verbose=False, random_state=0).fit(X, y)
    joblib.dump(sampler, tmp_path / "s.joblib")
    loaded = joblib.load(tmp_path / "s.joblib")
    np.testing.assert_array_equal(loaded.model_.predict(X), fitted.predict(X))


@pytest.mark.skipif(HAS_TORCH, reason="torch is installed")
def test_without_torch_the_extra_is_named():
    X, y, _ = squares()
    with pytest.raises(ImportError, match=r"tabaug\[deep\]"):
        ImageAdversarialOverSampler(verbose=False).fit_resample(X, y)
    noise = AdversarialNoise(lambda x: x, p=1.0)
    with pytest.raises(ImportError, match=r"tabaug\[deep\]"):
        Compose([noise])(image=X[0])


# ----- the transform --------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("steps", [1, 5])
def test_noise_stays_within_epsilon_keeps_masks_and_repeats_with_the_seed(fitted, steps):
    X, _, masks = squares((30, 10, 10))
    noise = AdversarialNoise(fitted, epsilon=5 / 255, steps=steps, p=1.0)
    out = Compose([noise], random_state=0)(image=X[:6], mask=masks[:6])
    again = Compose([noise], random_state=0)(image=X[:6], mask=masks[:6])
    assert out["image"].dtype == np.uint8
    moved = np.abs(out["image"].astype(int) - X[:6])
    assert 0 < moved.max() <= 5
    np.testing.assert_array_equal(out["mask"], masks[:6])
    np.testing.assert_array_equal(out["image"], again["image"])


@needs_torch
def test_noise_attacks_the_models_own_prediction(fitted):
    X, y, _ = squares((30, 10, 10))
    right = fitted.predict(X) == y
    noisy = Compose([AdversarialNoise(fitted, epsilon=0.1, p=1.0)])(image=X[right])["image"]
    before = fitted.predict_proba(X[right])[np.arange(right.sum()), y[right]]
    after = fitted.predict_proba(noisy)[np.arange(right.sum()), y[right]]
    assert (after < before).mean() > 0.9
    floats = Compose([AdversarialNoise(fitted, epsilon=0.1, p=1.0)])(
        image=X[0].astype(np.float32) / 255)["image"]
    assert floats.dtype == np.float32 and 0 <= floats.min() and floats.max() <= 1


def test_noise_holds_the_model_by_reference_and_checks_its_settings():
    model = CNNClassifier(epochs=1)
    noise = AdversarialNoise(model, epsilon=0.02, steps=3)
    assert copy.deepcopy(noise).model is model
    sampler = ImageOverSampler(Compose([HorizontalFlip(), noise]))
    assert clone(sampler).get_params()["transform"].transforms[1].model is model
    assert repr(noise) == "AdversarialNoise(model=<CNNClassifier>, epsilon=0.02, steps=3, p=0.5)"
    assert "model" not in noise.check_params()
    with pytest.raises(InvalidParameterError, match="AdversarialNoise: epsilon must lie"):
        AdversarialNoise(model, epsilon=0)
    with pytest.raises(InvalidParameterError, match="AdversarialNoise: steps must"):
        AdversarialNoise(model, steps=0)
    with pytest.raises(InvalidParameterError, match="model must be a fitted"):
        AdversarialNoise("cnn")


@needs_torch
def test_noise_needs_a_fitted_model_at_use():
    noise = AdversarialNoise(CNNClassifier(epochs=1), p=1.0)
    with pytest.raises(InvalidParameterError, match="not fitted; call model.fit"):
        Compose([noise])(image=np.zeros((8, 8), np.uint8))


@needs_torch
def test_noise_inside_image_over_sampler(fitted):
    X, y, _ = squares((30, 10, 10))
    sampler = ImageOverSampler(Compose([AdversarialNoise(fitted, p=1.0)]), random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (90, 8, 8) and Counter(y_res.tolist()) == {0: 30, 1: 30, 2: 30}
