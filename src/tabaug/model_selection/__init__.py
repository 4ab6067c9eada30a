"""Choosing a strategy: leak-free comparison of resampling strategies and models.

Examples
--------
>>> from tabaug.model_selection import STRATEGY_NAMES
>>> "smote" in STRATEGY_NAMES
True
"""

from tabaug.model_selection._names import (
    DEFAULT_STRATEGIES,
    ESTIMATOR_NAMES,
    SAMPLER_NAMES,
    STRATEGY_NAMES,
    canonical_name,
    make_sampler,
)

__all__ = [
    "DEFAULT_STRATEGIES",
    "ESTIMATOR_NAMES",
    "SAMPLER_NAMES",
    "STRATEGY_NAMES",
    "canonical_name",
    "make_sampler",
]
