# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test system-packages lint check bench model clean

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

# axe-core for the web chat's browser tests (tests/web/browser), from npm, pinned.
BROWSER := tests/web/browser
$(BROWSER)/node_modules/.package-lock.json: $(BROWSER)/package-lock.json
	cd $(BROWSER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests use: PostgreSQL's server (the store contract runs on a throwaway
# cluster) and Chromium (it draws the HTML report). Installed when missing, without the
# recommended extras (with them Chromium alone pulls over a hundred packages), as root
# (CI); anyone else is told in one line what to install.
HAVE_POSTGRESQL ?= ls /usr/lib/postgresql/*/bin/initdb
HAVE_CHROMIUM   ?= command -v chromium
system-packages:
	@missing=""; \
	$(HAVE_POSTGRESQL) >/dev/null 2>&1 || missing="$$missing postgresql"; \
	$(HAVE_CHROMIUM) >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" != 0 ]; then \
	  echo "make test needs Debian packages:$$missing; install them with:" \
	       "sudo apt-get install --no-install-recommends$$missing" >&2; \
	  exit 1; \
	elif [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	fi

test: system-packages $(VENV)/.installed-dev $(ELEMENT)/node_modules/.package-lock.json \
      $(BROWSER)/node_modules/.package-lock.json
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
	$(BIN)/python bench/teams_app_load.py
	$(BIN)/python bench/webchat_load.py
	$(BIN)/python bench/matrix_latency.py

# Retrain the safety classifier from training/safety_corpus/ (deterministic).
model: $(VENV)/.installed-dev
	$(BIN)/python -m training.safety_train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
