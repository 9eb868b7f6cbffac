"""Stage 2, patterns: every answer kind's rule patterns, gathered for the `mild_entities` component.

The patterns are written in the notation of mild_nlp.notation, each beside its word lists in
mild_nlp/kinds/<kind>.py. `matcher_patterns()` and `phrase_patterns()` list them all for
mild_nlp.components; `SETS` holds every @SET name (the shared ones and each kind's own).
"""

from mild_nlp import notation
from mild_nlp.kinds import age, duration, flags, history, symptoms, treatments, walking

SETS = {
    **notation.SHARED_SETS,
    **age.SETS,
    **flags.SETS,
    **duration.SETS,
}


def compile_pattern(text: str) -> list[dict]:
    """Compile one pattern in the notation of mild_nlp.notation, with every @SET of the kinds."""
    return notation.compile_pattern(text, SETS)


# Number phrases with a unit (entities: duration, walking_distance, age).
NUMBER_ENTITIES = [
    *duration.DURATIONS,
    *walking.DISTANCES,
    *age.AGES,
]


def matcher_patterns() -> list[tuple[str, str]]:
    """All (key, notation) token patterns: entities (doc.ents), then cues (doc.spans["mild_cues"])."""
    keyed = [
        ("red_flag", flags.RED_FLAGS),
        ("urgent_flag", flags.URGENT_FLAGS),
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
    for key, texts in keyed:
        patterns += [(key, text) for text in texts]
    return patterns


def phrase_patterns() -> list[tuple[str, tuple[str, ...]]]:
    """All (key, phrases) PhraseMatcher lists (treatments, surgery, imaging, blood thinners)."""
    return [
        *treatments.PHRASES,
        *history.PHRASES,
    ]
