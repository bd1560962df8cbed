# `make run` is for trying the system (development server, demo data); `make serve` runs it for
# real (docs/operations.md); `make test` tests it. Each installs what is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ENV := source scripts/env.sh &&
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint setup services stop migrate demo bench e2e format backup restore

setup:
	@bash scripts/services.sh setup

services: setup
	@bash scripts/services.sh start

migrate: services
	@$(ENV) $(PY) manage.py migrate --noinput -v 0 && $(PY) manage.py createcachetable

demo: migrate
	@$(ENV) $(PY) manage.py load_demo

run: demo
	@$(ENV) HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

# The production start on one machine: gunicorn behind nginx (TLS), DEBUG off, the Celery
# worker and beat, rotated logs, no demo data. Needs SECRET_KEY, SITE_URL, TLS_CERT and
# TLS_KEY in the environment (docs/operations.md).
serve:
	@bash scripts/services.sh setup --proxy
	@bash scripts/services.sh start
	@bash scripts/production.sh serve

# The suite and the bench run on the fast, non-durable private PostgreSQL (scripts/services.sh);
# `make run` keeps its data on the durable one.
test bench: export CC4C_PG_MODE = fast

test:
	@bash scripts/services.sh setup --browser --proxy
	@bash scripts/services.sh start
	@$(ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .
	@# The floors (pyproject.toml, [tool.importlinter]): an import goes down, never up.
	@.venv/bin/lint-imports
	@# Types of the access rules and of every services.py and queries.py ([tool.mypy]).
	@$(ENV) .venv/bin/mypy
	@# Every model change has its migration (no database needed for the check).
	@$(ENV) $(PY) -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run
	@# Security: bandit (config in pyproject.toml) and pip-audit (docs/security/README.md).
	@.venv/bin/bandit -c pyproject.toml -r . -q
	@.venv/bin/python scripts/audit_dependencies.py

format: setup
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench: services
	@# The bench's own dependencies (pyproject.toml, [project.optional-dependencies] bench).
	@test .venv/.bench-installed -nt pyproject.toml || { .venv/bin/pip install -q -e ".[dev,bench]" && touch .venv/.bench-installed; }
	@$(ENV) $(PY) scripts/bench.py $(BENCH_ARGS)

stop:
	@bash scripts/services.sh stop

# A backup of the database and the uploaded files now, into BACKUP_DIR (docs/operations.md).
backup: services
	@$(ENV) $(PY) manage.py backup

# make restore FILE=var/backups/cc4c-backup-....tar: into a fresh database (REPLACE=1 drops
# what the database holds first). Stop the site, the worker and beat before.
restore: services
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/cc4c-backup-....tar [REPLACE=1]" >&2; exit 2; }
	@$(ENV) $(PY) manage.py restore "$(FILE)" $(if $(REPLACE),--replace)
