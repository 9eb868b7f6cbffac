"""mild_nlp.second_reader and its training: the learned reader of red and urgent flags."""

from dataclasses import replace

import numpy as np
import pytest

from mild_nlp import second_reader_training as training
from mild_nlp.second_reader import CLASSES, FLAG, UNSURE, ClauseReading, SecondReader


@pytest.fixture(scope="module")
def reader():
    return SecondReader.load()


def test_each_clause_gets_its_own_reading(reader):
    readings = reader.read("My legs get heavy after a block, and I can't control my bladder since yesterday")
    assert len(readings) == 2
    assert readings[1].red > readings[0].red
    assert all(abs(r.red + r.urgent + r.none - 1) < 1e-6 for r in readings)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("I've wet myself twice since yesterday", "red"),
        ("can't feel anything when I wipe since Monday", "red"),
        ("I had breast cancer in 2015", "urgent"),
        ("slipped on the ice last week and landed on my back", "urgent"),
    ],
)
def test_plain_flags_are_at_least_worth_a_question(reader, text, kind):
    best = max(reader.read(text), key=lambda r: getattr(r, kind))
    assert reader.verdict(best, kind) in (FLAG, UNSURE)


def test_empty_text_has_no_reading(reader):
    assert reader.read("") == [] and reader.read("   ") == []


def _probs(p_true, p_none):
    y = np.array([1] * len(p_true) + [0] * len(p_none))
    probs = np.zeros((len(y), 3))
    probs[:, 1] = np.concatenate([p_true, p_none])
    return probs, y


def test_thresholds_keep_the_recall_when_clauses_without_a_flag_score_low():
    p_true, p_none = np.linspace(0.05, 0.99, 200), np.linspace(0.0, 0.04, 800)
    probs, y = _probs(p_true, p_none)
    flag, unsure = training._thresholds(probs, y, 1)
    assert (p_true >= unsure).mean() >= training.UNSURE_RECALL
    chosen = probs[:, 1] >= flag
    assert (y[chosen] == 1).mean() >= training.FLAG_PRECISION and flag > unsure


def test_thresholds_never_ask_on_more_than_the_budget_of_clauses_without_a_flag():
    p_true, p_none = np.linspace(0.05, 0.99, 200), np.linspace(0.0, 0.3, 800)
    probs, y = _probs(p_true, p_none)
    _flag, unsure = training._thresholds(probs, y, 1)
    assert (p_none >= unsure).mean() <= training.NONE_BUDGET["red"] + 1e-9


def test_a_class_without_written_clauses_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "only_red.yml").write_text('red:\n  - "I wet myself"\n', encoding="utf-8")
    monkeypatch.setattr(training, "CLAUSES", tmp_path)
    monkeypatch.setattr(training, "NLU_NONE_FILES", ())
    monkeypatch.setattr(training, "_nlu_examples", lambda *a, **k: [])
    with pytest.raises(RuntimeError, match="no training clauses for none, urgent"):
        training.training_set()


def test_written_clauses_are_merged_across_files(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text('red:\n  - "I wet myself"\nnone:\n  - "my legs ache"\n', encoding="utf-8")
    (tmp_path / "b.yml").write_text('urgent:\n  - "I had cancer"\nnone:\n  - "I am 72"\n', encoding="utf-8")
    monkeypatch.setattr(training, "CLAUSES", tmp_path)
    written = training._written()
    assert written == {"none": ["my legs ache", "I am 72"], "red": ["I wet myself"], "urgent": ["I had cancer"]}
    assert set(written) == set(CLASSES)


def test_a_change_of_the_data_makes_the_saved_reader_stale(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text('red:\n  - "I wet myself"\n', encoding="utf-8")
    monkeypatch.setattr(training, "CLAUSES", tmp_path)
    before = training.data_hash()
    (tmp_path / "a.yml").write_text('red:\n  - "I wet myself twice"\n', encoding="utf-8")
    assert training.data_hash() != before
    assert not training.is_current(tmp_path / "missing.pkl")


def test_short_replies_are_read_once_and_long_clauses_always(reader):
    first = reader.read("No, not really")
    assert "no, not really" in reader._short
    assert reader.read("no,  NOT really")[0].red == first[0].red
    reader.read("my legs get heavy after a block or so")
    assert "my legs get heavy after a block or so" not in reader._short


# --- the context head: the patient's present problem, or not -----------------------------


@pytest.mark.parametrize(
    "now,not_now,kind",
    [
        ("I had breast cancer in 2015", "My neighbour had cancer", "urgent"),
        ("I've wet myself twice since yesterday", "What if I lose control of my bladder one day?", "red"),
    ],
)
def test_the_context_head_keeps_a_present_flag_and_drops_one_that_is_not(reader, now, not_now, kind):
    present = max(reader.read(now), key=lambda r: getattr(r, kind))
    absent = max(reader.read(not_now), key=lambda r: getattr(r, kind))
    assert reader.is_current(present) and reader.verdict(present, kind) in (FLAG, UNSURE)
    assert not reader.is_current(absent) and reader.verdict(absent, kind) is None


def test_a_reading_the_context_head_is_sure_of_gets_no_verdict_whatever_its_topic(reader):
    sure_topic = ClauseReading("x", 0, 1, red=0.99, urgent=0.0, none=0.01, current=0.0)
    assert reader.verdict(sure_topic, "red") is None
    assert reader.verdict(replace(sure_topic, current=1.0), "red") == FLAG


def test_without_a_context_head_every_verdict_is_the_topics(reader):
    bare = SecondReader(reader.model, reader.words, reader.chars, reader.thresholds, context=None)
    reading = ClauseReading("x", 0, 1, red=0.99, urgent=0.0, none=0.01, current=0.0)
    assert bare.is_current(reading) and bare.verdict(reading, "red") == FLAG


def test_context_clauses_are_merged_with_the_true_flags_as_current(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text(
        'current:\n  - "Dad wet himself on Sunday"\nnot_current:\n  - "no fever"\n  - "my wife fell"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(training, "CONTEXTS", tmp_path)
    texts, labels = training.context_set(["I wet myself", "dad wet himself on sunday"])
    assert dict(zip(texts, labels.tolist(), strict=True)) == {
        "I wet myself": 1,
        "dad wet himself on sunday": 1,
        "no fever": 0,
        "my wife fell": 0,
    }


def test_a_change_of_the_context_clauses_makes_the_saved_reader_stale(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text('current:\n  - "I wet myself"\n', encoding="utf-8")
    monkeypatch.setattr(training, "CONTEXTS", tmp_path)
    before = training.data_hash()
    (tmp_path / "a.yml").write_text('current:\n  - "I wet myself"\nnot_current:\n  - "no fever"\n', encoding="utf-8")
    assert training.data_hash() != before
