# 新青 xinqing — the two commands: `make up` runs the stack with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: up test test-faults test-unit test-integration lint lock reset token help web bench bench-smoke

help:
	@echo "make up     run the whole stack (PostgreSQL, Kafka, services, gateway) with demo data"
	@echo "make up OBSERVE=1  the same, with the ops dashboards: Zipkin (traces) and Prometheus (metrics, alerts)"
	@echo "make test   run every test against a real PostgreSQL and Kafka started by the test session"
	@echo "make test-faults  kill Kafka, PostgreSQL and app processes under load; nothing lost or doubled (docs/HARDENING.md)"
	@echo "make web    build the dashboard page (gateway/web/dist)"
	@echo "make lint   ruff and mypy (strict on chassis/, contracts/, services/*/domain); make test runs it first"
	@echo "make lock   resolve pyproject.toml again into requirements.lock with hashes (UPGRADE=1: newest versions)"
	@echo "make bench  the benchmark suite at full scale (minutes; results in .bench/, see docs/BENCHMARKS.md)"
	@echo "make bench-smoke  the same harness at tiny scale (< 1 min; numbers meaningless)"
	@echo "make reset  delete the local data directory"

# Exactly the versions CI tested: every package of requirements.lock (runtime, test, bench and the build
# backend) checked against its hash, then this project itself without resolving anything again.
LOCK := requirements.lock
$(BIN)/.installed: $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# After a change to pyproject.toml's dependencies: `make lock` resolves again and keeps every pin it can;
# `make lock UPGRADE=1` takes the newest versions the ranges allow. For CI's Python 3.11 on Linux x86_64,
# with hashes; the build backend (build-system.requires) comes along.
lock: $(BIN)/.installed
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	  | $(BIN)/uv pip compile pyproject.toml - --extra test --generate-hashes $(if $(UPGRADE),--upgrade) --quiet --custom-compile-command "make lock" \
	      --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --output-file $(LOCK)
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	  | $(BIN)/uv pip compile pyproject.toml - --constraint $(LOCK) --generate-hashes --quiet --custom-compile-command "make lock" \
	      --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --output-file requirements-runtime.lock

# The dashboard page (gateway/web → gateway/web/dist, served by the gateway at /): npm ci from the
# committed lock file, then a build that needs no network.
WEB := gateway/web
$(WEB)/node_modules/.installed: $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web: $(WEB)/node_modules/.installed
	cd $(WEB) && npm run --silent build

# OBSERVE=1: also the ops dashboards, Zipkin and Prometheus (`xinqing up --observe`, docs/RUNBOOK.md)
up: $(BIN)/.installed web
	$(BIN)/xinqing up $(if $(OBSERVE),--observe)

# lint first: a type error or a lint finding fails in seconds, before the servers start.
test: $(BIN)/.installed web lint
	$(BIN)/pytest

# Fault injection (tests/faults): kills Kafka, PostgreSQL and app processes under load; a few minutes.
test-faults: $(BIN)/.installed
	$(BIN)/pytest -m faults tests/faults -s

test-unit: $(BIN)/.installed
	$(BIN)/pytest tests/unit

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

reset: $(BIN)/.installed
	$(BIN)/xinqing reset

bench: $(BIN)/.installed
	$(BIN)/python -m bench --scale full

bench-smoke: $(BIN)/.installed
	$(BIN)/python -m bench --scale tiny
