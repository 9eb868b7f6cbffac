"""Stage 4, readings: questionnaire answers (spec slot -> spec value) from a processed doc.

Each reader (`read_*` in mild_nlp/kinds/<kind>.py) looks at the spans of one topic and
returns the value the message settles, or None; `READERS` lists them in slot order, and
treatments are read by mild_nlp.kinds.treatments.
Statements count wherever they occur ("sitting helps" fills
sitting_leaning_relief in any turn); bare answers ("72", "maybe a block",
"yes, didn't help") count only for the question being asked (`requested_slot`).
Facts inside questions ("do I need to stop Eliquis?") are ignored.
"""

from spacy.tokens import Doc

from mild_nlp.kinds import age, duration, flags, history, symptoms, walking
from mild_nlp.kinds.treatments import treatment_answers
from mild_nlp.message import ParsedMessage


def read_answers(doc: Doc, requested_slot: str | None, reply: str | None, interjection: str | None = None) -> dict:
    """All slots this message settles.

    reply: the message's reply polarity; interjection: the polarity of a leading
    one-word answer ("no, but I had epidurals"), if any.
    """
    message = ParsedMessage(doc, requested_slot, reply, interjection)
    answers = {}
    for slot, reader in READERS.items():
        value = reader(message)
        if value is not None:
            answers[slot] = value
    answers.update(treatment_answers(message))
    return answers


READERS = {
    "red_flags": flags.read_red_flags,
    "urgent_flags": flags.read_urgent_flags,
    "leg_symptoms": symptoms.read_leg_symptoms,
    "walking_standing_trigger": symptoms.read_walking_standing_trigger,
    "sitting_leaning_relief": symptoms.read_sitting_leaning_relief,
    "walking_tolerance": walking.read_walking_tolerance,
    "symptom_duration_months": duration.read_symptom_duration,
    "age_years": age.read_age,
    "prior_back_surgery": history.read_prior_back_surgery,
    "imaging_stenosis": history.read_imaging_stenosis,
    "blood_thinners": history.read_blood_thinners,
}
