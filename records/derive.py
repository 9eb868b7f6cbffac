"""Screening records derived from a conversation's tracker events. Pure functions, no Rasa imports.

Input: the events of one conversation as dicts, in order, exactly as Rasa serialises them (the
tracker JSON's ``events`` or the ``data`` column of the SQL tracker store's ``events`` table).

A conversation holds zero or more screenings. A new screening starts with a ``restart`` event,
an ``AllSlotsReset`` or a new value of the ``screening_id`` slot, once the current one has any
screening content (a question asked, an answer or an outcome); greetings and FAQ chat before the
first question belong to the first screening. When a boundary falls right after a user message
that gave no answer ("let's start over"), that message opens the new screening.

Answers are the spec's slots. Each answer keeps the person's own words: the text of the user
message that preceded the slot event (for a button click, the button's title, with the payload
kept in ``payload``). A later slot event with another value is a correction: the earlier value
moves to ``history`` (oldest first) and the answer shows the new one.

A screening is ``finished`` when ``triage_outcome`` is set and the form ended (``requested_slot``
becomes null after the outcome, or is null at the end); otherwise ``abandoned`` at the last
question asked (``abandoned_at``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Optional

from records.answer_summary import TITLE as SUMMARY_TITLE
from records.answer_summary import TYPE as SUMMARY_TYPE
from records.questions import APPOINTMENT_SLOTS, SLOTS, note_text, reason_text, value_label

RECORD_SCHEMA_VERSION = 1
ANSWER_SLOTS = frozenset(SLOTS)
RESTART_EVENTS = frozenset({"restart", "restarted"})
RESET_EVENTS = frozenset({"reset_slots"})


def iso(ts: Optional[float]) -> Optional[str]:
    """Epoch seconds -> ISO 8601 in UTC with milliseconds (FHIR dateTime compatible)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(float(ts), timezone.utc).isoformat(timespec="milliseconds")


def parse_payload(text: Optional[str]) -> Optional[tuple[str, dict]]:
    """``/inform{"slot":"value"}`` -> ("inform", {"slot": "value"}); None for ordinary text."""
    if not text or not text.startswith("/"):
        return None
    body = text[1:]
    brace = body.find("{")
    if brace == -1:
        intent = body.strip()
        return (intent, {}) if intent and " " not in intent else None
    intent = body[:brace].strip()
    try:
        entities = json.loads(body[brace:])
    except ValueError:
        return None
    if not intent or not isinstance(entities, dict):
        return None
    return intent, entities


def payload_label(text: str) -> str:
    """Readable words for a payload no button explains (e.g. a page's own "Start screening" button)."""
    parsed = parse_payload(text)
    if parsed is None:
        return text
    intent, entities = parsed
    if entities:
        return ", ".join(value_label(k, v) if k in ANSWER_SLOTS else str(v) for k, v in entities.items())
    return intent.replace("_", " ").capitalize()


# Payloads a page sends by itself (its own buttons), shown with payload_label's words.
PAGE_PAYLOADS = frozenset({"/start_screening", "/restart", "/session_start"})


def typed_intent(text: str, event: Mapping[str, Any], button_title: Optional[str]) -> bool:
    """A bare ``/intent`` the person typed themselves: no button offered it, the page did not send
    it (no ``display`` in the message metadata, not one of its own payloads), no answer in it, not
    the staff console. Such a message is shown as the words typed, not as a button."""
    if button_title or text.strip() in PAGE_PAYLOADS or event.get("input_channel") == "staff":
        return False
    parsed = parse_payload(text)
    if parsed is None or parsed[1]:
        return False
    metadata = (event.get("parse_data") or {}).get("metadata")
    return not (isinstance(metadata, Mapping) and isinstance(metadata.get("display"), str))


def _is_content(event: Mapping[str, Any]) -> bool:
    """Does this event make a segment a screening (a question asked, an answer, an outcome)?"""
    if event.get("event") != "slot":
        return False
    name, value = event.get("name"), event.get("value")
    if name in ANSWER_SLOTS:
        return value is not None
    if name == "triage_outcome":
        return value is not None
    if name == "requested_slot":
        return value in ANSWER_SLOTS
    return False


def split_screenings(events: list[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """Index ranges [start, end) of the segments of a conversation, one per screening candidate."""
    bounds: list[tuple[int, int]] = []
    start = 0
    has_content = False
    current_id: Optional[str] = None
    last_user: Optional[int] = None
    content_since_user = False

    def cut(at: int) -> int:
        # Where to cut for a boundary at index `at`: before the last user message when that message
        # gave no answer to the current screening (it asked for the new one), else at `at`.
        if last_user is not None and last_user > start and not content_since_user:
            return last_user
        return at

    for i, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            last_user = i
            content_since_user = False
            continue
        boundary = False
        new_id: Optional[str] = None
        if kind in RESTART_EVENTS or kind in RESET_EVENTS:
            boundary = has_content
            if not has_content and kind in RESTART_EVENTS:
                current_id = None
        elif kind == "slot" and event.get("name") == "screening_id" and event.get("value"):
            new_id = str(event.get("value"))
            if current_id is None or new_id == current_id:
                current_id = new_id
            else:
                boundary = has_content
                current_id = new_id
        if boundary:
            at = cut(i)
            bounds.append((start, at))
            start = at
            has_content = False
            current_id = new_id
            last_user = last_user if last_user is not None and last_user >= start else None
            content_since_user = False
        if _is_content(event):
            has_content = True
            content_since_user = True
    bounds.append((start, len(events)))
    return [(a, b) for a, b in bounds if b > a]


def _button_titles(events: list[Mapping[str, Any]]) -> dict[int, str]:
    """For user events that are a button payload, the title of the button clicked."""
    titles: dict[int, str] = {}
    buttons: list[Mapping[str, Any]] = []
    for i, event in enumerate(events):
        kind = event.get("event")
        if kind == "bot":
            data = event.get("data") or {}
            if data.get("buttons"):
                buttons = list(data["buttons"])
        elif kind == "user":
            text = event.get("text") or ""
            parsed = parse_payload(text)
            if parsed is None:
                continue
            for button in reversed(buttons):
                payload = button.get("payload")
                if payload == text or (payload and parse_payload(payload) == parsed):
                    titles[i] = str(button.get("title") or payload)
                    break
    return titles


def _fallback_id(sender_id: str, first_ts: Any, index: int) -> str:
    digest = hashlib.sha1(f"{sender_id}|{first_ts}|{index}".encode()).hexdigest()
    return digest[:32]


def summary_text(summary: Mapping[str, Any]) -> str:
    """The answer summary card as one transcript line: each answer with the words that gave it."""
    rows = []
    for row in summary.get("rows") or []:
        if not isinstance(row, Mapping):
            continue
        line = f"{row.get('label', '')}: {row.get('value_label', '')}"
        if row.get("words"):
            line += f" (\u201c{row['words']}\u201d)"
        rows.append(line)
    return f"{summary.get('title') or SUMMARY_TITLE}: " + "; ".join(rows)


def _bot_entry(event: Mapping[str, Any]) -> Optional[dict]:
    data = event.get("data") or {}
    custom = data.get("custom")
    card = None
    text = event.get("text")
    if isinstance(custom, Mapping):
        inner = custom.get("data", custom)
        if isinstance(inner, Mapping) and inner.get("type") == "result_card":
            card = dict(inner)
        elif isinstance(inner, Mapping) and inner.get("type") == SUMMARY_TYPE and not text:
            text = summary_text(inner)  # "Here is what I understood", as the patient saw it
    if not text and card is None:
        return None
    entry = {"from": "bot", "text": text if text else (card or {}).get("title", ""), "at": iso(event.get("timestamp"))}
    if data.get("buttons"):
        entry["buttons"] = [str(b.get("title", "")) for b in data["buttons"]]
    if card is not None:
        entry["card"] = card
    return entry


class _Screening:
    """The state machine that folds one segment's events into a record."""

    def __init__(self, sender_id: str):
        self.sender_id = sender_id
        self.answers: dict[str, dict] = {}
        self.slots: dict[str, Any] = {}
        self.outcome_history: list[dict] = []
        self.outcome_at: Optional[float] = None
        self.form_ended_after_outcome = False
        self.asked: list[str] = []
        self.last_asked: Optional[str] = None
        self.red_flag = False
        self.transcript: list[dict] = []
        self.input_channels: list[str] = []
        self.first_ts: Optional[float] = None
        self.last_ts: Optional[float] = None
        self.last_user: Optional[dict] = None  # {"words", "at", "payload"?}
        self.snapshot: Optional[dict] = None

    # -- snapshots, for Rasa's "rewind" (UserUtteranceReverted): slots set after the last user
    #    message are undone, the message itself stays in the transcript.
    def _take_snapshot(self) -> None:
        self.snapshot = copy.deepcopy(
            {
                "answers": self.answers,
                "slots": self.slots,
                "outcome_history": self.outcome_history,
                "outcome_at": self.outcome_at,
                "form_ended_after_outcome": self.form_ended_after_outcome,
                "red_flag": self.red_flag,
            }
        )

    def _rewind(self) -> None:
        if self.snapshot is not None:
            for key, value in copy.deepcopy(self.snapshot).items():
                setattr(self, key, value)
        self.last_user = None

    def feed(self, index: int, event: Mapping[str, Any], button_titles: Mapping[int, str]) -> None:
        kind = event.get("event")
        ts = event.get("timestamp")
        if isinstance(ts, (int, float)):
            self.first_ts = ts if self.first_ts is None else min(self.first_ts, ts)
            self.last_ts = ts if self.last_ts is None else max(self.last_ts, ts)
        if kind == "user":
            self._user(index, event, button_titles)
        elif kind == "bot":
            entry = _bot_entry(event)
            if entry:
                self.transcript.append(entry)
        elif kind == "slot":
            self._slot(event)
        elif kind == "session_started":
            self.last_user = None  # slots restored by action_session_start are not answers
        elif kind == "rewind":
            self._rewind()

    def _user(self, index: int, event: Mapping[str, Any], button_titles: Mapping[int, str]) -> None:
        text = event.get("text") or ""
        at = iso(event.get("timestamp"))
        channel = event.get("input_channel")
        if channel and channel not in self.input_channels:
            self.input_channels.append(channel)
        entry: dict[str, Any] = {"from": "user", "text": text, "at": at}
        words: Optional[str] = text
        payload = None
        if parse_payload(text) is not None and not typed_intent(text, event, button_titles.get(index)):
            payload = text
            metadata = (event.get("parse_data") or {}).get("metadata")
            shown = metadata.get("display") if isinstance(metadata, Mapping) else None  # the page's button title
            words = (
                button_titles.get(index)
                or (shown[:200] if isinstance(shown, str) and shown.strip() else None)
                or payload_label(text)
            )
            entry["text"] = words
            entry["payload"] = payload
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent:
            entry["intent"] = intent
        self.transcript.append(entry)
        self.last_user = {"words": words, "at": at}
        if payload is not None:
            self.last_user["payload"] = payload
        self._take_snapshot()

    def _slot(self, event: Mapping[str, Any]) -> None:
        name = event.get("name")
        if not isinstance(name, str):
            return  # Rasa's slot events always name their slot; a nameless one would set nothing read here
        value = event.get("value")
        at = iso(event.get("timestamp"))
        if name in ANSWER_SLOTS:
            self._answer(name, value, at)
            return
        old = self.slots.get(name)
        self.slots[name] = value
        if name == "requested_slot":
            if value in ANSWER_SLOTS:
                self.last_asked = value
                if value not in self.asked:
                    self.asked.append(value)
            if value is None and self.slots.get("triage_outcome") is not None:
                self.form_ended_after_outcome = True
        elif name == "triage_outcome":
            if value is not None and value != old:
                self.outcome_history.append({"value": value, "at": at})
                self.outcome_at = event.get("timestamp")
                # The form already ended (or never asked) when the outcome arrived.
                self.form_ended_after_outcome = self.slots.get("requested_slot") is None
            if value == "emergency":
                self.red_flag = True

    def _answer(self, slot: str, value: Any, at: Optional[str]) -> None:
        current = self.answers.get(slot)
        if slot == "red_flags" and value == "yes":
            self.red_flag = True
        if value is None:
            if current is not None and current.get("value") is not None:
                # Cleared (e.g. to ask again): keep what was said, show no value.
                current["history"].append(
                    {k: current.get(k) for k in ("value", "words", "at", "payload") if k in current}
                )
                current.update({"value": None, "words": None, "at": at})
                current.pop("payload", None)
            return
        if current is not None and current.get("value") == value:
            return
        said = self.last_user or {}
        answer = {"value": value, "words": said.get("words"), "at": at}
        if "payload" in said:
            answer["payload"] = said["payload"]
        if said.get("at"):
            answer["said_at"] = said["at"]
        history = []
        if current is not None:
            history = current["history"]
            if current.get("value") is not None:
                history.append({k: current.get(k) for k in ("value", "words", "at", "payload") if k in current})
        answer["history"] = history
        self.answers[slot] = answer

    def record(self, sender_id: str, index: int) -> dict:
        slots = self.slots
        outcome = slots.get("triage_outcome")
        finished = outcome is not None and (self.form_ended_after_outcome or slots.get("requested_slot") is None)
        screening_id = slots.get("screening_id") or _fallback_id(sender_id, self.first_ts, index)
        answered_by = slots.get("answered_by") or ("staff" if slots.get("staff_name") else "patient")
        channel = "staff" if answered_by == "staff" else "web"
        answers = {s: self.answers[s] for s in SLOTS if s in self.answers and self.answers[s].get("value") is not None}
        cleared = {s: self.answers[s] for s in SLOTS if s in self.answers and self.answers[s].get("value") is None}
        appointment = None
        if any(slots.get(s) is not None for s in APPOINTMENT_SLOTS):
            consent = slots.get("appointment_consent")
            appointment = {
                "consent": consent,
                "name": slots.get("contact_name"),
                "phone": slots.get("contact_phone"),
                "office": slots.get("preferred_office"),
            }
            appointment["requested"] = bool(consent == "yes" and appointment["name"] and appointment["phone"])
        # How each answer was reached (screening.checks): stated, button, confirmed, clarified,
        # corrected, or flag_question (with the reader(s) that raised the question).
        stored_sources = slots.get("answer_sources")
        sources = stored_sources if isinstance(stored_sources, dict) else {}
        for slot, answer in answers.items():
            stored = sources.get(slot)
            source = stored if isinstance(stored, dict) else {}
            answer["how"] = source.get("how") or (
                "corrected" if answer.get("history") else "button" if "payload" in answer else "stated"
            )
            if source.get("readers"):
                answer["raised_by"] = list(source["readers"])
            if source.get("asked_about"):
                answer["asked_about"] = source["asked_about"]
        checks_log = _list_of_dicts(slots.get("answer_checks"))
        reasons = _list_of_dicts(slots.get("triage_reasons"))
        notes = _list_of_dicts(slots.get("triage_notes"))
        # Reasons and notes stored as codes only get the wording the person was shown.
        values = {s: a["value"] for s, a in answers.items()}
        for reason in reasons:
            if not reason.get("text") and reason.get("code"):
                reason["text"] = reason_text(str(reason["code"]), values)
        for note in notes:
            if not note.get("text") and note.get("code"):
                note["text"] = note_text(str(note["code"]))
        return {
            "schema": RECORD_SCHEMA_VERSION,
            "screening_id": str(screening_id),
            "sender_id": sender_id,
            "channel": channel,
            "input_channels": list(self.input_channels),
            "answered_by": answered_by,
            "staff_name": slots.get("staff_name") if channel == "staff" else None,
            "started": iso(self.first_ts),
            "ended": iso(self.last_ts),
            "started_ts": self.first_ts,
            "ended_ts": self.last_ts,
            "status": "finished" if finished else "abandoned",
            "abandoned_at": None if finished else self.last_asked,
            "asked": list(self.asked),
            "emergency": bool(self.red_flag or outcome == "emergency"),
            "outcome": outcome,
            "outcome_at": iso(self.outcome_at),
            "outcome_history": list(self.outcome_history),
            "reasons": reasons,
            "notes": notes,
            "rules_version": None if slots.get("rules_version") is None else str(slots.get("rules_version")),
            "answers": answers,
            "cleared_answers": cleared,
            "checks": checks_log,
            "appointment": appointment,
            "transcript": list(self.transcript),
        }


def _list_of_dicts(value: Any) -> list[dict]:
    if not value:
        return []
    if isinstance(value, Mapping):
        value = [value]
    out = []
    for item in value:
        if isinstance(item, Mapping):
            out.append(dict(item))
        elif item is not None:
            out.append({"code": str(item), "text": str(item)})
    return out


def derive_screenings(events: Iterable[Mapping[str, Any]], sender_id: str) -> list[dict]:
    """All screening records of one conversation, oldest first."""
    events = [e for e in events if isinstance(e, Mapping)]
    titles = _button_titles(events)
    records = []
    for index, (start, end) in enumerate(split_screenings(events)):
        segment = events[start:end]
        if not any(_is_content(e) for e in segment):
            continue
        state = _Screening(sender_id)
        for offset, event in enumerate(segment):
            state.feed(start + offset, event, titles)
        records.append(state.record(sender_id, index))
    return records


def derive_from_tracker(tracker: Mapping[str, Any]) -> list[dict]:
    """Records from a tracker JSON as returned by ``GET /conversations/{id}/tracker``."""
    return derive_screenings(tracker.get("events") or [], str(tracker.get("sender_id", "")))
