"""Pure array functions behind the image transforms.

Every function takes one image, ``(H, W)`` or ``(H, W, C)``, and returns a new
array; the input is never modified. Images are ``uint8`` (0..255) or
``float32`` (0..1) and keep their dtype. The geometric functions (flips, crops,
padding, resizing, rotations, affine warps, cutout) also accept integer or
boolean label masks ``(H, W)``: call them with ``interpolation="nearest"`` so
labels never blend. The transform classes in :mod:`tabaug.image` draw the random
parameters and call these functions; call them directly when you want one fixed
operation.

OpenCV (``pip install "tabaug[image]"``) does the work where it is installed.
Flips, crops, padding, cutout, noise and the colour functions fall back to numpy
without it; warps and resizing raise ImportError.

Examples
--------
>>> import numpy as np
>>> from tabaug.image import functional as F
>>> image = np.arange(6, dtype=np.uint8).reshape(2, 3)
>>> F.hflip(image)
array([[2, 1, 0],
       [5, 4, 3]], dtype=uint8)
>>> F.pad(image, 0, 1, 0, 0, mode="edge").shape
(3, 3)
"""

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from tabaug.exceptions import InvalidInputError
from tabaug.image._validation import _cv2, _require_cv2

__all__ = [
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "affine",
    "affine_matrix",
    "crop",
    "cutout",
    "gaussian_noise",
    "hflip",
    "pad",
    "resize",
    "resized_crop",
    "rotate",
    "vflip",
]

# dtypes every OpenCV function used here handles natively (OpenCV turns int64 into int32).
_CV2_DTYPES = frozenset(
    np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32)
)
_BORDER_MODES = {
    "constant": "BORDER_CONSTANT",
    "edge": "BORDER_REPLICATE",
    "reflect": "BORDER_REFLECT_101",
    "symmetric": "BORDER_REFLECT",
    "wrap": "BORDER_WRAP",
}
_INTERPOLATIONS = {
    "nearest": "INTER_NEAREST",
    "linear": "INTER_LINEAR",
    "cubic": "INTER_CUBIC",
    "area": "INTER_AREA",
}
# ITU-R BT.601 luma weights, the ones OpenCV's RGB2GRAY and torchvision use.
_LUMA = np.array([0.299, 0.587, 0.114])
# OpenCV warps take at most 4 channels in OpenCV 4.x.
_CV2_MAX_CHANNELS = 4


def _check_choice(value: str, choices: dict[str, str], name: str) -> str:
    if value not in choices:
        raise InvalidInputError(f"{name} must be one of {sorted(choices)}; got {value!r}")
    return choices[value]


def _max_value(dtype: np.dtype) -> float:
    return 255.0 if dtype == np.uint8 else 1.0


def _restore_channels(result: np.ndarray, like: np.ndarray) -> np.ndarray:
    # OpenCV returns (H, W) for (H, W, 1) input.
    if like.ndim == 3 and result.ndim == 2:
        return result[:, :, None]
    return result


def _fill_tuple(fill: float | Sequence[float], channels: int) -> tuple[float, ...]:
    if np.ndim(fill) == 0:
        return (float(fill),) * channels
    values = tuple(float(v) for v in fill)
    if len(values) != channels:
        raise InvalidInputError(
            f"fill has {len(values)} values but the image has {channels} channels; "
            "give one number or one value per channel"
        )
    return values


def _channels(array: np.ndarray) -> int:
    return array.shape[2] if array.ndim == 3 else 1



def _cv2_by_chunks(
    array: np.ndarray,
    fill: float | Sequence[float],
    op: Callable[[np.ndarray, tuple[float, ...]], np.ndarray],
) -> np.ndarray:
    """Run an OpenCV op, splitting more than four channels into chunks OpenCV accepts."""
    channels = _channels(array)
    fills = _fill_tuple(fill, channels)
    if channels <= _CV2_MAX_CHANNELS:
        return _restore_channels(op(array, (fills + (0.0,) * 4)[:4]), array)
    parts = []
    for start in range(0, channels, _CV2_MAX_CHANNELS):
        chunk = np.ascontiguousarray(array[:, :, start : start + _CV2_MAX_CHANNELS])
        chunk_fill = (fills[start : start + _CV2_MAX_CHANNELS] + (0.0,) * 4)[:4]
        parts.append(_restore_channels(op(chunk, chunk_fill), chunk))
    return np.concatenate(parts, axis=2)


def _on_labels(
    mask: np.ndarray, fill: int, op: Callable[[np.ndarray, int], np.ndarray]
) -> np.ndarray:
    """Apply a nearest-neighbour OpenCV op to labels of a dtype OpenCV lacks.

    Labels are moved, never computed, so the encoding is lossless: bool as uint8,
    wide integers as int32 when they fit, else as indices into the sorted label set.
    """
    if mask.dtype == bool:
        if fill not in (0, 1):
            raise InvalidInputError(f"a boolean mask needs mask_fill 0 or 1; got {fill}")
        return op(mask.view(np.uint8), int(fill)).view(bool)
    info = np.iinfo(mask.dtype)
    if not info.min <= fill <= info.max:
        raise InvalidInputError(f"mask_fill {fill} does not fit the mask's dtype {mask.dtype}")
    int32 = np.iinfo(np.int32)
    if int32.min <= min(int(mask.min()), fill) and max(int(mask.max()), fill) <= int32.max:
        return op(mask.astype(np.int32), int(fill)).astype(mask.dtype)
    labels, codes = np.unique(mask, return_inverse=True)
    labels = np.append(labels, np.array(fill, dtype=mask.dtype))
    moved = op(codes.reshape(mask.shape).astype(np.int32), len(labels) - 1)
    return labels[moved]


def _cv2_or_labels(
    image: np.ndarray,
    fill: float | Sequence[float],
    interpolation: str,
    op: Callable[[np.ndarray, tuple[float, ...]], np.ndarray],
) -> np.ndarray:
    """Dispatch an OpenCV op on an image, or on a label mask of any integer dtype."""
    if image.dtype in _CV2_DTYPES:
        return _cv2_by_chunks(image, fill, op)
    if image.dtype.kind not in "biu":
        raise InvalidInputError(
            f"arrays of dtype {image.dtype} are not supported: use uint8 or float32 images, "
            "or integer label masks"
        )
    if interpolation != "nearest":
        raise InvalidInputError(
            f"an integer label array (dtype {image.dtype}) must be moved with "
            f'interpolation="nearest" so labels never blend; got {interpolation!r}'
        )
    return _on_labels(image, int(np.ravel(fill)[0]), lambda a, f: _cv2_by_chunks(a, f, op))


def _clip_float(image: np.ndarray, interpolation: str) -> np.ndarray:
    # Cubic interpolation overshoots; uint8 saturates inside OpenCV, float32 does not.
    if interpolation == "cubic" and image.dtype.kind == "f":
        np.clip(image, 0.0, 1.0, out=image)
    return image


def hflip(image: np.ndarray) -> np.ndarray:
    """Mirror an image (or mask) left to right.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image or label mask, any dtype.

    Returns
    -------
    ndarray
        A new, contiguous array of the same shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import hflip
    >>> hflip(np.array([[1, 2, 3]], dtype=np.uint8))
    array([[3, 2, 1]], dtype=uint8)
    """
    cv2 = _cv2()
    if cv2 is not None and image.dtype in _CV2_DTYPES and _channels(image) <= 512:
        return _restore_channels(cv2.flip(image, 1), image)
    return np.ascontiguousarray(image[:, ::-1])


def vflip(image: np.ndarray) -> np.ndarray:
    """Mirror an image (or mask) top to bottom.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image or label mask, any dtype.

    Returns
    -------
    ndarray
        A new, contiguous array of the same shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import vflip
    >>> vflip(np.array([[1], [2]], dtype=np.uint8))
    array([[2],
           [1]], dtype=uint8)
    """
    # numpy copies whole reversed rows as fast as OpenCV's flip does.
    return np.ascontiguousarray(image[::-1])


def crop(image: np.ndarray, top: int, left: int, height: int, width: int) -> np.ndarray:
    """Cut out the window ``[top:top + height, left:left + width]``.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image or label mask, any dtype.
    top, left : int
        Corner of the window, in pixels.
    height, width : int
        Size of the window; it must lie inside the image.

    Returns
    -------
    ndarray of shape (height, width) or (height, width, C)
        A copy, never a view of the input.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import crop
    >>> crop(np.arange(16, dtype=np.uint8).reshape(4, 4), 1, 2, 2, 2)
    array([[ 6,  7],
           [10, 11]], dtype=uint8)
    """
    _check_window(image, top, left, height, width)
    return image[top : top + height, left : left + width].copy()


def _check_window(image: np.ndarray, top: int, left: int, height: int, width: int) -> None:
    rows, cols = image.shape[:2]
    if top < 0 or left < 0 or height < 1 or width < 1 or top + height > rows or left + width > cols:
        raise InvalidInputError(
            f"crop window top={top}, left={left}, height={height}, width={width} "
            f"does not fit inside a {rows}x{cols} image"
        )


def pad(
    image: np.ndarray,
    top: int,
    bottom: int,
    left: int,
    right: int,
    mode: str = "constant",
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """Add a border around an image (or mask).

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image or label mask, any dtype.
    top, bottom, left, right : int
        Border widths in pixels (>= 0).
    mode : {"constant", "edge", "reflect", "symmetric", "wrap"}, default="constant"
        numpy's names: ``"reflect"`` mirrors without repeating the edge pixel,
        ``"symmetric"`` repeats it.
    fill : number or sequence of numbers, default=0
        Border value for ``mode="constant"``, in the image's units (0..255 for
        uint8, 0..1 for float32): one number, or one per channel.

    Returns
    -------
    ndarray of shape (H + top + bottom, W + left + right[, C])

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import pad
    >>> pad(np.array([[1, 2]], dtype=np.uint8), 0, 0, 1, 1, mode="reflect")
    array([[2, 1, 2, 1]], dtype=uint8)
    """
    border = _check_choice(mode, _BORDER_MODES, "mode")
    if min(top, bottom, left, right) < 0:
        raise InvalidInputError(
            f"padding must be >= 0; got top={top}, bottom={bottom}, left={left}, right={right}"
        )
    fills = _fill_tuple(fill, _channels(image))
    cv2 = _cv2()
    if cv2 is not None and image.dtype in _CV2_DTYPES:
        code = getattr(cv2, border)
        return _cv2_by_chunks(
            image, fills, lambda a, f: cv2.copyMakeBorder(a, top, bottom, left, right, code, value=f)
        )
    widths = [(top, bottom), (left, right)]
    if image.ndim == 2:
        if mode == "constant":
            return np.pad(image, widths, constant_values=np.asarray(fills[0], image.dtype))
        return np.pad(image, widths, mode=mode)
    out = np.empty((image.shape[0] + top + bottom, image.shape[1] + left + right, image.shape[2]),
                   dtype=image.dtype)
    for c in range(image.shape[2]):
        out[:, :, c] = pad(np.ascontiguousarray(image[:, :, c]), top, bottom, left, right, mode,
                           fills[c])
    return out


def resize(
    image: np.ndarray, height: int, width: int, interpolation: str = "linear"
) -> np.ndarray:
    """Resize an image (or mask) to ``height`` x ``width``.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image, or label mask with ``interpolation="nearest"``.
    height, width : int
        Output size in pixels.
    interpolation : {"nearest", "linear", "cubic", "area"}, default="linear"
        ``"nearest"`` samples pixel centres (OpenCV's ``INTER_NEAREST_EXACT``),
        so it lines up with the other interpolations.

    Returns
    -------
    ndarray of shape (height, width[, C])

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import resize
    >>> resize(np.array([[0, 1]], dtype=np.uint8), 2, 4, interpolation="nearest")
    array([[0, 0, 1, 1],
           [0, 0, 1, 1]], dtype=uint8)
    """
    cv2 = _require_cv2("resize")
    name = _check_choice(interpolation, _INTERPOLATIONS, "interpolation")
    flag = cv2.INTER_NEAREST_EXACT if interpolation == "nearest" else getattr(cv2, name)
    if height < 1 or width < 1:
        raise InvalidInputError(f"resize needs a positive size; got {height}x{width}")
    out = _cv2_or_labels(
        image, 0, interpolation, lambda a, f: cv2.resize(a, (width, height), interpolation=flag)
    )
    return _clip_float(out, interpolation)


def resized_crop(
    image: np.ndarray,
    top: int,
    left: int,
    height: int,
    width: int,
    size: tuple[int, int],
    interpolation: str = "linear",
) -> np.ndarray:
    """Crop a window and resize it to ``size``.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image, or label mask with ``interpolation="nearest"``.
    top, left, height, width : int
        The window, as in :func:`crop`.
    size : (int, int)
        Output ``(height, width)``.
    interpolation : {"nearest", "linear", "cubic", "area"}, default="linear"

    Returns
    -------
    ndarray of shape (size[0], size[1][, C])

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import resized_crop
    >>> image = np.arange(16, dtype=np.uint8).reshape(4, 4)
    >>> resized_crop(image, 0, 0, 2, 2, (4, 4), interpolation="nearest")[0]
    array([0, 0, 1, 1], dtype=uint8)
    """
    _check_window(image, top, left, height, width)
    return resize(image[top : top + height, left : left + width], size[0], size[1], interpolation)


def affine_matrix(
    height: int,
    width: int,
    angle: float = 0.0,
    translate: tuple[float, float] = (0.0, 0.0),
    scale: float = 1.0,
) -> np.ndarray:
    """The 2x3 matrix that rotates and scales about the image centre, then translates.

    Parameters
    ----------
    height, width : int
        Image size; the centre is ``((width - 1) / 2, (height - 1) / 2)``.
    angle : float, default=0.0
        Degrees, counter-clockwise (OpenCV's convention).
    translate : (float, float), default=(0.0, 0.0)
        Shift ``(x, y)`` in pixels, right and down.
    scale : float, default=1.0
        Zoom factor (> 1 enlarges).

    Returns
    -------
    ndarray of shape (2, 3)
        Maps input pixel coordinates ``(x, y, 1)`` to output coordinates.

    Examples
    --------
    >>> from tabaug.image.functional import affine_matrix
    >>> affine_matrix(3, 3, translate=(1.0, 0.0))
    array([[1., 0., 1.],
           [0., 1., 0.]])
    """
    radians = np.deg2rad(angle)
    alpha, beta = scale * np.cos(radians), scale * np.sin(radians)
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    return np.array(
        [
            [alpha, beta, (1.0 - alpha) * cx - beta * cy + translate[0]],
            [-beta, alpha, beta * cx + (1.0 - alpha) * cy + translate[1]],
        ]
    )


def affine(
    image: np.ndarray,
    matrix: np.ndarray,
    interpolation: str = "linear",
    border_mode: str = "constant",
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """Warp an image (or mask) with a 2x3 affine matrix, keeping its size.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image, or label mask with ``interpolation="nearest"``.
    matrix : ndarray of shape (2, 3)
        Forward map from input to output pixel coordinates, e.g. from
        :func:`affine_matrix`.
    interpolation : {"nearest", "linear", "cubic"}, default="linear"
    border_mode : {"constant", "edge", "reflect", "symmetric", "wrap"}, default="constant"
        How pixels from outside the input are filled.
    fill : number or sequence of numbers, default=0
        Value of those pixels for ``border_mode="constant"``, in the image's units.

    Returns
    -------
    ndarray
        Same shape and dtype as ``image``.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import affine, affine_matrix
    >>> image = np.array([[1, 2, 3]], dtype=np.uint8)
    >>> affine(image, affine_matrix(1, 3, translate=(1.0, 0.0)), interpolation="nearest")
    array([[0, 1, 2]], dtype=uint8)
    """
    cv2 = _require_cv2("Rotate and Affine")
    flag = getattr(cv2, _check_choice(interpolation, _INTERPOLATIONS, "interpolation"))
    border = getattr(cv2, _check_choice(border_mode, _BORDER_MODES, "border_mode"))
    size = (image.shape[1], image.shape[0])
    matrix = np.asarray(matrix, dtype=np.float64)
    out = _cv2_or_labels(
        image,
        fill,
        interpolation,
        lambda a, f: cv2.warpAffine(a, matrix, size, flags=flag, borderMode=border, borderValue=f),
    )
    return _clip_float(out, interpolation)


def rotate(
    image: np.ndarray,
    angle: float,
    interpolation: str = "linear",
    border_mode: str = "constant",
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """Rotate an image (or mask) about its centre, keeping its size.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image, or label mask with ``interpolation="nearest"``.
    angle : float
        Degrees, counter-clockwise.
    interpolation, border_mode, fill
        As in :func:`affine`.

    Returns
    -------
    ndarray
        Same shape and dtype as ``image``; corners that leave the frame are cut.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import rotate
    >>> image = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    >>> rotate(image, 90, interpolation="nearest")
    array([[2, 4],
           [1, 3]], dtype=uint8)
    """
    matrix = affine_matrix(image.shape[0], image.shape[1], angle=angle)
    return affine(image, matrix, interpolation, border_mode, fill)


@cache
def _normal_quantiles() -> np.ndarray:
    # Standard normal quantiles at the midpoints of 2**16 equal-probability bins.
    from scipy.special import ndtri

    return ndtri((np.arange(65536) + 0.5) / 65536).astype(np.float32)


def _noise_codes(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(0, 65536, size=shape, dtype=np.uint16)


def _add_noise(image: np.ndarray, sigma: float, codes: np.ndarray) -> np.ndarray:
    noise = (_normal_quantiles() * np.float32(sigma * _max_value(image.dtype))).take(codes)
    if noise.ndim < image.ndim:
        noise = np.repeat(noise[:, :, None], image.shape[2], axis=2)
    cv2 = _cv2()
    if image.dtype == np.uint8:
        if cv2 is not None:
            return cv2.add(image, noise, dtype=cv2.CV_8U)
        noise += image
        return np.clip(np.rint(noise, out=noise), 0, 255, out=noise).astype(np.uint8)
    noise += image
    return np.clip(noise, 0.0, 1.0, out=noise)


def gaussian_noise(
    image: np.ndarray,
    std: float,
    random_state: int | np.random.Generator | None = None,
    per_channel: bool = True,
) -> np.ndarray:
    """Add zero-mean Gaussian noise.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
    std : float
        Standard deviation as a fraction of the dtype's maximum (255 for uint8,
        1.0 for float32): ``0.05`` is about 13 grey levels on uint8.
    random_state : int, numpy Generator or None, default=None
        Seed or generator for the noise.
    per_channel : bool, default=True
        Independent noise per channel; False adds the same noise to every channel.

    Returns
    -------
    ndarray
        Same shape and dtype, clipped to the dtype's range (uint8 is rounded).

    Notes
    -----
    The noise is drawn by inverse-CDF lookup: 16 random bits per value pick one
    of 65,536 equal-probability quantiles of the normal distribution. That is an
    exact Gaussian up to the 16-bit resolution (values beyond 4.3 standard
    deviations, a 1-in-65,000 event, are clamped there) and it is several times
    faster than sampling floating-point normals.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import gaussian_noise
    >>> image = np.full((64, 64), 0.5, dtype=np.float32)
    >>> noisy = gaussian_noise(image, 0.1, random_state=0)
    >>> noisy.dtype, round(float(noisy.std()), 1)
    (dtype('float32'), 0.1)
    """
    rng = np.random.default_rng(random_state)
    shape = image.shape if per_channel else image.shape[:2]
    return _add_noise(image, std, _noise_codes(rng, shape))
