"""Red and urgent flags: `red_flags` (an emergency now) and `urgent_flags` (a fall, cancer, weight loss).

- word lists: bladder/bowel, saddle, weakness, progression and fever words; cancer, intended
  weight loss; what makes a flag resolved or long ago;
- patterns: red flags ("can't control my bladder", "numb down there", "legs weaker by the day",
  "fever") and urgent flags ("I fell", "history of cancer", "lost 20 pounds") as entities;
- context checks: about the patient, not a relative ("my husband has bladder problems"); not
  resolved; a temperature only from 100.4 °F; "fell asleep" is no fall, "my mother had cancer"
  not the patient's; an injury a year or more ago is an `old_injury`, not urgent;
- reading: the mentions as written (negated red flags apart; hypothetical ones, "signs of
  cauda equina", not at all), and yes for the slots. The learned second reader and the union
  of both readers are mild_nlp.second_reader and mild_nlp.flag_union.
"""

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from mild_nlp import clock
from mild_nlp import lexicon as lx
from mild_nlp.kinds.replies import YES
from mild_nlp.labels import CUE_KEY
from mild_nlp.message import ParsedMessage
from mild_nlp.normalize import duration_to_months, months_since
from mild_nlp.notation import cooccur
from mild_nlp.segments import clauses, containing, contains_phrase, sentence_words, sentences, word_at

# --- word lists ----------------------------------------------------------------------

BLADDER_BOWEL = frozenset(
    "bladder bowel bowels urine urinary pee peeing stool stools poop pooping poo feces faeces".split()
)
CONTROL_LOSS = frozenset(
    "lost lose losing loss control controlling accident accidents leaking leak leaks "
    "leakage problem problems issue issues trouble incontinence incontinent retention "
    "empty emptying dysfunction".split()
)
SADDLE_REGIONS = frozenset(
    "groin groins crotch saddle perineum perineal genitals genital genitalia privates "
    "vagina vaginal penis scrotum testicles anus rectum rectal".split()
)
NUMBNESS = frozenset("numb numbness tingling tingly anesthesia anaesthesia asleep".split())
WEAKNESS = frozenset("weak weakness weaker buckle buckles buckling buckled".split())
PROGRESSION = frozenset(
    "worse worsening quickly rapidly suddenly sudden progressing progressive progressively increasingly".split()
)
# "weak and worse when I walk" is the walking pattern, not progression: these
# progression words do not count when a walking/standing context follows them.
WEAK_PROGRESSION = frozenset("worse worsening suddenly sudden increasingly".split())
TRIGGER_FOLLOWERS = frozenset("when while with after if on walking standing".split())
# First-person words: "my wife says I wet myself" is about the patient.
FIRST_PERSON = frozenset("i me my myself i'm im".split())
FEVER_WORDS = frozenset("fever fevers feverish febrile pyrexia pyrexial chills rigors".split())
CANCER_WORDS = frozenset(
    "cancer cancers tumor tumors tumour tumours malignancy lymphoma leukemia leukaemia "
    "myeloma melanoma carcinoma sarcoma metastasis metastases metastatic chemo "
    "chemotherapy oncologist".split()
)
NOT_A_CANCER_HISTORY = frozenset("screening screen scare test tests".split())
INTENTIONAL_WEIGHT_LOSS = frozenset(
    "diet dieting purpose intentionally intentional deliberately ozempic wegovy "
    "mounjaro zepbound bariatric gym trying tried".split()
)
SEASON_MARKERS = frozenset("in since until by through last this next every during".split())
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
STRONG_PROGRESSION = PROGRESSION - WEAK_PROGRESSION

SETS = {
    "ORGAN": BLADDER_BOWEL,
    "CONTROL_LOSS": CONTROL_LOSS,
    "SADDLE": SADDLE_REGIONS,
    "NUMB": NUMBNESS,
    "WEAK": WEAKNESS,
    "PROGRESS": PROGRESSION,
    "FEVER": FEVER_WORDS,
    "CANCER": CANCER_WORDS,
}


# --- patterns ------------------------------------------------------------------------

RED_FLAGS = [
    *cooccur(["@CONTROL_LOSS"], ["@ORGAN control|function?"], 3),
    "@CAN @NOT control|hold _2 @ORGAN",
    "unable to control|hold _2 @ORGAN",
    "@CAN @NOT _1 pee|urinate|void|piss|poop",
    "unable to pee|urinate|void|piss|poop",
    "need|needs|have|has|had to pee|urinate|go but? nothing|little comes|came out",
    "nothing comes|came out when i? pee|urinate|try",
    "@CAN @NOT empty my? bladder",
    "@NOT been? able to pee|urinate|void|piss|poop",
    "incontinence",
    "incontinent",
    "cauda equina",
    "wet|wetting|wets|peed|peeing|pooped|pooping|soiled|soiling|messed myself|self",
    "wet|wetting|peed|pooped|soiled my pants|underwear",
    "wet|wetting the bed",
    *cooccur(
        ["@NUMB"],
        ["@SADDLE", "inner thigh|thighs", "between my|the legs", "private area|parts|region", "down there"],
        4,
    ),
    "no|lost|loss|lack _1 feeling|sensation _4 @SADDLE",
    "no|lost|loss|lack _1 feeling|sensation _4 inner thigh|thighs",
    "@CAN @NOT really|even|quite? feel _3 @SADDLE",
    # saddle numbness in everyday words
    "@CAN @NOT really|even|quite? feel _3 toilet|seat|paper|wipe|wiping",
    "@CAN @NOT really|even|quite? feel _2 bottom|butt|backside|bum|behind _5 toilet|sit|sits|sitting|wipe|wiping",
    "numb|numbness _4 when|while i? wipe|wiping",
    "wipe|wiping _4 @CAN @NOT really|even|quite? feel",
    "numb|numbness where i sit",
    "@SADDLE _4 gone|went|going|fallen|fell to sleep",
    "@SADDLE _4 asleep",
    "@CAN @NOT hold|control my|his|her? water|urine",
    "accident|accidents in my|his|her|the pants|underwear|bed|chair|diaper",
    "floppier|floppy|weaker _3 by the day",
    "floppier|floppy|weaker _3 every|each day",
    "floppier|floppy|weaker _3 day by day",
    "running|temp|temperature|fever of? @HEDGE? #NUM",
    "thermometer read|reads|says|said|showed|shows|was|is|at? @HEDGE? #NUM",  # a fever only from 100.4
    *cooccur(
        [
            "@WEAK",
            "give|gives|giving|gave out|way",
            "foot drop",
            "drop foot",
            "dragging my|the foot|leg",
            "foot|feet slaps|slap|slapping|flops|flopping",
            "slapping|floppy foot|feet",
        ],
        ["@PROGRESS", "each|every day|week", "by the day", "day by day", "more and more"],
        4,
    ),
    # a slapping foot is foot drop; noticed while walking, so walking words may come between
    "foot|feet slaps|slap|slapping|flops|flopping _7 getting|gotten|becoming|is worse|weaker",
    "getting|becoming|gotten|growing|grown _2 weaker",
    "weaker and weaker",
    "@FEVER",
    "high? temperature",
    "running a temp|temperature",
]

URGENT_FLAGS = [
    "fell",
    "fallen",
    "falls",
    "did|do fall|trip|slip",
    "a|my|the|recent|bad|nasty|hard|big|another fall",
    "slipped",
    "tripped",
    "car|auto|motorcycle|bike|bicycle|motor|traffic|work|sports|skiing accident|crash|wreck",
    "mva",
    "mvc",
    "rear-ended",
    "rear ended",
    "injured|hurt|wrenched|twisted|injuring|hurting my|his|her back|spine",
    "back|spine|spinal injury|injuries|trauma",
    "injury|trauma to my|the back|spine",
    "@CANCER",
    "history of cancer",
    "hx|h/o ca",
    "prostate|breast|lung|colon|bladder|kidney|skin ca",
    "tx'd|treated|treatment with radiation|chemo",
    "radiation therapy|treatment|treatments",
    "weight loss",
    "lost|losing|dropped|dropping|shed _3 weight|pounds|lbs|lb|kilos|kg|kilograms",
    "weight has|is|keeps dropping|dropped|falling|fallen",
]


# --- context checks ------------------------------------------------------------------


def check_red_flag(span: Span) -> bool:
    """Keep a `red_flag` match about the patient, not resolved, not the walking pattern, a real
    fever, and a fever only where the back is not said to be fine."""
    return (
        _about_the_patient(span)
        and _progression_is_not_walking(span)
        and not _resolved(span)
        and _fever_temperature(span)
        and not _fever_with_a_fine_back(span)
    )


# The red flag is back pain *with* fever or chills: "a head cold with a slight fever, no back
# pain though" or "chills since yesterday, my back feels fine" is not one.
_BACK_FINE = re.compile(
    r"\b(?:no|without|not any|free of)\s+(?:lower\s+)?(?:back\s*(?:pain|ache|trouble)|backache)\b"
    r"|\bback(?:'s|s| is| was| has been| had been| feels| felt| seems| seemed)?\s+(?:totally\s+|completely\s+)?"
    r"(?:fine|ok|okay|good|normal|pain[- ]?free|not hurting|not sore)\b"
    r"|\bback\s+(?:isn'?t|wasn'?t|doesn'?t|didn'?t|is not|was not|does not|did not|hasn'?t been)"
    r"\s+(?:hurt|hurting|sore|bad|worse)"
)


_FEVER_OR_TEMPERATURE = FEVER_WORDS | {"temperature", "temp", "shivers", "shivering"}


def _fever_with_a_fine_back(span: Span) -> bool:
    if not {t.lower_ for t in span} & _FEVER_OR_TEMPERATURE:
        return False
    sentence = containing(sentences(span.doc), span)
    return bool(_BACK_FINE.search(sentence.text.lower().replace("’", "'")))


def _fever_temperature(span: Span) -> bool:
    """ "running 101.5": a temperature is a fever from 100.4 °F (38 °C); "a temperature of 98.6"
    is not. Only numbers that read as body temperatures count ("a fever for 2 days" stays one)."""
    if not {t.lower_ for t in span} & {"running", "temp", "temperature", "fever", "thermometer"}:
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
    if not {t.lower_ for t in span} & FEVER_WORDS:
        return False  # "I lost control of my bladder two days ago" is when it began
    words = {t.lower_ for t in sentence}
    return "ago" in words and not words & {"still", "now", "since", "ongoing", "again"}


def _about_the_patient(span: Span) -> bool:
    """False for "my husband has bladder problems" (unless "... I ..." follows the relative)."""
    doc = span.doc
    for i in range(span.start - 1, max(-1, span.start - 7), -1):
        word = doc[i].lower_
        if word in FIRST_PERSON or word in lx.CLAUSE_BREAKS:
            return True
        if word in lx.FAMILY_WORDS or (word == "law" and doc[max(0, i - 2)].lower_ == "in"):
            return False  # "my husband", "my brother-in-law"
    return True


def _progression_is_not_walking(span: Span) -> bool:
    """ "my legs feel weak and it gets worse when I walk" is not progression."""
    words = {t.lower_ for t in span}
    if not words & WEAK_PROGRESSION or words & STRONG_PROGRESSION:
        return True
    if words & {"each", "every", "day", "more"}:
        return True
    following = {word_at(span, k) for k in range(4)}
    return not (following & TRIGGER_FOLLOWERS and following & lx.WALK_STAND)


def check_urgent_flag(span: Span, recent_only: bool = True) -> bool:
    """Keep a real, recent fall or injury, the patient's own cancer, weight loss not intended."""
    first = span[0].lower_
    if first in ("fell", "fallen", "falls") or span[-1].lower_ == "fall":
        if word_at(span, 0) in NOT_A_FALL_AFTER:
            return False  # "fell asleep", "fell apart"
        if word_at(span, 0) == "in" and word_at(span, 1) in ("love", "line", "place"):
            return False  # "fell in love"; "fell in the shower", "fell in 2025" are falls
        if first in FALL_DETERMINERS and word_at(span, -1) in SEASON_MARKERS:
            return False
    if first == "slipped" and word_at(span, 0) in SLIPPED_DISC:
        return False
    if first in CANCER_WORDS or span.text.lower() == "history of cancer":
        return _own_cancer(span)
    if not _about_the_patient(span):
        return False  # "my wife fell last week", "my brother is losing weight" (as for red flags)
    if "weight" in {t.lower_ for t in span} or span[-1].lower_ in ("pounds", "lbs", "lb", "kilos", "kg", "kilograms"):
        return _unintended_weight_loss(span)
    return not (recent_only and _long_ago(span))  # a fall, injury or accident: only a recent one counts


def old_injury(span: Span) -> bool:
    """An urgent-flag match that is a fall or injury from a year or more ago."""
    return check_urgent_flag(span, recent_only=False) and _is_injury(span) and _long_ago(span)


def _is_injury(span: Span) -> bool:
    words = {t.lower_ for t in span}
    return not (
        words & CANCER_WORDS
        or words & {"cancer", "weight", "pounds", "lbs", "lb", "kilos", "kg", "kilograms", "radiation"}
    )


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
    return word_at(span, 0) not in NOT_A_CANCER_HISTORY


def _unintended_weight_loss(span: Span) -> bool:
    if word_at(span, 0) in WEIGHT_LOSS_PRODUCTS:
        return False
    sentence = containing(sentences(span.doc), span)
    for token in sentence:
        if token.lower_ in INTENTIONAL_WEIGHT_LOSS:
            before = {token.doc[k].norm_ for k in range(max(0, token.i - 2), token.i)}
            if not (token.lower_ in ("trying", "tried") and before & {"without", "not"}):
                return False
    return True


# --- reading -------------------------------------------------------------------------


@dataclass
class FlagMentions:
    """Flag phrases as written (red flags split by negation; urgent flags non-negated)."""

    red: list[str] = field(default_factory=list)
    negated_red: list[str] = field(default_factory=list)
    urgent: list[str] = field(default_factory=list)
    old_injuries: list[str] = field(default_factory=list)


def is_mild_doc(doc: object) -> bool:
    """Whether `doc` went through the project pipeline (so its ents carry our labels)."""
    return isinstance(doc, Doc) and CUE_KEY in doc.spans


def flag_mentions(doc: Doc) -> FlagMentions:
    """Collect red/urgent flag mentions from a doc made by the project pipeline."""
    found = FlagMentions()
    for ent in doc.ents:
        if ent._.hypothetical or ent.label_ not in ("red_flag", "urgent_flag", "old_injury"):
            continue
        if ent.label_ == "old_injury":
            if not ent._.negated:
                found.old_injuries.append(ent.text)
            continue
        if ent.label_ == "red_flag":
            (found.negated_red if ent._.negated else found.red).append(ent.text)
        elif not ent._.negated:
            found.urgent.append(ent.text)
    return found


def read_red_flags(m: ParsedMessage):
    """red_flags: yes when a red flag is mentioned, not negated nor hypothetical."""
    return YES if flag_mentions(m.doc).red else None


def read_urgent_flags(m: ParsedMessage):
    """urgent_flags: yes when an urgent flag is mentioned, not negated nor hypothetical."""
    return YES if flag_mentions(m.doc).urgent else None
