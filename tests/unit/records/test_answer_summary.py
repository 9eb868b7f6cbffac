"""screening.answer_summary: the answers read back before the outcome ("Here is what I understood")."""

import json

import pytest

from records import answer_summary as s
from records import questions
from screening import questionnaire

TEXTBOOK = {
    "red_flags": "no",
    "urgent_flags": "no",
    "leg_symptoms": "yes",
    "walking_standing_trigger": "yes",
    "sitting_leaning_relief": "yes",
    "walking_tolerance": "50_feet_to_2_blocks",
    "symptom_duration_months": 24,
    "age_years": 72,
    "conservative_care": "failed",
    "injections": "failed",
    "prior_back_surgery": "no",
    "imaging_stenosis": "yes",
    "blood_thinners": "no",
}
SOURCES = {
    "red_flags": {"how": "stated", "words": "no, none of those", "value": "no"},
    "urgent_flags": {"how": "button", "words": None, "value": "no"},
    "leg_symptoms": {"how": "button", "words": None, "value": "yes"},
    "walking_tolerance": {"how": "stated", "words": "about a block", "value": "50_feet_to_2_blocks"},
    "symptom_duration_months": {"how": "stated", "words": "about 2 years", "value": 24},
    "age_years": {"how": "stated", "words": "I'm 72", "value": 72},
    "conservative_care": {"how": "stated", "words": "PT for months, it didn't help " * 4, "value": "failed"},
}


def rows_by_slot(summary):
    return {r["slot"]: r for r in summary["rows"]}


def test_shape_title_and_confirm_button():
    summary = s.answer_summary(TEXTBOOK, SOURCES)
    assert summary["type"] == "answer_summary"
    assert summary["title"] == "Here is what I understood"
    assert summary["confirm"] == {"title": "That's right, show my result", "payload": "/confirm_summary"}
    for row in summary["rows"]:
        assert set(row) == {"slot", "label", "value_label", "words", "options"}
    json.dumps(summary)  # sent as a json message


def test_rows_in_questionnaire_order_with_one_row_for_the_warning_signs():
    summary = s.answer_summary(TEXTBOOK, SOURCES)
    slots = [r["slot"] for r in summary["rows"]]
    expected = [x for x in questionnaire.SLOTS if x not in ("red_flags", "urgent_flags")]
    assert slots == ["warning_signs"] + expected
    flags = summary["rows"][0]
    assert (flags["label"], flags["value_label"], flags["options"]) == ("Warning signs", "None", [])
    assert flags["words"] == "no, none of those"
    assert "warning sign" in summary["note"] and "Type it" in summary["note"]


def test_only_answered_slots_get_a_row():
    answers = {"red_flags": "no", "urgent_flags": "no", "leg_symptoms": "no"}
    summary = s.answer_summary(answers, {})
    assert [r["slot"] for r in summary["rows"]] == ["warning_signs", "leg_symptoms"]
    assert "number" not in summary["note"]  # no duration or age row to type


def test_labels_come_from_the_reviewers_dictionaries():
    rows = rows_by_slot(s.answer_summary(TEXTBOOK, SOURCES))
    assert rows["walking_tolerance"]["label"] == questions.SHORT["walking_tolerance"]
    assert rows["walking_tolerance"]["value_label"] == "50 feet to 2 blocks"
    assert rows["conservative_care"]["value_label"] == "Tried, not enough relief"
    assert rows["symptom_duration_months"]["value_label"] == "24 months"
    assert rows["age_years"]["value_label"] == "72"


def test_words_are_the_persons_and_null_for_buttons():
    rows = rows_by_slot(s.answer_summary(TEXTBOOK, SOURCES))
    assert rows["walking_tolerance"]["words"] == "about a block"
    assert rows["age_years"]["words"] == "I'm 72"
    assert rows["leg_symptoms"]["words"] is None  # a button answer
    assert rows["prior_back_surgery"]["words"] is None  # no source at all
    assert rows["conservative_care"]["words"].startswith("PT for months")  # full text: the page ellipsizes


def test_words_of_an_older_value_are_not_shown():
    sources = {"age_years": {"how": "stated", "words": "I'm 72", "value": 72}}
    rows = rows_by_slot(s.answer_summary(dict(TEXTBOOK, age_years=68), sources))
    assert rows["age_years"]["words"] is None


@pytest.mark.parametrize("slot", [x for x in questionnaire.ALLOWED_VALUES if x not in ("red_flags", "urgent_flags")])
def test_options_are_the_other_allowed_values_as_inform_payloads(slot):
    row = rows_by_slot(s.answer_summary(TEXTBOOK, SOURCES))[slot]
    current = TEXTBOOK[slot]
    others = [v for v in questionnaire.ALLOWED_VALUES[slot] if v != current]
    assert [o["payload"] for o in row["options"]] == ['/inform{"' + slot + '":"' + v + '"}' for v in others]
    assert [o["title"] for o in row["options"]] == [questions.OPTIONS[slot][v] for v in others]
    for option in row["options"]:
        assert json.loads(option["payload"][len("/inform") :]) in [{slot: v} for v in others]


def test_payload_format_matches_the_domain_buttons():
    # domain.yml writes '/inform{{"walking_tolerance":"under_50_feet"}}' (braces doubled for templating)
    assert s.payload("walking_tolerance", "under_50_feet") == '/inform{"walking_tolerance":"under_50_feet"}'


def test_number_slots_have_no_options_and_the_note_says_to_type():
    summary = s.answer_summary(TEXTBOOK, SOURCES)
    rows = rows_by_slot(summary)
    assert rows["symptom_duration_months"]["options"] == []
    assert rows["age_years"]["options"] == []
    assert "type the right number" in summary["note"]
    assert "how long you have had the symptoms" in summary["note"] and "your age" in summary["note"]


def test_declined_age_reads_as_declined():
    rows = rows_by_slot(s.answer_summary(dict(TEXTBOOK, age_years="declined"), {}))
    assert rows["age_years"]["value_label"] == "Declined to say"
    assert rows["age_years"]["options"] == []


def test_key_is_short_stable_and_changes_with_any_answer():
    key = s.summary_key(TEXTBOOK)
    assert key == s.summary_key(dict(TEXTBOOK)) and len(key) == 12
    assert s.summary_key({**TEXTBOOK, "result_shown": "x", "requested_slot": None}) == key  # answers only
    assert s.summary_key(dict(reversed(list(TEXTBOOK.items())))) == key  # order-free
    for slot, value in [
        ("sitting_leaning_relief", "no"),
        ("walking_tolerance", "over_2_miles"),
        ("age_years", 68),
        ("symptom_duration_months", 24.5),
        ("blood_thinners", None),
    ]:
        assert s.summary_key(dict(TEXTBOOK, **{slot: value})) != key, slot


def test_needs_confirmation():
    key = s.summary_key(TEXTBOOK)
    assert s.needs_confirmation("recommend_consult", TEXTBOOK, None)
    assert not s.needs_confirmation("recommend_consult", TEXTBOOK, key)
    assert s.needs_confirmation("recommend_consult", dict(TEXTBOOK, age_years=68), key)
    assert not s.needs_confirmation("emergency", dict(TEXTBOOK, red_flags="yes"), None)
    assert not s.needs_confirmation("urgent_review", dict(TEXTBOOK, urgent_flags="yes"), None)
    assert not s.needs_confirmation(None, {}, None)
