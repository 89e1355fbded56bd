# Grappe: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: run test install install-test demo messages lint bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

# OR-Tools, only for the routing benchmark's comparison (the tests never need it).
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PIP) install --quiet -e ".[test,bench]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# The job queue's worker (van planner runs) beside the development server, stopped with it.
run: demo
	$(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff, the import rules of docs/architecture.md (import-linter), mypy on the pure modules and services
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

messages: install
	cd grappe && ../$(PY) ../manage.py makemessages -l fr -l en --no-obsolete --ignore "*/tests/*"
	cd grappe && ../$(PY) ../manage.py compilemessages

bench: $(VENV)/.installed-bench
	$(PY) bench/routing.py

clean:
	rm -rf $(VENV) grappe.sqlite3 staticfiles
