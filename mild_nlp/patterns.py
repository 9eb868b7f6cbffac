"""Stage 2, patterns: every answer kind's rule patterns, gathered for the `mild_entities` component.

The patterns are written in the notation of mild_nlp.notation. `matcher_patterns()` and
`phrase_patterns()` list them all for mild_nlp.components.
"""

from mild_nlp import lexicon as lx
from mild_nlp import notation
from mild_nlp.kinds import age, duration, history, symptoms, treatments, walking
from mild_nlp.notation import cooccur

SETS = {
    **notation.SHARED_SETS,
    **age.SETS,
    **duration.SETS,
    "ORGAN": lx.BLADDER_BOWEL,
    "CONTROL_LOSS": lx.CONTROL_LOSS,
    "SADDLE": lx.SADDLE_REGIONS,
    "NUMB": lx.NUMBNESS,
    "WEAK": lx.WEAKNESS,
    "PROGRESS": lx.PROGRESSION,
    "FEVER": lx.FEVER_WORDS,
    "CANCER": lx.CANCER_WORDS,
}


def compile_pattern(text: str) -> list[dict]:
    """Compile one pattern in the notation of mild_nlp.notation, with every @SET of the kinds."""
    return notation.compile_pattern(text, SETS)


# --- entities (doc.ents) ---------------------------------------------------------

NUMBER_ENTITIES = [
    *duration.DURATIONS,
    *walking.DISTANCES,
    *age.AGES,
]

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


# --- cues (doc.spans["mild_cues"]) -------------------------------------------------


def matcher_patterns() -> list[tuple[str, str]]:
    """All (key, notation) token patterns."""
    keyed = [
        ("red_flag", RED_FLAGS),
        ("urgent_flag", URGENT_FLAGS),
        ("leg_symptom", symptoms.LEG),
        ("leg_ok", symptoms.LEG_OK),
        ("back_only", symptoms.BACK_ONLY),
        ("back_surgery", history.SURGERY),
        ("trigger", symptoms.TRIGGERS),
        ("trigger_neg", symptoms.TRIGGER_NEGATIONS),
        ("relief", symptoms.RELIEF),
        ("relief_neg", symptoms.RELIEF_NEGATIONS),
        ("tx_failed", treatments.TREATMENT_FAILED),
        ("tx_helped", treatments.TREATMENT_HELPED),
        ("tx_ellipsis", treatments.TREATMENT_ELLIPSIS),
        ("onset", duration.ONSETS),
    ]
    patterns = list(NUMBER_ENTITIES) + list(walking.WALK_PHRASES)
    for key, notations in keyed:
        patterns += [(key, notation) for notation in notations]
    return patterns


def phrase_patterns() -> list[tuple[str, tuple[str, ...]]]:
    """All (key, phrases) PhraseMatcher lists."""
    return [
        *treatments.PHRASES,
        *history.PHRASES,
    ]
