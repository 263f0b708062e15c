# The two commands a newcomer needs are `make serve` and `make test` (see README).
# Everything else here is convenience built on the same steps.

PYTHON ?= python3
# Use the virtual environment the caller already activated, else our own .venv.
VENV := $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),$(CURDIR)/.venv)
BIN := $(VENV)/bin
STAMP := $(VENV)/.reportsite-installed
HOST ?= 127.0.0.1:8000
# Material 9.7+ prints an advertisement banner on every build; keep logs readable.
export NO_MKDOCS_2_WARNING := 1

# Debian packages the browser tests and the PDF export need.
SYSTEM_PACKAGES := chromium fonts-noto-cjk

.PHONY: help install system-deps serve build check test sources lock clean

help:
	@echo "make serve   - set up everything, build and serve the site on http://$(HOST)"
	@echo "make test    - set up everything and run every test (includes make check)"
	@echo "make build   - strict build into site/"
	@echo "make check   - fast checks without a browser (raw sources, reader pages, bibliography, citations, strict build, links)"
	@echo "make sources - regenerate the reader pages docs/sources/*.md from bib/raw/"
	@echo "make lock    - re-pin requirements*.txt from requirements*.in"

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "error: could not create a virtual environment with '$(PYTHON) -m venv'."; \
	  echo "       On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@touch $@

install: $(STAMP)

# Installs with apt-get when we are root; otherwise says exactly what to run.
system-deps:
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "error: missing system packages:$$missing"; \
	    echo "       run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

serve: install
	$(BIN)/mkdocs serve --dev-addr $(HOST)

build: install
	$(BIN)/mkdocs build --strict

check: install
	$(BIN)/reportsite check

test: install system-deps
	$(BIN)/python -m pytest -n 2

sources: install
	$(BIN)/reportsite sources

lock: install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-test.txt requirements-test.in

clean:
	rm -rf site .pytest_cache
