"""Where Dask work runs: a local cluster, or a scheduler at an address, reached in bounded time.

:func:`dask_client` is what ``--scheduler {local,ADDRESS}`` maps to. A
scheduler that does not answer within ``timeout`` seconds is a clear error,
never a hang. :func:`worker_memory_limit` tells the memory guard how much one
worker may hold.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tabaug._dask._progress import current_client
from tabaug.exceptions import InvalidInputError, InvalidParameterError
from tabaug.utils import check_scalar

__all__ = ["dask_client", "worker_memory_limit"]

_DISTRIBUTED_HINT = (
    'Dask clusters need the "distributed" package: pip install "tabaug[dask]".'
)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise ImportError(_DISTRIBUTED_HINT) from error
    return distributed


@contextmanager
def dask_client(
    scheduler: str = "local",
    *,
    timeout: float = 10.0,
    n_workers: int | None = None,
    threads_per_worker: int | None = None,
    memory_limit: Any = "auto",
) -> Iterator[Any]:
    """Connect to a Dask scheduler for the block; computations inside run there.

    Parameters
    ----------
    scheduler : str, default='local'
        'local' starts a ``LocalCluster`` sized to the machine (one worker
        process per core by default) and closes it at the end; anything else
        is a scheduler address such as ``'tcp://10.0.0.5:8786'``.
    timeout : float, default=10.0
        Seconds to wait for the scheduler to answer before giving up with an
        error.
    n_workers, threads_per_worker : int, optional
        Size of a local cluster (Dask's defaults when None).
    memory_limit : str or int, default='auto'
        Memory limit of each local worker ('auto': the machine's memory shared
        between the workers); a worker above it spills to disk, then restarts.

    Yields
    ------
    distributed.Client

    Examples
    --------
    A scheduler that does not answer is an error after ``timeout`` seconds:

    >>> with dask_client("tcp://127.0.0.1:9", timeout=0.5):
    ...     pass
    Traceback (most recent call last):
        ...
    tabaug.exceptions.InvalidInputError: no Dask scheduler answered at 'tcp://127.0.0.1:9' ...
    """
    distributed = _distributed()
    check_scalar(timeout, "timeout", owner="dask_client", low=0, include_low=False)
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise InvalidParameterError(
            f"scheduler must be 'local' or a scheduler address such as 'tcp://host:8786'; "
            f"got {scheduler!r}."
        )
    if scheduler == "local":
        cluster = distributed.LocalCluster(
            n_workers=n_workers if n_workers is not None else min(os.cpu_count() or 1, 8),
            threads_per_worker=threads_per_worker or 1,
            memory_limit=memory_limit,
            dashboard_address=None,
        )
        with cluster, distributed.Client(cluster, timeout=timeout) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as error:
        raise InvalidInputError(
            f"no Dask scheduler answered at {scheduler!r} within {timeout:g} s ({error}). "
            "Check the address and that the scheduler is running (dask scheduler), or use "
            "--scheduler local to run on this machine."
        ) from error
    with client:
        yield client


def worker_memory_limit() -> int | None:
    """The smallest memory limit of the current cluster's workers, or None (no cluster/limit)."""
    client = current_client()
    if client is None:
        return None
    limits = [
        worker.get("memory_limit") or 0
        for worker in client.scheduler_info().get("workers", {}).values()
    ]
    limits = [limit for limit in limits if limit > 0]
    return min(limits) if limits else None
