# Shared by the throwaway local servers, scripts/postgres.sh and scripts/redis.sh (sourced, not run).
#
# The sourcing script sets, before it calls anything here:
#   SERVICE        its file name, for messages ("postgres.sh")
#   SERVICE_USER   the Debian package's system user the server runs as when we are root ("postgres")
#   BASE PORT      its directory under var/ (data, password, logs) and its port on 127.0.0.1
#   PWFILE         where the generated password is kept
# and defines the functions this calls back:
#   installed      exit 0 when the server's programs are there
#   running        exit 0 when the server is up and answers
#   start, stop    what `SCRIPT start` and `SCRIPT stop` do

say() { echo "$SERVICE: $*" >&2; }

# ensure_package PACKAGE PRODUCT NOT_FOUND: install Debian's PACKAGE with apt-get (root only) unless
# `installed` already succeeds. PRODUCT names it for people; NOT_FOUND says what is still wrong when
# `installed` fails after the installation. Its only stdout is apt-get's, when it retries after
# `apt-get update`.
ensure_package() {
  local package="$1" product="$2" not_found="$3"
  if installed; then return 0; fi
  if [[ "$(id -u)" != "0" ]]; then
    say "$product is not installed and this is not root: run 'apt-get install -y $package' as root"
    exit 1
  fi
  say "installing Debian's $package package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$package" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq "$package"; }
  installed || { say "$package installed but $not_found"; exit 1; }
}

# The user the server runs as: SERVICE_USER when we are root (a server never runs as root), else us.
owner() { if [[ "$(id -u)" == "0" ]] && id "$SERVICE_USER" >/dev/null 2>&1; then echo "$SERVICE_USER"; else id -un; fi; }

# Run a command as the server's owner.
as_owner() {
  local user; user="$(owner)"
  if [[ "$user" != "$(id -un)" ]]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# generated_password GIVEN BYTES: GIVEN when it is set, else a password generated once (the letters
# and digits of BYTES random bytes in base64) and kept, readable by us only, in PWFILE.
generated_password() {
  local given="$1" bytes="$2"
  if [[ -n "$given" ]]; then echo "$given"; return; fi
  if [[ ! -s "$PWFILE" ]]; then
    mkdir -p "$BASE"
    (umask 077; head -c "$bytes" /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$PWFILE")
  fi
  cat "$PWFILE"
}

# wait_for TRIES COMMAND...: run COMMAND up to TRIES times, 0.2 s apart, until it succeeds, then once
# more; the status is that of the last run.
wait_for() {
  local tries="$1"; shift
  for _ in $(seq 1 "$tries"); do "$@" && return 0; sleep 0.2; done
  "$@"
}

# service_main SHOW_COMMAND SHOW_FUNCTION [COMMAND]: the command line shared by the scripts:
#   start | SHOW_COMMAND (SHOW_FUNCTION's settings of the running server) | status | stop | destroy
service_main() {
  local show="$1" show_fn="$2"; shift 2
  case "${1:-start}" in
    start) start ;;
    "$show") running || { say "not running (scripts/$SERVICE start)"; exit 1; }; "$show_fn" ;;
    status) if running; then say "running on 127.0.0.1:$PORT"; else say "not running"; exit 3; fi ;;
    stop) stop ;;
    destroy) stop; rm -rf "$BASE"; say "deleted $BASE" ;;
    *) echo "usage: $0 start|$show|status|stop|destroy" >&2; exit 2 ;;
  esac
}
