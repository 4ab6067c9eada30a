"""Time tabaug's image transforms against albumentations, image + mask, one thread.

Each transform runs on the same random 224x224x3 uint8 images with uint8 masks,
called one image at a time through each library's ``Compose`` (``p=1`` so every
call does the work), after a warm-up. The libraries alternate every 10 images
(which goes first alternates too), so both meet the same machine state, and
the time is the thread's CPU time, so waiting for a core on a busy machine
does not count (``--clock wall`` for elapsed time). The ratio is of the median
throughputs over the runs (> 1 means tabaug is faster). OpenCV, OpenMP and
BLAS are limited to one thread for both libraries.

albumentations is needed for the comparison only, never by tabaug::

    pip install albumentations==2.0.8
    python benchmarks/bench_image.py            # 500 images, 7 runs
    python benchmarks/bench_image.py --images 100 --runs 3   # quicker

Without albumentations (or with ``--tabaug-only``) it times tabaug alone.
The policies (RandAugment, TrivialAugment) have no albumentations
counterpart and are always timed alone; Sharpness is compared with
albumentations' Sharpen, a different kernel (the nearest equivalent).

Targets: at least 1.0x albumentations' throughput for every transform, and at
least 0.9x for flips, crops and rotations, where both libraries call the same
OpenCV kernel and only the per-call overhead differs.
"""

import argparse
import os
import platform
import statistics
import time

# Before numpy, OpenCV or albumentations load: one thread everywhere, no update check.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
os.environ["NO_ALBUMENTATIONS_UPDATE"] = "1"

# Transforms where the target is 0.9x (same OpenCV kernel on both sides); others need 1.0x.
_SAME_KERNEL = {"HorizontalFlip", "VerticalFlip", "RandomCrop", "RandomResizedCrop", "Rotate"}


def _cases(A) -> list:
    """(name, tabaug transform, albumentations transform or None); ``A`` may be None."""
    import cv2

    import tabaug.image as T

    constant = cv2.BORDER_CONSTANT

    def album(factory):
        return None if A is None else factory()

    shear = 16.7  # degrees: atan(0.3), tabaug's default shear factor
    return [
        ("HorizontalFlip", T.HorizontalFlip(p=1.0), album(lambda: A.HorizontalFlip(p=1.0))),
        ("VerticalFlip", T.VerticalFlip(p=1.0), album(lambda: A.VerticalFlip(p=1.0))),
        (
            "Rotate",
            T.Rotate(limit=30, p=1.0),
            album(lambda: A.Rotate(limit=30, border_mode=constant, fill=0, fill_mask=0, p=1.0)),
        ),
        (
            "Affine",
            T.Affine(translate=(-0.1, 0.1), scale=(0.9, 1.1), p=1.0),
            album(lambda: A.Affine(
                translate_percent=(-0.1, 0.1),
                scale=(0.9, 1.1),
                rotate=0,
                keep_ratio=True,
                border_mode=constant,
                fill=0,
                fill_mask=0,
                p=1.0,
            )),
        ),
        ("RandomCrop", T.RandomCrop(160, 160), album(lambda: A.RandomCrop(160, 160, p=1.0))),
        (
            "RandomResizedCrop",
            T.RandomResizedCrop(224, 224, scale=(0.08, 1.0)),
            album(lambda: A.RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), p=1.0)),
        ),
        (
            "Pad",
            T.Pad(16),
            album(lambda: A.PadIfNeeded(256, 256, border_mode=constant, fill=0, fill_mask=0,
                                        p=1.0)),
        ),
        (
            "GaussianNoise",
            T.GaussianNoise(std=(0.01, 0.05), p=1.0),
            album(lambda: A.GaussNoise(std_range=(0.01, 0.05), per_channel=True, p=1.0)),
        ),
        (
            "ColorJitter",
            T.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0),
            album(lambda: A.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.05,
                                        p=1.0)),
        ),
        (
            "Cutout",
            T.Cutout(num_holes=(1, 4), size=(0.1, 0.2), p=1.0),
            album(lambda: A.CoarseDropout(
                num_holes_range=(1, 4),
                hole_height_range=(0.1, 0.2),
                hole_width_range=(0.1, 0.2),
                fill=0,
                p=1.0,
            )),
        ),
        (
            "ShearX",
            T.ShearX(shear=0.3, p=1.0),
            album(lambda: A.Affine(shear={"x": (-shear, shear), "y": (0, 0)},
                                   border_mode=constant, fill=0, fill_mask=0, p=1.0)),
        ),
        (
            "TranslateX",
            T.TranslateX(translate=0.2, p=1.0),
            album(lambda: A.Affine(translate_percent={"x": (-0.2, 0.2), "y": (0, 0)},
                                   border_mode=constant, fill=0, fill_mask=0, p=1.0)),
        ),
        (
            "Brightness",
            T.Brightness(limit=0.2, p=1.0),
            album(lambda: A.ColorJitter(brightness=0.2, contrast=0, saturation=0, hue=0, p=1.0)),
        ),
        (
            "Contrast",
            T.Contrast(limit=0.2, p=1.0),
            album(lambda: A.ColorJitter(brightness=0, contrast=0.2, saturation=0, hue=0, p=1.0)),
        ),
        (
            "Saturation",
            T.Saturation(limit=0.2, p=1.0),
            album(lambda: A.ColorJitter(brightness=0, contrast=0, saturation=0.2, hue=0, p=1.0)),
        ),
        (
            "Sharpness (vs Sharpen)",
            T.Sharpness(limit=0.5, p=1.0),
            album(lambda: A.Sharpen(alpha=(0.2, 0.5), lightness=(0.5, 1.0), p=1.0)),
        ),
        ("Posterize", T.Posterize(bits=(4, 8), p=1.0),
         album(lambda: A.Posterize(num_bits=(4, 8), p=1.0))),
        ("Solarize", T.Solarize(threshold=(0.5, 1.0), p=1.0),
         album(lambda: A.Solarize(threshold_range=(0.5, 1.0), p=1.0))),
        ("AutoContrast", T.AutoContrast(p=1.0), album(lambda: A.AutoContrast(p=1.0))),
        ("Equalize", T.Equalize(p=1.0), album(lambda: A.Equalize(p=1.0))),
        ("RandAugment", T.RandAugment(), None),
        ("TrivialAugment", T.TrivialAugment(), None),
    ]


def _timed_run(pipelines: dict, images: list, masks: list, block: int, flip: bool, clock) -> dict:
    """Seconds each pipeline spends on all images, alternating pipelines block by block.

    Fine-grained alternation exposes both libraries to the same machine state
    (frequency, other processes); the order flips every block so neither side
    always finds the images already in cache.
    """
    seconds = dict.fromkeys(pipelines, 0.0)
    names = list(pipelines)
    for index, start in enumerate(range(0, len(images), block)):
        chunk = list(zip(images[start : start + block], masks[start : start + block], strict=True))
        order = names if (index % 2 == 0) != flip else names[::-1]
        for name in order:
            pipeline = pipelines[name]
            begin = clock()
            for image, mask in chunk:
                pipeline(image=image, mask=mask)
            seconds[name] += clock() - begin
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=500, help="images per run (default 500)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per library (>= 5)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed calls first")
    parser.add_argument("--block", type=int, default=10, help="images per alternation block")
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="cpu: this thread's CPU time, so waiting for a core on a busy machine does not "
        "count (default); wall: elapsed time",
    )
    parser.add_argument("--only", nargs="*", help="transform names to run (default: all)")
    parser.add_argument("--tabaug-only", action="store_true",
                        help="time tabaug alone, even where albumentations is installed")
    args = parser.parse_args()

    import cv2
    import numpy as np

    try:
        import albumentations as A
    except ImportError:
        A = None
    if args.tabaug_only:
        A = None

    import tabaug
    import tabaug.image as T

    cv2.setNumThreads(1)
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    rng = np.random.default_rng(0)
    images = list(rng.integers(0, 256, size=(args.images, 224, 224, 3), dtype=np.uint8))
    masks = list(rng.integers(0, 4, size=(args.images, 224, 224), dtype=np.uint8))

    print(
        f"tabaug {tabaug.__version__}, "
        f"albumentations {A.__version__ if A is not None else 'not used'}, "
        f"OpenCV {cv2.__version__}, numpy {np.__version__}, Python {platform.python_version()}"
    )
    print(
        f"{args.images} images 224x224x3 uint8 + uint8 mask, one thread, p=1, "
        f"{args.warmup} warm-up calls, median of {args.runs} runs alternating libraries "
        f"every {args.block} images, {args.clock} time\n"
    )
    print("| transform | tabaug img/s | albumentations img/s | ratio | target | met |")
    print("|---|---:|---:|---:|---:|:---:|")
    for name, ours, theirs in _cases(A):
        if args.only and name not in args.only:
            continue
        pipelines = {"tabaug": T.Compose([ours], random_state=0)}
        if theirs is not None:
            pipelines["albumentations"] = A.Compose([theirs], seed=0)
        warm = args.warmup
        _timed_run(pipelines, images[:warm], masks[:warm], warm, False, clock)
        rates = {key: [] for key in pipelines}
        for run in range(args.runs):
            seconds = _timed_run(pipelines, images, masks, args.block, run % 2 == 1, clock)
            for key, value in seconds.items():
                rates[key].append(len(images) / value)
        mine = statistics.median(rates["tabaug"])
        if theirs is None:
            print(f"| {name} | {mine:,.0f} | n/a | n/a | n/a | n/a |", flush=True)
            continue
        other = statistics.median(rates["albumentations"])
        target = 0.9 if name in _SAME_KERNEL else 1.0
        ratio = mine / other
        print(
            f"| {name} | {mine:,.0f} | {other:,.0f} | {ratio:.2f}x | {target:.1f}x | "
            f"{'yes' if ratio >= target else 'NO'} |",
            flush=True,
        )

if __name__ == "__main__":
    main()
