"""``evaluate`` on Dask: one pass for the confusion matrix and the score histograms.

Each partition counts its (true, predicted) label pairs and, with scores, its
score histograms per true class (:mod:`._curves`); the counts are merged in a
tree of small tasks. Every label metric then comes from the confusion matrix
through the same engine as in memory (:func:`tabaug.metrics.confusion_scores`
inside :func:`tabaug.metrics.evaluate_counts`), so accuracy, balanced
accuracy, MCC, F1, G-mean, the baseline, the verdict and the bootstrap
intervals equal the in-memory report's exactly; PR-AUC and ROC-AUC come from
the merged histograms, within a bound stated in the report's notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from tabaug._dask._counting import label_values
from tabaug._dask._curves import MANTISSA_BITS, ScoreHistogram
from tabaug._dask._inputs import compute
from tabaug.exceptions import InvalidInputError, InvalidTypeError
from tabaug.metrics import encode_labels, evaluate_counts
from tabaug.utils import check_labels, plain_value, require_classes

__all__ = ["count_predictions", "evaluate"]

# Partition results merged per task when reducing the counts.
_FAN_IN = 8
_ALIGN_HINT = ("Take them as columns of one collection, e.g. evaluate(ddf['label'], "
               "ddf['prediction'], y_score=ddf['score']).")


@dataclass
class PredictionCounts:
    """What one pass over (y_true, y_pred[, y_score]) gives."""

    #: ``{(true label, predicted label): rows}``.
    pairs: dict
    missing_true: int = 0
    missing_pred: int = 0
    bad_scores: int = 0
    #: Per score column: ``{true label: ScoreHistogram of that class's scores}``.
    histograms: list = field(default_factory=list)

    def merge(self, other: PredictionCounts) -> PredictionCounts:
        pairs = dict(self.pairs)
        for key, n in other.pairs.items():
            pairs[key] = pairs.get(key, 0) + n
        histograms = []
        for mine, theirs in zip(self.histograms, other.histograms, strict=True):
            merged = dict(mine)
            for label, histogram in theirs.items():
                merged[label] = merged[label].merge(histogram) if label in merged else histogram
            histograms.append(merged)
        return PredictionCounts(pairs, self.missing_true + other.missing_true,
                                self.missing_pred + other.missing_pred,
                                self.bad_scores + other.bad_scores, histograms)

    @property
    def n_rows(self) -> int:
        return sum(self.pairs.values())


def _columns(y_true: Any, y_pred: Any, y_score: Any) -> tuple[list, int]:
    """The collections to join, checked: all Dask, partitions that can be matched."""
    named = [("y_true", y_true), ("y_pred", y_pred)]
    if y_score is not None:
        named.append(("y_score", y_score))
    for name, value in named:
        if not isinstance(value, dd.Series | dd.DataFrame):
            kind = f"{type(value).__module__.split('.')[0]} {type(value).__name__}"
            raise InvalidTypeError(
                f"evaluate: y_true is a Dask collection, so {name} must be one too (with the "
                f"same partitions); got a {kind}. " + _ALIGN_HINT
            )
    for name, value in named[:2]:
        if isinstance(value, dd.DataFrame):
            raise InvalidInputError(
                f"{name} must be one column of class labels; got a dask DataFrame with "
                f"{len(value.columns)} columns. Pass the label column, e.g. ddf['label']."
            )
    counts = {value.npartitions for _, value in named}
    if len(counts) > 1:
        raise InvalidInputError(
            f"y_true, y_pred and y_score have {sorted(counts)} partitions: their rows cannot be "
            "matched. " + _ALIGN_HINT
        )
    n_scores = 0
    if y_score is not None:
        dtypes = list(y_score.dtypes) if isinstance(y_score, dd.DataFrame) else [y_score.dtype]
        if any(getattr(dtype, "kind", "O") not in "biuf" for dtype in dtypes):
            raise InvalidInputError(
                f"y_score must hold numbers (probabilities or decision scores); got dtypes "
                f"{', '.join(map(str, dtypes))}. Pass model.predict_proba(X) or "
                "model.decision_function(X)."
            )
        n_scores = len(dtypes)
    return [value for _, value in named], n_scores


def _join(*parts: Any, partition_info: dict | None = None) -> pd.DataFrame:
    lengths = {len(part) for part in parts}
    if len(lengths) > 1:
        number = (partition_info or {}).get("number", "?")
        raise InvalidInputError(
            f"partition {number} of y_true, y_pred and y_score has {sorted(lengths)} rows: they "
            "are not aligned. " + _ALIGN_HINT
        )
    columns = {"true": parts[0].array, "pred": parts[1].array}
    if len(parts) == 3:
        scores = parts[2]
        if isinstance(scores, pd.Series):
            scores = scores.to_frame()
        for j in range(scores.shape[1]):
            columns[f"score{j}"] = scores.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.DataFrame(columns)


def partition_counts(part: pd.DataFrame, n_scores: int) -> PredictionCounts:
    """One partition's label pairs and score histograms (runs on a worker)."""
    true, pred = label_values(part["true"]), label_values(part["pred"])
    missing_true = pd.isna(true)
    missing_pred = pd.isna(pred)
    keep = ~(missing_true | missing_pred)
    pairs = pd.DataFrame({"t": true[keep], "p": pred[keep]}).value_counts(sort=False)
    counts = PredictionCounts(
        pairs={(plain_value(t), plain_value(p)): int(n) for (t, p), n in pairs.items()},
        missing_true=int(missing_true.sum()),
        missing_pred=int(missing_pred.sum()),
    )
    for j in range(n_scores):
        scores = part[f"score{j}"].to_numpy()
        finite = np.isfinite(scores)
        counts.bad_scores += int((~finite & keep).sum())
        usable = keep & finite
        by_label = {}
        for label in np.unique(true[usable]):
            rows = usable & (true == label)
            by_label[plain_value(label)] = ScoreHistogram.from_scores(
                scores[rows], np.ones(int(rows.sum()), dtype=bool), MANTISSA_BITS)
        counts.histograms.append(by_label)
    return counts


def _merge_all(*counts: PredictionCounts) -> PredictionCounts:
    merged = counts[0]
    for other in counts[1:]:
        merged = merged.merge(other)
    return merged


def count_predictions(y_true: Any, y_pred: Any, y_score: Any = None) -> PredictionCounts:
    """One pass over Dask labels (and scores): label pairs and per-class score histograms."""
    collections, n_scores = _columns(y_true, y_pred, y_score)
    frame = dd.map_partitions(_join, *collections, align_dataframes=False,
                              meta=_join(*[c._meta for c in collections]),
                              enforce_metadata=False)
    level = [dask.delayed(partition_counts, pure=True)(part, n_scores)
             for part in frame.to_delayed(optimize_graph=True)]
    while len(level) > 1:
        level = [dask.delayed(_merge_all, pure=True)(*level[i:i + _FAN_IN])
                 for i in range(0, len(level), _FAN_IN)]
    return compute(level[0])[0]


def ranking_histogram(counts: PredictionCounts, column: int, positive: Any) -> ScoreHistogram:
    """Scores of column ``column``: rows of class ``positive`` against all other rows."""
    merged = None
    for label, histogram in counts.histograms[column].items():
        part = histogram if label == positive else ScoreHistogram(
            histogram.keys, np.zeros_like(histogram.positives), histogram.positives,
            histogram.low, histogram.high)
        merged = part if merged is None else merged.merge(part)
    return merged


def evaluate(
    y_true: Any,
    y_pred: Any,
    *,
    y_score: Any = None,
    labels: Any = None,
    n_bootstrap: int = 1000,
    random_state: int | None = 0,
) -> Any:
    """:func:`tabaug.evaluate` on Dask Series (see the module docstring)."""
    counts = count_predictions(y_true, y_pred, y_score)
    pairs = list(counts.pairs)
    # one row per distinct pair, and a missing value where there were any: the in-memory
    # checks and conversions (e.g. object ints to int64) give the usual errors and types
    true = check_labels(_labels([t for t, _ in pairs] + [None] * bool(counts.missing_true)),
                        name="y_true")
    pred = check_labels(_labels([p for _, p in pairs] + [None] * bool(counts.missing_pred)),
                        name="y_pred")
    require_classes(true, name="y_true", what="accuracy cannot be compared with a majority "
                    "baseline (a single class is its own majority)")
    classes, true_codes, pred_codes = encode_labels(true, pred, labels)
    n_classes = len(classes)
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (true_codes, pred_codes), [counts.pairs[pair] for pair in pairs])
    ranking = baseline = None
    notes = []
    if y_score is not None:
        ranking, bound = _ranking(counts, classes, matrix.sum(axis=1))
        baseline = _baseline_ranking(matrix.sum(axis=1), binary=n_classes == 2)
        notes.append(
            "PR-AUC and ROC-AUC were computed on Dask from per-partition score histograms "
            f"(bins 2^-12 of the score wide): each is within {bound:.1e} of its exact value."
        )
    return evaluate_counts(matrix, classes, ranking=ranking, baseline_ranking=baseline,
                           n_bootstrap=n_bootstrap, random_state=random_state, notes=notes)


def _labels(values: list) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _ranking(counts: PredictionCounts, classes: list, support: np.ndarray
             ) -> tuple[dict, float]:
    """PR-AUC and ROC-AUC as the in-memory path defines them, and their error bound."""
    n_classes, n_columns = len(classes), len(counts.histograms)
    if counts.bad_scores:
        raise InvalidInputError(
            "y_score contains NaN or infinite values; pass finite scores (drop or impute the "
            "rows the model could not score)."
        )
    if n_classes == 2 and n_columns in (1, 2):
        histogram = ranking_histogram(counts, n_columns - 1, classes[1])
        rare = histogram.swapped() if support[0] < support[1] else histogram
        (pr_auc, pr_bound), (roc_auc, roc_bound) = rare.average_precision(), histogram.roc_auc()
        return {"pr_auc": pr_auc, "roc_auc": roc_auc}, max(pr_bound, roc_bound)
    if n_columns != n_classes:
        expected = "(n_rows,)" if n_classes == 2 else f"(n_rows, {n_classes})"
        raise InvalidInputError(
            f"y_score has {n_columns} columns, expected {expected}: for two classes pass the "
            "score of labels[1]; otherwise one column per class in labels order."
        )
    pr, roc, bounds = [], [], []
    for k in np.flatnonzero(support > 0):
        histogram = ranking_histogram(counts, int(k), classes[k])
        (ap, ap_bound), (auc, auc_bound) = histogram.average_precision(), histogram.roc_auc()
        pr.append(ap)
        roc.append(auc)
        bounds += [ap_bound, auc_bound]
    return {"pr_auc": float(np.mean(pr)), "roc_auc": float(np.mean(roc))}, max(bounds)


def _baseline_ranking(support: np.ndarray, *, binary: bool) -> dict:
    """The baseline's areas: its score is the class share on every row (one tied score)."""
    n = support.sum()
    if binary and support.size == 2:
        rare = 0 if support[0] < support[1] else 1
        return {"pr_auc": float(support[rare] / n), "roc_auc": 0.5}
    shares = [support[k] / n for k in np.flatnonzero(support > 0)]
    return {"pr_auc": float(np.mean(shares)), "roc_auc": 0.5}
