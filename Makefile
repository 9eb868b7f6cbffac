# MILD screening assistant. `make run` to chat, `make test` to check everything.
SHELL := /bin/bash
VENV := .venv/bin
RASA := $(VENV)/rasa

.PHONY: help install spacy domain train run shell actions validate lint format test test-unit test-e2e test-browser eval bench clean

help:
	@echo "make run       install what is missing, train if needed, start all servers, print where to chat"
	@echo "make test      install what is missing and run every test (pytest, validate, e2e stories, browser)"
	@echo "make install   Python 3.10 venv, pinned packages, the project's spaCy pipeline"
	@echo "make domain    write domain.yml's questions and clinic replies from screening/catalogue.py and clinic.py"
	@echo "make train     train the Rasa model if config, domain or data changed"
	@echo "make validate  train + rasa data validate"
	@echo "make lint      ruff (format check + lint) over the project, mypy over screening, mild_nlp, records, webapp, chat_security"
	@echo "make format    ruff format + the safe lint fixes"
	@echo "make shell     chat in the terminal (starts the action server)"
	@echo "make eval      NLU intent/entity evaluation on a held-out split and on a blind test set"
	@echo "make bench     latency/throughput of a full screening vs a bare 'rasa init' assistant"

install:
	bash scripts/setup.sh

spacy: install

domain: install
	$(VENV)/python -m scripts.write_domain

train: domain
	bash scripts/train.sh

run:
	bash scripts/run.sh

shell: train
	bash scripts/shell.sh

validate: train
	$(RASA) data validate --domain domain.yml --data data --config config.yml

lint: install
	bash scripts/lint.sh

format: install
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

test-unit: install
	$(VENV)/python -m pytest tests/unit -q

test-e2e: train
	bash scripts/test_e2e.sh

test-browser: train
	bash scripts/install_browser.sh
	MILD_REQUIRE_BROWSER=1 $(VENV)/python -m pytest tests/browser -q

test: train
	bash scripts/test_all.sh

eval: train
	bash scripts/eval_nlu.sh

bench: train
	$(VENV)/python -m bench.latency

clean:
	rm -rf models/*.tar.gz models/spacy results .rasa var/logs

# --- issue 6: the cluster (2 Rasa + 2 action servers, PostgreSQL, Redis, nginx) and its load benchmark ---
.PHONY: run-cluster bench-load
run-cluster:
	bash scripts/cluster.sh run

bench-load: train
	$(VENV)/python -m bench.load
