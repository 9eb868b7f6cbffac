"""The front desk's call-back worklist, its e-mails (through a real local SMTP server, aiosmtpd) and
the access audit, in-process with aiohttp's test client over a SQLite records database."""

from __future__ import annotations

import asyncio
import csv
import email
import email.policy
import io
import json
import logging
import re
import socket
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from records import __main__ as records_cli
from records import export
from records.audit import AuditLog
from records.callbacks import CallbackError, CallbackStore, parse_booking
from records.notify import Outbox
from records.store import RecordStore
from screening import callback as promise
from webapp import auth
from webapp.app import create_app
from webapp.config import WebConfig

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
APPOINTMENT = TRACKERS / "real_buttons_recommend_appointment.json"
NAME, PHONE = "Margaret Testrecord", "781-555-0142"
NY = ZoneInfo("America/New_York")
SECRET = "s" * 40
STAFF_PW, ADMIN_PW, CLIN_PW = "staff password 123", "admin password 123", "clinician password 123"


def load(store: RecordStore, sender: str, shift: float = 0.0, phone: str = PHONE) -> None:
    tracker = json.loads(APPOINTMENT.read_text())
    events = []
    for e in tracker["events"]:
        e = dict(e)
        if e.get("timestamp"):
            e["timestamp"] += shift
        if e.get("event") == "slot" and e.get("name") == "contact_phone":
            e["value"] = phone
        if e.get("event") == "slot" and e.get("name") == "screening_id":
            e["value"] = f"{e['value']}-{sender}"
        events.append(e)
    store.add_events(sender, events)


# --- the promise ---------------------------------------------------------------------------------


def test_weekends_do_not_count_towards_the_promise():
    friday_3pm = datetime(2026, 12, 4, 15, 0, tzinfo=NY).timestamp()
    assert datetime.fromtimestamp(promise.due_at(friday_3pm, NY, 1), NY) == datetime(2026, 12, 7, 15, 0, tzinfo=NY)
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=NY).timestamp()
    assert datetime.fromtimestamp(promise.due_at(saturday, NY, 1), NY) == datetime(2026, 12, 8, 0, 0, tzinfo=NY)
    tuesday = datetime(2026, 12, 8, 9, 0, tzinfo=NY).timestamp()
    assert datetime.fromtimestamp(promise.due_at(tuesday, NY, 2), NY) == datetime(2026, 12, 10, 9, 0, tzinfo=NY)
    assert promise.business_days({"MILD_CALLBACK_BUSINESS_DAYS": "2"}) == 2
    assert promise.business_days({"MILD_CALLBACK_BUSINESS_DAYS": "soon"}) == 1
    assert promise.promise_text(1) == "one business day" and promise.promise_text(2) == "two business days"


def test_booking_times_as_agents_type_them():
    today = datetime(2026, 12, 3).date()
    assert parse_booking("12/8 10:30", today) == datetime(2026, 12, 8, 10, 30)
    assert parse_booking("12/8 1030", today) == datetime(2026, 12, 8, 10, 30)
    assert parse_booking("2027-01-05 9:15", today) == datetime(2027, 1, 5, 9, 15)
    assert parse_booking("1/5 2:15pm", today) == datetime(2027, 1, 5, 14, 15)  # next January
    for bad in ("", "tomorrow", "13/40 10:00", "12/8", "2026-12-01 10:00"):
        with pytest.raises(CallbackError):
            parse_booking(bad, today)


# --- the store -----------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    store = RecordStore(f"sqlite:///{tmp_path / 'rasa.db'}")
    return store


def test_sync_adds_each_request_once_with_its_history(db):
    load(db, "web-a")
    callbacks = CallbackStore(db.engine)
    assert len(callbacks.sync(db.records())) == 1
    assert callbacks.sync(db.records()) == []
    sid = db.records()[0]["screening_id"]
    # every change on an explicit clock (the history is ordered by time; a real clock ran past the booking's)
    at = [datetime(2026, 12, 3, hour, tzinfo=NY).timestamp() for hour in (10, 11, 12)]
    callbacks.change(sid, "attempt", "Ann", "voicemail", now=at[0])
    callbacks.change(sid, "attempt", "Ann", now=at[1])
    row = callbacks.change(sid, "book", "Ann", when="12/8 10:30", office="Beverly", now=at[2])
    assert (row["status"], row["attempts"], row["booked_for"], row["booked_office"]) == (
        "booked",
        2,
        "2026-12-08T10:30",
        "Beverly",
    )
    assert [h["status"] for h in row["history"]] == ["new", "called", "called", "booked"]
    with pytest.raises(CallbackError, match="already booked"):
        callbacks.change(sid, "attempt", "Ann")
    # part of the record: JSON, CSV and FHIR exports carry it
    record = callbacks.attach(db.records())[0]
    assert record["callback"]["status"] == "booked" and len(record["callback"]["history"]) == 4
    assert next(csv.DictReader(io.StringIO(export.to_csv([record]))))["callback_status"] == "booked"
    kinds = [e["resource"]["resourceType"] for e in export.to_fhir([record])["entry"]]
    assert kinds == ["Questionnaire", "QuestionnaireResponse", "ServiceRequest", "Appointment"]
    service = export.to_fhir([record])["entry"][2]["resource"]
    assert service["status"] == "completed"
    assert service["supportingInfo"] == [{"reference": f"QuestionnaireResponse/{record['screening_id']}"}]


def test_three_attempts_then_only_a_close(db):
    load(db, "web-a")
    callbacks = CallbackStore(db.engine)
    callbacks.sync(db.records())
    sid = db.records()[0]["screening_id"]
    for _ in range(3):
        callbacks.change(sid, "attempt", "Ann")
    with pytest.raises(CallbackError, match="3 attempts"):
        callbacks.change(sid, "attempt", "Ann")
    assert callbacks.change(sid, "unreachable", "Ann")["status"] == "unreachable"


def test_duplicate_is_a_hint_never_automatic(db):
    load(db, "web-a", shift=-3600)
    load(db, "web-b", phone="(781) 555-0142")
    load(db, "web-c", phone="617-555-0199")
    callbacks = CallbackStore(db.engine)
    callbacks.sync(db.records())
    rows = {r["sender_id"]: r for r in callbacks.worklist()["rows"]}
    assert rows["web-a"]["duplicate_of"] == [rows["web-b"]["screening_id"]]
    assert rows["web-b"]["duplicate_of"] == [rows["web-a"]["screening_id"]]
    assert rows["web-c"]["duplicate_of"] == []
    assert {r["status"] for r in rows.values()} == {"new"}
    callbacks.change(rows["web-b"]["screening_id"], "duplicate", "Ann")
    rows = {r["sender_id"]: r for r in callbacks.worklist()["rows"]}
    assert "web-b" not in rows and rows["web-a"]["duplicate_of"] == []


def test_retention_removes_the_callbacks_of_deleted_conversations(db, capsys, monkeypatch):
    load(db, "web-a")
    callbacks = CallbackStore(db.engine)
    callbacks.sync(db.records())
    assert records_cli.main(["--db", str(db.engine.url), "retention", "--days", "0"]) == 0
    assert "1 call-back requests" in capsys.readouterr().out
    assert callbacks.worklist(status="all")["rows"] == []


# --- e-mail through a real SMTP server -----------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message["Subject"] + "\n" + message.get_content()))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port():
    return _free_port()


def start_smtp(port: int):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def test_notification_arrives_without_name_or_phone(db, smtp_port):
    controller, inbox = start_smtp(smtp_port)
    try:
        load(db, "web-a")
        env = {
            "MILD_OFFICE_EMAIL_WOBURN": "woburn-desk@clinic.example",
            "MILD_SMTP_HOST": "127.0.0.1",
            "MILD_SMTP_PORT": str(smtp_port),
            "MILD_PUBLIC_URL": "https://intake.clinic.example",
        }
        outbox = Outbox(db.engine, env=env)
        CallbackStore(db.engine).sync(db.records(), outbox.enqueue)
        assert outbox.send_due() == {"sent": 1, "failed": 0}
        assert outbox.send_due()["sent"] == 0  # sent once
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    rcpt, content = inbox.messages[0]
    assert rcpt == ["woburn-desk@clinic.example"]
    assert "A new call-back request is waiting" in content
    assert "https://intake.clinic.example/staff/callbacks?office=Woburn" in content
    record = db.records()[0]
    for secret in ("Margaret", "Testrecord", "555-0142", "5550142", record["screening_id"]):
        assert secret not in content


def test_smtp_outage_loses_nothing_and_sends_later(db, smtp_port, caplog):
    load(db, "web-a")
    env = {
        "MILD_OFFICE_EMAIL_WOBURN": "woburn-desk@clinic.example",
        "MILD_SMTP_HOST": "127.0.0.1",
        "MILD_SMTP_PORT": str(smtp_port),
        "MILD_SMTP_TIMEOUT": "2",
    }
    now = [1_800_000_000.0]
    outbox = Outbox(db.engine, env=env, clock=lambda: now[0])
    callbacks = CallbackStore(db.engine, clock=lambda: now[0])
    caplog.set_level(logging.INFO)
    callbacks.sync(db.records(), outbox.enqueue)  # nothing listens on the port: the server is down
    assert outbox.send_due() == {"sent": 0, "failed": 1}
    assert outbox.send_due() == {"sent": 0, "failed": 0}  # not before the retry delay
    pending = outbox.pending()
    assert len(pending) == 1 and pending[0]["attempts"] == 1 and pending[0]["last_error"]
    assert callbacks.worklist()["counts"]["new"] == 1  # the request itself is in the worklist
    controller, inbox = start_smtp(smtp_port)
    try:
        now[0] += 31
        assert outbox.send_due() == {"sent": 1, "failed": 0}
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and outbox.pending() == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "not sent" in logged and "Woburn" in logged
    assert "Margaret" not in logged and "555" not in logged


# --- the web pages and the audit -----------------------------------------------------------------


@pytest.fixture
def web(tmp_path, monkeypatch):
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "name": "ann",
                        "role": "staff",
                        "password_hash": auth.hash_password(STAFF_PW, 1000),
                        "display_name": "Ann Desk",
                    },
                    {
                        "name": "dradmin",
                        "role": "clinician",
                        "password_hash": auth.hash_password(ADMIN_PW, 1000),
                        "admin": True,
                    },
                    {"name": "drlee", "role": "clinician", "password_hash": auth.hash_password(CLIN_PW, 1000)},
                ]
            }
        )
    )
    db = tmp_path / "rasa.db"
    store = RecordStore(f"sqlite:///{db}")
    load(store, "web-a")
    monkeypatch.setenv("MILD_ACCOUNTS_FILE", str(accounts))
    monkeypatch.setenv("DB_URL", f"sqlite:///{db}")
    monkeypatch.setenv("MILD_CALLBACK_SYNC_SECONDS", "3600")
    for var in ("MILD_STAFF_USERS", "MILD_CLINICIAN_USERS", "MILD_SMTP_HOST", "MILD_AUDIT_ADMINS"):
        monkeypatch.delenv(var, raising=False)
    return store


def run(coro_fn):
    async def main():
        async with TestClient(TestServer(create_app(WebConfig(secret_key=SECRET)))) as client:
            return await coro_fn(client)

    return asyncio.run(main())


async def sign_in(client, part, name, password):
    r = await client.post(
        f"/{part}/login", data={"username": name, "password": password, "next": f"/{part}"}, allow_redirects=False
    )
    assert r.status in (302, 303), await r.text()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_every_kind_of_access_is_audited(web, capsys):
    sid = web.records()[0]["screening_id"]

    async def check(client):
        await sign_in(client, "staff", "ann", STAFF_PW)
        page = await (await client.get("/staff/callbacks")).text()
        assert f"/staff/callbacks/{sid}" in page
        page = await (await client.get(f"/staff/callbacks/{sid}")).text()
        assert f'href="tel:{PHONE}"' in page and NAME in page
        for data in (
            {"action": "attempt", "note": "voicemail"},
            {"action": "book", "when": "12/8 10:30", "office": "Woburn"},
        ):
            r = await client.post(
                f"/staff/callbacks/{sid}", data={"csrf_token": _csrf(page), **data}, allow_redirects=False
            )
            assert r.status == 303
        assert (await client.get(f"/staff/callbacks/{sid}/record")).status == 200
        await sign_in(client, "review", "drlee", CLIN_PW)
        assert (await client.get(f"/review/s/{sid}")).status == 200
        exported = json.loads(await (await client.get(f"/review/export/{sid}.json")).text())
        assert exported["callback"]["status"] == "booked"
        assert (await client.get(f"/review/export/{sid}.fhir.json")).status == 200
        assert (await client.get("/review/export.csv")).status == 200
        assert (await client.get("/review/audit")).status == 403  # not an admin
        await sign_in(client, "review", "dradmin", ADMIN_PW)
        page = await (await client.get(f"/review/audit?screening={sid}")).text()
        assert "view_record" in page and "callback_book" in page
        r = await client.get("/review/audit.csv?user=ann")
        rows = list(csv.DictReader(io.StringIO(await r.text())))
        assert {row["user"] for row in rows} == {"ann"}
        assert (await client.get("/review/audit?since=yesterday")).status == 400

    run(check)
    assert records_cli.main(["export", "--format", "json", "--id", sid]) == 0
    assert json.loads(capsys.readouterr().out)["callback"]["status"] == "booked"

    entries = AuditLog(web.engine).entries(limit=None)
    seen = {(e["user"], e["role"], e["action"]) for e in entries if e["screening_id"] == sid}
    assert {("ann", "staff", a) for a in ("view_callback", "callback_attempt", "callback_book", "view_record")} <= seen
    assert {("drlee", "clinician", a) for a in ("view_record", "export_json", "export_fhir", "export_csv")} <= seen
    assert any(u.startswith("os:") and r == "cli" and a == "export_json" for u, r, a in seen)
    assert any(e["action"] == "view_worklist" and e["user"] == "ann" for e in entries)
    assert any(e["action"] == "export_audit" and e["user"] == "dradmin" for e in entries)
    import sqlalchemy as sa

    with pytest.raises(sa.exc.DatabaseError):  # append-only
        with web.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE access_audit SET user = 'someone else'")


def test_a_request_newer_than_the_last_sync_opens_at_once(web):
    """An agent who opens a request the worker has not picked up yet sees it, not a 404."""

    async def check(client):
        await sign_in(client, "staff", "ann", STAFF_PW)
        assert (await client.get("/staff/callbacks")).status == 200  # the worker's pass is done
        load(web, "web-b", shift=60, phone="(617) 555-0199")
        sid = next(r["screening_id"] for r in web.records() if r["screening_id"].endswith("-web-b"))
        r = await client.get(f"/staff/callbacks/{sid}")
        assert r.status == 200 and "555-0199" in await r.text()
        token = _csrf(await r.text())
        load(web, "web-d", shift=180, phone="(617) 555-0142")
        sid = next(r["screening_id"] for r in web.records() if r["screening_id"].endswith("-web-d"))
        r = await client.post(f"/staff/callbacks/{sid}", data={"csrf_token": token, "action": "attempt"})
        assert r.status == 200 and "Called" in await r.text()

    run(check)


def test_bad_input_gets_a_400_with_a_message(web):
    sid = web.records()[0]["screening_id"]

    async def check(client):
        await sign_in(client, "staff", "ann", STAFF_PW)
        r = await client.get("/staff/callbacks?office=Atlantis")
        assert r.status == 400 and "Unknown office" in await r.text()
        r = await client.get("/staff/callbacks?status=lost")
        assert r.status == 400
        page = await (await client.get(f"/staff/callbacks/{sid}")).text()
        token = _csrf(page)
        for data, message in (
            ({"action": "book", "when": "whenever"}, "date and time"),
            ({"action": "book", "when": "12/8 10:30", "office": "Atlantis"}, "Choose an office"),
            ({"action": "attempt", "note": "x" * 501}, "longer than 500"),
            ({"action": "explode"}, "Unknown action"),
        ):
            r = await client.post(f"/staff/callbacks/{sid}", data={"csrf_token": token, **data})
            assert r.status == 400 and message in await r.text()
        r = await client.post(f"/staff/callbacks/{sid}", data={"action": "attempt"})
        assert r.status == 403  # no CSRF token
        assert (await client.get("/staff/callbacks/nope")).status == 404

    run(check)


def test_confirmation_says_who_calls_from_which_number_and_when(monkeypatch):
    from screening.wording import CLINIC_REPLIES

    monkeypatch.setenv("MILD_CALLBACK_BUSINESS_DAYS", "2")
    values = promise.confirmation_values("Beverly")
    for reply in CLINIC_REPLIES["utter_appointment_confirmed"]:
        text = reply["text"].format(contact_name=NAME, contact_phone=PHONE, preferred_office="Beverly", **values)
        assert "from 978-927-PAIN (7246), within two business days" in text
        assert "our front desk" in text
