"""Questionnaire answers (spec slot -> spec value) from a processed doc.

Each `_slot_*` reader looks at the spans of one topic and returns the value the
message settles, or None; treatments are read by mild_nlp.treatments.
Statements count wherever they occur ("sitting helps" fills
sitting_leaning_relief in any turn); bare answers ("72", "maybe a block",
"yes, didn't help") count only for the question being asked (`requested_slot`).
Facts inside questions ("do I need to stop Eliquis?") are ignored.
"""

from spacy.tokens import Doc, Span

from mild_nlp import clock
from mild_nlp import lexicon as lx
from mild_nlp.context_checks import NOT_AGE_AFTER
from mild_nlp.kinds import walking
from mild_nlp.kinds.replies import DECLINED, NO, YES
from mild_nlp.message import ParsedMessage, clause_words, corrects, unsure_before
from mild_nlp.normalize import duration_to_months, months_since, parse_age
from mild_nlp.segments import clauses, containing, contains_phrase, overlaps
from mild_nlp.treatments import treatment_answers

OTHER_TOPICS = frozenset(
    ["treatment", "back_surgery", "surgery", "blood_thinner", "imaging", "stenosis", "urgent_flag", "red_flag"]
)
SYMPTOM_START_WORDS = lx.LEG_SYMPTOMS | frozenset(
    "started start began begin first noticed symptoms symptom problems problem it this".split()
)
TRIGGER_CONTEXT = lx.LEG_SYMPTOMS | frozenset("worse worst bad unbearable symptoms it they them this".split())
OUTCOME_CUES = frozenset(["tx_helped", "tx_failed"])
YEAR_WORDS = frozenset(["years", "year", "yrs", "yr"])
DURATION_CONTEXT = SYMPTOM_START_WORDS | frozenset("for since ago been had past last".split())
ONSET_CONTEXT = lx.LEG_SYMPTOMS | frozenset("symptoms symptom problem problems trouble it this they them".split())
LEG_WORDS = lx.LEG_REGIONS | frozenset(["sciatica"])
TREATMENT_SLOT_NAMES = frozenset(["conservative_care", "injections"])
LIFE_EVENTS = frozenset("worked work job career carrier married lived retired employed served army navy".split())
NOT_SYMPTOM_CONTEXT = frozenset("infection antibiotics flu clear remission pregnant pregnancy".split())
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


def _slot_age(m: ParsedMessage):
    ages = [s for s in m.stated("age") if not s._.negated]
    for span in reversed(ages) if corrects(m) else ages:
        age = parse_age(span.text)
        return age - 1 if age is not None and span._.mild_value == "turning" else age
    if m.requested_slot != "age_years":
        return None
    if m.reply == DECLINED:
        return DECLINED
    return _bare_age(m)


def _bare_age(m: ParsedMessage) -> int | None:
    """ "72", "seventy two", "72 years": a lone number answering "How old are you?"."""
    taken = {i for e in m.doc.ents if not (e.label_ == "duration" and _reads_as_age(e)) for i in range(e.start, e.end)}
    candidates = []
    for start, end, _ in m.doc._.mild_numbers:
        following = m.doc[end].lower_ if end < len(m.doc) else ""
        preceding = m.doc[start - 1].lower_ if start else ""
        if start in taken or preceding == "of" or (following in NOT_AGE_AFTER and following not in YEAR_WORDS):
            continue
        age = parse_age(m.doc[start:end].text)
        if age is not None:  # "72, and I had a laminectomy in 2015"
            candidates.append(age)
    if len(candidates) > 1 and corrects(m):
        return candidates[-1]  # "58... no wait, 59"
    return candidates[0] if len(candidates) == 1 else None


def _reads_as_age(span: Span) -> bool:
    """ "72 years" answering the age question (not "for 2 years", "2 years ago")."""
    clause = {t.lower_ for t in containing(clauses(span.doc), span)}
    return span[-1].lower_ in YEAR_WORDS and not clause & DURATION_CONTEXT


def _slot_duration(m: ParsedMessage):
    spans = [s for s in m.stated("duration") if not s._.negated]
    if m.requested_slot == "age_years":
        spans = [s for s in spans if not _reads_as_age(s)]
    about_symptoms = [s for s in spans if _is_symptom_duration(m, s)]
    if len(about_symptoms) > 1 and corrects(m):
        about_symptoms.reverse()  # "earlier I said six months but it's been two years"
    if about_symptoms:
        # "back pain for 20 years but the leg pain only started 4 months ago": the legs' duration
        about_legs = [s for s in about_symptoms if clause_words(m, s) & LEG_WORDS]
        return duration_to_months((about_legs or about_symptoms)[0].text)
    if m.requested_slot == "symptom_duration_months" and spans:
        return duration_to_months(spans[0].text)
    return _onset_months(m)


def _onset_months(m: ParsedMessage) -> float | None:
    """ "since 2019", "it started last summer": months from then until today.

    Outside the duration question the clause must be about the symptoms ("my legs
    have hurt since March"), so "I've lived here since 2019" is not an answer.
    """
    requested = m.requested_slot == "symptom_duration_months"
    for span in m.stated("onset"):
        if span._.negated or not _is_symptom_duration(m, span):
            continue
        if requested or clause_words(m, span) & ONSET_CONTEXT:
            months = months_since(span.text, clock.today())
            if months is not None:
                return months
    return None


def _is_symptom_duration(m: ParsedMessage, span: Span) -> bool:
    """Not the duration of a treatment, its effect, a medication, a fall, ... ("PT for 6 weeks")."""
    clause = containing(clauses(m.doc), span)
    others = [e for e in m.doc.ents if e.label_ in OTHER_TOPICS]
    if any(e.label_ == "treatment" for e in m.doc.ents) or m.requested_slot in TREATMENT_SLOT_NAMES:
        # "it helped for 3 months": the duration of an effect (not "the pain came back 8 months ago")
        others += [c for label in OUTCOME_CUES for c in m.stated(label)]
    if any(clause.start <= e.start < clause.end for e in others):
        return False
    words, near = {t.lower_ for t in clause}, m.words_near(span)
    if words & NOT_SYMPTOM_CONTEXT:
        return False  # "been clear for twenty years"
    if near & {"survivor", "remission"}:
        return False  # "a breast cancer survivor, 15 years now"
    ago = _followed_by(m, span, "ago")
    if ago and near & NOT_SYMPTOM_CONTEXT:
        return False  # "a kidney infection with fever and back pain two years ago"
    if ago or _followed_by(m, span, "back"):
        return bool(words & SYMPTOM_START_WORDS)
    return not words & LIFE_EVENTS  # "I was a mail carrier for 30 years"


def _followed_by(m: ParsedMessage, span: Span, word: str) -> bool:
    return span.end < len(m.doc) and m.doc[span.end].lower_ == word


# --- symptoms pattern ----------------------------------------------------------------


def _slot_legs(m: ParsedMessage):
    symptoms = m.stated("leg_symptom")
    if any(not s._.negated for s in symptoms):
        return YES
    if symptoms or any(not s._.negated for s in m.stated("leg_ok") + m.stated("back_only")):
        return NO
    return None


def _slot_trigger(m: ParsedMessage):
    asked = m.requested_slot in ("leg_symptoms", "walking_standing_trigger")
    legs = [s for s in m.stated("leg_symptom") if not s._.negated]
    triggers = m.stated("trigger")
    denials = m.stated("trigger_neg")
    for span in triggers:
        if span._.negated or any(overlaps(d, span) for d in denials):
            continue  # "walking doesn't make it worse"
        same_sentence_legs = any(m.sentence_of(leg) == m.sentence_of(span) for leg in legs)
        near = m.words_near(span)
        if not asked and not same_sentence_legs and "back" in near and not near & LEG_WORDS:
            continue  # "my lower back aches when I stand": the question is about the legs
        in_context = asked or near & TRIGGER_CONTEXT or same_sentence_legs
        if in_context:
            return YES
    if denials or any(s._.negated for s in triggers):
        return NO
    return None


def _slot_relief(m: ParsedMessage):
    reliefs = m.stated("relief")
    if any(not s._.negated for s in reliefs):
        if any(unsure_before(m, s) for s in reliefs):
            return "unsure"  # "I'm not sure if sitting helps"
        return YES
    if m.stated("relief_neg") or reliefs:
        return NO
    return None


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
    "leg_symptoms": _slot_legs,
    "walking_standing_trigger": _slot_trigger,
    "sitting_leaning_relief": _slot_relief,
    "walking_tolerance": walking.read_walking_tolerance,
    "symptom_duration_months": _slot_duration,
    "age_years": _slot_age,
    "prior_back_surgery": _slot_surgery,
    "imaging_stenosis": _slot_imaging,
    "blood_thinners": _slot_blood_thinners,
}
