"""Tests of tabaug.image transforms, Compose and the pure functions behind them."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabaug.exceptions import InvalidInputError, InvalidTypeError
from tabaug.image import (
    Affine,
    ColorJitter,
    Compose,
    Cutout,
    GaussianNoise,
    HorizontalFlip,
    ImageDtypeError,
    ImageTransform,
    Pad,
    RandomCrop,
    RandomResizedCrop,
    Rotate,
    VerticalFlip,
    _backend,
)
from tabaug.image import functional as F
from tabaug.image._functional_photometric import color_jitter

try:
    import cv2  # noqa: F401

    HAS_CV2 = True
except ImportError:
    HAS_CV2 = False
# Rotations, affine warps and resizing need OpenCV; everything else has a numpy fallback.
needs_cv2 = pytest.mark.skipif(not HAS_CV2, reason='needs OpenCV: pip install "tabaug[image]"')
SIZE = 64
# Grey levels that separate the labels of the threshold-derived masks.
THRESHOLDS = (85, 170)


def blob_image(size: int = SIZE, channels: int | None = 3, seed: int = 0) -> np.ndarray:
    """A smooth image of a few Gaussian blobs, so thresholds give clean regions."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    field = np.zeros((size, size))
    for _ in range(5):
        cy, cx = rng.uniform(0.2 * size, 0.8 * size, 2)
        radius = rng.uniform(0.08 * size, 0.18 * size)
        field += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius**2))
    gray = np.clip(field / field.max() * 255, 0, 255).astype(np.uint8)
    if channels is None:
        return gray
    return np.repeat(gray[:, :, None], channels, axis=2)


def labels_of(image: np.ndarray) -> np.ndarray:
    """Threshold an image's first channel into labels 0, 1, 2."""
    gray = image if image.ndim == 2 else image[:, :, 0]
    return np.digitize(gray, THRESHOLDS).astype(np.uint8)


def uniform_neighbourhood(labels: np.ndarray, radius: int = 2) -> np.ndarray:
    """True where every pixel within ``radius`` (and inside the image) has the same label."""
    padded = np.pad(labels.astype(np.int64), radius, constant_values=-1)
    same = np.ones(labels.shape, dtype=bool)
    rows, cols = labels.shape
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            window = padded[radius + dy : radius + dy + rows, radius + dx : radius + dx + cols]
            same &= window == labels
    return same


GEOMETRIC = {
    "hflip": lambda interp, fill: HorizontalFlip(p=1.0),
    "vflip": lambda interp, fill: VerticalFlip(p=1.0),
    "rotate": lambda interp, fill: Rotate(45, interpolation=interp, mask_fill=fill, p=1.0),
    "affine": lambda interp, fill: Affine(
        translate=(-0.2, 0.2),
        scale=(0.7, 1.3),
        rotate=(-30, 30),
        interpolation=interp,
        mask_fill=fill,
        p=1.0,
    ),
    "random_crop": lambda interp, fill: RandomCrop(40, 48),
    "resized_crop": lambda interp, fill: RandomResizedCrop(
        48, 56, scale=(0.2, 1.0), interpolation=interp
    ),
    "pad": lambda interp, fill: Pad((3, 5, 7, 9), mask_fill=fill),
    "pad_reflect": lambda interp, fill: Pad(6, mode="reflect", mask_fill=fill),
}
WARPS = {"rotate", "affine", "resized_crop"}
GEOMETRIC_NAMES = [
    pytest.param(name, marks=needs_cv2 if name in WARPS else ()) for name in sorted(GEOMETRIC)
]
AVAILABLE_GEOMETRIC = sorted(GEOMETRIC if HAS_CV2 else set(GEOMETRIC) - WARPS)


@pytest.mark.parametrize("name", GEOMETRIC_NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_geometric_nearest_keeps_image_and_mask_exactly_aligned(name, seed):
    image = blob_image()
    mask = labels_of(image)
    out = Compose([GEOMETRIC[name]("nearest", 0)], random_state=seed)(image=image, mask=mask)
    # Border fill 0 thresholds to label 0 = mask_fill, so equality holds everywhere.
    np.testing.assert_array_equal(labels_of(out["image"]), out["mask"])


@pytest.mark.parametrize("name", GEOMETRIC_NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_geometric_linear_keeps_mask_aligned_away_from_label_borders(name, seed):
    image = blob_image()
    mask = labels_of(image)
    out = Compose([GEOMETRIC[name]("linear", 0)], random_state=seed)(image=image, mask=mask)
    interior = uniform_neighbourhood(out["mask"])
    assert interior.mean() > 0.25
    np.testing.assert_array_equal(labels_of(out["image"])[interior], out["mask"][interior])


@needs_cv2
def test_alignment_check_detects_a_mask_left_behind():
    image = blob_image()
    mask = labels_of(image)
    rotated = Compose([Rotate(limit=(40, 40), p=1.0)])(image=image)["image"]
    interior = uniform_neighbourhood(mask)
    assert (labels_of(rotated)[interior] != mask[interior]).mean() > 0.05


@pytest.mark.parametrize("name", GEOMETRIC_NAMES)
@pytest.mark.parametrize(
    "dtype", [np.uint8, np.int8, np.uint16, np.int32, np.int64, np.uint32, np.uint64]
)
def test_masks_keep_only_their_labels(name, dtype):
    image = blob_image()
    labels = np.array([3, 7, 11], dtype=dtype)
    mask = labels[labels_of(image)]
    out = Compose([GEOMETRIC[name]("linear", 3)], random_state=0)(image=image, mask=mask)["mask"]
    assert out.dtype == mask.dtype
    allowed = set(labels.tolist())
    assert set(np.unique(out).tolist()) <= allowed


@needs_cv2
def test_huge_integer_and_boolean_labels_survive_warps():
    image = blob_image()
    base = labels_of(image)
    rotate = Compose([Rotate(limit=(30, 30), mask_fill=0, p=1.0)])
    moved = rotate(image=image, mask=base)["mask"]
    labels = np.array([0, 2**41 + 5, 2**62], dtype=np.int64)
    np.testing.assert_array_equal(rotate(image=image, mask=labels[base])["mask"], labels[moved])
    boolean = rotate(image=image, mask=base > 0)["mask"]
    assert boolean.dtype == bool
    np.testing.assert_array_equal(boolean, moved > 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(st.integers(0, 2**31 - 1), min_size=1, max_size=4, unique=True),
    mask_fill=st.integers(0, 255),
    seed=st.integers(0, 2**32 - 1),
    name=st.sampled_from(AVAILABLE_GEOMETRIC),
)
def test_label_set_is_preserved_for_any_labels(labels, mask_fill, seed, name):
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)
    mask = np.array(labels, dtype=np.int64)[rng.integers(0, len(labels), (24, 24))]
    transform = GEOMETRIC[name]("linear", mask_fill)
    if name in ("random_crop", "resized_crop"):
        transform = RandomCrop(16, 20) if name == "random_crop" else RandomResizedCrop(20, 16)
    out = Compose([transform], random_state=seed)(image=image, mask=mask)["mask"]
    assert set(np.unique(out).tolist()) <= set(labels) | {mask_fill}


@pytest.mark.parametrize(
    "transform",
    [GaussianNoise(p=1.0), ColorJitter(0.5, 0.5, 0.5, 0.2, p=1.0), Cutout(num_holes=3, p=1.0)],
    ids=repr,
)
def test_photometric_transforms_and_cutout_leave_masks_alone(transform):
    image = blob_image()
    mask = labels_of(image)
    out = Compose([transform], random_state=0)(image=image, mask=mask)
    assert not np.array_equal(out["image"], image)
    np.testing.assert_array_equal(out["mask"], mask)


def test_cutout_with_mask_fill_cuts_the_same_holes_in_the_mask():
    image = np.full((32, 32, 3), 200, dtype=np.uint8)
    mask = np.ones((32, 32), dtype=np.uint8)
    cut = Cutout(num_holes=(2, 4), size=(3, 8), fill=0, mask_fill=9, p=1.0)
    out = Compose([cut], random_state=3)(image=image, mask=mask)
    holes = (out["image"] == 0).all(axis=2)
    assert holes.any()
    np.testing.assert_array_equal(out["mask"] == 9, holes)
    np.testing.assert_array_equal(out["mask"][~holes], 1)


def test_cutout_hole_sizes_follow_the_parameters():
    image = np.full((40, 50), 255, dtype=np.uint8)
    for seed in range(20):
        params = Cutout(num_holes=(2, 5), size=(4, 6)).draw_params(
            np.random.default_rng(seed), image
        )
        holes = params["holes"]
        assert 2 <= len(holes) <= 5
        for top, left, height, width in holes:
            assert 4 <= height <= 6 and 4 <= width <= 6
            assert 0 <= top <= 40 - height and 0 <= left <= 50 - width
    fraction = Cutout(num_holes=1, size=0.5).draw_params(np.random.default_rng(0), image)
    assert fraction["holes"][0][2:] == (20, 25)


ALL_SIZE_KEEPING = [
    HorizontalFlip(p=1.0),
    VerticalFlip(p=1.0),
    pytest.param(Rotate(p=1.0), marks=needs_cv2),
    pytest.param(Affine(rotate=(-20, 20), p=1.0), marks=needs_cv2),
    pytest.param(RandomResizedCrop(SIZE, SIZE), marks=needs_cv2),
    GaussianNoise(p=1.0),
    ColorJitter(p=1.0),
    Cutout(num_holes=2, mask_fill=1, p=1.0),
]


@pytest.mark.parametrize("transform", ALL_SIZE_KEEPING, ids=repr)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize(
    "shape", [(SIZE, SIZE), (SIZE, SIZE, 1), (SIZE, SIZE, 3), (SIZE, SIZE, 4), (4, SIZE, SIZE)]
)
def test_dtype_and_shape_are_preserved(transform, dtype, shape):
    rng = np.random.default_rng(0)
    image = rng.random(shape).astype(np.float32)
    if dtype == np.uint8:
        image = (image * 255).astype(np.uint8)
    mask_shape = shape[:3] if len(shape) == 3 and shape[2] not in (1, 3, 4) else shape[:2]
    mask = rng.integers(0, 3, mask_shape).astype(np.int32)
    out = Compose([transform], random_state=0)(image=image, mask=mask)
    assert out["image"].dtype == dtype and out["image"].shape == shape
    assert out["mask"].dtype == np.int32 and out["mask"].shape == mask_shape
    if dtype == np.float32:
        assert 0.0 <= out["image"].min() and out["image"].max() <= 1.0


@pytest.mark.parametrize(
    ("transform", "expected"),
    [(RandomCrop(20, 30), (20, 30)), (Pad((1, 2)), (SIZE + 4, SIZE + 2)), (Pad(3), (70, 70))],
    ids=repr,
)
def test_size_changing_transforms_report_their_output_size(transform, expected):
    image = blob_image()
    out = Compose([transform], random_state=0)(image=image, mask=labels_of(image))
    assert out["image"].shape == (*expected, 3) and out["mask"].shape == expected
    assert transform.output_size(SIZE, SIZE) == expected


@needs_cv2
def test_multichannel_images_beyond_opencv_limits():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (32, 32, 6), dtype=np.uint8)
    for transform in (Rotate(limit=(90, 90), interpolation="nearest", p=1.0), Pad(2, fill=7)):
        # Six channels would read as a batch of 32 images of width 6 without batch=False.
        out = Compose([transform])(image=image, batch=False)["image"]
        assert out.shape[2] == 6
        for channel in range(6):
            alone = Compose([transform])(image=np.ascontiguousarray(image[:, :, channel]))
            np.testing.assert_array_equal(out[:, :, channel], alone["image"])


def test_same_seed_same_output_and_different_seed_different_output():
    image = blob_image()
    mask = labels_of(image)
    transforms = [HorizontalFlip(), GaussianNoise(), ColorJitter(), Cutout(mask_fill=5)]
    if HAS_CV2:
        transforms += [Rotate(), Affine(), RandomResizedCrop(SIZE, SIZE)]
    runs = []
    for seed in (0, 0, 1):
        pipeline = Compose(transforms, random_state=seed)
        runs.append([pipeline(image=image, mask=mask) for _ in range(3)])
    for first, again in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(first["image"], again["image"])
        np.testing.assert_array_equal(first["mask"], again["mask"])
    assert any(
        not np.array_equal(a["image"], b["image"]) for a, b in zip(runs[0], runs[2], strict=True)
    )
    # Successive calls on one pipeline draw new parameters.
    assert not np.array_equal(runs[0][0]["image"], runs[0][1]["image"])


def test_the_global_numpy_rng_is_neither_used_nor_touched():
    image = blob_image()
    pipeline_outputs = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)  # noqa: NPY002 - the legacy global RNG is the subject
        state = np.random.get_state()[1].copy()  # noqa: NPY002
        pipeline = Compose([Cutout(), GaussianNoise(), ColorJitter()], random_state=7)
        pipeline_outputs.append(pipeline(image=image)["image"])
        np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    np.testing.assert_array_equal(*pipeline_outputs)


def test_each_image_of_a_batch_gets_its_own_parameters():
    batch = np.repeat(blob_image()[None], 8, axis=0)
    out = Compose([HorizontalFlip(p=0.5)], random_state=0)(image=batch)["image"]
    flipped = [np.array_equal(one, batch[0][:, ::-1]) for one in out]
    unchanged = [np.array_equal(one, batch[0]) for one in out]
    assert all(f or u for f, u in zip(flipped, unchanged, strict=True))
    assert any(flipped) and any(unchanged)


def test_ragged_batch_from_size_changing_transform_is_refused():
    batch = np.zeros((6, 16, 16), dtype=np.uint8)
    with pytest.raises(InvalidInputError, match="different sizes"):
        Compose([Pad(2, p=0.5)], random_state=0)(image=batch)


@pytest.mark.parametrize(
    ("shape", "mask_shape", "batch", "is_batch"),
    [
        ((16, 16, 3), None, None, False),
        ((16, 16, 1), None, None, False),
        ((16, 16, 4), None, None, False),
        ((5, 16, 16), None, None, True),
        ((16, 16, 3), (16, 16), None, False),
        ((3, 16, 16), (3, 16, 16), None, True),
        ((16, 16, 3), None, True, True),
        ((16, 16, 2), None, False, False),
    ],
)
def test_three_dimensional_layout_rule(shape, mask_shape, batch, is_batch):
    image = np.zeros(shape, dtype=np.uint8)
    mask = None if mask_shape is None else np.zeros(mask_shape, dtype=np.uint8)
    out = Compose([Pad(1)])(image=image, mask=mask, batch=batch)["image"]
    if is_batch:
        assert out.shape == (shape[0], shape[1] + 2, shape[2] + 2)
    else:
        assert out.shape == (shape[0] + 2, shape[1] + 2, shape[2])


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint16, np.float16, np.int8])
def test_wrong_image_dtypes_are_refused_with_advice(dtype):
    with pytest.raises(ImageDtypeError, match="uint8 .0..255. or float32 .0..1.") as error:
        Compose([HorizontalFlip()])(image=np.zeros((8, 8), dtype=dtype))
    assert isinstance(error.value, TypeError) and isinstance(error.value, ValueError)
    assert "astype" in str(error.value)


def test_bad_images_and_masks_are_refused():
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    pipeline = Compose([HorizontalFlip()])
    with pytest.raises(InvalidInputError, match="dimensions"):
        pipeline(image=np.zeros((2, 2, 8, 8, 3), dtype=np.uint8))
    with pytest.raises(InvalidInputError, match="dimensions"):
        pipeline(image=np.zeros(8, dtype=np.uint8))
    with pytest.raises(ImageDtypeError, match="integer labels"):
        pipeline(image=image, mask=np.zeros((8, 8), dtype=np.float32))
    with pytest.raises(InvalidInputError, match="does not match"):
        pipeline(image=image, mask=np.zeros((8, 7), dtype=np.uint8))
    with pytest.raises(InvalidInputError, match=r"mask\[\.\.\., 0\]"):
        pipeline(image=image, mask=np.zeros((8, 8, 1), dtype=np.uint8))
    with pytest.raises(InvalidInputError, match="empty"):
        pipeline(image=np.zeros((0, 8), dtype=np.uint8))
    with pytest.raises(ImageDtypeError, match="numeric"):
        pipeline(image=[["a"]])
    with pytest.raises(InvalidInputError, match="batch=False"):
        pipeline(image=np.zeros((2, 8, 8, 3), dtype=np.uint8), batch=False)
    with pytest.raises(InvalidInputError, match="cannot crop"):
        Compose([RandomCrop(10, 10)])(image=image)


@pytest.mark.parametrize(
    ("factory", "error"),
    [
        (lambda: HorizontalFlip(p=1.5), InvalidInputError),
        (lambda: HorizontalFlip(p="always"), InvalidTypeError),
        (lambda: Rotate(limit=-5), InvalidInputError),
        (lambda: Rotate(interpolation="bicubic"), InvalidInputError),
        (lambda: Rotate(border_mode="mirror"), InvalidInputError),
        (lambda: Rotate(mask_fill=0.5), InvalidTypeError),
        (lambda: Affine(scale=(1.2, 0.8)), InvalidInputError),
        (lambda: Affine(translate=2.0), InvalidInputError),
        (lambda: RandomCrop(0, 4), InvalidInputError),
        (lambda: RandomResizedCrop(8, 8, scale=(0.5, 2.0)), InvalidInputError),
        (lambda: Pad(-1), InvalidInputError),
        (lambda: Pad((1, 2, 3)), InvalidInputError),
        (lambda: Pad(1, mode="mirror"), InvalidInputError),
        (lambda: GaussianNoise(std=-0.1), InvalidInputError),
        (lambda: ColorJitter(hue=0.7), InvalidInputError),
        (lambda: ColorJitter(brightness="much"), InvalidTypeError),
        (lambda: Cutout(size=(2, 0.5)), InvalidTypeError),
        (lambda: Cutout(num_holes=(3, 1)), InvalidInputError),
        (lambda: Cutout(fill="black"), InvalidTypeError),
        (lambda: Compose(HorizontalFlip()), InvalidTypeError),
        (lambda: Compose([lambda image: image]), InvalidTypeError),
        (lambda: Compose([], random_state="seed"), InvalidTypeError),
    ],
)
def test_bad_parameters_are_refused_at_construction(factory, error):
    with pytest.raises(error):
        factory()


def test_standalone_transform_call_and_repr():
    out = HorizontalFlip(p=1.0)(image=np.array([[1, 2]], dtype=np.uint8))
    np.testing.assert_array_equal(out["image"], [[2, 1]])
    assert out["mask"] is None
    assert repr(Rotate(limit=10)) == (
        "Rotate(limit=10, interpolation='linear', border_mode='constant', fill=0, "
        "mask_fill=0, p=0.5)"
    )
    assert "HorizontalFlip(p=0.5, mask_fill=0)" in repr(Compose([HorizontalFlip()], random_state=3))


def test_a_custom_transform_works_in_compose():
    class Invert(ImageTransform):
        def apply(self, image, **params):
            return 255 - image

    image = blob_image()
    out = Compose([Invert(), HorizontalFlip(p=1.0)])(image=image, mask=labels_of(image))
    np.testing.assert_array_equal(out["image"], (255 - image)[:, ::-1])
    np.testing.assert_array_equal(out["mask"], labels_of(image)[:, ::-1])


# --- the pure functions, checked against independent references ---------------------------


def test_flips_and_crop_match_numpy():
    image = np.random.default_rng(0).integers(0, 256, (9, 9, 3), dtype=np.uint8)
    np.testing.assert_array_equal(F.hflip(image), image[:, ::-1])
    np.testing.assert_array_equal(F.vflip(image), image[::-1])
    np.testing.assert_array_equal(F.crop(image, 2, 3, 4, 5), image[2:6, 3:8])


@needs_cv2
def test_quarter_rotations_match_numpy():
    image = np.random.default_rng(0).integers(0, 256, (9, 9, 3), dtype=np.uint8)
    for quarter in (1, 2, 3):
        np.testing.assert_array_equal(
            F.rotate(image, 90 * quarter, interpolation="nearest"), np.rot90(image, quarter)
        )


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int64])
def test_pad_matches_numpy_pad(mode, dtype):
    image = np.random.default_rng(0).integers(1, 200, (6, 7, 3)).astype(dtype)
    widths = ((1, 2), (3, 4), (0, 0))
    kwargs = {"constant_values": 9} if mode == "constant" else {}
    expected = np.pad(image, widths, mode=mode, **kwargs)
    np.testing.assert_array_equal(F.pad(image, 1, 2, 3, 4, mode=mode, fill=9), expected)


@needs_cv2
def test_affine_translation_is_a_shift():
    image = np.random.default_rng(0).integers(1, 256, (10, 12), dtype=np.uint8)
    matrix = F.affine_matrix(10, 12, translate=(3.0, -2.0))
    out = F.affine(image, matrix, interpolation="nearest")
    expected = np.zeros_like(image)
    expected[:-2, 3:] = image[2:, :-3]
    np.testing.assert_array_equal(out, expected)


@needs_cv2
def test_resize_nearest_of_a_block_image_is_exact():
    small = np.arange(12, dtype=np.uint8).reshape(3, 4)
    np.testing.assert_array_equal(
        F.resize(small, 9, 8, interpolation="nearest"), np.kron(small, np.ones((3, 2), np.uint8))
    )


def test_colour_functions_match_their_formulas():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    values = image.astype(np.float64)
    luma = np.array([0.299, 0.587, 0.114])

    def as_uint8(array):
        return np.clip(np.rint(array), 0, 255).astype(np.uint8)

    for factor in (0.0, 0.6, 1.4):
        expected_b = as_uint8(values * factor)
        assert np.abs(F.adjust_brightness(image, factor).astype(int) - expected_b).max() <= 1
        mean = (values @ luma).mean()
        expected_c = as_uint8(values * factor + mean * (1 - factor))
        assert np.abs(F.adjust_contrast(image, factor).astype(int) - expected_c).max() <= 1
        gray = (values @ luma)[:, :, None]
        expected_s = as_uint8(values * factor + gray * (1 - factor))
        assert np.abs(F.adjust_saturation(image, factor).astype(int) - expected_s).max() <= 1


def test_hue_rotation_moves_primaries_and_round_trips():
    primaries = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], dtype=np.uint8)
    np.testing.assert_array_equal(F.adjust_hue(primaries, 1 / 3), primaries[:, [1, 2, 0]])
    image = blob_image(channels=None)
    rgb = np.stack([image, 255 - image, image // 2], axis=2)
    there_and_back = F.adjust_hue(F.adjust_hue(rgb, 0.2), -0.2)
    # uint8 HSV quantises saturation and value, so the round trip is close, not exact.
    assert np.abs(there_and_back.astype(int) - rgb).mean() < 1
    as_float = rgb.astype(np.float32) / 255
    there_and_back = F.adjust_hue(F.adjust_hue(as_float, 0.2), -0.2)
    np.testing.assert_allclose(there_and_back, as_float, atol=1e-4)
    gray = np.full((4, 4, 1), 90, dtype=np.uint8)
    np.testing.assert_array_equal(F.adjust_hue(gray, 0.3), gray)
    with pytest.raises(InvalidInputError, match="RGB"):
        F.adjust_saturation(np.zeros((4, 4, 2), dtype=np.uint8), 0.5)


def test_rgba_alpha_is_left_alone_by_colour_jitter():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (16, 16, 4), dtype=np.uint8)
    out = Compose([ColorJitter(0.4, 0.4, 0.4, 0.3, p=1.0)], random_state=0)(image=image)["image"]
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])
    assert not np.array_equal(out[:, :, :3], image[:, :, :3])


def test_fused_colour_steps_equal_the_steps_applied_one_by_one_in_float():
    rng = np.random.default_rng(2)
    image = rng.random((16, 16, 3)).astype(np.float32) * 0.5 + 0.25
    steps = [("contrast", 1.2), ("brightness", 0.9), ("saturation", 1.3)]
    one_by_one = image
    for name, value in steps:
        one_by_one = color_jitter(one_by_one, [(name, value)])
    np.testing.assert_allclose(color_jitter(image, steps), one_by_one, atol=1e-5)


def test_gaussian_noise_is_gaussian_with_the_requested_std():
    from scipy import stats

    image = np.full((128, 128), 0.5, dtype=np.float32)
    noisy = F.gaussian_noise(image, 0.05, random_state=0)
    noise = (noisy - image).ravel() / 0.05
    assert stats.kstest(noise, "norm").pvalue > 0.01
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 1) < 0.02
    shared = F.gaussian_noise(np.full((8, 8, 3), 128, np.uint8), 0.1, 0, per_channel=False)
    assert (shared == shared[:, :, :1]).all()


# --- numpy fallbacks when OpenCV is missing -----------------------------------------------


@pytest.fixture
def no_cv2(monkeypatch):
    monkeypatch.setattr(_backend, "opencv", lambda: None)


@needs_cv2
def test_numpy_fallbacks_match_opencv(monkeypatch):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
    mask = rng.integers(0, 4, (20, 24)).astype(np.uint8)
    pipelines = [
        [HorizontalFlip(p=1.0), VerticalFlip(p=1.0)],
        [Pad(3, mode="reflect"), RandomCrop(20, 24)],
        [Pad((1, 2), fill=(1, 2, 3), mask_fill=5)],
        [Cutout(num_holes=3, mask_fill=7, p=1.0)],
        [GaussianNoise(p=1.0)],
        [ColorJitter(0.3, 0.3, 0.3, 0.1, p=1.0)],
    ]
    for transforms in pipelines:
        with_cv2 = Compose(transforms, random_state=4)(image=image, mask=mask)
        with monkeypatch.context() as patch:
            patch.setattr(_backend, "opencv", lambda: None)
            without = Compose(transforms, random_state=4)(image=image, mask=mask)
        np.testing.assert_array_equal(without["mask"], with_cv2["mask"])
        difference = np.abs(without["image"].astype(int) - with_cv2["image"]).max()
        # Hue is quantised to 256 steps in OpenCV's uint8 HSV and exact in the fallback.
        assert difference <= (6 if isinstance(transforms[0], ColorJitter) else 1), transforms


@pytest.mark.usefixtures("no_cv2")
def test_warps_without_opencv_name_the_extra():
    image = np.zeros((8, 8), dtype=np.uint8)
    for transform in (Rotate(p=1.0), Affine(p=1.0), RandomResizedCrop(8, 8)):
        with pytest.raises(ImportError, match=r"tabaug\[image\]"):
            Compose([transform])(image=image)


@pytest.mark.usefixtures("no_cv2")
def test_float_images_work_without_opencv():
    image = blob_image().astype(np.float32) / 255
    out = Compose([HorizontalFlip(p=1.0), Pad(2), ColorJitter(p=1.0), GaussianNoise(p=1.0)])(
        image=image
    )["image"]
    assert out.dtype == np.float32 and out.shape == (SIZE + 4, SIZE + 4, 3)
    assert 0.0 <= out.min() and out.max() <= 1.0


@pytest.mark.parametrize(
    "factory",
    [
        lambda: HorizontalFlip(p=1.0, mask_fill=7),
        lambda: VerticalFlip(p=1.0, mask_fill=7),
        lambda: RandomCrop(6, 6, mask_fill=7),
        lambda: RandomResizedCrop(8, 8, mask_fill=7),
    ],
)
def test_geometric_transforms_without_a_border_accept_mask_fill(factory):
    pytest.importorskip("cv2")
    image = np.zeros((8, 8), dtype=np.uint8)
    mask = np.ones((8, 8), dtype=np.uint8)
    out = Compose([factory()], random_state=0)(image=image, mask=mask)
    assert set(np.unique(out["mask"])) == {1}  # no border, so the fill label never appears


def test_float32_images_outside_0_1_are_refused():
    with pytest.raises(InvalidInputError, match="0..1"):
        Compose([HorizontalFlip()])(image=np.full((8, 8, 3), 2.0, np.float32))
    with pytest.raises(InvalidInputError, match="NaN"):
        Compose([HorizontalFlip()])(image=np.full((8, 8, 3), np.nan, np.float32))


def test_a_nested_compose_adds_its_transforms_in_place():
    image = np.arange(16, dtype=np.uint8).reshape(4, 4)
    nested = Compose([Compose([HorizontalFlip(p=1.0)]), VerticalFlip(p=1.0)], random_state=0)
    flat = Compose([HorizontalFlip(p=1.0), VerticalFlip(p=1.0)], random_state=0)
    np.testing.assert_array_equal(nested(image=image)["image"], flat(image=image)["image"])
    assert len(nested.transforms) == 2
