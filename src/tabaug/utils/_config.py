"""Global settings, in the style of scikit-learn's ``set_config``: today, the memory limit.

The memory limit caps what one call may allocate for its output (a resampled
table, a set of images, a bootstrap). It is a global setting rather than an
estimator parameter so that it never changes any estimator's ``get_params``.
Its default comes from the ``TABAUG_MAX_MEMORY`` environment variable, else
half of the physical memory or of the container's (cgroup) limit, whichever
is lower.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tabaug.exceptions import InvalidParameterError

__all__ = ["config_context", "format_bytes", "get_config", "memory_limit", "set_config"]

_ENV_VARIABLE = "TABAUG_MAX_MEMORY"
_DEFAULTS: dict[str, Any] = {"max_memory": None}
_global_config: dict[str, Any] = dict(_DEFAULTS)
_lock = threading.Lock()
_UNITS = {
    "": 1, "b": 1,
    "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
    "t": 10**12, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}
_CGROUP_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def parse_bytes(value: Any, *, name: str = "max_memory") -> int:
    """A size as bytes: an int, or a string such as ``'512MB'``, ``'16GiB'``, ``'2e9'``.

    Examples
    --------
    >>> parse_bytes("1.5GiB"), parse_bytes(1000)
    (1610612736, 1000)
    """
    if isinstance(value, bool):
        raise InvalidParameterError(f"{name} must be a size in bytes or a string such as "
                                    f"'8GiB'; got {value!r}.")
    if isinstance(value, int | float) and value == value and value > 0 and value != float("inf"):
        return int(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", value)
        if match and match.group(2).lower() in _UNITS:
            size = float(match.group(1)) * _UNITS[match.group(2).lower()]
            if size > 0:
                return int(size)
    raise InvalidParameterError(
        f"{name} must be a positive size: bytes as a number, or a string such as '512MB' or "
        f"'16GiB'; got {value!r}."
    )


def format_bytes(n_bytes: float) -> str:
    """A size for people: ``'1.5 GiB'``, ``'730 MiB'``.

    Examples
    --------
    >>> format_bytes(1536 * 2**20)
    '1.5 GiB'
    """
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            value = n_bytes / size
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{int(n_bytes)} bytes"


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _cgroup_limit() -> int | None:
    for path in _CGROUP_FILES:
        try:
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # "max" or a huge number means no limit
            return int(text)
    return None


def default_memory_limit() -> int:
    """``TABAUG_MAX_MEMORY`` if set, else half of min(physical memory, cgroup limit)."""
    env = os.environ.get(_ENV_VARIABLE)
    if env:
        return parse_bytes(env, name=_ENV_VARIABLE)
    known = [size for size in (_physical_memory(), _cgroup_limit()) if size]
    return min(known) // 2 if known else 8 * 2**30


def memory_limit() -> int:
    """The memory limit in bytes now in force (the setting, else the default).

    Examples
    --------
    >>> import tabaug
    >>> with tabaug.config_context(max_memory="1GiB"):
    ...     memory_limit()
    1073741824
    """
    value = _global_config["max_memory"]
    return default_memory_limit() if value is None else value


def get_config() -> dict[str, Any]:
    """The current settings: ``{"max_memory": int or None}`` (None: the default limit).

    Examples
    --------
    >>> import tabaug
    >>> sorted(tabaug.get_config())
    ['max_memory']
    """
    return dict(_global_config)


def set_config(max_memory: Any = None) -> None:
    """Set tabaug's global settings.

    Parameters
    ----------
    max_memory : int, str or None, default=None
        The most memory one call may allocate for its output (a resampled
        table or image set, the rows a generator makes, a bootstrap), in
        bytes or as a string such as ``'16GiB'``. Calls that would exceed it
        raise :class:`~tabaug.exceptions.MemoryLimitError` before allocating
        anything. None restores the default: the ``TABAUG_MAX_MEMORY``
        environment variable, else half of the physical memory or of the
        container's limit, whichever is lower.

    Examples
    --------
    >>> import tabaug
    >>> tabaug.set_config(max_memory="2GiB")
    >>> tabaug.get_config()["max_memory"]
    2147483648
    >>> tabaug.set_config(max_memory=None)
    """
    with _lock:
        _global_config["max_memory"] = None if max_memory is None else parse_bytes(max_memory)


@contextmanager
def config_context(**settings: Any) -> Iterator[None]:
    """Change settings inside a ``with`` block only (keywords as in :func:`set_config`).

    Examples
    --------
    >>> import tabaug
    >>> with tabaug.config_context(max_memory="100MB"):
    ...     tabaug.get_config()["max_memory"]
    100000000
    """
    unknown = sorted(set(settings) - set(_DEFAULTS))
    if unknown:
        raise InvalidParameterError(
            f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_DEFAULTS))}."
        )
    old = get_config()
    set_config(**settings)
    try:
        yield
    finally:
        with _lock:
            _global_config.update(old)
