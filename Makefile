# Paper Catalogue. `make run` serves the demo site; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The first Python >= 3.12 found (pyenv's shims honour .python-version).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 python; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$c; break; }; done)

.PHONY: help run test test-heavy lint format install migrate demo clean serve bench worker

help:
	@echo "make run         set up everything and serve the demo site on http://127.0.0.1:8000 (SQLite)"
	@echo "make test        run the whole test suite in parallel (DATABASE_URL picks PostgreSQL)"
	@echo "make test-heavy  gunicorn under concurrent votes, PostgreSQL restarted mid-flow (PostgreSQL)"
	@echo "make lint        ruff check, ruff format --check, djhtml --check"
	@echo "make format      apply ruff format and djhtml"
	@echo "make serve       production mode: gunicorn, catalogue.settings.prod (needs SECRET_KEY, ALLOWED_HOSTS)"
	@echo "make bench       the benchmark at 10k, 100k and 1M papers on PostgreSQL (needs wrk)"
	@echo "make install     the virtualenv in .venv (make migrate, make demo: the steps of make run)"
	@echo "make clean       remove the virtualenv and generated files"
	@echo "make worker      a task worker: queued fetches, thumbnails, digests (docs/ingestion.md)"

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python >= 3.12 is required (Django 6.1). Install it, e.g. 'pyenv install 3.12'"; \
		echo "or your system's python3.12 package, then run make again."; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# manage.py uses catalogue.settings.dev unless DJANGO_SETTINGS_MODULE says otherwise.
migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

run: demo
	@$(MANAGE) ensure_local_admin
	@echo "Queued work (submissions' arXiv metadata, admin fetches, thumbnails) runs in 'make worker' (another terminal)."
	$(MANAGE) runserver 127.0.0.1:8000

CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

# In parallel (pytest-xdist): one worker per core, TEST_JOBS=0 for one process. Tests
# marked xdist_group (the query plans' catalogue) stay on one worker.
TEST_JOBS ?= auto

test: install
	@[ -x "$(CHROMIUM)" ] || echo "NOTE: $(CHROMIUM) not found: the browser tests in tests/browser are SKIPPED (apt-get install chromium)."
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)
	@[ -x "$(CHROMIUM)" ] || echo "NOTE: browser tests were SKIPPED: $(CHROMIUM) not found."

# Faults and load against real servers (tests marked heavy): gunicorn workers on the
# PostgreSQL of DATABASE_URL (skipped on SQLite), Redis on 127.0.0.1:6379, and a private
# PostgreSQL cluster that the test starts, crashes and restarts. 20 s to 2 min.
test-heavy: install
	$(PY) -m pytest -m heavy $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djhtml templates

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Production mode: gunicorn with catalogue.settings.prod. Needs SECRET_KEY, ALLOWED_HOSTS
# and usually DATABASE_URL, REDIS_URL and EMAIL_HOST in the environment (docs/deploying.md).
# check --deploy reports what is missing but does not stop a trial run.
serve: export DJANGO_SETTINGS_MODULE = catalogue.settings.prod
serve: install
	-$(MANAGE) check --deploy
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) migrate --noinput
	$(VENV)/bin/gunicorn -c python:catalogue.gunicorn catalogue.wsgi

# A background worker for the task queue in the database (django-tasks-db): arXiv and
# GitHub fetches, thumbnails, digests. Run as many as you like, on as many machines.
# WORKER_ARGS=--batch processes what is queued and exits.
worker: migrate
	$(MANAGE) db_worker --queue-name default --interval 2 $(WORKER_ARGS)

# Benchmark on PostgreSQL at 10k, 100k and 1M papers (BENCH_SIZES=10000,100000 to choose);
# tools/bench, docs/performance.md. Needs wrk: installed with apt-get when run as root,
# otherwise it stops and says so.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get install -y wrk; } || { command -v wrk >/dev/null; } \
		|| { echo "make bench needs wrk: sudo apt-get install -y wrk"; exit 1; }
	DJANGO_SETTINGS_MODULE=tools.bench.settings $(MANAGE) benchmark \
		--sizes $${BENCH_SIZES:-10000,100000,1000000} $(BENCH_ARGS)
