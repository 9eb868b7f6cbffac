"""Where the pipeline writes what it finds on a Doc (shared by the components and the readers).

Entities go to `doc.ents`; predicates that may overlap them ("cues": trigger, relief, a
treatment's outcome, an onset) go to the span group `doc.spans[CUE_KEY]`.
"""

CUE_KEY = "mild_cues"
NLU_ENTITY_LABELS = ("duration", "age", "walking_distance", "treatment")
CUE_LABELS = frozenset(
    ["trigger", "trigger_neg", "relief", "relief_neg", "tx_helped", "tx_failed", "tx_ellipsis", "onset"]
)
