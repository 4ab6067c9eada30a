"""The evaluation report: what :func:`tabaug.evaluate` returns, and how it renders.

:class:`EvaluationReport` holds the numbers (computed in ``_evaluate``) and
renders them as text, JSON, a DataFrame, HTML and a matplotlib figure;
:func:`side_by_side` sets several reports on the same rows next to each other.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import unique_labels

from tabaug.exceptions import InvalidInputError
from tabaug.utils import (
    Report,
    figure_to_png,
    format_interval,
    format_number,
    format_p_value,
    has_matplotlib,
    html_table,
    jsonable,
    new_figure,
    png_img_tag,
    text_table,
)

__all__ = ["METRICS", "EvaluationReport", "side_by_side"]

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
class EvaluationReport(Report):
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
        from tabaug.metrics._evaluate import evaluate

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
        from tabaug.metrics._evaluate import evaluate

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
        return jsonable(result)

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
            baseline = format_number(self.baseline[name])
            rows.append([_METRIC_NAMES[name], format_number(value), baseline])
        return rows

    def _class_rows(self) -> list[list[str]]:
        rows = []
        for label, values in self.per_class.items():
            rows.append(
                [
                    str(label),
                    format_number(values["precision"]),
                    format_number(values["recall"]),
                    format_number(values["f1"]),
                    str(values["support"]),
                    format_interval(values["recall_ci"]),
                    format_interval(values["f1_ci"]),
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
            text_table(["metric", "model", self._baseline_header()], self._summary_rows()),
            f"no-information rate {format_number(self.no_information_rate)}; "
            f"{format_p_value(self.p_value)} (one-sided binomial test of "
            "accuracy > no-information rate)",
            text_table(_CLASS_HEADER, self._class_rows()),
            text_table(header, matrix),
        ]
        if self.notes:
            sections.append("Notes:\n" + "\n".join(f"- {note}" for note in self.notes))
        return "\n\n".join(sections)

    def __repr__(self) -> str:
        return (
            f"<EvaluationReport accuracy={format_number(self.accuracy)} "
            f"balanced_accuracy={format_number(self.balanced_accuracy)} "
            f"is_paradox={self.is_paradox}>"
        )

    def _html_body(self, *, with_plot: bool) -> str:
        header, matrix = self._matrix_rows()
        parts = [
            "<h2>Evaluation report</h2>",
            f"<p class='tabaug-verdict'>{html.escape(self.verdict)}</p>",
            html_table(["metric", "model", self._baseline_header()], self._summary_rows()),
            f"<p>no-information rate {format_number(self.no_information_rate)}; "
            f"{html.escape(format_p_value(self.p_value))} (one-sided binomial test)</p>",
            html_table(_CLASS_HEADER, self._class_rows()),
            html_table(header, matrix),
        ]
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f"<ul class='tabaug-notes'>{items}</ul>")
        if with_plot and has_matplotlib():
            png = figure_to_png(self.plot())
            parts.append(png_img_tag(png, "confusion matrix and per-class metrics"))
        return "".join(parts)

    def plot(self, path: Any = None, *, axes: Any = None, title: str = "") -> Any:
        """Confusion matrix and per-class precision / recall / F1 bars.

        Needs matplotlib (``pip install "tabaug[plot]"``). Undefined values
        are drawn as no bar with the word "undefined" in its place.

        Parameters
        ----------
        path : str or path-like, optional
            Also save the figure there (format from the extension).
        axes : pair of matplotlib Axes, optional
            Draw the matrix and the bars into these (e.g. one row of a larger
            grid) instead of a new figure.
        title : str, optional
            Title of the matrix panel; default: its accuracy.

        Returns
        -------
        matplotlib.figure.Figure
            The new figure, or the one ``axes`` belong to.

        Examples
        --------
        >>> from tabaug import evaluate
        >>> figure = evaluate([0, 0, 1, 1], [0, 0, 1, 0]).plot()  # doctest: +SKIP
        """
        if axes is None:
            figure = new_figure(figsize=(10, 4), layout="constrained")
            axes = figure.subplots(1, 2, width_ratios=[1, 1.4])
        matrix_ax, bars_ax = axes
        _plot_into(self, matrix_ax, bars_ax, title)
        figure = matrix_ax.get_figure()
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
        f"per class (balanced accuracy {format_number(report.balanced_accuracy)})"
    )
    bars_ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    bars_ax.legend(loc="upper center", ncol=3, fontsize=8, frameon=False)


def side_by_side(reports: dict[str, EvaluationReport]) -> str:
    """Several reports on the same rows as one text table, the majority baseline first.

    One column per report (named by its key), one row per overall metric,
    then precision, recall and F1 of each class, with bootstrap intervals
    where a report has them.

    Parameters
    ----------
    reports : dict of str to EvaluationReport
        Reports of different models on the same rows (same labels).

    Returns
    -------
    str

    Examples
    --------
    >>> from tabaug import evaluate
    >>> from tabaug.metrics import side_by_side
    >>> y = [0] * 8 + [1] * 4
    >>> table = side_by_side({"always 0": evaluate(y, [0] * 12),
    ...                       "better": evaluate(y, [0] * 7 + [1] * 5)})
    >>> table.splitlines()[0].split()
    ['metric', 'always', '0', 'always', '0', 'better']
    """
    if not isinstance(reports, dict) or not reports or not all(
        isinstance(report, EvaluationReport) for report in reports.values()
    ):
        raise InvalidInputError(
            "side_by_side takes a non-empty dict {name: EvaluationReport}, e.g. "
            "{'plain': evaluate(y, pred_a), 'resampled': evaluate(y, pred_b)}."
        )
    first = next(iter(reports.values()))
    if any(report.labels != first.labels for report in reports.values()):
        raise InvalidInputError(
            "the reports of side_by_side must cover the same classes (the same labels); "
            "evaluate every model on the same rows, or pass labels= to evaluate."
        )
    header = ["metric", first._baseline_header(), *reports]
    rows = []
    for name in METRICS:
        values = [getattr(report, name) for report in reports.values()]
        if name in ("pr_auc", "roc_auc") and all(value is None for value in values):
            continue
        rows.append(
            [
                _METRIC_NAMES[name],
                format_number(first.baseline[name]),
                *map(format_number, values),
            ]
        )
    for label in first.labels:
        for key in ("precision", "recall", "f1"):
            rows.append(
                [
                    f"{'F1' if key == 'f1' else key} of {label}",
                    format_number(first.baseline["per_class"][label][key]),
                    *(format_number(r.per_class[label][key]) for r in reports.values()),
                ]
            )
            intervals = [r.per_class[label].get(f"{key}_ci") for r in reports.values()]
            if any(interval is not None for interval in intervals):
                rows.append(["  95% CI", "", *map(format_interval, intervals)])
    return text_table(header, rows)
