# The two commands a new user runs: `make demo` and `make test`.
# Each creates .venv and installs what it needs; re-running is cheap.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test bench lint typecheck check clean

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

# Turbo and htmx for the lifecycle script's pages and tests, from
# package-lock.json, served locally (never from a CDN).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

demo: $(VENV)/.demo-installed node_modules/.package-lock.json
	@echo "cswidget demo: http://$(HOST):$(PORT)"
	$(PY) -m uvicorn demo_site.app:app --host $(HOST) --port $(PORT)

# tests/ensure_chromium.py finds (or installs) a Chromium for Playwright.
test: $(VENV)/.test-installed node_modules/.package-lock.json
	chromium="$$($(PY) tests/ensure_chromium.py)" && \
	CSWIDGET_CHROMIUM="$$chromium" $(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.test-installed
	$(PY) benchmarks/run.py

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.test-installed
	$(PY) -m mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules
