# The two commands of README.md: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python >= 3.12. The machines' default python3 is 3.11, so find 3.12 explicitly
# (pyenv shims honour .python-version here; fall back to pyenv's install directory).
PYTHON312 ?= $(shell python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12 2>/dev/null | tail -n 1)
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: help install run test test-sqlite test-postgres lint browser bench clean

help:
	@echo "make run    install, migrate, load the pre-annotated seed pair and demo users, serve on http://$(HOST):$(PORT)"
	@echo "make test   install (incl. Chromium), lint, run every test on SQLite, then the database tests on PostgreSQL"
	@echo "make bench  run every benchmark in bench/ (measures only; training is in scripts/)"

$(UV):
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found (need python3.12 on PATH or in ~/.pyenv)"; exit 1; }
	$(PYTHON312) -m pip install --quiet --disable-pip-version-check --target .tools uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON312)
	@touch $@

install: $(VENV)/.synced

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@/usr/bin/chromium --version

run: install
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) load_demo
	@echo "Serving http://$(HOST):$(PORT)/  (admin console: http://$(HOST):$(PORT)/admin/)"
	@# One worker process (prefork: the time limits need it) with Celery beat inside it (-B),
	@# which runs the sweeper that recovers stuck runs. Production runs beat on its own.
	DEBUG=1 $(VENV)/bin/celery -A factcheck worker -B --concurrency=1 --loglevel=INFO & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

# mypy reads settings through django-stubs; DEBUG=1 lets settings load without a SECRET_KEY.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy

test-sqlite: install browser
	$(VENV)/bin/pytest

# The model and service tests again on a real PostgreSQL server.
test-postgres: install
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest -m "not e2e and not model" --ignore=tests/nlp -p no:cacheprovider

test: lint test-sqlite test-postgres

# Benchmarks only measure. Training and gold evaluation live in scripts/ and write only to an
# explicit --out, so no benchmark run can replace the shipped weights.
bench: install
	for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .tools var .pytest_cache .ruff_cache
