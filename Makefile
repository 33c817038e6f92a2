# The two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PROJECT := spr
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(PROJECT)
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Four pytest processes, each on its own test database (pytest-xdist; the databases are
# copies of one migrated template); Celery tests use a private queue each, so they never
# share work. TEST_WORKERS=0 runs in one process. Four on two cores: the browser journeys,
# the Celery tests and the timeouts spend much of their time waiting. Tests are handed out
# one at a time, longest first (tests/conftest.py orders them), so the run does not end
# waiting on one long journey.
# The tests' connections do not wait for each commit to reach the disk (PGOPTIONS: the
# test databases are thrown away; about 12% faster), the real server otherwise.
TEST_WORKERS ?= 4

.PHONY: run test bench lint audit setup setup-test clean check-compose

# Python dependencies and GOV.UK Frontend, reinstalled only when their pins change. Python's
# from the lock file (every package, transitive ones too, checked against its hashes:
# scripts/lock.sh makes it from pyproject.toml's pins).
$(VENV)/.installed: requirements-dev.lock package.json package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	npm ci --no-audit --no-fund --loglevel=error
	@scripts/ensure_debian_packages.sh runtime
	@touch $@

setup: $(VENV)/.installed

setup-test: setup
	@scripts/ensure_debian_packages.sh test

# Served like production (DEBUG off, the service's own error pages) on plain HTTP on
# localhost: scripts/local_env.sh.
run: setup
	@PORT=$(PORT) scripts/run.sh

test: setup-test
	@scripts/audit_dependencies.sh
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) scripts/ensure_services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production-use-0123456789 \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	DJANGO_ALLOW_ASYNC_UNSAFE=true PGOPTIONS="-c synchronous_commit=off" \
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist load --maxschedchunk 1 $(PYTEST_ARGS)

bench: setup
	@DEBUG=true $(PY) -m benchmarks

# Known vulnerabilities in the locked packages (also run first by make test).
audit: setup
	@scripts/audit_dependencies.sh

lint: setup check-compose
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules staticfiles

check-compose:
	@if ! command -v docker-compose >/dev/null; then echo "docker-compose not installed: compose file not checked"; \
	elif [ -f .env ]; then docker-compose config -q; \
	else cp .env.example .env; docker-compose config -q; rc=$$?; rm -f .env; exit $$rc; fi
