# Two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CCHC := $(BIN)/cchc
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the suite runs on both cores (override with PYTEST_ARGS=).
PYTEST_ARGS ?= -n 2

# Pure domain modules (the rules) are type-checked in `make test`.
DOMAIN_MODULES := cchc/calendars/workdays.py cchc/indices/definition.py cchc/indices/formulas.py \
	cchc/indices/periods.py cchc/directives/parsing.py cchc/assessments/scoring.py \
	cchc/assessments/heads.py cchc/assessments/surveys.py cchc/dossiers/events.py \
	cchc/dossiers/rules.py cchc/accounts/identity.py cchc/units/text.py cchc/core/text.py \
	cchc/indices/sources.py cchc/core/privacy.py cchc/core/lookup_secrets.py cchc/reforms/cost.py

.PHONY: run test install install-dev migrate demo serve lint format typecheck audit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps re-run the install only when the pins or the package metadata change.
$(VENV)/.installed-base: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

migrate: install
	$(CCHC) migrate --noinput
	$(CCHC) createcachetable

demo: migrate
	$(CCHC) demo

run: demo
	$(CCHC) runserver $(HOST):$(PORT)

# The suite on SQLite; then, when CCHC_TEST_DATABASE_URL is set, again on that database (PostgreSQL).
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(DOMAIN_MODULES)
	DATABASE_URL= $(BIN)/pytest -q $(PYTEST_ARGS)
	@if [ -n "$$CCHC_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$CCHC_TEST_DATABASE_URL =="; \
		DATABASE_URL="$$CCHC_TEST_DATABASE_URL" CCHC_REQUIRE_POSTGRES=1 $(BIN)/pytest -q -m "not browser" $(PYTEST_ARGS); \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install-dev
	$(BIN)/mypy $(DOMAIN_MODULES)

# Known vulnerabilities in the pinned runtime dependencies (PyPI's advisory data). --strict
# fails when a package could not be checked, so an unreachable service is never a pass.
audit: install-dev
	$(BIN)/pip-audit --progress-spinner off --strict --no-deps --disable-pip -r requirements/base.txt

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
