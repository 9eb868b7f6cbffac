"""chat_security: signed conversation tokens, the per-client rate limit and the PHI log filter."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from chat_security import conversation, log_filter
from chat_security.rate_limit import RateLimiter

SECRET = "s" * 32
NAME, PHONE = "Quillon Zephyrine Marchbank", "617-555-0142"


def test_a_token_binds_its_conversation_and_nothing_else():
    cid = conversation.new_conversation_id()
    assert conversation.is_conversation_id(cid) and cid != conversation.new_conversation_id()
    token = conversation.make_token(SECRET, cid, conversation.SOCKET, 60, now=1000)
    assert conversation.verify_token(SECRET, token, conversation.SOCKET, now=1030) == cid
    assert conversation.verify_token(SECRET, token, conversation.SOCKET, now=1061) is None  # expired
    assert conversation.verify_token(SECRET, token, conversation.COOKIE, now=1030) is None  # other purpose
    assert conversation.verify_token("t" * 32, token, conversation.SOCKET, now=1030) is None  # other secret
    other = conversation.new_conversation_id()
    assert conversation.verify_token(SECRET, token.replace(cid, other), conversation.SOCKET, now=1030) is None
    for bad in (None, "", cid, "v1.socket", token + "x", "x" * 5000, 42):
        assert conversation.verify_token(SECRET, bad, conversation.SOCKET, now=1030) is None
    with pytest.raises(ValueError):
        conversation.make_token(SECRET, "0123456789abcdef0123456789abcdef", conversation.SOCKET, 60)


def test_web_chat_ids_are_recognised_for_the_other_channels():
    assert conversation.looks_like_web_chat_id("wc_abc") and conversation.looks_like_web_chat_id(" WC_x")
    assert not conversation.looks_like_web_chat_id("staff-123") and not conversation.looks_like_web_chat_id(None)


def test_missing_secret_is_a_clear_error():
    with pytest.raises(conversation.MissingSecret, match="CHAT_SESSION_SECRET"):
        conversation.secret_from_env({})


def test_rate_limiter_allows_a_burst_then_the_rate_per_key():
    now = [0.0]
    limiter = RateLimiter(burst=3, rate=1.0, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(5)] == [True, True, True, False, False]
    assert limiter.allow("b"), "another client has its own bucket"
    now[0] = 1.0
    assert limiter.allow("a") and not limiter.allow("a")
    limiter.forget("a")
    assert limiter.allow("a")
    assert RateLimiter.from_env({"CHAT_CLIENT_BURST": "5", "CHAT_CLIENT_RATE": "x"}).burst == 5


@pytest.fixture
def captured():
    log_filter.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    log_filter.install()  # puts the filter on the new handler too
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_stdlib_records_lose_the_turn_text_phones_and_exception_messages(captured):
    token = log_filter.turn_text.set(f"My name is {NAME}")
    try:
        logging.getLogger("rasa.core.processor").info("Received user message 'My name is %s'", NAME)
        logging.getLogger("rasa.core.actions.action").warning("slot contact_name = '%s'", NAME.split()[0])
        logging.getLogger("rasa.core.processor").debug("tracker %s", {"contact_name": NAME})
        try:
            raise ValueError(f"bad value {NAME}")
        except ValueError:
            logging.getLogger("channels.guard").exception("turn failed")
    finally:
        log_filter.turn_text.reset(token)
    logging.getLogger("webapp").info("call back on %s or q@example.org", PHONE)
    out = captured.getvalue()
    for secret in ("Quillon", "Marchbank", "617-555", "q@example.org"):
        assert secret not in out, out
    assert "Received user message" in out and "ValueError" in out and "turn failed" in out


def test_structlog_events_keep_their_name_and_lose_the_text(captured):
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.INFO)
    log_filter.install()
    structlog.get_logger().error(
        "rest.message.received.timeout",
        text=f"{NAME} {PHONE}",
        action_name="validate_screening_form",
        slot_values={"contact_phone": PHONE},
    )
    out = captured.getvalue()
    line = [x for x in out.splitlines() if "rest.message.received.timeout" in x][-1]
    event = json.loads(line)
    assert event["text"] == log_filter.REDACTED and event["slot_values"] == log_filter.REDACTED
    assert event["action_name"] == "validate_screening_form"
    assert "Quillon" not in out and "0142" not in out
