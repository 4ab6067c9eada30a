"""Row sets and row selection shared by the audit's checks.

A :class:`RowSet` says, for each row of a table, its class (a code) and
whether it is in the reference split or a held-out one; :func:`distinct`
drops repeated points and :func:`at_most` draws a seeded sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RowSet:
    """Labelled rows of the reference split (``train``) and of the held-out splits."""

    labels: np.ndarray
    train: np.ndarray
    held_out: np.ndarray


def at_most(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``rows``, or a seeded sample of ``n`` of them in order."""
    return rows if len(rows) <= n else np.sort(rng.choice(rows, n, replace=False))


def distinct(points: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rows`` without those whose point repeats an earlier one's.

    Rows are compared by a 64-bit hash of their float32 bits (a random odd
    multiplier per coordinate); two different rows collide with probability
    about 2**-64.
    """
    bits = np.ascontiguousarray(points[rows]).view(np.uint32).astype(np.uint64)
    multipliers = np.random.default_rng(0).integers(1, 2**63, bits.shape[1], dtype=np.uint64)
    hashes = (bits * (multipliers | np.uint64(1))).sum(axis=1, dtype=np.uint64)
    return rows[~pd.Series(hashes).duplicated().to_numpy()]
