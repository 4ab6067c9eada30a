"""Tone transforms: sharpness, posterize, solarize, autocontrast, equalize; masks stay.

The single operations of the augmentation policies (RandAugment,
TrivialAugment) that change tone rather than colour. Posterize and equalize
work on 256 grey levels: float32 images go through uint8 and back.
"""

import numbers
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidParameterError
from tabaug.image import _backend as backend
from tabaug.image import _functional_tone as F
from tabaug.image._base import ImageTransform, randint, uniform
from tabaug.image._validation import check_int_pair, check_range

__all__ = ["AutoContrast", "Equalize", "Posterize", "Sharpness", "Solarize"]


class Sharpness(ImageTransform):
    """Sharpen or soften by a random factor (torchvision's ``adjust_sharpness``).

    Parameters
    ----------
    limit : float or (float, float), default=0.5
        ``s`` draws the factor from ``[max(0, 1 - s), 1 + s]``; a pair is the
        factor's range. 0 gives the 3x3-smoothed image, 1 the original, above
        1 sharper.
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.adjust_sharpness : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Sharpness
    >>> image = np.zeros((3, 3), dtype=np.uint8)
    >>> image[1, 1] = 130
    >>> int(Compose([Sharpness(limit=(2.0, 2.0), p=1.0)])(image=image)["image"][1, 1])
    210
    """

    def __init__(self, limit: float | tuple[float, float] = 0.5, p: float = 0.5) -> None:
        self.limit = limit
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        limit = check_range(
            self.limit, "limit", type(self).__name__, symmetric_around=1.0, low=0.0
        )
        return {**super().check_params(), "limit": limit}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        return {"factor": uniform(rng, self.settings()["limit"])}

    def apply(self, image: np.ndarray, factor: float, **params: Any) -> np.ndarray:
        return F.adjust_sharpness(image, factor)


class Posterize(ImageTransform):
    """Keep a random number of the most significant bits of every 8-bit level.

    Parameters
    ----------
    bits : int or (int, int), default=(4, 8)
        Bits kept, 1 to 8; a pair is an inclusive range drawn per image
        (8 leaves the image unchanged).
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.posterize : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Posterize
    >>> image = np.array([[255, 100, 7]], dtype=np.uint8)
    >>> Compose([Posterize(bits=2, p=1.0)])(image=image)["image"]
    array([[192,  64,   0]], dtype=uint8)
    """

    def __init__(self, bits: int | tuple[int, int] = (4, 8), p: float = 0.5) -> None:
        self.bits = bits
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        what = "an int in 1..8 or a (low, high) pair of them"
        bits = check_int_pair(self.bits, "bits", owner, what=what)
        bits = bits * 2 if isinstance(self.bits, numbers.Integral) else bits
        if len(bits) != 2 or not 1 <= bits[0] <= bits[1] <= 8:
            raise InvalidParameterError(f"{owner}: bits must be {what}; got {self.bits!r}.")
        return {**super().check_params(), "bits": bits}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        low, high = self.settings()["bits"]
        return {"bits": low if low == high else low + randint(rng, high - low + 1)}

    def apply(self, image: np.ndarray, bits: int, **params: Any) -> np.ndarray:
        return F.posterize(image, bits)


class Solarize(ImageTransform):
    """Invert the levels at or above a random threshold.

    Parameters
    ----------
    threshold : float or (float, float), default=(0.5, 1.0)
        Threshold as a fraction of the maximum (255 for uint8, 1 for float32),
        within [0, 1]; a pair is a range drawn per image. 1 inverts only
        full-intensity pixels, 0 inverts everything.
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.solarize : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Solarize
    >>> image = np.array([[10, 200]], dtype=np.uint8)
    >>> Compose([Solarize(threshold=0.5, p=1.0)])(image=image)["image"]
    array([[10, 55]], dtype=uint8)
    """

    def __init__(self, threshold: float | tuple[float, float] = (0.5, 1.0), p: float = 0.5) -> None:
        self.threshold = threshold
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        threshold = check_range(self.threshold, "threshold", type(self).__name__, low=0.0, high=1.0)
        return {**super().check_params(), "threshold": threshold}

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        return {"threshold": uniform(rng, self.settings()["threshold"])}

    def apply(self, image: np.ndarray, threshold: float, **params: Any) -> np.ndarray:
        return F.solarize(image, threshold * backend.max_value(image.dtype))


class AutoContrast(ImageTransform):
    """Stretch each channel to the full range (darkest level to 0, brightest to the maximum).

    Parameters
    ----------
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.autocontrast : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import AutoContrast, Compose
    >>> image = np.array([[50, 100, 150]], dtype=np.uint8)
    >>> Compose([AutoContrast(p=1.0)])(image=image)["image"]
    array([[  0, 128, 255]], dtype=uint8)
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.autocontrast(image)


class Equalize(ImageTransform):
    """Equalize the histogram of each channel (PIL's and torchvision's algorithm).

    Parameters
    ----------
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.equalize : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Equalize
    >>> image = np.repeat(np.array([10, 20, 30], dtype=np.uint8), 300).reshape(9, 100)
    >>> np.unique(Compose([Equalize(p=1.0)])(image=image)["image"])
    array([  0, 150, 255], dtype=uint8)
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def apply(self, image: np.ndarray, **params: Any) -> np.ndarray:
        return F.equalize(image)
