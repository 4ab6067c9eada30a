"""Folds of compare: the splits every strategy shares, and one fit on one split.

:func:`make_splits` builds the repeated (group-)stratified splits, or reads
the caller's; :class:`FitTask` is one strategy on one split and
:func:`run_task` fits and scores it, returning a :class:`FitRecord`; a
strategy that fails on a split is reported in its record, not raised, so
one bad strategy cannot sink the comparison.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedGroupKFold

from tabaug.exceptions import InsufficientSamplesError, InvalidParameterError
from tabaug.model_selection._scoring import FIT_TIME, ScoringPlan, fold_scores
from tabaug.utils import check_consistent_length, label_text

__all__ = [
    "FitRecord",
    "FitTask",
    "Splits",
    "make_splits",
    "prior_corrected_view",
    "run_task",
    "with_progress",
]


@dataclass(frozen=True)
class Splits:
    """The (train, test) index pairs every strategy uses, and where each one sits."""

    pairs: list[tuple[np.ndarray, np.ndarray]]
    n_splits: int
    repeat_of: list[int]
    fold_of: list[int]
    description: str

    @property
    def n_repeats(self) -> int:
        return max(self.repeat_of) + 1


def make_splits(
    X: Any,
    y: np.ndarray,
    groups: Any,
    cv: Any,
    n_repeats: int,
    rng: Any,
    counts: np.ndarray,
    classes: np.ndarray,
) -> Splits:
    """The splits of ``cv`` (see :func:`~tabaug.compare`), checked: at least 2, each disjoint."""
    n_rows = y.shape[0]
    if groups is not None:
        groups = np.asarray(groups)
        check_consistent_length(n_rows, groups.shape[0], rows="rows",
                                names=("X", "groups"))
    if cv is None or (isinstance(cv, int | np.integer) and not isinstance(cv, bool)):
        splits = _stratified(y, groups, 5 if cv is None else int(cv), n_repeats, rng, counts,
                             classes)
    else:
        splits = _given(X, y, groups, cv)
    if len(splits.pairs) < 2:
        raise InvalidParameterError(
            f"compare needs at least 2 splits to measure spread and test differences; "
            f"got {len(splits.pairs)}."
        )
    for train, test in splits.pairs:
        if np.intersect1d(train, test).size:
            raise InvalidParameterError(
                "a split has rows in both its training and its validation part; "
                "cross-validation splits must be disjoint."
            )
    return splits


def _stratified(y: np.ndarray, groups: Any, k: int, n_repeats: int, rng: Any,
                counts: np.ndarray, classes: np.ndarray) -> Splits:
    if k < 2:
        raise InvalidParameterError(f"cv must be at least 2 folds; got {k}.")
    smallest = int(counts.min())
    if smallest < k:
        label = classes[int(np.argmin(counts))]
        raise InsufficientSamplesError(
            f"{label_text(label, prefix=True)} has {smallest} rows, but {k}-fold stratified "
            f"cross-validation needs at least {k} per class. Use cv={max(2, smallest)} "
            "or fewer folds, or merge/drop that class."
        )
    dummy = np.zeros((y.shape[0], 1))
    seed = None if rng is None else int(rng.randint(np.iinfo(np.int32).max))
    pairs, repeat_of, fold_of = [], [], []
    if groups is None:
        splitter = RepeatedStratifiedKFold(n_splits=k, n_repeats=n_repeats, random_state=seed)
        for index, (train, test) in enumerate(splitter.split(dummy, y)):
            pairs.append((train, test))
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
                pairs.append((train, test))
                repeat_of.append(repeat)
                fold_of.append(fold)
        text = f"{k}-fold stratified group cross-validation x {_repeats(n_repeats)}"
    return Splits(pairs, k, repeat_of, fold_of, text)


def _given(X: Any, y: np.ndarray, groups: Any, cv: Any) -> Splits:
    if isinstance(cv, str | bytes | bool | float):
        raise InvalidParameterError(
            f"cv must be None, an int, a splitter with split(X, y, groups) or an iterable of "
            f"(train, test) index arrays; got {cv!r}. Pass e.g. cv=5."
        )
    if hasattr(cv, "split"):
        pairs = [(np.asarray(a), np.asarray(b)) for a, b in cv.split(X, y, groups)]
        text = f"{type(cv).__name__} ({len(pairs)} splits)"
    else:
        try:
            pairs = [(np.asarray(a), np.asarray(b)) for a, b in cv]
        except (TypeError, ValueError) as error:
            raise InvalidParameterError(
                "cv must be None, an int, a splitter with split(X, y, groups) or an "
                f"iterable of (train, test) index arrays; got {type(cv).__name__}."
            ) from error
        text = f"given splits ({len(pairs)})"
    k = len(pairs)
    per_repeat = getattr(cv, "n_repeats", None)
    if isinstance(per_repeat, int) and per_repeat > 0 and len(pairs) % per_repeat == 0:
        k = len(pairs) // per_repeat
    repeat_of = [index // k for index in range(len(pairs))]
    fold_of = [index % k for index in range(len(pairs))]
    return Splits(pairs, k, repeat_of, fold_of, text)


def _repeats(n: int) -> str:
    return f"{n} repeat" if n == 1 else f"{n} repeats"


@dataclass(frozen=True)
class FitTask:
    """One strategy's unfitted model on one split.

    ``corrected`` names the ``+corrected`` variant scored from this same
    fit with prior-corrected probabilities (no refit), if one was asked for. ``model_name`` is the
    key of the estimator when several models are compared.
    """

    strategy: str
    split_index: int
    model: Any
    train: np.ndarray
    test: np.ndarray
    corrected: str = ""
    model_name: str | None = None


@dataclass(frozen=True)
class FitRecord:
    """What one fit gave: its scores and reliability bins, or why it failed (``error``).

    ``warnings`` holds (category, message) of the warnings the fit raised
    when it ran in a worker process (in this process, compare gathers them).
    """

    strategy: str
    split: int
    n_train: int = 0
    n_test: int = 0
    scores: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    bins: np.ndarray | None = None
    model_name: str | None = None
    warnings: tuple[tuple[type, str], ...] = ()

    def row(self) -> dict[str, Any]:
        """The record as a row of ``fold_scores``."""
        return {"strategy": self.strategy, "split": self.split, "n_train": self.n_train,
                "n_test": self.n_test, **self.scores}


def _take(X: Any, rows: np.ndarray) -> Any:
    # The caller's index stays on the rows (unlike utils.take_rows), so a
    # custom scorer or transformer that reads it sees the rows it was given.
    if isinstance(X, pd.DataFrame):
        return X.iloc[rows]
    return X[rows]


def run_task(task: FitTask, X: Any, y: np.ndarray, scoring: ScoringPlan, minority: Any,
             classes: np.ndarray, baseline: str, main_process: int) -> list[FitRecord]:
    """Fit ``task.model`` on the training rows and score it (and its ``+corrected`` views).

    A failure of the ``baseline`` strategy is raised (with the split in a
    note); any other strategy's failure is returned in its records. In a
    worker process (not ``main_process``) the fit's warnings are caught and
    returned, since the caller never sees a worker's warnings.
    """
    if os.getpid() == main_process:
        return _fit_and_score(task, X, y, scoring, minority, classes, baseline)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        records = _fit_and_score(task, X, y, scoring, minority, classes, baseline)
    seen = tuple((w.category, str(w.message)) for w in caught)
    return [dataclasses.replace(records[0], warnings=seen), *records[1:]]


def _fit_and_score(task: FitTask, X: Any, y: np.ndarray, scoring: ScoringPlan,
                   minority: Any, classes: np.ndarray, baseline: str) -> list[FitRecord]:
    names = [task.strategy, *([task.corrected] if task.corrected else [])]
    try:
        start = time.perf_counter()
        task.model.fit(_take(X, task.train), y[task.train])
        fit_time = time.perf_counter() - start
        X_test, y_test = _take(X, task.test), y[task.test]
        results = [fold_scores(task.model, X_test, y_test, scoring, minority, classes)]
        if task.corrected:
            view = prior_corrected_view(task.model)
            results += [fold_scores(view, X_test, y_test, scoring, minority, classes)]
    except Exception as error:
        if task.strategy == baseline:
            error.add_note(f"(tabaug.compare: strategy {task.strategy!r}, split "
                           f"{task.split_index})")
            raise
        # One strategy failing (a class too small for it, a constant model) must not
        # sink the comparison: the strategy is dropped with the reason in the notes.
        return [FitRecord(name, task.split_index, error=f"{type(error).__name__}: {error}",
                          model_name=task.model_name) for name in names]
    # the +corrected view shares the fit (and its fit time) of the strategy it corrects
    return [
        FitRecord(name, task.split_index, int(task.train.size), int(task.test.size),
                  {**result.values, FIT_TIME: fit_time}, bins=result.bins,
                  model_name=task.model_name)
        for name, result in zip(names, results, strict=True)
    ]


def prior_corrected_view(model: Any) -> Any:
    """The fitted ``model`` (a ResampledClassifier, maybe the last step of a Pipeline), with
    prior-corrected probabilities: the same fit, seen through another ``probabilities``."""
    from sklearn.pipeline import Pipeline

    last = model.steps[-1][1] if isinstance(model, Pipeline) else model
    view = copy.copy(last)
    view.probabilities = "prior_corrected"
    if last is model:
        return view
    return Pipeline([*model.steps[:-1], (model.steps[-1][0], view)])


def with_progress(iterable: Any, total: int, enabled: bool) -> Any:
    """``iterable`` with a progress bar (tqdm, else a plain counter on stderr) when enabled."""
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
