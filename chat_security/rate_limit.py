"""A per-client token bucket for the chat channels (in one process, no I/O).

Each key (a socket.io connection, a conversation) may send `burst` messages at once and then
`rate` per second. Settings from the environment: CHAT_CLIENT_BURST (default 30) and
CHAT_CLIENT_RATE (messages per second, default 2). A person answering questions stays far below
both; a script flooding the channel is refused politely (see channels/guard.py).
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from typing import Callable, Optional

DEFAULT_BURST = 30
DEFAULT_RATE = 2.0
MAX_KEYS = 50_000


class RateLimiter:
    def __init__(
        self,
        burst: float = DEFAULT_BURST,
        rate: float = DEFAULT_RATE,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("burst must be >= 1 and rate > 0")
        self.burst = float(burst)
        self.rate = float(rate)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, time)

    @classmethod
    def from_env(cls, environ=os.environ) -> RateLimiter:
        def number(name: str, default: float) -> float:
            try:
                return float(environ.get(name, "") or default)
            except ValueError:
                return default

        return cls(burst=number("CHAT_CLIENT_BURST", DEFAULT_BURST), rate=number("CHAT_CLIENT_RATE", DEFAULT_RATE))

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        """Takes one token from `key`'s bucket; False when it is empty."""
        now = self.clock() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:  # forget the least recently seen clients
            self._buckets.popitem(last=False)
        return allowed

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
