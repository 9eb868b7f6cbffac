"""The security issue's sign-in findings, each tried as an attacker would, in-process (aiohttp's test
client over loopback, the SQLite records database of a temporary directory):

2  sign-out ends the session at once (the old cookie opens nothing), an idle timeout, CSRF on sign-out
3  no user-name oracle (constant cost), hashing off the event loop, a lock-out that is no denial of service
6  bad filter values answer 400 with a clear message
7b "mark reviewed" is signed by the signed-in account whatever the form says
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from records.store import RecordStore
from webapp import auth
from webapp.app import create_app
from webapp.auth import lockout as lockout_module
from webapp.auth import passwords
from webapp.config import WebConfig

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
CLINICIAN_PW = "correct horse battery staple"
STAFF_PW = "staff password 123"
SECRET = "s" * 40


class Clock:
    """An injectable clock: tests move time on instead of sleeping."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
                    {
                        "name": "drshah",
                        "role": "clinician",
                        "password_hash": auth.hash_password("another clinician pw", 1000),
                        "display_name": "Dr. Shah",
                    },
                    {"name": "sam", "role": "staff", "password_hash": auth.hash_password(STAFF_PW, 1000)},
                ]
            }
        )
    )
    db = tmp_path / "rasa.db"
    store = RecordStore(f"sqlite:///{db}")
    for f in sorted(TRACKERS.glob("*.json")):
        if not f.name.startswith("real_"):
            tracker = json.loads(f.read_text())
            store.add_events(tracker["sender_id"], tracker["events"])
    monkeypatch.setenv("MILD_ACCOUNTS_FILE", str(accounts))
    for var in ("MILD_STAFF_USERS", "MILD_CLINICIAN_USERS", "MILD_TRUSTED_PROXIES", "MILD_REVIEW_IDLE_MINUTES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DB_URL", f"sqlite:///{db}")
    return {"db": db, "store": store}


def run(coro_fn, config=None, clock=None):
    async def main():
        app = create_app(config or WebConfig(secret_key=SECRET))
        if clock is not None:
            app[auth.AUTH_KEY].clock = clock
        async with TestClient(TestServer(app)) as client:
            return await coro_fn(client)

    return asyncio.run(main())


async def sign_in(client, username="drlee", password=CLINICIAN_PW, headers=None, part="review"):
    return await client.post(
        f"/{part}/login",
        data={"username": username, "password": password, "next": f"/{part}"},
        allow_redirects=False,
        headers=headers or {},
    )


def signout_token(html: str, part: str = "review") -> str:
    return re.search(rf'action="/{part}/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', html).group(
        1
    )


async def replay(client, part: str, cookie: str, path: str = ""):
    """A request carrying only the given session cookie (as an attacker who copied it would send it)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.get(
            client.make_url(path or f"/{part}"),
            allow_redirects=False,
            headers={"Cookie": f"mild_{part}_session={cookie}"},
        ) as r:
            return r.status


# --- finding 2: sessions that end ------------------------------------------------------------------


def test_cookie_replayed_after_sign_out_is_refused(env):
    async def check(client):
        r = await sign_in(client)
        cookie = r.cookies["mild_review_session"].value
        page = await (await client.get("/review")).text()
        assert await replay(client, "review", cookie) == 200
        r = await client.post("/review/logout", data={"csrf_token": signout_token(page)}, allow_redirects=False)
        assert r.status == 302 and r.headers["Location"] == "/review/login?signed_out=1"
        client.session.cookie_jar.clear()
        # The copied cookie opens nothing any more: no page, no export, no POST.
        assert await replay(client, "review", cookie) == 302
        assert await replay(client, "review", cookie, "/review/export.csv") == 302
        assert client.app[auth.AUTH_KEY].sessions.count("drlee") == 0

    run(check)


def test_sign_out_without_the_csrf_token_is_refused_and_the_session_goes_on(env):
    async def check(client):
        await sign_in(client)
        page = await (await client.get("/review")).text()
        token = signout_token(page)
        assert (await client.post("/review/logout", allow_redirects=False)).status == 403
        assert (await client.post("/review/logout", data={"csrf_token": "x" * 32}, allow_redirects=False)).status == 403
        r = await client.post(
            "/review/logout",
            data={"csrf_token": token},
            allow_redirects=False,
            headers={"Origin": "http://evil.example"},
        )
        assert r.status == 403
        assert (await client.get("/review", allow_redirects=False)).status == 200  # still signed in

    run(check)


def test_staff_sign_out_form_carries_the_token_and_ends_the_session(env):
    async def check(client):
        r = await sign_in(client, "sam", STAFF_PW, part="staff")
        cookie = r.cookies["mild_staff_session"].value
        page = await (await client.get("/staff")).text()
        assert (await client.post("/staff/logout", allow_redirects=False)).status == 403
        r = await client.post("/staff/logout", data={"csrf_token": signout_token(page, "staff")}, allow_redirects=False)
        assert r.status == 302
        assert await replay(client, "staff", cookie) == 302
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            async with session.post(
                client.make_url("/staff/api/intakes"), json={}, headers={"Cookie": f"mild_staff_session={cookie}"}
            ) as resp:
                assert resp.status == 401

    run(check)


def test_idle_timeout_and_absolute_lifetime(env, monkeypatch):
    clock = Clock()

    async def check(client):
        r = await sign_in(client)
        cookie = r.cookies["mild_review_session"].value
        for _ in range(3):  # in use every 29 minutes: goes on past the idle limit in total
            clock.advance(29 * 60)
            assert await replay(client, "review", cookie) == 200
        clock.advance(30 * 60 + 1)  # then left alone for longer than 30 minutes
        assert await replay(client, "review", cookie) == 302
        assert client.app[auth.AUTH_KEY].sessions.count("drlee") == 0  # the ended session is deleted

        r = await sign_in(client)
        cookie = r.cookies["mild_review_session"].value
        used = 0
        while used < auth.SESSION_SECONDS - 20 * 60:
            clock.advance(20 * 60)
            used += 20 * 60
            assert await replay(client, "review", cookie) == 200
        clock.advance(auth.SESSION_SECONDS - used)  # at 8 hours it ends, however busy
        assert await replay(client, "review", cookie) == 302

    run(check, clock=clock)


def test_idle_timeout_is_configurable(env, monkeypatch):
    monkeypatch.setenv("MILD_REVIEW_IDLE_MINUTES", "5")
    clock = Clock()

    async def check(client):
        cookie = (await sign_in(client)).cookies["mild_review_session"].value
        clock.advance(4 * 60)
        assert await replay(client, "review", cookie) == 200
        clock.advance(5 * 60 + 1)
        assert await replay(client, "review", cookie) == 302

    run(check, clock=clock)


def test_forged_or_foreign_cookies_open_nothing(env):
    async def check(client):
        cookie = (await sign_in(client)).cookies["mild_review_session"].value
        a = client.app[auth.AUTH_KEY]
        data = a.signer.loads(cookie)
        assert set(data) == {"s", "p"}  # only a random secret and the part: nothing to edit
        payload, signature = cookie.split(".")
        assert await replay(client, "review", payload + "." + signature[::-1]) == 302
        # a well-signed cookie naming a session that does not exist
        assert await replay(client, "review", a.signer.dumps({"s": "made-up", "p": "review"})) == 302
        # the database holds only the secret's hash: its rows are not cookies
        row_id = a.sessions.engine.connect().execute(auth.sessions.sessions_table.select()).mappings().first()["id"]
        assert data["s"] not in row_id
        assert await replay(client, "review", a.signer.dumps({"s": row_id, "p": "review"})) == 302

    run(check)


def test_hash_cli_sign_out_ends_every_session_of_an_account(env, capsys):
    async def check(client):
        cookie = (await sign_in(client)).cookies["mild_review_session"].value
        assert auth.main(["sign-out", "--user", "drlee"]) == 0
        assert "ended 1 session of drlee" in capsys.readouterr().out
        assert await replay(client, "review", cookie) == 302

    run(check)


# --- finding 3: no oracle, hashing off the loop, no lock-out of everyone ----------------------------


def test_unknown_and_known_names_cost_the_same_pbkdf2(monkeypatch):
    """Constant cost, asserted on the work done (not on a duration): bench/signin_timing.py measures it."""
    calls = []
    real = passwords.hashlib.pbkdf2_hmac

    def counting(name, password, salt, iterations, *args):
        calls.append(iterations)
        return real(name, password, salt, iterations, *args)

    demo = auth.Accounts({"u": auth.Account("u", "staff", auth.hash_password("pw" * 6, passwords.DEMO_ITERATIONS))})
    assert demo.dummy_iterations == passwords.DEMO_ITERATIONS  # the finding: dummy 390 000 vs demo 50 000
    accounts = auth.Accounts({"drlee": auth.Account("drlee", "clinician", auth.hash_password(CLINICIAN_PW, 2000))})
    monkeypatch.setattr(passwords.hashlib, "pbkdf2_hmac", counting)
    assert accounts.authenticate("drlee", "wrong password") is None
    assert accounts.authenticate("nobody", "wrong password") is None
    assert accounts.authenticate("", "") is None
    assert accounts.authenticate("drlee", CLINICIAN_PW).name == "drlee"
    assert calls == [2000, 2000, 2000, 2000]


def test_bad_hashes_in_the_configuration_are_refused(tmp_path):
    good = auth.hash_password("p" * 12, 1000)
    for broken in ("pbkdf2_sha256$x$y$z", "pbkdf2_sha256$10$" + good.split("$", 2)[2], good[:-8]):
        with pytest.raises(auth.AccountError, match="bad password_hash"):
            auth.Accounts.from_env({"MILD_STAFF_USERS": f"sam:{broken}"})
    with pytest.raises(auth.AccountError, match="same display name"):
        auth.Accounts.from_env(
            {
                "MILD_ACCOUNTS_FILE": _accounts_file(
                    tmp_path, [("a", "staff", good, "Pat"), ("b", "clinician", good, "Pat")]
                )
            }
        )


def _accounts_file(directory: Path, rows) -> str:
    path = directory / "accounts.json"
    path.write_text(json.dumps([{"name": n, "role": r, "password_hash": h, "display_name": d} for n, r, h, d in rows]))
    return str(path)


def test_healthz_answers_while_sign_ins_are_being_verified(env):
    """The PBKDF2 runs off the event loop: with three sign-ins stuck in their password check, the
    server still answers /healthz, and only then do the checks finish."""
    entered, release = threading.Semaphore(0), threading.Event()
    order = []

    async def check(client):
        a = client.app[auth.AUTH_KEY]
        real = a.accounts.authenticate
        loop_thread = threading.current_thread()

        def held(name, password):
            order.append("hashing on the loop thread" if threading.current_thread() is loop_thread else "hashing")
            entered.release()
            release.wait(20)
            order.append("verified")
            return real(name, password)

        a.accounts.authenticate = held
        tasks = [asyncio.create_task(sign_in(client, "drlee", "wrong " + str(i))) for i in range(2)]
        tasks.append(asyncio.create_task(sign_in(client, "nobody", "wrong")))
        for _ in range(2):  # both hashing threads are busy
            assert await asyncio.to_thread(entered.acquire, True, 20)
        r = await client.get("/healthz")
        assert r.status == 200
        order.append("healthz")
        release.set()
        statuses = [(await t).status for t in tasks]
        assert statuses == [401, 401, 401]

    run(check)
    assert order[:3] == ["hashing", "hashing", "healthz"], order
    assert order.count("verified") == 3 and "hashing on the loop thread" not in order


def _from(address: str) -> dict:
    return {"X-Forwarded-For": address}


def test_one_attacker_does_not_lock_the_user_out_for_another_client(env, monkeypatch):
    monkeypatch.setenv("MILD_TRUSTED_PROXIES", "127.0.0.1, ::1")  # as behind nginx on loopback
    clock = Clock()

    async def check(client):
        attacker, clinician = _from("203.0.113.5"), _from("198.51.100.7")
        for _ in range(auth.MAX_FAILURES):
            assert (await sign_in(client, "drlee", "guess", attacker)).status == 401
        r = await sign_in(client, "drlee", CLINICIAN_PW, attacker)
        assert r.status == 429 and int(r.headers["Retry-After"]) > 0  # the right password is refused while locked
        assert "mild_review_session" not in r.cookies
        # Another client is not locked out.
        r = await sign_in(client, "drlee", CLINICIAN_PW, clinician)
        assert r.status == 302 and "mild_review_session" in r.cookies
        # A spoofed X-Forwarded-For from the attacker is not a new client: only the trusted hop counts,
        # and what the client prepended is ignored.
        client.session.cookie_jar.clear()
        r = await sign_in(client, "drlee", CLINICIAN_PW, _from("198.51.100.99, 203.0.113.5"))
        assert r.status == 429
        clock.advance(lockout_module.WINDOW)  # the lock lifts by itself
        assert (await sign_in(client, "drlee", CLINICIAN_PW, attacker)).status == 302

    run(check, clock=clock)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(env):
    async def check(client):
        for i in range(auth.MAX_FAILURES):
            assert (await sign_in(client, "drlee", "guess", _from(f"203.0.113.{i}"))).status == 401
        assert (await sign_in(client, "drlee", CLINICIAN_PW, _from("198.51.100.7"))).status == 429

    run(check)


def test_a_distributed_attack_meets_a_growing_back_off_but_the_users_own_browser_does_not(env, monkeypatch):
    monkeypatch.setenv("MILD_TRUSTED_PROXIES", "127.0.0.1")
    clock = Clock()

    async def check(client):
        # The clinician signed in from this browser before: it holds a device cookie for drlee.
        r = await sign_in(client, "drlee", CLINICIAN_PW, _from("198.51.100.7"))
        assert r.status == 302 and "mild_review_device" in r.cookies
        device = r.cookies["mild_review_device"].value
        client.session.cookie_jar.clear()

        botnet = iter(f"203.0.{i // 250}.{i % 250 + 1}" for i in range(10_000))
        for _ in range(lockout_module.GLOBAL_FREE):  # each address well under its own limit
            assert (await sign_in(client, "drlee", "guess", _from(next(botnet)))).status == 401
        waits = []
        for _ in range(6):
            r = await sign_in(client, "drlee", "guess", _from(next(botnet)))
            assert r.status == 429  # a fresh address must wait too
            waits.append(int(r.headers["Retry-After"]))
            clock.advance(waits[-1])
            assert (await sign_in(client, "drlee", "guess", _from(next(botnet)))).status == 401
        assert waits == sorted(waits) and waits[-1] > waits[0]  # the back-off grows
        # From then on, trying as fast as the server lets it, the attack gets about a guess a minute.
        guesses, tried_for = 0, 0
        while tried_for < 1800:
            r = await sign_in(client, "drlee", "guess", _from(next(botnet)))
            guesses += r.status == 401
            wait = int(r.headers.get("Retry-After", "0")) or 1
            clock.advance(wait)
            tried_for += wait
        assert guesses <= 1800 / lockout_module.GLOBAL_MAX + 1, guesses
        # Meanwhile the clinician's own browser signs in at once, and so does another account.
        assert (
            await sign_in(
                client, "drlee", CLINICIAN_PW, {**_from("198.51.100.7"), "Cookie": f"mild_review_device={device}"}
            )
        ).status == 302
        client.session.cookie_jar.clear()
        assert (await sign_in(client, "drshah", "another clinician pw", _from(next(botnet)))).status == 302

    run(check, clock=clock)


def test_an_unknown_user_name_meets_the_same_limits():
    """The limits count names as typed, known or not: they do not tell which names exist."""
    lock = auth.Lockout()
    for name in ("review|drlee", "review|nobody"):
        for i in range(auth.MAX_FAILURES):
            assert lock.attempt("ip:1", name, False, 1000.0 + i) == 0
        assert lock.attempt("ip:1", name, False, 1010.0) > 0


def test_parallel_attempts_cannot_slip_past_the_limit():
    lock = auth.Lockout()
    allowed = [lock.attempt("ip:1", "review|drlee", False, 1000.0) == 0 for _ in range(20)]
    assert allowed.count(True) == auth.MAX_FAILURES  # counted before the (slow) password check


@pytest.mark.parametrize(
    "peer,header,trusted,expected",
    [
        ("203.0.113.5", ["198.51.100.1"], "", "203.0.113.5"),  # no trusted proxy: the peer
        ("127.0.0.1", ["198.51.100.1"], "127.0.0.1", "198.51.100.1"),  # behind nginx
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], "127.0.0.1", "198.51.100.1"),  # client-prepended value ignored
        ("127.0.0.1", ["198.51.100.1, 10.0.0.2"], "127.0.0.1 10.0.0.0/8", "198.51.100.1"),  # two trusted hops
        ("127.0.0.1", [], "127.0.0.1", "127.0.0.1"),
        ("127.0.0.1", ["not-an-ip"], "127.0.0.1", "127.0.0.1"),
        ("10.1.2.3", ["198.51.100.1"], "127.0.0.1", "10.1.2.3"),  # an untrusted peer's header
    ],
)
def test_client_address(peer, header, trusted, expected):
    assert auth.client_address(peer, header, lockout_module.parse_networks(trusted)) == expected


# --- finding 6: bad filter values ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,message",
    [
        ("/review?since=0001-01-01&until=9999-12-31", "between 2000-01-01 and 2099-12-31"),
        ("/review/dashboard?until=0001-01-05", "between 2000-01-01 and 2099-12-31"),
        ("/review/dashboard?since=9999-12-31", "between 2000-01-01 and 2099-12-31"),
        ("/review?since=yesterday", "YYYY-MM-DD"),
        ("/review?until=2025-02-30", "YYYY-MM-DD"),
        ("/review?since=%00%ff", "YYYY-MM-DD"),
        ("/review?since=2025-11-20&until=2025-11-01", "after it ends"),
        ("/review/dashboard?since=2025-11-20&until=2025-11-01", "after it ends"),
        ("/review?page=999999999999999999999999999999", "page number"),
        ("/review?page=0", "page number"),
        ("/review?page=-3", "page number"),
        ("/review?page=1e9", "page number"),
        ("/review?outcome=everything", "Outcome"),
        ("/review?channel=fax", "Channel"),
        ("/review/dashboard?channel=fax", "Channel"),
        ("/review?status=lost", "Status"),
        ("/review?reviewed=maybe", "Reviewed"),
        ("/review?appointment=perhaps", "Appointment"),
        ("/review?q=" + "x" * 101, "longer than 100"),
        ("/review/export.csv?since=0001-01-01", "between 2000-01-01 and 2099-12-31"),
        ("/review/export.csv?since=2025-11-20&until=2025-11-01", "after it ends"),
    ],
)
def test_bad_filter_values_answer_400_with_a_clear_message(env, url, message):
    async def check(client):
        await sign_in(client)
        r = await client.get(url)
        return r.status, await r.text()

    status, text = run(check)
    assert status == 400 and message in text, (url, status, text[:300])
    assert "Traceback" not in text and "OverflowError" not in text


def test_good_filter_values_still_work(env):
    async def check(client):
        await sign_in(client)
        for url in (
            "/review?since=&until=&channel=&status=&reviewed=&q=",
            "/review?since=2000-01-01&until=2099-12-31",
            "/review?page=1",
            "/review?page=99",
            "/review?outcome=none&outcome=emergency&appointment=1",
            "/review/dashboard?since=2000-01-01&until=2099-12-31",
            "/review/dashboard?since=2025-11-16",
            "/review/dashboard?until=2025-11-23",
            "/review/export.csv?since=2025-11-18&until=2025-11-18",
        ):
            r = await client.get(url)
            assert r.status == 200, url
        r = await client.get("/review/dashboard?since=2000-01-01&until=2099-12-31")
        assert 'value="2097-12-31"' in await r.text()  # a period beyond two years is shortened, and shown

    run(check)


# --- finding 7b: the reviewer is the signed-in account ----------------------------------------------


def test_mark_reviewed_records_the_signed_in_account_whatever_the_form_says(env):
    async def check(client):
        await sign_in(client)
        sid = env["store"].list()[0]["screening_id"]
        page = await (await client.get(f"/review/s/{sid}")).text()
        assert 'name="reviewer"' not in page and "Signed as <strong>Dr. Lee</strong>" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = await client.post(
            f"/review/s/{sid}/review",
            allow_redirects=False,
            data={"csrf_token": token, "reviewer": "Dr. Shah", "note": "signed off"},
        )
        assert r.status == 303
        assert [x["reviewer"] for x in env["store"].reviews(sid)] == ["Dr. Lee"]

    run(check)


def test_auth_made_without_a_database_still_works():
    """Auth() alone (scripts, tests) keeps its sessions in an in-memory database."""
    account = auth.Account("drlee", "clinician", auth.hash_password(CLINICIAN_PW, 1000))
    a = auth.Auth(auth.Accounts({"drlee": account}), SECRET, production=False)
    token = a.issue(account, "review")
    assert a.user_from_token(token, "review").name == "drlee"
    assert a.revoke(token, "review") and a.user_from_token(token, "review") is None
