"""pytest set-up for the doctests collected from ``src/tabaug`` (test-only; not shipped).

In an environment with only the core dependencies, examples that need an
optional extra are skipped rather than failed. A module says what its
examples need in ``__doctest_requires__``, the convention of
pytest-doctestplus: ``{("Rotate", "Affine"): ["cv2"]}`` or ``{"*": ["torch"]}``
(names are matched with fnmatch against the object's qualified name within
the module). Modules that import an extra at the top cannot even be
collected without it and are listed in ``_IMPORT_NEEDS``.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_SRC = Path(__file__).parent / "src" / "tabaug"
# module file (or package folder) -> extra module it imports at the top
_IMPORT_NEEDS = {
    _SRC / "deep" / "_nets.py": "torch",
    _SRC / "_dask": "dask",
}


def _missing(module: str) -> bool:
    return importlib.util.find_spec(module) is None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    path = Path(collection_path)
    for place in (path, *path.parents):
        needed = _IMPORT_NEEDS.get(place)
        if needed is not None and _missing(needed):
            return True
    return None


@pytest.fixture(autouse=True)
def _skip_doctests_without_their_extra(request: pytest.FixtureRequest) -> None:
    test = getattr(request.node, "dtest", None)
    if test is None or not test.globs.get("__name__", "").startswith("tabaug"):
        return
    module = importlib.import_module(test.globs["__name__"])
    requires = getattr(module, "__doctest_requires__", {})
    qualified = test.name.removeprefix(module.__name__ + ".")
    for patterns, modules in requires.items():
        patterns = (patterns,) if isinstance(patterns, str) else patterns
        if any(fnmatch.fnmatchcase(qualified, pattern) for pattern in patterns):
            absent = [name for name in modules if _missing(name)]
            if absent:
                pytest.skip(f"needs {', '.join(absent)} (an optional extra of tabaug)")


@contextmanager
def _torch_on_one_thread() -> Iterator[None]:
    """PyTorch on one thread inside the block (when installed), its setting restored after.

    On a busy two-core machine PyTorch's default two threads made small
    networks 10-50 times slower (CNNClassifier's example: 8.9 s against
    0.3 s). tabaug itself never changes torch's thread settings; this is test
    set-up.
    """
    if _missing("torch"):
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """The module's tests train networks on one PyTorch thread (see above).

    Use it with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``.
    """
    with _torch_on_one_thread():
        yield


@pytest.fixture(autouse=True)
def _one_torch_thread_in_doctests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the examples of modules that need torch on one PyTorch thread."""
    test = getattr(request.node, "dtest", None)
    name = test.globs.get("__name__", "") if test is not None else ""
    module = importlib.import_module(name) if name.startswith("tabaug") else None
    needs = getattr(module, "__doctest_requires__", {})
    if not any("torch" in modules for modules in needs.values()):
        yield
        return
    with _torch_on_one_thread():
        yield
