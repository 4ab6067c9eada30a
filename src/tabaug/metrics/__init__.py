"""Measuring a classifier on imbalanced data: the accuracy paradox, undefined metrics named.

* :func:`evaluate` and :class:`EvaluationReport`: a model's predictions next
  to the majority-class baseline, with a plain-words verdict (Dask Series
  too); :func:`evaluate_counts`: the same report from a confusion matrix
  counted elsewhere, and :func:`encode_labels`, the class list both use;
* :func:`confusion_scores` (with :func:`count_confusion` and
  :class:`ConfusionScores`): the one engine behind every score computed from
  predicted labels, in ``evaluate`` and ``compare`` alike, with an explicit
  ``zero_division`` rule;
* :func:`side_by_side`: several reports on the same rows as one table.

Examples
--------
>>> from tabaug.metrics import evaluate
>>> evaluate([0] * 100 + [1] * 10, [0] * 110).is_paradox
True
"""

from tabaug.metrics._confusion import ConfusionScores, confusion_scores, count_confusion
from tabaug.metrics._evaluate import encode_labels, evaluate, evaluate_counts
from tabaug.metrics._evaluation_report import EvaluationReport, side_by_side

__all__ = [
    "ConfusionScores",
    "EvaluationReport",
    "confusion_scores",
    "count_confusion",
    "encode_labels",
    "evaluate",
    "evaluate_counts",
    "side_by_side",
]
