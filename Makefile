# The two commands a new user runs: `make demo` and `make test`.
# Each creates .venv and installs what it needs; re-running is cheap.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test bench lint typecheck check clean docs screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	@echo "cswidget demo: http://$(HOST):$(PORT)"
	$(PY) -m uvicorn demo_site.app:app --host $(HOST) --port $(PORT)

# tests/ensure_chromium.py finds (or installs) a Chromium for Playwright.
test: $(VENV)/.test-installed
	chromium="$$($(PY) tests/ensure_chromium.py)" && \
	CSWIDGET_CHROMIUM="$$chromium" $(PY) -m pytest $(PYTEST_ARGS)

# The documentation site, built strictly (broken links fail) into site/.
docs: $(VENV)/.test-installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

# Only here, never in `make test`: screenshots differ with the machine's fonts.
screenshots: $(VENV)/.test-installed
	chromium="$$($(PY) tests/ensure_chromium.py)" && \
	CSWIDGET_CHROMIUM="$$chromium" $(PY) tests/screenshots.py

bench: $(VENV)/.test-installed
	$(PY) benchmarks/run.py

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.test-installed
	$(PY) -m mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache .ruff_cache .hypothesis
