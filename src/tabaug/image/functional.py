"""Pure array functions behind the image transforms.

Every function takes one image, ``(H, W)`` or ``(H, W, C)``, and returns a new
array; the input is never modified. Images are ``uint8`` (0..255) or
``float32`` (0..1) and keep their dtype. The geometric functions (flips, crops,
padding, resizing, rotations, affine warps, cutout) also accept integer or
boolean label masks ``(H, W)``: call them with ``interpolation="nearest"`` so
labels never blend. The transform classes in :mod:`tabaug.image` draw the random
parameters and call these functions; call them directly when you want one fixed
operation. (The functions live in private modules by kind, geometric and
photometric; this module is their public home.)

OpenCV (``pip install "tabaug[image]"``) does the work where it is installed.
Flips, crops, padding, cutout, noise, the colour and the tone functions
(posterize, solarize, autocontrast, equalize, sharpness) fall back to numpy
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

from tabaug.image._functional_geometric import (
    affine,
    affine_matrix,
    crop,
    cutout,
    hflip,
    pad,
    resize,
    resized_crop,
    rotate,
    vflip,
)
from tabaug.image._functional_photometric import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    gaussian_noise,
)
from tabaug.image._functional_tone import (
    adjust_sharpness,
    autocontrast,
    equalize,
    posterize,
    solarize,
)

__all__ = [
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "adjust_sharpness",
    "affine",
    "affine_matrix",
    "autocontrast",
    "crop",
    "cutout",
    "equalize",
    "gaussian_noise",
    "hflip",
    "pad",
    "posterize",
    "resize",
    "resized_crop",
    "rotate",
    "solarize",
    "vflip",
]
