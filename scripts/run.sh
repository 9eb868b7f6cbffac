#!/usr/bin/env bash
# One command for a fresh machine: installs what is missing, trains if needed, starts the action
# server (5055), the Rasa server (5005: REST, socket.io, HTTP API with a token) and the web pages
# (8080), then prints where to chat. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/train.sh
source scripts/env.sh
# Files the servers create (the SQLite records, the logs) are the owner's only.
umask 077
mkdir -p var/logs
chmod 700 var var/logs
# Loopback unless MILD_BIND says otherwise (e.g. MILD_BIND=0.0.0.0 behind a firewall or a proxy).
# The action server has no authentication: it stays on loopback whatever MILD_BIND says.
BIND="${MILD_BIND:-127.0.0.1}"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM -- -"$p" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0; sleep 0.5
  done
  for p in "${pids[@]}"; do kill -KILL -- -"$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

wait_for() {  # url, name, seconds
  for _ in $(seq 1 "$3"); do
    # the URL goes to curl on stdin, so the token in it never shows in `ps`
    if printf 'url = "%s"\n' "$1" | curl -fsS -K - >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "run: $2 did not start; see var/logs/" >&2; exit 1
}

SANIC_HOST=127.0.0.1 setsid .venv/bin/rasa run actions --actions actions -p "$ACTION_PORT" > var/logs/actions.log 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$ACTION_PORT/health" "action server" 120
# The HTTP API token reaches Rasa through the environment (scripts/serve_rasa.py), never argv;
# so does its CORS allow-list (MILD_ALLOWED_ORIGINS, scripts/env.sh: this machine's own pages).
setsid .venv/bin/python -m scripts.serve_rasa -m models/mild.tar.gz --enable-api -i "$BIND" \
  -p "$RASA_PORT" --endpoints endpoints.yml --credentials credentials.yml > var/logs/rasa.log 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$RASA_PORT/status?token=$RASA_AUTH_TOKEN" "Rasa server" 240
WEB_HOST="$BIND" setsid .venv/bin/python -m webapp > var/logs/web.log 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$WEB_PORT/healthz" "web server" 60
chmod 600 var/*.db 2>/dev/null || true

cat <<MSG

The MILD screening assistant is running.
  Patients' chat:    http://localhost:$WEB_PORT/
  Staff console:     http://localhost:$WEB_PORT/staff
  Clinician review:  http://localhost:$WEB_PORT/review
  REST channel:      curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"hi"}'
  HTTP API token:    $RASA_AUTH_TOKEN$( [ -n "${MILD_TOKEN_GENERATED:-}" ] && echo "  (generated; kept in var/rasa-token)" )
  Terminal chat:     make shell
  Logs:              var/logs/
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "run: a server stopped; see var/logs/" >&2
exit 1
