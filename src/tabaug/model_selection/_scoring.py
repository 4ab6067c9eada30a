"""Scores of compare: which ones to compute, and computing them on one validation fold.

Scores from predicted labels come from the one confusion-matrix engine
(:func:`tabaug.metrics.confusion_scores`) with ``zero_division=0``: fold
means and paired tests need a number on every fold, so a 0/0 counts as 0,
as scikit-learn's ``zero_division=0`` does. Scores from probabilities
(Brier, log loss, expected calibration error) read the probability of the
minority class on binary targets and of the top label on multiclass ones,
and each fold also counts its reliability bins for the reliability diagram.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, get_scorer, get_scorer_names, make_scorer

from tabaug.exceptions import InvalidInputError, InvalidParameterError, InvalidTypeError
from tabaug.metrics import confusion_scores, count_confusion
from tabaug.utils import plain_value

__all__ = [
    "DEFAULT_SCORES",
    "FIT_TIME",
    "LOWER_IS_BETTER",
    "N_BINS",
    "FoldScores",
    "ScoringPlan",
    "ThresholdTarget",
    "expected_calibration_error",
    "fold_scores",
    "resolve_scoring",
    "threshold_target",
]

DEFAULT_SCORES = (
    "balanced_accuracy",
    "f1_macro",
    "f1_minority",
    "recall_minority",
    "average_precision",
    "mcc",
    "brier",
    "log_loss",
    "ece",
)
#: Equal-width bins of the expected calibration error and the reliability diagram.
N_BINS = 10
# log loss clips probabilities to [EPS, 1], as scikit-learn's log_loss did by default
_EPS = 1e-15
# What each built-in score is computed from: predicted labels, a ranking
# score (predict_proba or decision_function), or probabilities.
_SCORE_INPUT = {
    "balanced_accuracy": "labels",
    "f1_macro": "labels",
    "f1_minority": "labels",
    "recall_minority": "labels",
    "average_precision": "ranking",
    "mcc": "labels",
    "brier": "probabilities",
    "log_loss": "probabilities",
    "ece": "probabilities",
}
LOWER_IS_BETTER = frozenset({"brier", "log_loss", "ece", "fit_time"})
# Scores the threshold strategy can tune for (the others ignore the threshold or reward
# predicting the minority everywhere).
_THRESHOLD_TARGETS = ("balanced_accuracy", "f1_macro", "f1_minority", "mcc")
FIT_TIME = "fit_time"


class _ScoresUnavailableError(InvalidInputError, InvalidTypeError):
    """The estimator cannot give the scores asked for (a ValueError and a TypeError)."""


@dataclass(frozen=True)
class ScoringPlan:
    """The scores of one comparison: built-in names, custom scorers, and notes about them.

    ``names`` never holds ``fit_time``; :attr:`all_names` adds it last.
    """

    names: tuple[str, ...]
    custom: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def all_names(self) -> list[str]:
        return [*self.names, FIT_TIME]

    def greater_is_better(self) -> dict[str, bool]:
        """Score name -> whether higher is better (custom scorers: always higher)."""
        return {name: name not in LOWER_IS_BETTER or name in self.custom
                for name in self.all_names}


def _requested(scoring: Any) -> tuple[list[str], dict[str, Any]]:
    """The score names asked for, and the scorers given with them."""
    if scoring is None:
        return list(DEFAULT_SCORES), {}
    if isinstance(scoring, str):
        return [scoring], {}
    if isinstance(scoring, dict):
        names, custom = [], {}
        for name, scorer in scoring.items():
            if scorer is None or (isinstance(scorer, str) and scorer == name):
                names.append(str(name))
            elif callable(scorer) or isinstance(scorer, str):
                names.append(str(name))
                custom[str(name)] = get_scorer(scorer) if isinstance(scorer, str) else scorer
            else:
                raise InvalidParameterError(
                    f"scoring[{name!r}] must be a scorer (callable(estimator, X, y)) or a "
                    f"scikit-learn scorer name; got {type(scorer).__name__}."
                )
        return names, custom
    if isinstance(scoring, list | tuple):
        if not all(isinstance(name, str) for name in scoring):
            raise InvalidParameterError(
                "scoring as a list takes score names; pass a dict {name: scorer} for "
                "scorer objects."
            )
        return list(scoring), {}
    raise InvalidParameterError(
        f"scoring must be None, a name, a list of names or a dict; got "
        f"{type(scoring).__name__}."
    )


def resolve_scoring(scoring: Any, estimator: Any) -> ScoringPlan:
    """The scores to compute, checked against what ``estimator`` can give."""
    names, custom = _requested(scoring)
    names = [name for name in dict.fromkeys(names) if name != FIT_TIME]
    if not names:
        raise InvalidParameterError("scoring is empty: name at least one score.")
    sklearn_names = set(get_scorer_names())
    for name in names:
        if name in _SCORE_INPUT or name in custom:
            continue
        if name in sklearn_names:
            custom[name] = get_scorer(name)
            continue
        raise InvalidParameterError(
            f"unknown score {name!r}. Built-in scores: {', '.join(DEFAULT_SCORES)}; "
            "any scikit-learn scorer name (sklearn.metrics.get_scorer_names()) also works."
        )
    notes: tuple[str, ...] = ()
    has_proba = hasattr(estimator, "predict_proba")
    has_ranking = has_proba or hasattr(estimator, "decision_function")
    if not has_proba and scoring is None and has_ranking:
        dropped = [n for n in names if _SCORE_INPUT.get(n) == "probabilities"]
        names = [n for n in names if n not in dropped]
        notes = (
            f"{', '.join(dropped)} left out: {type(estimator).__name__} has decision_function "
            "but no predict_proba, and these scores need probabilities.",
        )
    need_proba = [n for n in names if _SCORE_INPUT.get(n) == "probabilities"]
    need_ranking = [n for n in names if _SCORE_INPUT.get(n) == "ranking"]
    if (need_proba and not has_proba) or (need_ranking and not has_ranking):
        if has_ranking:
            problem, missing = "has no predict_proba", need_proba
        else:
            problem, missing = "has neither predict_proba nor decision_function", [
                *need_ranking, *need_proba
            ]
        label_scores = [n for n, kind in _SCORE_INPUT.items() if kind == "labels"]
        raise _ScoresUnavailableError(
            f"{type(estimator).__name__} {problem}, which the scores {', '.join(missing)} "
            f"need. Pass scoring= with scores computed from predicted labels only "
            f"(e.g. scoring={label_scores}), or use an estimator with predict_proba "
            "(e.g. wrap it in sklearn.calibration.CalibratedClassifierCV)."
        )
    return ScoringPlan(tuple(names), custom, notes)


@dataclass(frozen=True)
class ThresholdTarget:
    """What the threshold strategy maximises, and the scorer that computes it."""

    score: str
    scorer: Any

    @property
    def note(self) -> str:
        return (
            f"threshold: TunedThresholdClassifierCV maximising {self.score} with an inner "
            "stratified cross-validation of each training fold; it moves the decision "
            "threshold only, so probabilities (average_precision, brier) stay those of "
            "'none'."
        )


def threshold_target(primary: str, scoring: ScoringPlan, classes: np.ndarray,
                     minority: Any) -> ThresholdTarget:
    """The primary score where it depends on labels, else balanced accuracy."""
    if primary in scoring.custom:
        return ThresholdTarget(primary, scoring.custom[primary])
    # recall alone is maximised by predicting the minority everywhere, and
    # average precision and Brier do not depend on the threshold at all.
    target = primary if primary in _THRESHOLD_TARGETS else "balanced_accuracy"
    # sklearn's metric functions validate their inputs on every call, which made
    # scoring the 100 candidate thresholds of each inner fold take 75% of the
    # whole comparison; this scorer computes the same number from one bincount.
    scorer = make_scorer(
        _label_score,
        classes=classes,
        minority_index=int(np.flatnonzero(classes == minority)[0]),
        name=target,
    )
    return ThresholdTarget(target, scorer)


def _label_score(
    y_true: Any, y_pred: Any, *, classes: np.ndarray, minority_index: int, name: str
) -> float:
    matrix = _confusion(np.asarray(y_true), np.asarray(y_pred), classes)
    return _label_scores(matrix, minority_index)[name]


def _confusion(y_true: np.ndarray, y_pred: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Confusion matrix (rows: true, columns: predicted) over ``classes`` (sorted)."""
    k = classes.size
    codes = []
    for values, what in ((y_true, "true labels"), (y_pred, "predictions")):
        positions = np.minimum(np.searchsorted(classes, values), k - 1)
        if not np.array_equal(classes[positions], values):
            unknown = sorted(set(values.tolist()) - set(classes.tolist()), key=str)[:3]
            raise InvalidInputError(
                f"the {what} hold labels {unknown} that are not classes of y "
                f"({classes.tolist()}); the estimator must predict labels of y."
            )
        codes.append(positions)
    return count_confusion(codes[0], codes[1], k)


def _label_scores(matrix: np.ndarray, minority_index: int) -> dict[str, float]:
    """The label scores of compare from one confusion matrix, 0/0 counted as 0."""
    scores = confusion_scores(matrix, zero_division=0)
    return {
        "balanced_accuracy": scores.balanced_accuracy,
        "f1_macro": scores.f1_macro,
        "f1_minority": float(scores.f1[minority_index]),
        "recall_minority": float(scores.recall[minority_index]),
        "mcc": scores.mcc,
    }


@dataclass(frozen=True)
class FoldScores:
    """The scores of one fit on one validation fold, and its reliability bins.

    ``bins`` has one row per bin (``N_BINS``) and three columns: rows, sum of
    the predicted probabilities, sum of the outcomes (None without
    probabilities).
    """

    values: dict[str, float]
    bins: np.ndarray | None = None


def fold_scores(
    model: Any,
    X_test: Any,
    y_test: np.ndarray,
    scoring: ScoringPlan,
    minority: Any,
    classes: np.ndarray,
) -> FoldScores:
    """Every score of ``scoring`` (but fit time) for a fitted model on one validation fold."""
    values: dict[str, float] = {}
    builtin = [name for name in scoring.names if name in _SCORE_INPUT]
    needs = {_SCORE_INPUT[name] for name in builtin}
    minority_index = int(np.flatnonzero(classes == minority)[0])
    label_scores: dict[str, float] = {}
    if "labels" in needs:
        y_pred = np.asarray(model.predict(X_test))
        label_scores = _label_scores(_confusion(y_test, y_pred, classes), minority_index)
    ranking = probabilities = None
    if "probabilities" in needs or ("ranking" in needs and hasattr(model, "predict_proba")):
        probabilities = _aligned(model.predict_proba(X_test), model.classes_, classes)
        ranking = probabilities
    elif "ranking" in needs:
        ranking = _aligned_decision(model.decision_function(X_test), model.classes_, classes)
    binary = classes.size == 2
    truth = (y_test[:, None] == classes[None, :]).astype(np.float64)
    bins = None
    if probabilities is not None:
        predicted, observed = _calibration_pairs(probabilities, truth, minority_index, binary)
        bins = _reliability_bins(predicted, observed)
    for name in scoring.names:
        if name in scoring.custom:
            values[name] = float(scoring.custom[name](model, X_test, y_test))
        elif name in label_scores:
            values[name] = label_scores[name]
        elif name == "average_precision":
            values[name] = _average_precision(y_test, ranking, classes, minority_index, binary)
        elif name == "brier":
            if binary:
                error = probabilities[:, minority_index] - truth[:, minority_index]
                values[name] = float(np.mean(error**2))
            else:
                values[name] = float(np.mean(np.sum((probabilities - truth) ** 2, axis=1)))
        elif name == "log_loss":
            p_true = np.clip(np.sum(probabilities * truth, axis=1), _EPS, 1.0)
            values[name] = float(-np.mean(np.log(p_true)))
        elif name == "ece":
            values[name] = expected_calibration_error(bins)
    return FoldScores(values, bins)


def _calibration_pairs(probabilities: np.ndarray, truth: np.ndarray, minority_index: int,
                       binary: bool) -> tuple[np.ndarray, np.ndarray]:
    """(predicted probability, outcome) per row: the minority class, or the top label."""
    if binary:
        return probabilities[:, minority_index], truth[:, minority_index]
    top = np.argmax(probabilities, axis=1)
    rows = np.arange(probabilities.shape[0])
    return probabilities[rows, top], truth[rows, top]


def _reliability_bins(predicted: np.ndarray, observed: np.ndarray) -> np.ndarray:
    which = np.minimum((predicted * N_BINS).astype(np.intp), N_BINS - 1)
    return np.column_stack([
        np.bincount(which, minlength=N_BINS).astype(np.float64),
        np.bincount(which, weights=predicted, minlength=N_BINS),
        np.bincount(which, weights=observed, minlength=N_BINS),
    ])


def expected_calibration_error(bins: np.ndarray) -> float:
    """ECE from reliability bins: the row-weighted mean gap between predicted and observed.

    Examples
    --------
    >>> import numpy as np
    >>> bins = np.zeros((10, 3)); bins[2] = [10, 2.5, 2]; bins[8] = [10, 8.5, 9]
    >>> round(expected_calibration_error(bins), 3)
    0.05
    """
    counts, predicted, observed = bins[:, 0], bins[:, 1], bins[:, 2]
    return float(np.sum(np.abs(predicted - observed)) / counts.sum())


def _aligned(proba: np.ndarray, model_classes: Any, classes: np.ndarray) -> np.ndarray:
    """Probability columns in the order of ``classes`` (0 for a class the model never saw)."""
    proba = np.asarray(proba, dtype=np.float64)
    out = np.zeros((proba.shape[0], classes.size))
    position = {plain_value(label): i for i, label in enumerate(classes)}
    for j, label in enumerate(model_classes):
        out[:, position[plain_value(label)]] = proba[:, j]
    return out


def _aligned_decision(scores: np.ndarray, model_classes: Any, classes: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    position = {plain_value(label): i for i, label in enumerate(classes)}
    if scores.ndim == 1:
        # binary decision_function scores the second of the model's classes
        out = np.zeros((scores.shape[0], classes.size))
        out[:, position[plain_value(model_classes[1])]] = scores
        out[:, position[plain_value(model_classes[0])]] = -scores
        return out
    out = np.full((scores.shape[0], classes.size), -np.inf)
    for j, label in enumerate(model_classes):
        out[:, position[plain_value(label)]] = scores[:, j]
    return out


def _average_precision(
    y_test: np.ndarray, ranking: np.ndarray, classes: np.ndarray, minority_index: int,
    binary: bool,
) -> float:
    if binary:
        return float(
            average_precision_score(y_test == classes[minority_index], ranking[:, minority_index])
        )
    per_class = [
        average_precision_score(y_test == label, ranking[:, k])
        for k, label in enumerate(classes)
        if np.any(y_test == label)
    ]
    return float(np.mean(per_class))
