"""Geometric array functions: flips, crops, padding, resizing, affine warps, cutout.

Each takes one image ``(H, W)`` or ``(H, W, C)`` (or an integer label mask,
moved with ``interpolation="nearest"``) and returns a new array; re-exported
by :mod:`tabaug.image.functional`, where they are documented as a whole.
"""

from collections.abc import Sequence

import numpy as np

from tabaug.exceptions import InvalidInputError
from tabaug.image import _backend as backend
from tabaug.image._validation import lookup_option

# Resizing and warps need OpenCV (the image extra); the rest has numpy fallbacks.
__doctest_requires__ = {("resize", "resized_crop", "affine", "rotate"): ["cv2"]}
# cv2.flip handles at most this many channels.
_FLIP_MAX_CHANNELS = 512

__all__ = [
    "affine",
    "affine_matrix",
    "crop",
    "cutout",
    "hflip",
    "pad",
    "resize",
    "resized_crop",
    "rotate",
    "vflip",
]

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
    cv2 = backend.opencv()
    if (
        cv2 is not None
        and image.dtype in backend.CV2_DTYPES
        and backend.channel_count(image) <= _FLIP_MAX_CHANNELS
    ):
        return backend.restore_channels(cv2.flip(image, 1), image)
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
    cv2 = backend.opencv()
    if (
        cv2 is not None
        and image.dtype in backend.CV2_DTYPES
        and backend.channel_count(image) <= _FLIP_MAX_CHANNELS
    ):
        # Twice as fast as numpy's copy of a reversed view on images not in cache.
        return backend.restore_channels(cv2.flip(image, 0), image)
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
    border = lookup_option(mode, "mode", backend.BORDER_MODES)
    if min(top, bottom, left, right) < 0:
        raise InvalidInputError(
            f"padding must be >= 0; got top={top}, bottom={bottom}, left={left}, right={right}"
        )
    cv2 = backend.opencv()
    if cv2 is not None and image.dtype in backend.CV2_DTYPES:
        code = getattr(cv2, border)
        return backend.cv2_by_chunks(
            image,
            fill,
            lambda a, f: cv2.copyMakeBorder(a, top, bottom, left, right, code, value=f),
        )
    fills = backend.fill_tuple(fill, backend.channel_count(image))
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
    cv2 = backend.require_opencv("resize")
    name = lookup_option(interpolation, "interpolation", backend.INTERPOLATIONS)
    flag = cv2.INTER_NEAREST_EXACT if interpolation == "nearest" else getattr(cv2, name)
    if height < 1 or width < 1:
        raise InvalidInputError(f"resize needs a positive size; got {height}x{width}")
    out = backend.cv2_or_labels(
        image, 0, interpolation, lambda a, f: cv2.resize(a, (width, height), interpolation=flag)
    )
    return backend.clip_float(out, interpolation)


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
    shear: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """The 2x3 matrix that rotates, scales and shears about the image centre, then translates.

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
    shear : (float, float), default=(0.0, 0.0)
        Shear factors ``(x, y)``, the tangents of the shear angles: ``x``
        moves each row sideways by ``x`` times its distance below the centre
        (``x' = x + shear_x * y``), ``y`` each column likewise. Applied after
        the rotation and scaling, about the centre. (torchvision's RandAugment
        shears about the top-left corner instead, which also shifts the image.)

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
    >>> affine_matrix(3, 3, shear=(0.5, 0.0))
    array([[ 1. ,  0.5, -0.5],
           [ 0. ,  1. ,  0. ]])
    """
    radians = np.deg2rad(angle)
    alpha, beta = scale * np.cos(radians), scale * np.sin(radians)
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    if shear[0] or shear[1]:
        linear = np.array([[1.0, shear[0]], [shear[1], 1.0]]) @ [[alpha, beta], [-beta, alpha]]
        centre = np.array([cx, cy])
        offset = centre - linear @ centre + np.asarray(translate, dtype=np.float64)
        return np.hstack([linear, offset[:, None]])
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
    cv2 = backend.require_opencv("Rotate and Affine")
    flag = getattr(cv2, lookup_option(interpolation, "interpolation", backend.WARP_INTERPOLATIONS))
    border = getattr(cv2, lookup_option(border_mode, "border_mode", backend.BORDER_MODES))
    size = (image.shape[1], image.shape[0])
    matrix = np.asarray(matrix, dtype=np.float64)
    out = backend.cv2_or_labels(
        image,
        fill,
        interpolation,
        lambda a, f: cv2.warpAffine(a, matrix, size, flags=flag, borderMode=border, borderValue=f),
    )
    return backend.clip_float(out, interpolation)


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
    if backend.is_number(fill):
        value = fill
    else:
        value = np.asarray(backend.fill_tuple(fill, backend.channel_count(image)))
    out = image.copy()
    for top, left, height, width in holes:
        out[max(top, 0) : top + height, max(left, 0) : left + width] = value
    return out
