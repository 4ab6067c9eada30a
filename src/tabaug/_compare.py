"""Does resampling help *this* model on *this* data? A leak-free comparison.

:func:`compare` fits every strategy (no resampling, class weights, decision
threshold tuning, each resampler) on the same repeated stratified folds,
resamples inside the training folds only, scores each fit on the untouched
validation fold, and tests each strategy against no resampling with a paired
test over those folds. :class:`ComparisonResult` holds the fold scores, the
tests and a plain-words summary, and renders as text, HTML, JSON, a DataFrame
and a plot. :func:`make_estimator` builds the three standard models the
command line offers, with categorical preprocessing inside the model.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import (
    average_precision_score,
    get_scorer,
    get_scorer_names,
    make_scorer,
)
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedGroupKFold
from sklearn.pipeline import Pipeline as SklearnPipeline
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target

from tabaug._stats import corrected_resampled_ttest, holm
from tabaug.exceptions import (
    InsufficientSamplesError,
    InvalidInputError,
    InvalidTargetError,
    InvalidTypeError,
    TabaugWarning,
)
from tabaug.utils import _report, label_text

__all__ = ["ComparisonResult", "compare", "make_estimator"]

logger = logging.getLogger("tabaug")

BASELINE = "none"
_SAMPLER_NAMES = ("random_over", "random_under", "smote", "noise")
_DEEP_NAMES = ("ctgan", "tvae")
_DEFAULT_STRATEGIES = ("none", "class_weight", "threshold", *_SAMPLER_NAMES)
_STRATEGY_NAMES = (*_DEFAULT_STRATEGIES, *_DEEP_NAMES)

_DEFAULT_SCORES = (
    "balanced_accuracy",
    "f1_macro",
    "f1_minority",
    "recall_minority",
    "average_precision",
    "mcc",
    "brier",
)
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
}
_LOWER_IS_BETTER = {"brier", "fit_time"}
# Scores the threshold strategy can tune for (the others ignore the threshold or reward
# predicting the minority everywhere).
_THRESHOLD_TARGETS = ("balanced_accuracy", "f1_macro", "f1_minority", "mcc")
_FIT_TIME = "fit_time"
_FAILED = "_failed"
_ESTIMATOR_NAMES = ("logistic", "random-forest", "hist-gradient-boosting")


class _ScoresUnavailableError(InvalidInputError, InvalidTypeError):
    """The estimator cannot give the scores asked for (a ValueError and a TypeError)."""


@dataclass
class _Strategy:
    name: str
    kind: str  # "none", "class_weight", "threshold" or "sampler"
    sampler: Any = None
    class_weight_params: tuple = ()


@dataclass(repr=False)
class ComparisonResult(_report.Report):
    """What :func:`compare` found: fold scores, paired tests and a summary.

    Attributes
    ----------
    summary : str
        Plain words: which strategies beat no resampling on the primary
        score, or that none does and it is safer not to resample.
    winners : list of str
        Strategies that beat ``none`` on the primary score (significant after
        Holm correction and at least ``min_effect`` better), best first.
    fold_scores : pandas.DataFrame
        The raw table: one row per strategy and split with columns
        ``strategy``, ``split``, ``repeat``, ``fold``, ``n_train``,
        ``n_test`` and one column per score (``fit_time`` in seconds,
        resampling included).
    tests : pandas.DataFrame
        One row per strategy and score: ``diff_vs_none``, ``t_statistic``,
        ``p_value_uncorrected``, ``p_value`` (Holm-adjusted),
        ``significant`` and ``better``.
    strategies : list of str
        The strategies that ran, ``none`` first.
    skipped : dict
        Strategy name -> why it did not run.
    scores : list of str
        Score names, ``fit_time`` last.
    primary : str
        The score the summary is about.
    greater_is_better : dict
        Score name -> whether higher is better (False for ``brier`` and
        ``fit_time``).
    notes : list of str
        How the comparison was made and anything that was left out.
    n_splits, n_repeats : int
        Folds per repeat and repeats (``n_splits * n_repeats`` splits).
    min_effect, alpha : float
        Smallest difference that counts, and the significance level.
    estimator_name : str
        Class name of the compared estimator (with its steps for a Pipeline).
    classes : list
        The class labels, sorted.
    class_counts : dict
        Label -> number of rows.
    minority : object
        The least frequent class, used by ``f1_minority``,
        ``recall_minority`` and the binary ``average_precision`` and ``brier``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from tabaug import compare
    >>> X, y = make_classification(n_samples=200, weights=[0.85], random_state=0)
    >>> result = compare(X, y, estimator=LogisticRegression(), strategies=["random_under"],
    ...                  cv=3, n_repeats=2, random_state=0, progress=False)
    >>> result.strategies
    ['none', 'random_under']
    >>> sorted(result.to_frame().columns)
    ['diff_vs_none', 'mean', 'p_value', 'score', 'significant', 'std', 'strategy']
    """

    _html_title = "tabaug comparison"

    fold_scores: pd.DataFrame
    tests: pd.DataFrame
    summary: str
    winners: list[str]
    strategies: list[str]
    skipped: dict[str, str]
    scores: list[str]
    primary: str
    greater_is_better: dict[str, bool]
    notes: list[str] = field(default_factory=list)
    n_splits: int = 0
    n_repeats: int = 0
    min_effect: float = 0.01
    alpha: float = 0.05
    estimator_name: str = ""
    classes: list = field(default_factory=list)
    class_counts: dict = field(default_factory=dict)
    minority: Any = None
    cv_description: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy and score.

        Columns: ``strategy``, ``score``, ``mean``, ``std`` (over splits),
        ``diff_vs_none`` (mean of the paired differences, strategy minus
        ``none``), ``p_value`` (corrected resampled t-test, Holm-adjusted
        across strategies within each score) and ``significant``
        (``p_value < alpha`` and ``|diff_vs_none| >= min_effect``). A
        significant difference can be better or worse: for ``brier`` and
        ``fit_time`` lower is better.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> frame = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
        ...                 scoring=["balanced_accuracy"], cv=3, n_repeats=1,
        ...                 random_state=0, progress=False).to_frame()
        >>> frame[["strategy", "score", "diff_vs_none", "p_value"]].values.tolist()
        [['none', 'balanced_accuracy', 0.0, 1.0], ['none', 'fit_time', 0.0, 1.0]]
        """
        grouped = self.fold_scores.groupby("strategy", sort=False)
        rows = []
        for strategy in self.strategies:
            scores = grouped.get_group(strategy)
            for score in self.scores:
                test = self._test(strategy, score)
                rows.append(
                    {
                        "strategy": strategy,
                        "score": score,
                        "mean": float(scores[score].mean()),
                        "std": float(scores[score].std(ddof=1)) if len(scores) > 1 else 0.0,
                        "diff_vs_none": float(test["diff_vs_none"]),
                        "p_value": float(test["p_value"]),
                        "significant": bool(test["significant"]),
                    }
                )
        return pd.DataFrame(
            rows,
            columns=["strategy", "score", "mean", "std", "diff_vs_none", "p_value", "significant"],
        )

    def _test(self, strategy: str, score: str) -> pd.Series:
        match = self.tests[(self.tests["strategy"] == strategy) & (self.tests["score"] == score)]
        return match.iloc[0]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain, JSON-serialisable Python.

        Keys: ``summary``, ``winners``, ``primary``, ``strategies``,
        ``skipped``, ``scores``, ``greater_is_better``, ``notes``, ``cv``
        (``description``, ``n_splits``, ``n_repeats``), ``min_effect``,
        ``alpha``, ``estimator``, ``classes``, ``class_counts``, ``minority``,
        ``results`` (the rows of :meth:`to_frame`, plus ``better`` and
        ``p_value_uncorrected``) and ``fold_scores`` (the rows of
        :attr:`fold_scores`). Labels are written as strings.

        Returns
        -------
        dict

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> d = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
        ...             cv=3, n_repeats=1, random_state=0, progress=False).to_dict()
        >>> d["primary"], d["results"][0]["strategy"], len(d["fold_scores"])
        ('balanced_accuracy', 'none', 3)
        """
        frame = self.to_frame()
        extra = self.tests.set_index(["strategy", "score"])
        results = []
        for row in frame.to_dict(orient="records"):
            test = extra.loc[(row["strategy"], row["score"])]
            row["better"] = bool(test["better"])
            row["p_value_uncorrected"] = float(test["p_value_uncorrected"])
            results.append(row)
        folds = self.fold_scores.copy()
        return _report.jsonable(
            {
                "summary": self.summary,
                "winners": list(self.winners),
                "primary": self.primary,
                "strategies": list(self.strategies),
                "skipped": dict(self.skipped),
                "scores": list(self.scores),
                "greater_is_better": dict(self.greater_is_better),
                "notes": list(self.notes),
                "cv": {
                    "description": self.cv_description,
                    "n_splits": self.n_splits,
                    "n_repeats": self.n_repeats,
                },
                "min_effect": self.min_effect,
                "alpha": self.alpha,
                "estimator": self.estimator_name,
                "classes": [str(label) for label in self.classes],
                "class_counts": {str(k): int(v) for k, v in self.class_counts.items()},
                "minority": str(self.minority),
                "results": results,
                "fold_scores": folds.to_dict(orient="records"),
            }
        )

    def _mean_std(self, strategy: str, score: str) -> tuple[float, float]:
        values = self.fold_scores.loc[self.fold_scores["strategy"] == strategy, score]
        std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        return float(values.mean()), std

    def _primary_rows(self) -> list[list[str]]:
        rows = []
        for strategy in self.strategies:
            mean, std = self._mean_std(strategy, self.primary)
            test = self._test(strategy, self.primary)
            if strategy == BASELINE:
                diff, p_text, verdict = "", "", "baseline"
            else:
                diff = f"{test['diff_vs_none']:+.3f}"
                p_text = _report.format_p_value(test["p_value"])
                verdict = _verdict_word(test)
            rows.append([strategy, f"{mean:.3f} ± {std:.3f}", diff, p_text, verdict])
        return rows

    def _score_rows(self) -> tuple[list[str], list[list[str]]]:
        header = ["strategy", *self.scores]
        rows = []
        for strategy in self.strategies:
            row = [strategy]
            for score in self.scores:
                mean, std = self._mean_std(strategy, score)
                digits = 2 if score == _FIT_TIME else 3
                row.append(f"{mean:.{digits}f} ± {std:.{digits}f}")
            rows.append(row)
        return header, rows

    _PRIMARY_HEADER = ("strategy", "mean ± sd", "diff vs none", "p (Holm)", "verdict")

    def _header_lines(self) -> list[str]:
        counts = ", ".join(
            f"{label_text(label, prefix=True)}: {count}"
            for label, count in self.class_counts.items()
        )
        return [
            f"tabaug.compare: {self.estimator_name}; {counts} "
            f"(minority {label_text(self.minority, prefix=True)})",
            f"{self.cv_description}; resampling inside training folds only",
            f"paired test vs 'none': corrected resampled t-test (Nadeau & Bengio), "
            f"Holm-adjusted, alpha {self.alpha:g}, minimum effect {self.min_effect:g}",
        ]

    def __str__(self) -> str:
        header, rows = self._score_rows()
        lines = [
            *self._header_lines(),
            "",
            f"primary score: {self.primary}",
            _report.text_table(self._PRIMARY_HEADER, self._primary_rows()),
            "",
            "all scores (mean ± sd over splits; brier and fit_time: lower is better)",
            _report.text_table(header, rows),
            "",
            self.summary,
        ]
        if self.notes:
            lines += ["", "notes:", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<ComparisonResult {self.estimator_name}: {len(self.strategies)} strategies, "
            f"primary={self.primary!r}, winners={self.winners!r}>"
        )

    def _html_body(self, *, with_plot: bool) -> str:
        import html

        header, rows = self._score_rows()
        parts = [f"<p>{html.escape(line)}</p>" for line in self._header_lines()]
        parts += [
            f"<h4>primary score: {html.escape(self.primary)}</h4>",
            _report.html_table(self._PRIMARY_HEADER, self._primary_rows()),
            "<h4>all scores (mean ± sd over splits; brier and fit_time: lower is better)</h4>",
            _report.html_table(header, rows),
            f"<p class='tabaug-verdict'>{html.escape(self.summary)}</p>",
        ]
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f"<ul class='tabaug-warning'>{items}</ul>")
        if with_plot and _report.has_matplotlib():
            png = _report.figure_to_png(self.plot())
            parts.append(_report.png_img_tag(png, "score distributions per strategy"))
        return "".join(parts)

    def plot(self, path: Any = None, *, scores: list[str] | None = None) -> Any:
        """Score distributions per strategy: one panel per score, a box per strategy.

        Each box shows the per-split scores of one strategy (points on top);
        the dashed line is the baseline's (``none``) mean. Needs matplotlib
        (``pip install "tabaug[plot]"``).

        Parameters
        ----------
        path : str or path-like, optional
            Also save the figure there (format from the extension).
        scores : list of str, optional
            Scores to draw; all by default.

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from tabaug import compare
        >>> X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
        >>> result = compare(X, y, estimator=LogisticRegression(), strategies=["none"],
        ...                  cv=3, n_repeats=1, random_state=0, progress=False)
        >>> figure = result.plot()  # doctest: +SKIP
        """
        chosen = list(self.scores if scores is None else scores)
        unknown = [score for score in chosen if score not in self.scores]
        if unknown:
            raise InvalidInputError(
                f"unknown score(s) {unknown}; this result has {', '.join(self.scores)}."
            )
        n_columns = min(4, len(chosen))
        n_rows = math.ceil(len(chosen) / n_columns)
        width = max(3.2, 0.55 * len(self.strategies) + 1.2)
        figure = _report.new_figure(
            figsize=(width * n_columns, 3.4 * n_rows), layout="constrained"
        )
        axes = np.atleast_1d(figure.subplots(n_rows, n_columns, squeeze=False)).ravel()
        positions = np.arange(1, len(self.strategies) + 1)
        jitter = np.random.default_rng(0)
        for ax, score in zip(axes, chosen, strict=False):
            data = [
                self.fold_scores.loc[self.fold_scores["strategy"] == s, score].to_numpy()
                for s in self.strategies
            ]
            ax.boxplot(data, positions=positions, widths=0.6, showfliers=False)
            for position, values in zip(positions, data, strict=True):
                xs = position + jitter.uniform(-0.15, 0.15, values.size)
                ax.plot(xs, values, "o", markersize=2.5, alpha=0.5, color="tab:blue")
            ax.axhline(float(np.mean(data[0])), linestyle="--", color="grey", linewidth=1)
            ax.set_xticks(positions, self.strategies, rotation=45, ha="right")
            direction = "lower is better" if not self.greater_is_better[score] else ""
            ax.set_title(f"{score} {f'({direction})' if direction else ''}".strip(), size=10)
        for ax in axes[len(chosen):]:
            ax.set_visible(False)
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure


def _verdict_word(test: pd.Series) -> str:
    if not test["significant"]:
        return "no difference"
    return "better" if test["better"] else "worse"


def compare(
    X: Any,
    y: Any,
    *,
    estimator: Any,
    strategies: Any = None,
    cv: Any = None,
    scoring: Any = None,
    n_repeats: int = 3,
    random_state: Any = None,
    n_jobs: int | None = None,
    progress: bool = True,
    groups: Any = None,
    primary: str = "balanced_accuracy",
    min_effect: float = 0.01,
    alpha: float = 0.05,
    sampler_position: str = "auto",
) -> ComparisonResult:
    """Compare resampling strategies against no resampling, leak-free, on the same folds.

    Every strategy is fitted on the training part of each split and scored
    on the validation part, which is never resampled: synthetic and
    duplicated rows only ever reach ``fit``. All strategies see the same
    splits, so their scores can be compared split by split.

    Parameters
    ----------
    X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features)
        The features. DataFrames keep their dtypes, so samplers see
        categorical columns as categories.
    y : array-like of shape (n_samples,)
        Class labels (binary or multiclass).
    estimator : classifier
        The model to compare strategies for: any scikit-learn classifier or
        Pipeline (categorical encoding can live inside it; see
        ``sampler_position``). Cloned for every fit; parameters named
        ``random_state`` that are None are seeded from ``random_state`` so
        that runs repeat.
    strategies : list, dict or None, default=None
        What to compare. Names: ``'none'`` (the estimator as given),
        ``'class_weight'`` (its ``class_weight='balanced'``, also on the last
        step of a Pipeline; skipped for estimators without the parameter),
        ``'threshold'`` (scikit-learn's ``TunedThresholdClassifierCV``, tuned
        on ``primary`` with an inner cross-validation of the training fold;
        binary targets only, skipped with a note otherwise),
        ``'random_over'``, ``'random_under'``, ``'smote'``, ``'noise'``
        (tabaug's RandomOverSampler, RandomUnderSampler, SMOTE and
        GaussianNoiseOverSampler), ``'ctgan'`` and ``'tvae'`` (the deep
        oversamplers; only when named, and only with ``pip install
        "tabaug[deep]"``). A list may also hold sampler objects (tabaug or
        imbalanced-learn; each is named after its class), and a dict maps
        your names to samplers (or None for a built-in name). None means
        every name above except ``'ctgan'`` and ``'tvae'``. ``'none'`` is
        always run first, as the baseline.
    cv : int, cross-validation splitter, iterable of (train, test) or None, default=None
        None: 5-fold stratified cross-validation repeated ``n_repeats``
        times (``StratifiedGroupKFold`` with shuffling when ``groups`` is
        given). An int: that many folds, repeated. A splitter or an iterable
        of index pairs is used as given and ``n_repeats`` is ignored.
    scoring : str, list of str, dict or None, default=None
        Scores. Built-in names: ``'balanced_accuracy'``, ``'f1_macro'``,
        ``'f1_minority'`` and ``'recall_minority'`` (of the least frequent
        class; ``zero_division=0``), ``'average_precision'`` (PR-AUC of the
        minority class; macro one-vs-rest on multiclass), ``'mcc'``,
        ``'brier'`` (binary: the minority class's Brier score, 0..1;
        multiclass: the multiclass Brier score, 0..2; lower is better). Any
        scikit-learn scorer name is accepted too, and a dict maps names to
        scorers ``scorer(estimator, X, y)`` (greater is better). None means
        all built-ins. ``fit_time`` (seconds, resampling included) is always
        added.
    n_repeats : int, default=3
        Repeats of the k-fold split.
    random_state : int, RandomState instance or None, default=None
        Seeds the splits, the samplers and the estimator's unset seeds.
    n_jobs : int or None, default=None
        Fits to run in parallel (joblib, one task per strategy and split).
    progress : bool, default=True
        Show a tqdm progress bar when tqdm is installed.
    groups : array-like of shape (n_samples,), optional
        Group labels: rows of a group never straddle training and
        validation (``StratifiedGroupKFold``).
    primary : str, default='balanced_accuracy'
        The score the summary and the Holm correction are about.
    min_effect : float, default=0.01
        Differences smaller than this (in the score's units) are never
        called significant.
    alpha : float, default=0.05
        Significance level of the Holm-adjusted p-values.
    sampler_position : {'auto', 'first', 'before_estimator'}, default='auto'
        Where a sampler goes. ``'first'``: in front of the whole estimator
        (``ResampledClassifier(sampler, estimator)``), so it sees the columns
        of ``X`` as given. ``'before_estimator'``: when ``estimator`` is a
        Pipeline, between its preprocessing and its final step (an
        imbalanced-learn Pipeline), so distance-based samplers such as SMOTE
        see scaled features. ``'auto'``: ``'first'`` when ``X`` has
        categorical columns (category, bool, object or string dtypes; so
        SMOTE sees categories and never interpolates one-hot floats), else
        ``'before_estimator'``.

    Returns
    -------
    ComparisonResult

    Raises
    ------
    InvalidInputError
        Unknown strategy or score names, mismatched lengths, bad settings.
    InvalidTargetError
        A continuous or single-class target.
    InsufficientSamplesError
        A class with fewer rows than folds.

    Notes
    -----
    The paired test is Nadeau and Bengio's corrected resampled t-test over
    the ``n_splits * n_repeats`` paired differences, with the variance
    factor ``1/J + n_test/n_train`` in place of ``1/J``. Repeated k-fold
    training sets overlap, so split scores are correlated; the plain paired
    t-test (and a Wilcoxon signed-rank test, which makes the same
    independence assumption) would call far too many differences
    significant. The p-values of the strategies are Holm-adjusted within
    each score; a difference is significant when the adjusted p-value is
    below ``alpha`` and its size at least ``min_effect``. Splits where a
    strategy and ``none`` score the same give a difference of 0 and a
    p-value of 1. The summary reads the primary score only.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from tabaug import compare
    >>> X, y = make_classification(n_samples=300, weights=[0.95], flip_y=0,
    ...                            random_state=1)
    >>> result = compare(X, y, estimator=LogisticRegression(),
    ...                  strategies=["class_weight", "random_under"], cv=3,
    ...                  n_repeats=2, random_state=0, progress=False)
    >>> result.strategies
    ['none', 'class_weight', 'random_under']
    >>> frame = result.to_frame()
    >>> frame[frame.score == "balanced_accuracy"].shape[0]
    3
    """
    _check_settings(n_repeats, min_effect, alpha, sampler_position, n_jobs)
    X = _as_matrix(X)
    y = _as_labels(y, X.shape[0])
    _check_estimator(estimator)
    classes, counts = np.unique(y, return_counts=True)
    class_counts = {
        _native(label): int(count) for label, count in zip(classes, counts, strict=True)
    }
    minority = _native(classes[int(np.argmin(counts))])
    notes: list[str] = []

    score_names, custom = _resolve_scoring(scoring, estimator, notes)
    if primary not in score_names:
        raise InvalidInputError(
            f"primary={primary!r} is not among the scores ({', '.join(score_names)}); "
            "pick one of them or add it to scoring."
        )
    score_names = [*score_names, _FIT_TIME]
    greater = {
        name: name not in _LOWER_IS_BETTER or name in custom for name in score_names
    }

    rng = check_random_state(random_state) if random_state is not None else None
    splits, n_splits, repeat_of, fold_of, cv_text = _make_splits(
        X, y, groups, cv, n_repeats, rng, counts, classes
    )
    if rng is None:
        seeds = [None] * len(splits)
    else:
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits)).tolist()

    strategy_list, skipped = _resolve_strategies(strategies, estimator, len(classes), notes)
    _fit_smote_to_folds(strategy_list, skipped, notes, y, splits)
    first = _sampler_goes_first(sampler_position, X, estimator)
    threshold_scorer = _threshold_scoring(
        primary, custom, classes, minority, notes, strategy_list
    )
    inner_cv = _inner_cv(counts, splits)

    tasks = [
        (strategy, split_index)
        for split_index in range(len(splits))
        for strategy in strategy_list
    ]
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    outputs = parallel(
        delayed(_run_task)(
            _build_model(
                strategy, estimator, first, seeds[split_index], threshold_scorer, inner_cv
            ),
            strategy.name,
            split_index,
            X,
            y,
            splits[split_index],
            score_names,
            custom,
            minority,
            classes,
        )
        for strategy, split_index in tasks
    )
    records = list(_progress(outputs, len(tasks), progress))
    records, strategy_list = _drop_failed(records, strategy_list, skipped, notes)

    fold_scores = pd.DataFrame.from_records(records)
    fold_scores["repeat"] = [repeat_of[i] for i in fold_scores["split"]]
    fold_scores["fold"] = [fold_of[i] for i in fold_scores["split"]]
    fold_scores = fold_scores[
        ["strategy", "split", "repeat", "fold", "n_train", "n_test", *score_names]
    ]
    names = [strategy.name for strategy in strategy_list]
    fold_scores["_order"] = fold_scores["strategy"].map({n: i for i, n in enumerate(names)})
    fold_scores = (
        fold_scores.sort_values(["_order", "split"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )

    n_train = float(fold_scores["n_train"].mean())
    n_test = float(fold_scores["n_test"].mean())
    tests = _paired_tests(fold_scores, names, score_names, greater, n_train, n_test,
                          min_effect, alpha)
    winners = _winners(tests, primary)
    kinds = {strategy.name: strategy.kind for strategy in strategy_list}
    notes.insert(
        0,
        "placement of samplers: "
        + (
            "in front of the whole estimator (ResampledClassifier), on the columns of X as given"
            if first
            else "between the estimator's preprocessing and its final step "
            "(imbalanced-learn Pipeline)"
        )
        + ".",
    )
    summary = _summary(
        fold_scores, tests, primary, winners, kinds, skipped, min_effect, alpha, greater
    )
    return ComparisonResult(
        fold_scores=fold_scores,
        tests=tests,
        summary=summary,
        winners=winners,
        strategies=names,
        skipped=skipped,
        scores=score_names,
        primary=primary,
        greater_is_better=greater,
        notes=notes,
        n_splits=n_splits,
        n_repeats=max(repeat_of) + 1,
        min_effect=min_effect,
        alpha=alpha,
        estimator_name=_describe(estimator),
        classes=[_native(label) for label in classes],
        class_counts=class_counts,
        minority=minority,
        cv_description=cv_text,
    )


# --------------------------------------------------------------------------- input checks


def _check_settings(
    n_repeats: Any, min_effect: Any, alpha: Any, sampler_position: Any, n_jobs: Any
) -> None:
    if not isinstance(n_repeats, int | np.integer) or isinstance(n_repeats, bool) or n_repeats < 1:
        raise InvalidInputError(f"n_repeats must be a positive integer; got {n_repeats!r}.")
    if not isinstance(min_effect, int | float) or min_effect < 0:
        raise InvalidInputError(f"min_effect must be a number >= 0; got {min_effect!r}.")
    if not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise InvalidInputError(f"alpha must be between 0 and 1; got {alpha!r}.")
    if sampler_position not in ("auto", "first", "before_estimator"):
        raise InvalidInputError(
            f"sampler_position must be 'auto', 'first' or 'before_estimator'; "
            f"got {sampler_position!r}."
        )
    if n_jobs is not None and (not isinstance(n_jobs, int | np.integer) or n_jobs == 0):
        raise InvalidInputError(f"n_jobs must be None or a non-zero integer; got {n_jobs!r}.")


def _as_matrix(X: Any) -> Any:
    from scipy import sparse

    if isinstance(X, pd.DataFrame) or sparse.issparse(X):
        matrix = X
    else:
        matrix = np.asarray(X)
        if matrix.dtype.kind in "US":
            matrix = matrix.astype(object)
    if getattr(matrix, "ndim", 2) != 2:
        raise InvalidInputError(
            f"X must be 2-D (n_samples, n_features); got shape {np.shape(matrix)}. "
            "Reshape a single feature with X.reshape(-1, 1)."
        )
    if matrix.shape[0] == 0:
        raise InvalidInputError("X is empty: compare needs rows to cross-validate.")
    return matrix


def _as_labels(y: Any, n_rows: int) -> np.ndarray:
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InvalidTargetError("y must be one column of class labels.")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        labels = y.to_numpy(dtype=object) if y.dtype.kind not in "biuf" else y.to_numpy()
    else:
        labels = np.asarray(y)
    if labels.ndim != 1:
        raise InvalidTargetError(
            f"y must be 1-D (one class label per row); got shape {labels.shape}."
        )
    if labels.shape[0] != n_rows:
        raise InvalidInputError(
            f"X has {n_rows} rows but y has {labels.shape[0]} labels: they must match "
            "row for row."
        )
    if pd.isna(pd.Series(labels)).any():
        raise InvalidTargetError(
            "y contains missing values: every row needs a class label. Drop the unlabeled "
            "rows first, e.g. df.dropna(subset=[target])."
        )
    kind = type_of_target(labels, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise InvalidTargetError(
            f"y looks {kind}, but compare needs class labels (binary or multiclass). "
            "Bin a continuous target first (e.g. pandas.cut)."
        )
    if np.unique(labels).size < 2:
        raise InvalidTargetError(
            "y has only one class: there is nothing to balance or compare."
        )
    return labels


def _check_estimator(estimator: Any) -> None:
    if isinstance(estimator, type):
        raise InvalidTypeError(
            f"estimator must be an instance, not the class {estimator.__name__}: "
            f"pass {estimator.__name__}() (with any parameters)."
        )
    if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
        raise InvalidTypeError(
            f"estimator must be a classifier with fit and predict; got "
            f"{type(estimator).__name__}. Pass e.g. sklearn.linear_model.LogisticRegression()."
        )
    if not hasattr(estimator, "get_params"):
        raise InvalidTypeError(
            f"estimator {type(estimator).__name__} cannot be cloned (no get_params): "
            "compare refits a fresh copy on every fold. Use a scikit-learn compatible estimator."
        )


def _describe(estimator: Any) -> str:
    """``LogisticRegression``, or ``Pipeline(ColumnTransformer, LogisticRegression)``."""
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list):
        inner = ", ".join(
            step if isinstance(step, str) else type(step).__name__ for _, step in steps
        )
        return f"{type(estimator).__name__}({inner})"
    return type(estimator).__name__


def _native(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


# --------------------------------------------------------------------------- scoring


def _resolve_scoring(scoring: Any, estimator: Any, notes: list[str]) -> tuple[list[str], dict]:
    """Return the score names and the custom scorers (name -> scorer) among them."""
    explicit = scoring is not None
    if scoring is None:
        names: list[str] = list(_DEFAULT_SCORES)
        custom: dict[str, Any] = {}
    elif isinstance(scoring, str):
        names, custom = [scoring], {}
    elif isinstance(scoring, dict):
        names, custom = [], {}
        for name, scorer in scoring.items():
            if scorer is None or (isinstance(scorer, str) and scorer == name):
                names.append(str(name))
            elif callable(scorer) or isinstance(scorer, str):
                names.append(str(name))
                custom[str(name)] = get_scorer(scorer) if isinstance(scorer, str) else scorer
            else:
                raise InvalidInputError(
                    f"scoring[{name!r}] must be a scorer (callable(estimator, X, y)) or a "
                    f"scikit-learn scorer name; got {type(scorer).__name__}."
                )
    elif isinstance(scoring, list | tuple):
        names, custom = [], {}
        for name in scoring:
            if not isinstance(name, str):
                raise InvalidInputError(
                    "scoring as a list takes score names; pass a dict {name: scorer} for "
                    "scorer objects."
                )
            names.append(name)
    else:
        raise InvalidInputError(
            f"scoring must be None, a name, a list of names or a dict; got "
            f"{type(scoring).__name__}."
        )
    names = [name for name in dict.fromkeys(names) if name != _FIT_TIME]
    if not names:
        raise InvalidInputError("scoring is empty: name at least one score.")
    sklearn_names = set(get_scorer_names())
    for name in names:
        if name in _SCORE_INPUT or name in custom:
            continue
        if name in sklearn_names:
            custom[name] = get_scorer(name)
            continue
        raise InvalidInputError(
            f"unknown score {name!r}. Built-in scores: {', '.join(_DEFAULT_SCORES)}; "
            "any scikit-learn scorer name (sklearn.metrics.get_scorer_names()) also works."
        )
    has_proba = hasattr(estimator, "predict_proba")
    has_ranking = has_proba or hasattr(estimator, "decision_function")
    if not has_proba and not explicit and has_ranking:
        names.remove("brier")
        notes.append(
            f"brier left out: {type(estimator).__name__} has decision_function but no "
            "predict_proba, and the Brier score needs probabilities."
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
    return names, custom


def _threshold_scoring(
    primary: str,
    custom: dict,
    classes: np.ndarray,
    minority: Any,
    notes: list[str],
    strategies: list[_Strategy],
) -> Any:
    """What the threshold strategy maximises: the primary score where it depends on labels."""
    if primary in custom:
        scorer, target = custom[primary], primary
    else:
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
    if any(strategy.kind == "threshold" for strategy in strategies):
        notes.append(
            f"threshold: TunedThresholdClassifierCV maximising {target} with an inner "
            "stratified cross-validation of each training fold; it moves the decision "
            "threshold only, so probabilities (average_precision, brier) stay those of "
            "'none'."
        )
    return scorer


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
    return np.bincount(codes[0] * k + codes[1], minlength=k * k).reshape(k, k)


def _label_scores(matrix: np.ndarray, minority_index: int) -> dict[str, float]:
    """Scores from predicted labels, from the confusion matrix (``zero_division=0``).

    Balanced accuracy averages the recall of the classes present in the
    validation fold (as scikit-learn does); MCC is the multiclass form
    (Gorodkin 2004), 0 when its denominator is 0.
    """
    matrix = matrix.astype(np.float64)
    support, predicted, hits = matrix.sum(axis=1), matrix.sum(axis=0), np.diag(matrix)
    recall = np.divide(hits, support, out=np.zeros_like(hits), where=support > 0)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(hits), where=total > 0)
    n = matrix.sum()
    covariance = hits.sum() * n - support @ predicted
    denominator = math.sqrt((n * n - support @ support) * (n * n - predicted @ predicted))
    return {
        "balanced_accuracy": float(recall[support > 0].mean()),
        "f1_macro": float(f1.mean()),
        "f1_minority": float(f1[minority_index]),
        "recall_minority": float(recall[minority_index]),
        "mcc": float(covariance / denominator) if denominator > 0 else 0.0,
    }


def _fold_scores(
    model: Any,
    X_test: Any,
    y_test: np.ndarray,
    score_names: list[str],
    custom: dict,
    minority: Any,
    classes: np.ndarray,
) -> dict[str, float]:
    values: dict[str, float] = {}
    builtin = [name for name in score_names if name in _SCORE_INPUT]
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
    for name in score_names:
        if name == _FIT_TIME:
            continue
        if name in custom:
            values[name] = float(custom[name](model, X_test, y_test))
        elif name in label_scores:
            values[name] = label_scores[name]
        elif name == "average_precision":
            values[name] = _average_precision(y_test, ranking, classes, minority_index, binary)
        elif name == "brier":
            truth = (y_test[:, None] == classes[None, :]).astype(np.float64)
            if binary:
                error = probabilities[:, minority_index] - truth[:, minority_index]
                values[name] = float(np.mean(error**2))
            else:
                values[name] = float(np.mean(np.sum((probabilities - truth) ** 2, axis=1)))
    return values


def _aligned(proba: np.ndarray, model_classes: Any, classes: np.ndarray) -> np.ndarray:
    """Probability columns in the order of ``classes`` (0 for a class the model never saw)."""
    proba = np.asarray(proba, dtype=np.float64)
    out = np.zeros((proba.shape[0], classes.size))
    position = {_native(label): i for i, label in enumerate(classes)}
    for j, label in enumerate(model_classes):
        out[:, position[_native(label)]] = proba[:, j]
    return out


def _aligned_decision(scores: np.ndarray, model_classes: Any, classes: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        # binary decision_function scores the second of the model's classes
        out = np.zeros((scores.shape[0], classes.size))
        position = {_native(label): i for i, label in enumerate(classes)}
        out[:, position[_native(model_classes[1])]] = scores
        out[:, position[_native(model_classes[0])]] = -scores
        return out
    out = np.full((scores.shape[0], classes.size), -np.inf)
    position = {_native(label): i for i, label in enumerate(classes)}
    for j, label in enumerate(model_classes):
        out[:, position[_native(label)]] = scores[:, j]
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


# --------------------------------------------------------------------------- strategies


def _resolve_strategies(
    strategies: Any, estimator: Any, n_classes: int, notes: list[str]
) -> tuple[list[_Strategy], dict[str, str]]:
    explicit = strategies is not None
    if strategies is None:
        requested: list[tuple[str, Any]] = [(name, None) for name in _DEFAULT_STRATEGIES]
    elif isinstance(strategies, str) or hasattr(strategies, "fit_resample"):
        requested = [_named(strategies)]
    elif isinstance(strategies, dict):
        requested = [(str(name), value) for name, value in strategies.items()]
    elif isinstance(strategies, list | tuple):
        requested = [_named(item) for item in strategies]
    else:
        raise InvalidInputError(
            f"strategies must be None, a list of names and/or samplers, or a dict "
            f"name -> sampler; got {type(strategies).__name__}."
        )
    names = [name for name, _ in requested]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidInputError(
            f"strategy name(s) {', '.join(duplicates)} appear more than once; pass a dict "
            "{name: sampler} to give each sampler its own name."
        )
    if BASELINE not in names:
        requested.insert(0, (BASELINE, None))
    else:
        requested.sort(key=lambda item: item[0] != BASELINE)

    resolved: list[_Strategy] = []
    skipped: dict[str, str] = {}
    for name, value in requested:
        if value is not None:
            if not hasattr(value, "fit_resample"):
                raise InvalidInputError(
                    f"strategy {name!r} must be a sampler with fit_resample (tabaug or "
                    f"imbalanced-learn); got {type(value).__name__}."
                )
            if name == BASELINE:
                raise InvalidInputError(
                    "'none' is the no-resampling baseline; give your sampler another name."
                )
            resolved.append(_Strategy(name, "sampler", sampler=_clonable(value, name)))
            continue
        if name not in _STRATEGY_NAMES:
            raise InvalidInputError(
                f"unknown strategy {name!r}. Valid names: {', '.join(_STRATEGY_NAMES)}; "
                "or pass a sampler object (any imbalanced-learn sampler), or a dict "
                "{name: sampler}."
            )
        strategy, reason = _builtin_strategy(name, estimator, n_classes)
        if strategy is not None:
            resolved.append(strategy)
            continue
        skipped[name] = reason
        notes.append(f"{name} skipped: {reason}")
        logger.info("compare: %s skipped: %s", name, reason)
        if explicit:
            warnings.warn(f"strategy {name!r} skipped: {reason}", TabaugWarning, stacklevel=3)
    return resolved, skipped


def _named(item: Any) -> tuple[str, Any]:
    if isinstance(item, str):
        return item, None
    if hasattr(item, "fit_resample"):
        return type(item).__name__, item
    raise InvalidInputError(
        f"strategies holds {type(item).__name__}; each entry must be a strategy name "
        f"({', '.join(_STRATEGY_NAMES)}) or a sampler with fit_resample."
    )


def _clonable(sampler: Any, name: str) -> Any:
    try:
        clone(sampler)
    except TypeError as error:
        raise InvalidInputError(
            f"sampler {name!r} ({type(sampler).__name__}) cannot be cloned: {error}. compare "
            "fits a fresh copy on every fold; give it get_params/set_params (subclass "
            "sklearn.base.BaseEstimator)."
        ) from error
    return sampler


def _builtin_strategy(
    name: str, estimator: Any, n_classes: int
) -> tuple[_Strategy | None, str]:
    if name == BASELINE:
        return _Strategy(name, "none"), ""
    if name == "class_weight":
        params = _class_weight_params(estimator)
        if not params:
            return None, (
                f"{type(estimator).__name__} has no class_weight parameter "
                "(neither itself nor the last step of its pipeline)"
            )
        return _Strategy(name, "class_weight", class_weight_params=params), ""
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
        return _Strategy(name, "threshold"), ""
    if name in _SAMPLER_NAMES:
        from tabaug.over_sampling import SMOTE, GaussianNoiseOverSampler, RandomOverSampler
        from tabaug.under_sampling import RandomUnderSampler

        sampler = {
            "random_over": RandomOverSampler,
            "random_under": RandomUnderSampler,
            "smote": SMOTE,
            "noise": GaussianNoiseOverSampler,
        }[name]()
        return _Strategy(name, "sampler", sampler=sampler), ""
    return _deep_strategy(name)


def _deep_strategy(name: str) -> tuple[_Strategy | None, str]:
    if importlib.util.find_spec("torch") is None:
        return None, 'needs PyTorch: pip install "tabaug[deep]"'
    try:
        from tabaug import deep
    except ImportError as error:
        return None, f"the deep oversamplers could not be imported ({error})"
    cls = getattr(deep, "CTGANOverSampler" if name == "ctgan" else "TVAEOverSampler", None)
    if cls is None:
        return None, "this tabaug build has no deep oversamplers"
    sampler = cls()
    if "verbose" in sampler.get_params():
        sampler.set_params(verbose=False)
    return _Strategy(name, "sampler", sampler=sampler), ""


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


def _sampler_goes_first(position: str, X: Any, estimator: Any) -> bool:
    if position == "first":
        return True
    is_pipeline = isinstance(estimator, SklearnPipeline) and len(estimator.steps) > 1
    if position == "before_estimator":
        return not is_pipeline
    return bool(_categorical_columns(X)) or not is_pipeline


def _categorical_columns(X: Any) -> list:
    """Columns a sampler must not interpolate: names for DataFrames, positions for arrays."""
    if isinstance(X, pd.DataFrame):
        return [
            column
            for column, dtype in X.dtypes.items()
            if isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_bool_dtype(dtype)
            or not (
                pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
            )
        ]
    if isinstance(X, np.ndarray) and X.dtype.kind == "O":
        columns = []
        for j in range(X.shape[1]):
            try:
                X[:, j].astype(np.float64)
            except (TypeError, ValueError):
                columns.append(j)
        return columns
    return []


def _build_model(
    strategy: _Strategy,
    estimator: Any,
    sampler_first: bool,
    seed: Any,
    threshold_scorer: Any,
    inner_cv: int,
) -> Any:
    model = clone(estimator)
    if strategy.kind == "class_weight":
        model.set_params(**dict.fromkeys(strategy.class_weight_params, "balanced"))
    elif strategy.kind == "threshold":
        from sklearn.model_selection import TunedThresholdClassifierCV

        model = TunedThresholdClassifierCV(model, scoring=threshold_scorer, cv=inner_cv)
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


def _inner_cv(counts: np.ndarray, splits: list) -> int:
    """Folds of the threshold tuner's inner cross-validation: 5, fewer for tiny classes."""
    n_total = sum(counts)
    smallest_train = min(len(train) for train, _ in splits) / n_total * counts.min()
    return int(max(2, min(5, math.floor(smallest_train))))


# --------------------------------------------------------------------------- folds


def _make_splits(
    X: Any,
    y: np.ndarray,
    groups: Any,
    cv: Any,
    n_repeats: int,
    rng: Any,
    counts: np.ndarray,
    classes: np.ndarray,
) -> tuple[list, int, list[int], list[int], str]:
    n_rows = y.shape[0]
    dummy = np.zeros((n_rows, 1))
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape[0] != n_rows:
            raise InvalidInputError(
                f"groups has {groups.shape[0]} entries but X has {n_rows} rows; give one "
                "group label per row."
            )
    if cv is None or (isinstance(cv, int | np.integer) and not isinstance(cv, bool)):
        k = 5 if cv is None else int(cv)
        if k < 2:
            raise InvalidInputError(f"cv must be at least 2 folds; got {k}.")
        smallest = int(counts.min())
        if smallest < k:
            label = classes[int(np.argmin(counts))]
            raise InsufficientSamplesError(
                f"{label_text(label, prefix=True)} has {smallest} rows, but {k}-fold stratified "
                f"cross-validation needs at least {k} per class. Use cv={max(2, smallest)} "
                "or fewer folds, or merge/drop that class."
            )
        seed = None if rng is None else int(rng.randint(np.iinfo(np.int32).max))
        splits = []
        repeat_of, fold_of = [], []
        if groups is None:
            splitter = RepeatedStratifiedKFold(n_splits=k, n_repeats=n_repeats, random_state=seed)
            for index, (train, test) in enumerate(splitter.split(dummy, y)):
                splits.append((train, test))
                repeat_of.append(index // k)
                fold_of.append(index % k)
            text = f"{k}-fold stratified cross-validation x {_repeats(n_repeats)}"
        else:
            seeds = np.random.RandomState(seed).randint(np.iinfo(np.int32).max, size=n_repeats)
            for repeat in range(n_repeats):
                splitter = StratifiedGroupKFold(
                    n_splits=k, shuffle=True, random_state=None if rng is None else seeds[repeat]
                )
                for fold, (train, test) in enumerate(splitter.split(dummy, y, groups)):
                    splits.append((train, test))
                    repeat_of.append(repeat)
                    fold_of.append(fold)
            text = f"{k}-fold stratified group cross-validation x {_repeats(n_repeats)}"
    else:
        if hasattr(cv, "split"):
            splits = [(np.asarray(a), np.asarray(b)) for a, b in cv.split(X, y, groups)]
            text = f"{type(cv).__name__} ({len(splits)} splits)"
        else:
            try:
                splits = [(np.asarray(a), np.asarray(b)) for a, b in cv]
            except (TypeError, ValueError) as error:
                raise InvalidInputError(
                    "cv must be None, an int, a splitter with split(X, y, groups) or an "
                    f"iterable of (train, test) index arrays; got {type(cv).__name__}."
                ) from error
            text = f"given splits ({len(splits)})"
        k = len(splits)
        per_repeat = getattr(cv, "n_repeats", None)
        if isinstance(per_repeat, int) and per_repeat > 0 and len(splits) % per_repeat == 0:
            k = len(splits) // per_repeat
        repeat_of = [index // k for index in range(len(splits))]
        fold_of = [index % k for index in range(len(splits))]
    if len(splits) < 2:
        raise InvalidInputError(
            f"compare needs at least 2 splits to measure spread and test differences; "
            f"got {len(splits)}."
        )
    for train, test in splits:
        if np.intersect1d(train, test).size:
            raise InvalidInputError(
                "a split has rows in both its training and its validation part; "
                "cross-validation splits must be disjoint."
            )
    return splits, k, repeat_of, fold_of, text


def _repeats(n: int) -> str:
    return f"{n} repeat" if n == 1 else f"{n} repeats"


def _take(X: Any, rows: np.ndarray) -> Any:
    if isinstance(X, pd.DataFrame):
        return X.iloc[rows]
    return X[rows]


def _run_task(
    model: Any,
    name: str,
    split_index: int,
    X: Any,
    y: np.ndarray,
    split: tuple[np.ndarray, np.ndarray],
    score_names: list[str],
    custom: dict,
    minority: Any,
    classes: np.ndarray,
) -> dict[str, Any]:
    train, test = split
    try:
        start = time.perf_counter()
        model.fit(_take(X, train), y[train])
        fit_time = time.perf_counter() - start
        values = _fold_scores(model, _take(X, test), y[test], score_names, custom, minority,
                              classes)
    except Exception as error:
        if name == BASELINE:
            error.add_note(f"(tabaug.compare: strategy {name!r}, split {split_index})")
            raise
        # One strategy failing (a class too small for it, a constant model) must not
        # sink the comparison: the strategy is dropped with the reason in the notes.
        return {"strategy": name, "split": split_index,
                _FAILED: f"{type(error).__name__}: {error}"}
    return {
        "strategy": name,
        "split": split_index,
        "n_train": int(train.size),
        "n_test": int(test.size),
        **values,
        _FIT_TIME: fit_time,
    }


def _drop_failed(
    records: list[dict], strategy_list: list, skipped: dict[str, str], notes: list[str]
) -> tuple[list[dict], list]:
    """Remove every strategy that failed on some split, saying why."""
    failed: dict[str, str] = {}
    for record in records:
        if _FAILED in record and record["strategy"] not in failed:
            failed[record["strategy"]] = (
                f"failed on split {record['split']} ({record[_FAILED]})"
            )
    for name, reason in failed.items():
        skipped[name] = reason
        notes.append(f"{name} skipped: {reason}")
        warnings.warn(f"strategy {name!r} skipped: {reason}", TabaugWarning, stacklevel=3)
    kept = [record for record in records if record["strategy"] not in failed]
    return kept, [strategy for strategy in strategy_list if strategy.name not in failed]


def _fit_smote_to_folds(
    strategy_list: list, skipped: dict[str, str], notes: list[str], y: np.ndarray,
    splits: list,
) -> None:
    """Shrink the built-in SMOTE's k_neighbors to what the smallest training class allows."""
    for index, strategy in enumerate(strategy_list):
        if strategy.name != "smote" or not hasattr(strategy.sampler, "k_neighbors"):
            continue
        k = strategy.sampler.k_neighbors
        if not isinstance(k, int):
            continue
        smallest = min(int(np.unique(y[train], return_counts=True)[1].min())
                       for train, _ in splits)
        if smallest > k:
            continue
        if smallest < 2:
            skipped["smote"] = f"a training fold has a class of {smallest} row"
            notes.append(f"smote skipped: {skipped['smote']}")
            del strategy_list[index]
            return
        strategy.sampler.set_params(k_neighbors=smallest - 1)
        notes.append(
            f"smote: k_neighbors lowered from {k} to {smallest - 1}, since the smallest class "
            f"has {smallest} rows in some training fold."
        )
        return


def _progress(iterable: Any, total: int, enabled: bool) -> Any:
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _plain_progress(iterable, total)
    return tqdm(iterable, total=total, desc="tabaug.compare", unit="fit", leave=False)


def _plain_progress(iterable: Any, total: int) -> Any:
    """A one-line counter on stderr, for installs without tqdm (the core has none)."""
    for done, item in enumerate(iterable, start=1):
        sys.stderr.write(f"\rtabaug.compare: {done}/{total} fits")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
        yield item


# --------------------------------------------------------------------------- tests, summary


def _paired_tests(
    fold_scores: pd.DataFrame,
    names: list[str],
    score_names: list[str],
    greater: dict[str, bool],
    n_train: float,
    n_test: float,
    min_effect: float,
    alpha: float,
) -> pd.DataFrame:
    baseline = fold_scores[fold_scores["strategy"] == BASELINE].set_index("split")
    rows = []
    for score in score_names:
        family = []
        for name in names:
            if name == BASELINE:
                rows.append(
                    {"strategy": name, "score": score, "diff_vs_none": 0.0, "t_statistic": 0.0,
                     "p_value_uncorrected": 1.0, "p_value": 1.0, "significant": False,
                     "better": False}
                )
                continue
            own = fold_scores[fold_scores["strategy"] == name].set_index("split")[score]
            differences = (own - baseline[score].reindex(own.index)).to_numpy()
            test = corrected_resampled_ttest(differences, n_train, n_test)
            row = {
                "strategy": name, "score": score, "diff_vs_none": test.mean_difference,
                "t_statistic": test.t_statistic, "p_value_uncorrected": test.p_value,
            }
            rows.append(row)
            family.append(row)
        adjusted = holm(np.array([row["p_value_uncorrected"] for row in family]))
        for row, p in zip(family, adjusted, strict=True):
            diff = row["diff_vs_none"]
            row["p_value"] = float(p)
            row["significant"] = bool(p < alpha and abs(diff) >= min_effect)
            row["better"] = bool(row["significant"] and (diff > 0) == greater[score])
    order = {name: i for i, name in enumerate(names)}
    frame = pd.DataFrame(rows)
    frame["_order"] = frame["strategy"].map(order)
    frame["_score"] = frame["score"].map({s: i for i, s in enumerate(score_names)})
    return (
        frame.sort_values(["_order", "_score"], kind="stable")
        .drop(columns=["_order", "_score"])
        .reset_index(drop=True)
    )


def _winners(tests: pd.DataFrame, primary: str) -> list[str]:
    rows = tests[(tests["score"] == primary) & tests["better"]]
    ascending = primary in _LOWER_IS_BETTER
    return rows.sort_values("diff_vs_none", ascending=ascending)["strategy"].tolist()


def _summary(
    fold_scores: pd.DataFrame,
    tests: pd.DataFrame,
    primary: str,
    winners: list[str],
    kinds: dict[str, str],
    skipped: dict[str, str],
    min_effect: float,
    alpha: float,
    greater: dict[str, bool],
) -> str:
    def mean(name: str, score: str) -> float:
        return float(fold_scores.loc[fold_scores["strategy"] == name, score].mean())

    def described(rows: pd.DataFrame) -> str:
        return ", ".join(
            f"{row.strategy} ({row.diff_vs_none:+.3f}, {_report.format_p_value(row.p_value)})"
            for row in rows.itertuples()
        )

    on_primary = tests[(tests["score"] == primary) & (tests["strategy"] != BASELINE)]
    baseline_text = f"'none': {mean(BASELINE, primary):.3f}"
    sentences = []
    if winners:
        rows = on_primary.set_index("strategy").loc[winners].reset_index()
        verb = "beats" if len(winners) == 1 else "beat"
        sentences.append(
            f"On {primary}, {described(rows)} {verb} the baseline ({baseline_text})."
        )
        best = winners[0]
        if len(winners) > 1:
            sentences.append(f"Best: {best} ({mean(best, primary):.3f}).")
        if all(kinds[name] != "sampler" for name in winners):
            sentences.append(
                f"No resampling strategy beats the baseline: prefer {best} to resampling."
            )
    elif on_primary.empty:
        sentences.append(
            f"On {primary}, no strategy beats the baseline ({baseline_text}): only the "
            "baseline ran."
        )
    else:
        sentences.append(
            f"On {primary}, no strategy beats the baseline ({baseline_text}): no difference "
            f"is both significant (Holm-adjusted p < {alpha:g}) and at least {min_effect:g}. "
            "It is safer not to resample."
        )
        sign = 1 if greater[primary] else -1
        largest = on_primary.loc[(sign * on_primary["diff_vs_none"]).idxmax()]
        if sign * largest["diff_vs_none"] >= min_effect:
            n_splits = int(fold_scores["split"].nunique())
            sentences.append(
                f"The largest difference, {largest['strategy']} "
                f"({largest['diff_vs_none']:+.3f}, {_report.format_p_value(largest['p_value'])}"
                f"), is not significant over {n_splits} splits; more repeats (n_repeats) "
                "would give a clearer answer."
            )
    worse = on_primary[on_primary["significant"] & ~on_primary["better"]]
    if not worse.empty:
        sentences.append(f"Significantly worse than the baseline: {described(worse)}.")
    if "brier" in greater:
        brier = tests[(tests["score"] == "brier") & tests["significant"] & ~tests["better"]]
        if not brier.empty:
            sentences.append(
                "Predicted probabilities got worse (higher Brier score) with "
                f"{', '.join(brier['strategy'])}: recalibrate before using them as risks."
            )
    if skipped:
        sentences.append(f"Skipped: {', '.join(skipped)} (see notes).")
    return " ".join(sentences)


# --------------------------------------------------------------------------- estimators


def make_estimator(name: str, X: Any, *, random_state: Any = None) -> Any:
    """One of three standard classifiers, with categorical preprocessing inside.

    Categorical columns (category, bool, object or string dtypes in a
    DataFrame; non-numeric columns of an object array) are encoded inside the
    returned Pipeline, so :func:`compare` can put a sampler in front of it and
    the sampler sees categories, never one-hot floats.

    Parameters
    ----------
    name : {'logistic', 'random-forest', 'hist-gradient-boosting'}
        ``'logistic'``: one-hot encoding of categorical columns, standard
        scaling of numeric ones, ``LogisticRegression(max_iter=1000)``.
        ``'random-forest'``: ordinal encoding, ``RandomForestClassifier()``.
        ``'hist-gradient-boosting'``: ordinal encoding with native
        categorical support, ``HistGradientBoostingClassifier()``.
        Underscores work in place of hyphens.
    X : DataFrame or array-like
        The data the model will see (only its column types are read).
    random_state : int or None, default=None
        Seed of the random forest and gradient boosting.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> import pandas as pd
    >>> from tabaug._compare import make_estimator
    >>> X = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "city": pd.Categorical(list("abab"))})
    >>> [step for step, _ in make_estimator("logistic", X).steps]
    ['columntransformer', 'logisticregression']
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    key = str(name).strip().lower().replace("_", "-")
    if key not in _ESTIMATOR_NAMES:
        raise InvalidInputError(
            f"unknown estimator {name!r}; choose one of {', '.join(_ESTIMATOR_NAMES)}."
        )
    X = _as_matrix(X)
    categorical = _categorical_columns(X)
    if isinstance(X, pd.DataFrame):
        numeric = [column for column in X.columns if column not in categorical]
        dates = [c for c in numeric if pd.api.types.is_datetime64_any_dtype(X[c].dtype)]
        if dates:
            raise InvalidTypeError(
                f"datetime column(s) {dates} cannot go into {key} directly; convert them to "
                "numbers (e.g. days since a date) or drop them."
            )
    else:
        numeric = [j for j in range(X.shape[1]) if j not in categorical]
    if key == "logistic":
        columns = ColumnTransformer(
            [
                ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
                ("numeric", StandardScaler(), numeric),
            ]
        )
        return make_pipeline(columns, LogisticRegression(max_iter=1000))
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=-1,
        encoded_missing_value=-1,
        **({"max_categories": 255} if key == "hist-gradient-boosting" else {}),
    )
    columns = ColumnTransformer(
        [("categorical", encoder, categorical)], remainder="passthrough"
    )
    if key == "random-forest":
        return make_pipeline(columns, RandomForestClassifier(random_state=random_state))
    mask = [True] * len(categorical) + [False] * len(numeric)
    return make_pipeline(
        columns,
        HistGradientBoostingClassifier(
            categorical_features=mask if categorical else None, random_state=random_state
        ),
    )
