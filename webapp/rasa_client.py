"""Talks to the Rasa server over HTTP: a conversation's tracker through Rasa's HTTP API (with the
auth token) and messages to a channel's webhook (``POST {RASA_URL}/webhooks/{channel}/webhook``).

Every failure is a ``RasaUnavailable`` whose text is a short reason (an HTTP status, an exception's
class name, a wrong reply shape), never a message text, so callers may log it as it is:

    RasaHTTPStatus   Rasa answered, but not with HTTP 200 (``.status``)
    RasaUnreachable  no answer: connection error, time-out, or a body that is not JSON (``.error``)
    RasaBadReply     JSON, but not the shape the endpoint returns
"""

from __future__ import annotations

import asyncio
from typing import Any, Mapping, Optional

import aiohttp


class RasaUnavailable(Exception):
    """Rasa did not answer as expected."""


class RasaHTTPStatus(RasaUnavailable):
    def __init__(self, what: str, status: int):
        super().__init__(f"{what} answered HTTP {status}")
        self.status = status


class RasaUnreachable(RasaUnavailable):
    def __init__(self, exc: BaseException):
        super().__init__(type(exc).__name__)
        self.error = type(exc).__name__


class RasaBadReply(RasaUnavailable):
    pass


class RasaClient:
    def __init__(self, rasa_url: str, rasa_token: str = "", timeout: Optional[float] = None):
        self.rasa_url = rasa_url.rstrip("/")
        self.rasa_token = rasa_token or ""
        # Seconds a call may take (None: the HTTP session's own limit).
        self.timeout = aiohttp.ClientTimeout(total=timeout) if timeout else None

    async def tracker(self, http: aiohttp.ClientSession, sender: str, include_events: str = "ALL") -> dict:
        """``GET /conversations/{sender}/tracker`` (with the HTTP API token, when there is one)."""
        params = {"include_events": include_events}
        if self.rasa_token:
            params["token"] = self.rasa_token
        data = await self._json(
            http.get, f"{self.rasa_url}/conversations/{sender}/tracker", "tracker", params=params, **self._limits()
        )
        if not isinstance(data, dict):
            raise RasaBadReply("tracker is not an object")
        return data

    async def post_webhook(
        self,
        http: aiohttp.ClientSession,
        channel: str,
        body: Mapping[str, Any],
        headers: Optional[Mapping[str, str]] = None,
    ) -> list:
        """``POST /webhooks/{channel}/webhook``: the bot's messages in answer to `body`."""
        what = f"{channel} channel"
        data = await self._json(
            http.post, f"{self.rasa_url}/webhooks/{channel}/webhook", what, json=body, headers=headers, **self._limits()
        )
        if not isinstance(data, list):
            raise RasaBadReply(f"{what} answered something other than a list")
        return data

    def _limits(self) -> dict:
        return {"timeout": self.timeout} if self.timeout else {}

    @staticmethod
    async def _json(method: Any, url: str, what: str, **kwargs: Any) -> Any:
        try:
            async with method(url, **kwargs) as resp:
                if resp.status != 200:
                    raise RasaHTTPStatus(what, resp.status)
                return await resp.json(content_type=None)
        # asyncio.TimeoutError (aiohttp's time limit) is not the built-in TimeoutError on 3.10
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, ValueError) as exc:
            raise RasaUnreachable(exc) from exc
