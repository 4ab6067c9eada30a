"""Reading and writing tables from files: CSV always, Parquet with pyarrow.

Large files are read a chunk at a time and, where only a few columns are
needed, only those columns (Parquet column projection; CSV ``include_columns``
/ ``usecols``), so memory stays flat in the number of rows. Every failure
becomes an :class:`~tabaug.exceptions.InvalidInputError` whose message names
the file and says what to do.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tabaug.exceptions import InvalidInputError

#: Rows per chunk when streaming a file.
CHUNK_ROWS = 1_000_000
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}


def is_path(data: Any) -> bool:
    return isinstance(data, (str, os.PathLike))


def file_format(path: Path) -> str:
    """``"parquet"`` or ``"csv"``, from the suffix, else from the Parquet magic bytes."""
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        return "parquet"
    if path.suffix.lower() == ".csv":
        return "csv"
    with open(path, "rb") as handle:
        return "parquet" if handle.read(4) == b"PAR1" else "csv"


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as error:
        raise ImportError(
            'reading and writing Parquet needs pyarrow; install it with: pip install "tabaug[parquet]"'
        ) from error
    return pyarrow


def _has_pyarrow() -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def _existing(path: Any) -> Path:
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInputError(f"{path} is a directory; pass a CSV or Parquet file")
    return path


def _unreadable(path: Path, error: Exception) -> InvalidInputError:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return InvalidInputError(
        f"{path}: cannot read it as {file_format(path).upper()} ({detail}); "
        "check that it is a well-formed CSV or Parquet file"
    )


def columns_of(path: Any) -> list[str]:
    """The column names of a CSV or Parquet file, reading only its header or schema."""
    path = _existing(path)
    try:
        if file_format(path) == "parquet":
            _pyarrow()
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        return [str(column) for column in pd.read_csv(path, nrows=0).columns]
    except (InvalidInputError, ImportError):
        raise
    except Exception as error:  # pandas and pyarrow raise many types for a bad file
        raise _unreadable(path, error) from error


def require_columns(path: Any, needed: Sequence[str]) -> list[str]:
    """Check that ``needed`` columns exist; return all the file's columns."""
    columns = columns_of(path)
    missing = [column for column in needed if column not in columns]
    if missing:
        shown = ", ".join(columns[:20]) + (", ..." if len(columns) > 20 else "")
        raise InvalidInputError(
            f"{path}: no column {', '.join(map(repr, missing))}; its columns are: {shown}"
        )
    return columns


def iter_chunks(
    path: Any, columns: Sequence[str] | None = None, *, as_text: bool = False
) -> Iterator[pd.DataFrame]:
    """Yield the file as DataFrames of at most :data:`CHUNK_ROWS` rows.

    Parameters
    ----------
    path : str or path-like
        A CSV or Parquet file.
    columns : sequence of str, optional
        Read only these columns (all by default).
    as_text : bool, default=False
        Read CSV values as strings, so every chunk has the same dtypes
        (type inference per chunk could make a column int in one chunk and
        float in the next). Parquet keeps its schema's types.
    """
    path = _existing(path)
    if columns is not None:
        require_columns(path, columns)
    chunks = _parquet_chunks if file_format(path) == "parquet" else _csv_chunks
    try:
        yield from chunks(path, columns, as_text)
    except (InvalidInputError, ImportError):
        raise
    except Exception as error:  # a malformed row deep in the file surfaces here
        raise _unreadable(path, error) from error


def _parquet_chunks(path: Path, columns: Sequence[str] | None, as_text: bool) -> Iterator:
    _pyarrow()
    import pyarrow.parquet as pq

    reader = pq.ParquetFile(path)
    for batch in reader.iter_batches(batch_size=CHUNK_ROWS, columns=columns):
        yield batch.to_pandas()


def _csv_chunks(path: Path, columns: Sequence[str] | None, as_text: bool) -> Iterator:
    if _has_pyarrow():
        yield from _csv_chunks_arrow(path, columns, as_text)
        return
    dtype = str if as_text else None
    reader = pd.read_csv(
        path, usecols=columns, dtype=dtype, chunksize=CHUNK_ROWS, keep_default_na=not as_text
    )
    with reader:
        yield from reader


def _csv_chunks_arrow(path: Path, columns: Sequence[str] | None, as_text: bool) -> Iterator:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = columns_of(path)
    wanted = list(columns) if columns is not None else names
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={name: pa.string() for name in wanted} if as_text else None,
        strings_can_be_null=not as_text,
    )
    read = pacsv.ReadOptions(block_size=64 << 20)
    with pacsv.open_csv(path, read_options=read, convert_options=convert) as reader:
        for batch in reader:
            yield batch.to_pandas()


def read_table(path: Any, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a whole CSV or Parquet file (only ``columns`` if given) into a DataFrame."""
    path = _existing(path)
    if columns is not None:
        require_columns(path, columns)
    try:
        if file_format(path) == "parquet":
            _pyarrow()
            return pd.read_parquet(path, columns=columns)
        return pd.read_csv(path, usecols=columns)
    except (InvalidInputError, ImportError):
        raise
    except Exception as error:
        raise _unreadable(path, error) from error


def write_table(frame: pd.DataFrame, path: Any) -> None:
    """Write a DataFrame as Parquet (``.parquet``/``.pq`` suffix) or CSV (anything else)."""
    path = Path(path)
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        _pyarrow()
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
