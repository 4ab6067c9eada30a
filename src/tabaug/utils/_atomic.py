"""Writes that never leave a half-written file behind.

A file is written to a temporary file beside its target and renamed over it
only once complete (``os.replace`` is atomic on one filesystem); a directory
is filled under ``DIR.partial-<id>`` and swapped in at the end, the old
directory moved aside first and deleted after. If anything fails, the old
output is left exactly as it was and the temporary is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_directory", "atomic_file", "write_text_atomic"]


@contextmanager
def atomic_file(path: Any) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` if the block succeeds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(target) as temporary:
    ...     _ = temporary.write_text("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    # the real suffix last, so writers that infer the format from it (savefig) still can
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".partial{target.suffix}",
                                    dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
    try:
        yield temporary
        if target.exists() and not target.is_file():
            raise IsADirectoryError(f"{target} exists and is not a file; choose another path")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Any, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :func:`atomic_file`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.json"
    >>> write_text_atomic(target, "{}")
    >>> target.read_text()
    '{}'
    """
    with atomic_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


@contextmanager
def atomic_directory(path: Any) -> Iterator[Path]:
    """Yield ``DIR.partial-<id>`` to fill; swap it in for ``path`` if the block succeeds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "parts"
    >>> with atomic_directory(target) as folder:
    ...     _ = (folder / "part-0.csv").write_text("a\\n1\\n")
    >>> sorted(p.name for p in target.iterdir())
    ['part-0.csv']
    """
    target = Path(path)
    partial = target.with_name(f"{target.name}.partial-{uuid.uuid4().hex[:8]}")
    partial.mkdir(parents=True)
    try:
        yield partial
        old = None
        if target.exists():
            if not target.is_dir():
                raise NotADirectoryError(f"{target} exists and is not a directory")
            old = target.with_name(f"{target.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(target, old)
        os.replace(partial, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
