"""The web chat's socket.io channel: Rasa's SocketIOInput with issued conversation ids, the checks
of the REST channel and a per-client rate limit.

Conversations are bound, not chosen. ``session_request`` must carry ``session_token``, a token the
web server signed (``/api/session``, chat_security.conversation) with CHAT_SESSION_SECRET; the
socket joins the conversation that token names, and every ``user_uttered`` event of that socket
goes to that conversation, whatever ``session_id`` the event claims. Without a valid token (none,
forged, expired, another conversation's id in ``session_id``) the socket gets a new conversation
of its own: it reads nothing of anyone else's and writes nothing into it. A ``user_uttered`` event
before any ``session_request`` is refused with a clear message.

Rasa 3.6 trusts the ``user_uttered`` event: data that is not an object, a message that is not a
string, metadata that is not JSON make its handler raise, and the person hears nothing. Here such
an event is answered with UNREADABLE (to the sender's socket only). A socket or a conversation
sending faster than CHAT_CLIENT_BURST / CHAT_CLIENT_RATE gets SLOW_DOWN (the turn is not run), and
every accepted message goes through ``channels.guard.guarded`` (an answer even when the action
server or the database is down). A browser whose ``Origin`` is not in MILD_ALLOWED_ORIGINS
(chat_security.origins) is refused before any of this (HTTP 400 from python-engineio). The channel
keeps the name "socketio" (responses by channel, the web page's history).
"""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels import guard, socketio_log
from channels.rest_channels import MAX_MESSAGE_CHARS, RESERVED_METADATA
from chat_security import conversation, origins
from chat_security.rate_limit import RateLimiter

logger = logging.getLogger(__name__)
socketio_log.install()  # a browser leaving the chat is not an ERROR in the Rasa log

NOT_CONNECTED = "Sorry, this chat is not connected to a conversation. Please reload the page."


def _token(data: Any) -> Optional[Text]:
    value = data.get("session_token") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


class PatientSocketIOInput(SocketIOInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        secret = (credentials or {}).get("session_secret") or ""
        if len(secret) < conversation.MIN_SECRET_CHARS:
            secret = conversation.secret_from_env()  # raises with a clear message when unset
        channel.session_secret = secret  # type: ignore[attr-defined]
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        secret: str = getattr(self, "session_secret", "") or conversation.secret_from_env()
        limiter = RateLimiter.from_env()
        handle = guard.guarded(on_new_message, self.name(), limiter=limiter)
        bp = super().blueprint(handle)
        guard.remember_app(bp)
        sio = self.sio
        # Rasa 3.6 builds the server with cors_allowed_origins=[] (no Origin check at all); a browser
        # page of an origin outside MILD_ALLOWED_ORIGINS is refused here (HTTP 400, websocket too).
        sio.eio.cors_allowed_origins = origins.allowed_origins()
        logger.info("socketio: origins allowed: %s", " ".join(sio.eio.cors_allowed_origins))

        async def say(sid: Text, text: Text) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid)

        async def unreadable(sid: Text, why: Text) -> None:
            logger.info("socketio: refused an event (%s)", why)
            await say(sid, guard.UNREADABLE)

        async def bound_conversation(sid: Text) -> Optional[Text]:
            try:
                session = await sio.get_session(sid, namespace=self.namespace)
            except KeyError:  # the socket is gone
                return None
            return session.get("conversation_id") if isinstance(session, dict) else None

        async def session_request(sid: Text, data: Any = None) -> None:
            conversation_id = conversation.verify_token(secret, _token(data), conversation.SOCKET)
            if conversation_id is None:
                why = "no token" if _token(data) is None else "token not valid"
                conversation_id = conversation.new_conversation_id()
                logger.info("socketio: %s, the socket gets a new conversation %s…", why, conversation_id[:11])
            previous = await bound_conversation(sid)
            if previous and previous != conversation_id:
                await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
            await sio.save_session(sid, {"conversation_id": conversation_id}, namespace=self.namespace)
            await _maybe_await(sio.enter_room(sid, conversation_id, namespace=self.namespace))
            await sio.emit("session_confirm", conversation_id, room=sid)

        async def handle_message(sid: Text, data: Any = None) -> None:
            if not limiter.allow(f"socket:{sid}"):
                logger.warning("socketio: over the rate limit, event refused (socket %s…)", sid[:6])
                return await say(sid, guard.SLOW_DOWN)
            if not isinstance(data, dict):
                return await unreadable(sid, "not an object")
            sender_id = await bound_conversation(sid)
            if sender_id is None:
                logger.info("socketio: refused a message before session_request")
                return await say(sid, NOT_CONNECTED)
            text = data.get("message", "")
            if text is None:
                text = ""
            if not isinstance(text, str):
                return await unreadable(sid, "message is not a string")
            if len(text) > MAX_MESSAGE_CHARS:
                return await unreadable(sid, "message too long")
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    return await unreadable(sid, "metadata is not JSON")
            if not isinstance(metadata, dict):
                metadata = {}
            metadata = {k: v for k, v in metadata.items() if k not in RESERVED_METADATA}
            output = SocketIOOutput(sio, self.bot_message_evt)
            await handle(UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata))

        async def disconnect(sid: Text) -> None:
            limiter.forget(f"socket:{sid}")

        # The last registration of an event wins: these replace the handlers of SocketIOInput.
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        return bp


async def _maybe_await(result: Any) -> None:
    """python-socketio >= 5.9 made enter_room/leave_room coroutines; 5.8 returns None."""
    if inspect.isawaitable(result):
        await result
