"""The printable summary: ``POST /api/summary`` (an address for this conversation's result) and
``GET /summary/{id}`` (the page: outcome, reasons, notes, the answers in the person's words, the
clinic's numbers, the date; a print stylesheet makes "Print / Save as PDF" a clean page).

Only the patient's own session gets an address: ``POST /api/summary`` needs the chat's socket
token (``Authorization: Bearer``, how the embed's frame proves its conversation) or the page's
cookie. The id is signed (chat_security.summary_link), expires after an hour, and names the
result by its time: after "Start over" (a restart) or a changed answer, it shows nothing more.
Nothing here logs a message text or an answer.
"""

from __future__ import annotations

import logging
from typing import Optional

from aiohttp import web

from chat_security import conversation, summary_link
from records.store import clinic_tz
from webapp import core
from webapp.config import WebConfig
from webapp.patient import routes as patient
from webapp.rasa_client import RasaClient, RasaUnavailable
from webapp.summary.content import can_have_summary, latest_result, summary_view

logger = logging.getLogger(__name__)


GONE_TITLE = "This summary is no longer available"


def _page_headers() -> dict:
    return {
        "Content-Security-Policy": "; ".join(
            [
                "default-src 'none'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                "base-uri 'none'",
                "form-action 'none'",
                "frame-ancestors 'none'",
            ]
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex, nofollow",
    }


class SummaryViews:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.secret = patient._chat_secret(config)
        self.rasa = RasaClient(config.rasa_internal_url, config.rasa_token, timeout=patient.HISTORY_TIMEOUT_SECONDS)
        self.env = core.templates()
        self.version = core.asset_version(core.STATIC_DIR)

    def _conversation(self, request: web.Request) -> Optional[str]:
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return conversation.verify_token(self.secret, auth[7:].strip(), conversation.SOCKET)
        return conversation.verify_token(self.secret, request.cookies.get(patient.COOKIE_NAME), conversation.COOKIE)

    async def _tracker(self, request: web.Request, conversation_id: str) -> Optional[dict]:
        try:
            tracker = await self.rasa.tracker(
                request.app[core.HTTP_KEY], conversation_id, include_events="AFTER_RESTART"
            )
        except RasaUnavailable as exc:
            logger.warning("summary: Rasa not available (%s)", type(exc).__name__)
            return None
        if tracker.get("latest_input_channel") not in (None, "socketio"):
            return {}
        return tracker

    async def create(self, request: web.Request) -> web.Response:
        no_store = {"Cache-Control": "no-store"}
        conversation_id = self._conversation(request) if self.secret else None
        if conversation_id is None:
            return web.json_response({"error": "not found"}, status=404, headers=no_store)
        tracker = await self._tracker(request, conversation_id)
        if tracker is None:
            return web.json_response(
                {"error": "assistant_unavailable", "message": patient.UNREACHABLE_MESSAGE}, status=502, headers=no_store
            )
        found = latest_result(tracker.get("events") or [])
        if found is None or not can_have_summary(found[1]):
            return web.json_response(
                {"error": "no_result", "message": "There is no result to summarize yet."}, status=404, headers=no_store
            )
        summary_id = summary_link.make(self.secret, conversation_id, found[0])
        logger.info("summary: address made for %s…", conversation_id[:11])
        return web.json_response(
            {"url": f"/summary/{summary_id}", "expires_in": summary_link.TTL_SECONDS}, headers=no_store
        )

    def _render(self, name: str, status: int = 200, **context) -> web.Response:
        html = self.env.get_template(name).render(v=self.version, **context)
        return web.Response(text=html, status=status, content_type="text/html", headers=_page_headers())

    async def page(self, request: web.Request) -> web.Response:
        ref = summary_link.verify(self.secret, request.match_info.get("summary_id"))
        if ref is None:
            return self._gone(404, GONE_TITLE, "The link has expired or is not right.")
        tracker = await self._tracker(request, ref.conversation_id)
        if tracker is None:
            return self._gone(502, "We can't show your summary right now", patient.UNREACHABLE_MESSAGE)
        view = summary_view(tracker, ref.result_ms, clinic_tz())
        if view is None:
            return self._gone(404, GONE_TITLE, "The screening was started over or changed since.")
        return self._render("summary/summary.html", s=view)

    def _gone(self, status: int, title: str, reason: str) -> web.Response:
        """The page that says why there is no summary to show, with the clinic's numbers."""
        return self._render("summary/gone.html", status=status, title=title, reason=reason, offices=patient.OFFICES)


def setup(app: web.Application, config: WebConfig) -> None:
    views = SummaryViews(config)
    core.use_http_client(app)
    app.router.add_post("/api/summary", views.create)
    app.router.add_get("/summary/{summary_id}", views.page)
