# Two commands for a fresh clone: `make run` (install + open castview on the samples)
# and `make test` (install the test dependencies + run the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install bench samples clean

# pip's own progress shows, with a line first: the first install takes about a minute,
# which looks like a hang when nothing is printed.
$(BIN)/castview: pyproject.toml
	@echo "castview: installing castview and its test tools into $(VENV) (the first run takes a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --progress-bar on pip
	$(BIN)/pip install --progress-bar on -e '.[test]'
	@echo "castview: installed ($(BIN)/castview)"
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
