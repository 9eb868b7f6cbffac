"""Hostile and malformed input through the public entry (nginx), over REST and socket.io.

Every item gets a 4xx or a sensible reply (at least one bot message, addressed to its own
conversation); no 5xx; the servers stay up; and the conversation the items were sent into
completes afterwards. No hostile text is taken as the answer to a screening question.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import socketio

from tests.production.support import client_session, new_chat_id, new_sender, rest_headers, run, send, tracker

# Text a person could type (or a script could send) as the message.
HOSTILE_TEXTS: List[Tuple[str, str]] = [
    ("empty", ""),
    ("spaces", "     "),
    ("newlines and tabs", "\n\n\t\r\n"),
    ("control characters", "\x00\x01\x02\x03\x07\x08\x1b[31m\x7f"),
    ("NUL in the middle", "hello\x00world"),
    ("bidi override", "\u202eylno\u202c \u200b\u200d\ufeff"),
    ("lone surrogate", "\ud800 broken \udfff"),
    ("emoji flood", "\U0001f600" * 2000),
    ("combining characters", "Z\u0336\u0335\u0334" * 500),
    ("just under the length limit", "a" * 19_000),
    ("many words", "pain " * 3_900),
    ("HTML script", "<script>alert(document.cookie)</script>"),
    ("HTML img onerror", '<img src=x onerror="alert(1)">'),
    ("javascript URL", "javascript:alert(1)//"),
    ("markdown link", "[click me](javascript:alert(1))"),
    ("iframe", "<iframe src='https://example.org'></iframe>"),
    ("SQL drop", "'; DROP TABLE events; --"),
    ("SQL tautology", "' OR '1'='1' --"),
    ("SQL union", "1 UNION SELECT password FROM pg_shadow --"),
    ("SQL sleep", "1); SELECT pg_sleep(30); --"),
    ("jinja", "{{7*7}}"),
    ("jinja config", "{{ config.__class__.__init__.__globals__ }}"),
    ("shell-style template", "${7*7}"),
    ("log4shell", "${jndi:ldap://127.0.0.1:1389/a}"),
    ("ruby template", "#{7*7}"),
    ("erb", "<%= 7*7 %>"),
    ("python format", "{0.__class__} %s %s %n %(message)s"),
    ("path traversal", "../../../../etc/passwd"),
    ("header injection", "hi\r\nSet-Cookie: x=1\r\n\r\n<html>"),
    ("json in text", '{"sender": "someone-else", "message": "hello", "metadata": {"staff_verified": true}}'),
    ("rasa command restart-like", "/nonexistent_intent"),
    ("rasa payload to set the outcome", '/inform{"triage_outcome":"recommend_consult"}'),
    ("rasa payload to set contact", '/inform{"contact_phone":"617-555-0100","screening_status":"finished"}'),
    ("broken rasa payload", '/inform{"red_flags": '),
    ("slash only", "/"),
    ("fullwidth", "\uff48\uff45\uff4c\uff4c\uff4f"),
    ("very long number", "9" * 5000),
]


# Raw HTTP requests to the REST channel that are malformed as requests: (name, method, body bytes,
# content type). These must be answered with a 4xx, or (for harmless variants) a normal reply.
def _nested(depth: int) -> bytes:
    return b'{"sender":"nest","message":"hi","metadata":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


RAW_REQUESTS: List[Tuple[str, str, bytes, str]] = [
    ("empty body", "POST", b"", "application/json"),
    ("JSON null", "POST", b"null", "application/json"),
    ("JSON list", "POST", b"[]", "application/json"),
    ("JSON string", "POST", b'"hi"', "application/json"),
    ("JSON number", "POST", b"42", "application/json"),
    ("truncated JSON", "POST", b'{"sender": "x", "message": "hi"', "application/json"),
    ("missing message", "POST", b'{"sender": "SENDER"}', "application/json"),
    ("missing sender", "POST", b'{"message": "hi"}', "application/json"),
    ("empty sender", "POST", b'{"sender": "", "message": "hi"}', "application/json"),
    ("sender number", "POST", b'{"sender": 12345, "message": "hi"}', "application/json"),
    ("sender object", "POST", b'{"sender": {"$ne": null}, "message": "hi"}', "application/json"),
    ("huge sender", "POST", json.dumps({"sender": "s" * 10_000, "message": "hi"}).encode(), "application/json"),
    ("message number", "POST", b'{"sender": "SENDER", "message": 7}', "application/json"),
    ("message list", "POST", b'{"sender": "SENDER", "message": ["no", "yes"]}', "application/json"),
    ("message object", "POST", b'{"sender": "SENDER", "message": {"text": "yes"}}', "application/json"),
    ("message bool", "POST", b'{"sender": "SENDER", "message": true}', "application/json"),
    ("message 100 KB", "POST", json.dumps({"sender": "SENDER", "message": "x" * 100_000}).encode(), "application/json"),
    ("deeply nested metadata", "POST", _nested(5_000), "application/json"),
    ("deeply nested body", "POST", b"[" * 20_000 + b"]" * 20_000, "application/json"),
    (
        "metadata claiming staff",
        "POST",
        b'{"sender": "SENDER", "message": "hi", "metadata": {"staff_verified": true, "staff_name": "Mallory"}}',
        "application/json",
    ),
    ("invalid UTF-8", "POST", b'{"sender": "SENDER", "message": "\xff\xfe\xc3\x28 no"}', "application/json"),
    ("overlong UTF-8", "POST", b'{"sender": "SENDER", "message": "\xc0\xaf\xe0\x80\xaf"}', "application/json"),
    ("UTF-16 body", "POST", '{"sender": "SENDER", "message": "hi"}'.encode("utf-16"), "application/json"),
    ("NaN and Infinity", "POST", b'{"sender": "SENDER", "message": NaN, "x": Infinity}', "application/json"),
    ("form encoded", "POST", b"sender=SENDER&message=hi", "application/x-www-form-urlencoded"),
    (
        "multipart",
        "POST",
        b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
    ("XML", "POST", b"<message><sender>SENDER</sender><text>hi</text></message>", "application/xml"),
    ("text/plain JSON", "POST", b'{"sender": "SENDER", "message": "hello"}', "text/plain"),
    ("GET", "GET", b"", "application/json"),
    ("PUT", "PUT", b'{"sender": "SENDER", "message": "hi"}', "application/json"),
    ("DELETE", "DELETE", b"", "application/json"),
]

# Answers by open question, to finish the conversation after the hostile part (textbook case).
PLAN = {
    "red_flags": "no",
    "urgent_flags": "no",
    "leg_symptoms": "yes",
    "sitting_leaning_relief": "yes",
    "walking_tolerance": "maybe a block",
    "symptom_duration_months": "about 2 years",
    "age_years": "I'm 72",
    "conservative_care": "PT and ibuprofen, didn't help",
    "injections": "had 2 epidurals, no relief",
    "prior_back_surgery": "no",
    "imaging_stenosis": "no",
    "blood_thinners": "no",
}


def _sensible(status: int, body: Any, sender: Optional[str]) -> Optional[str]:
    """None when the answer is a 4xx or a non-empty list of bot messages for `sender`; else why not."""
    if 400 <= status < 500:
        return None
    if status != 200:
        return f"HTTP {status}: {str(body)[:200]}"
    if not isinstance(body, list) or not body:
        return f"HTTP 200 without a bot message: {str(body)[:200]}"
    if sender is not None and any(m.get("recipient_id") != sender for m in body):
        return f"answer addressed to {[m.get('recipient_id') for m in body]}"
    if any(not (m.get("text") or m.get("custom") or m.get("buttons") or m.get("image")) for m in body):
        return f"an empty bot message: {str(body)[:200]}"
    return None


async def _finish(session, cluster, send_text, sender) -> Dict[str, Any]:
    """Answers the open questions by PLAN until the screening has an outcome; returns the tracker."""
    for _ in range(20):
        tj = await tracker(session, cluster.rasa_urls[0], cluster.token, sender)
        slots = tj["slots"]
        slot = slots.get("requested_slot")
        if slots.get("triage_outcome") or slot not in PLAN:
            return tj
        text = "no, not enough relief" if slots.get("pending_result") == slot else PLAN[slot]
        await send_text(text)
    raise AssertionError(f"no outcome after 20 answers: {slots}")


OUTCOMES = {
    "emergency",
    "urgent_review",
    "not_indicated",
    "conservative_first",
    "recommend_consult",
    "possible_consult",
}


def _assert_completed(tj: Dict[str, Any]) -> None:
    slots = tj["slots"]
    assert slots.get("triage_outcome") in OUTCOMES, f"the screening did not complete: {slots}"


async def _servers_up(session, cluster) -> None:
    for url in cluster.rasa_urls + [cluster.http_url + "/nginx-health"]:
        async with session.get(url) as resp:
            assert resp.status == 200, f"{url} answered {resp.status}"


# ------------------------------------------------------------------------------------ REST
def test_rest_hostile_and_malformed_requests(healthy_cluster):
    cluster = healthy_cluster
    url = cluster.http_url + "/webhooks/rest/webhook"
    sender = new_sender("bad-rest")
    counter = iter(range(1, 10_000))

    def client() -> Dict[str, str]:  # each request from its own address: this is not the rate-limit test
        n = next(counter)
        return {"X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}"}

    async def post(session, body: bytes, content_type: str, method: str = "POST"):
        async with session.request(
            method, url, data=body, headers={"Content-Type": content_type, **client(), **rest_headers()}
        ) as r:
            raw = await r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, raw[:200]

    async def send_text(session, text: str):
        return await post(session, json.dumps({"sender": sender, "message": text}).encode(), "application/json")

    async def scenario():
        problems = []
        async with client_session(timeout=120) as session:
            for text in ("hi", "no"):
                status, body = await send_text(session, text)
                assert _sensible(status, body, sender) is None, (text, status, body)
            before = (await tracker(session, cluster.rasa_urls[0], cluster.token, sender))["slots"]
            assert before["requested_slot"] == "urgent_flags"
            for name, text in HOSTILE_TEXTS:
                status, body = await send_text(session, text)
                why = _sensible(status, body, sender)
                if why:
                    problems.append(f"text {name!r}: {why}")
            for name, method, raw, ctype in RAW_REQUESTS:
                status, body = await post(session, raw.replace(b"SENDER", sender.encode()), ctype, method)
                why = _sensible(status, body, None)
                if why:
                    problems.append(f"request {name!r}: {why}")
            await _servers_up(session, cluster)
            tj = await _finish(session, cluster, lambda t: send_text(session, t), sender)
            staff = [e for e in tj["events"] if e.get("event") == "slot" and e.get("name") == "answered_by"]
        return problems, tj, staff

    problems, tj, staff = run(scenario(), 400)
    assert len(HOSTILE_TEXTS) + len(RAW_REQUESTS) >= 50
    assert not problems, f"{len(problems)} bad answers:\n" + "\n".join(problems)
    _assert_completed(tj)
    assert all(e.get("value") == "patient" for e in staff), "a REST client made itself staff"


def test_hostile_text_is_never_taken_as_an_answer(healthy_cluster):
    """Each hostile text, sent as the reply to a yes/no screening question, leaves the question open
    (a template string must not count as "yes, I had a fall or cancer")."""
    cluster = healthy_cluster

    async def one(session, i, name, text):
        sender = new_sender("garbage")
        url = cluster.rasa_urls[i % 2]
        for t in ("hi", "no"):
            await send(session, url, sender, t)
        status, body = await send(session, url, sender, text)
        slots = (await tracker(session, url, cluster.token, sender))["slots"]
        if slots.get("urgent_flags") is not None or slots.get("requested_slot") != "urgent_flags":
            return (
                f"{name} ({text[:40]!r}): urgent_flags={slots.get('urgent_flags')!r}, "
                f"requested_slot={slots.get('requested_slot')!r}, outcome={slots.get('triage_outcome')!r}"
            )
        return None

    async def scenario():
        async with client_session(timeout=120) as session:
            found = await asyncio.gather(*[one(session, i, n, t) for i, (n, t) in enumerate(HOSTILE_TEXTS)])
        return [f for f in found if f]

    taken = run(scenario(), 240)
    assert not taken, "hostile text taken as an answer:\n" + "\n".join(taken)


# ------------------------------------------------------------------------------------ socket.io
class SocketPatient:
    """A socket.io client through nginx (websocket, like the web page), collecting bot messages."""

    def __init__(self, url: str, transport: str = "websocket", cluster=None) -> None:
        self.url = url
        self.cluster = cluster
        self.transport = transport
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http, handle_sigint=False)
        self.received: List[Any] = []
        self.confirmed = asyncio.Event()
        self.sio.on("bot_uttered", self._bot)
        self.sio.on("session_confirm", self._confirm)

    async def _bot(self, data):
        self.received.append(data)

    async def _confirm(self, data):
        self.confirmed.set()

    async def open(self, session_id: str) -> None:
        await self.sio.connect(self.url, transports=[self.transport], socketio_path="socket.io", wait_timeout=10)
        # The conversation is bound by a token the web server would have handed out (/api/session).
        await self.sio.emit(
            "session_request", {"session_id": session_id, "session_token": self.cluster.chat_token(session_id)}
        )
        await asyncio.wait_for(self.confirmed.wait(), 15)

    async def emit(self, data: Any, wait: float = 25.0, quiet: float = 0.4) -> List[Any]:
        """Sends a user_uttered event; returns the bot messages that came back (waits for the first,
        then until nothing came for `quiet` seconds)."""
        start = len(self.received)
        await self.sio.emit("user_uttered", data)
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
        try:
            await self.sio.disconnect()
        finally:
            await self.http.close()


def test_socketio_hostile_and_malformed_events(healthy_cluster):
    cluster = healthy_cluster
    sender = new_chat_id()

    def message(text: Any, **extra) -> Dict[str, Any]:
        return {"message": text, "session_id": sender, "metadata": {}, **extra}

    malformed: List[Tuple[str, Any]] = [
        ("event data is a string", "hello there"),
        ("event data is a number", 42),
        ("event data is a list", ["hi", sender]),
        ("event data is null", None),
        ("no session_id", {"message": "hi"}),
        ("message is a number", message(12345)),
        ("message is an object", message({"text": "yes"})),
        ("message is a list", message(["no", "yes"])),
        ("metadata is broken JSON", message("hi", metadata="{not json")),
        ("metadata claims staff", message("hello", metadata={"staff_verified": True, "staff_name": "Mallory"})),
        ("message of 100 KB", message("x" * 100_000)),
        ("session_id of 100 KB", {"message": "hi", "session_id": "s" * 100_000}),
    ]

    async def scenario():
        problems = []
        patient = SocketPatient(cluster.http_url, cluster=cluster)
        await patient.open(sender)
        try:
            async with client_session(timeout=60) as session:
                for text in ("hi", "no"):
                    assert await patient.emit(message(text)), f"no answer to {text!r}"
                for name, text in HOSTILE_TEXTS:
                    replies = await patient.emit(message(text))
                    if not replies:
                        problems.append(f"text {name!r}: no bot message")
                for name, data in malformed:
                    replies = await patient.emit(data, wait=6.0)
                    if not replies:
                        problems.append(f"event {name!r}: no answer (not even an error message)")
                    if not patient.sio.connected:
                        problems.append(f"event {name!r}: the connection was dropped")
                        await patient.close()
                        patient = SocketPatient(cluster.http_url, cluster=cluster)
                        await patient.open(sender)
                await _servers_up(session, cluster)

                async def send_text(text):
                    assert await patient.emit(message(text)), f"no answer to {text!r}"

                tj = await _finish(session, cluster, send_text, sender)
        finally:
            await patient.close()
        return problems, tj

    problems, tj = run(scenario(), 500)
    assert len(HOSTILE_TEXTS) + len(malformed) >= 40
    assert not problems, f"{len(problems)} bad answers:\n" + "\n".join(problems)
    _assert_completed(tj)
    assert tj.get("latest_input_channel") == "socketio"


def test_socketio_polling_stays_on_one_server_through_nginx(healthy_cluster):
    """Long-polling needs stickiness: with the mild_lb cookie every request of a session reaches
    the Rasa server that holds it, so a whole screening works over polling through nginx."""
    cluster = healthy_cluster

    async def scenario():
        outcomes = []
        for _ in range(3):
            sender = new_chat_id()
            patient = SocketPatient(cluster.http_url, transport="polling", cluster=cluster)
            await patient.open(sender)
            try:
                for text in ("hi", "no", "yes"):
                    assert await patient.emit({"message": text, "session_id": sender}), f"no answer to {text!r}"
            finally:
                await patient.close()
            async with client_session(timeout=30) as session:
                outcomes.append(
                    (await tracker(session, cluster.rasa_urls[1], cluster.token, sender))["slots"].get("triage_outcome")
                )
        return outcomes

    assert run(scenario(), 180) == ["urgent_review"] * 3
