"""nlu_components.mild_reader.MildReader on Rasa Message objects."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from mild_nlp.build import build
from mild_nlp.pipeline import get_nlp
from nlu_components.mild_reader import MildReader


@pytest.fixture
def component(tmp_path):
    return MildReader.create(
        MildReader.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("mild_reader"),
        ExecutionContext(graph_schema=None),  # type: ignore[arg-type]
    )


def classified(text, intent, confidence=0.9, with_doc=False):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(
        INTENT_RANKING_KEY,
        [
            {"name": intent, "confidence": confidence},
            {"name": "report_red_flag", "confidence": 0.05},
            {"name": "deny", "confidence": 0.03},
        ],
    )
    if with_doc:  # as SpacyNLP attaches it: lowercased text through the project pipeline
        message.set(SPACY_DOCS[TEXT], get_nlp()(text.lower()))
    return message


def intent_of(message):
    return message.get(INTENT)["name"], message.get(INTENT)["confidence"]


@pytest.mark.parametrize("with_doc", [False, True])
@pytest.mark.parametrize(
    "text, predicted",
    [
        ("I also can't control my bladder since yesterday", "inform"),
        ("my groin has been numb since this morning", "affirm"),
        ("no fever, but I can't pee", "deny"),
        ("my legs are getting weaker every day", "inform"),
    ],
)
def test_red_flag_forces_report_red_flag(component, text, predicted, with_doc):
    [message] = component.process([classified(text, predicted, with_doc=with_doc)])
    assert intent_of(message) == ("report_red_flag", 1.0)
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == {"name": "report_red_flag", "confidence": 1.0}
    assert [r["name"] for r in ranking].count("report_red_flag") == 1


@pytest.mark.parametrize("with_doc", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "no fever, no bladder problems",
        "never lost bladder control",
        "I don't have numbness in my groin",
    ],
)
def test_only_negated_mentions_turn_report_red_flag_into_deny(component, text, with_doc):
    [message] = component.process([classified(text, "report_red_flag", with_doc=with_doc)])
    assert intent_of(message) == ("deny", 1.0)
    assert message.get(INTENT_RANKING_KEY)[0] == {"name": "deny", "confidence": 1.0}


@pytest.mark.parametrize(
    "text, predicted",
    [
        ("my legs hurt when I walk", "inform"),
        ("no fever, no bladder problems", "deny"),
        ("what is the recovery like?", "faq_recovery"),
        ("yes", "report_red_flag"),  # nothing in the text either way: keep the classifier's call
        ("", "out_of_scope"),
    ],
)
def test_other_messages_keep_the_classifier_intent(component, text, predicted):
    [message] = component.process([classified(text, predicted, confidence=0.8)])
    assert intent_of(message) == (predicted, 0.8)


def test_message_without_intent_gets_one_for_a_red_flag(component):
    [message] = component.process([Message(data={TEXT: "I've been wetting myself"})])
    assert intent_of(message) == ("report_red_flag", 1.0)


def test_training_data_passes_through(component):
    data = TrainingData([Message(data={TEXT: "I can't pee", INTENT: "report_red_flag"})])
    assert component.process_training_data(data) is data


def test_required_packages():
    assert MildReader.required_packages() == ["spacy"]


def test_with_rasa_spacy_nlp_loading_the_saved_pipeline(component, tmp_path):
    model_dir = build(tmp_path / "mild_en")
    spacy_nlp = SpacyNLP.create(
        {"model": str(model_dir)},
        LocalModelStorage(tmp_path),
        Resource("spacy"),
        ExecutionContext(graph_schema=None),  # type: ignore[arg-type]
    )
    messages = [
        classified("I also CAN'T control my bladder since yesterday", "inform"),
        classified("No fever, no bladder problems", "report_red_flag"),
    ]
    messages = spacy_nlp.process(messages, spacy_nlp.provide())
    assert all(m.get(SPACY_DOCS[TEXT]) is not None for m in messages)
    component.process(messages)
    assert [intent_of(m)[0] for m in messages] == ["report_red_flag", "deny"]


def test_a_confident_classifier_does_not_make_the_override_ambiguous(component):
    # FallbackClassifier calls a top-two gap under 0.1 ambiguous and falls back
    [message] = component.process(
        [classified("since last night I can't hold my urine at all", "inform", confidence=0.94)]
    )
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == {"name": "report_red_flag", "confidence": 1.0}
    assert ranking[0]["confidence"] - ranking[1]["confidence"] > 0.1


def test_a_story_that_answers_several_questions_is_inform(component):
    text = "I'm 72, my legs go numb after a block and sitting helps. Is MILD for me?"
    [message] = component.process([classified(text, "faq_what_is_mild", confidence=0.7)])
    assert intent_of(message) == ("inform", 1.0)


def test_the_reading_goes_with_the_parsed_message(component):
    from mild_nlp import reading_codec
    from mild_nlp.extract import answers_for, understand

    text = "I'm 72, my legs go numb after a block and sitting helps"
    [message] = component.process([classified(text, "inform")])
    parsed = message.as_dict(only_output_properties=True)  # what Rasa puts in parse_data
    reading = reading_codec.decode(parsed[reading_codec.KEY], text)
    assert reading is not None
    for slot in (None, "age_years", "walking_tolerance"):
        assert answers_for(reading, slot).answers == understand(text, slot).answers
