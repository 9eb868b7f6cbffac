#!/usr/bin/env bash
# Everything `make test` runs, fastest first; stops at the first failing part.
# Browser tests run in their own pytest process: Playwright's sync API keeps an event loop
# running in the main thread, which other tests' asyncio.run() must not share.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== lint"
bash scripts/lint.sh
bash scripts/install_browser.sh
rm -rf results/junit && mkdir -p results/junit

suite() {  # name, then pytest arguments
  local name=$1; shift
  echo "== $name"
  .venv/bin/python -m pytest -q -p no:cacheprovider --junitxml="results/junit/$name.xml" "$@"
}

suite unit tests/unit tests/actions
suite conversations tests/conversation
MILD_TEST_POSTGRES=1 suite postgres tests/integration
MILD_REQUIRE_BROWSER=1 suite browser tests/browser
MILD_REQUIRE_CLUSTER=1 suite production tests/production
bash scripts/test_e2e.sh
.venv/bin/python -m scripts.junit_summary results/junit
