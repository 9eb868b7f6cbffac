"""Rasa graph component: a red flag in the text always wins over the classifier.

Used in config.yml after the intent classifier:

    - name: nlu_components.red_flag_override.RedFlagIntentOverride

- A non-negated red flag ("I can't control my bladder since yesterday") sets the
  intent to `report_red_flag` with confidence 1.0, first in intent_ranking.
- If the classifier said `report_red_flag` but every red-flag mention is negated
  ("no fever, no bladder problems"), the intent becomes `deny` (confidence 1.0).

The spaCy doc that SpacyNLP attached is reused when it came from the project
pipeline (models/spacy/mild_en); otherwise the text is analysed with mild_nlp.
"""

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from mild_nlp.extract import MAX_CHARS
from mild_nlp.flags import FlagMentions, flag_mentions, is_mild_doc
from mild_nlp.pipeline import get_nlp

RED_FLAG_INTENT = "report_red_flag"
DENY_INTENT = "deny"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagIntentOverride(GraphComponent, IntentClassifier):
    """Overrides the predicted intent when the text states (or only denies) red flags."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """An intent classifier must run before this component."""
        return [IntentClassifier]

    @staticmethod
    def required_packages() -> List[Text]:
        """Python packages this component needs."""
        return ["spacy"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """No options."""
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component (nothing to load: the rules live in mild_nlp)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged (the component is not trained)."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Apply the override to each message."""
        for message in messages:
            mentions = self._mentions(message)
            if mentions is None:
                continue
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if mentions.red:
                _set_intent(message, RED_FLAG_INTENT)
            elif predicted == RED_FLAG_INTENT and mentions.negated_red:
                _set_intent(message, DENY_INTENT)
        return messages

    @staticmethod
    def _mentions(message: Message) -> Optional[FlagMentions]:
        doc = message.get(SPACY_DOCS[TEXT])
        if is_mild_doc(doc):
            return flag_mentions(doc)
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip():
            return None
        return flag_mentions(get_nlp()(text[:MAX_CHARS]))


def _set_intent(message: Message, name: Text) -> None:
    """Make `name` the intent with confidence 1.0 and put it first in the ranking."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [
        r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent)] + ranking, add_to_output=True)
