# Standby: the two commands that matter are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export STANDBY_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint types imports pytest pytest-sqlite pytest-postgres pytest-browser bench install install-dev clean

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

pytest: pytest-sqlite pytest-postgres

# SQLite: everything, browser tests included.
pytest-sqlite: install-dev
	$(BIN)/python -m pytest -p no:cacheprovider

# PostgreSQL: the database-backed tests again, on a throwaway cluster the fixtures start.
pytest-postgres: install-dev
	STANDBY_TEST_DATABASE=postgres $(BIN)/python -m pytest -p no:cacheprovider -m "not browser" \
		--ignore=standby/analysis --ignore=standby/modelfile --doctest-modules

pytest-browser: install-dev
	$(BIN)/python -m pytest -p no:cacheprovider -m browser

bench: install-dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
