# migstat: the two commands of the README, and a few more.
#   make run    the main job on the bundled LFS fixture, into out/
#   make test   every test, installing what the tests need (xmllint, Python readers)
#   make bench  release build, timed runs on 1,000,000 synthetic persons

CARGO      ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN        := $(TARGET_DIR)/debug/migstat
BIN_REL    := $(TARGET_DIR)/release/migstat
VENV       := .venv
PYTHON     := $(VENV)/bin/python
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build run test test-rust test-python deps lint bench clean

all: build

build:
	$(CARGO) build --workspace

run: build
	$(BIN) run --config fixtures/lfs/config.toml --out out
	@echo "outputs in out/: sdmx/ (SDMX-ML 2.1 + SDMX-CSV 1.0 per dataflow), manifest.json"

test: deps lint test-rust test-python

test-rust:
	$(CARGO) test --workspace

test-python: build
	MIGSTAT_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q tests/python

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@# The SDMX crate stands on its own: no Arrow, no DataFusion in its tree.
	@if $(CARGO) tree -p sdmx --edges normal | grep -Eq 'datafusion|arrow'; then \
		echo "pipeline/sdmx must not depend on arrow or datafusion"; exit 1; fi

# Tools the tests check migstat against: xmllint (libxml2) for the SDMX schemas, R's
# survey package for variance estimates, headless Chromium for the quality report,
# Python readers and oracles (sdmx1, pysdmx, pyarrow, scipy, duckdb).
deps: $(VENV)/.installed
	@missing=""; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	Rscript -e 'library(survey)' >/dev/null 2>&1 || missing="$$missing r-cran-survey"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-liberation"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt
	touch $@

bench: deps
	$(CARGO) build --release
	$(CARGO) build --release -p migstat-synth --example synth
	MIGSTAT_BIN=$(abspath $(BIN_REL)) SYNTH_BIN=$(abspath $(TARGET_DIR)/release/examples/synth) \
		$(PYTHON) bench/run_bench.py --persons 1000000 $(BENCH_ARGS)

clean:
	rm -rf out $(VENV)
	$(CARGO) clean
