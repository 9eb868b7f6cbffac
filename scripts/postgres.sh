#!/usr/bin/env bash
# A throwaway PostgreSQL server for development and tests, on 127.0.0.1 only.
#
#   scripts/postgres.sh start    install (apt-get, if missing), initialise and start; prints DB_URL=...
#   scripts/postgres.sh url      print DB_URL=... of the running server
#   scripts/postgres.sh status   exit 0 when running
#   scripts/postgres.sh stop     stop it
#   scripts/postgres.sh destroy  stop it and delete its data directory
#
# Data, socket, log and the generated password live under var/postgres/ (git-ignored). The server
# never runs as root: when this script runs as root it runs the server as the "postgres" user
# (created by Debian's package) with runuser. Settings: PG_PORT (default 55432), PG_DB (mild),
# PG_USER (mild), PG_PASSWORD (default: generated once, kept in var/postgres/password).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${PG_BASE:-$ROOT/var/postgres}"
DATA="$BASE/data"
RUN="$BASE/run"
LOG="$BASE/server.log"
PORT="${PG_PORT:-55432}"
DB="${PG_DB:-mild}"
DBUSER="${PG_USER:-mild}"
PWFILE="$BASE/password"

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/postgres" ]]; then echo "$dir"; fi
}

install_postgres() {
  if [[ -n "$(find_bin)" ]]; then return 0; fi
  if [[ "$(id -u)" != "0" ]]; then
    say "PostgreSQL is not installed and this is not root: run 'apt-get install -y postgresql' as root"
    exit 1
  fi
  say "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }
  if [[ -z "$(find_bin)" ]]; then say "postgresql installed but no server binary found"; exit 1; fi
}

# Run a command as the server's owner: "postgres" when we are root, else ourselves.
as_owner() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

password() {
  if [[ -n "${PG_PASSWORD:-}" ]]; then echo "$PG_PASSWORD"; return; fi
  if [[ ! -s "$PWFILE" ]]; then
    mkdir -p "$BASE"
    (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$PWFILE")
  fi
  cat "$PWFILE"
}

db_url() { echo "postgresql://$DBUSER:$(password)@127.0.0.1:$PORT/$DB"; }

running() {
  local bin; bin="$(find_bin)"
  [[ -n "$bin" && -f "$DATA/PG_VERSION" ]] && as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
  local bin; bin="$(find_bin)"
  as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -U postgres -d postgres "$@"
}

init_cluster() {
  local bin; bin="$(find_bin)"
  mkdir -p "$BASE" "$RUN"
  password >/dev/null
  if [[ "$(id -u)" == "0" ]]; then
    # The owner must reach var/postgres: make only that directory (not the repository) its own.
    chown postgres:postgres "$BASE" "$RUN"
    chmod 700 "$BASE"
    chown root:root "$PWFILE" 2>/dev/null || true
  fi
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    say "initialising $DATA"
    as_owner mkdir -p "$DATA"
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
}

start() {
  install_postgres
  init_cluster
  local bin; bin="$(find_bin)"
  if ! running; then
    say "starting on 127.0.0.1:$PORT (log $LOG)"
    as_owner touch "$LOG" 2>/dev/null || true
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $RUN -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
  fi
  local pw; pw="$(password)"
  # Role and database for the app (idempotent).
  psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DBUSER') THEN
    CREATE ROLE "$DBUSER" LOGIN CREATEDB PASSWORD '$pw';
  ELSE
    ALTER ROLE "$DBUSER" LOGIN CREATEDB PASSWORD '$pw';
  END IF;
END \$\$;
SQL
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]]; then
    psql_admin -c "CREATE DATABASE \"$DB\" OWNER \"$DBUSER\""
  fi
  echo "DB_URL=$(db_url)"
}

stop() {
  local bin; bin="$(find_bin)"
  if running; then
    as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
  fi
}

case "${1:-start}" in
  start) start ;;
  url) running || { say "not running (scripts/postgres.sh start)"; exit 1; }; echo "DB_URL=$(db_url)" ;;
  status) if running; then say "running on 127.0.0.1:$PORT"; else say "not running"; exit 3; fi ;;
  stop) stop ;;
  destroy) stop; rm -rf "$BASE"; say "deleted $BASE" ;;
  *) echo "usage: $0 start|url|status|stop|destroy" >&2; exit 2 ;;
esac
