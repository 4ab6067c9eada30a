"""Fingerprint what every resampler and report gives for fixed seeds, to prove a refactor kept it.

Run it before a change with ``--save`` and after it with ``--check``::

    python benchmarks/seed_digests.py --save /tmp/before.json
    # ... refactor ...
    python benchmarks/seed_digests.py --check /tmp/before.json

Resampler and image outputs are compared bit for bit (a SHA-256 of every
array's bytes, dtypes and column names); report numbers (evaluate, audit,
compare) within 1e-12. Deep samplers are included when PyTorch is installed,
image transforms that need OpenCV when it is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import sys
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse


def _digest(obj: Any) -> str:
    h = hashlib.sha256()
    if isinstance(obj, tuple):
        for item in obj:
            h.update(_digest(item).encode())
    elif isinstance(obj, pd.DataFrame):
        h.update(repr(list(obj.columns)).encode())
        h.update(repr([str(d) for d in obj.dtypes]).encode())
        h.update(repr(list(obj.index[:3])).encode())
        h.update(pd.util.hash_pandas_object(obj, index=False).to_numpy().tobytes())
    elif isinstance(obj, pd.Series):
        h.update(f"{obj.name}|{obj.dtype}".encode())
        h.update(pd.util.hash_pandas_object(obj, index=False).to_numpy().tobytes())
    elif sparse.issparse(obj):
        h.update(_digest(obj.toarray()).encode())
    elif isinstance(obj, np.ndarray):
        h.update(f"{obj.dtype}|{obj.shape}".encode())
        if obj.dtype == object:
            h.update(repr(obj.tolist()).encode())
        else:
            h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, list):
        h.update(repr(obj).encode())
    else:
        raise TypeError(type(obj))
    return h.hexdigest()


def _mixed(seed: int = 0, n_major: int = 60, n_minor: int = 14) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    n = n_major + n_minor
    X = pd.DataFrame(
        {
            "income": rng.normal(50, 10, n),
            "age": rng.integers(18, 90, n),
            "visits": pd.array(rng.integers(0, 20, n), dtype="Int64"),
            "owner": rng.random(n) < 0.4,
            "city": pd.Categorical(rng.choice(["lyon", "oslo", "rome"], n)),
            "note": pd.Series(rng.choice(["a", "b", "c"], n)),
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
        }
    )
    y = pd.Series(np.r_[np.zeros(n_major, int), np.ones(n_minor, int)], name="churn")
    return X, y


def resampler_digests() -> dict[str, str]:
    import tabaug

    rng = np.random.default_rng(1)
    X_num = rng.normal(size=(120, 5))
    y3 = np.r_[np.zeros(80, int), np.ones(25, int), np.full(15, 2)]
    X_mixed, y_mixed = _mixed()
    X_cat = pd.DataFrame({"a": rng.choice(list("xyz"), 90), "b": rng.choice(list("pq"), 90)})
    y_cat = np.r_[np.zeros(70, int), np.ones(20, int)]
    X_sparse = sparse.random(120, 8, density=0.3, random_state=0, format="csr")

    cases = {
        "ros_numeric": (tabaug.RandomOverSampler(random_state=0), X_num, y3),
        "ros_mixed": (tabaug.RandomOverSampler(random_state=3), X_mixed, y_mixed),
        "rus_numeric": (tabaug.RandomUnderSampler(random_state=0), X_num, y3),
        "rus_mixed": (tabaug.RandomUnderSampler(random_state=5), X_mixed, y_mixed),
        "smote_numeric": (tabaug.SMOTE(random_state=0), X_num, y3),
        "smote_mixed": (tabaug.SMOTE(random_state=0), X_mixed, y_mixed),
        "smote_categorical": (tabaug.SMOTE(random_state=0), X_cat, y_cat),
        "smote_sparse": (tabaug.SMOTE(random_state=0), X_sparse, y3),
        "smote_ratio": (tabaug.SMOTE(sampling_strategy=0.8, random_state=2), X_num, y3 > 0),
        "noise_numeric": (tabaug.GaussianNoiseOverSampler(random_state=0), X_num, y3),
        "noise_mixed": (tabaug.GaussianNoiseOverSampler(random_state=0), X_mixed, y_mixed),
    }
    if importlib.util.find_spec("torch") is not None:
        cases["ctgan_mixed"] = (
            tabaug.CTGANOverSampler(epochs=2, batch_size=20, verbose=False, random_state=0),
            X_mixed, y_mixed,
        )
        cases["tvae_mixed"] = (
            tabaug.TVAEOverSampler(epochs=2, batch_size=20, verbose=False, random_state=0),
            X_mixed, y_mixed,
        )
    out = {}
    for name, (sampler, X, y) in cases.items():
        result = sampler.fit_resample(X, y)
        indices = getattr(sampler, "sample_indices_", None)
        out[name] = _digest(result if indices is None else (*result, indices))
    return out


def image_digests() -> dict[str, str]:
    from tabaug import image

    rng = np.random.default_rng(2)
    X = rng.integers(0, 256, size=(14, 16, 16, 3), dtype=np.uint8)
    y = np.r_[np.zeros(10, int), np.ones(4, int)]
    masks = (X[..., 0] > 127).astype(np.uint8)
    transforms = [
        image.HorizontalFlip(),
        image.VerticalFlip(),
        image.ColorJitter(p=1.0),
        image.GaussianNoise(p=1.0),
        image.Cutout(p=1.0, mask_fill=0),
    ]
    if importlib.util.find_spec("cv2") is not None:
        transforms += [
            image.Rotate(p=1.0),
            image.Affine(p=1.0),
            image.RandomResizedCrop(16, 16, p=1.0),
        ]
    out = {}
    sampler = image.ImageOverSampler(image.Compose(transforms), random_state=0)
    out["images_uint8_masks"] = _digest((*sampler.fit_resample(X, y, masks=masks),
                                         sampler.sample_indices_))
    X_float = (X / 255).astype(np.float32)
    sampler = image.ImageOverSampler(image.Compose(transforms[:4]), random_state=1)
    out["images_float32"] = _digest(sampler.fit_resample(X_float, y))
    batches = list(sampler.iter_resample(X_float, y, batch_size=5))
    out["images_float32_iter"] = _digest(tuple(np.asarray(b[0]) for b in batches))
    composed = image.Compose(transforms, random_state=4)(image=X, mask=masks)
    out["compose_batch"] = _digest((composed["image"], composed["mask"]))
    return out


def report_numbers() -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    import tabaug

    rng = np.random.default_rng(3)
    y_true = np.r_[np.zeros(150, int), np.ones(20, int), np.full(9, 2)]
    y_pred = y_true.copy()
    flip = rng.random(y_true.size) < 0.2
    y_pred[flip] = rng.integers(0, 3, flip.sum())
    scores = rng.dirichlet(np.ones(3), size=y_true.size)
    evaluation = tabaug.evaluate(y_true, y_pred, y_score=scores).to_dict()
    binary = tabaug.evaluate(y_true > 0, y_pred > 0, y_score=scores[:, 0]).to_dict()
    X_mixed, y_mixed = _mixed(n_major=120, n_minor=30)
    frame = X_mixed.assign(label=y_mixed.to_numpy(), split=np.where(np.arange(150) % 4, "train",
                                                                    "test"))
    audit = tabaug.audit(frame, target="label", split="split").to_dict()
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + rng.normal(0, 1, 200) > 1.6).astype(int)
    comparison = tabaug.compare(
        X, y, estimator=LogisticRegression(), cv=3, n_repeats=2, random_state=0, progress=False
    ).to_dict()
    comparison.pop("fold_scores")
    for row in comparison["results"]:
        if row["score"] == "fit_time":
            row.update(mean=0.0, std=0.0, diff_vs_none=0.0, p_value=1.0, significant=False,
                       better=False, p_value_uncorrected=1.0)
    comparison["summary"] = ""
    return {"evaluate": evaluation, "evaluate_binary": binary, "audit": audit,
            "compare": comparison}


def _close(a: Any, b: Any, path: str, problems: list[str]) -> None:
    """Compare saved ``a`` with current ``b``; a key only in ``b`` is a new field, not a change."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) - set(b):
            problems.append(f"{path}: keys {sorted(set(a) - set(b))} are gone")
        if set(b) - set(a):
            print(f"  new fields (not compared): {path}: {sorted(set(b) - set(a))}")
        for key in set(a) & set(b):
            _close(a[key], b[key], f"{path}.{key}", problems)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            problems.append(f"{path}: lengths {len(a)} != {len(b)}")
        for i, (x, z) in enumerate(zip(a, b, strict=False)):
            _close(x, z, f"{path}[{i}]", problems)
    elif isinstance(a, float) and isinstance(b, float):
        if not (math.isclose(a, b, rel_tol=0, abs_tol=1e-12) or (a != a and b != b)):
            problems.append(f"{path}: {a!r} != {b!r}")
    elif a != b:
        problems.append(f"{path}: {a!r} != {b!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", metavar="FILE")
    group.add_argument("--check", metavar="FILE")
    args = parser.parse_args()
    current = {
        "resamplers": resampler_digests(),
        "images": image_digests(),
        "reports": report_numbers(),
    }
    if args.save:
        with open(args.save, "w", encoding="utf-8") as handle:
            json.dump(current, handle, indent=1, sort_keys=True)
        n = len(current["resamplers"]) + len(current["images"])
        print(f"saved {n} output digests and {len(current['reports'])} reports to {args.save}")
        return 0
    with open(args.check, encoding="utf-8") as handle:
        saved = json.load(handle)
    problems: list[str] = []
    for group_name in ("resamplers", "images"):
        for name, digest in saved[group_name].items():
            now = current[group_name].get(name)
            verdict = "identical" if now == digest else "DIFFERENT"
            print(f"{group_name:10s} {name:22s} {verdict}")
            if now != digest:
                problems.append(f"{group_name}.{name} differs")
    _close(saved["reports"], json.loads(json.dumps(current["reports"])), "reports", problems)
    print(f"reports    {len(saved['reports'])} compared within 1e-12: "
          f"{'identical' if not any(p.startswith('reports') for p in problems) else 'DIFFERENT'}")
    for problem in problems:
        print("  -", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
