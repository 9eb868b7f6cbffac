"""Context checks that drop pattern matches which are not what they look like.

Each check gets the matched span and says whether to keep it, e.g. "twice a
day" is not a duration, "flu shot" is not a spinal injection, "fell asleep"
is not a fall, "my mother had cancer" is not the patient's history.
"""

from collections.abc import Callable

from spacy.tokens import Span

from mild_nlp import clock
from mild_nlp import lexicon as lx
from mild_nlp.kinds import age, duration, history, symptoms, treatments, walking
from mild_nlp.normalize import duration_to_months, months_since
from mild_nlp.segments import clauses, containing, contains_phrase, sentence_words, sentences, word_at

RESOLVED_PHRASES = (
    ("gone",),
    ("went", "away"),
    ("resolved",),
    ("cleared",),
    ("is", "over"),
    ("'s", "over"),
    ("got", "over"),
    ("broke",),
)
MONTHS_LONG_AGO = 12
BODY_TEMPERATURES = (34, 110)  # °C or °F
TIME_WORDS = frozenset(
    "ago last yesterday today week weeks month months year years recently recent kid child "
    "teenager young younger decades".split()
)
LONG_AGO_WORDS = frozenset(["decades", "childhood"])
LONG_AGO_PHRASES = (
    ("long", "ago"),
    ("long", "time", "ago"),
    ("years", "ago"),
    ("years", "back"),
    ("as", "a", "kid"),
    ("as", "a", "child"),
    ("as", "a", "teenager"),
    ("as", "a", "teen"),
    ("when", "i", "was", "young"),
    ("when", "i", "was", "younger"),
    ("when", "i", "was", "a"),
    ("in", "high", "school"),
    ("in", "college"),
    ("in", "my", "twenties"),
    ("in", "my", "20s"),
    ("in", "my", "thirties"),
    ("in", "my", "30s"),
)
NOT_A_FALL_AFTER = frozenset("asleep apart out behind through short".split())
FALL_DETERMINERS = frozenset(["the"])
SLIPPED_DISC = frozenset("disc disk discs disks".split())
WEIGHT_LOSS_PRODUCTS = frozenset("surgery program drug drugs medication shot shots".split())
STRONG_PROGRESSION = lx.PROGRESSION - lx.WEAK_PROGRESSION


def keep(label: str, span: Span) -> bool:
    """Whether a match with this label survives its context check."""
    check = CHECKS.get(label)
    return check(span) if check else True


def old_injury(span: Span) -> bool:
    """An urgent-flag match that is a fall or injury from a year or more ago."""
    return _urgent_flag(span, recent_only=False) and _is_injury(span) and _long_ago(span)


def _is_injury(span: Span) -> bool:
    words = {t.lower_ for t in span}
    return not (
        words & lx.CANCER_WORDS
        or words & {"cancer", "weight", "pounds", "lbs", "lb", "kilos", "kg", "kilograms", "radiation"}
    )


def _urgent_flag(span: Span, recent_only: bool = True) -> bool:
    first = span[0].lower_
    if first in ("fell", "fallen", "falls") or span[-1].lower_ == "fall":
        if word_at(span, 0) in NOT_A_FALL_AFTER:
            return False  # "fell asleep", "fell apart"
        if word_at(span, 0) == "in" and word_at(span, 1) in ("love", "line", "place"):
            return False  # "fell in love"; "fell in the shower", "fell in 2025" are falls
        if first in FALL_DETERMINERS and word_at(span, -1) in lx.SEASON_MARKERS:
            return False
    if first == "slipped" and word_at(span, 0) in SLIPPED_DISC:
        return False
    if first in lx.CANCER_WORDS or span.text.lower() == "history of cancer":
        return _own_cancer(span)
    if "weight" in {t.lower_ for t in span} or span[-1].lower_ in ("pounds", "lbs", "lb", "kilos", "kg", "kilograms"):
        return _unintended_weight_loss(span)
    return not (recent_only and _long_ago(span))  # a fall, injury or accident: only a recent one counts


def _long_ago(span: Span) -> bool:
    """ "I fell 10 years ago", "a car accident in 1998", "hurt my back as a kid": a year or more ago.

    Anything less, or no time at all, stays a recent injury (the safe reading).
    """
    if "again" in sentence_words(span):
        return False  # "I fell in 2015 and again last week"
    words = [t.lower_ for t in containing(clauses(span.doc), span)]
    if not any(w in TIME_WORDS or w.isdigit() for w in words):
        # "I was in a car accident in 1998 and hurt my back": the time is in the sentence
        words = [t.lower_ for t in containing(sentences(span.doc), span)]
    if set(words) & LONG_AGO_WORDS or contains_phrase(words, LONG_AGO_PHRASES):
        return True
    for i, word in enumerate(words):
        if word in ("ago", "back") and i:
            months = next(
                (m for k in range(1, 5) if (m := duration_to_months(" ".join(words[max(0, i - k) : i])))),
                None,
            )
            if months is not None and months >= MONTHS_LONG_AGO:
                return True
        if word.isdigit() and len(word) == 4 and i and words[i - 1] in ("in", "back", "around", "since"):
            months = months_since(word, clock.today())
            if months is not None and months >= MONTHS_LONG_AGO:
                return True
    return False


def _own_cancer(span: Span) -> bool:
    doc = span.doc
    sentence = containing(sentences(doc), span)
    window = doc[max(sentence.start, span.start - 5) : min(sentence.end, span.end + 4)]
    if any(t.lower_ in lx.FAMILY_WORDS for t in window):
        return False
    return word_at(span, 0) not in lx.NOT_A_CANCER_HISTORY


def _unintended_weight_loss(span: Span) -> bool:
    if word_at(span, 0) in WEIGHT_LOSS_PRODUCTS:
        return False
    sentence = containing(sentences(span.doc), span)
    for token in sentence:
        if token.lower_ in lx.INTENTIONAL_WEIGHT_LOSS:
            before = {token.doc[k].norm_ for k in range(max(0, token.i - 2), token.i)}
            if not (token.lower_ in ("trying", "tried") and before & {"without", "not"}):
                return False
    return True


def _red_flag(span: Span) -> bool:
    return (
        _about_the_patient(span)
        and _progression_is_not_walking(span)
        and not _resolved(span)
        and _fever_temperature(span)
    )


def _fever_temperature(span: Span) -> bool:
    """ "running 101.5": a temperature is a fever from 100.4 °F (38 °C); "a temperature of 98.6"
    is not. Only numbers that read as body temperatures count ("a fever for 2 days" stays one)."""
    if not {t.lower_ for t in span} & {"running", "temp", "temperature", "fever"}:
        return True
    after = span.doc[span.end : min(len(span.doc), span.end + 3)]
    temperatures = [
        value
        for t in list(span) + list(after)
        if (value := _number(t.text)) is not None and BODY_TEMPERATURES[0] <= value <= BODY_TEMPERATURES[1]
    ]
    if not temperatures:
        return True
    return any(100.4 <= value <= 108 or 38 <= value <= 42 for value in temperatures)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _resolved(span: Span) -> bool:
    """ "that bladder trouble cleared up long ago", "I had a fever last week but it's gone now"."""
    doc = span.doc
    sentence = containing(sentences(doc), span)
    if contains_phrase([t.lower_ for t in doc[span.end : sentence.end]], RESOLVED_PHRASES):
        return True
    if not {t.lower_ for t in span} & lx.FEVER_WORDS:
        return False  # "I lost control of my bladder two days ago" is when it began
    words = {t.lower_ for t in sentence}
    return "ago" in words and not words & {"still", "now", "since", "ongoing", "again"}


def _about_the_patient(span: Span) -> bool:
    """False for "my husband has bladder problems" (unless "... I ..." follows the relative)."""
    doc = span.doc
    for i in range(span.start - 1, max(-1, span.start - 7), -1):
        word = doc[i].lower_
        if word in lx.FIRST_PERSON or word in lx.CLAUSE_BREAKS:
            return True
        if word in lx.FAMILY_WORDS or (word == "law" and doc[max(0, i - 2)].lower_ == "in"):
            return False  # "my husband", "my brother-in-law"
    return True


def _progression_is_not_walking(span: Span) -> bool:
    """ "my legs feel weak and it gets worse when I walk" is not progression."""
    words = {t.lower_ for t in span}
    if not words & lx.WEAK_PROGRESSION or words & STRONG_PROGRESSION:
        return True
    if words & {"each", "every", "day", "more"}:
        return True
    following = {word_at(span, k) for k in range(4)}
    return not (following & lx.TRIGGER_FOLLOWERS and following & lx.WALK_STAND)


CHECKS: dict[str, Callable[[Span], bool]] = {
    "trigger": symptoms.check_trigger,
    "duration": duration.check_duration,
    "onset": duration.check_onset,
    "age": age.check_age,
    "walking_distance": walking.check_walking_distance,
    "urgent_flag": _urgent_flag,
    "red_flag": _red_flag,
    "treatment": treatments.check_treatment,
    "surgery": history.check_surgery,
    "back_surgery": history.check_back_surgery,
    "tx_ellipsis": treatments.check_ellipsis,
}
