#!/usr/bin/env bash
# Chat with the assistant in the terminal (starts the action server for the session).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p var/logs
setsid .venv/bin/rasa run actions --actions actions -p "$ACTION_PORT" > var/logs/actions-shell.log 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1 && break; sleep 1; done
.venv/bin/rasa shell -m models/mild.tar.gz --endpoints endpoints.yml
