# SocketSpace: `make run` to serve, `make test` to run every test suite.
PYTHON ?= python3
UV_VERSION := 0.13.8
# Use uv from PATH when present; otherwise install a pinned copy into .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV_STAMP := .venv/.synced
# The npm socket.io-client that the end-to-end socket tests drive.
NODE_STAMP := tests/node/node_modules/.package-lock.json

.PHONY: run test lint format clean

run: $(VENV_STAMP)
	.venv/bin/socketspace serve

test: $(VENV_STAMP) $(NODE_STAMP)
	.venv/bin/pytest

lint: $(VENV_STAMP)
	.venv/bin/ruff check src tests
	.venv/bin/ruff format --check src tests
	.venv/bin/mypy

format: $(VENV_STAMP)
	.venv/bin/ruff format src tests
	.venv/bin/ruff check --fix src tests

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund
	touch $@

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache tests/node/node_modules
