# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint check bench model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python -m bot $(ARGS)

# The Element-like resident of the Matrix tests (matrix-js-sdk with Rust crypto), from npm.
ELEMENT := tests/matrix/element
$(ELEMENT)/node_modules/.package-lock.json: $(ELEMENT)/package-lock.json
	cd $(ELEMENT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-dev $(ELEMENT)/node_modules/.package-lock.json
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	$(BIN)/ruff check bot tests bench training
	$(BIN)/python -m bot check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot tests bench training

check: $(VENV)/.installed
	$(BIN)/python -m bot check

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/answer_latency.py
	$(BIN)/python bench/safety_check.py
	$(BIN)/python bench/safety_probes.py
	$(BIN)/python bench/store_throughput.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/webhook_load.py
	$(BIN)/python bench/matrix_latency.py

# Retrain the safety classifier from training/safety_corpus/ (deterministic).
model: $(VENV)/.installed-dev
	$(BIN)/python -m training.safety_train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
