# humsec developer commands. Everything runs inside .venv, installed from the lock.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench lock clean data

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## make demo: build the human-security report on bundled real data (offline)
demo: $(STAMP)
	$(BIN)/humsec report --out humsec-report.html
	@echo "Open humsec-report.html in a browser."

## make test: ruff, mypy on src, then the whole pytest suite
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest: $(STAMP)
	$(BIN)/pytest

## make bench: run the benchmarks; each writes JSON to benchmarks/results/
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH)

## make data: rebuild the bundled Parquet from ../shared/data
RAW ?= $(or $(HUMSEC_RAW_DATA),../shared/data)

data: $(STAMP)
	$(BIN)/python scripts/build_bundled_data.py --raw $(RAW)

## make lock: re-resolve the pinned dependency set (needs the package index)
lock:
	rm -rf /tmp/humsec-lock && $(PY) -m venv /tmp/humsec-lock
	/tmp/humsec-lock/bin/pip install --quiet --upgrade pip
	/tmp/humsec-lock/bin/pip install --quiet -e ".[dask,service,dev]"
	/tmp/humsec-lock/bin/pip freeze --all --exclude-editable | grep -vE "^(humsec|pip)==" > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
