"""compare: does resampling help *this* model on *this* data? The orchestration.

:func:`compare` fits every strategy (no resampling, class weights, decision
threshold tuning, each resampler) on the same repeated stratified folds,
resamples inside the training folds only, scores each fit on the untouched
validation fold, and tests each strategy against no resampling with a paired
test over those folds. The jobs live beside it: strategies (``_strategies``),
scores (``_scoring``), folds and fits (``_folds``), statistics (``_stats``)
and the result with its renderings (``_result``).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from tabaug.exceptions import InvalidParameterError, InvalidTypeError, TabaugWarning
from tabaug.model_selection._folds import FitTask, make_splits, run_task, with_progress
from tabaug.model_selection._result import ComparisonResult, summarize
from tabaug.model_selection._scoring import resolve_scoring, threshold_target
from tabaug.model_selection._stats import paired_tests, winners
from tabaug.model_selection._strategies import (
    BASELINE,
    Skip,
    StrategyPlan,
    build_model,
    fit_smote_to_folds,
    inner_cv,
    resolve_strategies,
    sampler_goes_first,
)
from tabaug.utils import (
    check_consistent_length,
    check_features,
    check_option,
    check_scalar,
    check_target,
    plain_value,
    require_classes,
)

__all__ = ["compare"]

SAMPLER_POSITIONS = ("auto", "first", "before_estimator")


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
        always run first, as the baseline. Names take hyphens or underscores
        (``'random-over'`` and ``'random_over'``).
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
    InvalidParameterError
        Unknown strategy or score names, bad settings (a subclass of
        InvalidInputError).
    InvalidInputError
        Mismatched lengths, an empty ``X``.
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
    X = check_features(X, owner="compare")
    y, _ = check_target(y)
    check_consistent_length(X.shape[0], y.shape[0])
    classes, counts = require_classes(y, what="there is nothing to balance or compare")
    _check_estimator(estimator)
    class_counts = {
        plain_value(label): int(count) for label, count in zip(classes, counts, strict=True)
    }
    minority = plain_value(classes[int(np.argmin(counts))])

    scoring_plan = resolve_scoring(scoring, estimator)
    if primary not in scoring_plan.names:
        raise InvalidParameterError(
            f"primary={primary!r} is not among the scores ({', '.join(scoring_plan.names)}); "
            "pick one of them or add it to scoring."
        )
    score_names = scoring_plan.all_names
    greater = scoring_plan.greater_is_better()

    rng = check_random_state(random_state) if random_state is not None else None
    splits = make_splits(X, y, groups, cv, n_repeats, rng, counts, classes)
    if rng is None:
        seeds = [None] * len(splits.pairs)
    else:
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits.pairs)).tolist()

    plan = resolve_strategies(strategies, estimator, len(classes))
    _warn_skipped(plan.skipped)
    plan = fit_smote_to_folds(plan, y, splits.pairs)
    first = sampler_goes_first(sampler_position, X, estimator)
    threshold = threshold_target(primary, scoring_plan, classes, minority)
    if "threshold" in plan.kinds().values():
        plan = plan.with_note(threshold.note)
    inner_folds = inner_cv(counts, splits.pairs)

    tasks = [
        FitTask(
            strategy.name,
            split_index,
            build_model(strategy, estimator, first, seeds[split_index], threshold.scorer,
                        inner_folds),
            *splits.pairs[split_index],
        )
        for split_index in range(len(splits.pairs))
        for strategy in plan.strategies
    ]
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    outputs = parallel(
        delayed(run_task)(task, X, y, scoring_plan, minority, classes, BASELINE)
        for task in tasks
    )
    records = list(with_progress(outputs, len(tasks), progress))
    plan, failures = _drop_failed(plan, records)
    _warn_skipped(failures)

    fold_scores = _fold_table(records, plan, splits, score_names)
    names = plan.names
    tests = paired_tests(fold_scores, names, score_names, greater, BASELINE, min_effect, alpha)
    best = winners(tests, primary, greater[primary])
    skipped = {skip.name: skip.reason for skip in plan.skipped}
    placement = "placement of samplers: " + (
        "in front of the whole estimator (ResampledClassifier), on the columns of X as given"
        if first
        else "between the estimator's preprocessing and its final step "
        "(imbalanced-learn Pipeline)"
    ) + "."
    summary = summarize(
        fold_scores, tests, primary, best, plan.kinds(), skipped, min_effect, alpha, greater
    )
    return ComparisonResult(
        fold_scores=fold_scores,
        tests=tests,
        summary=summary,
        winners=best,
        strategies=names,
        skipped=skipped,
        scores=score_names,
        primary=primary,
        greater_is_better=greater,
        notes=[placement, *scoring_plan.notes, *plan.notes],
        n_splits=splits.n_splits,
        n_repeats=splits.n_repeats,
        min_effect=min_effect,
        alpha=alpha,
        estimator_name=_describe(estimator),
        classes=[plain_value(label) for label in classes],
        class_counts=class_counts,
        minority=minority,
        cv_description=splits.description,
    )


def _fold_table(records: list, plan: StrategyPlan, splits: Any, score_names: list[str]
                ) -> pd.DataFrame:
    """The fold scores of the strategies that ran, in strategy then split order."""
    kept = set(plan.names)
    fold_scores = pd.DataFrame.from_records(
        [record.row() for record in records if record.strategy in kept]
    )
    fold_scores["repeat"] = [splits.repeat_of[i] for i in fold_scores["split"]]
    fold_scores["fold"] = [splits.fold_of[i] for i in fold_scores["split"]]
    fold_scores = fold_scores[
        ["strategy", "split", "repeat", "fold", "n_train", "n_test", *score_names]
    ]
    order = {name: i for i, name in enumerate(plan.names)}
    fold_scores["_order"] = fold_scores["strategy"].map(order)
    return (
        fold_scores.sort_values(["_order", "split"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _drop_failed(plan: StrategyPlan, records: list) -> tuple[StrategyPlan, list[Skip]]:
    """The plan without every strategy that failed on some split, and the skips saying why."""
    failed: dict[str, str] = {}
    for record in records:
        if record.error is not None and record.strategy not in failed:
            failed[record.strategy] = f"failed on split {record.split} ({record.error})"
    skips = [Skip(name, reason, warn=True) for name, reason in failed.items()]
    return plan.without(skips), skips


def _warn_skipped(skips: Any) -> None:
    for skip in skips:
        if skip.warn:
            warnings.warn(f"strategy {skip.name!r} skipped: {skip.reason}", TabaugWarning,
                          stacklevel=3)


# --------------------------------------------------------------------------- input checks


def _check_settings(
    n_repeats: Any, min_effect: Any, alpha: Any, sampler_position: Any, n_jobs: Any
) -> None:
    check_scalar(n_repeats, "n_repeats", owner="compare", kind=numbers.Integral, low=1)
    check_scalar(min_effect, "min_effect", owner="compare", low=0)
    check_scalar(alpha, "alpha", owner="compare", low=0, high=1, include_low=False,
                 include_high=False)
    check_option(sampler_position, "sampler_position", SAMPLER_POSITIONS, owner="compare")
    check_scalar(n_jobs, "n_jobs", owner="compare", kind=numbers.Integral, allow_none=True)
    if n_jobs == 0:
        raise InvalidParameterError(
            "compare: n_jobs must be None or a non-zero integer (-1 for every core); got 0."
        )


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
