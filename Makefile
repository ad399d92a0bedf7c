# azs-assistant: two commands for a fresh machine.
#   make run   install everything, load the demo stations, knowledge base and incident log, start the web UI + API on :8000
#   make test  install everything, run the linters (ruff, mypy), then the whole test suite
.PHONY: run test setup demo serve lint bench eval clean

DATA_DIR ?= var
HOST ?= 127.0.0.1
PORT ?= 8000
AZS = .venv/bin/azs --data-dir $(DATA_DIR)

setup:
	@bash scripts/setup.sh

demo: setup
	$(AZS) stations import demo/stations.csv
	$(AZS) ingest demo/knowledge_base
	$(AZS) incidents import demo/incidents.csv
	$(AZS) users bootstrap

run: demo
	$(AZS) serve --host $(HOST) --port $(PORT)

test:
	@AZS_SETUP_EXTRAS=train bash scripts/setup.sh
	.venv/bin/ruff check src tests bench scripts
	.venv/bin/mypy
	@AZS_TEST_POSTGRES_URL="$${AZS_TEST_POSTGRES_URL:-$$(bash scripts/services.sh)}" \
	  AZS_TEST_REDIS_URL="$${AZS_TEST_REDIS_URL:-$$(bash scripts/redis.sh)}" \
	  .venv/bin/python -m pytest $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check src tests bench scripts
	.venv/bin/mypy

eval: setup
	.venv/bin/python bench/eval_qa.py --set ../shared/eval
	.venv/bin/python bench/eval_reports.py --set ../shared/eval
	.venv/bin/python bench/eval_tickets.py --set ../shared/eval

bench: setup
	.venv/bin/python bench/bench_search.py

clean:
	rm -rf .venv $(DATA_DIR) .pytest_cache
