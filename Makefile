# OpenBMIS: `make demo` serves a demo post node; `make test` runs every check CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/openbmis
DEMO_PASSWORD ?= openbmis-demo
# Settings for the checks, whatever a developer's .env says.
TEST_ENV := BMIS_ENV_FILE= BMIS_ROLE=post BMIS_POST=PAP BMIS_VAR_DIR=$(CURDIR)/var/test DEBUG=false

.PHONY: help demo setup install install-dev test test-setup lint i18n check-migrations \
        pytest-sqlite pytest-postgres messages lock serve clean

help:
	@echo "make demo   install, migrate, load reference and demo data, serve on http://127.0.0.1:8000"
	@echo "make test   lint, migrations, translations, and the tests on SQLite and PostgreSQL"
	@echo "make messages   extract interface strings into locale/*/LC_MESSAGES/django.po"
	@echo "make lock   re-resolve requirements.lock and requirements-dev.lock from pyproject.toml"

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

.env:
	cp .env.example .env

setup: install .env
	$(MANAGE) i18n_compile
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference
	$(MANAGE) load_demo --password "$(DEMO_PASSWORD)"
	$(MANAGE) demo_traffic --crossings 3000 --seed 1 --if-empty
	$(MANAGE) stats_refresh
	$(MANAGE) collectstatic --noinput --verbosity 0

demo: setup
	@echo
	@echo "OpenBMIS demo: a border-post node (PAP) on http://127.0.0.1:8000"
	@echo "Sign in with one of these accounts, password: $(DEMO_PASSWORD)"
	@echo "  officer     immigration officer, post PAP"
	@echo "  supervisor  supervisor, post PAP"
	@echo "  chief       post chief, post PAP"
	@echo "  analyst     headquarters analyst"
	@echo "  watchlist   watchlist manager"
	@echo "  admin       administrator"
	@echo "Data lives in var/ (database var/bmis.sqlite3). Stop the server with Ctrl-C."
	@echo
	$(MANAGE) serve

serve: install .env
	$(MANAGE) serve

# --- Checks -------------------------------------------------------------------------------------

# Debian's chromium for the browser tests (never a downloaded browser build) and GNU gettext for
# extracting messages; installed through apt when missing (CI runs as root).
test-setup: install-dev
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	@command -v xgettext >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext; }

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: install-dev
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

i18n: install-dev
	$(TEST_ENV) $(MANAGE) i18n_compile
	$(TEST_ENV) $(MANAGE) i18n_check

messages: install-dev
	$(TEST_ENV) $(MANAGE) makemessages --no-obsolete -e html,py,txt -l fr -l ht -l es

pytest-sqlite: install-dev
	$(TEST_ENV) $(VENV)/bin/pytest -q

pytest-postgres: install-dev
	$(TEST_ENV) DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q

# PostgreSQL is part of every developer's and CI machine; under CI=true its absence fails the run.
test: test-setup lint check-migrations i18n
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
	  $(MAKE) --no-print-directory pytest-sqlite && $(MAKE) --no-print-directory pytest-postgres; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL does not answer at 127.0.0.1:5432: CI requires it." >&2; exit 1; \
	else \
	  echo "PostgreSQL does not answer at 127.0.0.1:5432: the PostgreSQL run is skipped."; \
	  $(MAKE) --no-print-directory pytest-sqlite; \
	fi

lock: $(VENV)/bin/activate
	$(PIP) install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev \
	  -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var/static var/test
