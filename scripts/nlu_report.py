"""Prints the held-out NLU figures from a `rasa test nlu` report folder.

python -m scripts.nlu_report results/eval/report ["blind examples"]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

INTENT_TARGET = 0.95
ENTITY_TARGET = 0.90


def main(folder: str, title: str = "held-out examples") -> int:
    report = Path(folder)
    intents = json.loads((report / "intent_report.json").read_text())
    n_test = intents["macro avg"]["support"]
    intent_f1 = intents["macro avg"]["f1-score"]
    print(f"{title}: {n_test}")
    print(f"intent macro-F1:   {intent_f1:.3f}  (target >= {INTENT_TARGET})")
    worst = sorted(
        (v["f1-score"], k)
        for k, v in intents.items()
        if isinstance(v, dict) and "f1-score" in v and k not in ("macro avg", "weighted avg", "micro avg")
    )
    print("lowest intents:    " + ", ".join(f"{k} {f:.2f}" for f, k in worst[:4]))
    ok = intent_f1 >= INTENT_TARGET
    for path in sorted(report.glob("*Extractor_report.json")):
        entities = json.loads(path.read_text())
        labels = {
            k: v
            for k, v in entities.items()
            if isinstance(v, dict) and k not in ("macro avg", "weighted avg", "micro avg")
        }
        micro = entities.get("micro avg") or entities.get("weighted avg")
        name = path.name.replace("_report.json", "")
        print(
            f"entity F1 ({name}): micro {micro['f1-score']:.3f}  (target >= {ENTITY_TARGET})  "
            + ", ".join(f"{k} {v['f1-score']:.2f}" for k, v in sorted(labels.items()))
        )
        ok = ok and micro["f1-score"] >= ENTITY_TARGET
    print("intent target met" if ok else "intent target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
