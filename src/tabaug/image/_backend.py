"""The array backend of the image functions: OpenCV where installed, numpy otherwise.

OpenCV is imported on first use through :func:`opencv`, the one place that
decides whether it is there (tests switch it off by replacing this function).
The helpers run an OpenCV operation on any image or label mask: more than four
channels in chunks, label dtypes OpenCV lacks through a lossless encoding.
"""

from collections.abc import Callable, Sequence
from functools import cache
from types import ModuleType

import numpy as np

from tabaug.exceptions import InvalidInputError

__all__ = [
    "BORDER_MODES",
    "CV2_DTYPES",
    "INTERPOLATIONS",
    "WARP_INTERPOLATIONS",
    "channel_count",
    "clip_float",
    "cv2_by_chunks",
    "cv2_or_labels",
    "fill_tuple",
    "is_number",
    "max_value",
    "opencv",
    "require_opencv",
    "restore_channels",
]

# dtypes every OpenCV function used here handles natively (OpenCV turns int64 into int32).
CV2_DTYPES = frozenset(
    np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32)
)
BORDER_MODES = {
    "constant": "BORDER_CONSTANT",
    "edge": "BORDER_REPLICATE",
    "reflect": "BORDER_REFLECT_101",
    "symmetric": "BORDER_REFLECT",
    "wrap": "BORDER_WRAP",
}
INTERPOLATIONS = {
    "nearest": "INTER_NEAREST",
    "linear": "INTER_LINEAR",
    "cubic": "INTER_CUBIC",
    "area": "INTER_AREA",
}
WARP_INTERPOLATIONS = {k: v for k, v in INTERPOLATIONS.items() if k != "area"}
# OpenCV warps take at most 4 channels in OpenCV 4.x.
_CV2_MAX_CHANNELS = 4


@cache
def _import_opencv() -> ModuleType | None:
    try:
        import cv2
    except ImportError:
        return None
    return cv2


def opencv() -> ModuleType | None:
    """OpenCV if it is installed, else None (the numpy fallbacks run then)."""
    return _import_opencv()


def require_opencv(what: str) -> ModuleType:
    """OpenCV, or an ImportError naming ``what`` needs it and the extra to install."""
    cv2 = opencv()
    if cv2 is None:
        raise ImportError(
            f"{what} needs OpenCV, which is not installed. "
            'Install it with: pip install "tabaug[image]"'
        )
    return cv2


def max_value(dtype: np.dtype) -> float:
    """The value of full intensity: 255 for uint8 images, 1.0 for float32."""
    return 255.0 if dtype == np.uint8 else 1.0


def restore_channels(result: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``result`` with the channel axis of ``like`` put back where OpenCV dropped it."""
    # OpenCV returns (H, W) for (H, W, 1) input.
    if like.ndim == 3 and result.ndim == 2:
        return result[:, :, None]
    return result


def is_number(value: object) -> bool:
    """Whether ``value`` is one number (not a sequence of per-channel values)."""
    # isinstance is ~20x cheaper than np.ndim(), and this runs on every call.
    return isinstance(value, (int, float, np.integer, np.floating))


def fill_tuple(fill: float | Sequence[float], channels: int) -> tuple[float, ...]:
    """A border or hole value as one float per channel."""
    if is_number(fill):
        return (float(fill),) * channels
    values = tuple(float(v) for v in np.ravel(fill))
    if len(values) != channels:
        raise InvalidInputError(
            f"fill has {len(values)} values but the image has {channels} channels; "
            "give one number or one value per channel"
        )
    return values


def channel_count(array: np.ndarray) -> int:
    """Channels of an (H, W) or (H, W, C) array."""
    return array.shape[2] if array.ndim == 3 else 1


def cv2_by_chunks(
    array: np.ndarray,
    fill: float | Sequence[float],
    op: Callable[[np.ndarray, tuple[float, ...]], np.ndarray],
) -> np.ndarray:
    """Run an OpenCV op, splitting more than four channels into chunks OpenCV accepts."""
    channels = channel_count(array)
    if channels <= _CV2_MAX_CHANNELS and is_number(fill):
        return restore_channels(op(array, (float(fill),) * 4), array)
    fills = fill_tuple(fill, channels)
    if channels <= _CV2_MAX_CHANNELS:
        return restore_channels(op(array, (fills + (0.0,) * 4)[:4]), array)
    parts = []
    for start in range(0, channels, _CV2_MAX_CHANNELS):
        chunk = np.ascontiguousarray(array[:, :, start : start + _CV2_MAX_CHANNELS])
        chunk_fill = (fills[start : start + _CV2_MAX_CHANNELS] + (0.0,) * 4)[:4]
        parts.append(restore_channels(op(chunk, chunk_fill), chunk))
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


def cv2_or_labels(
    image: np.ndarray,
    fill: float | Sequence[float],
    interpolation: str,
    op: Callable[[np.ndarray, tuple[float, ...]], np.ndarray],
) -> np.ndarray:
    """Dispatch an OpenCV op on an image, or on a label mask of any integer dtype."""
    if image.dtype in CV2_DTYPES:
        return cv2_by_chunks(image, fill, op)
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
    label = fill if is_number(fill) else np.ravel(fill)[0]
    return _on_labels(image, int(label), lambda a, f: cv2_by_chunks(a, f, op))


def clip_float(image: np.ndarray, interpolation: str) -> np.ndarray:
    """Clip a float32 result of cubic interpolation back into 0..1, in place."""
    # Cubic interpolation overshoots; uint8 saturates inside OpenCV, float32 does not.
    if interpolation == "cubic" and image.dtype.kind == "f":
        np.clip(image, 0.0, 1.0, out=image)
    return image
