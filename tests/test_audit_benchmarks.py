"""The audit's benchmarks still run, with tiny settings (their figures are in RESULTS.md)."""

import runpy
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_bench_leakage_runs_on_one_dataset(monkeypatch, capsys):
    argv = ["bench_leakage.py", "--datasets", "glass", "--repeats", "1", "--clean-repeats", "1",
            "--no-ctgan"]
    monkeypatch.setattr(sys, "argv", argv)
    runpy.run_path(str(BENCHMARKS / "bench_leakage.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "| glass | 214 |" in out and "| all |" in out
    assert "| clean |" in out  # the distance ratios of clean splits


def test_bench_audit_checks_run_on_a_small_table():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_audit.py"), "--part", "checks",
         "--check-rows", "2000", "--cases", "both"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert "| both |" in result.stdout and "exact (scikit-learn)" in result.stdout
