"""The answers read back before the outcome: "Here is what I understood".

Plain Python, no Rasa imports. `answer_summary()` builds what the patient chat draws before
the result of a completed questionnaire: one row per answer (its short label, the value, the
person's own words that gave it) with the other values as one-tap changes, and a button to
confirm. `summary_key()` names one set of answers, so the dialogue knows whether the summary
for exactly these answers was confirmed; any change of an answer asks again.

The labels are the reviewer's (records.questions), so the person and the clinician read the
same names for the same answers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Optional

from records import questions as _labels
from screening import questionnaire, triage

TYPE = "answer_summary"
TITLE = "Here is what I understood"
CONFIRM_TITLE = "That's right, show my result"
CONFIRM_INTENT = "confirm_summary"
CONFIRM_PAYLOAD = "/" + CONFIRM_INTENT

FLAG_SLOTS = questionnaire.FLAG_SLOTS
# Outcomes shown at once, without reading the answers back first (they are safety advice).
NO_SUMMARY_OUTCOMES = frozenset({triage.EMERGENCY, triage.URGENT_REVIEW})

FLAGS_ROW = "warning_signs"
FLAGS_LABEL = "Warning signs"
FLAGS_NONE = "None"
FLAGS_REPORTED = "Reported"

NOTE_CHANGE = "Tap \u201cChange\u201d to pick another answer."
NOTE_NUMBERS = {
    "symptom_duration_months": "how long you have had the symptoms",
    "age_years": "your age",
}
NOTE_FLAGS = (
    "A warning sign now (bladder or bowel control, groin numbness, fast-worsening leg weakness, "
    "fever, a recent fall, cancer, weight loss)? Type it in the message box."
)

KEY_LENGTH = 12


def payload(slot: str, value: Any) -> str:
    """The button payload that answers `slot` with `value`: the domain's /inform{"slot":"value"}."""
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


def summary_key(answers: Mapping[str, Any]) -> str:
    """A short stable name for these answer values (the questionnaire's slots only)."""
    values = {slot: answers.get(slot) for slot in questionnaire.SLOTS}
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def needs_confirmation(outcome: Optional[str], answers: Mapping[str, Any], confirmed_key: Optional[str]) -> bool:
    """Whether the summary is shown before the outcome: a determined outcome that is not safety
    advice, for answers whose summary has not been confirmed yet."""
    if outcome is None or outcome in NO_SUMMARY_OUTCOMES:
        return False
    return confirmed_key != summary_key(answers)


def _words(slot: str, value: Any, sources: Mapping[str, Any]) -> Optional[str]:
    """The person's words that gave this answer (None for a button, or words of an older value)."""
    source = sources.get(slot)
    if not isinstance(source, Mapping):
        return None
    words = source.get("words")
    if not isinstance(words, str) or not words.strip():
        return None
    if source.get("value") is not None and source.get("value") != value:
        return None
    return words.strip()


def _flags_row(answers: Mapping[str, Any], sources: Mapping[str, Any]) -> Optional[dict]:
    given = [s for s in FLAG_SLOTS if answers.get(s) is not None]
    if not given:
        return None
    words = [w for w in (_words(s, answers[s], sources) for s in given) if w]
    return {
        "slot": FLAGS_ROW,
        "label": FLAGS_LABEL,
        "value_label": FLAGS_NONE if all(answers[s] == "no" for s in given) else FLAGS_REPORTED,
        "words": " / ".join(dict.fromkeys(words)) or None,
        "options": [],
    }


def _row(slot: str, value: Any, sources: Mapping[str, Any]) -> dict:
    options = []
    if slot in questionnaire.ALLOWED_VALUES:
        options = [
            {"title": _labels.OPTIONS[slot].get(v, v), "payload": payload(slot, v)}
            for v in questionnaire.ALLOWED_VALUES[slot]
            if v != value
        ]
    return {
        "slot": slot,
        "label": _labels.SHORT.get(slot, slot),
        "value_label": _labels.value_label(slot, value),
        "words": _words(slot, value, sources),
        "options": options,
    }


def _note(rows: list[dict], has_flags: bool) -> str:
    parts = [NOTE_CHANGE]
    numbers = [NOTE_NUMBERS[r["slot"]] for r in rows if r["slot"] in NOTE_NUMBERS]
    if numbers:
        parts.append("For " + " or ".join(numbers) + ", type the right number in the message box.")
    if has_flags:
        parts.append(NOTE_FLAGS)
    return " ".join(parts)


def answer_summary(answers: Mapping[str, Any], sources: Optional[Mapping[str, Any]] = None) -> dict:
    """The summary card: rows in questionnaire order for the answered slots, the confirm button
    and a note on how to change what has no button."""
    sources = sources or {}
    rows: list[dict] = []
    flags = _flags_row(answers, sources)
    if flags:
        rows.append(flags)
    for slot in questionnaire.SLOTS:
        if slot in FLAG_SLOTS or answers.get(slot) is None:
            continue
        rows.append(_row(slot, answers[slot], sources))
    return {
        "type": TYPE,
        "title": TITLE,
        "rows": rows,
        "confirm": {"title": CONFIRM_TITLE, "payload": CONFIRM_PAYLOAD},
        "note": _note(rows, flags is not None),
    }
