"""The one list of built-in strategy, sampler and estimator names, shared by the API and the CLI.

Names are accepted with hyphens or underscores (``random-over`` and
``random_over``), in any case; :func:`canonical_name` gives the spelling used
in results (underscores for strategies and samplers, hyphens for estimators,
as scikit-learn's and imbalanced-learn's docs spell them).
"""

from __future__ import annotations

import importlib
from typing import Any

from tabaug.exceptions import InvalidParameterError

__all__ = [
    "DEFAULT_STRATEGIES",
    "ESTIMATOR_NAMES",
    "SAMPLER_NAMES",
    "STRATEGY_NAMES",
    "canonical_name",
    "make_sampler",
]

# sampler name -> (module, class) of the tabaug sampler behind it
_SAMPLERS = {
    "random_over": ("tabaug.over_sampling", "RandomOverSampler"),
    "random_under": ("tabaug.under_sampling", "RandomUnderSampler"),
    "smote": ("tabaug.over_sampling", "SMOTE"),
    "noise": ("tabaug.over_sampling", "GaussianNoiseOverSampler"),
    "ctgan": ("tabaug.deep", "CTGANOverSampler"),
    "tvae": ("tabaug.deep", "TVAEOverSampler"),
}
#: Samplers that need the ``deep`` extra (PyTorch); opt-in strategies of compare.
DEEP_SAMPLER_NAMES = ("ctgan", "tvae")
#: Every built-in sampler name.
SAMPLER_NAMES = tuple(_SAMPLERS)
#: What compare runs when no strategies are given.
DEFAULT_STRATEGIES = (
    "none", "class_weight", "threshold",
    *(name for name in SAMPLER_NAMES if name not in DEEP_SAMPLER_NAMES),
)
#: Every built-in strategy name of compare.
STRATEGY_NAMES = (*DEFAULT_STRATEGIES, *DEEP_SAMPLER_NAMES)
#: The standard models of make_estimator.
ESTIMATOR_NAMES = ("logistic", "random-forest", "hist-gradient-boosting")


def canonical_name(name: str, *, separator: str = "_") -> str:
    """``name`` lower-cased, with hyphens and underscores both turned into ``separator``.

    Examples
    --------
    >>> canonical_name("Random-Over"), canonical_name("random_forest", separator="-")
    ('random_over', 'random-forest')
    """
    other = "-" if separator == "_" else "_"
    return str(name).strip().lower().replace(other, separator)


def make_sampler(name: str, **params: Any) -> Any:
    """A built-in sampler by name: ``random_over``, ``random_under``, ``smote``, ``noise``,
    ``ctgan`` or ``tvae`` (hyphens work too), with ``params`` passed to it.

    Examples
    --------
    >>> from tabaug.model_selection import make_sampler
    >>> make_sampler("random-over", random_state=0)
    RandomOverSampler(random_state=0)
    """
    key = canonical_name(name)
    if key not in _SAMPLERS:
        raise InvalidParameterError(
            f"unknown sampler {name!r}; choose one of {', '.join(SAMPLER_NAMES)} "
            "(hyphens or underscores)."
        )
    module, cls = _SAMPLERS[key]
    return getattr(importlib.import_module(module), cls)(**params)
