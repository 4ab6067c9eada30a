"""``sampling_strategy`` resolved from class counts alone, for data that is never in memory.

:func:`tabaug.utils.resolve_sampling_strategy` hands ``y`` to
imbalanced-learn's ``check_sampling_strategy``, which counts the classes
itself. A table on Dask has its classes counted in one pass over the
partitions; :func:`class_targets` turns those counts into the same targets,
with imbalanced-learn's rules written out (ties between equally large classes
go to the first label in sorted order, as ``np.unique`` orders them there) and
the same checks and messages as the in-memory path (shared with
``_settings``). The tests compare the two on many count tables.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from tabaug.utils._settings import _call_strategy, _checked_mapping, _strategy_error
from tabaug.utils._validation import plain_value

__all__ = ["class_targets"]

_NAMED = ("auto", "minority", "majority", "not minority", "not majority", "all")


def class_targets(
    sampling_strategy: Any,
    class_counts: Mapping,
    sampling_type: str,
    *,
    owner: str = "",
    y: Any = None,
) -> dict:
    """Rows to add (over-sampling) or keep (under-sampling) per class, from class counts.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable
        As in imbalanced-learn. A callable is called with ``y``.
    class_counts : mapping
        ``{label: number of rows}`` for every class present (at least two).
    sampling_type : {'over-sampling', 'under-sampling'}
        Which kind of sampler asks.
    owner : str, default=''
        The estimator's name, for messages.
    y : object, default=None
        What a callable ``sampling_strategy`` receives (a Dask Series of labels);
        counts it returns as Dask scalars are computed together.

    Returns
    -------
    dict
        ``{label: int}`` in sorted label order, with plain Python labels and
        counts, exactly what :func:`resolve_sampling_strategy` gives for a
        ``y`` with these counts.

    Examples
    --------
    >>> class_targets("auto", {0: 90, 1: 10}, "over-sampling")
    {1: 80}
    >>> class_targets(0.5, {0: 90, 1: 10}, "under-sampling")
    {0: 20}
    """
    prefix = f"{owner}: " if owner else ""
    counts = {plain_value(label): int(n) for label, n in sorted(class_counts.items())}
    strategy = sampling_strategy
    if callable(strategy):
        strategy = _call_strategy(strategy, y, prefix)
    if isinstance(strategy, Mapping):
        strategy = _checked_mapping(strategy, counts, prefix)
    try:
        resolved = _resolve(strategy, counts, sampling_type)
    except (TypeError, ValueError) as error:
        raise _strategy_error(sampling_strategy, error, prefix) from error
    return {plain_value(label): int(n) for label, n in sorted(resolved.items())}


def _resolve(strategy: Any, counts: dict, sampling_type: str) -> dict:
    """imbalanced-learn's ``check_sampling_strategy`` on counts (raises ValueError as it does)."""
    over = sampling_type == "over-sampling"
    largest, smallest = max(counts.values()), min(counts.values())
    # max()/min() with a key keep the first of equal counts, in sorted label order
    majority = max(counts, key=counts.get)
    minority = min(counts, key=counts.get)
    if isinstance(strategy, str):
        if strategy not in _NAMED:
            raise ValueError(
                "When 'sampling_strategy' is a string, it needs to be one of "
                f"{_NAMED}. Got '{strategy}' instead."
            )
        if strategy == "majority" and over:
            raise ValueError("'sampling_strategy'='majority' cannot be used with over-sampler.")
        if strategy == "minority" and not over:
            raise ValueError(
                "'sampling_strategy'='minority' cannot be used with under-sampler and "
                "clean-sampler."
            )
        if strategy == "auto":
            strategy = "not majority" if over else "not minority"
        chosen = {
            "all": list(counts),
            "majority": [majority],
            "minority": [minority],
            "not majority": [c for c in counts if c != majority],
            "not minority": [c for c in counts if c != minority],
        }[strategy]
        return {c: (largest - counts[c]) if over else smallest for c in chosen}
    if isinstance(strategy, dict):
        out = {}
        for label, wanted in strategy.items():
            have = counts[label]
            if over and wanted < have:
                raise ValueError(
                    "With over-sampling methods, the number of samples in a class should be "
                    f"greater or equal to the original number of samples. Originally, there is "
                    f"{have} samples and {wanted} samples are asked."
                )
            if not over and wanted > have:
                raise ValueError(
                    "With under-sampling methods, the number of samples in a class should be "
                    f"less or equal to the original number of samples. Originally, there is "
                    f"{have} samples and {wanted} samples are asked."
                )
            out[label] = wanted - have if over else wanted
        return out
    if isinstance(strategy, list):
        raise ValueError(
            "'sampling_strategy' cannot be a list for samplers which are not cleaning methods."
        )
    if isinstance(strategy, numbers.Real):
        return _ratio(float(strategy), counts, over, majority, minority)
    raise ValueError(f"'sampling_strategy' of type {type(strategy).__name__} is not understood.")


def _ratio(ratio: float, counts: dict, over: bool, majority: Any, minority: Any) -> dict:
    if ratio <= 0 or ratio > 1:
        raise ValueError(
            "When 'sampling_strategy' is a float, it should be in the range (0, 1]. "
            f"Got {ratio} instead."
        )
    if len(counts) != 2:
        raise ValueError(
            '"sampling_strategy" can be a float only when the type of target is binary. '
            "For multi-class, use a dict."
        )
    if over:
        out = {c: int(counts[majority] * ratio - n) for c, n in counts.items() if c != majority}
        if any(n <= 0 for n in out.values()):
            raise ValueError(
                "The specified ratio required to remove samples from the minority class while "
                "trying to generate new samples. Please increase the ratio."
            )
        return out
    out = {c: int(counts[minority] / ratio) for c in counts if c != minority}
    if any(n > counts[c] for c, n in out.items()):
        raise ValueError(
            "The specified ratio required to generate new sample in the majority class while "
            "trying to remove samples. Please increase the ratio."
        )
    return out
