"""History: `prior_back_surgery`, `imaging_stenosis` and `blood_thinners`.

- word lists: lower-back operations, imaging and stenosis terms, blood thinners (PhraseMatcher
  entities), what makes an imaging result normal, unknown or not yet had;
- patterns: "surgery on my lower back" as `back_surgery` (plain "surgery" is a phrase);
- context checks: "neck surgery (C5-6 fusion)" and "knee surgery" are not lower-back surgery;
- readings: yes / no (and `unsure` for imaging), not a relative's medicine or stenosis, not a
  surgery only planned, not a blood thinner stopped.
"""

from spacy.tokens import Span

from mild_nlp import lexicon as lx
from mild_nlp.kinds.replies import NO, YES
from mild_nlp.message import ParsedMessage, clause_words, unsure_before
from mild_nlp.segments import clauses, containing, contains_phrase, word_at

# --- word lists ----------------------------------------------------------------------

BACK_SURGERY_TERMS = (
    "laminectomy",
    "laminotomy",
    "discectomy",
    "microdiscectomy",
    "diskectomy",
    "lamenectomy",
    "laminectomey",
    "lami",
    "lumbar surg",
    "back surg",
    "spine surg",
    "lumbar surgeries",
    "microdiskectomy",
    "spinal fusion",
    "lumbar fusion",
    "back fusion",
    "fusion",
    "foraminotomy",
    "decompression surgery",
    "spine surgery",
    "spinal surgery",
    "back surgery",
    "back surgeries",
    "lower back surgery",
    "lumbar surgery",
    "disc surgery",
    "disk surgery",
    "back operation",
    "spine operation",
    "rods in my back",
)
GENERIC_SURGERY = frozenset(["surgery", "surgeries", "operation", "operations", "surgical"])
SURGERY_PLANS = frozenset(
    "want wants need needs recommend recommended recommends avoid avoiding plan planning "
    "planned scheduled considering consider afraid scared suggested offered".split()
)
BLOOD_THINNERS = (
    "blood thinner",
    "blood thinners",
    "blood-thinner",
    "blood-thinners",
    "anticoagulant",
    "anticoagulants",
    "anti-coagulant",
    "anti-coagulants",
    "antiplatelet",
    "antiplatelets",
    "warfarin",
    "coumadin",
    "jantoven",
    "eliquis",
    "apixaban",
    "xarelto",
    "rivaroxaban",
    "pradaxa",
    "dabigatran",
    "savaysa",
    "edoxaban",
    "plavix",
    "clopidogrel",
    "brilinta",
    "ticagrelor",
    "effient",
    "prasugrel",
    "heparin",
    "lovenox",
    "enoxaparin",
    "fragmin",
    "arixtra",
    "aggrenox",
    "ticlid",
    "baby aspirin",
    "daily aspirin",
    "low dose aspirin",
    "low-dose aspirin",
    "aspirin 81",
    "81 mg aspirin",
    "81mg aspirin",
)
IMAGING_TERMS = (
    "mri",
    "mris",
    "mri scan",
    "magnetic resonance",
    "ct",
    "ct scan",
    "ct scans",
    "cat scan",
    "cat scans",
    "scan",
    "scans",
    "imaging",
    "x-ray",
    "x-rays",
    "x ray",
    "xray",
    "xrays",
    "myelogram",
    "ct myelogram",
)
STENOSIS_TERMS = (
    "stenosis",
    "spinal stenosis",
    "lumbar stenosis",
    "canal stenosis",
    "stenossis",
    "stenosys",
    "stenoses",
    "stenosus",
    "stenois",
    "lss",
    "foraminal stenosis",
    "narrowing",
    "narrowed",
    "narrow canal",
    "narrow spinal canal",
    "spinal narrowing",
)
IMAGING_NORMAL = frozenset("normal clear fine nothing negative unremarkable".split())
IMAGING_UNKNOWN = (
    ("not", "sure"),
    ("n't", "know"),
    ("n't", "remember"),
    ("n't", "recall"),
    ("waiting",),
    ("pending",),
    ("no", "results"),
    ("n't", "heard"),
    ("unsure",),
    ("told", "me", "what", "it", "showed"),
    ("told", "me", "the", "results"),
    ("nobody", "told"),
    ("over", "the", "results"),
    ("n't", "know", "what", "it", "showed"),
    ("never", "got", "the", "results"),
    ("never", "heard", "back"),
)
IMAGING_NOT_YET = frozenset("scheduled upcoming next".split())
HEDGED = frozenset("think maybe might probably possibly guess perhaps".split())


# --- patterns ------------------------------------------------------------------------

SURGERY = [
    "surgery|surgeries|operation|operated on? my|the lower? back|spine",
    "had my|the|his|her lower? back|spine operated on",
]
PHRASES = [
    ("back_surgery", BACK_SURGERY_TERMS),
    ("surgery", tuple(GENERIC_SURGERY)),
    ("blood_thinner", BLOOD_THINNERS),
    ("imaging", IMAGING_TERMS),
    ("stenosis", STENOSIS_TERMS),
]


# --- context checks ------------------------------------------------------------------


def check_back_surgery(span: Span) -> bool:
    """ "neck surgery (C5-6 fusion)", "a fusion at C5-C6" are not lower-back surgery."""
    near = [word_at(span, -k) for k in range(1, 4)] + [word_at(span, k) for k in range(3)]
    return not any(w in ("neck", "cervical") or _cervical_level(w) for w in near)


def _cervical_level(word: str) -> bool:
    return word[:1] == "c" and word[1:2].isdigit()


def check_surgery(span: Span) -> bool:
    """Keep a plain `surgery` match unless another body part is named ("knee surgery", "surgery on my hip")."""
    before = {word_at(span, -1), word_at(span, -2)}
    after = [word_at(span, k) for k in range(3)]
    if before & lx.OTHER_BODY_PARTS:
        return False
    return not (after[0] == "on" and set(after[1:]) & lx.OTHER_BODY_PARTS)


# --- readings ------------------------------------------------------------------------


def read_prior_back_surgery(m: ParsedMessage):
    """prior_back_surgery: yes / no, not a surgery only planned or advised."""
    answer = None
    for span in m.stated("back_surgery") + m.stated("surgery"):
        if m.words_near(span) & SURGERY_PLANS:
            continue
        if span._.negated:
            answer = answer or NO
        elif span.label_ == "back_surgery" or m.requested_slot == "prior_back_surgery":
            return YES
    return answer


def read_imaging_stenosis(m: ParsedMessage):
    """imaging_stenosis: yes / unsure / no from stenosis and imaging mentions (yes wins, then unsure)."""
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
        if span._.negated or words & (IMAGING_NORMAL | IMAGING_NOT_YET):
            answers.add(NO)
        elif _has_phrase(m.sentence_of(span), IMAGING_UNKNOWN):
            answers.add("unsure")
    for value in (YES, "unsure", NO):
        if value in answers:
            return value
    return None


def _has_phrase(sentence: Span, phrases) -> bool:
    words = ["n't" if t.norm_ == "not" and t.lower_ != "not" else t.lower_ for t in sentence]
    return contains_phrase(words, phrases)


def read_blood_thinners(m: ParsedMessage):
    """blood_thinners: yes when one is taken now (not a relative's, not stopped), else no."""
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
