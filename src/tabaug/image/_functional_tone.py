"""Tone array functions: posterize, solarize, autocontrast, equalize and sharpness.

Images only (masks never change tone); uint8 (0..255) or float32 (0..1),
dtype kept, alpha (the fourth of four channels) left alone. They follow
torchvision's definitions, with uint8 results rounded instead of truncated.
Posterize and equalize are defined on 256 grey levels: float32 images go
through uint8 (``round(x * 255)``) and come back as ``level / 255``.
Re-exported by :mod:`tabaug.image.functional`.
"""

import math
import numbers
from collections.abc import Callable
from functools import cache

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.image import _backend as backend
from tabaug.utils import check_scalar

__all__ = ["adjust_sharpness", "autocontrast", "equalize", "posterize", "solarize"]

# torchvision's (and PIL's) smoothing kernel for sharpness: the centre weighs 5/13.
_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype=np.float32) / 13.0


def _color_part(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The channels a tone operation changes, and the alpha channel it leaves alone."""
    if image.ndim == 3 and image.shape[2] == 4:
        return image[:, :, :3], image[:, :, 3:]
    return image, None


def _with_alpha(color: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    return color if alpha is None else np.concatenate([color, alpha], axis=2)


def _apply_lut(levels: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """uint8 levels through a lookup table: (256,) for every channel, or (256, C) per channel."""
    channels = backend.channel_count(levels)
    cv2 = backend.opencv()
    if cv2 is not None and channels <= 4:
        table = np.ascontiguousarray(lut.reshape(1, 256, -1) if lut.ndim == 2 else lut[None])
        return backend.restore_channels(cv2.LUT(levels, table), levels)
    if lut.ndim == 1:
        return lut[levels]
    return lut[levels, np.arange(channels)] if levels.ndim == 3 else lut[levels, 0]


def _channel_planes(image: np.ndarray) -> list[np.ndarray]:
    """Each channel as a contiguous (H, W) plane."""
    if image.ndim == 2:
        return [image]
    cv2 = backend.opencv()
    if cv2 is not None and image.shape[2] <= 4:
        return list(cv2.split(np.ascontiguousarray(image)))
    return [np.ascontiguousarray(image[:, :, c]) for c in range(image.shape[2])]


def _extremes(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel minimum and maximum."""
    cv2 = backend.opencv()
    planes = _channel_planes(image)
    if cv2 is not None:
        found = [cv2.minMaxLoc(plane)[:2] for plane in planes]
    else:
        found = [(plane.min(), plane.max()) for plane in planes]
    return np.array([f[0] for f in found]), np.array([f[1] for f in found])


def _histograms(image: np.ndarray) -> list[np.ndarray]:
    """The 256-level histogram of each channel of a uint8 image."""
    cv2 = backend.opencv()
    channels = backend.channel_count(image)
    if cv2 is not None and channels <= 4:
        # calcHist reads a channel of the interleaved image in place: no split copies
        image = np.ascontiguousarray(image)
        return [cv2.calcHist([image], [c], None, [256], [0, 256]).ravel().astype(np.int64)
                for c in range(channels)]
    return [np.bincount(plane.ravel(), minlength=256) for plane in _channel_planes(image)]


def _on_uint8(image: np.ndarray, op: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Run a uint8 operation; float32 images go through 256 levels and back."""
    if image.dtype == np.uint8:
        return op(image)
    if image.dtype != np.float32:
        raise InvalidInputError(
            f"images must be uint8 or float32; got dtype {image.dtype}"
        )
    levels = np.rint(image * 255.0).astype(np.uint8)
    return op(levels).astype(np.float32) / np.float32(255.0)


def posterize(image: np.ndarray, bits: int) -> np.ndarray:
    """Keep the ``bits`` most significant bits of every 8-bit level.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
        float32 goes through 256 levels (see the module notes).
    bits : int
        1 to 8; 8 returns the image unchanged.

    Returns
    -------
    ndarray
        Same shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import posterize
    >>> posterize(np.array([[255, 100, 7]], dtype=np.uint8), 2)
    array([[192,  64,   0]], dtype=uint8)
    """
    check_scalar(bits, "bits", owner="posterize", kind=numbers.Integral, low=1, high=8)
    keep = np.uint8((0xFF << (8 - int(bits))) & 0xFF)
    color, alpha = _color_part(image)
    return _with_alpha(_on_uint8(color, lambda levels: levels & keep), alpha)


def solarize(image: np.ndarray, threshold: float) -> np.ndarray:
    """Invert every level at or above ``threshold`` (``max - x``); leave the rest.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
    threshold : float
        In the image's units: 0..255 for uint8, 0..1 for float32. A
        threshold above the maximum changes nothing; 0 inverts everything.

    Returns
    -------
    ndarray
        Same shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import solarize
    >>> solarize(np.array([[10, 200]], dtype=np.uint8), 128)
    array([[10, 55]], dtype=uint8)
    """
    check_scalar(threshold, "threshold", owner="solarize")
    color, alpha = _color_part(image)
    if image.dtype == np.uint8:
        # levels at or above a threshold t are those at or above ceil(t): one table per level
        first = 256 if threshold > 255 else 0 if threshold <= 0 else math.ceil(threshold)
        return _with_alpha(_apply_lut(color, _solarize_table(first)), alpha)
    top = image.dtype.type(backend.max_value(image.dtype))
    return _with_alpha(np.where(color >= threshold, top - color, color), alpha)


@cache
def _solarize_table(first: int) -> np.ndarray:
    levels = np.arange(256)
    table = np.where(levels >= first, 255 - levels, levels).astype(np.uint8)
    table.setflags(write=False)
    return table


def autocontrast(image: np.ndarray) -> np.ndarray:
    """Stretch each channel so its darkest level becomes 0 and its brightest the maximum.

    A flat channel (one level) is left as it is.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32

    Returns
    -------
    ndarray
        Same shape and dtype (uint8 rounded).

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import autocontrast
    >>> autocontrast(np.array([[50, 100, 150]], dtype=np.uint8))
    array([[  0, 128, 255]], dtype=uint8)
    """
    color, alpha = _color_part(image)
    top = backend.max_value(image.dtype)
    low, high = _extremes(color)
    low, high = low.astype(np.float32), high.astype(np.float32)
    flat = high <= low
    scale = np.where(flat, 1.0, top / np.where(flat, 1.0, high - low)).astype(np.float32)
    low = np.where(flat, 0.0, low).astype(np.float32)
    if image.dtype == np.uint8:
        # One 256-entry table per channel: the same arithmetic on every level, once.
        levels = np.arange(256, dtype=np.float32)[:, None]
        lut = np.rint(np.clip((levels - low) * scale, 0.0, top)).astype(np.uint8)
        return _with_alpha(_apply_lut(color, lut), alpha)
    shape = (1, 1, -1) if color.ndim == 3 else ()
    out = np.clip((color - low.reshape(shape)) * scale.reshape(shape), 0.0, top)
    return _with_alpha(out.astype(np.float32), alpha)


def _equalize_tables(histograms: np.ndarray) -> np.ndarray:
    """(256, C) tables that equalize each channel's histogram (a row of ``histograms``).

    PIL's rule: the step is the count below the brightest used level over 255;
    a channel whose step is 0 keeps the identity table.
    """
    counts = np.asarray(histograms, dtype=np.int64)
    brightest = 255 - np.argmax(counts[:, ::-1] != 0, axis=1)
    step = (counts.sum(axis=1) - counts[np.arange(len(counts)), brightest]) // 255
    safe = np.maximum(step, 1)[:, None]
    tables = (np.cumsum(counts, axis=1) + safe // 2) // safe
    tables = np.clip(np.concatenate([np.zeros((len(counts), 1), np.int64), tables[:, :-1]],
                                    axis=1), 0, 255)
    tables[step == 0] = np.arange(256)
    return np.ascontiguousarray(tables.T.astype(np.uint8))


def equalize(image: np.ndarray) -> np.ndarray:
    """Equalize the histogram of each channel (PIL's and torchvision's algorithm).

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
        float32 goes through 256 levels (see the module notes).

    Returns
    -------
    ndarray
        Same shape and dtype. Levels are spread by their cumulative counts; a
        channel with fewer than 255 pixels below its brightest level is
        returned unchanged, as PIL does.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import equalize
    >>> image = np.repeat(np.array([10, 20, 30], dtype=np.uint8), 300).reshape(9, 100)
    >>> np.unique(equalize(image))
    array([  0, 150, 255], dtype=uint8)
    """
    color, alpha = _color_part(image)

    def per_channel(levels: np.ndarray) -> np.ndarray:
        tables = _equalize_tables(np.stack(_histograms(levels)))
        return _apply_lut(levels, tables if tables.shape[1] > 1 else tables[:, 0])

    return _with_alpha(_on_uint8(color, per_channel), alpha)


def _smoothed(values: np.ndarray) -> np.ndarray:
    """The 3x3 smoothing of a float32 image's interior; border pixels keep their value."""
    cv2 = backend.opencv()
    if cv2 is not None and backend.channel_count(values) <= 4:
        blurred = backend.restore_channels(cv2.filter2D(values, -1, _SMOOTH), values)
    else:
        blurred = np.zeros_like(values)
        rows, cols = values.shape[:2]
        padded = np.pad(values, [(1, 1), (1, 1)] + [(0, 0)] * (values.ndim - 2))
        for dy in range(3):
            for dx in range(3):
                blurred += _SMOOTH[dy, dx] * padded[dy : dy + rows, dx : dx + cols]
    out = values.copy()
    out[1:-1, 1:-1] = blurred[1:-1, 1:-1]
    return out


def adjust_sharpness(image: np.ndarray, factor: float) -> np.ndarray:
    """Blend the image with a smoothed copy: 0 gives the smoothed image, 1 the original.

    Above 1 sharpens (extrapolates away from the smoothed copy). The smoothing
    is torchvision's 3x3 kernel (centre 5/13, neighbours 1/13); border pixels
    are kept.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
    factor : float
        Non-negative.

    Returns
    -------
    ndarray
        Same shape and dtype, clipped to the dtype's range (uint8 rounded).

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import adjust_sharpness
    >>> image = np.zeros((3, 3), dtype=np.uint8)
    >>> image[1, 1] = 130
    >>> int(adjust_sharpness(image, 0.0)[1, 1]), int(adjust_sharpness(image, 2.0)[1, 1])
    (50, 210)
    """
    if not math.isfinite(check_scalar(factor, "factor", owner="adjust_sharpness", low=0.0)):
        raise InvalidParameterError(f"adjust_sharpness: factor must be finite; got {factor!r}.")
    color, alpha = _color_part(image)
    cv2 = backend.opencv()
    if image.dtype == np.uint8 and cv2 is not None and backend.channel_count(color) <= 4:
        # OpenCV rounds and saturates uint8 results itself: no float copy of the image.
        color = np.ascontiguousarray(color)
        smooth = color.copy()
        blurred = backend.restore_channels(cv2.filter2D(color, -1, _SMOOTH), color)
        smooth[1:-1, 1:-1] = blurred[1:-1, 1:-1]
        out = cv2.addWeighted(color, float(factor), smooth, 1.0 - float(factor), 0.0)
        return _with_alpha(backend.restore_channels(out, color), alpha)
    values = color.astype(np.float32)
    smooth = _smoothed(np.ascontiguousarray(values))
    if image.dtype == np.uint8:
        smooth = np.rint(smooth)
    out = np.float32(factor) * values + np.float32(1.0 - factor) * smooth
    out = np.clip(out, 0.0, backend.max_value(image.dtype))
    if image.dtype == np.uint8:
        out = np.rint(out).astype(np.uint8)
    return _with_alpha(out, alpha)
