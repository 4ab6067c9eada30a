"""Geometric transforms that move pixels without resampling them: flips, crops and padding.

They move the image and its mask with the same parameters; masks always use
nearest-neighbour interpolation and their own border label ``mask_fill``.
Every transform reads its parameters through :meth:`ImageTransform.settings`,
so they are checked when the transform is applied, not only when it is built.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image import _backend as backend
from tabaug.image import _functional_geometric as F
from tabaug.image._base import ImageTransform, randint, uniform
from tabaug.image._validation import (
    check_fill,
    check_int_pair,
    check_mask_fill,
    check_range,
    check_size,
)
from tabaug.utils import check_option

# Resizing needs OpenCV (the image extra).
__doctest_requires__ = {"RandomResizedCrop": ["cv2"]}

__all__ = ["HorizontalFlip", "Pad", "RandomCrop", "RandomResizedCrop", "VerticalFlip"]


class _NoBorder(ImageTransform):
    """A geometric transform that creates no border: ``mask_fill`` is accepted and checked."""

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        return {**super().check_params(), "mask_fill": check_mask_fill(self.mask_fill, owner)}


class HorizontalFlip(_NoBorder):
    """Mirror left to right (image and mask).

    Parameters
    ----------
    p : float, default=0.5
        Probability of flipping each image.
    mask_fill : int, default=0
        Accepted like every geometric transform's, but unused: a flip creates no
        border, so no mask pixel needs a fill label.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, HorizontalFlip
    >>> out = Compose([HorizontalFlip(p=1.0)])(image=np.array([[1, 2]], dtype=np.uint8))
    >>> out["image"]
    array([[2, 1]], dtype=uint8)
    """

    def __init__(self, p: float = 0.5, mask_fill: int = 0) -> None:
        self.mask_fill = mask_fill
        super().__init__(p)

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.hflip(image)

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return F.hflip(mask)


class VerticalFlip(_NoBorder):
    """Mirror top to bottom (image and mask).

    Parameters
    ----------
    p : float, default=0.5
        Probability of flipping each image.
    mask_fill : int, default=0
        Accepted like every geometric transform's, but unused: a flip creates no
        border, so no mask pixel needs a fill label.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, VerticalFlip
    >>> out = Compose([VerticalFlip(p=1.0)])(image=np.array([[1], [2]], dtype=np.uint8))
    >>> out["image"].ravel()
    array([2, 1], dtype=uint8)
    """

    def __init__(self, p: float = 0.5, mask_fill: int = 0) -> None:
        self.mask_fill = mask_fill
        super().__init__(p)

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.vflip(image)

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return F.vflip(mask)


class RandomCrop(_NoBorder):
    """Cut a ``height`` x ``width`` window at a random position.

    The output is smaller than the input: to keep the size (as
    :class:`~tabaug.image.ImageOverSampler` requires), put a :class:`Pad`
    before it ("pad and crop") or use :class:`RandomResizedCrop`.

    Parameters
    ----------
    height, width : int
        Window size; images smaller than that are refused.
    p : float, default=1.0
        Probability of cropping each image.
    mask_fill : int, default=0
        Accepted like every geometric transform's, but unused: a crop inside the image creates no
        border, so no mask pixel needs a fill label.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Pad, RandomCrop
    >>> pad_and_crop = Compose([Pad(4, mode="reflect"), RandomCrop(32, 32)], random_state=0)
    >>> pad_and_crop(image=np.zeros((32, 32, 3), dtype=np.uint8))["image"].shape
    (32, 32, 3)
    """

    def __init__(self, height: int, width: int, p: float = 1.0, mask_fill: int = 0) -> None:
        self.height = height
        self.width = width
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        return {
            **super().check_params(),
            "height": check_size(self.height, "height", owner),
            "width": check_size(self.width, "width", owner),
        }

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        height, width = settings["height"], settings["width"]
        rows, cols = image.shape[:2]
        if rows < height or cols < width:
            raise InvalidInputError(
                f"{type(self).__name__}({height}, {width}) cannot crop a {rows}x{cols} image; "
                "put a Pad before it or crop smaller"
            )
        return {"top": randint(rng, rows - height + 1), "left": randint(rng, cols - width + 1)}

    def apply(self, image: np.ndarray, top: int, left: int, **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.crop(image, top, left, settings["height"], settings["width"])

    def apply_to_mask(self, mask: np.ndarray, top: int, left: int, **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.crop(mask, top, left, settings["height"], settings["width"])

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        settings = self.settings()
        return settings["height"], settings["width"]


class RandomResizedCrop(_NoBorder):
    """Crop a random area and aspect ratio, then resize it to ``height`` x ``width``.

    The window is drawn as in torchvision's ``RandomResizedCrop``: its area is a
    fraction ``scale`` of the image and its aspect ratio (width / height) lies
    in ``ratio`` on a log scale; after 10 failed draws it falls back to a
    centred crop.

    Parameters
    ----------
    height, width : int
        Output size.
    scale : (float, float), default=(0.08, 1.0)
        Range of the window's area as a fraction of the image's.
    ratio : (float, float), default=(3/4, 4/3)
        Range of the window's aspect ratio.
    interpolation : {"nearest", "linear", "cubic", "area"}, default="linear"
        For the image; masks always use nearest-neighbour.
    p : float, default=1.0
        Probability of cropping each image.
    mask_fill : int, default=0
        Accepted like every geometric transform's, but unused: a window inside the image creates no
        border, so no mask pixel needs a fill label.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, RandomResizedCrop
    >>> crop = Compose([RandomResizedCrop(16, 16, scale=(0.5, 1.0))], random_state=0)
    >>> crop(image=np.zeros((32, 48, 3), dtype=np.uint8))["image"].shape
    (16, 16, 3)
    """

    def __init__(
        self,
        height: int,
        width: int,
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (3 / 4, 4 / 3),
        interpolation: str = "linear",
        p: float = 1.0,
        mask_fill: int = 0,
    ) -> None:
        self.height = height
        self.width = width
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        low, high = check_range(self.ratio, "ratio", owner, low=1e-6)
        return {
            **super().check_params(),
            "height": check_size(self.height, "height", owner),
            "width": check_size(self.width, "width", owner),
            "scale": check_range(self.scale, "scale", owner, low=1e-6, high=1.0),
            "log_ratio": (math.log(low), math.log(high)),
            "interpolation": check_option(
                self.interpolation, "interpolation", backend.INTERPOLATIONS, owner=owner
            ),
        }

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        scale, log_ratio = settings["scale"], settings["log_ratio"]
        rows, cols = image.shape[:2]
        area = rows * cols
        for _ in range(10):
            target = area * uniform(rng, scale)
            aspect = math.exp(uniform(rng, log_ratio))
            width = round(math.sqrt(target * aspect))
            height = round(math.sqrt(target / aspect))
            if 0 < width <= cols and 0 < height <= rows:
                top = randint(rng, rows - height + 1)
                left = randint(rng, cols - width + 1)
                return {"window": (top, left, height, width)}
        aspect = cols / rows
        low, high = math.exp(log_ratio[0]), math.exp(log_ratio[1])
        if aspect < low:
            width, height = cols, min(rows, round(cols / low))
        elif aspect > high:
            width, height = min(cols, round(rows * high)), rows
        else:
            width, height = cols, rows
        return {"window": ((rows - height) // 2, (cols - width) // 2, height, width)}

    def apply(self, image: np.ndarray, window: tuple[int, ...], **params: Any) -> np.ndarray:
        settings = self.settings()
        size = (settings["height"], settings["width"])
        return F.resized_crop(image, *window, size, settings["interpolation"])

    def apply_to_mask(self, mask: np.ndarray, window: tuple[int, ...], **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.resized_crop(mask, *window, (settings["height"], settings["width"]), "nearest")

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        settings = self.settings()
        return settings["height"], settings["width"]


class Pad(ImageTransform):
    """Add a border of fixed width.

    Parameters
    ----------
    padding : int or (int, int) or (int, int, int, int)
        Border in pixels: one number for every side, ``(x, y)`` for left/right
        and top/bottom, or ``(left, top, right, bottom)`` (torchvision's order).
    mode : {"constant", "edge", "reflect", "symmetric", "wrap"}, default="constant"
        As in :func:`numpy.pad`; the mask is padded with the same mode.
    fill : number or sequence of numbers, default=0
        Image border value for ``mode="constant"``, in the image's units.
    mask_fill : int, default=0
        Mask border label for ``mode="constant"``.
    p : float, default=1.0
        Probability of padding each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Pad
    >>> out = Compose([Pad((1, 2, 3, 4), fill=7)])(image=np.zeros((2, 2), dtype=np.uint8))
    >>> out["image"].shape
    (8, 6)
    """

    def __init__(
        self,
        padding: int | tuple[int, ...],
        mode: str = "constant",
        fill: float | Sequence[float] = 0,
        mask_fill: int = 0,
        p: float = 1.0,
    ) -> None:
        self.padding = padding
        self.mode = mode
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        what = "a non-negative int, (x, y) or (left, top, right, bottom)"
        values = check_int_pair(self.padding, "padding", owner, what=what)
        if len(values) not in (1, 2, 4):
            raise InvalidParameterError(f"{owner}: padding must be {what}; got {self.padding!r}.")
        left, top, right, bottom = values * (4 // len(values))
        return {
            **super().check_params(),
            "sides": (top, bottom, left, right),
            "mode": check_option(self.mode, "mode", backend.BORDER_MODES, owner=owner),
            "fill": check_fill(self.fill, owner),
            "mask_fill": check_mask_fill(self.mask_fill, owner),
        }

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.pad(image, *settings["sides"], mode=settings["mode"], fill=settings["fill"])

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        settings = self.settings()
        return F.pad(mask, *settings["sides"], mode=settings["mode"], fill=settings["mask_fill"])

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        top, bottom, left, right = self.settings()["sides"]
        return height + top + bottom, width + left + right
