# humsec developer commands. Everything runs inside .venv, installed from the lock.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo demo-national demo-project-data test lint typecheck pytest bench lock clean data

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## make demo: copy the bundled Kenya demo project into demo/ (git-ignored), run its analyses
## and build its report there (offline); `make demo-national` builds the national report
DEMO_DIR ?= demo

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/humsec project init $(DEMO_DIR) --demo
	$(BIN)/humsec project run $(DEMO_DIR)
	$(BIN)/humsec project report $(DEMO_DIR) --out $(DEMO_DIR)/reports/humsec-demo-report.html
	@echo "Open $(DEMO_DIR)/reports/humsec-demo-report.html in a browser."

demo-national: $(STAMP)
	$(BIN)/humsec report --out humsec-report.html
	@echo "Open humsec-report.html in a browser."

## make demo-project-data: rebuild the bundled demo project from ../shared/data
demo-project-data: $(STAMP)
	$(BIN)/python scripts/build_demo_project.py --raw $(RAW)

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
