"""Symptoms: `leg_symptoms`, `walking_standing_trigger` and `sitting_leaning_relief`.

- word lists: the leg, walking/standing, posture and relief words are shared (mild_nlp.lexicon:
  negation scopes use them too); here the words that put a trigger in context;
- patterns: leg symptoms ("my legs go numb", "sciatica") as `leg_symptom` entities, "my legs
  are fine" / "just my back" as `leg_ok` / `back_only`; triggers ("when I walk", "standing in
  line") and relief ("sitting helps", leaning on a cart) as `trigger` / `relief` cues, with
  their denials (`trigger_neg`, `relief_neg`);
- context check: "after 5 minutes" is a trigger only about walking or standing;
- readings: yes / no (and `unsure` for relief said with doubt).
"""

from spacy.tokens import Span

from mild_nlp import lexicon as lx
from mild_nlp.kinds.replies import NO, YES
from mild_nlp.message import ParsedMessage, clause_words, corrects, unsure_before
from mild_nlp.notation import cooccur
from mild_nlp.segments import clauses, containing, overlaps

# --- word lists ----------------------------------------------------------------------

TRIGGER_CONTEXT = lx.LEG_SYMPTOMS | frozenset("worse worst bad unbearable symptoms it they them this".split())
# "it feels better when I walk", "walking around loosens it up": the activity eases the legs,
# so it is not what brings the symptoms on (unless sitting or "worse" is in the same clause:
# "better when I sit, worse when I walk")
EASED_WORDS = frozenset("better easier eases eased loosens loosen loosened improves improved relieves".split())
WORSENED_WORDS = frozenset("worse worst harder tougher".split())


# --- patterns ------------------------------------------------------------------------

LEG = [
    *cooccur(["@LEG_SYMPTOM", "pins and needles"], ["@LEG_REGION"], 6),
    "sciatica",
    "nic",
    "claudication",
    "both|bilateral|bilat legs|leg|le",
    "@LEG_REGION _2 give|gives|gave|giving out",
]
LEG_OK = [
    "@LEG_REGION are|is|feel|feels|seem|seems|'re fine|ok|okay|good|normal",
    "nothing in my @LEG_REGION",
]
BACK_ONLY = ["just|only in? my|the? lower? back"]

TRIGGERS = [
    # the person or, typed by a relative, the patient: "when I walk", "when she walks", "when we walk"
    "when|while|whenever|if|after|once|as i|he|she|we|they|you? 'm|am|m|is|are|'s|'re? @WALKSTAND",
    "when|while|whenever|wen i|im|he|she|we|they? 'm|am|m|is|are|'s|'re? out|up|on|about|around @WALKSTAND",
    "from @WALKSTAND",
    "#NUM @TIME_UNIT|@DIST_UNIT of @WALKSTAND and|then my|his|her? @LEG_REGION",
    "after|within @HEDGE? #NUM @DIST_UNIT|@TIME_UNIT",
    "worse|worsens _3 the longer|more|further|farther i @WALKSTAND",
    "worse|harder @WALKSTAND",
    "with|w/ prolonged? @WALKSTAND",
    "@WALKSTAND _2 make|makes|made|making _2 worse",
    "worse|worsens|hurts|hurt|numb|aches _2 with|when|while|after|on @WALKSTAND",
    "@WALKSTAND _2 bring|brings|brought|triggers|trigger|causes|cause",
    "on my|his|her|their|your|our feet",
    # "once I've walked a block", "after she's stood a while"
    "when|while|whenever|if|after|once|as i|he|she|we|they|you 've|have|has|had|'d|'s @WALKSTAND",
    # "heavy on walks", "during my walk", "on standing"
    "on|during a|my|his|her|our|their|the|long? @WALKSTAND",
    # a symptom said with the activity: "legs go numb walking", "pain standing"
    "@LEG_SYMPTOM walking|standing|ambulating|walkin",
    "@LEG_REGION walking|standing|ambulating|walkin",  # "numb in my thighs walking round the store"
    # "after standing more than a few minutes", "by the end of a walk"
    "after|before @WALKSTAND",
    # "standing at work is unbearable", "standing in line anywhere is torture"
    "@WALKSTAND _4 is|'s|are|gets unbearable|torture|agony|murder|hell|impossible|miserable|excruciating",
    # a walking limit said without a number: "I have to stop after about a block"
    "after|within @HEDGE? a|an|one|half|few|couple @DIST_UNIT|@TIME_UNIT",
    "after|within @HEDGE? half a|a|of? @DIST_UNIT|@TIME_UNIT",
    # a distance before the legs give out: "ten or fifteen steps before his legs seize up"
    "@DIST_UNIT _2 before|until|till _3 @LEG_REGION",
    "@WALKSTAND for? long|awhile",
    "@WALKSTAND too long|far|much",
    "@WALKSTAND for a while|bit",
    "@WALKSTAND for any length|amount",
    "@WALKSTAND for long periods",
    "@CAN @NOT @WALKSTAND _2 far|long|much|more",
    "@CAN @NOT @WALKSTAND _4 without",
    "unable to @WALKSTAND _2 far|long|much|more",
    "long walks",
    "@WALKSTAND in line|lines",
    "@WALKSTAND _8 before|until|till|then _2 @LEG_REGION",
    "after|when i? 've|have|had? been @WALKSTAND",
    "nic",
    "claudication",
]
TRIGGER_NEGATIONS = [
    "@WALKSTAND _1 does|do|did @NOT bother|affect|matter|change|make|trigger|cause|bring|start|set",
    "@WALKSTAND is|'s|feels fine|ok|okay|good",
    "@WALKSTAND _2 helps|help|helped|eases|loosens",
    "@WALKSTAND _3 make|makes|made|making _2 better|easier",
    "does|do @NOT matter _3 @WALKSTAND",
    "i can walk fine|normally|without",
]
RELIEF = cooccur(
    ["@POSTURE", "shopping cart", "lean|leaning|bend|bending forward", "bend|bending over", "sit|sitting down"],
    ["@RELIEF"],
    7,
)
RELIEF += [
    *cooccur(["@POSTURE"], ["carry on", "keep going", "go on", "get going", "keep walking"], 8),
    "have|has|had to sit|sit down",
    # the shopping-cart sign: leaning on something to keep going
    "lean|leaning|leant|leaned|bend|bending on|over _2 cart|carts|carriage|trolley|walker|counter|sink",
    *cooccur(["@POSTURE", "lean|leaning|bend|bending forward"], ["pressure|edge|weight off"], 6),
]
RELIEF_NEGATIONS = [
    "@POSTURE _1 make|makes|made _2 worse",
    "worse _2 @POSTURE",
    "@POSTURE hurts|hurt|kills",
    "even @POSTURE",
    "@POSTURE down? _2 makes|made|make no|little difference",
    # (not "help": "sitting doesn't help" is a negated relief span, and a cue with the same
    # extent would share its Span._ values in spaCy 3.4)
    "@POSTURE down? does|do|did @NOT matter|change _1 anything?",
    "hurts|hurt|painful _3 @POSTURE",
    "@POSTURE _4 does|do|did nothing",  # "sitting in a chair or bending over does nothing"
]


# --- context check -------------------------------------------------------------------


def check_trigger(span: Span) -> bool:
    """ "after 5 minutes" is a trigger only about walking or standing, not about sitting's relief
    ("sitting down makes it go away within a minute or two")."""
    if span[0].lower_ not in ("after", "within"):
        return True
    words = {t.lower_ for t in containing(clauses(span.doc), span)}
    return bool(words & lx.WALK_STAND) or not words & (lx.POSTURES | lx.RELIEF_WORDS)


# --- readings ------------------------------------------------------------------------


def _eases(m: ParsedMessage, span: Span) -> bool:
    """Whether the trigger's clause says walking or standing eases the legs."""
    words = clause_words(m, span)
    return bool(words & EASED_WORDS) and not words & (WORSENED_WORDS | lx.POSTURES)


def read_leg_symptoms(m: ParsedMessage):
    """leg_symptoms: yes / no."""
    symptoms = m.stated("leg_symptom")
    if any(not s._.negated for s in symptoms):
        return YES
    if symptoms or any(not s._.negated for s in m.stated("leg_ok") + m.stated("back_only")):
        return NO
    return None


def read_walking_standing_trigger(m: ParsedMessage):
    """walking_standing_trigger: yes / no."""
    asked = m.requested_slot in ("leg_symptoms", "walking_standing_trigger")
    legs = [s for s in m.stated("leg_symptom") if not s._.negated]
    triggers = m.stated("trigger")
    denials = m.stated("trigger_neg")
    for span in triggers:
        if span._.negated or any(overlaps(d, span) for d in denials):
            continue  # "walking doesn't make it worse"
        if _eases(m, span):
            denials = [*denials, span]  # "it feels better when I walk"
            continue
        same_sentence_legs = any(m.sentence_of(leg) == m.sentence_of(span) for leg in legs)
        near = m.words_near(span)
        if not asked and not same_sentence_legs and "back" in near and not near & lx.LEG_WORDS:
            continue  # "my lower back aches when I stand": the question is about the legs
        in_context = asked or near & TRIGGER_CONTEXT or same_sentence_legs
        if in_context:
            return YES
    if denials or any(s._.negated for s in triggers):
        return NO
    return None


def read_sitting_leaning_relief(m: ParsedMessage):
    """sitting_leaning_relief: yes / no / unsure."""
    reliefs = m.stated("relief")
    said = sorted(
        [(s.start, NO if s._.negated else YES) for s in reliefs] + [(s.start, NO) for s in m.stated("relief_neg")]
    )
    if len({value for _, value in said}) > 1 and corrects(m):
        return said[-1][1]  # "I said sitting helps, but thinking about it, it doesn't ... does nothing"
    if any(not s._.negated for s in reliefs):
        if any(unsure_before(m, s) for s in reliefs):
            return "unsure"  # "I'm not sure if sitting helps"
        return YES
    if m.stated("relief_neg") or reliefs:
        return NO
    return None
