"""The questions of the clinical spec as a clinician reads them: slot names, questions, value labels.

Slot names, their order and their allowed values come from the `screening` package (the one place
the bot's questionnaire is defined); this module adds what a reviewer and the FHIR export need:
the question in plain words, the item type and a label for every coded value.
"""
from __future__ import annotations

from typing import Any, Optional

from screening import questionnaire as _q
from screening import triage as _triage
from screening import wording as _wording

RULES_VERSION = _triage.RULES_VERSION

# The spec's slots in the spec's table order.
SLOTS: tuple[str, ...] = tuple(_q.SLOTS)
OUTCOMES: tuple[str, ...] = tuple(_triage.OUTCOMES)

QUESTIONS: dict[str, str] = {
    "red_flags": (
        "Right now: new loss of bladder or bowel control, numbness in the groin or inner thighs, "
        "leg weakness that is quickly getting worse, or back pain with fever or chills?"
    ),
    "urgent_flags": "A recent fall or injury to the back, a history of cancer, or weight loss you can't explain?",
    "leg_symptoms": "Pain, numbness, tingling or heaviness in the buttocks or legs?",
    "walking_standing_trigger": "Do those symptoms come on, or get worse, when walking or standing for a while?",
    "sitting_leaning_relief": "Do they ease when sitting down or bending/leaning forward (e.g. on a shopping cart)?",
    "walking_tolerance": "How far can you walk before you have to stop?",
    "symptom_duration_months": "How long have you had these symptoms (months)?",
    "age_years": "How old are you?",
    "conservative_care": "Tried physical therapy, exercise or pain medication for these symptoms?",
    "injections": "Had epidural steroid injections (or other spinal injections) for it?",
    "prior_back_surgery": "Ever had surgery on your lower back?",
    "imaging_stenosis": "Has an MRI or CT shown spinal stenosis (narrowing)?",
    "blood_thinners": "Do you take blood thinners (e.g. warfarin, apixaban, clopidogrel)?",
}

# Short column headings for tables and CSV.
SHORT: dict[str, str] = {
    "red_flags": "Red flags",
    "urgent_flags": "Urgent flags",
    "leg_symptoms": "Leg/buttock symptoms",
    "walking_standing_trigger": "Worse walking/standing",
    "sitting_leaning_relief": "Relief sitting/leaning",
    "walking_tolerance": "Walking tolerance",
    "symptom_duration_months": "Duration (months)",
    "age_years": "Age",
    "conservative_care": "Conservative care",
    "injections": "Injections",
    "prior_back_surgery": "Prior back surgery",
    "imaging_stenosis": "Imaging shows stenosis",
    "blood_thinners": "Blood thinners",
}

_YES_NO = {"yes": "Yes", "no": "No"}
_YES_NO_UNSURE = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
_CARE = {
    "failed": "Tried, not enough relief",
    "helped": "Tried, helping",
    "not_tried": "Not tried",
}
_TOLERANCE = {
    "over_2_miles": "More than 2 miles",
    "2_blocks_to_2_miles": "2 blocks to 2 miles",
    "50_feet_to_2_blocks": "50 feet to 2 blocks",
    "under_50_feet": "Less than 50 feet",
}
_LABELS_BY_VALUES = {
    ("yes", "no"): _YES_NO,
    ("yes", "no", "unsure"): _YES_NO_UNSURE,
    ("failed", "helped", "not_tried"): _CARE,
    tuple(_TOLERANCE): _TOLERANCE,
}

# slot -> {code: label}, in the spec's value order, for coded slots.
OPTIONS: dict[str, dict[str, str]] = {}
for _slot, _values in _q.ALLOWED_VALUES.items():
    _labels = _LABELS_BY_VALUES.get(tuple(_values), {})
    OPTIONS[_slot] = {v: _labels.get(v, v.replace("_", " ").capitalize()) for v in _values}

# slot -> FHIR R4 Questionnaire item type.
ITEM_TYPES: dict[str, str] = {s: "choice" for s in OPTIONS}
ITEM_TYPES["symptom_duration_months"] = "decimal"
ITEM_TYPES["age_years"] = "integer"

OUTCOME_LABELS: dict[str, str] = {
    "emergency": "Emergency",
    "urgent_review": "Urgent review",
    "not_indicated": "Not indicated",
    "conservative_first": "Conservative care first",
    "recommend_consult": "Recommend consultation",
    "possible_consult": "Possible consultation",
}
OUTCOME_TITLES: dict[str, str] = {
    "emergency": "Emergency: sent to the emergency department / 911",
    "urgent_review": "Urgent review: see a doctor within 1-2 days",
    "not_indicated": "Not indicated: symptoms do not match the MILD pattern",
    "conservative_first": "Conservative care first",
    "recommend_consult": "Recommend a consultation to discuss MILD",
    "possible_consult": "Possible consultation: spine/pain physician to decide",
}

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
APPOINTMENT_SLOTS = ("appointment_consent", "contact_name", "contact_phone", "preferred_office")
OFFICES = ("Woburn", "Beverly")


def value_label(slot: str, value: Any) -> str:
    """A value as a reviewer reads it ("Less than 50 feet", "72", "declined", "18 months")."""
    if value is None:
        return ""
    if slot in OPTIONS:
        return OPTIONS[slot].get(str(value), str(value))
    if slot == "symptom_duration_months" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g} months"
    if slot == "age_years" and value == "declined":
        return "Declined to say"
    return str(value)


def outcome_label(outcome: Optional[str]) -> str:
    if not outcome:
        return "No outcome"
    return OUTCOME_LABELS.get(outcome, outcome)


def reason_text(code: str, answers: Optional[dict] = None) -> str:
    """The words the person was given for a reason code (when the stored reason has no text)."""
    return _wording.reason_text(code, answers or {})


def note_text(code: str) -> str:
    return _wording.NOTES.get(code, code)
