# The portal's commands. `make run` and `make test` work on a fresh machine
# with Python >= 3.12 and make; both build .venv through `make install`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP := $(VENV)/.installed-dev
# Hash-checked, exact installs: requirements/base.txt is what the portal
# needs to run; requirements/dev.txt adds the tools for tests and lint.
PIP_INSTALL := $(PY) -m pip install --require-hashes --no-deps --progress-bar on
# The development commands below run the portal in debug mode; production
# never goes through this file (the settings default to DEBUG off).
export DEBUG ?= true

# The first interpreter >= 3.12 on PATH (pyenv resolves .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: bench audit install install-dev run test lint format worker beat messages messages-check migrate lock screenshots

# The virtual environment itself, recreated when its Python is too old.
$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: the portal needs Python 3.12 or newer (Django 6.1); none was found on PATH." >&2; \
		echo "       Install Python 3.13 (pyenv install 3.13) or set PYTHON=/path/to/python3.13." >&2; \
		exit 1; fi
	@echo "==> Creating $(VENV) with $$($(PYTHON) --version)"
	@rm -rf $(VENV); $(PYTHON) -m venv $(VENV)

install: $(BASE_STAMP)

$(BASE_STAMP): requirements/base.txt | $(PY)
	@echo "==> Installing the portal's runtime packages (the first time takes about a minute)"
	$(PIP_INSTALL) -r requirements/base.txt
	@touch $(BASE_STAMP)

install-dev: $(DEV_STAMP)

$(DEV_STAMP): requirements/dev.txt $(BASE_STAMP)
	@echo "==> Installing the test and lint tools"
	$(PIP_INSTALL) -r requirements/dev.txt
	@touch $(DEV_STAMP)

migrate: install
	@echo "==> Migrating the database"
	$(PY) manage.py migrate --no-input

run: migrate
	@echo "==> Loading the demo data (the first time, a few seconds)"
	$(PY) manage.py seed_demo --if-empty
	@echo "==> Serving on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(PY) manage.py runserver 127.0.0.1:8000

# The database line comes first, before any install output.
test:
	@$(or $(PYTHON),python3) -m tests.dbchoice
	@$(MAKE) --no-print-directory install-dev
	DATABASE_URL="$$($(PY) -m tests.dbchoice --url)" $(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark, each in its own PostgreSQL database; writes bench/RESULTS.md.
bench: install-dev
	$(PY) -m bench $(BENCH)

# Refresh the README's and the guides' screenshots (docs/screenshots/, used by
# docs/guide-*.md) from the browser tests; an ordinary test run never writes them.
screenshots:
	@$(MAKE) --no-print-directory install-dev
	SCREENSHOTS=1 DATABASE_URL="$$($(PY) -m tests.dbchoice --url)" $(PY) -m pytest tests/browser -m browser -p no:cacheprovider -q
	@du -ch docs/screenshots/*.png | tail -n 1 | sed 's/total/docs\/screenshots\/ in all (keep it under 3 MB)/'

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m mypy
	@$(MAKE) --no-print-directory messages-check
	@$(MAKE) --no-print-directory audit

# Known vulnerabilities in the locked packages. pip-audit asks PyPI's
# per-release JSON API; where that is unreachable (a closed network), say so
# plainly instead of reporting every package as unknown.
audit: install-dev
	@if $(PY) -c 'import urllib.request as u; u.urlopen("https://pypi.org/pypi/django/6.1/json", timeout=10)' 2>/dev/null; then \
		echo "==> pip-audit: known vulnerabilities in requirements/dev.txt"; \
		$(PY) -m pip_audit --strict --disable-pip --require-hashes -r requirements/dev.txt; \
	else echo "==> pip-audit NOT RUN: PyPI's vulnerability API is unreachable from this machine."; fi

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

worker: install
	$(PY) -m celery -A portal worker --loglevel=info

beat: install
	$(PY) -m celery -A portal beat --loglevel=info

messages: install
	$(PY) manage.py makemessages -l ru -l kk --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py makemessages -d djangojs -l ru -l kk --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=static/vendor --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

# Fails, naming them, if templates or source hold strings that locale/ lacks
# (makemessages on a temporary copy, compared with locale/; a few seconds).
messages-check: install
	$(PY) manage.py messages_check

# Refresh both locks after changing pyproject.toml (needs the package index).
LOCK := $(PY) -m piptools compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-find-links --no-emit-index-url --no-header
lock: install-dev
	$(LOCK) -o requirements/base.txt pyproject.toml
	$(LOCK) --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml
