# The portal's commands. `make run` and `make test` work on a fresh machine
# with Python >= 3.12 and make; both build .venv through `make install`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The development commands below run the portal in debug mode; production
# never goes through this file (the settings default to DEBUG off).
export DEBUG ?= true

# The first interpreter >= 3.12 on PATH (pyenv resolves .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: install run test lint format worker beat messages migrate lock

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: the portal needs Python 3.12 or newer (Django 6.1); none was found on PATH." >&2; \
		echo "       Install Python 3.13 (pyenv install 3.13) or set PYTHON=/path/to/python3.13." >&2; \
		exit 1; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input

run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

# The database line comes first, before any install output.
test:
	@$(or $(PYTHON),python3) -m tests.dbchoice
	@$(MAKE) --no-print-directory install
	DATABASE_URL="$$($(PY) -m tests.dbchoice --url)" $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

worker: install
	$(PY) -m celery -A portal worker --loglevel=info

beat: install
	$(PY) -m celery -A portal beat --loglevel=info

messages: install
	$(PY) manage.py makemessages -l ru -l kk --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

lock: install
	(echo "# Exact versions for a reproducible install: pip install -c requirements.lock -e '.[dev]'"; \
	 echo "# Regenerate after changing pyproject.toml: make lock"; \
	 $(PY) -m pip freeze --exclude-editable) > requirements.lock
