#!/usr/bin/env bash
# A throwaway Redis server (Rasa's lock store for several Rasa instances), on 127.0.0.1 only.
#
#   scripts/redis.sh start    install (apt-get, if missing), start; prints REDIS_HOST/PORT/PASSWORD=...
#   scripts/redis.sh env      print the settings of the running server (same lines as start)
#   scripts/redis.sh status   exit 0 when running
#   scripts/redis.sh stop     stop it
#   scripts/redis.sh destroy  stop it and delete its directory
#
# Config, pid file, log and the generated password live under .services/redis/ (git-ignored; REDIS_BASE
# moves it). Nothing under /etc is touched and no system service is started. When run as root the
# server runs as Debian's "redis" user. Locks are short-lived, so nothing is persisted to disk
# (no RDB snapshots, no AOF). Settings: REDIS_PORT (default 56379), REDIS_PASSWORD (default:
# generated once, kept in .services/redis/password).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICE="redis.sh"
SERVICE_USER="redis"
BASE="${REDIS_BASE:-$ROOT/.services/redis}"
PORT="${REDIS_PORT:-56379}"
PWFILE="$BASE/password"
CONF="$BASE/redis.conf"
PIDFILE="$BASE/redis.pid"
LOG="$BASE/redis.log"
# shellcheck source=scripts/lib/service.sh
source "$ROOT/scripts/lib/service.sh"

installed() { command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; }

password() { generated_password "${REDIS_PASSWORD:-}" 24; }

cli() { REDISCLI_AUTH="$(password)" redis-cli -h 127.0.0.1 -p "$PORT" "$@"; }

running() {
  [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null && cli ping 2>/dev/null | grep -q PONG
}

write_conf() {
  local pw; pw="$(password)"
  (umask 077; cat > "$CONF" <<CONF
# Written by scripts/redis.sh; loopback only, password required, nothing persisted.
bind 127.0.0.1
protected-mode yes
port $PORT
unixsocket ""
daemonize yes
pidfile $PIDFILE
logfile $LOG
loglevel notice
dir $BASE
save ""
appendonly no
requirepass $pw
maxmemory 128mb
maxmemory-policy noeviction
rename-command FLUSHALL ""
rename-command CONFIG ""
CONF
  )
}

start() {
  # The package's post-install tries to start the system service; in containers without systemd
  # that is refused and harmless. Only our own server (below) is started. (stdout: apt-get's.)
  ensure_package redis-server Redis "not on PATH" >/dev/null
  mkdir -p "$BASE"
  [[ "$(dirname "$BASE")" == "$ROOT/.services" ]] && chmod 755 "$ROOT/.services"  # the server's user passes through
  if ! running; then
    write_conf
    local user; user="$(owner)"
    if [[ "$user" != "$(id -un)" ]]; then
      chown "$user" "$BASE" "$CONF"
      touch "$LOG"; chown "$user" "$LOG"
      chown root:root "$PWFILE" 2>/dev/null || true
    fi
    as_owner redis-server "$CONF"
    wait_for 50 running || { say "did not start; see $LOG"; tail -n 20 "$LOG" >&2 || true; exit 1; }
    say "started on 127.0.0.1:$PORT (log $LOG)"
  fi
  print_env
}

print_env() {
  echo "REDIS_HOST=127.0.0.1"
  echo "REDIS_PORT=$PORT"
  echo "REDIS_PASSWORD=$(password)"
}

gone() { ! kill -0 "$1" 2>/dev/null; }

stop() {
  if [[ -f "$PIDFILE" ]]; then
    local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      wait_for 50 gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
      say "stopped"
    fi
    rm -f "$PIDFILE"
  fi
}

service_main env print_env "$@"
