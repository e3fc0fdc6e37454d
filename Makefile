# migstat: the two commands of the README, and a few more.
#   make run    the main job on the bundled LFS fixture, into out/
#   make test   every test, installing what the tests need (xmllint, Python readers), and
#               the Ballista test (an in-process scheduler and executor)
#   make bench  release build, timed runs on 1,000,000 and 10,000,000 synthetic persons
#   make fuzz   cargo-fuzz on the CSV and Parquet ingest and the SDMX reader, FUZZ_SECONDS
#               each (not part of `make test`; needs cargo-fuzz, installed if missing)

CARGO      ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN        := $(TARGET_DIR)/debug/migstat
BIN_REL    := $(TARGET_DIR)/release/migstat
VENV       := .venv
PYTHON     := $(VENV)/bin/python
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build run test test-rust test-ballista test-python deps lint bench fuzz clean

all: build

build:
	$(CARGO) build --workspace

run: build
	$(BIN) run --config fixtures/lfs/config.toml --out out
	@echo "outputs in out/: sdmx/ (SDMX-ML 2.1 + SDMX-CSV 1.0 per dataflow), manifest.json"

test: deps lint test-rust test-python test-ballista

test-rust:
	$(CARGO) test --workspace

# The tabulation on Apache DataFusion Ballista: an in-process scheduler and executor on
# loopback ports, reached through `ballista://127.0.0.1:PORT`, must give the local
# engine's results to the byte. Ballista turns on DataFusion's default features, so this
# build has a target dir of its own (sharing one would rebuild DataFusion back and forth):
# from an empty one, about 20 minutes on 2 cores; then seconds.
# Clippy first: `make lint` builds without the feature and never sees the Ballista code.
BALLISTA_TARGET_DIR ?= $(TARGET_DIR)/ballista
BALLISTA_CARGO := CARGO_TARGET_DIR=$(BALLISTA_TARGET_DIR) $(CARGO)

test-ballista:
	$(BALLISTA_CARGO) clippy -p migstat-tabulate --features ballista-test-cluster \
		--all-targets --no-deps -- -D warnings
	$(BALLISTA_CARGO) test -p migstat-tabulate --features ballista-test-cluster \
		--test ballista_engine

test-python: build
	MIGSTAT_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q tests/python

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@# The SDMX crate stands on its own: no Arrow, no DataFusion in its tree.
	@if $(CARGO) tree -p sdmx --edges normal | grep -Eq 'datafusion|arrow'; then \
		echo "pipeline/sdmx must not depend on arrow or datafusion"; exit 1; fi

# Tools the tests check migstat against: xmllint (libxml2) for the SDMX schemas, R's
# survey package for variance estimates, R's laeken package for its synthetic EU-SILC data,
# headless Chromium for the quality report, Python readers and oracles (sdmx1, pysdmx,
# pyarrow, scipy, duckdb, pyreadstat).
deps: $(VENV)/.installed
	@missing=""; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	Rscript -e 'library(survey)' >/dev/null 2>&1 || missing="$$missing r-cran-survey"; \
	Rscript -e 'library(laeken)' >/dev/null 2>&1 || missing="$$missing r-cran-laeken"; \
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
		$(PYTHON) bench/run_bench.py --persons 1000000 --persons 10000000 $(BENCH_ARGS)

# libFuzzer needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
# Seeds are in fuzz/corpus/<target>/; new finds go to fuzz/target/corpus/<target>/ (kept
# between runs, not in the repository); crashes are written to
# fuzz/artifacts/<target>/ and stop the target with a non-zero exit.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= ingest_csv ingest_parquet sdmx_reader

fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		mkdir -p target/corpus/$$t && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$t target/corpus/$$t corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=30 -rss_limit_mb=4096 || exit 1; \
	done

clean:
	rm -rf out $(VENV)
	$(CARGO) clean
