"""The web chat's "Question N of about M" travels with the question (issue 15); other channels get none."""

import asyncio

from actions.ask import AskSlot_sitting_leaning_relief  # noqa: N811 (generated class name)
from tests.actions.conftest import make_tracker

ANSWERED = {
    "red_flags": "no",
    "urgent_flags": "no",
    "leg_symptoms": "yes",
    "walking_standing_trigger": "yes",
    "requested_slot": "sitting_leaning_relief",
}


def run(channel, dispatcher, domain):
    tracker = make_tracker(slots=ANSWERED, text="yes", channel=channel)
    asyncio.run(AskSlot_sitting_leaning_relief().run(dispatcher, tracker, domain))
    return dispatcher.messages


def test_socketio_question_carries_its_place_in_the_plan(dispatcher, domain):
    [message] = run("socketio", dispatcher, domain)
    assert message["response"] == "utter_ask_sitting_leaning_relief"
    assert message["custom"] == {"data": {"type": "progress", "number": 4, "total": 12}}


def test_rest_and_staff_questions_are_unchanged(domain):
    from rasa_sdk.executor import CollectingDispatcher

    for channel in ("rest", "staff"):
        [message] = run(channel, CollectingDispatcher(), domain)
        assert message["response"] == "utter_ask_sitting_leaning_relief" and not message["custom"]
