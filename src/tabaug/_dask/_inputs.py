"""Dask inputs: check ``X`` and ``y``, and join them partition by partition.

The usual call is ``X = ddf.drop(columns="label")`` and ``y = ddf["label"]``
on one ``read_parquet`` collection. Computed apart, Dask's optimizer may read
the two projections with different partitionings (40 files read as 40
partitions for ``X`` and 6 for ``y`` alone), so both are joined into one
collection first, partition ``i`` of ``X`` beside partition ``i`` of ``y``,
and every pass works on that one collection's partitions. ``X`` and ``y``
from unrelated sources must have the same number of partitions (or known
divisions, so ``y`` can be repartitioned to ``X``'s) and the same number of
rows in each; otherwise they are refused, never silently misaligned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd

from tabaug.exceptions import InvalidInputError, InvalidTargetError, InvalidTypeError

__all__ = ["DaskInput", "check_collections"]

_SPLIT_HINT = (
    "Build both from one collection: X = ddf.drop(columns='label'), y = ddf['label']."
)


@dataclass
class DaskInput:
    """``X`` and ``y`` joined: one collection, its partitions, and what they looked like."""

    #: The joined collection: ``X``'s columns, then ``y`` under ``target``.
    frame: Any
    #: One Delayed per partition of ``frame``, computed from one optimized graph.
    parts: list
    #: The name ``y`` is kept under inside ``frame`` (never one of ``X``'s columns).
    target: str
    #: ``y``'s own name, given back to the resampled ``y``.
    y_name: Any
    #: Empty pandas objects with ``X``'s and ``y``'s columns and dtypes.
    x_meta: pd.DataFrame
    y_meta: pd.Series
    #: Columns (``target`` included) whose categories Dask does not know yet.
    unknown_categories: list

    @property
    def n_partitions(self) -> int:
        return len(self.parts)


def check_collections(X: Any, y: Any, *, owner: str) -> DaskInput:
    """Check that ``X`` is a Dask DataFrame and ``y`` a Dask Series aligned with it; join them."""
    if not isinstance(X, dd.DataFrame):
        kind = f"{type(X).__module__.split('.')[0]} {type(X).__name__}"
        raise InvalidTypeError(
            f"{owner}: y is a Dask collection, so X must be a dask DataFrame; got a {kind}. "
            "Turn a dask Series into a frame with .to_frame() or a dask Array with "
            "dask.dataframe.from_dask_array; or pass X and y both in memory (y.compute())."
        )
    y = _check_target(y, owner)
    if len(X.columns) == 0:
        raise InvalidInputError(
            f"X has no columns: {owner} needs at least one feature column. Check that the "
            "feature columns were not all dropped."
        )
    if X.npartitions != y.npartitions:
        if not (X.known_divisions and y.known_divisions):
            raise InvalidInputError(
                f"X has {X.npartitions} partitions but y has {y.npartitions}, and their "
                "divisions are unknown, so their rows cannot be matched. " + _SPLIT_HINT
            )
        y = y.repartition(divisions=X.divisions, force=True)
    target = _free_name(X.columns)
    x_meta, y_meta = X._meta, y._meta
    frame = dd.map_partitions(
        _attach,
        X,
        y,
        target,
        align_dataframes=False,
        meta=x_meta.assign(**{target: y_meta}),
        enforce_metadata=False,
    )
    parts = frame.to_delayed(optimize_graph=True)
    unknown = [c for c in X.columns if _unknown_categories(X[c])]
    if _unknown_categories(y):
        unknown.append(target)
    return DaskInput(
        frame=frame,
        parts=parts,
        target=target,
        y_name=y.name,
        x_meta=x_meta,
        y_meta=y_meta,
        unknown_categories=unknown,
    )


def _check_target(y: Any, owner: str) -> Any:
    if y is None:
        raise InvalidTargetError(
            f"{owner} requires y to be passed, but the target y is None. Pass the class "
            "labels: fit_resample(X, y). " + _SPLIT_HINT
        )
    if isinstance(y, dd.DataFrame):
        if len(y.columns) != 1:
            raise InvalidTargetError(
                f"y must be one column of class labels; got a dask DataFrame with "
                f"{len(y.columns)} columns. Pass the label column, e.g. ddf['label']."
            )
        y = y[y.columns[0]]
    if not isinstance(y, dd.Series):
        kind = f"{type(y).__module__.split('.')[0]} {type(y).__name__}"
        raise InvalidTypeError(
            f"{owner}: X is a dask DataFrame, so y must be a dask Series with the same "
            f"partitions; got a {kind}. " + _SPLIT_HINT
        )
    return y


def _free_name(columns: Any) -> str:
    """A column name for ``y`` that none of ``X``'s columns has."""
    taken = {str(c) for c in columns}
    name = "__tabaug_target__"
    while name in taken:
        name += "_"
    return name


def _unknown_categories(series: Any) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) and not series.cat.known


def _attach(
    x: pd.DataFrame, y: pd.Series, target: str, partition_info: dict | None = None
) -> pd.DataFrame:
    """Partition ``i`` of ``X`` with partition ``i`` of ``y`` as one more column, by position."""
    if len(x) != len(y):
        number = (partition_info or {}).get("number", "?")
        raise InvalidInputError(
            f"partition {number} of X has {len(x)} rows but partition {number} of y has "
            f"{len(y)}: X and y are not aligned. " + _SPLIT_HINT
        )
    frame = x.copy(deep=False)
    frame[target] = y.set_axis(x.index)
    return frame


def compute(*tasks: Any) -> tuple:
    """Compute Delayed objects together (on the current scheduler, with the progress display)."""
    from tabaug._dask._progress import progress_compute

    return progress_compute(*tasks) if tasks else ()


def delayed(function: Any) -> Any:
    """``dask.delayed`` of a pure function: the same inputs give the same key."""
    return dask.delayed(function, pure=True)
