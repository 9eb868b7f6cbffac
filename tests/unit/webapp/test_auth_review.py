"""Sign-in (webapp.auth) and the review pages behind it (webapp.review), in-process with aiohttp's test client."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from records.store import RecordStore
from webapp import auth
from webapp.app import create_app
from webapp.config import WebConfig

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
CLINICIAN_PW = "correct horse battery staple"
STAFF_PW = "staff password 123"
SECRET = "s" * 40


# --- passwords and accounts --------------------------------------------------------------------


def test_hash_and_verify():
    encoded = auth.hash_password("hunter2 is long", iterations=1000)
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert auth.verify_password("hunter2 is long", encoded)
    assert not auth.verify_password("hunter2 is lonG", encoded)
    assert not auth.verify_password("", encoded)
    assert not auth.verify_password("x", "md5$whatever")
    assert not auth.verify_password("x", "garbage")
    assert auth.hash_password("same", 1000) != auth.hash_password("same", 1000)  # salted


def test_accounts_from_env_and_file(tmp_path):
    staff_hash = auth.hash_password(STAFF_PW, 1000)
    clin_hash = auth.hash_password(CLINICIAN_PW, 1000)
    accounts = auth.Accounts.from_env(
        {"MILD_STAFF_USERS": f"sam:{staff_hash}", "MILD_CLINICIAN_USERS": f" drlee:{clin_hash} , drshah:{clin_hash}"}
    )
    assert accounts.get("sam").role == "staff" and accounts.get("drshah").role == "clinician"
    assert accounts.authenticate("drlee", CLINICIAN_PW).name == "drlee"
    assert accounts.authenticate("drlee", "wrong") is None
    assert accounts.authenticate("nobody", CLINICIAN_PW) is None

    json_file = tmp_path / "accounts.json"
    json_file.write_text(
        json.dumps(
            {
                "accounts": [
                    {"name": "drlee", "role": "clinician", "password_hash": clin_hash, "display_name": "Dr. Lee"}
                ]
            }
        )
    )
    accounts = auth.Accounts.from_env({"MILD_ACCOUNTS_FILE": str(json_file)})
    assert accounts.get("drlee").label == "Dr. Lee" and accounts.has_role("clinician")
    assert not accounts.has_role("staff")

    yaml_file = tmp_path / "accounts.yaml"
    yaml_file.write_text(f"- name: sam\n  role: staff\n  password_hash: '{staff_hash}'\n")
    assert auth.Accounts.from_env({"MILD_ACCOUNTS_FILE": str(yaml_file)}).get("sam").role == "staff"


@pytest.mark.parametrize(
    "env,message",
    [
        ({"MILD_STAFF_USERS": "sam:plaintextpassword"}, "pbkdf2_sha256"),
        ({"MILD_STAFF_USERS": "samwithoutcolon"}, "name:hash"),
    ],
)
def test_bad_account_configuration_is_refused(env, message):
    with pytest.raises(auth.AccountError, match=message):
        auth.Accounts.from_env(env)


def test_bad_role_in_file_is_refused(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps([{"name": "x", "role": "admin", "password_hash": auth.hash_password("p" * 10, 1000)}]))
    with pytest.raises(auth.AccountError, match="role"):
        auth.Accounts.from_env({"MILD_ACCOUNTS_FILE": str(f)})


def test_session_tokens_are_signed_and_expire():
    account = auth.Account("drlee", "clinician", auth.hash_password(CLINICIAN_PW, 1000))
    a = auth.Auth(auth.Accounts({"drlee": account}), SECRET, production=False)
    token = a.issue(account, "review")
    assert a.user_from_token(token, "review").name == "drlee"
    assert a.user_from_token(token, "staff") is None  # a session belongs to one part
    payload, signature = token.split(".")
    assert a.user_from_token(payload + "." + signature[::-1], "review") is None
    other = auth.Auth(a.accounts, "another secret", production=False)
    assert other.user_from_token(token, "review") is None
    old = a.issue(account, "review", now=time.time() - auth.SESSION_SECONDS - 10)
    assert a.user_from_token(old, "review") is None
    removed = auth.Auth(auth.Accounts({}), SECRET, production=False)
    assert removed.user_from_token(token, "review") is None


def test_demo_accounts_are_written_once_and_reused(tmp_path):
    path = tmp_path / "dev-accounts.txt"
    accounts, passwords, reused = auth.Accounts.demo_accounts(path)
    assert not reused and set(passwords) == {"demo-staff", "demo-clinician"}
    assert accounts.authenticate("demo-clinician", passwords["demo-clinician"]).role == "clinician"
    again, passwords2, reused2 = auth.Accounts.demo_accounts(path)
    assert reused2 and passwords2 == passwords
    assert again.authenticate("demo-staff", passwords["demo-staff"]).role == "staff"


def test_hash_cli(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert auth.main(["hash", "--name", "drlee", "--iterations", "1000"]) == 0
    name, encoded = capsys.readouterr().out.strip().split(":", 1)
    assert name == "drlee" and auth.verify_password("a long enough password", encoded)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert auth.main(["hash"]) == 1


# --- the review part over HTTP -----------------------------------------------------------------


@pytest.fixture
def env(tmp_path, monkeypatch):
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "name": "drlee",
                        "role": "clinician",
                        "password_hash": auth.hash_password(CLINICIAN_PW, 1000),
                        "display_name": "Dr. Lee",
                    },
                    {"name": "sam", "role": "staff", "password_hash": auth.hash_password(STAFF_PW, 1000)},
                ]
            }
        )
    )
    db = tmp_path / "rasa.db"
    store = RecordStore(f"sqlite:///{db}")
    for f in sorted(TRACKERS.glob("*.json")):
        if f.name.startswith("real_"):
            continue  # the hand-built fixtures only: the counts below are theirs
        tracker = json.loads(f.read_text())
        store.add_events(tracker["sender_id"], tracker["events"])
    monkeypatch.setenv("MILD_ACCOUNTS_FILE", str(accounts))
    monkeypatch.delenv("MILD_STAFF_USERS", raising=False)
    monkeypatch.delenv("MILD_CLINICIAN_USERS", raising=False)
    monkeypatch.setenv("DB_URL", f"sqlite:///{db}")
    return {"db": db, "store": store}


def run(coro_fn, config=None):
    async def main():
        app = create_app(config or WebConfig(secret_key=SECRET))
        async with TestClient(TestServer(app)) as client:
            return await coro_fn(client)

    return asyncio.run(main())


async def sign_in(client, username, password, next_url="/review"):
    return await client.post(
        "/review/login", data={"username": username, "password": password, "next": next_url}, allow_redirects=False
    )


def test_review_requires_sign_in(env):
    async def check(client):
        r = await client.get("/review", allow_redirects=False)
        assert r.status == 302 and r.headers["Location"].startswith("/review/login")
        r = await client.get("/review/export.csv", allow_redirects=False)
        assert r.status == 302
        r = await client.post("/review/s/x/review", data={}, allow_redirects=False)
        assert r.status == 401
        r = await client.get("/review/login")
        assert r.status == 200 and "Sign in" in await r.text()

    run(check)


def test_wrong_password_is_refused(env):
    async def check(client):
        r = await sign_in(client, "drlee", "not the password")
        assert r.status == 401 and "Wrong user name or password" in await r.text()
        assert "mild_review_session" not in r.cookies
        r = await sign_in(client, "nobody", CLINICIAN_PW)
        assert r.status == 401
        r = await client.get("/review", allow_redirects=False)
        assert r.status == 302

    run(check)


def test_staff_account_is_refused_on_review(env):
    async def check(client):
        r = await sign_in(client, "sam", STAFF_PW)
        assert r.status == 403 and "clinician account" in await r.text()
        assert "mild_review_session" not in r.cookies
        # Even a validly signed staff session cookie does not open the review pages.
        a = client.app[auth.AUTH_KEY]
        staff_token = a.issue(a.accounts.get("sam"), "review")
        client.session.cookie_jar.update_cookies({"mild_review_session": staff_token})
        r = await client.get("/review", allow_redirects=False)
        assert r.status == 403

    run(check)


def test_repeated_failures_are_throttled(env):
    async def check(client):
        for _ in range(auth.MAX_FAILURES):
            assert (await sign_in(client, "drlee", "wrong")).status == 401
        r = await sign_in(client, "drlee", CLINICIAN_PW)
        assert r.status == 429

    run(check)


def test_clinician_signs_in_and_uses_every_page(env):
    async def check(client):
        r = await sign_in(client, "drlee", CLINICIAN_PW, next_url="/review/dashboard")
        assert r.status == 302 and r.headers["Location"] == "/review/dashboard"
        cookie = r.cookies["mild_review_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict" and not cookie["secure"]

        r = await client.get("/review")
        html = await r.text()
        assert r.status == 200 and "Dr. Lee" in html
        assert (
            r.headers["Cache-Control"] == "no-store"
            and "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        )
        assert html.count("data-screening-id=") == 8

        r = await client.get("/review?outcome=recommend_consult")
        assert (await r.text()).count("data-screening-id=") == 2
        r = await client.get("/review?q=0142")
        html = await r.text()
        assert html.count("data-screening-id=") == 1 and "Margaret Ellis" in html
        r = await client.get("/review?channel=staff&status=finished")
        assert "Dana Whitfield" in await r.text()

        sid = re.search(r'data-screening-id="([^"]+)" data-outcome="recommend_consult"', html).group(1)
        r = await client.get(f"/review/s/{sid}")
        detail = await r.text()
        assert r.status == 200
        assert "I take Eliquis" in detail and "Margaret Ellis" in detail and "Recommend a consultation" in detail

        r = await client.get(f"/review/export/{sid}.json")
        assert r.status == 200 and json.loads(await r.text())["screening_id"] == sid
        r = await client.get(f"/review/export/{sid}.fhir.json")
        data = json.loads(await r.text())
        assert data["resourceType"] == "QuestionnaireResponse" and data["id"] == sid
        assert r.headers["Content-Type"].startswith("application/fhir+json")
        r = await client.get("/review/export.csv?outcome=emergency")
        lines = (await r.text()).strip().splitlines()
        assert len(lines) == 2 and "emergency" in lines[1]
        r = await client.get("/review/questionnaire.fhir.json")
        assert json.loads(await r.text())["resourceType"] == "Questionnaire"
        r = await client.get("/review/dashboard?since=2025-11-16&until=2025-11-23")
        dash = await r.text()
        assert r.status == 200 and 'id="chart-per-day"' in dash and 'id="chart-drop-off"' in dash
        assert dash.count('class="seg ') == 8 and 'data-testid="kpi-completion">75%' in dash
        r = await client.get("/review/s/unknown")
        assert r.status == 404
        page = await (await client.get("/review")).text()
        token = re.search(
            r'action="/review/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page
        ).group(1)  # sign-out needs the form's CSRF token (issue: findings 2)
        r = await client.post("/review/logout", data={"csrf_token": token}, allow_redirects=False)
        assert r.status == 302
        r = await client.get("/review", allow_redirects=False)
        assert r.status == 302

    run(check)


def test_mark_reviewed_needs_the_csrf_token_and_keeps_the_record(env):
    async def check(client):
        await sign_in(client, "drlee", CLINICIAN_PW)
        sid = env["store"].list()[0]["screening_id"]
        before = env["store"].get(sid)
        r = await client.post(
            f"/review/s/{sid}/review", data={"reviewer": "Dr. Lee", "note": "ok"}, allow_redirects=False
        )
        assert r.status == 403
        page = await (await client.get(f"/review/s/{sid}")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = await client.post(
            f"/review/s/{sid}/review",
            allow_redirects=False,
            data={"csrf_token": token, "reviewer": "Dr. Lee", "note": "<b>Called back</b>"},
        )
        assert r.status == 303
        page = await (await client.get(f"/review/s/{sid}?saved=1")).text()
        assert "&lt;b&gt;Called back&lt;/b&gt;" in page and "<b>Called back</b>" not in page
        assert env["store"].get(sid) == before
        assert [x["reviewer"] for x in env["store"].reviews(sid)] == ["Dr. Lee"]
        r = await client.post(
            f"/review/s/{sid}/review",
            allow_redirects=False,
            data={"csrf_token": token, "reviewer": "Dr. Lee"},
            headers={"Origin": "http://evil.example"},
        )
        assert r.status == 403

    run(check)


def test_record_text_is_escaped(env):
    env["store"].add_events(
        "xss",
        [
            {"event": "slot", "timestamp": 1.0, "name": "requested_slot", "value": "red_flags"},
            {"event": "user", "timestamp": 2.0, "text": "<script>alert(1)</script>", "parse_data": {}},
            {"event": "slot", "timestamp": 3.0, "name": "red_flags", "value": "no"},
            {"event": "slot", "timestamp": 4.0, "name": "appointment_consent", "value": "yes"},
            {"event": "slot", "timestamp": 5.0, "name": "contact_name", "value": "<img src=x onerror=alert(1)>"},
        ],
    )

    async def check(client):
        await sign_in(client, "drlee", CLINICIAN_PW)
        sid = next(r for r in env["store"].list() if r["sender_id"] == "xss")["screening_id"]
        for url in ("/review", f"/review/s/{sid}"):
            html = await (await client.get(url)).text()
            assert "<img src=x" not in html and "<script>alert" not in html
            assert "&lt;img src=x onerror=alert(1)&gt;" in html

    run(check)


def test_production_without_clinician_accounts_refuses_the_part(tmp_path, monkeypatch):
    monkeypatch.delenv("MILD_ACCOUNTS_FILE", raising=False)
    monkeypatch.delenv("MILD_CLINICIAN_USERS", raising=False)
    monkeypatch.setenv("MILD_STAFF_USERS", "sam:" + auth.hash_password(STAFF_PW, 1000))
    monkeypatch.setenv("DB_URL", f"sqlite:///{tmp_path / 'x.db'}")

    async def check(client):
        for url in ("/review", "/review/login", "/review/dashboard"):
            r = await client.get(url, allow_redirects=False)
            assert r.status == 503
        r = await client.get("/healthz")
        assert r.status == 200  # the rest of the server still runs

    run(check, WebConfig(secret_key=SECRET, production=True))


def test_production_without_any_account_creates_no_demo_accounts(tmp_path, monkeypatch):
    for var in ("MILD_ACCOUNTS_FILE", "MILD_CLINICIAN_USERS", "MILD_STAFF_USERS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DB_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setattr(auth, "DEV_ACCOUNTS_FILE", tmp_path / "dev-accounts.txt")

    async def check(client):
        assert (await client.get("/review/login")).status == 503
        assert len(client.app[auth.AUTH_KEY].accounts) == 0

    run(check, WebConfig(secret_key=SECRET, production=True))
    assert not (tmp_path / "dev-accounts.txt").exists()


def test_production_cookie_is_secure(env):
    async def check(client):
        r = await sign_in(client, "drlee", CLINICIAN_PW)
        assert r.cookies["mild_review_session"]["secure"]

    run(check, WebConfig(secret_key=SECRET, production=True))


def test_development_without_accounts_prints_demo_accounts(tmp_path, monkeypatch, capsys):
    for var in ("MILD_ACCOUNTS_FILE", "MILD_CLINICIAN_USERS", "MILD_STAFF_USERS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DB_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setattr(auth, "DEV_ACCOUNTS_FILE", tmp_path / "dev-accounts.txt")

    async def check(client):
        out = capsys.readouterr().out
        password = re.search(r"demo-clinician\s+password: (\S+)", out).group(1)
        assert out.count("demo-clinician") == 1
        r = await sign_in(client, "demo-clinician", password)
        assert r.status == 302

    run(check, WebConfig(secret_key=SECRET, production=False))
    assert "demo-clinician" in (tmp_path / "dev-accounts.txt").read_text()


# --- dashboard chart geometry --------------------------------------------------------------------


def test_chart_geometry():
    from datetime import date as _date

    from records.store import dashboard_stats
    from webapp.review import charts

    records = [
        {"started_ts": 1763460000.0, "outcome": "recommend_consult", "status": "finished", "asked": ["red_flags"]},
        {
            "started_ts": 1763460100.0,
            "outcome": None,
            "status": "abandoned",
            "abandoned_at": "urgent_flags",
            "asked": ["red_flags", "urgent_flags"],
        },
        {"started_ts": 1763546400.0, "outcome": "emergency", "status": "finished", "asked": ["red_flags"]},
    ]
    stats = dashboard_stats(records, _date(2025, 11, 17), _date(2025, 11, 20))
    chart = charts.stacked_days(stats)
    assert [b["total"] for b in chart["bars"]] == [0, 2, 1, 0]
    day = chart["bars"][1]
    assert [s["key"] for s in day["segments"]] == ["recommend_consult", "none"]
    # Segments stack from the baseline up, heights proportional to counts.
    first, second = day["segments"]
    assert first["y"] + first["h"] == pytest.approx(chart["baseline"], abs=0.2)
    assert second["y"] + second["h"] == pytest.approx(first["y"], abs=0.2)
    assert [t["value"] for t in chart["ticks"]] == [0, 1, 2]
    drop = charts.drop_off(stats)
    assert [b["slot"] for b in drop["bars"]] == ["red_flags", "urgent_flags"]
    assert drop["bars"][1]["abandoned"] == 1 and drop["bars"][1]["w"] > 0 and drop["bars"][0]["w"] == 0
    empty = charts.drop_off(dashboard_stats([], _date(2025, 1, 1), _date(2025, 1, 1)))
    assert empty["empty"] and len(empty["bars"]) == 13


def test_require_role_for_apis_answers_401_and_serves_the_staff_part(tmp_path, monkeypatch):
    """The helpers the staff console uses: its own login page, role and session cookie."""
    from aiohttp import web

    monkeypatch.setenv("MILD_STAFF_USERS", "sam:" + auth.hash_password(STAFF_PW, 1000))
    monkeypatch.setenv("MILD_CLINICIAN_USERS", "drlee:" + auth.hash_password(CLINICIAN_PW, 1000))
    monkeypatch.delenv("MILD_ACCOUNTS_FILE", raising=False)

    @auth.require_role("staff")
    async def console(request):
        return web.Response(text=f"hello {request['user'].name}")

    @auth.require_role("staff", redirect=False)
    async def api(request):
        return web.json_response({"ok": True})

    async def main():
        app = web.Application()
        config = WebConfig(secret_key=SECRET)
        assert auth.setup_login(app, config, part="staff", role="staff")
        app.router.add_get("/staff", console)
        app.router.add_get("/staff/api/x", api)
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/staff/api/x", allow_redirects=False)).status == 401
            r = await client.get("/staff", allow_redirects=False)
            assert r.status == 302 and r.headers["Location"].startswith("/staff/login")
            r = await client.post(
                "/staff/login", data={"username": "drlee", "password": CLINICIAN_PW}, allow_redirects=False
            )
            assert r.status == 403  # a clinician account is not a staff account
            r = await client.post("/staff/login", data={"username": "sam", "password": STAFF_PW}, allow_redirects=False)
            assert r.status == 302 and "mild_staff_session" in r.cookies
            assert await (await client.get("/staff")).text() == "hello sam"
            assert (await client.get("/staff/api/x")).status == 200

    asyncio.run(main())
