"""Augmentation policies: RandAugment and TrivialAugment, over torchvision's 14 operations.

A policy is a transform like any other (it has a ``p``, nests in
:class:`~tabaug.image.Compose` and draws from its generator). Per image it
picks operations and magnitudes from a table; the geometric operations
(shears, translations, rotations) move the mask with the same matrix,
nearest-neighbour, and the others leave it alone.

The operations, in torchvision's order: Identity, ShearX, ShearY,
TranslateX, TranslateY, Rotate, Brightness, Color (saturation), Contrast,
Sharpness, Posterize, Solarize, AutoContrast, Equalize. Their magnitude
tables follow torchvision (``RandAugment`` and ``TrivialAugmentWide``), with
``n = num_magnitude_bins`` bins:

=============== ============================ ============================ ======
operation       RandAugment                  TrivialAugment ("wide")      signed
=============== ============================ ============================ ======
ShearX, ShearY  linspace(0, 0.3, n)          linspace(0, 0.99, n)         yes
TranslateX      linspace(0, 150/331 * W, n)  linspace(0, 32, n) pixels    yes
TranslateY      linspace(0, 150/331 * H, n)  linspace(0, 32, n) pixels    yes
Rotate          linspace(0, 30, n) degrees   linspace(0, 135, n) degrees  yes
Brightness,     factor 1 + linspace(0, 0.9)  factor 1 + linspace(0, 0.99) yes
Color,
Contrast,
Sharpness
Posterize       8 - round(i / ((n-1) / 4))   8 - round(i / ((n-1) / 6))   no
                bits kept (8 down to 4)      bits kept (8 down to 2)
Solarize        threshold linspace(1, 0, n)  threshold linspace(1, 0, n)  no
                of the maximum               of the maximum
=============== ============================ ============================ ======

A signed magnitude is negated with probability 1/2. Translations are whole
pixels (truncated, as in torchvision). TrivialAugment's translation is in
pixels whatever the image size, as in torchvision: on an 8x8 image it can
move the content out of the frame. Differences from torchvision: shears are
about the centre (torchvision shears about the top-left corner, which also
shifts the image), uint8 results are rounded rather than truncated, and an
alpha channel is left alone by the tone operations. The geometric operations
need OpenCV (the image extra).
"""

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.image import _backend as backend
from tabaug.image import _functional_geometric as geometric
from tabaug.image import _functional_photometric as photometric
from tabaug.image import _functional_tone as tone
from tabaug.image._base import ImageTransform, randint
from tabaug.image._validation import check_fill, check_mask_fill
from tabaug.utils import check_option, check_scalar

__all__ = ["OPERATIONS", "RandAugment", "TrivialAugment", "magnitude_table"]

# Geometric policy ops need OpenCV (the image extra), so the examples do too.
__doctest_requires__ = {("RandAugment", "TrivialAugment"): ["cv2"]}

OPERATIONS = (
    "Identity",
    "ShearX",
    "ShearY",
    "TranslateX",
    "TranslateY",
    "Rotate",
    "Brightness",
    "Color",
    "Contrast",
    "Sharpness",
    "Posterize",
    "Solarize",
    "AutoContrast",
    "Equalize",
)
_GEOMETRIC = frozenset({"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"})
_SIGNED = _GEOMETRIC | {"Brightness", "Color", "Contrast", "Sharpness"}
_COLOR_STEPS = {"Brightness": "brightness", "Color": "saturation", "Contrast": "contrast"}


def magnitude_table(
    policy: str, num_bins: int, height: int, width: int
) -> dict[str, np.ndarray | None]:
    """The magnitudes of every operation of a policy, bin by bin (see the module table).

    Parameters
    ----------
    policy : {"randaugment", "trivialaugment"}
    num_bins : int
        Number of magnitude bins (at least 2).
    height, width : int
        Image size, for RandAugment's translations.

    Returns
    -------
    dict
        Operation name -> array of ``num_bins`` magnitudes, or None for the
        operations without one (Identity, AutoContrast, Equalize).

    Examples
    --------
    >>> from tabaug.image import magnitude_table
    >>> table = magnitude_table("randaugment", 31, 32, 32)
    >>> float(table["Rotate"][9]), int(table["Posterize"][9])
    (9.0, 7)
    """
    wide = check_option(policy, "policy", ("randaugment", "trivialaugment")) == "trivialaugment"
    check_scalar(num_bins, "num_bins", kind=numbers.Integral, low=2)
    bins = np.arange(num_bins)
    shear, rotate, factor = (0.99, 135.0, 0.99) if wide else (0.3, 30.0, 0.9)
    translate_x = 32.0 if wide else 150.0 / 331.0 * width
    translate_y = 32.0 if wide else 150.0 / 331.0 * height
    posterize = 8 - np.round(bins / ((num_bins - 1) / (6.0 if wide else 4.0))).astype(int)
    return {
        "Identity": None,
        "ShearX": np.linspace(0.0, shear, num_bins),
        "ShearY": np.linspace(0.0, shear, num_bins),
        "TranslateX": np.linspace(0.0, translate_x, num_bins),
        "TranslateY": np.linspace(0.0, translate_y, num_bins),
        "Rotate": np.linspace(0.0, rotate, num_bins),
        "Brightness": np.linspace(0.0, factor, num_bins),
        "Color": np.linspace(0.0, factor, num_bins),
        "Contrast": np.linspace(0.0, factor, num_bins),
        "Sharpness": np.linspace(0.0, factor, num_bins),
        "Posterize": posterize,
        "Solarize": np.linspace(1.0, 0.0, num_bins),
        "AutoContrast": None,
        "Equalize": None,
    }


def _matrix(name: str, magnitude: float, height: int, width: int) -> np.ndarray:
    if name == "ShearX":
        return geometric.affine_matrix(height, width, shear=(magnitude, 0.0))
    if name == "ShearY":
        return geometric.affine_matrix(height, width, shear=(0.0, magnitude))
    if name == "TranslateX":
        return geometric.affine_matrix(height, width, translate=(float(int(magnitude)), 0.0))
    if name == "TranslateY":
        return geometric.affine_matrix(height, width, translate=(0.0, float(int(magnitude))))
    return geometric.affine_matrix(height, width, angle=magnitude)


def _photometric(image: np.ndarray, name: str, magnitude: float) -> np.ndarray:
    if name in _COLOR_STEPS:
        return photometric.color_jitter(image, [(_COLOR_STEPS[name], 1.0 + magnitude)])
    if name == "Sharpness":
        return tone.adjust_sharpness(image, 1.0 + magnitude)
    if name == "Posterize":
        return tone.posterize(image, int(magnitude))
    if name == "Solarize":
        return tone.solarize(image, magnitude * backend.max_value(image.dtype))
    if name == "AutoContrast":
        return tone.autocontrast(image)
    if name == "Equalize":
        return tone.equalize(image)
    return image.copy()


class _Policy(ImageTransform):
    """Shared machinery: the magnitude table, and applying a drawn list of operations."""

    _policy = "randaugment"

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        bins = check_scalar(
            self.num_magnitude_bins, "num_magnitude_bins", owner=owner,
            kind=numbers.Integral, low=2,
        )
        return {
            **super().check_params(),
            "num_magnitude_bins": int(bins),
            "interpolation": check_option(
                self.interpolation, "interpolation", backend.WARP_INTERPOLATIONS, owner=owner
            ),
            "fill": check_fill(self.fill, owner),
            "mask_fill": check_mask_fill(self.mask_fill, owner),
        }

    def _operation(
        self, rng: np.random.Generator, table: dict, magnitude_bin: int | None
    ) -> tuple[str, float]:
        """One operation and its signed magnitude; ``None`` draws the bin too."""
        name = OPERATIONS[randint(rng, len(OPERATIONS))]
        values = table[name]
        if values is None:
            return name, 0.0
        if magnitude_bin is None:
            magnitude_bin = randint(rng, len(values))
        magnitude = float(values[magnitude_bin])
        if name in _SIGNED and rng.random() < 0.5:
            magnitude = -magnitude
        return name, magnitude

    def apply(
        self, image: np.ndarray, operations: Sequence[tuple[str, float]], **params: Any
    ) -> np.ndarray:
        settings = self.settings()
        height, width = image.shape[:2]
        for name, magnitude in operations:
            if name in _GEOMETRIC:
                image = geometric.affine(
                    image,
                    _matrix(name, magnitude, height, width),
                    settings["interpolation"],
                    "constant",
                    settings["fill"],
                )
            else:
                image = _photometric(image, name, magnitude)
        return image

    def apply_to_mask(
        self, mask: np.ndarray, operations: Sequence[tuple[str, float]], **params: Any
    ) -> np.ndarray:
        mask_fill = self.settings()["mask_fill"]
        height, width = mask.shape[:2]
        for name, magnitude in operations:
            if name in _GEOMETRIC:
                matrix = _matrix(name, magnitude, height, width)
                mask = geometric.affine(mask, matrix, "nearest", "constant", mask_fill)
        return mask


class RandAugment(_Policy):
    """RandAugment: ``num_ops`` operations per image, each at the same magnitude.

    Each image gets ``num_ops`` operations drawn uniformly (with
    replacement) from the 14 of the policy table, each at bin ``magnitude``
    of ``num_magnitude_bins``, with a random sign where the operation has
    one. Defaults are torchvision's ``RandAugment(num_ops=2, magnitude=9,
    num_magnitude_bins=31)``. The table and the differences from torchvision
    are in the module notes of ``tabaug.image._policies``; see also
    :func:`magnitude_table`.

    Parameters
    ----------
    num_ops : int, default=2
        Operations per image.
    magnitude : int, default=9
        Magnitude bin, 0 to ``num_magnitude_bins - 1``.
    num_magnitude_bins : int, default=31
        Bins of the magnitude table.
    interpolation : {"nearest", "linear", "cubic"}, default="nearest"
        For the geometric operations on the image (torchvision's default is
        nearest too); masks always use nearest-neighbour.
    fill : number or sequence of numbers, default=0
        Image border value brought in by the geometric operations.
    mask_fill : int, default=0
        Mask border label brought in by the geometric operations.
    p : float, default=1.0
        Probability of augmenting each image.

    References
    ----------
    Cubuk, E. D., Zoph, B., Shlens, J. and Le, Q. V. (2020). RandAugment:
    practical automated data augmentation with a reduced search space. CVPR
    Workshops.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, ImageOverSampler, RandAugment
    >>> policy = Compose([RandAugment(num_ops=2, magnitude=9)], random_state=0)
    >>> image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    >>> out = policy(image=image, mask=np.ones((32, 32), np.uint8))
    >>> out["image"].shape, out["mask"].dtype
    ((32, 32, 3), dtype('uint8'))
    """

    _policy = "randaugment"

    def __init__(
        self,
        num_ops: int = 2,
        magnitude: int = 9,
        num_magnitude_bins: int = 31,
        interpolation: str = "nearest",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 1.0,
    ) -> None:
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        checked = super().check_params()
        owner = type(self).__name__
        num_ops = check_scalar(self.num_ops, "num_ops", owner=owner, kind=numbers.Integral, low=0)
        magnitude = check_scalar(
            self.magnitude, "magnitude", owner=owner, kind=numbers.Integral, low=0,
            high=checked["num_magnitude_bins"] - 1,
        )
        return {**checked, "num_ops": int(num_ops), "magnitude": int(magnitude)}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        table = _table(self._policy, settings["num_magnitude_bins"], *image.shape[:2])
        level = settings["magnitude"]
        operations = [self._operation(rng, table, level) for _ in range(settings["num_ops"])]
        return {"operations": operations}


class TrivialAugment(_Policy):
    """TrivialAugment ("wide"): one operation per image, at a random magnitude.

    Each image gets one operation drawn uniformly from the 14 of the policy
    table and a magnitude bin drawn uniformly from ``num_magnitude_bins``,
    with a random sign where the operation has one: nothing to tune. The
    magnitudes are torchvision's ``TrivialAugmentWide`` (see the module notes
    of ``tabaug.image._policies`` and :func:`magnitude_table`).

    Parameters
    ----------
    num_magnitude_bins : int, default=31
        Bins of the magnitude table.
    interpolation : {"nearest", "linear", "cubic"}, default="nearest"
        For the geometric operations on the image; masks always use
        nearest-neighbour.
    fill : number or sequence of numbers, default=0
        Image border value brought in by the geometric operations.
    mask_fill : int, default=0
        Mask border label brought in by the geometric operations.
    p : float, default=1.0
        Probability of augmenting each image.

    References
    ----------
    Mueller, S. G. and Hutter, F. (2021). TrivialAugment: tuning-free yet
    state-of-the-art data augmentation. ICCV.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, TrivialAugment
    >>> policy = Compose([TrivialAugment()], random_state=0)
    >>> policy(image=np.zeros((16, 16), np.float32))["image"].dtype
    dtype('float32')
    """

    _policy = "trivialaugment"

    def __init__(
        self,
        num_magnitude_bins: int = 31,
        interpolation: str = "nearest",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 1.0,
    ) -> None:
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        table = _table(self._policy, self.settings()["num_magnitude_bins"], *image.shape[:2])
        return {"operations": [self._operation(rng, table, None)]}


_TABLES: dict[tuple, dict] = {}


def _table(policy: str, num_bins: int, height: int, width: int) -> dict:
    """:func:`magnitude_table`, memoized: it is the same for every image of a size."""
    key = (policy, num_bins, height, width)
    table = _TABLES.get(key)
    if table is None:
        if len(_TABLES) > 256:
            _TABLES.clear()
        table = _TABLES[key] = magnitude_table(policy, num_bins, height, width)
    return table
