"""A raw socket.io client of the web chat (python-socketio, as installed with Rasa), for tests that
act like a patient's page or like an attacker who skips the page."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from typing import Any, Dict, List, Optional

import socketio


def web_session(web_url: str, cookie: Optional[str] = None, new: bool = False) -> Dict[str, Any]:
    """POST /api/session as the page does: {session_id, token, expires_in, cookie}."""
    request = urllib.request.Request(
        web_url + "/api/session",
        data=json.dumps({"new": new}).encode(),
        headers={"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310 (local)
        body = json.loads(resp.read())
        body["cookie"] = resp.headers.get("Set-Cookie", "").split(";", 1)[0]
        body["set_cookie"] = resp.headers.get("Set-Cookie", "")
    return body


class SocketPatient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.received: List[Any] = []
        self.confirmed: List[str] = []
        self._confirm = asyncio.Event()
        self.sio.on("bot_uttered", self._on_bot)
        self.sio.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Any) -> None:
        self.received.append(data)

    async def _on_confirm(self, data: Any) -> None:
        self.confirmed.append(data)
        self._confirm.set()

    async def open(self, session_request: Any) -> str:
        """Connects and sends `session_request`; returns the conversation id the server confirmed."""
        await self.sio.connect(self.url, transports=["websocket"], socketio_path="socket.io", wait_timeout=10)
        self._confirm.clear()
        await self.sio.emit("session_request", session_request)
        await asyncio.wait_for(self._confirm.wait(), 15)
        return self.confirmed[-1]

    async def say(self, data: Any, wait: float = 30.0, quiet: float = 0.5) -> List[Any]:
        """Emits user_uttered; the bot messages that came back (the first, then until `quiet` s of silence)."""
        start = len(self.received)
        await self.sio.emit("user_uttered", data)
        return await self.collect(start, wait, quiet)

    async def collect(self, start: int, wait: float = 30.0, quiet: float = 0.5) -> List[Any]:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and len(self.received) == start:
            await asyncio.sleep(0.05)
        last, since = len(self.received), time.monotonic()
        while time.monotonic() - since < quiet and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if len(self.received) != last:
                last, since = len(self.received), time.monotonic()
        return self.received[start:]

    async def close(self) -> None:
        await self.sio.disconnect()


def texts(messages: List[Any]) -> List[str]:
    return [m.get("text", "") for m in messages if isinstance(m, dict)]


def run_async(coroutine, timeout: float):
    """Runs a coroutine to its end in a thread of its own (Playwright's sync API keeps an event loop
    running in the test's thread, so asyncio.run cannot be called there)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, timeout)).result()
