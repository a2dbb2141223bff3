# Kiosk — the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= instance/demo.sqlite3
HOST   ?= 127.0.0.1
PORT   ?= 5000
ATTENDEES ?= 2000
# One pytest worker per core (at most 4), each test file whole on one worker, so a file's
# servers start once; `make test PYTEST_PARALLEL=` runs in one process.
PYTEST_PARALLEL ?= -n auto --maxprocesses 4 --dist loadfile

# Debian packages: what serving needs (fonts for badges), and what the test suite adds
# (a real browser, a virtual IPP printer, a PostgreSQL server the head-office tests start).
APT_RUN  := fonts-noto-core fonts-noto-cjk libfribidi0
APT_TEST := chromium cups-ipp-utils dbus-daemon poppler-utils faketime postgresql firefox-esr libnss3-tools

.PHONY: setup system-run system-test demo run test soak lint format bench translations clean

$(STAMP): pyproject.toml
	scripts/ensure-python-venv $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP) system-run

system-run:
	@scripts/ensure-debian-packages $(APT_RUN)

system-test:
	@scripts/ensure-debian-packages $(APT_RUN) $(APT_TEST)

demo: setup
	$(BIN)/kiosk --db $(DB) demo --attendees $(ATTENDEES) --seed 2026 --fresh
	$(BIN)/kiosk --db $(DB) serve --host $(HOST) --port $(PORT)

run: setup
	$(BIN)/kiosk --db $(DB) serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_PARALLEL)
	scripts/test-dates

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract messages, merge them into every language's catalog, and compile the catalogs.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output --omit-header \
		-o kiosk/translations/messages.pot .
	$(BIN)/pybabel update -i kiosk/translations/messages.pot -d kiosk/translations \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d kiosk/translations

# The long stress variants (many power-cut instants); `make test` runs a short version.
soak: $(STAMP) system-test
	$(BIN)/pytest -m soak

bench: setup
	$(BIN)/python bench/run_all.py
	$(BIN)/pytest -m soak

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
