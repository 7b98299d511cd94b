# Balai — `make run` starts a demo install; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run test lint format check-translations messages bench clean ci

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Balai needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(PIP) install -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt | $(PY)
	$(PIP) install -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

run: $(VENV)/.base-installed
	$(PY) manage.py start

test: $(VENV)/.dev-installed
	$(PY) manage.py compile_translations
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check-translations: $(VENV)/.dev-installed
	$(PY) manage.py check_translations --language id

# Re-extract the translatable strings of every app into its own catalogue (needs GNU gettext).
messages: $(VENV)/.dev-installed
	@for app in balai/*/; do \
	  if [ -d "$$app/locale" ]; then (cd $$app && ../../$(PY) ../../manage.py makemessages -l id -l en --no-obsolete >/dev/null) || exit 1; fi; \
	done

bench: $(VENV)/.dev-installed
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to the benchmark database; see bench/README.md."; exit 2; }
	$(VENV)/bin/python bench/bench_pages.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles
