"""The call-centre staff console at ``/staff`` (staff sign-in; clinician accounts are refused).

    /staff                               the console page
    /staff/login, /staff/logout          sign-in (webapp.auth)
    /staff/api/intakes                   POST: start an intake for a caller -> {intake, messages, state}
    /staff/api/intakes/{id}              GET: the intake's state and the assistant's last turn
    /staff/api/intakes/{id}/messages     POST {"message": ...}: the caller's words or a button payload
    /staff/static/...                    the console's CSS and JavaScript

The dialogue lives in the bot. This module only passes messages to Rasa's staff channel
(``POST {RASA_URL}/webhooks/staff/webhook`` with the ``X-Staff-Token`` header and the signed-in
user's display name as ``metadata.staff_name``) and reads the conversation's tracker through
Rasa's HTTP API, turning its slots and events into what the console shows: every answer with the
caller's words, the outcome with its reasons, the read-back and the appointment request.

Every API call needs a staff session; POSTs also need the session's CSRF token in the
``X-CSRF-Token`` header, a JSON body and a same-origin ``Origin``/``Referer`` (the session cookie is
SameSite=Strict as well). Nothing here logs message texts, names or phone numbers.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import uuid
from pathlib import Path
from typing import Any, Mapping, Optional

import aiohttp
import jinja2
from aiohttp import web

from records.derive import derive_from_tracker, parse_payload
from records.questions import APPOINTMENT_SLOTS, OPTIONS, QUESTIONS, SHORT, SLOTS, value_label
from screening import catalogue, clinic, questionnaire, wording
from webapp import auth
from webapp.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

PART = "staff"
ROLE = "staff"
REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = REPO_ROOT / "web" / "templates"
STATIC_DIR = REPO_ROOT / "web" / "static" / "staff"

SENDER_PREFIX = "staff-"
SENDER_RE = re.compile(r"^staff-[0-9a-f]{32}$")
START_MESSAGE = "/start_screening"
MAX_MESSAGE_CHARS = 1000
RASA_TIMEOUT_SECONDS = 60
CSRF_HEADER = "X-CSRF-Token"

# Slots the caller answers by typing rather than with a button: the console puts the cursor in the
# words field when the bot asks one of these.
TYPED_SLOTS = ("age_years", "contact_name", "contact_phone")
# Numeric answers that may be changed with a number (besides the bot's own buttons).
UNAVAILABLE = ("The assistant cannot be reached right now. Take the caller's details on paper and "
               f"call the office: {clinic.PHONE_LIST}.")

SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
        "object-src 'none'",
    ]),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin: the browser sends a real Origin/Referer on our own POSTs (checked below).
    "Referrer-Policy": "same-origin",
}

HTTP_KEY = web.AppKey("staff_http", aiohttp.ClientSession) if hasattr(web, "AppKey") else "staff_http"
VIEWS_KEY = web.AppKey("staff_views", object) if hasattr(web, "AppKey") else "staff_views"

require_staff = auth.require_role(ROLE, part=PART)
require_staff_api = auth.require_role(ROLE, part=PART, redirect=False)  # 401, never a login redirect


# --- the questions and their answer buttons (the catalogue's staff wording) -------------------

def payload_for(slot: str, value: Any) -> str:
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


def question_catalog() -> list[dict]:
    """Every screening question in the spec's order, with the answers staff can pick to change it.

    The choices are the bot's own staff buttons for that question (screening.catalogue, the words
    domain.yml is written from), so a change sends exactly the payload the question would have;
    coded values the buttons lack are added with the record's labels."""
    catalog = []
    for slot in SLOTS:
        ask = catalogue.asks_for(slot, voice="staff")
        options = [{"title": title, "payload": payload_for(slot, answers[slot])}
                   for title, answers in (ask.buttons if ask else ()) if set(answers) == {slot}]
        covered = {value for _title, answers in (ask.buttons if ask else ()) for value in answers.values()}
        for value, label in OPTIONS.get(slot, {}).items():
            if value not in covered:
                options.append({"title": label, "payload": payload_for(slot, value)})
        catalog.append({
            "slot": slot,
            "label": SHORT.get(slot, slot),
            "question": QUESTIONS.get(slot, ""),
            "options": options,
            "number": catalogue.BOUNDS[slot].as_input() if slot in catalogue.BOUNDS else None,
        })
    return catalog


# --- what the console shows, from the tracker ----------------------------------------------------

def bot_messages(messages: Any) -> list[dict]:
    """The staff channel's reply (a list of bot messages) reduced to what the console draws."""
    out = []
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, Mapping):
            continue
        custom = message.get("custom")
        if isinstance(custom, Mapping):
            card = custom.get("data", custom)
            if isinstance(card, Mapping) and card.get("type") == "result_card":
                out.append({"card": dict(card)})
                continue
        text = message.get("text")
        if not isinstance(text, str) or not text:
            continue
        entry: dict[str, Any] = {"text": text}
        buttons = [{"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
                   for b in message.get("buttons") or [] if isinstance(b, Mapping) and b.get("payload")]
        if buttons:
            entry["buttons"] = buttons
        out.append(entry)
    return out


def last_turn(events: list) -> list[dict]:
    """The bot's messages after the latest user message (to redraw a reloaded console)."""
    turn: list[dict] = []
    for event in events:
        if not isinstance(event, Mapping):
            continue
        if event.get("event") == "user":
            turn = []
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            message = {"text": event.get("text"), "buttons": data.get("buttons")}
            if data.get("custom"):
                message = {"custom": data["custom"]}
            turn.append(message)
    return bot_messages(turn)


def build_state(tracker: Mapping[str, Any], catalog: list[dict]) -> dict:
    """The intake as the console shows it: answers (spec order, with the caller's words), outcome,
    read-back and appointment request. Everything comes from the tracker; nothing is decided here."""
    slots = tracker.get("slots") or {}
    records = derive_from_tracker(tracker)
    record = records[-1] if records else {}
    said = record.get("answers") or {}
    requested = slots.get("requested_slot")

    answers = []
    for question in catalog:
        slot = question["slot"]
        value = slots.get(slot)
        words = None
        typed = False
        entry = said.get(slot) or {}
        if value is not None and entry.get("value") == value:
            words = entry.get("words")
            # the caller's own words, when typed and not just the value itself ("72" for 72)
            typed = "payload" not in entry and bool(words) and str(words).strip().lower() not in (
                str(value).lower(), value_label(slot, value).lower())
        answers.append({
            "slot": slot,
            "label": question["label"],
            "value": value,
            "value_label": value_label(slot, value) if value is not None else "",
            "words": words,
            "typed": typed,
            "changed": bool(entry.get("history")) if value is not None else False,
            "asking": requested == slot or (requested == "leg_symptoms" and slot == "walking_standing_trigger"
                                            and slots.get("walking_standing_trigger") is None
                                            and slots.get("gate_answer") is None),
        })

    outcome = slots.get("triage_outcome")
    card = None
    for entry in reversed(record.get("transcript") or []):
        if entry.get("card"):
            card = entry["card"]
            break
    if card is not None and card.get("outcome") != outcome:
        card = None  # shown before a later change: no longer the outcome
    reasons = [r.get("text") or r.get("code") for r in record.get("reasons") or []] if outcome else []
    notes = [n.get("text") or n.get("code") for n in record.get("notes") or []] if outcome else []
    if card:
        reasons, notes = list(card.get("reasons") or []), list(card.get("notes") or [])

    active_loop = (tracker.get("active_loop") or {}).get("name")
    if outcome == "emergency":
        phase = "emergency"
    elif requested in APPOINTMENT_SLOTS:
        phase = "appointment"
    elif outcome and not requested and not active_loop:
        phase = "done"
    elif outcome and requested in questionnaire.NOTE_SLOTS:
        phase = "notes"
    else:
        phase = "questions"

    emergency_script = None
    if outcome == "emergency":
        emergency_script = (card or {}).get("summary") or (
            wording.STAFF_SCRIPT[outcome] + " " + wording.SUMMARIES[outcome])

    readback = [{"slot": a["slot"], "label": a["label"], "value_label": a["value_label"],
                 "sentence": wording.readback_sentence(a["slot"], a["value"]),
                 "words": a["words"] if a["typed"] else None}
                for a in answers if a["value"] is not None]

    appointment = None
    if requested in APPOINTMENT_SLOTS or any(slots.get(s) is not None for s in APPOINTMENT_SLOTS):
        appointment = [{"slot": s, "label": catalogue.APPOINTMENT_FIELDS[s], "value": slots.get(s),
                        "value_label": {"yes": "Yes, caller agreed", "no": "Declined"}.get(slots.get(s), slots.get(s))
                        if s == "appointment_consent" else slots.get(s),
                        "asking": requested == s}
                       for s in APPOINTMENT_SLOTS]

    return {
        "intake": tracker.get("sender_id"),
        "screening_id": slots.get("screening_id"),
        "answered_by": slots.get("answered_by"),
        "staff_name": slots.get("staff_name"),
        "requested_slot": requested,
        "typed_answer": requested in TYPED_SLOTS and not slots.get("pending_check"),  # a check is yes/no
        "checking": (slots.get("pending_check") or {}).get("kind") if isinstance(slots.get("pending_check"), Mapping) else None,
        "phase": phase,
        "status": slots.get("screening_status"),
        "outcome": outcome,
        "outcome_title": wording.STAFF_TITLES.get(outcome) if outcome else None,
        "final": bool(card),
        "card": card,
        "reasons": reasons,
        "notes": notes,
        "emergency_script": emergency_script,
        "answers": answers,
        "readback": readback if outcome and outcome != "emergency" else [],
        "appointment": appointment,
    }


# --- talking to Rasa ------------------------------------------------------------------------------

class RasaStaffClient(RasaClient):
    """Rasa's HTTP API (the tracker) and its staff channel, which needs the X-Staff-Token header."""

    @staticmethod
    def channel_token() -> str:
        return os.environ.get("STAFF_CHANNEL_TOKEN", "")

    async def send(self, http: aiohttp.ClientSession, sender: str, message: str, staff_name: str) -> list:
        token = self.channel_token()
        if not token:
            raise RasaUnavailable("STAFF_CHANNEL_TOKEN is not set")
        body = {"sender": sender, "message": message, "metadata": {"staff_name": staff_name}}
        return await self.post_webhook(http, "staff", body, headers={"X-Staff-Token": token})


class StaffViews:
    def __init__(self, config: Any):
        self.client = RasaStaffClient(getattr(config, "rasa_internal_url", "http://127.0.0.1:5005"),
                                      getattr(config, "rasa_token", "") or "")
        self.catalog = question_catalog()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                                      autoescape=True, undefined=jinja2.StrictUndefined)
        self.asset_version = _asset_version()

    # pages
    async def console(self, request: web.Request) -> web.Response:
        user = request["user"]
        client_config = {
            "catalog": self.catalog,
            "typedSlots": list(TYPED_SLOTS),
            "staffName": user.label,
            "unavailable": UNAVAILABLE,
            "api": "/staff/api/intakes",
        }
        html = self.env.get_template("staff/console.html").render(
            user=user, csrf=auth.csrf_token(request, PART), v=self.asset_version,
            config_json=json.dumps(client_config), channel_ready=bool(RasaStaffClient.channel_token()),
        )
        return web.Response(text=html, content_type="text/html")

    # API
    async def start_intake(self, request: web.Request) -> web.Response:
        await _check_post(request)
        user = request["user"]
        sender = SENDER_PREFIX + uuid.uuid4().hex
        http = request.app[HTTP_KEY]
        try:
            reply = await self.client.send(http, sender, START_MESSAGE, user.label)
            tracker = await self.client.tracker(http, sender)
        except RasaUnavailable as exc:
            return _unavailable(exc)
        logger.info("staff intake started: %s…", sender[:14])
        return web.json_response({"intake": sender, "messages": bot_messages(reply),
                                  "state": build_state(tracker, self.catalog)}, status=201)

    async def get_intake(self, request: web.Request) -> web.Response:
        sender = _sender(request)
        http = request.app[HTTP_KEY]
        try:
            tracker = await self.client.tracker(http, sender)
        except RasaUnavailable as exc:
            return _unavailable(exc)
        _check_owner(request, tracker)
        return web.json_response({"intake": sender, "messages": last_turn(tracker.get("events") or []),
                                  "state": build_state(tracker, self.catalog)})

    async def post_message(self, request: web.Request) -> web.Response:
        body = await _check_post(request)
        sender = _sender(request)
        message = body.get("message")
        if not isinstance(message, str) or not message.strip():
            raise _json_error(web.HTTPBadRequest, "'message' must be a non-empty string.")
        message = message.strip()
        if len(message) > MAX_MESSAGE_CHARS:
            raise _json_error(web.HTTPRequestEntityTooLarge, f"'message' is longer than {MAX_MESSAGE_CHARS} characters.",
                              max_size=MAX_MESSAGE_CHARS, actual_size=len(message))
        user = request["user"]
        http = request.app[HTTP_KEY]
        try:
            before = await self.client.tracker(http, sender)
            _check_owner(request, before, must_exist=True)
            reply = await self.client.send(http, sender, message, user.label)
            tracker = await self.client.tracker(http, sender)
        except RasaUnavailable as exc:
            return _unavailable(exc)
        logger.info("staff intake turn: %s… (%s)", sender[:14], "button" if message.startswith("/") else "words")
        return web.json_response({"intake": sender, "messages": bot_messages(reply),
                                  "state": build_state(tracker, self.catalog)})


# --- request checks -------------------------------------------------------------------------------

def _json_error(cls: type, message: str, **kwargs: Any) -> web.HTTPException:
    return cls(text=json.dumps({"error": message}), content_type="application/json", **kwargs)


def _unavailable(exc: Exception) -> web.Response:
    logger.warning("staff console: assistant unavailable (%s)", exc)
    return web.json_response({"error": "assistant_unavailable", "message": UNAVAILABLE}, status=502)


async def _check_post(request: web.Request) -> dict:
    """CSRF defence for the JSON API: same origin, the session's token in a header, a JSON body."""
    try:
        auth.check_csrf(request, {"csrf_token": request.headers.get(CSRF_HEADER, "")}, PART)
    except web.HTTPForbidden:
        raise _json_error(web.HTTPForbidden, "Reload the console and try again (the request was not from this page).")
    if request.content_type != "application/json":
        raise _json_error(web.HTTPUnsupportedMediaType, "Send JSON.")
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise _json_error(web.HTTPBadRequest, "The body must be JSON.")
    if not isinstance(body, dict):
        raise _json_error(web.HTTPBadRequest, "The body must be a JSON object.")
    return body


def _sender(request: web.Request) -> str:
    sender = request.match_info["intake"]
    if not SENDER_RE.match(sender):
        raise _json_error(web.HTTPNotFound, "No such intake.")
    return sender


def _check_owner(request: web.Request, tracker: Mapping[str, Any], must_exist: bool = False) -> None:
    """Only staff intakes, and only the signed-in staff member's own."""
    slots = tracker.get("slots") or {}
    events = [e for e in tracker.get("events") or [] if isinstance(e, Mapping) and e.get("event") == "user"]
    if not events:
        if must_exist:
            raise _json_error(web.HTTPNotFound, "No such intake.")
        return
    if slots.get("answered_by") not in (None, "staff"):
        raise _json_error(web.HTTPNotFound, "No such intake.")
    owner = slots.get("staff_name")
    if owner is not None and owner != request["user"].label:
        raise _json_error(web.HTTPForbidden, "This intake belongs to another staff member.")


def _asset_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# --- wiring ---------------------------------------------------------------------------------------

async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path == "/staff" or request.path.startswith("/staff/"):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/staff/static/"):
            response.headers["Cache-Control"] = "no-store"  # answers and contact details


async def _http_client(app: web.Application):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS)) as session:
        app[HTTP_KEY] = session
        yield


def setup(app: web.Application, config: Any) -> None:
    """Mount the staff console (called by webapp.app.create_app)."""
    if not auth.setup_login(app, config, part=PART, role=ROLE, title="Staff console",
                            stylesheet="/staff/static/staff.css"):
        return  # production without staff accounts or secret: /staff answers 503
    if not RasaStaffClient.channel_token():
        logger.warning("STAFF_CHANNEL_TOKEN is not set: the staff console cannot reach the assistant")
    views = StaffViews(config)
    app[VIEWS_KEY] = views
    app.cleanup_ctx.append(_http_client)
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/staff", require_staff(views.console))
    app.router.add_get("/staff/", require_staff(views.console))
    app.router.add_post("/staff/api/intakes", require_staff_api(views.start_intake))
    app.router.add_get("/staff/api/intakes/{intake}", require_staff_api(views.get_intake))
    app.router.add_post("/staff/api/intakes/{intake}/messages", require_staff_api(views.post_message))
    app.router.add_static("/staff/static/", STATIC_DIR)
