"""The :func:`audit` function: settings checks, then read, count, and check features."""

from __future__ import annotations

import numbers
from dataclasses import replace
from typing import Any

from tabaug._audit._checks import (
    prepare_table,
    repeat_counts,
    run_difficulty,
    run_leakage,
    split_duplicates,
)
from tabaug._audit._counting import count_classes
from tabaug._audit._inputs import AuditInput, Table, read_input
from tabaug._audit._result import BalanceAudit
from tabaug.utils import check_option, check_scalar, dask_backend, is_dask_collection

__all__ = ["audit"]


def audit(
    data: Any,
    *,
    target: str | None = None,
    split: Any = None,
    minority_threshold: float = 0.5,
    extreme_ratio: float = 100.0,
    check_leakage: bool | None = None,
    difficulty: bool = False,
    max_rows: int = 100_000,
    random_state: int | None = 0,
) -> BalanceAudit:
    """Audit how classes are spread across a dataset and its splits.

    Parameters
    ----------
    data : array-like, DataFrame, dict, or path
        One of:

        - the target alone (list, numpy array, Series): one split, ``"all"``;
        - a DataFrame with a ``target`` column (and optionally a ``split``
          column); its other columns are the features;
        - a dict ``{split name: y}`` or ``{split name: (X, y)}``;
        - the path of a CSV or Parquet file with a ``target`` column (and
          optionally a ``split`` column). Without a leakage check only those
          columns are read, chunk by chunk (Parquet column projection,
          pyarrow's streaming CSV reader when pyarrow is installed), so
          memory stays flat in the number of rows. CSV labels that are all
          whole numbers are read as integers, others as text; empty CSV
          fields are missing values;
        - a Dask DataFrame (``tabaug[dask]``): counts by one pass over the
          partitions, difficulty on a seeded sample of ``max_rows`` rows
          drawn across partitions; with ``check_leakage=True``, exact
          repeats counted on every row by hash joins (never gathering the
          rows), near-duplicate and SMOTE checks on a seeded sample of at
          most ``max_rows`` rows split evenly across classes.
    target : str, optional
        The target column; required for a DataFrame or a file.
    split : str or array-like, optional
        The split column of the DataFrame or file, or, with a bare target,
        an array of split names (one per row).
    minority_threshold : float, default=0.5
        A class is a minority class when its overall share is below
        ``minority_threshold / k`` for ``k`` classes: under half its share
        in a balanced dataset by default (under 25% with two classes, under
        10% with five). Must lie in (0, 1].
    extreme_ratio : float, default=100.0
        Warn about extreme imbalance when the overall majority/minority ratio
        is at least this (at least 1).
    check_leakage : bool, optional
        Look for held-out rows (every split but the reference split,
        ``train`` if present, else the first) made from training rows.
        Default: True when features are given in memory (a DataFrame with a
        split column, or ``(X, y)`` pairs), False for files and Dask
        DataFrames, where it means reading every column. Three checks, each judging every
        class against the largest class, which no oversampler grows
        (resampling before splitting makes training and held-out rows
        interchangeable, so comparing them with each other cannot see it):

        - exact repeats: the share of a class's held-out rows that repeat a
          training row of the class (64-bit row hashes, every row);
        - near duplicates: how close a held-out row is to its closest
          training row of the class, relative to its 30th closest (noise-
          jittered copies, and originals whose copies went to training, sit
          much closer than that);
        - SMOTE rows: held-out rows on the line through two training rows
          of the class, on every numeric column at once.

        A class is flagged, with a warning, when its rate is clearly above
        the largest class's (Holm-adjusted one-sided p below 0.01 and a
        clear effect). Duplicates that every class has alike (natural
        duplicates) are reported without alarm. A leak that touches every
        class alike is invisible to this rule. Near-duplicate and SMOTE
        checks query at most ``max_rows`` held-out rows.
    difficulty : bool, default=False
        Also measure how hard each class is, on the reference split (all
        rows when there is one split): for every class but the largest, the
        shares of safe, borderline, rare and outlier examples (4-5, 2-3, 1
        or 0 of the 5 nearest neighbours in the class, HEOM distance:
        numbers by range, categories by match, missing values as a
        difference of about 1); N3, the leave-one-out 1-nearest-neighbour
        error; and Lorena et al.'s maximum Fisher discriminant ratio. Needs
        features.
    max_rows : int, default=100_000
        Above this many rows, the rows classified by ``difficulty`` (and the
        held-out rows of the near-duplicate and SMOTE checks) are a seeded
        sample; their neighbours are still searched among all rows, with
        faiss's approximate index when it is installed (``pip install
        "tabaug[neighbors]"``) and a search compares more than 300 million
        query-row pairs (e.g. 3,000 rows among 100,000), exactly otherwise.
        For a file, the rows are a seeded sample of ``max_rows`` rows read in
        one pass. The report names the sampling and the search.
    random_state : int or None, default=0
        Seed of that sampling.

    Returns
    -------
    BalanceAudit

    Raises
    ------
    InvalidTargetError
        If the target is empty or has a single class, or mixes text and
        numbers.
    InvalidInputError
        If a column is missing, a file cannot be read, the inputs disagree
        in length, a check needs features that were not given, or a feature
        cell cannot be compared (a list, a dict) by the leakage check.
    InvalidParameterError
        If a setting is out of range (a subclass of InvalidInputError).

    Notes
    -----
    Rows without a target value, and rows without a split value when there
    are splits, are left out of every count; they are never dropped
    silently: the result says how many (``missing_target``,
    ``missing_split``) and a warning repeats it.

    Examples
    --------
    >>> import pandas as pd
    >>> from tabaug import audit
    >>> frame = pd.DataFrame(
    ...     {
    ...         "x": range(12),
    ...         "label": ["a"] * 8 + ["b"] * 2 + ["a", "a"],
    ...         "split": ["train"] * 10 + ["test"] * 2,
    ...     }
    ... )
    >>> result = audit(frame, target="label", split="split")
    >>> result.splits, result.counts["test"].tolist()
    (['train', 'test'], [2, 0])
    >>> print(result.warnings[0])
    class 'b' has no rows in split 'test' (2 in 'train').
    >>> checked = audit(frame, target="label", split="split", difficulty=True)
    >>> sorted(checked.difficulty["b"])
    ['borderline', 'n_rows', 'outlier', 'rare', 'safe', 'sampled']
    >>> checked.leakage["reference"]  # the largest class, each class is compared with
    'a'
    """
    check_scalar(
        minority_threshold, "minority_threshold", owner="audit", low=0, high=1, include_low=False
    )
    check_scalar(extreme_ratio, "extreme_ratio", owner="audit", low=1)
    check_option(check_leakage, "check_leakage", (None, True, False), owner="audit")
    check_option(difficulty, "difficulty", (True, False), owner="audit")
    check_scalar(max_rows, "max_rows", owner="audit", kind=numbers.Integral, low=10)
    check_scalar(
        random_state, "random_state", owner="audit", kind=numbers.Integral, low=0, allow_none=True
    )
    if is_dask_collection(data):
        given = dask_backend().audit_input(
            data, target, split, check_leakage, difficulty=difficulty, max_rows=max_rows,
            random_state=random_state,
        )
        inputs = AuditInput(given["counts"], None, given["target"],
                            table=None if given["sample"] is None else Table(*given["sample"]))
    else:
        inputs = read_input(
            data,
            target,
            split,
            check_leakage,
            difficulty=difficulty,
            max_rows=max_rows,
            random_state=random_state,
        )
    counting = count_classes(inputs.counts, inputs.target, minority_threshold, extreme_ratio)
    if is_dask_collection(data) and check_leakage:
        # the exact counts are taken against the reference split the counting chose
        repeats, sample = dask_backend().leakage_input(
            data, target, split, inputs.counts, counting.reference, max_rows=max_rows,
            random_state=random_state,
        )
        inputs = replace(inputs, repeats=repeats, leakage_table=Table(*sample))
    warnings, notes = list(counting.warnings), []
    encoded, rows = prepare_table(inputs.table, counting)
    duplicates, leakage, found = {}, None, None
    if inputs.checks_leakage:
        repeats = repeat_counts(inputs, counting)
        split_level = split_duplicates(repeats, counting)
        duplicates = split_level.duplicates
        sample = inputs.leakage_table
        near_encoded, near_rows = (encoded, rows) if sample is None \
            else prepare_table(sample, counting)
        class_level = run_leakage(
            repeats, counting, near_encoded, near_rows, max_rows, random_state,
            sampled_from=None if sample is None else sample.sampled_from,
        )
        leakage = class_level.leakage
        warnings += split_level.warnings + class_level.warnings
        notes += class_level.notes
    if difficulty:
        assessed = run_difficulty(inputs.table, encoded, rows, counting, max_rows, random_state)
        found = assessed.difficulty
        notes += assessed.notes
    overall = counting.overall
    return BalanceAudit(
        target=inputs.target,
        splits=counting.splits,
        labels=counting.labels,
        counts=counting.counts,
        shares=counting.shares,
        imbalance_ratio=counting.imbalance[overall],
        normalized_entropy=counting.entropy[overall],
        per_split={
            c: {
                "rows": int(counting.counts[c].sum()),
                "imbalance_ratio": counting.imbalance[c],
                "normalized_entropy": counting.entropy[c],
            }
            for c in counting.counts.columns
        },
        minority_classes=counting.minority,
        minority_threshold=minority_threshold,
        drift=counting.drift,
        duplicates=duplicates,
        warnings=warnings,
        n_rows=counting.n_rows,
        missing_target=counting.missing_target,
        missing_split=counting.missing_split,
        difficulty=None if found is None else found.classes,
        overlap=None if found is None else {"n3": found.n3, "fisher_ratio": found.fisher_ratio},
        leakage=leakage,
        readings=[] if found is None else list(found.readings),
        notes=notes,
        checked={"difficulty": difficulty, "leakage": inputs.checks_leakage},
    )
