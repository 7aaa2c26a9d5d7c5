# Fresh machine: `make demo` runs the product on built-in defaults, `make test` runs the tests.
# Every target creates the virtualenv and installs what it needs first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint demo demo-up bench chaos clean

# The product and, for development, the Salesforce emulator (its own distribution in
# emulator/, never part of the product's `pip install .`).
$(STAMP): pyproject.toml emulator/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]' -e './emulator[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) lint
	$(PY) -m pytest -q -p no:cacheprovider

demo: $(STAMP)
	$(PY) -m service.demo

demo-up: $(STAMP)
	$(PY) -m service.demo --keep-running

bench: $(STAMP)
	$(PY) -m bench.run --out bench/results.json

chaos: $(STAMP)
	$(PY) -m bench.chaos

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
