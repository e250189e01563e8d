# Two commands: `make run` opens the app, `make test` runs every check offscreen.
# The virtual environment's interpreter: the system's /usr/bin/python3 when it is 3.11 or newer and can
# make a virtual environment, else the first python3 on the PATH. On this machine kind the first is
# Debian's build, whose executable holds the interpreter itself; pyenv's default build reaches it
# through a shared libpython, and the suite and the window's edits run 10-13 % slower on it
# (docs/performance.md, "Which Python"). `make PYTHON=...` chooses another.
PYTHON ?= $(shell /usr/bin/python3 -c 'import ensurepip, sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench screenshots clean lint-imports validate

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/annotation-advisor

lint-imports: $(STAMP)
	$(BIN)/lint-imports

test: $(STAMP)
	$(BIN)/lint-imports
	@# Two workers, one per core; a test module stays on one worker (its module fixtures are built once).
	@# Bytecode is written even where the environment says not to: the processes the tests start
	@# then load the app's modules compiled, and a second run skips pytest's assertion rewriting.
	PYTHONDONTWRITEBYTECODE= QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile
	@# pytest exits 5 when nothing was collected; that is a failure here too.

# The real pilots' validation over seeds 0-4 (several minutes), beside the seed-0 protocol of `make test`.
validate: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider --all-seeds -m seeds tests/models/test_validation.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/capacity.py
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/optimize.py
	$(BIN)/python bench/pilot.py
	$(BIN)/python bench/gui.py
	$(BIN)/python bench/kill.py
	$(BIN)/python bench/fuzz.py
	$(BIN)/python bench/fuzz_designs.py
	$(BIN)/python bench/fuzz_designs.py --planning --cases 60

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
