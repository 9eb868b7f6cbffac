"""Slowing down password guessing without letting anyone lock a user out for everyone.

Two limits, both in memory of the web process, both keyed by the part and the user name as typed
(known or not: the limits must not tell which names exist):

* **Per client and user** — ``MAX_FAILURES`` (5) failed sign-ins within ``WINDOW`` (10 min) from one
  client lock that client out for that user name until the oldest failure leaves the window; the
  correct password is refused too while it holds. A *client* is a browser that has signed in to
  this account before (its device cookie, see routes.py) or else the client's IP address: the TCP
  peer, or, only when the peer is one of ``MILD_TRUSTED_PROXIES``, the address that proxy put in
  ``X-Forwarded-For``. Other clients are not affected.
* **Global per user, for unknown browsers** — sign-ins from browsers without this user's device
  cookie also count together: after ``GLOBAL_FREE`` (10) failures within ``GLOBAL_WINDOW`` (1 h), each further
  try must wait ``GLOBAL_BASE * 2**(n - GLOBAL_FREE)`` seconds (at most ``GLOBAL_MAX``, 60) after the
  latest failure. A distributed attack then gets about one guess a minute, while the user's own
  browser (with its device cookie) is never slowed by it.

An attempt is counted *before* its password is checked (and taken back when it succeeds), so
parallel requests cannot slip past the limit while their hashes are computed.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections import OrderedDict
from typing import Iterable, Mapping, Optional, Sequence

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW = 600.0
GLOBAL_FREE = 10
GLOBAL_WINDOW = 3600.0
GLOBAL_BASE = 1.0
GLOBAL_MAX = 60.0
MAX_KEYS = 20_000  # bounded memory whatever names and addresses an attacker sprays


class _Failures:
    """key -> failure times within the window, oldest keys dropped beyond MAX_KEYS."""

    def __init__(self, window: float, max_keys: int):
        self.window = window
        self.max_keys = max_keys
        self._times: OrderedDict[str, list[float]] = OrderedDict()

    def recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._times.get(key, ()) if now - t < self.window]
        if times:
            self._times[key] = times
        else:
            self._times.pop(key, None)
        return times

    def add(self, key: str, now: float) -> None:
        self._times.setdefault(key, []).append(now)
        self._times.move_to_end(key)
        while len(self._times) > self.max_keys:
            self._times.popitem(last=False)

    def remove(self, key: str, when: float) -> None:
        times = self._times.get(key)
        if times and when in times:
            times.remove(when)
            if not times:
                self._times.pop(key, None)

    def clear(self, key: str) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)


class Lockout:
    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW,
        global_free: int = GLOBAL_FREE,
        global_base: float = GLOBAL_BASE,
        global_max: float = GLOBAL_MAX,
        max_keys: int = MAX_KEYS,
        global_window: float = GLOBAL_WINDOW,
    ):
        self.max_failures = max_failures
        self.window = window
        self.global_free = global_free
        self.global_base = global_base
        self.global_max = global_max
        self._client = _Failures(window, max_keys)
        self._user = _Failures(global_window, max_keys)

    def wait(self, client: str, user: str, trusted: bool, now: float) -> float:
        """Seconds this client must wait before trying this user name again (0: it may try now)."""
        waits = [0.0]
        recent = self._client.recent(f"{client}|{user}", now)
        if len(recent) >= self.max_failures:
            waits.append(recent[-self.max_failures] + self.window - now)
        if not trusted:
            failures = self._user.recent(user, now)
            excess = len(failures) - self.global_free
            if excess >= 0:
                delay = min(self.global_base * (2 ** min(excess, 30)), self.global_max)
                waits.append(failures[-1] + delay - now)
        return max(waits)

    def attempt(self, client: str, user: str, trusted: bool, now: float) -> float:
        """Count an attempt as failed unless ``succeeded`` takes it back; returns the wait instead when
        the client must wait (then nothing is counted)."""
        wait = self.wait(client, user, trusted, now)
        if wait > 0:
            return wait
        self._client.add(f"{client}|{user}", now)
        if not trusted:
            self._user.add(user, now)
        return 0.0

    def succeeded(self, client: str, user: str, trusted: bool, when: float) -> None:
        """The attempt made at `when` succeeded: this client's failures for the user are forgotten, and
        the attempt no longer counts toward the global back-off (earlier failures still do)."""
        self._client.clear(f"{client}|{user}")
        if not trusted:
            self._user.remove(user, when)


# --- who is the client ----------------------------------------------------------------------------


def parse_networks(text: Optional[str]) -> tuple:
    """``MILD_TRUSTED_PROXIES``: addresses or networks, comma or space separated ("127.0.0.1, 10.0.0.0/8")."""
    networks = []
    for item in (text or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            logger.warning("MILD_TRUSTED_PROXIES: %r is not an address or network; ignored", item)
    return tuple(networks)


def trusted_proxies_from_env(env: Optional[Mapping[str, str]] = None) -> tuple:
    env = os.environ if env is None else env
    return parse_networks(env.get("MILD_TRUSTED_PROXIES"))


def _ip(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks: Iterable) -> bool:
    return address is not None and any(address in n for n in networks)


def client_address(peer: Optional[str], forwarded_for: Sequence[str], trusted: Sequence) -> str:
    """The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most
    address of X-Forwarded-For that is not itself a trusted proxy (what nginx's real_ip_recursive
    does). A client can prepend anything to X-Forwarded-For; only what the trusted hops appended
    counts."""
    current = _ip(peer or "")
    if current is None:
        return peer or "unknown"
    hops = [h for header in forwarded_for for h in header.split(",") if h.strip()]
    while _trusted(current, trusted) and hops:
        previous = _ip(hops.pop())
        if previous is None:
            break  # garbage: keep the last address a trusted hop vouched for
        current = previous
    return str(current)
