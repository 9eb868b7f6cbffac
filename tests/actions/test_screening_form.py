"""ValidateScreeningForm and the ask actions, called directly with a CollectingDispatcher."""

import asyncio

import pytest

from actions.result import ActionAnswerQuestion, ActionScreeningResult
from actions.screening_form import ValidateScreeningForm
from records.answer_summary import summary_key
from tests.actions.conftest import make_tracker

NO_FLAGS = {"red_flags": "no", "urgent_flags": "no"}
# every question answered, for a recommended consultation
RECOMMEND = dict(
    NO_FLAGS,
    leg_symptoms="yes",
    walking_standing_trigger="yes",
    sitting_leaning_relief="yes",
    walking_tolerance="under_50_feet",
    symptom_duration_months=24,
    age_years=70,
    conservative_care="failed",
    injections="failed",
    prior_back_surgery="no",
    imaging_stenosis="yes",
    blood_thinners="no",
)


def run(action, dispatcher, tracker, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_first_message_starts_a_screening_and_asks_red_flags(dispatcher, domain):
    events = run(ValidateScreeningForm(), dispatcher, make_tracker(text="hi", intent="greet"), domain)
    slots = slots_set(events)
    assert slots["requested_slot"] == "red_flags"
    assert slots["answered_by"] == "patient"
    assert len(slots["screening_id"]) == 32
    assert slots["rules_version"] == "1"
    assert slots["failed_attempts"] == 0


def test_free_text_fills_several_slots_and_asks_the_first_unanswered(dispatcher, domain):
    tracker = make_tracker(
        dict(NO_FLAGS, requested_slot="leg_symptoms"),
        text="I'm 72, my legs go numb after a block and sitting helps, it's been two years",
    )
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["age_years"] == 72
    assert slots["leg_symptoms"] == "yes"
    assert slots["walking_standing_trigger"] == "yes"
    assert slots["sitting_leaning_relief"] == "yes"
    assert slots["walking_tolerance"] == "50_feet_to_2_blocks"
    assert slots["symptom_duration_months"] == 24
    assert slots["requested_slot"] == "conservative_care"


def test_button_payload_answers_without_language_processing(dispatcher, domain):
    tracker = make_tracker(
        {"requested_slot": "red_flags"},
        text='/inform{"red_flags":"yes"}',
        entities=[{"entity": "red_flags", "value": "yes"}],
    )
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["red_flags"] == "yes"
    assert slots["triage_outcome"] == "emergency"
    assert slots["requested_slot"] is None


def test_side_question_is_left_to_the_rules(dispatcher, domain):
    tracker = make_tracker(
        dict(NO_FLAGS, requested_slot="leg_symptoms"),
        text="how long does the procedure take?",
        intent="faq_duration",
        confidence=0.98,
    )
    assert run(ValidateScreeningForm(), dispatcher, tracker, domain) == []


def test_unclear_answer_counts_a_failed_attempt_and_keeps_the_question(dispatcher, domain):
    tracker = make_tracker(
        dict(
            NO_FLAGS,
            leg_symptoms="yes",
            walking_standing_trigger="yes",
            sitting_leaning_relief="yes",
            requested_slot="walking_tolerance",
            failed_attempts=1,
        ),
        text="blue",
        intent="inform",
        confidence=0.3,
    )
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["failed_attempts"] == 2
    assert slots["requested_slot"] == "walking_tolerance"


def test_correction_is_acknowledged(dispatcher, domain):
    tracker = make_tracker(
        dict(NO_FLAGS, injections="not_tried", intro_shown=True, requested_slot="prior_back_surgery"),
        text="actually I did have epidurals, they didn't help",
    )
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["injections"] == "failed"
    assert [m["response"] for m in dispatcher.messages] == ["utter_correction_noted"]


def test_gate_wording_is_chosen_for_the_combined_question(dispatcher, domain):
    tracker = make_tracker(dict(NO_FLAGS, intro_shown=True, requested_slot="urgent_flags"), text="no", intent="deny")
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["requested_slot"] == "leg_symptoms"
    assert slots["question_variant"] == "gate"
    conditions = [v.get("condition") for v in domain["responses"]["utter_ask_leg_symptoms"]]
    assert [{"type": "slot", "name": "question_variant", "value": "gate"}] in conditions


def test_intro_once_and_help_after_a_failed_answer(dispatcher, domain):
    events = run(ValidateScreeningForm(), dispatcher, make_tracker(text="hi", intent="greet"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_screening_intro"]
    assert slots_set(events)["intro_shown"] is True
    dispatcher.messages.clear()
    tracker = make_tracker(
        dict(
            NO_FLAGS,
            leg_symptoms="yes",
            walking_standing_trigger="yes",
            sitting_leaning_relief="yes",
            walking_tolerance="under_50_feet",
            symptom_duration_months=12,
            intro_shown=True,
            requested_slot="age_years",
        ),
        text="purple",
        intent="inform",
        confidence=0.2,
    )
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["requested_slot"] == "age_years"
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_understood", "utter_hint_age_years"]


def test_result_card_on_socketio_and_text_on_rest(dispatcher, domain):
    answers = dict(RECOMMEND)
    confirmed = dict(answers, summary_confirmed=summary_key(answers))  # the web chat read them back first
    events = run(ActionScreeningResult(), dispatcher, make_tracker(confirmed, channel="socketio"), domain)
    card = dispatcher.messages[0]["custom"]["data"]
    assert card["outcome"] == "recommend_consult"
    assert card["title"] == "A consultation to discuss MILD looks appropriate"
    assert "You can walk less than 50 feet before you have to stop." in card["reasons"]
    assert card["phones"][0]["tel"] == "+17819277246"
    assert slots_set(events)["appointment_offered"] is True
    text_dispatcher = type(dispatcher)()
    run(ActionScreeningResult(), text_dispatcher, make_tracker(answers, channel="rest"), domain)
    assert text_dispatcher.messages[0]["text"].startswith("Result: A consultation to discuss MILD looks appropriate.")


def test_web_chat_reads_the_answers_back_before_the_result(dispatcher, domain):
    answers = dict(
        RECOMMEND,
        answer_sources={"age_years": {"how": "stated", "words": "I'm 70", "value": 70}},
    )
    events = run(ActionScreeningResult(), dispatcher, make_tracker(answers, channel="socketio"), domain)
    summary = dispatcher.messages[0]["custom"]["data"]
    assert summary["type"] == "answer_summary" and len(dispatcher.messages) == 1
    assert {r["slot"]: r["words"] for r in summary["rows"]}["age_years"] == "I'm 70"
    assert slots_set(events) == {"appointment_offered": False}  # no result_shown, no summary_confirmed

    confirm = type(dispatcher)()
    tracker = make_tracker(answers, channel="socketio", text="/confirm_summary", intent="confirm_summary")
    slots = slots_set(run(ActionScreeningResult(), confirm, tracker, domain))
    assert confirm.messages[0]["custom"]["data"]["type"] == "result_card"
    assert slots["summary_confirmed"] == summary_key(answers)
    assert slots["appointment_offered"] is True and slots["result_shown"]

    emergency = type(dispatcher)()
    run(ActionScreeningResult(), emergency, make_tracker(dict(answers, red_flags="yes"), channel="socketio"), domain)
    assert emergency.messages[0]["custom"]["data"]["outcome"] == "emergency"


def test_side_question_answers_from_the_domain(dispatcher, domain):
    run(ActionAnswerQuestion(), dispatcher, make_tracker(intent="faq_duration"), domain)
    assert dispatcher.messages[0]["response"] == "utter_faq_duration"
    dispatcher.messages.clear()
    run(ActionAnswerQuestion(), dispatcher, make_tracker(intent="human_handoff"), domain)
    assert dispatcher.messages[0]["response"] == "utter_handoff"


@pytest.mark.parametrize(
    "intent,response",
    [
        ("faq_what_is_mild", "utter_faq_what_is_mild"),
        ("bot_challenge", "utter_iamabot"),
        ("out_of_scope", "utter_out_of_scope"),
    ],
)
def test_a_side_question_before_any_screening_is_followed_by_the_offer_to_start(dispatcher, domain, intent, response):
    run(ActionAnswerQuestion(), dispatcher, make_tracker(intent=intent, active_loop=None), domain)
    assert [m["response"] for m in dispatcher.messages] == [response, "utter_offer_screening"]
    offer = domain["responses"]["utter_offer_screening"][0]
    assert offer["buttons"][0]["payload"] == "/start_screening"


@pytest.mark.parametrize(
    "slots,loop,intent",
    [
        ({}, "screening_form", "faq_duration"),  # during the screening: back to the question instead
        ({"screening_status": "finished"}, None, "faq_duration"),  # after a result
        ({}, None, "human_handoff"),  # asked for a person, not for the screening
        ({}, None, "thanks"),
    ],
)
def test_no_offer_to_start_during_or_after_a_screening(dispatcher, domain, slots, loop, intent):
    run(ActionAnswerQuestion(), dispatcher, make_tracker(slots, intent=intent, active_loop=loop), domain)
    assert "utter_offer_screening" not in [m["response"] for m in dispatcher.messages]


def test_the_form_settles_answers_from_the_nlu_reading_without_reading_again(dispatcher, domain, monkeypatch):
    from actions import screening_form
    from mild_nlp import reading_codec
    from mild_nlp.extract import read

    text = "I'm 72, my legs go numb after a block and sitting helps, it's been two years"
    tracker = make_tracker(dict(NO_FLAGS, requested_slot="leg_symptoms"), text=text)
    tracker.latest_message[reading_codec.KEY] = reading_codec.encode(read(text))

    def read_again(text, second_reader=True):
        raise AssertionError("the message was read a second time")

    monkeypatch.setattr(screening_form, "read", read_again)
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert (slots["age_years"], slots["walking_tolerance"], slots["symptom_duration_months"]) == (
        72,
        "50_feet_to_2_blocks",
        24,
    )


def test_a_reading_of_another_text_is_not_used(dispatcher, domain, monkeypatch):
    from actions import screening_form
    from mild_nlp import reading_codec
    from mild_nlp.extract import read

    calls = []
    real_read = screening_form.read
    monkeypatch.setattr(screening_form, "read", lambda text, **kw: calls.append(text) or real_read(text, **kw))
    tracker = make_tracker(dict(NO_FLAGS, requested_slot="age_years"), text="I'm 81")
    tracker.latest_message[reading_codec.KEY] = reading_codec.encode(read("I'm 61"))
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["age_years"] == 81 and calls == ["I'm 81"]


def test_what_was_typed_before_start_is_not_asked_again(dispatcher, domain):
    earlier = [
        {"event": "user", "text": "Are you a real person or a bot? Anyway, I'm 74 and my legs hurt when I walk."},
        {"event": "bot", "text": "I'm an automated assistant for the clinic, not a person."},
        {"event": "user", "text": '/inform{"leg_symptoms":"no"}'},  # a tap is not re-read
    ]
    tracker = make_tracker(text="/start_screening", intent="start_screening", events=earlier, active_loop=None)
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots["age_years"] == 74 and slots["leg_symptoms"] == "yes"
    assert slots["walking_standing_trigger"] == "yes"
    assert slots["requested_slot"] == "red_flags"  # red flags are still asked first


def test_a_flag_typed_before_start_is_asked_about_at_once(dispatcher, domain):
    earlier = [{"event": "user", "text": "how long is recovery? also my bottom has gone numb since yesterday"}]
    tracker = make_tracker(text="/start_screening", intent="start_screening", events=earlier, active_loop=None)
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert slots.get("triage_outcome") == "emergency" or slots["pending_check"]["slot"] == "red_flags"


def test_earlier_words_are_read_only_when_a_new_screening_starts(dispatcher, domain):
    earlier = [{"event": "user", "text": "I'm 74 and my legs hurt when I walk"}]
    tracker = make_tracker(
        dict(NO_FLAGS, screening_id="x" * 32, requested_slot="leg_symptoms"),
        text='/inform{"leg_symptoms":"yes"}',
        events=earlier,
    )
    slots = slots_set(run(ValidateScreeningForm(), dispatcher, tracker, domain))
    assert "age_years" not in slots
