# 浙里民生: `make demo` runs the product on SQLite, `make test` runs lint and the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint install testdeps clean

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
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" || ! command -v redis-server >/dev/null; then \
		echo "installing Debian chromium, fonts-noto-cjk and redis-server"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk redis-server >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint testdeps
	@echo "=== test suite on SQLite ==="
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ] || $(BIN)/python scripts/pg_answers.py "$(PG_TEST_URL)"; then \
		echo "=== test suite on PostgreSQL ==="; \
		TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest; \
	else \
		echo "=== no PostgreSQL answers at $(PG_TEST_URL): PostgreSQL run left out ==="; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
