"""validate_appointment_form: contact details are taken as answers even when the classifier
thinks they are off-topic, but a real question during the request is left to the rules."""

import asyncio

import pytest

from actions.appointment import ValidateAppointmentForm
from tests.actions.conftest import make_tracker

CONSULT = {"triage_outcome": "recommend_consult", "appointment_consent": "yes", "contact_name": "Ann Example"}


def run(tracker, dispatcher, domain):
    return asyncio.run(ValidateAppointmentForm().run(dispatcher, tracker, domain))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("text", ["781-555-0123", "(978) 555 0100", "my number is 781 555 0123"])
def test_a_phone_number_classified_off_topic_is_still_the_answer(text, dispatcher, domain):
    tracker = make_tracker(
        {**CONSULT, "requested_slot": "contact_phone"}, text=text, intent="out_of_scope", confidence=0.8
    )
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["contact_phone"] and slots["requested_slot"] == "preferred_office"


def test_a_wrong_number_classified_off_topic_is_told_so(dispatcher, domain):
    tracker = make_tracker(
        {**CONSULT, "requested_slot": "contact_phone"}, text="12345", intent="out_of_scope", confidence=0.8
    )
    slots = slot_events(run(tracker, dispatcher, domain))
    assert "contact_phone" not in slots and slots["requested_slot"] == "contact_phone"
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_phone"]


def test_a_question_instead_of_the_phone_number_is_left_to_the_rules(dispatcher, domain):
    tracker = make_tracker(
        {**CONSULT, "requested_slot": "contact_phone"},
        text="where is the woburn office",
        intent="faq_offices",
        confidence=0.9,
    )
    assert run(tracker, dispatcher, domain) == []
    assert dispatcher.messages == []


def test_a_name_classified_off_topic_is_still_the_name(dispatcher, domain):
    tracker = make_tracker(
        {**CONSULT, "contact_name": None, "requested_slot": "contact_name"},
        text="Mary Canary",
        intent="out_of_scope",
        confidence=0.94,
    )
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["contact_name"] == "Mary Canary" and slots["requested_slot"] == "contact_phone"
