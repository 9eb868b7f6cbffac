#!/usr/bin/env bash
# The MILD assistant as a small cluster on one machine, on loopback only:
#
#   PostgreSQL (tracker store, scripts/postgres.sh)   Redis (lock store, scripts/redis.sh)
#   action servers actions1, actions2 (127.0.0.1 only) behind the nginx action gateway
#   Rasa servers rasa1, rasa2 (same model, same tracker store, same lock store)
#   the web server (/, /staff, /review)
#   nginx: the one public entry, load balancing REST, socket.io (sticky) and the HTTP API over both
#          Rasa servers, /, /staff, /review to the web server, rate limits on the chat channels
#
#   scripts/cluster.sh run                 start everything, print the URLs, stop everything on Ctrl-C
#                                          (this is `make run-cluster`)
#   scripts/cluster.sh start [PART...]     start everything (or the named parts) in the background
#   scripts/cluster.sh stop [PART...]      stop everything (or the named parts)
#   scripts/cluster.sh restart PART...     stop and start the named parts
#   scripts/cluster.sh status              which parts are running
#   scripts/cluster.sh urls                print the URLs (and the HTTP API token)
#   scripts/cluster.sh env                 print the cluster's settings as KEY=VALUE lines (for tests)
#   scripts/cluster.sh install             only install the Debian packages (postgresql, redis-server, nginx)
#
# PARTs: postgres redis actions1 actions2 rasa1 rasa2 web nginx.
# Everything lives under CLUSTER_DIR (default var/cluster): rendered nginx.conf, pid files (run/),
# logs (logs/), the model the Rasa servers run
# (model.tar.gz, copied from models/mild.tar.gz by `start`). Ports (defaults):
#   CLUSTER_HTTP_PORT 8088 (nginx, public)     CLUSTER_ACTIONS_GW_PORT 27050 (nginx, action gateway)
#   CLUSTER_RASA1_PORT 27005  CLUSTER_RASA2_PORT 27006  CLUSTER_ACTIONS1_PORT 27055  CLUSTER_ACTIONS2_PORT 27056
#   CLUSTER_WEB_PORT 27080    CLUSTER_PG_PORT 27432     CLUSTER_REDIS_PORT 27379
# Rate limits: CHAT_RATE (5r/s) CHAT_BURST (20) CHAT_CONN (10) SOCKET_RATE (10r/s) SOCKET_BURST (40);
# NGINX_TRUSTED_PROXIES (127.0.0.1): peers whose X-Forwarded-For names the client.
# CLUSTER_SKIP_SETUP=1 skips `scripts/setup.sh` + `scripts/train.sh` (tests use the trained model).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ALL_PARTS=(postgres redis actions1 actions2 rasa1 rasa2 web nginx)

CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/var/cluster}"
case "$CLUSTER_DIR" in /*) ;; *) CLUSTER_DIR="$ROOT/$CLUSTER_DIR" ;; esac
# PostgreSQL's and Redis's data belong to their own users, who must reach it: it lives apart from
# var/ (the owner's only) in SERVICE_DIR (default .services/<name of CLUSTER_DIR>).
SERVICE_DIR="${SERVICE_DIR:-$ROOT/.services/$(basename "$CLUSTER_DIR")}"
RUN_DIR="$CLUSTER_DIR/run"
LOG_DIR="$CLUSTER_DIR/logs"
NGINX_TMP="$SERVICE_DIR/nginx-tmp"  # nginx's worker user writes here: not under var/ (private)
MODEL="$CLUSTER_DIR/model.tar.gz"

HTTP_PORT="${CLUSTER_HTTP_PORT:-8088}"
ACTIONS_GW_PORT="${CLUSTER_ACTIONS_GW_PORT:-27050}"
RASA1_PORT="${CLUSTER_RASA1_PORT:-27005}"
RASA2_PORT="${CLUSTER_RASA2_PORT:-27006}"
ACTIONS1_PORT="${CLUSTER_ACTIONS1_PORT:-27055}"
ACTIONS2_PORT="${CLUSTER_ACTIONS2_PORT:-27056}"
WEB_PORT_C="${CLUSTER_WEB_PORT:-27080}"
PG_PORT_C="${CLUSTER_PG_PORT:-27432}"
REDIS_PORT_C="${CLUSTER_REDIS_PORT:-27379}"

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }

# ------------------------------------------------------------------------------------ packages
ensure_packages() {
  local missing=()
  [[ -n "$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | head -n 1)" ]] || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ "$(id -u)" != "0" ]]; then
    die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# --------------------------------------------------------------------------------- environment
# Secrets (RASA_AUTH_TOKEN, WEB_SECRET_KEY, STAFF_CHANNEL_TOKEN) and defaults from scripts/env.sh;
# the tracker store (PostgreSQL) and the lock store (Redis) are the cluster's own.
load_env() {
  # The browser origins trusted (chat_security/origins.py): the cluster's own entry unless set; nginx,
  # Rasa's CORS and the socket.io channel all get this one list.
  export MILD_ALLOWED_ORIGINS="${MILD_ALLOWED_ORIGINS:-http://127.0.0.1:$HTTP_PORT http://localhost:$HTTP_PORT}"
  # shellcheck disable=SC1091
  source scripts/env.sh
  export RASA_TELEMETRY_ENABLED=false
  # two action servers (and two Rasa servers) share the cores: one encoder thread each
  export MILD_ENCODER_THREADS="${MILD_ENCODER_THREADS:-1}"
  export PG_BASE="$SERVICE_DIR/postgres" PG_PORT="$PG_PORT_C"
  export REDIS_BASE="$SERVICE_DIR/redis" REDIS_PORT="$REDIS_PORT_C"
}

db_env() {
  local pw
  pw="$(cat "$PG_BASE/password" 2>/dev/null || true)"
  [[ -n "$pw" ]] || die "no PostgreSQL password in $PG_BASE (start postgres first)"
  export DB_URL="postgresql://${PG_USER:-mild}:$pw@127.0.0.1:$PG_PORT_C/${PG_DB:-mild}"
  eval "$(.venv/bin/python -m scripts.db_env "$DB_URL")"
  local rpw
  rpw="$(cat "$REDIS_BASE/password" 2>/dev/null || true)"
  [[ -n "$rpw" ]] || die "no Redis password in $REDIS_BASE (start redis first)"
  export LOCK_STORE_TYPE=redis LOCK_STORE_HOST=127.0.0.1 LOCK_STORE_PORT="$REDIS_PORT_C"
  export LOCK_STORE_DB=1 LOCK_STORE_PASSWORD="$rpw"
  export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_GW_PORT/webhook"
}

# ------------------------------------------------------------------------------------ processes
pidfile() { echo "$RUN_DIR/$1.pid"; }

alive() {
  local f; f="$(pidfile "$1")"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

port_free() {  # true when nothing listens on 127.0.0.1:PORT
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

need_port() {  # part port
  port_free "$2" || die "port $2 (for $1) is already in use on 127.0.0.1; set CLUSTER_*_PORT to a free one"
}

# spawn NAME CMD... : own session and process group, output to logs/NAME.log
spawn() {
  local name="$1"; shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  printf '\n==== %s starting %s\n' "$(date '+%F %T')" "$name" >> "$LOG_DIR/$name.log"
  setsid "$@" >> "$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$name")"
}

kill_part() {  # terminate the process group, wait, then kill
  local name="$1" f pid
  f="$(pidfile "$name")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

# The URL goes to curl on stdin, so a token in it never shows in `ps`.
http_ok() { printf 'url = "%s"\n' "$1" | curl -fsS -o /dev/null --max-time 3 -K - 2>/dev/null; }

wait_http() {  # name url seconds
  local name="$1" url="$2" secs="$3" i
  for ((i = 0; i < secs * 2; i++)); do
    http_ok "$url" && return 0
    alive "$name" || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "$name exited; see $LOG_DIR/$name.log"; }
    sleep 0.5
  done
  die "$name not healthy after ${secs}s; see $LOG_DIR/$name.log"
}

rasa_port() { [[ "$1" == rasa1 ]] && echo "$RASA1_PORT" || echo "$RASA2_PORT"; }
actions_port() { [[ "$1" == actions1 ]] && echo "$ACTIONS1_PORT" || echo "$ACTIONS2_PORT"; }

start_part() {
  local part="$1"
  case "$part" in
    postgres)
      bash scripts/postgres.sh start > /dev/null ;;
    redis)
      bash scripts/redis.sh start > /dev/null ;;
    actions1|actions2)
      alive "$part" && return 0
      # rasa-sdk 3.6 has no authentication: the action servers listen on loopback only (SANIC_HOST).
      need_port "$part" "$(actions_port "$part")"
      SANIC_HOST=127.0.0.1 spawn "$part" .venv/bin/rasa run actions --actions actions -p "$(actions_port "$part")" ;;
    rasa1|rasa2)
      alive "$part" && return 0
      db_env
      [[ -f "$MODEL" ]] || die "no model at $MODEL (run: scripts/cluster.sh start)"
      need_port "$part" "$(rasa_port "$part")"
      render_endpoints
      spawn "$part" .venv/bin/python -m scripts.serve_rasa -m "$MODEL" --enable-api \
        -i 127.0.0.1 -p "$(rasa_port "$part")" --endpoints "$CLUSTER_DIR/endpoints.yml" \
        --credentials credentials.yml ;;
    web)
      alive web && return 0
      db_env
      need_port web "$WEB_PORT_C"
      # nginx on loopback is the web server's only proxy: its X-Forwarded-For names the client.
      MILD_TRUSTED_PROXIES="${MILD_TRUSTED_PROXIES:-127.0.0.1}" \
      WEB_PORT="$WEB_PORT_C" WEB_HOST=127.0.0.1 RASA_PORT="$HTTP_PORT" \
        RASA_URL="http://127.0.0.1:$HTTP_PORT" RASA_PUBLIC_URL="http://127.0.0.1:$HTTP_PORT" \
        spawn web .venv/bin/python -m webapp ;;
    nginx)
      alive nginx && return 0
      need_port nginx "$HTTP_PORT"; need_port nginx "$ACTIONS_GW_PORT"
      render_nginx
      "$(nginx_bin)" -t -q -p "$CLUSTER_DIR" -c "$CLUSTER_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" \
        || die "nginx configuration test failed"
      spawn nginx "$(nginx_bin)" -p "$CLUSTER_DIR" -c "$CLUSTER_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" ;;
    *) die "unknown part: $part (one of: ${ALL_PARTS[*]})" ;;
  esac
}

wait_part() {
  local part="$1"
  case "$part" in
    actions1|actions2) wait_http "$part" "http://127.0.0.1:$(actions_port "$part")/health" 120 ;;
    rasa1|rasa2) wait_http "$part" "http://127.0.0.1:$(rasa_port "$part")/status?token=$RASA_AUTH_TOKEN" 300 ;;
    web) wait_http web "http://127.0.0.1:$WEB_PORT_C/healthz" 60 ;;
    nginx) wait_http nginx "http://127.0.0.1:$HTTP_PORT/nginx-health" 30 ;;
    *) : ;;
  esac
}

stop_part() {
  case "$1" in
    postgres) bash scripts/postgres.sh stop ;;
    redis) bash scripts/redis.sh stop ;;
    actions1|actions2|rasa1|rasa2|web|nginx) kill_part "$1" ;;
    *) die "unknown part: $1 (one of: ${ALL_PARTS[*]})" ;;
  esac
}

part_running() {
  case "$1" in
    postgres) bash scripts/postgres.sh status >/dev/null 2>&1 ;;
    redis) bash scripts/redis.sh status >/dev/null 2>&1 ;;
    *) alive "$1" ;;
  esac
}

# var/cluster/endpoints.yml: the project's endpoints.yml plus the Redis lock store
# (deploy/lock_store.yml), unless endpoints.yml already has a lock_store section.
render_endpoints() {
  mkdir -p "$CLUSTER_DIR"
  if grep -q '^lock_store:' endpoints.yml; then
    cp endpoints.yml "$CLUSTER_DIR/endpoints.yml"
  else
    { cat endpoints.yml; echo; cat deploy/lock_store.yml; } > "$CLUSTER_DIR/endpoints.yml"
  fi
}

render_nginx() {
  mkdir -p "$NGINX_TMP" "$LOG_DIR" "$RUN_DIR"
  local user_directive="" real_ip="" p
  if [[ "$(id -u)" == "0" ]]; then
    local u=www-data; id "$u" >/dev/null 2>&1 || u=nobody
    user_directive="user $u;"
    chown "$u" "$NGINX_TMP"
  fi
  for p in ${NGINX_TRUSTED_PROXIES:-127.0.0.1}; do real_ip+="set_real_ip_from $p; "; done
  local origin_map
  origin_map="$(.venv/bin/python -m chat_security.origins --nginx-map)" || die "MILD_ALLOWED_ORIGINS is not a list of origins"
  USER_DIRECTIVE="$user_directive" REAL_IP_DIRECTIVES="$real_ip" RUN_DIR="$RUN_DIR" LOG_DIR="$LOG_DIR" \
  NGINX_TMP="$NGINX_TMP" HTTP_PORT="$HTTP_PORT" ACTIONS_GW_PORT="$ACTIONS_GW_PORT" \
  RASA1_PORT="$RASA1_PORT" RASA2_PORT="$RASA2_PORT" ACTIONS1_PORT="$ACTIONS1_PORT" ACTIONS2_PORT="$ACTIONS2_PORT" \
  WEB_PORT="$WEB_PORT_C" ALLOWED_ORIGIN_MAP="$origin_map" TRUSTED_PROXIES="${NGINX_TRUSTED_PROXIES:-127.0.0.1}" \
  CHAT_RATE="${CHAT_RATE:-5r/s}" CHAT_BURST="${CHAT_BURST:-20}" CHAT_CONN="${CHAT_CONN:-10}" \
  SOCKET_RATE="${SOCKET_RATE:-10r/s}" SOCKET_BURST="${SOCKET_BURST:-40}" \
  .venv/bin/python - deploy/nginx.conf.template "$CLUSTER_DIR/nginx.conf" <<'PY'
import os, re, sys
src, dest = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
missing = sorted({m for m in re.findall(r"\{\{([A-Z0-9_]+)\}\}", text) if m not in os.environ})
if missing:
    sys.exit("nginx template: unset " + ", ".join(missing))
out = re.sub(r"\{\{([A-Z0-9_]+)\}\}", lambda m: os.environ[m.group(1)], text)
old = os.umask(0o077)
with open(dest, "w", encoding="utf-8") as fh:
    fh.write(out)
os.umask(old)
PY
}

# ---------------------------------------------------------------------------------- commands
urls() {
  cat <<MSG

The MILD assistant cluster is running (nginx on 127.0.0.1:$HTTP_PORT in front of everything).
  Patients' chat:    http://127.0.0.1:$HTTP_PORT/
  Staff console:     http://127.0.0.1:$HTTP_PORT/staff
  Clinician review:  http://127.0.0.1:$HTTP_PORT/review
  REST channel:      curl -s 127.0.0.1:$HTTP_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"hi"}'
  socket.io:         http://127.0.0.1:$HTTP_PORT/socket.io/  (sticky per browser by the mild_lb cookie)
  HTTP API:          http://127.0.0.1:$HTTP_PORT/status?token=...   token: $RASA_AUTH_TOKEN
  Rasa servers:      http://127.0.0.1:$RASA1_PORT  http://127.0.0.1:$RASA2_PORT  (loopback, direct)
  Action servers:    http://127.0.0.1:$ACTIONS1_PORT  http://127.0.0.1:$ACTIONS2_PORT  via gateway http://127.0.0.1:$ACTIONS_GW_PORT
  PostgreSQL:        127.0.0.1:$PG_PORT_C (tracker store)   Redis: 127.0.0.1:$REDIS_PORT_C (lock store)
  Logs:              $LOG_DIR/
MSG
}

print_env() {
  db_env
  cat <<ENV
CLUSTER_DIR=$CLUSTER_DIR
HTTP_URL=http://127.0.0.1:$HTTP_PORT
RASA1_URL=http://127.0.0.1:$RASA1_PORT
RASA2_URL=http://127.0.0.1:$RASA2_PORT
ACTIONS1_URL=http://127.0.0.1:$ACTIONS1_PORT
ACTIONS2_URL=http://127.0.0.1:$ACTIONS2_PORT
ACTIONS_GW_URL=http://127.0.0.1:$ACTIONS_GW_PORT
WEB_URL=http://127.0.0.1:$WEB_PORT_C
RASA_AUTH_TOKEN=$RASA_AUTH_TOKEN
DB_URL=$DB_URL
REDIS_PORT=$REDIS_PORT_C
LOG_DIR=$LOG_DIR
ENV
}

start_parts() {
  local parts=("$@") p
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  mkdir -p "$SERVICE_DIR"
  chmod 755 "$ROOT/.services" "$SERVICE_DIR" 2>/dev/null || true
  for p in "${parts[@]}"; do
    case "$p" in postgres|redis) start_part "$p" ;; esac
  done
  for p in "${parts[@]}"; do
    case "$p" in actions1|actions2|rasa1|rasa2) start_part "$p" ;; esac
  done
  # Rasa's model load is the slow part: both servers load at the same time.
  for p in "${parts[@]}"; do
    case "$p" in actions1|actions2|rasa1|rasa2) wait_part "$p" ;; esac
  done
  for p in "${parts[@]}"; do
    case "$p" in web|nginx) start_part "$p"; wait_part "$p" ;; esac
  done
}

cmd_start() {
  ensure_packages
  if [[ "${CLUSTER_SKIP_SETUP:-}" != "1" ]]; then
    bash scripts/setup.sh
    bash scripts/train.sh
  fi
  load_env
  mkdir -p "$CLUSTER_DIR"
  local parts=("$@")
  if [[ ${#parts[@]} -eq 0 ]]; then
    parts=("${ALL_PARTS[@]}")
    [[ -f models/mild.tar.gz ]] || die "no models/mild.tar.gz (run: make train)"
    # Every Rasa server of the cluster runs this one copy, even if models/ is retrained meanwhile.
    if ! alive rasa1 && ! alive rasa2; then cp models/mild.tar.gz "$MODEL.tmp" && mv "$MODEL.tmp" "$MODEL"; fi
  fi
  start_parts "${parts[@]}"
}

cmd_stop() {
  load_env
  local parts=("$@") i
  [[ ${#parts[@]} -gt 0 ]] || parts=("${ALL_PARTS[@]}")
  for ((i = ${#parts[@]} - 1; i >= 0; i--)); do stop_part "${parts[$i]}"; done
}

cmd_status() {
  load_env
  local p rc=0
  for p in "${ALL_PARTS[@]}"; do
    if part_running "$p"; then echo "$p: running"; else echo "$p: stopped"; rc=3; fi
  done
  return $rc
}

cmd_run() {
  trap 'echo; say "stopping"; cmd_stop; exit 0' INT TERM
  cmd_start
  urls
  echo "Press Ctrl-C to stop."
  while true; do
    local p
    for p in actions1 actions2 rasa1 rasa2 web nginx; do
      alive "$p" || say "warning: $p is not running (see $LOG_DIR/$p.log)"
    done
    sleep 10 & wait $!
  done
}

cmd="${1:-run}"; shift || true
case "$cmd" in
  run) cmd_run ;;
  start) cmd_start "$@"; [[ $# -gt 0 ]] || urls ;;
  stop) cmd_stop "$@" ;;
  restart) [[ $# -gt 0 ]] || die "restart which part? (${ALL_PARTS[*]})"; cmd_stop "$@"; CLUSTER_SKIP_SETUP=1 cmd_start "$@" ;;
  status) cmd_status ;;
  urls) load_env; urls ;;
  install) ensure_packages ;;
  env) load_env; print_env ;;
  *) echo "usage: $0 run|start|stop|restart|status|urls|env|install [PART...]" >&2; exit 2 ;;
esac
