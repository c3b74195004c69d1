# xueji — the two commands: `make demo` and `make test`.
# `make test` runs the suite with a throwaway PostgreSQL for the `postgres` tests
# (.ci/with-postgres). Both create .venv if it is missing and install the project into it first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DIR ?= build/demo

.PHONY: demo test install bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python samples/demo.py $(DEMO_DIR)

test: $(STAMP)
	.ci/with-postgres $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/startup.py

clean:
	rm -rf build .pytest_cache
