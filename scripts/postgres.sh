#!/usr/bin/env bash
# A throwaway PostgreSQL server for development and tests, on 127.0.0.1 only.
#
#   scripts/postgres.sh start    install (apt-get, if missing), initialise and start; prints DB_URL=...
#   scripts/postgres.sh url      print DB_URL=... of the running server
#   scripts/postgres.sh status   exit 0 when running
#   scripts/postgres.sh stop     stop it
#   scripts/postgres.sh destroy  stop it and delete its data directory
#
# Data, socket, log and the generated password live under .services/postgres/ (git-ignored; not under
# var/, which is the owner's only: the server's own user must reach its directory). The server
# never runs as root: when this script runs as root it runs the server as the "postgres" user
# (created by Debian's package) with runuser. Settings: PG_PORT (default 55432), PG_DB (mild),
# PG_USER (mild), PG_PASSWORD (default: generated once, kept in .services/postgres/password).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICE="postgres.sh"
SERVICE_USER="postgres"
BASE="${PG_BASE:-$ROOT/.services/postgres}"
DATA="$BASE/data"
RUN="$BASE/run"
LOG="$BASE/server.log"
PORT="${PG_PORT:-55432}"
DB="${PG_DB:-mild}"
DBUSER="${PG_USER:-mild}"
PWFILE="$BASE/password"
# shellcheck source=scripts/lib/service.sh
source "$ROOT/scripts/lib/service.sh"

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/postgres" ]]; then echo "$dir"; fi
}

installed() { [[ -n "$(find_bin)" ]]; }

password() { generated_password "${PG_PASSWORD:-}" 18; }

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
  [[ "$(dirname "$BASE")" == "$ROOT/.services" ]] && chmod 755 "$ROOT/.services"  # the server's user passes through
  password >/dev/null
  if [[ "$(owner)" != "$(id -un)" ]]; then
    # The owner must reach its directory: make only that directory (not the repository) its own.
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
  ensure_package postgresql PostgreSQL "no server binary found"
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
  print_url
}

print_url() { echo "DB_URL=$(db_url)"; }

stop() {
  local bin; bin="$(find_bin)"
  if running; then
    as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
  fi
}

service_main url print_url "$@"
