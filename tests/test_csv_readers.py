"""Both CSV readers (pyarrow when installed, pandas otherwise) read the same files the same way.

Every case runs through each reader, on the same bytes: the same frames,
counts and audits come back, or the same error with the same message.
"""

import importlib.util

import pandas as pd
import pytest

from tabaug import audit
from tabaug.exceptions import InvalidInputError
from tabaug.utils import _io

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
READERS = ["pandas", pytest.param("pyarrow", marks=pytest.mark.skipif(
    not HAS_PYARROW, reason="needs pyarrow"))]


@pytest.fixture(params=READERS)
def reader(request, monkeypatch):
    if request.param == "pandas":
        monkeypatch.setattr(_io, "_has_pyarrow", lambda: False)
    return request.param


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _outcome(call):
    """The value of ``call()`` or the class and message of the error it raised."""
    try:
        return "ok", call()
    except Exception as error:  # noqa: BLE001 - the outcome is compared across readers
        return type(error).__name__, str(error)


def _both(monkeypatch, call):
    """Run ``call`` with each reader; return both outcomes."""
    with monkeypatch.context() as patch:
        patch.setattr(_io, "_has_pyarrow", lambda: False)
        without = _outcome(call)
    return without, _outcome(call)


RAGGED = {
    "short": ("label,split,x\n0,train,1\n1,test\n0,train,3\n", 3, 2),
    "long": ("label,split,x\n0,train,1\n1,test,2,9\n0,train,3\n", 3, 4),
    "long_quoted": ('label,split,x\n0,train,"a,b"\n1,test,"c",d\n', 3, 4),
    "short_after_multiline": ('label,split,x\n0,train,"two\nlines"\n1,test\n', 4, 2),
}


@pytest.mark.parametrize("case", sorted(RAGGED))
@pytest.mark.parametrize("columns", [None, ["label"], ["label", "split"]])
def test_ragged_rows_are_refused_with_the_line(tmp_path, reader, case, columns):
    content, line, fields = RAGGED[case]
    path = _write(tmp_path, "ragged.csv", content)
    with pytest.raises(InvalidInputError) as error:
        list(_io.iter_chunks(path, columns, as_text=True))
    message = str(error.value)
    assert str(path) in message
    assert f"line {line} has {fields} field" in message and "header has 3 columns" in message
    assert "comma" in message  # the fix


@pytest.mark.parametrize("case", sorted(RAGGED))
def test_ragged_rows_same_error_in_every_reading_path(tmp_path, monkeypatch, case):
    path = _write(tmp_path, "ragged.csv", RAGGED[case][0])
    calls = [
        lambda: audit(path, target="label"),
        lambda: audit(path, target="label", split="split"),
        lambda: audit(path, target="label", split="split", check_leakage=True),
        lambda: _io.read_table(path),
    ]
    for call in calls:
        without, with_arrow = _both(monkeypatch, call)
        assert without[0] == "InvalidInputError"
        if HAS_PYARROW:
            assert with_arrow == without


def test_empty_values_are_missing_never_empty_text(tmp_path, reader):
    path = _write(
        tmp_path,
        "empty.csv",
        'label,split,x\n0,train,1\n,train,2\n1,,3\n1,"",4\n0,test,\n1,test,6\n0,train,7\n',
    )
    result = audit(path, target="label", split="split")
    assert result.splits == ["train", "test"]
    assert result.missing_target == 1 and result.missing_split == 2
    assert result.counts.loc[1].tolist() == [0, 1, 1]
    text = pd.concat(_io.iter_chunks(path, ["split"], as_text=True), ignore_index=True)
    assert text["split"].tolist() == ["train", "train", "", "", "test", "test", "train"]


def test_empty_values_same_audit_both_readers(tmp_path, monkeypatch):
    path = _write(tmp_path, "empty.csv", "label,split,x\n0,train,1\n,train,2\n1,,3\n1,test,\n")
    for kwargs in ({}, {"split": "split"}, {"split": "split", "check_leakage": True}):
        without, with_arrow = _both(
            monkeypatch, lambda kwargs=kwargs: audit(path, target="label", **kwargs).to_dict()
        )
        assert without[0] == "ok"
        if HAS_PYARROW:
            assert with_arrow == without


QUOTED = (
    'label,note,split\n'
    '0,plain,train\n'
    '1,"with, comma",train\n'
    '0,"with ""quote""",test\n'
    '1,"two\nlines",train\n'
    '0,"",test\n'
    '1,5" tall,train\n'
    '0,"a\r\nb",test\n'
)


def test_quoting_reads_the_same_in_both_readers(tmp_path, monkeypatch):
    path = _write(tmp_path, "quoted.csv", QUOTED)
    expected = ["plain", "with, comma", 'with "quote"', "two\nlines", "", '5" tall', "a\r\nb"]
    for columns in (None, ["note"], ["label", "split"]):
        without, with_arrow = _both(
            monkeypatch,
            lambda columns=columns: pd.concat(
                _io.iter_chunks(path, columns, as_text=True), ignore_index=True
            ).to_dict("list"),
        )
        assert without[0] == "ok"
        if columns != ["label", "split"]:
            assert without[1]["note"] == expected
        if HAS_PYARROW:
            assert with_arrow == without
    without, with_arrow = _both(
        monkeypatch, lambda: audit(path, target="label", split="split").to_dict()
    )
    assert without[1]["counts"]["train"] == {"0": 1, "1": 3}
    if HAS_PYARROW:
        assert with_arrow == without


@pytest.mark.parametrize(
    "content, line",
    [
        ("label,city,split\n0,lyon,train\n1,caf\xe9,test\n".encode("latin-1"), 3),
        ("label,split,caf\xe9\n0,train,1\n1,test,2\n".encode("latin-1"), 1),
        ("label,split\n0,train\n1,test\n".encode("utf-16"), 1),
    ],
    ids=["latin1-unused-column", "latin1-header", "utf16"],
)
def test_non_utf8_is_refused_with_the_encoding_and_the_fix(tmp_path, monkeypatch, content, line):
    path = _write(tmp_path, "encoded.csv", content)
    for call in (
        lambda: audit(path, target="label"),
        lambda: audit(path, target="label", split="split"),
        lambda: _io.read_table(path),
    ):
        without, with_arrow = _both(monkeypatch, call)
        assert without[0] == "InvalidInputError"
        assert f"line {line} is not UTF-8" in without[1]
        assert "encoding=" in without[1] and "Re-save" in without[1]
        if HAS_PYARROW:
            assert with_arrow == without


def test_utf8_with_bom_and_crlf_read_the_same(tmp_path, monkeypatch):
    content = "\ufefflabel,split,x\r\n0,train,1\r\n1,test,2\r\n\r\n0,test,3\r\n"
    path = _write(tmp_path, "bom.csv", content.encode("utf-8"))
    without, with_arrow = _both(
        monkeypatch, lambda: audit(path, target="label", split="split").to_dict()
    )
    assert without[0] == "ok" and without[1]["counts"]["test"] == {"0": 1, "1": 1}
    if HAS_PYARROW:
        assert with_arrow == without


def test_pieces_cut_anywhere_give_the_same_rows(tmp_path, monkeypatch, reader):
    path = _write(tmp_path, "quoted.csv", QUOTED * 3)
    whole = pd.concat(_io.iter_chunks(path, None, as_text=True), ignore_index=True)
    for size in (1, 7, 64):
        monkeypatch.setattr(_io, "CSV_PIECE_BYTES", size)
        pieces = pd.concat(_io.iter_chunks(path, None, as_text=True), ignore_index=True)
        pd.testing.assert_frame_equal(pieces, whole)
