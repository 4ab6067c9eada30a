"""Balance a mixed-type table with a class-conditional CTGAN (and TVAE), then use it.

On the shipped ``abalone_9_vs_18`` dataset (seven measurements and the
categorical ``sex``; 42 abalones with 18 rings against 689 with 9):

1. ``CTGANOverSampler`` generates exactly the 18-ring rows needed to balance
   the training split, keeping every dtype (integers stay integers,
   categories stay categories); the loss history and ``n_generated_`` show
   what happened;
2. ``sample(n, label)`` generates more rows later without refitting, and the
   fitted sampler is saved and loaded with joblib;
3. the sampler runs inside ``tabaug.make_pipeline`` and the classifier is
   evaluated on the untouched test split, next to SMOTE and no resampling.

Needs PyTorch: ``pip install "tabaug[deep]"``. Takes about a minute on a
laptop CPU (``--epochs`` trades time for quality; the benchmark in
``benchmarks/bench_generative.py`` shows how the deep models compare with SMOTE).

Run::

    python examples/ctgan_oversampling.py
    python examples/ctgan_oversampling.py --epochs 100 --model tvae --quiet
"""

import argparse
import tempfile
from pathlib import Path

import joblib
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import tabaug
from tabaug import SMOTE, CTGANOverSampler, TVAEOverSampler, evaluate, make_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--model", choices=["ctgan", "tvae"], default="ctgan")
    parser.add_argument("--quiet", action="store_true", help="no training progress bar")
    args = parser.parse_args()
    model = {"ctgan": CTGANOverSampler, "tvae": TVAEOverSampler}[args.model]

    X, y = tabaug.datasets.load("abalone_9_vs_18")
    minority = y.value_counts().idxmin()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    print(f"training split: {y_train.value_counts().to_dict()}")

    settings = dict(epochs=args.epochs, batch_size=50, random_state=0)
    sampler = model(**settings, verbose=not args.quiet)
    X_res, y_res = sampler.fit_resample(X_train, y_train)
    print(f"\nafter {type(sampler).__name__}: {y_res.value_counts().to_dict()}")
    print(f"rows generated per class: {sampler.n_generated_}")
    print(f"dtypes kept: {X_res.dtypes.equals(X_train.dtypes)}")
    print("last epochs of the loss history:")
    print(sampler.loss_history_.tail(3).to_string(index=False))
    print(f"\nthree generated rows of class {minority}:")
    print(X_res.iloc[len(X_train):].head(3).to_string(index=False))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sampler.joblib"
        joblib.dump(sampler, path)
        more = joblib.load(path).sample(5, minority)
    print(f"\n5 more rows of class {minority} from the reloaded sampler:")
    print(more.to_string(index=False))

    categorical = ["sex"]
    numeric = [c for c in X.columns if c not in categorical]
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), categorical), (StandardScaler(), numeric)
    )
    print("\nLogisticRegression on the untouched test split:")
    for name, step in [("no resampling", None), ("SMOTE", SMOTE(random_state=0)),
                       (type(sampler).__name__, model(**settings, verbose=False))]:
        steps = [step] if step is not None else []
        pipeline = make_pipeline(*steps, encode, LogisticRegression(max_iter=1000))
        pipeline.fit(X_train, y_train)
        report = evaluate(y_test, pipeline.predict(X_test))
        recall = report.per_class[minority]["recall"]
        print(f"  {name:18s} balanced accuracy {report.balanced_accuracy:.3f}, "
              f"recall of {minority} {recall:.2f}")


if __name__ == "__main__":
    main()
