"""Treatments: `conservative_care` and `injections` from what is said about them.

"PT and ibuprofen, didn't help" -> conservative_care failed; "the shots worked
for a few months but wore off" -> injections failed; "never tried PT" ->
not_tried; "I did have injections" -> "tried" (tried, result not stated).

- word lists: the treatments of each category (PhraseMatcher `treatment` entities with the
  category as value), words that make a shot no spinal injection or "pt" the patient;
- patterns: what is said about a treatment's outcome (`tx_helped`, `tx_failed`, and the
  ellipsis "did not" as `tx_ellipsis`);
- context checks: "flu shot", "an epidural when I had my daughter", "pt says no", "meds for
  blood pressure" are not treatments of the back;
- reading: outcomes grouped with the treatments they are said about.
"""

from dataclasses import dataclass, field

from spacy.tokens import Span

from mild_nlp import lexicon as lx
from mild_nlp.kinds.history import BLOOD_THINNERS
from mild_nlp.kinds.replies import NO, YES
from mild_nlp.message import ParsedMessage
from mild_nlp.segments import containing, contains_phrase, sentence_words, sentences, word_at

# --- word lists ----------------------------------------------------------------------

CONSERVATIVE_TREATMENTS = (
    "physical therapy",
    "physio",
    "physiotherapy",
    "pt",
    "p.t.",
    "therapy",
    "physcial therapy",
    "phisical therapy",
    "pysical therapy",
    "physical therepy",
    "physical theraphy",
    "pyhsical therapy",
    "phsyical therapy",
    "physcial therepy",
    "phisical therepy",
    "home exercises",
    "home exercise",
    "exercises",
    "exercise",
    "exercising",
    "hep",
    "home exercise program",
    "stretches",
    "stretching",
    "core strengthening",
    "ibuprofen",
    "advil",
    "motrin",
    "tylenol",
    "acetaminophen",
    "ibuprofin",
    "ibuprophen",
    "ibprofen",
    "ibuprofen 800",
    "aleve",
    "naproxen",
    "meloxicam",
    "mobic",
    "celebrex",
    "celecoxib",
    "diclofenac",
    "voltaren",
    "voltaren gel",
    "diclofenac gel",
    "nsaids",
    "nsaid",
    "anti-inflammatories",
    "anti inflammatories",
    "anti-inflammatory",
    "gabapentin",
    "neurontin",
    "lyrica",
    "pregabalin",
    "tramadol",
    "oxycodone",
    "hydrocodone",
    "percocet",
    "vicodin",
    "norco",
    "opioids",
    "narcotics",
    "pain meds",
    "pain medication",
    "pain medications",
    "pain medicine",
    "pain pills",
    "pain killers",
    "painkillers",
    "meds",
    "medication",
    "medications",
    "medicine",
    "pills",
    "muscle relaxers",
    "muscle relaxants",
    "muscle relaxer",
    "flexeril",
    "cyclobenzaprine",
    "chiropractor",
    "chiropractic",
    "chiro",
    "massage",
    "massages",
    "acupuncture",
    "yoga",
    "pilates",
    "aqua therapy",
    "aquatic therapy",
    "pool therapy",
    "water therapy",
    "tens unit",
    "back brace",
    "brace",
    "lidocaine patches",
    "prednisone",
    "steroid pills",
    "oral steroids",
    "medrol",
    "aspirin",
)
GENERIC_MEDICATION = frozenset(["meds", "medication", "medications", "medicine", "pills"])
NON_PAIN_CONDITIONS = frozenset(
    "blood pressure heart diabetes cholesterol thyroid sugar sleep anxiety depression water".split()
)
INJECTION_TREATMENTS = (
    "epidural",
    "epidurals",
    "epidurls",
    "epidurel",
    "epidurels",
    "epideral",
    "epiderals",
    "epidural steroid injection",
    "epidural steroid injections",
    "epidural injection",
    "epidural injections",
    "esi",
    "esis",
    "injection",
    "injections",
    "steroid injection",
    "steroid injections",
    "steroid shot",
    "steroid shots",
    "cortisone shot",
    "cortisone shots",
    "cortisone injection",
    "cortisone injections",
    "cortisone",
    "shot",
    "shots",
    "nerve block",
    "nerve blocks",
    "facet injection",
    "facet injections",
    "facet block",
    "facet blocks",
    "medial branch block",
    "medial branch blocks",
    "radiofrequency ablation",
    "rfa",
    "nerve ablation",
    "ablation",
    "rhizotomy",
    "si joint injection",
    "si joint injections",
    "trigger point injection",
    "trigger point injections",
    "spinal injection",
    "spinal injections",
    "back injection",
    "back injections",
    "spine injections",
)
NON_SPINAL_SHOT_WORDS = frozenset(
    "flu covid booster vaccine vaccines tetanus b12 insulin allergy pneumonia shingles numbing "
    "dental novocaine lovenox heparin "
    "ozempic".split()
)
INJECTION_WORDS = frozenset(INJECTION_TREATMENTS)
CHILDBIRTH_WORDS = frozenset("labor labour delivery birth baby daughter son pregnant pregnancy c-section".split())
# "pt says no", "pt denies red flags": staff shorthand for "patient", not physical therapy.
PATIENT_PT_NEXT = frozenset(
    "says said states stated reports reported denies denied confirms confirmed agrees agreed has had "
    "is was wants wanted asks asked declines declined prefers refused unsure can't cannot doesn't "
    "does don't not c/o complains febrile thinks believes feels answers answered tried ca can could "
    "wo recalls remembers age aged walks uses takes took lives gets needs notes endorses describes".split()
)
# "pt 88 yo", "pt 72 M": a number and an age or sex marker after "pt" describe the patient
PATIENT_AGE_MARKERS = frozenset("yo y/o yoa y yr yrs year years m f male female".split())
PATIENT_PT_BEFORE = frozenset("per elderly female male".split())
ELLIPSIS_FOLLOWERS = frozenset(". , ! ; either really though at".split())
OUTCOME_RANK = {"helped": 3, "failed": 2, "tried": 1, "not_tried": 0}
TREATMENT_SLOTS = {"conservative": "conservative_care", "injection": "injections"}
NOTHING_TRIED = (
    ("not", "tried", "anything"),
    ("not", "done", "anything"),
    ("not", "had", "anything"),
    ("tried", "nothing"),
    ("not", "tried", "any", "treatment"),
    ("no", "treatment"),
    ("no", "treatments"),
)
PLAN_WORDS = frozenset("wants want suggested suggests recommended recommends considering next".split())


# --- patterns ------------------------------------------------------------------------

PHRASES = [
    ("treatment|conservative", CONSERVATIVE_TREATMENTS),
    ("treatment|injection", INJECTION_TREATMENTS),
]
TREATMENT_FAILED = [
    "@NOT help|helped|helps|helping|work|worked|works|working|last|lasted|do|did",
    # an adverb between ("didn't really help", "did not seem to work", "never even helped")
    "@NOT really|actually|even|truly|ever|honestly|seem|seemed|seems|appear|appeared to? "
    "help|helped|helps|helping|work|worked|works|working|last|lasted",
    "no|little|minimal|zero|without|w/o|limited real|significant|noticeable|lasting|big|much? relief|help|improvement|"
    "difference|luck|change|benefit|effect",
    "not much|enough relief|help|improvement|difference|better",
    "@NOT nearly|quite|really|near enough",
    "none|neither|nothing of? them|it|one? did|does|do anything|much",
    "did|does|do @NOT do anything|much",
    "#NUM day|days|week|weeks|wk|wks of? relief",  # a short spell of relief
    "barely|hardly any relief|help|improvement|difference",
    "now? barely|hardly anything|much",  # "used to give him months, now barely anything"
    "nothing|none|neither _3 help|helped|helps|worked|works|work|lasted|lasts|last|changed|improved",
    "wore|wear|wears|wearing|worn off",
    "stopped|stop|stops helping|working",
    "only|just? temporary|temporarily",
    "temporary relief",
    "short -? lived|term",
    "not enough",
    "made|makes|make it|them|things|everything|her|him|me? worse",
    "useless",
    "waste",
    "failed",
    # staff shorthand and clinical words for a treatment without enough effect
    "inadequate|insufficient|ineffective|unsuccessful|suboptimal|unhelpful|ineffectual",
    "no|minimal|partial|transient|temp|temporary|limited benefit|response|improvement|effect",
    "barely|hardly|slightly|somewhat helped|helps|worked",
    "help|helped|helps|worked a little|bit",
    "help|helped|helps|worked for a|some while|bit|time|few|couple|little",
    "help|helped|helps|worked _2 at first|initially|temporarily|briefly",
    "help|helped|helps|worked _2 initially|temporarily|briefly",
    "help|helped|helps|worked _2 the first time",
    "but not this time",
    "but not anymore|now",
    "not anymore",
    "no longer",
    "did|does|do nothing",
    "@NOT make|made|making a dent",
    "@NOT cutting|cut it",
    "nothing for me",
    "did|does|do @NOT? a|one thing",
    "barely|hardly touches|touched it",
    "nothing|none touches|touched|fixes|fixed|shifts|budges it",  # "the whole aisle, nothing touches it"
    "nothing|nada|zilch .|!",  # a closing "nothing": "PT twice, gabapentin and Tylenol. Nothing."
    "still @CAN @NOT",
    "relief _2 #NUM day|days|week|weeks|wk|wks",
    "then gone",
    "then nothing|none",  # "helped a tiny bit for a few days, then nothing"
    "gone|over|done within|in|after a|one|two|#NUM? day|days|week|weeks|wk|wks",  # "gone in a week"
    "help|helped|helps|worked|lasted for? @HEDGE? #NUM @DUR_UNIT",
    "came|comes back",
    "still hurt|hurts|hurting|aches|painful|numb",
    "still have|has|in pain|symptoms",
    "@NOT find|found _3 helpful|useful|effective",
    "@NOT get|got|getting _2 relief|better|help",
    "@NOT notice|noticed _2 difference|improvement",
    "@NOT feel|felt _1 better|different",
    "@NOT make|made|making|makes much|any|a|the slightest? difference",
    "@NOT change|changed|changes|changing much|anything",
    "@NOT say|tell|think _2 did|does|do|helped much|anything",  # "can't say they did much"
    "@NOT hold|held|holding|stick|stuck|last",  # "didn't hold"
    "nothing|none stuck|held|lasted",
    "not|none|nothing|never adequate|enough|sufficient",
    "none|nothing of? it|them|that is|was|'s enough|adequate",
    "no|not|nt any? good",
    "still have|has|get|gets|got|in the|my|some|a|lot|lots|of? pain|pains|symptoms|aching",
]
TREATMENT_HELPED = [
    "still feeling|doing|feel good|great|well|better",
    "still holding|working|helping",
    "keeps|keep|kept me going",
    "under control",
    "help|helps|helped|helping|work|works|worked|working|relief|better|improved|improves",
    "improvement|effective",
    "did|does the trick",
    "made|makes a difference",
    "improving|getting better",
    "manageable|bearable|tolerable",
    "keeps|kept it|things in check|at bay|manageable",
    "good results",
]
TREATMENT_ELLIPSIS = ["did|does|do @NOT"]


# --- context checks ------------------------------------------------------------------


def check_treatment(span: Span) -> bool:
    """Keep a `treatment` match unless it is no back treatment (flu shot, "pt" the patient, BP meds)."""
    text = span.text.lower()
    if text in INJECTION_WORDS:
        if sentence_words(span) & CHILDBIRTH_WORDS:
            return False  # "an epidural when I had my daughter"
        after = {word_at(span, k) for k in range(4)}
        if after & lx.OTHER_BODY_PARTS and after & {"in", "into", "on"}:
            return False  # "a cortisone shot in my shoulder"
    if text in ("shot", "shots", "injection", "injections"):
        return word_at(span, -1) not in NON_SPINAL_SHOT_WORDS
    if text in ("pt", "p.t.") and (_means_patient(span) or _patients_relative(span)):
        return False
    if text in GENERIC_MEDICATION:
        # "medication for my blood pressure", "my blood pressure pills": not for the back
        near = {word_at(span, k) for k in range(4)} | {word_at(span, -1), word_at(span, -2)}
        if near & NON_PAIN_CONDITIONS:
            return False
        # "which meds do I stop before the procedure?": the person's usual medicines, asked about
        return not _in_question(span)
    return True


def _means_patient(span: Span) -> bool:
    """Staff shorthand "pt" for the patient: "pt says no", "per pt", "83 y/o pt", "pt on plavix"."""
    before, after = word_at(span, -1), word_at(span, 0)
    if before in PATIENT_PT_BEFORE or (before in PATIENT_AGE_MARKERS and word_at(span, -2)[:1].isdigit()):
        return True
    if (word_at(span, -3), word_at(span, -2), before) == ("y", "/", "o"):
        return True  # "83 y/o pt"
    if after == "on" and any(word_at(span, 1) == t.split()[0] for t in BLOOD_THINNERS):
        return True
    if span.start != 0 and before not in (",", ".", ";", "(", "-"):
        return False
    return (
        after in PATIENT_PT_NEXT
        or after in ("'s", "’s")
        or (after.isdigit() and word_at(span, 1) in PATIENT_AGE_MARKERS | {",", "."})
    )


def _patients_relative(span: Span) -> bool:
    """ "caller is pt's son"."""
    return word_at(span, 0) in ("'s", "’s") and word_at(span, 1) in lx.FAMILY_WORDS | {"caregiver", "nurse"}


def _in_question(span: Span) -> bool:
    sentence = containing(sentences(span.doc), span)
    words = [t.lower_ for t in sentence]
    return bool(words) and (words[-1] == "?" or words[0] in lx.QUESTION_STARTERS)


def check_ellipsis(span: Span) -> bool:
    """Keep "did not" as an outcome only when nothing more follows ("PT did not.", "did not really")."""
    return word_at(span, 0) in ELLIPSIS_FOLLOWERS | {""}


# --- reading -------------------------------------------------------------------------


@dataclass
class Treatments:
    """Outcome per treatment category, and outcomes said without naming a treatment."""

    by_category: dict = field(default_factory=dict)
    unattached: list = field(default_factory=list)


def treatment_answers(m: ParsedMessage) -> dict:
    """conservative_care / injections settled by this message."""
    treatments = _read_treatments(m)
    answers = {TREATMENT_SLOTS[c]: v for c, v in treatments.by_category.items()}
    slot = m.requested_slot
    if not treatments.by_category and _tried_nothing(m):
        # "haven't tried anything yet": about the treatment asked, else about all of them
        for target in [slot] if slot is not None and slot in TREATMENT_SLOTS.values() else TREATMENT_SLOTS.values():
            answers[target] = "not_tried"
        return answers
    if slot is not None and slot in TREATMENT_SLOTS.values() and slot not in answers:
        # With another treatment named, "I didn't ..." is about that one: only a
        # set-apart "no," / "yes," still answers the question asked.
        reply = m.interjection if treatments.by_category else m.reply
        if treatments.unattached:
            answers[slot] = treatments.unattached[-1]
        elif reply == YES:
            answers[slot] = "tried"
        elif reply == NO:
            answers[slot] = "not_tried"
    return answers


def _read_treatments(m: ParsedMessage) -> Treatments:
    """Group treatments with the outcomes said about them ("PT and ibuprofen, didn't help").

    Within a sentence, an outcome belongs to the treatments named before it (back to
    the last one not had, "no injections, PT didn't help"); an
    outcome before any treatment ("no relief from PT") to the ones after it; an
    outcome in a "but ..." part without a treatment ("worked, but wore off") to the
    last treatments named. The last outcome said about a group wins.
    """
    result = Treatments()
    groups: list[dict] = []
    helped_said = False
    relief_tokens = {i for s in m.stated("relief") + m.stated("trigger") for i in range(s.start, s.end)}
    for sentence in m.sentences:
        for part in _contrast_parts(sentence):
            part_groups: list[dict] = []
            leading: list[str] = []
            for span in _treatment_items(m, part, relief_tokens):
                if span.label_ == "treatment" and _planned(m, span):
                    continue  # "my doctor wants me to try injections next"
                if span.label_ == "treatment":
                    if (
                        not part_groups
                        or part_groups[-1]["outcomes"]
                        or _negation_changes(part_groups[-1]["treatments"], span)
                    ):
                        part_groups.append({"treatments": [], "outcomes": []})
                    part_groups[-1]["treatments"].append(span)
                    continue
                outcome = _outcome(span, helped_said)
                if outcome is None:
                    continue
                helped_said = helped_said or outcome == "helped"
                (part_groups[-1]["outcomes"] if part_groups else leading).append(outcome)
            if leading and part_groups:
                part_groups[0]["outcomes"][:0] = leading
            elif leading and groups:
                groups[-1]["outcomes"] += leading
            elif leading:
                result.unattached += leading
            groups += part_groups
    for group in groups:
        for span in group["treatments"]:
            if group["outcomes"]:
                value = group["outcomes"][-1]
            else:
                value = "not_tried" if span._.negated else "tried"
            category = span._.mild_value
            current = result.by_category.get(category)
            if current is None or OUTCOME_RANK[value] > OUTCOME_RANK[current]:
                result.by_category[category] = value
    return result


def _planned(m: ParsedMessage, span: Span) -> bool:
    before = {t.lower_ for t in m.doc[max(m.sentence_of(span).start, span.start - 5) : span.start]}
    return bool(before & PLAN_WORDS) and bool(before & {"try", "start", "do"})


def _tried_nothing(m: ParsedMessage) -> bool:
    return contains_phrase(m.words, NOTHING_TRIED)


def _negation_changes(group: list[Span], span: Span) -> bool:
    """ "no injections, PT didn't help": a treatment not had and one that failed are told apart."""
    return bool(group) and group[-1]._.negated != span._.negated


def _contrast_parts(sentence: Span) -> list[Span]:
    parts, start = [], sentence.start
    for token in sentence:
        if token.lower_ in lx.CONTRAST_WORDS and token.i > start:
            parts.append(sentence.doc[start : token.i])
            start = token.i
    parts.append(sentence.doc[start : sentence.end])
    return parts


def _treatment_items(m: ParsedMessage, part: Span, relief_tokens: set[int]) -> list[Span]:
    labels = ("treatment", "tx_helped", "tx_failed", "tx_ellipsis")
    items = [
        s
        for label in labels
        for s in m.stated(label)
        if part.start <= s.start < part.end
        and (label == "treatment" or relief_tokens.isdisjoint(range(s.start, s.end)))
    ]
    return sorted(items, key=lambda s: s.start)


def _outcome(span: Span, helped_said: bool) -> str | None:
    if span.label_ == "tx_failed":
        return "failed"
    if span.label_ == "tx_helped":
        return "failed" if span._.negated else "helped"
    return "failed" if helped_said else None  # "PT helped but the epidurals didn't"
