# eID guide. `make run` serves the app on http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# What running needs (requirements.txt) and, for tests and tools, requirements-dev.txt on top.
RUNTIME := $(VENV)/.installed-runtime
INSTALLED := $(VENV)/.installed
MO := locale/da/LC_MESSAGES/django.mo
# Python keeps compiled modules (and pytest its rewritten tests) even where the environment says
# not to: without them every pytest worker, server and command compiled them again (collecting
# the fast suite took 6.5 s instead of 3).
unexport PYTHONDONTWRITEBYTECODE
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: run test test-clock test-services lint format messages bench fuzz audit image-check mutate clean deploy-check

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "eID guide needs Python 3.12 or newer; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(INSTALLED): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(RUNTIME)

messages: $(MO)
$(MO): locale/da/LC_MESSAGES/django.po | $(RUNTIME)
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext (apt-get install gettext) to compile the Danish translations."; exit 1; }
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=$(VENV) --verbosity 0

# Serving needs only the runtime requirements, not the test tools (Playwright, Node, ...).
run: $(RUNTIME) $(MO)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite runs in parallel (pytest-xdist): `make test` with four workers on this 2-core machine,
# as many of its slow tests wait (on servers, on the next whole minute) rather than compute, and an
# idle worker takes tests queued for another (worksteal); 4:45 with two, 4:00 with four. The
# other targets one worker a core (WORKERS). `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= 4
WORKERS ?= auto
test: $(INSTALLED) $(MO)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

# The clock drill: the fast suite under a faked wall clock (libfaketime) on the days most likely
# to break something: the next 29 February, both nights Copenhagen's clocks change and
# 2101-01-01 (tools/clock_drill.py). .ci/run runs it after `make test`, beside `make image-check`.
test-clock: $(INSTALLED) $(MO)
	$(BIN)/python -m tools.clock_drill -- -n $(WORKERS)

# The tests that reach the database, again on PostgreSQL (marked `database` by tests/conftest.py),
# and those that need PostgreSQL itself (`services`: two instances on one database, the database
# drill). No other test can tell the two databases apart: `make test` runs them. .ci/run starts
# PostgreSQL when it is not running.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
test-services: $(INSTALLED) $(MO)
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -n $(WORKERS) -m "database or services" --ignore=tests/browser

# Mutation testing of guidance/ and eidguide/ with the fast suite ([tool.mutmut] in pyproject.toml),
# then the score and every surviving mutant not listed as equivalent in tests/MUTANTS.md. Results
# are kept in mutants/: a second run only retests what changed (`rm -rf mutants` for a clean one).
# mutmut links a changed or new function only to new tests: after a merge, remove
# mutants/mutmut-stats.json so that every test is traced again. Each mutant's run copies one
# migrated test database (TEST_DB_TEMPLATE, tests/conftest.py) instead of migrating.
MUTATE_CHILDREN ?= 2
mutate: $(INSTALLED) $(MO)
	static=$$(mktemp -d) && trap 'rm -rf "$$static"' EXIT && \
		HYPOTHESIS_PROFILE=short TEST_STATIC_ROOT=$$static/static TEST_DB_TEMPLATE=$$static/db.sqlite3 \
		$(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) > mutants.log 2>&1 || \
		{ tail -n 40 mutants.log; exit 1; }
	$(BIN)/python -m tools.mutation_report

fuzz: $(INSTALLED) $(MO)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/pages/test_fuzz.py tests/opendata/test_openapi_conformance.py --hypothesis-show-statistics

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/djlint templates/admin --lint
	$(BIN)/djlint templates/jinja2 --lint --profile=jinja
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/hadolint Dockerfile
	$(MAKE) --no-print-directory deploy-check
	$(BIN)/python -m tools.html_check
	$(BIN)/python -m tools.audit_dependencies
# Code nothing reads, at 80% confidence: below it vulture reports every name it sees no use of
# (60%), here some 230 of Django's hooks (Meta, admin options, receivers, template tags,
# settings); from 80 only unused imports (90%), arguments and unreachable code (100%), few enough
# to judge each one (tools/vulture_whitelist.py names those that are used). Migrations are
# generated history.
	$(BIN)/vulture guidance eidguide tools tools/vulture_whitelist.py --min-confidence 80 --exclude guidance/migrations

# Kubernetes (deploy/): every manifest kustomize renders, validated against the Kubernetes schemas;
# checkov on the manifests and the Dockerfile (skips justified in deploy/checkov.yaml). kubectl
# comes from a PyPI wheel; checkov from its own venv, as its pins conflict with the project's.
CHECKOV_VENV := .venv-tools/checkov
CHECKOV := $(CHECKOV_VENV)/.installed
KUSTOMIZATIONS := deploy/kubernetes/base $(wildcard deploy/kubernetes/overlays/*)
$(CHECKOV): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

deploy-check: $(INSTALLED) $(CHECKOV)
	@rendered=$$(mktemp -d) && trap 'rm -rf "$$rendered"' EXIT && \
	for folder in $(KUSTOMIZATIONS); do \
		name=$$(echo $$folder | tr / _); \
		$(BIN)/kubectl kustomize $$folder > $$rendered/$$name.yaml || exit 1; \
		$(BIN)/kubernetes-validate --strict --quiet $$rendered/$$name.yaml || exit 1; \
		echo "kubernetes-validate: $$folder: $$(grep -c '^kind:' $$rendered/$$name.yaml) objects valid (Kubernetes 1.37, strict)"; \
	done
	PATH="$(CURDIR)/$(BIN):$$PATH" $(CHECKOV_VENV)/bin/checkov --config-file deploy/checkov.yaml -d deploy
	$(CHECKOV_VENV)/bin/checkov --config-file deploy/checkov.yaml --file Dockerfile

# kustomize reads no file outside its folder: the edge's template is copied next to the manifests.
format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .venv-tools staticfiles db.sqlite3 .pytest_cache .ruff_cache .hypothesis artifacts mutants mutants.log $(MO)

bench: $(INSTALLED) $(MO)
	@command -v wrk >/dev/null || { echo "Installing wrk (the load generator) from Debian's packages."; apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	$(BIN)/python -m tools.bench

audit: $(INSTALLED) $(MO)
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for Lighthouse."; apt-get install -y -qq chromium >/dev/null; }
	$(BIN)/python -m tools.lighthouse

image-check: $(INSTALLED) $(MO)
	$(BIN)/python -m tools.image_check
