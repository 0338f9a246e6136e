# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Where `make run` listens: this machine only, unless HOST=0.0.0.0 opens it to the network.
HOST ?= 127.0.0.1

.PHONY: run test test-js lint lock lock-upgrade hooks

# The app's own dependencies (enough for `make run`), exactly as locked in requirements/app.txt.
$(BIN)/.installed: requirements/app.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements/app.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

# Test tools on top (pytest, hypothesis, Playwright's Python package, ruff, mypy, uv), locked too.
$(BIN)/.installed-test: $(BIN)/.installed requirements/test.txt
	$(BIN)/pip install -q --require-hashes -r requirements/test.txt
	touch $@

# Lock files: `make lock` after editing pyproject.toml's dependencies (keeps every other pin);
# `make lock-upgrade` moves every pin to the newest release allowed (then run `make test`).
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	--custom-compile-command "make lock" -q
lock: $(BIN)/.installed-test
	$(UV_COMPILE) $(UPGRADE) -o requirements/app.txt
	$(UV_COMPILE) $(UPGRADE) --extra test -c requirements/app.txt -o requirements/test.txt

lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

# Git hooks: ruff and the format check before each commit (.pre-commit-config.yaml).
hooks: $(BIN)/.installed-test
	$(BIN)/pre-commit install

# axe-core for the accessibility checks of the browser tests; skipped when npm is missing.
node_modules/axe-core/axe.min.js: package.json
	-command -v npm >/dev/null && npm ci --no-audit --no-fund --silent

# The web server and one queue worker (exports, large imports; survey_app/jobs.py), stopped
# together: Ctrl-C reaches both, and the worker goes when the web server does.
run: $(BIN)/.installed
	$(BIN)/flask --app survey_app db upgrade
	$(BIN)/flask --app survey_app load-demo
	nice -n 10 $(BIN)/flask --app survey_app worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	env SESSION_COOKIE_SECURE=0 $(BIN)/gunicorn --config gunicorn.conf.py \
	  --bind $(HOST):$(PORT) --workers 2 'survey_app:create_app()'

test: $(BIN)/.installed-test node_modules/axe-core/axe.min.js test-js
	$(BIN)/pytest

# The phone's sync code under node (static/js/tests); a visible skip without node, a failure in CI.
test-js:
	@if command -v node >/dev/null; then node --test static/js/tests/*.test.js; \
	elif [ "$$REQUIRE_FULL_SUITE" = 1 ]; then echo "node is missing (REQUIRE_FULL_SUITE=1)"; exit 1; \
	else echo "SKIPPED static/js/tests: node is not installed"; fi

# Lint, format and types (the scope in pyproject.toml [tool.mypy]); CI runs it before the tests.
lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
