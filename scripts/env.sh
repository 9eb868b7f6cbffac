# Sourced by the scripts: single-machine defaults for every setting that endpoints.yml and the
# servers read from the environment. Anything already set in the environment wins.
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export WEB_PORT="${WEB_PORT:-8080}"
# The web origins trusted by Rasa's HTTP API (CORS), the socket.io channel and the embed
# (chat_security/origins.py): the pages of this machine unless set; add the clinic's site to embed.
export MILD_ALLOWED_ORIGINS="${MILD_ALLOWED_ORIGINS:-http://localhost:${WEB_PORT} http://127.0.0.1:${WEB_PORT}}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

mkdir -p var
chmod 700 var  # secrets and PHI: the owner's only
# Secrets are generated under umask 077 and kept 0600.
_mild_secret() {  # file: print its secret, generating it first when missing
  [ -s "$1" ] || (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$1")
  chmod 600 "$1"
  cat "$1"
}
# The HTTP API token: generated once per machine when not given, kept in var/ (not in git).
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(_mild_secret var/rasa-token)
  export RASA_AUTH_TOKEN
  export MILD_TOKEN_GENERATED=1
fi
if [ -z "${WEB_SECRET_KEY:-}" ]; then
  WEB_SECRET_KEY=$(_mild_secret var/web-secret)
  export WEB_SECRET_KEY
fi

# Signs the web chat's conversation tokens: shared by the web server and Rasa's socket.io channel.
if [ -z "${CHAT_SESSION_SECRET:-}" ]; then
  CHAT_SESSION_SECRET=$(_mild_secret var/chat-secret)
  export CHAT_SESSION_SECRET
fi

if [ -z "${STAFF_CHANNEL_TOKEN:-}" ]; then
  STAFF_CHANNEL_TOKEN=$(_mild_secret var/staff-channel-token)
  export STAFF_CHANNEL_TOKEN
fi

# Tracker store: SQLite file by default; PostgreSQL when DB_URL=postgresql://user:pw@host:port/db.
export DB_URL="${DB_URL:-sqlite:///var/rasa.db}"
eval "$(.venv/bin/python -m scripts.db_env "$DB_URL")"
