"""Rasa graph component: the one reading of each message, and its intent safety net.

Used in config.yml after the intent classifier:

    - name: nlu_components.mild_reader.MildReader

The message is read once here by mild_nlp's rules (patterns, context checks):
`mild_nlp.extract.read`. The reading is attached to the parsed message as
`parse_data["mild_reading"]` (mild_nlp.reading_codec), so the form's validation adds the learned
flag reader's findings and settles the answers for the open question from it without the rules
reading the text again. (The learned reader runs there, in the action server's process, so its
sentence encoding and Rasa's own run side by side on two cores.) Rasa's own spaCy
model (SpacyNLP) only tokenises, for the intent classifier.

The reading then corrects the classifier where safety needs it:

- A non-negated red flag ("I can't control my bladder since yesterday") sets the
  intent to `report_red_flag` with confidence 1.0, first in intent_ranking.
- If the classifier said `report_red_flag` but every red-flag mention is negated
  ("no fever, no bladder problems"), the intent becomes `deny` (confidence 1.0).
- A message that answers three or more screening questions at once becomes `inform`
  (unless it reports a red flag), so a long story opening starts the screening.

These use the rules' findings (the learned reader's go to the form, which asks about them).
"""

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from mild_nlp import reading_codec
from mild_nlp.extract import answers_for, read

RED_FLAG_INTENT = "report_red_flag"
INFORM_INTENT = "inform"
STORY_ANSWERS = 3
DENY_INTENT = "deny"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MildReader(GraphComponent, IntentClassifier):
    """Reads each message once; overrides the intent when the text states (or only denies) red flags."""

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
        """Creates the component; the rules load now, not on the first patient's message."""
        read("warming up the rules", second_reader=False)
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged (the component is not trained)."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Apply the override to each message."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            reading = read(text, second_reader=False)  # the learned reader reads it in the action server
            message.set(reading_codec.KEY, reading_codec.encode(reading), add_to_output=True)
            u = answers_for(reading)
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if u.red_flag_mentions:
                _set_intent(message, RED_FLAG_INTENT)
            elif predicted == RED_FLAG_INTENT and u.negated_red_flag_mentions:
                _set_intent(message, DENY_INTENT)
            elif len(u.answers) >= STORY_ANSWERS and predicted not in (RED_FLAG_INTENT, INFORM_INTENT):
                # a story that answers several questions ("I'm 72, my legs go numb after a
                # block and sitting helps... is MILD for me?") starts or continues the screening;
                # the form answers nothing of it away
                _set_intent(message, INFORM_INTENT)
        return messages


def _set_intent(message: Message, name: Text) -> None:
    """Make `name` the intent with confidence 1.0 and put it first in the ranking."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    # The classifier's guesses stay in the ranking at half their confidence: left as they
    # were, a confident "inform" (0.94) beside the override's 1.0 is "ambiguous" to the
    # FallbackClassifier (gap < 0.1), which would turn a red flag into nlu_fallback.
    ranking = [
        {**r, PREDICTED_CONFIDENCE_KEY: float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) * 0.5}
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent)] + ranking, add_to_output=True)
