"""Photometric array functions: Gaussian noise and colour (brightness, contrast, saturation, hue).

Images only (masks never change colour); uint8 (0..255) or float32 (0..1), dtype
kept. Re-exported by :mod:`tabaug.image.functional`. :func:`noise_codes`,
:func:`add_noise` and :func:`color_jitter` are the internal steps the
transforms call with parameters they drew themselves.
"""

from collections.abc import Sequence
from functools import cache

import numpy as np

from tabaug.exceptions import InvalidInputError
from tabaug.image import _backend as backend

__all__ = [
    "add_noise",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "color_jitter",
    "gaussian_noise",
    "noise_codes",
]

# ITU-R BT.601 luma weights, the ones OpenCV's RGB2GRAY and torchvision use.
_LUMA = np.array([0.299, 0.587, 0.114])

@cache
def _normal_quantiles() -> np.ndarray:
    # Standard normal quantiles at the midpoints of 2**16 equal-probability bins.
    from scipy.special import ndtri

    return ndtri((np.arange(65536) + 0.5) / 65536).astype(np.float32)


def noise_codes(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Draw the random part of Gaussian noise: one 16-bit quantile index per value."""
    return rng.integers(0, 65536, size=shape, dtype=np.uint16)


def add_noise(image: np.ndarray, sigma: float, codes: np.ndarray) -> np.ndarray:
    """Add the noise that ``codes`` (from :func:`noise_codes`) encode at std ``sigma``.

    ``codes`` has the image's shape, or ``(H, W)`` for the same noise in every channel.
    """
    noise = (_normal_quantiles() * np.float32(sigma * backend.max_value(image.dtype))).take(codes)
    if noise.ndim < image.ndim:
        noise = np.repeat(noise[:, :, None], image.shape[2], axis=2)
    cv2 = backend.opencv()
    if image.dtype == np.uint8:
        if cv2 is not None:
            return backend.restore_channels(cv2.add(image, noise, dtype=cv2.CV_8U), image)
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
    return add_noise(image, std, noise_codes(rng, shape))


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
    channels = backend.channel_count(image)
    cv2 = backend.opencv()
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
    channels = backend.channel_count(image)
    cv2 = backend.opencv()
    if cv2 is not None and channels <= 4:
        out = backend.restore_channels(cv2.transform(image, matrix), image)
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
    channels = backend.channel_count(image)
    if _color_channels(channels, "hue") == 1:
        return image.copy()
    rgb = image if channels == 3 else np.ascontiguousarray(image[:, :, :3])
    cv2 = backend.opencv()
    if cv2 is None:
        scale = backend.max_value(image.dtype)
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


def color_jitter(image: np.ndarray, steps: Sequence[tuple[str, float]]) -> np.ndarray:
    """Apply brightness, contrast, saturation and hue steps in the given order.

    Consecutive linear steps (everything but hue) are fused into one colour
    matrix, so the image is read and rounded once per run instead of once per
    step; a contrast step uses the mean grey level of the image it receives,
    computed exactly from the running matrix.
    """
    channels = backend.channel_count(image)
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
    return color_jitter(image, [("brightness", factor)])


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
    return color_jitter(image, [("contrast", factor)])


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
    return color_jitter(image, [("saturation", factor)])


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
    return color_jitter(image, [("hue", shift)])
