"""Keeps patient message text, slot values and contact details out of every log.

`install()` (idempotent; called where each server starts: the Rasa channels module, the action
package, the web server) puts three guards in place:

1. **structlog** (Rasa 3.6 logs e.g. ``rest.message.received.timeout`` with ``text=...``): a
   processor first in the chain keeps only an allowlist of keys whose values are never patient
   content (event name, action name, intent, ...); every other key's value becomes
   ``[redacted]``, and an exception becomes its class name (structlog's JSON renderer would print
   the local variables of every frame).
2. **standard logging**, for every record of every logger (a log record factory, so handlers added
   later are covered too): the text of the message being handled (set by the chat channels for the
   turn, `turn_text`) is cut out, so are phone numbers and e-mail addresses; during a turn, quoted
   strings in records of Rasa's loggers (``Received user message 'Quillon ...'``) are cut out too;
   an exception keeps its frames (file, line, function) and class, not its message.
3. **DEBUG records** of Rasa, the Rasa SDK, socket.io, Sanic and SQLAlchemy (they dump messages,
   slots and whole trackers) are dropped, unless MILD_UNSAFE_DEBUG_LOGS=1 outside production.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import traceback
from typing import Any, Dict, MutableMapping, Optional

REDACTED = "[redacted]"
turn_text: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("mild_turn_text", default=None)

# structlog keys whose values carry no patient content.
SAFE_KEYS = frozenset(
    {
        "event",
        "event_info",
        "event_key",
        "level",
        "log_level",
        "timestamp",
        "logger",
        "logger_name",
        "action_name",
        "parse_data_intent",
        "policy_name",
        "intent",
        "intent_name",
        "len_extraction_events",
        "token_start",
        "token_end",
        "host",
        "port",
        "topic",
        "filename",
        "placeholder_key",
        "sender_id",
        "conversation_id",
        "status",
        "status_code",
        "model_id",
        "error",
        "exception",
    }
)
NOISY_DEBUG_LOGGERS = ("rasa", "rasa_sdk", "socketio", "engineio", "sanic", "sqlalchemy", "actions", "aiohttp")
TURN_QUOTED_LOGGERS = ("rasa", "rasa_sdk", "socketio", "engineio", "sanic", "sqlalchemy")

PHONE_RE = re.compile(r"(?<![\w.])\+?\d[\d\s().\-]{5,}\d(?![\w])")
PHONE_WORD_RE = re.compile(r"\b\d{3}\W{0,3}\d{3}\W{0,3}[A-Za-z0-9]{4}\b")  # 781-927-PAIN style too
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
QUOTED_RE = re.compile(r"'[^'\n]{2,}'|\"[^\"\n]{2,}\"")
MIN_TURN_TEXT = 3

_state: Dict[str, Any] = {"factory": None}


def _debug_allowed() -> bool:
    return os.environ.get("MILD_UNSAFE_DEBUG_LOGS") == "1" and os.environ.get("MILD_ENV", "development") != "production"


def _starts(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def redact(text: str, quoted: bool = False) -> str:
    """`text` without the current turn's message, phone numbers, e-mail addresses (and, with
    `quoted`, without quoted strings)."""
    current = turn_text.get()
    if current and len(current.strip()) >= MIN_TURN_TEXT:
        text = text.replace(current, REDACTED)
        stripped = current.strip()
        if stripped != current:
            text = text.replace(stripped, REDACTED)
        text = text.replace(repr(current)[1:-1], REDACTED)
    text = EMAIL_RE.sub(REDACTED, text)
    text = PHONE_RE.sub(lambda m: REDACTED if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text)
    text = PHONE_WORD_RE.sub(REDACTED, text)
    if quoted:
        text = QUOTED_RE.sub(lambda m: m.group()[0] + REDACTED + m.group()[0], text)
    return text


# Exception messages written by libraries, never holding a person's words: kept in the log.
SAFE_EXCEPTION_MESSAGES = ("Invalid response type None",)  # Sanic, when a socket.io websocket closes


def _frames_only(exc_info) -> str:
    exc_type, exc, tb = exc_info
    frames = "".join(f'  File "{f.filename}", line {f.lineno}, in {f.name}\n' for f in traceback.extract_tb(tb))
    name = getattr(exc_type, "__name__", "Exception")
    message = str(exc) if exc is not None else ""
    if message.startswith(SAFE_EXCEPTION_MESSAGES) and len(message) < 100:
        return f"Traceback (most recent call last):\n{frames}{name}: {message}"
    return f"Traceback (most recent call last; message withheld):\n{frames}{name}"


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    if record.levelno < logging.INFO and _starts(record.name, NOISY_DEBUG_LOGGERS) and not _debug_allowed():
        record.mild_withheld = True  # dropped by WithheldFilter; and emptied, for handlers without it
        record.msg, record.args, record.exc_info, record.exc_text = "[debug record withheld]", (), None, None
        return record
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 (a broken format string: keep the template only)
        message = str(record.msg)
    in_turn = turn_text.get() is not None
    record.msg = redact(message, quoted=in_turn and _starts(record.name, TURN_QUOTED_LOGGERS))
    record.args = ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = _frames_only(record.exc_info)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text, quoted=True)
    return record


class WithheldFilter(logging.Filter):
    """Drops the DEBUG records that `scrub_record` marked (on the root logger's handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: A003
        if getattr(record, "mild_withheld", False):
            return False
        if not getattr(record, "mild_scrubbed", False):  # a record made before install()
            scrub_record(record)
            record.mild_scrubbed = True
        return not getattr(record, "mild_withheld", False)


def _scrub_value(key: str, value: Any) -> Any:
    if key in SAFE_KEYS:
        if isinstance(value, str):
            return redact(value)
        if value is None or isinstance(value, (int, float, bool)):
            return value
        if isinstance(value, dict) and all(isinstance(v, (str, int, float, bool, type(None))) for v in value.values()):
            return {k: redact(v) if isinstance(v, str) else v for k, v in value.items()}
    return REDACTED


def structlog_processor(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """First processor of structlog's chain: only allowlisted keys keep their values."""
    exc_info = event_dict.pop("exc_info", None)
    out = {key: _scrub_value(key, value) for key, value in event_dict.items()}
    if exc_info:
        if exc_info is True:
            import sys

            exc_info = sys.exc_info()
        if isinstance(exc_info, BaseException):
            out["exception"] = type(exc_info).__name__
        elif isinstance(exc_info, tuple) and exc_info[0] is not None:
            out["exception"] = exc_info[0].__name__
    return out


def _install_structlog() -> None:
    try:
        import structlog
    except ImportError:
        return
    processors = structlog.get_config()["processors"]
    if any(p is structlog_processor for p in processors):
        return
    if isinstance(processors, list):
        processors.insert(0, structlog_processor)  # in place: loggers already bound share this list
    else:
        structlog.configure(processors=[structlog_processor, *processors])


def _install_stdlib() -> None:
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "mild_scrubbing", False):

        def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            scrub_record(record)
            record.mild_scrubbed = True
            return record

        scrubbing_factory.mild_scrubbing = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(scrubbing_factory)
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if not any(isinstance(f, WithheldFilter) for f in handler.filters):
                handler.addFilter(WithheldFilter())


def install() -> None:
    """Idempotent; call it again after a framework (re)configures logging."""
    _install_structlog()
    _install_stdlib()
