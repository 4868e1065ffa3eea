# Two commands on a fresh machine: `make run` (set up, build the index, serve) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run index test lint bench clean

$(BIN)/qa: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build of 2.13.0, not the newest CUDA build.
	$(BIN)/pip install --quiet 'torch==2.13.0'
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/qa

setup: $(BIN)/qa

# An index built by an older version (another format) is refused when served: rebuild it.
index: setup
	@if [ -s index/CURRENT ] && $(BIN)/qa ask "آزمون" --k 1 >/dev/null 2>&1; then \
	echo "index/ is ready (rebuild: $(BIN)/qa index build)"; else $(BIN)/qa index build; fi

run: index
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check qa tests
	$(BIN)/mypy

clean:
	rm -rf index/CURRENT index/generations index/.tmp-* .cache
