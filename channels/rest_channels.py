"""REST input channels with input checks.

`PatientRestInput` ("rest") is Rasa's REST channel that refuses malformed requests with a 4xx
instead of failing inside Rasa, and never lets a client claim another channel. It never reaches a
web-chat conversation: a sender id in the web chat's namespace (``wc_...``, see
chat_security.conversation) is refused with 403. A sender over the per-client rate
(CHAT_CLIENT_BURST / CHAT_CLIENT_RATE) gets the bot's "slow down" message (channels.guard).
In production (MILD_ENV=production) the channel is closed to the public: it answers only requests
with the header ``X-Rest-Token: <REST_CHANNEL_TOKEN>`` (for an integration of the clinic's own, the
load benchmark and the production tests), and answers 403 to everyone when REST_CHANNEL_TOKEN is
unset. Patients use the web chat (socket.io).
`StaffInput` ("staff") is the same for the staff console: it only accepts requests carrying
the shared secret STAFF_CHANNEL_TOKEN (the web server adds it after the staff sign-in), and
its responses use the domain's `channel: staff` wording.
"""

from __future__ import annotations

import hmac
import inspect
import logging
import os
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard
from chat_security import conversation
from chat_security.rate_limit import RateLimiter

MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 128
RESERVED_METADATA = ("staff_name", "staff_verified")

logger = logging.getLogger(__name__)


def _production() -> bool:
    return os.environ.get("MILD_ENV", "development") == "production"


def _check_rest_token(req: Request) -> None:
    """In production only holders of REST_CHANNEL_TOKEN may use the REST channel."""
    if not _production():
        return
    expected = os.environ.get("REST_CHANNEL_TOKEN", "")
    given = req.headers.get("x-rest-token", "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise SanicException("The REST channel is closed; please use the web chat.", status_code=403)


def _check_not_web_chat(sender: Text) -> None:
    if conversation.looks_like_web_chat_id(sender):
        raise SanicException("That conversation belongs to the web chat.", status_code=403)


def _json_body(request: Request) -> Dict[Text, Any]:
    try:
        body = request.json
    except Exception:  # sanic raises on invalid JSON / wrong content type
        raise SanicException("The body must be a JSON object.", status_code=400) from None
    if not isinstance(body, dict):
        raise SanicException("The body must be a JSON object.", status_code=400)
    return body


class PatientRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message):
        # Every message gets an answer, also when the action server or the database is down,
        # and a sender over the per-client rate is asked to slow down.
        bp = super().blueprint(guard.guarded(on_new_message, self.name(), limiter=RateLimiter.from_env()))
        guard.remember_app(bp)
        return bp

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        _check_rest_token(req)
        return self._checked_sender(req)

    @staticmethod
    def _checked_sender(req: Request) -> Text:
        sender = _json_body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise SanicException(
                f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters.", status_code=400
            )
        _check_not_web_chat(sender)
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _json_body(req).get("message", "")
        if message is None:
            message = ""
        if not isinstance(message, str):
            raise SanicException("'message' must be a string.", status_code=400)
        if len(message) > MAX_MESSAGE_CHARS:
            raise SanicException(f"'message' is longer than {MAX_MESSAGE_CHARS} characters.", status_code=413)
        return message

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _json_body(request).get("metadata")
        if not isinstance(metadata, dict):
            return None
        return {k: v for k, v in metadata.items() if k not in RESERVED_METADATA}


class StaffOutputChannel(CollectingOutputChannel):
    """Collects the bot's messages like the REST channel, under the name "staff", so Rasa picks the
    domain's `channel: staff` response variations (it matches them against the output channel's name;
    RestInput's collector is called "collector")."""

    @classmethod
    def name(cls) -> Text:
        return "staff"


class StaffInput(PatientRestInput):
    @classmethod
    def name(cls) -> Text:
        return "staff"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """RestInput's webhook (no streaming), answering through a StaffOutputChannel."""
        on_new_message = guard.guarded(on_new_message, self.name())
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", inspect.getmodule(self).__name__)
        guard.remember_app(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            metadata = self.get_metadata(request)
            collector = StaffOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                logger.error("staff channel: handling a message timed out")  # never the text itself
            except Exception:
                logger.exception("staff channel: handling a message failed")
            return response.json(collector.messages)

        return webhook

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        expected = os.environ.get("STAFF_CHANNEL_TOKEN", "")
        given = req.headers.get("x-staff-token", "")
        if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
            raise SanicException("Staff channel: missing or wrong token.", status_code=401)
        return self._checked_sender(req)

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _json_body(request).get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        name = metadata.get("staff_name")
        return {"staff_name": str(name)[:80] if name else None, "staff_verified": True}
