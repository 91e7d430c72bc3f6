# orgmap — `make resolve` and `make test` work on a fresh clone with only Python 3.11+ and make.
PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
# snorkel needs torch; plain `torch` pulls a multi-GB CUDA build. Override e.g. TORCH_SPEC='torch==2.14.1'.
TORCH_SPEC  ?= torch==2.13.0
DB          ?= orgmap.duckdb
SAMPLE      ?= data/sample
STAMP       := $(VENV)/.installed
PYTEST_ARGS ?=
# Label Studio lives in its own venv (its pins clash with ours); tests/integration starts it on loopback.
LSVENV      ?= .lsvenv
LS_SPEC     ?= label-studio

.PHONY: all setup resolve test test-fast test-integration test-browser lint bench eval clean help retrain

all: resolve

help:
	@echo "make resolve   set up .venv and run the main job on the built-in sample ($(SAMPLE)) into $(DB)"
	@echo "make test      set up .venv and run the test suite"
	@echo "make test-integration  install Label Studio into $(LSVENV) and run the tests against a real server"
	@echo "make test-browser  install Chromium (apt-get, as root) and check the run report in it"
	@echo "make lint      ruff, the formatter check and the type checker (mypy)"
	@echo "make bench     benchmarks (not part of make test)"
	@echo "make retrain   retrain on the latest batch + gold; promote only what passes validation"
	@echo "make eval      figures on the real data in ../shared/eval (skipped where absent)"
	@echo "make clean     remove .venv, $(DB) and its exports and report"

setup: $(STAMP)

# The stamp depends on what defines the install, so a second run starts in seconds.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	echo "$(TORCH_SPEC)" > $(VENV)/torch-constraint.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -c $(VENV)/torch-constraint.txt -e ".[dev,ray]"
	$(BIN)/python -c "import resolver, classifiers, graph, orgmap"
	@touch $(STAMP)

resolve: $(STAMP)
	$(BIN)/orgmap resolve $(SAMPLE) --db $(DB)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

$(LSVENV)/bin/label-studio:
	@test -x $(LSVENV)/bin/python || $(PYTHON) -m venv $(LSVENV)
	$(LSVENV)/bin/python -m pip install --quiet --upgrade pip
	$(LSVENV)/bin/python -m pip install --quiet "$(LS_SPEC)"

test-integration: $(STAMP) $(LSVENV)/bin/label-studio
	LABEL_STUDIO_BIN=$(abspath $(LSVENV))/bin/label-studio $(BIN)/python -m pytest -q -m integration tests/integration $(PYTEST_ARGS)

# The run report in a real headless Chromium (Debian's package; the test skips where it is absent).
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q tests/orgmap/test_report.py $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not integration" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check orgmap resolver classifiers graph tests benchmarks
	$(BIN)/ruff format --check orgmap resolver classifiers graph tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

retrain: $(STAMP)
	$(BIN)/orgmap retrain --db $(DB)

# Figures on the real public data in ../shared/eval (each script skips with a message where it is absent).
eval: $(STAMP)
	$(BIN)/python -m benchmarks.eval_owners --json out/eval_owners.json
	$(BIN)/python -m benchmarks.eval_resolve
	$(BIN)/python -m benchmarks.eval_ror
	$(BIN)/python -m benchmarks.eval_er
	$(BIN)/python -m benchmarks.eval_classify

clean:
	rm -rf $(VENV) $(LSVENV) $(DB) $(DB).wal $(DB).run $(basename $(DB)).kumu.json $(basename $(DB)).report.html out
