"""Sign-in for the staff console and the review pages (one package, two separate roles).

    passwords.py  PBKDF2 hashing, the accounts (file / environment / demo), constant-cost checks
    sessions.py   server-side sessions in the records' database, the signed cookie, CSRF
    lockout.py    failed sign-in limits (per client and user, global back-off), the client's address
    core.py       Auth: the above together, hashing off the event loop
    routes.py     /{part}/login, /{part}/logout, require_role, current_user, csrf_token, check_csrf
    cli.py        python -m webapp.auth hash | sign-out
    webapp/templates/auth/login.html  the sign-in page

Accounts
    From the JSON or YAML file named by ``MILD_ACCOUNTS_FILE``::

        {"accounts": [{"name": "drlee", "role": "clinician", "password_hash": "pbkdf2_sha256$...",
                       "display_name": "Dr. Lee"}]}

    and/or from ``MILD_STAFF_USERS`` / ``MILD_CLINICIAN_USERS`` as ``name:hash,name:hash``; make a hash
    with ``python -m webapp.auth hash`` (add ``--name NAME`` for the ``name:hash`` form). In
    development without any configured account, demo accounts ``demo-staff`` and ``demo-clinician``
    are created (passwords printed once, kept in ``var/dev-accounts.txt``). In production
    (``MILD_ENV=production``) a part without accounts for its role, or without ``WEB_SECRET_KEY``,
    refuses to start: its pages answer 503.

Sessions, sign-in limits: see sessions.py, lockout.py and docs/security.md.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from aiohttp import web

from webapp.auth.cli import main
from webapp.auth.core import AUTH_KEY, SESSION_SECONDS, Auth
from webapp.auth.lockout import MAX_FAILURES, Lockout, client_address, trusted_proxies_from_env
from webapp.auth.passwords import (
    ALGORITHM,
    DEFAULT_ITERATIONS,
    ROLES,
    Account,
    AccountError,
    Accounts,
    hash_password,
    verify_password,
)
from webapp.auth.routes import (
    PARTS_BY_ROLE,
    check_csrf,
    cookie_name,
    csrf_token,
    current_user,
    load_user,
    require_role,
    setup_login,
)
from webapp.auth.sessions import SessionSigner, SessionStore, SessionUser, same_origin

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_ACCOUNTS_FILE = REPO_ROOT / "var" / "dev-accounts.txt"

__all__ = [
    "ALGORITHM",
    "AUTH_KEY",
    "Account",
    "AccountError",
    "Accounts",
    "Auth",
    "DEFAULT_ITERATIONS",
    "DEV_ACCOUNTS_FILE",
    "Lockout",
    "MAX_FAILURES",
    "PARTS_BY_ROLE",
    "ROLES",
    "SESSION_SECONDS",
    "SessionSigner",
    "SessionStore",
    "SessionUser",
    "check_csrf",
    "client_address",
    "cookie_name",
    "csrf_token",
    "current_user",
    "get_auth",
    "hash_password",
    "load_user",
    "main",
    "require_role",
    "same_origin",
    "setup_login",
    "verify_password",
]


def get_auth(app: web.Application, config: Any) -> Auth:
    """The app's Auth, created on first use (so demo accounts are made and printed only once).

    Sessions live in the records' database (``config.records_db_url()``)."""
    if AUTH_KEY in app:
        return app[AUTH_KEY]
    from records.store import make_engine

    production = bool(getattr(config, "production", False))
    accounts = Accounts.from_env()
    dev_file = DEV_ACCOUNTS_FILE
    if len(accounts) == 0 and not production:
        accounts, passwords, reused = Accounts.demo_accounts(dev_file)
        where = dev_file.relative_to(REPO_ROOT) if dev_file.is_relative_to(REPO_ROOT) else dev_file
        print("Development sign-in (no accounts configured; never used in production):", flush=True)
        for name, password in passwords.items():
            print(f"  {name}  password: {password}", flush=True)
        print(f"  (kept in {where}{', reused' if reused else ''})", flush=True)
    secret = getattr(config, "secret_key", "") or ""
    if not secret and not production:
        secret = secrets.token_hex(32)
        logger.warning("WEB_SECRET_KEY is not set: using a random key, sessions end when the server restarts")
    sessions = SessionStore(make_engine(config.records_db_url()))
    auth = Auth(accounts, secret, production, sessions=sessions, trusted_proxies=trusted_proxies_from_env())
    app[AUTH_KEY] = auth

    async def close(_app: web.Application) -> None:
        auth.close()
        sessions.engine.dispose()

    app.on_cleanup.append(close)  # type: ignore[arg-type]  # aiohttp's Signal typing, not ours
    return auth
