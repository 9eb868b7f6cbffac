#!/usr/bin/env bash
# A throwaway Redis server (Rasa's lock store for several Rasa instances), on 127.0.0.1 only.
#
#   scripts/redis.sh start    install (apt-get, if missing), start; prints REDIS_HOST/PORT/PASSWORD=...
#   scripts/redis.sh env      print the settings of the running server (same lines as start)
#   scripts/redis.sh status   exit 0 when running
#   scripts/redis.sh stop     stop it
#   scripts/redis.sh destroy  stop it and delete its directory
#
# Config, pid file, log and the generated password live under var/redis/ (git-ignored; REDIS_BASE
# moves it). Nothing under /etc is touched and no system service is started. When run as root the
# server runs as Debian's "redis" user. Locks are short-lived, so nothing is persisted to disk
# (no RDB snapshots, no AOF). Settings: REDIS_PORT (default 56379), REDIS_PASSWORD (default:
# generated once, kept in var/redis/password).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${REDIS_BASE:-$ROOT/var/redis}"
PORT="${REDIS_PORT:-56379}"
PWFILE="$BASE/password"
CONF="$BASE/redis.conf"
PIDFILE="$BASE/redis.pid"
LOG="$BASE/redis.log"

say() { echo "redis.sh: $*" >&2; }

install_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then return 0; fi
  if [[ "$(id -u)" != "0" ]]; then
    say "Redis is not installed and this is not root: run 'apt-get install -y redis-server' as root"
    exit 1
  fi
  say "installing Debian's redis-server package"
  export DEBIAN_FRONTEND=noninteractive
  # The package's post-install tries to start the system service; in containers without systemd
  # that is refused and harmless. Only our own server (below) is started.
  apt-get install -y -qq redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
  command -v redis-server >/dev/null 2>&1 || { say "redis-server installed but not on PATH"; exit 1; }
}

owner() { if [[ "$(id -u)" == "0" ]] && id redis >/dev/null 2>&1; then echo redis; else id -un; fi; }

password() {
  if [[ -n "${REDIS_PASSWORD:-}" ]]; then echo "$REDIS_PASSWORD"; return; fi
  if [[ ! -s "$PWFILE" ]]; then
    mkdir -p "$BASE"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$PWFILE")
  fi
  cat "$PWFILE"
}

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
  install_redis
  mkdir -p "$BASE"
  if ! running; then
    write_conf
    local user; user="$(owner)"
    if [[ "$user" != "$(id -un)" ]]; then
      chown "$user" "$BASE" "$CONF"
      touch "$LOG"; chown "$user" "$LOG"
      chown root:root "$PWFILE" 2>/dev/null || true
      runuser -u "$user" -- redis-server "$CONF"
    else
      redis-server "$CONF"
    fi
    for _ in $(seq 1 50); do running && break; sleep 0.2; done
    running || { say "did not start; see $LOG"; tail -n 20 "$LOG" >&2 || true; exit 1; }
    say "started on 127.0.0.1:$PORT (log $LOG)"
  fi
  print_env
}

print_env() {
  echo "REDIS_HOST=127.0.0.1"
  echo "REDIS_PORT=$PORT"
  echo "REDIS_PASSWORD=$(password)"
}

stop() {
  if [[ -f "$PIDFILE" ]]; then
    local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      say "stopped"
    fi
    rm -f "$PIDFILE"
  fi
}

case "${1:-start}" in
  start) start ;;
  env) running || { say "not running (scripts/redis.sh start)"; exit 1; }; print_env ;;
  status) if running; then say "running on 127.0.0.1:$PORT"; else say "not running"; exit 3; fi ;;
  stop) stop ;;
  destroy) stop; rm -rf "$BASE"; say "deleted $BASE" ;;
  *) echo "usage: $0 start|env|status|stop|destroy" >&2; exit 2 ;;
esac
