"""SMOTE on Dask: gather the minority rows of each class being grown, never the majority.

The rows of the classes SMOTE grows are the small part of an imbalanced
table: they are gathered into this process (only the partitions that hold
some), encoded with the same :class:`~tabaug.utils.TableCodec` as in memory,
and each class's neighbours are found there with the same distance (SMOTE-NC's
scaled one-hot for mixed data, the value difference metric for
all-categorical data, whose class shares come from the counting pass over the
whole table) and the same ``k_neighbors`` estimator. Each new row starts from
a row of the partition its piece belongs to, so each output partition holds
its input partition's rows and then rows made from them; the gathered rows,
their neighbours and categorical votes are one object in the graph that every
piece reads. Integer and date columns are rounded and kept in the whole
table's range, as in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from imblearn.utils import check_neighbors_object
from sklearn.base import clone

from tabaug._dask._counting import TableStats, label_values
from tabaug._dask._inputs import DaskInput, compute, delayed
from tabaug._dask._plan import Piece, allocate, layout, root_seed
from tabaug._dask._resample import (
    PieceContext,
    build_output,
    finish_piece,
    guard_memory,
    known_dtypes,
    with_dtypes,
)
from tabaug.utils import (
    TableCodec,
    class_share_embedding,
    interpolate_rows,
    mixed_features,
    neighbour_modes,
    require_neighbours,
)

__all__ = ["resample_smote"]


@dataclass
class ClassRows:
    """One grown class's gathered rows, encoded, with their neighbours and votes."""

    numeric: np.ndarray
    codes: np.ndarray
    #: ``neighbours[i]``: the k nearest same-class rows of row i (positions in this class).
    neighbours: np.ndarray
    #: The categorical vote of each row's neighbours (SMOTE-NC), or None.
    modes: np.ndarray | None
    #: Per input partition: where its rows of this class start, and how many there are.
    starts: np.ndarray
    counts: np.ndarray


@dataclass
class SmoteContext(PieceContext):
    """PieceContext plus the gathered classes and the codec that decodes new rows."""

    codec: Any = None
    classes: dict | None = None
    k: int = 5


def resample_smote(sampler: Any, data: DaskInput, stats: TableStats) -> tuple[Any, Any]:
    """SMOTE's lazy output (see the module docstring)."""
    owner = type(sampler).__name__
    sampler.nn_ = check_neighbors_object("k_neighbors", sampler.k_neighbors, additional_neighbor=1)
    k = sampler.nn_.n_neighbors - 1
    grown = {label: n for label, n in sampler.sampling_strategy_.items() if n > 0}
    for label in grown:
        require_neighbours(label, stats.class_counts[label], k)
    allocation_seed, piece_seed, vote_seed = root_seed(sampler.random_state).spawn(3)
    allocation = allocate(stats.partition_counts, stats.labels, grown, kind="add",
                          rng=np.random.default_rng(allocation_seed))
    pieces = layout(stats.partition_counts, stats.partition_rows, stats.labels, allocation,
                    kind="add", seed=piece_seed)
    n_columns = len(data.x_meta.columns)
    n_gathered = sum(stats.class_counts[label] for label in grown)
    guard_memory(
        owner, stats, pieces,
        work_per_row=n_columns * 8 * 3,
        gathered_bytes=n_gathered * (stats.bytes_per_row + n_columns * 8 * 4 + k * 8 * 2),
        gathered_rows=n_gathered,
    )
    dtypes = known_dtypes(data, stats)
    context = SmoteContext(target=data.target, dtypes=dtypes, k=k)
    gathered = _gather(data, stats, list(grown), context)
    X = gathered.drop(columns=data.target)
    codec = TableCodec.from_data(X, sampler.categorical_features, owner=owner)
    codec = codec.with_bounds(stats.numeric_min, stats.numeric_max, stats.numeric_step)
    tables = _value_tables(stats, codec) if not codec.n_numeric else None
    labels = label_values(gathered[data.target])
    vote_rng = np.random.default_rng(vote_seed)
    context.classes = {}
    for label in grown:
        members = np.flatnonzero(labels == label)
        j = stats.labels.index(label)
        counts = stats.partition_counts[:, j]
        context.classes[label] = _class_rows(
            sampler, codec, members, tables, vote_rng,
            starts=np.concatenate([[0], np.cumsum(counts)[:-1]]), counts=counts,
        )
    # the decoding codec keeps the bounds and categories, not the gathered matrices
    context.codec = replace(codec, numeric=codec.numeric[:0], codes=codec.codes[:0])
    context.codec.minimum, context.codec.maximum = codec.minimum, codec.maximum
    X_res, y_res, _ = build_output(data, pieces, smote_piece, context,
                                   reads_input=lambda piece: piece.originals)
    return X_res, y_res


def _gather(data: DaskInput, stats: TableStats, labels: list, context: PieceContext
            ) -> pd.DataFrame:
    """The rows of ``labels``, in global order, from the partitions that hold any.

    The counting pass sent back each partition's rarest classes; only the
    partitions where a grown class was not among them are read again.
    """
    columns = [stats.labels.index(label) for label in labels]
    holding = np.flatnonzero(stats.partition_counts[:, columns].sum(axis=1) > 0)
    wanted = set(labels)
    frames = {}
    for p in holding:
        present = {label for label, j in zip(labels, columns, strict=True)
                   if stats.partition_counts[p, j]}
        rare_labels, rows = stats.rare[p]
        if present <= rare_labels:
            frames[p] = _select(rows, labels, context) if rare_labels - wanted else rows
    missing = [p for p in holding if p not in frames]
    found = compute(*[delayed(_select)(data.parts[p], labels, context) for p in missing])
    frames.update(zip(missing, found, strict=True))
    ordered = [with_dtypes(frames[p], context) for p in holding]
    return pd.concat(ordered, axis=0, ignore_index=True)


def _select(part: pd.DataFrame, labels: list, context: PieceContext) -> pd.DataFrame:
    part = with_dtypes(part, context)
    return part[np.isin(label_values(part[context.target]), np.array(labels, dtype=object))]


def _value_tables(stats: TableStats, codec: TableCodec) -> list:
    """Per categorical column, counts of (value code, class) over the whole table."""
    tables = []
    for j, counts in enumerate(stats.value_tables):
        grid = counts.unstack(fill_value=0).reindex(columns=stats.labels, fill_value=0)
        values = pd.Index(codec.categories[j])
        tables.append(grid.reindex(values, fill_value=0).to_numpy(dtype=np.float64))
    return tables


def _class_rows(sampler: Any, codec: TableCodec, members: np.ndarray, tables: list | None,
                rng: np.random.Generator, *, starts: np.ndarray, counts: np.ndarray
                ) -> ClassRows:
    """One class's encoded rows and neighbours, found as the in-memory SMOTE finds them."""
    numeric, codes = codec.numeric[members], codec.codes[members]
    if not codec.n_categorical:
        features = numeric
    elif not codec.n_numeric:
        features = class_share_embedding(codes, tables)
    else:
        features = mixed_features(numeric, codes)
    nn = clone(sampler.nn_).fit(features)
    neighbours = nn.kneighbors(features, return_distance=False)[:, 1:]
    modes = neighbour_modes(codes, neighbours, rng) if codec.n_categorical else None
    return ClassRows(numeric, codes, neighbours, modes, starts.astype(np.int64),
                     counts.astype(np.int64))


def smote_piece(part: pd.DataFrame | None, piece: Piece, context: SmoteContext) -> pd.DataFrame:
    """A partition's rows (first piece only), then new rows started from its minority rows."""
    frames = [with_dtypes(part, context)] if piece.originals else []
    rng = np.random.default_rng(piece.seed)
    codec, k = context.codec, context.k
    numeric_parts, code_parts, labels = [], [], []
    for label, n in piece.counts:
        rows = context.classes[label]
        draws = rng.integers(0, rows.counts[piece.partition] * k, size=n)
        base = rows.starts[piece.partition] + draws // k
        partner = rows.neighbours[base, draws % k]
        steps = rng.random(size=n)
        numeric = np.empty((n, codec.n_numeric), dtype=np.float64)
        if codec.n_numeric:
            interpolate_rows(rows.numeric, base, partner, steps, numeric)
        numeric_parts.append(numeric)
        code_parts.append(rows.modes[base] if rows.modes is not None
                          else np.empty((n, 0), dtype=np.int64))
        labels.append(np.repeat(np.array([label], dtype=object), n))
    if labels:
        numeric = codec.finalize_numeric(np.concatenate(numeric_parts))
        new = codec.decode(numeric, np.concatenate(code_parts))
        new[context.target] = pd.Series(np.concatenate(labels),
                                        dtype=context.dtypes[context.target]).array
        frames.append(new)
    return finish_piece(frames, piece, context)
