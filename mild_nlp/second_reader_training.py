"""Training the second reader (mild_nlp.second_reader) from the project's own clauses.

    python -m mild_nlp.second_reader_training [models/flag_reader/reader.pkl]

Data: data/flag_reader/*.yml (mappings red / urgent / none of clauses written for this reader),
plus, as more "none" clauses, the side-question, greeting, yes/no and screening-answer
examples of data/nlu (FLAG_TOPIC) and, as more "red" clauses, the report_red_flag examples.
Nothing under tests/ is read.

The model is a class-balanced softmax regression (scikit-learn) over TF-IDF word and
character n-grams and the MiniLM sentence vectors (second_reader.features). The two
thresholds of each flag kind are chosen on 5-fold out-of-fold probabilities: "unsure" low
enough that 99% of the true flags reach it, but never so low that more than 6% (red) or 8%
(urgent) of the clauses without a flag do (NONE_BUDGET: a question is cheaper than
a missed emergency, yet a question on every fifth ordinary answer teaches people to say no;
the rules are the other reader, and the union is measured by scripts/flag_stress_eval.py).
With the 1,400 hard negatives of hard_none_07 a 3% urgent budget cost recall (out of fold
0.94, and urgent flags were missed on the stress sets): the budgets are set so that the
99% recall decides on today's data, and a budget only bites on data that would ask far
more often;
"flag" where precision reaches 97%. The model, the vectorizers, the thresholds
and a hash of the data and this module are pickled together (build output, never in git),
so a change of either retrains (`is_current`).

The context head (second_reader.SecondReader.is_current) is trained beside it, on
data/context_reader/*.yml (mappings current / not_current of clauses about a flag's topic:
the patient's present problem, or negated, over, hypothetical, a question, somebody else's,
explained or long stable) plus every true flag clause of the topic set as `current`. Its
threshold lets 99.5% of the true flags (out of fold) through (CONTEXT_RECALL): only a
clause it is that sure of loses the learned reader's flag.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from pathlib import Path

import numpy as np
import yaml

from mild_nlp.second_reader import CLASSES, ROOT, WEIGHTS, features

CLAUSES = ROOT / "data" / "flag_reader"
CONTEXTS = ROOT / "data" / "context_reader"
CONTEXT_RECALL = 0.995
CONTEXT_MAX_THRESHOLD = 0.5
NLU = ROOT / "data" / "nlu"
NLU_NONE_FILES = ("basics.yml", "faq.yml", "screening_start.yml", "answers.yml")
# The screening answers of data/nlu/inform.yml are "none" too (legs numb after a block, PT
# didn't help, I'm 72), except those about a flag's topic, which are left out rather than
# guessed: a fall, an injury, cancer, weight, bladder, bowels, fever or the saddle area.
FLAG_TOPIC = re.compile(
    r"cancer|tumou?r|chemo|radiat|oncolog|lymphoma|leuk|melanoma|fell|fall|slip|trip|"
    r"injur|accident|crash|hurt|weight|pounds|lbs|kilo|stone|bladder|bowel|pee|urin|"
    r"wet|leak|toilet|incontin|fever|chill|temperat|sweat|saddle|groin|crotch|"
    r"genital|private|down there|weak|drop|drag|give way|gives way|emergenc",
    re.I,
)
UNSURE_RECALL = 0.99
NONE_BUDGET = {"red": 0.06, "urgent": 0.08}  # an emergency may cost more needless questions
FLAG_PRECISION = 0.97
C = 16.0
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def _sources() -> list[Path]:
    code = [Path(__file__), Path(__file__).with_name("second_reader.py")]
    return (
        _clause_files()
        + _context_files()
        + code
        + [NLU / name for name in NLU_NONE_FILES + ("red_flags.yml", "inform.yml")]
    )


def _clause_files() -> list[Path]:
    return sorted(CLAUSES.glob("*.yml")) if CLAUSES.is_dir() else []


def _first_of_each(rows: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Texts and labels, each text once (the first of its spellings in case and spaces)."""
    seen, texts, labels = set(), [], []
    for text, label in rows:
        key = text.lower().strip()
        if key and key not in seen:
            seen.add(key)
            texts.append(text)
            labels.append(label)
    return texts, labels


def _context_files() -> list[Path]:
    return sorted(CONTEXTS.glob("*.yml")) if CONTEXTS.is_dir() else []


def context_set(flag_texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Texts and labels (1 = current, 0 = not current) of the context head: the written
    context clauses plus `flag_texts` (the topic set's true flags) as current."""
    rows = [(t, 1) for t in flag_texts]
    for path in _context_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows += [(str(t), 1) for t in data.get("current") or []]
        rows += [(str(t), 0) for t in data.get("not_current") or []]
    texts, labels = _first_of_each(rows)
    return texts, np.array(labels)


def _written() -> dict[str, list[str]]:
    """Every file's red / urgent / none lists, concatenated."""
    merged: dict[str, list[str]] = {label: [] for label in CLASSES}
    for path in _clause_files():
        for label, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if label in merged:
                merged[label] += [str(t) for t in texts or []]
    return merged


def data_hash() -> str:
    digest = hashlib.sha256()
    for path in _sources():
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def load_saved(path: Path = WEIGHTS) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f)


def is_current(path: Path = WEIGHTS) -> bool:
    try:
        return load_saved(path).get("source_hash") == data_hash()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return False


def _nlu_examples(path: Path, intent: str | None = None) -> list[str]:
    texts = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        if "intent" not in block or (intent and block["intent"] != intent):
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(_ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:]).strip())
    return texts


def training_set() -> tuple[list[str], np.ndarray]:
    """Texts and class indices (CLASSES order)."""
    written = _written()
    rows: list[tuple[str, int]] = []
    for name in CLASSES:
        rows += [(t, CLASSES.index(name)) for t in written[name]]
    rows += [(t, CLASSES.index("red")) for t in _nlu_examples(NLU / "red_flags.yml", "report_red_flag")]
    for name in NLU_NONE_FILES:
        rows += [(t, CLASSES.index("none")) for t in _nlu_examples(NLU / name)]
    rows += [
        (t, CLASSES.index("none")) for t in _nlu_examples(NLU / "inform.yml", "inform") if not FLAG_TOPIC.search(t)
    ]
    texts, labels = _first_of_each(rows)
    missing = [name for k, name in enumerate(CLASSES) if k not in labels]
    if missing:
        raise RuntimeError(
            f"second reader: no training clauses for {', '.join(missing)} (expected them in {CLAUSES}/*.yml)"
        )
    return texts, np.array(labels)


def _vectorizers(texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2).fit(texts)
    return words, chars


def _fit(texts: list[str], vectors: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    words, chars = _vectorizers(texts)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    model.fit(features(words, chars, texts, vectors), y)
    return model, words, chars


def _thresholds(probs: np.ndarray, y: np.ndarray, k: int) -> tuple[float, float]:
    """(flag, unsure) thresholds for class k from out-of-fold probabilities."""
    p_true = np.sort(probs[y == k, k])
    unsure = float(p_true[int(np.floor((1 - UNSURE_RECALL) * len(p_true)))]) if len(p_true) else 0.2
    p_none = np.sort(probs[y == 0, k])[::-1]
    if len(p_none):  # never more questions than the budget on clauses without a flag
        budget = NONE_BUDGET[CLASSES[k]]
        last = min(max(int(budget * len(p_none)) - 1, 0), len(p_none) - 1)  # last + 1 reach it
        unsure = max(unsure, float(p_none[last]))
    unsure = min(max(unsure, 0.02), 0.35)
    flag = 0.5
    for t in np.arange(0.4, 0.96, 0.01):
        chosen = probs[:, k] >= t
        if chosen.any() and (y[chosen] == k).mean() >= FLAG_PRECISION:
            flag = float(t)
            break
    return max(flag, unsure + 0.05), unsure


def _out_of_fold(texts: list[str], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """5-fold out-of-fold class probabilities (n, classes) of the model `_fit` trains."""
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros((len(texts), len(set(y.tolist()))))
    for train, held in StratifiedKFold(5, shuffle=True, random_state=7).split(x, y):
        model, words, chars = _fit([texts[i] for i in train], x[train], y[train])
        oof[held] = model.predict_proba(features(words, chars, [texts[i] for i in held], x[held]))
    return oof


def _train_context(encoder, flag_vectors: dict[str, np.ndarray], figures: dict) -> dict | None:
    """The context head and its threshold; None when there are no context clauses.
    `flag_vectors`: the topic set's true flags and their sentence vectors (encoded once)."""
    texts, y = context_set(list(flag_vectors))
    if len(set(y.tolist())) < 2:
        return None
    new = [t for t in texts if t not in flag_vectors]
    vectors = {**flag_vectors, **dict(zip(new, (e.sentence for e in encoder.encode_batch(new)), strict=True))}
    x = np.stack([vectors[t] for t in texts])
    oof = _out_of_fold(texts, x, y)[:, 1]
    p_current = np.sort(oof[y == 1])
    threshold = float(p_current[int(np.floor((1 - CONTEXT_RECALL) * len(p_current)))])
    threshold = min(threshold, CONTEXT_MAX_THRESHOLD)
    model, words, chars = _fit(texts, x, y)
    figures["context_clauses"] = len(texts)
    figures["context_threshold"] = threshold
    figures["context_cv_current_kept"] = float((oof[y == 1] >= threshold).mean())
    figures["context_cv_flags_kept"] = float(
        np.mean([o >= threshold for t, o in zip(texts, oof, strict=True) if t in flag_vectors])
    )
    figures["context_cv_not_current_caught"] = float((oof[y == 0] < threshold).mean())
    return {"model": model, "words": words, "chars": chars, "threshold": threshold}


def train_and_save(path: Path = WEIGHTS, encoder=None) -> dict:
    """Train on all data, choose thresholds by cross-validation, save; returns the figures."""
    if encoder is None:
        from mild_nlp.sentence_encoder import MiniLMEncoder

        encoder = MiniLMEncoder.load()
    texts, y = training_set()
    x = np.stack([e.sentence for e in encoder.encode_batch(texts)])
    oof = _out_of_fold(texts, x, y)
    red = _thresholds(oof, y, CLASSES.index("red"))
    urgent = _thresholds(oof, y, CLASSES.index("urgent"))
    model, words, chars = _fit(texts, x, y)
    figures: dict = {"clauses": len(texts), "red_thresholds": red, "urgent_thresholds": urgent}
    flags = {t: v for t, v, label in zip(texts, x, y, strict=True) if label != CLASSES.index("none")}
    context = _train_context(encoder, flags, figures)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(
            {
                "model": model,
                "words": words,
                "chars": chars,
                "thresholds": {"red": red, "urgent": urgent},
                "context": context,
                "source_hash": data_hash(),
            },
            f,
        )
    tmp.replace(path)
    written_none = {t.lower().strip() for t in _written()["none"]}
    hard = np.array([t.lower().strip() in written_none for t in texts])
    for name, k in (("red", 1), ("urgent", 2)):
        flag, unsure = red if k == 1 else urgent
        true = y == k
        figures[f"{name}_cv_recall_flag"] = float((oof[true, k] >= flag).mean())
        figures[f"{name}_cv_recall_unsure"] = float((oof[true, k] >= unsure).mean())
        figures[f"{name}_cv_false_unsure"] = float((oof[~true, k] >= unsure).mean())
        figures[f"{name}_cv_false_unsure_hard_negatives"] = float((oof[hard, k] >= unsure).mean())
    return figures


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else WEIGHTS
    figures = train_and_save(path)
    print(f"second reader: {figures['clauses']} clauses -> {path}")
    for key, value in figures.items():
        if key != "clauses":
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
