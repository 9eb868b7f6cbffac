"""Writes the examples of a test file whose text is not also a training example.

    python -m scripts.unseen_examples tests/data/nlu_blind/blind_test.yml data/nlu out.yml

Short answers ("yes", "hi") are written the same way by anyone; scoring them measures
memory, not understanding, so the blind figures are taken on the rest.
"""

from __future__ import annotations

import sys

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def main(test_path: str, training_path: str, out_path: str) -> int:
    seen = {_key(e.get("text")) for e in load_data(training_path).training_examples if e.get("text")}
    test = load_data(test_path).training_examples
    unseen = [e for e in test if e.get("text") and _key(e.get("text")) not in seen]
    RasaYAMLWriter().dump(out_path, TrainingData(training_examples=unseen))
    print(
        f"blind set: {len(test)} examples, {len(test) - len(unseen)} also in the training data "
        f"(left out), {len(unseen)} scored"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
