"""The questionnaire catalogue: every fact about the questions, stated once.

Plain Python, no Rasa imports; the ground floor of `screening`. It holds:

- the slots in the spec's order, their coded values and the bounds of the numbers;
- each question as a clinician reads it (records, FHIR) and its short label;
- a label for every coded value;
- the outcomes' labels and titles (for the record, the person and the staff);
- the appointment request's fields;
- the bot's own words for each question and its answer buttons, per wording variant and voice.
  domain.yml's `utter_ask_*` responses are written from these by `make domain`
  (scripts/write_domain.py), and a test fails if the two differ.

`questionnaire`, `wording`, `records`, `webapp` and `actions` read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

# --- slots and values (clinical spec) -----------------------------------------------------------

# The spec's table order. Red flags first; the rest may be answered in any order.
OUTCOME_SLOTS = (
    "red_flags",
    "urgent_flags",
    "leg_symptoms",
    "walking_standing_trigger",
    "sitting_leaning_relief",
    "walking_tolerance",
    "symptom_duration_months",
    "age_years",
    "conservative_care",
    "injections",
    "prior_back_surgery",
)
# Asked only once the outcome offers a consultation; they add notes, never change the outcome.
NOTE_SLOTS = ("imaging_stenosis", "blood_thinners")
SLOTS = OUTCOME_SLOTS + NOTE_SLOTS

YES_NO = ("yes", "no")
YES_NO_UNSURE = ("yes", "no", "unsure")
CARE = ("failed", "helped", "not_tried")
TOLERANCE = ("over_2_miles", "2_blocks_to_2_miles", "50_feet_to_2_blocks", "under_50_feet")

ALLOWED_VALUES: dict[str, tuple] = {
    "red_flags": YES_NO,
    "urgent_flags": YES_NO,
    "leg_symptoms": YES_NO_UNSURE,
    "walking_standing_trigger": YES_NO_UNSURE,
    "sitting_leaning_relief": YES_NO_UNSURE,
    "walking_tolerance": TOLERANCE,
    "conservative_care": CARE,
    "injections": CARE,
    "prior_back_surgery": YES_NO,
    "imaging_stenosis": YES_NO_UNSURE,
    "blood_thinners": YES_NO,
}
DECLINED = "declined"  # age_years: the person would rather not say


@dataclass(frozen=True)
class Bounds:
    """The numbers a numeric answer may take."""

    low: float
    high: float
    unit: str
    step: float
    integer: bool

    def admits(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.integer and not isinstance(value, int):
            return False
        return self.low <= value <= self.high

    def as_input(self) -> dict:
        """For an <input type=number>: unit, min, max, step, integer."""
        return {"unit": self.unit, "min": self.low, "max": self.high, "step": self.step, "integer": self.integer}


BOUNDS: dict[str, Bounds] = {
    "symptom_duration_months": Bounds(0, 1200, "months", 0.5, integer=False),
    "age_years": Bounds(1, 120, "years", 1, integer=True),
}

# --- the questions as a clinician reads them ----------------------------------------------------

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

# Short column headings for tables, CSV and the staff console.
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

_VALUE_LABELS: dict[str, str] = {
    "yes": "Yes",
    "no": "No",
    "unsure": "Not sure",
    "failed": "Tried, not enough relief",
    "helped": "Tried, helping",
    "not_tried": "Not tried",
    "over_2_miles": "More than 2 miles",
    "2_blocks_to_2_miles": "2 blocks to 2 miles",
    "50_feet_to_2_blocks": "50 feet to 2 blocks",
    "under_50_feet": "Less than 50 feet",
}

# slot -> {code: label}, in the spec's value order, for coded slots.
OPTIONS: dict[str, dict[str, str]] = {
    slot: {v: _VALUE_LABELS.get(v, v.replace("_", " ").capitalize()) for v in values}
    for slot, values in ALLOWED_VALUES.items()
}

# slot -> FHIR R4 Questionnaire item type.
ITEM_TYPES: dict[str, str] = {
    **{s: "choice" for s in OPTIONS},
    "symptom_duration_months": "decimal",
    "age_years": "integer",
}


def value_label(slot: str, value: Any) -> str:
    """A value as a reviewer reads it ("Less than 50 feet", "72", "declined", "18 months")."""
    if value is None:
        return ""
    if slot in OPTIONS:
        return OPTIONS[slot].get(str(value), str(value))
    if slot == "symptom_duration_months" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g} months"
    if slot == "age_years" and value == DECLINED:
        return "Declined to say"
    return str(value)


# --- outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    label: str  # a list's column ("Urgent review")
    record_title: str  # the record and the FHIR export
    patient_title: str  # the result card, to the person
    staff_title: str  # the result card, to the agent


OUTCOMES: dict[str, Outcome] = {
    "emergency": Outcome(
        "Emergency",
        "Emergency: sent to the emergency department / 911",
        "Please get emergency care now",
        "EMERGENCY: read the emergency script now",
    ),
    "urgent_review": Outcome(
        "Urgent review",
        "Urgent review: see a doctor within 1-2 days",
        "Please see a doctor within a day or two",
        "Urgent review: caller should see a doctor within 1-2 days",
    ),
    "not_indicated": Outcome(
        "Not indicated",
        "Not indicated: symptoms do not match the MILD pattern",
        "Your symptoms do not match the pattern MILD treats",
        "Not indicated: symptoms do not match the MILD pattern",
    ),
    "conservative_first": Outcome(
        "Conservative care first", "Conservative care first", "Conservative care comes first", "Conservative care first"
    ),
    "recommend_consult": Outcome(
        "Recommend consultation",
        "Recommend a consultation to discuss MILD",
        "A consultation to discuss MILD looks appropriate",
        "Recommend a consultation to discuss MILD",
    ),
    "possible_consult": Outcome(
        "Possible consultation",
        "Possible consultation: spine/pain physician to decide",
        "A spine or pain consultation can help decide",
        "Possible consultation: spine/pain physician to decide",
    ),
}


def outcome_label(outcome: Optional[str]) -> str:
    if not outcome:
        return "No outcome"
    known = OUTCOMES.get(outcome)
    return known.label if known else outcome


# --- the appointment request ------------------------------------------------------------------------

APPOINTMENT_FIELDS: dict[str, str] = {
    "appointment_consent": "Appointment request",
    "contact_name": "Name",
    "contact_phone": "Phone",
    "preferred_office": "Office",
}
APPOINTMENT_SLOTS: tuple[str, ...] = tuple(APPOINTMENT_FIELDS)


# --- the bot's words for each question ---------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """One wording of a question: for `variant` (None: the plain question) and `voice`."""

    slot: str
    variant: Optional[str]
    voice: str  # "patient" or "staff"
    text: str
    buttons: tuple[tuple[str, Mapping[str, Any]], ...]  # (title, answers the button gives)


def asks_for(slot: str, voice: str = "staff", variant: Optional[str] = None) -> Optional[Ask]:
    """The wording of `slot` for this voice and variant, falling back to the patient's."""
    matching = [a for a in ASKS if a.slot == slot and a.variant == variant]
    return next((a for a in matching if a.voice == voice), None) or next(
        (a for a in matching if a.voice == "patient"), None
    )


ASKS = (
    Ask(
        "red_flags",
        None,
        "patient",
        "First, a safety question. Right now, do you have any of these: new loss of bladder or bowel control, "
        'numbness in the groin or inner thighs (the "saddle" area), leg weakness that is quickly getting worse, or '
        "back pain with fever or chills?",
        (("Yes, I have one of these", {"red_flags": "yes"}), ("No, none of these", {"red_flags": "no"})),
    ),
    Ask(
        "red_flags",
        None,
        "staff",
        'Ask: "Right now, do you have new loss of bladder or bowel control, numbness in the groin or inner thighs, '
        'leg weakness that is quickly getting worse, or back pain with fever or chills?"\n'
        "Hint: any one of these, new or getting worse, counts as yes.",
        (("Yes", {"red_flags": "yes"}), ("No", {"red_flags": "no"})),
    ),
    Ask(
        "urgent_flags",
        None,
        "patient",
        "Have you had a recent fall or injury to your back, a history of cancer, or weight loss you can't explain?",
        (("Yes", {"urgent_flags": "yes"}), ("No", {"urgent_flags": "no"})),
    ),
    Ask(
        "urgent_flags",
        None,
        "staff",
        "Ask: \"Have you had a recent fall or injury to your back, a history of cancer, or weight loss you can't "
        'explain?"\n'
        "Hint: any one of the three counts as yes.",
        (("Yes", {"urgent_flags": "yes"}), ("No", {"urgent_flags": "no"})),
    ),
    Ask(
        "leg_symptoms",
        None,
        "patient",
        "Do you have pain, numbness, tingling or heaviness in your buttocks or legs?",
        (("Yes", {"leg_symptoms": "yes"}), ("No", {"leg_symptoms": "no"}), ("Not sure", {"leg_symptoms": "unsure"})),
    ),
    Ask(
        "leg_symptoms",
        None,
        "staff",
        'Ask: "Do you have pain, numbness, tingling or heaviness in your buttocks or legs?"\n'
        "Hint: either leg or both, or the buttocks, counts as yes.",
        (("Yes", {"leg_symptoms": "yes"}), ("No", {"leg_symptoms": "no"}), ("Not sure", {"leg_symptoms": "unsure"})),
    ),
    Ask(
        "leg_symptoms",
        "gate",
        "patient",
        "Do you get pain, numbness, tingling or heaviness in your buttocks or legs when you walk or stand for a while?",
        (
            ("Yes", {"leg_symptoms": "yes", "walking_standing_trigger": "yes"}),
            ("No", {"gate_answer": "no"}),
            ("Not sure", {"gate_answer": "unsure"}),
        ),
    ),
    Ask(
        "leg_symptoms",
        "gate",
        "staff",
        'Ask: "Do you get pain, numbness, tingling or heaviness in your buttocks or legs when you walk or stand for a '
        'while?"\n'
        "Hint: yes if it comes on or gets worse with walking or standing.",
        (
            ("Yes", {"leg_symptoms": "yes", "walking_standing_trigger": "yes"}),
            ("No", {"gate_answer": "no"}),
            ("Not sure", {"gate_answer": "unsure"}),
        ),
    ),
    Ask(
        "leg_symptoms",
        "after_gate_no",
        "patient",
        "Thanks. For the record: do you have pain, numbness or heaviness in your buttocks or legs at all, just not "
        "brought on by walking or standing?",
        (
            ("Yes, but not with walking or standing", {"leg_symptoms": "yes", "walking_standing_trigger": "no"}),
            ("No leg or buttock symptoms", {"leg_symptoms": "no"}),
        ),
    ),
    Ask(
        "leg_symptoms",
        "after_gate_no",
        "staff",
        'Ask: "Do you have any pain, numbness or heaviness in your buttocks or legs at all?"\n'
        "Hint: for the record only; the result is already settled.",
        (
            ("Yes, not with walking/standing", {"leg_symptoms": "yes", "walking_standing_trigger": "no"}),
            ("No leg symptoms", {"leg_symptoms": "no"}),
        ),
    ),
    Ask(
        "walking_standing_trigger",
        None,
        "patient",
        "Do those symptoms come on, or get worse, when you walk or stand for a while?",
        (
            ("Yes", {"walking_standing_trigger": "yes"}),
            ("No", {"walking_standing_trigger": "no"}),
            ("Not sure", {"walking_standing_trigger": "unsure"}),
        ),
    ),
    Ask(
        "walking_standing_trigger",
        None,
        "staff",
        'Ask: "Do those symptoms come on, or get worse, when you walk or stand for a while?"\n'
        "Hint: yes if walking or standing brings them on.",
        (
            ("Yes", {"walking_standing_trigger": "yes"}),
            ("No", {"walking_standing_trigger": "no"}),
            ("Not sure", {"walking_standing_trigger": "unsure"}),
        ),
    ),
    Ask(
        "sitting_leaning_relief",
        None,
        "patient",
        "Do the symptoms ease when you sit down or bend or lean forward, for example on a shopping cart?",
        (
            ("Yes", {"sitting_leaning_relief": "yes"}),
            ("No", {"sitting_leaning_relief": "no"}),
            ("Not sure", {"sitting_leaning_relief": "unsure"}),
        ),
    ),
    Ask(
        "sitting_leaning_relief",
        None,
        "staff",
        'Ask: "Do the symptoms ease when you sit down or lean forward, for example on a shopping cart?"\n'
        "Hint: yes if sitting or leaning forward brings relief.",
        (
            ("Yes", {"sitting_leaning_relief": "yes"}),
            ("No", {"sitting_leaning_relief": "no"}),
            ("Not sure", {"sitting_leaning_relief": "unsure"}),
        ),
    ),
    Ask(
        "walking_tolerance",
        None,
        "patient",
        "How far can you walk before you have to stop or sit down?",
        (
            ("Less than 50 feet", {"walking_tolerance": "under_50_feet"}),
            ("50 feet to 2 blocks", {"walking_tolerance": "50_feet_to_2_blocks"}),
            ("2 blocks to 2 miles", {"walking_tolerance": "2_blocks_to_2_miles"}),
            ("More than 2 miles", {"walking_tolerance": "over_2_miles"}),
        ),
    ),
    Ask(
        "walking_tolerance",
        None,
        "staff",
        'Ask: "How far can you walk before you have to stop?"\n'
        "Hint: a city block is about 250 feet; 5 minutes of walking is about a block.",
        (
            ("Under 50 ft", {"walking_tolerance": "under_50_feet"}),
            ("50 ft - 2 blocks", {"walking_tolerance": "50_feet_to_2_blocks"}),
            ("2 blocks - 2 miles", {"walking_tolerance": "2_blocks_to_2_miles"}),
            ("Over 2 miles", {"walking_tolerance": "over_2_miles"}),
        ),
    ),
    Ask(
        "symptom_duration_months",
        None,
        "patient",
        "How long have you had these symptoms?",
        (
            ("Less than 3 months", {"symptom_duration_months": 1.5}),
            ("3 to 12 months", {"symptom_duration_months": 6}),
            ("1 to 2 years", {"symptom_duration_months": 18}),
            ("More than 2 years", {"symptom_duration_months": 36}),
        ),
    ),
    Ask(
        "symptom_duration_months",
        None,
        "staff",
        'Ask: "How long have you had these symptoms?"\n'
        'Hint: type the caller\'s words ("about 2 years") for an exact figure, or pick a range.',
        (
            ("Under 3 months", {"symptom_duration_months": 1.5}),
            ("3-12 months", {"symptom_duration_months": 6}),
            ("1-2 years", {"symptom_duration_months": 18}),
            ("Over 2 years", {"symptom_duration_months": 36}),
        ),
    ),
    Ask(
        "age_years",
        None,
        "patient",
        "How old are you? (You can skip this one.)",
        (("I'd rather not say", {"age_years": "declined"}),),
    ),
    Ask(
        "age_years",
        None,
        "staff",
        'Ask: "How old are you?"\nHint: type the age as a number; the caller may decline.',
        (("Declined", {"age_years": "declined"}),),
    ),
    Ask(
        "conservative_care",
        None,
        "patient",
        "Have you tried physical therapy, exercises or pain medication for these symptoms? How did it go?",
        (
            ("Tried, not enough relief", {"conservative_care": "failed"}),
            ("Tried, it's helping", {"conservative_care": "helped"}),
            ("Haven't tried", {"conservative_care": "not_tried"}),
        ),
    ),
    Ask(
        "conservative_care",
        None,
        "staff",
        'Ask: "Have you tried physical therapy, exercise or pain medication for this, and did it help?"\n'
        'Hint: "failed" means tried and not enough relief.',
        (
            ("Tried, failed", {"conservative_care": "failed"}),
            ("Tried, helping", {"conservative_care": "helped"}),
            ("Not tried", {"conservative_care": "not_tried"}),
        ),
    ),
    Ask(
        "conservative_care",
        "result",
        "patient",
        "Did the physical therapy, exercise or medication give you enough lasting relief?",
        (
            ("No, not enough relief", {"conservative_care": "failed"}),
            ("Yes, it's helping", {"conservative_care": "helped"}),
        ),
    ),
    Ask(
        "conservative_care",
        "result",
        "staff",
        'Ask: "Did that give you enough lasting relief?"',
        (("No (failed)", {"conservative_care": "failed"}), ("Yes (helping)", {"conservative_care": "helped"})),
    ),
    Ask(
        "injections",
        None,
        "patient",
        "Have you had epidural steroid injections or other spinal injections for this? How did they work?",
        (
            ("Had them, not enough relief", {"injections": "failed"}),
            ("Had them, they're helping", {"injections": "helped"}),
            ("Never had them", {"injections": "not_tried"}),
        ),
    ),
    Ask(
        "injections",
        None,
        "staff",
        'Ask: "Have you had epidural steroid injections or other spinal injections for this, and did they help?"\n'
        "Hint: relief that wore off counts as not enough relief.",
        (
            ("Had, failed", {"injections": "failed"}),
            ("Had, helping", {"injections": "helped"}),
            ("Not tried", {"injections": "not_tried"}),
        ),
    ),
    Ask(
        "injections",
        "result",
        "patient",
        "Did the injections give you enough lasting relief?",
        (
            ("No, not enough or it wore off", {"injections": "failed"}),
            ("Yes, they're helping", {"injections": "helped"}),
        ),
    ),
    Ask(
        "injections",
        "result",
        "staff",
        'Ask: "Did the injections give you enough lasting relief?"',
        (("No (failed)", {"injections": "failed"}), ("Yes (helping)", {"injections": "helped"})),
    ),
    Ask(
        "prior_back_surgery",
        None,
        "patient",
        "Have you ever had surgery on your lower back?",
        (("Yes", {"prior_back_surgery": "yes"}), ("No", {"prior_back_surgery": "no"})),
    ),
    Ask(
        "prior_back_surgery",
        None,
        "staff",
        'Ask: "Have you ever had surgery on your lower back?"',
        (("Yes", {"prior_back_surgery": "yes"}), ("No", {"prior_back_surgery": "no"})),
    ),
    Ask(
        "imaging_stenosis",
        None,
        "patient",
        "Has an MRI or CT scan shown spinal stenosis (narrowing of the spinal canal)?",
        (
            ("Yes", {"imaging_stenosis": "yes"}),
            ("No / no scan yet", {"imaging_stenosis": "no"}),
            ("Not sure", {"imaging_stenosis": "unsure"}),
        ),
    ),
    Ask(
        "imaging_stenosis",
        None,
        "staff",
        'Ask: "Has an MRI or CT shown spinal stenosis, a narrowing?"',
        (
            ("Yes", {"imaging_stenosis": "yes"}),
            ("No / none", {"imaging_stenosis": "no"}),
            ("Not sure", {"imaging_stenosis": "unsure"}),
        ),
    ),
    Ask(
        "blood_thinners",
        None,
        "patient",
        "Do you take blood thinners, for example warfarin, apixaban (Eliquis) or clopidogrel (Plavix)?",
        (("Yes", {"blood_thinners": "yes"}), ("No", {"blood_thinners": "no"})),
    ),
    Ask(
        "blood_thinners",
        None,
        "staff",
        'Ask: "Do you take blood thinners, like warfarin, Eliquis or Plavix?"',
        (("Yes", {"blood_thinners": "yes"}), ("No", {"blood_thinners": "no"})),
    ),
)
