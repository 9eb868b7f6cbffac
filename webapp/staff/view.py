"""What the staff console shows of an intake, read from the bot's tracker. Nothing is decided here.

The bot has already decided which question is open (`requested_slot`, and `question_variant` for
its wording), the outcome with its reasons (the result card) and the emergency script; this module
only arranges them for the console: the answers in the spec's order with the caller's words, the
phase of the call, the read-back and the appointment request.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from records.derive import derive_from_tracker
from records.questions import APPOINTMENT_SLOTS, OPTIONS, QUESTIONS, SHORT, SLOTS, value_label
from screening import catalogue, questionnaire, wording

# Slots the caller answers by typing rather than with a button: the console puts the cursor in the
# words field when the bot asks one of these.
TYPED_SLOTS = ("age_years", "contact_name", "contact_phone")


# --- the questions and their answer buttons (the catalogue's staff wording) -------------------


def payload_for(slot: str, value: Any) -> str:
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


def question_catalog() -> list[dict]:
    """Every screening question in the spec's order, with the answers staff can pick to change it.

    The choices are the bot's own staff buttons for that question (screening.catalogue, the words
    domain.yml is written from), so a change sends exactly the payload the question would have;
    coded values the buttons lack are added with the record's labels."""
    catalog = []
    for slot in SLOTS:
        ask = catalogue.asks_for(slot, voice="staff")
        options = [
            {"title": title, "payload": payload_for(slot, answers[slot])}
            for title, answers in (ask.buttons if ask else ())
            if set(answers) == {slot}
        ]
        covered = {value for _title, answers in (ask.buttons if ask else ()) for value in answers.values()}
        for value, label in OPTIONS.get(slot, {}).items():
            if value not in covered:
                options.append({"title": label, "payload": payload_for(slot, value)})
        catalog.append(
            {
                "slot": slot,
                "label": SHORT.get(slot, slot),
                "question": QUESTIONS.get(slot, ""),
                "options": options,
                "number": catalogue.BOUNDS[slot].as_input() if slot in catalogue.BOUNDS else None,
            }
        )
    return catalog


# --- what the console shows, from the tracker ----------------------------------------------------


def bot_messages(messages: Any) -> list[dict]:
    """The staff channel's reply (a list of bot messages) reduced to what the console draws."""
    out = []
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, Mapping):
            continue
        custom = message.get("custom")
        if isinstance(custom, Mapping):
            card = custom.get("data", custom)
            if isinstance(card, Mapping) and card.get("type") == "result_card":
                out.append({"card": dict(card)})
                continue
        text = message.get("text")
        if not isinstance(text, str) or not text:
            continue
        entry: dict[str, Any] = {"text": text}
        buttons = [
            {"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
            for b in message.get("buttons") or []
            if isinstance(b, Mapping) and b.get("payload")
        ]
        if buttons:
            entry["buttons"] = buttons
        out.append(entry)
    return out


def last_turn(events: list) -> list[dict]:
    """The bot's messages after the latest user message (to redraw a reloaded console)."""
    turn: list[dict] = []
    for event in events:
        if not isinstance(event, Mapping):
            continue
        if event.get("event") == "user":
            turn = []
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            message = {"text": event.get("text"), "buttons": data.get("buttons")}
            if data.get("custom"):
                message = {"custom": data["custom"]}
            turn.append(message)
    return bot_messages(turn)


def build_state(tracker: Mapping[str, Any], catalog: list[dict]) -> dict:
    """The intake as the console shows it: answers (spec order, with the caller's words), outcome,
    read-back and appointment request. Everything comes from the tracker; nothing is decided here."""
    slots = tracker.get("slots") or {}
    records = derive_from_tracker(tracker)
    record = records[-1] if records else {}
    said = record.get("answers") or {}
    requested = slots.get("requested_slot")

    answers = []
    for question in catalog:
        slot = question["slot"]
        value = slots.get(slot)
        words = None
        typed = False
        entry = said.get(slot) or {}
        if value is not None and entry.get("value") == value:
            words = entry.get("words")
            # the caller's own words, when typed and not just the value itself ("72" for 72)
            typed = (
                "payload" not in entry
                and bool(words)
                and str(words).strip().lower() not in (str(value).lower(), value_label(slot, value).lower())
            )
        answers.append(
            {
                "slot": slot,
                "label": question["label"],
                "value": value,
                "value_label": value_label(slot, value) if value is not None else "",
                "words": words,
                "typed": typed,
                "changed": bool(entry.get("history")) if value is not None else False,
                # the combined gate question asks two answers at once
                "asking": requested == slot
                or (
                    slot == "walking_standing_trigger"
                    and requested == "leg_symptoms"
                    and slots.get("question_variant") == questionnaire.GATE
                ),
            }
        )

    outcome = slots.get("triage_outcome")
    card = None
    for entry in reversed(record.get("transcript") or []):
        if entry.get("card"):
            card = entry["card"]
            break
    if card is not None and card.get("outcome") != outcome:
        card = None  # shown before a later change: no longer the outcome
    reasons = [r.get("text") or r.get("code") for r in record.get("reasons") or []] if outcome else []
    notes = [n.get("text") or n.get("code") for n in record.get("notes") or []] if outcome else []
    if card:
        reasons, notes = list(card.get("reasons") or []), list(card.get("notes") or [])

    active_loop = (tracker.get("active_loop") or {}).get("name")
    if outcome == "emergency":
        phase = "emergency"
    elif requested in APPOINTMENT_SLOTS:
        phase = "appointment"
    elif outcome and not requested and not active_loop:
        phase = "done"
    elif outcome and requested in questionnaire.NOTE_SLOTS:
        phase = "notes"
    else:
        phase = "questions"

    emergency_script = None
    if outcome == "emergency":
        emergency_script = (card or {}).get("summary") or wording.summary(outcome, "staff")

    readback = [
        {
            "slot": a["slot"],
            "label": a["label"],
            "value_label": a["value_label"],
            "sentence": wording.readback_sentence(a["slot"], a["value"]),
            "words": a["words"] if a["typed"] else None,
        }
        for a in answers
        if a["value"] is not None
    ]

    appointment = None
    if requested in APPOINTMENT_SLOTS or any(slots.get(s) is not None for s in APPOINTMENT_SLOTS):
        appointment = [
            {
                "slot": s,
                "label": catalogue.APPOINTMENT_FIELDS[s],
                "value": slots.get(s),
                "value_label": {"yes": "Yes, caller agreed", "no": "Declined"}.get(str(slots.get(s)), slots.get(s))
                if s == "appointment_consent"
                else slots.get(s),
                "asking": requested == s,
            }
            for s in APPOINTMENT_SLOTS
        ]

    return {
        "intake": tracker.get("sender_id"),
        "screening_id": slots.get("screening_id"),
        "answered_by": slots.get("answered_by"),
        "staff_name": slots.get("staff_name"),
        "requested_slot": requested,
        "typed_answer": requested in TYPED_SLOTS and not slots.get("pending_check"),  # a check is yes/no
        "checking": (slots.get("pending_check") or {}).get("kind")
        if isinstance(slots.get("pending_check"), Mapping)
        else None,
        "phase": phase,
        "status": slots.get("screening_status"),
        "outcome": outcome,
        "outcome_title": wording.STAFF_TITLES.get(outcome) if outcome else None,
        "final": bool(card),
        "card": card,
        "reasons": reasons,
        "notes": notes,
        "emergency_script": emergency_script,
        "answers": answers,
        "readback": readback if outcome and outcome != "emergency" else [],
        "appointment": appointment,
    }
