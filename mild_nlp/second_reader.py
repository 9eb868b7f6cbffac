"""The second reader for safety: a learned classifier of red and urgent flags, per clause.

It reads each clause of a message (mild_nlp.clauses) with the MiniLM sentence encoder
(mild_nlp.sentence_encoder) plus TF-IDF word and character n-grams, and a softmax
regression trained on the project's own clause set, data/flag_reader/*.yml (mild_nlp.second_reader_training builds
it into models/flag_reader/reader.pkl). It knows nothing of the rules of mild_nlp: its errors are
not theirs, which is why the two readers are combined for recall (mild_nlp.flag_union).

    reader = SecondReader.load()
    reader.read("I've been wetting myself since Tuesday")
    # [ClauseReading(text=..., red=0.97, urgent=0.01, none=0.02)]

Each reading carries the probabilities; `verdict()` turns them into "flag" (sure),
"unsure" (worth a question) or None, with thresholds chosen on the training set's
cross-validation (second_reader_training) and stored with the weights.

Beside the topic (which flag, if any, a clause is about) the reader has a second, learned
head for context (data/context_reader): whether the clause says the patient has the problem
now, or speaks of it negated, over, hypothetically, as a question or of somebody else
("what if I lose control of my bladder?", "my wife fell last week", "the fever went in
May"). A clause the context head is sure is not current gets no flag verdict; its
threshold is chosen so that 99.5% of the true flags of both clause sets keep theirs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from mild_nlp.clauses import split_clauses

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "models" / "flag_reader" / "reader.pkl"
CLASSES = ("none", "red", "urgent")
FLAG, UNSURE = "flag", "unsure"
VECTOR_WEIGHT = 1.0  # the sentence vector's weight beside the TF-IDF word and character features


SHORT_WORDS, SHORT_CACHE = 3, 4096


def _short_key(text: str) -> Optional[str]:
    """Short replies recur across people ("no", "not sure", "72"): their readings are kept.
    Longer clauses are each person's own words and are always read afresh."""
    words = text.lower().split()
    return " ".join(words) if 0 < len(words) <= SHORT_WORDS else None


def features(words, chars, texts: list[str], vectors: np.ndarray):
    """The reader's input: TF-IDF of word 1-2-grams (negations: "no fever", "denies") and of
    character 2-5-grams (misspellings: "bladdr", "numbnes"), beside the MiniLM sentence vector
    (meaning in other words: "things down there feel dead")."""
    from scipy import sparse

    return sparse.hstack(
        [words.transform(texts), chars.transform(texts), sparse.csr_matrix(vectors * VECTOR_WEIGHT)]
    ).tocsr()


@dataclass(frozen=True)
class ClauseReading:
    """The learned reader's probabilities for one clause."""

    text: str
    start: int
    end: int
    red: float
    urgent: float
    none: float
    current: float = 1.0  # the context head's probability that the clause is the patient's present problem


class SecondReader:
    """Softmax regression over a clause's words, character n-grams and sentence vector;
    thresholds per flag kind."""

    _shared: Optional[SecondReader] = None
    _lock = threading.Lock()

    def __init__(self, model, words, chars, thresholds: dict, encoder=None, context: Optional[dict] = None) -> None:
        self.model, self.words, self.chars, self.thresholds = model, words, chars, thresholds
        self.context = context  # {"model", "words", "chars", "threshold"} or None (no context head)
        self._encoder = encoder
        self._short: dict = {}  # readings of short clauses ("no", "yes I did", "about 2 years")

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> SecondReader:
        """The process-wide reader; trains it first when the weights are missing or stale."""
        with cls._lock:
            if cls._shared is None:
                from mild_nlp import second_reader_training

                if not second_reader_training.is_current(path):
                    second_reader_training.train_and_save(path)
                saved = second_reader_training.load_saved(path)
                cls._shared = cls(
                    saved["model"], saved["words"], saved["chars"], saved["thresholds"], context=saved.get("context")
                )
            return cls._shared

    @property
    def encoder(self):
        if self._encoder is None:
            from mild_nlp.sentence_encoder import MiniLMEncoder

            self._encoder = MiniLMEncoder.load()
        return self._encoder

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """(n, 3) class probabilities in CLASSES order for n clauses and their sentence vectors."""
        return self.model.predict_proba(features(self.words, self.chars, texts, vectors))

    def current_probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """(n,) the context head's probability that each clause is the patient's present problem."""
        if not self.context:
            return np.ones(len(texts))
        c = self.context
        return c["model"].predict_proba(features(c["words"], c["chars"], texts, vectors))[:, 1]

    def read(self, text: str) -> list[ClauseReading]:
        """One reading per clause of `text` (none for empty text)."""
        clauses = split_clauses(text)
        if not clauses:
            return []
        texts = [c.text for c in clauses]
        probs: list = [self._short.get(_short_key(t)) for t in texts]
        todo = [i for i, p in enumerate(probs) if p is None]
        if todo:
            todo_texts = [texts[i] for i in todo]
            vectors = np.stack([e.sentence for e in self.encoder.encode_batch(todo_texts)])
            topic = self.probabilities(todo_texts, vectors)
            current = self.current_probabilities(todo_texts, vectors)
            for i, p, now in zip(todo, topic, current, strict=True):
                p = (*p, now)
                probs[i] = p
                key = _short_key(texts[i])
                if key and len(self._short) < SHORT_CACHE:
                    self._short[key] = p
        return [
            ClauseReading(
                c.text, c.start, c.end, red=float(p[1]), urgent=float(p[2]), none=float(p[0]), current=float(p[3])
            )
            for c, p in zip(clauses, probs, strict=True)
        ]

    def verdict(self, reading: ClauseReading, kind: str) -> Optional[str]:
        """ "flag" when the reader is sure of a `kind` ("red"/"urgent") flag, "unsure" when it
        may be one, else None (also when the context head is sure the clause is not the
        patient's present problem)."""
        if not self.is_current(reading):
            return None
        sure, unsure = self.thresholds[kind]
        p = getattr(reading, kind)
        if p >= sure:
            return FLAG
        if p >= unsure:
            return UNSURE
        return None

    def is_current(self, reading: ClauseReading) -> bool:
        """False when the context head is sure the clause is negated, over, hypothetical, a
        question or somebody else's."""
        return not self.context or reading.current >= self.context["threshold"]
