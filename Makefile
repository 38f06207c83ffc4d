# clusterplan: `make run` serves the demo, `make test` runs the tests, `make check` lints.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv venv-dev migrate demo messages check check-exports clean backup restore load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Two stamps: .installed = requirements.txt (running), .installed-dev = requirements-dev.txt
# (tests, browser, load, ruff; it includes requirements.txt, so it is redone when either changes).
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

venv-dev: $(VENV)/.installed-dev

# migrate + createcachetable, under a PostgreSQL advisory lock: safe from any instance.
migrate: venv
	$(BIN)/python manage.py migrate_locked

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  clusterplan is served at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: demo): admin, coordinator, member"
	@echo ""
	@# One background worker beside the web server (issue 17), stopped with it (rqworker when REDIS_URL is set).
	if [ -n "$$REDIS_URL" ]; then $(BIN)/python manage.py rqworker default --job-class django_tasks_rq.Job & \
	else $(BIN)/python manage.py db_worker & fi; trap "kill $$! 2>/dev/null" EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# pytest exits 5 when it collects nothing (PYTEST_ARGS selecting no test): said, not a failure.
# Any other non-zero status (failures 1, interrupted 2, internal error 3, usage 4) fails.
test: venv-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then echo "pytest: no tests collected (exit 5): nothing failed"; exit 0; fi; \
	exit $$code

# Lint (pyproject.toml), Django's system checks, and no model change without its migration.
# All three run; it fails if any of them does. `ruff check --fix .` applies ruff's safe fixes.
check: venv-dev
	@status=0; \
	echo "-- ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "-- manage.py check"; $(BIN)/python manage.py check || status=1; \
	echo "-- manage.py makemigrations --check --dry-run"; \
	$(BIN)/python manage.py makemigrations --check --dry-run || status=1; \
	exit $$status

# Every export of the demo data converted to PDF by LibreOffice (soffice): fails on any conversion
# error; says so and succeeds when LibreOffice is not installed (bench/check_exports.py).
check-exports: venv-dev
	$(BIN)/python bench/check_exports.py

messages: venv
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

# Backups: the database and every stored file in one archive (clusterplan/lib/backup.py).
backup: venv
	$(BIN)/python manage.py backup $(ARCHIVE)

restore: venv
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/clusterplan-….tar.gz"; exit 2; }
	$(BIN)/python manage.py restore $(ARCHIVE)

# Load on a real server: two gunicorn instances, one PostgreSQL database, 20 users, 60 s
# (bench/load/run.py; figures into docs/PERFORMANCE.md). Needs PostgreSQL on 127.0.0.1:5432.
load: venv-dev
	$(BIN)/python -m bench.load.run $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
