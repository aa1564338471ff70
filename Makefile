# nmbrs-tui: the two commands that matter are `make demo` and `make test`.
# The first Python >= 3.11 on PATH, newest first (override: make PYTHON=/path/to/python demo).
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	if command -v $$p >/dev/null 2>&1 && \
	   $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench screenshots clean venv which-python

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "need Python >= 3.11: none of $(PYTHON_CANDIDATES) on PATH is; run make PYTHON=/path/to/python3.x ..."; exit 1; }
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is not on PATH; run make PYTHON=/path/to/python3.x ..."; exit 1; }
	@echo "using $(PYTHON) ($$($(PYTHON) --version 2>&1)) for $(VENV)"
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

venv: $(STAMP)

which-python:
	@if [ -n "$(PYTHON)" ]; then echo "$(PYTHON)"; else echo "none of $(PYTHON_CANDIDATES) is Python >= 3.11" >&2; exit 1; fi

demo: $(STAMP)
	$(BIN)/nmbrs-tui --demo $(if $(SCENARIO),--scenario $(SCENARIO),)

SRC := nmbrs_client nmbrs_demo tui tests bench tools

# Tests that need Nmbrs' reference WSDLs run when NMBRS_REFERENCE_WSDL_DIR names their folder
# (.ci/run sets it); without it they are reported as skipped, with how to run them.
test: lint
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/ruff check $(SRC)
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench

screenshots: $(STAMP)
	$(BIN)/python -m tools.screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
