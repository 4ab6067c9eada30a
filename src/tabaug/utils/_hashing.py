"""Row hashes: one 64-bit number per row, for exact-repeat checks in memory and on Dask.

Numeric columns are hashed as float64, so a value hashes the same in an int
column of one split and a float column of another (or of another Dask
partition). A cell that cannot be hashed (a list, a dict, an array) is
refused with the column's name: there is no faithful way to compare it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError

__all__ = ["row_hashes", "unhashable_error"]

#: Rows hashed at once.
HASH_CHUNK = 1_000_000


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hashes of every row's values (index ignored), chunk by chunk.

    Examples
    --------
    >>> import pandas as pd
    >>> from tabaug.utils import row_hashes
    >>> hashes = row_hashes(pd.DataFrame({"a": [1, 1, 2], "b": ["x", "x", "x"]}))
    >>> bool(hashes[0] == hashes[1]), bool(hashes[0] == hashes[2])
    (True, False)
    >>> bool(row_hashes(pd.DataFrame({"a": [1.0]}))[0] == row_hashes(pd.DataFrame({"a": [1]}))[0])
    True
    """
    numeric = [
        column
        for column in frame.columns
        if pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column])
    ]
    parts = []
    for start in range(0, len(frame), HASH_CHUNK):
        chunk = frame.iloc[start : start + HASH_CHUNK]
        if numeric:
            chunk = chunk.astype(dict.fromkeys(numeric, "float64"))
        try:
            parts.append(pd.util.hash_pandas_object(chunk, index=False).to_numpy())
        except (TypeError, ValueError) as error:
            raise unhashable_error(chunk) from error
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


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
