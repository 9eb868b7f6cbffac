"""The printable summary's address: unguessable, bound to one result, short-lived.

``/summary/<id>``: the id is ``s1.<conversation id>.<result time (ms)>.<expiry>.<signature>``, an
HMAC-SHA256 with CHAT_SESSION_SECRET over a body no conversation token has (so neither kind is
accepted as the other). It is made only for a request that proves the conversation (the page's
cookie or its socket token, ``POST /api/summary``), and it names the result card by the time Rasa
stored it: after "Start over" (a restart) that result is gone from the conversation, and so is the
summary, even before the id expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Optional

from chat_security.conversation import is_conversation_id

TTL_SECONDS = 60 * 60
_ID_RE = re.compile(r"^s1\.(wc_[0-9a-f]{32})\.([0-9]{1,16})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class SummaryRef:
    conversation_id: str
    result_ms: int
    expires: int


def _sign(secret: str, body: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), ("summary-link|" + body).encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def make(
    secret: str, conversation_id: str, result_ms: int, ttl_seconds: int = TTL_SECONDS, now: Optional[float] = None
) -> str:
    if not is_conversation_id(conversation_id):
        raise ValueError("not a web-chat conversation id")
    expiry = int((time.time() if now is None else now) + ttl_seconds)
    body = f"s1.{conversation_id}.{int(result_ms)}.{expiry}"
    return f"{body}.{_sign(secret, body)}"


def verify(secret: str, summary_id: object, now: Optional[float] = None) -> Optional[SummaryRef]:
    """The result the id names, or None (forged, expired, malformed)."""
    if not secret or not isinstance(summary_id, str) or len(summary_id) > 160:
        return None
    match = _ID_RE.fullmatch(summary_id)
    if match is None:
        return None
    body = summary_id.rsplit(".", 1)[0]
    if not hmac.compare_digest(_sign(secret, body), match.group(4)):
        return None
    expiry = int(match.group(3))
    if expiry < (time.time() if now is None else now):
        return None
    return SummaryRef(match.group(1), int(match.group(2)), expiry)
