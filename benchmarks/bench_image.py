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


def _cases():
    import albumentations as A
    import cv2

    import tabaug.image as T

    constant = cv2.BORDER_CONSTANT
    return [
        ("HorizontalFlip", T.HorizontalFlip(p=1.0), A.HorizontalFlip(p=1.0)),
        ("VerticalFlip", T.VerticalFlip(p=1.0), A.VerticalFlip(p=1.0)),
        (
            "Rotate",
            T.Rotate(limit=30, p=1.0),
            A.Rotate(limit=30, border_mode=constant, fill=0, fill_mask=0, p=1.0),
        ),
        (
            "Affine",
            T.Affine(translate=(-0.1, 0.1), scale=(0.9, 1.1), p=1.0),
            A.Affine(
                translate_percent=(-0.1, 0.1),
                scale=(0.9, 1.1),
                rotate=0,
                keep_ratio=True,
                border_mode=constant,
                fill=0,
                fill_mask=0,
                p=1.0,
            ),
        ),
        ("RandomCrop", T.RandomCrop(160, 160), A.RandomCrop(160, 160, p=1.0)),
        (
            "RandomResizedCrop",
            T.RandomResizedCrop(224, 224, scale=(0.08, 1.0)),
            A.RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), p=1.0),
        ),
        (
            "Pad",
            T.Pad(16),
            A.PadIfNeeded(256, 256, border_mode=constant, fill=0, fill_mask=0, p=1.0),
        ),
        (
            "GaussianNoise",
            T.GaussianNoise(std=(0.01, 0.05), p=1.0),
            A.GaussNoise(std_range=(0.01, 0.05), per_channel=True, p=1.0),
        ),
        (
            "ColorJitter",
            T.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0),
            A.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.05, p=1.0),
        ),
        (
            "Cutout",
            T.Cutout(num_holes=(1, 4), size=(0.1, 0.2), p=1.0),
            A.CoarseDropout(
                num_holes_range=(1, 4),
                hole_height_range=(0.1, 0.2),
                hole_width_range=(0.1, 0.2),
                fill=0,
                p=1.0,
            ),
        ),
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
    args = parser.parse_args()

    import albumentations as A
    import cv2
    import numpy as np

    import tabaug
    import tabaug.image as T

    cv2.setNumThreads(1)
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    rng = np.random.default_rng(0)
    images = list(rng.integers(0, 256, size=(args.images, 224, 224, 3), dtype=np.uint8))
    masks = list(rng.integers(0, 4, size=(args.images, 224, 224), dtype=np.uint8))

    print(
        f"tabaug {tabaug.__version__}, albumentations {A.__version__}, OpenCV {cv2.__version__}, "
        f"numpy {np.__version__}, Python {platform.python_version()}"
    )
    print(
        f"{args.images} images 224x224x3 uint8 + uint8 mask, one thread, p=1, "
        f"{args.warmup} warm-up calls, median of {args.runs} runs alternating libraries "
        f"every {args.block} images, {args.clock} time\n"
    )
    print("| transform | tabaug img/s | albumentations img/s | ratio | target | met |")
    print("|---|---:|---:|---:|---:|:---:|")
    for name, ours, theirs in _cases():
        if args.only and name not in args.only:
            continue
        pipelines = {
            "tabaug": T.Compose([ours], random_state=0),
            "albumentations": A.Compose([theirs], seed=0),
        }
        warm = args.warmup
        _timed_run(pipelines, images[:warm], masks[:warm], warm, False, clock)
        rates = {key: [] for key in pipelines}
        for run in range(args.runs):
            seconds = _timed_run(pipelines, images, masks, args.block, run % 2 == 1, clock)
            for key, value in seconds.items():
                rates[key].append(len(images) / value)
        mine = statistics.median(rates["tabaug"])
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
