"""Every chat message gets an answer, even when a part of the stack is down.

Rasa 3.6 lets three failures pass without telling the person anything:

- the action server is unreachable: the processor logs the error, the turn ends with no reply;
- the tracker store (PostgreSQL) is unreachable: Rasa's FailSafeTrackerStore falls back to an
  in-memory tracker, so the person sees the greeting of a brand-new conversation and what they say
  is kept only in one server's memory;
- anything else raises inside the turn: the REST channel answers ``[]`` and logs the message
  text (and the local variables) at ERROR level.

``guarded(on_new_message)`` wraps a channel's handler: the bot messages of a turn are held back
until the turn is over; if the tracker store failed during the turn or the turn raised, the
person gets TEMPORARY_PROBLEM instead; if the turn produced no message at all, NOT_HANDLED.
With a `limiter`, a conversation sending faster than the per-client rate gets SLOW_DOWN at once
(the turn is not run) and one log line without the text.
The message text is never logged: during the turn it is known to chat_security.log_filter,
which cuts it out of any log record.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore

from chat_security import log_filter
from chat_security.rate_limit import RateLimiter
from screening import clinic

logger = logging.getLogger(__name__)

PHONES = f"call {clinic.PHONE_LINE}"
TEMPORARY_PROBLEM = (
    "Sorry, we have a technical problem right now and could not save your answer. "
    f"Please try again in a minute. If it keeps happening, {PHONES}."
)
NOT_HANDLED = (
    "Sorry, I couldn't process that just now. Please send your answer again in a moment. "
    f"If it keeps happening, {PHONES}."
)
UNREADABLE = "Sorry, I couldn't read that message. Please type your answer, or tap one of the buttons."
SLOW_DOWN = (
    "You're sending messages faster than I can answer them. Please wait a few seconds, then send your answer again."
)

# One dict per turn: {"store_error": <exception class name> | None}.
_turn: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar("mild_turn", default=None)
_apps: List[Any] = []


def _store_error(error: Exception) -> None:
    state = _turn.get()
    if state is not None:
        state["store_error"] = type(error).__name__
    # Only the class: SQLAlchemy's message can hold the statement and its parameters (message texts).
    logger.error("tracker store unavailable (%s)", type(error).__name__)


def watch_tracker_stores() -> None:
    """Makes the agents' FailSafeTrackerStore report errors to this module (idempotent, cheap)."""
    for app in _apps:
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if (
            isinstance(store, FailSafeTrackerStore)
            and getattr(store, "_on_tracker_store_error", None) is not _store_error
        ):
            store._on_tracker_store_error = _store_error


def remember_app(blueprint) -> None:
    """Registers a listener that keeps a reference to the Sanic app (to find its agent per turn)."""

    @blueprint.listener("after_server_start")
    async def _remember(app, _loop) -> None:  # noqa: ANN001
        if app not in _apps:
            _apps.append(app)
        watch_tracker_stores()
        log_filter.install()  # again, in case the server (re)configured logging after the import


def clean_text(text: Text) -> Text:
    """Lone surrogates (valid in JSON, invalid in UTF-8) become U+FFFD instead of crashing spaCy."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class _HeldOutput(OutputChannel):
    """Holds a turn's bot messages back until the turn is over."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.held: List[Tuple[Text, Dict[Text, Any]]] = []

    def name(self) -> Text:  # type: ignore[override]  (responses vary by channel name)
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.held.append((recipient_id, message))

    async def flush(self) -> None:
        for recipient_id, message in self.held:
            await self.inner.send_response(recipient_id, message)

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], channel: Text, limiter: Optional[RateLimiter] = None
) -> Callable[[UserMessage], Awaitable[None]]:
    async def handler(message: UserMessage) -> None:
        if isinstance(message.text, str):
            message.text = clean_text(message.text)
        text_token = log_filter.turn_text.set(message.text if isinstance(message.text, str) else None)
        try:
            if limiter is not None and not limiter.allow(f"{channel}:{message.sender_id}"):
                logger.warning(
                    "%s: over the rate limit, message refused (conversation %s…)", channel, str(message.sender_id)[:11]
                )
                await message.output_channel.send_text_message(message.sender_id, SLOW_DOWN)
                return
            await _run_turn(message)
        finally:
            log_filter.turn_text.reset(text_token)

    async def _run_turn(message: UserMessage) -> None:
        watch_tracker_stores()
        state: Dict[str, Any] = {"store_error": None}
        token = _turn.set(state)
        inner = message.output_channel
        held = _HeldOutput(inner)
        message.output_channel = held
        failed: Optional[str] = None
        try:
            await on_new_message(message)
        except Exception as exc:  # noqa: BLE001 (any failure: the person still gets an answer)
            failed = type(exc).__name__
        finally:
            _turn.reset(token)
            message.output_channel = inner
        if failed or state["store_error"]:
            logger.error("%s: message not handled (%s)", channel, failed or "tracker store " + state["store_error"])
            await inner.send_text_message(message.sender_id, TEMPORARY_PROBLEM)
        elif not held.held:
            logger.warning("%s: a message got no answer (action server unreachable?)", channel)
            await inner.send_text_message(message.sender_id, NOT_HANDLED)
        else:
            await held.flush()

    return handler
