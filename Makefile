# DLA Suivi — the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

UV_VERSION := 0.13.9
PYTHON ?= $(shell scripts/find-python)
UV := $(or $(shell command -v uv 2>/dev/null),var/tools/bin/uv)
VENV := .venv
MANAGE := $(VENV)/bin/python manage.py

.PHONY: help demo test lint format install migrate e2e bench bench-structures loadtest

help:
	@echo "make demo   – installe, charge les données de démonstration et lance l'application"
	@echo "make test   – installe les dépendances de développement et lance les tests"
	@echo "make lint   – ruff check, ruff format --check, mypy (le cœur), makemigrations --check"
	@echo "make e2e    – tests de bout en bout dans Chromium (navigateur réel, worker Celery)"

var/tools/bin/uv:
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 introuvable" >&2; exit 1; }
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

migrate: install
	$(MANAGE) migrate --noinput

# `make demo PORT=8001` serves another port. Demo settings: no debug page, French error pages.
PORT ?= 8000
DEMO_ENV := DJANGO_SETTINGS_MODULE=dla_suivi.settings.demo SITE_URL=http://127.0.0.1:$(PORT)

demo: migrate
	$(DEMO_ENV) $(MANAGE) seed_demo --scale demo
	@echo "Application : http://127.0.0.1:$(PORT) (Ctrl-C arrête le serveur, le worker et beat)"
	$(DEMO_ENV) $(VENV)/bin/honcho --procfile Procfile.dev start --port $(PORT)

# The e2e marker is deselected by pyproject's addopts: `make test` needs no browser.
test: install
	DJANGO_SETTINGS_MODULE=dla_suivi.settings.test $(VENV)/bin/pytest $(ARGS)

CHROMIUM ?= /usr/bin/chromium

e2e: install
	@test -x "$(CHROMIUM)" || { echo "Chromium introuvable ($(CHROMIUM)) : installez le paquet Debian « chromium » (apt-get install chromium)." >&2; exit 1; }
	DJANGO_SETTINGS_MODULE=dla_suivi.settings.test E2E_CHROMIUM=$(CHROMIUM) \
		$(VENV)/bin/pytest tests/e2e -m e2e $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=dla_suivi.settings.test $(MANAGE) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks (issue 6) on a PostgreSQL database of their own; see docs/benchmarks.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dla_bench

bench: install
	DJANGO_SETTINGS_MODULE=dla_suivi.settings.dev DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(VENV)/bin/python -m benchmarks.run $(ARGS)

loadtest: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(VENV)/bin/python -m benchmarks.loadtest $(ARGS)

# The structure register alone at 50,000 rows, on a database it wipes (its own).
BENCH_STRUCTURES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dla_bench_structures

bench-structures: install
	DJANGO_SETTINGS_MODULE=dla_suivi.settings.test DATABASE_URL=$(BENCH_STRUCTURES_DATABASE_URL) \
		$(VENV)/bin/python -m benchmarks.structures $(ARGS)
