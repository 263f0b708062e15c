# The two commands a newcomer needs are `make serve` and `make test` (see README).
# Everything else here is convenience built on the same steps.

PYTHON ?= python3
# Use the virtual environment the caller already activated, else our own .venv.
VENV := $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),$(CURDIR)/.venv)
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.reportsite-runtime
TEST_STAMP := $(VENV)/.reportsite-test
HOST ?= 127.0.0.1:8000
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Material 9.7+ prints an advertisement banner on every build; keep logs readable.
export NO_MKDOCS_2_WARNING := 1

# The browser for the browser tests and the PDF check is found by its executable, whatever the
# distribution calls the package; REPORTSITE_CHROMIUM overrides it.
REPORTSITE_CHROMIUM ?= $(firstword $(foreach b,chromium chromium-browser google-chrome google-chrome-stable,$(shell command -v $(b) 2>/dev/null)))
export REPORTSITE_CHROMIUM
# Debian packages installed when missing (as root): the browser, and Noto CJK for Chinese in the PDF.
SYSTEM_PACKAGES := chromium fonts-noto-cjk

.PHONY: help install install-test system-deps serve build check test sources lock linkcheck clean pdf benchmark

help:
	@echo "make serve     - set up (runtime packages only), build and serve the site on http://$(HOST)"
	@echo "make test      - set up everything and run every test (includes make check)"
	@echo "make build     - strict build into site/"
	@echo "make check     - fast checks without a browser (files, raw sources, reader pages, translations,"
	@echo "                 citations, voice and fact-check record, strict build, links, off-site requests)"
	@echo "make sources   - regenerate the reader pages docs/sources/*.md from bib/raw/"
	@echo "make pdf       - the whole report as one linked PDF: site/downloads/us-eu-ai-report.pdf"
	@echo "make linkcheck - check every external URL (needs the network; not part of make test)"
	@echo "make lock      - re-pin requirements*.txt from requirements*.in"
	@echo "make benchmark - Lighthouse (mobile) scores and transferred bytes of five pages, served like GitHub Pages"
	@echo "                 (needs node and npm; installs Lighthouse into .cache/lighthouse once)"

$(RUNTIME_STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || { echo "==> Creating the virtual environment $(VENV)"; $(PYTHON) -m venv $(VENV); } || { \
	  echo "error: could not create a virtual environment with '$(PYTHON) -m venv'."; \
	  echo "       On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	@echo "==> Installing the pinned site packages (requirements.txt)"
	@$(PIP) install --quiet --upgrade pip
	@$(PIP) install --progress-bar off -r requirements.txt | grep -E '^(Successfully installed|ERROR)' || true
	@echo "==> Installing the reportsite package (editable)"
	@# setuptools explains editable installs at length on every install; only errors matter here.
	@$(PIP) install --quiet --no-deps --editable . 2>&1 | grep -E '^(ERROR|error:)' || true
	@$(BIN)/python -c "import reportsite, mkdocs, material, weasyprint" || { echo "error: the installation is incomplete; see the messages above"; exit 1; }
	@touch $@

$(TEST_STAMP): $(RUNTIME_STAMP) requirements-test.txt
	@echo "==> Installing the pinned test packages (requirements-test.txt)"
	@$(PIP) install --progress-bar off -r requirements-test.txt | grep -E '^(Successfully installed|ERROR)' || true
	@$(BIN)/python -c "import pytest, playwright, pypdf" || { echo "error: the test packages did not install; see above"; exit 1; }
	@touch $@

install: $(RUNTIME_STAMP)
install-test: $(TEST_STAMP)

# Installs with apt-get when we are root; otherwise says exactly what to run.
system-deps:
	@missing=""; \
	if [ -z "$(REPORTSITE_CHROMIUM)" ]; then missing="$$missing chromium"; fi; \
	if ! fc-list :lang=zh 2>/dev/null | grep -qi "noto.*cjk"; then missing="$$missing fonts-noto-cjk"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "error: missing:$$missing (a Chromium/Chrome browser on PATH, or REPORTSITE_CHROMIUM=/path/to/it;"; \
	    echo "       Noto CJK fonts). On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

serve: install
	$(BIN)/mkdocs serve --dev-addr $(HOST)

build: install
	$(BIN)/mkdocs build --strict

check: install
	$(BIN)/reportsite check

test: install-test system-deps
	@echo "==> Running every test (pytest on 2 workers)"
	$(BIN)/python -m pytest -n 2

sources: install
	$(BIN)/reportsite sources

linkcheck: install-test
	$(BIN)/reportsite linkcheck

# Builds the site in a temporary directory, so it can run before or after `make build`
# (which empties site/); `reportsite pdf --site-dir site` reuses a site already built.
pdf: install
	$(BIN)/reportsite pdf --output site/downloads/us-eu-ai-report.pdf

# A measurement, not a test: builds the site with SITE_URL set, serves it with gzip and runs Lighthouse.
benchmark: install system-deps
	$(BIN)/reportsite benchmark $(ARGS)

lock: install-test
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-test.txt requirements-test.in

clean:
	rm -rf site .pytest_cache
