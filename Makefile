# 新青 xinqing — the two commands: `make up` runs the stack with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: up test test-unit test-integration lint reset token help

help:
	@echo "make up     run the whole stack (PostgreSQL, Kafka, services, gateway) with demo data"
	@echo "make test   run every test against a real PostgreSQL and Kafka started by the test session"
	@echo "make lint   ruff"
	@echo "make reset  delete the local data directory"

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

up: $(BIN)/.installed
	$(BIN)/xinqing up

test: $(BIN)/.installed
	$(BIN)/pytest

test-unit: $(BIN)/.installed
	$(BIN)/pytest tests/unit

lint: $(BIN)/.installed
	$(BIN)/ruff check .

reset: $(BIN)/.installed
	$(BIN)/xinqing reset
