"""Policies (RandAugment, TrivialAugment), their single operations and the combinators."""

from collections import Counter

import numpy as np
import pytest

from tabaug.exceptions import InvalidParameterError
from tabaug.image import (
    AutoContrast,
    Brightness,
    Compose,
    Contrast,
    Equalize,
    HorizontalFlip,
    ImageOverSampler,
    ImageTransform,
    OneOf,
    Pad,
    Posterize,
    RandAugment,
    RandomCrop,
    Saturation,
    Sequential,
    Sharpness,
    ShearX,
    ShearY,
    Solarize,
    SomeOf,
    TranslateX,
    TranslateY,
    TrivialAugment,
    VerticalFlip,
    magnitude_table,
)
from tabaug.image import functional as F

try:
    import cv2  # noqa: F401

    HAS_CV2 = True
except ImportError:
    HAS_CV2 = False
needs_cv2 = pytest.mark.skipif(not HAS_CV2, reason='needs OpenCV: pip install "tabaug[image]"')

GEOMETRIC_OPS = ["ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"]
OTHER_OPS = ["Identity", "Brightness", "Color", "Contrast", "Sharpness", "Posterize", "Solarize",
             "AutoContrast", "Equalize"]


def blobs(size=32, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    field = np.zeros((size, size))
    for _ in range(4):
        cy, cx = rng.uniform(0.25 * size, 0.75 * size, 2)
        field += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * (0.12 * size) ** 2))
    gray = np.clip(field / field.max() * 255, 0, 255).astype(np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2)


def labels_of(image):
    return np.digitize(image[..., 0], (85, 170)).astype(np.uint8)


# --- magnitude tables --------------------------------------------------------------------


def test_randaugment_table_matches_torchvision_at_its_bounds():
    table = magnitude_table("randaugment", 31, 32, 40)
    assert table["Identity"] is None and table["AutoContrast"] is None
    assert table["ShearX"][0] == 0 and table["ShearX"][-1] == pytest.approx(0.3)
    assert table["TranslateX"][-1] == pytest.approx(150 / 331 * 40)
    assert table["TranslateY"][-1] == pytest.approx(150 / 331 * 32)
    assert table["Rotate"][-1] == pytest.approx(30)
    assert table["Brightness"][-1] == pytest.approx(0.9)
    assert table["Posterize"][0] == 8 and table["Posterize"][-1] == 4
    assert table["Solarize"][0] == 1.0 and table["Solarize"][-1] == 0.0
    assert all(len(v) == 31 for v in table.values() if v is not None)


def test_trivialaugment_wide_table_matches_torchvision_at_its_bounds():
    table = magnitude_table("trivialaugment", 31, 8, 8)
    assert table["ShearY"][-1] == pytest.approx(0.99)
    assert table["TranslateX"][-1] == pytest.approx(32.0)  # pixels, whatever the size
    assert table["Rotate"][-1] == pytest.approx(135)
    assert table["Sharpness"][-1] == pytest.approx(0.99)
    assert table["Posterize"][0] == 8 and table["Posterize"][-1] == 2
    with pytest.raises(InvalidParameterError, match="policy must be one of"):
        magnitude_table("autoaugment", 31, 8, 8)


# --- the single operations at their bounds -------------------------------------------------


def run(transform, image, mask=None, seed=0):
    return Compose([transform], random_state=seed)(image=image, mask=mask)


def test_colour_and_tone_ops_at_their_bounds():
    image = blobs()
    assert (run(Brightness(limit=(0.0, 0.0), p=1.0), image)["image"] == 0).all()
    flat = run(Contrast(limit=(0.0, 0.0), p=1.0), image)["image"]
    assert np.ptp(flat.astype(int)) == 0
    rgb = np.random.default_rng(1).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    gray = run(Saturation(limit=(0.0, 0.0), p=1.0), rgb)["image"]
    assert (gray[..., 0] == gray[..., 1]).all() and (gray[..., 1] == gray[..., 2]).all()
    np.testing.assert_array_equal(run(Sharpness(limit=(1.0, 1.0), p=1.0), image)["image"], image)
    np.testing.assert_array_equal(run(Posterize(bits=8, p=1.0), image)["image"], image)
    assert set(np.unique(run(Posterize(bits=1, p=1.0), image)["image"])) <= {0, 128}
    np.testing.assert_array_equal(run(Solarize(threshold=0.0, p=1.0), image)["image"], 255 - image)
    only_white = run(Solarize(threshold=1.0, p=1.0), image)["image"]
    np.testing.assert_array_equal(only_white[image < 255], image[image < 255])
    stretched = run(AutoContrast(p=1.0), (image // 2 + 20).astype(np.uint8))["image"]
    assert stretched.min() == 0 and stretched.max() == 255
    np.testing.assert_array_equal(run(AutoContrast(p=1.0), stretched)["image"], stretched)
    assert run(Equalize(p=1.0), image)["image"].dtype == np.uint8


@pytest.mark.parametrize("op", ["posterize", "equalize"])
def test_uint8_defined_ops_round_trip_float32_through_256_levels(op):
    image = blobs()
    as_float = image.astype(np.float32) / 255
    fn = (lambda x: F.posterize(x, 3)) if op == "posterize" else F.equalize
    out = fn(as_float)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out * 255, fn(image), atol=1e-3)


def test_float32_tone_ops_stay_in_range():
    image = blobs().astype(np.float32) / 255
    for transform in (Sharpness(limit=(3.0, 3.0), p=1.0), Solarize(threshold=0.3, p=1.0),
                      AutoContrast(p=1.0), Posterize(bits=2, p=1.0), Equalize(p=1.0)):
        out = run(transform, image)["image"]
        assert out.dtype == np.float32 and 0.0 <= out.min() and out.max() <= 1.0


@needs_cv2
def test_geometric_single_ops_at_their_bounds_and_masks_follow():
    image = blobs()
    mask = labels_of(image)
    for transform in (ShearX(shear=(0.0, 0.0), p=1.0), TranslateY(translate=(0.0, 0.0), p=1.0)):
        np.testing.assert_array_equal(run(transform, image)["image"], image)
    gone = run(TranslateX(translate=(1.0, 1.0), p=1.0), image, mask)
    assert (gone["image"] == 0).all() and (gone["mask"] == 0).all()
    for transform in (ShearX(shear=0.5, interpolation="nearest", p=1.0),
                      ShearY(shear=0.5, interpolation="nearest", p=1.0),
                      TranslateX(translate=0.3, interpolation="nearest", p=1.0),
                      TranslateY(translate=0.3, interpolation="nearest", p=1.0)):
        for seed in range(3):
            out = run(transform, image, mask, seed)
            np.testing.assert_array_equal(labels_of(out["image"]), out["mask"])


# --- the policies ------------------------------------------------------------------------


@needs_cv2
@pytest.mark.parametrize("policy", [RandAugment, TrivialAugment])
@pytest.mark.parametrize("name", GEOMETRIC_OPS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_masks_move_in_lockstep_under_every_geometric_op_of_the_policies(policy, name, sign):
    image = blobs()
    mask = labels_of(image)
    transform = policy()
    level = magnitude_table(transform._policy, 31, 32, 32)[name][-1] * sign
    operations = [(name, float(level))]
    moved = transform.apply(image, operations=operations)
    moved_mask = transform.apply_to_mask(mask, operations=operations)
    # nearest-neighbour and fill 0 (label 0): the thresholded image is the moved mask
    np.testing.assert_array_equal(labels_of(moved), moved_mask)
    assert not np.array_equal(moved_mask, mask)


@pytest.mark.parametrize("name", OTHER_OPS)
def test_the_other_ops_of_the_policies_leave_masks_alone(name):
    mask = labels_of(blobs())
    level = magnitude_table("randaugment", 31, 32, 32)[name]
    operations = [(name, 0.0 if level is None else float(level[-1]))]
    np.testing.assert_array_equal(RandAugment().apply_to_mask(mask, operations=operations), mask)
    out = RandAugment().apply(blobs(), operations=operations)
    assert out.shape == (32, 32, 3) and out.dtype == np.uint8


@needs_cv2
@pytest.mark.parametrize("policy", [RandAugment(), TrivialAugment()], ids=repr)
def test_policies_are_deterministic_with_a_seed(policy):
    batch = np.stack([blobs(seed=s) for s in range(6)])
    masks = np.stack([labels_of(image) for image in batch])
    first = Compose([policy], random_state=3)(image=batch, mask=masks)
    again = Compose([policy], random_state=3)(image=batch, mask=masks)
    other = Compose([policy], random_state=4)(image=batch, mask=masks)
    np.testing.assert_array_equal(first["image"], again["image"])
    np.testing.assert_array_equal(first["mask"], again["mask"])
    assert not np.array_equal(first["image"], other["image"])
    assert set(np.unique(first["mask"])) <= {0, 1, 2}


@needs_cv2
def test_randaugment_draws_num_ops_operations_over_the_14():
    policy = RandAugment(num_ops=3)
    rng = np.random.default_rng(0)
    seen = Counter()
    for _ in range(700):
        operations = policy.draw_params(rng, np.zeros((8, 8), np.uint8))["operations"]
        assert len(operations) == 3
        seen.update(name for name, _ in operations)
    assert len(seen) == 14 and min(seen.values()) > 100
    assert RandAugment(num_ops=0).draw_params(rng, np.zeros((8, 8)))["operations"] == []


def test_bad_policy_settings_are_refused():
    with pytest.raises(InvalidParameterError, match=r"RandAugment: magnitude must lie in \[0, 3"):
        RandAugment(magnitude=31)
    with pytest.raises(InvalidParameterError, match="num_magnitude_bins"):
        TrivialAugment(num_magnitude_bins=1)
    with pytest.raises(InvalidParameterError, match="interpolation"):
        RandAugment(interpolation="area")
    policy = TrivialAugment()
    policy.fill = float("nan")
    with pytest.raises(InvalidParameterError, match="TrivialAugment: fill"):
        Compose([policy])(image=np.zeros((8, 8), np.uint8))


# --- combinators -------------------------------------------------------------------------


class Mark(ImageTransform):
    """Adds its value to every pixel, so the order of application can be read back."""

    def __init__(self, value: int, p: float = 1.0) -> None:
        self.value = value
        super().__init__(p)

    def apply(self, image, **params):
        return image * 10 + self.value


def marks(image):
    return [int(d) for d in str(int(image.ravel()[0]))]


def test_oneof_picks_by_the_childrens_p_and_applies_unconditionally():
    counts = Counter()
    rng = np.random.default_rng(0)
    one_of = OneOf([Mark(1, p=0.25), Mark(2, p=0.75)])
    for _ in range(4000):
        out, _ = one_of.apply_pair(np.zeros((1, 1), np.int64), None, rng)
        counts[int(out[0, 0])] += 1
    assert abs(counts[2] / 4000 - 0.75) < 0.03 and counts[1] + counts[2] == 4000
    never = OneOf([Mark(1)], p=0.0)
    assert int(never.apply_pair(np.zeros((1, 1), np.int64), None, rng)[0][0, 0]) == 0


def test_someof_applies_n_children_in_list_order_each_with_its_p():
    rng = np.random.default_rng(0)
    some = SomeOf([Mark(1), Mark(2), Mark(3), Mark(4)], n=2)
    for _ in range(50):
        out, _ = some.apply_pair(np.zeros((1, 1), np.int64), None, rng)
        digits = marks(out)
        assert len(digits) == 2 and digits == sorted(digits) and len(set(digits)) == 2
    with_replacement = SomeOf([Mark(1), Mark(2)], n=3, replace=True)
    out, _ = with_replacement.apply_pair(np.zeros((1, 1), np.int64), None, rng)
    assert len(marks(out)) == 3 and marks(out) == sorted(marks(out))
    skipped = SomeOf([Mark(1, p=0.0), Mark(2, p=0.0)], n=2)
    assert int(skipped.apply_pair(np.zeros((1, 1), np.int64), None, rng)[0][0, 0]) == 0
    with pytest.raises(InvalidParameterError, match=r"SomeOf: n must lie in \[0, 2\]"):
        SomeOf([Mark(1), Mark(2)], n=3)


def test_sequential_applies_all_in_order_as_one_unit():
    rng = np.random.default_rng(0)
    sequence = Sequential([Mark(1), Mark(2), Mark(3, p=0.0)])
    assert marks(sequence.apply_pair(np.zeros((1, 1), np.int64), None, rng)[0]) == [1, 2]
    inner = OneOf([Sequential([Mark(4), Mark(5)]), Compose([Mark(6), Mark(7)])])
    seen = {tuple(marks(inner.apply_pair(np.zeros((1, 1), np.int64), None, rng)[0]))
            for _ in range(40)}
    assert seen == {(4, 5), (6, 7)}  # a Compose child acts as one choice
    with pytest.raises(NotImplementedError, match="Compose"):
        Sequential([Mark(1)]).apply(np.zeros((1, 1)))


def test_combinators_report_their_output_sizes():
    assert Sequential([Pad(2), RandomCrop(8, 8)]).output_sizes(8, 8) == {(8, 8)}
    assert Sequential([Pad(2)], p=0.5).output_sizes(8, 8) == {(8, 8), (12, 12)}
    assert OneOf([Pad(1), Pad(2)]).output_sizes(8, 8) == {(10, 10), (12, 12)}
    assert SomeOf([Pad(1), HorizontalFlip()], n=1).output_sizes(8, 8) == {(8, 8), (10, 10)}
    X = np.zeros((6, 8, 8), np.uint8)
    y = np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(InvalidParameterError, match="keep the image size"):
        ImageOverSampler(OneOf([Pad(1), HorizontalFlip()])).fit_resample(X, y)


def test_combinators_check_their_children_at_use():
    flip = HorizontalFlip()
    pipeline = Compose([OneOf([flip, VerticalFlip()])])
    flip.p = 2.0
    with pytest.raises(InvalidParameterError, match="HorizontalFlip: p must lie"):
        pipeline(image=np.zeros((4, 4), np.uint8))
    with pytest.raises(InvalidParameterError, match="OneOf: transforms must be a list"):
        OneOf(HorizontalFlip())
    with pytest.raises(InvalidParameterError, match="Sequential: Compose got"):
        Sequential([lambda image: image])


# --- in the sampler ----------------------------------------------------------------------


@needs_cv2
def test_policies_drive_the_sampler_per_class_with_masks():
    X = np.stack([blobs(size=16, seed=s) for s in range(14)])
    masks = np.stack([labels_of(image) for image in X])
    y = np.array([0] * 8 + [1] * 3 + [2] * 3)
    sampler = ImageOverSampler(
        {1: RandAugment(num_ops=2, magnitude=15), 2: HorizontalFlip(p=1.0)},
        random_state=0,
    )
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    assert Counter(y_res.tolist()) == {0: 8, 1: 8, 2: 8}
    assert set(np.unique(masks_res)) <= {0, 1, 2}
    sources = sampler.sample_indices_
    for row in np.flatnonzero(y_res == 2)[3:]:
        np.testing.assert_array_equal(X_res[row], X[sources[row]][:, ::-1])
        np.testing.assert_array_equal(masks_res[row], masks[sources[row]][:, ::-1])
    again = ImageOverSampler(
        {1: RandAugment(num_ops=2, magnitude=15), 2: HorizontalFlip(p=1.0)}, random_state=0
    ).fit_resample(X, y, masks=masks)
    np.testing.assert_array_equal(again[0], X_res)


def test_a_per_class_dict_must_cover_every_class_that_grows():
    X = np.zeros((7, 8, 8), np.uint8)
    y = np.array([0, 0, 0, 0, 1, 1, 2])
    with pytest.raises(InvalidParameterError, match=r"no entry for class 2.*\{2: transform\}"):
        ImageOverSampler({1: HorizontalFlip()}).fit_resample(X, y)
    with pytest.raises(InvalidParameterError, match="no entry for class 2"):
        ImageOverSampler({1: HorizontalFlip()}).plan(y)
    X_res, y_res = ImageOverSampler({1: HorizontalFlip()}, sampling_strategy={1: 4}).fit_resample(
        X, y
    )
    assert Counter(y_res.tolist()) == {0: 4, 1: 4, 2: 1}
    with pytest.raises(InvalidParameterError, match=r"transform\[1\] must be"):
        ImageOverSampler({1: "flip"}).fit_resample(X, y)
