"""Full screenings as a person would have them, checking what the bot says and records."""

import pytest

RED_FLAG_Q = "safety question"
GATE_Q = "when you walk or stand for a while?"


def questions_asked(conversation_turns):
    return sum(1 for replies in conversation_turns for m in replies if m.get("buttons"))


def answer_textbook_by_buttons(c):
    turns = [c.say("hi")]
    for title in ["No, none of these", "No", "Yes", "Yes", "50 feet to 2 blocks"]:
        turns.append(c.click(title))
    turns.append(c.say("about two years"))
    turns.append(c.say("72"))
    for title in ["Tried, not enough relief", "Had them, not enough relief", "No"]:
        turns.append(c.click(title))
    return turns


def test_textbook_case_by_buttons_in_ten_questions(talk):
    c = talk()
    turns = answer_textbook_by_buttons(c)
    assert RED_FLAG_Q in "\n".join(m.get("text") or "" for m in turns[0])
    assert "not medical advice" in "\n".join(m.get("text") or "" for m in turns[0])
    assert c.slot("triage_outcome") == "recommend_consult"
    # ten questions answered, and the outcome is known before the two note questions
    assert questions_asked(turns[:-1]) == 10
    assert "MRI or CT" in c.texts()
    c.click("No / no scan yet")
    c.click("Yes")  # blood thinners
    text = c.texts()
    assert "A consultation to discuss MILD looks appropriate" in text
    assert "Spinal injections did not give you enough relief." in text
    assert "Never stop it on your own" in text  # blood thinner note
    assert "MRI or CT scan" in text  # no imaging note
    assert "Medicare" in text  # age 72
    assert "not medical advice" in text
    assert "appointment request" in text
    assert c.slot("requested_slot") == "appointment_consent"


def test_typed_answers_in_plain_language(talk):
    c = talk()
    c.say("I have leg pain when I walk")
    assert RED_FLAG_Q in c.texts()
    c.say("nope")
    c.say("no")
    # the first message already said leg pain on walking: the gate is not asked again
    assert "ease when you sit" in c.texts()
    c.say("no... wait, actually yes")
    assert c.slot("sitting_leaning_relief") == "yes"
    c.say("maybe a block")
    assert c.slot("walking_tolerance") == "50_feet_to_2_blocks"
    c.say("2 yrs")
    assert c.slot("symptom_duration_months") == 24
    c.say("seventy-two")
    assert c.slot("age_years") == 72
    c.say("PT and ibuprofen, didn't help")
    assert c.slot("conservative_care") == "failed"
    c.say("had 2 epidurals, no relief")
    assert c.slot("injections") == "failed"
    c.say("never")
    assert c.slot("prior_back_surgery") == "no"
    assert c.slot("triage_outcome") == "recommend_consult"


def test_duration_given_as_a_start_date(talk):
    c = talk()
    for answer in ["hi", "no", "no", "yes", "yes", "maybe a block"]:
        c.say(answer)
    assert c.slot("requested_slot") == "symptom_duration_months"
    c.say("since 2019")
    assert c.slot("symptom_duration_months") > 6 * 12  # counted from the middle of 2019 to today
    assert c.slot("requested_slot") == "age_years"
    assert "How old are you" in c.texts()


def test_an_old_injury_is_not_a_recent_one(talk):
    c = talk()
    c.say("hi")
    c.say("no")
    c.say("I was in a car accident years ago")
    # the rules read an old injury, the learned reader a possible one: one question settles it
    text = c.texts()
    assert "doesn't count as recent" in text or "in the last few weeks?" in text
    assert "didn't catch" not in text
    if "in the last few weeks?" in text:
        c.say("no, that was in 2009")
        assert c.slot("urgent_flags") is None and c.slot("triage_outcome") is None
    assert c.slot("requested_slot") == "urgent_flags"  # asked again, about recent ones
    c.say("no")
    assert c.slot("urgent_flags") == "no"
    assert GATE_Q in c.texts()


def test_several_answers_in_one_message_are_not_asked_again(talk):
    c = talk()
    c.say("hello")
    c.say("no")
    c.say("no")
    assert GATE_Q in c.texts()
    c.say("I'm 72, my legs go numb after a block and sitting helps, it's been two years")
    assert c.slot("age_years") == 72
    assert c.slot("walking_tolerance") == "50_feet_to_2_blocks"
    assert c.slot("sitting_leaning_relief") == "yes"
    assert c.slot("symptom_duration_months") == 24
    assert "physical therapy" in c.texts()  # straight to the first unanswered question
    assert c.slot("requested_slot") == "conservative_care"


def test_procedure_question_midway_then_back_to_the_open_question(talk):
    c = talk()
    c.say("hi")
    c.say("no")
    c.say("how long does the procedure take?")
    assert "about an hour" in c.texts()
    assert "recent fall or injury" in c.texts()  # the open question again
    assert c.slot("requested_slot") == "urgent_flags"
    c.say("will it hurt?")
    assert "sedation" in c.texts()
    c.say("no")
    assert GATE_Q in c.texts()


def test_red_flag_volunteered_later_ends_with_emergency(talk):
    c = talk()
    c.say("hi")
    c.say("no")
    c.say("no")
    c.say("yes. I also can't control my bladder since yesterday")
    assert c.slot("triage_outcome") == "emergency"
    assert "911" in c.texts()
    assert "appointment request" not in c.texts()
    assert c.slot("appointment_offered") is False


def test_negated_red_flags_are_not_an_emergency(talk):
    c = talk()
    c.say("hi")
    c.say("no fever, no bladder problems")
    assert c.slot("red_flags") == "no"
    assert c.slot("triage_outcome") is None
    assert "recent fall or injury" in c.texts()


def test_correction_after_the_result_changes_the_outcome(talk):
    c = talk()
    c.say("hi")
    for reply in [
        "no",
        "no",
        "yes",
        "yes",
        "a few steps",
        "3 years",
        "80",
        "tried PT, it did not help",
        "no, never had injections",
    ]:
        c.say(reply)
    # injections not tried already settles possible_consult: back surgery is not asked
    assert c.slot("triage_outcome") == "possible_consult"
    assert c.slot("prior_back_surgery") is None
    c.say("no")  # imaging
    c.say("no")  # blood thinners
    assert "A spine or pain consultation can help decide" in c.texts()
    c.say("No thanks")  # declines the appointment
    c.say("actually I did have injections, they didn't help")
    assert c.slot("injections") == "failed"
    # now back surgery matters again, so it is asked before the new outcome
    assert c.slot("triage_outcome") is None
    assert "surgery on your lower back" in c.texts()
    c.say("no")
    assert c.slot("triage_outcome") == "recommend_consult"
    assert "A consultation to discuss MILD looks appropriate" in c.texts()


@pytest.mark.parametrize(
    "replies,outcome,phrase",
    [
        (["yes"], "emergency", "emergency"),
        (["no", "yes"], "urgent_review", "within a day or two"),
        (["no", "no", "yes", "no"], "not_indicated", "circulation"),
        (["no", "no", "yes", "yes", "half a mile", "6 weeks"], "conservative_first", "3 months"),
        (
            ["no", "no", "yes", "yes", "a block", "2 years", "70", "didn't help", "didn't help", "no"],
            "recommend_consult",
            "looks appropriate",
        ),
        (
            ["no", "no", "yes", "yes", "a block", "2 years", "45", "no relief"],
            "possible_consult",
            "may or may not be an option",
        ),
    ],
)
def test_one_screening_per_outcome(talk, replies, outcome, phrase):
    c = talk()
    c.say("can MILD help me?")
    for reply in replies:
        c.say(reply)
    assert c.slot("triage_outcome") == outcome
    if outcome in ("recommend_consult", "possible_consult"):
        c.say("yes")  # imaging
        c.say("no")  # blood thinners
    assert phrase in c.texts()
    assert c.slot("rules_version") == "1"


def test_gate_no_asks_which_part_for_the_record(talk):
    c = talk()
    c.say("hi")
    c.say("no")
    c.say("no")
    c.say("no")
    assert c.slot("triage_outcome") == "not_indicated"
    assert "for the record" in c.texts().lower()
    c.click("No leg or buttock symptoms")
    assert c.slot("leg_symptoms") == "no"
    assert "do not match the pattern" in c.texts()


def test_unknown_and_declined_answers(talk):
    c = talk()
    c.say("hi")
    for reply in ["no", "no", "not sure"]:
        c.say(reply)
    assert c.slot("requested_slot") == "leg_symptoms"  # the gate parts are asked separately now
    c.say("yes")
    c.say("I don't know")
    assert c.slot("walking_standing_trigger") == "unsure"
    for reply in ["yes", "a block", "2 years"]:
        c.say(reply)
    c.say("I'd rather not say")
    assert c.slot("age_years") == "declined"


def test_person_off_topic_and_restart(talk):
    c = talk()
    c.say("hi")
    c.say("I want to talk to a real person")
    assert "781-927-PAIN" in c.texts() and "978-927-PAIN" in c.texts()
    c.say("what's the weather like tomorrow?")
    assert "only help with" in c.texts()
    c.say("no")
    assert c.slot("red_flags") == "no"
    c.say("start over")
    assert c.slot("red_flags") is None
    c.say("hi")
    assert RED_FLAG_Q in c.texts()


def test_appointment_request_with_a_bad_phone_number(talk):
    c = talk()
    answer_textbook_by_buttons(c)
    c.click("Yes")  # imaging
    c.click("No")  # blood thinners
    c.click("Yes, request an appointment")
    assert "What name" in c.texts()
    c.say("Mary Canary")
    c.say("12345")
    assert "doesn't look like a phone number" in c.texts()
    c.say("781-555-0123")
    c.click("Beverly")
    assert "Mary Canary" in c.texts() and "Beverly" in c.texts() and "781-555-0123" in c.texts()
    assert c.slot("contact_phone") == "781-555-0123"
    assert c.slot("preferred_office") == "Beverly"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "x" * 10_000,
        "😀😀😀🙃",
        "Me duele la espalda cuando camino",
        "<script>alert(1)</script>",
        "'; DROP TABLE events; --",
        "{{7*7}} ${jndi:ldap://x}",
        "\x00\x01\x02",
    ],
)
def test_bad_input_gets_a_reply_and_the_screening_continues(talk, bad):
    c = talk()
    c.say("hi")
    c.say("no")
    replies = c.say(bad)
    assert replies, "every message gets a reply"
    if "Before we go on" in c.texts():  # the learned reader may ask about odd words ("DROP")
        c.say("no")
    assert c.slot("requested_slot") == "urgent_flags"
    c.say("no")
    assert c.slot("urgent_flags") == "no"


# --- asking back: the flag question and the confirmation of a decisive answer -------------------


def start_at_urgent_question(c):
    c.say("hi")
    c.say("no")
    assert c.slot("requested_slot") == "urgent_flags"


def test_flag_question_yes_is_an_emergency(talk):
    c = talk()
    start_at_urgent_question(c)
    c.say("I keep tripping over my own foot more every day")
    text = c.texts()
    assert "Before we go on: you wrote “I keep tripping over my own foot more every day”" in text
    assert "getting weaker quickly" in text
    assert c.slot("requested_slot") == "red_flags" and c.slot("triage_outcome") is None
    c.say("yes")
    assert c.slot("triage_outcome") == "emergency"
    assert "911" in c.texts() and "appointment request" not in c.texts()


def test_flag_question_no_goes_back_to_the_open_question(talk):
    c = talk()
    start_at_urgent_question(c)
    c.say("I keep tripping over my own foot more every day")
    c.say("no, it's been like that for years")
    assert c.slot("triage_outcome") is None and c.slot("red_flags") == "no"
    assert c.slot("requested_slot") == "urgent_flags"
    assert "recent fall or injury" in c.texts()
    c.say("no")
    assert GATE_Q in c.texts()


def test_a_reply_that_repeats_the_flag_is_an_emergency(talk):
    c = talk()
    start_at_urgent_question(c)
    c.say("I can't tell when I need to pee anymore")
    assert "bladder or bowels" in c.texts()
    c.say("like I said, I can't tell when I need to pee")
    assert c.slot("triage_outcome") == "emergency"


def test_a_decisive_typed_answer_is_confirmed_before_the_outcome(talk):
    c = talk()
    for reply in ["hi", "no", "no", "yes"]:
        c.say(reply)
    assert c.slot("requested_slot") == "sitting_leaning_relief"
    c.say("sitting doesn't change a thing for me, the pain stays")
    assert "Just to be sure before I give you the result" in c.texts()
    assert c.slot("triage_outcome") is None
    c.say("yes")
    assert c.slot("triage_outcome") == "not_indicated"
    assert "circulation" in c.texts()


def test_a_rejected_confirmation_asks_the_question_again(talk):
    c = talk()
    for reply in ["hi", "no", "no", "yes"]:
        c.say(reply)
    c.say("sitting doesn't change a thing for me, the pain stays")
    c.say("no, that's not what I meant")
    assert c.slot("triage_outcome") is None and c.slot("sitting_leaning_relief") is None
    assert c.slot("requested_slot") == "sitting_leaning_relief"
    assert "ease when you sit" in c.texts()
    c.say("oh it does ease when I sit")
    assert c.slot("sitting_leaning_relief") == "yes"


def test_an_opening_the_bot_does_not_follow_offers_the_screening(talk):
    c = talk()
    c.say("qwzx vbnm plok")
    assert "Start the screening" in c.buttons()
    assert "check in a few questions whether a MILD consultation may suit you" in c.texts()
    c.say("/start_screening")
    assert c.slot("requested_slot") == "red_flags"
