"""What the assistant says when it asks back (screening.checks): plain Python, no Rasa.

`check_question(check, voice)` is the whole question: the person's words quoted, then one
targeted yes/no question. The staff voice gives the agent a line to read to the caller.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from screening import checks, wording
from screening.wording import PHONE_LINE

# Targeted red-flag questions: the kind of warning sign the words are about.
RED_TOPICS = (
    (
        "saddle",
        r"numb|tingl|pins|feel(?:ing)? (?:anything|nothing)|wipe|toilet paper|groin|crotch|"
        r"inner thigh|saddle|bottom|buttock|butt|seat|down there|private|genital|rectal|anus",
        "Is it new numbness or tingling around your groin, buttocks or inner thighs, the parts that "
        "would touch a saddle?",
    ),
    (
        "continence",
        r"bladder|bowel|pee|urin|wet|leak|accident|soil|pants|toilet|hold (?:it|my)|"
        r"incontinen|retention|poop|stool|diaper|pad",
        "Is it new trouble controlling your bladder or bowels, such as leaking, accidents or not being "
        "able to pass urine?",
    ),
    (
        "weakness",
        r"weak|drop|drag|flop|give(?:s)? (?:out|way)|giving (?:out|way)|buckl|trip|can.?t lift|"
        r"collaps|fall(?:ing)? down",
        "Is a leg or foot getting weaker quickly, from one day to the next?",
    ),
    (
        "fever",
        r"fever|chill|sweat|temperature|burning up|hot|shiver|rigor|febrile",
        "Do you have a fever or chills together with your back pain right now?",
    ),
)
RED_GENERIC = (
    "Is this happening now: new loss of bladder or bowel control, numbness in the groin or "
    "inner thighs, leg weakness that is quickly getting worse, or back pain with fever or chills?"
)
URGENT_TOPICS = (
    (
        "injury",
        r"fell|fall|slip|trip|accident|crash|injur|hurt|lift|hit|knock",
        "Was it a fall or an injury to your back in the last few weeks?",
    ),
    (
        "cancer",
        r"cancer|tumou?r|chemo|radiation|oncolog|malignan|lymphoma|leukemia|melanoma|mets|ca\b",
        "Have you ever been told you have or had cancer?",
    ),
    ("weight", r"weight|lbs|pounds|kilos|thin|clothes|skinny|appetite", "Have you lost weight without trying to?"),
)
URGENT_GENERIC = (
    "Was this a recent fall or injury to your back, a cancer diagnosis at any time, or weight loss you can't explain?"
)
SAFETY_ADVICE = (
    "If you can't tell, please don't wait: new numbness between the legs, new bladder or bowel "
    "trouble, fast-worsening leg weakness, or back pain with fever can need emergency care. "
    "Call 911 or go to the nearest emergency department if any of these is happening. "
)
CLARIFY = {
    "red_flags": SAFETY_ADVICE + "Is any of these happening to you now? Please answer yes or no.",
    "urgent_flags": "A yes or no is enough: in the last few weeks, did you fall or hurt your back? Have you "
    "ever had cancer? Or lost weight without trying? If any of these is true, answer yes.",
    "prior_back_surgery": "Has a surgeon ever operated on your lower back, for example a laminectomy, "
    "discectomy or fusion? Injections don't count. Yes or no?",
    "blood_thinners": "Blood thinners include warfarin (Coumadin), apixaban (Eliquis), rivaroxaban (Xarelto) "
    "and clopidogrel (Plavix). Do you take any of these, or another blood thinner?",
}


def _topic(words: str, topics, generic: str) -> str:
    text = (words or "").lower()
    for _name, pattern, question in topics:
        if re.search(pattern, text):
            return question
    return generic


def statement(slot: str, value: Any) -> str:
    """The answer as a short statement ("you can walk about 2 blocks ..."): the staff read-back's
    sentence (wording.readback_sentence), as a clause inside a question."""
    sentence = wording.readback_sentence(slot, value).rstrip(".")
    return sentence[:1].lower() + sentence[1:]


def check_question(check: Mapping[str, Any], voice: str = "patient", variant: Optional[str] = None) -> str:
    """The question for a pending check, quoting the person's words."""
    kind, slot, words = check["kind"], check["slot"], check.get("words") or ""
    quoted = f"“{words}”"
    if kind == checks.FLAG:
        red = check.get("flag_kind") == "red"
        question = _topic(words, RED_TOPICS, RED_GENERIC) if red else _topic(words, URGENT_TOPICS, URGENT_GENERIC)
        if variant == checks.FLAG_UNSURE_VARIANT:
            question = (SAFETY_ADVICE if red else "") + question + " Please answer yes or no."
        text = f"Before we go on: you wrote {quoted}. {question}"
    elif kind == checks.CLARIFY:
        text = CLARIFY[slot]
    elif kind == checks.ASK_BACK:
        text = f"You wrote {quoted}. So {statement(slot, check.get('value'))}, is that about right?"
    else:
        text = (
            f"Just to be sure before I give you the result: you wrote {quoted}, which I read as: "
            f"{statement(slot, check.get('value'))}. Is that right?"
        )
    if voice == "staff":
        return (
            "Confirm with the caller: "
            + text.replace("you wrote", "the caller said")
            + "\nHint: read it back; yes keeps the answer, no asks the question again."
        )
    return text


def safety_line() -> str:
    return f"If in doubt, call 911 in an emergency, or the clinic: {PHONE_LINE}."
