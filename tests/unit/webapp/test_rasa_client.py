"""webapp.rasa_client against a fake Rasa: every failure becomes RasaUnavailable with a short reason."""

from __future__ import annotations

import asyncio
import concurrent.futures

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from webapp.rasa_client import RasaBadReply, RasaClient, RasaHTTPStatus, RasaUnreachable


def _fake_rasa(delay: float = 0.0, status: int = 200, tracker=None) -> web.Application:
    async def tracker_route(request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        body = (
            tracker
            if tracker is not None
            else {"sender_id": request.match_info["sender"], "token": request.query.get("token")}
        )
        return web.json_response(body, status=status)

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response([{"recipient_id": body["sender"], "text": "hello"}])

    app = web.Application()
    app.router.add_get("/conversations/{sender}/tracker", tracker_route)
    app.router.add_post("/webhooks/{channel}/webhook", webhook)
    return app


def _run(app: web.Application, call, timeout: float = 5.0):
    async def main():
        async with TestServer(app) as server:
            client = RasaClient(str(server.make_url("")), rasa_token="tok")
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
                return await call(client, http)

    # pytest may already run an event loop in this thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def test_tracker_sends_the_token_and_returns_the_tracker():
    data = _run(_fake_rasa(), lambda c, h: c.tracker(h, "abc"))
    assert data == {"sender_id": "abc", "token": "tok"}


def test_webhook_returns_the_bot_messages():
    data = _run(_fake_rasa(), lambda c, h: c.post_webhook(h, "staff", {"sender": "s1", "message": "hi"}))
    assert data == [{"recipient_id": "s1", "text": "hello"}]


def test_http_error_status_is_reported_with_the_status():
    with pytest.raises(RasaHTTPStatus) as err:
        _run(_fake_rasa(status=500), lambda c, h: c.tracker(h, "abc"))
    assert err.value.status == 500 and str(err.value) == "tracker answered HTTP 500"


def test_wrong_shape_is_a_bad_reply():
    with pytest.raises(RasaBadReply):
        _run(_fake_rasa(tracker=[1, 2]), lambda c, h: c.tracker(h, "abc"))


def test_a_slow_rasa_is_unreachable_not_a_crash():
    # aiohttp's time limit raises asyncio.TimeoutError, which is not the built-in TimeoutError on 3.10
    with pytest.raises(RasaUnreachable) as err:
        _run(_fake_rasa(delay=2.0), lambda c, h: c.tracker(h, "abc"), timeout=0.3)
    assert err.value.error == "TimeoutError"


def test_connection_refused_is_unreachable():
    async def call(client, http):
        return await RasaClient("http://127.0.0.1:9", "").tracker(http, "abc")

    with pytest.raises(RasaUnreachable):
        _run(_fake_rasa(), call)
