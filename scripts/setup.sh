#!/usr/bin/env bash
# Installs what is missing: a Python 3.10 virtualenv in .venv with the pinned requirements,
# the project itself (editable, so spaCy finds its components), and the project's spaCy pipeline.
# Safe to run again: it only does what is not done yet.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  local candidates=("${PYTHON:-}" python3.10)
  candidates+=(/root/.pyenv/versions/3.10*/bin/python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10)
  candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  py=$(find_python310) || { echo "setup: Python 3.10 not found (Rasa 3.6 needs it). Install it, e.g. 'pyenv install 3.10', or set PYTHON=/path/to/python3.10." >&2; exit 1; }
  echo "setup: creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
fi

stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-nodeps.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages (first run takes a few minutes)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e .
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt  # make lint
  echo "$want" > "$stamp"
fi

# The project's own spaCy pipelines, rebuilt when mild_nlp's code changes: mild_en (rules and
# components from mild_nlp/, the one reading of each message) and mild_tokens (its tokenizer
# alone, for Rasa's intent classifier).
spacy_stamp=models/spacy/.source.sha
spacy_want=$(find mild_nlp -name '*.py' | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1)
if [ ! -f models/spacy/mild_en/meta.json ] || [ ! -f models/spacy/mild_tokens/meta.json ] \
  || [ "$(cat "$spacy_stamp" 2>/dev/null)" != "$spacy_want" ]; then
  echo "setup: building the spaCy pipelines models/spacy/mild_en and mild_tokens"
  .venv/bin/python -m mild_nlp.build models/spacy/mild_en
  .venv/bin/python -m mild_nlp.build --tokens-only models/spacy/mild_tokens
  echo "$spacy_want" > "$spacy_stamp"
fi
# The learned flag reader (mild_nlp/second_reader.py), retrained when its data or code change.
if ! .venv/bin/python -c 'import sys; from mild_nlp import second_reader_training as t; sys.exit(0 if t.is_current() else 1)' 2>/dev/null; then
  echo "setup: training the second flag reader models/flag_reader/reader.pkl"
  .venv/bin/python -m mild_nlp.second_reader_training
fi
mkdir -p var/logs
