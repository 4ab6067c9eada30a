"""Every input form of :func:`tabaug.audit`, read into the same :class:`AuditInput`.

A bare target, a DataFrame with target (and split) columns, a dict of splits
and a CSV or Parquet file all become class counts per split, plus row hashes
per split when features are to be checked for leakage. Labels go through the
shared label check (:func:`tabaug.utils.check_labels`), so a continuous or
mixed-type target gets the same message here as in every other entry point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tabaug._audit._leakage import hash_splits, row_hashes
from tabaug.exceptions import InvalidInputError
from tabaug.utils import (
    check_consistent_length,
    check_labels,
    is_path,
    iter_chunks,
    require_columns,
)
from tabaug.utils import count_rows as count_file_rows


@dataclass(frozen=True)
class AuditInput:
    """Counts per split, and row hashes per split when leakage is checked.

    ``counts`` maps a split name to the counts of its labels; rows without a
    split value are under a missing name (None or NaN) and rows without a
    label under a missing label, so nothing is dropped before counting.
    """

    counts: dict[Any, pd.Series]
    hashes: dict[Any, np.ndarray] | None
    target: str | None


def read_input(data: Any, target: Any, split: Any, check_leakage: bool | None) -> AuditInput:
    """Read any input form of :func:`tabaug.audit`."""
    if is_path(data):
        return _from_file(data, target, split, bool(check_leakage))
    return _from_memory(data, target, split, check_leakage)


def _require(target: Any, what: str) -> Any:
    if target is None:
        raise InvalidInputError(f"pass target='column name' to audit {what}")
    return target


def as_labels(values: Any, name: str) -> pd.Series:
    """One column of class labels as a Series; missing labels are kept (counted apart)."""
    array = check_labels(values, name=name, allow_missing=True)
    if isinstance(values, pd.DataFrame):
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    return pd.Series(array)


def _split_values(split: Any, n_labels: int) -> np.ndarray:
    values = split.to_numpy() if isinstance(split, pd.Series | pd.Index) else np.asarray(split)
    if values.ndim != 1:
        raise InvalidInputError(
            f"split must be one split name per row (1-D); got shape {values.shape}. Pass an "
            "array of names such as ['train', 'test', ...]."
        )
    if len(values) != n_labels:
        raise InvalidInputError(
            f"split has {len(values)} values but the target has {n_labels}: pass one split "
            "name per row of the target."
        )
    return values


def _from_memory(data: Any, target: Any, split: Any, check_leakage: bool | None) -> AuditInput:
    features: dict[Any, Any] = {}
    if isinstance(data, pd.DataFrame):
        target = _require(target, "a DataFrame")
        needed = [target] + ([split] if split is not None else [])
        missing = [column for column in needed if column not in data.columns]
        if missing:
            raise InvalidInputError(
                f"no column {', '.join(map(repr, missing))} in the DataFrame; its columns are: "
                f"{', '.join(map(str, data.columns[:20]))}"
            )
        check_labels(data[target], name=f"frame[{target!r}]", allow_missing=True)
        if split is None:
            labels = {"all": data[target]}
        else:
            groups = data.groupby(split, sort=False, dropna=False, observed=True)
            labels = {name: part[target] for name, part in groups}
            features = {name: part.drop(columns=needed) for name, part in groups}
    elif isinstance(data, Mapping):
        if not data:
            raise InvalidInputError("the dict of splits is empty; pass {'train': y_train, ...}")
        labels = {}
        for name, value in data.items():
            if isinstance(value, tuple):
                if len(value) != 2:
                    raise InvalidInputError(
                        f"split {name!r}: pass y or an (X, y) pair, got a tuple of {len(value)}"
                    )
                X, y = value
                y = as_labels(y, f"y[{name!r}]")
                check_consistent_length(len(X), len(y), rows=f"rows in split {name!r}")
                features[name] = X
                labels[name] = y
            else:
                labels[name] = as_labels(value, f"y[{name!r}]")
        target = target or next((y.name for y in labels.values() if y.name is not None), None)
    else:
        y = as_labels(data, "y")
        target = target or (str(y.name) if y.name is not None else None)
        if split is None:
            labels = {"all": y}
        else:
            frame = pd.DataFrame({"s": _split_values(split, len(y)), "t": y.to_numpy()})
            # dropna=False: rows without a split name are counted apart and reported
            groups = frame.groupby("s", sort=False, dropna=False)
            labels = {name: part["t"] for name, part in groups}
    counts = {name: y.value_counts(dropna=False) for name, y in labels.items()}
    hashes = None
    has_features = len(features) == len(labels) and len(labels) > 1
    if check_leakage is None:
        check_leakage = has_features and all(_n_columns(X) > 0 for X in features.values())
    if check_leakage:
        if not has_features:
            raise InvalidInputError(
                "check_leakage needs features for at least two splits: pass "
                "{'train': (X_train, y_train), 'test': (X_test, y_test)} or a DataFrame "
                "with a split column"
            )
        hashes = hash_splits(features)
    return AuditInput(counts, hashes, None if target is None else str(target))


def _n_columns(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None:
        return shape[1] if len(shape) > 1 else 1
    return np.asarray(X).shape[1]


def _from_file(path: Any, target: Any, split: Any, check_leakage: bool) -> AuditInput:
    target = _require(target, "a file")
    if split is not None and not isinstance(split, str):
        raise InvalidInputError("with a file, split must be the name of a column")
    if not check_leakage or split is None:
        raw = count_file_rows(path, target, split)
        counts: dict[Any, dict[Any, int]] = {}
        for (split_value, label), n in raw.items():
            name = "all" if split is None else split_value
            counts.setdefault(name, {})[label] = n
        return AuditInput(_text_labels(counts), None, target)
    needed = [target, split]
    require_columns(path, needed)
    counts, hash_parts = {}, {}
    for chunk in iter_chunks(path, None, as_text=True):
        labels = chunk[target].where(chunk[target] != "")
        split_values = chunk[split].where(chunk[split] != "")
        for name, part in chunk.groupby(split_values, sort=False, dropna=False, observed=True):
            part_counts = counts.setdefault(name, {})
            for label, n in labels.loc[part.index].value_counts(dropna=False).items():
                key = None if pd.isna(label) else label
                part_counts[key] = part_counts.get(key, 0) + int(n)
            hash_parts.setdefault(name, []).append(row_hashes(part.drop(columns=needed)))
    hashes = {name: np.concatenate(parts) for name, parts in hash_parts.items()}
    return AuditInput(_text_labels(counts), hashes, target)


def _text_labels(counts: dict[Any, dict[Any, int]]) -> dict[Any, pd.Series]:
    """Counts as Series; text labels that are all whole numbers become ints."""
    labels = {label for part in counts.values() for label in part if label is not None}
    as_int = all(isinstance(label, str) and re.fullmatch(r"-?\d+", label) for label in labels)
    result = {}
    for name, part in counts.items():
        keys = [None if label is None else int(label) if as_int else label for label in part]
        result[name] = pd.Series(list(part.values()), index=pd.Index(keys, dtype=object))
    return result
