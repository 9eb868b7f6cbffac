"""mild_nlp.sentence_encoder: the MiniLM encoder (our ONNX graph) against sentence-transformers' own output.

tests/data/minilm/reference_embeddings.json was computed once with sentence-transformers and
PyTorch from the same package's files (see its "source"); the graph written by
mild_nlp/sentence_encoder_graph.py must give the same vectors.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from mild_nlp.sentence_encoder import DIM, MAX_WORDPIECES, MiniLMEncoder
from nlu_components.sentence_featurizer import token_vectors

REFERENCE = json.loads((Path(__file__).parents[2] / "data/minilm/reference_embeddings.json").read_text())


@pytest.fixture(scope="module")
def encoder():
    return MiniLMEncoder.load()


@pytest.mark.parametrize("index", range(len(REFERENCE["texts"])))
def test_sentence_vectors_match_sentence_transformers(encoder, index):
    text, expected = REFERENCE["texts"][index], np.array(REFERENCE["embeddings"][index])
    vector = encoder.encode(text).sentence
    assert vector.shape == (DIM,)
    assert np.abs(vector - expected).max() < 1e-4
    assert np.dot(vector, expected) > 0.9999


def test_batches_give_the_same_vectors_as_single_texts(encoder):
    texts = REFERENCE["texts"] + ["seventy-two", "PT and ibuprofen, didn't help"]
    batch = encoder.encode_batch(texts, batch_size=3)
    for text, enc in zip(texts, batch, strict=True):
        single = encoder.encode(text)
        assert np.allclose(enc.sentence, single.sentence, atol=1e-5)
        assert np.allclose(enc.tokens, single.tokens, atol=1e-4)


def test_similar_questions_are_closer_than_unrelated_ones(encoder):
    hurt = encoder.encode("does the procedure hurt").sentence
    painful = encoder.encode("is it painful").sentence
    weather = encoder.encode("what's the weather tomorrow").sentence
    assert np.dot(hurt, painful) > np.dot(hurt, weather) + 0.2


def test_word_pieces_carry_their_character_spans(encoder):
    enc = encoder.encode("Epidurals didn't help")
    assert len(enc.offsets) == len(enc.tokens)
    assert enc.offsets[0][0] == 0 and enc.offsets[-1][1] == len("Epidurals didn't help")


def test_huge_and_odd_text_is_truncated_not_an_error(encoder):
    enc = encoder.encode("walk " * 10_000)
    assert len(enc.tokens) == MAX_WORDPIECES - 2  # [CLS] and [SEP] are dropped
    for text in ["", "   ", "😀😀", "<script>alert(1)</script>", "我的腿很痛"]:
        vector = encoder.encode(text).sentence
        assert np.isfinite(vector).all() and abs(np.linalg.norm(vector) - 1) < 1e-4


def test_token_vectors_average_the_word_pieces_inside_each_token(encoder):
    text = "epidurals helped"
    enc = encoder.encode(text)
    vectors = token_vectors(enc, [(0, 9), (10, 16), (20, 25)])
    inside = [i for i, (s, e) in enumerate(enc.offsets) if s < 9]
    assert np.allclose(vectors[0], enc.tokens[inside].mean(0))
    assert vectors[1].any()  # a real token gets a real vector
    assert not vectors[2].any()  # a span past the text gets zeros


@pytest.mark.parametrize(
    "setting,cores,threads",
    [("", 2, 2), ("", 1, 1), ("", 8, 2), ("1", 2, 1), ("4", 2, 2), ("0", 2, 1), ("lots", 2, 1)],
)
def test_encoder_threads_follow_the_setting_within_the_cores(monkeypatch, setting, cores, threads):
    from mild_nlp import sentence_encoder

    monkeypatch.setenv("MILD_ENCODER_THREADS", setting)
    monkeypatch.setattr(sentence_encoder.os, "cpu_count", lambda: cores)
    assert sentence_encoder.encoder_threads() == threads


def test_a_short_text_is_kept_and_gives_the_same_vectors_again(encoder):
    first = encoder.encode("no")
    again = encoder.encode_batch(["a longer text that is run afresh each time", "no"])[1]
    assert again is first  # kept, not run again
    fresh = encoder._run(["no"], 32)[0]
    assert np.allclose(first.sentence, fresh.sentence) and np.allclose(first.tokens, fresh.tokens)
    with pytest.raises(ValueError):
        first.sentence[0] = 1.0  # shared by every caller: read-only
    long_a = encoder.encode("a longer text that is run afresh each time")
    long_b = encoder.encode("a longer text that is run afresh each time")
    assert long_a is not long_b and np.allclose(long_a.sentence, long_b.sentence)
