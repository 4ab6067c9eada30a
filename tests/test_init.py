"""The public API: lazy, light, complete."""

import subprocess
import sys

import pytest

import tabaug

# (pyarrow is left out: pandas itself imports it when installed)
HEAVY = ["torch", "sdv", "cv2", "matplotlib", "ctgan"]


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout


def test_import_pulls_in_no_optional_dependency():
    code = (
        "import sys, tabaug, tabaug.deep, tabaug.image; "
        "tabaug.SMOTE; tabaug.ResampledClassifier; tabaug.CTGANOverSampler; "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    assert _run(code).strip() == "[]"


def test_import_adds_little_to_imblearn():
    code = (
        "import time; import imblearn, imblearn.pipeline, imblearn.over_sampling; "
        "t = time.perf_counter(); import tabaug; "
        "tabaug.SMOTE; tabaug.RandomOverSampler; tabaug.RandomUnderSampler; "
        "tabaug.GaussianNoiseOverSampler; tabaug.ResampledClassifier; "
        "print(time.perf_counter() - t)"
    )
    best = min(float(_run(code)) for _ in range(3))
    assert best < 0.3, f"import tabaug and its resamplers took {best:.2f} s after imblearn"


@pytest.mark.parametrize("name", tabaug.__all__)
def test_every_public_name_resolves(name):
    assert getattr(tabaug, name) is not None


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'smote'"):
        tabaug.smote  # noqa: B018
