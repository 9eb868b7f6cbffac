"""A socket.io websocket closed by the browser is not an ERROR line in the Rasa log (issue 15)."""

from __future__ import annotations

import io
import logging

from channels import socketio_log


class ServerError(Exception):  # the name Sanic's exception has; the filter matches by name
    pass


def _log(logger, exc, url):
    try:
        raise exc
    except Exception:
        logger.exception("Exception occurred while handling uri: %s", url)


def test_closed_websocket_is_not_an_error_but_other_errors_are():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger = logging.getLogger(socketio_log.SANIC_ERROR_LOGGER)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    socketio_log.install()
    socketio_log.install()  # idempotent
    try:
        ws = "'ws://127.0.0.1:5005/socket.io/?EIO=4&transport=websocket'"
        _log(logger, ServerError("Invalid response type None (need HTTPResponse)"), ws)
        assert stream.getvalue() == ""
        _log(logger, ValueError("boom"), ws)  # a real error on the socket.io path stays an error
        _log(logger, ServerError("Invalid response type None (need HTTPResponse)"), "'http://x/webhooks/rest/webhook'")
        out = stream.getvalue()
        # (the PHI filter of chat_security keeps the error's class, not its message)
        assert out.count("[ERROR]") == 2 and "ValueError" in out and "webhooks/rest" in out
        stream.truncate(0)
        stream.seek(0)
        logger.setLevel(logging.DEBUG)  # with --debug it is one quiet line, no traceback
        _log(logger, ServerError("Invalid response type None (need HTTPResponse)"), ws)
        assert stream.getvalue().strip() == "[DEBUG] socket.io websocket closed by the client"
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.filters = [f for f in logger.filters if not isinstance(f, socketio_log.ClosedWebsocketFilter)]
