"""Web-chat conversation ids issued by the server and the signed tokens that bind them.

A web-chat conversation id is ``wc_`` + 32 random hex digits. Only the server makes one
(`new_conversation_id`); a client never chooses it. Knowing an id is worth nothing: every use of
a web-chat conversation needs a token signed with CHAT_SESSION_SECRET, which the web server
(``/api/session``) and the Rasa socket.io channel share through the environment.

A token is ``v1.<purpose>.<conversation id>.<expiry (unix seconds)>.<signature>``, the signature
an HMAC-SHA256 of everything before it. Purposes:

- ``cookie``: the web server's HttpOnly, SameSite=Strict cookie (the patient page's own browser);
- ``socket``: short-lived, handed to the page (or a future embed on another origin) to present to
  socket.io in ``session_request`` (and to ``/api/history`` as a Bearer token);
- ``resume``: the embed's chat frame on another site, which cannot count on a cookie (a third-party
  context), keeps it in its own storage to find its conversation after the host page reloads
  (``POST /embed/session``); as long-lived as the cookie.

A token of one purpose is not accepted for another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from typing import Optional

PREFIX = "wc_"
CONVERSATION_ID_RE = re.compile(r"^wc_[0-9a-f]{32}$")
SECRET_ENV = "CHAT_SESSION_SECRET"
MIN_SECRET_CHARS = 16

COOKIE = "cookie"
SOCKET = "socket"
RESUME = "resume"
COOKIE_TTL_SECONDS = 24 * 3600
SOCKET_TTL_SECONDS = 2 * 3600
RESUME_TTL_SECONDS = COOKIE_TTL_SECONDS
_PURPOSES = (COOKIE, SOCKET, RESUME)
_MAX_TOKEN_CHARS = 200


class MissingSecret(RuntimeError):
    pass


def new_conversation_id() -> str:
    return PREFIX + secrets.token_hex(16)


def is_conversation_id(value: object) -> bool:
    return isinstance(value, str) and CONVERSATION_ID_RE.fullmatch(value) is not None


def looks_like_web_chat_id(value: object) -> bool:
    """Any sender id in the web chat's namespace (other channels must never write there)."""
    return isinstance(value, str) and value.strip().lower().startswith(PREFIX)


def secret_from_env(environ=os.environ) -> str:
    secret = environ.get(SECRET_ENV, "")
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSecret(
            f"{SECRET_ENV} is not set (or shorter than {MIN_SECRET_CHARS} characters): the web server and the "
            "Rasa socket.io channel need the same secret (scripts/env.sh makes one in var/chat-secret)"
        )
    return secret


def _sign(secret: str, body: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), body.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def make_token(secret: str, conversation_id: str, purpose: str, ttl_seconds: int, now: Optional[float] = None) -> str:
    if purpose not in _PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    if not is_conversation_id(conversation_id):
        raise ValueError("not a web-chat conversation id")
    expiry = int((time.time() if now is None else now) + ttl_seconds)
    body = f"v1.{purpose}.{conversation_id}.{expiry}"
    return f"{body}.{_sign(secret, body)}"


def verify_token(secret: str, token: object, purpose: str, now: Optional[float] = None) -> Optional[str]:
    """The conversation id the token binds, or None (forged, expired, other purpose, malformed)."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS or not secret:
        return None
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != "v1" or parts[1] != purpose:
        return None
    _, _, conversation_id, expiry, signature = parts
    if not is_conversation_id(conversation_id) or not expiry.isdigit():
        return None
    expected = _sign(secret, ".".join(parts[:4]))
    if not hmac.compare_digest(expected, signature):
        return None
    if int(expiry) < (time.time() if now is None else now):
        return None
    return conversation_id
