# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Where `make run` listens: this machine only, unless HOST=0.0.0.0 opens it to the network.
HOST ?= 127.0.0.1

.PHONY: run test lint

# The app's own dependencies (enough for `make run`).
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

# Test tools on top (pytest, hypothesis, Playwright's Python package, ruff).
$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# axe-core for the accessibility checks of the browser tests; skipped when npm is missing.
node_modules/axe-core/axe.min.js: package.json
	-command -v npm >/dev/null && npm ci --no-audit --no-fund --silent

run: $(BIN)/.installed
	$(BIN)/flask --app survey_app db upgrade
	$(BIN)/flask --app survey_app load-demo
	exec env SESSION_COOKIE_SECURE=0 $(BIN)/gunicorn --config gunicorn.conf.py \
	  --bind $(HOST):$(PORT) --workers 2 'survey_app:create_app()'

test: $(BIN)/.installed-test node_modules/axe-core/axe.min.js
	$(BIN)/pytest

# Lint, format and types (the scope in pyproject.toml [tool.mypy]); CI runs it before the tests.
lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
