"""compare: does resampling help *this* model on *this* data? The orchestration.

:func:`compare` fits every strategy (no resampling, class weights, decision
threshold tuning, each resampler, ensembles) on the same repeated stratified
folds, resamples inside the training folds only, scores each fit on the
untouched validation fold, and tests each strategy against no resampling
with a paired test over those folds, for one model or several. The jobs live
beside it: input checks (``_checks``), strategies (``_strategies``), scores
(``_scoring``), folds and fits (``_folds``), the runs of each model
(``_runs``), statistics (``_stats``) and the result with its renderings
(``_result``, ``_summary``, ``_plots``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from tabaug.exceptions import InvalidParameterError
from tabaug.model_selection._checks import (
    check_columns,
    check_models,
    check_settings,
    describe,
)
from tabaug.model_selection._folds import make_splits
from tabaug.model_selection._result import ComparisonResult
from tabaug.model_selection._runs import RunTables, finish_run, plan_run, run_fits, tasks_of
from tabaug.model_selection._scoring import ScoringPlan, resolve_scoring, threshold_target
from tabaug.model_selection._strategies import inner_cv
from tabaug.model_selection._summary import summarize, summarize_models
from tabaug.utils import (
    check_consistent_length,
    check_features,
    check_target,
    plain_value,
    require_classes,
)

__all__ = ["compare"]

_WILCOXON_NOTE = (
    "test: Wilcoxon signed-rank test over the paired split differences, offered to compare "
    "with published work; it ignores that the training sets of the splits overlap, so it "
    "overstates significance (test='corrected_t' accounts for the overlap)."
)


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
    test: str = "corrected_t",
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
    estimator : classifier or dict of str to classifier
        The model to compare strategies for: any scikit-learn classifier or
        Pipeline (categorical encoding can live inside it; see
        ``sampler_position``). Cloned for every fit; parameters named
        ``random_state`` that are None are seeded from ``random_state`` so
        that runs repeat. A dict compares several models at once (whether
        balancing helps depends on the learner): every model runs every
        strategy on the same splits; the result then has a ``model``
        column, ``winners`` per model, and the Holm correction runs within
        each model and score. A model from scikit-learn (or
        imbalanced-learn) without a Pipeline or ColumnTransformer inside is
        refused before the first fit when ``X`` has text or category
        columns it cannot read (see :func:`make_estimator`).
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
        oversamplers), ``'adversarial'`` and ``'adversarial_m2m'``
        (AdversarialOverSampler in its boundary mode, and in its M2m mode
        with ``epsilon=1.0``; when M2m cannot reach a class the strategy
        fails and is dropped with a note); these four only when named, and only with ``pip install
        "tabaug[deep]"``; ``'balanced_bagging'`` and ``'easy_ensemble'``
        (imbalanced-learn's BalancedBaggingClassifier and
        EasyEnsembleClassifier around the final step of a Pipeline
        estimator, so its preprocessing still sees the columns of ``X``, or
        around the whole estimator otherwise; only when named). Every
        resampling strategy ``<name>`` also comes as ``'<name>+corrected'``
        (the same fits, with probabilities mapped back to the real class
        shares: ``ResampledClassifier(probabilities="prior_corrected")``;
        ``<name>`` is added if not given) and ``'<name>+calibrated'`` (its own
        fits, ``probabilities="calibrated"``, with an inner cross-validation
        of each training fold); only when named, so the default Holm family
        is unchanged. ``predict`` of both keeps the resampled decision, so
        their label scores equal ``<name>``'s and only the probability
        scores move. A list may also hold sampler objects (tabaug or
        imbalanced-learn; each is named after its class), and a dict maps
        your names to samplers (or None for a built-in name or variant).
        None means ``'none'``, ``'class_weight'``, ``'threshold'``,
        ``'random_over'``, ``'random_under'``, ``'smote'`` and ``'noise'``.
        ``'none'`` is always run first, as the baseline. Names take hyphens
        or underscores (``'random-over'`` and ``'random_over'``).
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
        multiclass: the multiclass Brier score, 0..2), ``'log_loss'``
        (probabilities clipped to [1e-15, 1]) and ``'ece'`` (expected
        calibration error in 10 equal-width bins, weighted by their rows, of
        the minority class's probability on binary targets and of the top
        label's on multiclass ones); lower is better for these three. Any
        scikit-learn scorer name is accepted too, and a dict maps names to
        scorers ``scorer(estimator, X, y)`` (greater is better). None means
        all built-ins (those needing probabilities are left out, with a
        note, for a model without ``predict_proba``). ``fit_time`` (seconds,
        resampling included; a ``+corrected`` strategy shows its base's) is
        always added.
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
        Pipeline, between its preprocessing and its final step (the final
        step becomes a ResampledClassifier), so distance-based samplers such
        as SMOTE see scaled features. ``'auto'``: ``'first'`` when ``X`` has
        categorical columns (category, bool, object or string dtypes; so
        SMOTE sees categories and never interpolates one-hot floats), else
        ``'before_estimator'``. A sampler that fails on data with categorical
        columns while in front of the estimator gets a note on how to move it.
    test : {'corrected_t', 'wilcoxon'}, default='corrected_t'
        The paired test against ``none``: Nadeau and Bengio's corrected
        resampled t-test, or a Wilcoxon signed-rank test over the paired
        split differences, offered only to compare with published work that
        used it: it ignores the overlap of the training sets and overstates
        significance (the result's notes say so). Holm-corrected either way.

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
    each score (and model); a difference is significant when the adjusted
    p-value is below ``alpha`` and its size at least ``min_effect``. Splits where a
    strategy and ``none`` score the same give a difference of 0 and a
    p-value of 1. The summary reads the primary score only.

    Warnings that the fits raise (ConvergenceWarning, ExtremeOversamplingWarning,
    ...) are gathered: each kind is shown once, with how many times it was
    raised, and listed in the notes. With ``n_jobs`` and joblib's threading
    backend, Python's warning filters are shared by the threads, so a count
    can miss a warning raised while another fit finished.

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
    check_settings(n_repeats, min_effect, alpha, sampler_position, n_jobs, test)
    X = check_features(X, owner="compare")
    y, _ = check_target(y)
    check_consistent_length(X.shape[0], y.shape[0])
    classes, counts = require_classes(y, what="there is nothing to balance or compare")
    models = check_models(estimator)
    for name, model in models.items():
        check_columns(X, model, name)
    minority = plain_value(classes[int(np.argmin(counts))])

    scoring_plan = _common_scoring(scoring, models)
    if primary not in scoring_plan.names:
        raise InvalidParameterError(
            f"primary={primary!r} is not among the scores ({', '.join(scoring_plan.names)}); "
            "pick one of them or add it to scoring."
        )

    rng = check_random_state(random_state) if random_state is not None else None
    splits = make_splits(X, y, groups, cv, n_repeats, rng, counts, classes)
    if rng is None:
        seeds = [None] * len(splits.pairs)
    else:
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits.pairs)).tolist()
    threshold = threshold_target(primary, scoring_plan, classes, minority)
    inner_folds = inner_cv(counts, splits.pairs)

    # plain loops, not comprehensions: the warnings these calls raise point at the caller
    runs = []
    for name, model in models.items():
        runs.append(plan_run(name, model, strategies, X, y, splits, sampler_position,
                             threshold, len(classes), inner_folds))
    tasks = sorted((task for run in runs
                    for task in tasks_of(run, splits, seeds, threshold, inner_folds)),
                   key=lambda task: task.split_index)
    records, warning_notes = run_fits(tasks, X, y, scoring_plan, minority, classes, n_jobs,
                                      progress)
    tables = []
    for run in runs:
        tables.append(finish_run(run, records, splits, scoring_plan, primary, min_effect,
                                 alpha, test))

    greater = scoring_plan.greater_is_better()
    common = dict(
        scores=scoring_plan.all_names,
        primary=primary,
        greater_is_better=greater,
        n_splits=splits.n_splits,
        n_repeats=splits.n_repeats,
        min_effect=min_effect,
        alpha=alpha,
        classes=[plain_value(label) for label in classes],
        class_counts={plain_value(label): int(count)
                      for label, count in zip(classes, counts, strict=True)},
        minority=minority,
        cv_description=splits.description,
        test=test,
    )
    extra_notes = [*warning_notes, *([_WILCOXON_NOTE] if test == "wilcoxon" else [])]
    if None in models:
        return _single_result(tables[0], scoring_plan, extra_notes, common)
    return _multi_result(tables, scoring_plan, extra_notes, common)


def _common_scoring(scoring: Any, models: dict) -> ScoringPlan:
    """The scores every model can give (with one model: its own), and the notes on the rest."""
    plans = {name: resolve_scoring(scoring, model) for name, model in models.items()}
    if None in plans:
        return plans[None]
    first = next(iter(plans.values()))
    names = tuple(n for n in first.names if all(n in plan.names for plan in plans.values()))
    notes = tuple(f"{name}: {note}" for name, plan in plans.items() for note in plan.notes)
    return ScoringPlan(names, first.custom, notes)


def _single_result(tables: RunTables, scoring: ScoringPlan, extra_notes: list[str],
                   common: dict) -> ComparisonResult:
    run = tables.run
    skipped = {skip.name: skip.reason for skip in run.plan.skipped}
    summary = summarize(tables.fold_scores, tables.tests, common["primary"], tables.winners,
                        run.plan.kinds(), skipped, common["min_effect"], common["alpha"],
                        common["greater_is_better"])
    return ComparisonResult(
        fold_scores=tables.fold_scores,
        tests=tables.tests,
        summary=summary,
        winners=tables.winners,
        strategies=run.plan.names,
        skipped=skipped,
        notes=[run.placement, *scoring.notes, *run.plan.notes, *extra_notes],
        estimator_name=describe(run.estimator),
        reliability=tables.reliability,
        **common,
    )


def _multi_result(tables: list[RunTables], scoring: ScoringPlan, extra_notes: list[str],
                  common: dict) -> ComparisonResult:
    def with_model(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        return frame.assign(model=name)[["model", *frame.columns]]

    models = [table.run.name for table in tables]
    strategies = list(dict.fromkeys(name for table in tables for name in table.run.plan.names))
    notes = [f"{table.run.name}: {note}" for table in tables
             for note in (table.run.placement, *table.run.plan.notes)]
    return ComparisonResult(
        fold_scores=pd.concat([with_model(t.fold_scores, t.run.name) for t in tables],
                              ignore_index=True),
        tests=pd.concat([with_model(t.tests, t.run.name) for t in tables], ignore_index=True),
        summary=summarize_models(tables, common["primary"], common["min_effect"],
                                 common["alpha"], common["greater_is_better"]),
        winners={table.run.name: table.winners for table in tables},
        strategies=strategies,
        skipped={f"{table.run.name}/{skip.name}": skip.reason for table in tables
                 for skip in table.run.plan.skipped},
        notes=[*notes, *scoring.notes, *extra_notes],
        estimator_name="; ".join(f"{t.run.name}: {describe(t.run.estimator)}" for t in tables),
        reliability=pd.concat([with_model(t.reliability, t.run.name) for t in tables],
                              ignore_index=True),
        models=models,
        **common,
    )
