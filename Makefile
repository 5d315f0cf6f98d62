# `make site` builds the site from content/; `make test` runs every test. Both set up .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve bench lint clean

site: $(STAMP)
	$(BIN)/handbook build

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/handbook check

serve: $(STAMP)
	$(BIN)/handbook serve

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench scripts

bench: $(STAMP)
	$(BIN)/python bench/bench.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf site build/docs/* $(VENV)
