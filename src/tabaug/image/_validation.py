"""The one validation module of tabaug.image: images and masks at the door, transform settings.

The dtype contract is explicit: images are ``uint8`` (0..255) or ``float32``
(0..1), masks hold integer labels. Everything else is refused here, once, with
a message that says how to convert, so the transforms themselves never guess.

Settings of the transforms (probabilities, ranges, sizes, fills, options) are
checked by the functions below, which every transform's ``check_params`` calls.
They raise :class:`~tabaug.exceptions.InvalidParameterError` (both a
``ValueError`` and a ``TypeError``) with a message that starts with the
transform's class name, ``"Rotate: limit must ..."``, and refuse non-finite
numbers. Options are checked by :func:`tabaug.utils.check_option`, the one
option checker of tabaug; :func:`lookup_option` is its fast form for the
array functions, which look an option up on every call.
"""

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError, InvalidTypeError
from tabaug.utils import check_option, check_scalar

__all__ = [
    "ImageDtypeError",
    "as_array",
    "check_fill",
    "check_images",
    "check_int_pair",
    "check_mask_dtype",
    "check_mask_fill",
    "check_pair",
    "check_probability",
    "check_range",
    "check_size",
    "check_unit_range",
    "lookup_option",
]

_IMAGE_DTYPES = (np.dtype(np.uint8), np.dtype(np.float32))
# A 3-D array whose last axis has one of these sizes is one (H, W, C) image.
_CHANNEL_SIZES = (1, 3, 4)
# Images checked per step when scanning float32 data for values outside 0..1,
# so a memory-mapped set is read in pieces, never all at once.
_SCAN_CHUNK = 256


class ImageDtypeError(InvalidTypeError, InvalidInputError):
    """An image or mask has a dtype the image transforms do not accept.

    It is both an :class:`~tabaug.exceptions.InvalidTypeError` (a ``TypeError``)
    and an :class:`~tabaug.exceptions.InvalidInputError` (a ``ValueError``), so
    code written for either convention catches it.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import HorizontalFlip, ImageDtypeError
    >>> try:
    ...     HorizontalFlip(p=1.0)(image=np.zeros((4, 4), dtype=np.float64))
    ... except ImageDtypeError as error:
    ...     print(str(error)[:45])
    images must be uint8 (0..255) or float32 (0..
    """


# --------------------------------------------------------------------------- images and masks


def image_dtype_message(dtype: np.dtype, name: str) -> str:
    """Why an array of ``dtype`` is not an image, and how to convert it."""
    advice = "pass a numeric array"
    if dtype.kind in "iub":
        advice = "if its values are 0..255, convert with image.astype(np.uint8)"
    elif dtype.kind == "f":
        advice = (
            "convert with image.astype(np.float32) if its values lie in 0..1, "
            "or (image * 255).round().astype(np.uint8) to work in 0..255"
        )
    return f"images must be uint8 (0..255) or float32 (0..1); {name} has dtype {dtype}: {advice}"


def check_mask_dtype(mask: np.ndarray, name: str = "mask") -> None:
    """Refuse masks that are not integer or boolean label arrays."""
    if mask.dtype.kind not in "biu":
        if mask.dtype.kind == "f":
            raise ImageDtypeError(
                f"{name} has dtype {mask.dtype}, but masks hold integer labels (labels never "
                f"blend); convert with {name}.astype(np.uint8) (or a wider integer type) "
                "after checking that its values are whole numbers"
            )
        raise ImageDtypeError(
            f"{name} has dtype {mask.dtype}; masks must be integer or boolean label arrays"
        )


def as_array(value: object, name: str) -> np.ndarray:
    """``value`` as a numpy array, refusing objects that are not arrays of numbers."""
    if isinstance(value, np.ndarray):
        return value
    array = np.asarray(value)
    if array.dtype == object:
        raise InvalidTypeError(f"{name} must be a numpy array; got {type(value).__name__}")
    return array


def check_pair(
    image: object, mask: object | None, batch: bool | None
) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """Validate an image (or batch) and its mask; return them and whether it is a batch.

    Layout rule for 3-D input, when ``batch`` is None: with a mask, the mask
    decides ((N, H, W) mask: batch; (H, W) mask: one (H, W, C) image); without
    one, a last axis of size 1, 3 or 4 means channels, anything else a batch of
    grayscale images.
    """
    image = as_array(image, "image")
    if image.dtype not in _IMAGE_DTYPES:
        raise ImageDtypeError(image_dtype_message(image.dtype, "image"))
    ndim = image.ndim
    if mask is not None:
        mask = as_array(mask, "mask")
        check_mask_dtype(mask)
        if mask.ndim not in (2, 3):
            raise InvalidInputError(
                f"mask must be (H, W) or a batch (N, H, W) of label maps; got shape {mask.shape}"
                + ("; drop the channel axis with mask[..., 0]" if mask.shape[-1:] == (1,) else "")
            )
    if ndim not in (2, 3, 4):
        raise InvalidInputError(
            f"image must have shape (H, W), (H, W, C), (N, H, W) or (N, H, W, C); "
            f"got {ndim} dimensions {image.shape}"
        )
    if batch is None:
        if ndim == 3:
            if mask is not None:
                batch = mask.ndim == 3
            else:
                batch = image.shape[2] not in _CHANNEL_SIZES
        else:
            batch = ndim == 4
    elif batch and ndim == 2:
        raise InvalidInputError(
            f"batch=True needs an (N, H, W) or (N, H, W, C) array; got shape {image.shape}"
        )
    elif not batch and ndim == 4:
        raise InvalidInputError(
            f"batch=False needs an (H, W) or (H, W, C) image; got shape {image.shape}"
        )
    if image.dtype == np.float32 and image.size:
        low, high = float(image.min()), float(image.max())
        if not (0.0 <= low and high <= 1.0):  # also catches NaN
            raise InvalidInputError(
                f"float32 images must hold values in 0..1 (no NaN); found values from {low:g} "
                f"to {high:g}. Divide by 255 if they are 0..255, or clip to 0..1."
            )
    spatial = image.shape[:3] if batch else image.shape[:2]
    if min(spatial) == 0:
        raise InvalidInputError(f"image is empty: shape {image.shape}")
    if mask is not None and mask.shape != spatial:
        what = "(N, H, W)" if batch else "(H, W)"
        hint = "; drop its channel axis with mask[..., 0]" if mask.shape[-1:] == (1,) else ""
        raise InvalidInputError(
            f"mask shape {mask.shape} does not match the image: expected {what} = {spatial} "
            f"for an image of shape {image.shape}{hint}"
        )
    if not image.flags.c_contiguous:
        image = np.ascontiguousarray(image)
    if mask is not None and not mask.flags.c_contiguous:
        mask = np.ascontiguousarray(mask)
    return image, mask, batch


def check_images(X: Any, masks: Any, *, owner: str) -> tuple[np.ndarray, np.ndarray | None]:
    """A batch of images ``X`` (N, H, W[, C]) and optional masks (N, H, W), checked.

    What the image samplers accept: uint8 or float32 (0..1, scanned in chunks
    so a memory-mapped set is never read whole), masks of integer labels.
    """
    X = as_array(X, "X")
    if X.dtype not in _IMAGE_DTYPES:
        raise ImageDtypeError(image_dtype_message(X.dtype, "X"))
    if X.ndim not in (3, 4):
        hint = " (tabular data? use tabaug's tabular samplers)" if X.ndim == 2 else ""
        raise InvalidInputError(
            "X must be a batch of images, (N, H, W) or (N, H, W, C); "
            f"got shape {X.shape}{hint}. For a single image use X[np.newaxis]."
        )
    if masks is not None:
        masks = as_array(masks, "masks")
        check_mask_dtype(masks, "masks")
        if masks.shape != X.shape[:3]:
            raise InvalidInputError(
                f"masks must have shape (N, H, W) = {X.shape[:3]} to match X of shape "
                f"{X.shape}; got {masks.shape}. Pass one integer label map per image, of the "
                "image's height and width"
            )
    if X.dtype == np.float32:
        check_unit_range(X)
    return X, masks


def check_unit_range(X: np.ndarray) -> None:
    """Refuse float32 images with values outside 0..1 (or NaN), reading X in chunks."""
    for start in range(0, len(X), _SCAN_CHUNK):
        chunk = X[start : start + _SCAN_CHUNK]
        low, high = chunk.min(), chunk.max()
        if not (low >= 0.0 and high <= 1.0):
            raise InvalidInputError(
                "float32 images must hold values in 0..1 (no NaN); found values from "
                f"{low} to {high} among images {start}..{start + len(chunk) - 1}. Divide "
                "0..255 data by 255, or pass it as uint8."
            )


# --------------------------------------------------------------------------- settings


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def check_probability(p: object, owner: str) -> float:
    """``p`` as a float in [0, 1]."""
    return float(check_scalar(p, "p", owner=owner, low=0.0, high=1.0))


def check_range(
    value: object,
    name: str,
    owner: str,
    *,
    symmetric_around: float | None = None,
    low: float = -math.inf,
    high: float = math.inf,
) -> tuple[float, float]:
    """Turn a scalar or a (low, high) pair into a checked, finite (low, high) range.

    A scalar ``v`` becomes ``(center - v, center + v)`` when ``symmetric_around``
    is given (clipped below at ``low``), else the fixed range ``(v, v)``.
    """
    if _is_real(value):
        number = float(value)
        if not math.isfinite(number):
            raise InvalidParameterError(
                f"{owner}: {name} must be a finite number or a (low, high) pair of finite "
                f"numbers; got {value!r}."
            )
        if symmetric_around is not None:
            if number < 0:
                raise InvalidParameterError(
                    f"{owner}: {name} must be >= 0 (it means {symmetric_around:g} +/- {name}); "
                    f"got {value!r}. Give a (low, high) pair for an asymmetric range."
                )
            pair = (max(symmetric_around - number, low), symmetric_around + number)
        else:
            pair = (number, number)
    elif isinstance(value, tuple | list) and len(value) == 2 and all(map(_is_real, value)):
        pair = (float(value[0]), float(value[1]))
        if not all(map(math.isfinite, pair)):
            raise InvalidParameterError(
                f"{owner}: {name} must be a (low, high) pair of finite numbers; got {value!r}."
            )
    else:
        raise InvalidParameterError(
            f"{owner}: {name} must be a number or a (low, high) pair of numbers; got {value!r}."
        )
    if pair[0] > pair[1]:
        raise InvalidParameterError(
            f"{owner}: {name} range {pair} has low > high; give it as (low, high)."
        )
    if pair[0] < low or pair[1] > high:
        raise InvalidParameterError(
            f"{owner}: {name} range {pair} must lie within [{low:g}, {high:g}]."
        )
    return pair


def check_fill(fill: object, owner: str, name: str = "fill") -> object:
    """A fill value: one finite number, or a sequence of finite numbers (one per channel)."""
    values = np.ravel(np.asarray(fill, dtype=object))
    if values.size == 0 or not all(_is_real(v) and math.isfinite(v) for v in values):
        raise InvalidParameterError(
            f"{owner}: {name} must be a finite number or one finite number per channel, in "
            f"the image's units (0..255 for uint8, 0..1 for float32); got {fill!r}."
        )
    return fill


def check_mask_fill(mask_fill: object, owner: str) -> int:
    """A mask border or hole label: an int (or bool)."""
    if isinstance(mask_fill, bool | np.bool_):
        return int(mask_fill)
    if not isinstance(mask_fill, numbers.Integral):
        raise InvalidParameterError(
            f"{owner}: mask_fill must be an integer label; got {mask_fill!r}."
        )
    return int(mask_fill)


def check_size(value: object, name: str, owner: str) -> int:
    """A size in pixels: a positive int."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) or value < 1:
        raise InvalidParameterError(
            f"{owner}: {name} must be a positive integer (pixels); got {value!r}."
        )
    return int(value)


def check_int_pair(value: object, name: str, owner: str, *, what: str) -> tuple[int, ...]:
    """A non-negative int or a sequence of them, as a tuple (``what`` describes the forms)."""
    values: Sequence = (value,) if np.ndim(value) == 0 else tuple(value)
    if not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_) and v >= 0
        for v in values
    ):
        raise InvalidParameterError(f"{owner}: {name} must be {what}; got {value!r}.")
    return tuple(int(v) for v in values)


def lookup_option(value: Any, name: str, options: dict[str, Any], owner: str = "") -> Any:
    """``options[value]``, or :func:`tabaug.utils.check_option`'s error for an unknown value."""
    try:
        return options[value]
    except (KeyError, TypeError):
        check_option(value, name, options, owner=owner)
        raise
