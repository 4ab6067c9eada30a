"""Check CTGANOverSampler and TVAEOverSampler on a CUDA GPU, and time CPU against CUDA.

For each sampler, on a 5,000-row mixed table with a 2 % class:

1. fit with ``device="cuda"`` and check the class counts and dtypes;
2. time the same fit on the CPU and on CUDA (default network sizes,
   ``--epochs`` epochs; CUDA after a warm-up fit, so context creation is not
   counted);
3. pickle the CUDA-trained sampler, load it in a fresh process where CUDA is
   hidden (``CUDA_VISIBLE_DEVICES=""``) and generate rows there.

Needs only PyTorch and this repository; prints what it finds and exits with
status 1 if a check fails. Without a GPU it says so and exits 0. Takes under
three minutes on a machine with a GPU.

Run::

    python benchmarks/gpu_check.py
    python benchmarks/gpu_check.py --epochs 10
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

LOAD_WITHOUT_CUDA = """
import sys, joblib, torch
sampler = joblib.load(sys.argv[1])
rows = sampler.sample(25, 1)
assert not torch.cuda.is_available(), "CUDA should be hidden here"
assert len(rows) == 25, len(rows)
print("loaded without CUDA and sampled", rows.shape, "dtypes", dict(rows.dtypes.astype(str)))
"""


def table(n_rows: int = 5000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n_rows) < 0.02).astype(int)
    X = pd.DataFrame({
        "amount": rng.gamma(2.0, 50.0, n_rows) * (1 + y),
        "score": np.r_[rng.normal(-2, 1, n_rows // 2), rng.normal(3, 0.5, n_rows - n_rows // 2)],
        "items": rng.integers(1, 20, n_rows),
        "channel": pd.Categorical(rng.choice(["web", "shop", "phone"], n_rows)),
        "member": rng.random(n_rows) < 0.3 + 0.4 * y,
        "opened": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n_rows), "D"),
    })
    return X, y


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    import torch

    from tabaug import CTGANOverSampler, TVAEOverSampler

    if not torch.cuda.is_available():
        print(f"CUDA is not available (torch {torch.__version__}); nothing to check.")
        return 0
    print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, "
          f"GPU {torch.cuda.get_device_name(0)}, {torch.get_num_threads()} CPU threads")
    X, y = table()
    # Warm up: the first CUDA call creates the context and loads cuBLAS (seconds, once).
    CTGANOverSampler(epochs=1, device="cuda", sampling_strategy={1: 10},
                     verbose=False).fit_resample(X[:200], y[:200])
    failures = []
    for cls in (CTGANOverSampler, TVAEOverSampler):
        name = cls.__name__
        times = {}
        for device in ("cpu", "cuda"):
            sampler = cls(epochs=args.epochs, device=device, verbose=False, random_state=0)
            if device == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            X_res, y_res = sampler.fit_resample(X, y)
            if device == "cuda":
                torch.cuda.synchronize()
            times[device] = time.perf_counter() - started
            counts = np.bincount(y_res).tolist()
            if counts != [int((y == 0).sum())] * 2:
                failures.append(f"{name} on {device}: counts {counts}")
            if not X_res.dtypes.equals(X.dtypes):
                failures.append(f"{name} on {device}: dtypes {X_res.dtypes.to_dict()}")
        print(f"{name}: fit_resample {args.epochs} epochs, CPU {times['cpu']:.1f} s, "
              f"CUDA {times['cuda']:.1f} s ({times['cpu'] / times['cuda']:.1f}x faster on CUDA)")
        with tempfile.TemporaryDirectory() as folder:
            import joblib

            path = Path(folder) / "sampler.joblib"
            joblib.dump(sampler, path)
            result = subprocess.run(
                [sys.executable, "-c", LOAD_WITHOUT_CUDA, str(path)],
                capture_output=True, text=True, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
            )
        print(f"  {result.stdout.strip() or result.stderr.strip()[-500:]}")
        if result.returncode != 0:
            failures.append(f"{name}: loading the CUDA-trained pickle without CUDA failed")
    print("\nall checks passed" if not failures else "\nFAILED:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
