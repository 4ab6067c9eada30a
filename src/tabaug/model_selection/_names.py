"""The one list of built-in strategy, sampler and estimator names, shared by the API and the CLI.

Names are accepted with hyphens or underscores (``random-over`` and
``random_over``), in any case; :func:`canonical_name` gives the spelling used
in results (underscores for strategies and samplers, hyphens for estimators,
as scikit-learn's and imbalanced-learn's docs spell them), and
:func:`canonical_strategy` checks a strategy name, ``smote+corrected``
variants included.
"""

from __future__ import annotations

import importlib
from typing import Any

from tabaug.exceptions import InvalidParameterError

__all__ = [
    "DEFAULT_STRATEGIES",
    "ENSEMBLE_NAMES",
    "ESTIMATOR_NAMES",
    "SAMPLER_NAMES",
    "STRATEGY_NAMES",
    "TEST_NAMES",
    "VARIANT_NAMES",
    "add_variants",
    "canonical_name",
    "canonical_strategy",
    "make_sampler",
]

# sampler name -> (module, class, settings) of the tabaug sampler behind it
_SAMPLERS = {
    "random_over": ("tabaug.over_sampling", "RandomOverSampler", {}),
    "random_under": ("tabaug.under_sampling", "RandomUnderSampler", {}),
    "smote": ("tabaug.over_sampling", "SMOTE", {}),
    "noise": ("tabaug.over_sampling", "GaussianNoiseOverSampler", {}),
    "ctgan": ("tabaug.deep", "CTGANOverSampler", {}),
    "tvae": ("tabaug.deep", "TVAEOverSampler", {}),
    "adversarial": ("tabaug.deep", "AdversarialOverSampler", {}),
    # M2m translates rows of other classes: at the default 0.1 standard deviations it fell
    # short on four of the five shipped datasets (0-7 % of starting rows reached the rare
    # class), at 1.0 it reached it from 68-100 % (benchmarks/RESULTS.md).
    "adversarial_m2m": ("tabaug.deep", "AdversarialOverSampler", {"mode": "m2m", "epsilon": 1.0}),
}
#: Samplers that need the ``deep`` extra (PyTorch); opt-in strategies of compare.
DEEP_SAMPLER_NAMES = ("ctgan", "tvae", "adversarial", "adversarial_m2m")
#: Every built-in sampler name.
SAMPLER_NAMES = tuple(_SAMPLERS)
#: What compare runs when no strategies are given.
DEFAULT_STRATEGIES = (
    "none", "class_weight", "threshold",
    *(name for name in SAMPLER_NAMES if name not in DEEP_SAMPLER_NAMES),
)
#: imbalanced-learn's under-sampling ensembles; opt-in strategies of compare.
ENSEMBLE_NAMES = ("balanced_bagging", "easy_ensemble")
#: Every built-in strategy name of compare (variants ``<sampler>+<variant>`` aside).
STRATEGY_NAMES = (*DEFAULT_STRATEGIES, *DEEP_SAMPLER_NAMES, *ENSEMBLE_NAMES)
#: Suffixes of a resampling strategy that change its probabilities only (``smote+corrected``).
VARIANT_NAMES = ("corrected", "calibrated")
#: The paired tests of compare.
TEST_NAMES = ("corrected_t", "wilcoxon")
#: The standard models of make_estimator.
ESTIMATOR_NAMES = ("logistic", "random-forest", "hist-gradient-boosting", "balanced-random-forest")


def canonical_name(name: str, *, separator: str = "_") -> str:
    """``name`` lower-cased, with hyphens and underscores both turned into ``separator``.

    Examples
    --------
    >>> canonical_name("Random-Over"), canonical_name("random_forest", separator="-")
    ('random_over', 'random-forest')
    """
    other = "-" if separator == "_" else "_"
    return str(name).strip().lower().replace(other, separator)


def split_variant(name: str) -> tuple[str, str]:
    """``("smote", "corrected")`` for ``"smote+corrected"``; ``(name, "")`` without a ``+``.

    The variant is checked and canonical; the base is canonical when it is a
    built-in name (else left as given: a name of the caller's own sampler).
    """
    base, plus, variant = str(name).strip().rpartition("+")
    if not plus:
        return str(name).strip(), ""
    key = canonical_name(variant)
    if key not in VARIANT_NAMES:
        raise InvalidParameterError(
            f"unknown strategy variant {variant!r} in {name!r}; a resampling strategy takes "
            f"'+corrected' or '+calibrated' (e.g. 'smote+corrected')."
        )
    base = base.strip()
    return (canonical_name(base) if canonical_name(base) in STRATEGY_NAMES else base), key


def canonical_strategy(name: str) -> str:
    """A built-in strategy name in the spelling of results; raise for an unknown one.

    Accepts both spellings (``random-over``, ``random_over``) and the
    probability variants of the built-in samplers (``smote+corrected``,
    ``random-under+calibrated``).

    Examples
    --------
    >>> from tabaug.model_selection import canonical_strategy
    >>> canonical_strategy("Random-Under"), canonical_strategy("smote + Corrected")
    ('random_under', 'smote+corrected')
    """
    base, variant = split_variant(name)
    key = canonical_name(base)
    if variant:
        if key not in SAMPLER_NAMES:
            raise InvalidParameterError(
                f"{name!r}: '+{variant}' applies to a resampling strategy "
                f"({', '.join(SAMPLER_NAMES)}); {base!r} is not one. Name a sampler, e.g. "
                "'smote+corrected'."
            )
        return f"{key}+{variant}"
    if key not in STRATEGY_NAMES:
        raise InvalidParameterError(
            f"unknown strategy {name!r}. Valid names: {', '.join(STRATEGY_NAMES)} "
            "(hyphens or underscores), and '<sampler>+corrected' or '<sampler>+calibrated' "
            "for a resampling strategy."
        )
    return key


def add_variants(strategies: Any, variants: Any) -> list[str]:
    """Strategy names with the probability ``variants`` of each built-in resampling strategy.

    ``variants`` holds ``'corrected'`` and/or ``'calibrated'`` (``'resampled'``,
    the plain strategy, adds nothing); each built-in sampler strategy in
    ``strategies`` (None: the default strategies) is followed by its
    ``+corrected`` / ``+calibrated`` variants. Names are checked and given in
    the spelling of results. What the command line's ``--probabilities`` does.

    Examples
    --------
    >>> from tabaug.model_selection import add_variants
    >>> add_variants(["none", "random-under"], ["resampled", "corrected"])
    ['none', 'random_under', 'random_under+corrected']
    """
    names = [canonical_strategy(name) for name in
             (DEFAULT_STRATEGIES if strategies is None else strategies)]
    wanted = []
    for variant in variants:
        key = canonical_name(variant)
        if key not in ("resampled", *VARIANT_NAMES):
            raise InvalidParameterError(
                f"unknown probabilities {variant!r}; choose from 'resampled', "
                f"{', '.join(map(repr, VARIANT_NAMES))}."
            )
        if key != "resampled" and key not in wanted:
            wanted.append(key)
    out = []
    for name in names:
        out.append(name)
        if name in SAMPLER_NAMES:
            out += [f"{name}+{variant}" for variant in wanted if f"{name}+{variant}" not in names]
    return list(dict.fromkeys(out))


def make_sampler(name: str, **params: Any) -> Any:
    """A built-in sampler by name: ``random_over``, ``random_under``, ``smote``, ``noise``,
    ``ctgan``, ``tvae``, ``adversarial`` (AdversarialOverSampler in boundary mode) or
    ``adversarial_m2m`` (its M2m mode with ``epsilon=1.0``) (hyphens work too), with
    ``params`` passed to it.

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
    module, cls, settings = _SAMPLERS[key]
    return getattr(importlib.import_module(module), cls)(**{**settings, **params})
