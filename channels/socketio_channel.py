"""The web chat's socket.io channel: Rasa's SocketIOInput with the checks of the REST channel.

Rasa 3.6 trusts the ``user_uttered`` event: data that is not an object, a message that is not a
string, metadata that is not JSON or a session id of any size make its handler raise, and the
person hears nothing. Here such an event is answered with UNREADABLE (to the sender's socket only),
and every accepted message goes through ``channels.guard.guarded`` (an answer even when the action
server or the database is down). The channel keeps the name "socketio" (responses by channel, the
web page's history).
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels import guard, socketio_log
from channels.rest_channels import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS, RESERVED_METADATA

logger = logging.getLogger(__name__)
socketio_log.install()  # a browser leaving the chat is not an ERROR in the Rasa log

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,%d}$" % MAX_SENDER_CHARS)


def _session_id(data: Any) -> Optional[Text]:
    value = data.get("session_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and SESSION_ID.match(value) else None


class PatientSocketIOInput(SocketIOInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = guard.guarded(on_new_message, self.name())
        bp = super().blueprint(handle)
        guard.remember_app(bp)
        sio = self.sio

        async def unreadable(sid: Text, why: Text) -> None:
            logger.info("socketio: refused an event (%s)", why)
            await sio.emit(self.bot_message_evt, {"text": guard.UNREADABLE}, room=sid)

        async def session_request(sid: Text, data: Any = None) -> None:
            session_id = _session_id(data) or uuid.uuid4().hex
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        async def handle_message(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                return await unreadable(sid, "not an object")
            if self.session_persistence:
                sender_id = _session_id(data)
                if sender_id is None:
                    return await unreadable(sid, "no valid session_id")
            else:
                sender_id = sid
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

        # The last registration of an event wins: these replace the handlers of SocketIOInput.
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return bp
