"""What the person (or the staff member reading to a caller) is told about an outcome.

Plain Python, no Rasa imports. `result_card()` turns a triage.Decision into the texts shown:
title, summary, reasons, notes, next step and the disclaimer. Two voices: "patient" speaks to
the person ("you"), "staff" speaks to a call-centre agent about the caller.
"""

from __future__ import annotations

from typing import Any, Mapping

from screening import catalogue, clinic, triage

DISCLAIMER = (
    "This screening is not medical advice and does not replace an examination by a doctor. In an emergency, call 911."
)

PHONE_LINE = clinic.PHONE_LINE

TOLERANCE_WORDS = {
    "over_2_miles": "more than 2 miles",
    "2_blocks_to_2_miles": "between 2 blocks and 2 miles",
    "50_feet_to_2_blocks": "between 50 feet and 2 blocks",
    "under_50_feet": "less than 50 feet",
}

TITLES = {outcome: o.patient_title for outcome, o in catalogue.OUTCOMES.items()}

SUMMARIES = {
    triage.EMERGENCY: ("Go to the nearest emergency department or call 911 now. Do not wait for an appointment."),
    triage.URGENT_REVIEW: (
        "Before any spine procedure is considered, please see a doctor within the next day or two "
        f"to rule out other causes. You can call us: {PHONE_LINE}."
    ),
    triage.NOT_INDICATED: (
        "MILD treats leg or buttock symptoms that come on with walking or standing and ease when "
        "you sit or lean forward. Your answers do not match that pattern, so MILD is unlikely to help. "
        "A doctor can look for the cause of your symptoms."
    ),
    triage.CONSERVATIVE_FIRST: (
        "Treatments such as physical therapy, exercise and pain medication are the first step. "
        "Keep going with what works, or try them first. If they stop working, come back and screen again. "
        "A general consultation is also possible."
    ),
    triage.RECOMMEND_CONSULT: (
        "Your answers fit the pattern that MILD treats, and the usual first treatments have not given "
        "you enough relief. A consultation with our physicians to discuss MILD looks appropriate. "
        "Only the doctor can decide whether the procedure is right for you."
    ),
    triage.POSSIBLE_CONSULT: (
        "Some of your answers fit the pattern that MILD treats. A spine or pain consultation can decide "
        "what is causing your symptoms; MILD may or may not be an option."
    ),
}

NEXT_STEPS = {
    triage.EMERGENCY: "Call 911 or go to the nearest emergency department now.",
    triage.URGENT_REVIEW: f"See your doctor within a day or two, or call us: {PHONE_LINE}.",
    triage.NOT_INDICATED: (f"Talk to your primary care doctor about these symptoms. Questions? Call {PHONE_LINE}."),
    triage.CONSERVATIVE_FIRST: (
        f"I can request an appointment for a general consultation, or you can call {PHONE_LINE}."
    ),
    triage.RECOMMEND_CONSULT: f"I can request a consultation appointment for you, or you can call {PHONE_LINE}.",
    triage.POSSIBLE_CONSULT: f"I can request a consultation appointment for you, or you can call {PHONE_LINE}.",
}


def months_phrase(value: Any) -> str | None:
    """A duration in months as people say it: "about 2 weeks", "about 8 months",
    "about 7 and a half years"; None if it is not a number."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        return None
    if value < 1:
        days = round(value * 30)
        if days >= 7:
            weeks = round(days / 7)
            return "about a week" if weeks == 1 else f"about {weeks} weeks"
        return {0: "less than a day", 1: "about a day"}.get(days, f"about {days} days")
    if value == 1:
        return "about a month"
    if value == 12:
        return "about a year"
    if value >= 24:
        half_years = round(value / 6)
        years, half = divmod(half_years, 2)
        return f"about {years} and a half years" if half else f"about {years} years"
    if value >= 3 and value * 2 != int(value * 2):
        value = round(value)  # "about 11 months", not "about 11.2 months"
    return f"about {value:g} months"


def _months(value: Any) -> str:
    return months_phrase(value) or "an unknown time"


REASONS = {
    "red_flags": "You reported a warning sign (bladder or bowel control, numbness in the groin or "
    "inner thighs, quickly worsening leg weakness, or back pain with fever or chills) "
    "that needs emergency care.",
    "urgent_flags": "You mentioned a recent fall or injury, a history of cancer, or unexplained weight loss. "
    "A doctor should check this before any spine procedure.",
    "gate_no": "You do not get leg or buttock symptoms when you walk or stand.",
    "no_leg_symptoms": "You do not have pain, numbness or heaviness in your buttocks or legs.",
    "no_walking_standing_trigger": "Your leg symptoms do not come on with walking or standing.",
    "no_sitting_relief": "Your symptoms do not ease when you sit or lean forward. When they don't, other "
    "causes, such as circulation problems, should be checked.",
    "walks_over_2_miles": "You can walk more than 2 miles, so the problem is milder than what MILD is for.",
    "short_duration": "Your symptoms started {duration} ago; MILD is considered after at least 3 months.",
    "conservative_care_not_tried": "You have not yet tried physical therapy, exercise or pain medication.",
    "conservative_care_helped": "Physical therapy, exercise or medication is helping you.",
    "leg_symptoms_present": "You have pain, numbness or heaviness in your buttocks or legs.",
    "walking_standing_trigger": "It comes on when you walk or stand for a while.",
    "sitting_leaning_relief": "It eases when you sit down or lean forward.",
    "walking_limited": "You can walk {tolerance} before you have to stop.",
    "long_duration": "You have had these symptoms for {duration}.",
    "conservative_care_failed": "Physical therapy, exercise or pain medication did not give you enough relief.",
    "injections_failed": "Spinal injections did not give you enough relief.",
    "injections_not_tried": "You have not had spinal (epidural) injections yet; they are usually tried before MILD.",
    "injections_helped": "Spinal injections are helping you.",
    "leg_symptoms_unsure": "You were not sure about leg or buttock symptoms.",
    "walking_standing_trigger_unsure": "You were not sure whether walking or standing brings the symptoms on.",
    "sitting_leaning_relief_unsure": "You were not sure whether sitting or leaning forward helps.",
    "prior_back_surgery": "You have had surgery on your lower back before.",
    "age_under_50": "You are under 50; MILD has mostly been studied in people 50 and older.",
}

NOTES = {
    "blood_thinners": "You take a blood thinner. The doctor will tell you whether and when to pause it "
    "before a procedure. Never stop it on your own.",
    "no_imaging": "The consultation will need an MRI or CT scan of your lower back if you have not had one.",
    "medicare": "Medicare covers MILD only through approved studies; our office will check your coverage.",
}

# Staff voice: the same facts, phrased for an agent about the caller.
STAFF_TITLES = {outcome: o.staff_title for outcome, o in catalogue.OUTCOMES.items()}
STAFF_NEXT_STEPS = {
    triage.CONSERVATIVE_FIRST: (
        f"Offer an appointment request for a general consultation, or give the numbers: {PHONE_LINE}."
    ),
    triage.RECOMMEND_CONSULT: f"Offer an appointment request for a consultation, or give the numbers: {PHONE_LINE}.",
    triage.POSSIBLE_CONSULT: f"Offer an appointment request for a consultation, or give the numbers: {PHONE_LINE}.",
}
STAFF_SCRIPT = {
    triage.EMERGENCY: 'Read: "Please hang up and call 911, or go to the nearest emergency department now."',
}


def reason_text(code: str, answers: Mapping[str, Any] | None = None) -> str:
    answers = answers or {}
    template = REASONS.get(code, code)
    tolerance = answers.get("walking_tolerance")
    return template.format(
        duration=_months(answers.get("symptom_duration_months")),
        tolerance=TOLERANCE_WORDS.get(tolerance, "a limited distance")
        if isinstance(tolerance, str)
        else "a limited distance",
    )


def summary(outcome: str, voice: str = "patient") -> str:
    """The outcome's summary; for staff, with the script to read first (the emergency script)."""
    if voice == "staff" and outcome in STAFF_SCRIPT:
        return STAFF_SCRIPT[outcome] + " " + SUMMARIES[outcome]
    return SUMMARIES[outcome]


def result_card(decision: triage.Decision, answers: Mapping[str, Any], voice: str = "patient") -> dict:
    """The outcome as shown to the person: a dict matching docs/contracts.md's result card."""
    outcome = decision.outcome
    if outcome is None:
        raise ValueError("no outcome yet")
    staff = voice == "staff"
    reasons = [reason_text(r.code, answers=answers) for r in decision.reasons]
    notes = [NOTES[n.code] for n in decision.notes]
    summary_text = summary(outcome, voice)
    return {
        "type": "result_card",
        "outcome": outcome,
        "title": STAFF_TITLES[outcome] if staff else TITLES[outcome],
        "summary": summary_text,
        "reasons": reasons,
        "notes": notes,
        "next_step": STAFF_NEXT_STEPS.get(outcome, NEXT_STEPS[outcome]) if staff else NEXT_STEPS[outcome],
        "disclaimer": DISCLAIMER,
        "phones": clinic.office_dicts(),
        "rules_version": decision.rules_version,
    }


def result_text(card: Mapping[str, Any]) -> str:
    """The card as plain text, for channels without rich messages (paragraphs split on blank lines)."""
    parts = [f"Result: {card['title']}.", card["summary"]]
    if card["reasons"]:
        parts.append("Why: " + " ".join(card["reasons"]))
    if card["notes"]:
        parts.append("Please note: " + " ".join(card["notes"]))
    parts.append("Next step: " + card["next_step"])
    parts.append(card["disclaimer"])
    return "\n\n".join(parts)


# --- the read-back: each answer as a sentence staff read to the caller to confirm ----------------
# ("You can walk ..."). Unknown values fall back to "<label>: <value>".

_READBACK_CARE = {
    "conservative_care": "physical therapy, exercise or pain medication",
    "injections": "spinal (epidural) injections",
}

READBACK_SENTENCES: dict[str, dict[str, str]] = {
    "red_flags": {
        "no": "Right now you have none of the emergency warning signs I asked about.",
        "yes": "You have one of the emergency warning signs I asked about.",
    },
    "urgent_flags": {
        "no": "No recent fall or back injury, no history of cancer, and no weight loss you can't explain.",
        "yes": "You have had a recent fall or back injury, a history of cancer, or weight loss you can't explain.",
    },
    "leg_symptoms": {
        "yes": "You have pain, numbness, tingling or heaviness in your buttocks or legs.",
        "no": "You don't have pain, numbness or heaviness in your buttocks or legs.",
        "unsure": "You're not sure about pain, numbness or heaviness in your buttocks or legs.",
    },
    "walking_standing_trigger": {
        "yes": "It comes on or gets worse when you walk or stand for a while.",
        "no": "It does not come on with walking or standing.",
        "unsure": "You're not sure whether walking or standing brings it on.",
    },
    "sitting_leaning_relief": {
        "yes": "It eases when you sit down or lean forward.",
        "no": "It does not ease when you sit down or lean forward.",
        "unsure": "You're not sure whether sitting or leaning forward helps.",
    },
    "prior_back_surgery": {
        "yes": "You have had surgery on your lower back.",
        "no": "You have never had surgery on your lower back.",
    },
    "imaging_stenosis": {
        "yes": "An MRI or CT scan has shown spinal stenosis.",
        "no": "No scan has shown spinal stenosis, or you haven't had one.",
        "unsure": "You're not sure whether a scan has shown spinal stenosis.",
    },
    "blood_thinners": {
        "yes": "You take a blood thinner.",
        "no": "You don't take blood thinners.",
    },
}


def readback_sentence(slot: str, value: Any) -> str:
    """One answer as a sentence to read to the caller."""
    if value is None:
        return ""
    fixed = READBACK_SENTENCES.get(slot, {}).get(str(value))
    if fixed:
        return fixed
    if slot == "walking_tolerance" and value in TOLERANCE_WORDS:
        return f"You can walk {TOLERANCE_WORDS[value]} before you have to stop."
    if slot == "symptom_duration_months" and months_phrase(value):
        return f"You have had these symptoms for {months_phrase(value)}."
    if slot == "age_years":
        if value == "declined":
            return "You'd rather not give your age."
        return f"You are {value} years old."
    if slot in _READBACK_CARE:
        what = _READBACK_CARE[slot]
        if value == "failed":
            return f"You have tried {what}, and it did not give you enough relief."
        if value == "helped":
            return f"You have tried {what}, and it is helping."
        if value == "not_tried":
            return f"You have not tried {what}."
    return f"{catalogue.SHORT.get(slot, slot)}: {catalogue.value_label(slot, value)}."


# --- the bot's replies that name the clinic's offices or numbers ------------------------------------
# domain.yml's copies are written from these by `make domain` (scripts/write_domain.py).
# Each reply is a list of variations: {"text": ..., optional "channel" and "buttons" (title, answers)}.


def _office_buttons() -> list:
    return [(name, {"preferred_office": name}) for name in clinic.OFFICE_NAMES]


_OFFICE_CHOICE = " or ".join(clinic.OFFICE_NAMES)

CLINIC_REPLIES: dict[str, list[dict]] = {
    "utter_iamabot": [
        {"text": f"I'm an automated assistant for the clinic, not a person. To speak with someone, call {PHONE_LINE}."},
    ],
    "utter_handoff": [
        {"text": f"You can talk to someone at our offices: {PHONE_LINE}."},
        {"channel": "staff", "text": f"Offer the caller a transfer to the office: {clinic.PHONE_LIST}."},
    ],
    "utter_not_understood_again": [
        {
            "text": "I'm still not sure I understood. Tap one of the buttons below, ask me about the procedure, "
            f"or call {PHONE_LINE} to talk to a person."
        },
        {"channel": "staff", "text": "Still not recognised: use the answer buttons."},
    ],
    "utter_faq_offices": [
        {
            "text": "We have "
            + {1: "one office", 2: "two offices"}.get(len(clinic.OFFICES), f"{len(clinic.OFFICES)} offices")
            + ": "
            + ", and ".join(f"{o.name}, {o.display}" for o in clinic.OFFICES)
            + ". At the end of this screening I can also send an appointment request for you."
        },
    ],
    "utter_ask_preferred_office": [
        {"text": "Which office would you prefer?", "buttons": _office_buttons()},
        {
            "channel": "staff",
            "text": f'Ask: "Which office is better for you, {_OFFICE_CHOICE}?"',
            "buttons": _office_buttons(),
        },
    ],
    "utter_appointment_declined": [
        {"text": f"No problem. If you change your mind, call {PHONE_LINE}."},
        {
            "channel": "staff",
            "text": f'No appointment requested. Read: "If you change your mind, call {clinic.SHORT_PHONE_LINE}."',
        },
    ],
    # {office_phone}, {callback_within}, {callback_who}: screening.callback.confirmation_values (the
    # configured promise), passed by action_submit_appointment.
    "utter_appointment_confirmed": [
        {
            "text": "Thank you, {contact_name}. I've sent your request to our {preferred_office} office. Someone from "
            "{callback_who} will call you at {contact_phone} from {office_phone}, within {callback_within}, "
            f"to arrange a consultation. You can also call {PHONE_LINE}."
        },
        {
            "channel": "staff",
            "text": 'Read back: "{contact_name}, someone from {callback_who} at the {preferred_office} office '
            'will call you at {contact_phone} from {office_phone}, within {callback_within}." '
            "Appointment request recorded.",
        },
    ],
}
