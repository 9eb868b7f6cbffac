"""The record path on a real PostgreSQL server: Rasa's SQL tracker store writes the conversations,
records.store reads, filters, reviews, exports and deletes them.

The server: ``MILD_TEST_POSTGRES_URL`` if set, else the throwaway one of ``scripts/postgres.sh``
(started here; it installs Debian's postgresql when missing, which it only does when
``MILD_TEST_POSTGRES=1``). Skipped when neither is possible, unless MILD_TEST_POSTGRES=1 (then it
fails). Each run works in a fresh database that it drops at the end.
"""

from __future__ import annotations

import asyncio
import glob
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO_ROOT = Path(__file__).resolve().parents[2]
TRACKERS = REPO_ROOT / "tests" / "data" / "trackers"
SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"


def _required() -> bool:
    return os.environ.get("MILD_TEST_POSTGRES", "").strip().lower() in ("1", "true", "yes")


def _unavailable(message: str):
    if _required():
        pytest.fail(message + " (MILD_TEST_POSTGRES=1)", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The tests' own server: its own directory and a free port, so a developer's server on the
# default port (or one left behind by an earlier run) is neither used nor in the way.
SERVER_ENV = {"PG_BASE": str(REPO_ROOT / ".services" / "postgres-test"), "PG_PORT": str(_free_port())}


def _script(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **SERVER_ENV},
    )


@pytest.fixture(scope="module")
def pg_server():
    """The server's URL; a server this fixture started is stopped again at the end."""
    url = os.environ.get("MILD_TEST_POSTGRES_URL", "").strip()
    if url:
        yield url
        return
    installed = bool(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not installed and not _required():
        pytest.skip("PostgreSQL is not installed (set MILD_TEST_POSTGRES=1 to install and run it)")
    was_running = installed and _script("status", timeout=30).returncode == 0
    result = _script("start")
    if result.returncode != 0:
        _unavailable(f"scripts/postgres.sh start failed: {result.stderr.strip()[-800:]}")
    lines = [line for line in result.stdout.splitlines() if line.startswith("DB_URL=")]
    if not lines:
        _unavailable("scripts/postgres.sh printed no DB_URL")
    yield lines[-1].split("=", 1)[1]
    if not was_running:
        _script("stop", timeout=60)


@pytest.fixture(scope="module")
def pg_url(pg_server):
    """A fresh database on the PostgreSQL server, dropped afterwards."""
    server = sa.engine.make_url(pg_server)
    name = f"mild_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        _unavailable(f"cannot reach PostgreSQL at {server.host}:{server.port}: {exc}")
    url = server.set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _rasa_store(url: str):
    """Rasa's own SQLTrackerStore on that database, configured like endpoints.yml does."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    u = sa.engine.make_url(url)
    return SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host=u.host,
        port=u.port,
        db=u.database,
        username=u.username,
        password=u.password,
    )


def _save_fixtures(url: str) -> int:
    from rasa.shared.core.trackers import DialogueStateTracker

    store = _rasa_store(url)
    count = 0
    for path in sorted(TRACKERS.glob("*.json")):
        tracker = json.loads(path.read_text(encoding="utf-8"))
        rasa_tracker = DialogueStateTracker.from_dict(tracker["sender_id"], tracker["events"], [])
        asyncio.run(store.save(rasa_tracker))
        count += 1
    store.engine.dispose()
    return count


def test_records_from_rasas_tracker_store_on_postgres(pg_url, monkeypatch, tmp_path):
    from records import __main__ as cli
    from records import export, fhir
    from records.store import Filters, RecordStore

    monkeypatch.setenv("MILD_TZ", "America/New_York")
    conversations = _save_fixtures(pg_url)
    store = RecordStore(pg_url)
    assert store.engine.dialect.name == "postgresql"
    assert len(store.conversation_ids()) == conversations

    from records.derive import derive_from_tracker

    expected = sum(len(derive_from_tracker(json.loads(p.read_text()))) for p in TRACKERS.glob("*.json"))
    records = store.list()
    assert len(records) == expected > conversations  # the restart conversations hold two screenings
    assert [r["started_ts"] for r in records] == sorted((r["started_ts"] for r in records), reverse=True)

    hand_built = date(2025, 12, 1)  # the hand-built fixtures are from November 2025, the real dumps later
    recommend = store.list(Filters(outcome=["recommend_consult"], until=hand_built))
    assert {r["sender_id"] for r in recommend} == {"web-7f3a9c2e", "web-c0rrec71"}
    corrected = next(r for r in recommend if r["sender_id"] == "web-c0rrec71")
    assert [h["value"] for h in corrected["answers"]["age_years"]["history"]] == [45]
    assert store.list(Filters(channel="staff", until=hand_built))[0]["staff_name"] == "Dana Whitfield"
    assert store.list(Filters(status="abandoned", until=date(2025, 11, 19)))[0]["abandoned_at"] == "walking_tolerance"
    assert (
        store.list(Filters(channel="staff", search=None, since=date(2026, 1, 1)))[0]["staff_name"] == "Dana Testagent"
    )
    assert {r["appointment"]["name"] for r in store.list(Filters(search="555-0142"))} == {
        "Margaret Ellis",
        "Margaret Testrecord",
    }
    assert all(r["emergency"] for r in store.list(Filters(outcome=["emergency"])))

    # Reviews go to their own table; the events stay as Rasa wrote them.
    with store.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*), max(id) FROM events")).one()
    sid = recommend[0]["screening_id"]
    store.add_review(sid, "Dr. Lee", "Called back, booked in Woburn.")
    assert store.reviews(sid)[0]["note"] == "Called back, booked in Woburn."
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*), max(id) FROM events")).one() == before

    # Exports: FHIR validates and round-trips, CSV has a row per screening.
    for record in records:
        data = export.to_fhir([record], single=True)
        assert fhir.answers_from_response(data) == {s: a["value"] for s, a in record["answers"].items()}
    assert export.to_csv(records).count("\r\n") == len(records) + 1
    out = tmp_path / "bundle.json"
    assert cli.main(["--db", pg_url, "export", "--format", "fhir", "--out", str(out)]) == 0
    # the Questionnaire, one QuestionnaireResponse per record, and (issue 11) a ServiceRequest per
    # appointment request
    kinds = [e["resource"]["resourceType"] for e in json.loads(out.read_text())["entry"]]
    assert kinds.count("Questionnaire") == 1 and kinds.count("QuestionnaireResponse") == len(records)
    assert kinds.count("ServiceRequest") == sum(
        1
        for r in records
        if (r.get("appointment") or {}).get("consent") == "yes" and (r.get("appointment") or {}).get("phone")
    )

    # Retention: nothing is a century old; with 0 days every conversation goes.
    assert store.delete_older_than(36500) == 0
    assert store.delete_older_than(0, now=time.time() + 1) == conversations
    assert store.list() == [] and store.reviews(sid) == []
    store.engine.dispose()


def test_real_assistant_writes_to_postgres(pg_url, monkeypatch):
    """With a trained model: Rasa itself (endpoints.yml's SQL tracker store) on PostgreSQL."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.support.servers import Stack, StackError, trained_models

    if not trained_models():
        pytest.skip("no trained model in models/")
    u = sa.engine.make_url(pg_url)
    env = {
        "DB_DIALECT": "postgresql",
        "DB_HOST": u.host,
        "DB_PORT": str(u.port),
        "DB_NAME": u.database,
        "DB_USER": u.username,
        "DB_PASSWORD": u.password,
        "DB_URL": pg_url,
    }
    stack = Stack.with_free_ports(name="test-postgres", extra_env=env, start_web=False)
    try:
        stack.start(timeout=float(os.environ.get("MILD_STACK_TIMEOUT", "300")))
    except StackError as exc:
        pytest.fail(f"could not start the stack: {exc}", pytrace=False)
    try:
        sender = f"pg-{secrets.token_hex(4)}"

        def say(text: str) -> list:
            body = json.dumps({"sender": sender, "message": text}).encode()
            request = urllib.request.Request(
                f"{stack.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local)
                return json.loads(response.read())

        say("/start_screening")
        say('/inform{"red_flags":"yes"}')
        from records.store import RecordStore

        store = RecordStore(pg_url)
        deadline = time.monotonic() + 20
        records = []
        while time.monotonic() < deadline:
            records = [r for r in store.list() if r["sender_id"] == sender]
            if records and records[0]["outcome"]:
                break
            time.sleep(0.5)
        assert records, "Rasa stored no screening in PostgreSQL"
        record = records[0]
        assert record["outcome"] == "emergency" and record["emergency"] and record["status"] == "finished"
        assert record["answers"]["red_flags"]["value"] == "yes"
        assert record["rules_version"] == "1"
        store.engine.dispose()
    finally:
        stack.stop()


def test_sign_in_sessions_on_postgres(pg_url):
    """webapp.auth's sessions in the same PostgreSQL database: sign-out and idleness end them."""
    from records.store import make_engine
    from webapp import auth
    from webapp.auth.sessions import SessionStore

    store = SessionStore(make_engine(pg_url))
    assert store.engine.dialect.name == "postgresql"
    account = auth.Account("drlee", "clinician", auth.hash_password("correct horse battery", 1000))
    a = auth.Auth(
        auth.Accounts({"drlee": account}),
        "k" * 40,
        production=True,
        sessions=store,
        idle={"review": 1800},
        clock=lambda: 1_800_000_000.0,
    )
    token = a.issue(account, "review")
    assert a.user_from_token(token, "review").name == "drlee"
    assert a.user_from_token(token, "review", now=1_800_000_000.0 + 1799).name == "drlee"  # touched
    assert a.user_from_token(token, "review", now=1_800_000_000.0 + 1799 + 1800) is None  # idle
    token = a.issue(account, "review")
    assert a.revoke(token, "review") and a.user_from_token(token, "review") is None
    a.issue(account, "staff")
    assert store.revoke_account("drlee") == 1 and store.count() == 0
    store.engine.dispose()


def test_callback_worklist_outbox_and_audit_on_postgres(pg_url):
    """The front desk's worklist, the e-mail outbox and the access audit on a real server."""
    from records.audit import AuditFilters, AuditLog
    from records.callbacks import CallbackError, CallbackStore
    from records.notify import Outbox
    from records.store import RecordStore

    store = RecordStore(pg_url)
    tracker = json.loads((TRACKERS / "real_buttons_recommend_appointment.json").read_text(encoding="utf-8"))
    for sender, shift in (("pg-cb-old", -6 * 86400.0), ("pg-cb-new", 0.0)):
        events = []
        for e in tracker["events"]:
            e = dict(e)
            if e.get("timestamp"):
                e["timestamp"] += shift
            if e.get("event") == "slot" and e.get("name") == "screening_id":
                e["value"] = f"{sender}-screening"
            events.append(e)
        store.add_events(sender, events)
    now = max(e["timestamp"] for e in tracker["events"] if e.get("timestamp")) + 3600
    callbacks = CallbackStore(store.engine, clock=lambda: now)
    outbox = Outbox(store.engine, clock=lambda: now, env={"MILD_OFFICE_EMAIL_WOBURN": "desk@clinic.example"})
    outbox.ensure_table()
    mine = [r for r in store.records() if r["sender_id"].startswith("pg-cb-")]  # the module shares the database
    assert len(callbacks.sync(mine, outbox.enqueue)) == 2
    assert callbacks.sync(mine, outbox.enqueue) == []  # idempotent
    assert len(outbox.pending()) == 2 and all("Margaret" not in m["body"] for m in outbox.pending())
    listing = callbacks.worklist()
    assert [r["screening_id"] for r in listing["rows"]] == ["pg-cb-old-screening", "pg-cb-new-screening"]
    assert [r["overdue"] for r in listing["rows"]] == [True, False]
    assert listing["rows"][0]["duplicate_of"] == ["pg-cb-new-screening"]  # same number
    assert listing["counts"]["new"] == 2 and callbacks.worklist(office="Beverly")["rows"] == []
    callbacks.change("pg-cb-old-screening", "attempt", "Ann", "voicemail")
    booked = callbacks.change("pg-cb-old-screening", "book", "Ann", when="12/8 10:30", office="Woburn")
    assert booked["status"] == "booked" and [h["status"] for h in booked["history"]] == ["new", "called", "booked"]
    with pytest.raises(CallbackError):
        callbacks.change("pg-cb-old-screening", "attempt", "Ann")
    callbacks.change("pg-cb-new-screening", "duplicate", "Ann")
    assert callbacks.worklist()["counts"] == {
        **{s: 0 for s in ("new", "called", "unreachable", "declined")},
        "booked": 1,
        "duplicate": 1,
        "open": 0,
        "overdue": 0,
    }
    attached = {r["screening_id"]: r for r in callbacks.attach(mine)}
    assert attached["pg-cb-old-screening"]["callback"]["booked_office"] == "Woburn"

    log = AuditLog(store.engine, clock=lambda: now)
    log.write("ann", "staff", "view_callback", ["pg-cb-old-screening"])
    log.write("drlee", "clinician", "export_csv", ["pg-cb-old-screening", "pg-cb-new-screening"])
    assert {e["user"] for e in log.entries(AuditFilters(screening_id="pg-cb-new-screening"))} == {"drlee"}
    assert [e["action"] for e in log.entries(AuditFilters(user="ann"))] == ["view_callback"]
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE access_audit SET \"user\" = 'someone else'"))
    AuditLog(store.engine).ensure_table()  # a second server: the trigger exists once
    assert log.purge_older_than(1, now=now + 2 * 86400) == 3
    # the records' retention takes the call-backs of deleted conversations with them
    assert store.delete_older_than(0, now=now + 86400) >= 2
    assert callbacks.delete_orphans(store.conversation_ids()) == 2
    assert callbacks.worklist(status="all")["rows"] == []
    store.engine.dispose()
