# Two commands do all the set-up: `make demo` and `make test`. Only Python 3.11 and make needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.PHONY: demo test chromium lint typecheck contracts check clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is needed (or run: make PYTHON=python3 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/peerwheel demo

test: $(STAMP_DEV) chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# The browser tests drive Debian's chromium (Playwright without its browser download). When it
# is missing: installed here as .ci/run does, if this runs as root with apt-get; else the exact
# command to run, and nothing is tested.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "== installing Debian's chromium for the browser tests (apt-get install chromium)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need chromium, and it is not installed. Install it with:"; \
	    echo ""; \
	    echo "    sudo apt-get install chromium        (Debian, Ubuntu: what CI uses)"; \
	    echo ""; \
	    echo "or put any chromium binary on PATH as 'chromium', then run make test again."; \
	    echo "Meanwhile, every other test: $(BIN)/pytest -m 'not browser'"; \
	    exit 1; \
	  fi; }

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP_DEV)
	$(BIN)/mypy src/

contracts: $(STAMP_DEV)
	$(BIN)/lint-imports

check: test lint typecheck contracts

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
