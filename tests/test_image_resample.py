"""Tests of ImageOverSampler: counts, order, masks, reproducibility, streaming and bad input."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imblearn.pipeline import make_pipeline
from imblearn.utils import check_sampling_strategy
from imblearn.utils.estimator_checks import check_samplers_one_label, check_target_type
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer, label_binarize
from sklearn.utils._param_validation import InvalidParameterError

from tabaug.exceptions import InvalidInputError, InvalidTargetError, InvalidTypeError
from tabaug.image import (
    Affine,
    ColorJitter,
    Compose,
    GaussianNoise,
    HorizontalFlip,
    ImageDtypeError,
    ImageOverSampler,
    Pad,
    RandomCrop,
    RandomResizedCrop,
    Rotate,
    VerticalFlip,
)

try:
    import cv2  # noqa: F401

    HAS_CV2 = True
except ImportError:
    HAS_CV2 = False
needs_cv2 = pytest.mark.skipif(not HAS_CV2, reason='needs OpenCV: pip install "tabaug[image]"')


def image_set(counts, size=12, channels=3, seed=0):
    """Random uint8 images with ``counts[k]`` images of class k, and threshold masks."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    shape = (len(y), size, size) + ((channels,) if channels else ())
    X = rng.integers(0, 256, shape, dtype=np.uint8)
    masks = ((X if channels is None else X[..., 0]) > 127).astype(np.uint8)
    return X, y, masks


def geometric_pipeline():
    """Nearest-neighbour geometry only, so masks must equal thresholds of the images.

    Rotations and affine warps join when OpenCV is installed; without it the
    numpy-backed flips, padding and crops still run.
    """
    transforms = [HorizontalFlip(), VerticalFlip(), Pad(3, mode="reflect"), RandomCrop(12, 12)]
    if HAS_CV2:
        transforms[2:2] = [
            Rotate(limit=40, interpolation="nearest"),
            Affine(interpolation="nearest"),
        ]
    return Compose(transforms)


def full_pipeline():
    """Geometric and photometric steps; the warps join when OpenCV is installed."""
    transforms = [HorizontalFlip(), Pad(2), RandomCrop(12, 12), ColorJitter(), GaussianNoise()]
    if HAS_CV2:
        transforms[1:3] = [Rotate(limit=20), RandomResizedCrop(12, 12, scale=(0.5, 1.0))]
    return Compose(transforms)


STRATEGIES = [
    "auto",
    "minority",
    "not minority",
    "not majority",
    "all",
    {0: 30, 1: 20, 2: 9},
    lambda y: {1: 25},
]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=repr)
def test_counts_are_exactly_what_imblearn_resolves(strategy):
    X, y, _ = image_set([30, 9, 4])
    expected = check_sampling_strategy(strategy, y, "over-sampling")
    sampler = ImageOverSampler(full_pipeline(), sampling_strategy=strategy, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    added = Counter(y_res.tolist())
    added.subtract(Counter(y.tolist()))
    assert {k: v for k, v in added.items() if v} == {k: v for k, v in expected.items() if v}
    assert dict(sampler.sampling_strategy_) == dict(expected)
    assert len(X_res) == len(y_res) == len(sampler.sample_indices_)


def test_float_strategy_on_binary_target():
    X, y, _ = image_set([40, 5])
    X_res, y_res = ImageOverSampler(HorizontalFlip(), sampling_strategy=0.5).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 20}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(1, 12), min_size=2, max_size=4),
    strategy=st.sampled_from(["auto", "minority", "not minority", "all"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_counts_order_and_sources_for_any_target(counts, strategy, seed):
    X, y, _ = image_set(counts, size=6, seed=seed % 1000)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    expected = check_sampling_strategy(strategy, y, "over-sampling")
    sampler = ImageOverSampler(HorizontalFlip(), sampling_strategy=strategy, random_state=seed)
    X_res, y_res = sampler.fit_resample(X, y)
    for label, n_new in expected.items():
        assert (y_res == label).sum() == (y == label).sum() + n_new
    n = len(y)
    np.testing.assert_array_equal(X_res[:n], X)
    np.testing.assert_array_equal(y_res[:n], y)
    sources = sampler.sample_indices_
    np.testing.assert_array_equal(sources[:n], np.arange(n))
    np.testing.assert_array_equal(y_res, y[sources])
    # New images come class by class, in the order imblearn lists the classes.
    new_labels = y_res[n:].tolist()
    assert new_labels == sorted(new_labels, key=list(expected).index)
    for row in range(n, len(y_res)):
        original = X[sources[row]]
        assert np.array_equal(X_res[row], original) or np.array_equal(X_res[row], original[:, ::-1])
    # Copies are spread evenly over each class's originals.
    for label in expected:
        uses = np.bincount(sources[n:][y_res[n:] == label], minlength=n)[y == label]
        assert uses.max() - uses.min() <= 1


def test_masks_travel_with_their_images():
    X, y, masks = image_set([20, 3, 6])
    sampler = ImageOverSampler(geometric_pipeline(), random_state=1)
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    assert masks_res.dtype == masks.dtype and masks_res.shape == X_res.shape[:3]
    np.testing.assert_array_equal(masks_res, (X_res[..., 0] > 127).astype(np.uint8))
    assert not np.array_equal(X_res[len(y) :], X[sampler.sample_indices_[len(y) :]])


def test_same_seed_same_output_and_different_seed_different_output():
    X, y, masks = image_set([15, 4])
    runs = [
        ImageOverSampler(full_pipeline(), random_state=seed).fit_resample(X, y, masks=masks)
        for seed in (3, 3, 4)
    ]
    for first, again in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(first, again)
    assert not np.array_equal(runs[0][0], runs[2][0])
    unseeded = [ImageOverSampler(full_pipeline()).fit_resample(X, y)[0] for _ in range(2)]
    assert not np.array_equal(*unseeded)


def test_plan_describes_every_new_image():
    X, y, masks = image_set([10, 3, 5])
    pipeline = full_pipeline()
    sampler = ImageOverSampler(pipeline, random_state=7)
    plan = sampler.plan(y)
    assert plan == sampler.plan(y)
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    n = len(y)
    assert [source for source, _ in plan] == sampler.sample_indices_[n:].tolist()
    for row, (source, seed) in enumerate(plan, start=n):
        alone = Compose(pipeline.transforms, random_state=seed)(image=X[source], mask=masks[source])
        np.testing.assert_array_equal(X_res[row], alone["image"])
        np.testing.assert_array_equal(masks_res[row], alone["mask"])


def test_a_new_image_depends_only_on_its_source_and_seed():
    X, y, _ = image_set([10, 4])
    sampler = ImageOverSampler(full_pipeline(), random_state=2)
    X_res, _ = sampler.fit_resample(X, y)
    sources = sampler.sample_indices_[len(y) :]
    untouched = np.setdiff1d(np.arange(len(y)), sources)[0]
    X_changed = X.copy()
    X_changed[untouched] = 255 - X_changed[untouched]
    X_res_changed, _ = sampler.fit_resample(X_changed, y)
    np.testing.assert_array_equal(X_res_changed[len(y) :], X_res[len(y) :])


@pytest.mark.parametrize("batch_size", [1, 4, 7, 1000])
def test_iter_resample_streams_exactly_fit_resample(batch_size):
    X, y, masks = image_set([12, 3, 5])
    sampler = ImageOverSampler(full_pipeline(), random_state=5)
    expected = sampler.fit_resample(X, y, masks=masks)
    batches = list(sampler.iter_resample(X, y, masks=masks, batch_size=batch_size))
    assert all(len(batch[0]) <= batch_size for batch in batches)
    for part, whole in zip(zip(*batches, strict=True), expected, strict=True):
        np.testing.assert_array_equal(np.concatenate(part), whole)
    two_tuple = next(iter(sampler.iter_resample(X, y, batch_size=batch_size)))
    assert len(two_tuple) == 2


def test_iter_resample_reads_a_memory_mapped_set(tmp_path):
    X, y, _ = image_set([30, 4], channels=None)
    path = tmp_path / "images.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    sampler = ImageOverSampler(full_pipeline(), random_state=0)
    streamed = np.concatenate([b[0] for b in sampler.iter_resample(X_map, y, batch_size=8)])
    np.testing.assert_array_equal(streamed, sampler.fit_resample(X, y)[0])


def test_iter_resample_checks_inputs_before_the_first_batch():
    X, y, _ = image_set([5, 2])
    sampler = ImageOverSampler(HorizontalFlip())
    with pytest.raises(InvalidInputError, match="labels"):
        sampler.iter_resample(X, y[:-1])
    with pytest.raises(InvalidInputError, match="batch_size"):
        sampler.iter_resample(X, y, batch_size=0)
    with pytest.raises(InvalidTypeError, match="batch_size"):
        sampler.iter_resample(X, y, batch_size=2.5)


@pytest.mark.parametrize(
    "transforms",
    [[RandomCrop(8, 8)], [Pad(2)], [Pad(2), RandomCrop(12, 12, p=0.5)], [RandomResizedCrop(6, 6)]],
    ids=repr,
)
def test_shape_changing_pipelines_are_refused(transforms):
    X, y, _ = image_set([6, 2])
    with pytest.raises(InvalidInputError, match=r"keep the image size 12x12.*RandomResizedCrop"):
        ImageOverSampler(Compose(transforms)).fit_resample(X, y)


@pytest.mark.parametrize(
    "transforms",
    [
        [Pad(2), RandomCrop(12, 12)],
        [Pad(2, p=0.5), RandomCrop(12, 12)],
        pytest.param([RandomResizedCrop(12, 12)], marks=needs_cv2),
        [RandomCrop(8, 8, p=0.0)],
    ],
    ids=repr,
)
def test_size_keeping_pipelines_are_accepted(transforms):
    X, y, _ = image_set([6, 2])
    X_res, _ = ImageOverSampler(Compose(transforms), random_state=0).fit_resample(X, y)
    assert X_res.shape == (12, 12, 12, 3)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("channels", [None, 1, 3, 4])
def test_dtype_and_layout_are_preserved(dtype, channels):
    X, y, masks = image_set([8, 3], channels=channels)
    if dtype == np.float32:
        X = X.astype(np.float32) / 255
    X_res, y_res, masks_res = ImageOverSampler(full_pipeline(), random_state=0).fit_resample(
        X, y.astype(np.int32), masks=masks.astype(np.int64)
    )
    assert X_res.dtype == dtype and X_res.shape[1:] == X.shape[1:]
    assert y_res.dtype == np.int32 and masks_res.dtype == np.int64
    assert 0 <= X_res.min() and X_res.max() <= (1 if dtype == np.float32 else 255)


def test_target_containers_round_trip():
    X, y, _ = image_set([6, 2])
    names = np.array(["cat", "dog"])[y]
    sampler = ImageOverSampler(HorizontalFlip(), random_state=0)
    _, series = sampler.fit_resample(X, pd.Series(names, name="animal"))
    assert isinstance(series, pd.Series) and series.name == "animal"
    assert Counter(series) == {"cat": 6, "dog": 6}
    _, as_list = sampler.fit_resample(X, names.tolist())
    assert isinstance(as_list, list) and as_list == series.tolist()
    _, column = sampler.fit_resample(X, y.reshape(-1, 1))
    assert Counter(np.ravel(column).tolist()) == {0: 6, 1: 6}


def test_no_new_images_when_already_balanced():
    X, y, _ = image_set([4, 4])
    sampler = ImageOverSampler(HorizontalFlip(), random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    assert sampler.plan(y) == []


@pytest.mark.parametrize(
    ("X", "y", "masks", "error", "match"),
    [
        (np.zeros((6, 12), np.uint8), [0] * 4 + [1] * 2, None, InvalidInputError, "batch"),
        (np.zeros((6, 4, 4), np.float64), [0] * 4 + [1] * 2, None, ImageDtypeError, "float32"),
        (np.zeros((6, 4, 4), np.int64), [0] * 4 + [1] * 2, None, ImageDtypeError, "astype"),
        (
            np.zeros((6, 4, 4), np.uint8),
            [0, 0, 0, 1, 1],
            None,
            InvalidInputError,
            "6 images but y has 5",
        ),
        (np.zeros((6, 4, 4), np.uint8), [0] * 6, None, InvalidTargetError, "one class"),
        (np.zeros((6, 4, 4), np.uint8), np.linspace(0, 1, 6), None, ValueError, "Unknown label"),
        (
            np.full((6, 4, 4), 2.0, np.float32),
            [0] * 4 + [1] * 2,
            None,
            InvalidInputError,
            "0..1",
        ),
        (
            np.full((6, 4, 4), np.nan, np.float32),
            [0] * 4 + [1] * 2,
            None,
            InvalidInputError,
            "NaN",
        ),
        (
            np.zeros((6, 4, 4), np.uint8),
            [0] * 4 + [1] * 2,
            np.zeros((6, 4, 4), np.float32),
            ImageDtypeError,
            "integer labels",
        ),
        (
            np.zeros((6, 4, 4), np.uint8),
            [0] * 4 + [1] * 2,
            np.zeros((6, 4, 5), np.uint8),
            InvalidInputError,
            "masks must have shape",
        ),
        (
            np.zeros((6, 4, 4, 3), np.uint8),
            [0] * 4 + [1] * 2,
            np.zeros((6, 4, 4, 3), np.uint8),
            InvalidInputError,
            "masks must have shape",
        ),
        (np.zeros((0, 4, 4), np.uint8), [], None, InvalidInputError, "empty"),
    ],
)
def test_bad_inputs_give_clear_errors(X, y, masks, error, match):
    with pytest.raises(error, match=match):
        ImageOverSampler(HorizontalFlip()).fit_resample(X, y, masks=masks)


def test_bad_parameters_give_clear_errors():
    X, y, _ = image_set([6, 2])
    with pytest.raises(InvalidTypeError, match="tabaug.image Compose"):
        ImageOverSampler(lambda image: image).fit_resample(X, y)
    with pytest.raises(InvalidParameterError):
        ImageOverSampler(HorizontalFlip(), sampling_strategy="most").fit_resample(X, y)
    with pytest.raises(InvalidParameterError):
        ImageOverSampler(HorizontalFlip(), random_state="seed").fit_resample(X, y)


# --- imbalanced-learn's contract --------------------------------------------------------
#
# imblearn's estimator checks feed 2-D float64 tables (make_classification) to fit_resample.
# ImageOverSampler refuses those by design (X must be a batch of uint8/float32 images), so
# the checks that resample such tables (fit_resample, sampling_strategy, sparse, pandas,
# list, multiclass_ova, 2d_target, preserve_dtype, sample_indices, feature names) cannot run
# as they are; the target checks, which fail before X is looked at, do run. The tests below
# port the others to image data.


@pytest.mark.parametrize("check", [check_target_type, check_samplers_one_label])
def test_imblearn_target_checks_pass(check):
    check("ImageOverSampler", ImageOverSampler(HorizontalFlip()))


def test_imblearn_checks_ported_to_images():
    X, y, _ = image_set([30, 20, 8])
    sampler = ImageOverSampler(full_pipeline(), random_state=0)
    # check_samplers_fit
    assert hasattr(clone(sampler).fit(X, y), "sampling_strategy_")
    # check_samplers_fit_resample: every class reaches the majority count
    _, y_res = clone(sampler).fit_resample(X, y)
    assert all(count >= 30 for count in Counter(y_res.tolist()).values())
    # check_samplers_sampling_strategy_fit_resample: class 1 untouched by a dict
    _, y_res = clone(sampler).set_params(sampling_strategy={0: 30, 2: 30}).fit_resample(X, y)
    assert Counter(y_res.tolist())[1] == 20
    # check_samplers_multiclass_ova
    X_res, y_res = clone(sampler).fit_resample(X, y)
    X_ova, y_ova = clone(sampler).fit_resample(X, label_binarize(y, classes=[0, 1, 2]))
    np.testing.assert_array_equal(X_ova, X_res)
    np.testing.assert_array_equal(y_ova.argmax(axis=1), y_res)
    # check_samplers_list
    X_list, y_list = clone(sampler).fit_resample(list(X), y.tolist())
    np.testing.assert_array_equal(X_list, X_res)
    assert y_list == y_res.tolist()
    # check_samplers_sample_indices and the tags
    tags = sampler.__sklearn_tags__()
    assert tags.sampler_tags.sample_indices and not tags.input_tags.two_d_array
    assert not hasattr(sampler, "transform") and not hasattr(sampler, "fit_transform")
    assert clone(sampler).get_params()["random_state"] == 0


def test_works_in_an_imblearn_pipeline():
    X, y, _ = image_set([40, 8], size=8)
    flatten = FunctionTransformer(lambda images: images.reshape(len(images), -1) / 255.0)
    model = make_pipeline(
        ImageOverSampler(HorizontalFlip(), random_state=0),
        flatten,
        LogisticRegression(max_iter=200),
    )
    model.fit(X, y)
    assert model.predict(X).shape == (48,)
