"""Affine geometric transforms: rotations, general affine warps, shears and translations.

Each draws a 2x3 matrix (:func:`tabaug.image.functional.affine_matrix`) and
warps the image with it, and the mask with the same matrix, nearest-neighbour
and its own border label ``mask_fill``. They need OpenCV (the image extra).
Every transform reads its parameters through :meth:`ImageTransform.settings`,
so they are checked when the transform is applied, not only when it is built.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.image import _backend as backend
from tabaug.image import _functional_geometric as F
from tabaug.image._base import ImageTransform, uniform
from tabaug.image._validation import check_fill, check_mask_fill, check_range
from tabaug.utils import check_option

__all__ = ["Affine", "Rotate", "ShearX", "ShearY", "TranslateX", "TranslateY"]

# Warps need OpenCV (the image extra).
__doctest_requires__ = {
    ("Rotate", "Affine", "ShearX", "ShearY", "TranslateX", "TranslateY"): ["cv2"]
}


class _Warp(ImageTransform):
    """Base of the transforms that warp with an affine matrix drawn by ``draw_params``.

    Subclasses store ``interpolation``, ``border_mode``, ``fill`` and
    ``mask_fill`` and return ``{"matrix": ...}`` from ``draw_params``.
    """

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        return {
            **super().check_params(),
            "interpolation": check_option(
                self.interpolation, "interpolation", backend.WARP_INTERPOLATIONS, owner=owner
            ),
            "border_mode": check_option(
                self.border_mode, "border_mode", backend.BORDER_MODES, owner=owner
            ),
            "fill": check_fill(self.fill, owner),
            "mask_fill": check_mask_fill(self.mask_fill, owner),
        }

    def apply(self, image: np.ndarray, matrix: np.ndarray, **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.affine(
            image, matrix, settings["interpolation"], settings["border_mode"], settings["fill"]
        )

    def apply_to_mask(self, mask: np.ndarray, matrix: np.ndarray, **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.affine(mask, matrix, "nearest", settings["border_mode"], settings["mask_fill"])


class Rotate(_Warp):
    """Rotate about the centre by a random angle, keeping the image size.

    Parameters
    ----------
    limit : float or (float, float), default=30
        Angle range in degrees (counter-clockwise): ``limit`` means
        ``(-limit, limit)``; a pair is ``(low, high)``.
    interpolation : {"nearest", "linear", "cubic"}, default="linear"
        For the image; masks always use nearest-neighbour.
    border_mode : {"constant", "edge", "reflect", "symmetric", "wrap"}, default="constant"
        How the corners brought in from outside are filled (image and mask).
    fill : number or sequence of numbers, default=0
        Image border value for ``border_mode="constant"``, in the image's units.
    mask_fill : int, default=0
        Mask border label for ``border_mode="constant"``.
    p : float, default=0.5
        Probability of rotating each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Rotate
    >>> image = np.zeros((8, 8), dtype=np.uint8)
    >>> image[:, :4] = 255
    >>> out = Compose([Rotate(limit=(90, 90), p=1.0)])(image=image)["image"]
    >>> int(out[0].sum() // 255), int(out[-1].sum() // 255)
    (0, 8)
    """

    def __init__(
        self,
        limit: float | tuple[float, float] = 30,
        interpolation: str = "linear",
        border_mode: str = "constant",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 0.5,
    ) -> None:
        self.limit = limit
        self.interpolation = interpolation
        self.border_mode = border_mode
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        limit = check_range(self.limit, "limit", type(self).__name__, symmetric_around=0.0)
        return {**super().check_params(), "limit": limit}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        angle = uniform(rng, self.settings()["limit"])
        return {"matrix": F.affine_matrix(image.shape[0], image.shape[1], angle=angle)}


class Affine(_Warp):
    """Random translation, scaling and (optionally) rotation about the centre.

    Ranges follow albumentations' ``Affine``: a number is a fixed value, a pair
    ``(low, high)`` a range sampled per image.

    Parameters
    ----------
    translate : float or (float, float), default=(-0.1, 0.1)
        Shift as a fraction of the width (x) and height (y); x and y are drawn
        independently from the range.
    scale : float or (float, float), default=(0.9, 1.1)
        Zoom factor (1 keeps the size of the content).
    rotate : float or (float, float), default=0.0
        Angle in degrees, counter-clockwise.
    interpolation, border_mode, fill, mask_fill
        As in :class:`Rotate`.
    p : float, default=0.5
        Probability of warping each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Affine, Compose
    >>> image = np.zeros((8, 8), dtype=np.uint8)
    >>> image[4, 4] = 255
    >>> shift = Affine(translate=0.25, scale=1.0, interpolation="nearest", p=1.0)
    >>> np.argwhere(Compose([shift])(image=image)["image"]).tolist()
    [[6, 6]]
    """

    def __init__(
        self,
        translate: float | tuple[float, float] = (-0.1, 0.1),
        scale: float | tuple[float, float] = (0.9, 1.1),
        rotate: float | tuple[float, float] = 0.0,
        interpolation: str = "linear",
        border_mode: str = "constant",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 0.5,
    ) -> None:
        self.translate = translate
        self.scale = scale
        self.rotate = rotate
        self.interpolation = interpolation
        self.border_mode = border_mode
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        return {
            **super().check_params(),
            "translate": check_range(self.translate, "translate", owner, low=-1.0, high=1.0),
            "scale": check_range(self.scale, "scale", owner, low=1e-3),
            "rotate": check_range(self.rotate, "rotate", owner),
        }

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        height, width = image.shape[:2]
        translate = settings["translate"]
        shift = (uniform(rng, translate) * width, uniform(rng, translate) * height)
        matrix = F.affine_matrix(
            height,
            width,
            angle=uniform(rng, settings["rotate"]),
            translate=shift,
            scale=uniform(rng, settings["scale"]),
        )
        return {"matrix": matrix}


class _Shear(_Warp):
    """Shear along one axis by a random factor; ``_axis`` is 0 for x, 1 for y."""

    _axis = 0

    def __init__(
        self,
        shear: float | tuple[float, float] = 0.3,
        interpolation: str = "linear",
        border_mode: str = "constant",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 0.5,
    ) -> None:
        self.shear = shear
        self.interpolation = interpolation
        self.border_mode = border_mode
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        shear = check_range(self.shear, "shear", type(self).__name__, symmetric_around=0.0)
        return {**super().check_params(), "shear": shear}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        factor = uniform(rng, self.settings()["shear"])
        shear = (factor, 0.0) if self._axis == 0 else (0.0, factor)
        return {"matrix": F.affine_matrix(image.shape[0], image.shape[1], shear=shear)}


class ShearX(_Shear):
    """Shear horizontally about the centre by a random factor (rows slide sideways).

    Parameters
    ----------
    shear : float or (float, float), default=0.3
        Range of the shear factor, the tangent of the shear angle: ``s``
        means ``(-s, s)``; a pair is ``(low, high)``. Row ``y`` (measured
        from the centre, down) moves ``shear * y`` pixels right.
    interpolation, border_mode, fill, mask_fill
        As in :class:`Rotate`.
    p : float, default=0.5
        Probability of shearing each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, ShearX
    >>> image = np.zeros((5, 5), dtype=np.uint8)
    >>> image[:, 2] = 255
    >>> out = Compose([ShearX(shear=(1.0, 1.0), interpolation="nearest", p=1.0)])(image=image)
    >>> np.argwhere(out["image"])[:, 1].tolist()  # the vertical line now leans
    [0, 1, 2, 3, 4]
    """

    _axis = 0


class ShearY(_Shear):
    """Shear vertically about the centre by a random factor (columns slide up or down).

    Parameters
    ----------
    shear : float or (float, float), default=0.3
        Range of the shear factor: ``s`` means ``(-s, s)``. Column ``x``
        (measured from the centre, right) moves ``shear * x`` pixels down.
    interpolation, border_mode, fill, mask_fill
        As in :class:`Rotate`.
    p : float, default=0.5
        Probability of shearing each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, ShearY
    >>> image = np.zeros((5, 5), dtype=np.uint8)
    >>> image[2, :] = 255
    >>> out = Compose([ShearY(shear=(1.0, 1.0), interpolation="nearest", p=1.0)])(image=image)
    >>> np.argwhere(out["image"])[:, 0].tolist()
    [0, 1, 2, 3, 4]
    """

    _axis = 1


class _Translate(_Warp):
    """Shift along one axis by a random fraction of the side; ``_axis`` is 0 for x, 1 for y."""

    _axis = 0

    def __init__(
        self,
        translate: float | tuple[float, float] = 0.2,
        interpolation: str = "linear",
        border_mode: str = "constant",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 0.5,
    ) -> None:
        self.translate = translate
        self.interpolation = interpolation
        self.border_mode = border_mode
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        translate = check_range(
            self.translate, "translate", type(self).__name__, symmetric_around=0.0,
            low=-1.0, high=1.0,
        )
        return {**super().check_params(), "translate": translate}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        height, width = image.shape[:2]
        fraction = uniform(rng, self.settings()["translate"])
        shift = (fraction * width, 0.0) if self._axis == 0 else (0.0, fraction * height)
        return {"matrix": F.affine_matrix(height, width, translate=shift)}


class TranslateX(_Translate):
    """Shift left or right by a random fraction of the width.

    Parameters
    ----------
    translate : float or (float, float), default=0.2
        Range of the shift as a fraction of the width, within [-1, 1]: ``t``
        means ``(-t, t)``; positive moves right.
    interpolation, border_mode, fill, mask_fill
        As in :class:`Rotate`.
    p : float, default=0.5
        Probability of shifting each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, TranslateX
    >>> image = np.zeros((4, 4), dtype=np.uint8)
    >>> image[1, 1] = 255
    >>> shift = TranslateX(translate=(0.5, 0.5), interpolation="nearest", p=1.0)
    >>> np.argwhere(Compose([shift])(image=image)["image"]).tolist()
    [[1, 3]]
    """

    _axis = 0


class TranslateY(_Translate):
    """Shift up or down by a random fraction of the height.

    Parameters
    ----------
    translate : float or (float, float), default=0.2
        Range of the shift as a fraction of the height, within [-1, 1];
        positive moves down.
    interpolation, border_mode, fill, mask_fill
        As in :class:`Rotate`.
    p : float, default=0.5
        Probability of shifting each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, TranslateY
    >>> image = np.zeros((4, 4), dtype=np.uint8)
    >>> image[1, 1] = 255
    >>> shift = TranslateY(translate=(-0.25, -0.25), interpolation="nearest", p=1.0)
    >>> np.argwhere(Compose([shift])(image=image)["image"]).tolist()
    [[0, 1]]
    """

    _axis = 1
