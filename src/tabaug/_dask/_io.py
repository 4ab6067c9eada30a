"""Parquet directories on Dask: read lazily, written partition by partition, atomically.

What the command line needs to run ``audit``, ``evaluate`` and ``resample``
on a directory or glob of Parquet files: :func:`read_parquet` opens it
lazily, :func:`split_target` takes the label column out with a clear error
when it is missing, and :func:`write_parquet` writes a lazy collection
without gathering it into one process, into ``DIR.partial-<id>`` first and
swapped in at the end (:func:`tabaug.utils.atomic_directory`), so a failure
leaves the old output untouched.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Any

import dask.dataframe as dd

from tabaug._dask._progress import progress_compute
from tabaug.exceptions import InvalidInputError
from tabaug.utils import atomic_directory

__all__ = ["is_dataset", "read_parquet", "split_target", "write_parquet", "write_resampled"]

_GLOB_CHARACTERS = set("*?[")


def is_dataset(path: Any) -> bool:
    """Whether ``path`` names several files (a directory or a glob): the Dask path's input.

    Examples
    --------
    >>> is_dataset("data/*.parquet"), is_dataset("table.csv")
    (True, False)
    """
    if not isinstance(path, str | os.PathLike):
        return False
    text = os.fspath(path)
    return bool(_GLOB_CHARACTERS & set(text)) or Path(text).is_dir()


def read_parquet(path: Any, *, columns: list | None = None) -> Any:
    """A Parquet file, directory or glob as a lazy Dask DataFrame (one partition per file).

    Parameters
    ----------
    path : str or path-like
        A ``.parquet`` file, a directory of them, or a glob such as
        ``'data/2024-*.parquet'``.
    columns : list of str, optional
        Read only these columns; each must exist.

    Returns
    -------
    dask.dataframe.DataFrame

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"x": [1.0, 2.0], "label": [0, 1]}).to_parquet(folder / "a.parquet")
    >>> read_parquet(folder).columns.tolist()
    ['x', 'label']
    """
    text = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if text is None:
        raise InvalidInputError(
            f"expected a path to Parquet files (a file, a directory or a glob); got a "
            f"{type(path).__name__}."
        )
    if _GLOB_CHARACTERS & set(text):
        if not glob.glob(text):
            raise InvalidInputError(f"{text}: no file matches this pattern; check the glob.")
    elif not Path(text).exists():
        raise InvalidInputError(f"{text}: no such file or directory.")
    try:
        frame = dd.read_parquet(text)
    except (OSError, ValueError, TypeError) as error:
        raise InvalidInputError(
            f"{text}: cannot be read as Parquet ({error}). Pass a Parquet file, a directory "
            "of Parquet files, or a glob that matches only Parquet files."
        ) from error
    if columns is not None:
        require_columns(frame, columns, where=text)
        frame = frame[list(columns)]
    return frame


def require_columns(frame: Any, needed: list, *, where: str = "the data") -> None:
    """Refuse names that are not columns of ``frame``, listing the columns there are."""
    present = list(frame.columns)
    missing = [name for name in needed if name not in present]
    if missing:
        shown = ", ".join(map(str, present[:20])) + (", ..." if len(present) > 20 else "")
        raise InvalidInputError(
            f"{where}: no column {', '.join(map(repr, missing))}; its columns are: {shown}. "
            "Check the spelling."
        )


def split_target(frame: Any, target: str) -> tuple[Any, Any]:
    """``(X, y)``: every column but ``target``, and ``target``, from one collection.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> ddf = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0], "label": [0, 1]}), npartitions=1)
    >>> X, y = split_target(ddf, "label")
    >>> X.columns.tolist(), y.name
    (['x'], 'label')
    """
    if not isinstance(target, str) or not target:
        raise InvalidInputError(
            f"the target must be the name of a column; got {target!r}. Pass --target NAME."
        )
    require_columns(frame, [target])
    return frame.drop(columns=target), frame[target]


def write_parquet(frame: Any, directory: Any) -> Path:
    """Write a lazy DataFrame as partitioned Parquet into ``directory``, atomically.

    Each worker writes its own partitions (nothing is gathered into one
    process). The files go to ``DIR.partial-<id>`` first; only when every
    partition is written is the old directory moved aside, the new one renamed
    in, and the old one deleted. Returns the directory.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import dask.dataframe as dd, pandas as pd
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> ddf = dd.from_pandas(pd.DataFrame({"x": range(4)}), npartitions=2)
    >>> sorted(p.name for p in write_parquet(ddf, target).iterdir())
    ['part.0.parquet', 'part.1.parquet']
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InvalidInputError(
            f"{target} exists and is not a directory: the output is a directory of Parquet "
            "files. Choose another path."
        )
    with atomic_directory(target) as partial:
        progress_compute(frame.to_parquet(partial, write_index=False, compute=False))
    return target


def write_resampled(X_res: Any, y_res: Any, directory: Any, *, target: str) -> Path:
    """Write a resampled pair as one partitioned Parquet table, the labels as column ``target``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import dask.dataframe as dd, pandas as pd
    >>> from tabaug import RandomOverSampler
    >>> ddf = dd.from_pandas(pd.DataFrame({"x": range(8), "y": [0] * 6 + [1] * 2}), 2)
    >>> X_res, y_res = RandomOverSampler(random_state=0).fit_resample(*split_target(ddf, "y"))
    >>> out = write_resampled(X_res, y_res, pathlib.Path(tempfile.mkdtemp()) / "o", target="y")
    >>> pd.read_parquet(out)["y"].value_counts().to_dict()
    {0: 6, 1: 6}
    """
    if target in X_res.columns:
        raise InvalidInputError(
            f"X already has a column {target!r}; name the label column differently."
        )
    return write_parquet(X_res.assign(**{target: y_res}), directory)
