"""The notation the rule patterns are written in (stage 2), and its compiler to spaCy Matcher patterns.

Each answer kind writes its patterns in mild_nlp/kinds/<kind>.py; mild_nlp.patterns gathers
them for the `mild_entities` component. Token patterns are written in a small notation
compiled to spaCy Matcher patterns by `compile_pattern` (all matching is on lowercase text):

    word        the word itself             a|b|@SET  any of these words
    @SET        any word of a lexicon set   @NOT      not / n't / nt
    #NUM        a number phrase (marked by mild_nlp.numbers.find_numbers)
    _3          up to 3 words that do not cross a clause break
    x?          x is optional

A pattern key is "label" or "label|value"; the value (a treatment category,
a walking bucket, ...) ends up in `Span._.mild_value`.

`@SET` names are those of SHARED_SETS below (word lists more than one answer kind uses)
and the `SETS` of each answer kind module (mild_nlp.patterns merges them).
"""

from collections.abc import Mapping
from itertools import product
from typing import Any

from mild_nlp import lexicon as lx

SHARED_SETS = {
    "LEG_REGION": lx.LEG_REGIONS,
    "LEG_SYMPTOM": lx.LEG_SYMPTOMS,
    "WALKSTAND": lx.WALK_STAND,
    "POSTURE": lx.POSTURES,
    "RELIEF": lx.RELIEF_WORDS,
    "HEDGE": lx.HEDGES,
    "DUR_UNIT": lx.DURATION_UNIT_WORDS,
    "DIST_UNIT": lx.DISTANCE_UNIT_WORDS,
    "TIME_UNIT": lx.TIME_UNIT_WORDS,
    "CAN": frozenset(["can", "ca", "could"]),
    "RELATIVE": lx.FAMILY_WORDS,
}


def compile_pattern(notation: str, sets: Mapping[str, frozenset[str]]) -> list[dict]:
    """Compile one pattern written in the notation above (`sets`: the @SET names)."""
    pattern: list[dict] = []
    for item in notation.split():
        optional = item.endswith("?") and len(item) > 1
        item = item[:-1] if optional else item
        if item == "#NUM":
            pattern += [{"_": {"num_start": True}}, {"_": {"num_in": True}, "OP": "*"}]
            continue
        if item.startswith("_") and item[1:].isdigit():
            gap = {"LOWER": {"NOT_IN": sorted(lx.CLAUSE_BREAKS)}, "OP": "?"}
            pattern += [dict(gap) for _ in range(int(item[1:]))]
            continue
        token: dict[str, Any]
        if item == "@NOT":
            token = {"NORM": "not"}
        elif "|" in item or item.startswith("@"):
            words: set[str] = set()
            for alternative in item.split("|"):
                words |= sets[alternative[1:]] if alternative.startswith("@") else {alternative}
            token = {"LOWER": {"IN": sorted(words)}}
        else:
            token = {"LOWER": item}
        if optional:
            token["OP"] = "?"
        pattern.append(token)
    return pattern


def cooccur(left: list[str], right: list[str], window: int) -> list[str]:
    """Patterns for `left` and `right` in either order, at most `window` words apart."""
    pairs = product(left, right)
    return [p for a, b in pairs for p in (f"{a} _{window} {b}", f"{b} _{window} {a}")]
