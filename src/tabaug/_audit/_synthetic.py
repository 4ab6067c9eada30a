"""Held-out rows that look made from training rows: near duplicates and SMOTE segments.

Both measures are computed per class, for held-out rows of a class against
the other rows of the same class, and compared with the same measure on the
largest class (see ``_leakage``).

* Near duplicates. A row jittered from a training row (Gaussian noise) or
  copied from one sits much closer to its nearest training row than to its
  other neighbours, and so does an original row whose copies went to
  training. The measure is the ratio of the distance to the closest record
  (DCR) to the distance to the 30th closest (at most a quarter of the
  class's rows away), among distinct training rows and past an identical
  one (exact repeats are the exact check's): for rows drawn from the same
  distribution it depends on the local dimension only, not on the class's
  density or scale, so classes of different sizes and spreads compare
  fairly. The ratios of a class and of the largest class are compared by a
  rank test; a row counts as a near duplicate (the rate shown) when its
  ratio is below :data:`NEAR_RATIO`.
* SMOTE rows lie on the segment between a training row and one of its
  same-class neighbours: ``x = a + t (b - a)`` on every numeric column at
  once (whole-number columns within their rounding). Among its 10 nearest
  same-class training rows by the numeric columns, a held-out row is tested
  against every pair; natural rows fit a line on two or more continuous
  columns to float precision only by rare coincidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tabaug._audit._encoding import Encoded
from tabaug.utils import nearest_neighbors

#: Neighbour rank whose distance scales the closest one (at most a quarter of
#: the class's rows): beyond the copies of one row that heavy oversampling
#: makes (28 per row to balance yeast_me2).
K_NEAR = 30
#: DCR below this share of the distance to the 5th closest training row: a near duplicate.
NEAR_RATIO = 0.25
#: Same-class training neighbours whose pairs are tested as SMOTE parents.
K_SEGMENT = 20
#: Relative tolerance of a point on a segment (float rounding of the generator).
SEGMENT_TOLERANCE = 1e-6
#: Queries tested together (memory: rows x neighbours x columns doubles).
_CHUNK = 4096
#: Directions this close to parallel (1 - |cos|) make a candidate pair.
_PARALLEL = 1e-8


@dataclass(frozen=True)
class Measured:
    """Per held-out row: distance to the closest training record, near duplicate, on a segment."""

    dcr: np.ndarray
    ratio: np.ndarray
    near: np.ndarray
    segment: np.ndarray
    method: str


def measure(
    encoded: Encoded,
    train: np.ndarray,
    held_out: np.ndarray,
    parents: np.ndarray,
    random_state: int | None,
) -> Measured:
    """Both measures for the ``held_out`` rows.

    Near duplicates: against the distinct ``train`` rows, by the HEOM
    distance over every column. Segments: between two of the distinct
    ``parents`` rows nearest by the numeric columns alone, which SMOTE
    interpolates (its categorical values are votes of neighbours, so they
    would pull the parents away). A held-out row may be among ``parents``;
    it is then its own closest row and skipped (``t = 0``).
    """
    k = min(K_SEGMENT, len(parents))
    # at most a quarter of the class, so the scale stays local however small the class
    k_near = min(K_NEAR, max(10, len(train) // 4)) + 1
    found = nearest_neighbors(
        encoded.points[train], min(k_near, len(train)), queries=encoded.points[held_out],
        random_state=random_state,
    )
    # ``train`` rows are distinct, so at most the first neighbour is an exact twin: exact
    # repeats are the exact check's; this one looks past them
    twin = found.distances[:, 0] == 0
    distances = np.where(twin[:, None], found.distances[:, 1:], found.distances[:, :-1])
    closest, kth = distances[:, 0], distances[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(kth > 0, closest / kth, 0.0)
    segment = np.zeros(len(held_out), dtype=bool)
    methods = {found.method}
    if k >= 2 and can_test_segments(encoded):
        numeric = np.nan_to_num(encoded.numeric, nan=0.5).astype(np.float32)
        found_parents = nearest_neighbors(
            numeric[parents], k, queries=numeric[held_out], random_state=random_state
        )
        methods.add(found_parents.method)
        for start in range(0, len(held_out), _CHUNK):
            stop = min(start + _CHUNK, len(held_out))
            segment[start:stop] = _on_lines(
                encoded, held_out[start:stop], parents[found_parents.indices[start:stop]]
            )
    return Measured(closest, ratio, ratio < NEAR_RATIO, segment, " and ".join(sorted(methods)))


def can_test_segments(encoded: Encoded) -> bool:
    """Segments mean something on two or more continuous (not whole-number) columns."""
    return int((~encoded.whole).sum()) >= 2


def _on_lines(encoded: Encoded, rows: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Whether each row lies on the line through two of its ``neighbours`` (row positions).

    Cheap first: ``x``, ``a`` and ``b`` are collinear when the directions
    from ``x`` to ``a`` and to ``b`` are parallel on the continuous columns
    (one batched product of unit vectors); only those candidate pairs get
    the exact test of :func:`_on_segment`.
    """
    numeric = encoded.numeric
    continuous = ~encoded.whole
    x = numeric[rows]
    around = numeric[neighbours]
    directions = (around - x[:, None, :])[..., continuous]
    lengths = np.linalg.norm(directions, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        units = np.nan_to_num(directions / lengths[..., None])
    cosines = np.abs(units @ units.transpose(0, 2, 1))
    first, second = np.triu_indices(neighbours.shape[1], 1)
    candidate = cosines[:, first, second] > 1 - _PARALLEL
    query, pair = np.nonzero(candidate)
    result = np.zeros(len(rows), dtype=bool)
    if len(query):
        # half a unit of a whole-number column, in the [0, 1] scale of ``numeric``
        rounding = np.where(encoded.whole, 0.5 / encoded.ranges, 0.0)
        a = around[query, first[pair]][:, None, :]
        b = around[query, second[pair]][:, None, :]
        fits = _on_segment(x[query][:, None, :], a, b, continuous, rounding)
        result[query[fits]] = True
    return result


def _on_segment(
    x: np.ndarray, a: np.ndarray, b: np.ndarray, continuous: np.ndarray, rounding: np.ndarray
) -> np.ndarray:
    """Rows of ``x`` (m, 1, d) on the line through some pair ``a``, ``b`` (m, pairs, d).

    The position ``t`` along the line comes from the continuous columns,
    which must fit to float precision; a whole-number column may be off by
    the rounding of ``x`` and of both points (half a unit each, scaled by
    how far ``t`` reaches). ``t`` is not limited to [0, 1]: when both
    points of a pair are themselves made from the same two parents, the
    row lies on their line but not always between them. A row that
    coincides with ``a`` or ``b`` is an exact duplicate, not counted here.
    """
    step = b - a
    offset = x - a
    length = (step[..., continuous] ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (offset[..., continuous] * step[..., continuous]).sum(axis=-1) / length
    residual = np.abs(offset - t[..., None] * step)
    reach = 1.0 + np.abs(t) + np.abs(1.0 - t)
    tolerance = SEGMENT_TOLERANCE * (np.abs(step) * reach[..., None] + np.abs(a) + 1.0)
    tolerance = tolerance + rounding * reach[..., None]
    fits = (residual <= tolerance).all(axis=-1)
    apart = (np.abs(t) > SEGMENT_TOLERANCE) & (np.abs(1 - t) > SEGMENT_TOLERANCE) & (length > 0)
    return (fits & apart).any(axis=1)
