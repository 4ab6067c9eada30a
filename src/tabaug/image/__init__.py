"""Class balancing and augmentation for images and segmentation masks.

:class:`ImageOverSampler` balances an image set by appending augmented copies
of minority-class images, with imbalanced-learn's ``fit_resample`` API and
``sampling_strategy``. The transforms are small objects with a probability
``p`` over the pure functions in :mod:`tabaug.image.functional`;
:class:`Compose` chains them with its own seeded generator and is called like
albumentations, ``pipeline(image=..., mask=...)``. Masks get every geometric
change with nearest-neighbour interpolation and no photometric change.

OpenCV (``pip install "tabaug[image]"``) is used where installed and is
required for rotations, affine warps and resizing; it is imported on first use.

Examples
--------
>>> import numpy as np
>>> from tabaug.image import Compose, HorizontalFlip, ImageOverSampler
>>> X = np.zeros((6, 8, 8), dtype=np.uint8)
>>> y = np.array([0, 0, 0, 0, 1, 1])
>>> sampler = ImageOverSampler(Compose([HorizontalFlip()]), random_state=0)
>>> X_res, y_res = sampler.fit_resample(X, y)
>>> X_res.shape, np.bincount(y_res).tolist()
((8, 8, 8), [4, 4])
"""

from tabaug.image import functional
from tabaug.image._cnn import CNNClassifier
from tabaug.image._gan import ImageGANOverSampler
from tabaug.image._policies import RandAugment, TrivialAugment, magnitude_table
from tabaug.image._vae import ImageVAEOverSampler
from tabaug.image._validation import ImageDtypeError
from tabaug.image.resample import ImageOverSampler
from tabaug.image.transforms import (
    Affine,
    AutoContrast,
    Brightness,
    ColorJitter,
    Compose,
    Contrast,
    Cutout,
    Equalize,
    GaussianNoise,
    HorizontalFlip,
    ImageTransform,
    OneOf,
    Pad,
    Posterize,
    RandomCrop,
    RandomResizedCrop,
    Rotate,
    Saturation,
    Sequential,
    Sharpness,
    ShearX,
    ShearY,
    Solarize,
    SomeOf,
    StyleTransfer,
    TranslateX,
    TranslateY,
    VerticalFlip,
)

__all__ = [
    "Affine",
    "AutoContrast",
    "Brightness",
    "CNNClassifier",
    "ColorJitter",
    "Compose",
    "Contrast",
    "Cutout",
    "Equalize",
    "GaussianNoise",
    "HorizontalFlip",
    "ImageDtypeError",
    "ImageGANOverSampler",
    "ImageOverSampler",
    "ImageTransform",
    "ImageVAEOverSampler",
    "OneOf",
    "Pad",
    "Posterize",
    "RandAugment",
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
    "TrivialAugment",
    "VerticalFlip",
    "functional",
    "magnitude_table",
]
