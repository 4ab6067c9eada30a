"""Reading and writing tables from files: CSV always, Parquet with pyarrow.

Large files are read a chunk at a time and, where only a few columns are
needed, only those columns (Parquet column projection; CSV
``include_columns`` / ``usecols``), so memory stays flat in the number of
rows. CSV is read with pyarrow when it is installed and with pandas
otherwise, from the same pieces and after the same checks (``_csv``), so both
accept and refuse the same files: UTF-8 only, every row as many fields as the
header, RFC 4180 quoting, an empty field a missing value. Every failure
becomes an :class:`~tabaug.exceptions.InvalidInputError` whose message names
the file (and the line, for a ragged row or a bad byte) and says what to do.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from tabaug.exceptions import InvalidInputError
from tabaug.utils._csv import check_fields, check_utf8, csv_header, csv_pieces, encoding_error
from tabaug.utils._settings import check_memory

#: Rows per chunk when streaming a file.
CHUNK_ROWS = 1_000_000
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}
_PARQUET_HINT = 'reading and writing Parquet needs pyarrow: pip install "tabaug[parquet]"'


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
        raise ImportError(_PARQUET_HINT) from error
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
        raise InvalidInputError(
            f"{path}: no such file; check the path (relative paths start from {Path.cwd()})"
        )
    if path.is_dir():
        raise InvalidInputError(f"{path} is a directory; pass a CSV or Parquet file")
    return path


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn any parser failure into a one-line :class:`InvalidInputError`."""
    try:
        yield
    except (InvalidInputError, ImportError):
        raise
    except UnicodeDecodeError as error:  # the header: the body is checked piece by piece
        raise encoding_error(path, 1, error.object[error.start]) from None
    except Exception as error:  # pandas and pyarrow raise many types for a bad file
        lines = str(error).strip().splitlines()
        detail = lines[0] if lines else type(error).__name__
        raise InvalidInputError(
            f"{path}: cannot read it as {file_format(path).upper()} ({detail}); "
            "check that it is a well-formed CSV or Parquet file"
        ) from error


def columns_of(path: Any) -> list[str]:
    """The column names of a CSV or Parquet file, reading only its header or schema."""
    path = _existing(path)
    with _reading(path):
        if file_format(path) == "parquet":
            _pyarrow()
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        header = csv_header(path)
        check_utf8(header, path, 0)
        return [str(column) for column in pd.read_csv(io.BytesIO(header), nrows=0).columns]


def require_columns(path: Any, needed: Sequence[str]) -> list[str]:
    """Check that the ``needed`` columns exist; return all of the file's columns."""
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
    """Yield the file as DataFrames of at most about :data:`CHUNK_ROWS` rows.

    Parameters
    ----------
    path : str or path-like
        A CSV or Parquet file.
    columns : sequence of str, optional
        Read only these columns (all by default).
    as_text : bool, default=False
        Read CSV values as strings (missing values as ``""``), so every chunk
        has the same dtypes: type inference per chunk could make a column int
        in one chunk and float in the next. Parquet keeps its schema's types.
    """
    path = _existing(path)
    if columns is not None:
        require_columns(path, columns)
    with _reading(path):
        if file_format(path) == "parquet" or _has_pyarrow():
            for batch in _arrow_batches(path, columns, as_text):
                yield batch.to_pandas()
            return
        names = columns_of(path)
        for piece, _ in _checked_pieces(path, names):
            reader = pd.read_csv(
                io.BytesIO(piece),
                header=None,
                names=names,
                usecols=columns,
                dtype=str if as_text else None,
                keep_default_na=not as_text,
                chunksize=CHUNK_ROWS,
            )
            with reader:
                yield from reader


def _checked_pieces(path: Path, names: list[str]) -> Iterator[tuple[bytes, int]]:
    """The CSV file's pieces (see ``_csv``), each checked for UTF-8 and ragged rows."""
    for piece, offset in csv_pieces(path, CSV_PIECE_BYTES):
        check_utf8(piece, path, offset)
        check_fields(piece, len(names), path, offset)
        yield piece, offset


def count_rows(path: Any, target: str, split: str | None = None) -> dict[tuple[Any, Any], int]:
    """Count rows per ``(split value, target value)``, reading only those columns.

    Without ``split`` the split value is None. Missing target values (empty
    CSV fields, Parquet nulls) are counted under the label None. CSV values
    are read as text. With pyarrow the counting stays in Arrow; without it,
    pandas reads the CSV in chunks.
    """
    path = _existing(path)
    columns = [target] if split is None else [target, split]
    require_columns(path, columns)
    counts: dict[tuple[Any, Any], int] = {}
    with _reading(path):
        if file_format(path) == "parquet" or _has_pyarrow():
            for batch in _arrow_batches(path, columns, as_text=True):
                for key, count in _count_batch(batch, target, split):
                    counts[key] = counts.get(key, 0) + count
        else:
            for chunk in iter_chunks(path, columns, as_text=True):
                labels = chunk[target].where(chunk[target] != "")
                splits = (
                    chunk[split].where(chunk[split] != "")
                    if split is not None
                    else pd.Series(None, index=chunk.index)
                )
                grouped = pd.DataFrame({"s": splits, "t": labels}).value_counts(dropna=False)
                for (split_value, label), count in grouped.items():
                    key = (_none_if_na(split_value), _none_if_na(label))
                    counts[key] = counts.get(key, 0) + int(count)
    return counts


def _none_if_na(value: Any) -> Any:
    return None if pd.isna(value) else value


#: Integer labels spanning fewer values than this are counted by offset, without hashing.
_DENSE_INT_SPAN = 1 << 16


def _count_batch(batch: Any, target: str, split: str | None) -> list[tuple[tuple[Any, Any], int]]:
    """Count one RecordBatch by ``(split, target)``.

    Each column becomes dense integer codes (dictionary indices; for integer
    labels of small span, value minus minimum, which needs no hashing), and
    ``split code * n_labels + label code`` is counted with ``numpy.bincount``.
    This is several times faster than a two-key ``group_by`` on strings.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    def encode(name: str) -> tuple[np.ndarray, list[Any]]:
        values = batch.column(name)
        if pa.types.is_integer(values.type) and values.null_count < len(values):
            low, high = pc.min_max(values).values()
            low, high = low.as_py(), high.as_py()
            if high - low < _DENSE_INT_SPAN:
                codes = pc.subtract(values.cast(pa.int64()), low).fill_null(high - low + 1)
                return codes.to_numpy(), [*range(low, high + 1), None]
        if not pa.types.is_dictionary(values.type):
            values = values.dictionary_encode()
        # an empty CSV field is a missing value, as pandas reads it; nulls get the last code
        decoded = [None if v == "" else v for v in values.dictionary.to_pylist()] + [None]
        codes = values.indices.fill_null(len(decoded) - 1).cast(pa.int64())
        return codes.to_numpy(), decoded

    label_codes, labels = encode(target)
    if split is None:
        combined, splits = label_codes, [None]
    else:
        split_codes, splits = encode(split)
        combined = split_codes * len(labels) + label_codes
    counts = np.bincount(combined, minlength=len(splits) * len(labels))
    return [
        ((splits[code // len(labels)], labels[code % len(labels)]), int(counts[code]))
        for code in np.flatnonzero(counts)
    ]


def _arrow_batches(path: Path, columns: Sequence[str] | None, as_text: bool) -> Iterator:
    """RecordBatches of a Parquet file (row groups, projected), or of a CSV file
    parsed by pyarrow one piece of about :data:`CSV_PIECE_BYTES` at a time."""
    pa = _pyarrow()
    if file_format(path) == "parquet":
        import pyarrow.parquet as pq

        reader = pq.ParquetFile(path, read_dictionary=columns if as_text else None)
        yield from reader.iter_batches(batch_size=CHUNK_ROWS, columns=columns)
        return
    import pyarrow.csv as pacsv

    names = columns_of(path)
    wanted = list(columns) if columns is not None else names
    read = pacsv.ReadOptions(column_names=names)
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={name: pa.string() for name in wanted} if as_text else None,
    )
    for piece, offset in csv_pieces(path, CSV_PIECE_BYTES):
        check_utf8(piece, path, offset)
        try:
            table = pacsv.read_csv(
                pa.py_buffer(piece), read_options=read, parse_options=parse, convert_options=convert
            )
        except pa.ArrowInvalid:
            check_fields(piece, len(names), path, offset)  # the same message as without pyarrow
            raise
        yield from table.to_batches()


#: Bytes of CSV parsed at once. pyarrow's own streaming reader reads ahead
#: without bound when parsing outpaces the consumer (its memory grew from 120
#: to 250 MiB between 2.5 and 10 million rows); fixed pieces keep memory flat.
CSV_PIECE_BYTES = 16 << 20


#: A CSV file's table in memory is about this many times the file's size (numbers parse
#: to 8 bytes from a few characters; short texts take more as Python objects).
_CSV_EXPANSION = 1.5


def table_bytes(path: Any, columns: Sequence[str] | None = None) -> float:
    """About how many bytes reading ``path`` (only ``columns``) whole takes in memory.

    Parquet: the uncompressed size of the column chunks read, from the file's
    metadata; CSV: the file's size times 1.5, scaled by the share of columns read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("a,b\\n1,2\\n")
    >>> table_bytes(path) > 0
    True
    """
    path = _existing(path)
    with _reading(path):
        if file_format(path) == "parquet":
            _pyarrow()
            import pyarrow.parquet as pq

            metadata = pq.ParquetFile(path).metadata
            wanted = None if columns is None else set(columns)
            total = 0
            for group in range(metadata.num_row_groups):
                row_group = metadata.row_group(group)
                for index in range(row_group.num_columns):
                    chunk = row_group.column(index)
                    if wanted is None or chunk.path_in_schema in wanted:
                        total += chunk.total_uncompressed_size
            return float(total)
        share = 1.0 if columns is None else len(columns) / max(len(columns_of(path)), 1)
        return path.stat().st_size * _CSV_EXPANSION * share


def read_table(path: Any, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a whole CSV or Parquet file (only ``columns`` if given) into a DataFrame.

    The table's size is estimated first (:func:`table_bytes`) and refused
    above tabaug's memory limit, before anything is read.
    """
    path = _existing(path)
    if columns is not None:
        require_columns(path, columns)
    check_memory(
        table_bytes(path, columns),
        what=f"reading {path.name} whole",
        fix="read fewer columns, split the file, or use a streaming or Dask path",
    )
    with _reading(path):
        if file_format(path) == "parquet":
            _pyarrow()
            return pd.read_parquet(path, columns=columns)
        for _ in _checked_pieces(path, columns_of(path)):
            pass
        return pd.read_csv(path, usecols=columns)


def write_table(frame: pd.DataFrame, path: Any) -> None:
    """Write a DataFrame as Parquet (``.parquet``/``.pq`` suffix) or CSV (anything else)."""
    path = Path(path)
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        _pyarrow()
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
