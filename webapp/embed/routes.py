"""The one-line embed for the clinic's own web site.

    <script src="https://<assistant-host>/embed.js" data-office="woburn" async></script>

- ``GET /embed.js``: the loader (webapp/static/embed/embed.js with the allow-list written in). It adds
  a launcher button to the host page and opens the chat in a panel: an iframe of ``/embed/frame``.
  Cached by browsers and proxies for 5 minutes, then revalidated by ETag (docs/deployment.md).
- ``GET /embed/frame``: the same chat page as ``/`` (webapp/templates/patient/index.html), with the
  settings of ``/embed/config.js`` and the frame's small stylesheet and script. Framed only by
  the origins of MILD_ALLOWED_ORIGINS (``Content-Security-Policy: frame-ancestors``).
- ``POST /embed/session``: the frame's conversation. Inside another site the frame is a
  third-party context where the SameSite=Strict cookie of ``/`` is never sent, so the frame keeps
  a ``resume`` token (chat_security.conversation, 24 h) in its own storage and presents it here;
  the answer is ``{session_id, token, expires_in, resume_token}`` as ``/api/session``'s plus the
  renewed resume token. The socket token goes to socket.io and, as ``Bearer``, to ``/api/history``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import List, Optional

from aiohttp import web

from chat_security import conversation, origins
from screening import clinic
from webapp.config import WebConfig
from webapp.patient import routes as patient

logger = logging.getLogger(__name__)

LOADER = patient.STATIC_DIR / "embed" / "embed.js"
LOADER_PLACEHOLDER = "/*MILD_EMBED_SETTINGS*/{}"
LOADER_MAX_AGE = 300
RESUME_KEY = "mild.embed.resume.v1"


def _office(request: web.Request) -> Optional[clinic.Office]:
    return clinic.find_office(request.query.get("office", ""))


def _offices_first(office: Optional[clinic.Office]) -> List[dict]:
    """The offices with the host page's own office first."""
    dicts = clinic.office_dicts()
    if office is None:
        return dicts
    return sorted(dicts, key=lambda o: o["office"] != office.name)


class EmbedViews:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.allowed = origins.allowed_origins()
        self.secret = patient._chat_secret(config)
        self.patient = patient.PatientViews(config)
        settings = {"allowedOrigins": self.allowed, "offices": [o.name.lower() for o in clinic.OFFICES]}
        text = LOADER.read_text(encoding="utf-8")
        if LOADER_PLACEHOLDER not in text:
            raise RuntimeError(f"{LOADER} has no {LOADER_PLACEHOLDER} to write the settings in")
        self.loader = text.replace(LOADER_PLACEHOLDER, json.dumps(settings, separators=(",", ":")))
        self.loader_etag = '"' + hashlib.sha256(self.loader.encode("utf-8")).hexdigest()[:20] + '"'
        frame_headers = dict(self.patient.headers)
        csp = frame_headers["Content-Security-Policy"].replace(
            "frame-ancestors 'none'", "frame-ancestors " + " ".join(self.allowed)
        )
        frame_headers["Content-Security-Policy"] = csp
        self.frame_headers = frame_headers

    async def loader_js(self, request: web.Request) -> web.Response:
        headers = {
            "Cache-Control": f"public, max-age={LOADER_MAX_AGE}",
            "ETag": self.loader_etag,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        if self.loader_etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(text=self.loader, content_type="application/javascript", charset="utf-8", headers=headers)

    async def frame(self, request: web.Request) -> web.Response:
        office = _office(request)
        query = f"?office={office.name.lower()}" if office else ""
        html = self.patient.env.get_template("patient/index.html").render(
            **self.patient.page_context(offices=_offices_first(office)),
            config_src=f"/embed/config.js{query}",
            extra_css=f"/static/embed/frame.css?v={self.patient.asset_version}",
            extra_js=f"/static/embed/frame.js?v={self.patient.asset_version}",
        )
        return web.Response(text=html, content_type="text/html", headers=self.frame_headers)

    async def config_js(self, request: web.Request) -> web.Response:
        settings = patient._client_config(self.config)
        settings.update(
            {
                "sessionUrl": "/embed/session",
                "resumeKey": RESUME_KEY,
                "embedded": True,
                "offices": _offices_first(_office(request)),
            }
        )
        body = "window.MILD_CHAT_CONFIG = " + json.dumps(settings) + ";\n"
        return web.Response(
            text=body,
            content_type="application/javascript",
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    async def session(self, request: web.Request) -> web.Response:
        """The frame's conversation: the one its resume token names, or a new one."""
        no_store = {"Cache-Control": "no-store"}
        origin = request.headers.get("Origin")
        if origin and not origins.is_allowed(origin, self.allowed):
            logger.info("embed session: refused a request from an origin that is not allowed")
            return web.json_response({"error": "origin not allowed"}, status=403, headers=no_store)
        if not self.secret:
            return web.json_response(
                {"error": "assistant_unavailable", "message": patient.UNREACHABLE_MESSAGE}, status=502, headers=no_store
            )
        body = {}
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "the body must be JSON"}, status=400, headers=no_store)
            if not isinstance(body, dict):
                return web.json_response({"error": "the body must be a JSON object"}, status=400, headers=no_store)
        conversation_id = None
        if body.get("new") is not True:
            conversation_id = conversation.verify_token(self.secret, body.get("resume"), conversation.RESUME)
        if conversation_id is None:
            conversation_id = conversation.new_conversation_id()
            logger.info("embed session: new conversation %s…", conversation_id[:11])
        return web.json_response(
            {
                "session_id": conversation_id,
                "token": conversation.make_token(
                    self.secret, conversation_id, conversation.SOCKET, conversation.SOCKET_TTL_SECONDS
                ),
                "expires_in": conversation.SOCKET_TTL_SECONDS,
                "resume_token": conversation.make_token(
                    self.secret, conversation_id, conversation.RESUME, conversation.RESUME_TTL_SECONDS
                ),
            },
            headers=no_store,
        )


def setup(app: web.Application, config: WebConfig) -> None:
    views = EmbedViews(config)
    app.router.add_get("/embed.js", views.loader_js)
    app.router.add_get("/embed/frame", views.frame)
    app.router.add_get("/embed/config.js", views.config_js)
    app.router.add_post("/embed/session", views.session)
