# Standby: the two commands that matter are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export STANDBY_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint types imports pytest pytest-sqlite pytest-postgres pytest-browser bench screenshots install install-dev clean

$(BIN)/standby: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@

install: $(BIN)/standby
install-dev: $(VENV)/.dev

## make demo: install, migrate, load the demo organisation (empty database only), serve.
demo: $(BIN)/standby
	$(BIN)/standby migrate --no-input -v 0
	$(BIN)/standby demo
	@echo "Open http://$(HOST):$(PORT)/ and sign in with an account above."
	$(BIN)/standby serve --host $(HOST) --port $(PORT) --no-migrate

## make test: lint, types, import rules, then the suite on SQLite, PostgreSQL and in the browser.
test: install-dev lint types imports pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install-dev
	$(BIN)/mypy standby

imports: install-dev
	$(BIN)/lint-imports

pytest: pytest-sqlite pytest-browser pytest-postgres

# Each group prints its own pytest summary line, so CI's log shows each one ran. `-n 2`: one
# worker per core (pytest-xdist); on PostgreSQL each worker starts its own throwaway cluster.
# SQLite: the whole suite except the browser tests.
pytest-sqlite: install-dev
	@echo "=== pytest on SQLite ==="
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 -m "not browser"

# The browser tests: Playwright driving Debian's Chromium against a live server (SQLite).
pytest-browser: install-dev
	@echo "=== pytest in the browser (Chromium) ==="
	$(BIN)/python -m pytest -p no:cacheprovider -m browser

# PostgreSQL: the database-backed tests again, on a throwaway cluster the fixtures start.
# The analysis core and the model file never touch a database, so they run once, above.
pytest-postgres: install-dev
	@echo "=== pytest on PostgreSQL ==="
	STANDBY_TEST_DATABASE=postgres $(BIN)/python -m pytest -p no:cacheprovider -n 2 -m "not browser" \
		--ignore=standby/analysis --ignore=standby/modelfile

bench: install-dev
	$(BIN)/python -m benchmarks

## make screenshots: the demo in a throwaway data dir, photographed in Chromium into docs/images/.
screenshots: install-dev
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
