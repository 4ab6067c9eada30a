"""Leakage between splits: held-out rows that exactly repeat rows of the reference split.

Rows are compared by a 64-bit hash of their values
(``pandas.util.hash_pandas_object``), computed chunk by chunk so a file can be
checked without holding it whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tabaug.exceptions import InvalidInputError

#: Rows hashed at once.
HASH_CHUNK = 1_000_000


def hash_splits(features: dict[Any, Any]) -> dict[Any, np.ndarray]:
    """Row hashes of each split's features; every split must have the same columns."""
    frames = {name: _as_frame(X) for name, X in features.items()}
    columns = {name: list(map(str, frame.columns)) for name, frame in frames.items()}
    first = next(iter(columns.values()))
    for name, names in columns.items():
        if names != first:
            raise InvalidInputError(
                f"the features of split {name!r} have different columns from the first split; "
                "every split must have the same feature columns"
            )
    return {name: row_hashes(frame) for name, frame in frames.items()}


def _as_frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if hasattr(X, "toarray"):
        X = X.toarray()
    array = np.asarray(X)
    return pd.DataFrame(array.reshape(len(array), -1))


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hashes of every row's values, chunk by chunk.

    Numeric columns are hashed as float64, so a value hashes the same in an
    int column of one split and a float column of another. A cell that
    cannot be hashed (a list, a dict, an array) is refused with the column's
    name: there is no faithful way to compare it.
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
            raise _unhashable_error(chunk) from error
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _unhashable_error(frame: pd.DataFrame) -> InvalidInputError:
    for column in frame.columns:
        try:
            pd.util.hash_pandas_object(frame[column], index=False)
        except (TypeError, ValueError):
            kinds = sorted({type(v).__name__ for v in frame[column] if not isinstance(v, str)})
            return InvalidInputError(
                f"column {column!r} holds values of type {', '.join(kinds[:3])}, which the "
                "leakage check cannot compare row to row. Convert the column to text "
                f"(frame[{column!r}] = frame[{column!r}].astype(str)), drop it, or pass "
                "check_leakage=False."
            )
    return InvalidInputError(
        "some feature values cannot be compared row to row by the leakage check; convert "
        "container values (lists, dicts, arrays) to text, or pass check_leakage=False."
    )


def exact_duplicates(hashes: dict[str, np.ndarray], reference: str) -> dict[str, dict[str, Any]]:
    """For each split but ``reference``: how many of its rows repeat a ``reference`` row."""
    if reference not in hashes:
        return {}
    known = np.unique(hashes[reference])
    result = {}
    for split, values in hashes.items():
        if split == reference:
            continue
        repeated = int(np.isin(values, known).sum())
        result[split] = {
            "reference": reference,
            "rows": int(len(values)),
            "duplicates": repeated,
            "share": repeated / len(values) if len(values) else 0.0,
        }
    return result
