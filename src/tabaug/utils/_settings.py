"""Checks of settings, and the memory guard: the second half of the one validation path.

* :func:`check_scalar` and :func:`check_option` validate settings and raise
  :class:`~tabaug.exceptions.InvalidParameterError`;
* :func:`resolve_sampling_strategy` is imbalanced-learn's
  ``check_sampling_strategy`` with messages that say what to do;
* :func:`check_memory` is the one memory guard: every large output is
  estimated before it is allocated and refused above the configured limit.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from tabaug.exceptions import InvalidParameterError, MemoryLimitError
from tabaug.utils._config import format_bytes, memory_limit
from tabaug.utils._lazy import is_dask_collection
from tabaug.utils._validation import label_text, plain_value

__all__ = ["check_memory", "check_option", "check_scalar", "resolve_sampling_strategy"]


# --------------------------------------------------------------------------- settings


def _owner_prefix(owner: str) -> str:
    return f"{owner}: " if owner else ""


def check_scalar(
    value: Any,
    name: str,
    *,
    owner: str = "",
    kind: type = numbers.Real,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
    allow_none: bool = False,
) -> Any:
    """Check a numeric setting: its type (``numbers.Integral`` or ``numbers.Real``) and range.

    Booleans are not numbers here; NaN is never in range. Raises
    :class:`~tabaug.exceptions.InvalidParameterError` naming ``owner`` and
    ``name``.

    Examples
    --------
    >>> check_scalar(3, "n_repeats", kind=numbers.Integral, low=1)
    3
    """
    if value is None and allow_none:
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, kind):
        what = "an integer" if kind is numbers.Integral else "a number"
        raise InvalidParameterError(
            f"{_owner_prefix(owner)}{name} must be {what}"
            f"{' or None' if allow_none else ''}; got {value!r}."
        )
    below = low is not None and (value < low if include_low else value <= low)
    above = high is not None and (value > high if include_high else value >= high)
    if below or above or value != value:
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        interval = (f"{'[' if include_low and low is not None else '('}{left}, "
                    f"{right}{']' if include_high and high is not None else ')'}")
        raise InvalidParameterError(
            f"{_owner_prefix(owner)}{name} must lie in {interval}; got {value!r}."
        )
    return value


def check_option(value: Any, name: str, options: Any, *, owner: str = "") -> Any:
    """Check that a setting is one of ``options``; raise InvalidParameterError listing them.

    Examples
    --------
    >>> check_option("linear", "interpolation", ("nearest", "linear"))
    'linear'
    """
    choices = list(options)
    try:
        known = value in choices
    except TypeError:  # an unhashable value for a dict or set of options
        known = False
    if not known:
        raise InvalidParameterError(
            f"{_owner_prefix(owner)}{name} must be one of "
            f"{', '.join(map(repr, choices))}; got {value!r}."
        )
    return value


# --------------------------------------------------------------------------- sampling strategy


def resolve_sampling_strategy(
    sampling_strategy: Any, y: np.ndarray, sampling_type: str, *, owner: str = ""
) -> dict:
    """imbalanced-learn's ``check_sampling_strategy``, with messages that say what to do.

    Returns ``{class: number of rows to add (over-sampling) or keep (under-sampling)}``
    with plain ``int`` counts. A dict or a callable's dict must map classes of
    ``y`` to whole, non-negative numbers of rows.

    Examples
    --------
    >>> import numpy as np
    >>> resolve_sampling_strategy({1: 30}, np.array([0] * 30 + [1] * 10), "over-sampling")
    {1: 20}
    """
    from imblearn.utils import check_sampling_strategy

    prefix = _owner_prefix(owner)
    strategy = sampling_strategy
    if callable(strategy):
        strategy = _call_strategy(strategy, y, prefix)
    if isinstance(strategy, Mapping):
        strategy = _checked_mapping(strategy, set(np.unique(y).tolist()), prefix)
    try:
        resolved = check_sampling_strategy(strategy, y, sampling_type)
    except (TypeError, ValueError) as error:
        raise _strategy_error(sampling_strategy, error, prefix) from error
    return {plain_value(label): int(n) for label, n in resolved.items()}


def _call_strategy(strategy: Any, y: Any, prefix: str) -> Mapping:
    """A callable ``sampling_strategy``'s dict (lazy Dask counts in it computed together)."""
    result = strategy(y)
    if not isinstance(result, Mapping):
        raise InvalidParameterError(
            f"{prefix}the sampling_strategy callable returned a {type(result).__name__}; "
            "it must return a dict {class: number of rows}, e.g. lambda y: {1: 500}."
        )
    lazy = [label for label, count in result.items() if is_dask_collection(count)]
    if lazy:  # counts computed from a Dask y, e.g. {1: (y == 0).sum()}: one pass for all
        import dask

        values = dask.compute(*[result[label] for label in lazy])
        computed = dict(zip(lazy, map(plain_value, values), strict=True))
        result = {**result, **computed}
    return result


def _checked_mapping(strategy: Mapping, classes: Any, prefix: str) -> dict:
    """A dict strategy naming classes of ``y`` with whole, non-negative counts, as ints."""
    for label, count in strategy.items():
        if plain_value(label) not in classes:
            raise InvalidParameterError(
                f"{prefix}sampling_strategy names {label_text(label, prefix=True)}, which "
                f"is not in y (classes: {', '.join(map(label_text, sorted(classes, key=str)))}"
                "). Use the labels exactly as they appear in y."
            )
        whole = isinstance(count, numbers.Integral) or (
            isinstance(count, numbers.Real) and float(count).is_integer()
        )
        if isinstance(count, bool | np.bool_) or not whole or count < 0:
            raise InvalidParameterError(
                f"{prefix}sampling_strategy[{label_text(label)}] = {count!r} is not a number "
                "of rows: give each class a whole, non-negative count, e.g. {1: 500}."
            )
    return {label: int(count) for label, count in strategy.items()}


def _strategy_error(sampling_strategy: Any, error: Exception, prefix: str
                    ) -> InvalidParameterError:
    return InvalidParameterError(
        f"{prefix}sampling_strategy={sampling_strategy!r} cannot be used here: {error} "
        "Use a float ratio in (0, 1] (binary only), one of 'auto', 'minority', "
        "'not minority', 'not majority', 'all', or a dict {class: number of rows}."
    )


# --------------------------------------------------------------------------- memory


def check_memory(n_bytes: float, *, what: str, fix: str) -> None:
    """Refuse to allocate ``n_bytes`` for ``what`` when it exceeds the memory limit.

    The limit is ``tabaug.get_config()["max_memory"]`` (see
    :func:`tabaug.set_config`). The error says the estimated size, the limit,
    the ``fix`` for this call and how to raise the limit.

    Examples
    --------
    >>> check_memory(1_000, what="the resampled table", fix="ask for fewer rows")
    """
    limit = memory_limit()
    if n_bytes > limit:
        raise MemoryLimitError(
            f"{what} would need about {format_bytes(n_bytes)} in memory, above tabaug's limit "
            f"of {format_bytes(limit)}. {fix[:1].upper()}{fix[1:]}; or, if the machine has the "
            "memory, raise the limit with tabaug.set_config(max_memory=...) or the "
            "TABAUG_MAX_MEMORY environment variable (e.g. '16GiB')."
        )
