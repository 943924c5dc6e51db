# tdkg: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= tdkg-store
SHARED ?= ../shared
PORT   ?= 5000

.PHONY: venv install run test eval bench bench-all clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

venv: install

run: install
	$(BIN)/tdkg --store $(STORE) load data/articles
	$(BIN)/tdkg --store $(STORE) stats
	$(BIN)/tdkg --store $(STORE) query --saved partners-of-country --param country=EG
	$(BIN)/tdkg --store $(STORE) serve --port $(PORT)

test: install
	$(BIN)/python -m pytest

eval: install
	rm -rf .eval-store
	$(BIN)/tdkg --store .eval-store load data/articles
	$(BIN)/tdkg --store .eval-store export --format nq --out .eval-store.nq
	$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/dev \
	    --data .eval-store.nq --data ontology/tdkg.ttl --data ontology/topics.ttl

# Benchmarks (see bench/README.md); each rewrites its own section of bench/RESULTS.md.
bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python bench/pipeline.py

bench-all: bench
	$(BIN)/python bench/endpoint.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) $(STORE) .eval-store .eval-store.nq *.egg-info
