"""The staff console's server side (webapp.staff), in-process with aiohttp's test client and a fake Rasa.

The fake Rasa answers the staff channel webhook and the tracker endpoint the way Rasa does, and
records what the console sent, so these tests check the proxying (token header, staff name in the
metadata), the sign-in and CSRF checks, and how the tracker becomes what the console shows.
"""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from records.questions import OPTIONS, SLOTS
from screening import questionnaire
from screening import wording as readback_wording
from webapp import auth
from webapp.app import create_app
from webapp.config import WebConfig
from webapp.staff.routes import SENDER_RE, UNAVAILABLE
from webapp.staff.view import bot_messages, build_state, last_turn, question_catalog

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
SECRET = "k" * 40
CHANNEL_TOKEN = "channel-token-for-tests"
RASA_TOKEN = "rasa-token-for-tests"
STAFF_PW = "staff password 123"
OTHER_PW = "other staff password"
CLINICIAN_PW = "clinician password 1"


# --- the questions and the read-back --------------------------------------------------------------


def test_catalog_has_every_question_with_the_bots_staff_buttons():
    catalog = question_catalog()
    assert [q["slot"] for q in catalog] == list(SLOTS)
    by_slot = {q["slot"]: q for q in catalog}
    # the staff wording of the domain's buttons, not the patient's
    assert [o["title"] for o in by_slot["walking_tolerance"]["options"]][0] == "Under 50 ft"
    for question in catalog:
        slot = question["slot"]
        for option in question["options"]:
            match = re.fullmatch(r"/inform(\{.*\})", option["payload"])
            assert match, option
            values = json.loads(match.group(1))
            assert list(values) == [slot]  # a change sets exactly that answer
        values = {json.loads(o["payload"][len("/inform") :])[slot] for o in question["options"]}
        if slot in OPTIONS:
            assert set(OPTIONS[slot]) <= values  # every allowed value can be chosen
    assert by_slot["age_years"]["number"]["integer"] is True
    assert by_slot["symptom_duration_months"]["number"]["unit"] == "months"


def test_catalog_without_a_domain_falls_back_to_the_record_labels():
    catalog = question_catalog()
    injections = next(q for q in catalog if q["slot"] == "injections")
    assert [o["payload"] for o in injections["options"]] == [
        '/inform{"injections":"failed"}',
        '/inform{"injections":"helped"}',
        '/inform{"injections":"not_tried"}',
    ]


def test_readback_has_a_sentence_for_every_allowed_value():
    for slot, values in questionnaire.ALLOWED_VALUES.items():
        for value in values:
            text = readback_wording.readback_sentence(slot, value)
            assert text.endswith(".") and ":" not in text, (slot, value, text)
    assert (
        readback_wording.readback_sentence("symptom_duration_months", 24)
        == "You have had these symptoms for about 2 years."
    )
    assert (
        readback_wording.readback_sentence("symptom_duration_months", 1.5)
        == "You have had these symptoms for about 1.5 months."
    )
    assert (
        readback_wording.readback_sentence("symptom_duration_months", 89.0)
        == "You have had these symptoms for about 7 and a half years."
    )
    assert (
        readback_wording.readback_sentence("symptom_duration_months", 0.5)
        == "You have had these symptoms for about 2 weeks."
    )
    assert (
        readback_wording.readback_sentence("symptom_duration_months", 11.2)
        == "You have had these symptoms for about 11 months."
    )
    assert readback_wording.readback_sentence("age_years", 72) == "You are 72 years old."
    assert readback_wording.readback_sentence("age_years", "declined") == "You'd rather not give your age."
    assert readback_wording.readback_sentence("leg_symptoms", None) == ""


# --- the tracker as the console shows it -------------------------------------------------------------


def test_state_from_a_real_staff_tracker():
    tracker = json.loads((TRACKERS / "real_staff_entered.json").read_text())
    state = build_state(tracker, question_catalog())
    assert state["answered_by"] == "staff" and state["staff_name"] == "Dana Testagent"
    assert state["outcome"] == "conservative_first"
    assert state["phase"] == "appointment" and state["requested_slot"] == "appointment_consent"
    answers = {a["slot"]: a for a in state["answers"]}
    assert [a["slot"] for a in state["answers"]] == list(SLOTS)
    assert answers["symptom_duration_months"]["value"] == 1.5
    assert answers["symptom_duration_months"]["words"] == "six weeks" and answers["symptom_duration_months"]["typed"]
    assert answers["red_flags"]["value_label"] == "No" and not answers["red_flags"]["typed"]
    assert answers["age_years"]["value"] is None and answers["age_years"]["value_label"] == ""
    assert state["reasons"] and all(isinstance(r, str) and r for r in state["reasons"])
    assert [r["slot"] for r in state["readback"]] == [s for s in SLOTS if answers[s]["value"] is not None]
    assert state["appointment"][0] == {
        "slot": "appointment_consent",
        "label": "Appointment request",
        "value": None,
        "value_label": None,
        "asking": True,
    }
    assert state["emergency_script"] is None


def _tracker(slots: dict, events: list, sender: str = "staff-" + "a" * 32, active_loop: str | None = None) -> dict:
    return {
        "sender_id": sender,
        "slots": slots,
        "events": events,
        "active_loop": {"name": active_loop} if active_loop else {},
    }


def _user(text: str, ts: float) -> dict:
    return {"event": "user", "text": text, "timestamp": ts, "input_channel": "staff", "parse_data": {}}


def _slot(name: str, value, ts: float) -> dict:
    return {"event": "slot", "name": name, "value": value, "timestamp": ts}


def test_state_of_an_emergency():
    card = {
        "type": "result_card",
        "outcome": "emergency",
        "title": "EMERGENCY: read the emergency script now",
        "summary": 'Read: "Please hang up and call 911." Go now.',
        "reasons": ["A warning sign."],
        "notes": [],
        "next_step": "Call 911.",
        "disclaimer": "",
        "phones": [],
    }
    events = [
        _user("/start_screening", 1),
        _slot("screening_id", "x1", 1.1),
        _slot("answered_by", "staff", 1.1),
        _slot("staff_name", "Sam Staff", 1.1),
        _slot("requested_slot", "red_flags", 1.2),
        _user('/inform{"red_flags":"yes"}', 2),
        _slot("red_flags", "yes", 2.1),
        _slot("triage_outcome", "emergency", 2.1),
        _slot("requested_slot", None, 2.2),
        {"event": "bot", "text": None, "data": {"custom": {"data": card}}, "timestamp": 2.3},
    ]
    slots = {
        "red_flags": "yes",
        "triage_outcome": "emergency",
        "answered_by": "staff",
        "staff_name": "Sam Staff",
        "requested_slot": None,
    }
    state = build_state(_tracker(slots, events), question_catalog())
    assert state["phase"] == "emergency"
    assert state["emergency_script"] == card["summary"]
    assert state["readback"] == []
    assert last_turn(events) == [{"card": card}]
    # without the card (not drawn yet), the staff emergency script from the wording
    state = build_state(_tracker(slots, events[:-1]), question_catalog())
    assert "911" in state["emergency_script"] and state["emergency_script"].startswith("Read:")


def test_a_card_from_before_a_change_is_not_shown_as_the_outcome():
    card = {
        "type": "result_card",
        "outcome": "recommend_consult",
        "title": "T",
        "summary": "S",
        "reasons": [],
        "notes": [],
        "next_step": "N",
    }
    events = [
        _user("/start_screening", 1),
        _slot("screening_id", "x", 1.1),
        {"event": "bot", "text": None, "data": {"custom": {"data": card}}, "timestamp": 2},
        _user('/inform{"injections":"not_tried"}', 3),
        _slot("injections", "not_tried", 3.1),
        _slot("triage_outcome", "possible_consult", 3.1),
    ]
    state = build_state(
        _tracker({"triage_outcome": "possible_consult", "injections": "not_tried"}, events), question_catalog()
    )
    assert state["card"] is None and state["final"] is False
    assert state["outcome_title"].startswith("Possible consultation")


def test_bot_messages_keep_only_text_buttons_and_cards():
    raw = [
        {
            "recipient_id": "x",
            "text": "Ask: hi\nHint: h",
            "buttons": [{"title": "Yes", "payload": "/inform{}"}, {"title": "bad"}],
        },
        {"recipient_id": "x", "custom": {"data": {"type": "result_card", "outcome": "x"}}},
        {"recipient_id": "x", "image": "http://evil.example/x.png"},
        "junk",
        {"text": ""},
    ]
    assert bot_messages(raw) == [
        {"text": "Ask: hi\nHint: h", "buttons": [{"title": "Yes", "payload": "/inform{}"}]},
        {"card": {"type": "result_card", "outcome": "x"}},
    ]
    assert bot_messages({"not": "a list"}) == []


# --- over HTTP, with a fake Rasa ----------------------------------------------------------------------


class FakeRasa:
    """Rasa's staff webhook and tracker endpoint, for one canned conversation flow."""

    def __init__(self):
        self.received: list[dict] = []
        self.trackers: dict[str, dict] = {}
        self.fail = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/staff/webhook", self.webhook)
        app.router.add_get("/conversations/{sender}/tracker", self.tracker)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        if self.fail:
            return web.Response(status=500)
        if request.headers.get("X-Staff-Token") != CHANNEL_TOKEN:
            return web.Response(status=401)
        body = await request.json()
        self.received.append(body)
        sender = body["sender"]
        tracker = self.trackers.setdefault(sender, {"sender_id": sender, "slots": {}, "events": [], "active_loop": {}})
        ts = len(tracker["events"]) + 1.0
        tracker["events"].append({"event": "user", "text": body["message"], "timestamp": ts, "input_channel": "staff"})
        slots = tracker["slots"]
        if "answered_by" not in slots:
            slots.update({"answered_by": "staff", "staff_name": body["metadata"]["staff_name"], "screening_id": "s1"})
            tracker["events"].append({"event": "slot", "name": "screening_id", "value": "s1", "timestamp": ts})
        if body["message"] == '/inform{"red_flags":"no"}':
            slots["red_flags"] = "no"
            tracker["events"].append({"event": "slot", "name": "red_flags", "value": "no", "timestamp": ts + 0.1})
            reply = [
                {
                    "recipient_id": sender,
                    "text": 'Ask: "Urgent?"\nHint: any one.',
                    "buttons": [
                        {"title": "Yes", "payload": '/inform{"urgent_flags":"yes"}'},
                        {"title": "No", "payload": '/inform{"urgent_flags":"no"}'},
                    ],
                }
            ]
            slots["requested_slot"] = "urgent_flags"
        else:
            reply = [
                {"recipient_id": sender, "text": 'Read: "Intro."'},
                {
                    "recipient_id": sender,
                    "text": 'Ask: "Red flags?"\nHint: any one.',
                    "buttons": [
                        {"title": "Yes", "payload": '/inform{"red_flags":"yes"}'},
                        {"title": "No", "payload": '/inform{"red_flags":"no"}'},
                    ],
                },
            ]
            slots["requested_slot"] = "red_flags"
        for message in reply:
            tracker["events"].append(
                {
                    "event": "bot",
                    "text": message["text"],
                    "timestamp": ts + 0.2,
                    "data": {"buttons": message.get("buttons")},
                }
            )
        return web.json_response(reply)

    async def tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.Response(status=401)
        sender = request.match_info["sender"]
        return web.json_response(
            self.trackers.get(sender, {"sender_id": sender, "slots": {}, "events": [], "active_loop": {}})
        )


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    path = tmp_path / "accounts.json"
    path.write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "name": "sam",
                        "role": "staff",
                        "password_hash": auth.hash_password(STAFF_PW, 1000),
                        "display_name": "Sam Staff",
                    },
                    {"name": "kim", "role": "staff", "password_hash": auth.hash_password(OTHER_PW, 1000)},
                    {"name": "drlee", "role": "clinician", "password_hash": auth.hash_password(CLINICIAN_PW, 1000)},
                ]
            }
        )
    )
    monkeypatch.setenv("MILD_ACCOUNTS_FILE", str(path))
    monkeypatch.delenv("MILD_STAFF_USERS", raising=False)
    monkeypatch.delenv("MILD_CLINICIAN_USERS", raising=False)
    monkeypatch.setenv("DB_URL", f"sqlite:///{tmp_path / 'rasa.db'}")
    monkeypatch.setenv("STAFF_CHANNEL_TOKEN", CHANNEL_TOKEN)
    return path


def run(check, rasa: FakeRasa | None = None):
    rasa = rasa or FakeRasa()

    async def main():
        async with TestServer(rasa.app()) as rasa_server:
            config = WebConfig(
                secret_key=SECRET, rasa_token=RASA_TOKEN, rasa_internal_url=str(rasa_server.make_url("")).rstrip("/")
            )
            async with TestClient(TestServer(create_app(config))) as client:
                return await check(client, rasa)

    # In a thread of its own: in one pytest run with the browser tests, Playwright's sync API keeps
    # an event loop running in the main thread, and asyncio.run() refuses to start there.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def sign_in(client, username="sam", password=STAFF_PW):
    r = await client.post(
        "/staff/login", data={"username": username, "password": password, "next": "/staff"}, allow_redirects=False
    )
    return r


async def console_csrf(client) -> str:
    r = await client.get("/staff")
    assert r.status == 200
    html = await r.text()
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


async def post(client, url, body, csrf, **headers):
    return await client.post(
        url, data=json.dumps(body), headers={"Content-Type": "application/json", "X-CSRF-Token": csrf, **headers}
    )


def test_console_requires_a_staff_sign_in(accounts):
    async def check(client, rasa):
        r = await client.get("/staff", allow_redirects=False)
        assert r.status == 302 and r.headers["Location"].startswith("/staff/login")
        r = await client.post("/staff/api/intakes", json={}, allow_redirects=False)
        assert r.status == 401
        r = await client.get("/staff/api/intakes/staff-" + "a" * 32, allow_redirects=False)
        assert r.status == 401  # an API answers 401, not a login page
        r = await sign_in(client, "sam", "wrong password")
        assert r.status == 401 and "Wrong user name or password" in await r.text()
        r = await sign_in(client, "drlee", CLINICIAN_PW)
        assert r.status == 403 and "staff account" in await r.text()
        r = await client.get("/staff", allow_redirects=False)
        assert r.status == 302
        assert rasa.received == []

    run(check)


def test_page_headers_and_config(accounts):
    async def check(client, rasa):
        assert (await sign_in(client)).status == 302
        r = await client.get("/staff")
        html = await r.text()
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["Cache-Control"] == "no-store" and r.headers["X-Frame-Options"] == "DENY"
        assert 'data-testid="signed-in-as">Sam Staff<' in html
        config = json.loads(__import__("html").unescape(re.search(r'data-config="([^"]*)"', html).group(1)))
        assert config["staffName"] == "Sam Staff" and len(config["catalog"]) == len(SLOTS)
        r = await client.get("/staff/static/staff.js")
        assert r.status == 200 and "innerHTML" not in await r.text()

    run(check)


def test_intake_is_proxied_to_the_staff_channel_with_the_staff_name(accounts):
    async def check(client, rasa):
        await sign_in(client)
        csrf = await console_csrf(client)
        r = await post(client, "/staff/api/intakes", {}, csrf)
        assert r.status == 201
        data = await r.json()
        intake = data["intake"]
        assert SENDER_RE.match(intake)
        assert rasa.received == [
            {"sender": intake, "message": "/start_screening", "metadata": {"staff_name": "Sam Staff"}}
        ]
        assert [m["text"] for m in data["messages"]] == ['Read: "Intro."', 'Ask: "Red flags?"\nHint: any one.']
        assert data["state"]["answered_by"] == "staff" and data["state"]["requested_slot"] == "red_flags"

        r = await post(client, f"/staff/api/intakes/{intake}/messages", {"message": '/inform{"red_flags":"no"}'}, csrf)
        assert r.status == 200
        data = await r.json()
        assert rasa.received[-1]["metadata"] == {"staff_name": "Sam Staff"}
        assert data["state"]["requested_slot"] == "urgent_flags"
        assert next(a for a in data["state"]["answers"] if a["slot"] == "red_flags")["value"] == "no"

        r = await client.get(f"/staff/api/intakes/{intake}")
        data = await r.json()
        assert r.status == 200 and data["messages"][0]["buttons"][1]["title"] == "No"

    run(check)


def test_posts_need_the_csrf_header_json_and_our_origin(accounts):
    async def check(client, rasa):
        await sign_in(client)
        csrf = await console_csrf(client)
        r = await post(client, "/staff/api/intakes", {}, "not-the-token")
        assert r.status == 403
        r = await client.post("/staff/api/intakes", data="{}", headers={"Content-Type": "application/json"})
        assert r.status == 403
        r = await post(client, "/staff/api/intakes", {}, csrf, Origin="http://evil.example")
        assert r.status == 403
        r = await client.post(
            "/staff/api/intakes",
            data="message=x",
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf},
        )
        assert r.status == 415
        assert rasa.received == []

    run(check)


def test_messages_are_checked(accounts):
    async def check(client, rasa):
        await sign_in(client)
        csrf = await console_csrf(client)
        intake = (await (await post(client, "/staff/api/intakes", {}, csrf)).json())["intake"]
        url = f"/staff/api/intakes/{intake}/messages"
        assert (await post(client, url, {"message": ""}, csrf)).status == 400
        assert (await post(client, url, {"message": 5}, csrf)).status == 400
        assert (await post(client, url, ["x"], csrf)).status == 400
        assert (await post(client, url, {"message": "x" * 1001}, csrf)).status == 413
        # not a staff intake id, or one that was never started
        assert (await post(client, "/staff/api/intakes/someone-else/messages", {"message": "hi"}, csrf)).status == 404
        assert (await client.get("/staff/api/intakes/web-123")).status == 404
        never = "staff-" + "0" * 32
        assert (await post(client, f"/staff/api/intakes/{never}/messages", {"message": "hi"}, csrf)).status == 404
        assert len(rasa.received) == 1  # only the start

    run(check)


def test_another_staff_members_intake_is_refused(accounts):
    async def check(client, rasa):
        await sign_in(client)
        csrf = await console_csrf(client)
        intake = (await (await post(client, "/staff/api/intakes", {}, csrf)).json())["intake"]
        await client.post("/staff/logout", allow_redirects=False)
        client.session.cookie_jar.clear()
        await sign_in(client, "kim", OTHER_PW)
        csrf = await console_csrf(client)
        assert (await client.get(f"/staff/api/intakes/{intake}")).status == 403
        r = await post(client, f"/staff/api/intakes/{intake}/messages", {"message": "hi"}, csrf)
        assert r.status == 403
        assert len(rasa.received) == 1

    run(check)


def test_assistant_unavailable(accounts):
    rasa = FakeRasa()
    rasa.fail = True

    async def check(client, rasa):
        await sign_in(client)
        csrf = await console_csrf(client)
        r = await post(client, "/staff/api/intakes", {}, csrf)
        assert r.status == 502
        assert (await r.json())["message"] == UNAVAILABLE

    run(check, rasa)


def test_missing_channel_token_is_reported(accounts, monkeypatch):
    monkeypatch.delenv("STAFF_CHANNEL_TOKEN")

    async def check(client, rasa):
        await sign_in(client)
        r = await client.get("/staff")
        assert "STAFF_CHANNEL_TOKEN" in await r.text()
        csrf = await console_csrf(client)
        assert (await post(client, "/staff/api/intakes", {}, csrf)).status == 502
        assert rasa.received == []

    run(check)
