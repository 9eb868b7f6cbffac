"""``Auth``: the accounts, sessions and sign-in limits shared by every part of one app."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Mapping, Optional

from aiohttp import web

from webapp.auth.lockout import Lockout
from webapp.auth.passwords import Account, Accounts
from webapp.auth.sessions import SessionSigner, SessionStore, SessionUser, idle_seconds, memory_engine, session_seconds

SESSION_SECONDS = session_seconds()
HASH_THREADS = 2  # PBKDF2 releases the GIL; two threads keep both cores busy, never the event loop


class Auth:
    def __init__(
        self,
        accounts: Accounts,
        secret: str,
        production: bool,
        sessions: Optional[SessionStore] = None,
        clock: Callable[[], float] = time.time,
        idle: Optional[Mapping[str, float]] = None,
        lockout: Optional[Lockout] = None,
        trusted_proxies: tuple = (),
        session_lifetime: Optional[float] = None,
    ):
        self.accounts = accounts
        self.signer = SessionSigner(secret) if secret else None
        self.production = production
        self.sessions = sessions or SessionStore(memory_engine())
        self.clock = clock
        self.idle = dict(idle or {})
        self.lockout = lockout or Lockout()
        self.trusted_proxies = tuple(trusted_proxies)
        self.session_lifetime = SESSION_SECONDS if session_lifetime is None else session_lifetime
        self._hash_pool: Optional[ThreadPoolExecutor] = None

    def idle_for(self, part: str) -> float:
        if part not in self.idle:
            self.idle[part] = idle_seconds(part)
        return self.idle[part]

    # -- passwords (off the event loop) --------------------------------------------------------------
    async def authenticate(self, name: str, password: str) -> Optional[Account]:
        if self._hash_pool is None:
            self._hash_pool = ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="pbkdf2")
        return await asyncio.get_running_loop().run_in_executor(
            self._hash_pool, self.accounts.authenticate, name, password
        )

    def close(self) -> None:
        if self._hash_pool is not None:
            self._hash_pool.shutdown(wait=False)
            self._hash_pool = None

    # -- sessions (blocking: database) ----------------------------------------------------------------
    def issue(self, account: Account, part: str, now: Optional[float] = None) -> str:
        """A new session for the account on this part; returns the cookie value."""
        now = self.clock() if now is None else now
        secret = self.sessions.create(account.name, account.role, part, now, self.session_lifetime)
        return self.require_signer().dumps({"s": secret, "p": part})

    def _secret(self, token: Optional[str], part: str) -> Optional[str]:
        if self.signer is None:
            return None
        data = self.signer.loads(token)
        if not data or data.get("p") != part or not isinstance(data.get("s"), str):
            return None
        return data["s"]

    def user_from_token(self, token: Optional[str], part: str, now: Optional[float] = None) -> Optional[SessionUser]:
        secret = self._secret(token, part)
        if secret is None:
            return None
        now = self.clock() if now is None else now
        row = self.sessions.get(secret, part, now, self.idle_for(part))
        if row is None:
            return None
        account = self.accounts.get(row["account"])
        if account is None or account.role != row["role"]:
            return None  # the account was removed or changed role since
        assert token is not None  # a secret was read from it
        return SessionUser(account.name, account.role, account.display_name, part, float(row["expires_at"]), token)

    def revoke(self, token: Optional[str], part: str) -> bool:
        secret = self._secret(token, part)
        return self.sessions.revoke(secret) if secret else False

    def csrf_for(self, token: str) -> str:
        return self.require_signer().csrf_for(token)

    def require_signer(self) -> SessionSigner:
        """The signer; there is none only when sign-in is unavailable (production without a secret)."""
        if self.signer is None:
            raise RuntimeError("sign-in is unavailable: no WEB_SECRET_KEY")
        return self.signer


AUTH_KEY = web.AppKey("mild_auth", Auth)
