"""Walking tolerance (`walking_tolerance`): how far the person can walk before they have to stop.

- word lists: what makes a distance a statement about walking, past abilities, standing words;
- patterns: distances and walking times ("2 blocks", "5 minutes") as `walking_distance`
  entities, and everyday phrases ("to the mailbox", "no limit") as `walk_phrase` with their bucket;
- context check: a walking time counts only in a sentence about walking or standing;
- reading: the spec bucket (distances and times in feet by mild_nlp.normalize.walking_bucket).
"""

from spacy.tokens import Span

from mild_nlp import lexicon as lx
from mild_nlp.message import ParsedMessage, clause_words, corrects
from mild_nlp.normalize import walking_bucket
from mild_nlp.segments import sentence_words

# --- word lists ----------------------------------------------------------------------

# Words that make a walking quantity a statement about walking tolerance.
WALKING_CONTEXT = lx.WALK_STAND | frozenset(
    "stop stopping stops rest resting after before until till manage make go get "
    "far distance limit walker cane rollator".split()
)
UPPER_BOUND_BEFORE = frozenset("under almost nearly barely <".split())
UPPER_BOUND_PAIRS = frozenset(
    [("less", "than"), ("fewer", "than"), ("not", "even"), ("n't", "even"), ("not", "quite"), ("shy", "of")]
)
# "I used to walk two miles", "I could walk 5 miles in my forties"
PAST_ABILITY = frozenset("used younger thirties forties fifties sixties career".split())
STAND_WORDS = frozenset("stand standing stands stood".split())
BUCKET_BELOW = {
    "over_2_miles": "2_blocks_to_2_miles",
    "2_blocks_to_2_miles": "50_feet_to_2_blocks",
    "50_feet_to_2_blocks": "under_50_feet",
    "under_50_feet": "under_50_feet",
}


# --- patterns ------------------------------------------------------------------------

DISTANCES = [
    ("walking_distance", "#NUM @DIST_UNIT"),
    ("walking_distance", "#NUM @DIST_UNIT and a|one half"),
    ("walking_distance", "#NUM @DIST_UNIT or|to|- #NUM"),
    ("walking_distance", "#NUM @TIME_UNIT"),
]
WALK_PHRASES = [
    ("walk_phrase|under_50_feet", "@CAN @NOT walk _1 at all"),
    ("walk_phrase|under_50_feet", "unable to walk _1 at all"),
    ("walk_phrase|under_50_feet", "across the|my living|bed? room"),
    ("walk_phrase|50_feet_to_2_blocks", "to the mailbox|corner"),
    ("walk_phrase|50_feet_to_2_blocks", "to the mail box"),
    ("walk_phrase|50_feet_to_2_blocks", "to the end of the|my driveway"),
    ("walk_phrase|50_feet_to_2_blocks", "not very|that|too|so? far"),
    ("walk_phrase|50_feet_to_2_blocks", "@CAN @NOT walk|go very? far"),
    ("walk_phrase|2_blocks_to_2_miles", "around the block"),
    ("walk_phrase|over_2_miles", "no limit|limits"),
    ("walk_phrase|over_2_miles", "as far|long|much as i want|like|need|wish|choose"),
    ("walk_phrase|over_2_miles", "for? hours|miles"),
    ("walk_phrase|over_2_miles", "@WALKSTAND _2 all day"),
    ("walk_phrase|over_2_miles", "forever"),
    ("walk_phrase|over_2_miles", "unlimited"),
]


# --- context check -------------------------------------------------------------------


def check_walking_distance(span: Span) -> bool:
    """Keep a walking time ("5 minutes") only in a sentence about walking or standing."""
    if span[-1].lower_ in lx.TIME_UNIT_WORDS:
        return bool(sentence_words(span) & lx.WALK_STAND)
    return True


# --- reading -------------------------------------------------------------------------


def read_walking_tolerance(m: ParsedMessage):
    """walking_tolerance: the spec bucket of the distance or phrase said now (corrections last)."""
    requested = m.requested_slot == "walking_tolerance"
    candidates = sorted(m.stated("walking_distance") + m.stated("walk_phrase"), key=lambda s: s.start)
    # a number before a vague phrase ("not far at all, maybe 10 steps"); what is said now,
    # not what used to be ("I used to walk two miles, now ..."); the corrected distance last
    candidates = [s for s in candidates if not clause_words(m, s) & PAST_ABILITY]
    candidates.sort(key=lambda s: s.label_ == "walk_phrase")
    if len(candidates) > 1 and corrects(m):
        candidates.reverse()
    for span in candidates:
        if not requested and not m.words_near(span) & WALKING_CONTEXT:
            continue
        if span[-1].lower_ in lx.TIME_UNIT_WORDS and _about_standing(m, span):
            continue  # "after 5 min of standing at the sink": not how far they can walk
        if span.label_ == "walk_phrase":
            # "can't even walk to the mailbox": less than that
            return BUCKET_BELOW.get(span._.mild_value) if span._.negated else span._.mild_value
        bucket = walking_bucket(span.text, upper_bound=span._.negated or _is_upper_bound(span))
        if bucket:
            return bucket
    return _bare_walking_time(m) if requested else None


def _about_standing(m: ParsedMessage, span: Span) -> bool:
    words = m.words_near(span)
    return bool(words & STAND_WORDS) and not words & (lx.WALK_STAND - STAND_WORDS)


def _bare_walking_time(m: ParsedMessage) -> str | None:
    """ "5 minutes" answering "How far can you walk?" (no walking word needed)."""
    for start, end, _ in m.doc._.mild_numbers:
        if end < len(m.doc) and m.doc[end].lower_ in lx.TIME_UNIT_WORDS:
            return walking_bucket(m.doc[start : end + 1].text)
    return None


def _is_upper_bound(span: Span) -> bool:
    """ "less than a block", "almost 2 miles": the distance is a limit not reached."""
    doc = span.doc
    before = [doc[i].lower_ for i in range(max(0, span.start - 2), span.start)]
    return bool(before and before[-1] in UPPER_BOUND_BEFORE) or tuple(before) in UPPER_BOUND_PAIRS
