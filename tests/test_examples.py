"""Every script in examples/ runs to the end (in a subprocess, as a user would run it)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _needs(*modules):
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


CASES = [
    pytest.param("accuracy_paradox.py", [], "no better than always predicting", id="paradox"),
    pytest.param("audit.py", [], "", id="audit"),
    pytest.param("pipeline.py", [], "grid search best", id="pipeline", marks=pytest.mark.slow),
    pytest.param("image_balance.py", ["--output", "{tmp}/grid.png"], "saved", id="image",
                 marks=_needs("cv2", "matplotlib")),
    pytest.param("ctgan_oversampling.py", ["--epochs", "2", "--quiet"], "", id="ctgan",
                 marks=[_needs("torch"), pytest.mark.slow]),
]


@pytest.mark.parametrize("script, args, expected", CASES)
def test_example_runs(script, args, expected, tmp_path):
    if not EXAMPLES.is_dir():
        pytest.skip("not running from a source checkout")
    command = [sys.executable, str(EXAMPLES / script), *(a.format(tmp=tmp_path) for a in args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert expected in result.stdout
