"""Evaluation that exposes the accuracy paradox: the computation behind :func:`evaluate`.

:func:`evaluate` compares a classifier's predictions with the majority-class
baseline and says in plain words whether accuracy means anything on this
data. Metrics that are undefined on the data (precision of a class that is
never predicted, MCC of a constant prediction) are reported as undefined and
explained, never silently replaced by 0.0 or 1.0: the confusion-matrix
scores come from :func:`~tabaug.metrics.confusion_scores` with
``zero_division="undefined"``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.utils.multiclass import unique_labels

from tabaug.exceptions import InvalidInputError
from tabaug.metrics._confusion import ConfusionScores, confusion_scores, count_confusion
from tabaug.metrics._evaluation_report import METRICS, EvaluationReport
from tabaug.utils import (
    check_consistent_length,
    check_labels,
    check_memory,
    check_scalar,
    dask_backend,
    format_p_value,
    is_dask_collection,
    label_text,
    plain_value,
    require_classes,
)

__all__ = ["encode_labels", "evaluate", "evaluate_counts"]

#: Significance level of the binomial test behind ``is_paradox``.
ALPHA = 0.05
#: Classes with fewer rows than this get bootstrap intervals for recall and F1.
FEW_ROWS = 30


def evaluate(
    y_true: Any,
    y_pred: Any,
    *,
    y_score: Any = None,
    labels: Any = None,
    n_bootstrap: int = 1000,
    random_state: int | None = 0,
) -> EvaluationReport:
    """Evaluate predictions against the majority-class baseline.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels; at least two classes.
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes), optional
        Scores for PR-AUC and ROC-AUC. Binary: the score of ``labels[1]``
        (scikit-learn's positive class: the greater label when ``labels`` is
        not given); a two-column array is accepted and its second column
        used. Multiclass: one column per class, in ``labels`` order (what
        ``predict_proba`` returns).
    labels : array-like, optional
        The classes and their order. Default: the sorted union of ``y_true``
        and ``y_pred``. A listed class absent from the data gets undefined
        per-class metrics.
    n_bootstrap : int, default=1000
        Bootstrap resamples for the recall and F1 intervals of classes with
        fewer than 30 rows; 0 disables them.
    random_state : int or None, default=0
        Seed of the bootstrap, so reports are identical run to run.

    Returns
    -------
    EvaluationReport

    Raises
    ------
    InvalidTargetError
        If ``y_true`` has fewer than two classes or is not a classification target.
    InvalidInputError
        If lengths or shapes disagree, or a label is not in ``labels``.
    MemoryLimitError
        If the bootstrap would need more memory than tabaug's limit.

    Notes
    -----
    The baseline is ``DummyClassifier(strategy="most_frequent")`` fitted on
    ``y_true`` itself, so its accuracy is the no-information rate (ties go
    to the first class in sorted order, as in scikit-learn). ``is_paradox``
    is ``accuracy <= no_information_rate or p_value >= 0.05``.

    The bootstrap resamples the rows with replacement. Only the counts in
    the confusion-matrix cells matter, so for each class with few rows it
    draws that class's four counts (true positives, misses, false alarms,
    every other row) from their multinomial distribution: the same
    distribution of that class's recall and F1 as resampling rows, in time
    and memory proportional to ``n_bootstrap`` times the number of classes
    (not its square). tabaug 0.1 drew the whole matrix at once, so
    intervals at the same seed differ from 0.1's (same distribution, other
    draws).

    Examples
    --------
    The seed example: 100 rows of class 0, 10 of class 1, a model that always
    predicts 0.

    >>> from tabaug import evaluate
    >>> report = evaluate([0] * 100 + [1] * 10, [0] * 110)
    >>> print(report.verdict)
    Accuracy 0.91 is no better than always predicting class 0 (0.91; p = 0.58, one-sided
    binomial test). Recall on class 1 is 0.00: the model never finds it.
    >>> report.per_class[1]["recall"], report.per_class[1]["f1"], report.per_class[1]["precision"]
    (0.0, 0.0, None)
    """
    check_scalar(n_bootstrap, "n_bootstrap", owner="evaluate", kind=numbers.Integral, low=0)
    if any(is_dask_collection(value) for value in (y_true, y_pred, y_score)):
        return dask_backend().evaluate(y_true, y_pred, y_score=y_score, labels=labels,
                                       n_bootstrap=n_bootstrap, random_state=random_state)
    true = check_labels(y_true, name="y_true")
    pred = check_labels(y_pred, name="y_pred")
    check_consistent_length(len(true), len(pred), names=("y_true", "y_pred"))
    require_classes(true, name="y_true", what="accuracy cannot be compared with a majority "
                    "baseline (a single class is its own majority)")
    classes, true_codes, pred_codes = encode_labels(true, pred, labels)
    n_classes = len(classes)
    scores = _check_scores(y_score, len(true), n_classes)

    matrix = count_confusion(true_codes, pred_codes, n_classes)
    support = matrix.sum(axis=1)
    model_ranking = _ranking_scores(true_codes, scores, support)
    base_ranking = None
    if scores is not None:
        # The baseline's predict_proba: the class shares of y_true on every row.
        dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(true), 1)),
                                                              true_codes)
        prior = np.zeros(n_classes)
        prior[dummy.classes_] = dummy.class_prior_
        if scores.ndim == 2:
            baseline_scores = np.tile(prior, (len(true), 1))
        else:
            baseline_scores = np.full(len(true), prior[1])
        base_ranking = _ranking_scores(true_codes, baseline_scores, support)
    return evaluate_counts(
        matrix, classes, ranking=model_ranking if scores is not None else None,
        baseline_ranking=base_ranking, n_bootstrap=n_bootstrap, random_state=random_state,
    )


def evaluate_counts(
    confusion_matrix: Any,
    labels: Any,
    *,
    ranking: dict | None = None,
    baseline_ranking: dict | None = None,
    n_bootstrap: int = 1000,
    random_state: int | None = 0,
    notes: Any = (),
) -> EvaluationReport:
    """The evaluation report of a confusion matrix counted elsewhere (a database, Dask).

    Every label metric, the baseline, the verdict and the bootstrap
    intervals depend only on the confusion matrix, so this gives exactly
    what :func:`evaluate` gives on the rows behind it.

    Parameters
    ----------
    confusion_matrix : array-like of int, shape (n_classes, n_classes)
        Rows are true classes, columns predicted classes, in ``labels`` order.
    labels : sequence
        The classes.
    ranking, baseline_ranking : dict, optional
        ``{"pr_auc": float, "roc_auc": float}`` of the model's scores and of
        the baseline's (the class shares on every row), when there are scores.
    n_bootstrap : int, default=1000
        As in :func:`evaluate`.
    random_state : int or None, default=0
        As in :func:`evaluate`.
    notes : sequence of str, default=()
        Notes added after the report's own (e.g. how areas were computed).

    Returns
    -------
    EvaluationReport

    Examples
    --------
    >>> from tabaug.metrics import evaluate_counts
    >>> report = evaluate_counts([[100, 0], [10, 0]], [0, 1])
    >>> report.is_paradox, report.per_class[1]["recall"]
    (True, 0.0)
    """
    check_scalar(n_bootstrap, "n_bootstrap", owner="evaluate", kind=numbers.Integral, low=0)
    matrix = np.asarray(confusion_matrix)
    classes = [plain_value(label) for label in labels]
    if (matrix.ndim != 2 or matrix.shape != (len(classes), len(classes))
            or matrix.dtype.kind not in "iu" or (matrix < 0).any()):
        raise InvalidInputError(
            f"confusion_matrix must be a square array of non-negative counts, one row and one "
            f"column per label ({len(classes)}); got shape {matrix.shape}, dtype {matrix.dtype}."
        )
    matrix = matrix.astype(np.int64)
    support = matrix.sum(axis=1)
    require_classes(np.asarray(classes, dtype=object)[support > 0], name="y_true",
                    what="accuracy cannot be compared with a majority baseline (a single "
                    "class is its own majority)")
    n_samples = int(support.sum())
    model = confusion_scores(matrix, zero_division="undefined")
    # the most frequent true class, ties to the first: DummyClassifier's choice
    majority = int(np.argmax(support))
    base_matrix = np.zeros_like(matrix)
    base_matrix[:, majority] = support
    base = confusion_scores(base_matrix, zero_division="undefined")
    no_scores = {"pr_auc": None, "roc_auc": None}

    n_correct = int(model.hits.sum())
    nir = float(support.max() / n_samples)
    p_value = float(binomtest(n_correct, n_samples, nir, alternative="greater").pvalue)
    is_paradox = bool(model.accuracy <= nir or p_value >= ALPHA)

    per_class = _per_class(model, classes)
    intervals = _bootstrap(model.matrix, n_bootstrap, random_state)
    for code, (recall_ci, f1_ci) in intervals.items():
        per_class[classes[code]]["recall_ci"] = recall_ci
        per_class[classes[code]]["f1_ci"] = f1_ci
    notes_out = _undefined_notes(model, classes, ranking is not None)
    if base.mcc is None and model.mcc is not None:
        notes_out.append(
            "The baseline's MCC is undefined: it always predicts one class, so MCC's "
            "denominator is 0 (scikit-learn's matthews_corrcoef returns 0.0 there)."
        )
    if intervals:
        few = ", ".join(str(classes[code]) for code in intervals)
        notes_out.append(
            f"Recall and F1 of classes with fewer than {FEW_ROWS} rows ({few}) come with 95% "
            f"percentile bootstrap intervals ({n_bootstrap} resamples of the rows, "
            f"seed {random_state})."
        )
    notes_out.extend(notes)

    verdict = _verdict(model, classes, majority, nir, p_value, is_paradox,
                       base.balanced_accuracy)
    baseline = _overall(base, baseline_ranking or no_scores)
    baseline["predicts"] = classes[majority]
    baseline["per_class"] = {
        label: {key: values[key] for key in ("precision", "recall", "f1", "support")}
        for label, values in _per_class(base, classes).items()
    }
    return EvaluationReport(
        **_overall(model, ranking or no_scores),
        per_class=per_class,
        baseline=baseline,
        no_information_rate=nir,
        p_value=p_value,
        is_paradox=is_paradox,
        verdict=verdict,
        notes=notes_out,
        labels=list(classes),
        confusion_matrix=model.matrix,
        n_samples=n_samples,
    )


def encode_labels(true: np.ndarray, pred: np.ndarray, labels: Any
                  ) -> tuple[list[Any], Any, Any]:
    """The classes, and the position of each true and predicted label among them.

    Examples
    --------
    >>> import numpy as np
    >>> encode_labels(np.array([1, 0]), np.array([0, 0]), None)[0]
    [0, 1]
    """
    if labels is None:
        try:
            classes = list(unique_labels(true, pred))
        except (TypeError, ValueError) as error:
            raise InvalidInputError(
                f"cannot read y_true and y_pred as class labels of one kind: {error}. "
                "Give both the same label type (e.g. convert both with .astype(str))."
            ) from error
    else:
        classes = list(check_labels(labels, name="labels"))
        if len(set(classes)) != len(classes):
            raise InvalidInputError("labels contains duplicates; list each class once.")
    index = pd.Index(classes)
    codes = []
    for values, name in ((true, "y_true"), (pred, "y_pred")):
        code = index.get_indexer(values)
        if (code < 0).any():
            missing = sorted({str(v) for v in np.asarray(values)[code < 0]})[:5]
            raise InvalidInputError(
                f"{name} contains labels not in labels: {', '.join(missing)}; "
                "add them to labels or leave labels=None."
            )
        codes.append(code.astype(np.intp))
    return [plain_value(label) for label in classes], codes[0], codes[1]


def _check_scores(y_score: Any, n_rows: int, n_classes: int) -> np.ndarray | None:
    if y_score is None:
        return None
    try:
        scores = np.asarray(y_score, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"y_score must hold numbers (probabilities or decision scores): {error}. "
            "Pass model.predict_proba(X) or model.decision_function(X)."
        ) from error
    if n_classes == 2 and scores.ndim == 2 and scores.shape[1] == 2:
        scores = scores[:, 1]
    expected = (n_rows,) if n_classes == 2 else (n_rows, n_classes)
    if scores.shape != expected:
        raise InvalidInputError(
            f"y_score has shape {scores.shape}, expected {expected}: for two classes pass the "
            "score of labels[1]; otherwise one column per class in labels order."
        )
    if not np.isfinite(scores).all():
        raise InvalidInputError(
            "y_score contains NaN or infinite values; pass finite scores (drop or impute the "
            "rows the model could not score)."
        )
    return scores


def _ranking_scores(true: np.ndarray, scores: np.ndarray | None, support: np.ndarray
                    ) -> dict[str, float | None]:
    """PR-AUC and ROC-AUC of ``scores``; None for both without scores."""
    if scores is None:
        return {"pr_auc": None, "roc_auc": None}
    if scores.ndim == 1:
        # PR-AUC of the rarer class: the majority's is high for any ranking. Scores
        # rank labels[1]; reversed, they rank labels[0] (ROC-AUC is the same either way).
        if support[0] < support[1]:
            rare, ranking = true == 0, -scores
        else:
            rare, ranking = true == 1, scores
        return {
            "pr_auc": float(average_precision_score(rare, ranking)),
            "roc_auc": float(roc_auc_score(true == 1, scores)),
        }
    codes = np.flatnonzero(support > 0)
    return {
        "pr_auc": float(np.mean([average_precision_score(true == k, scores[:, k])
                                 for k in codes])),
        "roc_auc": float(np.mean([roc_auc_score(true == k, scores[:, k]) for k in codes])),
    }


def _overall(scores: ConfusionScores, ranking: dict[str, float | None]) -> dict[str, Any]:
    """The eight report metrics, by name."""
    values = {name: getattr(scores, name) for name in METRICS if name not in ranking}
    return {**values, **ranking}


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _per_class(scores: ConfusionScores, classes: list[Any]) -> dict[Any, dict[str, Any]]:
    return {
        label: {
            "precision": _optional(scores.precision[code]),
            "recall": _optional(scores.recall[code]),
            "f1": _optional(scores.f1[code]),
            "support": int(scores.support[code]),
            "recall_ci": None,
            "f1_ci": None,
        }
        for code, label in enumerate(classes)
    }


def _undefined_notes(scores: ConfusionScores, classes: list[Any], has_scores: bool
                     ) -> list[str]:
    notes = []
    support, predicted = scores.support, scores.predicted
    for code, label in enumerate(classes):
        name = label_text(label, prefix=True)
        if predicted[code] == 0 and support[code] > 0:
            notes.append(
                f"Precision of {name} is undefined: the model never predicts it, so precision "
                "is 0/0. scikit-learn's zero_division convention reports 0.0 (with a warning) "
                "by default and 1.0 with zero_division=1; neither is a measurement."
            )
        if support[code] == 0:
            notes.append(
                f"Recall of {name} is undefined: it has no rows in y_true"
                + ("; it is also left out of PR-AUC and ROC-AUC." if has_scores else ".")
            )
        if support[code] == 0 and predicted[code] == 0:
            notes.append(
                f"Precision and F1 of {name} are undefined: it is neither in y_true nor "
                "predicted; F1 (macro) averages the classes where F1 is defined."
            )
    if scores.mcc is None:
        notes.append(
            "MCC is undefined: the model predicts a single class, so MCC's denominator is 0. "
            "scikit-learn's matthews_corrcoef returns 0.0 there without a warning."
        )
    return notes


def _verdict(
    scores: ConfusionScores,
    classes: list[Any],
    majority: int,
    nir: float,
    p_value: float,
    is_paradox: bool,
    baseline_balanced: float,
) -> str:
    accuracy = scores.accuracy
    if accuracy <= nir:
        comparison = "is no better than"
    elif is_paradox:
        comparison = "is not significantly better than"
    else:
        comparison = "beats"
    first = (
        f"Accuracy {accuracy:.2f} {comparison} always predicting "
        f"{label_text(classes[majority], prefix=True)} ({nir:.2f}; "
        f"{format_p_value(p_value)}, one-sided binomial test)."
    )
    recall, support = scores.recall, scores.support
    missed = [classes[k] for k in range(len(classes)) if support[k] > 0 and recall[k] == 0]
    if missed:
        if len(missed) == 1:
            second = (
                f"Recall on {label_text(missed[0], prefix=True)} is 0.00: "
                "the model never finds it."
            )
        else:
            names = ", ".join(str(label) for label in missed)
            second = f"Recall on classes {names} is 0.00: the model never finds them."
    else:
        worst = int(np.nanargmin(recall))
        second = (
            f"Lowest recall: {label_text(classes[worst], prefix=True)}, {recall[worst]:.2f}; "
            f"balanced accuracy {scores.balanced_accuracy:.2f} "
            f"(baseline {baseline_balanced:.2f})."
        )
    return f"{first} {second}"


def _bootstrap(
    confusion: np.ndarray,
    n_resamples: int,
    random_state: int | None,
) -> dict[int, tuple[list[float] | None, list[float] | None]]:
    """95% percentile intervals of recall and F1 for classes with few rows.

    Resampling n rows with replacement only changes how many rows fall in
    each confusion-matrix cell. A class's recall and F1 depend on four of
    those counts (its true positives, misses, false alarms, and every other
    row), which are multinomial with the cells' shares as probabilities:
    drawing them directly is the same bootstrap for that class, at a cost
    of ``n_resamples x 4`` counts per class, whatever the number of rows or
    classes.
    """
    support = confusion.sum(axis=1)
    small = np.flatnonzero((support > 0) & (support < FEW_ROWS))
    if n_resamples <= 0 or len(small) == 0:
        return {}
    # one class at a time: its 4 counts, then recall, F1 and their sums (float64 each)
    check_memory(
        n_resamples * 10 * 8,
        what=f"evaluate's bootstrap ({n_resamples} resamples)",
        fix="pass a smaller n_bootstrap (or n_bootstrap=0 to skip the intervals)",
    )
    n = int(confusion.sum())
    predicted = confusion.sum(axis=0)
    rng = np.random.default_rng(random_state)
    intervals = {}
    for code in small:
        hits = int(confusion[code, code])
        misses, false_alarms = int(support[code]) - hits, int(predicted[code]) - hits
        cells = np.array([hits, misses, false_alarms, n - hits - misses - false_alarms])
        draws = rng.multinomial(n, cells / n, size=n_resamples)
        tp, fn, fp = draws[:, 0], draws[:, 1], draws[:, 2]
        with np.errstate(invalid="ignore", divide="ignore"):
            recall = tp / (tp + fn)
            f1 = 2 * tp / (2 * tp + fn + fp)
        intervals[int(code)] = (_interval(recall), _interval(f1))
    return intervals


def _interval(draws: np.ndarray) -> list[float] | None:
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return None
    low, high = np.percentile(draws, [2.5, 97.5])
    return [float(low), float(high)]
