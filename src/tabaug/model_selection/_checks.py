"""What compare checks before the first fit: settings, estimators, and columns they can read."""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

from tabaug.exceptions import InvalidInputError, InvalidParameterError, InvalidTypeError
from tabaug.model_selection._names import TEST_NAMES
from tabaug.utils import check_option, check_scalar

__all__ = [
    "SAMPLER_POSITIONS",
    "check_columns",
    "check_models",
    "check_settings",
    "describe",
    "is_multi_model",
]

SAMPLER_POSITIONS = ("auto", "first", "before_estimator")
# Libraries whose estimators read numbers only; another library's model (LightGBM,
# CatBoost, your own) may read categories, so compare leaves it to fail or succeed.
_NUMERIC_ONLY_LIBRARIES = ("sklearn.", "imblearn.", "tabaug.")


def check_settings(n_repeats: Any, min_effect: Any, alpha: Any, sampler_position: Any,
                   n_jobs: Any, test: Any) -> None:
    check_scalar(n_repeats, "n_repeats", owner="compare", kind=numbers.Integral, low=1)
    check_scalar(min_effect, "min_effect", owner="compare", low=0)
    check_scalar(alpha, "alpha", owner="compare", low=0, high=1, include_low=False,
                 include_high=False)
    check_option(sampler_position, "sampler_position", SAMPLER_POSITIONS, owner="compare")
    check_scalar(n_jobs, "n_jobs", owner="compare", kind=numbers.Integral, allow_none=True)
    if n_jobs == 0:
        raise InvalidParameterError(
            "compare: n_jobs must be None or a non-zero integer (-1 for every core); got 0."
        )
    check_option(test, "test", TEST_NAMES, owner="compare")


def is_multi_model(estimator: Any) -> bool:
    """Whether ``estimator`` is a dict of models (several models compared at once)."""
    return isinstance(estimator, dict)


def check_models(estimator: Any) -> dict[str | None, Any]:
    """The models to compare: ``{name: estimator}``, or ``{None: estimator}`` for one model."""
    if not is_multi_model(estimator):
        _check_estimator(estimator, "estimator")
        return {None: estimator}
    if not estimator:
        raise InvalidParameterError(
            "estimator is an empty dict: give at least one model, e.g. "
            "{'logistic': make_estimator('logistic', X)}."
        )
    models = {}
    for name, model in estimator.items():
        key = str(name)
        if key in models:
            raise InvalidParameterError(f"estimator names {key!r} twice; name each model once.")
        _check_estimator(model, f"estimator[{key!r}]")
        models[key] = model
    return models


def _check_estimator(estimator: Any, where: str) -> None:
    if isinstance(estimator, type):
        raise InvalidTypeError(
            f"{where} must be an instance, not the class {estimator.__name__}: "
            f"pass {estimator.__name__}() (with any parameters)."
        )
    if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
        raise InvalidTypeError(
            f"{where} must be a classifier with fit and predict; got "
            f"{type(estimator).__name__}. Pass e.g. sklearn.linear_model.LogisticRegression()."
        )
    if not hasattr(estimator, "get_params"):
        raise InvalidTypeError(
            f"{where} {type(estimator).__name__} cannot be cloned (no get_params): "
            "compare refits a fresh copy on every fold. Use a scikit-learn compatible estimator."
        )


def check_columns(X: Any, estimator: Any, name: str | None) -> None:
    """Refuse, before any fit, a model that cannot read the text or category columns of ``X``.

    A scikit-learn (or imbalanced-learn, tabaug) estimator with no Pipeline
    or ColumnTransformer inside reads numbers only: it would fail in every
    fold with a traceback from deep inside scikit-learn. Histogram gradient
    boosting reads category columns itself (``categorical_features=
    "from_dtype"``), but not text.
    """
    if not isinstance(X, pd.DataFrame):
        return
    text = [c for c in X.columns if _is_text(X[c])]
    categories = [c for c, dtype in X.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    if not (text or categories) or _encodes_columns(estimator):
        return
    if not type(estimator).__module__.startswith(_NUMERIC_ONLY_LIBRARIES):
        return
    if estimator.get_params().get("categorical_features") == "from_dtype":
        categories = []
    unreadable = [c for c in X.columns if c in text or c in categories]
    if not unreadable:
        return
    model = type(estimator).__name__ if name is None else f"{name} ({type(estimator).__name__})"
    raise InvalidInputError(
        f"{model} cannot read the text or category column(s) {unreadable} of X: it takes "
        "numbers only, so every fold would fail. Encode them inside the model: pass "
        "estimator=tabaug.make_estimator('logistic', X) (or 'random-forest', "
        "'hist-gradient-boosting'), or a Pipeline that starts with a ColumnTransformer "
        "(e.g. OneHotEncoder on these columns)."
    )


def _is_text(column: pd.Series) -> bool:
    """A column of strings (or other objects that are not numbers)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return False
    if isinstance(column.dtype, pd.StringDtype) or str(column.dtype) == "str":
        return True
    if column.dtype.kind not in "OSU":
        return False
    try:
        column.to_numpy().astype(float)
    except (TypeError, ValueError):
        return True
    return False


def _encodes_columns(estimator: Any) -> bool:
    """Whether a Pipeline or ColumnTransformer is ``estimator`` or inside it."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    kinds = (Pipeline, ColumnTransformer)
    if isinstance(estimator, kinds):
        return True
    return any(isinstance(value, kinds) for value in estimator.get_params(deep=True).values())


def describe(estimator: Any) -> str:
    """``LogisticRegression``, or ``Pipeline(ColumnTransformer, LogisticRegression)``."""
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list):
        inner = ", ".join(
            step if isinstance(step, str) else type(step).__name__ for _, step in steps
        )
        return f"{type(estimator).__name__}({inner})"
    return type(estimator).__name__
