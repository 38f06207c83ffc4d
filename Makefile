# clusterplan: `make run` serves the demo, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv migrate demo messages check clean backup restore load bench-http

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# migrate + createcachetable, under a PostgreSQL advisory lock: safe from any instance.
migrate: venv
	$(BIN)/python -m clusterplan.migrate

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  clusterplan is served at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: demo): admin, coordinator, member"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: venv
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: venv
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

# Backups: the database and every stored file in one archive (clusterplan/backup.py).
backup: venv
	$(BIN)/python -m clusterplan.backup dump $(ARCHIVE)

restore: venv
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/clusterplan-….tar.gz"; exit 2; }
	$(BIN)/python -m clusterplan.backup restore $(ARCHIVE)

# Load on a real server: two gunicorn instances, one PostgreSQL database, 20 users, 60 s
# (bench/load/run.py; figures into docs/PERFORMANCE.md). Needs PostgreSQL on 127.0.0.1:5432.
load: venv
	$(BIN)/python -m pip install --quiet -r requirements-load.txt
	$(BIN)/python -m bench.load.run $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Throughput of the main pages beside a bare Django page, gunicorn (2 workers) + PostgreSQL,
# wrk 5 s a page, at demo size and 10× (bench/http_bench.py; table into docs/PERFORMANCE.md).
bench-http: venv
	$(BIN)/python -m bench.http_bench $(BENCH_ARGS)
