"""The standard models of compare and the command line, with categorical preprocessing inside."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tabaug.exceptions import InvalidParameterError, InvalidTypeError
from tabaug.model_selection._names import ESTIMATOR_NAMES, canonical_name
from tabaug.utils import categorical_columns, check_features

__all__ = ["make_estimator"]


def make_estimator(name: str, X: Any, *, random_state: Any = None) -> Any:
    """One of the standard classifiers, with categorical preprocessing inside.

    Categorical columns (category, bool, object or string dtypes in a
    DataFrame; non-numeric columns of an object array) are encoded inside the
    returned Pipeline, so :func:`compare` can put a sampler in front of it and
    the sampler sees categories, never one-hot floats.

    Parameters
    ----------
    name : {'logistic', 'random-forest', 'hist-gradient-boosting', 'balanced-random-forest'}
        ``'logistic'``: one-hot encoding of categorical columns, standard
        scaling of numeric ones, ``LogisticRegression(max_iter=1000)``.
        ``'random-forest'``: ordinal encoding, ``RandomForestClassifier()``.
        ``'hist-gradient-boosting'``: ordinal encoding with native
        categorical support, ``HistGradientBoostingClassifier()``.
        ``'balanced-random-forest'``: ordinal encoding, imbalanced-learn's
        ``BalancedRandomForestClassifier()`` (each tree grown on a balanced
        bootstrap: balancing inside the model, so compare it as a model,
        next to the others, rather than as a strategy). Underscores work in
        place of hyphens.
    X : DataFrame or array-like
        The data the model will see (only its column types are read).
    random_state : int or None, default=None
        Seed of the forests and the gradient boosting.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> import pandas as pd
    >>> from tabaug import make_estimator
    >>> X = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "city": pd.Categorical(list("abab"))})
    >>> [step for step, _ in make_estimator("logistic", X).steps]
    ['columntransformer', 'logisticregression']
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    key = canonical_name(name, separator="-")
    if key not in ESTIMATOR_NAMES:
        raise InvalidParameterError(
            f"unknown estimator {name!r}; choose one of {', '.join(ESTIMATOR_NAMES)} "
            "(hyphens or underscores)."
        )
    X = check_features(X, owner="make_estimator")
    categorical = categorical_columns(X)
    if isinstance(X, pd.DataFrame):
        numeric = [column for column in X.columns if column not in categorical]
        dates = [c for c in numeric if X[c].dtype.kind in "mM"]
        if dates:
            raise InvalidTypeError(
                f"datetime or timedelta column(s) {dates} cannot go into {key} directly; "
                "convert them to numbers (e.g. days since a date) or drop them."
            )
    else:
        numeric = [j for j in range(X.shape[1]) if j not in categorical]
    if key == "logistic":
        columns = ColumnTransformer(
            [
                ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
                ("numeric", StandardScaler(), numeric),
            ]
        )
        return make_pipeline(columns, LogisticRegression(max_iter=1000))
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=-1,
        encoded_missing_value=-1,
        **({"max_categories": 255} if key == "hist-gradient-boosting" else {}),
    )
    columns = ColumnTransformer(
        [("categorical", encoder, categorical)], remainder="passthrough"
    )
    if key == "random-forest":
        return make_pipeline(columns, RandomForestClassifier(random_state=random_state))
    if key == "balanced-random-forest":
        from imblearn.ensemble import BalancedRandomForestClassifier

        return make_pipeline(columns, BalancedRandomForestClassifier(random_state=random_state))
    mask = [True] * len(categorical) + [False] * len(numeric)
    return make_pipeline(
        columns,
        HistGradientBoostingClassifier(
            categorical_features=mask if categorical else None, random_state=random_state
        ),
    )
