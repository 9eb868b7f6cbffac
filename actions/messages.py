"""Reading the latest user message out of a rasa_sdk Tracker.

Helpers shared by the form validation actions: is there a new message to read, what did
the buttons say, what does the person's reply mean (language layer plus intent), and who
is answering (a patient on the web, or staff for a caller).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from rasa_sdk import Tracker

# Actions that may run between a user message and the form without consuming the message.
PASS_THROUGH_ACTIONS = {
    "action_listen",
    "action_extract_slots",
    "action_session_start",
    "screening_form",
    "validate_screening_form",
    "appointment_form",
    "validate_appointment_form",
}
# Intents that are side questions: the form lets the rules answer them, then asks again.
SIDE_INTENTS = {
    "faq_what_is_mild",
    "faq_preparation",
    "faq_duration",
    "faq_pain",
    "faq_recovery",
    "faq_side_effects",
    "faq_aftercare",
    "faq_offices",
    "faq_insurance",
    "faq_stenosis",
    "human_handoff",
    "bot_challenge",
    "out_of_scope",
    "thanks",
    "goodbye",
    "restart",
}
SIDE_INTENT_CONFIDENCE = 0.6
REPLY_INTENTS = {"affirm": "yes", "deny": "no", "unsure": "unsure", "decline": "declined"}
REPLY_INTENT_CONFIDENCE = 0.7
STAFF_CHANNEL = "staff"
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters in a row, in any script


def has_new_message(tracker: Tracker) -> bool:
    """True when the latest user message has not been handled by another action yet."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action" and event.get("name") not in PASS_THROUGH_ACTIONS:
            return False
        if kind in ("restart", "session_started"):
            return False
    return False


def typed_before_the_latest(tracker: Tracker) -> list[tuple[str, dict]]:
    """(text, parse data) of the messages the person typed in this session before the latest
    one, oldest first; button taps are left out."""
    typed: list[tuple[str, dict]] = []
    users = []
    for event in tracker.events:
        if event.get("event") in ("restart", "session_started"):
            users = []
        elif event.get("event") == "user":
            users.append(event)
    for event in users[:-1]:
        text = event.get("text") or ""
        if text.strip() and not is_button_payload(text):
            typed.append((text, event.get("parse_data") or {}))
    return typed


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def intent(tracker: Tracker) -> tuple[Optional[str], float]:
    data = (tracker.latest_message or {}).get("intent") or {}
    return data.get("name"), float(data.get("confidence") or 0.0)


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def payload_values(tracker: Tracker, names: set[str]) -> dict[str, Any]:
    """Slot values carried by a button payload such as /inform{"walking_tolerance":"under_50_feet"}."""
    if not is_button_payload(latest_text(tracker)):
        return {}
    values = {}
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") in names:
            values[entity["entity"]] = entity.get("value")
    return values


def is_side_question(tracker: Tracker) -> bool:
    name, confidence = intent(tracker)
    return name in SIDE_INTENTS and confidence >= SIDE_INTENT_CONFIDENCE


def reply_from_intent(tracker: Tracker) -> Optional[str]:
    name, confidence = intent(tracker)
    text = latest_text(tracker)
    # Symbols without a word ("<%= 7*7 %>") are no answer, whatever the classifier says.
    if not is_button_payload(text) and not WORD.search(text):
        return None
    if name in REPLY_INTENTS and confidence >= REPLY_INTENT_CONFIDENCE:
        return REPLY_INTENTS[name]
    return None


def channel(tracker: Tracker) -> Optional[str]:
    return tracker.get_latest_input_channel()


def voice(tracker: Tracker) -> str:
    """Whose words to use: staff reading to a caller, or a patient."""
    return "staff" if channel(tracker) == STAFF_CHANNEL or tracker.get_slot("answered_by") == "staff" else "patient"


def staff_name(tracker: Tracker) -> Optional[str]:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    name = metadata.get("staff_name") if isinstance(metadata, dict) else None
    return str(name)[:80] if name else None
