# Two commands matter: `make run` and `make test`. Both work from a clean clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint migrate demo serve clean

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_content --if-empty --port $(PORT)

run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Both runs use every core (pytest-xdist) and always run. The browser tests come after
# the rest, in a run of their own: each worker has its own test database, live server
# and Chromium, and a module's tests share one demo site, so whole modules go to a
# worker (--dist loadscope). The other run spreads tests one by one (--dist load), so
# transactional tests, which pytest-django sorts last, run last on every worker.
TEST_WORKERS ?= auto
test: install
	status=0; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load -m "not browser" $(PYTEST_ARGS) \
		|| status=$$?; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope -m browser $(PYTEST_ARGS) \
		|| status=$$?; \
	exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
