"""Image transforms: small objects that draw random parameters and call pure functions.

Each transform has a probability ``p`` and parameter ranges; :class:`Compose`
chains them and owns the random generator (``numpy.random.Generator``, seeded by
``random_state``; the global numpy RNG is never touched). A composed pipeline is
called like albumentations, ``compose(image=..., mask=...)``, and returns a dict
with ``"image"`` and ``"mask"``.

Images are ``uint8`` (0..255) or ``float32`` (0..1), one ``(H, W)`` /
``(H, W, C)`` image or a batch ``(N, H, W)`` / ``(N, H, W, C)``; the dtype is
kept. Masks are integer (or boolean) label maps ``(H, W)`` / ``(N, H, W)``:
geometric transforms move them with the image's parameters using
nearest-neighbour interpolation, photometric transforms leave them as they are.

A 3-D array is ambiguous. The rule: with a mask, the mask decides (an
``(N, H, W)`` mask means a batch); without one, a last axis of size 1, 3 or 4
means channels, so ``(H, W, C)``, and any other size means a batch
``(N, H, W)``. Pass ``batch=True`` or ``batch=False`` to say it outright.

The transforms live in private modules by kind (the base class and its
protocol, geometric, photometric, dropout, composition, adversarial); this module is their
public home, with :mod:`tabaug.image`.

Examples
--------
>>> import numpy as np
>>> from tabaug.image import Compose, Cutout, HorizontalFlip
>>> pipeline = Compose([HorizontalFlip(p=0.5), Cutout(mask_fill=0)], random_state=0)
>>> image = np.zeros((32, 32, 3), dtype=np.uint8)
>>> mask = np.zeros((32, 32), dtype=np.uint8)
>>> out = pipeline(image=image, mask=mask)
>>> out["image"].shape, out["mask"].dtype
((32, 32, 3), dtype('uint8'))
"""

from tabaug.image._adversarial_noise import AdversarialNoise
from tabaug.image._affine import Affine, Rotate, ShearX, ShearY, TranslateX, TranslateY
from tabaug.image._base import ImageTransform
from tabaug.image._composition import Compose, OneOf, Sequential, SomeOf
from tabaug.image._dropout import Cutout
from tabaug.image._geometric import (
    HorizontalFlip,
    Pad,
    RandomCrop,
    RandomResizedCrop,
    VerticalFlip,
)
from tabaug.image._photometric import (
    Brightness,
    ColorJitter,
    Contrast,
    GaussianNoise,
    Saturation,
)
from tabaug.image._style import StyleTransfer
from tabaug.image._tone import AutoContrast, Equalize, Posterize, Sharpness, Solarize

__all__ = [
    "AdversarialNoise",
    "Affine",
    "AutoContrast",
    "Brightness",
    "ColorJitter",
    "Compose",
    "Contrast",
    "Cutout",
    "Equalize",
    "GaussianNoise",
    "HorizontalFlip",
    "ImageTransform",
    "OneOf",
    "Pad",
    "Posterize",
    "RandomCrop",
    "RandomResizedCrop",
    "Rotate",
    "Saturation",
    "Sequential",
    "Sharpness",
    "ShearX",
    "ShearY",
    "Solarize",
    "SomeOf",
    "StyleTransfer",
    "TranslateX",
    "TranslateY",
    "VerticalFlip",
]
