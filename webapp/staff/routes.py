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

import json
import logging
import re
import uuid
from typing import Any, Mapping

import aiohttp
from aiohttp import web

from screening import clinic
from webapp import auth, core
from webapp.rasa_client import RasaClient, RasaUnavailable
from webapp.staff.view import TYPED_SLOTS, bot_messages, build_state, last_turn, question_catalog

logger = logging.getLogger(__name__)

PART = "staff"
ROLE = "staff"
TEMPLATE_DIR = core.TEMPLATE_DIR
STATIC_DIR = core.STATIC_DIR / "staff"

SENDER_PREFIX = "staff-"
SENDER_RE = re.compile(r"^staff-[0-9a-f]{32}$")
START_MESSAGE = "/start_screening"
MAX_MESSAGE_CHARS = 1000
CSRF_HEADER = "X-CSRF-Token"

UNAVAILABLE = (
    "The assistant cannot be reached right now. Take the caller's details on paper and "
    f"call the office: {clinic.PHONE_LIST}."
)

VIEWS_KEY = web.AppKey("staff_views", object)

require_staff = auth.require_role(ROLE, part=PART)
require_staff_api = auth.require_role(ROLE, part=PART, redirect=False)  # 401, never a login redirect


# --- talking to Rasa ------------------------------------------------------------------------------


class RasaStaffClient(RasaClient):
    """Rasa's HTTP API (the tracker) and its staff channel, which needs the X-Staff-Token header."""

    def __init__(self, rasa_url: str, rasa_token: str, channel_token: str):
        super().__init__(rasa_url, rasa_token, timeout=core.RASA_TIMEOUT_SECONDS)
        self.channel_token = channel_token

    async def send(self, http: aiohttp.ClientSession, sender: str, message: str, staff_name: str) -> list:
        token = self.channel_token
        if not token:
            raise RasaUnavailable("STAFF_CHANNEL_TOKEN is not set")
        body = {"sender": sender, "message": message, "metadata": {"staff_name": staff_name}}
        return await self.post_webhook(http, "staff", body, headers={"X-Staff-Token": token})


class StaffViews:
    def __init__(self, config: Any):
        self.client = RasaStaffClient(config.rasa_internal_url, config.rasa_token or "", config.staff_channel_token)
        self.catalog = question_catalog()
        self.env = core.templates()
        self.asset_version = core.asset_version(STATIC_DIR)

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
            user=user,
            csrf=auth.csrf_token(request, PART),
            v=self.asset_version,
            config_json=json.dumps(client_config),
            channel_ready=bool(self.client.channel_token),
        )
        return web.Response(text=html, content_type="text/html")

    # API
    async def start_intake(self, request: web.Request) -> web.Response:
        await _check_post(request)
        user = request["user"]
        sender = SENDER_PREFIX + uuid.uuid4().hex
        http = request.app[core.HTTP_KEY]
        try:
            reply = await self.client.send(http, sender, START_MESSAGE, user.label)
            tracker = await self.client.tracker(http, sender)
        except RasaUnavailable as exc:
            return _unavailable(exc)
        logger.info("staff intake started: %s…", sender[:14])
        return web.json_response(
            {"intake": sender, "messages": bot_messages(reply), "state": build_state(tracker, self.catalog)}, status=201
        )

    async def get_intake(self, request: web.Request) -> web.Response:
        sender = _sender(request)
        http = request.app[core.HTTP_KEY]
        try:
            tracker = await self.client.tracker(http, sender)
        except RasaUnavailable as exc:
            return _unavailable(exc)
        _check_owner(request, tracker)
        return web.json_response(
            {
                "intake": sender,
                "messages": last_turn(tracker.get("events") or []),
                "state": build_state(tracker, self.catalog),
            }
        )

    async def post_message(self, request: web.Request) -> web.Response:
        body = await _check_post(request)
        sender = _sender(request)
        message = body.get("message")
        if not isinstance(message, str) or not message.strip():
            raise _json_error(web.HTTPBadRequest, "'message' must be a non-empty string.")
        message = message.strip()
        if len(message) > MAX_MESSAGE_CHARS:
            raise _json_error(
                web.HTTPRequestEntityTooLarge,
                f"'message' is longer than {MAX_MESSAGE_CHARS} characters.",
                max_size=MAX_MESSAGE_CHARS,
                actual_size=len(message),
            )
        user = request["user"]
        http = request.app[core.HTTP_KEY]
        try:
            before = await self.client.tracker(http, sender)
            _check_owner(request, before, must_exist=True)
            reply = await self.client.send(http, sender, message, user.label)
            tracker = await self.client.tracker(http, sender)
        except RasaUnavailable as exc:
            return _unavailable(exc)
        logger.info("staff intake turn: %s… (%s)", sender[:14], "button" if message.startswith("/") else "words")
        return web.json_response(
            {"intake": sender, "messages": bot_messages(reply), "state": build_state(tracker, self.catalog)}
        )


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
        raise _json_error(
            web.HTTPForbidden, "Reload the console and try again (the request was not from this page)."
        ) from None
    if request.content_type != "application/json":
        raise _json_error(web.HTTPUnsupportedMediaType, "Send JSON.")
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise _json_error(web.HTTPBadRequest, "The body must be JSON.") from None
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


# --- wiring ---------------------------------------------------------------------------------------


def setup(app: web.Application, config: Any) -> None:
    """Mount the staff console (called by webapp.app.create_app)."""
    if not auth.setup_login(
        app, config, part=PART, role=ROLE, title="Staff console", stylesheet="/staff/static/staff.css"
    ):
        return  # production without staff accounts or secret: /staff answers 503
    if not config.staff_channel_token:
        logger.warning("STAFF_CHANNEL_TOKEN is not set: the staff console cannot reach the assistant")
    views = StaffViews(config)
    app[VIEWS_KEY] = views
    core.use_http_client(app)
    core.add_headers(app, "/staff", core.security_headers(), static_prefix="/staff/static/")
    app.router.add_get("/staff", require_staff(views.console))
    app.router.add_get("/staff/", require_staff(views.console))
    app.router.add_post("/staff/api/intakes", require_staff_api(views.start_intake))
    app.router.add_get("/staff/api/intakes/{intake}", require_staff_api(views.get_intake))
    app.router.add_post("/staff/api/intakes/{intake}/messages", require_staff_api(views.post_message))
    from webapp.staff import callbacks  # the front desk's call-back worklist (/staff/callbacks)

    callbacks.setup(app, config)
    app.router.add_static("/staff/static/", STATIC_DIR)
