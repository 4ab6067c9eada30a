"""The runs of compare: one per model, each a plan, its fits on every split, and its tables.

:func:`plan_run` settles what one model runs (a :class:`ModelRun`);
:func:`run_fits` fits every task of every run, in parallel, gathering the
warnings the fits raise; :func:`finish_run` turns a run's records into its
fold scores, reliability bins and paired tests (a :class:`RunTables`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import TabaugWarning
from tabaug.model_selection._folds import FitRecord, FitTask, Splits, run_task, with_progress
from tabaug.model_selection._scoring import N_BINS, ScoringPlan, ThresholdTarget
from tabaug.model_selection._stats import paired_tests, winners
from tabaug.model_selection._strategies import (
    BASELINE,
    Skip,
    StrategyPlan,
    build_model,
    fit_smote_to_folds,
    resolve_strategies,
    sampler_goes_first,
)
from tabaug.utils import categorical_columns

__all__ = ["ModelRun", "RunTables", "finish_run", "plan_run", "run_fits", "tasks_of"]


@dataclass(frozen=True)
class ModelRun:
    """One model's part of a comparison: what it runs and where its samplers go."""

    name: str | None
    estimator: Any
    plan: StrategyPlan
    sampler_first: bool
    # appended to the reason of a sampler that fails on data with categorical columns
    hint: str = ""

    @property
    def placement(self) -> str:
        where = (
            "in front of the whole estimator (ResampledClassifier), on the columns of X as given"
            if self.sampler_first
            else "between the estimator's preprocessing and its final step "
            "(a ResampledClassifier as the final step)"
        )
        return f"placement of samplers: {where}."


def plan_run(name: str | None, estimator: Any, strategies: Any, X: Any, y: np.ndarray,
             splits: Splits, sampler_position: str, threshold: ThresholdTarget,
             n_classes: int, inner_folds: int) -> ModelRun:
    plan = resolve_strategies(strategies, estimator, n_classes)
    for skip in plan.skipped:
        _warn_skip(skip, name, stacklevel=4)
    plan = fit_smote_to_folds(plan, y, splits.pairs, inner_folds)
    if "threshold" in plan.kinds().values():
        plan = plan.with_note(threshold.note)
    first = sampler_goes_first(sampler_position, X, estimator)
    categorical = categorical_columns(X)
    hint = ""
    if first and categorical:
        shown = ", ".join(map(str, categorical[:5])) + (", ..." if len(categorical) > 5 else "")
        hint = (
            f". X has categorical columns ({shown}), which a sampler in front of the "
            "estimator sees as given: a numeric-only sampler (e.g. imbalanced-learn's ADASYN "
            "or SMOTE) cannot read them. Use sampler_position='before_estimator' with a "
            "Pipeline estimator that encodes them (e.g. make_estimator('logistic', X)), or a "
            "sampler for mixed data (tabaug.SMOTE, imbalanced-learn's SMOTENC)"
        )
    return ModelRun(name, estimator, plan, first, hint)


def tasks_of(run: ModelRun, splits: Splits, seeds: list, threshold: ThresholdTarget,
             inner_folds: int) -> list[FitTask]:
    """One task per strategy that fits a model and per split (``+corrected`` ride along)."""
    corrected = {s.base: s.name for s in run.plan.strategies if s.kind == "corrected"}
    return [
        FitTask(
            strategy.name,
            index,
            build_model(strategy, run.estimator, run.sampler_first, seeds[index],
                        threshold.scorer, inner_folds),
            *splits.pairs[index],
            corrected=corrected.get(strategy.name, ""),
            model_name=run.name,
        )
        for index in range(len(splits.pairs))
        for strategy in run.plan.strategies
        if strategy.kind != "corrected"
    ]


def run_fits(tasks: list[FitTask], X: Any, y: np.ndarray, scoring: ScoringPlan, minority: Any,
             classes: np.ndarray, n_jobs: Any, progress: bool
             ) -> tuple[list[FitRecord], list[str]]:
    """Every record of every task, and notes on the warnings the fits raised (each shown once)."""
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    outputs = parallel(
        delayed(run_task)(task, X, y, scoring, minority, classes, BASELINE, os.getpid())
        for task in tasks
    )
    # Fits in this process (sequential or threads) warn here; a worker process returns
    # its fits' warnings in the records.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        records = [record for batch in with_progress(outputs, len(tasks), progress)
                   for record in batch]
    seen = [(w.category, str(w.message)) for w in caught]
    seen += [item for record in records for item in record.warnings]
    return records, _gathered(seen)


def _gathered(seen: list[tuple[type, str]]) -> list[str]:
    """One note and one warning per kind of warning, with how many times it was raised."""
    counts: Counter = Counter()
    first: dict[tuple[type, str], str] = {}
    for category, message in seen:
        # the same warning about another fold differs only in its numbers
        key = (category, re.sub(r"\d+(\.\d+)?", "#", message))
        counts[key] += 1
        first.setdefault(key, message)
    notes = []
    for key, count in counts.items():
        category, message = key[0], first[key]
        times = "once" if count == 1 else f"{count} times"
        short = " ".join(message.split())
        short = short if len(short) <= 200 else short[:197] + "..."
        notes.append(f"{category.__name__} raised {times} during the fits, e.g.: {short}")
        warnings.warn(f"{message} ({times} during compare's fits; see the result's notes)",
                      category if issubclass(category, Warning) else UserWarning, stacklevel=4)
    return notes


@dataclass(frozen=True)
class RunTables:
    """One model's results: the plan after failures, fold scores, reliability bins, tests."""

    run: ModelRun
    fold_scores: pd.DataFrame
    reliability: pd.DataFrame
    tests: pd.DataFrame
    winners: list[str]


def finish_run(run: ModelRun, records: list[FitRecord], splits: Splits, scoring: ScoringPlan,
               primary: str, min_effect: float, alpha: float, test: str) -> RunTables:
    own = [record for record in records if record.model_name == run.name]
    plan = _drop_failed(run, own)
    run = dataclasses.replace(run, plan=plan)
    kept = [record for record in own if record.strategy in set(plan.names)]
    score_names = scoring.all_names
    greater = scoring.greater_is_better()
    fold_scores = _fold_table(kept, plan, splits, score_names)
    tests = paired_tests(fold_scores, plan.names, score_names, greater, BASELINE, min_effect,
                         alpha, test)
    return RunTables(run, fold_scores, _reliability(kept, plan), tests,
                     winners(tests, primary, greater[primary]))


def _drop_failed(run: ModelRun, records: list[FitRecord]) -> StrategyPlan:
    """The plan without every strategy that failed on some split, each with a warning."""
    kinds = run.plan.kinds()
    failed: dict[str, str] = {}
    for record in records:
        if record.error is not None and record.strategy not in failed:
            reason = f"failed on split {record.split} ({record.error})"
            if kinds.get(record.strategy) in ("sampler", "corrected"):
                reason += run.hint
            failed[record.strategy] = reason
    skips = [Skip(name, reason, warn=True) for name, reason in failed.items()]
    for skip in skips:
        _warn_skip(skip, run.name, stacklevel=5)
    return run.plan.without(skips)


def _warn_skip(skip: Skip, model: str | None, *, stacklevel: int) -> None:
    if skip.warn:
        where = "" if model is None else f" for model {model!r}"
        warnings.warn(f"strategy {skip.name!r} skipped{where}: {skip.reason}", TabaugWarning,
                      stacklevel=stacklevel)


def _fold_table(records: list[FitRecord], plan: StrategyPlan, splits: Splits,
                score_names: list[str]) -> pd.DataFrame:
    """The fold scores of the strategies that ran, in strategy then split order."""
    fold_scores = pd.DataFrame.from_records([record.row() for record in records])
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


def _reliability(records: list[FitRecord], plan: StrategyPlan) -> pd.DataFrame:
    """Per strategy and bin (all splits pooled): rows, mean predicted probability, observed rate."""
    rows = []
    for name in plan.names:
        bins = [record.bins for record in records
                if record.strategy == name and record.bins is not None]
        if not bins:
            continue
        total = np.sum(bins, axis=0)
        for index in np.flatnonzero(total[:, 0] > 0):
            count, predicted, observed = total[index]
            rows.append({"strategy": name, "bin": int(index), "low": index / N_BINS,
                         "high": (index + 1) / N_BINS, "rows": int(count),
                         "mean_predicted": predicted / count, "observed": observed / count})
    columns = ["strategy", "bin", "low", "high", "rows", "mean_predicted", "observed"]
    return pd.DataFrame(rows, columns=columns)
