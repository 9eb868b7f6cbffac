#!/usr/bin/env bash
# Rasa's own checks: data validation and the end-to-end test stories in tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== rasa data validate"
.venv/bin/rasa data validate --domain domain.yml --data data --config config.yml
echo "== rasa test (e2e stories)"
rm -rf results/e2e
.venv/bin/rasa test core --stories tests/ --model models/mild.tar.gz --out results/e2e --fail-on-prediction-errors
echo "e2e: all test stories passed"
