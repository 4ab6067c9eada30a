"""tabaug: see, fix and choose for class imbalance.

The public API lives here. Names are resolved lazily (PEP 562), so
``import tabaug`` stays cheap and never imports torch, sdv, OpenCV or
matplotlib; each name's module is imported on first use.

Examples
--------
>>> import tabaug
>>> tabaug.SMOTE.__name__
'SMOTE'
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "RandomOverSampler": "tabaug.over_sampling",
    "SMOTE": "tabaug.over_sampling",
    "GaussianNoiseOverSampler": "tabaug.over_sampling",
    "RandomUnderSampler": "tabaug.under_sampling",
    "CTGANOverSampler": "tabaug.deep",
    "TVAEOverSampler": "tabaug.deep",
    "SDVOverSampler": "tabaug.deep",
    "AdversarialOverSampler": "tabaug.deep",
    "BaseResampler": "tabaug.base",
    "Pipeline": "tabaug.pipeline",
    "make_pipeline": "tabaug.pipeline",
    "ResampledClassifier": "tabaug.pipeline",
    "correct_probabilities": "tabaug.calibration",
    "evaluate": "tabaug.metrics",
    "EvaluationReport": "tabaug.metrics",
    "audit": "tabaug._audit",
    "BalanceAudit": "tabaug._audit",
    "compare": "tabaug.model_selection",
    "ComparisonResult": "tabaug.model_selection",
    "make_estimator": "tabaug.model_selection",
    "set_config": "tabaug.utils",
    "get_config": "tabaug.utils",
    "config_context": "tabaug.utils",
}
_SUBMODULES = {
    "datasets", "image", "exceptions", "over_sampling", "under_sampling", "deep", "metrics",
    "model_selection",
}

__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = import_module(f"tabaug.{name}")
    else:
        raise AttributeError(f"module 'tabaug' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
