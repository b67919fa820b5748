# dd-pipeline: make demo | make test | make dev | make bench
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DAGSTER_DISABLE_TELEMETRY := 1
export GX_ANALYTICS_ENABLED := False

.PHONY: demo test dev lint schemas clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

## demo: run the pipeline on the sample deals in inputs/ and write outputs/
demo: $(STAMP)
	$(BIN)/dd-pipeline run

## test: the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## dev: the Dagster UI with the daemon (sensor and schedule), state kept in .dagster_home/
dev: $(STAMP)
	$(BIN)/dd-pipeline serve

lint: $(STAMP)
	$(BIN)/ruff check .

schemas: $(STAMP)
	$(BIN)/dd-pipeline schemas

clean:
	rm -rf outputs/* .dagster_home
