"""Image transforms: small objects that draw random parameters and call pure functions.

Each transform has a probability ``p`` and parameter ranges; :class:`Compose`
chains them and owns the random generator (``numpy.random.Generator``, seeded by
``random_state``; the global numpy RNG is never touched). A composed pipeline is
called like albumentations, ``compose(image=..., mask=...)``, and returns a dict
with ``"image"`` and ``"mask"``.

Images are ``uint8`` (0..255) or ``float32`` (0..1), one ``(H, W)`` /
``(H, W, C)`` image or a batch ``(N, H, W)`` / ``(N, H, W, C)``; the dtype is
kept. Masks are integer (or boolean) label maps ``(H, W)`` / ``(N, H, W)``:
geometric transforms move them with the image's parameters using
nearest-neighbour interpolation, photometric transforms leave them as they are.

A 3-D array is ambiguous. The rule: with a mask, the mask decides (an
``(N, H, W)`` mask means a batch); without one, a last axis of size 1, 3 or 4
means channels, so ``(H, W, C)``, and any other size means a batch
``(N, H, W)``. Pass ``batch=True`` or ``batch=False`` to say it outright.

Examples
--------
>>> import numpy as np
>>> from tabaug.image import Compose, Cutout, HorizontalFlip
>>> pipeline = Compose([HorizontalFlip(p=0.5), Cutout(mask_fill=0)], random_state=0)
>>> image = np.zeros((32, 32, 3), dtype=np.uint8)
>>> mask = np.zeros((32, 32), dtype=np.uint8)
>>> out = pipeline(image=image, mask=mask)
>>> out["image"].shape, out["mask"].dtype
((32, 32, 3), dtype('uint8'))
"""

import inspect
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidTypeError
from tabaug.image import functional as F
from tabaug.image._validation import _check_pair, _check_probability, _check_range

__all__ = [
    "Affine",
    "ColorJitter",
    "Compose",
    "Cutout",
    "GaussianNoise",
    "HorizontalFlip",
    "ImageTransform",
    "Pad",
    "RandomCrop",
    "RandomResizedCrop",
    "Rotate",
    "VerticalFlip",
]

_WARP_CHOICES = ("nearest", "linear", "cubic")


def _check_option(value: str, choices: Sequence[str], owner: str, name: str) -> str:
    if value not in choices:
        raise InvalidInputError(f"{owner}: {name} must be one of {list(choices)}; got {value!r}")
    return value


def _check_fill(fill: object, owner: str) -> object:
    values = np.ravel(np.asarray(fill, dtype=object))
    if values.size == 0 or not all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v in values
    ):
        raise InvalidTypeError(f"{owner}: fill must be a number or one number per channel")
    return fill


def _check_mask_fill(mask_fill: object, owner: str) -> int:
    if isinstance(mask_fill, (bool, np.bool_)):
        return int(mask_fill)
    if not isinstance(mask_fill, (int, np.integer)):
        raise InvalidTypeError(f"{owner}: mask_fill must be an integer label; got {mask_fill!r}")
    return int(mask_fill)


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return low if low == high else low + (high - low) * rng.random()


def _randint(rng: np.random.Generator, high: int) -> int:
    """A uniform integer in [0, high); cheaper than ``rng.integers`` for one value."""
    return int(rng.random() * high)


class ImageTransform:
    """Base class of the image transforms.

    A transform draws its random parameters in :meth:`draw_params` and applies
    them deterministically in :meth:`apply` (image) and :meth:`apply_to_mask`
    (mask), so an image and its mask always get the same parameters. Subclass
    it and override those methods (and :meth:`output_size` if the size
    changes) to write your own transform that works inside :class:`Compose`
    and :class:`~tabaug.image.ImageOverSampler`. (The method is not called
    ``get_params`` as in albumentations: scikit-learn reserves that name, and
    transforms are parameters of a scikit-learn estimator, the sampler.)

    Parameters
    ----------
    p : float, default=1.0
        Probability of applying the transform to each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, ImageTransform
    >>> class Invert(ImageTransform):
    ...     def apply(self, image, **params):
    ...         return 255 - image
    >>> Compose([Invert()])(image=np.zeros((2, 2), dtype=np.uint8))["image"]
    array([[255, 255],
           [255, 255]], dtype=uint8)
    """

    def __init__(self, p: float = 1.0) -> None:
        self.p = _check_probability(p, type(self).__name__)

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        """Draw this call's random parameters.

        Parameters
        ----------
        rng : numpy.random.Generator
            The generator owned by the :class:`Compose`.
        image : ndarray of shape (H, W) or (H, W, C)
            The image the parameters are for (its size, channels and dtype).

        Returns
        -------
        dict
            Keyword arguments for :meth:`apply` and :meth:`apply_to_mask`.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import RandomCrop
        >>> RandomCrop(4, 4).draw_params(np.random.default_rng(0), np.zeros((8, 8)))
        {'top': 3, 'left': 1}
        """
        return {}

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        """Apply the transform to one image with the given parameters.

        Parameters
        ----------
        image : ndarray of shape (H, W) or (H, W, C)
        **params
            As returned by :meth:`draw_params`.

        Returns
        -------
        ndarray

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import HorizontalFlip
        >>> HorizontalFlip().apply(np.array([[1, 2]], dtype=np.uint8))
        array([[2, 1]], dtype=uint8)
        """
        raise NotImplementedError(f"{type(self).__name__} must implement apply()")

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        """Apply the transform to one label mask; photometric transforms return it unchanged.

        Parameters
        ----------
        mask : ndarray of shape (H, W)
        **params
            As returned by :meth:`draw_params`.

        Returns
        -------
        ndarray

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import GaussianNoise
        >>> mask = np.ones((2, 2), dtype=np.uint8)
        >>> GaussianNoise().apply_to_mask(mask) is mask
        True
        """
        return mask

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        """The (height, width) of the output for an input of the given size, when applied.

        Parameters
        ----------
        height, width : int

        Returns
        -------
        (int, int)

        Examples
        --------
        >>> from tabaug.image import RandomCrop
        >>> RandomCrop(24, 20).output_size(32, 32)
        (24, 20)
        """
        return height, width

    def __call__(
        self, *, image: np.ndarray, mask: np.ndarray | None = None, batch: bool | None = None
    ) -> dict[str, np.ndarray | None]:
        """Apply this transform alone, with a fresh unseeded generator.

        For reproducible results wrap it: ``Compose([transform], random_state=0)``.

        Parameters
        ----------
        image, mask, batch
            As in :meth:`Compose.__call__`.

        Returns
        -------
        dict
            ``{"image": ..., "mask": ...}``.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import VerticalFlip
        >>> VerticalFlip(p=1.0)(image=np.array([[1], [2]], dtype=np.uint8))["image"].ravel()
        array([2, 1], dtype=uint8)
        """
        return Compose([self])(image=image, mask=mask, batch=batch)

    def __repr__(self) -> str:
        names = list(inspect.signature(type(self).__init__).parameters)[1:]
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({args})"


class HorizontalFlip(ImageTransform):
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
        super().__init__(p)
        self.mask_fill = _check_mask_fill(mask_fill, type(self).__name__)

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.hflip(image)

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return F.hflip(mask)


class VerticalFlip(ImageTransform):
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
        super().__init__(p)
        self.mask_fill = _check_mask_fill(mask_fill, type(self).__name__)

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.vflip(image)

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return F.vflip(mask)


class _Warp(ImageTransform):
    """Shared code of the transforms that warp with an affine matrix."""

    def _check_warp_options(self) -> None:
        owner = type(self).__name__
        _check_option(self.interpolation, _WARP_CHOICES, owner, "interpolation")
        _check_option(self.border_mode, tuple(F._BORDER_MODES), owner, "border_mode")
        _check_fill(self.fill, owner)
        self._mask_fill = _check_mask_fill(self.mask_fill, owner)

    def apply(self, image: np.ndarray, matrix: np.ndarray, **params: Any) -> np.ndarray:
        return F.affine(image, matrix, self.interpolation, self.border_mode, self.fill)

    def apply_to_mask(self, mask: np.ndarray, matrix: np.ndarray, **params: Any) -> np.ndarray:
        return F.affine(mask, matrix, "nearest", self.border_mode, self._mask_fill)


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
        super().__init__(p)
        self.limit = limit
        self.interpolation = interpolation
        self.border_mode = border_mode
        self.fill = fill
        self.mask_fill = mask_fill
        self._limit = _check_range(limit, "Rotate", "limit", symmetric_around=0.0)
        self._check_warp_options()

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        angle = _uniform(rng, self._limit)
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
        super().__init__(p)
        self.translate = translate
        self.scale = scale
        self.rotate = rotate
        self.interpolation = interpolation
        self.border_mode = border_mode
        self.fill = fill
        self.mask_fill = mask_fill
        self._translate = _check_range(translate, "Affine", "translate", low=-1.0, high=1.0)
        self._scale = _check_range(scale, "Affine", "scale", low=1e-3)
        self._rotate = _check_range(rotate, "Affine", "rotate")
        self._check_warp_options()

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        height, width = image.shape[:2]
        shift = (_uniform(rng, self._translate) * width, _uniform(rng, self._translate) * height)
        matrix = F.affine_matrix(
            height,
            width,
            angle=_uniform(rng, self._rotate),
            translate=shift,
            scale=_uniform(rng, self._scale),
        )
        return {"matrix": matrix}


def _check_size(value: object, owner: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInputError(f"{owner}: {name} must be a positive integer; got {value!r}")
    return int(value)


class RandomCrop(ImageTransform):
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
        super().__init__(p)
        self.mask_fill = _check_mask_fill(mask_fill, "RandomCrop")
        self.height = _check_size(height, "RandomCrop", "height")
        self.width = _check_size(width, "RandomCrop", "width")

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        rows, cols = image.shape[:2]
        if rows < self.height or cols < self.width:
            raise InvalidInputError(
                f"RandomCrop({self.height}, {self.width}) cannot crop a {rows}x{cols} image; "
                "put a Pad before it or crop smaller"
            )
        return {
            "top": _randint(rng, rows - self.height + 1),
            "left": _randint(rng, cols - self.width + 1),
        }

    def apply(self, image: np.ndarray, top: int, left: int, **params: Any) -> np.ndarray:
        return F.crop(image, top, left, self.height, self.width)

    def apply_to_mask(self, mask: np.ndarray, top: int, left: int, **params: Any) -> np.ndarray:
        return F.crop(mask, top, left, self.height, self.width)

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        return self.height, self.width


class RandomResizedCrop(ImageTransform):
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
        super().__init__(p)
        self.mask_fill = _check_mask_fill(mask_fill, "RandomResizedCrop")
        self.height = _check_size(height, "RandomResizedCrop", "height")
        self.width = _check_size(width, "RandomResizedCrop", "width")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self._scale = _check_range(scale, "RandomResizedCrop", "scale", low=1e-6, high=1.0)
        low, high = _check_range(ratio, "RandomResizedCrop", "ratio", low=1e-6)
        self._log_ratio = (math.log(low), math.log(high))
        _check_option(interpolation, tuple(F._INTERPOLATIONS), "RandomResizedCrop", "interpolation")

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        rows, cols = image.shape[:2]
        area = rows * cols
        for _ in range(10):
            target = area * _uniform(rng, self._scale)
            aspect = math.exp(_uniform(rng, self._log_ratio))
            width = round(math.sqrt(target * aspect))
            height = round(math.sqrt(target / aspect))
            if 0 < width <= cols and 0 < height <= rows:
                top = _randint(rng, rows - height + 1)
                left = _randint(rng, cols - width + 1)
                return {"window": (top, left, height, width)}
        aspect = cols / rows
        low, high = math.exp(self._log_ratio[0]), math.exp(self._log_ratio[1])
        if aspect < low:
            width, height = cols, min(rows, round(cols / low))
        elif aspect > high:
            width, height = min(cols, round(rows * high)), rows
        else:
            width, height = cols, rows
        return {"window": ((rows - height) // 2, (cols - width) // 2, height, width)}

    def apply(self, image: np.ndarray, window: tuple[int, ...], **params: Any) -> np.ndarray:
        return F.resized_crop(image, *window, (self.height, self.width), self.interpolation)

    def apply_to_mask(self, mask: np.ndarray, window: tuple[int, ...], **params: Any) -> np.ndarray:
        return F.resized_crop(mask, *window, (self.height, self.width), "nearest")

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        return self.height, self.width


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
        super().__init__(p)
        self.padding = padding
        self.mode = mode
        self.fill = fill
        self.mask_fill = mask_fill
        values = (padding,) if np.ndim(padding) == 0 else tuple(padding)
        if len(values) not in (1, 2, 4) or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in values
        ):
            raise InvalidInputError(
                "Pad: padding must be a non-negative int, (x, y) or (left, top, right, bottom); "
                f"got {padding!r}"
            )
        if len(values) == 1:
            values = values * 4
        elif len(values) == 2:
            values = values * 2
        left, top, right, bottom = (int(v) for v in values)
        self._sides = (top, bottom, left, right)
        _check_option(mode, tuple(F._BORDER_MODES), "Pad", "mode")
        _check_fill(fill, "Pad")
        self._mask_fill = _check_mask_fill(mask_fill, "Pad")

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.pad(image, *self._sides, mode=self.mode, fill=self.fill)

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return F.pad(mask, *self._sides, mode=self.mode, fill=self._mask_fill)

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        top, bottom, left, right = self._sides
        return height + top + bottom, width + left + right


class GaussianNoise(ImageTransform):
    """Add zero-mean Gaussian noise (masks are left alone).

    Parameters
    ----------
    std : float or (float, float), default=(0.01, 0.05)
        Standard deviation as a fraction of the dtype's maximum (255 for uint8,
        1.0 for float32); a pair is a range sampled per image.
    per_channel : bool, default=True
        Independent noise per channel; False adds the same noise to every channel.
    p : float, default=0.5
        Probability of adding noise to each image.

    Notes
    -----
    See :func:`tabaug.image.functional.gaussian_noise` for how the noise is drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, GaussianNoise
    >>> image = np.full((64, 64), 128, dtype=np.uint8)
    >>> noisy = Compose([GaussianNoise(std=0.1, p=1.0)], random_state=0)(image=image)["image"]
    >>> round(float(noisy.std()) / 255, 2)
    0.1
    """

    def __init__(
        self,
        std: float | tuple[float, float] = (0.01, 0.05),
        per_channel: bool = True,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.std = std
        self.per_channel = per_channel
        self._std = _check_range(std, "GaussianNoise", "std", low=0.0)

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        shape = image.shape if self.per_channel else image.shape[:2]
        return {"std": _uniform(rng, self._std), "codes": F._noise_codes(rng, shape)}

    def apply(self, image: np.ndarray, std: float, codes: np.ndarray, **params: Any) -> np.ndarray:
        return F._add_noise(image, std, codes)


class ColorJitter(ImageTransform):
    """Random brightness, contrast, saturation and hue, in a random order.

    The semantics are torchvision's (and albumentations'): a number ``b`` for
    brightness, contrast or saturation means a factor drawn from
    ``[max(0, 1 - b), 1 + b]``; a number ``h`` for hue means a shift drawn from
    ``[-h, h]`` turns of the colour circle (at most 0.5); pairs are ranges.
    Saturation and hue need RGB or RGBA images and leave greyscale images alone.

    Brightness, contrast and saturation are linear colour maps, so consecutive
    ones are fused into one matrix and the image is rounded once instead of once
    per step; hue is rotated in HSV space.

    Parameters
    ----------
    brightness : float or (float, float), default=0.2
    contrast : float or (float, float), default=0.2
    saturation : float or (float, float), default=0.2
    hue : float or (float, float), default=0.05
    p : float, default=0.5
        Probability of jittering each image.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import ColorJitter, Compose
    >>> image = np.full((4, 4, 3), 100, dtype=np.uint8)
    >>> brighter = ColorJitter(brightness=(1.5, 1.5), contrast=0, saturation=0, hue=0, p=1.0)
    >>> int(Compose([brighter])(image=image)["image"].max())
    150
    """

    def __init__(
        self,
        brightness: float | tuple[float, float] = 0.2,
        contrast: float | tuple[float, float] = 0.2,
        saturation: float | tuple[float, float] = 0.2,
        hue: float | tuple[float, float] = 0.05,
        p: float = 0.5,
    ) -> None:
        super().__init__(p)
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self._ranges = (
            (
                "brightness",
                _check_range(
                    brightness, "ColorJitter", "brightness", symmetric_around=1.0, low=0.0
                ),
            ),
            (
                "contrast",
                _check_range(contrast, "ColorJitter", "contrast", symmetric_around=1.0, low=0.0),
            ),
            (
                "saturation",
                _check_range(
                    saturation, "ColorJitter", "saturation", symmetric_around=1.0, low=0.0
                ),
            ),
            (
                "hue",
                _check_range(hue, "ColorJitter", "hue", symmetric_around=0.0, low=-0.5, high=0.5),
            ),
        )

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        steps = []
        for index in rng.permutation(4):
            name, bounds = self._ranges[index]
            value = _uniform(rng, bounds)
            if value != (0.0 if name == "hue" else 1.0):
                steps.append((name, value))
        return {"steps": steps}

    def apply(self, image: np.ndarray, steps: list, **params: Any) -> np.ndarray:
        return F._color_jitter(image, steps)


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
        super().__init__(p)
        self.num_holes = num_holes
        self.size = size
        self.fill = fill
        self.mask_fill = mask_fill
        holes = (num_holes, num_holes) if np.ndim(num_holes) == 0 else tuple(num_holes)
        if (
            len(holes) != 2
            or not all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0
                for v in holes
            )
            or holes[0] > holes[1]
        ):
            raise InvalidInputError(
                "Cutout: num_holes must be a non-negative int or a (low, high) pair; "
                f"got {num_holes!r}"
            )
        self._holes = (int(holes[0]), int(holes[1]))
        sizes = (size, size) if np.ndim(size) == 0 else tuple(size)
        self._fraction = all(isinstance(v, (float, np.floating)) for v in sizes)
        if not self._fraction and not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in sizes
        ):
            raise InvalidTypeError(
                "Cutout: size must be ints (pixels) or floats (fractions of the side), not a mix; "
                f"got {size!r}"
            )
        upper = 1.0 if self._fraction else np.inf
        self._size = _check_range(tuple(sizes), "Cutout", "size", low=0.0, high=upper)
        _check_fill(fill, "Cutout")
        self._mask_fill = None if mask_fill is None else _check_mask_fill(mask_fill, "Cutout")

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        rows, cols = image.shape[:2]
        low, high = self._holes
        count = low if low == high else int(rng.integers(low, high + 1))
        if count == 0:
            return {"holes": []}
        low_size, high_size = self._size
        draws = rng.random((count, 2))
        if self._fraction:
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
        return F.cutout(image, holes, self.fill)

    def apply_to_mask(self, mask: np.ndarray, holes: list, **params: Any) -> np.ndarray:
        if self._mask_fill is None:
            return mask
        return F.cutout(mask, holes, self._mask_fill)


class Compose:
    """Chain transforms and own the random generator that drives them.

    Parameters
    ----------
    transforms : sequence of ImageTransform or Compose
        Applied in order, each with its own probability ``p``. A nested
        ``Compose`` adds its transforms in place (its own ``random_state`` is
        not used: this Compose's generator drives them all).
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the generator (a ``numpy.random.Generator``; the global numpy
        RNG is never used). The same seed gives the same sequence of outputs.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import ColorJitter, Compose, HorizontalFlip
    >>> pipeline = Compose([HorizontalFlip(), ColorJitter()], random_state=42)
    >>> images = np.zeros((5, 16, 16, 3), dtype=np.uint8)
    >>> masks = np.zeros((5, 16, 16), dtype=np.int64)
    >>> out = pipeline(image=images, mask=masks)
    >>> out["image"].shape, out["mask"].shape
    ((5, 16, 16, 3), (5, 16, 16))
    """

    def __init__(
        self,
        transforms: Sequence[ImageTransform],
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        if isinstance(transforms, ImageTransform) or not isinstance(transforms, Sequence):
            raise InvalidTypeError(
                "Compose takes a list of transforms, e.g. Compose([HorizontalFlip(), Rotate()])"
            )
        flat: list[ImageTransform] = []
        for transform in transforms:
            if isinstance(transform, Compose):
                # A nested Compose contributes its transforms; the outer generator drives them.
                flat.extend(transform.transforms)
            elif isinstance(transform, ImageTransform):
                flat.append(transform)
            else:
                raise InvalidTypeError(
                    f"Compose got {type(transform).__module__}.{type(transform).__name__}; "
                    "it takes tabaug.image transforms (subclasses of ImageTransform)"
                )
        self.transforms = flat
        self.random_state = random_state
        try:
            self._rng = np.random.default_rng(random_state)
        except TypeError as error:
            raise InvalidTypeError(
                f"random_state must be None, an int or a numpy Generator; got {random_state!r}"
            ) from error

    def __call__(
        self, *, image: np.ndarray, mask: np.ndarray | None = None, batch: bool | None = None
    ) -> dict[str, np.ndarray | None]:
        """Transform an image (or batch) and its mask with the same random parameters.

        Parameters
        ----------
        image : ndarray of shape (H, W), (H, W, C), (N, H, W) or (N, H, W, C)
            uint8 (0..255) or float32 (0..1); the output keeps the dtype.
        mask : ndarray of shape (H, W) or (N, H, W), optional
            Integer or boolean labels.
        batch : bool or None, default=None
            Whether a 3-D ``image`` is a batch ``(N, H, W)``; None applies the
            rule in the module docstring. Each image of a batch gets its own
            random parameters.

        Returns
        -------
        dict
            ``{"image": ndarray, "mask": ndarray or None}``.

        Examples
        --------
        >>> import numpy as np
        >>> from tabaug.image import Compose, HorizontalFlip
        >>> out = Compose([HorizontalFlip(p=1.0)])(image=np.eye(2, dtype=np.float32))
        >>> out["image"]
        array([[0., 1.],
               [1., 0.]], dtype=float32)
        """
        image, mask, is_batch = _check_pair(image, mask, batch)
        if not is_batch:
            image, mask = self._apply_pair(image, mask, self._rng)
            return {"image": image, "mask": mask}
        images, masks = [], []
        for index in range(image.shape[0]):
            one, one_mask = self._apply_pair(
                image[index], None if mask is None else mask[index], self._rng
            )
            images.append(one)
            masks.append(one_mask)
        if len({one.shape for one in images}) > 1:
            raise InvalidInputError(
                "the transforms produced images of different sizes within one batch; give "
                "size-changing transforms (RandomCrop, Pad) p=1.0 or transform images one by one"
            )
        return {"image": np.stack(images), "mask": None if mask is None else np.stack(masks)}

    def _apply_pair(
        self, image: np.ndarray, mask: np.ndarray | None, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Apply every transform to one validated image and mask, drawing from ``rng``."""
        for transform in self.transforms:
            if transform.p < 1.0 and rng.random() >= transform.p:
                continue
            params = transform.draw_params(rng, image)
            image = transform.apply(image, **params)
            if mask is not None:
                mask = transform.apply_to_mask(mask, **params)
        return image, mask

    def _output_sizes(self, height: int, width: int) -> set[tuple[int, int]]:
        """Every output size the pipeline can produce for one input size."""
        sizes = {(height, width)}
        for transform in self.transforms:
            if transform.p == 0.0:
                continue
            applied = {transform.output_size(*size) for size in sizes}
            sizes = applied if transform.p == 1.0 else sizes | applied
        return sizes

    def __len__(self) -> int:
        return len(self.transforms)

    def __repr__(self) -> str:
        inner = ", ".join(repr(t) for t in self.transforms)
        return f"Compose([{inner}], random_state={self.random_state!r})"
