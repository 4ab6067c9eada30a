"""Checks at the door of every image transform and of the image sampler.

The dtype contract is explicit: images are ``uint8`` (0..255) or ``float32``
(0..1), masks hold integer labels. Everything else is refused here, once, with
a message that says how to convert, so the transforms themselves never guess.
"""

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidTypeError

_IMAGE_DTYPES = (np.dtype(np.uint8), np.dtype(np.float32))
# A 3-D array whose last axis has one of these sizes is one (H, W, C) image.
_CHANNEL_SIZES = (1, 3, 4)


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


def _image_dtype_message(dtype: np.dtype, name: str) -> str:
    advice = "pass a numeric array"
    if dtype.kind in "iub":
        advice = "if its values are 0..255, convert with image.astype(np.uint8)"
    elif dtype.kind == "f":
        advice = (
            "convert with image.astype(np.float32) if its values lie in 0..1, "
            "or (image * 255).round().astype(np.uint8) to work in 0..255"
        )
    return f"images must be uint8 (0..255) or float32 (0..1); {name} has dtype {dtype}: {advice}"


def _check_mask_dtype(mask: np.ndarray, name: str = "mask") -> None:
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


def _as_array(value: object, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    array = np.asarray(value)
    if array.dtype == object:
        raise InvalidTypeError(f"{name} must be a numpy array; got {type(value).__name__}")
    return array


def _check_pair(
    image: object, mask: object | None, batch: bool | None
) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """Validate an image (or batch) and its mask; return them and whether it is a batch.

    Layout rule for 3-D input, when ``batch`` is None: with a mask, the mask
    decides ((N, H, W) mask: batch; (H, W) mask: one (H, W, C) image); without
    one, a last axis of size 1, 3 or 4 means channels, anything else a batch of
    grayscale images.
    """
    image = _as_array(image, "image")
    if image.dtype not in _IMAGE_DTYPES:
        raise ImageDtypeError(_image_dtype_message(image.dtype, "image"))
    ndim = image.ndim
    if mask is not None:
        mask = _as_array(mask, "mask")
        _check_mask_dtype(mask)
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


def _check_probability(p: float, owner: str) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise InvalidTypeError(f"{owner}: p must be a number in [0, 1]; got {p!r}")
    if not 0.0 <= p <= 1.0:
        raise InvalidInputError(f"{owner}: p must lie in [0, 1]; got {p}")
    return float(p)


def _check_range(
    value: object,
    owner: str,
    name: str,
    *,
    symmetric_around: float | None = None,
    low: float = -np.inf,
    high: float = np.inf,
) -> tuple[float, float]:
    """Turn a scalar or a (low, high) pair into a checked (low, high) range.

    A scalar ``v`` becomes ``(center - v, center + v)`` when ``symmetric_around``
    is given (clipped below at ``low``), else the fixed range ``(v, v)``.
    """
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        value = float(value)
        if symmetric_around is not None:
            if value < 0:
                raise InvalidInputError(f"{owner}: {name} must be >= 0; got {value}")
            pair = (max(symmetric_around - value, low), symmetric_around + value)
        else:
            pair = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        pair = (float(value[0]), float(value[1]))
    else:
        raise InvalidTypeError(
            f"{owner}: {name} must be a number or a (low, high) pair; got {value!r}"
        )
    if pair[0] > pair[1]:
        raise InvalidInputError(f"{owner}: {name} range {pair} has low > high")
    if pair[0] < low or pair[1] > high:
        raise InvalidInputError(f"{owner}: {name} range {pair} must lie within [{low}, {high}]")
    return pair
