"""Red-flag and urgent-flag mentions of a processed doc.

Hypothetical mentions ("what if I get a fever after the procedure?", "signs of
cauda equina") are neither reported nor counted as negated.
"""

from dataclasses import dataclass, field

from spacy.tokens import Doc

from mild_nlp.labels import CUE_KEY


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
