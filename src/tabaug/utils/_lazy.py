"""Recognise lazy (Dask) collections without importing Dask.

The core never imports Dask: a sampler, ``evaluate`` and ``audit`` look at
the type's module to decide whether the Dask path (``tabaug[dask]``) applies.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_dask_collection"]


def is_dask_collection(obj: Any) -> bool:
    """Whether ``obj`` is a Dask collection (DataFrame, Series, Array, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_collection(pd.Series([1, 2]))
    False
    """
    module = type(obj).__module__ or ""
    return module.split(".", 1)[0] in ("dask", "dask_expr")
