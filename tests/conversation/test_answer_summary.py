"""The web chat reads the answers back ("Here is what I understood") before the outcome.

Only on the socket.io channel (the patients' page); REST and the staff console get the result
at once. Confirming shows the result; a change from the summary shows the summary again with
the new answer, and the outcome that follows follows the change.
"""

import pytest

from records import answer_summary
from tests.conversation.test_screening_conversations import answer_textbook_by_buttons

RECOMMEND_TITLE = "A consultation to discuss MILD looks appropriate"
TYPED = [
    "I have leg pain when I walk",
    "nope",
    "no",
    "yes, sitting down helps",
    "maybe a block",
    "2 yrs",
    "seventy-two",
    "PT and ibuprofen, didn't help",
    "had 2 epidurals, no relief",
    "never",
    "yes, the MRI showed stenosis",
    "no",
]


def of_type(c, kind):
    return [m["data"] for m in c.custom() if isinstance(m.get("data"), dict) and m["data"].get("type") == kind]


def summary_of(c):
    summaries = of_type(c, "answer_summary")
    assert len(summaries) == 1, c.replies
    return summaries[0]


def rows(summary):
    return {r["slot"]: r for r in summary["rows"]}


def option(summary, slot, title):
    for o in rows(summary)[slot]["options"]:
        if o["title"] == title:
            return o["payload"]
    raise AssertionError(f"no option {title!r} for {slot}: {rows(summary)[slot]['options']}")


def confirm(c, summary):
    return c.say(summary["confirm"]["payload"])


def by_buttons_on_the_web(talk):
    c = talk(channel="socketio")
    answer_textbook_by_buttons(c)
    c.click("Yes")  # imaging shows stenosis
    c.click("No")  # blood thinners
    return c


def test_typed_screening_gets_the_summary_then_the_result(talk):
    c = talk(channel="socketio")
    for text in TYPED:
        c.say(text)
    assert c.slot("triage_outcome") == "recommend_consult"
    summary = summary_of(c)
    # The summary instead of the result: no card, no appointment offer yet.
    assert summary["title"] == "Here is what I understood"
    assert of_type(c, "result_card") == []
    assert "Yes, request an appointment" not in c.buttons()
    assert c.slot("result_shown") is None and c.slot("summary_confirmed") is None
    r = rows(summary)
    assert r["warning_signs"]["value_label"] == "None" and r["warning_signs"]["options"] == []
    assert r["walking_tolerance"]["value_label"] == "50 feet to 2 blocks"
    assert r["walking_tolerance"]["words"] == "maybe a block"
    assert r["age_years"]["value_label"] == "72" and r["age_years"]["words"] == "seventy-two"
    assert r["symptom_duration_months"]["words"] == "2 yrs"
    assert [o["title"] for o in r["prior_back_surgery"]["options"]] == ["Yes"]

    confirm(c, summary)
    cards = of_type(c, "result_card")
    assert len(cards) == 1 and cards[0]["outcome"] == "recommend_consult"
    assert cards[0]["title"] == RECOMMEND_TITLE
    assert of_type(c, "answer_summary") == []
    assert "Yes, request an appointment" in c.buttons()
    assert c.slot("requested_slot") == "appointment_consent"
    assert c.slot("summary_confirmed") == answer_summary.summary_key(c.tracker().current_slot_values())
    assert c.slot("screening_status") == "finished"


@pytest.mark.parametrize(
    "slot, title, value, outcome",
    [
        ("sitting_leaning_relief", "No", "no", "not_indicated"),
        ("walking_tolerance", "More than 2 miles", "over_2_miles", "not_indicated"),
        ("injections", "Not tried", "not_tried", "possible_consult"),
    ],
)
def test_a_change_from_the_summary_shows_it_again_and_the_outcome_follows(talk, slot, title, value, outcome):
    c = by_buttons_on_the_web(talk)
    first = summary_of(c)
    assert rows(first)[slot]["words"] is None  # a button answer has no words
    c.say(option(first, slot, title))
    assert c.slot(slot) == value
    assert c.slot("triage_outcome") == outcome
    again = summary_of(c)  # the changed answers are read back again
    assert rows(again)[slot]["value_label"] == title
    assert title not in [o["title"] for o in rows(again)[slot]["options"]]
    assert of_type(c, "result_card") == []

    confirm(c, again)
    cards = of_type(c, "result_card")
    assert len(cards) == 1 and cards[0]["outcome"] == outcome
    offered = "Yes, request an appointment" in c.buttons()
    assert offered == (outcome != "not_indicated")


def test_a_typed_correction_after_the_result_is_read_back_before_the_new_result(talk):
    c = by_buttons_on_the_web(talk)
    confirm(c, summary_of(c))
    assert of_type(c, "result_card")[0]["outcome"] == "recommend_consult"
    c.click("No thanks")  # no appointment now
    c.say("actually I'm 45")
    assert c.slot("age_years") == 45
    summary = summary_of(c)
    assert rows(summary)["age_years"]["value_label"] == "45"
    assert rows(summary)["age_years"]["words"] == "actually I'm 45"
    confirm(c, summary)
    assert of_type(c, "result_card")[0]["outcome"] == "possible_consult"


def test_the_old_confirmation_does_not_cover_changed_answers(talk):
    c = by_buttons_on_the_web(talk)
    summary = summary_of(c)
    confirm(c, summary)
    key = c.slot("summary_confirmed")
    c.click("No thanks")
    c.say(option(summary, "blood_thinners", "Yes"))
    assert summary_of(c)  # asked again, although a summary was confirmed before
    assert c.slot("summary_confirmed") == key
    confirm(c, summary_of(c))
    assert c.slot("summary_confirmed") != key
    assert "Never stop it on your own" in "\n".join(of_type(c, "result_card")[0]["notes"])


def test_emergency_is_shown_at_once_without_a_summary(talk):
    c = talk(channel="socketio")
    c.say("hi")
    c.click("Yes, I have one of these")
    assert of_type(c, "answer_summary") == []
    assert of_type(c, "result_card")[0]["outcome"] == "emergency"


def test_rest_channel_gets_the_result_without_a_summary(talk):
    c = talk()  # REST
    answer_textbook_by_buttons(c)
    c.click("Yes")
    c.click("No")
    assert c.custom() == []
    assert RECOMMEND_TITLE in c.texts()
    assert "Yes, request an appointment" in c.buttons()


def test_start_over_clears_the_confirmation(talk):
    c = by_buttons_on_the_web(talk)
    confirm(c, summary_of(c))
    assert c.slot("summary_confirmed")
    c.say("/restart")
    assert c.slot("summary_confirmed") is None
