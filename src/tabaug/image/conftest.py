"""pytest setup for the doctests of tabaug.image: skip those that need OpenCV when it is missing.

Rotations, affine warps and resizing need OpenCV (the ``image`` extra); the
other transforms fall back to numpy, so their examples run in a core-only
environment too (tabaug.deep ships the same kind of conftest for PyTorch).
"""

import pytest

# Names whose presence in an example means it calls OpenCV.
_NEEDS_OPENCV = ("Rotate", "Affine", "RandomResizedCrop", "resize", "rotate(", "affine(")


def _has_opencv() -> bool:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(autouse=True)
def _skip_without_opencv(request):
    test = getattr(request.node, "dtest", None)
    if test is None or _has_opencv():
        return
    if any(name in example.source for example in test.examples for name in _NEEDS_OPENCV):
        pytest.skip('needs OpenCV: pip install "tabaug[image]"')
