# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/axe-core/axe.min.js:
	-command -v npm >/dev/null && npm install --no-audit --no-fund --silent axe-core@4

run: $(BIN)/.installed
	$(BIN)/flask --app survey_app db upgrade
	$(BIN)/flask --app survey_app load-demo
	exec $(BIN)/gunicorn --bind 0.0.0.0:$(PORT) --workers 2 --access-logfile - 'survey_app:create_app()'

test: $(BIN)/.installed node_modules/axe-core/axe.min.js
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
