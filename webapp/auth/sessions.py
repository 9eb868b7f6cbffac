"""Server-side sessions and their CSRF tokens.

A session is a row of ``web_sessions`` in the records' database (``DB_URL``: SQLite by default,
PostgreSQL in the cluster; the engine comes from ``records.store.make_engine``). The cookie holds a
random session secret, signed with ``WEB_SECRET_KEY`` so forged cookies are refused without a
database look-up; the table keeps only the secret's SHA-256, so reading the database does not give
anyone a usable session. Sign-out deletes the row, so the old cookie opens nothing from then on.

A session ends at the first of: sign-out, its absolute lifetime (``MILD_SESSION_HOURS``, 8), or
idleness (``MILD_REVIEW_IDLE_MINUTES``, 30; ``MILD_STAFF_IDLE_MINUTES``, 60). ``last_seen`` is written
at most once per ``touch_seconds`` so each page view is not a database write.

The CSRF token of a form is an HMAC of the session cookie: it changes with every sign-in and is
worthless without the secret key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Mapping, Optional
from urllib.parse import urlparse

import sqlalchemy as sa
from aiohttp import web

logger = logging.getLogger(__name__)

metadata = sa.MetaData()
sessions_table = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 (hex) of the cookie's session secret
    sa.Column("account", sa.String(200), nullable=False, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("part", sa.String(20), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

DEFAULT_IDLE_MINUTES = {"review": 30, "staff": 60}
PURGE_EVERY_SECONDS = 600


def session_seconds(env: Optional[Mapping[str, str]] = None) -> int:
    env = os.environ if env is None else env
    return int(_positive(env.get("MILD_SESSION_HOURS"), 8, "MILD_SESSION_HOURS") * 3600)


def idle_seconds(part: str, env: Optional[Mapping[str, str]] = None) -> float:
    """``MILD_<PART>_IDLE_MINUTES`` (review 30, staff 60) in seconds."""
    env = os.environ if env is None else env
    var = f"MILD_{part.upper()}_IDLE_MINUTES"
    return _positive(env.get(var), DEFAULT_IDLE_MINUTES.get(part, 30), var) * 60


def _positive(text: Optional[str], default: float, name: str) -> float:
    if text is None or not str(text).strip():
        return float(default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        logger.warning("%s=%r is not a positive number: using %s", name, text, default)
        return float(default)
    return value


@dataclass(frozen=True)
class SessionUser:
    name: str
    role: str
    display_name: str
    part: str
    expires: float
    token: str

    @property
    def label(self) -> str:
        return self.display_name or self.name


class SessionSigner:
    def __init__(self, secret: str):
        if not secret:
            raise ValueError("a secret key is required")
        self._key = hashlib.sha256(("mild-session|" + secret).encode("utf-8")).digest()

    def sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()).decode().rstrip("=")

    def dumps(self, data: Mapping[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{payload}.{self.sign(payload.encode())}"

    def loads(self, token: Optional[str]) -> Optional[dict]:
        if not token or len(token) > 4096 or token.count(".") != 1:
            return None
        payload, signature = token.split(".")
        if not hmac.compare_digest(signature, self.sign(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def csrf_for(self, token: str) -> str:
        return self.sign(b"csrf|" + token.encode())[:32]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def memory_engine() -> sa.engine.Engine:
    """An in-memory SQLite database shared by all threads (an Auth made without a database)."""
    return sa.create_engine(
        "sqlite://", future=True, poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False}
    )


class SessionStore:
    """The ``web_sessions`` table. Blocking (SQLAlchemy): call from a thread in request handlers."""

    def __init__(self, engine: sa.engine.Engine, touch_seconds: float = 60.0):
        self.engine = engine
        self.touch_seconds = touch_seconds
        self._ready = False
        self._lock = threading.Lock()
        self._last_purge = 0.0

    def ensure_table(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            try:
                sessions_table.create(self.engine, checkfirst=True)
            except sa.exc.SQLAlchemyError:
                # another process created it between the check and the CREATE
                if not sa.inspect(self.engine).has_table(sessions_table.name):
                    raise
            self._ready = True

    def create(self, account: str, role: str, part: str, now: float, lifetime: float) -> str:
        """A new session; returns its secret (for the cookie; only its hash is stored)."""
        self.ensure_table()
        secret = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                sessions_table.insert(),
                {
                    "id": _digest(secret),
                    "account": account,
                    "role": role,
                    "part": part,
                    "created_at": now,
                    "last_seen": now,
                    "expires_at": now + lifetime,
                },
            )
        if now - self._last_purge > PURGE_EVERY_SECONDS:
            self._last_purge = now
            self.purge(now)
        return secret

    def get(self, secret: str, part: str, now: float, idle: float) -> Optional[dict]:
        """The live session row of `part` for this secret, or None (an ended one is deleted)."""
        self.ensure_table()
        key = _digest(secret)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions_table).where(sessions_table.c.id == key)).mappings().first()
        if row is None or row["part"] != part:
            return None
        if now >= row["expires_at"] or now - row["last_seen"] >= idle:
            self.revoke(secret)
            return None
        if now - row["last_seen"] >= min(self.touch_seconds, idle / 10):
            with self.engine.begin() as conn:
                conn.execute(sessions_table.update().where(sessions_table.c.id == key).values(last_seen=now))
        return dict(row)

    def revoke(self, secret: str) -> bool:
        self.ensure_table()
        with self.engine.begin() as conn:
            return conn.execute(sessions_table.delete().where(sessions_table.c.id == _digest(secret))).rowcount > 0

    def revoke_account(self, account: str) -> int:
        """End every session of an account (all parts); returns how many."""
        self.ensure_table()
        with self.engine.begin() as conn:
            return conn.execute(sessions_table.delete().where(sessions_table.c.account == account)).rowcount

    def purge(self, now: float, max_idle: float = 24 * 3600) -> int:
        """Delete the rows of sessions that have ended (kept no longer than needed)."""
        self.ensure_table()
        with self.engine.begin() as conn:
            return conn.execute(
                sessions_table.delete().where(
                    (sessions_table.c.expires_at <= now) | (sessions_table.c.last_seen <= now - max_idle)
                )
            ).rowcount

    def count(self, account: Optional[str] = None) -> int:
        self.ensure_table()
        query = sa.select(sa.func.count()).select_from(sessions_table)
        if account is not None:
            query = query.where(sessions_table.c.account == account)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)


# --- CSRF -----------------------------------------------------------------------------------------


def same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        referer = request.headers.get("Referer")
        if not referer:
            return origin is None
        origin = referer
    return urlparse(origin).netloc == request.host


def csrf_matches(expected: str, given: Any) -> bool:
    return bool(expected) and hmac.compare_digest(expected, str(given or ""))
