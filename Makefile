# 新青 xinqing — the two commands: `make up` runs the stack with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: up test test-faults test-unit test-integration lint reset token help web bench bench-smoke

help:
	@echo "make up     run the whole stack (PostgreSQL, Kafka, services, gateway) with demo data"
	@echo "make test   run every test against a real PostgreSQL and Kafka started by the test session"
	@echo "make test-faults  kill Kafka, PostgreSQL and app processes under load; nothing lost or doubled (docs/HARDENING.md)"
	@echo "make web    build the dashboard page (gateway/web/dist)"
	@echo "make lint   ruff"
	@echo "make bench  the benchmark suite at full scale (minutes; results in .bench/, see docs/BENCHMARKS.md)"
	@echo "make bench-smoke  the same harness at tiny scale (< 1 min; numbers meaningless)"
	@echo "make reset  delete the local data directory"

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The dashboard page (gateway/web → gateway/web/dist, served by the gateway at /): npm ci from the
# committed lock file, then a build that needs no network.
WEB := gateway/web
$(WEB)/node_modules/.installed: $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web: $(WEB)/node_modules/.installed
	cd $(WEB) && npm run --silent build

up: $(BIN)/.installed web
	$(BIN)/xinqing up

test: $(BIN)/.installed web
	$(BIN)/pytest

# Fault injection (tests/faults): kills Kafka, PostgreSQL and app processes under load; a few minutes.
test-faults: $(BIN)/.installed
	$(BIN)/pytest -m faults tests/faults -s

test-unit: $(BIN)/.installed
	$(BIN)/pytest tests/unit

lint: $(BIN)/.installed
	$(BIN)/ruff check .

reset: $(BIN)/.installed
	$(BIN)/xinqing reset

bench: $(BIN)/.installed
	$(BIN)/python -m bench --scale full

bench-smoke: $(BIN)/.installed
	$(BIN)/python -m bench --scale tiny
