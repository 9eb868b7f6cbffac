#!/usr/bin/env bash
# Everything `make test` runs, in order of speed. Stops at the first failing part.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/install_browser.sh
echo "== pytest: unit, actions, conversations, records, browser"
MILD_REQUIRE_BROWSER=1 .venv/bin/python -m pytest tests -q -p no:cacheprovider
bash scripts/test_e2e.sh
