# SocketSpace: `make run` to serve, `make test` to run every test suite.
PYTHON ?= python3
UV_VERSION := 0.13.8
# Use uv from PATH when present; otherwise install a pinned copy into .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV_STAMP := .venv/.synced
# The npm socket.io-client that the end-to-end socket tests drive.
NODE_STAMP := tests/node/node_modules/.package-lock.json
# The web client: its npm packages, and the build the server serves from web/dist.
WEB_STAMP := web/node_modules/.package-lock.json
WEB_BUILD := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	web/index.html web/vite.config.ts web/tsconfig.json

.PHONY: run test lint format clean web dev screenshots bench

run: $(VENV_STAMP) $(WEB_BUILD)
	.venv/bin/socketspace serve

test: $(VENV_STAMP) $(NODE_STAMP) $(WEB_BUILD)
	npm test --prefix web
	.venv/bin/pytest

lint: $(VENV_STAMP) $(WEB_STAMP)
	.venv/bin/ruff check src tests
	.venv/bin/ruff format --check src tests
	.venv/bin/mypy
	.venv/bin/lint-imports
	npm run lint --prefix web

web: $(WEB_BUILD)

# Every benchmark (bench/README.md): a fresh server pinned to one core, the npm
# socket.io-client on the other. E.g. BENCH_ARGS="--only relay-socket,presence --quick".
bench: $(VENV_STAMP)
	$(UV) sync --frozen --inexact --group bench
	.venv/bin/python bench/suite.py $(BENCH_ARGS)

# Vite with hot reload on http://localhost:5173, proxying /api and /socket.io to the backend.
dev: $(VENV_STAMP) $(WEB_STAMP)
	ALLOWED_ORIGINS=http://localhost:5173 .venv/bin/socketspace serve & server=$$!; \
	trap 'kill $$server' EXIT INT TERM; npm run dev --prefix web

# Refresh docs/screenshots from an end-to-end run (desktop and phone, light and dark).
screenshots: $(VENV_STAMP) $(WEB_BUILD)
	.venv/bin/pytest -q tests/e2e -k sqlite
	.venv/bin/python -m tests.e2e.screenshots

format: $(VENV_STAMP)
	.venv/bin/ruff format src tests
	.venv/bin/ruff check --fix src tests

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

$(WEB_STAMP): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	touch $@

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES)
	npm run build --prefix web

$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund
	touch $@

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache tests/node/node_modules \
		web/node_modules web/dist
