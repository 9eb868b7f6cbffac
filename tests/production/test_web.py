"""The web pages through nginx, unchanged: the chat page talks to socket.io on the same origin,
the staff console and the clinician review need a sign-in (secure session cookies in production
mode), and the review reads the screenings the two Rasa servers wrote to PostgreSQL.
"""

from __future__ import annotations

import json
import re
from typing import Dict, Tuple

import aiohttp

from tests.production.support import SCRIPTS, client_session, new_sender, run, send, tracker


async def _sign_in(session, base: str, part: str, name: str, password: str) -> Tuple[int, str, Dict[str, str]]:
    async with session.post(
        f"{base}/{part}/login",
        data={"username": name, "password": password, "next": f"/{part}"},
        headers={"Origin": base},
        allow_redirects=False,
    ) as resp:
        cookies = {}
        for header in resp.headers.getall("Set-Cookie", []):
            key, _, rest = header.partition("=")
            cookies[key] = header
        return resp.status, resp.headers.get("Location", ""), cookies


def _cookie_value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0]


def test_chat_page_uses_socketio_on_the_same_origin(healthy_cluster):
    base = healthy_cluster.http_url

    async def scenario():
        async with client_session(timeout=30) as session:
            async with session.get(base + "/") as resp:
                page = resp.status, resp.headers.get("Content-Security-Policy", ""), await resp.text()
            async with session.get(base + "/config.js") as resp:
                config = await resp.text()
        return page, config

    (status, csp, html), config = run(scenario(), 60)
    assert status == 200 and "<html" in html.lower()
    settings = json.loads(re.search(r"=\s*(\{.*\});", config, re.S).group(1))
    assert settings["socketUrl"] == base and settings["socketPath"] == "/socket.io"
    assert "connect-src 'self'" in csp


def test_staff_and_review_need_sign_in_with_secure_cookies_and_review_reads_the_cluster(healthy_cluster):
    cluster = healthy_cluster
    base = cluster.http_url
    sender = new_sender("web")
    staff_password, clinician_password = cluster.passwords["prod-staff"], cluster.passwords["prod-clinician"]

    async def scenario():
        out = {}
        async with client_session(timeout=60) as session:
            for text in SCRIPTS["urgent_review"]:
                status, body = await send(session, base, sender, text)
                assert status == 200 and body
            screening_id = (await tracker(session, cluster.rasa_urls[0], cluster.token, sender))["slots"][
                "screening_id"
            ]
            async with session.get(base + "/review", allow_redirects=False) as resp:
                out["review_anonymous"] = resp.status, resp.headers.get("Location", "")
            async with session.get(base + "/staff", allow_redirects=False) as resp:
                out["staff_anonymous"] = resp.status, resp.headers.get("Location", "")
            out["wrong_password"] = await _sign_in(session, base, "review", "prod-clinician", "wrong password!")
            out["staff_on_review"] = await _sign_in(session, base, "review", "prod-staff", staff_password)
            out["review_login"] = await _sign_in(session, base, "review", "prod-clinician", clinician_password)
            out["staff_login"] = await _sign_in(session, base, "staff", "prod-staff", staff_password)
            review_cookie = _cookie_value(out["review_login"][2].get("mild_review_session", ""))
            staff_cookie = _cookie_value(out["staff_login"][2].get("mild_staff_session", ""))
            async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as plain:
                async with plain.get(base + "/review", headers={"Cookie": review_cookie}) as resp:
                    out["review_list"] = resp.status, await resp.text()
                async with plain.get(f"{base}/review/s/{screening_id}", headers={"Cookie": review_cookie}) as resp:
                    out["review_detail"] = resp.status, await resp.text()
                async with plain.get(base + "/staff", headers={"Cookie": staff_cookie}) as resp:
                    out["staff_page"] = resp.status
                async with plain.get(base + "/review", headers={"Cookie": staff_cookie}, allow_redirects=False) as resp:
                    out["staff_cookie_on_review"] = resp.status
        return screening_id, out

    screening_id, out = run(scenario(), 120)
    assert out["review_anonymous"][0] in (302, 303) and "/review/login" in out["review_anonymous"][1]
    assert out["staff_anonymous"][0] in (302, 303) and "/staff/login" in out["staff_anonymous"][1]
    assert out["wrong_password"][0] == 401
    assert out["staff_on_review"][0] in (401, 403)  # a staff account never opens the review
    status, location, cookies = out["review_login"]
    assert status in (302, 303) and location.endswith("/review"), out["review_login"][:2]
    flags = [f.strip().lower() for f in cookies["mild_review_session"].split(";")]
    assert "secure" in flags and "httponly" in flags and "samesite=strict" in flags, flags
    assert "secure" in out["staff_login"][2]["mild_staff_session"].lower()
    assert out["review_list"][0] == 200 and f'data-screening-id="{screening_id}"' in out["review_list"][1]
    assert out["review_detail"][0] == 200 and screening_id in out["review_detail"][1]
    assert out["staff_page"] == 200
    assert out["staff_cookie_on_review"] in (302, 303, 401, 403)
