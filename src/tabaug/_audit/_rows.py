"""Row sets and row selection shared by the audit's checks.

A :class:`RowSet` says, for each row of a table, its class (a code) and
whether it is in the reference split or a held-out one; :func:`distinct`
drops repeated points, :func:`at_most` draws a seeded sample, and
:func:`unhashable_error` names a column whose cells cannot be compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError


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


def unhashable_error(frame: pd.DataFrame) -> InvalidInputError:
    """The error for feature cells that cannot be compared (lists, dicts, arrays)."""
    for column in frame.columns:
        try:
            pd.util.hash_pandas_object(frame[column], index=False)
        except (TypeError, ValueError):
            kinds = sorted({type(v).__name__ for v in frame[column] if not isinstance(v, str)})
            return InvalidInputError(
                f"column {column!r} holds values of type {', '.join(kinds[:3])}, which the "
                "audit cannot compare row to row. Convert the column to text "
                f"(frame[{column!r}] = frame[{column!r}].astype(str)), drop it, or pass "
                "check_leakage=False (and difficulty=False)."
            )
    return InvalidInputError(
        "some feature values cannot be compared row to row by the audit; convert container "
        "values (lists, dicts, arrays) to text, or pass check_leakage=False."
    )
