# Two commands: `make demo` and `make test`. Both build .venv from the lock files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   ?= demo-project

.PHONY: demo test lint test-fast test-slow clean system-deps

$(VENV)/.base: requirements/base.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@ $(VENV)/.base

## demo: generate a synthetic provider, import it, analyse it and write the HTML report
demo: $(VENV)/.base
	$(BIN)/goodfit demo $(DEMO)

## system-deps: Debian packages some tests use (headless Chromium, poppler); best effort
system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	  if [ -n "$$missing" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "note: could not install$$missing; the tests that need them are skipped"; \
	  fi; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: lint, the default suite, then the slow and Spark suites
test: $(VENV)/.dev system-deps lint test-fast test-slow

test-fast: $(VENV)/.dev
	$(BIN)/pytest -m "not slow and not spark"

# pytest exits 5 when a marker selects nothing: that is not a failure here.
test-slow: $(VENV)/.dev
	$(BIN)/pytest -m "slow or spark"; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; else exit $$rc; fi

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
