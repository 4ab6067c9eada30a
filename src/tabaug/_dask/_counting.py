"""The counting pass: one read of every partition, small statistics back.

Each partition reports its row count, its class counts, the categories Dask
did not know, an estimate of its bytes per row and, for the samplers that
generate values, what they need from the whole table: each numeric column's
range and spacing (integers and dates are rounded and kept in range as in
memory), each class's numeric mean and spread (Gaussian noise) and, for
all-categorical SMOTE, how often each value occurs with each class (the value
difference metric). Only these statistics leave the workers; the partitions
are dropped as soon as they are counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd

from tabaug.utils import TableCodec, check_target, plain_value, require_classes

__all__ = ["CountSpec", "TableStats", "count_table"]

# Rows of each partition whose memory is measured to estimate bytes per row.
_SAMPLED_ROWS = 1000


@dataclass(frozen=True)
class CountSpec:
    """What the counting pass computes besides row and class counts."""

    target: str
    unknown_categories: tuple = ()
    #: ``(categorical_features, owner)``: build the sampler's TableCodec on every
    #: partition (its checks run there: missing values, dtypes) and collect ranges.
    codec: tuple | None = None
    #: Per-class numeric mean and spread (Gaussian noise).
    class_moments: bool = False
    #: Value x class counts of every categorical column (all-categorical SMOTE).
    value_tables: bool = False
    #: SMOTE: also send back each partition's rows of its rarest classes, up to this share
    #: of the partition, so the classes SMOTE grows are usually gathered in this same pass.
    rare_share: float = 0.0
    #: ... and at most this many rows per partition (all of them stay under a quarter of
    #: the memory limit in the process that receives them).
    rare_max_rows: int = 0


@dataclass
class PartitionStats:
    """What one partition reports."""

    n_rows: int
    class_counts: dict
    n_missing: int
    categories: dict
    sampled_bytes: float
    sampled_rows: int
    numeric_min: np.ndarray | None = None
    numeric_max: np.ndarray | None = None
    # per numeric column: (smallest int value, gcd of offsets from it) for dates, else None
    spacing: list = field(default_factory=list)
    moments: dict = field(default_factory=dict)
    value_tables: list = field(default_factory=list)
    #: The partition's rows (in order) of the classes in ``rare_labels``, or None.
    rare_rows: pd.DataFrame | None = None
    rare_labels: frozenset = frozenset()


@dataclass
class TableStats:
    """The whole table's statistics, combined from every partition's."""

    #: Sorted labels and their row counts.
    class_counts: dict
    #: ``partition_counts[p, j]``: rows of class ``labels[j]`` in partition ``p``.
    partition_counts: np.ndarray
    partition_rows: np.ndarray
    categories: dict
    bytes_per_row: float
    numeric_min: np.ndarray | None = None
    numeric_max: np.ndarray | None = None
    numeric_step: np.ndarray | None = None
    #: label -> population standard deviation of each numeric column.
    class_spread: dict = field(default_factory=dict)
    #: One ``(value, label) -> count`` Series per categorical column.
    value_tables: list = field(default_factory=list)
    #: Per partition: (labels whose rows were sent back, those rows).
    rare: list = field(default_factory=list)

    @property
    def labels(self) -> list:
        return list(self.class_counts)

    @property
    def n_rows(self) -> int:
        return int(self.partition_rows.sum())

    @property
    def offsets(self) -> np.ndarray:
        """Global position of each partition's first row."""
        return np.concatenate([[0], np.cumsum(self.partition_rows)[:-1]]).astype(np.int64)


def label_values(labels: pd.Series) -> np.ndarray:
    """Labels as values comparable with the counted ones (categories by their values)."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        return np.asarray(labels.cat.categories, dtype=object)[labels.cat.codes.to_numpy()]
    return labels.to_numpy()


def partition_stats(part: pd.DataFrame, spec: CountSpec) -> PartitionStats:
    """The statistics of one partition (runs on a worker)."""
    labels = part[spec.target]
    counted = labels.value_counts(dropna=True, sort=False)
    sample = part.iloc[:_SAMPLED_ROWS]
    stats = PartitionStats(
        n_rows=len(part),
        class_counts={plain_value(k): int(v) for k, v in counted.items() if v > 0},
        n_missing=int(labels.isna().sum()),
        categories={c: list(part[c].cat.categories) for c in spec.unknown_categories},
        sampled_bytes=float(sample.memory_usage(index=False, deep=True).sum()),
        sampled_rows=len(sample),
    )
    if spec.rare_share and not stats.n_missing:
        _keep_rare_rows(part, stats, spec)
    if spec.codec is None or stats.n_missing or len(part) == 0:
        return stats
    categorical_features, owner = spec.codec
    X = part.drop(columns=spec.target)
    codec = TableCodec.from_data(X, categorical_features, owner=owner)
    stats.numeric_min, stats.numeric_max = codec.minimum, codec.maximum
    stats.spacing = [_spacing(X.iloc[:, position]) for position in codec.numeric_index]
    values = label_values(labels)
    if spec.class_moments:
        for label in stats.class_counts:
            rows = codec.numeric[values == label]
            mean = rows.mean(axis=0)
            stats.moments[label] = (rows.shape[0], mean, ((rows - mean) ** 2).sum(axis=0))
    if spec.value_tables:
        for position in codec.categorical_index:
            column = X.iloc[:, position]
            pairs = pd.DataFrame({"value": label_values(column), "label": values})
            stats.value_tables.append(pairs.groupby(["value", "label"]).size())
    return stats


def _keep_rare_rows(part: pd.DataFrame, stats: PartitionStats, spec: CountSpec) -> None:
    """Keep the rows of the partition's rarest classes, up to ``rare_share`` of its rows."""
    budget = min(spec.rare_share * len(part), spec.rare_max_rows)
    chosen, used = [], 0
    for label, n in sorted(stats.class_counts.items(), key=lambda item: item[1]):
        if used + n > budget:
            break
        chosen.append(label)
        used += n
    if chosen:
        rows = np.isin(label_values(part[spec.target]), np.array(chosen, dtype=object))
        stats.rare_rows = part[rows]
        stats.rare_labels = frozenset(chosen)


def _spacing(column: pd.Series) -> tuple | None:
    """For a date or duration column: its smallest value and the gcd of offsets from it."""
    if column.dtype.kind not in "Mm" or len(column) == 0:
        return None
    unit = "datetime64[ns]" if column.dtype.kind == "M" else "timedelta64[ns]"
    values = column.to_numpy(dtype=unit).astype(np.int64)
    low = int(values.min())
    return low, int(np.gcd.reduce(values - low))


def combine(parts: list[PartitionStats], spec: CountSpec) -> TableStats:
    """Add the partitions' statistics up; check the labels as the in-memory path does."""
    seen: dict = {}
    for stats in parts:
        for label in stats.class_counts:
            seen.setdefault(label, None)
    present = np.array(list(seen) + ([None] if any(s.n_missing for s in parts) else []),
                       dtype=object)
    check_target(present)  # missing, mixed or continuous labels: the in-memory messages
    labels = sorted(seen)
    require_classes(np.array(labels, dtype=object) if labels else np.array([]))
    matrix = np.array(
        [[stats.class_counts.get(label, 0) for label in labels] for stats in parts],
        dtype=np.int64,
    ).reshape(len(parts), len(labels))
    sampled = sum(s.sampled_rows for s in parts)
    table = TableStats(
        class_counts=dict(zip(labels, matrix.sum(axis=0).tolist(), strict=True)),
        partition_counts=matrix,
        partition_rows=np.array([s.n_rows for s in parts], dtype=np.int64),
        categories={c: _union([s.categories[c] for s in parts]) for c in spec.unknown_categories},
        bytes_per_row=sum(s.sampled_bytes for s in parts) / max(sampled, 1),
        rare=[(s.rare_labels, s.rare_rows) for s in parts],
    )
    if spec.codec is not None:
        _combine_numeric(table, [s for s in parts if s.n_rows], spec)
    return table


def _union(lists: list) -> list:
    """Categories in order of first appearance, as concatenating the partitions gives."""
    return list(dict.fromkeys(value for values in lists for value in values))


def _combine_numeric(table: TableStats, parts: list[PartitionStats], spec: CountSpec) -> None:
    table.numeric_min = reduce(np.minimum, [s.numeric_min for s in parts])
    table.numeric_max = reduce(np.maximum, [s.numeric_max for s in parts])
    table.numeric_step = np.ones(table.numeric_min.shape[0])
    for j in range(table.numeric_step.size):
        spacing = [s.spacing[j] for s in parts if s.spacing[j] is not None]
        if spacing:
            low = min(lo for lo, _ in spacing)
            step = reduce(math.gcd, [g for _, g in spacing] + [lo - low for lo, _ in spacing])
            table.numeric_step[j] = float(step) if step > 0 else 1.0
    if spec.class_moments:
        for label in table.class_counts:
            moments = [s.moments[label] for s in parts if label in s.moments]
            n, _, m2 = reduce(_merge_moments, moments)
            table.class_spread[label] = np.sqrt(m2 / n)
    if spec.value_tables and parts:
        n_columns = len(parts[0].value_tables)
        table.value_tables = [
            pd.concat([s.value_tables[j] for s in parts]).groupby(level=[0, 1]).sum()
            for j in range(n_columns)
        ]


def _merge_moments(a: tuple, b: tuple) -> tuple:
    """Chan et al.'s pairwise update of (count, mean, sum of squared deviations)."""
    n_a, mean_a, m2_a = a
    n_b, mean_b, m2_b = b
    n = n_a + n_b
    delta = mean_b - mean_a
    return n, mean_a + delta * (n_b / n), m2_a + m2_b + delta**2 * (n_a * n_b / n)


def count_table(data: Any, spec: CountSpec) -> TableStats:
    """Run the counting pass over ``data`` (a :class:`DaskInput`) and combine it."""
    from tabaug._dask._inputs import compute, delayed

    stats = compute(*[delayed(partition_stats)(part, spec) for part in data.parts])
    if sum(s.n_rows for s in stats) == 0:
        from tabaug.exceptions import InvalidInputError

        raise InvalidInputError(
            "X and y are empty: there is nothing to work on. Pass at least one row per class."
        )
    return combine(list(stats), spec)
