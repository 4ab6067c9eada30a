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
from types import ModuleType

import numpy as np

from tabaug.exceptions import InvalidInputError

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
_WARP_INTERPOLATIONS = {k: v for k, v in _INTERPOLATIONS.items() if k != "area"}
# ITU-R BT.601 luma weights, the ones OpenCV's RGB2GRAY and torchvision use.
_LUMA = np.array([0.299, 0.587, 0.114])
# OpenCV warps take at most 4 channels in OpenCV 4.x.
_CV2_MAX_CHANNELS = 4


@cache
def _import_cv2() -> ModuleType | None:
    try:
        import cv2
    except ImportError:
        return None
    return cv2


def _cv2() -> ModuleType | None:
    """OpenCV if it is installed, else None (the numpy fallbacks run then)."""
    return _import_cv2()


def _require_cv2(what: str) -> ModuleType:
    cv2 = _cv2()
    if cv2 is None:
        raise ImportError(
            f"{what} needs OpenCV, which is not installed. "
            'Install it with: pip install "tabaug[image]"'
        )
    return cv2


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


def _is_number(value: object) -> bool:
    # isinstance is ~20x cheaper than np.ndim(), and this runs on every call.
    return isinstance(value, (int, float, np.integer, np.floating))


def _fill_tuple(fill: float | Sequence[float], channels: int) -> tuple[float, ...]:
    if _is_number(fill):
        return (float(fill),) * channels
    values = tuple(float(v) for v in np.ravel(fill))
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
    if channels <= _CV2_MAX_CHANNELS and _is_number(fill):
        return _restore_channels(op(array, (float(fill),) * 4), array)
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
    label = fill if _is_number(fill) else np.ravel(fill)[0]
    return _on_labels(image, int(label), lambda a, f: _cv2_by_chunks(a, f, op))


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
    cv2 = _cv2()
    if cv2 is not None and image.dtype in _CV2_DTYPES and _channels(image) <= 512:
        # Twice as fast as numpy's copy of a reversed view on images not in cache.
        return _restore_channels(cv2.flip(image, 0), image)
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
    cv2 = _cv2()
    if cv2 is not None and image.dtype in _CV2_DTYPES:
        code = getattr(cv2, border)
        return _cv2_by_chunks(
            image,
            fill,
            lambda a, f: cv2.copyMakeBorder(a, top, bottom, left, right, code, value=f),
        )
    fills = _fill_tuple(fill, _channels(image))
    widths = [(top, bottom), (left, right)]
    if image.ndim == 2:
        if mode == "constant":
            return np.pad(image, widths, constant_values=np.asarray(fills[0], image.dtype))
        return np.pad(image, widths, mode=mode)
    out = np.empty(
        (image.shape[0] + top + bottom, image.shape[1] + left + right, image.shape[2]),
        dtype=image.dtype,
    )
    for c in range(image.shape[2]):
        out[:, :, c] = pad(
            np.ascontiguousarray(image[:, :, c]), top, bottom, left, right, mode, fills[c]
        )
    return out


def resize(image: np.ndarray, height: int, width: int, interpolation: str = "linear") -> np.ndarray:
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
            [0.0 - beta, alpha, beta * cx + (1.0 - alpha) * cy + translate[1]],
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
    flag = getattr(cv2, _check_choice(interpolation, _WARP_INTERPOLATIONS, "interpolation"))
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
            return _restore_channels(cv2.add(image, noise, dtype=cv2.CV_8U), image)
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


def _color_channels(channels: int, operation: str) -> int:
    """How many leading channels carry colour: RGB(A) images have 3, others all."""
    if channels in (3, 4):
        return 3
    if operation in ("saturation", "hue") and channels != 1:
        raise InvalidInputError(
            f"{operation} needs a grayscale, RGB or RGBA image; got {channels} channels"
        )
    return channels


def _channel_means(image: np.ndarray) -> np.ndarray:
    channels = _channels(image)
    cv2 = _cv2()
    if cv2 is not None and channels <= 4:
        return np.array(cv2.mean(image)[:channels])
    return image.reshape(-1, channels).mean(axis=0, dtype=np.float64)


def _linear_step(
    operation: str, factor: float, channels: int, means: np.ndarray | None
) -> np.ndarray:
    """The (C, C + 1) colour matrix of one brightness, contrast or saturation step."""
    color = _color_channels(channels, operation)
    step = np.eye(channels, channels + 1)
    if operation == "saturation" and color == 1:
        return step
    step[:color, :color] *= factor
    if operation == "contrast":
        gray = float(_LUMA @ means[:3]) if color == 3 else float(means[:color].mean())
        step[:color, channels] = (1.0 - factor) * gray
    elif operation == "saturation":
        step[:3, :3] += (1.0 - factor) * _LUMA[None, :]
    return step


def _apply_color_matrix(image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    channels = _channels(image)
    cv2 = _cv2()
    if cv2 is not None and channels <= 4:
        out = _restore_channels(cv2.transform(image, matrix), image)
    else:
        flat = image.reshape(-1, channels).astype(np.float32)
        out = flat @ matrix[:, :channels].T.astype(np.float32)
        out += matrix[:, channels].astype(np.float32)
        out = out.reshape(image.shape)
        if image.dtype == np.uint8:
            return np.clip(np.rint(out, out=out), 0, 255, out=out).astype(np.uint8)
    if out.dtype.kind == "f":
        np.clip(out, 0.0, 1.0, out=out)
    return out


def _hsv_hue_shift_numpy(rgb: np.ndarray, shift: float) -> np.ndarray:
    """Rotate hue in HSV space with numpy; ``rgb`` is float in 0..1, shape (..., 3)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = rgb.max(axis=-1)
    delta = value - rgb.min(axis=-1)
    safe = np.where(delta > 0, delta, 1.0)
    hue = np.where(
        value == r, (g - b) / safe, np.where(value == g, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe)
    )
    hue = np.mod(hue / 6.0 + shift, 1.0) * 6.0
    sector = np.floor(hue).astype(np.int64) % 6
    frac = hue - np.floor(hue)
    saturation = np.where(value > 0, delta / np.where(value > 0, value, 1.0), 0.0)
    p = value * (1.0 - saturation)
    q = value * (1.0 - saturation * frac)
    t = value * (1.0 - saturation * (1.0 - frac))
    return np.stack(
        [
            np.choose(sector, [value, q, p, p, t, value]),
            np.choose(sector, [t, value, value, q, p, p]),
            np.choose(sector, [p, p, t, value, value, q]),
        ],
        axis=-1,
    )


def _shift_hue(image: np.ndarray, shift: float) -> np.ndarray:
    channels = _channels(image)
    if _color_channels(channels, "hue") == 1:
        return image.copy()
    rgb = image if channels == 3 else np.ascontiguousarray(image[:, :, :3])
    cv2 = _cv2()
    if cv2 is None:
        scale = _max_value(image.dtype)
        shifted = _hsv_hue_shift_numpy(rgb.astype(np.float64) / scale, shift) * scale
        if image.dtype == np.uint8:
            shifted = np.rint(shifted)
        shifted = shifted.astype(image.dtype)
    elif image.dtype == np.uint8:
        # The FULL conversion spreads hue over 0..255, so uint8 wrap-around is the modulo.
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV_FULL)
        hue = hsv[:, :, 0]
        hue += np.uint8(round(shift * 256) % 256)
        shifted = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB_FULL)
    else:
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        hue = hsv[:, :, 0]
        hue += np.float32(shift * 360.0)
        np.remainder(hue, 360.0, out=hue)
        shifted = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
        np.clip(shifted, 0.0, 1.0, out=shifted)
    if channels == 4:
        return np.concatenate([shifted, image[:, :, 3:]], axis=2)
    return shifted


def _color_jitter(image: np.ndarray, steps: Sequence[tuple[str, float]]) -> np.ndarray:
    """Apply brightness, contrast, saturation and hue steps in the given order.

    Consecutive linear steps (everything but hue) are fused into one colour
    matrix, so the image is read and rounded once per run instead of once per
    step; a contrast step uses the mean grey level of the image it receives,
    computed exactly from the running matrix.
    """
    channels = _channels(image)
    out = image
    matrix = None
    means = None
    for operation, value in steps:
        if operation == "hue":
            if matrix is not None:
                out, matrix = _apply_color_matrix(out, matrix), None
            out = _shift_hue(out, value)
            continue
        if matrix is None:
            matrix = np.eye(channels, channels + 1)
            means = None
        if operation == "contrast" and means is None:
            means = _channel_means(out)
        current = None if means is None else matrix[:, :channels] @ means + matrix[:, channels]
        step = _linear_step(operation, value, channels, current)
        matrix = np.concatenate(
            [
                step[:, :channels] @ matrix[:, :channels],
                (step[:, :channels] @ matrix[:, channels] + step[:, channels])[:, None],
            ],
            axis=1,
        )
    if matrix is not None:
        out = _apply_color_matrix(out, matrix)
    return image.copy() if out is image else out


def adjust_brightness(image: np.ndarray, factor: float) -> np.ndarray:
    """Multiply the colour channels by ``factor`` (0 gives black, 1 the original).

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
        An alpha channel (the fourth of four) is left alone.
    factor : float
        Non-negative multiplier.

    Returns
    -------
    ndarray
        Same shape and dtype, clipped to the dtype's range.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import adjust_brightness
    >>> adjust_brightness(np.array([[100, 200]], dtype=np.uint8), 1.5)
    array([[150, 255]], dtype=uint8)
    """
    return _color_jitter(image, [("brightness", factor)])


def adjust_contrast(image: np.ndarray, factor: float) -> np.ndarray:
    """Blend each pixel with the image's mean grey level (0 gives flat grey).

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), uint8 or float32
    factor : float
        Non-negative; 1 returns the original, above 1 increases contrast.

    Returns
    -------
    ndarray
        Same shape and dtype, clipped to the dtype's range.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import adjust_contrast
    >>> adjust_contrast(np.array([[100, 200]], dtype=np.uint8), 0.5)
    array([[125, 175]], dtype=uint8)
    """
    return _color_jitter(image, [("contrast", factor)])


def adjust_saturation(image: np.ndarray, factor: float) -> np.ndarray:
    """Blend each pixel with its own grey level (0 gives greyscale).

    Parameters
    ----------
    image : ndarray of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), uint8 or float32
        RGB(A) images; greyscale images are returned unchanged.
    factor : float
        Non-negative; 1 returns the original, above 1 makes colours stronger.

    Returns
    -------
    ndarray
        Same shape and dtype, clipped to the dtype's range.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import adjust_saturation
    >>> adjust_saturation(np.array([[[255, 0, 0]]], dtype=np.uint8), 0.0)
    array([[[76, 76, 76]]], dtype=uint8)
    """
    return _color_jitter(image, [("saturation", factor)])


def adjust_hue(image: np.ndarray, shift: float) -> np.ndarray:
    """Rotate the hue of every pixel by ``shift`` turns of the colour circle.

    Parameters
    ----------
    image : ndarray of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), uint8 or float32
        RGB(A) images; greyscale images are returned unchanged.
    shift : float
        Fraction of a full turn in [-0.5, 0.5]; 1/3 turns red into green.

    Returns
    -------
    ndarray
        Same shape and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import adjust_hue
    >>> red = np.array([[[1.0, 0.0, 0.0]]], dtype=np.float32)
    >>> adjust_hue(red, 1 / 3).round(3)
    array([[[0., 1., 0.]]], dtype=float32)
    """
    return _color_jitter(image, [("hue", shift)])


def cutout(
    image: np.ndarray,
    holes: Sequence[tuple[int, int, int, int]],
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """Fill rectangular holes with a constant.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Image or label mask, any dtype.
    holes : sequence of (top, left, height, width)
        Rectangles in pixels; parts outside the image are ignored.
    fill : number or sequence of numbers, default=0
        In the image's units: one number, or one per channel.

    Returns
    -------
    ndarray
        A copy with the holes filled.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image.functional import cutout
    >>> cutout(np.ones((3, 3), dtype=np.uint8), [(0, 0, 2, 2)])
    array([[0, 0, 1],
           [0, 0, 1],
           [1, 1, 1]], dtype=uint8)
    """
    value = fill if _is_number(fill) else np.asarray(_fill_tuple(fill, _channels(image)))
    out = image.copy()
    for top, left, height, width in holes:
        out[max(top, 0) : top + height, max(left, 0) : left + width] = value
    return out
