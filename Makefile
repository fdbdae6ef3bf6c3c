# archproof — developer entry points. `make demo` and `make test` work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check bench fuzz clean install

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: draft a design from a bundled task, then review and analyze it
demo: $(STAMP)
	mkdir -p out
	$(BIN)/archproof design --file examples/tasks/url_shortener.txt \
		-o out/design.yaml --report out/design.md --force
	$(BIN)/archproof report out/design.yaml -o out/design.html --force
	@echo "demo: drafted out/design.yaml, reports out/design.md and out/design.html"

## test: the whole test suite (exit 5, no tests collected, counts as a failure)
test: $(STAMP)
	$(BIN)/pytest

## check: ruff lint + format check + mypy --strict on src
check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## fuzz: FUZZ_N mutated designs through every command, counted by outcome (issue 12)
FUZZ_N ?= 10000
FUZZ_JOBS ?= 2
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz_run.py -n $(FUZZ_N) -j $(FUZZ_JOBS) --keep out/fuzz

## bench: performance benchmarks (figures, not pass/fail)
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_reference.py
	$(BIN)/python benchmarks/bench_rich.py
	$(BIN)/python benchmarks/bench_general.py
	$(BIN)/python benchmarks/bench_capacity.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
