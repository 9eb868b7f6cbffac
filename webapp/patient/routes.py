"""The patient chat: the page at ``/``, its settings at ``/config.js``, static files under
``/static/``, ``POST /api/session`` (the conversation this browser may use) and ``/api/history``
(that conversation so far, for a reloaded page).

Conversation ids are issued here, never chosen by the browser (chat_security.conversation):
``POST /api/session`` keeps the conversation named by the HttpOnly, SameSite=Strict, signed
cookie ``mild_chat`` (Secure in production), or starts a new one (no or a bad cookie, or
``{"new": true}``), and answers ``{session_id, token, expires_in}``. The page passes ``token`` to
Rasa's socket.io channel in ``session_request``; the channel checks its signature with the same
CHAT_SESSION_SECRET. ``/api/history`` answers only for the cookie's conversation, or for a
``Authorization: Bearer <token>`` (the way for a future embed on another origin, which cannot rely
on a third-party cookie). ``/api/history/{id}`` is kept for old pages: it answers only when ``id``
is that same conversation, otherwise 404 (an id alone reads nothing).

The browser talks to Rasa's socket.io channel directly (``rasa_public_url``); this server only
reads the tracker through Rasa's HTTP API (``rasa_internal_url`` + token) to redraw history.
Message texts are never logged.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from chat_security import conversation
from screening import clinic
from webapp import core
from webapp.config import WebConfig
from webapp.patient import privacy
from webapp.patient.transcript import transcript_from_events, valid_session_id
from webapp.rasa_client import RasaClient, RasaHTTPStatus, RasaUnavailable, RasaUnreachable

logger = logging.getLogger(__name__)

STATIC_DIR = core.STATIC_DIR
TEMPLATE_DIR = core.TEMPLATE_DIR

# Minutes of inactivity after which the page starts a new conversation instead of resuming.
SESSION_TTL_MINUTES = 60
HISTORY_TIMEOUT_SECONDS = 8

UNREACHABLE_MESSAGE = f"We can't reach the assistant right now. Please call {clinic.SHORT_PHONE_LINE}."

OFFICES = clinic.office_dicts()

COOKIE_NAME = "mild_chat"


def _socket_origins(public_url: str) -> str:
    """CSP connect-src entries for the Rasa socket.io server (http(s) and ws(s))."""
    parts = urlsplit(public_url)
    if not parts.scheme or not parts.netloc:
        return ""
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws_scheme}://{parts.netloc}"


def _security_headers(config: WebConfig) -> Dict[str, str]:
    # The page is framed nowhere and sends no referrer; it talks to the Rasa socket.io server.
    headers = core.security_headers(
        connect_src=[_socket_origins(config.rasa_public_url)], referrer="no-referrer", frame_deny=False
    )
    headers["Cache-Control"] = "no-store"
    return headers


def _client_config(config: WebConfig) -> Dict[str, Any]:
    parts = urlsplit(config.rasa_public_url)
    socket_url = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else config.rasa_public_url
    path = parts.path.rstrip("/") + "/socket.io" if parts.path not in ("", "/") else "/socket.io"
    return {
        "socketUrl": socket_url,
        "socketPath": path,
        "historyUrl": "/api/history",
        "sessionUrl": "/api/session",
        "sessionTtlMinutes": SESSION_TTL_MINUTES,
        "unreachableMessage": UNREACHABLE_MESSAGE,
        "offices": OFFICES,
    }


def _chat_secret(config: WebConfig) -> str:
    """The shared secret; "" in production when it is missing (the chat then refuses to start)."""
    secret = config.chat_secret or ""
    if len(secret) >= conversation.MIN_SECRET_CHARS:
        return secret
    if config.production:
        logger.error("CHAT_SESSION_SECRET is not set (or too short): the patient chat refuses every conversation")
        return ""
    logger.warning(
        "CHAT_SESSION_SECRET is not set: using a random one; Rasa's socket.io channel will not accept "
        "this server's tokens, so every connection starts a new conversation"
    )
    return secrets.token_urlsafe(32)


class PatientViews:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.env = core.templates()
        self.asset_version = core.asset_version(STATIC_DIR)
        self.headers = _security_headers(config)
        self.rasa = RasaClient(config.rasa_internal_url, config.rasa_token, timeout=HISTORY_TIMEOUT_SECONDS)
        self.secret = _chat_secret(config)  # shared with Rasa's socket.io channel

    def _cookie_conversation(self, request: web.Request) -> Optional[str]:
        return conversation.verify_token(self.secret, request.cookies.get(COOKIE_NAME), conversation.COOKIE)

    def _bearer_conversation(self, request: web.Request) -> Optional[str]:
        auth = request.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return None
        return conversation.verify_token(self.secret, auth[7:].strip(), conversation.SOCKET)

    async def session(self, request: web.Request) -> web.Response:
        """Keeps this browser's conversation (signed cookie) or starts a new one; a socket token for it."""
        if not self.secret:
            return self._unreachable()
        want_new = False
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "the body must be JSON"}, status=400)
            want_new = isinstance(body, dict) and body.get("new") is True
        conversation_id = None if want_new else self._cookie_conversation(request)
        if conversation_id is None:
            conversation_id = conversation.new_conversation_id()
            logger.info("session: new conversation %s…", conversation_id[:11])
        token = conversation.make_token(
            self.secret, conversation_id, conversation.SOCKET, conversation.SOCKET_TTL_SECONDS
        )
        resp = web.json_response(
            {"session_id": conversation_id, "token": token, "expires_in": conversation.SOCKET_TTL_SECONDS},
            headers={"Cache-Control": "no-store"},
        )
        resp.set_cookie(
            COOKIE_NAME,
            conversation.make_token(self.secret, conversation_id, conversation.COOKIE, conversation.COOKIE_TTL_SECONDS),
            max_age=conversation.COOKIE_TTL_SECONDS,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.config.production,
        )
        return resp

    def page_context(self, **overrides: Any) -> Dict[str, Any]:
        """What patient/index.html needs; the embed's frame renders the same page with a few overrides."""
        context: Dict[str, Any] = {
            "v": self.asset_version,
            "offices": OFFICES,
            "unreachable": UNREACHABLE_MESSAGE,
            "privacy": privacy.notice(self.config.retention_days),
            "clinic_name": clinic.NAME,
        }
        context.update(overrides)
        return context

    async def index(self, _request: web.Request) -> web.Response:
        html = self.env.get_template("patient/index.html").render(**self.page_context())
        return web.Response(text=html, content_type="text/html", headers=self.headers)

    async def config_js(self, _request: web.Request) -> web.Response:
        body = "window.MILD_CHAT_CONFIG = " + json.dumps(_client_config(self.config)) + ";\n"
        return web.Response(
            text=body,
            content_type="application/javascript",
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    async def history(self, request: web.Request) -> web.Response:
        allowed = self._bearer_conversation(request) or self._cookie_conversation(request)
        asked = request.match_info.get("session_id")
        if asked is not None and not valid_session_id(asked):
            return web.json_response({"error": "invalid session id"}, status=400)
        if allowed is None or (asked is not None and asked != allowed):
            # Knowing an id is not enough: only the browser (or token holder) of the conversation reads it.
            logger.info("history: refused, no credential for the conversation asked for")
            return web.json_response({"error": "not found"}, status=404, headers={"Cache-Control": "no-store"})
        session_id = allowed
        http: aiohttp.ClientSession = request.app[core.HTTP_KEY]
        try:
            tracker = await self.rasa.tracker(http, session_id, include_events="AFTER_RESTART")
        except RasaHTTPStatus as exc:
            logger.warning("history: Rasa answered HTTP %s", exc.status)
            return self._unreachable()
        except RasaUnreachable as exc:
            logger.warning("history: Rasa not reachable (%s)", exc.error)
            return self._unreachable()
        except RasaUnavailable:  # an answer, but not a tracker
            return self._unreachable()
        # Only conversations held in the web chat (socket.io) are redrawn here; a staff or REST
        # conversation id gets nothing even if someone knows it.
        channel = tracker.get("latest_input_channel")
        if channel not in (None, "socketio"):
            logger.info("history: refused a %s conversation", channel)
            return web.json_response({"error": "not found"}, status=404)
        events = tracker.get("events") or []
        transcript = transcript_from_events(events)
        logger.info("history: %d entries for session %s…", len(transcript), session_id[:11])
        return web.json_response(
            {"session_id": session_id, "transcript": transcript},
            headers={"Cache-Control": "no-store"},
        )

    @staticmethod
    def _unreachable() -> web.Response:
        return web.json_response(
            {"error": "assistant_unavailable", "message": UNREACHABLE_MESSAGE},
            status=502,
            headers={"Cache-Control": "no-store"},
        )


def _has_static_route(app: web.Application) -> bool:
    for resource in app.router.resources():
        info = resource.get_info()
        if info.get("prefix") == "/static" or info.get("path") == "/static":
            return True
    return False


def setup(app: web.Application, config: WebConfig) -> None:
    views = PatientViews(config)
    core.use_http_client(app)
    app.router.add_get("/", views.index)
    app.router.add_get("/config.js", views.config_js)
    app.router.add_post("/api/session", views.session)
    app.router.add_get("/api/history", views.history)
    app.router.add_get("/api/history/{session_id}", views.history)
    if not _has_static_route(app):
        app.router.add_static("/static/", STATIC_DIR)
