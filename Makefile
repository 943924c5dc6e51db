# tdkg: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= tdkg-store
SHARED ?= ../shared
PORT   ?= 5000

.PHONY: venv install run test test-lowest eval bench bench-all clean

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

# The suite, then the install a user gets: the wheel in a fresh venv, run from outside the
# checkout, with the newest dependencies and with each at its declared lower bound.
test: install
	$(BIN)/python -m pytest
	PYTHON=$(PYTHON) .ci/wheel-check.sh
	PYTHON=$(PYTHON) .ci/wheel-check.sh --lowest

# The whole suite with every dependency at its declared lower bound (CI runs it too).
test-lowest:
	rm -rf .venv-lowest
	$(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/pip install -q --upgrade pip
	.ci/lower-bounds.py > .venv-lowest/constraints.txt
	.venv-lowest/bin/pip install -q -c .venv-lowest/constraints.txt -e '.[test]'
	.venv-lowest/bin/python -m pytest -q

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
	rm -rf $(VENV) .venv-lowest $(STORE) .eval-store .eval-store.nq *.egg-info
