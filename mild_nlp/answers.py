"""Questionnaire answers (spec slot -> spec value) from a processed doc.

Each `_slot_*` reader looks at the spans of one topic and returns the value the
message settles, or None; treatments are read by mild_nlp.treatments.
Statements count wherever they occur ("sitting helps" fills
sitting_leaning_relief in any turn); bare answers ("72", "maybe a block",
"yes, didn't help") count only for the question being asked (`requested_slot`).
Facts inside questions ("do I need to stop Eliquis?") are ignored.
"""

from spacy.tokens import Doc, Span

from mild_nlp import lexicon as lx
from mild_nlp.kinds import age, duration, symptoms, walking
from mild_nlp.kinds.replies import NO, YES
from mild_nlp.kinds.treatments import treatment_answers
from mild_nlp.message import ParsedMessage, clause_words, unsure_before
from mild_nlp.segments import clauses, containing, contains_phrase

HEDGED = frozenset("think maybe might probably possibly guess perhaps".split())


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


# --- age, duration, walking ----------------------------------------------------------


# --- symptoms pattern ----------------------------------------------------------------


# --- history -------------------------------------------------------------------------


def _slot_surgery(m: ParsedMessage):
    answer = None
    for span in m.stated("back_surgery") + m.stated("surgery"):
        if m.words_near(span) & lx.SURGERY_PLANS:
            continue
        if span._.negated:
            answer = answer or NO
        elif span.label_ == "back_surgery" or m.requested_slot == "prior_back_surgery":
            return YES
    return answer


def _slot_imaging(m: ParsedMessage):
    answers = set()
    for span in m.stated("stenosis"):
        if _someone_elses(m, span):
            continue  # "my sister has stenosis too"
        if span._.negated:
            answers.add(NO)
        else:
            hedged = m.words_near(span) & HEDGED or unsure_before(m, span)
            answers.add("unsure" if hedged else YES)
    for span in m.stated("imaging"):
        words = m.words_near(span)
        if span._.negated or words & (lx.IMAGING_NORMAL | lx.IMAGING_NOT_YET):
            answers.add(NO)
        elif _has_phrase(m.sentence_of(span), lx.IMAGING_UNKNOWN):
            answers.add("unsure")
    for value in (YES, "unsure", NO):
        if value in answers:
            return value
    return None


def _has_phrase(sentence: Span, phrases) -> bool:
    words = ["n't" if t.norm_ == "not" and t.lower_ != "not" else t.lower_ for t in sentence]
    return contains_phrase(words, phrases)


def _slot_blood_thinners(m: ParsedMessage):
    spans = [s for s in m.stated("blood_thinner") if not _someone_elses(m, s)]
    if any(not s._.negated and not _stopped(m, s) for s in spans):
        return YES
    return NO if spans else None


def _someone_elses(m: ParsedMessage, span: Span) -> bool:
    """ "my husband takes warfarin": a relative's medicine."""
    clause = containing(clauses(m.doc), span)
    return any(t.lower_ in lx.FAMILY_WORDS for t in m.doc[clause.start : span.start])


def _stopped(m: ParsedMessage, span: Span) -> bool:
    """ "I used to be on coumadin but I stopped": not taken now."""
    return bool(m.words_near(span) & {"stopped", "quit", "discontinued", "off"}) or (
        {"used", "to"} <= clause_words(m, span)
    )


def _slot_red_flags(m: ParsedMessage):
    return YES if m.flags.red else None


def _slot_urgent_flags(m: ParsedMessage):
    return YES if m.flags.urgent else None


READERS = {
    "red_flags": _slot_red_flags,
    "urgent_flags": _slot_urgent_flags,
    "leg_symptoms": symptoms.read_leg_symptoms,
    "walking_standing_trigger": symptoms.read_walking_standing_trigger,
    "sitting_leaning_relief": symptoms.read_sitting_leaning_relief,
    "walking_tolerance": walking.read_walking_tolerance,
    "symptom_duration_months": duration.read_symptom_duration,
    "age_years": age.read_age,
    "prior_back_surgery": _slot_surgery,
    "imaging_stenosis": _slot_imaging,
    "blood_thinners": _slot_blood_thinners,
}
