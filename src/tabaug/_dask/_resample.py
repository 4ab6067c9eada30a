"""The resamplers on Dask: one counting pass, exact targets, then lazy per-partition work.

``fit_resample`` on a Dask DataFrame and Series runs the counting pass
(:mod:`._counting`), resolves ``sampling_strategy`` from the counts with
imbalanced-learn's rules, splits each class's exact count across partitions
(:mod:`._plan`), refuses work that one process could not hold, and returns a
lazy ``(DataFrame, Series)`` pair: each output partition is one task that
reads one input partition. SMOTE also gathers the minority rows of each class
it grows (:mod:`._smote`); the majority never moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from tabaug._dask._cluster import worker_memory_limit
from tabaug._dask._counting import CountSpec, TableStats, count_table, label_values
from tabaug._dask._inputs import DaskInput, check_collections, delayed
from tabaug._dask._plan import Piece, allocate, layout, root_seed
from tabaug._dask._progress import current_client
from tabaug.exceptions import InvalidParameterError, InvalidTypeError
from tabaug.utils import (
    TableCodec,
    check_memory,
    class_targets,
    config_context,
    format_bytes,
    memory_limit,
)

__all__ = ["fit", "fit_resample"]

_SUPPORTED = "RandomUnderSampler, RandomOverSampler, SMOTE and GaussianNoiseOverSampler"
# SMOTE's counting pass also sends back each partition's rarest classes up to this share
# of its rows: a minority of 0.1%-1% is then gathered without reading the table again.
_RARE_SHARE = 0.01


@dataclass
class PieceContext:
    """What every piece task needs besides its input partition (one object in the graph)."""

    target: str
    #: Column -> the dtype every output partition has (categories made known).
    dtypes: dict
    #: Name of the column of source positions (samplers with ``sample_indices_``).
    source: str | None = None
    replacement: bool = False
    #: Gaussian noise: the codec's settings, the whole table's bounds and the class spreads.
    categorical_features: Any = "auto"
    owner: str = ""
    clip: bool = True
    bounds: tuple = ()
    spread: dict = field(default_factory=dict)


def _algorithm(sampler: Any) -> str:
    from tabaug.over_sampling import SMOTE, GaussianNoiseOverSampler, RandomOverSampler
    from tabaug.under_sampling import RandomUnderSampler

    for cls, name in ((RandomUnderSampler, "under"), (RandomOverSampler, "copy"),
                      (SMOTE, "smote"), (GaussianNoiseOverSampler, "noise")):
        if isinstance(sampler, cls):
            return name
    raise InvalidTypeError(
        f"{type(sampler).__name__} does not take Dask collections; on Dask, {_SUPPORTED} "
        "do. Resample a sample that fits in memory instead, e.g. "
        "fit_resample(X.sample(frac=0.01).compute(), ...), or use one of those."
    )


def _count_spec(sampler: Any, data: DaskInput, algorithm: str) -> CountSpec:
    owner = type(sampler).__name__
    spec = CountSpec(target=data.target, unknown_categories=tuple(data.unknown_categories))
    if algorithm not in ("smote", "noise"):
        return spec
    # the in-memory checks on dtypes and categorical_features, before reading anything
    codec = TableCodec.from_data(data.x_meta, sampler.categorical_features, owner=owner)
    return CountSpec(
        target=data.target,
        unknown_categories=spec.unknown_categories,
        codec=(sampler.categorical_features, owner),
        class_moments=algorithm == "noise",
        value_tables=algorithm == "smote" and codec.n_numeric == 0,
        rare_share=_RARE_SHARE if algorithm == "smote" else 0.0,
        rare_max_rows=int(memory_limit() / 4 / data.n_partitions / _meta_row_bytes(data)),
    )


def _meta_row_bytes(data: DaskInput) -> float:
    """Bytes per row from the dtypes alone (text counted at 64 bytes a value)."""
    sizes = [getattr(d, "itemsize", 64) if getattr(d, "kind", "O") != "O" else 64
             for d in [*data.x_meta.dtypes, data.y_meta.dtype]]
    return float(sum(sizes))


def _prepare(sampler: Any, X: Any, y: Any) -> tuple[DaskInput, TableStats, str]:
    """Check, count, and set the fitted attributes the in-memory path sets."""
    algorithm = _algorithm(sampler)
    owner = type(sampler).__name__
    data = check_collections(X, y, owner=owner)
    stats = count_table(data, _count_spec(sampler, data, algorithm))
    sampler._record_features(data.x_meta)
    sampler.sampling_strategy_ = class_targets(
        sampler.sampling_strategy, stats.class_counts, sampler._sampling_type, owner=owner, y=y
    )
    if sampler._sampling_type == "over-sampling":
        sampler._class_counts = dict(stats.class_counts)
    if algorithm in ("smote", "noise"):
        codec = TableCodec.from_data(data.x_meta, sampler.categorical_features, owner=owner)
        sampler.categorical_features_ = codec.categorical_index
    return data, stats, algorithm


def fit(sampler: Any, X: Any, y: Any) -> None:
    """``fit`` on Dask: the counting pass and ``sampling_strategy_``, nothing resampled."""
    _prepare(sampler, X, y)


def fit_resample(sampler: Any, X: Any, y: Any, **params: Any) -> tuple[Any, Any]:
    """``fit_resample`` on Dask (see the module docstring); called by ``BaseResampler``."""
    if params:
        raise InvalidParameterError(
            f"{type(sampler).__name__}.fit_resample takes no extra parameters on Dask; got "
            f"{', '.join(sorted(params))}."
        )
    data, stats, algorithm = _prepare(sampler, X, y)
    if sampler._sampling_type == "over-sampling":
        sampler._warn_extreme()  # stack: _warn_extreme <- here <- fit_resample <- the caller
    if algorithm == "smote":
        from tabaug._dask._smote import resample_smote  # it builds on this module

        return resample_smote(sampler, data, stats)
    return _resample_simple(sampler, data, stats, algorithm)


def known_dtypes(data: DaskInput, stats: TableStats) -> dict:
    """Every column's output dtype: the input's, with the counted categories made known."""
    dtypes = dict(data.x_meta.dtypes.items())
    dtypes[data.target] = data.y_meta.dtype
    for column, categories in stats.categories.items():
        dtypes[column] = pd.CategoricalDtype(categories, ordered=dtypes[column].ordered)
    return dtypes


def with_dtypes(part: pd.DataFrame, context: PieceContext) -> pd.DataFrame:
    """A partition with the categories every output partition shares."""
    changed = {c: d for c, d in context.dtypes.items() if part[c].dtype != d}
    return part.astype(changed) if changed else part


def guard_memory(
    owner: str,
    stats: TableStats,
    pieces: list[Piece],
    *,
    work_per_row: float = 0.0,
    gathered_bytes: float = 0.0,
    gathered_rows: int = 0,
) -> None:
    """Refuse when one process would hold more than the memory limit.

    A worker holds one input partition and the piece made from it (plus, for
    generated rows, a float64 work matrix), and SMOTE's gathered minority rows;
    never the whole output. On a cluster the limit is the lower of tabaug's and
    the smallest worker's.
    """
    row_bytes = max(stats.bytes_per_row, 1.0)
    largest = max(pieces, key=lambda p: p.n_rows + stats.partition_rows[p.partition])
    n_new = largest.n_rows - (stats.partition_rows[largest.partition] if largest.originals else 0)
    held = (largest.n_rows + stats.partition_rows[largest.partition]) * row_bytes
    estimate = held + max(n_new, 0) * work_per_row + gathered_bytes
    limit = memory_limit()
    worker = worker_memory_limit()
    what = (f"{owner} on Dask: one worker's share (an input partition and an output partition "
            f"of {largest.n_rows:,} rows")
    if gathered_rows:
        what += f", plus the {gathered_rows:,} gathered minority rows"
    fix = ("use smaller partitions (ddf.repartition(partition_size='100MB')), or ask for fewer "
           "rows with sampling_strategy")
    if worker is not None and worker < limit:
        fix += f", or give the workers more memory than {format_bytes(worker)} each"
        with config_context(max_memory=worker):
            check_memory(estimate, what=what + ")", fix=fix)
        return
    check_memory(estimate, what=what + ")", fix=fix)


def build_output(
    data: DaskInput,
    pieces: list[Piece],
    make_piece: Any,
    context: PieceContext,
    *,
    reads_input: Any = None,
) -> tuple[Any, Any, Any]:
    """The lazy output: one task per piece, known divisions, int64 global positions.

    Returns ``(X_res, y_res, sources)``; ``sources`` is None unless
    ``context.source`` names a column of source positions.
    """
    meta = pd.DataFrame({c: pd.Series(dtype=d) for c, d in context.dtypes.items()})
    if context.source is not None:
        meta[context.source] = pd.Series(dtype=np.int64)
    client = current_client()
    # one copy of the context in the graph; on a cluster it is sent to a worker once
    # instead (SMOTE's gathered rows would make a large graph)
    shared = client.scatter(context, hash=False) if client is not None else (
        dask.delayed(context, pure=True))
    tasks = []
    for piece in pieces:
        needs = piece.originals or reads_input is None or reads_input(piece)
        part = data.parts[piece.partition] if needs else None
        tasks.append(delayed(make_piece)(part, piece, shared))
    last = pieces[-1]
    divisions = tuple(p.start for p in pieces) + (last.start + last.n_rows - 1,)
    out = dd.from_delayed(tasks, meta=meta, divisions=divisions, verify_meta=False)
    dropped = [data.target] + ([context.source] if context.source else [])
    X_res = out.drop(columns=dropped)
    y_res = out[data.target].rename(data.y_name)
    sources = out[context.source].rename(None) if context.source else None
    return X_res, y_res, sources


def finish_piece(frames: list, piece: Piece, context: PieceContext) -> pd.DataFrame:
    """Stack a piece's parts and give it its global positions as index."""
    out = pd.concat(frames, axis=0) if len(frames) > 1 else frames[0]
    out.index = pd.RangeIndex(piece.start, piece.start + len(out))
    drifted = {c: d for c, d in context.dtypes.items() if out[c].dtype != d}
    return out.astype(drifted) if drifted else out


def _resample_simple(
    sampler: Any, data: DaskInput, stats: TableStats, algorithm: str
) -> tuple[Any, Any]:
    """Random under- and oversampling and Gaussian noise."""
    owner = type(sampler).__name__
    allocation_seed, piece_seed = root_seed(sampler.random_state).spawn(2)
    rng = np.random.default_rng(allocation_seed)
    kind = "add"
    if algorithm == "under":
        kind = "bootstrap" if sampler.replacement else "subset"
    allocation = allocate(stats.partition_counts, stats.labels, sampler.sampling_strategy_,
                          kind=kind, rng=rng)
    pieces = layout(stats.partition_counts, stats.partition_rows, stats.labels, allocation,
                    kind="keep" if algorithm == "under" else "add", seed=piece_seed)
    context = PieceContext(target=data.target, dtypes=known_dtypes(data, stats))
    if algorithm == "noise":
        n_columns = len(data.x_meta.columns)
        guard_memory(owner, stats, pieces, work_per_row=n_columns * 8 * 3)
        context.categorical_features = sampler.categorical_features
        context.owner, context.clip = owner, sampler.clip
        context.bounds = (stats.numeric_min, stats.numeric_max, stats.numeric_step)
        context.spread = {label: spread * sampler.noise_scale
                          for label, spread in stats.class_spread.items()}
        X_res, y_res, _ = build_output(data, pieces, noise_piece, context)
        return X_res, y_res
    guard_memory(owner, stats, pieces)
    context.source = _free_source_name(context.dtypes)
    context.replacement = bool(getattr(sampler, "replacement", False))
    make = under_piece if algorithm == "under" else copy_piece
    X_res, y_res, sources = build_output(data, pieces, make, context)
    sampler.sample_indices_ = sources
    return X_res, y_res


def _free_source_name(dtypes: dict) -> str:
    name = "__tabaug_source__"
    while name in {str(c) for c in dtypes}:
        name += "_"
    return name


def under_piece(part: pd.DataFrame, piece: Piece, context: PieceContext) -> pd.DataFrame:
    """One partition undersampled: untouched classes whole, the others' allocated rows, in order."""
    part = with_dtypes(part, context)
    labels = label_values(part[context.target])
    rng = np.random.default_rng(piece.seed)
    keep = np.ones(len(part), dtype=bool)
    drawn = []
    for label, n in piece.counts:
        members = np.flatnonzero(labels == label)
        keep[members] = False
        if n == 0:
            continue
        if context.replacement:
            drawn.append(members[rng.integers(0, members.size, size=n)])
        else:
            drawn.append(members[rng.choice(members.size, size=n, replace=False)])
    positions = np.sort(np.concatenate([np.flatnonzero(keep), *drawn]), kind="stable")
    out = part.iloc[positions].copy()
    out[context.source] = piece.source_start + positions.astype(np.int64)
    return finish_piece([out], piece, context)


def _sources(part: pd.DataFrame, piece: Piece, context: PieceContext,
             rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in the partition) of the rows new rows start from, and their labels."""
    labels = label_values(part[context.target])
    positions, row_labels = [], []
    for label, n in piece.counts:
        members = np.flatnonzero(labels == label)
        positions.append(members[rng.integers(0, members.size, size=n)])
        row_labels.append(np.repeat(np.array([label], dtype=object), n))
    if not positions:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=object)
    return np.concatenate(positions), np.concatenate(row_labels)


def copy_piece(part: pd.DataFrame, piece: Piece, context: PieceContext) -> pd.DataFrame:
    """A partition's rows (first piece only), then copies of its rows drawn with replacement."""
    part = with_dtypes(part, context)
    rng = np.random.default_rng(piece.seed)
    drawn, _ = _sources(part, piece, context, rng)
    positions = np.concatenate([np.arange(len(part)), drawn]) if piece.originals else drawn
    out = part.iloc[positions].copy()
    out[context.source] = piece.source_start + positions.astype(np.int64)
    return finish_piece([out], piece, context)


def noise_piece(part: pd.DataFrame, piece: Piece, context: PieceContext) -> pd.DataFrame:
    """A partition's rows (first piece only), then jittered copies of its rows."""
    part = with_dtypes(part, context)
    rng = np.random.default_rng(piece.seed)
    drawn, labels = _sources(part, piece, context, rng)
    frames = [part] if piece.originals else []
    if drawn.size:
        X = part.drop(columns=context.target).iloc[drawn]
        codec = TableCodec.from_data(X, context.categorical_features, owner=context.owner)
        codec = codec.with_bounds(*context.bounds)
        spread = np.concatenate([np.broadcast_to(context.spread[label], (n, codec.n_numeric))
                                 for label, n in piece.counts])
        numeric = codec.numeric + rng.standard_normal(size=codec.numeric.shape) * spread
        new = codec.decode(codec.finalize_numeric(numeric, clip=context.clip), codec.codes)
        new[context.target] = pd.Series(labels, dtype=context.dtypes[context.target]).array
        frames.append(new)
    return finish_piece(frames, piece, context)
