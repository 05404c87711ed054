# The front door. `make help` lists what is here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

.PHONY: help install run demo test lint format bench-search clean serve

help: ## Show this list of commands
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create .venv/ and install pinned dependencies

demo: install ## Migrate the database and load the demo site (safe to repeat)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: export PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
run: demo ## Set up, load the demo site and serve it on http://127.0.0.1:8000
	@echo "Serving the portal on http://$(HOST):$(PORT)/ (admin at /admin/). Stop with Ctrl+C."
	$(PY) manage.py runserver $(HOST):$(PORT)

# pytest-xdist: one process per core, each test file kept on one process (its
# module fixtures, and the browser tests' demo site, are built once per process;
# at most 4 processes, as each browser process runs a demo site of its own).
# `make test TEST_WORKERS=0` runs in one process; PYTEST_ARGS adds to the command,
# e.g. PYTEST_ARGS='-m "not end_to_end"' as CI's SQLite pass (docs/testing.md).
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: install ## Set up and run the whole test suite on every core (browser tests need Chromium)
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

lint: install ## Check code style with ruff and templates with djLint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

format: install ## Reformat code and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-search: install ## Time the search service against the raw backend at 10,000 pages (minutes; not a test)
	$(PY) -m bench.search --sizes 10000 --repeat 20 --budget 600

# Load benchmark (bench/load.py): readers and posters against gunicorn with production settings.
.PHONY: bench-load
bench-load: install ## 50 readers and 5 posters for 2 minutes against gunicorn on loopback (minutes; not a test)
	$(PY) -m bench.load

clean: ## Remove the virtualenv, the local database and uploaded media
	rm -rf $(VENV) db.sqlite3 media staticfiles

# Performance benchmarks (bench/run.py): render time, bulk work, throughput, as one table;
# with DATABASE_URL naming PostgreSQL, search at 10,000 and 100,000 pages too (its databases are built once, then reused).
.PHONY: bench
bench: install ## Time renders, bulk work, throughput and (with DATABASE_URL on PostgreSQL) search; BAKERYDEMO=path, AGAINST=checkout compare
	$(PY) -m bench.run $(if $(BAKERYDEMO),--bakerydemo $(BAKERYDEMO)) $(if $(AGAINST),--against $(AGAINST))

# Lighthouse for tests/browser/test_lighthouse.py, installed before `make test` when npm is there.
.PHONY: lighthouse-install
test: lighthouse-install
lighthouse-install:
	@if ! command -v npm >/dev/null; then echo "npm not found: the Lighthouse test will be skipped"; \
	elif [ tests/lighthouse/node_modules/.package-lock.json -nt tests/lighthouse/package-lock.json ]; then :; \
	else cd tests/lighthouse && npm ci --no-audit --no-fund; fi

.PHONY: serve
# Production server (deploy/). Needs SECRET_KEY (50+ random characters),
# ALLOWED_HOSTS, DATABASE_URL and PORTAL_BASE_URL (the public address every
# email links to; this loopback address unless set) in the environment; see
# README "Configuration" and docs/scaling.md. Plain HTTP on loopback: put nginx (deploy/nginx/) in
# front for HTTPS and caching, or set SECURE_SSL_REDIRECT=0 to try it alone.
serve: export PORTAL_BASE_URL ?= http://127.0.0.1:8000
# The task worker (manage.py db_worker) sends the email outbox and runs the
# other background tasks; it stops with gunicorn (docs/reliability.md).
serve: install ## Run gunicorn on 127.0.0.1:8000 and the task worker (emails), with production settings
	DJANGO_SETTINGS_MODULE=portal.settings.production $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=portal.settings.production $(PY) manage.py migrate --noinput
	export DJANGO_SETTINGS_MODULE=portal.settings.production; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py portal.wsgi
