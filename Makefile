# dd-pipeline: make demo | make test | make dev | make bench | make catalogue
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DAGSTER_DISABLE_TELEMETRY := 1
export GX_ANALYTICS_ENABLED := False

.PHONY: demo test dev lint schemas catalogue clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

## demo: run the pipeline on the sample deals in inputs/ and write outputs/
demo: $(STAMP)
	$(BIN)/dd-pipeline run

## test: the test suite (as root with apt-get, Debian's chromium and postgresql are installed first for the
## browser and team-mode tests; the team tests start a throwaway PostgreSQL cluster of their own)
test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium fonts-dejavu-core >/dev/null) ; } || echo "chromium not installed: the browser tests will be skipped"
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		postgresql >/dev/null) ; } || echo "postgresql not installed: the team-mode tests will be skipped"
	$(BIN)/python -m pytest

## dev: the Dagster UI with the daemon (sensor and schedule), state kept in .dagster_home/
dev: $(STAMP)
	$(BIN)/dd-pipeline serve

## bench: benchmark from one deal to 1,000 deals x 40 respondents (bench/out/results.json and a table);
## make bench BENCH_ARGS=--quick for a small run, BENCH_ARGS="--deals 200" etc. for other sizes
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

## lint: ruff (rules and formatting) and mypy (settings in pyproject.toml), held at zero findings
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

schemas: $(STAMP)
	$(BIN)/dd-pipeline schemas

## catalogue: docs/catalogue.md, every dimension, mitigation and clause of assets/ (a test keeps it current)
catalogue: $(STAMP)
	$(BIN)/python -m dd_pipeline.reporting.catalogue docs/catalogue.md

clean:
	rm -rf outputs/* .dagster_home
