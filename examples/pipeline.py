"""Resampling inside a model: only training folds are ever resampled.

Two ways to put a tabaug resampler in a model, on the shipped ``penguins``
dataset (numeric and categorical columns, Chinstrap the minority):

1. ``tabaug.make_pipeline`` (imbalanced-learn's Pipeline): samplers are steps
   that run in ``fit`` only.
2. ``tabaug.ResampledClassifier``: one classifier that resamples then fits, so
   it fits inside scikit-learn's own ``Pipeline`` and ``GridSearchCV``, with
   nested parameters such as ``classifier__sampler__k_neighbors``.

SMOTE runs before the one-hot encoder, so categorical columns are voted, never
interpolated. Run: ``python examples/pipeline.py``.
"""

from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import tabaug


def encoder():
    return make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), make_column_selector(dtype_include="category")),
        (StandardScaler(), make_column_selector(dtype_exclude="category")),
    )


def main() -> None:
    X, y = tabaug.datasets.load("penguins")
    y = (y == "Chinstrap").astype(int)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)

    plain = SkPipeline([("encode", encoder()), ("model", LogisticRegression(max_iter=1000))])
    with_smote = SkPipeline([
        ("classifier", tabaug.ResampledClassifier(
            tabaug.SMOTE(random_state=0),
            SkPipeline([("encode", encoder()), ("model", LogisticRegression(max_iter=1000))]),
        )),
    ])
    for name, model in [("plain", plain), ("SMOTE inside", with_smote)]:
        scores = cross_val_score(model, X, y, cv=folds, scoring="balanced_accuracy")
        print(f"{name:<14} balanced accuracy {scores.mean():.3f} +/- {scores.std():.3f}")

    search = GridSearchCV(
        with_smote,
        {"classifier__sampler__k_neighbors": [3, 5, 8],
         "classifier__estimator__model__C": [0.1, 1.0]},
        cv=folds, scoring="balanced_accuracy",
    ).fit(X, y)
    print(f"grid search best {search.best_params_}: {search.best_score_:.3f}")


if __name__ == "__main__":
    main()
