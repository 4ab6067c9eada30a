"""Choosing a strategy: leak-free comparison of resampling strategies and models.

* :func:`compare` and :class:`ComparisonResult`: every strategy on the same
  repeated folds, resampling inside the training folds only, tested against
  no resampling;
* :func:`make_estimator`: the standard models, with categorical
  preprocessing inside;
* the names of the built-in strategies, samplers and estimators
  (:data:`STRATEGY_NAMES`, ...; :func:`canonical_name` accepts both
  ``random-over`` and ``random_over``, :func:`canonical_strategy` checks a
  strategy name, ``smote+corrected`` included) and :func:`make_sampler`;
* the statistics behind the paired tests: :func:`corrected_resampled_ttest`,
  :func:`holm` and :func:`equivalence_test`.

Examples
--------
>>> from tabaug.model_selection import STRATEGY_NAMES
>>> "smote" in STRATEGY_NAMES
True
"""

from tabaug.model_selection._compare import compare
from tabaug.model_selection._estimators import make_estimator
from tabaug.model_selection._names import (
    DEFAULT_STRATEGIES,
    ENSEMBLE_NAMES,
    ESTIMATOR_NAMES,
    SAMPLER_NAMES,
    STRATEGY_NAMES,
    TEST_NAMES,
    VARIANT_NAMES,
    add_variants,
    canonical_name,
    canonical_strategy,
    make_sampler,
)
from tabaug.model_selection._result import ComparisonResult
from tabaug.model_selection._stats import (
    PairedTest,
    corrected_resampled_ttest,
    equivalence_test,
    holm,
)

__all__ = [
    "DEFAULT_STRATEGIES",
    "ENSEMBLE_NAMES",
    "ESTIMATOR_NAMES",
    "SAMPLER_NAMES",
    "STRATEGY_NAMES",
    "TEST_NAMES",
    "VARIANT_NAMES",
    "ComparisonResult",
    "PairedTest",
    "add_variants",
    "canonical_name",
    "canonical_strategy",
    "compare",
    "corrected_resampled_ttest",
    "equivalence_test",
    "holm",
    "make_estimator",
    "make_sampler",
]
