# Inspector's Workbench: all set-up happens here, on a machine with only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DIST_STAMP := $(VENV)/.dist-installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test test-server lint contracts typecheck deadcode bench dist selftest clean venv install-desktop icons

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dist]'
	touch $(DIST_STAMP)

venv: $(STAMP)

run: $(STAMP)
	QT_QPA_PLATFORM= $(BIN)/workbench $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

contracts: $(STAMP)
	$(BIN)/lint-imports

# mypy: workbench/ and db/ strictly, ui/ checked ([tool.mypy] in pyproject.toml).
typecheck: $(STAMP)
	$(BIN)/mypy

# Dead code; names used only by a framework or by name are in vulture_whitelist.py.
deadcode: $(STAMP)
	$(BIN)/vulture workbench db ui tests bench vulture_whitelist.py --exclude db/migrations/versions

test: lint contracts typecheck deadcode
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	.ci/pg-tests.sh $(PYTEST_ARGS)

# The same store tests on a real PostgreSQL server (a throwaway one if none is named).
test-server: $(STAMP)
	.ci/pg-tests.sh $(PYTEST_ARGS)

# The frozen onedir application (PyInstaller), then its self-test.
dist: $(DIST_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec
	QT_QPA_PLATFORM=offscreen dist/workbench/workbench --self-test
	QT_QPA_PLATFORM=offscreen dist/workbench/workbench-window --self-test > /dev/null
	dist/workbench/workbench methodology list > /dev/null
	@echo "frozen application: $$(du -sh dist/workbench | cut -f1) in dist/workbench/"

# The applications-menu entry, icons and AppStream metainfo, for this user (freedesktop).
install-desktop:
	sh tools/install_desktop.sh

# The PNG sizes, .ico and .icns, rendered from resources/icons/workbench.svg.
icons: $(STAMP)
	$(BIN)/python tools/make_icons.py

selftest: $(STAMP)
	$(BIN)/workbench --self-test

# Every benchmark, then a table of every figure; exits 1 when a ratio goal is missed.
# BENCH=merge runs only the figures whose names contain it; BENCH_ARGS=--quick the 1x sizes.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(BENCH),--only $(BENCH)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
