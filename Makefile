# The two commands a new user runs: `make demo` and `make test`.
# Each creates .venv and installs what it needs; re-running is cheap.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test bench lint typecheck check clean docs screenshots

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
	$(PY) -m pip install --quiet -e '.[django,demo,lint,schema,sandbox,api,autoembed,testing]' --group dev
	touch $@ $(VENV)/.demo-installed

# node_modules first: without npm, stop before building .venv.
demo: node_modules/.installed $(VENV)/.demo-installed
	@echo "cswidget demo: http://$(HOST):$(PORT)"
	CSWIDGET_DEMO_BASE_URL=http://$(HOST):$(PORT) $(PY) -m uvicorn demo_site.app:app --host $(HOST) --port $(PORT)

# Node packages from package-lock.json: Turbo and htmx that the demo and the
# lifecycle tests serve locally (never from a CDN), pyright for the recipes.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm not found: install Node.js with npm (see README.md), then run make again" >&2; exit 1; }
	npm ci --ignore-scripts --silent --no-audit --no-fund
	touch $@

# tests/ensure_chromium.py finds (or installs) a Chromium for Playwright.
# The main suite runs on the default Python; then noxfile.py's framework
# matrix: Django 6 on Python >= 3.12, and the oldest declared versions.
# -n auto: one pytest-xdist worker per core this process may use, each with
# its own browser. --dist worksteal: each worker starts with one half of the
# tests in file order (a module's fixtures are set up once), and a worker
# that runs out takes tests from the other. PYTEST_ARGS comes after them,
# so PYTEST_ARGS="-n 0" runs the suite in one process.
# Bytecode caches (__pycache__, gitignored) are written even where the
# environment sets PYTHONDONTWRITEBYTECODE: without them every pytest process
# (each worker, each leg's, each run a test starts) compiles and
# assertion-rewrites its ~470 modules again, about 10 s of CPU apiece.
test: export PYTHONDONTWRITEBYTECODE :=
test: node_modules/.installed $(VENV)/.test-installed
	chromium="$$($(PY) tests/ensure_chromium.py)" && \
	CSWIDGET_CHROMIUM="$$chromium" $(PY) -m pytest -n auto --dist worksteal $(PYTEST_ARGS) && \
	CSWIDGET_CHROMIUM="$$chromium" $(PY) -m nox --sessions django6 oldest

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
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache .ruff_cache .hypothesis .nox node_modules
