#!/usr/bin/env bash
# Trains the assistant unless models/mild.tar.gz is already current for config, domain and data.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
stamp=models/.mild.sha
want=$(cat config.yml domain.yml $(find data -name '*.yml' | sort) $(find mild_nlp -name '*.py' | LC_ALL=C sort) nlu_components/*.py requirements.txt requirements-nodeps.txt | sha256sum | cut -d' ' -f1)
if [ -f models/mild.tar.gz ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && [ "${1:-}" != "--force" ]; then
  echo "train: models/mild.tar.gz is current"
  exit 0
fi
start=$(date +%s)
.venv/bin/rasa train --config config.yml --domain domain.yml --data data --out models --fixed-model-name mild --quiet
echo "$want" > "$stamp"
echo "train: models/mild.tar.gz trained in $(( $(date +%s) - start )) s"
