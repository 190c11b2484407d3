# make run  — set up .venv and run the main job (overdue report) on the shipped data
# make test — set up .venv with dev tools and run every check: ruff, mypy, pytest, validate
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
AS_OF  ?=

.PHONY: run test lint validate bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@# Where PYTHONDONTWRITEBYTECODE is set (many containers and CI images), Python would compile
	@# ctr199 again on every run, ~40 ms; it still reads modules compiled once here.
	$(BIN)/python -m compileall -q src/ctr199
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ctr199 validate data
	$(BIN)/ctr199 overdue --data data $(if $(AS_OF),--as-of $(AS_OF))

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/mypy src

validate: $(STAMP)
	$(BIN)/ctr199 validate data

test: lint validate
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --readme

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
