#!/usr/bin/env bash
# `make lint`: the formatter, the linter and the type checker; stops at the first that complains.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff format --check"; .venv/bin/ruff format --check --quiet .
echo "== ruff check"; .venv/bin/ruff check --quiet .
echo "== mypy (screening, mild_nlp, records, webapp, chat_security)"; .venv/bin/mypy
echo "lint: clean"
