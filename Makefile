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

.PHONY: help install run demo test lint format bench-search clean

help: ## Show this list of commands
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create .venv/ and install pinned dependencies

demo: install ## Migrate the database and load the demo site (safe to repeat)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo ## Set up, load the demo site and serve it on http://127.0.0.1:8000
	@echo "Serving the portal on http://$(HOST):$(PORT)/ (admin at /admin/). Stop with Ctrl+C."
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install ## Set up and run the whole test suite (browser tests need Chromium)
	$(PY) -m pytest

lint: install ## Check code style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

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
