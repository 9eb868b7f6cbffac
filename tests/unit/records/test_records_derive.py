"""Screening records derived from tracker events (records.derive)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from records.derive import derive_from_tracker, derive_screenings, parse_payload, payload_label, split_screenings

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
REPO_ROOT = Path(__file__).resolve().parents[3]


def load(name: str) -> dict:
    return json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))


def only(name: str) -> dict:
    records = derive_from_tracker(load(name))
    assert len(records) == 1, [r["screening_id"] for r in records]
    return records[0]


def values(record: dict) -> dict:
    return {slot: a["value"] for slot, a in record["answers"].items()}


# --- the hand-built fixtures (tests/data/trackers/build_fixtures.py) -----------------------------


def test_finished_screening_has_outcome_reasons_notes_and_words():
    r = only("finished_recommend")
    assert r["status"] == "finished" and r["abandoned_at"] is None
    assert r["outcome"] == "recommend_consult"
    assert r["rules_version"] == "1"
    assert r["channel"] == "web" and r["answered_by"] == "patient" and r["staff_name"] is None
    assert r["input_channels"] == ["socketio"]
    assert [n["code"] for n in r["notes"]] == ["blood_thinners", "medicare"]
    assert "injections_failed" in [x["code"] for x in r["reasons"]]
    assert values(r)["age_years"] == 71
    assert values(r)["symptom_duration_months"] == 24.0
    # One message answered four questions: each answer keeps those words.
    words = "yes both legs get heavy and numb after I walk about a block, sitting down helps right away"
    for slot in ("leg_symptoms", "walking_standing_trigger", "sitting_leaning_relief", "walking_tolerance"):
        assert r["answers"][slot]["words"] == words
    assert r["answers"]["age_years"]["words"] == "I'm 71"
    assert r["answers"]["age_years"]["history"] == []
    assert r["started"].startswith("2025-11-17T08:00:00") and r["ended"] > r["started"]
    assert r["answers"]["age_years"]["at"] >= r["answers"]["symptom_duration_months"]["at"]


def test_appointment_request_is_part_of_the_record():
    r = only("finished_recommend")
    assert r["appointment"] == {
        "consent": "yes",
        "name": "Margaret Ellis",
        "phone": "781-555-0142",
        "office": "Woburn",
        "requested": True,
    }


def test_button_clicks_show_the_button_title_and_keep_the_payload():
    r = only("finished_recommend")
    red = r["answers"]["red_flags"]
    assert red["words"] == "No" and red["payload"] == '/inform{"red_flags":"no"}'
    user_lines = [m for m in r["transcript"] if m["from"] == "user"]
    assert user_lines[-1]["text"] == "Woburn"
    assert user_lines[-1]["payload"] == '/inform{"preferred_office":"Woburn"}'
    assert {"from", "text", "at"} <= set(user_lines[0])


def test_buttons_only_gate_question_sets_two_answers_with_one_click():
    r = only("buttons_only")
    assert r["outcome"] == "possible_consult" and r["status"] == "finished"
    gate = '/inform{"leg_symptoms":"yes","walking_standing_trigger":"yes"}'
    for slot in ("leg_symptoms", "walking_standing_trigger"):
        assert r["answers"][slot]["value"] == "yes"
        assert r["answers"][slot]["words"] == "Yes"
        assert r["answers"][slot]["payload"] == gate
    assert r["answers"]["walking_tolerance"]["words"] == "Less than 50 feet"
    assert r["answers"]["age_years"] == {
        **r["answers"]["age_years"],
        "value": "declined",
        "words": "I'd rather not say",
    }
    assert r["answers"]["symptom_duration_months"]["words"] == "a year and a half"
    assert "payload" not in r["answers"]["symptom_duration_months"]
    assert not any(m["text"].startswith("/") for m in r["transcript"] if m["from"] == "user")


def test_correction_keeps_both_values_with_their_words():
    r = only("correction")
    age = r["answers"]["age_years"]
    assert age["value"] == 54 and age["words"] == "sorry I typed that wrong, I'm 54"
    assert [(h["value"], h["words"]) for h in age["history"]] == [(45, "45")]
    assert age["history"][0]["at"] < age["at"]
    walk = r["answers"]["walking_tolerance"]
    assert walk["value"] == "50_feet_to_2_blocks"
    assert [(h["value"], h["words"]) for h in walk["history"]] == [("2_blocks_to_2_miles", "maybe half a mile")]
    assert r["answers"]["injections"]["history"] == []
    assert r["appointment"] == {"consent": "no", "name": None, "phone": None, "office": None, "requested": False}


def test_abandonment_midway_names_the_open_question():
    r = only("abandoned")
    assert r["status"] == "abandoned"
    assert r["abandoned_at"] == "walking_tolerance"
    assert r["outcome"] is None and r["reasons"] == []
    assert r["asked"] == ["red_flags", "urgent_flags", "leg_symptoms", "sitting_leaning_relief", "walking_tolerance"]
    assert values(r) == {
        "red_flags": "no",
        "urgent_flags": "no",
        "leg_symptoms": "yes",
        "walking_standing_trigger": "yes",
        "sitting_leaning_relief": "unsure",
    }
    # The FAQ detour is in the transcript.
    assert any(m.get("intent") == "faq_what_is_mild" for m in r["transcript"])


def test_red_flag_mentioned_midway_is_an_emergency():
    r = only("emergency")
    assert r["emergency"] is True
    assert r["outcome"] == "emergency" and r["status"] == "finished"
    red = r["answers"]["red_flags"]
    assert red["value"] == "yes"
    assert red["words"] == "yes, and I also can't control my bladder since yesterday"
    assert [h["value"] for h in red["history"]] == ["no"]


def test_staff_entered_screening_names_the_staff_member():
    r = only("staff_entered")
    assert r["channel"] == "staff" and r["answered_by"] == "staff"
    assert r["staff_name"] == "Dana Whitfield"
    assert r["input_channels"] == ["staff"]
    assert r["outcome"] == "conservative_first"
    assert r["answers"]["symptom_duration_months"] == {
        **r["answers"]["symptom_duration_months"],
        "value": 1.5,
        "words": "6 weeks",
    }


def test_restart_gives_two_screenings_in_one_conversation():
    first, second = derive_from_tracker(load("restart_two"))
    assert first["sender_id"] == second["sender_id"] == "web-r35t4r7x"
    assert first["screening_id"] != second["screening_id"]
    assert first["status"] == "abandoned" and first["abandoned_at"] == "leg_symptoms" and first["outcome"] is None
    assert second["status"] == "finished" and second["outcome"] == "not_indicated"
    assert values(first) == {"red_flags": "no", "urgent_flags": "no"}
    assert values(second) == {"red_flags": "no", "urgent_flags": "no", "leg_symptoms": "no"}
    # No answer leaks from the first screening into the second as a correction.
    assert all(not a["history"] for a in second["answers"].values())
    # "/restart" opens the second screening's transcript; the first ends with its last question.
    assert second["transcript"][0]["text"] == "Restart"
    assert second["transcript"][0]["payload"] == "/restart"
    assert first["transcript"][-1]["from"] == "bot"
    assert first["ended"] <= second["started"]


@pytest.mark.parametrize("name", sorted(p.stem for p in TRACKERS.glob("*.json")))
def test_records_are_json_serialisable_and_deterministic(name):
    a = derive_from_tracker(load(name))
    b = derive_from_tracker(load(name))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# --- small hand-written event lists ------------------------------------------------------------


def user(text, t, intent="inform"):
    return {
        "event": "user",
        "timestamp": t,
        "text": text,
        "parse_data": {"intent": {"name": intent}},
        "input_channel": "socketio",
        "metadata": {},
    }


def slot(name, value, t):
    return {"event": "slot", "timestamp": t, "name": name, "value": value}


def bot(text, t, buttons=None):
    return {"event": "bot", "timestamp": t, "text": text, "data": {"buttons": buttons}}


def test_new_screening_id_without_restart_starts_a_new_screening():
    events = [
        slot("screening_id", "a" * 32, 1),
        slot("requested_slot", "red_flags", 2),
        bot("Red flags?", 3),
        user("no", 4),
        slot("red_flags", "no", 5),
        slot("requested_slot", "urgent_flags", 6),
        user("start over please", 10, intent="restart"),
        slot("screening_id", "b" * 32, 11),
        slot("requested_slot", "red_flags", 12),
        user("no", 13),
        slot("red_flags", "no", 14),
        slot("requested_slot", "urgent_flags", 15),
    ]
    first, second = derive_screenings(events, "c1")
    assert (first["screening_id"], second["screening_id"]) == ("a" * 32, "b" * 32)
    assert first["abandoned_at"] == "urgent_flags" and second["abandoned_at"] == "urgent_flags"
    assert second["transcript"][0]["text"] == "start over please"
    assert second["answers"]["red_flags"]["history"] == []


def test_greeting_only_conversation_has_no_screening():
    events = [
        user("hi", 1, "greet"),
        bot("Hello!", 2),
        user("what is mild?", 3, "faq_what_is_mild"),
        bot("MILD is ...", 4),
        slot("screening_id", "c" * 32, 0.5),
    ]
    assert derive_screenings(events, "c2") == []


def test_slots_restored_at_session_start_are_not_answers_or_corrections():
    events = [
        slot("requested_slot", "red_flags", 1),
        user("no", 2),
        slot("red_flags", "no", 3),
        {"event": "session_started", "timestamp": 100},
        slot("red_flags", "no", 101),
        slot("requested_slot", "red_flags", 102),
        user("no", 103),
        slot("urgent_flags", "no", 104),
    ]
    (r,) = derive_screenings(events, "c3")
    assert r["answers"]["red_flags"]["words"] == "no" and r["answers"]["red_flags"]["history"] == []


def test_rewind_undoes_the_slots_of_the_reverted_message():
    events = [
        slot("requested_slot", "age_years", 1),
        user("I'm 70", 2),
        slot("age_years", 70, 3),
        user("blah", 4),
        slot("age_years", 7, 5),
        {"event": "rewind", "timestamp": 6},
    ]
    (r,) = derive_screenings(events, "c4")
    assert r["answers"]["age_years"]["value"] == 70 and r["answers"]["age_years"]["history"] == []
    assert [m["text"] for m in r["transcript"]] == ["I'm 70", "blah"]


def test_cleared_answer_is_withdrawn_but_kept():
    events = [
        slot("requested_slot", "conservative_care", 1),
        user("yes I tried PT", 2),
        slot("conservative_care", "failed", 3),
        user("actually let me think", 4),
        slot("conservative_care", None, 5),
    ]
    (r,) = derive_screenings(events, "c5")
    assert "conservative_care" not in r["answers"]
    assert r["cleared_answers"]["conservative_care"]["history"][0]["value"] == "failed"


def test_outcome_then_note_questions_left_open_is_abandoned_with_outcome():
    events = [
        slot("requested_slot", "prior_back_surgery", 1),
        user("no", 2),
        slot("prior_back_surgery", "no", 3),
        slot("triage_outcome", "recommend_consult", 4),
        slot("requested_slot", "imaging_stenosis", 5),
    ]
    (r,) = derive_screenings(events, "c6")
    assert r["outcome"] == "recommend_consult"
    assert r["status"] == "abandoned" and r["abandoned_at"] == "imaging_stenosis"


def test_outcome_with_form_ended_is_finished_even_if_a_later_form_is_left_open():
    events = [
        slot("requested_slot", "leg_symptoms", 1),
        user("no", 2),
        slot("leg_symptoms", "no", 3),
        slot("triage_outcome", "not_indicated", 4),
        slot("requested_slot", None, 5),
        slot("appointment_consent", "yes", 6),
        slot("requested_slot", "contact_name", 7),
    ]
    (r,) = derive_screenings(events, "c7")
    assert r["status"] == "finished" and r["abandoned_at"] is None
    assert r["appointment"]["requested"] is False


def test_split_screenings_covers_every_event_once():
    tracker = load("restart_two")
    bounds = split_screenings(tracker["events"])
    assert bounds[0][0] == 0 and bounds[-1][1] == len(tracker["events"])
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))


@pytest.mark.parametrize(
    "text,expected",
    [
        ('/inform{"walking_tolerance":"under_50_feet"}', ("inform", {"walking_tolerance": "under_50_feet"})),
        ("/affirm", ("affirm", {})),
        ("/restart", ("restart", {})),
        ("I walk about a block", None),
        ("/inform{not json", None),
        ("", None),
    ],
)
def test_parse_payload(text, expected):
    assert parse_payload(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("/start_screening", "Start screening"),
        ('/inform{"walking_tolerance":"under_50_feet"}', "Less than 50 feet"),
        ('/inform{"preferred_office":"Beverly"}', "Beverly"),
        ("plain words", "plain words"),
    ],
)
def test_payload_label_for_payloads_without_a_button(text, expected):
    assert payload_label(text) == expected


def test_records_package_does_not_import_rasa():
    code = (
        "import sys, records.derive, records.store, records.fhir, records.export, records.__main__; "
        "bad = [m for m in sys.modules if m == 'rasa' or m.startswith(('rasa.', 'rasa_sdk'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)


def test_reasons_and_notes_stored_as_codes_get_their_wording():
    events = [
        slot("requested_slot", "symptom_duration_months", 1),
        user("6 weeks", 2),
        slot("symptom_duration_months", 1.5, 3),
        slot("age_years", 70, 3.1),
        slot("triage_outcome", "conservative_first", 4),
        slot("triage_reasons", [{"code": "short_duration", "slot": "symptom_duration_months", "value": 1.5}], 5),
        slot("triage_notes", [{"code": "medicare"}], 6),
        slot("requested_slot", None, 7),
    ]
    (r,) = derive_screenings(events, "c8")
    assert r["reasons"][0]["text"].startswith("Your symptoms started about 1.5 months ago")
    assert r["reasons"][0]["slot"] == "symptom_duration_months"
    assert "Medicare" in r["notes"][0]["text"]


# --- dumps of the real assistant (tests/data/trackers/capture_real.py) ---------------------------


def test_real_textbook_case_by_buttons_with_appointment_request():
    r = only("real_buttons_recommend_appointment")
    assert r["status"] == "finished" and r["outcome"] == "recommend_consult" and r["rules_version"] == "1"
    assert r["channel"] == "web" and r["answered_by"] == "patient" and r["input_channels"] == ["rest"]
    assert len(r["answers"]) == 13
    assert r["answers"]["red_flags"]["words"] == "No, none of these"
    assert r["answers"]["red_flags"]["payload"] == '/inform{"red_flags":"no"}'
    assert r["answers"]["age_years"] == {**r["answers"]["age_years"], "value": 72, "words": "I'm 72"}
    assert r["answers"]["symptom_duration_months"]["value"] == 24
    assert {x["code"] for x in r["reasons"]} >= {"conservative_care_failed", "injections_failed"}
    assert all(x["text"] for x in r["reasons"] + r["notes"])
    assert r["appointment"]["requested"] and r["appointment"]["office"] == "Woburn"
    assert r["appointment"]["name"] == "Margaret Testrecord"
    assert not any(m["text"].startswith("/") for m in r["transcript"])


def test_real_typed_correction():
    r = only("real_typed_correction")
    age = r["answers"]["age_years"]
    assert age["value"] == 55 and "55" in age["words"]
    assert [(h["value"], h["words"]) for h in age["history"]] == [(45, "I'm 45")]
    assert r["answers"]["walking_tolerance"]["words"] == "about a block"
    assert r["outcome"] == "recommend_consult" and r["appointment"]["consent"] == "no"


def test_real_abandonment():
    r = only("real_abandoned")
    assert r["status"] == "abandoned" and r["abandoned_at"] == "walking_tolerance" and r["outcome"] is None


def test_real_emergency_midway():
    r = only("real_emergency")
    assert r["emergency"] and r["outcome"] == "emergency" and r["status"] == "finished"
    assert "bladder" in r["answers"]["red_flags"]["words"]
    assert [h["value"] for h in r["answers"]["red_flags"]["history"]] == ["no"]


def test_real_staff_entered():
    r = only("real_staff_entered")
    assert r["channel"] == "staff" and r["answered_by"] == "staff" and r["staff_name"] == "Dana Testagent"
    assert r["input_channels"] == ["staff"]
    assert r["outcome"] == "conservative_first" and r["status"] == "finished"
    assert r["answers"]["symptom_duration_months"]["value"] == 1.5
    assert any(m.get("card", {}).get("outcome") == "conservative_first" for m in r["transcript"])


def test_real_restart_gives_two_screenings():
    first, second = derive_from_tracker(load("real_restart_two"))
    assert first["screening_id"] != second["screening_id"]
    assert first["status"] == "abandoned" and first["abandoned_at"] == "leg_symptoms"
    assert second["status"] == "finished" and second["outcome"] == "not_indicated"
    assert second["transcript"][0]["payload"] == "/restart"
    assert all(not a["history"] for a in second["answers"].values())


def test_a_typed_slash_intent_shows_as_the_words_typed_not_as_a_button():
    # issue 15: "/nonexistent_intent" typed into the chat was shown as "Nonexistent intent [button]".
    events = [
        {
            "event": "user",
            "text": "/start_screening",
            "timestamp": 1.0,
            "input_channel": "socketio",
            "parse_data": {"intent": {"name": "start_screening"}, "metadata": {}},
        },
        {"event": "slot", "name": "screening_id", "value": "s1", "timestamp": 1.1},
        {"event": "slot", "name": "requested_slot", "value": "red_flags", "timestamp": 1.2},
        {
            "event": "user",
            "text": "/nonexistent_intent",
            "timestamp": 2.0,
            "input_channel": "socketio",
            "parse_data": {"intent": {"name": "nonexistent_intent"}, "metadata": {}},
        },
        {
            "event": "user",
            "text": "/confirm_answers",
            "timestamp": 3.0,
            "input_channel": "socketio",
            "parse_data": {"intent": {"name": "confirm_answers"}, "metadata": {"display": "That's right"}},
        },
    ]
    users = [m for m in derive_screenings(events, "abc")[0]["transcript"] if m["from"] == "user"]
    assert users[0]["text"] == "Start screening" and users[0]["payload"] == "/start_screening"
    assert users[1]["text"] == "/nonexistent_intent" and "payload" not in users[1]
    assert users[2]["text"] == "That's right" and "payload" in users[2]  # a page button: its title


def test_the_answer_summary_the_patient_saw_is_in_the_transcript_with_their_words():
    from records.answer_summary import answer_summary

    answers = {"red_flags": "no", "urgent_flags": "no", "leg_symptoms": "yes", "age_years": 71}
    sources = {"age_years": {"words": "I'm 71", "value": 71, "how": "stated"}}
    card = {
        "event": "bot",
        "timestamp": 6,
        "text": None,
        "data": {"custom": {"data": answer_summary(answers, sources)}},
    }
    events = [
        slot("screening_id", "d" * 32, 1),
        slot("requested_slot", "age_years", 2),
        user("I'm 71", 3),
        slot("age_years", 71, 4),
        card,
        user("/confirm_summary", 7, intent="confirm_summary"),
    ]
    (r,) = derive_screenings(events, "c9")
    [line] = [e["text"] for e in r["transcript"] if e["from"] == "bot"]
    assert line.startswith("Here is what I understood: ")
    assert "\u201cI'm 71\u201d" in line and "Warning signs: None" in line
