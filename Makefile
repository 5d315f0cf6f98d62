# `make site` builds the site from content/ with the runtime dependencies only; `make test` adds
# the test tools, runs `make lint` (ruff, mypy) and then every test. Both set up .venv from the
# lock files, so every machine and CI install the same versions; a changed lock file or
# pyproject.toml reinstalls.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
RUNTIME_STAMP := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test
# The lock tool (uv's `pip compile`), pinned so a regenerated lock does not depend on who ran it.
UV_VERSION := 0.13.9

.PHONY: site test check serve bench lint lock messages clean

site: $(RUNTIME_STAMP)
	$(BIN)/handbook build

# Then the build and preview tests again with fork taken away (tests/nofork/sitecustomize.py): the
# one-process path that macOS and Windows take, which Linux CI would otherwise never run.
NOFORK_TESTS := tests/test_parallel.py tests/test_fork.py tests/test_foundation.py \
	tests/test_determinism.py tests/test_embed.py tests/test_init.py tests/test_serve.py \
	tests/test_serve_errors.py

test: lint
	$(BIN)/python -m pytest
	HANDBOOK_TEST_NO_FORK=1 $(BIN)/python -m pytest $(NOFORK_TESTS)

check: $(RUNTIME_STAMP)
	$(BIN)/handbook check

serve: $(RUNTIME_STAMP)
	$(BIN)/handbook serve

# mypy checks the package under the name it imports as (handbook, from generator/): through a
# link, as it cannot follow an editable install's import hook. Strict on the core; see
# [tool.mypy] in pyproject.toml.
MYPY_PATH := $(VENV)/mypy

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests bench scripts
	mkdir -p $(MYPY_PATH) && ln -sfn $(CURDIR)/generator $(MYPY_PATH)/handbook
	MYPYPATH=$(MYPY_PATH) $(BIN)/mypy

bench: $(TEST_STAMP)
	$(BIN)/python bench/bench.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# handbook itself goes in editable and without dependencies: the lock already holds every one.
$(RUNTIME_STAMP): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(RUNTIME_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(TEST_STAMP): $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Regenerate both locks from pyproject.toml's ranges with uv (`uv pip compile`). Pins already in
# a lock are kept while they still fit the ranges; `make lock UPGRADE=--upgrade` moves every pin
# to the newest release. --universal writes one lock for every platform and Python >= 3.11
# (markers such as `; sys_platform == 'win32'` where they differ).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml $(UPGRADE) --quiet --universal --python-version 3.11 \
		--custom-compile-command "make lock" -o $(RUNTIME_LOCK)
	$(BIN)/uv pip compile pyproject.toml $(UPGRADE) --quiet --universal --python-version 3.11 \
		--extra test --custom-compile-command "make lock" -o $(TEST_LOCK)

# Re-extract the generator's labels (templates and Python, rules in babel.cfg) into the
# template generator/locale/handbook.pot and merge it into each language's catalog: new
# messages arrive untranslated, removed ones become obsolete (#~); tests/test_i18n.py fails
# until a translator has filled in the first and deleted the second.
LOCALE := generator/locale

messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -k ngettext:1,2 --no-location \
		--sort-output --project handbook --copyright-holder "The handbook authors" -w 100 \
		-o $(LOCALE)/handbook.pot .
	$(BIN)/pybabel update -i $(LOCALE)/handbook.pot -d $(LOCALE) -D handbook -w 100 \
		--ignore-pot-creation-date

clean:
	rm -rf site build/docs/* $(VENV)
