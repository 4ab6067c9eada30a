"""The :func:`audit` function: settings checks, then read, count and check leakage."""

from __future__ import annotations

from typing import Any

from tabaug._audit._counting import count_classes
from tabaug._audit._inputs import AuditInput, read_input
from tabaug._audit._leakage import exact_duplicates
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
          fields are missing values.
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
        Look for rows of each split whose features exactly repeat a row of
        the reference split (``train`` if present, else the first), by
        hashing rows chunk by chunk (``pandas.util.hash_pandas_object``,
        64-bit). Default: True when features are given in memory (a
        DataFrame with a split column, or ``(X, y)`` pairs), False for files,
        where it means reading every column (in chunks, as text for CSV).

    Returns
    -------
    BalanceAudit

    Raises
    ------
    InvalidTargetError
        If the target is empty or has a single class.
    InvalidInputError
        If a column is missing, a file cannot be read, the inputs disagree
        in length, or a feature cell cannot be compared (a list, a dict)
        by the leakage check.
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
    """
    check_scalar(
        minority_threshold, "minority_threshold", owner="audit", low=0, high=1, include_low=False
    )
    check_scalar(extreme_ratio, "extreme_ratio", owner="audit", low=1)
    check_option(check_leakage, "check_leakage", (None, True, False), owner="audit")
    if is_dask_collection(data):
        counts, target_name = dask_backend().audit_input(data, target, split, check_leakage)
        inputs = AuditInput(counts, None, target_name)
    else:
        inputs = read_input(data, target, split, check_leakage)
    counting = count_classes(inputs.counts, inputs.target, minority_threshold, extreme_ratio)
    warnings = list(counting.warnings)
    duplicates = {}
    if inputs.hashes is not None:
        known = set(counting.splits)
        hashes = {str(name): value for name, value in inputs.hashes.items() if str(name) in known}
        duplicates = exact_duplicates(hashes, counting.reference)
        for s, entry in duplicates.items():
            if entry["duplicates"]:
                warnings.append(
                    f"{entry['duplicates']:,} of {entry['rows']:,} rows of '{s}' "
                    f"({100 * entry['share']:.1f}%) exactly repeat a row of "
                    f"'{counting.reference}': rows were probably resampled or augmented before "
                    "splitting, which leaks training rows into evaluation. Split first, then "
                    "resample the training split only (e.g. in a Pipeline)."
                )
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
    )

