"""k nearest neighbours, exact (scikit-learn) or approximate (faiss), behind one function.

Exact search is the default and the only method without the optional
``neighbors`` extra. With faiss installed, ``method="auto"`` switches to an
inverted-file index (``faiss.IndexIVFFlat``) once a search would compare more
than :data:`APPROXIMATE_ABOVE` query-row pairs, where exact search takes
minutes: measured on 2 cores, 100,000 queries among 1,000,000 rows of 20
columns took about 12 s with faiss (build and search, recall of the 6 nearest
0.99-1.0 on clustered data) against an estimated 7 minutes exact, and 20,000
queries among 200,000 rows 8-15 s exact. Below the threshold exact search is
as fast (building the index costs about what it saves) and exact, so results
on small and mid-sized tables do not depend on whether faiss is installed. The
method used is returned with the result, so reports can name it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

import numpy as np

from tabaug.exceptions import InsufficientSamplesError
from tabaug.utils._settings import check_memory, check_option

__all__ = ["APPROXIMATE_ABOVE", "Neighbors", "has_faiss", "nearest_neighbors"]

#: ``method="auto"`` searches approximately (with faiss) above this many
#: query-row pairs (e.g. 3,000 queries among 100,000 rows). Measured on 2 busy
#: cores, 34 coordinates: 10,000 among 10,000 rows 0.8 s exact, 0.6 s faiss;
#: 2,000 among 100,000 2.9 s and 3.3 s; 10,000 among 100,000 11.8 s and 3.9 s.
APPROXIMATE_ABOVE = 300_000_000
#: Inverted lists probed per query: with about sqrt(n) lists, the 6 nearest
#: of 500 queries were all found (recall 1.0; 0.99 with 2 probes) among 1M
#: clustered rows of 34 coordinates.
_PROBED_LISTS = 4


@dataclass(frozen=True)
class Neighbors:
    """The result of :func:`nearest_neighbors`.

    Attributes
    ----------
    distances : ndarray of shape (n_queries, n_neighbors)
        Euclidean distances, nearest first.
    indices : ndarray of shape (n_queries, n_neighbors)
        Row positions in ``data`` of those neighbours.
    method : str
        How they were found, in words, for reports: ``"exact (scikit-learn)"``
        or ``"approximate (faiss IVF, 1000 lists, 4 probed)"``.
    """

    distances: np.ndarray
    indices: np.ndarray
    method: str


def has_faiss() -> bool:
    """Whether the optional approximate-neighbour backend (faiss-cpu) is installed."""
    return importlib.util.find_spec("faiss") is not None


def nearest_neighbors(
    data: Any,
    n_neighbors: int,
    *,
    queries: Any = None,
    query_rows: Any = None,
    method: str = "auto",
    random_state: int | None = 0,
) -> Neighbors:
    """The ``n_neighbors`` nearest rows of ``data`` (Euclidean) for each query.

    Parameters
    ----------
    data : array-like of shape (n_rows, n_columns)
        The rows searched (numbers; any scaling is the caller's).
    n_neighbors : int
        Neighbours per query.
    queries : array-like of shape (n_queries, n_columns), optional
        Points that are not rows of ``data``.
    query_rows : array-like of int, optional
        Positions of rows of ``data`` to query, each leaving itself out
        (leave-one-out). Without ``queries`` and ``query_rows``, every row
        of ``data`` is queried that way.
    method : {"auto", "exact", "approximate"}, default="auto"
        ``"exact"``: scikit-learn's ``NearestNeighbors``. ``"approximate"``:
        a faiss inverted-file index (needs ``pip install
        "tabaug[neighbors]"``). ``"auto"``: approximate when faiss is
        installed and the search compares more than
        :data:`APPROXIMATE_ABOVE` query-row pairs, else exact.
    random_state : int or None, default=0
        Seed of the rows the approximate index is trained on.

    Returns
    -------
    Neighbors

    Examples
    --------
    >>> import numpy as np
    >>> found = nearest_neighbors(np.array([[0.0], [1.0], [3.0]]), 1)
    >>> found.indices.ravel().tolist(), found.method
    ([1, 0, 1], 'exact (scikit-learn)')
    """
    check_option(method, "method", ("auto", "exact", "approximate"), owner="nearest_neighbors")
    points = np.ascontiguousarray(data, dtype=np.float32)
    if points.ndim != 2:
        points = points.reshape(len(points), -1)
    leave_one_out = queries is None
    if leave_one_out:
        rows = np.arange(len(points)) if query_rows is None else np.asarray(query_rows, np.int64)
        targets = points[rows]
    else:
        rows = None
        targets = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, points.shape[1])
    k = n_neighbors + int(leave_one_out)
    if len(points) < k:
        raise InsufficientSamplesError(
            f"{n_neighbors} nearest neighbours need at least {k} rows to search; got "
            f"{len(points)}. Ask for fewer neighbours or pass more rows."
        )
    check_memory(
        2.0 * points.nbytes + len(targets) * k * 16,
        what=f"a neighbour search of {len(targets):,} queries among {len(points):,} rows",
        fix="search fewer rows (sample them) or fewer columns",
    )
    if method == "approximate" and not has_faiss():
        raise ImportError(
            'approximate neighbours need faiss: pip install "tabaug[neighbors]" (faiss-cpu)'
        )
    approximate = method == "approximate" or (
        method == "auto" and has_faiss() and len(points) * len(targets) > APPROXIMATE_ABOVE
    )
    if approximate:
        distances, indices, described = _faiss_search(points, targets, k, random_state)
    else:
        distances, indices = _exact_search(points, targets, k)
        described = "exact (scikit-learn)"
    if leave_one_out:
        distances, indices = _drop_self(distances, indices, rows)
    return Neighbors(distances, indices, described)


def _exact_search(points: np.ndarray, targets: np.ndarray, k: int) -> tuple:
    from sklearn.neighbors import NearestNeighbors

    model = NearestNeighbors(n_neighbors=k).fit(points)
    distances, indices = model.kneighbors(targets)
    return distances, indices


def _faiss_search(points: np.ndarray, targets: np.ndarray, k: int, seed: int | None) -> tuple:
    import faiss

    n, width = points.shape
    n_lists = int(np.clip(np.sqrt(n), 16, 4096))
    rng = np.random.default_rng(seed)
    training = points[np.sort(rng.choice(n, min(n, 40 * n_lists), replace=False))]
    index = faiss.IndexIVFFlat(faiss.IndexFlatL2(width), width, n_lists)
    index.cp.seed = 1234 if seed is None else int(seed)
    index.cp.min_points_per_centroid = 1  # fewer training points than faiss likes is fine
    index.cp.niter = 10  # coarse centroids are enough: 8 lists are probed per query
    index.train(training)
    index.add(points)
    index.nprobe = min(_PROBED_LISTS, n_lists)
    squared, indices = index.search(targets, k)
    indices = indices.astype(np.int64)
    short = (indices < 0).any(axis=1)
    if short.any():  # a query whose probed lists hold fewer than k rows: search it exactly
        exact_distances, exact_indices = _exact_search(points, targets[short], k)
        squared[short], indices[short] = exact_distances**2, exact_indices
    distances = np.sqrt(np.maximum(squared, 0)).astype(np.float64)
    return distances, indices, f"approximate (faiss IVF, {n_lists} lists, {index.nprobe} probed)"


def _drop_self(distances: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> tuple:
    """Remove each query row from its own neighbours (the last one if it was not found)."""
    is_self = indices == rows[:, None]
    missing = ~is_self.any(axis=1)
    is_self[missing, -1] = True
    # a duplicate of the row may come first: drop exactly one entry per query
    first = is_self.argmax(axis=1)
    keep = np.ones(indices.shape, dtype=bool)
    keep[np.arange(len(indices)), first] = False
    shape = (len(indices), indices.shape[1] - 1)
    return distances[keep].reshape(shape), indices[keep].reshape(shape)

