"""The read-back: each answer as a sentence staff read to the caller to confirm ("You can walk ...").

Wording only; the answers come from the tracker. Unknown values fall back to "<label>: <value>".
"""
from __future__ import annotations

from typing import Any

from records.questions import SHORT, value_label
from screening.wording import TOLERANCE_WORDS, months_phrase

_CARE_WORDS = {
    "conservative_care": "physical therapy, exercise or pain medication",
    "injections": "spinal (epidural) injections",
}

SENTENCES: dict[str, dict[str, str]] = {
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


def sentence(slot: str, value: Any) -> str:
    """One answer as a sentence to read to the caller."""
    if value is None:
        return ""
    fixed = SENTENCES.get(slot, {}).get(str(value))
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
    if slot in _CARE_WORDS:
        what = _CARE_WORDS[slot]
        if value == "failed":
            return f"You have tried {what}, and it did not give you enough relief."
        if value == "helped":
            return f"You have tried {what}, and it is helping."
        if value == "not_tried":
            return f"You have not tried {what}."
    return f"{SHORT.get(slot, slot)}: {value_label(slot, value)}."
