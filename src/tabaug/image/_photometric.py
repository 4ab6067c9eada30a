"""Photometric transforms: Gaussian noise, colour jitter and its single steps; masks stay.

Every transform reads its parameters through :meth:`ImageTransform.settings`,
so they are checked when the transform is applied, not only when it is built.
"""

from typing import Any

import numpy as np

from tabaug.exceptions import InvalidParameterError
from tabaug.image import _functional_photometric as F
from tabaug.image._base import ImageTransform, uniform
from tabaug.image._validation import check_range

__all__ = ["Brightness", "ColorJitter", "Contrast", "GaussianNoise", "Saturation"]

_JITTER_NAMES = ("brightness", "contrast", "saturation", "hue")


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
        self.std = std
        self.per_channel = per_channel
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        if not isinstance(self.per_channel, bool | np.bool_):
            raise InvalidParameterError(
                f"{owner}: per_channel must be True or False; got {self.per_channel!r}."
            )
        return {
            **super().check_params(),
            "std": check_range(self.std, "std", owner, low=0.0),
            "per_channel": bool(self.per_channel),
        }

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        settings = self.settings()
        shape = image.shape if settings["per_channel"] else image.shape[:2]
        return {"std": uniform(rng, settings["std"]), "codes": F.noise_codes(rng, shape)}

    def apply(self, image: np.ndarray, std: float, codes: np.ndarray, **params: Any) -> np.ndarray:
        return F.add_noise(image, std, codes)


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
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        super().__init__(p)

    def check_params(self) -> dict[str, Any]:
        owner = type(self).__name__
        factor = {"symmetric_around": 1.0, "low": 0.0}
        return {
            **super().check_params(),
            "ranges": (
                check_range(self.brightness, "brightness", owner, **factor),
                check_range(self.contrast, "contrast", owner, **factor),
                check_range(self.saturation, "saturation", owner, **factor),
                check_range(self.hue, "hue", owner, symmetric_around=0.0, low=-0.5, high=0.5),
            ),
        }

    def draw_params(self, rng: np.random.Generator, image: np.ndarray) -> dict[str, Any]:
        ranges = self.settings()["ranges"]
        steps = []
        for index in rng.permutation(4):
            name = _JITTER_NAMES[index]
            value = uniform(rng, ranges[index])
            if value != (0.0 if name == "hue" else 1.0):
                steps.append((name, value))
        return {"steps": steps}

    def apply(self, image: np.ndarray, steps: list, **params: Any) -> np.ndarray:
        return F.color_jitter(image, steps)


class _Factor(ImageTransform):
    """One colour step by a random factor: ``limit`` ``b`` means ``[max(0, 1 - b), 1 + b]``."""

    _step = "brightness"

    def __init__(self, limit: float | tuple[float, float] = 0.2, p: float = 0.5) -> None:
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
        return F.color_jitter(image, [(self._step, factor)])


class Brightness(_Factor):
    """Scale brightness by a random factor (``ColorJitter``'s brightness step alone).

    Parameters
    ----------
    limit : float or (float, float), default=0.2
        ``b`` draws the factor from ``[max(0, 1 - b), 1 + b]``; a pair is the
        factor's range. 0 gives black, 1 the original.
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.adjust_brightness : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Brightness, Compose
    >>> image = np.full((2, 2), 100, dtype=np.uint8)
    >>> int(Compose([Brightness(limit=(1.5, 1.5), p=1.0)])(image=image)["image"].max())
    150
    """

    _step = "brightness"


class Contrast(_Factor):
    """Scale contrast around the mean grey level by a random factor.

    Parameters
    ----------
    limit : float or (float, float), default=0.2
        ``c`` draws the factor from ``[max(0, 1 - c), 1 + c]``; a pair is the
        factor's range. 0 gives flat grey, 1 the original.
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.adjust_contrast : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Contrast
    >>> image = np.array([[100, 200]], dtype=np.uint8)
    >>> Compose([Contrast(limit=(0.5, 0.5), p=1.0)])(image=image)["image"]
    array([[125, 175]], dtype=uint8)
    """

    _step = "contrast"


class Saturation(_Factor):
    """Scale colour saturation by a random factor (greyscale images are left alone).

    Parameters
    ----------
    limit : float or (float, float), default=0.2
        ``s`` draws the factor from ``[max(0, 1 - s), 1 + s]``; a pair is the
        factor's range. 0 gives grey, 1 the original.
    p : float, default=0.5
        Probability of changing each image.

    See Also
    --------
    tabaug.image.functional.adjust_saturation : The fixed operation.

    Examples
    --------
    >>> import numpy as np
    >>> from tabaug.image import Compose, Saturation
    >>> red = np.array([[[255, 0, 0]]], dtype=np.uint8)
    >>> Compose([Saturation(limit=(0.0, 0.0), p=1.0)])(image=red)["image"]
    array([[[76, 76, 76]]], dtype=uint8)
    """

    _step = "saturation"
