"""Every eager computation of the Dask paths, with an optional progress display.

The counting pass, SMOTE's gathering of the minority rows and the CLI's write
all go through :func:`progress_compute`, so one switch
(:func:`show_progress`) shows a progress bar on standard error for each of
them: Dask's own text bar for the local schedulers, ``distributed``'s for a
cluster.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from typing import Any

import dask
from dask.base import get_scheduler

__all__ = ["current_client", "progress_compute", "show_progress"]

_SHOW = contextvars.ContextVar("tabaug_dask_progress", default=False)


@contextmanager
def show_progress(enabled: bool = True) -> Iterator[None]:
    """Show a progress bar on standard error for every Dask computation inside the block.

    Parameters
    ----------
    enabled : bool, default=True
        False keeps the block silent (``--quiet``).

    Examples
    --------
    >>> import dask
    >>> with show_progress(False):
    ...     progress_compute(dask.delayed(sum)([1, 2]))
    (3,)
    """
    token = _SHOW.set(bool(enabled))
    try:
        yield
    finally:
        _SHOW.reset(token)


def current_client() -> Any:
    """The ``distributed`` client ``dask.compute`` would use now, or None (local schedulers)."""
    if "distributed" not in sys.modules:
        return None
    from distributed import Client

    client = getattr(get_scheduler(), "__self__", None)
    return client if isinstance(client, Client) else None


def progress_compute(*tasks: Any) -> tuple:
    """``dask.compute(*tasks)``, with a progress bar inside :func:`show_progress`."""
    if not _SHOW.get():
        return dask.compute(*tasks)
    client = current_client()
    if client is None:
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            return dask.compute(*tasks)
    from distributed import progress

    futures = client.compute(list(tasks))
    with redirect_stdout(sys.stderr):
        progress(futures)
        sys.stdout.write("\n")
    return tuple(client.gather(futures))
