"""ImageGANOverSampler, ImageVAEOverSampler and CNNClassifier: the contract, with tiny settings."""

import importlib.util
import sys
import time
from collections import Counter

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError as SklearnParameterError

import tabaug
from tabaug.exceptions import InvalidInputError, InvalidParameterError, MemoryLimitError
from tabaug.image import CNNClassifier, ImageGANOverSampler, ImageVAEOverSampler

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason='needs PyTorch: pip install "tabaug[deep]"')

TINY = {
    ImageGANOverSampler: dict(epochs=2, batch_size=16, latent_dim=4, width=4, n_critic=1,
                              verbose=False, random_state=0),
    ImageVAEOverSampler: dict(epochs=2, batch_size=16, latent_dim=4, width=4, verbose=False,
                              random_state=0),
}
GENERATORS = list(TINY)


def tiny(cls, **params):
    return cls(**{**TINY[cls], **params})


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def image_set(counts, size=8, channels=None, dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    shape = (len(y), size, size) + ((channels,) if channels else ())
    X = rng.integers(0, 256, shape, dtype=np.uint8)
    masks = np.where((X if channels is None else X[..., 0]) > 127, 7, 2).astype(np.int16)
    if dtype == np.float32:
        X = X.astype(np.float32) / 255
    return X, y, masks


@needs_torch
@pytest.mark.slow
@pytest.mark.parametrize("cls", GENERATORS)
@pytest.mark.parametrize(("channels", "dtype"), [(None, np.uint8), (3, np.float32), (1, np.uint8)])
def test_exact_counts_shapes_dtypes_and_mask_labels(cls, channels, dtype):
    X, y, masks = image_set([20, 6, 3], size=10, channels=channels, dtype=dtype)
    sampler = tiny(cls)
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    assert Counter(y_res.tolist()) == {0: 20, 1: 20, 2: 20}
    assert X_res.shape == (60, *X.shape[1:]) and X_res.dtype == X.dtype
    assert masks_res.shape == (60, 10, 10) and masks_res.dtype == np.int16
    np.testing.assert_array_equal(X_res[:29], X)
    np.testing.assert_array_equal(masks_res[:29], masks)
    assert set(np.unique(masks_res[29:])) <= {2, 7}
    if dtype == np.float32:
        assert 0.0 <= X_res.min() and X_res.max() <= 1.0
    assert sampler.sampling_strategy_ == {1: 14, 2: 17}
    assert sampler.n_generated_ == {1: 14, 2: 17}
    history = sampler.loss_history_
    assert isinstance(history, pd.DataFrame) and len(history) == 2
    assert list(history.columns) == ["epoch", *cls._loss_names]


@needs_torch
@pytest.mark.parametrize("cls", GENERATORS)
def test_sample_seeds_and_containers(cls):
    X, y, _ = image_set([12, 4])
    names = pd.Series(np.array(["cat", "dog"])[y], name="animal")
    first = tiny(cls).fit_resample(X, names)
    again = tiny(cls).fit_resample(X, names)
    np.testing.assert_array_equal(first[0], again[0])
    assert isinstance(first[1], pd.Series) and first[1].name == "animal"
    assert Counter(first[1]) == {"cat": 12, "dog": 12}
    other = tiny(cls, random_state=1).fit_resample(X, names)
    assert not np.array_equal(first[0][16:], other[0][16:])
    model = tiny(cls).fit(X, names)
    a, b = model.sample(5, "dog"), model.sample(5, "dog")
    assert a.shape == (5, 8, 8) and a.dtype == np.uint8 and not np.array_equal(a, b)
    assert model.sample(0, "cat").shape == (0, 8, 8)
    with pytest.raises(InvalidParameterError, match="'bird' is not a class"):
        model.sample(2, "bird")
    with pytest.raises(InvalidParameterError, match="n_images must"):
        model.sample(-1, "cat")
    with pytest.raises(NotFittedError):
        tiny(cls).sample(2, "cat")


@needs_torch
@pytest.mark.parametrize("cls", GENERATORS)
def test_pickles_with_joblib_and_samples_on_cpu(cls, tmp_path):
    X, y, masks = image_set([10, 4])
    model = tiny(cls).fit(X, y, masks=masks)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    loaded = joblib.load(path)
    assert str(loaded._device) == "cpu"
    assert all(p.device.type == "cpu" for m in loaded._modules.values() for p in m.parameters())
    images, new_masks = loaded.sample(3, 1)
    assert images.shape == (3, 8, 8) and set(np.unique(new_masks)) <= {2, 7}
    # the same weights: a fresh fit and the loaded copy generate alike from the same state
    model._sample_seeds = np.random.RandomState(0)
    loaded._sample_seeds = np.random.RandomState(0)
    np.testing.assert_array_equal(model.sample(4, 0)[0], loaded.sample(4, 0)[0])


@needs_torch
@pytest.mark.parametrize("cls", GENERATORS)
def test_images_larger_than_the_architecture_are_refused_with_the_limit(cls):
    X = np.zeros((6, 65, 40), np.uint8)
    with pytest.raises(InvalidInputError, match=r"up to 64x64 pixels.*65x40.*resize"):
        tiny(cls).fit_resample(X, [0, 0, 0, 0, 1, 1])
    X_ok, y_ok, _ = image_set([4, 2], size=3)  # tiny images are padded up to 8x8
    assert tiny(cls).fit_resample(X_ok, y_ok)[0].shape == (8, 3, 3)


@pytest.mark.parametrize("cls", GENERATORS)
def test_bad_settings_and_inputs_fail_clearly(cls):
    X, y, masks = image_set([6, 3])
    with pytest.raises(SklearnParameterError, match="epochs"):
        tiny(cls, epochs=0).fit_resample(X, y)
    with pytest.raises(SklearnParameterError, match="sampling_strategy"):
        tiny(cls, sampling_strategy="most").fit_resample(X, y)
    with pytest.raises(InvalidInputError, match="9 images but y has 8"):
        tiny(cls).fit_resample(X, y[:-1])
    with pytest.raises(InvalidInputError, match="float32"):
        tiny(cls).fit_resample(X.astype(np.float64), y)
    many_labels = np.arange(9 * 64, dtype=np.int64).reshape(9, 8, 8)
    with pytest.raises(InvalidInputError, match="up to 64"):
        tiny(cls).fit_resample(X, y, masks=many_labels)
    if HAS_TORCH:
        with pytest.raises(InvalidInputError, match="device='tpu'"):
            tiny(cls, device="tpu").fit_resample(X, y)


@pytest.mark.parametrize("cls", GENERATORS)
def test_the_memory_guard_refuses_before_training(cls):
    X, y, _ = image_set([30, 10], size=16)
    start = time.perf_counter()
    with pytest.raises(MemoryLimitError, match="smaller sampling_strategy"):
        tiny(cls, sampling_strategy={1: 10**10}).fit_resample(X, y)
    assert time.perf_counter() - start < 1.0
    with tabaug.config_context(max_memory=10_000), pytest.raises(MemoryLimitError, match="train"):
        tiny(cls).fit(X, y)


@pytest.mark.parametrize("cls", [*GENERATORS, CNNClassifier])
def test_a_missing_torch_names_the_deep_extra(cls, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    X, y, _ = image_set([6, 3])
    model = tiny(cls) if cls in TINY else cls(epochs=1)
    with pytest.raises(ImportError, match=r'pip install "tabaug\[deep\]"'):
        model.fit(X, y)


@needs_torch
def test_verbose_shows_a_progress_bar(capsys):
    pytest.importorskip("tqdm")
    X, y, _ = image_set([6, 3])
    tiny(ImageVAEOverSampler, verbose=True).fit(X, y)
    assert "ImageVAEOverSampler training" in capsys.readouterr().err


# --- CNNClassifier ------------------------------------------------------------------------


def bright_squares(n=40, size=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 100, (n, size, size), dtype=np.uint8)
    y = np.repeat(["dark", "square"], n // 2)
    X[y == "square", 2:6, 2:6] += 150
    return X, y


@needs_torch
def test_cnn_learns_predicts_and_pickles(tmp_path):
    X, y = bright_squares()
    model = CNNClassifier(width=8, epochs=20, learning_rate=1e-2, random_state=0).fit(X, y)
    assert model.score(X, y) == 1.0
    assert model.classes_.tolist() == ["dark", "square"]
    proba = model.predict_proba(X)
    assert proba.shape == (40, 2) and np.allclose(proba.sum(axis=1), 1)
    assert list(model.loss_history_.columns) == ["epoch", "loss"] and len(model.loss_history_) == 20
    again = CNNClassifier(width=8, epochs=20, learning_rate=1e-2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), proba)
    path = tmp_path / "cnn.joblib"
    joblib.dump(model, path)
    np.testing.assert_allclose(joblib.load(path).predict_proba(X), proba)


@needs_torch
def test_cnn_exposes_a_differentiable_module_for_attacks():
    import torch

    X, y = bright_squares()
    model = CNNClassifier(width=8, epochs=5, random_state=0).fit(X, y)
    inputs = model.to_tensor(X[:4]).requires_grad_(True)
    assert tuple(inputs.shape) == (4, 1, 8, 8) and inputs.dtype == torch.float32
    logits = model.module_(inputs)
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor([0, 0, 1, 1]))
    loss.backward()
    assert inputs.grad is not None and inputs.grad.abs().sum() > 0
    stepped = (inputs + 0.1 * inputs.grad.sign()).clamp(0, 1)  # one FGSM step
    images = model.from_tensor(stepped)
    assert images.shape == (4, 8, 8) and images.dtype == np.uint8
    assert np.abs(images.astype(int) - X[:4]).max() <= 26
    np.testing.assert_array_equal(model.from_tensor(model.to_tensor(X)), X)
    as_float = model.from_tensor(model.to_tensor(X), dtype=np.float32)
    assert as_float.dtype == np.float32 and as_float.max() <= 1.0


@needs_torch
def test_cnn_on_colour_images_and_bad_inputs():
    rng = np.random.default_rng(0)
    X = rng.random((12, 5, 7, 3)).astype(np.float32)
    model = CNNClassifier(width=4, epochs=1, random_state=0).fit(X, np.arange(12) % 3)
    assert model.predict(X).shape == (12,) and model.image_shape_ == (5, 7, 3)
    with pytest.raises(InvalidInputError, match=r"trained on images of shape \(5, 7, 3\)"):
        model.predict(X[:, :4])
    with pytest.raises(InvalidInputError, match="only one class"):
        CNNClassifier(epochs=1).fit(X, np.zeros(12))
    with pytest.raises(SklearnParameterError, match="learning_rate"):
        CNNClassifier(learning_rate=0).fit(X, np.arange(12) % 3)
    with pytest.raises(NotFittedError):
        CNNClassifier().predict(X)
