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

from tabaug._audit._leakage import as_frame, check_same_columns, hash_splits
from tabaug.exceptions import InvalidInputError
from tabaug.utils import (
    check_consistent_length,
    check_labels,
    is_path,
    iter_chunks,
    require_columns,
    row_hashes,
)
from tabaug.utils import count_rows as count_file_rows


@dataclass(frozen=True)
class Table:
    """Rows with their features, labels and split names (a seeded sample, for big files).

    ``labels`` may hold missing values and ``splits`` missing names: the
    checks leave those rows out. ``sampled_from`` is the number of rows the
    sample was drawn from (None when every row is here).
    """

    features: pd.DataFrame | None
    labels: np.ndarray
    splits: np.ndarray
    sampled_from: int | None = None


@dataclass(frozen=True)
class AuditInput:
    """Counts per split and, when features are checked, their row hashes and table.

    ``counts`` maps a split name to the counts of its labels; rows without a
    split value are under a missing name (None or NaN) and rows without a
    label under a missing label, so nothing is dropped before counting.
    ``hashes`` (split -> row hashes) and ``hashed`` (every hashed row's
    hash, label and split) are there when leakage is checked; ``table``
    when leakage or difficulty is. From Dask, ``repeats`` holds the
    exact-repeat counts instead of hashes (``(splits, natural, held_out,
    train, pooled)`` as in ``RepeatCounts``, keyed by split name and label),
    and ``leakage_table`` a sample of rows, at most ``max_rows`` per class,
    for the near-duplicate and SMOTE checks.
    """

    counts: dict[Any, pd.Series]
    hashes: dict[Any, np.ndarray] | None
    target: str | None
    hashed: Table | None = None
    table: Table | None = None
    repeats: tuple | None = None
    leakage_table: Table | None = None

    @property
    def checks_leakage(self) -> bool:
        return self.hashes is not None or self.repeats is not None


def read_input(
    data: Any,
    target: Any,
    split: Any,
    check_leakage: bool | None,
    *,
    difficulty: bool = False,
    max_rows: int = 100_000,
    random_state: int | None = 0,
) -> AuditInput:
    """Read any input form of :func:`tabaug.audit`."""
    if is_path(data):
        if check_leakage or difficulty:
            return _sample_file(data, target, split, bool(check_leakage), max_rows, random_state)
        return _from_file(data, target, split)
    return _from_memory(data, target, split, check_leakage, difficulty)


NO_FEATURES = (
    "needs features: pass a DataFrame with the target (and split) columns and feature "
    "columns, or {'train': (X_train, y_train), 'test': (X_test, y_test)}"
)


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


def _from_memory(
    data: Any, target: Any, split: Any, check_leakage: bool | None, difficulty: bool
) -> AuditInput:
    features: dict[Any, Any] = {}
    table = None
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
        table = Table(
            data.drop(columns=needed),
            data[target].to_numpy(dtype=object),
            np.full(len(data), "all", dtype=object)
            if split is None
            else data[split].to_numpy(dtype=object),
        )
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
                n_rows = X.shape[0] if hasattr(X, "shape") else len(X)  # sparse: no len()
                check_consistent_length(n_rows, len(y), rows=f"rows in split {name!r}")
                features[name] = X
                labels[name] = y
            else:
                labels[name] = as_labels(value, f"y[{name!r}]")
        target = target or next((y.name for y in labels.values() if y.name is not None), None)
        if len(features) == len(labels):
            table = _stack(features, labels)
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
    hashes = hashed = None
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
        hashed = Table(
            None,
            np.concatenate([labels[name].to_numpy(dtype=object) for name in hashes]),
            np.concatenate([np.full(len(hashes[name]), name, dtype=object) for name in hashes]),
        )
    if difficulty and (table is None or table.features.shape[1] == 0):
        raise InvalidInputError(f"difficulty {NO_FEATURES}")
    if not (check_leakage or difficulty):
        table = None
    return AuditInput(counts, hashes, None if target is None else str(target), hashed, table)


def _stack(features: dict[Any, Any], labels: dict[Any, pd.Series]) -> Table:
    """The splits' features as one table (the same columns in every split)."""
    frames = [as_frame(X).reset_index(drop=True) for X in features.values()]
    check_same_columns(dict(zip(features, frames, strict=True)))
    return Table(
        pd.concat(frames, ignore_index=True),
        np.concatenate([labels[name].to_numpy(dtype=object) for name in features]),
        np.concatenate([np.full(len(X), name, dtype=object) for name, X in zip(
            features, frames, strict=True)]),
    )


def _n_columns(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None:
        return shape[1] if len(shape) > 1 else 1
    return np.asarray(X).shape[1]


def _file_columns(path: Any, target: Any, split: Any) -> list[str]:
    _require(target, "a file")
    if split is not None and not isinstance(split, str):
        raise InvalidInputError("with a file, split must be the name of a column")
    needed = [target] + ([split] if split is not None else [])
    require_columns(path, needed)
    return needed


def _from_file(path: Any, target: Any, split: Any) -> AuditInput:
    _file_columns(path, target, split)
    raw = count_file_rows(path, target, split)
    counts: dict[Any, dict[Any, int]] = {}
    for (split_value, label), n in raw.items():
        name = "all" if split is None else split_value
        counts.setdefault(name, {})[label] = n
    return AuditInput(_text_labels(counts)[0], None, target)


def _sample_file(
    path: Any, target: Any, split: Any, check_leakage: bool, max_rows: int, seed: int | None
) -> AuditInput:
    """One pass over the file: counts, row hashes (for leakage) and a seeded row sample.

    The sample keeps the ``max_rows`` rows with a label and a split whose
    random keys are smallest, a uniform sample whatever the chunking.
    """
    needed = _file_columns(path, target, split)
    if check_leakage and split is None:
        raise InvalidInputError(
            "check_leakage needs at least two splits: pass split='column naming each row's "
            "split'"
        )
    rng = np.random.default_rng(seed)
    counts: dict[Any, dict[Any, int]] = {}
    hash_parts: dict[Any, list[np.ndarray]] = {}
    label_parts: dict[Any, list[pd.Series]] = {}
    kept: pd.DataFrame | None = None
    n_usable = 0
    for chunk in iter_chunks(path, None, as_text=True):
        labels = chunk[target].where(chunk[target] != "")
        split_values = (
            chunk[split].where(chunk[split] != "")
            if split is not None
            else pd.Series("all", index=chunk.index, dtype=object)
        )
        for name, part in chunk.groupby(split_values, sort=False, dropna=False, observed=True):
            part_counts = counts.setdefault(name, {})
            for label, n in labels.loc[part.index].value_counts(dropna=False).items():
                key = None if pd.isna(label) else label
                part_counts[key] = part_counts.get(key, 0) + int(n)
            if check_leakage:
                hash_parts.setdefault(name, []).append(row_hashes(part.drop(columns=needed)))
                label_parts.setdefault(name, []).append(labels.loc[part.index])
        usable = (labels.notna() & split_values.notna()).to_numpy()
        n_usable += int(usable.sum())
        candidates = chunk.loc[usable].assign(
            _key=rng.random(len(chunk))[usable], _split=split_values[usable]
        )
        kept = candidates if kept is None else pd.concat([kept, candidates])
        if len(kept) > max_rows:
            kept = kept.nsmallest(max_rows, "_key")
    label_counts, to_label = _text_labels(counts)
    hashes = hashed = None
    if check_leakage:
        hashes = {name: np.concatenate(parts) for name, parts in hash_parts.items()}
        hashed = Table(
            None,
            np.concatenate(
                [to_label(pd.concat(label_parts[name]).to_numpy(object)) for name in hashes]
            ),
            np.concatenate([np.full(len(hashes[name]), name, dtype=object) for name in hashes]),
        )
    table = None
    if kept is not None:
        kept = kept.sort_index(kind="stable")
        table = Table(
            _typed(kept.drop(columns=[*needed, "_key", "_split"])).reset_index(drop=True),
            to_label(kept[target].to_numpy(object)),
            kept["_split"].to_numpy(object),
            sampled_from=n_usable if n_usable > len(kept) else None,
        )
    return AuditInput(label_counts, hashes, target, hashed, table)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns read from CSV as numbers where every present value is one."""
    columns = {}
    for name, column in frame.items():
        if not pd.api.types.is_string_dtype(column):  # Parquet keeps its types
            columns[name] = column
            continue
        present = column.where(column != "")
        numbers = pd.to_numeric(present, errors="coerce")
        columns[name] = numbers if numbers.notna().sum() == present.notna().sum() else present
    return pd.DataFrame(columns, index=frame.index)


def _text_labels(counts: dict[Any, dict[Any, int]]) -> tuple[dict[Any, pd.Series], Any]:
    """Counts as Series, and the function that reads a row's text label the same way.

    Text labels that are all whole numbers become ints.
    """
    labels = {label for part in counts.values() for label in part if label is not None}
    as_int = all(isinstance(label, str) and re.fullmatch(r"-?\d+", label) for label in labels)
    result = {}
    for name, part in counts.items():
        keys = [None if label is None else int(label) if as_int else label for label in part]
        result[name] = pd.Series(list(part.values()), index=pd.Index(keys, dtype=object))

    def to_label(values: np.ndarray) -> np.ndarray:
        if not as_int:
            return values
        return np.array([v if v is None or v != v else int(v) for v in values], dtype=object)

    return result, to_label
