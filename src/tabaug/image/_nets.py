"""The PyTorch networks and helpers of tabaug.image's models; torch is imported on use.

:func:`networks` defines the network classes the first time it is called with
the torch module (so importing tabaug.image never imports torch):

* ``SmallCNN``: the image classifier behind :class:`~tabaug.image.CNNClassifier`;
* ``UpNet``: latent code and class -> image, the GAN's generator and the
  VAE's decoder (a 4x4 seed doubled up to the padded size);
* ``DownNet``: image and class -> vector, the GAN's critic and the VAE's
  encoder (halved down to 4x4, no normalization, as WGAN-GP needs).

:class:`TorchState` (from :mod:`tabaug.utils`, re-exported here) keeps an
estimator's networks picklable as CPU state dicts, so a model fitted on a GPU
loads on a machine without one. The array helpers turn image batches into
``(N, C, H, W)`` float32 in 0..1 and back.
"""

import math
from functools import cache
from types import SimpleNamespace
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError
from tabaug.utils import TorchState

__all__ = [
    "MAX_SIDE",
    "TorchState",
    "from_unit",
    "networks",
    "padded_side",
    "to_unit",
]

# The generators double a 4x4 seed; four doublings reach 64, the largest side they model.
MAX_SIDE = 64
_MIN_SIDE = 8


def padded_side(height: int, width: int, owner: str) -> int:
    """The square side (8, 16, 32 or 64) the generators pad an image of this size to."""
    side = max(_MIN_SIDE, 2 ** math.ceil(math.log2(max(height, width))))
    if side > MAX_SIDE:
        raise InvalidInputError(
            f"{owner} models images up to {MAX_SIDE}x{MAX_SIDE} pixels (its generator doubles "
            f"a 4x4 seed four times); these are {height}x{width}. Resize them first, e.g. with "
            "tabaug.image.functional.resize, or crop them; or balance them with "
            "ImageOverSampler, which takes any size."
        )
    return side


def to_unit(X: np.ndarray) -> np.ndarray:
    """Images (N, H, W[, C]), uint8 or float32, as float32 (N, C, H, W) in 0..1."""
    values = X.astype(np.float32) / np.float32(255.0) if X.dtype == np.uint8 else X
    values = values[:, None] if values.ndim == 3 else values.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(values, dtype=np.float32)


def from_unit(values: np.ndarray, dtype: np.dtype, channels_last: bool) -> np.ndarray:
    """float (N, C, H, W) in 0..1 back to images of ``dtype``: (N, H, W) or (N, H, W, C)."""
    values = np.clip(values, 0.0, 1.0)
    values = values.transpose(0, 2, 3, 1) if channels_last else values[:, 0]
    if np.dtype(dtype) == np.uint8:
        return np.rint(values * 255.0).astype(np.uint8)
    return np.ascontiguousarray(values, dtype=np.float32)


@cache
def networks(torch: Any) -> SimpleNamespace:
    """The network classes, defined once per process on first use."""
    nn = torch.nn

    class SmallCNN(nn.Module):
        """Two conv stages (two 3x3 conv + ReLU, 2x2 max-pool), global average, linear.

        Input (N, C, H, W) floats in 0..1, output logits. Pooling stops below 4
        pixels, so any image of at least 1x1 pixel works. No batch norm: the
        network behaves the same in training and evaluation, even after a few
        steps on a few images.
        """

        def __init__(self, channels: int, n_classes: int, width: int, min_side: int):
            super().__init__()
            layers: list = []
            size, in_channels = min_side, channels
            for out_channels in (width, 2 * width):
                layers += [
                    nn.Conv2d(in_channels, out_channels, 3, padding=1),
                    nn.ReLU(),
                    nn.Conv2d(out_channels, out_channels, 3, padding=1),
                    nn.ReLU(),
                ]
                if size >= 4:
                    layers.append(nn.MaxPool2d(2, ceil_mode=True))
                    size = (size + 1) // 2
                in_channels = out_channels
            self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
            self.head = nn.Linear(2 * width, n_classes)

        def forward(self, x: Any) -> Any:
            return self.head(self.features(x * 2.0 - 1.0))

    def _widths(side: int, width: int) -> list[int]:
        doublings = int(math.log2(side // 4))
        return [width * 2 ** (doublings - i) for i in range(doublings + 1)]

    class UpNet(nn.Module):
        """(latent code, one-hot class) -> (out_channels, side, side) activations.

        No batch norm: generating one image or a thousand gives the same
        images, and evaluation behaves as training did.
        """

        def __init__(self, latent: int, n_classes: int, out_channels: int, side: int, width: int):
            super().__init__()
            widths = _widths(side, width)
            self.first = widths[0]
            self.seed = nn.Sequential(nn.Linear(latent + n_classes, widths[0] * 16), nn.ReLU())
            blocks: list = []
            for wide, narrow in zip(widths[:-1], widths[1:], strict=True):
                blocks += [nn.ConvTranspose2d(wide, narrow, 4, stride=2, padding=1), nn.ReLU()]
            self.blocks = nn.Sequential(*blocks)
            self.head = nn.Conv2d(widths[-1], out_channels, 3, padding=1)

        def forward(self, z: Any, onehot: Any) -> Any:
            seed = self.seed(torch.cat([z, onehot], dim=1)).view(-1, self.first, 4, 4)
            return self.head(self.blocks(seed))

    class DownNet(nn.Module):
        """(image channels, one-hot class as constant planes) -> ``out_features`` values."""

        def __init__(self, in_channels: int, n_classes: int, out_features: int, side: int,
                     width: int):
            super().__init__()
            widths = _widths(side, width)[::-1]
            layers: list = [nn.Conv2d(in_channels + n_classes, widths[0], 3, padding=1),
                            nn.LeakyReLU(0.2)]
            for narrow, wide in zip(widths[:-1], widths[1:], strict=True):
                layers += [nn.Conv2d(narrow, wide, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            self.body = nn.Sequential(*layers, nn.Flatten())
            self.head = nn.Linear(widths[-1] * 16, out_features)

        def forward(self, x: Any, onehot: Any) -> Any:
            planes = onehot[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
            return self.head(self.body(torch.cat([x, planes], dim=1)))

    return SimpleNamespace(SmallCNN=SmallCNN, UpNet=UpNet, DownNet=DownNet)
