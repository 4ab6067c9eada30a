"""Strategies of compare: what each name means, which ones run, and the model each one fits.

Resolving strategies gives a :class:`StrategyPlan`, an immutable record of
the strategies that run, those skipped (with the reason) and the notes
about them. Every step that changes the plan (a strategy skipped, SMOTE
adapted to the folds, a strategy that failed) returns a new plan.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline as SklearnPipeline

from tabaug.exceptions import InvalidParameterError
from tabaug.model_selection._names import (
    DEEP_SAMPLER_NAMES,
    DEFAULT_STRATEGIES,
    SAMPLER_NAMES,
    STRATEGY_NAMES,
    canonical_name,
    make_sampler,
)
from tabaug.utils import categorical_columns

__all__ = [
    "BASELINE",
    "Skip",
    "Strategy",
    "StrategyPlan",
    "build_model",
    "builtin_strategy",
    "fit_smote_to_folds",
    "inner_cv",
    "resolve_strategies",
    "sampler_goes_first",
]

logger = logging.getLogger("tabaug")

BASELINE = "none"


@dataclass(frozen=True)
class Strategy:
    """One strategy: its name, its kind and what it needs to build a model.

    ``kind`` is ``"none"``, ``"class_weight"``, ``"threshold"`` or
    ``"sampler"``.
    """

    name: str
    kind: str
    sampler: Any = None
    class_weight_params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skip:
    """A strategy that does not run, and why; ``warn`` when the user asked for it by name."""

    name: str
    reason: str
    warn: bool = False

    @property
    def note(self) -> str:
        return f"{self.name} skipped: {self.reason}"


@dataclass(frozen=True)
class StrategyPlan:
    """The strategies that run (``none`` first), those skipped, and notes, in order."""

    strategies: tuple[Strategy, ...]
    skipped: tuple[Skip, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [strategy.name for strategy in self.strategies]

    def with_note(self, note: str) -> StrategyPlan:
        return dataclasses.replace(self, notes=(*self.notes, note))

    def without(self, skips: list[Skip]) -> StrategyPlan:
        """The plan with the strategies of ``skips`` left out, each with its note."""
        gone = {skip.name for skip in skips}
        return StrategyPlan(
            tuple(strategy for strategy in self.strategies if strategy.name not in gone),
            (*self.skipped, *skips),
            (*self.notes, *(skip.note for skip in skips)),
        )

    def replaced(self, strategy: Strategy, note: str) -> StrategyPlan:
        """The plan with the strategy of the same name swapped for ``strategy``."""
        strategies = tuple(strategy if s.name == strategy.name else s for s in self.strategies)
        return dataclasses.replace(self, strategies=strategies, notes=(*self.notes, note))

    def kinds(self) -> dict[str, str]:
        return {strategy.name: strategy.kind for strategy in self.strategies}


def resolve_strategies(strategies: Any, estimator: Any, n_classes: int) -> StrategyPlan:
    """The plan for ``strategies`` (names, samplers or a dict): ``none`` first, skips noted."""
    explicit = strategies is not None
    requested = _requested(strategies)
    names = [name for name, _ in requested]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidParameterError(
            f"strategy name(s) {', '.join(duplicates)} appear more than once; pass a dict "
            "{name: sampler} to give each sampler its own name."
        )
    if BASELINE not in names:
        requested.insert(0, (BASELINE, None))
    else:
        requested.sort(key=lambda item: item[0] != BASELINE)

    resolved: list[Strategy] = []
    skips: list[Skip] = []
    for name, value in requested:
        if value is not None:
            resolved.append(_custom_strategy(name, value))
            continue
        strategy, reason = builtin_strategy(name, estimator, n_classes)
        if strategy is not None:
            resolved.append(strategy)
            continue
        logger.info("compare: %s skipped: %s", name, reason)
        skips.append(Skip(name, reason, warn=explicit))
    return StrategyPlan(tuple(resolved)).without(skips)


def _requested(strategies: Any) -> list[tuple[str, Any]]:
    """(name, sampler or None) pairs; built-in names in their canonical spelling."""
    if strategies is None:
        return [(name, None) for name in DEFAULT_STRATEGIES]
    if isinstance(strategies, str) or hasattr(strategies, "fit_resample"):
        return [_named(strategies)]
    if isinstance(strategies, dict):
        return [(str(name), value) if value is not None else _named(str(name))
                for name, value in strategies.items()]
    if isinstance(strategies, list | tuple):
        return [_named(item) for item in strategies]
    raise InvalidParameterError(
        f"strategies must be None, a list of names and/or samplers, or a dict "
        f"name -> sampler; got {type(strategies).__name__}."
    )


def _named(item: Any) -> tuple[str, Any]:
    if isinstance(item, str):
        key = canonical_name(item)
        if key not in STRATEGY_NAMES:
            raise InvalidParameterError(
                f"unknown strategy {item!r}. Valid names: {', '.join(STRATEGY_NAMES)} "
                "(hyphens or underscores); or pass a sampler object (any imbalanced-learn "
                "sampler), or a dict {name: sampler}."
            )
        return key, None
    if hasattr(item, "fit_resample"):
        return type(item).__name__, item
    raise InvalidParameterError(
        f"strategies holds {type(item).__name__}; each entry must be a strategy name "
        f"({', '.join(STRATEGY_NAMES)}) or a sampler with fit_resample."
    )


def _custom_strategy(name: str, sampler: Any) -> Strategy:
    if not hasattr(sampler, "fit_resample"):
        raise InvalidParameterError(
            f"strategy {name!r} must be a sampler with fit_resample (tabaug or "
            f"imbalanced-learn); got {type(sampler).__name__}."
        )
    if name == BASELINE:
        raise InvalidParameterError(
            "'none' is the no-resampling baseline; give your sampler another name."
        )
    try:
        clone(sampler)
    except TypeError as error:
        raise InvalidParameterError(
            f"sampler {name!r} ({type(sampler).__name__}) cannot be cloned: {error}. compare "
            "fits a fresh copy on every fold; give it get_params/set_params (subclass "
            "sklearn.base.BaseEstimator)."
        ) from error
    return Strategy(name, "sampler", sampler=sampler)


def builtin_strategy(name: str, estimator: Any, n_classes: int) -> tuple[Strategy | None, str]:
    """The built-in strategy ``name`` for this estimator, or None and why it cannot run."""
    if name == BASELINE:
        return Strategy(name, "none"), ""
    if name == "class_weight":
        params = _class_weight_params(estimator)
        if not params:
            return None, (
                f"{type(estimator).__name__} has no class_weight parameter "
                "(neither itself nor the last step of its pipeline)"
            )
        return Strategy(name, "class_weight", class_weight_params=params), ""
    if name == "threshold":
        if n_classes != 2:
            return None, (
                f"decision-threshold tuning (TunedThresholdClassifierCV) is for binary "
                f"targets, and y has {n_classes} classes"
            )
        if not (hasattr(estimator, "predict_proba") or hasattr(estimator, "decision_function")):
            return None, (
                f"{type(estimator).__name__} has neither predict_proba nor "
                "decision_function, so there is no threshold to tune"
            )
        return Strategy(name, "threshold"), ""
    if name in DEEP_SAMPLER_NAMES:
        return _deep_strategy(name)
    if name in SAMPLER_NAMES:
        return Strategy(name, "sampler", sampler=make_sampler(name)), ""
    raise InvalidParameterError(f"unknown strategy {name!r}.")


def _deep_strategy(name: str) -> tuple[Strategy | None, str]:
    if importlib.util.find_spec("torch") is None:
        return None, 'needs PyTorch: pip install "tabaug[deep]"'
    try:
        sampler = make_sampler(name)
    except ImportError as error:
        return None, f"the deep oversamplers could not be imported ({error})"
    if "verbose" in sampler.get_params():
        sampler.set_params(verbose=False)
    return Strategy(name, "sampler", sampler=sampler), ""


def _class_weight_params(estimator: Any) -> tuple[str, ...]:
    """The shallowest ``class_weight`` parameter(s) of ``estimator``, nested ones included."""
    params = estimator.get_params(deep=True)
    if "class_weight" in params:
        return ("class_weight",)
    if isinstance(estimator, SklearnPipeline):
        last_name, last = estimator.steps[-1]
        if last is None or last == "passthrough":
            return ()
        return tuple(f"{last_name}__{key}" for key in _class_weight_params(last))
    nested = [key for key in params if key.endswith("__class_weight")]
    if not nested:
        return ()
    depth = min(key.count("__") for key in nested)
    return tuple(key for key in nested if key.count("__") == depth)


def fit_smote_to_folds(plan: StrategyPlan, y: np.ndarray, splits: list) -> StrategyPlan:
    """The plan with the built-in SMOTE's k_neighbors lowered to what every training fold allows."""
    smote = next((s for s in plan.strategies if s.name == "smote"), None)
    if smote is None or not hasattr(smote.sampler, "k_neighbors"):
        return plan
    k = smote.sampler.k_neighbors
    if not isinstance(k, int):
        return plan
    smallest = min(int(np.unique(y[train], return_counts=True)[1].min()) for train, _ in splits)
    if smallest > k:
        return plan
    if smallest < 2:
        return plan.without([Skip("smote", f"a training fold has a class of {smallest} row")])
    sampler = clone(smote.sampler).set_params(k_neighbors=smallest - 1)
    return plan.replaced(
        dataclasses.replace(smote, sampler=sampler),
        f"smote: k_neighbors lowered from {k} to {smallest - 1}, since the smallest class "
        f"has {smallest} rows in some training fold.",
    )


def sampler_goes_first(position: str, X: Any, estimator: Any) -> bool:
    """Whether samplers go in front of the whole estimator (else before its final step)."""
    if position == "first":
        return True
    is_pipeline = isinstance(estimator, SklearnPipeline) and len(estimator.steps) > 1
    if position == "before_estimator":
        return not is_pipeline
    return bool(categorical_columns(X)) or not is_pipeline


def build_model(
    strategy: Strategy,
    estimator: Any,
    sampler_first: bool,
    seed: Any,
    threshold_scorer: Any,
    inner_folds: int,
) -> Any:
    """A fresh, unfitted model for ``strategy``; unset seeds set to ``seed``."""
    model = clone(estimator)
    if strategy.kind == "class_weight":
        model.set_params(**dict.fromkeys(strategy.class_weight_params, "balanced"))
    elif strategy.kind == "threshold":
        from sklearn.model_selection import TunedThresholdClassifierCV

        model = TunedThresholdClassifierCV(model, scoring=threshold_scorer, cv=inner_folds)
    elif strategy.kind == "sampler":
        model = _with_sampler(model, clone(strategy.sampler), sampler_first)
    if seed is not None:
        params = model.get_params(deep=True)
        unset = {
            key: int(seed)
            for key, value in params.items()
            if (key == "random_state" or key.endswith("__random_state")) and value is None
        }
        model.set_params(**unset)
    return model


def _with_sampler(estimator: Any, sampler: Any, first: bool) -> Any:
    if first or not (isinstance(estimator, SklearnPipeline) and len(estimator.steps) > 1):
        from tabaug.pipeline import ResampledClassifier

        return ResampledClassifier(sampler, estimator)
    from imblearn.pipeline import Pipeline

    taken = {name for name, _ in estimator.steps}
    name = "resample"
    while name in taken:
        name += "_"
    steps = list(estimator.steps)
    return Pipeline([*steps[:-1], (name, sampler), steps[-1]])


def inner_cv(counts: np.ndarray, splits: list) -> int:
    """Folds of the threshold tuner's inner cross-validation: 5, fewer for tiny classes."""
    n_total = sum(counts)
    smallest_train = min(len(train) for train, _ in splits) / n_total * counts.min()
    return int(max(2, min(5, math.floor(smallest_train))))
