"""Symptom duration (`symptom_duration_months`): how long the person has had the symptoms.

- word lists: month, season, weekday and holiday names for onsets; what makes a duration one
  of the symptoms (not of a treatment, a job, a remission);
- patterns: durations ("2 years", "a year or two") as `duration` entities and onsets
  ("since 2019", "started last summer") as `onset` cues;
- context checks: "twice a day", "3 days a week" are no durations; an onset's number is a year;
- reading: months (mild_nlp.normalize.duration_to_months; onsets by months_since until today).
"""

from spacy.tokens import Span

from mild_nlp import clock
from mild_nlp import lexicon as lx
from mild_nlp.message import ParsedMessage, clause_words, corrects
from mild_nlp.normalize import MONTHS, SEASONS, WEEKDAYS, duration_to_months, months_since
from mild_nlp.segments import clauses, containing, word_at

# --- word lists ----------------------------------------------------------------------

MONTH_WORDS = frozenset(MONTHS)
SEASON_WORDS = frozenset(SEASONS)
WEEKDAY_WORDS = frozenset(WEEKDAYS)
HOLIDAY_WORDS = frozenset(["christmas", "xmas", "thanksgiving"])
FREQUENCY_WORDS = frozenset("a an per each every".split())
NOT_DURATION_BEFORE = frozenset("times time twice once per every in within next".split())
ONSET_YEARS = (1920, 2100)
MODAL_FOLLOWERS = frozenset("be been have has not n't i it you we they help".split())
OTHER_TOPICS = frozenset(
    ["treatment", "back_surgery", "surgery", "blood_thinner", "imaging", "stenosis", "urgent_flag", "red_flag"]
)
SYMPTOM_START_WORDS = lx.LEG_SYMPTOMS | frozenset(
    "started start began begin first noticed symptoms symptom problems problem it this".split()
)
OUTCOME_CUES = frozenset(["tx_helped", "tx_failed"])
YEAR_WORDS = frozenset(["years", "year", "yrs", "yr"])
DURATION_CONTEXT = SYMPTOM_START_WORDS | frozenset("for since ago been had past last".split())
ONSET_CONTEXT = lx.LEG_SYMPTOMS | frozenset("symptoms symptom problem problems trouble it this they them".split())
TREATMENT_SLOT_NAMES = frozenset(["conservative_care", "injections"])
LIFE_EVENTS = frozenset("worked work job career carrier married lived retired employed served army navy".split())
NOT_SYMPTOM_CONTEXT = frozenset("infection antibiotics flu clear remission pregnant pregnancy".split())

SETS = {
    "MONTH": MONTH_WORDS,
    "SEASON": SEASON_WORDS,
    "WEEKDAY": WEEKDAY_WORDS,
    "HOLIDAY": HOLIDAY_WORDS,
}


# --- patterns ------------------------------------------------------------------------

DURATIONS = [
    ("duration", "#NUM @DUR_UNIT"),
    ("duration", "#NUM @DUR_UNIT and a|one half"),
    ("duration", "#NUM @DUR_UNIT or|to|- #NUM"),
]

# When something started: "since 2019", "began last summer" (read by normalize.months_since).
ONSET_ANCHORS = [
    "since|sence|sinse|sense about|around|roughly|approximately?",  # dictation's "sense september"
    "started|start|starts|began|begin|begins|begun|starting|beginning back? in|around|about|during|over|at|on|from?",
    "noticed|noticing it|them|this|symptoms? first? in|around|during|over|on|at?",
]
ONSET_TIMES = [
    "#NUM",  # a year: check_onset below keeps only 1920..2100
    "@MONTH",
    "@MONTH #NUM",
    "@MONTH of #NUM",
    "the? @MONTH|@SEASON of last|this year",
    "last|this|early|late|mid @MONTH",
    "the? @SEASON",
    "last|this @SEASON",
    "the? @SEASON of #NUM",
    "@SEASON #NUM",
    "last|this week|month|year|weekend",
    "the weekend",
    "this morning|afternoon|evening",
    "last night",
    "yesterday|today|tonight",
    "@HOLIDAY",
    "last @HOLIDAY",
    "@HOLIDAY #NUM",
    "last? @WEEKDAY",
]
ONSETS = [f"{anchor} {time}" for anchor in ONSET_ANCHORS for time in ONSET_TIMES]


# --- context checks ------------------------------------------------------------------


MAX_GLUED_YEARS = 18  # "74y" in a staff note is an age, "2y" a duration


def check_duration(span: Span) -> bool:
    """Keep a `duration` match unless it is an age ("72 years old") or a frequency ("3 days a week")."""
    after = (word_at(span, 0), word_at(span, 1))
    if after[0] == "old" or after == ("-", "old") or after == ("of", "age"):
        return False
    if span[-1].lower_ == "y" and (
        after[0] in ("/", "o", "old") or not span[0].text.isdigit() or int(span[0].text) >= MAX_GLUED_YEARS
    ):
        return False  # "83 y/o", "pt 74y F" are ages; "2y" in staff notes is two years
    if after[0] in FREQUENCY_WORDS and after[1] in lx.DURATION_UNIT_WORDS:
        return False  # "3 days a week" is a frequency
    before = word_at(span, -1)
    if before.endswith("x") and before[:-1].isdigit():
        return False  # "3x a week"
    if before in lx.DISTANCE_UNIT_WORDS | lx.TIME_UNIT_WORDS:
        return False  # "2 miles a day", "20 minutes a day" is a frequency
    return before not in NOT_DURATION_BEFORE and before not in lx.DURATION_UNIT_WORDS


def check_onset(span: Span) -> bool:
    """Numbers in "since 2019" are years ("started 2 weeks ago" is a duration, not an onset)."""
    if span[-1].lower_ == "may" and word_at(span, 0) in MODAL_FOLLOWERS:
        return False  # "noticed it may have been..." is not the month
    numbers = [t.text for t in span if t._.num_start or t._.num_in]
    return all(n.isdigit() and ONSET_YEARS[0] <= int(n) <= ONSET_YEARS[1] for n in numbers)


# --- reading -------------------------------------------------------------------------


def reads_as_age(span: Span) -> bool:
    """ "72 years" answering the age question (not "for 2 years", "2 years ago")."""
    clause = {t.lower_ for t in containing(clauses(span.doc), span)}
    return span[-1].lower_ in YEAR_WORDS and not clause & DURATION_CONTEXT


def read_symptom_duration(m: ParsedMessage):
    """symptom_duration_months: the symptoms' duration (the legs' first), else an onset until today."""
    spans = [s for s in m.stated("duration") if not s._.negated]
    if m.requested_slot == "age_years":
        spans = [s for s in spans if not reads_as_age(s)]
    about_symptoms = [s for s in spans if _is_symptom_duration(m, s)]
    if len(about_symptoms) > 1 and corrects(m):
        about_symptoms.reverse()  # "earlier I said six months but it's been two years"
    if about_symptoms:
        # "back pain for 20 years but the leg pain only started 4 months ago": the legs' duration
        about_legs = [s for s in about_symptoms if clause_words(m, s) & lx.LEG_WORDS]
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
        # "since April my legs burn"; "Since October 2024 I get this heavy, dead-leg feeling in both legs"
        if requested or clause_words(m, span) & ONSET_CONTEXT or m.words_near(span) & lx.LEG_WORDS:
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
        if _given_by_a_treatment(span):
            return False
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


GIVE_WORDS = frozenset("give gives gave giving given get gets got getting buy buys bought".split())
GIVEN_TO = frozenset("me him her them us you".split())


def _given_by_a_treatment(span: Span) -> bool:
    """ "the epidurals used to give him a couple of months", "got 3 months out of it"."""
    before = [word_at(span, -k) for k in (1, 2)]
    return before[0] in GIVE_WORDS or (before[0] in GIVEN_TO and before[1] in GIVE_WORDS)


def _followed_by(m: ParsedMessage, span: Span, word: str) -> bool:
    return span.end < len(m.doc) and m.doc[span.end].lower_ == word
