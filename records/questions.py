"""The questions of the clinical spec as a clinician reads them: slot names, questions, value labels.

Everything here comes from `screening.catalogue` (the one place the questionnaire is defined) and
`screening.clinic`; this module adds only what the records alone need (bookkeeping slots, the
labels of how an answer was reached).
"""

from __future__ import annotations

from typing import Optional

from screening import catalogue as _catalogue
from screening import clinic as _clinic
from screening import triage as _triage
from screening import wording as _wording

RULES_VERSION = _triage.RULES_VERSION

# The spec's slots in the spec's table order.
SLOTS: tuple[str, ...] = tuple(_catalogue.SLOTS)
OUTCOMES: tuple[str, ...] = tuple(_triage.OUTCOMES)

# The questions, labels, item types and outcome titles: the catalogue's, as the records read them.
QUESTIONS = _catalogue.QUESTIONS
SHORT = _catalogue.SHORT
OPTIONS = _catalogue.OPTIONS
ITEM_TYPES = _catalogue.ITEM_TYPES
OUTCOME_LABELS: dict[str, str] = {o: v.label for o, v in _catalogue.OUTCOMES.items()}
OUTCOME_TITLES: dict[str, str] = {o: v.record_title for o, v in _catalogue.OUTCOMES.items()}
value_label = _catalogue.value_label
outcome_label = _catalogue.outcome_label

BOOKKEEPING_SLOTS = (
    "requested_slot",
    "triage_outcome",
    "triage_reasons",
    "triage_notes",
    "rules_version",
    "screening_id",
    "answered_by",
    "staff_name",
    "appointment_consent",
    "contact_name",
    "contact_phone",
    "preferred_office",
    "screening_status",
)
# How an answer was reached (screening.checks sources), as a reviewer reads it.
HOW_LABELS = {
    "stated": "stated",
    "button": "button",
    "confirmed": "confirmed when read back",
    "clarified": "clarified when asked",
    "corrected": "corrected",
    "flag_question": "answered a flag question",
}
CHECK_KINDS = {
    "flag": "Flag question",
    "clarify": "Clarification",
    "ask_back": "Read-back",
    "confirm": "Confirmation",
}
READER_LABELS = {"rules": "the rules", "learned": "the learned reader"}
APPOINTMENT_SLOTS = _catalogue.APPOINTMENT_SLOTS
OFFICES = _clinic.OFFICE_NAMES


def reason_text(code: str, answers: Optional[dict] = None) -> str:
    """The words the person was given for a reason code (when the stored reason has no text)."""
    return _wording.reason_text(code, answers or {})


def note_text(code: str) -> str:
    return _wording.NOTES.get(code, code)
