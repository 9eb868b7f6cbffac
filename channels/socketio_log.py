"""A closed socket.io websocket is not an error.

When a browser leaves the chat (closes the tab, reloads, loses the network), python-engineio's
Sanic handler ends the websocket request without a response, and Sanic 21.12 then logs
``ERROR Exception occurred while handling uri: 'ws://…/socket.io/?EIO=4&transport=websocket'``
with a ``ServerError: Invalid response type None`` traceback on its ``sanic.error`` logger. That
is how every socket.io conversation ends, so this filter turns exactly that record into a DEBUG
line without the traceback (kept only when that logger shows DEBUG). Any other error, on the
socket.io path or elsewhere, is logged as before.
"""

from __future__ import annotations

import logging

SANIC_ERROR_LOGGER = "sanic.error"
_MARK = "Invalid response type None"


def is_closed_websocket(record: logging.LogRecord) -> bool:
    if record.levelno < logging.ERROR:
        return False
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        if type(exc).__name__ != "ServerError" or not str(exc).startswith(_MARK):
            return False
    # Already scrubbed by chat_security.log_filter: the traceback is text, the arguments are merged.
    elif not (record.exc_text or "").rstrip().endswith(f"ServerError: {_MARK} (need HTTPResponse)"):
        return False
    url = record.getMessage()
    return "/socket.io/" in url and "transport=websocket" in url


class ClosedWebsocketFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not is_closed_websocket(record):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        record.msg, record.args = "socket.io websocket closed by the client", ()
        record.exc_info, record.exc_text = None, None
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def install() -> None:
    """Add the filter to Sanic's error logger once (idempotent)."""
    logger = logging.getLogger(SANIC_ERROR_LOGGER)
    if not any(isinstance(f, ClosedWebsocketFilter) for f in logger.filters):
        # First, before the PHI filter (chat_security.log_filter) strips the exception's message.
        logger.filters.insert(0, ClosedWebsocketFilter())
