# Common commands. A fresh machine needs only python3, make and bash.
#   make run   set up, print the agreement overview, open JupyterLab when interactive
#   make test  set up and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED := $(abspath ../shared/datasets)
export WORKBENCH_DATA_MIRROR ?= $(if $(wildcard $(SHARED)),$(SHARED),)

.PHONY: setup browser java run test lint reproduce benchmark lab voila clean-cache docs

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[notebooks,test,engines,docs]'
	# irrCAC: test-only oracle (GPL-3); its metadata pins pandas<3, its code works with pandas 3.
	$(BIN)/python -m pip install -q --no-deps irrCAC
	touch $@

# Debian's chromium drives kaleido (PNG export) and the real-browser test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: sudo apt-get install chromium (PNG export and the browser test need it)"; fi; }

# A Java runtime lets the Spark engine's test run locally (engine="spark"); without it that one test skips.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "java missing: sudo apt-get install default-jre-headless (the Spark engine test needs it)"; fi; }

run: setup
	$(BIN)/workbench overview
	@if [ -t 0 ]; then $(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/; fi

test: setup browser java
	$(BIN)/ruff check .
	# nbval checks the number cells, not images: no Chromium start per notebook figure
	WORKBENCH_NOTEBOOK_PNG=0 $(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax -p no:randomly
	$(MAKE) --no-print-directory docs

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

reproduce: setup browser
	$(BIN)/workbench reproduce

benchmark: setup
	$(BIN)/python benchmarks/bench_agreement.py
	$(BIN)/python benchmarks/bench_widgets.py

lab: setup
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

voila: setup
	$(BIN)/voila notebooks/explore.ipynb

# The documentation site (Sphinx + numpydoc + pydata-sphinx-theme + myst-nb), offline, warnings
# are errors; open docs/_build/html/index.html.
docs: setup
	rm -rf docs/_build
	$(BIN)/python -m sphinx -b html -W --keep-going -q docs docs/_build/html
	@echo "docs built: docs/_build/html/index.html"

clean-cache:
	rm -rf data/cache
