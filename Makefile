# Coursemarket. `make run` serves the demo; `make test` proves it works.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYENV_PY := $(shell command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/$(shell cat .python-version)/bin/python3
BOOT_PY := $(shell for p in "$(PYENV_PY)" python3.13 python3.12; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
STAMP := $(VENV)/.installed
STATIC_STAMP := var/static/.stamp
STATIC_SOURCES := $(shell find static coursemarket -path '*static/*' -type f 2>/dev/null)
PO_FILES := $(shell find coursemarket -name '*.po' 2>/dev/null)
MANAGE := $(PY) manage.py
PG_URL ?= $(or $(TEST_POSTGRES_URL),postgres://postgres@127.0.0.1:5432/coursemarket)

.PHONY: help setup run dev worker test lint typecheck checks test-sqlite test-postgres test-browser messages lock clean bench-catalog bench-booking bench-pages bench-search bench-search-quality bench-import bench-alerts bench-compare bench-reco bench-tasks bench-scale bench-lighthouse bench-analytics

help:
	@echo "make run    - set up and serve the demo on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run every check (lint, types, migrations, deploy check, translations, SQLite, PostgreSQL, Redis, browser); a leg whose service is missing is skipped and named at the end"
	@echo "make dev    - like run, with DEBUG and auto-reload"
	@echo "make messages - extract translatable strings into every app's catalogs"
	@echo "make bench-lighthouse - Lighthouse mobile (LCP, CLS, TBT, bytes) of the course page and listing of a running demo"
	@echo "make bench-catalog - load 10,000 courses / 50,000 sessions, measure the course page and listing (SQLite, PostgreSQL)"
	@echo "make bench-pages   - uncached vs cached course, school and instructor pages against /robots.txt (PostgreSQL, 10,000 courses)"
	@echo "make bench-search  - 100,000 courses (generated + the three real catalogues): search, typo and autocomplete (SQLite, PostgreSQL)"
	@echo "make bench-search-quality - nDCG@10 on bench/search_judgments.tsv: plain BM25 vs our search on SQLite and PostgreSQL"
	@echo "make bench-import  - manage.py import_courses on the edX, Udemy, Coursera catalogues and a 10,000-row file, create then update (SQLite, PostgreSQL)"
	@echo "make bench-compare - four-course comparisons and a course's sessions compared, under load (SQLite, PostgreSQL)"
	@echo "make bench-reco     - recommenders on the full MOOCCubeX file: Recall/NDCG@10, coverage, training time and memory, serving p95"
	@echo "make bench-booking - 32 clients book one hot session over HTTP (free and card via localstripe; SQLite, PostgreSQL)"
	@echo "make bench-tasks  - 2,000 small tasks run by 2 workers on each task engine that can run here (PostgreSQL, Redis)"
	@echo "make bench-analytics - the school dashboard over 1,000,000 bookings: backfill, hourly job, page first and median (SQLite, PostgreSQL)"
	@echo "make bench-scale  - booking flow and course page through nginx at 1 (direct), 2 and 4 web processes (PostgreSQL, Redis)"

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -n "$(BOOT_PY)" || { echo "Python 3.12 or newer is needed (pyenv: 'pyenv install 3.12.1')"; exit 1; }
	@test -x $(PY) || $(BOOT_PY) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	@touch $@

$(STATIC_STAMP): $(STAMP) $(STATIC_SOURCES)
	$(MANAGE) collectstatic --noinput -v0
	@touch $@

setup: $(STAMP) $(STATIC_STAMP)
	@$(MANAGE) compile_translations -v0
	@$(MANAGE) migrate --noinput -v0

run: setup
	@test -f var/.demo-seeded || { $(MANAGE) seed_demo && touch var/.demo-seeded; }
	@test -f var/vapid.env || $(MANAGE) generate_vapid_keys --env-file var/vapid.env
	@echo ""
	@echo "  Coursemarket is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo sign-ins (password: coursemarket-demo):"
	@echo "    operator    operator@coursemarket.test   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "    school      owner@coursemarket.test"
	@echo "    instructor  instructor@coursemarket.test"
	@echo "    student     student@coursemarket.test"
	@echo "  Emails land in the development mailbox: http://127.0.0.1:$(PORT)/admin/outbox/ (as operator; set EMAIL_HOST for real SMTP)"
	@echo "  Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0341 is declined; 4000 0025 0000 3155 asks for 3-D Secure"
	@echo ""
	@SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" PATH="$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile -p $(PORT)

dev: setup
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy coursemarket

checks: setup
	$(MANAGE) makemigrations --check --dry-run
	# As a deployment would be configured: a fresh secret and a VAPID pair (deploy/env.example).
	env $$($(MANAGE) generate_vapid_keys) SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		DJANGO_SETTINGS_MODULE=coursemarket.config.production $(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) check_translations

test-sqlite: setup
	$(VENV)/bin/pytest -n 2 --dist loadgroup

test-postgres: setup
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "PostgreSQL leg: $(PG_URL)"; DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 --dist loadgroup; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then echo "PostgreSQL is required (REQUIRE_POSTGRES) but not reachable at $(PG_URL)"; exit 1; \
	else echo "SKIPPED: PostgreSQL leg (the whole suite again) — no server at $(PG_URL) (apt-get install postgresql, then pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start; or set TEST_POSTGRES_URL)"; fi

test: lint typecheck checks test-sqlite test-postgres

messages: $(STAMP)
	@for app in coursemarket/*/; do if [ -d "$$app/locale" ]; then (cd $$app && ../../$(VENV)/bin/django-admin makemessages -a --no-location --no-obsolete -v0 --ignore 'tests/*'); fi; done
	@echo "catalogs updated; translate the new entries, then 'make test' checks them"

bench-alerts: setup
	$(PY) -m bench.alerts $(BENCH_ARGS)

# Lighthouse mobile on the course page and listing of a running demo (make run; BENCH_URL to change).
# Lighthouse comes from npm at development time: npm install --prefix /tmp/lh lighthouse@12
bench-lighthouse: setup
	LIGHTHOUSE=$${LIGHTHOUSE:-/tmp/lh/node_modules/.bin/lighthouse} BENCH_URL=$${BENCH_URL:-http://127.0.0.1:$(PORT)} $(PY) bench/lighthouse.py

bench-catalog: setup
	@command -v hey >/dev/null || apt-get install -y hey || { apt-get update && apt-get install -y hey; }
	$(PY) -m bench.catalog $(BENCH_ARGS)

bench-analytics: setup
	$(PY) -m bench.analytics $(BENCH_ARGS)

bench-pages: setup
	@command -v hey >/dev/null || apt-get install -y hey || { apt-get update && apt-get install -y hey; }
	$(PY) -m bench.pages $(BENCH_ARGS)

bench-search: setup
	@command -v hey >/dev/null || apt-get install -y hey || { apt-get update && apt-get install -y hey; }
	$(PY) -m bench.search $(BENCH_ARGS)

bench-search-quality: setup
	$(PY) -m bench.search_quality $(BENCH_ARGS)

bench-compare: setup
	$(PY) -m bench.compare $(BENCH_ARGS)
bench-reco: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(PY) -m bench.reco $(BENCH_ARGS)

bench-booking: setup
	$(PY) -m bench.booking $(BENCH_ARGS)

bench-import: setup
	$(PY) -m bench.imports $(BENCH_ARGS)
bench-tasks: setup
	$(PY) -m bench.tasks $(BENCH_ARGS)

bench-scale: setup
	@command -v hey >/dev/null || apt-get install -y hey || { apt-get update && apt-get install -y hey; }
	$(PY) -m bench.scale $(BENCH_ARGS)

lock:
	uv pip compile --python-version 3.12 -q requirements/base.in -o requirements/base.txt
	uv pip compile --python-version 3.12 -q requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var
