# The two commands of the README, and the pieces behind them.
#   make serve   build the site from papers/ and serve it on http://127.0.0.1:8000/paperfeed/
#   make test    run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: serve build test check bench-import bench-build clean

$(BIN)/paperfeed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

serve: $(BIN)/paperfeed
	$(BIN)/paperfeed serve

build: $(BIN)/paperfeed
	$(BIN)/paperfeed build --strict

check: $(BIN)/paperfeed
	$(BIN)/paperfeed check

test: $(BIN)/paperfeed
	$(BIN)/python -m pytest

bench-import: $(BIN)/paperfeed
	$(BIN)/python scripts/bench_import.py

bench-build: $(BIN)/paperfeed
	$(BIN)/python scripts/bench_build.py

clean:
	rm -rf site build .cache
