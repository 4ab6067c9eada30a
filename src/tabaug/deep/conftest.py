"""pytest setup for the doctests of tabaug.deep: skip those whose optional extra is missing.

The examples of CTGANOverSampler and TVAEOverSampler need PyTorch, those of
SDVOverSampler need SDV; in an environment with only the core dependencies
they are skipped rather than failed (scikit-learn ships the same kind of
conftest for its optional dependencies).
"""

import importlib.util

import pytest

_EXTRA_OF_MODULE = {"_ctgan.py": "torch", "_tvae.py": "torch", "_nets.py": "torch",
                    "_sdv.py": "sdv"}

# _nets.py imports torch at the top, so it cannot even be collected without it.
collect_ignore = [] if importlib.util.find_spec("torch") else ["_nets.py"]


@pytest.fixture(autouse=True)
def _skip_without_extra(request):
    extra = _EXTRA_OF_MODULE.get(request.node.path.name)
    if extra is not None:
        pytest.importorskip(extra)
