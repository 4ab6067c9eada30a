# Two environments, both built from this repository's own files:
#   .venv-core  core dependencies only, newest pandas (3.x): the demo and the core tests
#   .venv       every extra (torch CPU build, SDV, OpenCV, matplotlib, pyarrow, ...): the full suite
# SDV pins pandas < 3, so the full suite runs on pandas 2.x and the core suite on pandas 3.
PYTHON ?= python3
PIP_FLAGS ?= --quiet --disable-pip-version-check
# torch==2.13.0 is the CPU build on these machines; any other torch request pulls a
# multi-GB CUDA build, so it is installed first and the [deep]/[sdv] extras reuse it.
TORCH ?= torch==2.13.0
PYTEST_FLAGS ?= -q

.PHONY: demo test test-core test-full lint clean

demo: .venv-core/.installed
	.venv-core/bin/tabaug demo

# The two suites run side by side (the machine's two cores), each one's output printed
# whole when it ends; `make test-core` or `make test-full` runs one.
test:
	$(MAKE) --no-print-directory -j2 --output-sync=target test-core test-full

test-core: .venv-core/.installed
	.venv-core/bin/python -m pytest $(PYTEST_FLAGS)

test-full: .venv/.installed
	.venv/bin/python -m pytest $(PYTEST_FLAGS)

lint: .venv-core/.installed
	.venv-core/bin/ruff check src tests benchmarks examples datasets

.venv-core/.installed: pyproject.toml
	$(PYTHON) -m venv .venv-core
	.venv-core/bin/pip install $(PIP_FLAGS) --upgrade pip
	.venv-core/bin/pip install $(PIP_FLAGS) -e ".[dev]"
	touch $@

.venv/.installed: pyproject.toml
	$(PYTHON) -m venv .venv
	.venv/bin/pip install $(PIP_FLAGS) --upgrade pip
	.venv/bin/pip install $(PIP_FLAGS) "$(TORCH)"
	.venv/bin/pip install $(PIP_FLAGS) -e ".[all,dev]"
	touch $@

clean:
	rm -rf .venv .venv-core build src/*.egg-info .pytest_cache .hypothesis
