"""Fidelity, downstream effect and speed of tabaug's deep oversamplers.

Compares ``CTGANOverSampler`` and ``TVAEOverSampler`` with SMOTE, with no
resampling, and with SDV (``SDVOverSampler`` and SDV's own synthesizers) on
the datasets shipped with tabaug and on a synthetic 5,000 x 10 mixed table
(6 float, 1 integer, 2 categorical and 1 boolean column) with a 1 % class.

1. **Label fidelity**: a random forest is trained on the real training rows;
   the share of generated class-*c* rows it assigns to *c* is the fidelity
   (averaged over the oversampled classes). For reference, the same forest's
   recall on *real* held-out rows of those classes is shown as "real test rows".
2. **Downstream effect**: a classifier (logistic regression on one-hot and
   scaled features, and histogram gradient boosting) is trained on real +
   generated rows and tested on untouched real rows (stratified 70/30 split):
   F1 of the rarest class and balanced accuracy.

The deep models (tabaug's and SDV's) train with ``--epochs`` epochs and a
batch of about a tenth of the training rows (50 to 500), so that each epoch
is about ten steps even on the small datasets.
3. **Speed**: fit time at equal epochs, batch size, network sizes and ``pac``
   against SDV's ``CTGANSynthesizer`` / ``TVAESynthesizer`` on the synthetic
   table (ratio of medians over ``--repeat`` runs; target <= 0.7x), and the
   time to generate the minority rows a balanced table needs: tabaug's
   ``sample(n, label)`` against SDV's ``sample_from_conditions`` on a
   synthesizer fitted with the label as a column (target <= 0.5x, and never
   a failure).

Training is short so the whole run stays around ten minutes on two CPU cores
(``--epochs``, default 50, for the fidelity part; ``--speed-epochs``, default
10, for the timing part): the deep models are under-trained compared with
CTGAN's default of 300 epochs, and the figures say how they do at that budget.

Needs the deep and sdv extras: ``pip install "tabaug[deep,sdv]"``.

Run::

    python benchmarks/bench_generative.py               # everything
    python benchmarks/bench_generative.py --quick       # synthetic table only, fewer epochs
    python benchmarks/bench_generative.py --threads 1   # pin torch to one thread
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import statistics
import time
import warnings
from collections import Counter

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

import tabaug
from tabaug import SMOTE, CTGANOverSampler, SDVOverSampler, TVAEOverSampler
from tabaug.exceptions import GenerationError


def synthetic_table(n_rows: int = 5000, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """5,000 x 10 mixed columns, a 1 % class whose rows differ in every kind of column."""
    from sklearn.datasets import make_classification

    features, target = make_classification(
        n_samples=n_rows, n_features=9, n_informative=6, n_redundant=1, weights=[0.99],
        flip_y=0.0, class_sep=1.0, random_state=seed,
    )
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(features[:, :6], columns=[f"num{i}" for i in range(6)])
    frame["count"] = np.floor(np.exp(features[:, 6] / 2 + 1)).astype(np.int64)
    segment = pd.qcut(features[:, 7] + rng.normal(0, 0.3, n_rows), 4, labels=list("ABCD"))
    frame["segment"] = pd.Categorical(segment.astype(str))
    region = np.where(target == 1, rng.choice(5, n_rows, p=[0.1, 0.1, 0.2, 0.3, 0.3]),
                      rng.choice(5, n_rows, p=[0.3, 0.3, 0.2, 0.1, 0.1]))
    frame["region"] = pd.Categorical(np.array(["north", "south", "east", "west", "centre"])
                                     [region])
    frame["flag"] = features[:, 8] > 0.5
    return frame, pd.Series(np.where(target == 1, "rare", "common"), name="label")


def datasets(quick: bool) -> dict:
    out = {"synthetic_5000x10": synthetic_table()}
    if not quick:
        for name in tabaug.datasets.list_datasets():
            out[name] = tabaug.datasets.load(name)
    return out


def _categorical_columns(X: pd.DataFrame) -> list:
    return [c for c, d in X.dtypes.items() if d.kind in "bO" or isinstance(d, pd.CategoricalDtype)]


def _encoder(X: pd.DataFrame, scale: bool) -> object:
    categorical = _categorical_columns(X)
    numeric = [c for c in X.columns if c not in categorical]
    if scale:
        return make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), categorical), (StandardScaler(), numeric))
    return make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), categorical),
        ("passthrough", numeric))


def classifiers(X: pd.DataFrame) -> dict:
    return {
        "logistic": make_pipeline(_encoder(X, scale=True), LogisticRegression(max_iter=2000)),
        "hist_gb": make_pipeline(_encoder(X, scale=False),
                                 HistGradientBoostingClassifier(random_state=0)),
    }


def label_fidelity(forest, new_X: pd.DataFrame, new_y: np.ndarray) -> float:
    """Mean over classes of the share of generated rows the forest assigns to their class.

    A row is assigned to the class whose forest probability divided by its
    share of the training rows is largest: the prior-corrected decision, so a
    1 % class is not drowned by the other 99 % (a plain ``predict`` gives the
    rare class to almost no row, real or generated).
    """
    classes = forest.classes_
    priors = np.array([np.mean(forest.y_train_ == c) for c in classes])
    predicted = classes[np.argmax(forest.predict_proba(new_X) / priors, axis=1)]
    return float(np.mean([np.mean(predicted[new_y == c] == c) for c in np.unique(new_y)]))


def fit_forest(X_train: pd.DataFrame, y_train: np.ndarray, seed: int):
    forest = make_pipeline(_encoder(X_train, scale=False),
                           RandomForestClassifier(n_estimators=200, random_state=seed))
    forest.fit(X_train, y_train)
    forest.y_train_ = y_train
    return forest


def _markdown(frame: pd.DataFrame) -> str:
    def cell(value):
        if isinstance(value, float):
            return "" if np.isnan(value) else f"{value:.3f}"
        return str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def batch_size_for(n_rows: int) -> int:
    """About ten steps per epoch, between 50 and 500 rows, a multiple of 10 (SDV's pac)."""
    return int(np.clip(n_rows // 100 * 10, 50, 500))


def samplers(epochs: int, batch_size: int, seed: int) -> dict:
    deep = dict(epochs=epochs, batch_size=batch_size, verbose=False, random_state=seed)
    sdv = {"epochs": epochs, "batch_size": batch_size}
    return {
        "none": None,
        "SMOTE": SMOTE(random_state=seed),
        "CTGANOverSampler": CTGANOverSampler(**deep),
        "TVAEOverSampler": TVAEOverSampler(**deep),
        "SDV gaussian_copula": SDVOverSampler("gaussian_copula", random_state=seed),
        "SDV ctgan": SDVOverSampler("ctgan", sdv, random_state=seed),
        "SDV tvae": SDVOverSampler("tvae", sdv, random_state=seed),
    }


def fidelity_and_downstream(data: dict, epochs: int, seed: int) -> pd.DataFrame:
    rows = []
    for name, (X, y) in data.items():
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=seed)
        y_train, y_test = np.asarray(y_train), np.asarray(y_test)
        rarest = min(Counter(y_train).items(), key=lambda item: item[1])[0]
        forest = fit_forest(X_train, y_train, seed)
        minority = [c for c, n in Counter(y_train).items() if n < max(Counter(y_train).values())]
        real_mask = np.isin(y_test, minority)
        rows.append({"dataset": name, "method": "real test rows", "rarest": rarest,
                     "fidelity": label_fidelity(forest, X_test[real_mask], y_test[real_mask])})
        for method, sampler in samplers(epochs, batch_size_for(len(X_train)), seed).items():
            row = {"dataset": name, "method": method, "rarest": rarest}
            started = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if sampler is None:
                        X_res, y_res = X_train, y_train
                    else:
                        X_res, y_res = sampler.fit_resample(X_train, y_train)
            except (GenerationError, ValueError) as error:
                row["error"] = f"{type(error).__name__}: {str(error).split(' (')[0]}"
                rows.append(row)
                continue
            row["seconds"] = time.perf_counter() - started
            if sampler is not None:
                n = len(X_train)
                row["fidelity"] = label_fidelity(forest, X_res.iloc[n:], np.asarray(y_res)[n:])
            for clf_name, clf in classifiers(X).items():
                predicted = clf.fit(X_res, y_res).predict(X_test)
                row[f"{clf_name} F1"] = f1_score(y_test, predicted, labels=[rarest],
                                                 average="macro", zero_division=0)
                row[f"{clf_name} bal.acc"] = balanced_accuracy_score(y_test, predicted)
            rows.append(row)
            print(f"  {name:18s} {method:22s} done in {row['seconds']:.1f} s", flush=True)
    return pd.DataFrame(rows)


@contextlib.contextmanager
def _silence():
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _quietly(make):
    def made():
        with _silence():
            return make()
    return made


def speed(epochs: int, repeat: int, seed: int) -> pd.DataFrame:
    """Fit and generation times against SDV at equal settings on the synthetic table."""
    from sdv.metadata import Metadata
    from sdv.sampling import Condition
    from sdv.single_table import CTGANSynthesizer, TVAESynthesizer

    X, y = synthetic_table()
    table = X.astype({c: object for c in _categorical_columns(X) if X[c].dtype != bool})
    table["label"] = y.to_numpy()
    with _silence():
        metadata = Metadata.detect_from_dataframes({"t": table})
    counts = y.value_counts()
    n_needed = int(counts.max() - counts.min())
    rare = counts.idxmin()
    shared = dict(epochs=epochs, batch_size=500)
    pairs = {
        "CTGAN": (
            lambda: CTGANOverSampler(**shared, generator_dim=(256, 256),
                                     discriminator_dim=(256, 256), embedding_dim=128, pac=10,
                                     verbose=False, random_state=seed),
            lambda: CTGANSynthesizer(metadata, **shared, generator_dim=(256, 256),
                                     discriminator_dim=(256, 256), embedding_dim=128, pac=10),
        ),
        "TVAE": (
            lambda: TVAEOverSampler(**shared, compress_dims=(128, 128),
                                    decompress_dims=(128, 128), embedding_dim=128,
                                    verbose=False, random_state=seed),
            lambda: TVAESynthesizer(metadata, **shared, compress_dims=(128, 128),
                                    decompress_dims=(128, 128), embedding_dim=128),
        ),
    }
    rows = []
    for model, (ours, theirs) in pairs.items():
        theirs = _quietly(theirs)
        times = {"tabaug": [], "SDV": []}
        generate = {"tabaug": [], "SDV": []}
        sdv_failures = 0
        for _ in range(repeat):  # alternate the two so a busy machine hits both alike
            sampler = ours()
            started = time.perf_counter()
            sampler.fit_resample(X, y)
            times["tabaug"].append(time.perf_counter() - started)
            started = time.perf_counter()
            rows_out = sampler.sample(n_needed, rare)
            generate["tabaug"].append(time.perf_counter() - started)
            assert len(rows_out) == n_needed
            synthesizer = theirs()
            with _silence():
                started = time.perf_counter()
                synthesizer.fit({"t": table})
                times["SDV"].append(time.perf_counter() - started)
                started = time.perf_counter()
                try:
                    got = synthesizer.sample_from_conditions(
                        [Condition(num_rows=n_needed, column_values={"label": rare})])["t"]
                    sdv_failures += len(got) < n_needed
                except ValueError:
                    sdv_failures += 1
                generate["SDV"].append(time.perf_counter() - started)
        fit_ratio = statistics.median(times["tabaug"]) / statistics.median(times["SDV"])
        gen_ratio = statistics.median(generate["tabaug"]) / statistics.median(generate["SDV"])
        rows.append({
            "model": model, "epochs": epochs, "repeats": repeat,
            "tabaug fit s (median)": statistics.median(times["tabaug"]),
            "SDV fit s (median)": statistics.median(times["SDV"]),
            "fit ratio": fit_ratio,
            f"tabaug sample {n_needed} s": statistics.median(generate["tabaug"]),
            f"SDV sample_from_conditions {n_needed} s": statistics.median(generate["SDV"]),
            "generation ratio": gen_ratio,
            "SDV short or failed": f"{sdv_failures}/{repeat}",
        })
        print(f"  speed {model}: fit ratio {fit_ratio:.2f}, generation ratio {gen_ratio:.3f}",
              flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--speed-epochs", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch.set_num_threads for the whole run (default: torch's own)")
    parser.add_argument("--quick", action="store_true",
                        help="synthetic table only, 10 epochs, 1 repeat")
    args = parser.parse_args()
    import sdv
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.quick:
        args.epochs, args.speed_epochs, args.repeat = 10, 3, 1
    print(f"tabaug {tabaug.__version__}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), sdv {sdv.__version__}, "
          f"python {platform.python_version()}", flush=True)
    started = time.perf_counter()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    print(f"\n## Fidelity and downstream ({args.epochs} epochs)", flush=True)
    quality = fidelity_and_downstream(datasets(args.quick), args.epochs, args.seed)
    print(_markdown(quality))
    print(f"\n## Speed against SDV ({args.speed_epochs} epochs)", flush=True)
    print(_markdown(speed(args.speed_epochs, args.repeat, args.seed)))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
