# Two commands for a fresh clone: `make run` (install + open castview on the samples)
# and `make test` (install the test dependencies + run the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install bench samples clean

$(BIN)/castview: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/castview

run: install
	$(BIN)/castview $(ARGS)

# Lint first: a style or layering error fails in seconds, before the suite's minutes.
test: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

samples: install
	$(BIN)/python scripts/record_samples.py --out src/castview/data/sample_casts

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info
