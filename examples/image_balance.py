"""Balance a small imbalanced image set by augmentation, masks included.

The images are scikit-learn's 8x8 handwritten digits, enlarged to 32x32 so the
transforms are visible, with a segmentation mask per image (the ink, found by
thresholding). Three digits are kept with very different counts; the
ImageOverSampler adds augmented copies of the rare ones until every class has
as many images as the largest, and the masks move with their images.

Run it (needs the image and plot extras: pip install "tabaug[image,plot]")::

    python examples/image_balance.py --output image_balance.png

It prints the class counts before and after, and saves a grid: each row is one
minority-class original followed by augmented copies made from it, with the
mask drawn over every image.
"""

import argparse
from collections import Counter

import matplotlib

matplotlib.use("Agg")

import cv2  # noqa: E402 - after selecting the non-interactive backend
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from tabaug.image import (  # noqa: E402
    Affine,
    Compose,
    Cutout,
    GaussianNoise,
    ImageOverSampler,
    RandomResizedCrop,
    Rotate,
)

SIZE = 32
# digit -> how many images of it to keep: one common class, two rare ones.
KEEP = {0: 120, 3: 15, 7: 6}


def imbalanced_digits(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """32x32 uint8 digit images, their labels, and ink masks (1 = ink, 0 = paper)."""
    digits = load_digits()
    rng = np.random.default_rng(seed)
    chosen = np.concatenate(
        [rng.choice(np.flatnonzero(digits.target == d), n, replace=False) for d, n in KEEP.items()]
    )
    small = (digits.images[chosen] * (255 / 16)).astype(np.uint8)
    images = np.stack([cv2.resize(im, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC) for im in small])
    masks = (images > 96).astype(np.uint8)
    return images, digits.target[chosen], masks


def augmentation() -> Compose:
    # No flips: a mirrored 3 or 7 is not a 3 or 7. Small rotations, shifts and zooms are.
    return Compose(
        [
            Rotate(limit=15, p=0.8),
            Affine(translate=(-0.08, 0.08), scale=(0.9, 1.1), p=0.8),
            RandomResizedCrop(SIZE, SIZE, scale=(0.75, 1.0), ratio=(0.9, 1.1), p=0.5),
            GaussianNoise(std=(0.02, 0.06), p=0.5),
            Cutout(num_holes=1, size=0.2, p=0.3),
        ]
    )


def overlay(axis: plt.Axes, image: np.ndarray, mask: np.ndarray, title: str) -> None:
    axis.imshow(image, cmap="gray", vmin=0, vmax=255)
    tint = np.zeros((*mask.shape, 4))
    tint[mask > 0] = (1.0, 0.1, 0.1, 0.3)
    axis.imshow(tint)
    axis.contour(mask, levels=[0.5], colors="red", linewidths=0.8)
    axis.set_title(title, fontsize=8)
    axis.axis("off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default="image_balance.png", help="where to save the PNG")
    parser.add_argument("--copies", type=int, default=5, help="augmented copies shown per row")
    args = parser.parse_args()

    X, y, masks = imbalanced_digits()
    sampler = ImageOverSampler(augmentation(), random_state=0)
    X_res, y_res, masks_res = sampler.fit_resample(X, y, masks=masks)
    print("class counts before:", dict(sorted(Counter(y.tolist()).items())))
    print("class counts after: ", dict(sorted(Counter(y_res.tolist()).items())))
    print(f"{len(X_res) - len(X)} augmented images added; masks: {masks_res.shape}")

    n = len(X)
    sources = sampler.sample_indices_[n:]
    rows = []
    for digit in sorted(KEEP, key=KEEP.get)[:2]:
        originals = [i for i in np.flatnonzero(y == digit) if (sources == i).sum() >= args.copies]
        rows.extend(originals[:2])
    figure, axes = plt.subplots(
        len(rows), args.copies + 1, figsize=(1.5 * (args.copies + 1), 1.6 * len(rows))
    )
    for row, original in zip(axes, rows, strict=True):
        overlay(row[0], X[original], masks[original], f"original: digit {y[original]}")
        copies = n + np.flatnonzero(sources == original)[: args.copies]
        for axis, index in zip(row[1:], copies, strict=True):
            overlay(axis, X_res[index], masks_res[index], "augmented copy")
    figure.suptitle("ImageOverSampler: minority originals and augmented copies, ink mask in red")
    figure.tight_layout()
    figure.savefig(args.output, dpi=120)
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
