"""CSV as both of tabaug's readers see it: pieces cut at record boundaries, checked first.

tabaug parses CSV with pyarrow when it is installed and with pandas
otherwise. Left to themselves they disagree: pandas pads a short row with
missing values and, reading only some columns, ignores extra fields, where
pyarrow refuses both; pandas refuses a non-UTF-8 byte anywhere, pyarrow only
in the columns it converts to text. So both readers get the same pieces of
the file and the same checks before parsing, and accept and refuse the same
files with the same messages (naming the file and the line):

* every piece must be UTF-8 (:func:`check_utf8`);
* every record must have as many fields as the header (:func:`check_fields`).

Quoting is RFC 4180's, as both parsers read it: a field in double quotes may
hold commas, newlines and doubled quotes (``""``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tabaug.exceptions import InvalidInputError

_NEWLINE, _COMMA, _QUOTE, _RETURN = 10, 44, 34, 13


def csv_pieces(path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """The file's records after the header, in pieces that end on a record boundary.

    Yields ``(piece, offset)``, ``offset`` being the piece's position in the
    file in bytes. A boundary is a newline outside quotes: with RFC 4180
    quoting (a quote inside a quoted field is doubled) that is a newline
    preceded by an even number of quote characters. A quote inside an
    unquoted value (``5" tall``) breaks that rule: from the first one on, the
    rest of the file is one piece, which is parsed right but no longer in
    flat memory.
    """
    with open(path, "rb") as handle:
        carry = b""
        offset = 0  # of carry in the file
        header_done = False
        regular = True
        while block := handle.read(size):
            buffer = carry + block
            quotes = _quote_positions(buffer) if regular else None
            regular = regular and not _irregular_quotes(buffer, quotes)
            if not regular and header_done:
                carry = buffer
                continue
            start = 0
            if not header_done:
                start = record_end(buffer, first=True)
                if start < 0:
                    carry = buffer
                    continue
                header_done = True
                if not regular:
                    carry, offset = buffer[start:], offset + start
                    continue
            end = record_end(buffer, quotes=quotes)
            if end <= start:
                carry, offset = buffer[start:], offset + start
                continue
            yield buffer[start:end], offset + start
            carry, offset = buffer[end:], offset + end
        if header_done and carry.strip():
            yield carry, offset


def line_number(path: Path, offset: int) -> int:
    """The line (from 1) of the byte at ``offset``: for messages, so read only on error."""
    newlines = 0
    with open(path, "rb") as handle:
        while offset > 0 and (block := handle.read(min(offset, 1 << 24))):
            newlines += block.count(b"\n")
            offset -= len(block)
    return newlines + 1


def csv_header(path: Path, size: int = 1 << 16) -> bytes:
    """The bytes of the file's first record (its header), read a block at a time."""
    with open(path, "rb") as handle:
        buffer = b""
        while block := handle.read(size):
            buffer += block
            end = record_end(buffer, first=True)
            if end >= 0:
                return buffer[:end]
        return buffer


def _quote_positions(buffer: bytes) -> np.ndarray | None:
    """Positions of the quote characters in ``buffer``; None when there are none."""
    if b'"' not in buffer:
        return None
    return np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == _QUOTE)


def _irregular_quotes(buffer: bytes, quotes: np.ndarray | None) -> bool:
    """Whether quote parity misreads this buffer, which starts on a record boundary.

    Counting quotes finds record ends when every quote opens a field (after
    a delimiter, or as the second of a doubled quote) or closes one (before
    a delimiter, or as the first of a doubled quote); a quote in the middle
    of an unquoted value does neither.
    """
    if quotes is None:
        return False
    data = np.frombuffer(buffer, dtype=np.uint8)
    delimiter = np.zeros(256, dtype=bool)
    delimiter[[_COMMA, _NEWLINE, _RETURN, _QUOTE]] = True
    before = quotes[0::2] - 1
    after = quotes[1::2] + 1
    if before[0] < 0:
        before = before[1:]
    if len(after) and after[-1] >= len(data):
        after = after[:-1]
    return not (delimiter[data[before]].all() and delimiter[data[after]].all())


def record_end(buffer: bytes, *, first: bool = False, quotes: np.ndarray | None = None) -> int:
    """Index just after the last newline outside quotes (the first, with ``first``), or -1.

    ``quotes``, the positions of the quotes when known, spares counting them again.
    """
    if first:
        position = buffer.find(b"\n")
        while position >= 0 and buffer.count(b'"', 0, position) % 2:
            position = buffer.find(b"\n", position + 1)
        return position + 1 if position >= 0 else -1
    position = buffer.rfind(b"\n")
    if quotes is None:
        quotes = _quote_positions(buffer)
    if quotes is None:
        return position + 1
    while position >= 0 and np.searchsorted(quotes, position) % 2:
        position = buffer.rfind(b"\n", 0, position)
    return position + 1 if position >= 0 else -1


def encoding_error(path: Path, line: int, byte: int) -> InvalidInputError:
    utf16 = " (it looks like UTF-16)" if byte in (0xFF, 0xFE) and line == 1 else ""
    return InvalidInputError(
        f"{path}: cannot read it as CSV: line {line} is not UTF-8 text (byte 0x{byte:02x})"
        f"{utf16}; tabaug reads CSV files as UTF-8. Re-save the file as UTF-8, e.g. "
        "pandas.read_csv(path, encoding='latin-1').to_csv(new_path, index=False) or "
        "iconv -f LATIN1 -t UTF-8 (use the file's real encoding)."
    )


def check_utf8(piece: bytes, path: Path, offset: int) -> None:
    """Refuse a piece (at ``offset`` in the file) that is not UTF-8, naming its first bad line."""
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError as error:
        line = line_number(path, offset + error.start)
        raise encoding_error(path, line, piece[error.start]) from None


def check_fields(piece: bytes, n_columns: int, path: Path, offset: int) -> None:
    """Refuse a piece with a record whose field count differs from the header's.

    A vectorised count of the commas outside quotes finds suspect records;
    Python's csv module, which reads quotes exactly as the parsers do (a
    quote inside an unquoted field is a plain character), confirms the first
    one and gives its line. Blank lines are skipped, as both parsers do.
    """
    if not _suspect_records(piece, n_columns):
        return
    reader = csv.reader(io.StringIO(piece.decode("utf-8"), newline=""))
    previous = 0
    for record in reader:
        if record and len(record) != n_columns:
            line = line_number(path, offset) + previous
            raise ragged_error(path, line, len(record), n_columns)
        previous = reader.line_num


def ragged_error(path: Path, line: int, n_fields: int, n_columns: int) -> InvalidInputError:
    return InvalidInputError(
        f"{path}: cannot read it as CSV: line {line} has {n_fields} "
        f"field{'s' if n_fields != 1 else ''} but the header has {n_columns} columns; every "
        "row needs one value per column. Look for a missing or extra comma on that line (put "
        "values that contain commas in double quotes), then read the file again."
    )


def _suspect_records(piece: bytes, n_columns: int) -> bool:
    """Whether some non-blank record seems to have a field count other than ``n_columns``."""
    data = np.frombuffer(piece, dtype=np.uint8)
    outside = np.ones(len(data), dtype=bool)
    if _QUOTE in data:
        # a byte is inside quotes when an odd number of quotes precede it
        outside = ~np.bitwise_xor.accumulate(data == _QUOTE)
    ends = np.flatnonzero((data == _NEWLINE) & outside)
    if not len(data) or data[-1] != _NEWLINE:
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1))
    commas = np.flatnonzero((data == _COMMA) & outside)
    fields = np.searchsorted(commas, ends) - np.searchsorted(commas, starts) + 1
    lengths = ends - starts
    last = data[np.minimum(starts, len(data) - 1)] if len(data) else np.zeros(0, np.uint8)
    blank = (lengths == 0) | ((lengths == 1) & (last == _RETURN))
    return bool(((fields != n_columns) & ~blank).any())
