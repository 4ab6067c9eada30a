"""The names ``tabaug.cli`` reads from here, until it imports them from ``tabaug.model_selection``.

compare lives in :mod:`tabaug.model_selection`; this module only keeps the
command line working while it moves over (it still imports
``make_estimator``, ``_STRATEGY_NAMES`` and ``_ESTIMATOR_NAMES`` from here).
"""

from tabaug.model_selection import ESTIMATOR_NAMES as _ESTIMATOR_NAMES  # noqa: F401 (cli.py)
from tabaug.model_selection import STRATEGY_NAMES as _STRATEGY_NAMES  # noqa: F401 (cli.py)
from tabaug.model_selection import ComparisonResult, compare, make_estimator

__all__ = ["ComparisonResult", "compare", "make_estimator"]
