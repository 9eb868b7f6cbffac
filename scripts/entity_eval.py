"""Entity F1 of the project's spaCy pipeline on annotated NLU examples.

Rasa's `rasa test nlu` leaves out SpacyEntityExtractor (it counts as "pretrained"), so this
script scores the pipeline's entities itself: an entity counts as correct when its label, start
and end match the annotation exactly. Prints micro precision/recall/F1 and F1 per label.

    python -m scripts.entity_eval results/eval/split/test_data.yml
"""

from __future__ import annotations

import sys
from collections import Counter

from rasa.shared.nlu.training_data.loading import load_data

from mild_nlp.pipeline import get_nlp

LABELS = ("duration", "age", "walking_distance", "treatment")


def spans(entities) -> set:
    return {(e["entity"], e["start"], e["end"]) for e in entities if e["entity"] in LABELS}


def main(path: str) -> int:
    nlp = get_nlp()
    counts = {label: Counter() for label in LABELS}
    examples = [e for e in load_data(path).training_examples if e.get("text")]
    for example in examples:
        gold = spans(example.get("entities") or [])
        doc = nlp(example.get("text"))
        found = {(ent.label_, ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in LABELS}
        for label, *_ in found & gold:
            counts[label]["tp"] += 1
        for label, *_ in found - gold:
            counts[label]["fp"] += 1
        for label, *_ in gold - found:
            counts[label]["fn"] += 1

    def f1(c: Counter) -> tuple[float, float, float]:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    total = sum(counts.values(), Counter())
    p, r, f = f1(total)
    print(
        f"entity examples:   {sum(1 for e in examples if e.get('entities'))} with {total['tp'] + total['fn']} entities"
    )
    print(
        f"entity micro-F1:   {f:.3f}  (precision {p:.3f}, recall {r:.3f}; target >= 0.90)  "
        + ", ".join(f"{label} {f1(c)[2]:.2f}" for label, c in counts.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
