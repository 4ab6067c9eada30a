"""Recognise lazy (Dask) collections without importing Dask, and the one door to the Dask paths.

The core never imports Dask: a sampler, ``evaluate`` and ``audit`` look at
the type's module to decide whether the Dask path (``tabaug[dask]``) applies,
then call it through :func:`dask_backend`.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any

__all__ = ["dask_backend", "is_dask_collection"]
__doctest_requires__ = {"dask_backend": ["dask"]}


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


def dask_backend() -> ModuleType:
    """tabaug's Dask paths (the package ``tabaug._dask``), imported on first use.

    Examples
    --------
    >>> dask_backend().__name__
    'tabaug._dask'
    """
    if importlib.util.find_spec("dask") is None:
        raise ImportError('Dask collections need the "dask" extra: pip install "tabaug[dask]".')
    return importlib.import_module("tabaug._dask")
