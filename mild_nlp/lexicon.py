"""Word lists more than one answer kind uses, or the engine uses (negation scopes, clause splits).

A word list that belongs to one answer kind lives in that kind's module
(mild_nlp/kinds/<kind>.py), beside its patterns; this module keeps the shared ones:
units, hedges, clause and sentence breaks, leg / walking / posture / relief words,
relatives and other body parts.

Everything is lowercase; multi-word entries are matched with a PhraseMatcher
on the LOWER attribute, single words with Matcher `IN` sets.
"""

from mild_nlp.normalize import DISTANCE_UNITS, DURATION_UNITS, WALKING_TIME_UNITS

DURATION_UNIT_WORDS = frozenset(DURATION_UNITS)
DISTANCE_UNIT_WORDS = frozenset(DISTANCE_UNITS)
TIME_UNIT_WORDS = frozenset(WALKING_TIME_UNITS)

# Hedges never belong to a span ("about 2 years" -> "2 years").
HEDGES = frozenset(
    "about around maybe almost nearly like roughly approximately approx over just only probably perhaps close".split()
)

# Tokens that end a clause for co-occurrence windows and negation scopes.
CLAUSE_BREAKS = frozenset(
    [".", "!", "?", ";", ":", ",", "\n", "but", "however", "though", "although", "except", "whereas"]
)
SENTENCE_BREAKS = frozenset([".", "!", "?", ";", "\n", "…"])
CONTRAST_WORDS = frozenset(["but", "however", "though", "although", "whereas", "yet"])
QUESTION_STARTERS = frozenset(
    "what whats how why where which who is are do does can could should will would am did".split()
)
WH_WORDS = frozenset("what whats how why where which who".split())

# --- legs, walking, sitting (symptoms, walking, duration, flags; negation scopes) ------

LEG_REGIONS = frozenset(
    "leg legs buttock buttocks butt bum glute glutes thigh thighs calf calves "
    "foot feet toes shin shins hamstring hamstrings bottom legz leggs".split()
)
LEG_SYMPTOMS = frozenset(
    "pain pains painful hurt hurts hurting ache aches aching achy numb numbness "
    "tingle tingles tingling tingly heavy heaviness weak weakness burning burn burns "
    "cramp cramps cramping sore soreness throbbing shooting tired fatigue fatigued "
    "jelly rubbery sciatica radiates radiating radiate spreads spreading travels "
    "numm nunb numbe tingeling shoots fire screaming killing dead "
    "trouble bother bothers bothering seize seizes seizing".split()  # "my legs give me trouble", "seize up"
)
# Words that make a statement about the legs (durations, triggers).
LEG_WORDS = LEG_REGIONS | frozenset(["sciatica"])
WALK_STAND = frozenset(
    "walk walking walks walked stand standing stands stood hike hiking "
    "amb ambulation ambulating ambulate wlak walkin walkng".split()
)
POSTURES = frozenset(
    "sit sits sitting sittin sat seated lean leans leaning leaned bend bends bending bent "
    "stoop stooping hunch hunched hunching cart carts walker squat squatting crouch "
    "crouching chair flexion flexed".split()
)
RELIEF_WORDS = frozenset(
    "help helps helped helping better ease eases eased easing relief relieves relieve "
    "relieved away gone fades fade disappears disappear improves improve improved "
    "subsides subside calms settles fine okay ok fixes fix fixed passes stop stops sorts".split()
)

# --- people and body parts --------------------------------------------------------

# Relatives: "my mother had cancer", "my husband takes warfarin", "caller is pt's son", "my dad is 83".
FAMILY_WORDS = frozenset(
    "mother mom mum father dad sister brother wife husband son daughter family aunt "
    "uncle grandmother grandfather grandma grandpa cousin parents parent friend "
    "mother's mom's father's dad's hubby".split()
)

# Not the lower back: "knee surgery", "a cortisone shot in my shoulder".
OTHER_BODY_PARTS = frozenset(
    "knee knees hip hips heart shoulder shoulders eye eyes cataract cataracts hernia "
    "gallbladder bypass cardiac bariatric neck cervical hand hands wrist wrists foot "
    "ankle breast brain carpal dental sinus prostate colon appendix bladder thyroid "
    "elbow cosmetic plastic weight belly stomach abdomen tummy arm".split()
)
