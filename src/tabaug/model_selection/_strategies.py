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
    ENSEMBLE_NAMES,
    SAMPLER_NAMES,
    STRATEGY_NAMES,
    canonical_name,
    make_sampler,
    split_variant,
)
from tabaug.utils import categorical_columns

__all__ = [
    "BASELINE",
    "RESAMPLING_KINDS",
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
#: Kinds of strategy that resample (a sampler, its +corrected view, an ensemble).
RESAMPLING_KINDS = frozenset({"sampler", "corrected", "ensemble"})


@dataclass(frozen=True)
class Strategy:
    """One strategy: its name, its kind and what it needs to build a model.

    ``kind`` is ``"none"``, ``"class_weight"``, ``"threshold"``, ``"sampler"``
    (``probabilities`` says what its ResampledClassifier's predict_proba
    gives: ``+calibrated`` strategies are samplers with ``"calibrated"``),
    ``"ensemble"`` (``balanced_bagging``, ``easy_ensemble``) or
    ``"corrected"`` (scored from the fits of the sampler ``base``, with
    prior-corrected probabilities: it has no model of its own).
    """

    name: str
    kind: str
    sampler: Any = None
    class_weight_params: tuple[str, ...] = ()
    probabilities: str = "resampled"
    base: str = ""


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
    requested, added = _with_bases(requested)

    resolved: dict[str, Strategy] = {}
    skips: list[Skip] = []
    given = dict(requested)
    for name, value in requested:
        if value is not None:
            resolved[name] = _custom_strategy(name, value)
            continue
        base, variant = split_variant(name)
        if variant:
            strategy, reason = _variant_strategy(name, base, variant, given, resolved,
                                                 estimator)
        else:
            strategy, reason = builtin_strategy(name, estimator, n_classes)
        if strategy is not None:
            resolved[name] = strategy
            continue
        logger.info("compare: %s skipped: %s", name, reason)
        skips.append(Skip(name, reason, warn=explicit))
    plan = StrategyPlan(tuple(resolved.values()), notes=tuple(added))
    return plan.without(skips)


def _requested(strategies: Any) -> list[tuple[str, Any]]:
    """(name, sampler or None) pairs; built-in names in their canonical spelling."""
    if strategies is None:
        return [(name, None) for name in DEFAULT_STRATEGIES]
    if isinstance(strategies, str) or hasattr(strategies, "fit_resample"):
        return [_named(strategies)]
    if isinstance(strategies, dict):
        return [(_own_name(str(name)), value) if value is not None else _named(str(name))
                for name, value in strategies.items()]
    if isinstance(strategies, list | tuple):
        return [_named(item) for item in strategies]
    raise InvalidParameterError(
        f"strategies must be None, a list of names and/or samplers, or a dict "
        f"name -> sampler; got {type(strategies).__name__}."
    )


def _own_name(name: str) -> str:
    if "+" in name:
        raise InvalidParameterError(
            f"strategy name {name!r}: '+' is kept for the variants of a resampling strategy; "
            f"name the sampler without it and add '<name>+corrected' or '<name>+calibrated'."
        )
    return name


def _named(item: Any) -> tuple[str, Any]:
    if isinstance(item, str):
        base, variant = split_variant(item)
        if variant:
            if base in STRATEGY_NAMES and base not in SAMPLER_NAMES:
                raise InvalidParameterError(
                    f"{item!r}: '+{variant}' applies to a resampling strategy (a sampler: "
                    f"{', '.join(SAMPLER_NAMES)} or your own); {base!r} is not one. Name a "
                    "sampler, e.g. 'smote+corrected'."
                )
            return f"{base}+{variant}", None
        key = canonical_name(item)
        if key not in STRATEGY_NAMES:
            raise InvalidParameterError(
                f"unknown strategy {item!r}. Valid names: {', '.join(STRATEGY_NAMES)} "
                "(hyphens or underscores), '<sampler>+corrected' and '<sampler>+calibrated'; "
                "or pass a sampler object (any imbalanced-learn sampler), or a dict "
                "{name: sampler}."
            )
        return key, None
    if hasattr(item, "fit_resample"):
        return type(item).__name__, item
    raise InvalidParameterError(
        f"strategies holds {type(item).__name__}; each entry must be a strategy name "
        f"({', '.join(STRATEGY_NAMES)}) or a sampler with fit_resample."
    )


def _with_bases(requested: list[tuple[str, Any]]) -> tuple[list[tuple[str, Any]], list[str]]:
    """Add the strategy a ``+corrected`` variant reads its fits from, when it was not asked for."""
    names = {name for name, _ in requested}
    out, notes = [], []
    for name, value in requested:
        base, variant = split_variant(name) if value is None else (name, "")
        if variant and base not in names and base not in SAMPLER_NAMES:
            raise InvalidParameterError(
                f"{name!r} names {base!r}, which is neither a built-in sampler "
                f"({', '.join(SAMPLER_NAMES)}) nor one of the strategies given; add "
                f"{{{base!r}: sampler}} to strategies."
            )
        if variant == "corrected" and base not in names:
            out.append((base, None))
            names.add(base)
            notes.append(f"{base} added: {name} scores {base}'s fits with prior-corrected "
                         "probabilities.")
        out.append((name, value))
    return out, notes


def _variant_strategy(name: str, base: str, variant: str, given: dict[str, Any],
                      resolved: dict[str, Strategy], estimator: Any
                      ) -> tuple[Strategy | None, str]:
    """``<base>+corrected`` (scored from base's fits) or ``<base>+calibrated`` (its own fits)."""
    has_proba = hasattr(estimator, "predict_proba")
    if variant == "corrected":
        if base not in resolved:
            return None, f"it reads the fits of {base}, which was skipped"
        if not has_proba:
            return None, (f"{type(estimator).__name__} has no predict_proba, so there are no "
                          "probabilities to correct")
        return Strategy(name, "corrected", base=base), ""
    if not (has_proba or hasattr(estimator, "decision_function")):
        return None, (f"{type(estimator).__name__} has neither predict_proba nor "
                      "decision_function, so there is nothing to calibrate")
    if base in resolved:
        sampler = resolved[base].sampler
    elif given.get(base) is not None:
        sampler = given[base]
    else:
        strategy, reason = builtin_strategy(base, estimator, 2)
        if strategy is None:
            return None, reason
        sampler = strategy.sampler
    return Strategy(name, "sampler", sampler=sampler, probabilities="calibrated", base=base), ""


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
    if name in ENSEMBLE_NAMES:
        return Strategy(name, "ensemble"), ""
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


def fit_smote_to_folds(plan: StrategyPlan, y: np.ndarray, splits: list, inner_folds: int
                       ) -> StrategyPlan:
    """The plan with the built-in SMOTE's k_neighbors lowered to what every training fold allows.

    ``smote+calibrated`` resamples the inner training parts of its calibration
    (``inner_folds`` of them), which are smaller still.
    """
    smallest = None
    for name in ("smote", "smote+calibrated"):
        smote = next((s for s in plan.strategies if s.name == name), None)
        if smote is None or not isinstance(getattr(smote.sampler, "k_neighbors", None), int):
            continue
        if smallest is None:
            smallest = min(int(np.unique(y[train], return_counts=True)[1].min())
                           for train, _ in splits)
        rows, where = smallest, "some training fold"
        if name != "smote":
            rows -= math.ceil(smallest / inner_folds)
            where = "some inner training fold of the calibration"
        k = smote.sampler.k_neighbors
        if rows > k:
            continue
        if rows < 2:
            plan = plan.without([Skip(name, f"a training fold has a class of {rows} row")])
            continue
        sampler = clone(smote.sampler).set_params(k_neighbors=rows - 1)
        plan = plan.replaced(
            dataclasses.replace(smote, sampler=sampler),
            f"{name}: k_neighbors lowered from {k} to {rows - 1}, since the smallest class "
            f"has {rows} rows in {where}.",
        )
    return plan


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
        model = _with_sampler(model, clone(strategy.sampler), sampler_first,
                              strategy.probabilities, inner_folds)
    elif strategy.kind == "ensemble":
        model = _with_ensemble(model, strategy.name)
    if seed is not None:
        params = model.get_params(deep=True)
        unset = {
            key: int(seed)
            for key, value in params.items()
            if (key == "random_state" or key.endswith("__random_state")) and value is None
        }
        model.set_params(**unset)
    return model


def _is_pipeline(estimator: Any) -> bool:
    return isinstance(estimator, SklearnPipeline) and len(estimator.steps) > 1


def _with_sampler(estimator: Any, sampler: Any, first: bool, probabilities: str,
                  inner_folds: int) -> Any:
    """ResampledClassifier(sampler, estimator), or in place of a Pipeline's final step."""
    from tabaug.pipeline import ResampledClassifier

    params = {}
    if probabilities != "resampled":
        params = {"probabilities": probabilities, "calibration_cv": inner_folds}
    if first or not _is_pipeline(estimator):
        return ResampledClassifier(sampler, estimator, **params)
    last_name, last = estimator.steps[-1]
    return estimator.set_params(**{last_name: ResampledClassifier(sampler, last, **params)})


def _with_ensemble(estimator: Any, name: str) -> Any:
    """imbalanced-learn's ensemble around the final step of a Pipeline, or the whole estimator."""
    from imblearn.ensemble import BalancedBaggingClassifier, EasyEnsembleClassifier

    ensemble = {"balanced_bagging": BalancedBaggingClassifier,
                "easy_ensemble": EasyEnsembleClassifier}[name]
    if not _is_pipeline(estimator):
        return ensemble(estimator=estimator)
    last_name, last = estimator.steps[-1]
    return estimator.set_params(**{last_name: ensemble(estimator=last)})


def inner_cv(counts: np.ndarray, splits: list) -> int:
    """Folds of the threshold tuner's inner cross-validation: 5, fewer for tiny classes."""
    n_total = sum(counts)
    smallest_train = min(len(train) for train, _ in splits) / n_total * counts.min()
    return int(max(2, min(5, math.floor(smallest_train))))
