# Tandem — the two commands of the quick start are `make run` and `make test`.
# Both create .venv with the machine's python3 and install what they need (pinned by requirements.lock).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
PIP_FLAGS := --disable-pip-version-check --quiet

.PHONY: run test lint typecheck pytest e2e bench bench-quick install install-dev browser lock clean help

help:
	@echo "make run        serve the demo on http://127.0.0.1:$(PORT) (SQLite, demo data loaded once)"
	@echo "make test       lint + types + the whole test suite (DATABASE_URL picks PostgreSQL)"
	@echo "make bench      matching-engine benchmarks against named peers (prints ratios)"
	@echo "make lock       refresh requirements.lock after changing dependencies"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml packages/matchmaker/pyproject.toml requirements.lock
	$(PY) -m pip install $(PIP_FLAGS) -c requirements.lock -e . -e packages/matchmaker
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install $(PIP_FLAGS) -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py demo
	@echo ""
	@echo "  Tandem is running at http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	@echo ""
	@# Periodic tasks (request expiry) run beside the server and stop with it.
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py run_periodic --every 900 > var/periodic.log 2>&1 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Browser journeys need Debian's Chromium and axe-core from npm; nothing downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser journeys..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "Could not install chromium (need root and Debian's package index)"; exit 1; }; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-dev
	$(VENV)/bin/mypy

pytest: install-dev browser
	$(PY) -m pytest -n 2 --dist loadfile

test: lint typecheck pytest

e2e: install-dev browser
	$(PY) -m pytest -m e2e tests/e2e

bench: install-dev
	$(PY) benchmarks/run.py

bench-quick: install-dev
	$(PY) benchmarks/run.py --quick

lock: install-dev
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache test-artifacts
