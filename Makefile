# The two commands a new user runs: `make demo` and `make test`.
# Each creates .venv and installs what it needs; re-running is cheap.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test bench lint typecheck check clean

# pip >= 25.1 installs PEP 735 dependency groups (--group); the upgrade gets it.
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade 'pip>=25.1'

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[demo]'
	touch $@

# Every extra the tests exercise, plus the `dev` group (test tools and linters).
$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade 'pip>=25.1'
	$(PY) -m pip install --quiet -e '.[django,demo,lint,schema]' --group dev
	touch $@ $(VENV)/.demo-installed

# npm packages the tests use (package.json): the W3C Nu HTML checker's vnu.jar.
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

demo: $(VENV)/.demo-installed
	@echo "cswidget demo: http://$(HOST):$(PORT)"
	$(PY) -m uvicorn demo_site.app:app --host $(HOST) --port $(PORT)

# tests/ensure_chromium.py finds (or installs) a Chromium for Playwright.
test: $(VENV)/.test-installed node_modules/.installed
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
