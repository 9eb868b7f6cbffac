"""Security of the cluster: the HTTP API needs the token, the REST channel is closed to the public
(MILD_ENV=production: only with REST_CHANNEL_TOKEN), the web chat needs no token of its own, the action
servers and every other part listen on loopback only and the action servers are not reachable
through the public entry, the chat channel is rate limited per client (429 with a JSON body),
model changes are refused at the entry, and a full screening with a canary name and phone number
leaves no trace of them in any log file, also when the canary is typed during turns that time out.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, List

import pytest

from tests.production.support import (
    RECOMMEND,
    REPO_ROOT,
    REST_TOKEN_HEADER,
    client_session,
    new_sender,
    post_json,
    run,
    send,
    tracker,
)

# Rasa's HTTP API routes that need the token (method, path); {id} is a conversation id.
API_ROUTES = [
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", "/conversations/{id}/tracker"),
    ("POST", "/conversations/{id}/tracker/events"),
    ("PUT", "/conversations/{id}/tracker/events"),
    ("GET", "/conversations/{id}/story"),
    ("POST", "/conversations/{id}/messages"),
    ("POST", "/conversations/{id}/trigger_intent"),
    ("POST", "/conversations/{id}/predict"),
    ("POST", "/conversations/{id}/execute"),
    ("POST", "/model/parse"),
    ("POST", "/model/train"),
    ("POST", "/model/test/intents"),
    ("POST", "/model/test/stories"),
    ("POST", "/model/predict"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
]
BODIES = {"POST": {"text": "hi", "name": "utter_greet", "event": "slot", "timestamp": None}, "PUT": []}


async def _call(session, method, url, body=None, params=None):
    async with session.request(method, url, json=body, params=params) as resp:
        return resp.status, await resp.text()


# ------------------------------------------------------------------------------------ token
@pytest.mark.parametrize("entry", ["rasa1", "nginx"])
def test_http_api_refuses_calls_without_or_with_a_wrong_token(healthy_cluster, entry):
    base = healthy_cluster.rasa_urls[0] if entry == "rasa1" else healthy_cluster.http_url
    sender = new_sender("sec")

    async def scenario():
        out = {}
        async with client_session(timeout=30) as session:
            for method, path in API_ROUTES:
                url = base + path.format(id=sender)
                out[(method, path, "none")] = await _call(session, method, url, BODIES.get(method))
                out[(method, path, "wrong")] = await _call(
                    session, method, url, BODIES.get(method), params={"token": "not-the-token"}
                )
            # With the token the same API answers (so the refusals above are about the token).
            out["ok"] = await _call(session, "GET", base + "/status", params={"token": healthy_cluster.token})
        return out

    results = run(scenario(), 120)
    accepted = {k: v[0] for k, v in results.items() if k != "ok" and v[0] not in (401, 403)}
    assert not accepted, f"answered without a valid token ({entry}): {accepted}"
    assert results["ok"][0] == 200


def test_chat_channels_need_no_token_but_the_staff_channel_needs_its_own(healthy_cluster):
    async def scenario():
        async with client_session(timeout=60) as session:
            rest = await send(session, healthy_cluster.http_url, new_sender("sec"), "hi")  # with the REST token
            async with session.post(
                healthy_cluster.http_url + "/webhooks/rest/webhook", json={"sender": new_sender("sec"), "message": "hi"}
            ) as resp:
                rest_public = resp.status
            async with session.post(
                healthy_cluster.http_url + "/webhooks/rest/webhook",
                json={"sender": new_sender("sec"), "message": "hi"},
                headers={REST_TOKEN_HEADER: "wrong"},
            ) as resp:
                rest_wrong = resp.status
            staff = await post_json(
                session,
                healthy_cluster.http_url + "/webhooks/staff/webhook",
                {"sender": new_sender("sec"), "message": "hi"},
            )
            staff_wrong = await post_json(
                session,
                healthy_cluster.http_url + "/webhooks/staff/webhook",
                {"sender": new_sender("sec"), "message": "hi"},
                headers={"X-Staff-Token": "wrong"},
            )
            async with session.get(
                healthy_cluster.http_url + "/socket.io/", params={"EIO": "4", "transport": "polling"}
            ) as resp:
                sio = resp.status, await resp.text(), resp.headers.getall("Set-Cookie", [])
        return rest, rest_public, rest_wrong, staff, staff_wrong, sio

    rest, rest_public, rest_wrong, staff, staff_wrong, sio = run(scenario(), 90)
    assert rest[0] == 200 and rest[1], rest
    # Production: the REST channel is closed to the public (patients use the web chat).
    assert rest_public == 403 and rest_wrong == 403, (rest_public, rest_wrong)
    assert staff[0] == 401, staff
    assert staff_wrong[0] == 401, staff_wrong
    assert sio[0] == 200 and '"sid"' in sio[1], sio[:2]
    assert any(c.startswith("mild_lb=") for c in sio[2]), "nginx sets the socket.io stickiness cookie"


def test_model_changes_and_oversized_bodies_are_refused_at_the_entry(healthy_cluster):
    async def scenario():
        async with client_session(timeout=30) as session:
            put = await _call(
                session,
                "PUT",
                healthy_cluster.http_url + "/model",
                {"model_file": "/etc/passwd"},
                params={"token": healthy_cluster.token},
            )
            train = await _call(
                session, "POST", healthy_cluster.http_url + "/model/train", {}, params={"token": healthy_cluster.token}
            )
            async with session.post(
                healthy_cluster.http_url + "/webhooks/rest/webhook",
                data=b'{"sender":"x","message":"' + b"a" * 300_000 + b'"}',
                headers={"Content-Type": "application/json"},
            ) as resp:
                big = resp.status, await resp.text()
            async with session.get(healthy_cluster.http_url + "/nginx-health") as resp:
                server = resp.headers.get("Server", "")
        return put, train, big, server

    put, train, big, server = run(scenario(), 60)
    assert put[0] == 403 and "forbidden" in put[1]
    assert train[0] == 403
    assert big[0] == 413 and json.loads(big[1])["error"] == "too_large"
    assert not re.search(r"\d", server), f"nginx tells its version: {server!r}"


# ------------------------------------------------------------------------------------ loopback
def _listening() -> Dict[int, List[str]]:
    """Listening TCP sockets: port -> local addresses (IPv4 and IPv6)."""
    out: Dict[int, List[str]] = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            addr, port = fields[1].rsplit(":", 1)
            if len(addr) == 8:
                ip = socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1])
            else:
                raw = bytes.fromhex(addr)
                ip = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
            out.setdefault(int(port, 16), []).append(ip)
    return out


def _own_addresses() -> List[str]:
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except OSError:
        out = []
    return [a for a in out if not a.startswith("127.") and ":" not in a]


def test_every_part_listens_on_loopback_only(healthy_cluster):
    listening = _listening()
    for part, port in healthy_cluster.ports.items():
        addresses = listening.get(port)
        assert addresses, f"{part}: nothing listens on port {port}"
        assert all(a.startswith("127.") for a in addresses), f"{part} (port {port}) listens on {addresses}"
    # From another address of this machine, the action servers (and the rest) are unreachable.
    for address in _own_addresses():
        for part in ("actions1", "actions2", "rasa1", "http"):
            with socket.socket() as sock:
                sock.settimeout(2)
                assert sock.connect_ex((address, healthy_cluster.ports[part])) != 0, f"{part} is reachable on {address}"


def test_action_servers_are_not_reachable_through_the_public_entry(healthy_cluster):
    async def scenario():
        async with client_session(timeout=30) as session:
            hook = await _call(
                session,
                "POST",
                healthy_cluster.http_url + "/webhook",
                {"next_action": "validate_screening_form", "tracker": {}, "domain": {}},
            )
            actions = await _call(session, "GET", healthy_cluster.http_url + "/actions")
            gw_other = await _call(session, "GET", healthy_cluster.gw_url + "/")
        return hook, actions, gw_other

    hook, actions, gw_other = run(scenario(), 60)
    assert hook[0] in (404, 405), hook
    assert actions[0] in (404, 405) and "validate_screening_form" not in actions[1], actions
    assert gw_other[0] == 404


# ------------------------------------------------------------------------------------ rate limit
def test_chat_channel_is_rate_limited_per_client_with_429(healthy_cluster):
    async def scenario():
        async with client_session(timeout=60) as session:
            flood = [
                send(
                    session,
                    healthy_cluster.http_url,
                    new_sender("flood"),
                    "hi",
                    headers={"X-Forwarded-For": "203.0.113.7"},
                )
                for _ in range(45)
            ]
            results = await asyncio.gather(*flood)
            other = await send(
                session, healthy_cluster.http_url, new_sender("calm"), "hi", headers={"X-Forwarded-For": "203.0.113.8"}
            )
            async with session.post(
                healthy_cluster.http_url + "/webhooks/rest/webhook",
                json={"sender": new_sender("flood"), "message": "hi"},
                headers={"X-Forwarded-For": "203.0.113.7"},
            ) as resp:
                retry_after = resp.status, resp.headers.get("Retry-After")
        return results, other, retry_after

    results, other, retry_after = run(scenario(), 180)
    statuses = [s for s, _ in results]
    limited = [b for s, b in results if s == 429]
    assert limited, f"no 429 among {statuses}"
    assert all(s in (200, 429) for s in statuses), statuses
    assert statuses.count(200) >= 10, "the burst allowance lets a normal conversation through"
    assert all(isinstance(b, dict) and b.get("error") == "rate_limited" and b.get("message") for b in limited)
    assert other[0] == 200 and other[1], "another client is not limited"
    assert retry_after[0] != 429 or retry_after[1] == "5"


# ------------------------------------------------------------------------------------ log scan
CANARY_NAME = "Quillon Zephyrine Marchbank"
CANARY_PHONE = "617-555-0142"
CANARY_PATTERNS = [
    re.compile(r"quillon", re.I),
    re.compile(r"zephyrine", re.I),
    re.compile(r"marchbank", re.I),
    re.compile(r"617\D{0,3}555\D{0,3}0142"),
    re.compile(r"6175550142"),
]


def _log_files(cluster) -> List[Path]:
    roots = [
        REPO_ROOT / "var" / "logs",
        cluster.log_dir,
        cluster.service_directory / "postgres",
        cluster.service_directory / "redis",
    ]
    files = []
    for root in roots:
        if root.is_dir():
            files += [p for p in root.rglob("*") if p.is_file() and (p.suffix == ".log" or "log" in p.name)]
    return files


def _timed_out_turns(cluster) -> int:
    return sum(
        p.read_text(errors="replace").count("rest.message.received.timeout") for p in cluster.log_dir.glob("rasa*.log")
    )


def _send_while_the_action_servers_hang(cluster, texts: List[str]) -> None:
    """Stops both action servers (SIGSTOP: they accept the connection and never answer), sends each
    text with a 4 s client time-out straight to rasa1 (the client gives up; Rasa's REST channel
    logs ``rest.message.received.timeout`` for the cancelled turn), then lets them go on."""
    pgids = [os.getpgid(cluster.pid(part)) for part in ("actions1", "actions2")]
    before = _timed_out_turns(cluster)
    sender = new_sender("canary-timeout")

    async def scenario():
        async with client_session(timeout=60) as session:
            assert (await send(session, cluster.rasa_urls[0], sender, "hi"))[0] == 200
        for pgid in pgids:
            os.killpg(pgid, signal.SIGSTOP)
        for text in texts:
            async with client_session(timeout=4) as session:
                try:
                    await send(session, cluster.rasa_urls[0], sender, text)
                except asyncio.TimeoutError:
                    pass
                else:
                    raise AssertionError("the turn did not hang")
        deadline = time.monotonic() + 60
        while _timed_out_turns(cluster) < before + len(texts) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)

    try:
        run(scenario(), 150)
    finally:
        for pgid in pgids:
            os.killpg(pgid, signal.SIGCONT)
    assert _timed_out_turns(cluster) >= before + len(texts), "the turns did not time out"


def test_log_scan_finds_no_canary_name_or_phone(healthy_cluster, capfd):
    sender = new_sender("canary")
    appointment = ["yes", f"My name is {CANARY_NAME}", f"my number is {CANARY_PHONE}", "Woburn"]

    async def scenario():
        async with client_session(timeout=90) as session:
            for _i, text in enumerate(RECOMMEND + appointment):
                status, body = await send(session, healthy_cluster.http_url, sender, text)
                assert status == 200 and body, (text, status, body)
            return await tracker(session, healthy_cluster.rasa_urls[1], healthy_cluster.token, sender)

    tj = run(scenario(), 240)
    # The canary again, typed while the action servers hang, so that the turns time out.
    _send_while_the_action_servers_hang(healthy_cluster, [f"My name is {CANARY_NAME}", f"my number is {CANARY_PHONE}"])
    slots = tj["slots"]
    # The canary did reach the conversation (otherwise the scan below would prove nothing).
    assert slots.get("contact_name") == CANARY_NAME, slots.get("contact_name")
    assert slots.get("contact_phone") == CANARY_PHONE, slots.get("contact_phone")
    assert slots.get("preferred_office") == "Woburn"
    leaks = []
    for path in _log_files(healthy_cluster):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for pattern in CANARY_PATTERNS:
            match = pattern.search(text)
            if match:
                line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
                leaks.append(f"{path.relative_to(REPO_ROOT)}: {line[:200]}")
    captured = capfd.readouterr()
    for stream in (captured.out, captured.err):
        for pattern in CANARY_PATTERNS:
            if pattern.search(stream):
                leaks.append(f"console output: {pattern.pattern}")
    assert not leaks, "canary found in logs:\n" + "\n".join(leaks)


# ------------------------------------------------------------------------------------ sign-in
async def _review_sign_in(session, base: str, name: str, password: str, client: str):
    """A sign-in through nginx from `client` (the X-Forwarded-For a load balancer in front would send)."""
    async with session.post(
        f"{base}/review/login",
        data={"username": name, "password": password, "next": "/review"},
        headers={"Origin": base, "X-Forwarded-For": client},
        allow_redirects=False,
    ) as resp:
        cookies = {h.split("=", 1)[0]: h.split(";", 1)[0] for h in resp.headers.getall("Set-Cookie", [])}
        return resp.status, cookies


def test_review_sign_out_ends_the_session_and_one_client_cannot_lock_out_another(healthy_cluster):
    """Through nginx, sessions in PostgreSQL: five bad tries from one client lock only that client
    (the right password is refused there), another client signs in, and after sign-out the copied
    cookie opens nothing."""
    import aiohttp

    base, password = healthy_cluster.http_url, healthy_cluster.passwords["prod-clinician"]

    async def scenario():
        out = {}
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=60)
        ) as session:
            out["attacker"] = [
                (await _review_sign_in(session, base, "prod-clinician", "guess!", "203.0.113.5"))[0] for _ in range(5)
            ]
            out["attacker_right_password"] = (
                await _review_sign_in(session, base, "prod-clinician", password, "203.0.113.5")
            )[0]
            status, cookies = await _review_sign_in(session, base, "prod-clinician", password, "198.51.100.7")
            out["clinician"] = status
            cookie = cookies.get("mild_review_session", "")
            async with session.get(base + "/review", headers={"Cookie": cookie}) as resp:
                out["page"] = resp.status
                page = await resp.text()
            token = re.search(
                r'action="/review/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page
            )
            async with session.post(
                base + "/review/logout", headers={"Cookie": cookie, "Origin": base}, allow_redirects=False
            ) as resp:
                out["logout_without_token"] = resp.status
            async with session.post(
                base + "/review/logout",
                data={"csrf_token": token.group(1) if token else ""},
                headers={"Cookie": cookie, "Origin": base},
                allow_redirects=False,
            ) as resp:
                out["logout"] = resp.status
            async with session.get(base + "/review", headers={"Cookie": cookie}, allow_redirects=False) as resp:
                out["replay"] = resp.status
        return out

    out = run(scenario(), 120)
    assert out["attacker"] == [401] * 5, out
    assert out["attacker_right_password"] == 429, out
    assert out["clinician"] == 302 and out["page"] == 200, out
    assert out["logout_without_token"] == 403 and out["logout"] == 302, out
    assert out["replay"] == 302, out
