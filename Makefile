# 浙里民生: `make demo` runs the product on SQLite, `make test` runs lint and the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# A pass that hangs (a test, or pytest at exit) fails after this long with a stack dump instead of holding CI.
PASS_LIMIT := timeout --signal=ABRT --kill-after=30 1500
# Each pass runs on two pytest-xdist workers (each its own database, ports and demo copy): the suite in about 9 min
# instead of 14 on two cores. JOBS=0 runs a pass in one process (for debugging a failure in order).
JOBS ?= 2
PYTEST := $(BIN)/pytest -n $(JOBS)

.PHONY: demo test test-future test-contract lint install testdeps clean bench-load bench-statements bench-enrollment

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh

# Browser tests use Debian's Chromium (never a downloaded browser) and CJK fonts for readable screenshots;
# the shared login-throttle test starts its own redis-server.
testdeps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" || ! command -v redis-server >/dev/null \
		|| ! command -v faketime >/dev/null; then \
		echo "installing Debian chromium, fonts-noto-cjk, redis-server and faketime"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk redis-server faketime >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api

test: lint testdeps
	@echo "=== test suite on SQLite ==="
	$(PASS_LIMIT) $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ] || $(BIN)/python scripts/pg_answers.py "$(PG_TEST_URL)"; then \
		echo "=== test suite on PostgreSQL ==="; \
		TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_TEST_URL)} $(PASS_LIMIT) $(PYTEST); \
	else \
		echo "=== no PostgreSQL answers at $(PG_TEST_URL): PostgreSQL run left out ==="; \
	fi
	$(MAKE) --no-print-directory test-future

# schemathesis' own CLI, --checks all with its stateful phase, once per role against a live server on the demo data.
# Part of `make test` (its SQLite pass, about 2.5 minutes); this target runs it alone.
test-contract: testdeps
	$(BIN)/pytest -m contract tests/ops/test_contract.py

# The suite must not rot with the calendar: once more on SQLite with the clock two years ahead. Tests that start other
# processes (browser, servers) are left out: libfaketime would move their clocks too, and they prove no date rule.
# libfaketime moves the monotonic clock too, and Python's timed waits (Event.wait, Queue.get, lock timeouts) then end
# two years out: tests/conftest.py cancels the timers left at the end, and PASS_LIMIT turns any other hang into a failure.
FUTURE ?= 2028-09-15 09:00:00
test-future: testdeps
	@echo "=== test suite on SQLite, clock at $(FUTURE) ==="
	$(PASS_LIMIT) faketime -f '@$(FUTURE)' $(PYTEST) -m "not browser and not servers and not once"

# Speed against the ceilings of this architecture (bench/README.md): needs PostgreSQL on 127.0.0.1:5432; wrk is
# installed from Debian if missing. bench-load takes about 5 minutes, bench-enrollment about 6.
bench-load: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/load.py

bench-statements: $(STAMP)
	$(BIN)/python bench/statements.py

bench-enrollment: $(STAMP)
	$(BIN)/python bench/enrollment.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
