"""Adversarial examples as augmentation: where do they help, on tables and on images?

Tables: on the five datasets shipped with tabaug, the training part of each
split is resampled by each strategy, then logistic regression (one-hot and
scaling) and histogram gradient boosting (``tabaug.make_estimator``) are
trained on it and scored on the untouched test part: balanced accuracy, F1
of the rarest class and its PR-AUC (average precision). Strategies: none,
SMOTE, CTGAN and ``AdversarialOverSampler`` in its two modes (boundary with
its default radius of 0.1 standard deviations; M2m with 1.0, as compare's
``adversarial_m2m``). Splits are repeated stratified K-fold; each figure is
a mean +- sd over splits with a corrected resampled t-test (Nadeau and
Bengio) of the paired difference against SMOTE. A strategy that raises on a
split (M2m that cannot reach a class) is counted, and scored on the splits
it finished. Time per generated row is the whole ``fit_resample`` (the
surrogate's or the GAN's training included) divided by the rows it added.

Images: scikit-learn's ``load_digits`` (8x8), split 70/30 stratified, with
digits 2, 5 and 8 cut to 5% of their training images (7 each); a small CNN
(``tabaug.image.CNNClassifier``) is trained on the training split as it is
("none"), with rotated copies of the rare digits (``ImageOverSampler`` with
``Rotate(15)``), or with adversarial images from
``ImageAdversarialOverSampler`` (boundary, 8/255; M2m, ``--m2m-epsilon``),
each time up to the majority's count; scored on the untouched test split:
balanced accuracy, recall of the rare digits, and accuracy under an FGSM
attack on the CNN itself (the true label's loss, epsilon 8/255 and 0.1,
images rounded to uint8). Mean +- sd over seeds.

Run (needs the deep and image extras)::

    python benchmarks/bench_adversarial.py             # 5-fold x 2 repeats, 3 image seeds
    python benchmarks/bench_adversarial.py --quick     # smoke test: one dataset, tiny settings

PyTorch runs on one thread (``--threads``): on two shared cores its default
two threads made small networks many times slower.
"""

import argparse
import os
import platform
import statistics
import time
import warnings
from collections import defaultdict
from datetime import date

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    recall_score,
)
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split  # noqa: E402

import tabaug  # noqa: E402
from tabaug import (  # noqa: E402
    SMOTE,
    AdversarialOverSampler,
    CTGANOverSampler,
    datasets,
    make_estimator,
)
from tabaug.exceptions import GenerationError, TabaugWarning  # noqa: E402
from tabaug.image import (  # noqa: E402
    CNNClassifier,
    ImageAdversarialOverSampler,
    ImageOverSampler,
    Rotate,
)
from tabaug.model_selection import corrected_resampled_ttest  # noqa: E402

MODELS = ("logistic", "hist-gradient-boosting")
METRICS = ("balanced_accuracy", "f1_rarest", "pr_auc_rarest")
RARE_DIGITS = (2, 5, 8)


# --------------------------------------------------------------------------- tables


def table_samplers(args: argparse.Namespace, n_train: int) -> dict:
    batch = int(np.clip(n_train // 10, 50, 500))
    return {
        "none": None,
        "SMOTE": lambda seed: SMOTE(random_state=seed),
        "CTGAN": lambda seed: CTGANOverSampler(epochs=args.ctgan_epochs, batch_size=batch,
                                               verbose=False, random_state=seed),
        "adversarial": lambda seed: AdversarialOverSampler(
            epochs=args.surrogate_epochs, verbose=False, random_state=seed),
        "adversarial_m2m": lambda seed: AdversarialOverSampler(
            mode="m2m", epsilon=1.0, epochs=args.surrogate_epochs, verbose=False,
            random_state=seed),
    }


def scores(model, X_test, y_test, rarest) -> dict:
    predicted = model.predict(X_test)
    proba = model.predict_proba(X_test)[:, list(model.classes_).index(rarest)]
    return {
        "balanced_accuracy": balanced_accuracy_score(y_test, predicted),
        "f1_rarest": f1_score(y_test, predicted, labels=[rarest], average="macro",
                              zero_division=0),
        "pr_auc_rarest": average_precision_score(y_test == rarest, proba),
    }


def run_tables(args: argparse.Namespace) -> tuple[dict, dict, dict]:
    """(scores[dataset][model][strategy][metric] -> list, seconds per row, failures)."""
    results = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(list))))
    per_row = defaultdict(lambda: defaultdict(list))
    failures = defaultdict(lambda: defaultdict(int))
    names = args.datasets or datasets.list_datasets()
    for name in names:
        X, y = datasets.load(name)
        y = y.to_numpy()
        rarest = min(np.unique(y), key=lambda label: (y == label).sum())
        splitter = RepeatedStratifiedKFold(n_splits=args.folds, n_repeats=args.repeats,
                                           random_state=0)
        started = time.perf_counter()
        for split, (train, test) in enumerate(splitter.split(X, y)):
            X_train, y_train = X.iloc[train], y[train]
            for strategy, make in table_samplers(args, len(train)).items():
                X_fit, y_fit = X_train, y_train
                if make is not None:
                    begin = time.perf_counter()
                    try:
                        X_fit, y_fit = make(split).fit_resample(X_train, y_train)
                    except GenerationError:
                        failures[name][strategy] += 1
                        continue
                    seconds = time.perf_counter() - begin
                    per_row[name][strategy].append(seconds / max(len(y_fit) - len(y_train), 1))
                for model_name in MODELS:
                    model = make_estimator(model_name, X_train, random_state=split)
                    model.fit(X_fit, y_fit)
                    for metric, value in scores(model, X.iloc[test], y[test], rarest).items():
                        results[name][model_name][strategy][metric].append((split, value))
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return results, per_row, failures


def mean_sd(values: list[float]) -> str:
    if not values:
        return "failed"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def table_report(results: dict, per_row: dict, failures: dict, args: argparse.Namespace,
                 n_rows: dict) -> None:
    k = args.folds
    for name, by_model in results.items():
        n_train = n_rows[name] * (k - 1) / k
        n_test = n_rows[name] / k
        for model_name, by_strategy in by_model.items():
            print(f"\n#### {name} / {model_name}\n")
            print("| strategy | " + " | ".join(METRICS) + " |")
            print("|---" * (len(METRICS) + 1) + "|")
            smote = by_strategy["SMOTE"]
            for strategy, by_metric in by_strategy.items():
                cells = []
                for metric in METRICS:
                    pairs = dict(by_metric[metric])
                    cell = mean_sd(list(pairs.values()))
                    if strategy not in ("none", "SMOTE") and pairs:
                        base = dict(smote[metric])
                        common = sorted(set(pairs) & set(base))
                        diff = np.array([pairs[s] - base[s] for s in common])
                        test = corrected_resampled_ttest(diff, n_train, n_test)
                        mark = "+" if diff.mean() > 0 else "-"
                        if test.p_value < 0.05:
                            cell = f"**{cell}** ({mark}, p={test.p_value:.3f})"
                        else:
                            cell += f" (p={test.p_value:.2f})"
                    cells.append(cell)
                failed = failures[name].get(strategy, 0)
                label = strategy + (f" ({failed} splits failed)" if failed else "")
                print(f"| {label} | " + " | ".join(cells) + " |")
    print("\n#### Time per generated row (median over splits, ms) and ratio to SMOTE\n")
    strategies = ["SMOTE", "CTGAN", "adversarial", "adversarial_m2m"]
    print("| dataset | " + " | ".join(strategies) + " |")
    print("|---" * (len(strategies) + 1) + "|")
    for name, by_strategy in per_row.items():
        smote = statistics.median(by_strategy["SMOTE"])
        cells = []
        for strategy in strategies:
            times = by_strategy.get(strategy)
            if not times:
                cells.append("failed")
                continue
            median = statistics.median(times)
            cells.append(f"{median * 1e3:.3f} ({median / smote:,.0f}x)" if strategy != "SMOTE"
                         else f"{median * 1e3:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


# --------------------------------------------------------------------------- images


def digits_split(seed: int) -> dict:
    digits = load_digits()
    X = np.clip(digits.images * 16, 0, 255).astype(np.uint8)
    X_train, X_test, y_train, y_test = train_test_split(
        X, digits.target, test_size=0.3, stratify=digits.target, random_state=seed)
    rng = np.random.default_rng(seed)
    keep = []
    for label in range(10):
        members = np.flatnonzero(y_train == label)
        if label in RARE_DIGITS:
            members = rng.choice(members, int(np.ceil(0.05 * len(members))), replace=False)
        keep.append(members)
    keep = np.sort(np.concatenate(keep))
    return {"X": X_train[keep], "y": y_train[keep], "X_test": X_test, "y_test": y_test}


def fgsm_accuracy(model: CNNClassifier, X: np.ndarray, y: np.ndarray, epsilon: float) -> float:
    """Accuracy on images moved by epsilon along the sign of the true label's loss gradient."""
    net = model.module_
    x = model.to_tensor(X).requires_grad_(True)
    target = torch.from_numpy(np.searchsorted(model.classes_, y)).to(x.device)
    loss = torch.nn.functional.cross_entropy(net(x), target, reduction="sum")
    (gradient,) = torch.autograd.grad(loss, x)
    attacked = model.from_tensor((x + epsilon * gradient.sign()).clamp(0, 1), np.uint8)
    return float(np.mean(model.predict(attacked) == y))


def run_images(args: argparse.Namespace) -> tuple[list[dict], dict]:
    cnn = {"width": 16, "epochs": args.cnn_epochs, "batch_size": 64}
    samplers = {
        "none": None,
        "rotations": lambda seed: ImageOverSampler(Rotate(limit=15, p=1.0), random_state=seed),
        "adversarial": lambda seed: ImageAdversarialOverSampler(
            CNNClassifier(**cnn, random_state=seed), verbose=False, random_state=seed),
        "adversarial_m2m": lambda seed: ImageAdversarialOverSampler(
            CNNClassifier(**cnn, random_state=seed), mode="m2m", epsilon=args.m2m_epsilon,
            steps=20, verbose=False, random_state=seed),
        "SMOTE (flattened)": lambda seed: SMOTE(random_state=seed),
    }
    rows, per_image = [], defaultdict(list)
    for seed in range(args.seeds):
        data = digits_split(seed)
        for strategy, make in samplers.items():
            X, y = data["X"], data["y"]
            row = {"seed": seed, "strategy": strategy}
            if make is not None:
                sampler = make(seed)
                begin = time.perf_counter()
                try:
                    if strategy.startswith("SMOTE"):
                        flat, y_new = sampler.fit_resample(X.reshape(len(X), -1), y)
                        X_new = flat.reshape(-1, *X.shape[1:]).astype(np.uint8)
                    else:
                        X_new, y_new = sampler.fit_resample(X, y)
                except GenerationError as error:
                    print(f"  seed {seed} {strategy}: {str(error)[:200]}", flush=True)
                    continue
                per_image[strategy].append((time.perf_counter() - begin) / (len(y_new) - len(y)))
                if hasattr(sampler, "generation_report_"):
                    row["success_rate"] = float(sampler.generation_report_["success_rate"].mean())
                X, y = X_new, y_new
            model = CNNClassifier(**cnn, random_state=seed).fit(X, y)
            predicted = model.predict(data["X_test"])
            row["balanced_accuracy"] = balanced_accuracy_score(data["y_test"], predicted)
            row["rare_recall"] = recall_score(data["y_test"], predicted,
                                              labels=list(RARE_DIGITS), average="macro")
            for epsilon, key in ((8 / 255, "fgsm_8"), (0.1, "fgsm_0.1")):
                row[key] = fgsm_accuracy(model, data["X_test"], data["y_test"], epsilon)
            rows.append(row)
            print(f"  seed {seed} {strategy}: balanced accuracy "
                  f"{row['balanced_accuracy']:.3f}", flush=True)
    return rows, per_image


def image_report(rows: list[dict], per_image: dict) -> None:
    keys = ("balanced_accuracy", "rare_recall", "fgsm_8", "fgsm_0.1")
    print("\n| strategy | balanced accuracy | recall of 2, 5, 8 | accuracy under FGSM 8/255 "
          "| accuracy under FGSM 0.1 | success rate | s per new image |")
    print("|---|---|---|---|---|---|---|")
    for strategy in dict.fromkeys(row["strategy"] for row in rows):
        mine = [row for row in rows if row["strategy"] == strategy]
        cells = [mean_sd([row[key] for row in mine]) for key in keys]
        rates = [row["success_rate"] for row in mine if "success_rate" in row]
        cells.append(f"{statistics.mean(rates):.2f}" if rates else "")
        times = per_image.get(strategy)
        cells.append(f"{statistics.median(times):.5f}" if times else "")
        print(f"| {strategy} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--datasets", nargs="*", help="default: every shipped dataset")
    parser.add_argument("--ctgan-epochs", type=int, default=50)
    parser.add_argument("--surrogate-epochs", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3, help="image seeds")
    parser.add_argument("--cnn-epochs", type=int, default=30)
    parser.add_argument("--m2m-epsilon", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--only", choices=["tables", "images"])
    parser.add_argument("--quick", action="store_true", help="a smoke test, minutes")
    args = parser.parse_args()
    if args.quick:
        args.folds, args.repeats, args.datasets = 3, 1, args.datasets or ["yeast_me2"]
        args.ctgan_epochs, args.surrogate_epochs, args.seeds, args.cnn_epochs = 5, 20, 1, 5
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", TabaugWarning)
    print(f"date {date.today()}; tabaug {tabaug.__version__}; torch {torch.__version__}; "
          f"Python {platform.python_version()}; os.cpu_count() = {os.cpu_count()}; torch "
          f"threads {args.threads}")
    print(f"tables: {args.folds}-fold x {args.repeats} repeats; CTGAN epochs "
          f"{args.ctgan_epochs}; surrogate epochs {args.surrogate_epochs}. images: "
          f"{args.seeds} seeds; CNNClassifier(width=16, epochs={args.cnn_epochs}); M2m "
          f"epsilon {args.m2m_epsilon}", flush=True)
    started = time.perf_counter()
    if args.only != "images":
        results, per_row, failures = run_tables(args)
        sizes = {name: len(datasets.load(name)[1]) for name in results}
        table_report(results, per_row, failures, args, sizes)
        print(f"\ntables took {time.perf_counter() - started:.0f} s", flush=True)
    if args.only != "tables":
        begin = time.perf_counter()
        rows, per_image = run_images(args)
        image_report(rows, per_image)
        print(f"\nimages took {time.perf_counter() - begin:.0f} s")
    print(f"whole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
