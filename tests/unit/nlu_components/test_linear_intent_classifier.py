"""nlu_components: MiniLMFeaturizer + LinearIntentClassifier in a small Rasa NLU pipeline.

Trains on a few examples per intent with the real tokenizer, count vectors and encoder, stores
the model in a Rasa model storage, loads it again and classifies messages it has not seen.
"""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.linear_intent_classifier import LinearIntentClassifier, _Blocks
from nlu_components.sentence_featurizer import MiniLMFeaturizer

EXAMPLES = {
    "faq_pain": [
        "does the procedure hurt",
        "is mild painful",
        "how much pain will i have during it",
        "will it hurt a lot",
        "is it a painful operation",
        "do you feel pain during mild",
    ],
    "faq_offices": [
        "where are your offices",
        "what is the clinic address",
        "which locations do you have",
        "where is the office",
        "what's your phone number",
        "how do i call the clinic",
    ],
    "greet": ["hello", "hi there", "good morning", "hey", "hiya", "good afternoon"],
}


def _context(name):
    return ExecutionContext(graph_schema=None, node_name=name)  # type: ignore[arg-type]


class Pipeline:
    def __init__(self, storage):
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.counts = CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(), storage, Resource("counts"), _context("counts")
        )
        self.minilm = MiniLMFeaturizer.create(
            MiniLMFeaturizer.get_default_config(), storage, Resource("minilm"), _context("minilm")
        )

    def featurize_training(self, data):
        self.tokenizer.process_training_data(data)
        self.counts.train(data)
        self.counts.process_training_data(data)
        self.minilm.process_training_data(data)

    def featurize(self, texts):
        messages = [Message(data={TEXT: t}) for t in texts]
        self.tokenizer.process(messages)
        self.counts.process(messages)
        self.minilm.process(messages)
        return messages


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    pipeline = Pipeline(storage)
    data = TrainingData([Message(data={TEXT: t, INTENT: i}) for i, ts in EXAMPLES.items() for t in ts])
    pipeline.featurize_training(data)
    config = {**LinearIntentClassifier.get_default_config(), "C": 30.0}
    classifier = LinearIntentClassifier.create(config, storage, Resource("clf"), _context("clf"))
    classifier.train(data)
    loaded = LinearIntentClassifier.load(config, storage, Resource("clf"), _context("clf"))
    return pipeline, classifier, loaded, data


def classify(component, pipeline, texts):
    return component.process(pipeline.featurize(texts))


@pytest.mark.parametrize(
    "text,intent",
    [
        ("will i be sore during the procedure", "faq_pain"),
        ("where can i find you", "faq_offices"),
        ("howdy", "greet"),
    ],
)
def test_unseen_messages_get_the_right_intent(trained, text, intent):
    pipeline, _, loaded, _ = trained
    [message] = classify(loaded, pipeline, [text])
    assert message.get(INTENT)["name"] == intent


def test_the_stored_model_predicts_what_the_trained_one_did(trained):
    pipeline, classifier, loaded, _ = trained
    texts = ["does it hurt", "address please", "hi", "something else entirely"]
    a = classifier.probabilities(pipeline.featurize(texts))
    b = loaded.probabilities(pipeline.featurize(texts))
    assert np.allclose(a, b)
    assert np.allclose(a.sum(axis=1), 1.0)


def test_probabilities_are_those_of_scikit_learn(trained):
    from sklearn.linear_model import LogisticRegression

    pipeline, classifier, _, data = trained
    examples = data.intent_examples
    blocks = _Blocks.fit(examples, 1.0)
    clf = LogisticRegression(C=30.0, max_iter=2000, multi_class="multinomial", random_state=42)
    clf.fit(blocks.matrix(examples), [m.get(INTENT) for m in examples])
    messages = pipeline.featurize(["is it painful", "good evening"])
    expected = clf.predict_proba(blocks.matrix(messages))
    assert list(clf.classes_) == classifier.labels
    assert np.allclose(classifier.probabilities(messages), expected, atol=1e-6)


def test_ranking_is_sorted_and_complete(trained):
    pipeline, _, loaded, _ = trained
    [message] = classify(loaded, pipeline, ["is it painful"])
    ranking = message.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking][0] == message.get(INTENT)["name"]
    assert sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize("text", ["", "😀"])
def test_a_message_with_nothing_to_go_on_gets_no_intent(trained, text):
    # no text, or no tokens and so no features: intent None (the FallbackClassifier's cue)
    pipeline, _, loaded, _ = trained
    bare = Message(data={TEXT: text})
    loaded.process([bare])
    assert bare.get(INTENT) == {"name": None, "confidence": 0.0}
    assert bare.get(INTENT_RANKING_KEY) == []


def test_an_untrained_classifier_gives_no_intent(tmp_path):
    storage = LocalModelStorage(tmp_path)
    empty = LinearIntentClassifier.load({}, storage, Resource("nothing"), _context("nothing"))
    message = Message(data={TEXT: "hello"})
    empty.process([message])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}


def test_rows_are_the_featurizers_blocks_side_by_side(trained):
    """The row built from index arrays is the sum of the blocks scipy would stack: sublinear
    tf-idf of each count block, unit length, beside the weighted sentence vector."""
    import scipy.sparse

    pipeline, _, _, data = trained
    blocks = _Blocks.fit(data.intent_examples, 0.7)
    messages = pipeline.featurize(["is it painful", "good evening good evening", "zzzz"])
    x = blocks.matrix(messages).toarray()
    for row, message in zip(x, messages, strict=True):
        features = {
            (f.origin if isinstance(f.origin, str) else "+".join(f.origin)): f.features
            for f in message.features
            if f.attribute == TEXT and f.type == "sentence"
        }
        expected = []
        for name, dim, idf in zip(blocks.names, blocks.dims, blocks.idf, strict=True):
            values = features.get(name)
            if values is None:
                expected.append(np.zeros(dim))
            elif idf is None:
                expected.append(np.asarray(values, dtype=float).reshape(-1) * 0.7)
            else:
                dense = scipy.sparse.csr_matrix(values, dtype=float).toarray().reshape(-1)
                weighted = np.where(dense > 0, (1 + np.log(np.where(dense > 0, dense, 1))) * idf, 0.0)
                norm = np.linalg.norm(weighted)
                expected.append(weighted / norm if norm else weighted)
        assert np.allclose(row, np.concatenate(expected))
