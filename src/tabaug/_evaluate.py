"""Evaluation that exposes the accuracy paradox.

:func:`evaluate` compares a classifier's predictions with the majority-class
baseline and says in plain words whether accuracy means anything on this
data. Metrics that are undefined on the data (precision of a class that is
never predicted, MCC of a constant prediction) are reported as undefined and
explained, never silently replaced by 0.0 or 1.0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.utils.multiclass import type_of_target, unique_labels

from tabaug.exceptions import InvalidInputError, InvalidTargetError
from tabaug.utils import _report, label_text

__all__ = ["EvaluationReport", "evaluate"]

#: Significance level of the binomial test behind ``is_paradox``.
ALPHA = 0.05
#: Classes with fewer rows than this get bootstrap intervals for recall and F1.
FEW_ROWS = 30

METRICS = (
    "accuracy",
    "balanced_accuracy",
    "mcc",
    "f1_macro",
    "f1_weighted",
    "g_mean",
    "pr_auc",
    "roc_auc",
)
_METRIC_NAMES = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "mcc": "MCC",
    "f1_macro": "F1 (macro)",
    "f1_weighted": "F1 (weighted)",
    "g_mean": "G-mean",
    "pr_auc": "PR-AUC",
    "roc_auc": "ROC-AUC",
}


@dataclass(frozen=True, repr=False, eq=False)
class EvaluationReport(_report.Report):
    """A classifier's evaluation next to the majority-class baseline.

    Build it with :func:`evaluate`, :meth:`from_predictions` or
    :meth:`from_estimator`. Every metric is a float, or None where the data
    leave it undefined (the reason is in :attr:`notes`).

    Attributes
    ----------
    accuracy, balanced_accuracy, mcc, f1_macro, f1_weighted, g_mean : float or None
        Overall metrics. ``balanced_accuracy`` is the mean recall over the
        classes present in ``y_true``; ``g_mean`` is the geometric mean of
        those recalls (imbalanced-learn's ``geometric_mean_score``); ``mcc``
        is None when the prediction (or the truth) is constant, because its
        denominator is 0.
    pr_auc, roc_auc : float or None
        Present only when scores were given. Binary: ROC-AUC of the scores,
        and PR-AUC (average precision) of the rarer class of ``y_true``
        (``labels[1]`` on a tie), ranked by the scores, reversed when the
        rarer class is ``labels[0]``: the majority class's PR-AUC is high for
        any ranking. Multiclass: one-vs-rest, macro-averaged over the classes
        present in ``y_true``.
    per_class : dict
        ``label -> {"precision", "recall", "f1", "support", "recall_ci",
        "f1_ci"}``. The intervals are 95% percentile bootstrap intervals
        ``[low, high]`` for classes with fewer than 30 rows, None otherwise.
    baseline : dict
        The same metric keys for ``DummyClassifier(strategy="most_frequent")``
        fitted on ``y_true``, plus ``"predicts"`` (the class it always
        predicts) and ``"per_class"`` (its precision, recall, F1 and support).
    no_information_rate : float
        Share of the most frequent class in ``y_true``: the baseline's accuracy.
    p_value : float
        One-sided exact binomial test (``scipy.stats.binomtest``,
        ``alternative="greater"``) of accuracy > no-information rate.
    is_paradox : bool
        True when accuracy fails to beat the no-information rate: accuracy is
        not above it, or the p-value is 0.05 or more.
    verdict : str
        One or two plain sentences saying what the numbers mean.
    notes : list of str
        Why each undefined metric is undefined, and how the intervals were made.
    labels : list
        The classes, in the order of the confusion matrix rows and columns.
    confusion_matrix : numpy.ndarray of shape (n_classes, n_classes)
        Rows are true classes, columns predicted classes.
    n_samples : int
        Number of rows evaluated.

    Examples
    --------
    >>> from tabaug import evaluate
    >>> report = evaluate([0] * 100 + [1] * 10, [0] * 110)
    >>> report.is_paradox, round(report.accuracy, 2), report.per_class[1]["precision"]
    (True, 0.91, None)
    """

    _html_title = "tabaug evaluation"

    accuracy: float
    balanced_accuracy: float | None
    mcc: float | None
    f1_macro: float | None
    f1_weighted: float | None
    g_mean: float | None
    pr_auc: float | None
    roc_auc: float | None
    per_class: dict[Any, dict[str, Any]]
    baseline: dict[str, Any]
    no_information_rate: float
    p_value: float
    is_paradox: bool
    verdict: str
    notes: list[str] = field(default_factory=list)
    labels: list[Any] = field(default_factory=list)
    confusion_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=int))
    n_samples: int = 0

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        y_score: Any = None,
        labels: Any = None,
        n_bootstrap: int = 1000,
        random_state: int | None = 0,
    ) -> EvaluationReport:
        """Evaluate predictions; the same as :func:`evaluate`.

        Examples
        --------
        >>> from tabaug import EvaluationReport
        >>> EvaluationReport.from_predictions([0, 0, 1, 1], [0, 0, 1, 0]).accuracy
        0.75
        """
        return evaluate(
            y_true,
            y_pred,
            y_score=y_score,
            labels=labels,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        n_bootstrap: int = 1000,
        random_state: int | None = 0,
    ) -> EvaluationReport:
        """Evaluate a fitted classifier on ``X, y``.

        Predictions come from ``estimator.predict``; scores from
        ``predict_proba`` when it exists, else ``decision_function``, else
        none. The labels are ``estimator.classes_``.

        Parameters
        ----------
        estimator : fitted classifier
            Anything with ``predict`` and ``classes_`` (a Pipeline works).
        X : array-like of shape (n_samples, n_features)
            Features of the evaluation rows (never the training rows).
        y : array-like of shape (n_samples,)
            True labels of those rows.
        n_bootstrap, random_state
            As in :func:`evaluate`.

        Returns
        -------
        EvaluationReport

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import EvaluationReport
        >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
        >>> model = LogisticRegression().fit(X, y)
        >>> EvaluationReport.from_estimator(model, X, y).roc_auc
        1.0
        """
        y_pred = estimator.predict(X)
        labels = list(getattr(estimator, "classes_", unique_labels(y, y_pred)))
        y_score = None
        for method in ("predict_proba", "decision_function"):
            if hasattr(estimator, method):
                y_score = np.asarray(getattr(estimator, method)(X), dtype=float)
                break
        if y_score is not None and len(labels) == 2 and y_score.ndim == 2:
            y_score = y_score[:, 1]
        return evaluate(
            y,
            y_pred,
            y_score=y_score,
            labels=labels,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as plain, JSON-serialisable Python.

        Schema (stable): the eight metric names (``accuracy``,
        ``balanced_accuracy``, ``mcc``, ``f1_macro``, ``f1_weighted``,
        ``g_mean``, ``pr_auc``, ``roc_auc``) as float or None; ``per_class``:
        ``{str(label): {"precision", "recall", "f1", "support", "recall_ci",
        "f1_ci"}}``; ``baseline``: the same eight keys plus ``predicts``;
        ``no_information_rate``; ``p_value``; ``is_paradox``; ``verdict``;
        ``notes`` (list of str); ``labels`` (list of str, confusion-matrix
        order); ``confusion_matrix`` (list of lists of int); ``n_samples``.
        Undefined metrics are None, never 0.0 or 1.0.

        Examples
        --------
        >>> from tabaug import evaluate
        >>> d = evaluate([0, 0, 0, 1], [0, 0, 0, 0]).to_dict()
        >>> d["mcc"], d["per_class"]["1"]["recall"], d["baseline"]["predicts"]
        (None, 0.0, '0')
        """
        result: dict[str, Any] = {name: getattr(self, name) for name in METRICS}
        result.update(
            per_class={str(label): values for label, values in self.per_class.items()},
            baseline={
                **self.baseline,
                "predicts": str(self.baseline["predicts"]),
                "per_class": {str(k): v for k, v in self.baseline["per_class"].items()},
            },
            no_information_rate=self.no_information_rate,
            p_value=self.p_value,
            is_paradox=self.is_paradox,
            verdict=self.verdict,
            notes=list(self.notes),
            labels=[str(label) for label in self.labels],
            confusion_matrix=self.confusion_matrix,
            n_samples=self.n_samples,
        )
        return _report.jsonable(result)

    def to_frame(self) -> pd.DataFrame:
        """Per-class metrics as a DataFrame, one row per class (NaN where undefined).

        Columns: ``precision``, ``recall``, ``f1``, ``support``,
        ``recall_ci_low``, ``recall_ci_high``, ``f1_ci_low``, ``f1_ci_high``.

        Examples
        --------
        >>> from tabaug import evaluate
        >>> evaluate([0, 0, 1, 1], [0, 0, 1, 0]).to_frame()["recall"].tolist()
        [1.0, 0.5]
        """
        rows = {}
        for label, values in self.per_class.items():
            row = {key: values[key] for key in ("precision", "recall", "f1", "support")}
            for key in ("recall", "f1"):
                low, high = values[f"{key}_ci"] or (None, None)
                row[f"{key}_ci_low"], row[f"{key}_ci_high"] = low, high
            rows[label] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        floats = [column for column in frame.columns if column != "support"]
        frame[floats] = frame[floats].astype(float)
        frame.index.name = "class"
        return frame

    def _summary_rows(self) -> list[list[str]]:
        rows = []
        for name in METRICS:
            value = getattr(self, name)
            if name in ("pr_auc", "roc_auc") and value is None and self.baseline[name] is None:
                continue
            baseline = _report.format_number(self.baseline[name])
            rows.append([_METRIC_NAMES[name], _report.format_number(value), baseline])
        return rows

    def _class_rows(self) -> list[list[str]]:
        rows = []
        for label, values in self.per_class.items():
            rows.append(
                [
                    str(label),
                    _report.format_number(values["precision"]),
                    _report.format_number(values["recall"]),
                    _report.format_number(values["f1"]),
                    str(values["support"]),
                    _report.format_interval(values["recall_ci"]),
                    _report.format_interval(values["f1_ci"]),
                ]
            )
        return rows

    def _matrix_rows(self) -> tuple[list[str], list[list[Any]]]:
        header = ["true \\ predicted", *map(str, self.labels)]
        matrix = self.confusion_matrix.tolist()
        rows = [[str(label), *row] for label, row in zip(self.labels, matrix, strict=True)]
        return header, rows

    def _baseline_header(self) -> str:
        return f"always {self.baseline['predicts']}"

    def __str__(self) -> str:
        header, matrix = self._matrix_rows()
        sections = [
            f"Evaluation of {self.n_samples} rows, {len(self.labels)} classes",
            f"Verdict: {self.verdict}",
            _report.text_table(["metric", "model", self._baseline_header()], self._summary_rows()),
            f"no-information rate {_report.format_number(self.no_information_rate)}; "
            f"{_report.format_p_value(self.p_value)} (one-sided binomial test of "
            "accuracy > no-information rate)",
            _report.text_table(_CLASS_HEADER, self._class_rows()),
            _report.text_table(header, matrix),
        ]
        if self.notes:
            sections.append("Notes:\n" + "\n".join(f"- {note}" for note in self.notes))
        return "\n\n".join(sections)

    def __repr__(self) -> str:
        return (
            f"<EvaluationReport accuracy={_report.format_number(self.accuracy)} "
            f"balanced_accuracy={_report.format_number(self.balanced_accuracy)} "
            f"is_paradox={self.is_paradox}>"
        )

    def _html_body(self, *, with_plot: bool) -> str:
        import html

        header, matrix = self._matrix_rows()
        parts = [
            "<h2>Evaluation report</h2>",
            f"<p class='tabaug-verdict'>{html.escape(self.verdict)}</p>",
            _report.html_table(["metric", "model", self._baseline_header()], self._summary_rows()),
            f"<p>no-information rate {_report.format_number(self.no_information_rate)}; "
            f"{html.escape(_report.format_p_value(self.p_value))} (one-sided binomial test)</p>",
            _report.html_table(_CLASS_HEADER, self._class_rows()),
            _report.html_table(header, matrix),
        ]
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f"<ul class='tabaug-notes'>{items}</ul>")
        if with_plot and _report.has_matplotlib():
            png = _report.figure_to_png(self.plot())
            parts.append(_report.png_img_tag(png, "confusion matrix and per-class metrics"))
        return "".join(parts)

    def plot(self, path: Any = None) -> Any:
        """Confusion matrix and per-class precision / recall / F1 bars.

        Needs matplotlib (``pip install "tabaug[plot]"``). Undefined values
        are drawn as no bar with the word "undefined" in its place.

        Parameters
        ----------
        path : str or path-like, optional
            Also save the figure there (format from the extension).

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> from tabaug import evaluate
        >>> figure = evaluate([0, 0, 1, 1], [0, 0, 1, 0]).plot()  # doctest: +SKIP
        """
        figure = _report.new_figure(figsize=(10, 4), layout="constrained")
        _plot_into(self, *figure.subplots(1, 2, width_ratios=[1, 1.4]))
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure


_CLASS_HEADER = ["class", "precision", "recall", "F1", "support", "recall 95% CI", "F1 95% CI"]


def _plot_into(report: EvaluationReport, matrix_ax: Any, bars_ax: Any, title: str = "") -> None:
    matrix = report.confusion_matrix
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = matrix / matrix.sum(axis=1, keepdims=True)
    matrix_ax.imshow(np.nan_to_num(shares), cmap="Blues", vmin=0, vmax=1)
    ticks = np.arange(len(report.labels))
    names = [str(label) for label in report.labels]
    matrix_ax.set_xticks(ticks, names, rotation=45 if len(names) > 3 else 0)
    matrix_ax.set_yticks(ticks, names)
    matrix_ax.set_xlabel("predicted")
    matrix_ax.set_ylabel("true")
    for (i, j), count in np.ndenumerate(matrix):
        color = "white" if np.nan_to_num(shares[i, j]) > 0.5 else "black"
        matrix_ax.text(j, i, str(count), ha="center", va="center", color=color)
    matrix_ax.set_title(title or f"confusion matrix (accuracy {report.accuracy:.2f})")

    width = 0.27
    for offset, key in enumerate(("precision", "recall", "f1")):
        xs = ticks + (offset - 1) * width
        values = [report.per_class[label][key] for label in report.labels]
        heights = [0.0 if value is None else value for value in values]
        bars_ax.bar(xs, heights, width, label=key)
        for x, value in zip(xs, values, strict=True):
            text = "undefined" if value is None else f"{value:.2f}"
            bars_ax.text(
                x,
                0.01 if value is None else value,
                text,
                ha="center",
                va="bottom",
                rotation=90 if value is None else 0,
                size=7,
            )
    bars_ax.set_xticks(ticks, names, rotation=45 if len(names) > 3 else 0)
    bars_ax.set_ylim(0, 1.25)
    bars_ax.set_ylabel("score")
    bars_ax.set_title(
        f"per class (balanced accuracy {_report.format_number(report.balanced_accuracy)})"
    )
    bars_ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    bars_ax.legend(loc="upper center", ncol=3, fontsize=8, frameon=False)


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

    Notes
    -----
    The baseline is ``DummyClassifier(strategy="most_frequent")`` fitted on
    ``y_true`` itself, so its accuracy is the no-information rate (ties go
    to the first class in sorted order, as in scikit-learn). ``is_paradox``
    is ``accuracy <= no_information_rate or p_value >= 0.05``.

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
    true, pred = _as_1d(y_true, "y_true"), _as_1d(y_pred, "y_pred")
    if len(true) != len(pred):
        raise InvalidInputError(
            f"y_true has {len(true)} rows but y_pred has {len(pred)}; pass one prediction per row"
        )
    if len(true) == 0:
        raise InvalidTargetError("y_true is empty; evaluate needs at least one row per class")
    classes, true_codes, pred_codes = _encode(true, pred, labels)
    present = np.unique(true_codes)
    if len(present) < 2:
        raise InvalidTargetError(
            f"y_true has a single class ({classes[present[0]]!r}); accuracy cannot be compared "
            "with a majority baseline. Evaluate on rows that include every class."
        )
    n_classes = len(classes)
    scores = _check_scores(y_score, len(true), n_classes)

    notes: list[str] = []
    model = _metrics(true_codes, pred_codes, n_classes, scores)
    dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(true), 1)), true_codes)
    majority = int(dummy.predict(np.zeros((1, 1)))[0])
    baseline_scores = None
    if scores is not None:
        # The dummy's predict_proba: the class shares of y_true on every row.
        prior = np.zeros(n_classes)
        prior[dummy.classes_] = dummy.class_prior_
        if scores.ndim == 2:
            baseline_scores = np.tile(prior, (len(true), 1))
        else:
            baseline_scores = np.full(len(true), prior[1])
    base = _metrics(true_codes, np.full_like(true_codes, majority), n_classes, baseline_scores)

    n_correct = int(np.trace(model["confusion"]))
    nir = float(np.bincount(true_codes, minlength=n_classes).max() / len(true))
    p_value = float(binomtest(n_correct, len(true), nir, alternative="greater").pvalue)
    accuracy = model["accuracy"]
    is_paradox = bool(accuracy <= nir or p_value >= ALPHA)

    per_class = _per_class(model, classes)
    intervals = _bootstrap(model["confusion"], n_bootstrap, random_state)
    for code, (recall_ci, f1_ci) in intervals.items():
        per_class[classes[code]]["recall_ci"] = recall_ci
        per_class[classes[code]]["f1_ci"] = f1_ci
    notes += _undefined_notes(model, classes, scores is not None)
    if base["mcc"] is None and model["mcc"] is not None:
        notes.append(
            "The baseline's MCC is undefined: it always predicts one class, so MCC's "
            "denominator is 0 (scikit-learn's matthews_corrcoef returns 0.0 there)."
        )
    if intervals:
        few = ", ".join(str(classes[code]) for code in intervals)
        notes.append(
            f"Recall and F1 of classes with fewer than {FEW_ROWS} rows ({few}) come with 95% "
            f"percentile bootstrap intervals ({n_bootstrap} resamples of the rows, "
            f"seed {random_state})."
        )

    verdict = _verdict(
        model, classes, majority, nir, p_value, is_paradox, base["balanced_accuracy"]
    )
    baseline = {name: base[name] for name in METRICS}
    baseline["predicts"] = classes[majority]
    baseline["per_class"] = {
        label: {key: values[key] for key in ("precision", "recall", "f1", "support")}
        for label, values in _per_class(base, classes).items()
    }
    return EvaluationReport(
        **{name: model[name] for name in METRICS},
        per_class=per_class,
        baseline=baseline,
        no_information_rate=nir,
        p_value=p_value,
        is_paradox=is_paradox,
        verdict=verdict,
        notes=notes,
        labels=list(classes),
        confusion_matrix=model["confusion"],
        n_samples=len(true),
    )


def _as_1d(values: Any, name: str) -> np.ndarray:
    array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise InvalidInputError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _encode(true: np.ndarray, pred: np.ndarray, labels: Any) -> tuple[list[Any], Any, Any]:
    for values, name in ((true, "y_true"), (pred, "y_pred")):
        if values.dtype.kind in "fOc" and pd.isna(values).any():
            raise InvalidTargetError(
                f"{name} has missing values (NaN/None): every row needs a class label. "
                "Drop the unlabeled rows first, e.g. mask = ~pd.isna(y_true) & ~pd.isna(y_pred)."
            )
    if labels is None:
        try:
            kind = type_of_target(true)
        except (TypeError, ValueError) as error:
            raise InvalidTargetError(f"cannot read y_true as class labels: {error}") from error
        if kind.startswith("continuous"):
            raise InvalidTargetError(
                "y_true looks continuous (float values that are not whole numbers); "
                "evaluate is for class labels"
            )
        try:
            classes = list(unique_labels(true, pred))
        except (TypeError, ValueError) as error:
            raise InvalidInputError(
                f"cannot read y_true and y_pred as class labels: {error}"
            ) from error
    else:
        classes = list(_as_1d(labels, "labels"))
        if len(set(classes)) != len(classes):
            raise InvalidInputError("labels contains duplicates; list each class once")
    index = pd.Index(classes)
    codes = []
    for values, name in ((true, "y_true"), (pred, "y_pred")):
        code = index.get_indexer(values)
        if (code < 0).any():
            missing = sorted({str(v) for v in np.asarray(values)[code < 0]})[:5]
            raise InvalidInputError(
                f"{name} contains labels not in labels: {', '.join(missing)}; "
                "add them to labels or leave labels=None"
            )
        codes.append(code.astype(np.intp))
    return [_native(label) for label in classes], codes[0], codes[1]


def _native(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


def _check_scores(y_score: Any, n_rows: int, n_classes: int) -> np.ndarray | None:
    if y_score is None:
        return None
    scores = np.asarray(y_score, dtype=float)
    if n_classes == 2 and scores.ndim == 2 and scores.shape[1] == 2:
        scores = scores[:, 1]
    expected = (n_rows,) if n_classes == 2 else (n_rows, n_classes)
    if scores.shape != expected:
        raise InvalidInputError(
            f"y_score has shape {scores.shape}, expected {expected}: for two classes pass the "
            "score of labels[1]; otherwise one column per class in labels order"
        )
    if not np.isfinite(scores).all():
        raise InvalidInputError("y_score contains NaN or infinite values")
    return scores


def _metrics(
    true: np.ndarray, pred: np.ndarray, n_classes: int, scores: np.ndarray | None
) -> dict[str, Any]:
    n = len(true)
    confusion = np.bincount(true * n_classes + pred, minlength=n_classes**2).reshape(
        n_classes, n_classes
    )
    support, predicted, hits = confusion.sum(axis=1), confusion.sum(axis=0), np.diag(confusion)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, hits / predicted, np.nan)
        recall = np.where(support > 0, hits / support, np.nan)
        f1 = np.where(support + predicted > 0, 2 * hits / (support + predicted), np.nan)
    present = support > 0
    recalls = recall[present]
    f1_defined = ~np.isnan(f1)
    # Matthews' multiclass formula (Gorodkin 2004), as in scikit-learn.
    cov_true_pred = hits.sum() * n - support @ predicted
    cov_pred = n * n - predicted @ predicted
    cov_true = n * n - support @ support
    result: dict[str, Any] = {
        "confusion": confusion,
        "support": support,
        "predicted": predicted,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": float(hits.sum() / n),
        "balanced_accuracy": float(recalls.mean()),
        "g_mean": float(np.prod(recalls) ** (1 / len(recalls))),
        "f1_macro": float(f1[f1_defined].mean()) if f1_defined.any() else None,
        "f1_weighted": float(np.nansum(f1 * support) / support.sum()),
        "mcc": None
        if cov_pred * cov_true == 0
        else float(cov_true_pred / math.sqrt(float(cov_pred) * float(cov_true))),
        "pr_auc": None,
        "roc_auc": None,
    }
    if scores is not None:
        if scores.ndim == 1:
            # PR-AUC of the rarer class: the majority's is high for any ranking. Scores
            # rank labels[1]; reversed, they rank labels[0] (ROC-AUC is the same either way).
            if support[0] < support[1]:
                rare, ranking = true == 0, -scores
            else:
                rare, ranking = true == 1, scores
            result["pr_auc"] = float(average_precision_score(rare, ranking))
            result["roc_auc"] = float(roc_auc_score(true == 1, scores))
        else:
            codes = np.flatnonzero(present)
            result["pr_auc"] = float(
                np.mean([average_precision_score(true == k, scores[:, k]) for k in codes])
            )
            result["roc_auc"] = float(
                np.mean([roc_auc_score(true == k, scores[:, k]) for k in codes])
            )
    return result


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _per_class(model: dict[str, Any], classes: list[Any]) -> dict[Any, dict[str, Any]]:
    return {
        label: {
            "precision": _optional(model["precision"][code]),
            "recall": _optional(model["recall"][code]),
            "f1": _optional(model["f1"][code]),
            "support": int(model["support"][code]),
            "recall_ci": None,
            "f1_ci": None,
        }
        for code, label in enumerate(classes)
    }


def _undefined_notes(model: dict[str, Any], classes: list[Any], has_scores: bool) -> list[str]:
    notes = []
    support, predicted = model["support"], model["predicted"]
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
    if model["mcc"] is None:
        notes.append(
            "MCC is undefined: the model predicts a single class, so MCC's denominator is 0. "
            "scikit-learn's matthews_corrcoef returns 0.0 there without a warning."
        )
    return notes


def _verdict(
    model: dict[str, Any],
    classes: list[Any],
    majority: int,
    nir: float,
    p_value: float,
    is_paradox: bool,
    baseline_balanced: float,
) -> str:
    accuracy = model["accuracy"]
    if accuracy <= nir:
        comparison = "is no better than"
    elif is_paradox:
        comparison = "is not significantly better than"
    else:
        comparison = "beats"
    first = (
        f"Accuracy {accuracy:.2f} {comparison} always predicting "
        f"{label_text(classes[majority], prefix=True)} ({nir:.2f}; "
        f"{_report.format_p_value(p_value)}, one-sided binomial test)."
    )
    recall, support = model["recall"], model["support"]
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
            f"balanced accuracy {model['balanced_accuracy']:.2f} "
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
    each confusion-matrix cell, and those counts are multinomial with the
    cells' shares as probabilities. Drawing them directly is the same
    bootstrap at a cost independent of the number of rows.
    """
    support = confusion.sum(axis=1)
    small = np.flatnonzero((support > 0) & (support < FEW_ROWS))
    if n_resamples <= 0 or len(small) == 0:
        return {}
    n_classes, n = len(confusion), int(confusion.sum())
    rng = np.random.default_rng(random_state)
    cells = rng.multinomial(n, confusion.ravel() / n, size=n_resamples)
    cells = cells.reshape(n_resamples, n_classes, n_classes)
    hits = np.diagonal(cells, axis1=1, axis2=2)
    counts_true, counts_pred = cells.sum(axis=2), cells.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall_draws = (hits / counts_true)[:, small]
        f1_draws = (2 * hits / (counts_true + counts_pred))[:, small]
    return {
        int(code): (_interval(recall_draws[:, i]), _interval(f1_draws[:, i]))
        for i, code in enumerate(small)
    }


def _interval(draws: np.ndarray) -> list[float] | None:
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return None
    low, high = np.percentile(draws, [2.5, 97.5])
    return [float(low), float(high)]


def _side_by_side(reports: dict[str, EvaluationReport]) -> str:
    """Several reports on the same rows as one text table, baseline first."""
    first = next(iter(reports.values()))
    header = ["metric", first._baseline_header(), *reports]
    rows = []
    for name in METRICS:
        values = [getattr(report, name) for report in reports.values()]
        if name in ("pr_auc", "roc_auc") and all(value is None for value in values):
            continue
        rows.append(
            [
                _METRIC_NAMES[name],
                _report.format_number(first.baseline[name]),
                *map(_report.format_number, values),
            ]
        )
    for label in first.labels:
        for key in ("precision", "recall", "f1"):
            rows.append(
                [
                    f"{'F1' if key == 'f1' else key} of {label}",
                    _report.format_number(first.baseline["per_class"][label][key]),
                    *(_report.format_number(r.per_class[label][key]) for r in reports.values()),
                ]
            )
            intervals = [r.per_class[label].get(f"{key}_ci") for r in reports.values()]
            if any(interval is not None for interval in intervals):
                rows.append(["  95% CI", "", *map(_report.format_interval, intervals)])
    return _report.text_table(header, rows)
