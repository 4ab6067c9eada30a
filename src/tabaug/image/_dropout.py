"""Cutout: fill random rectangles of the image (and, on request, of the mask) with a constant.

It moves nothing, so it is not geometric, and it can change the mask, so it
is not photometric; albumentations files it under dropout, and so does tabaug.
"""

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidParameterError
from tabaug.image import _functional_geometric as F
from tabaug.image._base import ImageTransform
from tabaug.image._validation import check_fill, check_int_pair, check_mask_fill, check_range

__all__ = ["Cutout"]


class Cutout(ImageTransform):
    """Fill random rectangular holes with a constant (DeVries and Taylor, 2017).

    Parameters
    ----------
    num_holes : int or (int, int), default=1
        Number of holes; a pair is an inclusive range sampled per image.
    size : int, float or a pair of them, default=0.2
        Hole side: an int is pixels, a float in (0, 1] a fraction of the image's
        height (for the hole's height) and width (for its width); a pair is a
        range, and each hole's height and width are drawn from it independently.
    fill : number or sequence of numbers, default=0
        Value of the holes, in the image's units.
    mask_fill : int or None, default=None
        None leaves the mask as it is (the object is still there, only hidden);
        an int writes that label into the holes of the mask too.
    p : float, default=0.5
        Probability of cutting holes in each image.

    References
    ----------
    DeVries, T. and Taylor, G. W. (2017). Improved regularization of convolutional
    neural networks with cutout. arXiv:1708.04552.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Cutout
    >>> image = np.full((10, 10), 255, dtype=np.uint8)
    >>> out = Compose([Cutout(num_holes=1, size=4, p=1.0)], random_state=0)(image=image)
    >>> int((out["image"] == 0).sum())
    16
    """

    def __init__(
        self,
        num_holes: int | tuple[int, int] = 1,
        size: float | tuple[float, float] = 0.2,
        fill: float | Sequence[float] = 0,
        mask_fill: int | None = None,
        p: float = 0.5,
    ) -> None:
        self.num_holes = num_holes
        self.size = size
        self.fill = fill
        self.mask_fill = mask_fill
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        what = "a non-negative int or a (low, high) pair of them"
        holes = check_int_pair(self.num_holes, "num_holes", owner, what=what)
        holes = holes * 2 if np.ndim(self.num_holes) == 0 else holes
        if len(holes) != 2 or holes[0] > holes[1]:
            raise InvalidParameterError(
                f"{owner}: num_holes must be {what}; got {self.num_holes!r}."
            )
        sizes = (self.size, self.size) if np.ndim(self.size) == 0 else tuple(self.size)
        fraction = all(isinstance(v, float | np.floating) for v in sizes)
        if not fraction and not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_) for v in sizes
        ):
            raise InvalidParameterError(
                f"{owner}: size must be ints (pixels) or floats (fractions of the side), not a "
                f"mix; got {self.size!r}."
            )
        upper = 1.0 if fraction else np.inf
        return {
            **super().check_params(),
            "holes": holes,
            "fraction": fraction,
            "size": check_range(sizes, "size", owner, low=0.0, high=upper),
            "fill": check_fill(self.fill, owner),
            "mask_fill": None if self.mask_fill is None else check_mask_fill(self.mask_fill, owner),
        }

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        rows, cols = image.shape[:2]
        low, high = settings["holes"]
        count = low if low == high else int(rng.integers(low, high + 1))
        if count == 0:
            return {"holes": []}
        low_size, high_size = settings["size"]
        draws = rng.random((count, 2))
        if settings["fraction"]:
            sizes = (low_size + (high_size - low_size) * draws) * (rows, cols)
        else:
            sizes = low_size + np.floor((high_size - low_size + 1) * draws)
        heights = np.clip(sizes[:, 0].astype(np.int64), 1, rows)
        widths = np.clip(sizes[:, 1].astype(np.int64), 1, cols)
        corners = rng.random((count, 2))
        tops = (corners[:, 0] * (rows - heights + 1)).astype(np.int64)
        lefts = (corners[:, 1] * (cols - widths + 1)).astype(np.int64)
        return {
            "holes": list(
                zip(tops.tolist(), lefts.tolist(), heights.tolist(), widths.tolist(), strict=True)
            )
        }

    def apply(self, image: np.ndarray, holes: list, **params: Any) -> np.ndarray:
        return F.cutout(image, holes, self.settings()["fill"])

    def apply_to_mask(self, mask: np.ndarray, holes: list, **params: Any) -> np.ndarray:
        mask_fill = self.settings()["mask_fill"]
        if mask_fill is None:
            return mask
        return F.cutout(mask, holes, mask_fill)
