"""Transform settings are checked whenever they are used, cached per setting; the memory guard."""

import time

import numpy as np
import pytest

import tabaug
from tabaug.exceptions import InvalidParameterError, MemoryLimitError
from tabaug.image import (
    Affine,
    ColorJitter,
    Compose,
    Cutout,
    GaussianNoise,
    HorizontalFlip,
    ImageOverSampler,
    ImageTransform,
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

IMAGE = np.full((16, 16, 3), 200, np.uint8)
MASK = np.ones((16, 16), np.uint8)
NAN, INF = float("nan"), float("inf")


def test_the_hardening_reproducer_raises_instead_of_a_black_image():
    with pytest.raises(InvalidParameterError, match=r"^Rotate: limit must be a finite number"):
        Compose([Rotate(limit=NAN, p=1.0)])(image=IMAGE, mask=MASK)


# (factory, attribute, bad value): every range, size and fill refuses non-finite values
NON_FINITE = [
    (lambda: Rotate(), "limit", NAN),
    (lambda: Rotate(), "limit", (0, INF)),
    (lambda: Rotate(), "fill", NAN),
    (lambda: Affine(), "translate", (NAN, 0.1)),
    (lambda: Affine(), "scale", INF),
    (lambda: Affine(), "rotate", -INF),
    (lambda: RandomResizedCrop(8, 8), "scale", (NAN, 1.0)),
    (lambda: RandomResizedCrop(8, 8), "ratio", (0.5, INF)),
    (lambda: Pad(2), "fill", [0, NAN, 0]),
    (lambda: GaussianNoise(), "std", NAN),
    (lambda: ColorJitter(), "brightness", NAN),
    (lambda: ColorJitter(), "hue", (NAN, 0.1)),
    (lambda: Cutout(), "size", NAN),
    (lambda: Cutout(), "fill", INF),
    (lambda: HorizontalFlip(), "p", NAN),
    (lambda: VerticalFlip(), "p", INF),
]


@pytest.mark.parametrize(("factory", "name", "value"), NON_FINITE)
def test_non_finite_parameters_are_refused_at_construction(factory, name, value):
    cls = type(factory())
    kwargs = {"height": 8, "width": 8} if cls is RandomResizedCrop else {}
    if cls is Pad:
        kwargs["padding"] = 2
    with pytest.raises(InvalidParameterError, match=rf"^{cls.__name__}: {name} must"):
        cls(**{**kwargs, name: value})


@pytest.mark.parametrize(("factory", "name", "value"), NON_FINITE)
def test_non_finite_parameters_set_later_are_refused_when_applied(factory, name, value):
    transform = factory()
    pipeline = Compose([transform], random_state=0)
    setattr(transform, name, value)
    with pytest.raises(InvalidParameterError, match=rf"^{type(transform).__name__}: {name} must"):
        pipeline(image=IMAGE, mask=MASK)
    with pytest.raises(InvalidParameterError):
        pipeline.check_params()


@needs_cv2
def test_a_valid_change_after_construction_is_honoured():
    image = np.arange(64, dtype=np.uint8).reshape(8, 8)
    rotate = Rotate(limit=(0, 0), interpolation="nearest", p=1.0)
    pipeline = Compose([rotate], random_state=0)
    np.testing.assert_array_equal(pipeline(image=image)["image"], image)
    rotate.limit = float("nan")
    with pytest.raises(InvalidParameterError, match="Rotate: limit"):
        pipeline(image=image)
    rotate.limit = (90, 90)
    np.testing.assert_array_equal(pipeline(image=image)["image"], np.rot90(image))


def test_changes_of_sizes_options_and_fills_are_honoured():
    image = np.zeros((8, 8), dtype=np.uint8)
    crop = RandomCrop(4, 4)
    pipeline = Compose([crop], random_state=0)
    assert pipeline(image=image)["image"].shape == (4, 4)
    crop.height = 6
    assert pipeline(image=image)["image"].shape == (6, 4)
    assert crop.output_size(8, 8) == (6, 4)
    crop.width = 0
    with pytest.raises(InvalidParameterError, match="RandomCrop: width must be a positive"):
        pipeline(image=image)
    pad = Pad(1, fill=3)
    assert int(Compose([pad])(image=image)["image"][0, 0]) == 3
    pad.fill = 9
    assert int(Compose([pad])(image=image)["image"][0, 0]) == 9
    pad.mode = "mirror"
    with pytest.raises(InvalidParameterError, match="Pad: mode must be one of"):
        Compose([pad])(image=image)


def test_a_list_edited_in_place_is_checked_again():
    fill = [1, 2, 3]
    pad = Pad(1, fill=fill)
    assert Compose([pad])(image=IMAGE)["image"][0, 0].tolist() == [1, 2, 3]
    fill[0] = 7
    assert Compose([pad])(image=IMAGE)["image"][0, 0].tolist() == [7, 2, 3]
    fill[1] = NAN
    with pytest.raises(InvalidParameterError, match="Pad: fill"):
        Compose([pad])(image=IMAGE)


class _Counting(ImageTransform):
    """Counts how often its parameters are checked."""

    checks = 0

    def __init__(self, strength: float = 1.0, p: float = 1.0) -> None:
        self.strength = strength
        super().__init__(p)

    def check_params(self):
        type(self).checks += 1
        return {**super().check_params(), "strength": float(self.strength)}

    def apply(self, image, **params):
        self.settings()
        return image


def test_parameters_are_checked_once_per_distinct_setting():
    _Counting.checks = 0
    transform = _Counting()
    assert _Counting.checks == 1  # at construction
    pipeline = Compose([transform], random_state=0)
    for _ in range(5):
        pipeline(image=np.zeros((4, 5, 6, 3), np.uint8))
    assert _Counting.checks == 1
    transform.strength = 1.0  # the same value again: compared, not checked again
    pipeline(image=IMAGE)
    assert _Counting.checks == 1
    transform.strength = 2.0
    pipeline(image=IMAGE)
    pipeline(image=IMAGE)
    assert _Counting.checks == 2 and transform.settings()["strength"] == 2.0


def test_a_transform_skipped_by_p_is_still_checked():
    flip = HorizontalFlip(p=0.0)
    flip.mask_fill = 0.5
    with pytest.raises(InvalidParameterError, match="HorizontalFlip: mask_fill"):
        Compose([flip])(image=IMAGE)


def test_messages_name_the_class_the_same_way_everywhere():
    class MyRotate(Rotate):
        pass

    with pytest.raises(InvalidParameterError, match=r"^MyRotate: limit must be >= 0"):
        MyRotate(limit=-1)
    rotate = Rotate()
    rotate.interpolation = "bicubic"
    with pytest.raises(InvalidParameterError, match=r"^Rotate: interpolation must be one of"):
        Compose([rotate])(image=IMAGE)
    with pytest.raises(InvalidParameterError, match=r"^Cutout: num_holes must be"):
        Cutout(num_holes=(3, 1))


def test_the_sampler_checks_the_transform_at_every_entry_point():
    X = np.zeros((6, 8, 8), np.uint8)
    y = np.array([0, 0, 0, 0, 1, 1])
    rotate = Rotate()
    sampler = ImageOverSampler(Compose([rotate]), random_state=0)
    rotate.limit = NAN
    for call in (
        lambda: sampler.fit_resample(X, y),
        lambda: sampler.fit(X, y),
        lambda: sampler.plan(y),
        lambda: sampler.iter_resample(X, y),
    ):
        with pytest.raises(InvalidParameterError, match="Rotate: limit"):
            call()
    sampler.set_params(transform=VerticalFlip())
    assert len(sampler.fit_resample(X, y)[0]) == 8


def test_compose_public_protocol():
    pipeline = Compose([Pad(2, p=0.5), RandomCrop(8, 8)], random_state=0)
    assert pipeline.output_sizes(8, 8) == {(8, 8)}
    assert Compose([Pad(2, p=0.5)]).output_sizes(8, 8) == {(8, 8), (12, 12)}
    assert Compose([Pad(2, p=0.0)]).output_sizes(8, 8) == {(8, 8)}
    pipeline.check_params()
    image = np.arange(64, dtype=np.uint8).reshape(8, 8)
    mask = (image % 3).astype(np.uint8)
    # apply_pair with a seeded generator is what a fresh Compose with that seed gives
    one = pipeline.apply_pair(image, mask, np.random.default_rng(5))
    fresh = Compose(pipeline.transforms, random_state=5)(image=image, mask=mask)
    np.testing.assert_array_equal(one[0], fresh["image"])
    np.testing.assert_array_equal(one[1], fresh["mask"])
    pipeline.transforms.append(lambda image: image)
    with pytest.raises(InvalidParameterError, match="Compose got"):
        pipeline.check_params()
    with pytest.raises(InvalidParameterError, match="Compose got"):
        pipeline(image=image)


def test_a_custom_transform_can_declare_its_output_sizes():
    class Either(ImageTransform):
        def output_sizes(self, height, width):
            return {(height, width), (height // 2, width)}

        def apply(self, image, **params):
            return image

    X = np.zeros((6, 8, 8), np.uint8)
    y = np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(InvalidParameterError, match="keep the image size 8x8.*4x8"):
        ImageOverSampler(Either()).fit_resample(X, y)


# --- the memory guard -------------------------------------------------------------------


def test_a_huge_sampling_strategy_is_refused_in_well_under_a_second():
    X = np.zeros((40, 32, 32, 3), np.uint8)
    y = np.array([0] * 30 + [1] * 10)
    start = time.perf_counter()
    with pytest.raises(MemoryLimitError, match=r"smaller sampling_strategy.*iter_resample"):
        ImageOverSampler(HorizontalFlip(), sampling_strategy={1: 10**10}).fit_resample(X, y)
    assert time.perf_counter() - start < 0.5
    with pytest.raises(MemoryLimitError, match="smaller sampling_strategy"):
        ImageOverSampler(HorizontalFlip(), sampling_strategy={1: 10**10}).plan(y)
    with pytest.raises(MemoryLimitError, match="smaller batch_size"):
        ImageOverSampler(HorizontalFlip(), sampling_strategy={1: 10**10}).iter_resample(X, y)


def test_the_guard_follows_max_memory_and_counts_masks():
    X = np.zeros((40, 32, 32, 3), np.uint8)  # 3 KiB per image
    masks = np.zeros((40, 32, 32), np.int64)  # 8 KiB per mask
    y = np.array([0] * 30 + [1] * 10)
    sampler = ImageOverSampler(HorizontalFlip(), random_state=0)
    # 60 output images: 180 KiB of images, 480 KiB of masks
    with tabaug.config_context(max_memory=400 * 1024):
        X_res, _ = sampler.fit_resample(X, y)
        assert len(X_res) == 60
        with pytest.raises(MemoryLimitError, match=r"60 images of 32x32x3 uint8"):
            sampler.fit_resample(X, y, masks=masks)
        # one batch of 16 images and masks fits where the whole output does not
        batches = list(sampler.iter_resample(X, y, masks=masks, batch_size=16))
        assert sum(len(batch[0]) for batch in batches) == 60
    with tabaug.config_context(max_memory=100 * 1024):
        with pytest.raises(MemoryLimitError, match="smaller batch_size"):
            sampler.iter_resample(X, y, masks=masks, batch_size=16)
