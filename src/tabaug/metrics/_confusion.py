"""The one confusion-matrix metric engine, shared by ``evaluate`` and ``compare``.

Every score computed from predicted labels (accuracy, balanced accuracy,
G-mean, MCC, per-class precision, recall and F1, macro and weighted F1) comes
from :func:`confusion_scores`. What happens where a score is 0/0 is the
caller's explicit choice, ``zero_division``:

* ``"undefined"`` (what :func:`tabaug.evaluate` uses): the value is NaN in the
  per-class arrays and None for MCC and macro F1, so a report can say
  "undefined" and why, never a made-up 0.0 or 1.0;
* a number (``compare`` uses 0): the value is that number, as scikit-learn's
  ``zero_division`` does, so fold means and paired tests get numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidInputError, InvalidParameterError

__all__ = ["ConfusionScores", "confusion_scores", "count_confusion"]

UNDEFINED = "undefined"


def count_confusion(true_codes: Any, pred_codes: Any, n_classes: int) -> np.ndarray:
    """The confusion matrix of class codes ``0 .. n_classes - 1`` (rows true, columns predicted).

    Parameters
    ----------
    true_codes, pred_codes : array-like of int, shape (n_samples,)
        Position of each row's true and predicted class in the class list.
    n_classes : int
        Number of classes (the matrix is ``n_classes x n_classes``).

    Returns
    -------
    numpy.ndarray of int64, shape (n_classes, n_classes)

    Examples
    --------
    >>> from tabaug.metrics import count_confusion
    >>> count_confusion([0, 0, 1, 1], [0, 1, 1, 1], 2).tolist()
    [[1, 1], [0, 2]]
    """
    true, pred = np.asarray(true_codes), np.asarray(pred_codes)
    if true.ndim != 1 or true.shape != pred.shape:
        raise InvalidInputError(
            f"true_codes and pred_codes must be 1-D and of one length; got shapes {true.shape} "
            f"and {pred.shape}. Pass one true and one predicted class code per row."
        )
    for codes, name in ((true, "true_codes"), (pred, "pred_codes")):
        if codes.size and (codes.dtype.kind not in "iu" or codes.min() < 0
                           or codes.max() >= n_classes):
            raise InvalidInputError(
                f"{name} must be integer class codes in 0..{n_classes - 1} (positions in the "
                "class list); map labels to codes first, e.g. with numpy.searchsorted."
            )
    true, pred = true.astype(np.intp), pred.astype(np.intp)
    flat = np.bincount(true * n_classes + pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes).astype(np.int64, copy=False)


@dataclass(frozen=True, eq=False)
class ConfusionScores:
    """Scores from one confusion matrix; see :func:`confusion_scores`.

    Attributes
    ----------
    matrix : numpy.ndarray of int64, shape (n_classes, n_classes)
        Rows are true classes, columns predicted classes.
    support, predicted, hits : numpy.ndarray of int64
        Per class: rows in the truth, rows predicted, rows right.
    precision, recall, f1 : numpy.ndarray of float64
        Per class; where a value is 0/0 it is NaN (``zero_division="undefined"``)
        or the ``zero_division`` number.
    accuracy, balanced_accuracy, g_mean, f1_weighted : float
        Overall scores (always defined for a non-empty matrix).
    f1_macro, mcc : float or None
        None only with ``zero_division="undefined"``: no class has a defined
        F1, or MCC's denominator is 0 (a constant prediction or truth).
    zero_division : str or float
        The rule these scores were computed with.
    """

    matrix: np.ndarray
    support: np.ndarray
    predicted: np.ndarray
    hits: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    accuracy: float
    balanced_accuracy: float
    g_mean: float
    f1_macro: float | None
    f1_weighted: float
    mcc: float | None
    zero_division: str | float


def _check_zero_division(zero_division: Any) -> str | float:
    if isinstance(zero_division, str) and zero_division == UNDEFINED:
        return zero_division
    if isinstance(zero_division, bool | np.bool_) or not isinstance(zero_division, int | float):
        raise InvalidParameterError(
            f"zero_division must be 'undefined' or a number such as 0.0 or 1.0; got "
            f"{zero_division!r}."
        )
    if not math.isfinite(zero_division):
        raise InvalidParameterError(
            f"zero_division must be a finite number or 'undefined'; got {zero_division!r}."
        )
    return float(zero_division)


def _matthews(hits: np.ndarray, support: np.ndarray, predicted: np.ndarray
              ) -> tuple[int, int, int]:
    """The three covariance terms of multiclass MCC (Gorodkin 2004), in Python ints.

    Exact integers: with NumPy int64 the products wrap silently from about
    3e9 rows; Python ints never overflow, and ``float`` of the result is
    what the division needs.
    """
    n = int(support.sum())
    s, p = [int(v) for v in support], [int(v) for v in predicted]
    cov_true_pred = int(hits.sum()) * n - sum(a * b for a, b in zip(s, p, strict=True))
    cov_pred = n * n - sum(b * b for b in p)
    cov_true = n * n - sum(a * a for a in s)
    return cov_true_pred, cov_pred, cov_true


def confusion_scores(matrix: Any, *, zero_division: str | float) -> ConfusionScores:
    """Accuracy, balanced accuracy, G-mean, MCC and per-class precision, recall and F1.

    The rules, stated once for every caller:

    * precision of a class is ``hits / predicted``, recall ``hits / support``,
      F1 ``2 hits / (support + predicted)`` (scikit-learn's formulas);
    * balanced accuracy and G-mean average (arithmetically, geometrically)
      the recall of the classes present in the truth, as scikit-learn and
      imbalanced-learn do: a class without rows has no recall to average;
    * MCC is the multiclass form (Gorodkin 2004), computed in exact integers
      then divided in float64, so counts of any size are safe;
    * ``zero_division``: with ``"undefined"``, a 0/0 is NaN per class and
      None for MCC and macro F1, and macro F1 averages the classes whose F1
      is defined; with a number, every 0/0 (per class and MCC) is that
      number and macro F1 averages every class.

    Parameters
    ----------
    matrix : array-like of int, shape (n_classes, n_classes)
        Counts; rows are true classes, columns predicted classes.
    zero_division : 'undefined' or float
        What a 0/0 becomes (see above). Required: each caller states its rule.

    Returns
    -------
    ConfusionScores

    Raises
    ------
    InvalidInputError
        If the matrix is not square, has negative or non-whole counts, or is empty.
    InvalidParameterError
        If ``zero_division`` is neither ``'undefined'`` nor a finite number.

    Examples
    --------
    A model that never predicts class 1:

    >>> from tabaug.metrics import confusion_scores
    >>> undefined = confusion_scores([[100, 0], [10, 0]], zero_division="undefined")
    >>> undefined.precision.tolist(), undefined.mcc
    ([0.9090909090909091, nan], None)
    >>> zero = confusion_scores([[100, 0], [10, 0]], zero_division=0)
    >>> zero.precision.tolist(), zero.mcc, zero.balanced_accuracy
    ([0.9090909090909091, 0.0], 0.0, 0.5)
    """
    rule = _check_zero_division(zero_division)
    counts = _check_matrix(matrix)
    support, predicted = counts.sum(axis=1), counts.sum(axis=0)
    hits = np.diag(counts).copy()
    fill = np.nan if rule == UNDEFINED else rule
    precision = _ratio(hits, predicted, fill)
    recall = _ratio(hits, support, fill)
    f1 = _ratio(2 * hits, support + predicted, fill)
    n = int(support.sum())
    present = support > 0
    recalls = recall[present]
    if rule == UNDEFINED:
        defined = ~np.isnan(f1)
        f1_macro = float(f1[defined].mean()) if defined.any() else None
    else:
        f1_macro = float(f1.mean())
    cov_true_pred, cov_pred, cov_true = _matthews(hits, support, predicted)
    if cov_pred == 0 or cov_true == 0:
        mcc = None if rule == UNDEFINED else rule
    else:
        mcc = float(cov_true_pred / math.sqrt(float(cov_pred) * float(cov_true)))
    return ConfusionScores(
        matrix=counts,
        support=support,
        predicted=predicted,
        hits=hits,
        precision=precision,
        recall=recall,
        f1=f1,
        accuracy=float(hits.sum() / n),
        balanced_accuracy=float(recalls.mean()),
        g_mean=float(np.prod(recalls) ** (1 / len(recalls))),
        f1_macro=f1_macro,
        f1_weighted=float(np.nansum(f1 * support) / n),
        mcc=mcc,
        zero_division=rule,
    )


def _check_matrix(matrix: Any) -> np.ndarray:
    values = np.asarray(matrix)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise InvalidInputError(
            f"a confusion matrix must be square (n_classes x n_classes); got shape "
            f"{values.shape}. Build one with tabaug.metrics.count_confusion."
        )
    if values.dtype.kind not in "iu":
        if values.dtype.kind != "f" or not np.array_equal(values, np.round(values)):
            raise InvalidInputError(
                "a confusion matrix holds whole counts; got non-integer values. "
                "Pass counts of rows, not shares."
            )
    if (values < 0).any():
        raise InvalidInputError("a confusion matrix holds counts, which cannot be negative.")
    if values.sum() == 0:
        raise InvalidInputError(
            "the confusion matrix is empty (no rows counted): there is nothing to score."
        )
    return values.astype(np.int64)


def _ratio(numerator: np.ndarray, denominator: np.ndarray, fill: float) -> np.ndarray:
    """``numerator / denominator`` in float64, ``fill`` where the denominator is 0."""
    out = np.full(numerator.shape, fill, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out
